-- `modeltrail report` (modeltrail/report.py): the models a report covers, their charted fields' versions,
-- changes, conflicts and lifecycle.

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
