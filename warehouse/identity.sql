-- Which model a source id or a typed name is, for the CLI: `alias add|remove|list` (modeltrail/
-- cli_warehouse.py), `identity suggest` and `models` (cli_identity.py), `unmatched` (cli_query.py), and
-- a model name a user types resolved or matched for "did you mean" (cliutil.py). The mapping itself is
-- stored by warehouse/remap.py (remap.sql).

-- name: model_candidates
-- What a name a user types may mean: canonical ids and source ids equal to it (any case), a canonical id
-- it is the name of without its vendor ("claude-sonnet-4.5"), the canonical id the id grammar reads in it
-- ($read: "claude-sonnet-4-5"), and the canonical id its alias key maps to. (model_id, source_model_id or
-- NULL when the id itself matched)
SELECT DISTINCT coalesce(model_id, source_model_id) AS id FROM model_identity
WHERE lower(model_id) = lower($name) OR lower(source_model_id) = lower($name)
   OR ends_with(lower(model_id), '/' || lower($name)) OR model_id = $read
UNION
SELECT model_id FROM model_aliases WHERE alias = $key;

-- name: unmatched
SELECT * FROM unmatched ORDER BY source, source_model_id;

-- name: alias_add
MERGE INTO model_aliases AS a USING (SELECT $alias AS alias, $model_id AS model_id) AS s ON a.alias = s.alias
WHEN MATCHED THEN UPDATE SET model_id = s.model_id, origin = 'user'
WHEN NOT MATCHED THEN INSERT VALUES (s.alias, s.model_id, 'user');

-- name: alias_target_known
-- Whether a canonical id is one the warehouse knows: a mapped model, or the target of an alias.
SELECT EXISTS (SELECT 1 FROM model_identity WHERE model_id = $model_id)
    OR EXISTS (SELECT 1 FROM model_aliases WHERE model_id = $model_id);

-- name: alias_origins
-- Every alias with its target and origin ('user': `alias add`), for `alias list` and `remap` to find a
-- user's target that today's rules spell otherwise (modeltrail/cli_warehouse.py: respelled_targets).
SELECT alias, model_id, origin FROM model_aliases ORDER BY model_id, alias;

-- name: models_by_rules
-- The canonical ids some source id maps to by the rules or the bundled aliases (not a user's alias).
SELECT DISTINCT model_id FROM model_identity WHERE model_id IS NOT NULL AND resolved_by <> 'user alias';

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
-- `models [SEARCH] [--vendor V]`: every model, or those whose id holds SEARCH (any case), of one vendor.
SELECT * FROM models
WHERE ($search IS NULL OR contains(lower(model_id), lower($search)))
  AND ($vendor IS NULL OR vendor = lower($vendor))
ORDER BY vendor, model_id;

-- name: vendors
SELECT DISTINCT split_part(model_id, '/', 1) FROM model_identity WHERE model_id IS NOT NULL;

-- name: known_names
-- Every name a model is known by here (canonical ids, source ids, aliases): what a mistyped name is
-- matched against (`did you mean`).
SELECT model_id FROM model_identity WHERE model_id IS NOT NULL
UNION SELECT source_model_id FROM model_identity
UNION SELECT alias FROM model_aliases;
