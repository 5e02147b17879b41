-- The warehouse's own keeping beside its tables: how a writer opens a DuckDB file (connection.py); the
-- `meta` table's values (schema_version, views_hash, aliases_hash), written and read by
-- warehouse/connection.py, migrate.py, remap.py and transfer.py; and an archived page's body by its hash
-- (connection.body_of, read when `reparse` replays the archive). {placeholders} are filled by the code
-- (identifiers and literals it quotes itself).

-- name: attach_writer
-- A writer's file, with the row groups its writes make (connection.ROW_GROUP_SIZE; {path} a SQL literal).
ATTACH {path} AS {alias} (ROW_GROUP_SIZE {rows});

-- name: use_writer
USE {alias};

-- name: small_checkpoint
-- A writer's closing checkpoint of a few rows (connection.close_writer): FSST not tried on its strings.
SET disabled_compression_methods = 'fsst';

-- name: detach_writer
-- A writer closed for now (connection.close_for_now): its DuckDB kept, the file let go (its lock with it).
USE memory;
DETACH {alias};

-- name: set_meta
-- (MERGE, not INSERT OR REPLACE: a DuckLake table has no primary key to replace by)
MERGE INTO meta USING (SELECT $key AS key, $value AS value) AS s ON meta.key = s.key
WHEN MATCHED THEN UPDATE SET value = s.value
WHEN NOT MATCHED THEN INSERT VALUES (s.key, s.value);

-- name: meta_value
SELECT value FROM meta WHERE key = $key;

-- name: page_body
-- One archived page's body (zlib-compressed).
SELECT body_zlib FROM pages WHERE sha256 = $sha256;
