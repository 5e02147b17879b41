"""The maintain flow: `modeltrail maintain` on a schedule (prefect.yaml's `weekly-maintain`), so a
warehouse loaded daily gives back what its loads leave behind (see warehouse/maintain.py)."""

from __future__ import annotations

from prefect import flow, get_run_logger

from modeltrail.flows.deployed import warehouse_of
from modeltrail.warehouse import db


@flow(name="modeltrail-maintain", persist_result=False, log_prints=False)
def maintain_flow(db_file: str | None = None, data_path: str | None = None, keep_snapshots: int | None = None,
                  lock_wait: float = 3600) -> str:
    """Compact the warehouse's storage; no row changes. A DuckDB file is copied into a fresh one; a
    DuckLake (db_file `ducklake:postgres://…`, data_path its data folder) merges and rewrites its files
    and, with keep_snapshots, expires its own snapshots older than that many days. Waits up to
    lock_wait seconds for a refresh that holds the warehouse."""
    logger = get_run_logger()
    where = warehouse_of(db_file, data_path)
    summary = db.maintain(where.location, keep_snapshots, wait=lock_wait, on_wait=logger.info, say=logger.info)
    logger.info(summary)
    return summary
