-- `modeltrail migrate --to LAKE` (warehouse/transfer.py): a DuckDB file's rows copied into a new
-- DuckLake, table by table ({table}: a name from the code's own list; {path}: a SQL literal).

-- name: transfer_runs
-- (migrate --to: a lake that holds runs already is not copied into)
SELECT count(*) FROM runs;

-- name: transfer_attach
-- the DuckDB file being copied ({path}: a SQL literal)
ATTACH {path} AS src (READ_ONLY);

-- name: transfer_detach
DETACH src;

-- name: transfer_aliases_hash
-- the file's identity digest: the lake's remap then knows the identity rows copied are current
SELECT value FROM src.meta WHERE key = 'aliases_hash';

-- name: transfer_clear
-- (migrate --to: the new lake's seed rows, bundled aliases and vendors, give way to the file's)
DELETE FROM {table};

-- name: transfer_table
INSERT INTO {table} BY NAME SELECT * FROM src.{table};

-- name: transfer_count
SELECT count(*) FROM {table};

-- name: transfer_source_count
SELECT count(*) FROM src.{table};
