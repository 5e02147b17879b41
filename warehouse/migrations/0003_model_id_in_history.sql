-- Migration 3: each history version carries its canonical model id (kept up to date by remap), so the
-- as-of macros and current views read it from the row instead of joining model_identity on every row.
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS model_id VARCHAR;
ALTER TABLE prices_history ADD COLUMN IF NOT EXISTS model_id VARCHAR;
ALTER TABLE benchmarks_history ADD COLUMN IF NOT EXISTS model_id VARCHAR;
UPDATE model_cards_history AS h SET model_id = i.model_id FROM model_identity AS i
WHERE h.source = i.source AND h.source_model_id = i.source_model_id AND h.model_id IS DISTINCT FROM i.model_id;
UPDATE prices_history AS h SET model_id = i.model_id FROM model_identity AS i
WHERE h.source = i.source AND h.source_model_id = i.source_model_id AND h.model_id IS DISTINCT FROM i.model_id;
UPDATE benchmarks_history AS h SET model_id = i.model_id FROM model_identity AS i
WHERE h.source = i.source AND h.source_model_id = i.source_model_id AND h.model_id IS DISTINCT FROM i.model_id;
