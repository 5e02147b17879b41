-- Rebuilding one source's history from the archive (modeltrail reparse). $source; $since (a time,
-- or NULL for all of it).

-- name: forget_all
-- Forget everything a source's history learnt (the archive and the runs stay).
DELETE FROM model_cards_history WHERE source = $source;
DELETE FROM prices_history WHERE source = $source;
DELETE FROM benchmarks_history WHERE source = $source;
DELETE FROM providers_history WHERE source = $source;
DELETE FROM sightings WHERE source = $source;
DELETE FROM sightings_before WHERE source = $source;
DELETE FROM removals WHERE source = $source;

-- name: forget_since
-- Forget what a source's history learnt at or after $since: versions that began then go, versions it
-- closed are current again; sightings are rebuilt from the versions that remain, each with a last_seen
-- of its own (missed-run counts restart at $since; the runs replayed next move them as a load does).
DELETE FROM model_cards_history WHERE source = $source AND valid_from >= $since;
UPDATE model_cards_history SET valid_to = NULL WHERE source = $source AND valid_to >= $since;
DELETE FROM prices_history WHERE source = $source AND valid_from >= $since;
UPDATE prices_history SET valid_to = NULL WHERE source = $source AND valid_to >= $since;
DELETE FROM benchmarks_history WHERE source = $source AND valid_from >= $since;
UPDATE benchmarks_history SET valid_to = NULL WHERE source = $source AND valid_to >= $since;
DELETE FROM providers_history WHERE source = $source AND valid_from >= $since;
UPDATE providers_history SET valid_to = NULL WHERE source = $source AND valid_to >= $since;
DELETE FROM removals WHERE source = $source AND removed_at >= $since;
DELETE FROM sightings WHERE source = $source;
INSERT INTO sightings (source, source_model_id, first_seen, last_seen, last_seen_run, missed_runs, removed_at)
SELECT source, source_model_id, min(h.valid_from), max(coalesce(h.valid_to, h.valid_from)),
       arg_max(h.run_id, h.valid_from), 0, max(r.removed_at) FILTER (WHERE r.removed_at IS NOT NULL)
FROM model_cards_history AS h
LEFT JOIN removals AS r USING (source, source_model_id)
WHERE h.source = $source
GROUP BY ALL;

-- name: forget_run_verdicts
-- The verdicts and parse problems of the runs about to be re-parsed ($runs).
DELETE FROM source_runs WHERE source = $source AND run_id IN (SELECT unnest($runs::BIGINT[]));
DELETE FROM parse_problems WHERE source = $source AND run_id IN (SELECT unnest($runs::BIGINT[]));
DELETE FROM sightings_before WHERE source = $source AND run_id IN (SELECT unnest($runs::BIGINT[]));

-- name: runs_to_replay
-- The runs that fetched pages of a source, oldest first (not those taken back by `runs undo`: their
-- pages stay in the archive, their versions must not come back), with the removal setting each was
-- loaded with (NULL: not recorded).
SELECT r.run_id, r.observed_at, any_value(s.removal_runs) AS removal_runs
FROM runs AS r JOIN fetches AS f USING (run_id)
LEFT JOIN source_runs AS s ON s.run_id = r.run_id AND s.source = $source
WHERE f.source = $source AND ($since IS NULL OR r.observed_at >= $since)
  AND r.status IS DISTINCT FROM 'undone'
GROUP BY r.run_id, r.observed_at
ORDER BY r.observed_at, r.run_id;

-- name: runs_not_replayable
-- Runs that brought a source's cards into history without fetching pages (`modeltrail load` of cards
-- from a file): the archive holds nothing to rebuild them from.
SELECT s.run_id, r.kind, r.observed_at FROM source_runs AS s JOIN runs AS r USING (run_id)
WHERE s.source = $source AND s.status NOT IN ('failed', 'undone') AND r.status IS DISTINCT FROM 'undone'
  AND ($since IS NULL OR r.observed_at >= $since)
  AND NOT EXISTS (SELECT 1 FROM fetches AS f WHERE f.run_id = s.run_id AND f.source = s.source)
ORDER BY r.observed_at, s.run_id;

-- name: archived_pages
-- What one run fetched of a source, with each body's content type (NULL: not in the archive) and,
-- for a page read from git (backfill-git), where its blob is.
SELECT f.url, f.fetched_at, f.status, f.page_kind, f.sha256, p.content_type, f.error, f.via,
       g.repo, g.commit_id, g.path, g.blob
FROM fetches AS f LEFT JOIN pages AS p USING (sha256)
LEFT JOIN git_fetches AS g ON g.run_id = f.run_id AND g.source = f.source AND g.url = f.url
WHERE f.run_id = $run_id AND f.source = $source ORDER BY f.fetched_at, f.url;

-- name: git_blobs_to_read
-- The blobs a re-parse of a source (from $since) reads from git repositories, with the first run
-- that needs each repository (to name it when the repository is gone).
SELECT g.repo, list(DISTINCT g.blob ORDER BY g.blob), min(g.run_id), arg_min(g.commit_id, g.run_id),
       arg_min(g.path, g.run_id)
FROM git_fetches AS g JOIN runs AS r USING (run_id)
JOIN fetches AS f ON f.run_id = g.run_id AND f.source = g.source AND f.url = g.url
WHERE g.source = $source AND ($since IS NULL OR r.observed_at >= $since)
  AND r.status IS DISTINCT FROM 'undone' AND f.sha256 IS NOT NULL
  AND f.sha256 NOT IN (SELECT sha256 FROM pages)
GROUP BY g.repo ORDER BY 3;

-- name: history_of_source
-- Every history row of a source, each as JSON (parser_version aside): what a re-parse changed.
SELECT 'model_cards_history', to_json(h)::VARCHAR FROM (SELECT * EXCLUDE (parser_version) FROM model_cards_history WHERE source = $source) AS h
UNION ALL
SELECT 'prices_history', to_json(h)::VARCHAR FROM (SELECT * FROM prices_history WHERE source = $source) AS h
UNION ALL
SELECT 'benchmarks_history', to_json(h)::VARCHAR FROM (SELECT * FROM benchmarks_history WHERE source = $source) AS h
UNION ALL
SELECT 'providers_history', to_json(h)::VARCHAR FROM (SELECT * FROM providers_history WHERE source = $source) AS h;
