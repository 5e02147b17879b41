-- `modeltrail export` (modeltrail/export.py): the history's tables as of a time, written as Parquet.

-- name: first_snapshot
-- When the warehouse's history starts: the first version of any card.
SELECT min(valid_from) FROM model_cards_history;

-- name: export_table
-- One exported table as of $ts ({macro}: model_cards_as_of, prices_as_of or benchmarks_as_of).
SELECT * EXCLUDE (run_id) FROM {macro}($ts) ORDER BY ALL;

-- name: export_parquet
-- One exported table written by DuckDB itself ({select}: export_table's statement; {path}: the file,
-- quotes doubled).
COPY ({select}) TO '{path}' (FORMAT parquet);
