"""Reading the warehouse: `sql`, `history`, `changes`, and sources side by side (`compare`,
`unmatched`, `lifecycle`)."""

from __future__ import annotations

import sys

import click

from modeltrail import output
from modeltrail.cliutil import check_sources, db_option, fail, format_option, parse_time, reader, resolve_model, show

HISTORY_SQL, IDENTITY_SQL, LIFECYCLE_SQL = "history.sql", "identity.sql", "lifecycle.sql"


# --- querying ----------------------------------------------------------------------------------------

class QueryCommand(click.Command):
    """A query that starts with a `--` comment is the QUERY, not an option: an argument that starts
    with `-` and holds whitespace can be no option's name, so it goes after `--`."""

    def parse_args(self, ctx, args):
        queries = [a for a in args if a.startswith("-") and any(c.isspace() for c in a)]
        if queries and "--" not in args:
            args = [a for a in args if a not in queries] + ["--", *queries]
        return super().parse_args(ctx, args)


@click.command(cls=QueryCommand)
@click.argument("query")
@click.option("--limit", type=click.IntRange(0), default=10_000, show_default=True,
              help="Print at most this many rows (0: all; csv and json stream them).")
@format_option
@db_option
def sql(query, limit, fmt, warehouse):
    """Run a read-only SQL QUERY against the warehouse (one SELECT; nothing that writes a file).
    QUERY `-` reads the query from standard input. A query may start with a `--` comment
    (`modeltrail sql "-- note
    SELECT 1"`, or after `--`: `modeltrail sql --db w.duckdb -- "--note…"`)."""
    from modeltrail.warehouse import db
    if query == "-":
        query = sys.stdin.read()
    try:
        db.check_query(query)
    except db.WarehouseError as exc:
        fail(str(exc))
    show(reader(warehouse), query, fmt=fmt, limit=limit)


@click.command()
@click.argument("model")
@click.option("--field", help="Only this field (e.g. context_window, price.input, benchmark.gpqa).")
@click.option("--source", help="Only what this source stated (e.g. openrouter).")
@format_option
@db_option
def history(model, field, source, fmt, warehouse):
    """Every version of every field of MODEL (canonical id or a source's id), with when and where."""
    con = reader(warehouse)
    model = resolve_model(con, model)
    from modeltrail.warehouse import db
    cur = con.execute(db.query("history", HISTORY_SQL), {"model": model, "field": field, "source": source})
    cols, rows = [d[0] for d in cur.description], cur.fetchall()
    if not rows and source is not None:
        sources = [r[0] for r in con.execute(db.query("history_sources", HISTORY_SQL), {"model": model}).fetchall()]
        if source not in sources:
            fail(f"{model!r} has no history from {source!r}; its sources: {', '.join(sources)}", 2)
    if not rows:  # say why, and print no empty table first
        fields = ([r[0] for r in con.execute(db.query("history_fields", HISTORY_SQL), {"model": model}).fetchall()]
                  if field else [])
        if fields:
            kinds = sorted({f.split("[")[0] for f in fields})
            fail(f"{model!r} has no field {field!r}; its fields: {', '.join(kinds)}")
        fail(f"no history for {model!r} (try `modeltrail sql \"SELECT DISTINCT model_id FROM model_cards\"`)")
    output.render(cols, rows, fmt)


@click.command()
@click.option("--since", help="Only changes at or after this ISO 8601 time, or this long ago (7d, 12h, 2w).")
@click.option("--source", help="Only this source.")
@click.option("--model", help="Only this model (canonical id or source id).")
@format_option
@db_option
def changes(since, source, model, fmt, warehouse):
    """The change feed: added, changed (field, old -> new), deprecated, removed, unstated."""
    if source is not None:
        check_sources([source], "--source")
    con = reader(warehouse)
    if model is not None:
        model = resolve_model(con, model)
    from modeltrail.warehouse import db
    show(con, db.query("change_feed", HISTORY_SQL),
         {"since": parse_time(since, "--since"), "source": source, "model": model}, fmt)


# --- sources side by side ------------------------------------------------------------------------------

@click.command()
@click.argument("model")
@click.option("--field", help="Only this field (e.g. price.input, context_window, benchmark.gpqa and its settings).")
@click.option("--source", help="Only this source's offerings (e.g. litellm: where it is served, side by side).")
@format_option
@db_option
def compare(model, field, source, fmt, warehouse):
    """MODEL's current values from every source, side by side: one row per field, a column per source,
    and `conflict` when the sources disagree beyond rounding (see the `conflicts` view). A source that
    lists the model under several ids (a dated snapshot, a ":free" offering) has a column per id,
    `source:id`. `--field price.input`: where it is offered, at what price.

    One table in every format, so csv and json have one shape."""
    from modeltrail.warehouse import db
    con = reader(warehouse)
    model = resolve_model(con, model)
    values = con.execute(db.query("compare_values", HISTORY_SQL),
                         {"model": model, "field": field, "source": source}).fetchall()
    if not values and (field or source):
        every = con.execute(db.query("compare_values", HISTORY_SQL),
                            {"model": model, "field": None, "source": None}).fetchall()
        if every:
            fields = sorted({f.split("[")[0] for f, _, _ in every})
            sources = sorted({label.split(":")[0] for _, label, _ in every})
            fail(f"{model!r} has no current value" + (f" of {field!r}" if field else "")
                 + (f" from {source!r}" if source else "") + f"; its fields: {', '.join(fields)}; "
                 f"its sources: {', '.join(sources)}", 2)
    if not values:
        fail(f"no source has {model!r}; see `modeltrail unmatched` or the model_identity table")
    conflicts = {f for (f,) in con.execute(db.query("compare_conflicts", HISTORY_SQL), {"model": model}).fetchall()}
    columns = sorted({label for _, label, _ in values})
    table: dict[str, dict[str, str]] = {}
    for field, label, value in values:
        table.setdefault(field, {})[label] = value
    rows = [[field, *(by.get(c) for c in columns), "yes" if field in conflicts else ""]
            for field, by in sorted(table.items())]
    output.render(["field", *columns, "conflict"], rows, fmt)


@click.command()
@format_option
@db_option
def unmatched(fmt, warehouse):
    """Source ids that map to no canonical model, each with the best proposal `identity suggest` has
    for it (accept one with `modeltrail alias add ID MODEL`)."""
    from modeltrail.pipelines.suggest import propose
    from modeltrail.warehouse import db
    con = reader(warehouse)
    cur = con.execute(db.query("unmatched", IDENTITY_SQL))
    columns = [d[0] for d in cur.description]
    rows = cur.fetchall()
    best = {(p.source, p.source_model_id): f"{p.model_id} ({p.evidence})" for p in propose(
        con.execute(db.query("suggest_unmatched", IDENTITY_SQL), {"source": None}).fetchall(),
        con.execute(db.query("suggest_models", IDENTITY_SQL)).fetchall())}
    con.close()
    output.render([*columns, "suggestion"], [[*r, best.get((r[0], r[1]))] for r in rows], fmt)


@click.command()
@format_option
@db_option
def lifecycle(fmt, warehouse):
    """Per model and source: first and last seen, status, deprecation and retirement, removal."""
    from modeltrail.warehouse import db
    show(reader(warehouse), db.query("lifecycle", LIFECYCLE_SQL), fmt=fmt)
