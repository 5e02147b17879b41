"""`modeltrail backfill-git` on archives shaped like real ones: a file that moved (several paths, a
glob), commits that leave the blob as it was, blobs a clone cannot give (an LFS pointer, a missing
object), a blob over the size cap, a commit dated in the future, provenance left in git (reparse reads
it back), and the option defaults. Bodies are slices of the real OpenRouter capture."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from modeltrail.spiders import gitarchive
from tests.conftest import OPENROUTER_CAPTURE
from tests.test_backfill import mt, q

LFS = (b"version https://git-lfs.github.com/spec/v1\n"
       b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 812345\n")


def capture_with(n: int, **pricing) -> bytes:
    data = json.loads(OPENROUTER_CAPTURE.read_text())
    data["data"] = data["data"][:n]
    for key, value in pricing.items():
        data["data"][0]["pricing"][key] = value
    return json.dumps(data).encode()


def git(repo, *args, when="2026-01-01T00:00:00+00:00"):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@localhost", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True,
                          text=True).stdout.strip()


def archive(tmp_path, steps) -> tuple:
    """A repository from steps (day of January 2026, {path: body, or None to delete}, or ("mv", a, b));
    returns (repo, [commit ids])."""
    repo = tmp_path / "archive"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shas = []
    for day, change in steps:
        when = f"2026-01-{day:02d}T00:00:00+00:00"
        if isinstance(change, tuple):
            (repo / change[2]).parent.mkdir(parents=True, exist_ok=True)
            git(repo, "mv", change[1], change[2], when=when)
        else:
            for path, body in change.items():
                if body is None:
                    git(repo, "rm", "-q", path, when=when)
                    continue
                (repo / path).parent.mkdir(parents=True, exist_ok=True)
                (repo / path).write_bytes(body)
                git(repo, "add", path, when=when)
        git(repo, "commit", "-q", "-m", f"day {day}", when=when)
        shas.append(git(repo, "rev-parse", "HEAD"))
    return repo, shas


def runs(db):
    return q(db, "SELECT day(r.observed_at), r.replay, s.status FROM runs AS r JOIN source_runs AS s USING (run_id) "
                 "ORDER BY run_id")


HISTORY = ("SELECT * FROM model_cards_history ORDER BY ALL", "SELECT * FROM prices_history ORDER BY ALL",
           "SELECT * FROM sightings ORDER BY ALL", "SELECT * FROM removals ORDER BY ALL")


@pytest.fixture
def moved(tmp_path):
    """models-dev-1.json, changed, then moved under another folder and name (same blob), then changed
    there; an unrelated file changes beside it."""
    return archive(tmp_path, [
        (1, {"up/models-dev-1.json": capture_with(13), "README": b"a"}),
        (2, {"up/models-dev-1.json": capture_with(12)}),
        (3, {"README": b"b"}),
        (4, ("mv", "up/models-dev-1.json", "priv/upstream/models-dev-2.json")),
        (5, {"priv/upstream/models-dev-2.json": capture_with(11)}),
    ])


@pytest.mark.parametrize("paths", [["*/models-dev-*.json"],
                                   ["up/models-dev-1.json", "priv/upstream/models-dev-2.json"]])
def test_a_file_that_moved_is_one_history_the_move_unread(moved, tmp_path, paths):
    repo, shas = moved
    db = tmp_path / "w.duckdb"
    res = mt("backfill-git", str(repo), *paths, "--source", "openrouter", "--removal-runs", "1", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert "3 snapshots loaded" in res.output and "1 unchanged" in res.output
    assert runs(db) == [(1, f"git:{shas[0]}:up/models-dev-1.json", "complete"),
                        (2, f"git:{shas[1]}:up/models-dev-1.json", "complete"),
                        (5, f"git:{shas[4]}:priv/upstream/models-dev-2.json", "complete")]
    assert q(db, "SELECT count(*) FROM model_cards_as_of('2026-01-06') WHERE source = 'openrouter'") == [(11,)]


def test_resume_finds_loaded_commits_by_commit_whatever_the_path_list(moved, tmp_path):
    repo, shas = moved
    whole, parts = tmp_path / "whole.duckdb", tmp_path / "parts.duckdb"
    assert mt("backfill-git", str(repo), "*/models-dev-*.json", "--source", "openrouter", "--db", str(whole)
              ).exit_code == 0
    # first only the old path, then the glob: the commits loaded are known by commit, and the rest follows
    res = mt("backfill-git", str(repo), "up/models-dev-1.json", "--source", "openrouter", "--db", str(parts))
    assert res.exit_code == 0 and "2 snapshots loaded" in res.output, res.output
    res = mt("backfill-git", str(repo), "*/models-dev-*.json", "--source", "openrouter", "--db", str(parts))
    assert res.exit_code == 0, res.output
    assert "1 snapshots loaded" in res.output and "2 already loaded" in res.output, res.output
    for sql in HISTORY:
        assert q(parts, sql) == q(whole, sql), sql


def test_unreadable_blobs_are_listed_and_skipped_never_a_crash(tmp_path):
    repo, shas = archive(tmp_path, [(1, {"m.json": capture_with(13)}), (2, {"m.json": LFS}),
                                    (3, {"m.json": capture_with(12)}), (4, {"m.json": capture_with(11)}),
                                    (5, {"m.json": None})])
    lost = git(repo, "rev-parse", f"{shas[2]}:m.json")  # a partial clone lacks this blob
    (repo / ".git" / "objects" / lost[:2] / lost[2:]).unlink()
    db = tmp_path / "w.duckdb"
    res = mt("backfill-git", str(repo), "m.json", "--source", "openrouter", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert [r[0] for r in runs(db)] == [1, 4]
    lines = res.output.splitlines()
    assert any(line.startswith(f"skipped {shas[1][:12]} 2026-01-02") and "LFS pointer" in line for line in lines)
    assert any(line.startswith(f"skipped {shas[2][:12]} 2026-01-03") and lost[:12] in line
               and "not in this clone" in line for line in lines)
    assert any(line.startswith(f"skipped {shas[4][:12]} 2026-01-05") and "deleted" in line for line in lines)
    assert "2 unreadable" in res.output and "1 deleted" in res.output


def test_a_blob_over_the_cap_is_a_failed_run_and_is_not_read(tmp_path, monkeypatch):
    small, big = capture_with(12), capture_with(13)
    cap = len(small) + 1
    repo, shas = archive(tmp_path, [(1, {"m.json": small}), (2, {"m.json": big}), (3, {"m.json": capture_with(11)})])
    monkeypatch.setenv("MODELTRAIL_MAX_PAGE_BYTES", str(cap))
    assert len(small) < cap < len(big)
    read = []
    real = gitarchive.read_blob
    monkeypatch.setattr(gitarchive, "read_blob", lambda repo, blob: read.append(blob) or real(repo, blob))
    monkeypatch.setattr("modeltrail.flows.backfill.read_blob", gitarchive.read_blob)
    db = tmp_path / "w.duckdb"
    res = mt("backfill-git", str(repo), "m.json", "--source", "openrouter", "--db", str(db))
    assert res.exit_code == 3, res.output
    big_blob = git(repo, "rev-parse", f"{shas[1]}:m.json")
    assert big_blob not in read and len(read) == 2
    assert [(d, s) for d, _, s in runs(db)] == [(1, "complete"), (2, "failed"), (3, "complete")]
    (reasons,), = q(db, "SELECT reasons FROM source_runs WHERE run_id = 2")
    assert f"{len(big):,} bytes, larger than a page may be ({cap:,} bytes" in reasons[0]
    assert q(db, "SELECT error IS NOT NULL, sha256 FROM fetches WHERE run_id = 2") == [(True, None)]
    assert q(db, "SELECT blob FROM git_fetches WHERE run_id = 2") == [(big_blob,)]


def test_a_commit_dated_in_the_future_is_refused_naming_it(tmp_path):
    repo, shas = archive(tmp_path, [(1, {"m.json": capture_with(13)})])
    (repo / "m.json").write_bytes(capture_with(12))
    git(repo, "commit", "-q", "-am", "later", when="2099-01-01T00:00:00+00:00")
    future = git(repo, "rev-parse", "HEAD")
    db = tmp_path / "w.duckdb"
    res = mt("backfill-git", str(repo), "m.json", "--source", "openrouter", "--db", str(db))
    assert res.exit_code == 1
    assert f"commit {future[:12]} (m.json) is dated 2099-01-01" in res.output and "--allow-future" in res.output
    assert q(db, "SELECT count(*) FROM runs") == [(0,)]
    res = mt("backfill-git", str(repo), "m.json", "--source", "openrouter", "--allow-future", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert [r[0] for r in runs(db)] == [1, 1]  # 2026-01-01 and 2099-01-01


def test_reparse_reads_the_bodies_back_from_git_or_says_it_needs_the_repository(tmp_path):
    repo, _ = archive(tmp_path, [(1, {"m.json": capture_with(13)}), (2, {"m.json": capture_with(12)})])
    db = tmp_path / "w.duckdb"
    assert mt("backfill-git", str(repo), "m.json", "--source", "openrouter", "--db", str(db)).exit_code == 0
    before = [q(db, sql) for sql in HISTORY[:2]]
    res = mt("reparse", "--source", "openrouter", "--removal-runs", "3", "--db", str(db))
    assert res.exit_code == 0 and "2 runs re-parsed, 0 history rows changed" in res.output, res.output
    assert [q(db, sql) for sql in HISTORY[:2]] == before
    shutil.move(repo, tmp_path / "elsewhere")
    res = mt("reparse", "--source", "openrouter", "--db", str(db))
    assert res.exit_code == 1
    (line,) = [x for x in res.output.splitlines() if x.strip()]
    assert f"backfilled from git ({repo}" in line and "not there any more" in line and "nothing was changed" in line
    assert [q(db, sql) for sql in HISTORY[:2]] == before


def test_a_price_that_differs_only_as_a_double_prints_it_is_no_change(tmp_path):
    # 0.0000002 and 0.0000002000000000000001 per token: 0.2 and 0.2000000000000001 per million as doubles
    repo, _ = archive(tmp_path, [(1, {"m.json": capture_with(13, prompt="0.0000002")}),
                                 (2, {"m.json": capture_with(13, prompt="0.0000002000000000000001")}),
                                 (3, {"m.json": capture_with(13, prompt="0.0000003")})])
    db = tmp_path / "w.duckdb"
    assert mt("backfill-git", str(repo), "m.json", "--source", "openrouter", "--db", str(db)).exit_code == 0
    assert q(db, "SELECT day(changed_at), old_value, new_value FROM changes WHERE field = 'price.input' "
                 "AND change_type = 'changed' ORDER BY 1") == [(3, "0.2", "0.3")]


def test_removal_runs_default_is_three_and_help_says_why():
    res = mt("backfill-git", "--help")
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    assert "--removal-runs" in text and "[default: 3;" in text and "come back" in text
    assert "--allow-future" in text and "PATH..." in text


def test_each_commit_and_each_reparsed_run_of_a_catalog_is_parsed_kept(tmp_path, request):
    """A catalog's cards are built with the collector paused, then frozen (flows/collector.py): in
    backfill-git for each commit, in reparse for each run; the history is what it is with the real one."""
    repo, _ = archive(tmp_path, [(1, {"m.json": capture_with(13)}), (2, {"m.json": capture_with(12)})])
    db = tmp_path / "w.duckdb"
    plain = tmp_path / "plain.duckdb"
    assert mt("backfill-git", str(repo), "m.json", "--source", "openrouter", "--db", str(plain)).exit_code == 0
    kept = request.getfixturevalue("kept_calls")  # (from here on: the plain backfill above used the real one)
    assert mt("backfill-git", str(repo), "m.json", "--source", "openrouter", "--db", str(db)).exit_code == 0
    assert len(kept) == 2  # one a commit
    assert mt("reparse", "--source", "openrouter", "--db", str(db)).exit_code == 0
    assert len(kept) == 4  # one a run
    assert [q(db, sql) for sql in HISTORY[:2]] == [q(plain, sql) for sql in HISTORY[:2]]
