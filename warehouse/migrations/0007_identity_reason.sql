-- Migration 7: each source id's mapping says how it was made ("alias", "rules: bedrock id + date suffix",
-- "user alias", "unmatched: …"), and what the id says of its offering (route, region, variant).
ALTER TABLE model_identity ADD COLUMN IF NOT EXISTS resolved_by VARCHAR;
ALTER TABLE model_identity ADD COLUMN IF NOT EXISTS route VARCHAR;
ALTER TABLE model_identity ADD COLUMN IF NOT EXISTS region VARCHAR;
ALTER TABLE model_identity ADD COLUMN IF NOT EXISTS variant VARCHAR;
