"""Faults on the wire, driven by a fault-injecting server on 127.0.0.1 and crawled by the real Scrapy
downloader. Each test names the behaviour it shows; docs/reliability.md lists them with figures."""

from __future__ import annotations

import gzip
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import pytest

from modeltrail.flows import steps
from modeltrail.spiders.crawl import settings as crawl_settings
from modeltrail.spiders.middleware import retry_after_seconds
from tests.conftest import CAPTURES
from tests.faultserver import FaultServer, body, drop, hang, redirect, sequence, status, truncated

AZ = "/ai.azure.com/catalog/models"
O1 = AZ + "/o1-mini"
PAGE_O1 = (CAPTURES / "ai.azure.com/catalog/models/o1-mini").read_bytes()


def crawl(srv, tmp_path, source="azure", **kw):
    """A crawl of the faulty server. Azure's model pages are fetched as pages here (not through its JSON
    endpoint): the faults below are set on those pages."""
    t0 = time.monotonic()
    kw.setdefault("fetch", "plain")
    out = steps.crawl(source, tmp_path / f"crawl-{time.monotonic_ns()}", replay=srv.url, timeout=120, **kw)
    out.seconds = time.monotonic() - t0
    cards, problems, card_pages = steps.parse_pages(source, out.pages)
    status_, reasons, _ = steps.judge(source, out, cards, problems, card_pages)
    return out, status_, reasons, {c.source_model_id: c for c in cards}


def page(out, suffix):
    (p,) = [p for p in out.pages if p.url.endswith(suffix)]
    return p


@pytest.fixture
def srv():
    with FaultServer(CAPTURES) as s:
        yield s


# --- 500s and timeouts -----------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_500_is_retried_twice_with_backoff_then_the_page_fails_and_the_run_goes_on(srv, tmp_path):
    srv.fault(O1, status(500))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    hits = [t for _, _, t in srv.hits(O1)]
    assert len(hits) == 3  # RETRY_TIMES = 2
    assert hits[1] - hits[0] >= 0.2 and hits[2] - hits[1] >= 0.4  # replay backoff: 0.2 s * 2^n
    assert page(out, "/o1-mini").error == "HTTP 500"
    assert verdict == "partial" and any("o1-mini: HTTP 500" in r for r in reasons), reasons
    assert sorted(cards) == ["gpt-4o", "o3-mini"]


@pytest.mark.slow
def test_a_server_slower_than_the_timeout_gives_up_in_bounded_time(srv, tmp_path, monkeypatch):
    monkeypatch.setenv("MODELTRAIL_DOWNLOAD_TIMEOUT", "1")
    srv.fault(O1, hang(30))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert len(srv.hits(O1)) == 3
    assert "TimeoutError" in page(out, "/o1-mini").error
    assert out.seconds < 15  # 3 attempts x 1 s + backoff, not 3 x 30 s
    assert verdict == "partial" and sorted(cards) == ["gpt-4o", "o3-mini"]


@pytest.mark.slow
def test_a_dropped_connection_is_retried_and_a_later_success_counts(srv, tmp_path):
    srv.fault(O1, sequence(drop, None))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert len(srv.hits(O1)) == 2
    assert verdict == "complete", reasons
    assert "o1-mini" in cards


# --- 429 / 503 with Retry-After ------------------------------------------------------------------------

@pytest.mark.slow
def test_retry_after_is_honoured(srv, tmp_path):
    srv.fault(O1, sequence(status(429, {"Retry-After": "2"}), None))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    (first, _, t1), (second, _, t2) = srv.hits(O1)
    assert t2 - t1 >= 1.9  # waited as asked, not the 0.2 s backoff
    assert verdict == "complete", reasons
    assert out.stats["retry/retry_after_honoured"] == 1


@pytest.mark.slow
def test_retry_after_as_an_http_date_is_honoured(srv, tmp_path):
    # (set before the crawl starts: a crawl process that takes seconds to start on a busy machine must
    # still meet a date ahead of it)
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=12), usegmt=True)
    srv.fault(O1, sequence(status(503, {"Retry-After": when}), None))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    (_, _, t1), (_, _, t2) = srv.hits(O1)
    assert t2 - t1 >= 1.0  # the header has a resolution of one second
    assert verdict == "complete", reasons


@pytest.mark.slow
def test_a_retry_after_beyond_the_maximum_wait_fails_the_page_at_once(srv, tmp_path):
    srv.fault(O1, status(503, {"Retry-After": "3600"}))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert len(srv.hits(O1)) == 1
    assert page(out, "/o1-mini").error == "HTTP 503 (Retry-After 3600)"
    assert out.seconds < 30
    assert verdict == "partial"


def test_retry_after_parsing():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Thu, 01 Jan 2026 00:00:30 GMT", now=now.timestamp()) == 30
    assert retry_after_seconds("Wed, 31 Dec 2025 00:00:00 GMT", now=now.timestamp()) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


# --- robots.txt ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_robots_txt_is_obeyed_for_the_real_host(srv, tmp_path):
    srv.fault("/ai.azure.com/robots.txt$", body(b"User-agent: *\nDisallow: /catalog/models/o1-mini\n",
                                                "text/plain"))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert srv.hits(O1) == []
    assert "Forbidden by robots.txt" in page(out, "/o1-mini").error
    assert sorted(cards) == ["gpt-4o", "o3-mini"]


@pytest.mark.slow
def test_a_robots_txt_that_answers_5xx_disallows_the_host_for_the_run(srv, tmp_path):
    srv.fault("/ai.azure.com/robots.txt$", status(503))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert srv.hits(AZ) == []  # not one page requested
    assert verdict == "failed"
    assert reasons[0] == ("robots.txt of ai.azure.com failed (HTTP 503): its pages were not fetched this run "
                          "(fail closed)"), reasons
    assert "fail closed" in out.pages[0].error


# --- huge bodies, compression bombs --------------------------------------------------------------------

BOMB_BYTES = 256 * 1024 * 1024


@pytest.fixture(scope="module")
def bomb():
    return gzip.compress(b"\0" * BOMB_BYTES, 9)  # 256 MiB of zeros in ~250 KB


@pytest.mark.slow
def test_a_compression_bomb_is_cut_at_the_size_cap_after_decompression(srv, tmp_path, bomb):
    srv.fault(O1, body(bomb, content_encoding="gzip"))
    assert len(bomb) < 1024 * 1024
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    err = page(out, "/o1-mini").error
    assert "exceeded DOWNLOAD_MAXSIZE (10485760 B) during decompression" in err, err
    assert out.stats["modeltrail/peak_rss_mb"] < 250, out.stats["modeltrail/peak_rss_mb"]
    assert verdict == "partial" and sorted(cards) == ["gpt-4o", "o3-mini"]


@pytest.mark.slow
def test_a_body_over_the_size_cap_is_cancelled(srv, tmp_path, monkeypatch):
    monkeypatch.setenv("MODELTRAIL_MAX_PAGE_BYTES", str(1024 * 1024))
    srv.fault(O1, body(PAGE_O1 + b"<!--" + b"x" * (3 * 1024 * 1024) + b"-->"))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert "max size" in page(out, "/o1-mini").error or "maxsize" in page(out, "/o1-mini").error.lower()
    assert "o1-mini" not in cards and "o3-mini" in cards


# --- broken pages: truncated, mislabelled, empty, changed ---------------------------------------------------

@pytest.mark.slow
def test_a_truncated_body_fails_the_page_not_the_card(srv, tmp_path):
    srv.fault(O1, truncated(PAGE_O1, keep=len(PAGE_O1) // 3))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert page(out, "/o1-mini").status is None and page(out, "/o1-mini").error
    assert "o1-mini" not in cards and verdict == "partial"


@pytest.mark.slow
@pytest.mark.parametrize("declared", ["text/html; charset=utf-8", "text/html"])
def test_cp1252_served_as_utf8_or_unlabelled_reads_right(srv, tmp_path, declared):
    good = crawl(srv, tmp_path)[3]["o1-mini"]
    text = PAGE_O1.decode("utf-8").replace("</h1>", " – café edition</h1>", 1)
    srv.fault(O1, body(text.encode("cp1252"), declared))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    card = cards["o1-mini"]
    assert verdict == "complete", reasons
    dumped = card.model_dump_json()
    assert "\ufffd" not in dumped and "Ã" not in dumped
    assert card.context_window == good.context_window and card.prices == good.prices
    assert card.benchmarks == good.benchmarks


@pytest.mark.slow
def test_an_empty_200_page_is_a_page_without_a_card(srv, tmp_path):
    srv.fault(O1, body(b""))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert verdict == "partial" and "1 card page(s) gave no card" in reasons
    assert "o1-mini" not in cards


@pytest.mark.slow
def test_a_changed_layout_everywhere_fails_the_source(srv, tmp_path):
    srv.fault(AZ + "/", body(b"<html><body><div id='app'>Loading...</div></body></html>"))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert verdict == "failed" and not cards
    assert "layout changed?" in reasons[-1]


# --- redirects ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_redirects_leave_neither_the_source_domains_nor_the_public_internet(srv, tmp_path):
    with FaultServer(CAPTURES, host="127.0.0.2") as canary:
        srv.fault(O1, redirect(canary.url + "/steal"))
        srv.fault(AZ + "/gpt-4o", redirect("http://169.254.169.254/latest/meta-data/"))
        srv.fault(AZ + "/o3-mini", redirect("https://evil.example/o3-mini"))
        out, verdict, reasons, cards = crawl(srv, tmp_path)
        assert canary.log == []
    assert "refused redirect" in page(out, "/o1-mini").error and "127.0.0.2" in page(out, "/o1-mini").error
    assert "169.254.169.254 is not a public address" in page(out, "/gpt-4o").error
    assert "evil.example is not one of the source's domains" in page(out, "/o3-mini").error
    assert srv.hits("/evil.example") == [] and srv.hits("/169.254.169.254") == []
    assert verdict == "failed" and any("refused" in r for r in reasons)


@pytest.mark.slow
def test_a_redirect_within_the_source_is_followed(srv, tmp_path):
    srv.fault(O1, redirect("https://ai.azure.com/catalog/models/o1-mini-v2"))
    srv.fault(AZ + "/o1-mini-v2", body(PAGE_O1))
    out, verdict, reasons, cards = crawl(srv, tmp_path)
    assert len(srv.hits(AZ + "/o1-mini-v2")) == 1
    assert "o1-mini" in cards and verdict == "complete", reasons


# --- politeness ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_live_crawls_are_polite_and_say_who_they_are(monkeypatch, tmp_path):
    live = crawl_settings(str(tmp_path), None, 100)
    assert live["ROBOTSTXT_OBEY"] and live["AUTOTHROTTLE_ENABLED"]
    assert live["CONCURRENT_REQUESTS_PER_DOMAIN"] <= 2 and live["DOWNLOAD_DELAY"] >= 1
    assert live["USER_AGENT"].startswith("modeltrail/") and "(+https://" in live["USER_AGENT"]
    assert live["RETRY_AFTER_MAX"] == 60 and live["DOWNLOAD_MAXSIZE"] == 10 * 1024 * 1024
    monkeypatch.setenv("MODELTRAIL_CONTACT_URL", "https://example.org/contact")
    assert crawl_settings(str(tmp_path), None, 100)["USER_AGENT"].endswith("(+https://example.org/contact)")
    replay = crawl_settings(str(tmp_path), "http://127.0.0.1:1", 100)
    assert not replay["AUTOTHROTTLE_ENABLED"] and replay["DOWNLOAD_DELAY"] == 0
