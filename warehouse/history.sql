-- What the history says about models: `modeltrail history`, `changes` and `compare`
-- (modeltrail/cli_query.py).

-- name: compare_values
-- One model's current values, per field and source (`source:id` where a source lists the model under
-- several ids: source_labels) for `modeltrail compare`: every field, or $field (with its settings:
-- `benchmark.gpqa` takes `benchmark.gpqa[high]`), from every source or $source.
SELECT c.field, l.label, c.value FROM model_compare AS c JOIN source_labels AS l USING (source, source_model_id)
WHERE c.model_id = $model AND ($field IS NULL OR c.field = $field OR c.field LIKE $field || '[%')
  AND ($source IS NULL OR c.source = $source);

-- name: compare_conflicts
-- The fields of one model whose sources disagree beyond rounding.
SELECT DISTINCT field FROM conflicts WHERE model_id = $model;

-- name: history
-- Every version of one model's fields (all, or $field), with when and where (`modeltrail history`), from
-- every source or $source's.
SELECT * FROM model_history($model, $field) WHERE $source IS NULL OR source = $source
ORDER BY field, source, valid_from, source_model_id, value;

-- name: history_sources
-- The sources one model has history from.
SELECT DISTINCT source FROM model_history($model, NULL) ORDER BY 1;

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
