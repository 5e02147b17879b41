"""A catalog's facts about the providers themselves (models.dev's name, API base, docs link, env variables
and npm package of each provider: pipelines/records.ProviderFacts), kept once per provider as SCD2
history (table providers_history, view `providers`) rather than on every card. Merged inside a source
run's load transaction (warehouse/load.py), by the statements of providers.sql: a version opens when a
provider's facts change and closes when they change again; a provider a complete run no longer lists is
closed, never on a partial or failed run."""

from __future__ import annotations

from typing import Any

import duckdb

from modeltrail.pipelines.handover import SourceLoad
from modeltrail.warehouse.sqlfiles import run_script
from modeltrail.warehouse.stage import _insert_columns

SQL = "providers.sql"


def merge_providers(con: duckdb.DuckDBPyConnection, load: SourceLoad, params: dict[str, Any]) -> None:
    """The providers the load's pages state, merged into their history (`params`: the load's: $source,
    $run_id, $observed_at, $complete, $removes). A load that states none (every source but a catalog
    of providers; cards loaded from a file) runs nothing and closes nothing."""
    if not load.providers:
        return
    run_script(con, SQL, "stage", params)
    by_id = {p.provider: p for p in load.providers}  # (one row per provider: the last page stating it)
    _insert_columns(con, "stg_providers", [
        {"source": load.source, "provider": p.provider, "name": p.name, "api": p.api, "doc": p.doc,
         "env": list(p.env), "npm": p.npm, "url": p.url, "fetched_at": p.fetched_at, "page_sha256": p.page_sha256}
        for p in by_id.values()])
    run_script(con, SQL, "merge", params)
