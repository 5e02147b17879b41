"""Identity: `identity suggest` (proposals for unmatched ids, to accept in one command) and `models`
(one row per canonical model)."""

from __future__ import annotations

import click

from modeltrail import output
from modeltrail.output import echo
from modeltrail.cliutil import db_option, format_option, reader, show, wait_option, writer

SQL = "identity.sql"


@click.group()
def identity():
    """Which source ids are which model: proposals for the ids nothing maps yet."""


@identity.command("suggest")
@click.option("--source", help="Only ids of this source.")
@click.option("--min-score", type=click.IntRange(1, 4), default=2, show_default=True,
              help="Only proposals with at least this much evidence (1 point each).")
@click.option("--accept", is_flag=True, help="Add every listed proposal as a user alias, then remap.")
@wait_option
@format_option
@db_option
def suggest(source, min_score, accept, wait, fmt, warehouse):
    """Ranked proposals for unmatched source ids, with their evidence. Nothing is mapped unless --accept."""
    from modeltrail.pipelines.suggest import propose
    from modeltrail.warehouse import db
    con = reader(warehouse)
    proposals = [p for p in propose(con.execute(db.query("suggest_unmatched", SQL), {"source": source}).fetchall(),
                                    con.execute(db.query("suggest_models", SQL)).fetchall()) if p.score >= min_score]
    con.close()
    output.render(["source", "source_model_id", "model_id", "score", "evidence"],
                  [[p.source, p.source_model_id, p.model_id, p.score, p.evidence] for p in proposals], fmt)
    if accept and proposals:
        from modeltrail.pipelines.identity import alias_key
        with writer(warehouse, "identity suggest --accept", wait) as con:
            for p in proposals:
                con.execute(db.query("alias_add", SQL),
                            {"alias": alias_key(p.source_model_id)[0], "model_id": p.model_id})
            db.remap(con, full=True)
            matched = db.mapped_ids(con)
        echo(f"{len(proposals)} aliases added; {matched} source ids now map to a model", err=True)


@click.command()
@click.argument("search", required=False)
@click.option("--vendor", metavar="VENDOR", help="Only this vendor's models (`anthropic`, `meta`, …).")
@format_option
@db_option
def models(search, vendor, fmt, warehouse):
    """One row per canonical model: vendor, offerings per source, cheapest current input and output
    price and where, the vendor's lifecycle word and retirement date, the context window. SEARCH: only
    the models whose id holds it (any case): `modeltrail models sonnet`."""
    from modeltrail.cliutil import did_you_mean
    from modeltrail.warehouse import db
    con = reader(warehouse)
    if vendor is not None:
        vendors = {v for (v,) in con.execute(db.query("vendors", SQL)).fetchall()}
        if vendor.lower() not in vendors:
            raise click.BadParameter(f"no model of vendor {vendor!r} here{did_you_mean(vendor, vendors)}",
                                     param_hint="--vendor")
    show(con, db.query("models", SQL), {"search": search, "vendor": vendor}, fmt=fmt)
