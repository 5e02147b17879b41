"""The warehouse's one way in: `db.<name>` for every layer above it. This module defines nothing: it
gathers the warehouse's modules — opening it and its writer lock (connection.py), loading (load.py),
identity (remap.py), staging (stage.py), SQL files by name (sqlfiles.py), schema versions (migrate.py),
rows and hashes (rows.py), the `sql` guard (guard.py), the Warehouse a command opens (warehouse.py), maintenance (maintain.py, compact.py). No module of
the warehouse imports it (tests/test_architecture.py: no cycles). The logic itself is in the SQL files."""

from __future__ import annotations

from modeltrail.pipelines.handover import LoadResult, PageRecord, SourceLoad  # noqa: F401 - their home for readers of db
from modeltrail.warehouse import lake, migrate  # noqa: F401
from modeltrail.warehouse.compact import compact  # noqa: F401
from modeltrail.warehouse.connection import (READER_GRACE, SCHEMA_VERSION, body_of, close_for_now,  # noqa: F401
                                             close_writer, connect, exists, reader_config, schema_version,
                                             writer_lock, writing)
from modeltrail.warehouse.errors import DEFAULT_DB, NoWarehouse, WarehouseBusy, WarehouseError, check_parent, db_path  # noqa: F401
from modeltrail.warehouse.guard import check_query  # noqa: F401
from modeltrail.warehouse.location import Location, locate  # noqa: F401
from modeltrail.warehouse.load import (ARCHIVE_BATCH, check_time_order, finish_run, interrupt_run, load_source, load_sources, start_run,  # noqa: F401
                                       undo_run, unstated_of)
from modeltrail.warehouse.lock import WriterLock, describe_holder, holder_info, lock_path, staging_dir  # noqa: F401
from modeltrail.warehouse.lock import translate as _translate  # noqa: F401
from modeltrail.warehouse.maintain import maintain  # noqa: F401
from modeltrail.warehouse.remap import mapped_ids, remap, seed_aliases  # noqa: F401
from modeltrail.warehouse.rows import (CARD_FIELDS, HISTORY_FIELDS, LATER_FIELDS, LIST_FIELDS, _hash, as_text,  # noqa: F401
                                       benchmark_rows, card_row, empty, judge_unstated, price_rows)
from modeltrail.warehouse.sqlfiles import _split, _sql, query, run_script, run_sql, sections, transaction  # noqa: F401
from modeltrail.warehouse.stage import _insert_columns, file_of as _file_of  # noqa: F401
from modeltrail.warehouse.warehouse import Warehouse  # noqa: F401
