"""`modeltrail load`: JSON lines of cards (`modeltrail parse` output or any tool's) as one snapshot."""

from __future__ import annotations

import json

import duckdb

from tests.cli import invoke
from tests.conftest import OPENROUTER_CAPTURE as OPENROUTER, SEEDS, parse_cards



def mt(*args, input=None):
    return invoke(*args, input=input)


def q(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def parse(source: str, file, url: str) -> str:
    return parse_cards(source, file, url=url, fetched_at="2026-02-01T00:00:00Z")


def test_load_round_trips_parse_output(tmp_path):
    lines = parse("openrouter", OPENROUTER, "https://openrouter.ai/api/v1/models")
    (tmp_path / "cards.jsonl").write_text(lines)
    db = tmp_path / "w.duckdb"
    res = mt("load", str(tmp_path / "cards.jsonl"), "--observed-at", "2026-02-01T00:00:00Z", "--db", str(db))
    assert res.exit_code == 0, res.output
    assert "run 1: openrouter complete, 13 cards" in res.output
    cards = [json.loads(line) for line in lines.splitlines()]
    stored = {r[0]: r[1:] for r in q(db, "SELECT source_model_id, context_window, max_output_tokens, "
                                         "training_cutoff, listed_date, fetched_at FROM model_cards")}
    assert {c["source_model_id"]: (c["context_window"], c["max_output_tokens"], c["training_cutoff"],
                                   c["listed_date"]) for c in cards} == {k: v[:4] for k, v in stored.items()}
    prices = {(r[0], r[1]): r[2:] for r in q(db, "SELECT source_model_id, kind, usd_per_million_tokens, "
                                                 "usd_per_unit, unit, variable FROM prices")}
    assert prices == {(c["source_model_id"], p["kind"]): (p["usd_per_million_tokens"], p["usd_per_unit"],
                                                          p["unit"], p["variable"])
                      for c in cards for p in c["prices"]}
    assert q(db, "SELECT kind, status, replay FROM runs") == [("load", "complete", f"load:{tmp_path / 'cards.jsonl'}")]
    # the same file again: nothing moves
    res = mt("load", str(tmp_path / "cards.jsonl"), "--observed-at", "2026-02-02T00:00:00Z", "--db", str(db))
    assert res.exit_code == 0 and "0 new versions, 0 closed" in res.output


def test_load_reads_stdin_and_merges_pages_of_one_model(tmp_path):
    lines = parse("leaderboard", SEEDS / "000_ae1fc4d1dd900dab.txt",
                  "https://raw.githubusercontent.com/AIComputing101/llm-leaderboard/main/models/openai/o3-mini.md")
    db = tmp_path / "w.duckdb"
    res = mt("load", "-", "--source", "leaderboard", "--observed-at", "2026-02-01T00:00:00Z", "--db", str(db),
             input=lines + lines)  # the same card twice: one model, one card
    assert res.exit_code == 0, res.output
    assert q(db, "SELECT count(*) FROM model_cards") == [(1,)]


def test_a_bad_line_is_named_and_nothing_is_loaded(tmp_path):
    good = parse("openrouter", OPENROUTER, "https://openrouter.ai/api/v1/models").splitlines()
    bad = json.loads(good[1])
    bad["context_window"] = -5
    text = "\n".join([good[0], json.dumps(bad), "{not json", *good[2:]]) + "\n"
    (tmp_path / "cards.jsonl").write_text(text)
    db = tmp_path / "w.duckdb"
    res = mt("load", str(tmp_path / "cards.jsonl"), "--observed-at", "2026-02-01T00:00:00Z", "--db", str(db))
    assert res.exit_code == 1
    assert f"{tmp_path / 'cards.jsonl'}:2: field context_window" in res.output
    assert f"{tmp_path / 'cards.jsonl'}:3: not a JSON object" in res.output
    assert "nothing was loaded" in res.output and len(res.output.strip().splitlines()) == 1
    assert not db.exists()


def test_one_file_is_one_source(tmp_path):
    a = parse("openrouter", OPENROUTER, "https://openrouter.ai/api/v1/models").splitlines()[0]
    b = parse("leaderboard", SEEDS / "000_ae1fc4d1dd900dab.txt",
              "https://raw.githubusercontent.com/AIComputing101/llm-leaderboard/main/models/openai/o3-mini.md")
    (tmp_path / "mixed.jsonl").write_text(a + "\n" + b)
    db = tmp_path / "w.duckdb"
    res = mt("load", str(tmp_path / "mixed.jsonl"), "--observed-at", "2026-02-01T00:00:00Z", "--db", str(db))
    assert res.exit_code == 1 and "mixed.jsonl:2: field source" in res.output
    res = mt("load", str(tmp_path / "mixed.jsonl"), "--source", "openrouter", "--observed-at",
             "2026-02-01T00:00:00Z", "--db", str(db))
    assert res.exit_code == 1 and "is not --source 'openrouter'" in res.output
    res = mt("load", str(tmp_path / "missing.jsonl"), "--observed-at", "2026-02-01T00:00:00Z", "--db", str(db))
    assert res.exit_code == 1 and "cannot read" in res.output
    res = mt("load", str(tmp_path / "mixed.jsonl"), "--observed-at", "soon", "--db", str(db))
    assert res.exit_code == 2 and "ISO 8601" in res.output


def test_a_small_file_is_a_partial_snapshot_that_removes_nothing(tmp_path):
    lines = parse("openrouter", OPENROUTER, "https://openrouter.ai/api/v1/models").splitlines()
    db = tmp_path / "w.duckdb"
    (tmp_path / "all.jsonl").write_text("\n".join(lines))
    (tmp_path / "three.jsonl").write_text("\n".join(lines[:3]))
    assert mt("load", str(tmp_path / "all.jsonl"), "--observed-at", "2026-02-01T00:00:00Z", "--removal-runs", "1",
              "--db", str(db)).exit_code == 0
    res = mt("load", str(tmp_path / "three.jsonl"), "--observed-at", "2026-02-02T00:00:00Z", "--removal-runs", "1",
             "--db", str(db))
    assert res.exit_code == 3 and "partial" in res.output and "fewer than the 10 expected" in res.output
    assert q(db, "SELECT count(*) FROM model_cards") == [(13,)] and q(db, "SELECT count(*) FROM removals") == [(0,)]
