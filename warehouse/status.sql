-- How the sources and runs stand: `modeltrail status` and `sources` (modeltrail/cli_status.py),
-- `modeltrail runs` (modeltrail/cli.py).

-- name: source_status
-- Per source: its last run and verdict (and why), when it was last complete, the cards it holds now (and
-- how many of them map to no model: `modeltrail unmatched`), the last change it brought, and when it last
-- fetched a page (`modeltrail status`).
WITH last AS (
    SELECT s.source, max(s.run_id) AS last_run, arg_max(s.status, s.run_id) AS last_status,
           arg_max(r.observed_at, s.run_id) AS last_run_at,
           arg_max(coalesce(s.reasons[1], ''), s.run_id) AS why,
           max(r.observed_at) FILTER (WHERE s.status = 'complete') AS last_complete_at
    FROM source_runs AS s JOIN runs AS r USING (run_id)
    GROUP BY s.source
), cards AS (
    SELECT c.source, count(*) FILTER (WHERE c.removed_at IS NULL) AS cards,
           count(*) FILTER (WHERE c.removed_at IS NULL AND i.model_id IS NULL) AS unmatched
    FROM card_state AS c LEFT JOIN model_identity AS i USING (source, source_model_id) GROUP BY c.source
), changed AS (
    SELECT source, max(changed_at) AS last_change FROM changes GROUP BY source
), fetched AS (
    SELECT source, max(fetched_at) AS last_fetched FROM fetches GROUP BY source
)
SELECT l.source, l.last_run, l.last_status, l.last_run_at, l.why, l.last_complete_at,
       coalesce(c.cards, 0) AS cards, coalesce(c.unmatched, 0) AS unmatched, g.last_change, f.last_fetched
FROM last AS l
LEFT JOIN cards AS c USING (source) LEFT JOIN changed AS g USING (source) LEFT JOIN fetched AS f USING (source);

-- name: last_fetched
-- When each source last fetched a page (`modeltrail sources`).
SELECT source, max(fetched_at) FROM fetches GROUP BY source;

-- name: recent_runs
-- The last $n runs with each source's verdict (`modeltrail runs`).
-- A run that ended without any source's verdict (interrupted before it loaded) shows its own status.
SELECT r.run_id, r.kind, r.observed_at, s.source, coalesce(s.status, r.status) AS status, s.pages_ok,
       s.pages_failed, s.cards, s.versions_added, s.versions_closed, s.removed,
       CASE WHEN s.source IS NULL AND r.status = 'interrupted' THEN replace(r.summary, E'\n', '; ')
            ELSE array_to_string(s.reasons, '; ') END AS reasons
FROM runs AS r LEFT JOIN source_runs AS s USING (run_id)
WHERE r.run_id IN (SELECT run_id FROM runs ORDER BY run_id DESC LIMIT $n)
ORDER BY r.run_id DESC, s.source;

-- name: interrupted_run
-- The last run, when it was interrupted before any source's verdict (`modeltrail status` says so).
SELECT r.run_id, r.kind, r.started_at, r.summary FROM runs AS r
WHERE r.run_id = (SELECT max(run_id) FROM runs) AND r.status = 'interrupted'
  AND NOT EXISTS (SELECT 1 FROM source_runs AS s WHERE s.run_id = r.run_id);
