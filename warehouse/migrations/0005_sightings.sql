-- Migration 5: sightings written only where they change (bench/RESULTS.md §9). One transaction.
--
-- card_state held each model's last sighting (last_seen, last_seen_run), so every load rewrote the row
-- of every model its source saw: on 10,000 models a daily rewrite of the whole table, whose freed blocks
-- a DuckDB file keeps (3.75 MiB of 11.3 after 60 days) and a DuckLake adds as files each day. The
-- sightings now live in `sightings`, where a NULL last_seen means "seen by its source's latest run"
-- (the view `sighting_runs`); a load writes only the models it did not see (they keep the sighting of
-- the run before), saw anew, saw again after missing them, or whose fingerprint moved. `card_state` is
-- a view with the same columns and values as the table it replaces (views.sql). A model seen again
-- after missing it loses its own sighting: `sightings_before` keeps it with the run's id, so that
-- `runs undo` puts it back as it was.

CREATE TABLE sightings (
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ,               -- NULL: seen by its source's latest run (sighting_runs)
    last_seen_run    BIGINT,
    missed_runs      INTEGER NOT NULL DEFAULT 0,
    removed_at       TIMESTAMPTZ,
    fingerprint      UBIGINT
);
-- a model whose last sighting is its source's latest run (not failed, not undone) follows that run
INSERT INTO sightings
SELECT c.source, c.source_model_id, c.first_seen,
       CASE WHEN l.run_id IS NULL THEN c.last_seen END, CASE WHEN l.run_id IS NULL THEN c.last_seen_run END,
       c.missed_runs, c.removed_at, c.fingerprint
FROM card_state AS c
LEFT JOIN (SELECT s.source, max(s.run_id) AS run_id, arg_max(r.observed_at, s.run_id) AS observed_at
           FROM source_runs AS s JOIN runs AS r USING (run_id)
           WHERE s.status NOT IN ('failed', 'undone') GROUP BY ALL) AS l
  ON l.source = c.source AND l.run_id = c.last_seen_run AND l.observed_at = c.last_seen;
DROP TABLE card_state;

CREATE TABLE sightings_before (
    run_id           BIGINT NOT NULL,
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    last_seen_run    BIGINT NOT NULL,
    missed_runs      INTEGER NOT NULL,
    removed_at       TIMESTAMPTZ
);
