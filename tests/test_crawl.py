"""Crawls through Scrapy's real downloader against servers on 127.0.0.1, and the verdicts they get."""

from __future__ import annotations

import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from modeltrail.flows import steps
from modeltrail.spiders import replay
from tests.conftest import CAPTURES


def verdict(source, out):
    load = steps.build_load(source, out, None)
    return (load.status, load.reasons), load.cards


SEARCH = "https://ai.azure.com/api/eastus/ux/v1.0/entities/crossRegion"


@pytest.mark.slow
def test_replay_crawl_of_azure(tmp_path):
    with replay.serve(CAPTURES) as base:
        out = steps.crawl("azure", tmp_path / "azure", replay=base, timeout=120)
    assert out.stats is not None and out.stats["finish_reason"] == "finished"
    # the catalog's search API, page after page by continuation token ...
    api = [p for p in out.pages if p.page_kind == "card"]
    assert [p.url for p in api] == [f"{SEARCH}#page={n}" for n in (1, 2, 3)]
    assert {p.via for p in api} == {"api"} and all(p.ok for p in api)
    # ... and each listed model's own catalog page, for what only the page states (3 are captured)
    details = {p.url.rsplit("/", 1)[1]: p for p in out.pages if p.page_kind == "detail"}
    assert len(details) == 19 and len(out.pages) == 3 + 19
    assert {n for n, p in details.items() if p.ok} == {"gpt-4o", "o1-mini", "o3-mini"}
    load = steps.build_load("azure", out, None)
    assert load.status == "complete", load.reasons  # a missing detail page is a note, not a failure
    assert load.notes == ["model pages: 16 of 19 not fetched (first: https://ai.azure.com/catalog/models/"
                          f"{min(n for n, p in details.items() if not p.ok)}: HTTP 404); their cards hold what "
                          "the API states"]
    cards = load.cards
    ids = sorted(c.source_model_id for c in cards)
    assert len(ids) == 19 and {"gpt-4o", "o1-mini", "o3-mini", "Phi-4-mini-instruct", "grok-4.3"} <= set(ids)
    # records carry the model's catalog page, and the page that stated the values
    assert all(c.url == f"https://ai.azure.com/catalog/models/{c.source_model_id}" for c in cards)
    assert {c.page_sha256 for c in cards} <= {p.sha256 for p in out.pages if p.ok}
    o3 = next(c for c in cards if c.source_model_id == "o3-mini")
    # the page's benchmark, merged into the API's card, keeps the page that stated it
    assert o3.benchmarks and all(b._url == details["o3-mini"].url for b in o3.benchmarks)
    assert o3.context_window == 200_000 and o3.version  # the API's values


@pytest.mark.slow
def test_replay_crawl_of_leaderboard_follows_relative_links(tmp_path):
    with replay.serve(CAPTURES) as base:
        out = steps.crawl("leaderboard", tmp_path / "lb", replay=base, timeout=120)
    (status, reasons), cards = verdict("leaderboard", out)
    assert status == "complete", reasons
    ids = sorted(c.source_model_id for c in cards)
    assert "meta/Llama 3.1 405B" in ids and "deepseek/DeepSeek-R1 (0528)" in ids and "openai/o3-mini" in ids
    kinds = {p.url.split("/main/")[1].split("/")[0] for p in out.pages}
    assert {"README.md", "labs", "architectures", "rankings", "models"} <= kinds


@pytest.mark.slow
def test_missing_page_makes_a_partial_run(tmp_path):
    root = tmp_path / "captures"
    shutil.copytree(CAPTURES / "ai.azure.com", root / "ai.azure.com")
    (root / "ai.azure.com/catalog/models/gpt-4o").unlink()
    with replay.serve(root) as base:
        out = steps.crawl("azure", tmp_path / "azure", replay=base, timeout=120, fetch="plain")
    (status, reasons), cards = verdict("azure", out)
    assert status == "partial"
    assert any("HTTP 404" in r and "gpt-4o" in r for r in reasons), reasons
    assert len(cards) == 2


class Always500(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


@pytest.mark.slow
def test_server_answering_500_everywhere_fails_the_source(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Always500)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = steps.crawl("azure", tmp_path / "azure", replay=f"http://127.0.0.1:{server.server_address[1]}",
                          timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    (status, reasons), cards = verdict("azure", out)
    assert status == "failed" and cards == []
    # robots.txt answers 500 first: the host is closed for the run (fail closed), no page is asked for
    assert reasons[0].startswith("robots.txt of ai.azure.com failed (HTTP 500)")
    assert len(reasons) == 1  # the pages it held back are not listed again as failures of their own
    assert Always500.hits == 3  # robots.txt and its two retries, nothing more


@pytest.mark.slow
def test_unreachable_host_fails_with_a_one_line_reason(tmp_path):
    with socket.socket() as s:  # a loopback port with nobody listening: what "no network" looks like
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = steps.crawl("azure", tmp_path / "azure", replay=f"http://127.0.0.1:{port}", timeout=120)
    (status, reasons), _ = verdict("azure", out)
    assert status == "failed"
    assert all("\n" not in r for r in reasons)
    # robots.txt is the first request: the one reason names the refused connection
    assert reasons[0].startswith("robots.txt of ai.azure.com failed (") and "refused" in reasons[0].lower()
    assert len(reasons) == 1 and len(reasons[0]) < 250


def test_crawl_that_dies_without_stats_is_failed(tmp_path):
    out = steps.read_crawl("azure", tmp_path, returncode=-9, log="Killed")
    (status, reasons), _ = verdict("azure", out)
    assert status == "failed" and "no stats" in reasons[0]


def test_replay_server_never_serves_outside_its_folder(tmp_path):
    (tmp_path / "inside").mkdir()
    (tmp_path / "secret.txt").write_text("no")
    assert replay.resolve(tmp_path / "inside", "/../secret.txt") is None
    assert replay.resolve(tmp_path / "inside", "/%2e%2e/secret.txt") is None
    assert replay.resolve(tmp_path / "inside", "/a%00b") is None


@pytest.mark.parametrize("path,kind", [("x.md", "text/plain; charset=utf-8"), ("page", "text/html; charset=utf-8")])
def test_replay_content_types(tmp_path, path, kind):
    (tmp_path / path).write_text("<html></html>" if kind.startswith("text/html") else "# md")
    assert replay.content_type(tmp_path / path, (tmp_path / path).read_bytes()) == kind
