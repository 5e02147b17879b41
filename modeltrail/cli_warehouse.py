"""`modeltrail migrate`: bring a warehouse made by an older modeltrail up to this one's schema."""

from __future__ import annotations

import click

from .cliutil import db_option, fail, wait_option, writer


@click.command()
@wait_option
@db_option
def migrate(wait, db_file):
    """Apply the schema migrations the warehouse has not had (numbered files in warehouse/migrations/),
    in one writer session; history, archive and runs are kept. A warehouse already up to date is left
    as it is."""
    import duckdb

    from .warehouse import db, migrate as schema
    path = db.db_path(db_file)
    if not path.exists():
        fail(f"no warehouse at {path} (nothing to migrate)")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            before = schema.version_of(con)
    except duckdb.Error as exc:
        fail(f"cannot read {path}: {str(exc).splitlines()[0]}")
    with writer(db_file, "migrate", wait) as con:  # a writer's connection applies the migrations
        db.remap(con)  # identity for history that older code loaded
    if before == schema.LATEST:
        click.echo(f"{path}: schema {before}, up to date")
    else:
        click.echo(f"{path}: schema {before} -> {schema.LATEST}")
