-- Named queries the code runs outside the merge (see db.query). One statement per name.

-- name: snapshot_loaded
-- Has this source already recorded a run of this snapshot (a backfill's "git:<commit>:<path>")?
SELECT count(*) > 0 FROM runs AS r JOIN source_runs AS s USING (run_id)
WHERE r.replay = $tag AND s.source = $source;

-- name: current_versions
-- The current history version of some cards of one source ({columns}: the fields to compare).
SELECT source_model_id, {columns} FROM model_cards_history
WHERE source = $source AND valid_to IS NULL AND source_model_id IN (SELECT unnest($ids::VARCHAR[]));

-- name: first_snapshot
-- When the warehouse's history starts: the first version of any card.
SELECT min(valid_from) FROM model_cards_history;
