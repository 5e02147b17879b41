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

-- name: mark_interrupted
-- Runs that never recorded how they ended (the process was killed, or failed mid-run): a writer that
-- starts a run (and so holds the warehouse's writer lock: no other run can be in progress) marks them
-- interrupted, saying when and by which run it noticed. What they loaded stays (each source's load was
-- one transaction); they loaded nothing more.
UPDATE runs SET status = 'interrupted',
       summary = concat_ws(E'\n', 'interrupted: no end recorded (noticed ' || strftime($noticed_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')
                                  || ' by run ' || $run_id || ')', nullif(summary, ''))
WHERE status IS NULL AND run_id < $run_id;

-- name: interrupt_run
-- A run stopped by Ctrl-C or SIGTERM (modeltrail/stopping.py): the sources it had not loaded are
-- recorded as failed (they loaded nothing, like a failed crawl) for that reason, and the run as
-- interrupted.
INSERT INTO source_runs (run_id, source, status, reasons, error)
SELECT $run_id, s.source, 'failed', ['interrupted (' || $why || ') before its load'],
       'interrupted (' || $why || ') before its load'
FROM (SELECT unnest($sources::VARCHAR[]) AS source) AS s
WHERE NOT EXISTS (SELECT 1 FROM source_runs AS o WHERE o.run_id = $run_id AND o.source = s.source);
UPDATE runs SET status = 'interrupted', finished_at = $noticed_at,
       summary = concat_ws(E'\n', 'interrupted (' || $why || ')', nullif(summary, ''))
WHERE run_id = $run_id AND status IS NULL;
