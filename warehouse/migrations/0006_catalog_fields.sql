-- Migration 6: card fields for catalog offerings (LiteLLM, models.dev) and vendors' lifecycle pages.
-- New columns only: versions stored before them hold NULL there, and a version's hash covers a later
-- field only when it holds a value (warehouse/rows.py), so an upgrade records no change.
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS provider VARCHAR;
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS mode VARCHAR;
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS regions VARCHAR[];
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS open_weights BOOLEAN;
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS last_updated VARCHAR;
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS section VARCHAR;
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS retirement_qualifier VARCHAR;
