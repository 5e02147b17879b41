"""`--db`: which warehouse a command opens, worked out once by the CLI (cliutil.db_option) — the
command's own --db, else the group's (`modeltrail --db X COMMAND`), else MODELTRAIL_DB, else
./modeltrail.duckdb — and handed to the command as one Warehouse."""

from __future__ import annotations

import os

import pytest

from tests import cli


@pytest.fixture
def three(tmp_path, monkeypatch):
    """Three warehouses told apart by their number of runs: cmd 1, group 2, env 3 (loads of one capture)."""
    from tests.conftest import OPENROUTER_CAPTURE, parse_cards
    lines = parse_cards("openrouter", OPENROUTER_CAPTURE)
    paths = {}
    for name, loads in (("cmd", 1), ("group", 2), ("env", 3)):
        paths[name] = tmp_path / f"{name}.duckdb"
        for day in range(loads):
            res = cli.invoke("load", "-", "--source", "openrouter", "--observed-at", f"2026-01-0{day + 1}T00:00:00Z",
                             "--db", str(paths[name]), input=lines)
            assert res.exit_code == 0, res.output
    monkeypatch.chdir(tmp_path)
    return paths


def runs_in(*args, env=None) -> int:
    """How many runs the warehouse that `modeltrail ARGS runs` opened lists."""
    saved = dict(os.environ)
    os.environ.pop("MODELTRAIL_DB", None)
    os.environ.update(env or {})
    try:
        res = cli.invoke(*args, "--format", "csv")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert res.exit_code == 0, res.output
    return len(res.stdout.splitlines()) - 1


def test_the_commands_own_db_wins_then_the_groups_then_the_environment(three):
    env = {"MODELTRAIL_DB": str(three["env"])}
    assert runs_in("--db", str(three["group"]), "runs", "--db", str(three["cmd"]), env=env) == 1
    assert runs_in("--db", str(three["group"]), "runs", env=env) == 2
    assert runs_in("runs", env=env) == 3
    assert runs_in("runs", "--db", str(three["cmd"]), env=env) == 1


def test_no_db_named_is_the_default_file_here(three):
    res = cli.invoke("runs")
    assert res.exit_code == 2 and "no warehouse at modeltrail.duckdb" in res.stderr
    assert not (three["cmd"].parent / "modeltrail.duckdb").exists()


def test_a_flow_run_is_told_its_warehouse_by_parameters_never_a_password():
    from modeltrail.warehouse.warehouse import Warehouse
    file = Warehouse.at("w.duckdb")
    assert file.parameters() == {"db_file": str(file.path.resolve())}
    lake = Warehouse.at("ducklake:postgres://ann:s3cret@127.0.0.1:5433/lake", "/srv/lake")
    assert lake.parameters() == {"db_file": "ducklake:postgres://ann@127.0.0.1:5433/lake", "data_path": "/srv/lake"}
    assert Warehouse.at(lake.parameters()["db_file"], "/srv/lake").location.conninfo == \
        "dbname=lake host=127.0.0.1 port=5433 user=ann"
    assert Warehouse.at(None).path.name == "modeltrail.duckdb"
