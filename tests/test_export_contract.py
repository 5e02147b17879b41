"""The export is a pinned contract (modeltrail/export.py, EXPORT_VERSION): the columns of model_cards,
prices and benchmarks, in order, with their types in Parquet, and the same header in CSV. Changing any
of them is a new EXPORT_VERSION and a change to this file, never a silent drift."""

from __future__ import annotations

import csv

import duckdb
import pytest

from modeltrail import export
from tests import cli

TS = "TIMESTAMP WITH TIME ZONE"
CONTRACT = {
    "model_cards": [
        ("model_id", "VARCHAR"), ("source", "VARCHAR"), ("source_model_id", "VARCHAR"), ("name", "VARCHAR"),
        ("organization", "VARCHAR"), ("version", "VARCHAR"), ("release_date", "VARCHAR"), ("status", "VARCHAR"),
        ("deprecation_date", "VARCHAR"), ("retirement_date", "VARCHAR"), ("successor", "VARCHAR"),
        ("context_window", "BIGINT"), ("max_output_tokens", "BIGINT"), ("input_modalities", "VARCHAR[]"),
        ("output_modalities", "VARCHAR[]"), ("capabilities", "VARCHAR[]"), ("reasoning_efforts", "VARCHAR[]"),
        ("training_cutoff", "VARCHAR"), ("parameters", "BIGINT"), ("training_tokens", "BIGINT"),
        ("architecture", "VARCHAR"), ("license", "VARCHAR"), ("valid_from", TS), ("valid_to", TS),
        ("url", "VARCHAR"), ("fetched_at", TS), ("page_sha256", "VARCHAR"), ("parser_version", "VARCHAR"),
        ("listed_date", "VARCHAR"), ("hugging_face_id", "VARCHAR"),
        # EXPORT_VERSION 2: the card fields of catalog offerings and lifecycle pages (migration 0006)
        ("provider", "VARCHAR"), ("mode", "VARCHAR"), ("regions", "VARCHAR[]"), ("open_weights", "BOOLEAN"),
        ("last_updated", "VARCHAR"), ("section", "VARCHAR"), ("retirement_qualifier", "VARCHAR")],
    "prices": [
        ("model_id", "VARCHAR"), ("source", "VARCHAR"), ("source_model_id", "VARCHAR"), ("kind", "VARCHAR"),
        ("tier", "VARCHAR"), ("usd_per_million_tokens", "DOUBLE"), ("valid_from", TS), ("valid_to", TS),
        ("url", "VARCHAR"), ("fetched_at", TS), ("page_sha256", "VARCHAR"), ("unit", "VARCHAR"),
        ("usd_per_unit", "DOUBLE"), ("variable", "BOOLEAN")],
    "benchmarks": [
        ("model_id", "VARCHAR"), ("source", "VARCHAR"), ("source_model_id", "VARCHAR"), ("benchmark", "VARCHAR"),
        ("reported_name", "VARCHAR"), ("setting", "VARCHAR"), ("value", "DOUBLE"), ("unit", "VARCHAR"),
        ("valid_from", TS), ("valid_to", TS), ("url", "VARCHAR"), ("fetched_at", TS), ("page_sha256", "VARCHAR")],
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    db = tmp / "w.duckdb"
    assert cli.run("refresh", "openrouter", "azure", "--replay", "--db", str(db)).returncode == 0
    for fmt in ("parquet", "csv"):
        assert cli.run("export", "--out", str(tmp / fmt), "--format", fmt, "--db", str(db)).returncode == 0
    return tmp


def test_the_contract_names_every_exported_table():
    assert export.EXPORT_VERSION == 2 and set(export.TABLES) == set(CONTRACT)


@pytest.mark.slow
@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_parquet_columns_and_types(exported, table):
    (path,) = (exported / "parquet").glob(f"{table}_*.parquet")
    with duckdb.connect() as con:
        got = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0]
    assert got == CONTRACT[table]
    assert rows > 0


@pytest.mark.slow
@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_csv_header(exported, table):
    (path,) = (exported / "csv").glob(f"{table}_*.csv")
    with open(path, newline="") as f:
        assert next(csv.reader(f)) == [name for name, _ in CONTRACT[table]]
