-- Named queries the code runs outside the merge (see db.query). One statement per name.

-- name: git_commits_loaded
-- The commits a backfill recorded a run of for this source (runs.replay "git:<commit>:<path>"), by
-- commit alone: the same commit found through another path list is the same snapshot. A run killed
-- before its load committed has no source_runs row; one taken back by `runs undo` is loaded no more.
SELECT DISTINCT split_part(r.replay, ':', 2) FROM runs AS r JOIN source_runs AS s USING (run_id)
WHERE s.source = $source AND r.replay LIKE 'git:%' AND s.status <> 'undone'
  AND r.status IS DISTINCT FROM 'undone';

-- name: current_versions
-- The current history version of some cards of one source (their ids in stg_keys; {columns}: the
-- fields to compare).
SELECT source_model_id, {columns} FROM model_cards_history
WHERE source = $source AND valid_to IS NULL AND source_model_id IN (SELECT key FROM stg_keys);

-- name: first_snapshot
-- When the warehouse's history starts: the first version of any card.
SELECT min(valid_from) FROM model_cards_history;

-- name: identity_candidates
-- The source ids to map (with the name and provider they last had): all of them, or only those not mapped yet.
SELECT h.source, h.source_model_id, arg_max(h.name, h.valid_from), arg_max(h.provider, h.valid_from)
FROM model_cards_history AS h
WHERE NOT $only_new OR NOT EXISTS (
    SELECT 1 FROM model_identity AS i WHERE i.source = h.source AND i.source_model_id = h.source_model_id)
GROUP BY ALL;

-- name: model_candidates
-- What a name a user types may mean: canonical ids and source ids equal to it (any case), and the
-- canonical id its alias key maps to. (model_id, source_model_id or NULL when the id itself matched)
SELECT DISTINCT coalesce(model_id, source_model_id) AS id FROM model_identity
WHERE lower(model_id) = lower($name) OR lower(source_model_id) = lower($name)
UNION
SELECT model_id FROM model_aliases WHERE alias = $key;

-- name: compare_values
-- One model's current values, per field and source (`source:id` where a source lists the model under
-- several ids: source_labels) for `modeltrail compare`.
SELECT c.field, l.label, c.value FROM model_compare AS c JOIN source_labels AS l USING (source, source_model_id)
WHERE c.model_id = $model;

-- name: compare_conflicts
-- The fields of one model whose sources disagree beyond rounding.
SELECT DISTINCT field FROM conflicts WHERE model_id = $model;

-- name: source_status
-- Per source: its last run and verdict (and why), when it was last complete, the cards it holds now,
-- the last change it brought, and when it last fetched a page (`modeltrail status`).
WITH last AS (
    SELECT s.source, max(s.run_id) AS last_run, arg_max(s.status, s.run_id) AS last_status,
           arg_max(r.observed_at, s.run_id) AS last_run_at,
           arg_max(coalesce(s.reasons[1], ''), s.run_id) AS why,
           max(r.observed_at) FILTER (WHERE s.status = 'complete') AS last_complete_at
    FROM source_runs AS s JOIN runs AS r USING (run_id)
    GROUP BY s.source
), cards AS (
    SELECT source, count(*) FILTER (WHERE removed_at IS NULL) AS cards FROM card_state GROUP BY source
), changed AS (
    SELECT source, max(changed_at) AS last_change FROM changes GROUP BY source
), fetched AS (
    SELECT source, max(fetched_at) AS last_fetched FROM fetches GROUP BY source
)
SELECT l.source, l.last_run, l.last_status, l.last_run_at, l.why, l.last_complete_at,
       coalesce(c.cards, 0) AS cards, g.last_change, f.last_fetched
FROM last AS l
LEFT JOIN cards AS c USING (source) LEFT JOIN changed AS g USING (source) LEFT JOIN fetched AS f USING (source);

-- name: last_fetched
-- When each source last fetched a page (`modeltrail sources`).
SELECT source, max(fetched_at) FROM fetches GROUP BY source;

-- name: report_models
-- The models a report covers when none is named: those that changed most in the period. A model no
-- alias maps is shown under its source's id.
SELECT coalesce(i.model_id, c.source_model_id) AS model, count(*) FILTER (WHERE c.change_type = 'changed') AS moves
FROM changes AS c JOIN model_identity AS i USING (source, source_model_id)
WHERE c.changed_at >= $since
GROUP BY ALL
ORDER BY moves DESC, model
LIMIT $limit;

-- name: report_series
-- Every version of the fields a report charts, for some models: prices, context window, max output,
-- benchmarks (field, value as text), each with the page and time it came from.
SELECT coalesce(i.model_id, f.source_model_id) AS model, i.label AS source, f.field, f.value, f.valid_from,
       f.valid_to, f.url
FROM (SELECT * FROM card_field_versions WHERE field IN ('context_window', 'max_output_tokens')
      UNION ALL SELECT * FROM child_field_versions) AS f
JOIN source_labels AS i USING (source, source_model_id)
WHERE coalesce(i.model_id, f.source_model_id) IN (SELECT unnest($models::VARCHAR[]))
  AND f.value IS NOT NULL AND f.value <> ''
ORDER BY model, f.field, i.label, f.valid_from;

-- name: report_changes
-- The change feed of a period for some models, with the page each new value came from.
SELECT c.changed_at, i.label AS source, coalesce(i.model_id, c.source_model_id) AS model, c.change_type, c.field,
       c.old_value, c.new_value,
       coalesce((SELECT f.url FROM (SELECT * FROM card_field_versions UNION ALL SELECT * FROM child_field_versions) AS f
                 WHERE f.source = c.source AND f.source_model_id = c.source_model_id AND f.field = c.field
                   AND f.valid_from <= c.changed_at ORDER BY f.valid_from DESC LIMIT 1),
                (SELECT h.url FROM model_cards_history AS h
                 WHERE h.source = c.source AND h.source_model_id = c.source_model_id AND h.valid_from <= c.changed_at
                 ORDER BY h.valid_from DESC LIMIT 1)) AS url
FROM changes AS c JOIN source_labels AS i USING (source, source_model_id)
WHERE c.changed_at >= $since AND coalesce(i.model_id, c.source_model_id) IN (SELECT unnest($models::VARCHAR[]))
ORDER BY c.changed_at DESC, model, i.label, c.field;

-- name: report_conflicts
-- Where the sources of some models disagree (only models an alias maps have several sources).
SELECT model_id, field || coalesce(' (' || snapshot || ')', '') AS field, values_by_source FROM conflicts
WHERE model_id IN (SELECT unnest($models::VARCHAR[])) ORDER BY model_id, field;

-- name: report_lifecycle
-- Per model and source (and id, when a source lists the model under several): listed from, last seen,
-- lifecycle words and dates, removal.
SELECT coalesce(l.model_id, l.source_model_id) AS model_id, i.label AS source, first_seen, last_seen, status,
       deprecation_date, retirement_date, successor, deprecation_seen_at, deprecation_url, removed_at
FROM lifecycle AS l JOIN source_labels AS i USING (source, source_model_id)
WHERE coalesce(l.model_id, l.source_model_id) IN (SELECT unnest($models::VARCHAR[]))
ORDER BY 1, 2;

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

-- name: history
-- Every version of one model's fields (all, or $field), with when and where (`modeltrail history`).
SELECT * FROM model_history($model, $field) ORDER BY field, source, valid_from, source_model_id, value;

-- name: history_fields
-- The fields one model has history for.
SELECT DISTINCT field FROM model_history($model, NULL) ORDER BY 1;

-- name: change_feed
-- The change feed, filtered (`modeltrail changes`).
SELECT changed_at, source, model_id, source_model_id, change_type, field, old_value, new_value,
       effective_from, run_id, url
FROM changes
WHERE ($since IS NULL OR changed_at >= $since) AND ($source IS NULL OR source = $source)
  AND ($model IS NULL OR model_id = $model OR source_model_id = $model)
ORDER BY changed_at, source, source_model_id, field, change_type, old_value, new_value;

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

-- name: unmatched
SELECT * FROM unmatched ORDER BY source, source_model_id;

-- name: lifecycle
SELECT * FROM lifecycle ORDER BY model_id, source, source_model_id;

-- name: alias_add
MERGE INTO model_aliases AS a USING (SELECT $alias AS alias, $model_id AS model_id) AS s ON a.alias = s.alias
WHEN MATCHED THEN UPDATE SET model_id = s.model_id, origin = 'user'
WHEN NOT MATCHED THEN INSERT VALUES (s.alias, s.model_id, 'user');

-- name: set_meta
-- (MERGE, not INSERT OR REPLACE: a DuckLake table has no primary key to replace by)
MERGE INTO meta USING (SELECT $key AS key, $value AS value) AS s ON meta.key = s.key
WHEN MATCHED THEN UPDATE SET value = s.value
WHEN NOT MATCHED THEN INSERT VALUES (s.key, s.value);

-- name: meta_value
SELECT value FROM meta WHERE key = $key;

-- name: page_body
-- One archived page's body (zlib-compressed).
SELECT body_zlib FROM pages WHERE sha256 = $sha256;

-- name: alias_map
SELECT alias, model_id, origin FROM model_aliases;

-- name: identity_staging
CREATE OR REPLACE TEMP TABLE stg_identity AS SELECT * FROM model_identity LIMIT 0;

-- name: mapped_ids
-- How many source ids map to a canonical model.
SELECT count(*) FROM model_identity WHERE model_id IS NOT NULL;

-- name: seed_aliases
-- the bundled aliases a warehouse does not have yet (a user's alias of the same key stays)
INSERT INTO model_aliases
SELECT a.alias, a.model_id, 'bundled' FROM (SELECT unnest($aliases::VARCHAR[]) AS alias,
                                                  unnest($models::VARCHAR[]) AS model_id) AS a
WHERE NOT EXISTS (SELECT 1 FROM model_aliases AS m WHERE m.alias = a.alias);

-- name: aliases
SELECT * FROM model_aliases ORDER BY model_id, alias;

-- name: last_complete
-- A source's last complete run: its card count and field coverage (what the next run is judged against).
SELECT cards, coverage FROM source_runs WHERE source = $source AND status = 'complete'
ORDER BY run_id DESC LIMIT 1;

-- name: run_verdicts
-- Each source's verdict in one run (`summarize`).
SELECT source, status, cards, versions_added, versions_closed, removed, reasons, notes
FROM source_runs WHERE run_id = $run_id ORDER BY source;

-- name: export_table
-- One exported table as of $ts ({macro}: model_cards_as_of, prices_as_of or benchmarks_as_of).
SELECT * EXCLUDE (run_id) FROM {macro}($ts) ORDER BY ALL;

-- name: transfer_runs
-- (migrate --to: a lake that holds runs already is not copied into)
SELECT count(*) FROM runs;

-- name: transfer_attach
-- the DuckDB file being copied ({path}: a SQL literal)
ATTACH {path} AS src (READ_ONLY);

-- name: transfer_detach
DETACH src;

-- name: transfer_aliases_hash
-- the file's identity digest: the lake's remap then knows the identity rows copied are current
SELECT value FROM src.meta WHERE key = 'aliases_hash';

-- name: transfer_clear
-- (migrate --to: the new lake's seed rows, bundled aliases and vendors, give way to the file's)
DELETE FROM {table};

-- name: transfer_table
INSERT INTO {table} BY NAME SELECT * FROM src.{table};

-- name: transfer_count
SELECT count(*) FROM {table};

-- name: transfer_source_count
SELECT count(*) FROM src.{table};

-- name: lake_files
-- A DuckLake's data and delete files (those of its current snapshot), summed over its tables.
SELECT sum(file_count)::BIGINT, sum(delete_file_count)::BIGINT, sum(file_size_bytes + delete_file_size_bytes)::BIGINT
FROM ducklake_table_info('lake');

-- name: lake_latest_snapshot
SELECT max(snapshot_time) FROM ducklake_snapshots('lake');

-- name: lake_expire
-- `maintain --keep-snapshots DAYS`: DuckLake's time travel kept $days days back, then the files only
-- expired snapshots read are deleted. The snapshot current when maintain began ($before) is kept
-- whatever its age: a reader may be scanning it. (History never needs an old snapshot: it is in the
-- history tables.) Returns the snapshots expired.
CALL ducklake_expire_snapshots('lake', older_than => least(now() - to_days(CAST($days AS INTEGER)), $before));

-- name: lake_cleanup
-- Returns the files deleted.
CALL ducklake_cleanup_old_files('lake', cleanup_all => true);

-- name: lake_maintenance
-- `modeltrail maintain` on a DuckLake: rows inlined in the catalog written out as Parquet, the many small
-- files of daily loads merged, files with many deleted rows rewritten. Older snapshots keep the files
-- they read (time travel) until expired; history itself never depends on them.
CALL ducklake_flush_inlined_data('lake');
CALL ducklake_merge_adjacent_files('lake');
CALL ducklake_rewrite_data_files('lake');

-- name: export_parquet
-- One exported table written by DuckDB itself ({select}: export_table's statement; {path}: the file,
-- quotes doubled).
COPY ({select}) TO '{path}' (FORMAT parquet);

-- name: checkpoint
CHECKPOINT;

-- name: compact_attach
-- (maintain on a DuckDB file: a fresh file beside the warehouse, to copy it into; {path} a SQL literal)
ATTACH {path} AS compacted;

-- name: compact_copy
-- Every table (its rows and constraints), view, macro and sequence (at its current value).
COPY FROM DATABASE {database} TO compacted;

-- name: compact_detach
DETACH compacted;

-- name: current_database
SELECT current_database();

-- name: compact_tables
-- The warehouse's own tables, to check one by one in the copy.
SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY 1;

-- name: compact_digest
-- A table's rows summed up: how many, and the XOR of every row's hash (a faithful copy gives the same).
SELECT count(*), bit_xor(hash(t)) FROM {catalog}.main.{table} AS t;

-- name: compact_schema
-- The views (their columns), macros (their parameters) and sequences (where they stand) of a database,
-- to compare a copy's. (Not their SQL text: DuckDB prints an EXCLUDE list in no fixed order.)
SELECT 'view', c.table_name, string_agg(c.column_name || ' ' || c.data_type, ', ' ORDER BY c.column_index)
FROM duckdb_columns() AS c JOIN duckdb_views() AS v
  ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE c.database_name = $catalog AND NOT v.internal
GROUP BY c.table_name
UNION ALL
SELECT 'macro', function_name, CAST(parameters AS VARCHAR) FROM duckdb_functions()
    WHERE database_name = $catalog AND function_type IN ('macro', 'table_macro')
UNION ALL
SELECT 'sequence', sequence_name, CAST(last_value AS VARCHAR) FROM duckdb_sequences() WHERE database_name = $catalog
ORDER BY ALL;

-- name: alias_target_known
-- Whether a canonical id is one the warehouse knows: a mapped model, or the target of an alias.
SELECT EXISTS (SELECT 1 FROM model_identity WHERE model_id = $model_id)
    OR EXISTS (SELECT 1 FROM model_aliases WHERE model_id = $model_id);

-- name: names_shown
-- Every source id and name any source has shown (`alias add` compares their alias keys with its NAME's).
SELECT source_model_id FROM model_identity
UNION SELECT DISTINCT name FROM model_cards_history WHERE name IS NOT NULL;

-- name: alias_get
SELECT model_id, origin FROM model_aliases WHERE alias = $alias;

-- name: alias_remove
DELETE FROM model_aliases WHERE alias = $alias;

-- name: identity_snapshot
-- Every source id and the model it maps to (to say what an alias change re-mapped).
SELECT source, source_model_id, model_id FROM model_identity;

-- name: suggest_unmatched
-- Unmatched ids with what their last version says (for `identity suggest` and `unmatched`).
SELECT u.source, u.source_model_id, u.name, c.provider, c.context_window, c.release_date
FROM unmatched AS u
LEFT JOIN (SELECT source, source_model_id, arg_max(provider, valid_from) AS provider,
                  arg_max(context_window, valid_from) AS context_window,
                  arg_max(release_date, valid_from) AS release_date
           FROM model_cards_history GROUP BY ALL) AS c USING (source, source_model_id)
WHERE $source IS NULL OR u.source = $source
ORDER BY u.source, u.source_model_id;

-- name: suggest_models
-- The canonical models a suggestion may point at, with the facts to compare.
SELECT model_id, mode(context_window) AS context_window, min(release_date) AS release_date
FROM model_cards WHERE model_id IS NOT NULL GROUP BY ALL;

-- name: models
SELECT * FROM models ORDER BY vendor, model_id;
-- name: shutdowns
-- `modeltrail deprecations`: stated shutdowns per model and snapshot, soonest first; each model's rows
-- together, the vendor's page first and every catalog's statement next to it. A model is shown when
-- one of its stated retirement dates lies between $today and $horizon (NULL: any later day), or before
-- $today when $past; a date of month or year precision counts from its first to its last day. Ordered
-- by the vendor's date when its page states one, else the earliest. $vendor: the maker (the canonical
-- id's prefix or the card's organization), any case.
WITH l AS (
    SELECT coalesce(model_id, source_model_id) AS model, snapshot, source, role, source_model_id, vendor,
           organization, stated_status, retirement_date, retirement_qualifier, successor, deprecation_date,
           url, section, current,
           stated_date_first(retirement_date) AS first_day, stated_date_last(retirement_date) AS last_day
    FROM lifecycle
    WHERE retirement_date IS NOT NULL OR stated_status IN ('deprecated', 'retired')
),
g AS (
    SELECT model, snapshot,
           coalesce(min(first_day) FILTER (WHERE role = 'vendor'), min(first_day)) AS ordered_by,
           bool_or(first_day IS NOT NULL
                   AND ((last_day >= $today AND ($horizon IS NULL OR first_day <= $horizon))
                        OR ($past AND last_day < $today))) AS in_window,
           bool_or($vendor IS NULL OR lower($vendor) IN (vendor, lower(organization))) AS of_vendor
    FROM l GROUP BY ALL
)
SELECT l.retirement_date AS shutdown,
       CASE WHEN l.first_day < $today AND l.last_day >= $today THEN 0
            ELSE CAST(l.first_day - $today AS BIGINT) END AS days_left,
       l.vendor, l.model AS model_id, l.snapshot, l.source, l.source_model_id,
       l.stated_status AS status, l.retirement_qualifier AS qualifier, l.successor AS replacement,
       l.deprecation_date AS announced, l.section, l.current, l.url
FROM l JOIN g ON g.model = l.model AND g.snapshot IS NOT DISTINCT FROM l.snapshot
WHERE g.in_window AND g.of_vendor
ORDER BY g.ordered_by, l.model, l.snapshot NULLS FIRST, l.role = 'vendor' DESC, l.first_day NULLS LAST,
         l.source, l.source_model_id;

-- name: lifecycle_changes
-- The change feed's lifecycle events (a status, a deprecation or retirement date, a qualifier or a
-- successor set, moved or changed), newest first, with the page that stated each: `deprecations
-- --format rss`. $vendor as for `shutdowns`.
SELECT c.changed_at, c.source, coalesce(c.model_id, c.source_model_id) AS model_id, c.source_model_id,
       c.change_type, c.field, c.old_value, c.new_value, c.effective_from, c.url, l.vendor,
       l.retirement_date, l.successor
FROM changes AS c
LEFT JOIN lifecycle AS l USING (source, source_model_id)
WHERE c.change_type IN ('changed', 'deprecated', 'retired')
  AND c.field IN ('status', 'deprecation_date', 'retirement_date', 'retirement_qualifier', 'successor')
  AND ($vendor IS NULL OR lower($vendor) IN (l.vendor, lower(l.organization)))
ORDER BY c.changed_at DESC, c.source, c.source_model_id, c.field
LIMIT $limit;

-- name: known_ids
-- Every id the warehouse knows a model by, with its lifecycle row (`deprecations --check`).
SELECT coalesce(model_id, source_model_id) AS model_id, snapshot, source, source_model_id, role,
       stated_status, retirement_date, retirement_qualifier, successor, url
FROM lifecycle;
-- name: interrupted_run
-- The last run, when it was interrupted before any source's verdict (`modeltrail status` says so).
SELECT r.run_id, r.kind, r.started_at, r.summary FROM runs AS r
WHERE r.run_id = (SELECT max(run_id) FROM runs) AND r.status = 'interrupted'
  AND NOT EXISTS (SELECT 1 FROM source_runs AS s WHERE s.run_id = r.run_id);

-- name: known_names
-- Every name a model is known by here (canonical ids, source ids, aliases): what a mistyped name is
-- matched against (`did you mean`).
SELECT model_id FROM model_identity WHERE model_id IS NOT NULL
UNION SELECT source_model_id FROM model_identity
UNION SELECT alias FROM model_aliases;
