-- PostgreSQL statements (not DuckDB's) that warehouse/lake.py runs on a DuckLake's catalog database:
-- session advisory locks keyed (namespace, crc32 of a name), held by one connection per writer.
-- Parameters are psycopg's positional %s.

-- name: try_lock
SELECT pg_try_advisory_lock(%s, %s);

-- name: name_holder
SELECT set_config('application_name', %s, false);

-- name: holder
-- who holds a lock now: its connection's application_name ("modeltrail run 12 refresh pid 4242@host")
SELECT a.application_name, a.client_addr::text, a.backend_start AT TIME ZONE 'UTC'
FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
LIMIT 1;
