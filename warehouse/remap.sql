-- Identity stored (warehouse/remap.py): the bundled aliases seeded, the source ids to map read, and
-- the mapping staged (merge.sql's `identity` section then writes it into model_identity).

-- name: identity_candidates
-- The source ids to map (with the name and provider they last had): all of them, or only those not mapped yet.
SELECT h.source, h.source_model_id, arg_max(h.name, h.valid_from), arg_max(h.provider, h.valid_from)
FROM model_cards_history AS h
WHERE NOT $only_new OR NOT EXISTS (
    SELECT 1 FROM model_identity AS i WHERE i.source = h.source AND i.source_model_id = h.source_model_id)
GROUP BY ALL;

-- name: new_of_load
-- The source ids of the cards a load staged (merge.sql: stage) that are not mapped yet, with their name and provider.
SELECT s.source, s.source_model_id, s.name, s.provider
FROM stg_cards AS s
WHERE NOT EXISTS (
    SELECT 1 FROM model_identity AS i WHERE i.source = s.source AND i.source_model_id = s.source_model_id);

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
