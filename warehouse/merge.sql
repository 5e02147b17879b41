-- The merge of one source run into history, run as one transaction by warehouse/load.py.
-- Inputs: temp tables stg_runs (the sources merged, each with its verdict: complete, the source run was
-- complete and healthy; removes, its absence may record removals), stg_seen (every card they saw),
-- stg_cards, stg_prices, stg_benchmarks (the records of the cards among them that may change history), and
-- the parameters $run_id, $observed_at, $removal_runs (consecutive complete runs a model must be missing
-- from to count as removed). Every statement takes all the sources of stg_runs at once.
-- Sections are named by "-- name:" lines; a load runs stage, cards, prices, benchmarks, sightings,
-- removals, count_changes in that order.

-- name: keys
-- A list of keys for the next statement (page hashes). Staged like rows: a long Python
-- list bound as a parameter costs the client ~0.16 ms a value (1.6 s for a first load of 10,000 cards).
CREATE OR REPLACE TEMP TABLE stg_keys (key VARCHAR);

-- name: archived_already
-- Which of the page bodies in stg_keys the archive holds already.
SELECT sha256 FROM pages WHERE sha256 IN (SELECT key FROM stg_keys);

-- name: stage
CREATE OR REPLACE TEMP TABLE stg_cards AS
    SELECT * EXCLUDE (valid_from, valid_to, run_id, model_id) FROM model_cards_history LIMIT 0;
CREATE OR REPLACE TEMP TABLE stg_prices AS
    SELECT * EXCLUDE (valid_from, valid_to, run_id, model_id) FROM prices_history LIMIT 0;
CREATE OR REPLACE TEMP TABLE stg_benchmarks AS
    SELECT * EXCLUDE (valid_from, valid_to, run_id, model_id) FROM benchmarks_history LIMIT 0;
-- Every card this run saw, with its fingerprint (and the batch of cards it was staged in). stg_cards and
-- its prices and benchmarks hold only the cards whose fingerprint differs from their sighting's (new,
-- changed, or back after a removal; see moved_of_batch): the others cannot change history, so a typical
-- day stages 1% of the rows.
CREATE OR REPLACE TEMP TABLE stg_seen (source VARCHAR, source_model_id VARCHAR, fingerprint UBIGINT, batch INTEGER);
-- The sources this merge takes, with their verdicts (sources.py: removes, a source whose absence says
-- nothing, e.g. vendors' lifecycle pages, records no removal).
CREATE OR REPLACE TEMP TABLE stg_runs (source VARCHAR, complete BOOLEAN, removes BOOLEAN);
-- Two amounts are the same price when they differ only by how a double represents them (a catalog that
-- prints 2.0000000000000001e-07 one day and 2e-07 the next; sums computed in floats upstream): within a
-- relative 1e-12, far below any real price move (a cent on a million dollars is 1e-8).
CREATE OR REPLACE TEMP MACRO same_amount(a, b) AS
    a IS NOT DISTINCT FROM b OR coalesce(abs(a - b) <= 1e-12 * greatest(abs(a), abs(b)), false);

-- name: moved_of_batch
-- The cards of batch $batch of stg_seen whose fingerprint is not what their model, still listed, was last
-- seen with (new, changed, back after a removal, or seen with no fingerprint known), each with its
-- current history version's values ({columns}: the fields the unstated check compares; NULL for a model
-- with no current version; the few moved cards are found first, then joined. EXCEPT compares NULLs as
-- equal: stg_seen's fingerprint is never NULL, so a sighting with none known matches nothing).
WITH moved AS MATERIALIZED (
    SELECT source, source_model_id FROM (
        SELECT source, source_model_id, fingerprint FROM stg_seen WHERE batch = $batch
        EXCEPT SELECT source, source_model_id, fingerprint FROM sightings WHERE removed_at IS NULL))
SELECT m.source, m.source_model_id, h.valid_from IS NOT NULL AS has_current, {columns} FROM moved AS m
LEFT JOIN model_cards_history AS h
       ON h.source = m.source AND h.valid_to IS NULL AND h.source_model_id = m.source_model_id;

-- name: guard_time_order
-- History is built forwards: a snapshot older than what a source already holds would rewrite it. The
-- sources ($sources, a list) that hold one, each with its latest time.
SELECT source, max(valid_from) FROM (
    SELECT source, valid_from FROM model_cards_history WHERE source IN (SELECT unnest($sources))
    UNION ALL SELECT source, last_seen FROM card_state WHERE source IN (SELECT unnest($sources))
) WHERE valid_from > $observed_at
GROUP BY source;

-- name: cards
-- A changed card: close the current version, then open the new one.
UPDATE model_cards_history AS h SET valid_to = $observed_at
FROM stg_cards AS s
WHERE h.valid_to IS NULL AND h.source = s.source AND h.source_model_id = s.source_model_id
  AND h.row_hash <> s.row_hash;
INSERT INTO model_cards_history BY NAME
SELECT s.*, $observed_at AS valid_from, NULL AS valid_to, $run_id AS run_id,
       (SELECT i.model_id FROM model_identity AS i
        WHERE i.source = s.source AND i.source_model_id = s.source_model_id) AS model_id
FROM stg_cards AS s
WHERE NOT EXISTS (
    SELECT 1 FROM model_cards_history AS h
    WHERE h.valid_to IS NULL AND h.source = s.source AND h.source_model_id = s.source_model_id
      AND h.row_hash = s.row_hash);

-- name: prices
-- A price is the same while its amount (same_amount), unit and variability are (the kind and tier are
-- its key).
UPDATE prices_history AS h SET valid_to = $observed_at
FROM stg_prices AS s
WHERE h.valid_to IS NULL AND h.source = s.source AND h.source_model_id = s.source_model_id
  AND h.kind = s.kind AND h.tier IS NOT DISTINCT FROM s.tier
  AND (NOT same_amount(h.usd_per_million_tokens, s.usd_per_million_tokens) OR h.unit IS DISTINCT FROM s.unit
       OR NOT same_amount(h.usd_per_unit, s.usd_per_unit) OR h.variable IS DISTINCT FROM s.variable);
INSERT INTO prices_history BY NAME
SELECT s.*, $observed_at AS valid_from, NULL AS valid_to, $run_id AS run_id,
       (SELECT i.model_id FROM model_identity AS i
        WHERE i.source = s.source AND i.source_model_id = s.source_model_id) AS model_id
FROM stg_prices AS s
WHERE NOT EXISTS (
    SELECT 1 FROM prices_history AS h
    WHERE h.valid_to IS NULL AND h.source = s.source AND h.source_model_id = s.source_model_id
      AND h.kind = s.kind AND h.tier IS NOT DISTINCT FROM s.tier
      AND same_amount(h.usd_per_million_tokens, s.usd_per_million_tokens)
      AND h.unit IS NOT DISTINCT FROM s.unit AND same_amount(h.usd_per_unit, s.usd_per_unit)
      AND h.variable IS NOT DISTINCT FROM s.variable);
-- A price that left a page a complete run read: closed (only for cards the run saw whole).
-- (the staged cards of complete runs joined first: a semi-join of the whole table planned ~2x slower)
UPDATE prices_history AS h SET valid_to = $observed_at
FROM (SELECT DISTINCT c.source, c.source_model_id FROM stg_cards AS c
      WHERE c.source IN (SELECT source FROM stg_runs WHERE complete)) AS c
WHERE h.valid_to IS NULL AND h.source = c.source AND h.source_model_id = c.source_model_id
  AND NOT EXISTS (
    SELECT 1 FROM stg_prices AS s
    WHERE s.source = h.source AND s.source_model_id = h.source_model_id AND s.kind = h.kind
      AND s.tier IS NOT DISTINCT FROM h.tier);

-- name: benchmarks
-- A score is the same while its value, unit and canonical benchmark are (its reported name and setting
-- are its key).
UPDATE benchmarks_history AS h SET valid_to = $observed_at
FROM stg_benchmarks AS s
WHERE h.valid_to IS NULL AND h.source = s.source AND h.source_model_id = s.source_model_id
  AND h.reported_name = s.reported_name AND h.setting IS NOT DISTINCT FROM s.setting
  AND (h.value <> s.value OR h.unit <> s.unit OR h.benchmark IS DISTINCT FROM s.benchmark);
-- (the staged scores no current version holds: EXCEPT over the staged cards' current scores, NULLs equal)
INSERT INTO benchmarks_history BY NAME
SELECT s.*, $observed_at AS valid_from, NULL AS valid_to, $run_id AS run_id,
       (SELECT i.model_id FROM model_identity AS i
        WHERE i.source = s.source AND i.source_model_id = s.source_model_id) AS model_id
FROM stg_benchmarks AS s
SEMI JOIN (SELECT source, source_model_id, reported_name, setting, value, unit, benchmark FROM stg_benchmarks
           EXCEPT SELECT h.source, h.source_model_id, h.reported_name, h.setting, h.value, h.unit, h.benchmark
                  FROM benchmarks_history AS h SEMI JOIN stg_cards AS c USING (source, source_model_id)
                  WHERE h.valid_to IS NULL) AS n
       ON n.source = s.source AND n.source_model_id = s.source_model_id AND n.reported_name = s.reported_name
      AND n.setting IS NOT DISTINCT FROM s.setting AND n.value = s.value AND n.unit = s.unit
      AND n.benchmark IS NOT DISTINCT FROM s.benchmark;
UPDATE benchmarks_history AS h SET valid_to = $observed_at
FROM (SELECT DISTINCT c.source, c.source_model_id FROM stg_cards AS c
      WHERE c.source IN (SELECT source FROM stg_runs WHERE complete)) AS c
WHERE h.valid_to IS NULL AND h.source = c.source AND h.source_model_id = c.source_model_id
  AND NOT EXISTS (
    SELECT 1 FROM stg_benchmarks AS s
    WHERE s.source = h.source AND s.source_model_id = h.source_model_id AND s.reported_name = h.reported_name
      AND s.setting IS NOT DISTINCT FROM h.setting);

-- name: sightings
-- `sightings` holds a last_seen only for models the source's latest run did not see (card_state, a
-- view, gives the others that run's time), so a load writes only the rows that move:
-- models this run did not see keep the sighting of the run before it (still the latest here: this
-- run's source_runs row is written after the merge; none before the first run), and their absence counts
-- only in complete runs (partial and failed runs never move a model towards removal) ...
UPDATE sightings AS c
SET last_seen = CASE WHEN c.last_seen IS NULL THEN r.before_at ELSE c.last_seen END,
    last_seen_run = CASE WHEN c.last_seen IS NULL THEN r.before_run ELSE c.last_seen_run END,
    missed_runs = c.missed_runs + CASE WHEN r.complete AND c.removed_at IS NULL THEN 1 ELSE 0 END
FROM (SELECT g.source, g.complete, l.observed_at AS before_at, l.run_id AS before_run
      FROM stg_runs AS g LEFT JOIN sighting_runs AS l USING (source)) AS r,
     (SELECT source, source_model_id FROM sightings WHERE source IN (SELECT source FROM stg_runs)
      EXCEPT SELECT source, source_model_id FROM stg_seen) AS unseen
WHERE c.source = r.source AND c.source = unseen.source AND c.source_model_id = unseen.source_model_id
  AND (c.last_seen IS NULL OR (r.complete AND c.removed_at IS NULL));
-- ... models it saw follow it again (missed no more, back if removed), with what they were seen with;
-- a model already following, unchanged, is not written. What a model seen again after missing it held
-- is kept for `runs undo`.
INSERT INTO sightings_before (run_id, source, source_model_id, last_seen, last_seen_run, missed_runs, removed_at)
SELECT $run_id, c.source, c.source_model_id, c.last_seen, c.last_seen_run, c.missed_runs, c.removed_at
FROM sightings AS c
WHERE c.last_seen IS NOT NULL
  AND EXISTS (SELECT 1 FROM stg_seen AS s WHERE s.source = c.source AND s.source_model_id = c.source_model_id);
MERGE INTO sightings AS c
USING (SELECT source, source_model_id, fingerprint FROM stg_seen) AS s
ON c.source = s.source AND c.source_model_id = s.source_model_id
WHEN MATCHED AND (c.last_seen IS NOT NULL OR c.missed_runs <> 0 OR c.removed_at IS NOT NULL
                  OR c.fingerprint IS DISTINCT FROM s.fingerprint) THEN
    UPDATE SET last_seen = NULL, last_seen_run = NULL, missed_runs = 0, removed_at = NULL, fingerprint = s.fingerprint
WHEN NOT MATCHED THEN INSERT (source, source_model_id, first_seen, last_seen, last_seen_run, missed_runs,
                              removed_at, fingerprint)
    VALUES (s.source, s.source_model_id, $observed_at, NULL, NULL, 0, NULL, s.fingerprint);

-- name: removals
-- (only complete runs of sources whose absence may record removals: stg_runs)
INSERT INTO removals (source, source_model_id, removed_at, last_seen, run_id)
SELECT source, source_model_id, $observed_at, last_seen, $run_id FROM card_state
WHERE source IN (SELECT source FROM stg_runs WHERE complete AND removes)
  AND removed_at IS NULL AND missed_runs >= $removal_runs;
UPDATE sightings SET removed_at = $observed_at
WHERE source IN (SELECT source FROM stg_runs WHERE complete AND removes)
  AND removed_at IS NULL AND missed_runs >= $removal_runs;
UPDATE model_cards_history AS h SET valid_to = $observed_at
WHERE h.valid_to IS NULL AND EXISTS (
    SELECT 1 FROM removals AS r WHERE r.run_id = $run_id AND r.source = h.source AND r.source_model_id = h.source_model_id
      AND r.source IN (SELECT source FROM stg_runs));
UPDATE prices_history AS h SET valid_to = $observed_at
WHERE h.valid_to IS NULL AND EXISTS (
    SELECT 1 FROM removals AS r WHERE r.run_id = $run_id AND r.source = h.source AND r.source_model_id = h.source_model_id
      AND r.source IN (SELECT source FROM stg_runs));
UPDATE benchmarks_history AS h SET valid_to = $observed_at
WHERE h.valid_to IS NULL AND EXISTS (
    SELECT 1 FROM removals AS r WHERE r.run_id = $run_id AND r.source = h.source AND r.source_model_id = h.source_model_id
      AND r.source IN (SELECT source FROM stg_runs));

-- name: count_changes
-- Per source merged: the versions this run opened, the versions closed at its time, the models it removed.
-- (each history table read once for both counts: on a DuckLake every read of a table asks its catalog
-- for the table's files, ~10 round trips)
WITH changed AS (
    SELECT source, count(*) FILTER (WHERE valid_from = $observed_at AND run_id = $run_id) AS opened,
           count(*) FILTER (WHERE valid_to = $observed_at) AS closed
    FROM (
        SELECT source, valid_from, valid_to, run_id FROM model_cards_history
        WHERE valid_from = $observed_at OR valid_to = $observed_at
        UNION ALL SELECT source, valid_from, valid_to, run_id FROM prices_history
        WHERE valid_from = $observed_at OR valid_to = $observed_at
        UNION ALL SELECT source, valid_from, valid_to, run_id FROM benchmarks_history
        WHERE valid_from = $observed_at OR valid_to = $observed_at)
    GROUP BY source),
gone AS (SELECT source, count(*) AS n FROM removals WHERE run_id = $run_id GROUP BY source)
SELECT r.source, coalesce(c.opened, 0), coalesce(c.closed, 0), coalesce(g.n, 0)
FROM stg_runs AS r LEFT JOIN changed AS c USING (source) LEFT JOIN gone AS g USING (source);

-- name: identity
-- The mapping of source ids (stg_identity, from db.remap) into model_identity: a full remap replaces
-- only the rows whose mapping changed and drops ids no longer in history; an incremental one adds.
DELETE FROM model_identity AS i
WHERE NOT $only_new AND NOT EXISTS (
    SELECT 1 FROM stg_identity AS s
    WHERE s.source = i.source AND s.source_model_id = i.source_model_id
      AND s.model_id IS NOT DISTINCT FROM i.model_id AND s.version IS NOT DISTINCT FROM i.version
      AND s.resolved_by IS NOT DISTINCT FROM i.resolved_by);
INSERT INTO model_identity BY NAME
SELECT s.* FROM stg_identity AS s
WHERE NOT EXISTS (SELECT 1 FROM model_identity AS i
                  WHERE i.source = s.source AND i.source_model_id = s.source_model_id);
-- each history version carries its model's canonical id: those of the ids mapped now (new ones, or all
-- of them when the aliases or rules moved) follow their mapping
UPDATE model_cards_history AS h SET model_id = s.model_id FROM stg_identity AS s
WHERE h.source = s.source AND h.source_model_id = s.source_model_id AND h.model_id IS DISTINCT FROM s.model_id;
UPDATE prices_history AS h SET model_id = s.model_id FROM stg_identity AS s
WHERE h.source = s.source AND h.source_model_id = s.source_model_id AND h.model_id IS DISTINCT FROM s.model_id;
UPDATE benchmarks_history AS h SET model_id = s.model_id FROM stg_identity AS s
WHERE h.source = s.source AND h.source_model_id = s.source_model_id AND h.model_id IS DISTINCT FROM s.model_id;

-- name: undo_check
-- A run can be taken back while it is the last of each of its sources: later runs built on it (runs
-- taken back already do not count, nor failed ones: they loaded nothing, not even sightings).
SELECT s.source, min(later.run_id) FROM source_runs AS s
JOIN source_runs AS later ON later.source = s.source AND later.run_id > s.run_id
 AND later.status NOT IN ('undone', 'failed')
WHERE s.run_id = $run_id GROUP BY ALL ORDER BY 1;

-- name: undo
-- Take back one run ($run_id, observed at $observed_at): the versions it opened go, the versions it
-- closed (its sources', closed at its time) are open again, its removals and unstated rows go, and
-- its sightings fall back to the run before it. The archive (pages, fetches) stays.
DELETE FROM model_cards_history WHERE run_id = $run_id;
DELETE FROM prices_history WHERE run_id = $run_id;
DELETE FROM benchmarks_history WHERE run_id = $run_id;
DELETE FROM providers_history WHERE run_id = $run_id;
UPDATE model_cards_history SET valid_to = NULL
WHERE valid_to = $observed_at AND source IN (SELECT source FROM source_runs WHERE run_id = $run_id);
UPDATE prices_history SET valid_to = NULL
WHERE valid_to = $observed_at AND source IN (SELECT source FROM source_runs WHERE run_id = $run_id);
UPDATE benchmarks_history SET valid_to = NULL
WHERE valid_to = $observed_at AND source IN (SELECT source FROM source_runs WHERE run_id = $run_id);
UPDATE providers_history SET valid_to = NULL
WHERE valid_to = $observed_at AND source IN (SELECT source FROM source_runs WHERE run_id = $run_id);
DELETE FROM removals WHERE run_id = $run_id;
DELETE FROM unstated WHERE run_id = $run_id;
-- sightings (of the sources this run saw models of; it is still their latest run here, see
-- merge.sql: sightings): a model first seen in this run was never seen ...
DELETE FROM sightings
WHERE first_seen = $observed_at AND last_seen IS NULL
  AND source IN (SELECT source FROM source_runs WHERE run_id = $run_id AND status NOT IN ('failed', 'undone'));
-- ... the others it saw now follow the run before it (what they were seen with is unknown again) ...
UPDATE sightings SET fingerprint = NULL
WHERE last_seen IS NULL
  AND source IN (SELECT source FROM source_runs WHERE run_id = $run_id AND status NOT IN ('failed', 'undone'));
-- ... a model this complete run missed had one more missed run counted (and perhaps was removed by it) ...
UPDATE sightings SET missed_runs = greatest(missed_runs - 1, 0),
    removed_at = CASE WHEN removed_at = $observed_at THEN NULL ELSE removed_at END
WHERE last_seen IS NOT NULL AND (removed_at IS NULL OR removed_at = $observed_at)
  AND source IN (SELECT source FROM source_runs WHERE run_id = $run_id AND status = 'complete');
-- ... and one the run before saw, which this run missed, follows that run again.
UPDATE sightings AS c SET last_seen = NULL, last_seen_run = NULL
FROM (SELECT s.source, max(s.run_id) AS run_id FROM source_runs AS s
      WHERE s.run_id < $run_id AND s.status NOT IN ('failed', 'undone')
        AND s.source IN (SELECT source FROM source_runs WHERE run_id = $run_id AND status NOT IN ('failed', 'undone'))
      GROUP BY ALL) AS p
WHERE c.source = p.source AND c.last_seen_run = p.run_id;
-- Last, a model it saw again after missing it holds again what it held before.
UPDATE sightings AS c SET last_seen = b.last_seen, last_seen_run = b.last_seen_run, missed_runs = b.missed_runs,
    removed_at = b.removed_at
FROM sightings_before AS b
WHERE b.run_id = $run_id AND c.source = b.source AND c.source_model_id = b.source_model_id;
DELETE FROM sightings_before WHERE run_id = $run_id;
UPDATE source_runs SET status = 'undone' WHERE run_id = $run_id;
UPDATE runs SET status = 'undone', summary = coalesce(summary, '') || ' [undone by run ' || $undo_id || ']'
WHERE run_id = $run_id;

