-- `modeltrail maintain` on a DuckDB file (warehouse/compact.py): the warehouse copied into a fresh file,
-- and the copy checked table by table against it. {placeholders} are filled by the code (identifiers
-- and literals it quotes itself).

-- name: checkpoint
CHECKPOINT;

-- name: compact_attach
-- (maintain on a DuckDB file: a fresh file beside the warehouse, to copy it into, its row groups a
-- writer's (connection.ROW_GROUP_SIZE); {path} a SQL literal)
ATTACH {path} AS compacted (ROW_GROUP_SIZE {rows});

-- name: compact_copy
-- Every table (its rows and constraints), view, macro and sequence (at its current value).
COPY FROM DATABASE {database} TO compacted;

-- name: compact_detach
DETACH compacted;

-- name: current_database
SELECT current_database();

-- name: compact_tables
-- The warehouse's own tables, to check one by one in the copy.
SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY 1;

-- name: compact_digest
-- A table's rows summed up: how many, and the XOR of every row's hash (a faithful copy gives the same).
SELECT count(*), bit_xor(hash(t)) FROM {catalog}.main.{table} AS t;

-- name: compact_schema
-- The views (their columns), macros (their parameters) and sequences (where they stand) of a database,
-- to compare a copy's. (Not their SQL text: DuckDB prints an EXCLUDE list in no fixed order.)
SELECT 'view', c.table_name, string_agg(c.column_name || ' ' || c.data_type, ', ' ORDER BY c.column_index)
FROM duckdb_columns() AS c JOIN duckdb_views() AS v
  ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE c.database_name = $catalog AND NOT v.internal
GROUP BY c.table_name
UNION ALL
SELECT 'macro', function_name, CAST(parameters AS VARCHAR) FROM duckdb_functions()
    WHERE database_name = $catalog AND function_type IN ('macro', 'table_macro')
UNION ALL
SELECT 'sequence', sequence_name, CAST(last_value AS VARCHAR) FROM duckdb_sequences() WHERE database_name = $catalog
ORDER BY ALL;
