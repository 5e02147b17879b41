-- The record of runs: one row in `runs` per refresh, load, replay or undo, and one in `source_runs` per
-- source a run loaded (its verdict and counts). Statements by name, run by warehouse/load.py.

-- name: next_run_id
-- max + 1 under the writer lock, not a sequence (see load.start_run)
SELECT coalesce(max(run_id), 0) + 1 FROM runs;

-- name: start_run
INSERT INTO runs (run_id, kind, observed_at, started_at, replay, flow_run_id)
VALUES ($run_id, $kind, $observed_at, $started_at, $replay, $flow_run_id);

-- name: finish_run
UPDATE runs SET finished_at = $finished_at, status = $status, summary = $summary WHERE run_id = $run_id;

-- name: run_of
SELECT observed_at, status FROM runs WHERE run_id = $run_id;

-- name: source_run
INSERT INTO source_runs (run_id, source, status, pages_ok, pages_failed, card_pages, cards, problems,
                         versions_added, versions_closed, removed, reasons, coverage, error, notes, unstated)
VALUES ($run_id, $source, $status, $pages_ok, $pages_failed, $card_pages, $cards, $problems,
        $versions_added, $versions_closed, $removed, $reasons, $coverage, $error, $notes, $unstated);
