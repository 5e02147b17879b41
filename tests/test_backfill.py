"""`modeltrail backfill-git` over a git repository built from the 36 real days of OpenRouter's model
list (../shared/data/openrouter/), and `modeltrail load` of `modeltrail parse` output. The expected
history is computed from the files themselves, independently of the parser and the warehouse."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from bench.gitrepo import build, snapshots
from tests.cli import invoke
from tests.conftest import OPENROUTER_CAPTURE, OPENROUTER_DAYS, parse_cards

PATH = "openrouter/models.json"


def q(db, sql, params=None):
    """Rows of a read-only query, the connection closed again (DuckDB lets one process hold a file
    with one configuration at a time: the next command must be able to open it for writing)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def mt(*args, input=None):
    return invoke(*args, input=input)


@pytest.fixture(scope="module")
def days():
    """[(observed time, {id: model})] for the 36 days, oldest first."""
    return [(when, {m["id"]: m for m in json.loads(gzip.decompress(f.read_bytes()))["data"]})
            for f, when in snapshots(OPENROUTER_DAYS)]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return build(OPENROUTER_DAYS, tmp_path_factory.mktemp("archive"), PATH)


@pytest.fixture(scope="module")
def backfilled(repo, tmp_path_factory):
    db = tmp_path_factory.mktemp("wh") / "w.duckdb"
    res = mt("backfill-git", str(repo), PATH, "--source", "openrouter", "--removal-runs", "1", "--db", str(db))
    assert res.exit_code == 0, res.output
    return db


@pytest.mark.slow
def test_as_of_each_day_the_cards_are_that_days_models(backfilled, days):
    for when, models in days:
        cards = {r[0]: r[1:] for r in q(
            backfilled, "SELECT source_model_id, context_window FROM model_cards_as_of(?) "
                        "WHERE source = 'openrouter'", [when])}
        assert sorted(cards) == sorted(models), when
        assert all(cards[i][0] == m["context_length"] for i, m in models.items()), when
        got = {(r[0], r[1]): r[2] for r in q(
            backfilled, "SELECT source_model_id, kind, usd_per_million_tokens FROM prices_as_of(?) "
                        "WHERE source = 'openrouter' AND unit = '1M tokens' AND NOT variable", [when])}
        want = {}
        for i, m in models.items():
            for key in ("prompt", "completion", "input_cache_read", "input_cache_write", "internal_reasoning"):
                if m["pricing"].get(key) not in (None, "-1"):
                    kind = {"prompt": "input", "completion": "output", "input_cache_read": "cache_read",
                            "input_cache_write": "cache_write", "internal_reasoning": "reasoning"}[key]
                    want[(i, kind)] = float(Decimal(m["pricing"][key]) * 1_000_000)
        assert got == want, when


@pytest.mark.slow
def test_the_change_feed_holds_exactly_the_input_price_moves(backfilled, days):
    def text(v):  # a per-token price as stored: USD per million tokens, a double
        return "variable" if v == "-1" else float(Decimal(v) * 1_000_000)

    expected = set()
    for (_, before), (when, after) in zip(days, days[1:]):
        for i in before.keys() & after.keys():
            old, new = before[i]["pricing"]["prompt"], after[i]["pricing"]["prompt"]
            if text(old) != text(new):
                expected.add((when, i, old, new))
    # Upstream float noise below a double's resolution is no price move: on 2026-03-03 OpenRouter printed
    # qwen/qwen-2.5-vl-7b-instruct's 0.0000002 as 0.00000020000000000000002 (0.2 per million either way).
    assert not any(i == "qwen/qwen-2.5-vl-7b-instruct" and w.day == 3 for w, i, _, _ in expected)

    got = {(r[0], r[1], r[2] if r[2] == "variable" else float(r[2]), r[3] if r[3] == "variable" else float(r[3]))
           for r in q(backfilled, """SELECT changed_at, source_model_id, old_value, new_value FROM changes
                                     WHERE source = 'openrouter' AND field = 'price.input'
                                       AND change_type = 'changed'""")}
    assert got == {(w, i, text(o), text(n)) for w, i, o, n in expected}
    assert len(got) > 10  # the real months hold real price moves


@pytest.mark.slow
def test_every_run_is_one_commit_observed_at_its_commit_time(backfilled, repo, days):
    runs = q(backfilled, "SELECT r.observed_at, r.kind, s.status FROM runs r JOIN source_runs s USING (run_id) "
                         "ORDER BY run_id")
    commits = subprocess.run(["git", "-C", str(repo), "log", "--reverse", "--format=%cI", "--", PATH],
                             capture_output=True, text=True, check=True).stdout.split()
    assert [r[0] for r in runs] == [datetime.fromisoformat(c) for c in commits]
    assert {r[1] for r in runs} == {"backfill"} and {r[2] for r in runs} == {"complete"}
    assert q(backfilled, "SELECT count(DISTINCT via) FROM fetches") == [(len(commits),)]


def test_a_snapshot_is_sourced_by_its_blob_in_git_not_a_copy(backfilled, repo):
    # nothing in the page archive; each fetch names repository, commit, path and blob, and what git gives
    # back for them hashes to the fetch's sha256
    assert q(backfilled, "SELECT count(*) FROM pages") == [(0,)]
    rows = q(backfilled, "SELECT f.sha256, f.via, g.repo, g.commit_id, g.path, g.blob FROM fetches AS f "
                         "JOIN git_fetches AS g USING (run_id, source, url) ORDER BY run_id")
    shas = subprocess.run(["git", "-C", str(repo), "log", "--reverse", "--format=%H", "--", PATH],
                          capture_output=True, text=True, check=True).stdout.split()
    assert [r[3] for r in rows] == shas
    for digest, via, where, commit, path, blob in rows:
        assert via == f"git {commit[:12]}" and path == PATH and where == str(repo.resolve())
        body = subprocess.run(["git", "-C", where, "show", f"{commit}:{path}"], capture_output=True, check=True).stdout
        assert hashlib.sha256(body).hexdigest() == digest
        assert subprocess.run(["git", "-C", where, "rev-parse", f"{commit}:{path}"], capture_output=True, text=True,
                              check=True).stdout.strip() == blob


@pytest.mark.slow
def test_backfill_again_adds_nothing(backfilled, repo):
    counts = ("SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM prices_history), "
              "(SELECT count(*) FROM model_cards_history)")
    before = q(backfilled, counts)
    res = mt("backfill-git", str(repo), PATH, "--source", "openrouter", "--removal-runs", "1",
             "--db", str(backfilled))
    assert res.exit_code == 0 and "0 snapshots loaded" in res.output
    assert q(backfilled, counts) == before


def small_repo(tmp_path, bodies: list[tuple[str, bytes]]):
    """A repository committing PATH with these (ISO time, body) in order."""
    repo = tmp_path / "small"
    repo.mkdir()
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    (repo / "openrouter").mkdir()
    for when, body in bodies:
        (repo / PATH).write_bytes(body)
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@localhost", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        subprocess.run(["git", "-C", str(repo), "add", PATH], check=True, env=env)
        subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", when], check=True, env=env)
    return repo


def capture_with(n: int) -> bytes:
    data = json.loads(OPENROUTER_CAPTURE.read_text())
    data["data"] = data["data"][:n]
    return json.dumps(data).encode()


def test_a_commit_that_does_not_parse_is_a_failed_run_that_changes_nothing(tmp_path):
    repo = small_repo(tmp_path, [("2026-01-01T00:00:00+00:00", capture_with(13)),
                                 ("2026-01-02T00:00:00+00:00", b"<html>rate limited</html>"),
                                 ("2026-01-03T00:00:00+00:00", capture_with(12))])
    db = tmp_path / "w.duckdb"
    res = mt("backfill-git", str(repo), PATH, "--source", "openrouter", "--db", str(db))
    assert res.exit_code == 3, res.output  # a failed snapshot: the scheduler should know
    assert q(db, "SELECT day(observed_at), status FROM runs ORDER BY run_id") == [
        (1, "complete"), (2, "failed"), (3, "complete")]
    assert q(db, "SELECT count(*) FROM model_cards_history WHERE valid_from = '2026-01-02' "
                 "OR valid_to = '2026-01-02'") == [(0,)]
    (reasons,), = q(db, "SELECT reasons FROM source_runs WHERE run_id = 2")
    assert "no card found" in reasons[0]


def test_out_of_order_history_is_refused_unless_since_skips_it(tmp_path):
    repo = small_repo(tmp_path, [("2026-01-01T00:00:00+00:00", capture_with(13)),
                                 ("2026-01-05T00:00:00+00:00", capture_with(12))])
    db = tmp_path / "w.duckdb"
    lines = parse_cards("openrouter", capture_with(13), url="https://openrouter.ai/api/v1/models")
    res = mt("load", "-", "--observed-at", "2026-01-03T00:00:00Z", "--db", str(db), input=lines)
    assert res.exit_code == 0, res.output
    res = mt("backfill-git", str(repo), PATH, "--source", "openrouter", "--db", str(db))
    assert res.exit_code == 1
    assert "history already holds a snapshot from 2026-01-03" in res.output and "--since" in res.output
    assert q(db, "SELECT count(*) FROM runs") == [(1,)]
    res = mt("backfill-git", str(repo), PATH, "--source", "openrouter", "--since", "2026-01-04", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert q(db, "SELECT kind, day(observed_at) FROM runs ORDER BY run_id") == [
        ("load", 3), ("backfill", 5)]


def test_backfill_errors_are_one_line(tmp_path):
    res = mt("backfill-git", str(tmp_path), PATH, "--source", "openrouter", "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 1 and "not a git repository" in res.output.lower()
    repo = small_repo(tmp_path, [("2026-01-01T00:00:00+00:00", capture_with(13))])
    res = mt("backfill-git", str(repo), "nope.json", "--source", "openrouter", "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 1 and "no commit" in res.output and "nope.json" in res.output
    res = mt("backfill-git", str(repo), PATH, "--source", "nosuch", "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 2 and "unknown source" in res.output


def test_a_zero_price_that_leaves_is_no_change(backfilled, days):
    # On 2026-03-03 OpenRouter dropped every pricing key whose value was "0" (~950 of them: request,
    # internal_reasoning, web_search, image, input_cache_read): a zero price and no price say the same. A
    # non-zero price that leaves is still a change (to nothing).
    from modeltrail.pipelines.parsers.openrouter import PRICE_KINDS
    gone, zeros = set(), 0
    for (_, before), (when, after) in zip(days, days[1:]):
        for i in before.keys() & after.keys():
            for key, kind in PRICE_KINDS.items():
                old, new = before[i]["pricing"].get(key), after[i]["pricing"].get(key)
                if old is not None and new is None:
                    if old != "-1" and Decimal(old) == 0:
                        zeros += 1
                    else:
                        gone.add((when, i, f"price.{kind}"))
    assert zeros > 900 and len(gone) > 10
    got = set(q(backfilled, "SELECT changed_at, source_model_id, field FROM changes WHERE field LIKE 'price.%' "
                            "AND change_type = 'changed' AND new_value IS NULL"))
    assert got == gone
    # history still says what each day's page said: the zero versions are closed (prices_as_of, above)
    assert q(backfilled, "SELECT count(*) FROM prices_history WHERE source = 'openrouter' AND valid_to IS NOT NULL "
                         "AND coalesce(usd_per_million_tokens, usd_per_unit) = 0")[0][0] >= zeros


HISTORY = ("SELECT * FROM model_cards_history ORDER BY ALL", "SELECT * FROM prices_history ORDER BY ALL",
           "SELECT * FROM sightings ORDER BY ALL", "SELECT * FROM removals ORDER BY ALL",
           "SELECT run_id, kind, observed_at, status, replay FROM runs ORDER BY ALL",
           "SELECT * FROM source_runs ORDER BY ALL", "SELECT * FROM git_fetches ORDER BY ALL")


@pytest.mark.slow  # a real backfill process stopped by a signal, then run again to the end
def test_ctrl_c_stops_cleanly_and_the_same_command_resumes_to_the_same_history(backfilled, repo, tmp_path):
    db = tmp_path / "w.duckdb"
    args = ["backfill-git", str(repo), PATH, "--source", "openrouter", "--removal-runs", "1", "--db", str(db)]
    total = len(subprocess.run(["git", "-C", str(repo), "log", "--format=%H", "--", PATH], capture_output=True,
                               text=True, check=True).stdout.split())
    proc = subprocess.Popen([sys.executable, "-m", "modeltrail", "-v", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    seen = []
    for line in proc.stderr:  # ends with the process
        seen.append(line)
        if line.startswith("commits: 4/"):
            proc.send_signal(signal.SIGINT)
            break
    out, rest = proc.communicate(timeout=600)
    err = "".join(seen) + rest
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    (said,) = [line for line in err.splitlines() if "interrupted" in line]
    assert "run the same command again" in said
    # progress: commits done / total, the commit's date, the rate
    steps = [re.fullmatch(r"commits: (\d+)/(\d+) (\d{4}-\d{2}-\d{2}) complete, [\d.]+ commits/s", line)
             for line in err.splitlines() if line.startswith("commits: ")]
    assert all(steps) and [int(m[1]) for m in steps] == list(range(1, len(steps) + 1))
    assert {int(m[2]) for m in steps} == {total}
    kept = q(db, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL AND status = 'complete'")[0][0]
    assert 4 <= kept < total and q(db, "SELECT count(*) FROM runs") == [(kept,)]

    res = mt(*args)
    assert res.exit_code == 0, res.output
    assert f"{total - kept} snapshots loaded" in res.output and f"{kept} already loaded" in res.output
    for sql in HISTORY:
        assert q(db, sql) == q(backfilled, sql), sql
