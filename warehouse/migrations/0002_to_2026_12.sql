-- Migration 2: everything added up to schema 2 (rendering, unstated fields, OpenRouter's prices per
-- unit, card fingerprints, identity bookkeeping, ...). Each statement is idempotent: warehouses that
-- recorded schema 1 hold any mix of these, and all of them end up the same.

-- modeltrail warehouse, schema version 1. Every time is UTC (TIMESTAMPTZ). Intervals are half-open:
-- a version is current from valid_from (inclusive) to valid_to (exclusive); valid_to NULL = current.

CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);


-- One row per `modeltrail refresh` / `reparse`.
CREATE TABLE IF NOT EXISTS runs (
    run_id       BIGINT PRIMARY KEY,
    kind         VARCHAR NOT NULL,          -- live | replay | reparse
    observed_at  TIMESTAMPTZ NOT NULL,      -- the time the snapshot stands for (--observed-at, else now)
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR,                   -- complete | partial | failed (worst of its sources)
    replay       VARCHAR,                   -- the directory or URL replayed, if any
    flow_run_id  VARCHAR,                   -- Prefect's id for the run, when it ran as a flow
    summary      VARCHAR
);

-- One row per source per run: the verdict on that source's crawl, and what its load changed.
CREATE TABLE IF NOT EXISTS source_runs (
    run_id           BIGINT NOT NULL,
    source           VARCHAR NOT NULL,
    status           VARCHAR NOT NULL,      -- complete | partial | failed
    pages_ok         INTEGER NOT NULL DEFAULT 0,
    pages_failed     INTEGER NOT NULL DEFAULT 0,
    card_pages       INTEGER NOT NULL DEFAULT 0,
    cards            INTEGER NOT NULL DEFAULT 0,
    problems         INTEGER NOT NULL DEFAULT 0,
    versions_added   INTEGER NOT NULL DEFAULT 0,
    versions_closed  INTEGER NOT NULL DEFAULT 0,
    removed          INTEGER NOT NULL DEFAULT 0,
    reasons          VARCHAR[],             -- why the verdict is not "complete"
    coverage         JSON,                  -- field -> share of cards with a value
    error            VARCHAR,
    PRIMARY KEY (run_id, source)
);
-- what a run noticed that is no reason to doubt it (e.g. upstream keys the parser does not know yet)
ALTER TABLE source_runs ADD COLUMN IF NOT EXISTS notes VARCHAR[];
-- fields its cards stopped stating (kept from their last version: see `unstated`)
ALTER TABLE source_runs ADD COLUMN IF NOT EXISTS unstated INTEGER DEFAULT 0;

-- A parse miss is not a change: a field a card stated before and no longer states (the template moved,
-- a key vanished) keeps its last stated value in history; each such miss is recorded here, with the run
-- and page that did not state it. (A field the page states is empty, e.g. a JSON null, is a change.)
-- What a page said at a run: the version current then, less the fields listed here for that run.
CREATE TABLE IF NOT EXISTS unstated (
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    field            VARCHAR NOT NULL,
    value            VARCHAR,               -- the last stated value, kept in history
    run_id           BIGINT NOT NULL,
    observed_at      TIMESTAMPTZ NOT NULL,
    url              VARCHAR,
    page_sha256      VARCHAR
);

-- The raw page archive: each distinct body once, zlib-compressed, addressed by the SHA-256 of the
-- uncompressed bytes. `fetches` says which run fetched which url and got which body.
CREATE TABLE IF NOT EXISTS pages (
    sha256        VARCHAR PRIMARY KEY,
    content_type  VARCHAR,
    size          BIGINT NOT NULL,
    body_zlib     BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS fetches (
    run_id      BIGINT NOT NULL,
    source      VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,           -- the page's own (live) url, also in replays
    page_kind   VARCHAR,                    -- card | listing
    status      INTEGER,                    -- HTTP status; NULL when no response came
    fetched_at  TIMESTAMPTZ NOT NULL,
    sha256      VARCHAR,                    -- NULL when there was no body
    error       VARCHAR,
    via         VARCHAR,                    -- html | rendered | api | "html (api: HTTP 500)" (fallback)
    raw_sha256  VARCHAR                     -- rendered pages: the HTML as served (sha256 is what was parsed)
);
-- (warehouses made before rendering: the two columns added in place)
ALTER TABLE fetches ADD COLUMN IF NOT EXISTS via VARCHAR;
ALTER TABLE fetches ADD COLUMN IF NOT EXISTS raw_sha256 VARCHAR;

CREATE TABLE IF NOT EXISTS parse_problems (
    run_id   BIGINT NOT NULL,
    source   VARCHAR NOT NULL,
    url      VARCHAR NOT NULL,
    field    VARCHAR NOT NULL,
    message  VARCHAR NOT NULL
);

-- History (SCD2). row_hash covers the canonical fields only: lists sorted, provenance excluded.
CREATE TABLE IF NOT EXISTS model_cards_history (
    source             VARCHAR NOT NULL,
    source_model_id    VARCHAR NOT NULL,
    name               VARCHAR,
    organization       VARCHAR,
    version            VARCHAR,
    release_date       VARCHAR,             -- YYYY | YYYY-MM | YYYY-MM-DD: the precision the source gave
    status             VARCHAR,
    deprecation_date   VARCHAR,
    retirement_date    VARCHAR,
    successor          VARCHAR,
    context_window     BIGINT,
    max_output_tokens  BIGINT,
    input_modalities   VARCHAR[],
    output_modalities  VARCHAR[],
    capabilities       VARCHAR[],
    reasoning_efforts  VARCHAR[],
    training_cutoff    VARCHAR,
    parameters         BIGINT,
    training_tokens    BIGINT,
    architecture       VARCHAR,
    license            VARCHAR,
    row_hash           VARCHAR NOT NULL,
    valid_from         TIMESTAMPTZ NOT NULL,
    valid_to           TIMESTAMPTZ,
    run_id             BIGINT NOT NULL,     -- provenance: the run, page and parser that saw this version
    url                VARCHAR NOT NULL,
    fetched_at         TIMESTAMPTZ NOT NULL,
    page_sha256        VARCHAR NOT NULL,
    parser_version     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS prices_history (
    source                  VARCHAR NOT NULL,
    source_model_id         VARCHAR NOT NULL,
    kind                    VARCHAR NOT NULL,
    tier                    VARCHAR,
    usd_per_million_tokens  DOUBLE NOT NULL,
    row_hash                VARCHAR NOT NULL,
    valid_from              TIMESTAMPTZ NOT NULL,
    valid_to                TIMESTAMPTZ,
    run_id                  BIGINT NOT NULL,
    url                     VARCHAR NOT NULL,
    fetched_at              TIMESTAMPTZ NOT NULL,
    page_sha256             VARCHAR NOT NULL
);

-- (added with the openrouter source: when a source listed a model, its Hugging Face repository; prices
-- per request / image / search / unit beside per-token ones, and variable prices that state no amount)
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS listed_date VARCHAR;
ALTER TABLE model_cards_history ADD COLUMN IF NOT EXISTS hugging_face_id VARCHAR;
ALTER TABLE prices_history ALTER COLUMN usd_per_million_tokens DROP NOT NULL;
ALTER TABLE prices_history ADD COLUMN IF NOT EXISTS unit VARCHAR DEFAULT '1M tokens';
ALTER TABLE prices_history ADD COLUMN IF NOT EXISTS usd_per_unit DOUBLE;
ALTER TABLE prices_history ADD COLUMN IF NOT EXISTS variable BOOLEAN DEFAULT false;

CREATE TABLE IF NOT EXISTS benchmarks_history (
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    benchmark        VARCHAR,               -- canonical key; NULL when the name is not in the registry
    reported_name    VARCHAR NOT NULL,
    setting          VARCHAR,
    value            DOUBLE NOT NULL,
    unit             VARCHAR NOT NULL,
    row_hash         VARCHAR NOT NULL,
    valid_from       TIMESTAMPTZ NOT NULL,
    valid_to         TIMESTAMPTZ,
    run_id           BIGINT NOT NULL,
    url              VARCHAR NOT NULL,
    fetched_at       TIMESTAMPTZ NOT NULL,
    page_sha256      VARCHAR NOT NULL
);

-- Sightings, kept small: one row per source model, updated in place by each load.
CREATE TABLE IF NOT EXISTS card_state (
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    last_seen_run    BIGINT NOT NULL,
    missed_runs      INTEGER NOT NULL DEFAULT 0,  -- consecutive complete runs of its source without it
    removed_at       TIMESTAMPTZ,                 -- set when missed_runs reached the removal setting
    fingerprint      VARCHAR,                     -- hash of the card's values as last merged: a load
                                                  -- stages only the cards whose fingerprint moved
    PRIMARY KEY (source, source_model_id)
);
ALTER TABLE card_state ADD COLUMN IF NOT EXISTS fingerprint VARCHAR;

-- Removal events (append-only): a model absent from N consecutive complete runs of its source.
CREATE TABLE IF NOT EXISTS removals (
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    removed_at       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    run_id           BIGINT NOT NULL
);

-- Identity: aliases (bundled aliases.csv plus the user's own) and what each source id maps to.
CREATE TABLE IF NOT EXISTS model_aliases (
    alias     VARCHAR PRIMARY KEY,              -- a lookup key (see modeltrail.identity.alias_key)
    model_id  VARCHAR NOT NULL,
    origin    VARCHAR NOT NULL                  -- bundled | user
);

CREATE TABLE IF NOT EXISTS model_identity (
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    model_id         VARCHAR,                   -- NULL: unmatched (see `modeltrail unmatched`)
    version          VARCHAR,                   -- a version the id itself names (o3-mini-2025-01-31)
    PRIMARY KEY (source, source_model_id)
);

-- Which source is a vendor's own (its prices are the list prices resellers are compared against).
CREATE TABLE IF NOT EXISTS vendors (organization VARCHAR PRIMARY KEY, source VARCHAR NOT NULL);
INSERT OR IGNORE INTO vendors VALUES ('openai', 'openai');
