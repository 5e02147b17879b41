"""Looking after the warehouse: `migrate` (an older warehouse up to this schema), `alias` (names to one
identity), `remap` (identity again, without a crawl)."""

from __future__ import annotations

import click

from modeltrail.output import echo
from modeltrail.cliutil import db_option, fail, format_option, named_warehouse, progress, reader, show, wait_option, writer

IDENTITY_SQL = "identity.sql"  # the alias commands


@click.command()
@click.option("--to", "target", metavar="ducklake:postgres://USER@HOST:PORT/DBNAME",
              help="Copy this DuckDB warehouse (history, archive, runs, identity) into a new, empty DuckLake "
                   "(with --data-path); the file is kept as it is.")
@wait_option
@db_option
def migrate(target, wait, warehouse):
    """Apply the schema migrations the warehouse has not had (numbered files in warehouse/migrations/),
    in one writer session; history, archive and runs are kept. A warehouse already up to date is left
    as it is. With --to: copy a DuckDB warehouse into a DuckLake, every version as it is."""
    from modeltrail.warehouse import db, migrate as schema
    from modeltrail.warehouse import transfer
    try:
        where = warehouse
        if target:
            lake = named_warehouse(target)
            copied = transfer.copy_to_lake(where.location, lake.location, wait=wait, on_wait=progress)
            echo(f"{where} -> {lake}: " + ", ".join(f"{t} {n}" for t, n in copied.items() if n))
            return
        if not where.exists():
            fail(f"no warehouse at {where} (nothing to migrate)")
        before = where.schema_version()
    except db.WarehouseError as exc:
        fail(str(exc))
    with writer(warehouse, "migrate", wait) as con:  # a writer's connection applies the migrations
        db.remap(con)  # identity for history that older code loaded
    if before == schema.LATEST:
        echo(f"{where}: schema {before}, up to date")
    else:
        echo(f"{where}: schema {before} -> {schema.LATEST}")


@click.command()
@click.option("--keep-snapshots", "keep", type=click.IntRange(min=0), metavar="DAYS",
              help="DuckLake only: also expire DuckLake's own snapshots (its time travel) older than DAYS "
                   "days and delete the files only they read. History is not touched: it is in the "
                   "history tables, not in old snapshots.")
@wait_option
@db_option
def maintain(keep, wait, warehouse):
    """Compact the warehouse's storage: on a DuckLake, merge the small files daily loads leave and rewrite
    files with many deleted rows (loads slow down as they pile up: see bench/RESULTS.md); on a DuckDB
    file, copy it into a fresh file (DuckDB never gives back the blocks daily loads free), which replaces
    it once every table, view, macro and sequence is checked equal. Nothing in history changes.
    Schedule it weekly beside the refreshes."""
    from modeltrail.warehouse import db
    try:
        if keep is not None and not warehouse.is_lake:
            fail("--keep-snapshots is for a DuckLake warehouse: a DuckDB file keeps no snapshots")
        echo(db.maintain(warehouse.location, keep, wait=wait, on_wait=progress, say=progress))
    except db.WarehouseError as exc:
        fail(str(exc))


@click.group()
def alias():
    """Manage the aliases that give source ids one canonical identity."""


@alias.command("add")
@click.argument("name")
@click.argument("model_id")
@click.option("--force", is_flag=True, help="Add it even when MODEL_ID is no model the warehouse knows, or no "
              "source has shown NAME.")
@wait_option
@db_option
def alias_add(name, model_id, force, wait, warehouse):
    """Map NAME (as any source prints it) to MODEL_ID, then remap the warehouse. Says what it replaces
    and which source ids it re-maps."""
    import re

    from modeltrail.pipelines.identity import alias_key, respelled
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.:-]*", model_id):
        raise click.BadParameter(f"{model_id!r} is not of the form organization/model (letters, digits, "
                                 "'.', '-', '_')", param_hint="MODEL_ID")
    from modeltrail.warehouse import db
    key = alias_key(name)[0]
    if not key:
        raise click.BadParameter(f"{name!r} has no letters or digits to match a model by", param_hint="NAME")
    with writer(warehouse, "alias add", wait) as con:
        if not force:
            if not con.execute(db.query("alias_target_known", IDENTITY_SQL), {"model_id": model_id}).fetchone()[0]:
                fail(f"no model {model_id} in the warehouse (a typo?); --force adds it anyway", 2)
            spelled = respelled(model_id, _not_users(con.execute(db.query("alias_origins", IDENTITY_SQL)).fetchall()))
            if spelled and con.execute(db.query("alias_target_known", IDENTITY_SQL),
                                       {"model_id": spelled}).fetchone()[0]:
                fail(f"{model_id} is spelled {spelled} by today's rules (its ids would be apart from that "
                     "model's); --force adds it as written", 2)
            if key not in {alias_key(n)[0] for (n,) in con.execute(db.query("names_shown", IDENTITY_SQL)).fetchall()}:
                fail(f"no source has shown {name!r}; --force adds the alias anyway", 2)
        before = con.execute(db.query("alias_get", IDENTITY_SQL), {"alias": key}).fetchone()
        if before is not None and before[0] != model_id:
            echo(f"alias {key!r} was {before[0]} ({before[1]}): replaced", err=True)
        moved = _remapped(con, lambda: con.execute(db.query("alias_add", IDENTITY_SQL),
                                                   {"alias": key, "model_id": model_id}))
    _say_remapped(moved)
    echo(f"alias {key!r} -> {model_id}; {len(moved)} source ids re-mapped")


@alias.command("remove")
@click.argument("name")
@wait_option
@db_option
def alias_remove(name, wait, warehouse):
    """Remove the alias of NAME (as `alias list` shows it, or as a source prints it), then remap."""
    from modeltrail.pipelines.identity import alias_key
    from modeltrail.warehouse import db
    key = alias_key(name)[0]
    with writer(warehouse, "alias remove", wait) as con:
        if con.execute(db.query("alias_get", IDENTITY_SQL), {"alias": key}).fetchone() is None:
            fail(f"no alias {key!r} (see `modeltrail alias list`)", 2)
        moved = _remapped(con, lambda: con.execute(db.query("alias_remove", IDENTITY_SQL), {"alias": key}))
    _say_remapped(moved)
    echo(f"alias {key!r} removed; {len(moved)} source ids re-mapped")


def _remapped(con, change) -> list[tuple]:
    """Apply `change` to the alias table, remap everything, and return (source, id, before, after) of
    each source id whose model moved."""
    from modeltrail.warehouse import db
    before = {(s, i): m for s, i, m in con.execute(db.query("identity_snapshot", IDENTITY_SQL)).fetchall()}
    change()
    db.remap(con, full=True)
    after = {(s, i): m for s, i, m in con.execute(db.query("identity_snapshot", IDENTITY_SQL)).fetchall()}
    return sorted((s, i, before.get((s, i)), m) for (s, i), m in after.items() if before.get((s, i)) != m)


def _say_remapped(moved: list[tuple]) -> None:
    for source, smid, old, new in moved[:50]:
        echo(f"  {source}:{smid}: {old or '(none)'} -> {new or '(none)'}", err=True)
    if len(moved) > 50:
        echo(f"  … and {len(moved) - 50} more", err=True)


@alias.command("list")
@format_option
@db_option
def alias_list(fmt, warehouse):
    """List the aliases; `note` says when today's rules spell a user's target otherwise (its ids are then
    apart from the model's others) and the command that follows it."""
    from modeltrail.output import render
    from modeltrail.warehouse import db
    con = reader(warehouse)
    rows = con.execute(db.query("alias_origins", IDENTITY_SQL)).fetchall()
    moved = respelled_targets(con, rows)
    render(["alias", "model_id", "origin", "note"],
           [(a, m, o, _follow(a, moved[a]) if a in moved else None) for a, m, o in rows], fmt=fmt)


def respelled_targets(con, rows: list[tuple] | None = None) -> dict[str, str]:
    """alias -> the canonical id, for each user alias whose target today's rules spell otherwise
    (identity.respelled) where that spelling is a model some source id maps to by the rules or the
    bundled aliases: `alias add` made under older rules (`claude-3-5-sonnet` ->
    `anthropic/claude-3-5-sonnet`, the model since rules 5 being `anthropic/claude-3.5-sonnet`)."""
    from modeltrail.pipelines.identity import respelled
    from modeltrail.warehouse import db
    rows = rows if rows is not None else con.execute(db.query("alias_origins", IDENTITY_SQL)).fetchall()
    ours = _not_users(rows)
    users = [(a, m) for a, m, origin in rows if origin == "user"]
    if not users:
        return {}
    models = {m for (m,) in con.execute(db.query("models_by_rules", IDENTITY_SQL)).fetchall()}
    now = {a: respelled(m, ours) for a, m in users}
    return {a: n for a, n in now.items() if n in models}


def _not_users(rows: list[tuple]) -> dict[str, str]:
    """alias -> model of the alias table's rows (alias, model_id, origin) that are not the user's own: the
    table the rules are read with when asking how they spell a user's target (identity.respelled)."""
    return {a: m for a, m, origin in rows if origin != "user"}


def _follow(alias: str, model_id: str) -> str:
    return f"the rules now call this model {model_id}: `modeltrail alias add {alias} {model_id}` follows it"


@click.command()
@wait_option
@db_option
def remap(wait, warehouse):
    """Re-run the identity mapping over the warehouse (no crawl)."""
    from modeltrail.warehouse import db
    with writer(warehouse, "remap", wait) as con:
        db.remap(con, full=True)
        matched = db.mapped_ids(con)
        moved = respelled_targets(con)
    echo(f"{matched} source ids map to a model")
    for alias_, model_id in moved.items():
        echo(f"alias {alias_!r}: {_follow(alias_, model_id)}", err=True)
