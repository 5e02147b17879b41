-- A catalog's facts about the providers themselves (models.dev: name, API base, docs link, env variables,
-- npm package; records.ProviderFacts), merged into providers_history inside one source run's load
-- (warehouse/providers.py, called by warehouse/load.py). Parameters as merge.sql's: $source, $run_id,
-- $observed_at, $complete (the source run was complete and healthy), $removes (sources.py).

-- name: stage
-- The providers this run's pages state (one row per provider id), their provenance with them.
CREATE OR REPLACE TEMP TABLE stg_providers AS
    SELECT * EXCLUDE (valid_from, valid_to, run_id) FROM providers_history LIMIT 0;

-- name: merge
-- A provider whose facts changed: its current version closes ...
UPDATE providers_history AS h SET valid_to = $observed_at
FROM stg_providers AS s
WHERE h.valid_to IS NULL AND h.source = $source AND h.provider = s.provider
  AND (h.name IS DISTINCT FROM s.name OR h.api IS DISTINCT FROM s.api OR h.doc IS DISTINCT FROM s.doc
       OR h.env IS DISTINCT FROM s.env OR h.npm IS DISTINCT FROM s.npm);
-- ... and a version opens for it, as for a provider new (or back) here; an unchanged one keeps its version.
INSERT INTO providers_history BY NAME
SELECT s.*, $observed_at AS valid_from, NULL AS valid_to, $run_id AS run_id
FROM stg_providers AS s
WHERE NOT EXISTS (SELECT 1 FROM providers_history AS h
                  WHERE h.valid_to IS NULL AND h.source = $source AND h.provider = s.provider);
-- A provider this complete run's pages no longer state is gone: its version closes (never on a partial
-- or failed run, nor on a run whose pages state no provider at all).
UPDATE providers_history AS h SET valid_to = $observed_at
WHERE $complete AND $removes AND h.valid_to IS NULL AND h.source = $source
  AND EXISTS (SELECT 1 FROM stg_providers)
  AND h.provider NOT IN (SELECT provider FROM stg_providers);
