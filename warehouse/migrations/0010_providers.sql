-- Migration 10: a catalog's facts about the providers themselves (models.dev: each provider's name, API
-- base, docs link, env variables, npm package), kept once per provider instead of on every card, as SCD2
-- history like the cards' (warehouse/providers.sql): a version opens when a provider's facts change and
-- closes when they change again, or when a complete run no longer lists the provider. A new table: an
-- upgrade changes no row.
CREATE TABLE IF NOT EXISTS providers_history (
    source       VARCHAR NOT NULL,
    provider     VARCHAR NOT NULL,    -- the provider's id as the catalog keys it
    name         VARCHAR,
    api          VARCHAR,             -- API base url
    doc          VARCHAR,             -- docs link
    env          VARCHAR[],           -- env variables holding the key, in the catalog's order
    npm          VARCHAR,             -- npm package
    valid_from   TIMESTAMPTZ NOT NULL,
    valid_to     TIMESTAMPTZ,
    run_id       BIGINT NOT NULL,
    url          VARCHAR NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    page_sha256  VARCHAR NOT NULL
);
