-- What runs did, read back by the flows that make them: the last complete run a verdict is judged
-- against and a run's verdicts (flows/steps.py), its changes (flows/refresh.py; `modeltrail refresh`
-- prints them with the run a Prefect flow run recorded: modeltrail/cli.py), the commits a backfill has
-- loaded already (flows/backfill.py). The record itself is written by runs.sql.

-- name: git_commits_loaded
-- The commits a backfill recorded a run of for this source (runs.replay "git:<commit>:<path>"), by
-- commit alone: the same commit found through another path list is the same snapshot. A run killed
-- before its load committed has no source_runs row; one taken back by `runs undo` is loaded no more.
SELECT DISTINCT split_part(r.replay, ':', 2) FROM runs AS r JOIN source_runs AS s USING (run_id)
WHERE s.source = $source AND r.replay LIKE 'git:%' AND s.status <> 'undone'
  AND r.status IS DISTINCT FROM 'undone';

-- name: run_of_flow
-- The run a Prefect flow run recorded (`refresh` prints its verdict).
SELECT run_id, status, summary FROM runs WHERE flow_run_id = $flow_run_id;

-- name: run_changes
-- What one run changed, for people (`refresh`'s summary and the flow's artifact): the `changes` view's
-- rows of the run, read (views.sql: versions_to_changes) from the versions of the models the run touched only
-- (a version it opened, a price or benchmark closed at its time), so its cost follows the run's
-- changes, not the length of history.
WITH closed_at AS (SELECT observed_at FROM runs WHERE run_id = $run_id),
touched AS MATERIALIZED (
    SELECT source, source_model_id FROM model_cards_history WHERE run_id = $run_id
    UNION SELECT source, source_model_id FROM prices_history
          WHERE run_id = $run_id OR valid_to = (SELECT observed_at FROM closed_at)
    UNION SELECT source, source_model_id FROM benchmarks_history
          WHERE run_id = $run_id OR valid_to = (SELECT observed_at FROM closed_at)
),
run_cards AS MATERIALIZED (SELECT * FROM model_cards_history SEMI JOIN touched USING (source, source_model_id)),
run_prices AS MATERIALIZED (SELECT * FROM prices_history SEMI JOIN touched USING (source, source_model_id)),
run_benchmarks AS MATERIALIZED (SELECT * FROM benchmarks_history SEMI JOIN touched USING (source, source_model_id))
SELECT source, coalesce(model_id, source_model_id) AS model, change_type, coalesce(field, '') AS field,
       coalesce(old_value, '') AS old_value, coalesce(new_value, '') AS new_value
FROM versions_to_changes(run_cards, run_prices, run_benchmarks) WHERE run_id = $run_id ORDER BY 1, 2, 3, 4
LIMIT $limit;

-- name: last_complete
-- Each source's last complete run: its card count and field coverage (what its next run is judged
-- against; NULL where that run recorded none). One query for a refresh's sources.
SELECT source, arg_max_null(cards, run_id), arg_max_null(coverage, run_id) FROM source_runs
WHERE list_contains($sources, source) AND status = 'complete'
GROUP BY source;

-- name: run_verdicts
-- Each source's verdict in one run (`summarize`).
SELECT source, status, cards, versions_added, versions_closed, removed, reasons, notes
FROM source_runs WHERE run_id = $run_id ORDER BY source;
