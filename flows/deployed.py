"""Which warehouse a flow run writes: the flow's parameters `db_file` and `data_path`, as the CLI
(`Warehouse.parameters()`) or `modeltrail schedule` set them.

A run that a Prefect worker starts from prefect.yaml's deployments may have none: those deployments
are written once for every machine, so the worker's environment names the warehouse there, as
MODELTRAIL_DB and MODELTRAIL_DATA_PATH name it for the CLI's options (prefect.yaml says so). This is the
one place below the CLI that reads them, and only for a parameter the run was not given."""

from __future__ import annotations

import os

from modeltrail.warehouse.warehouse import Warehouse


def warehouse_of(db_file: str | None, data_path: str | None) -> Warehouse:
    if db_file is None:
        db_file = os.environ.get("MODELTRAIL_DB") or None
        data_path = data_path or os.environ.get("MODELTRAIL_DATA_PATH") or None
    return Warehouse.at(db_file, data_path)
