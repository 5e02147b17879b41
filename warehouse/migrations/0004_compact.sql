-- Migration 4: a smaller warehouse (bench/RESULTS.md §9). One transaction: a writer killed half-way
-- leaves schema 3 as it was. Tables are made anew, their rows copied, the old ones dropped (DuckDB
-- refuses to change rows of a table altered in the same transaction; DuckLake changes no column's
-- type in place).
--
-- 1. A card version's hash is a UBIGINT: the first 64 bits of the same SHA-256 whose first 128 bits
--    the text held as 32 hex digits (the load computes it so: a card that did not change still matches
--    its version). Text that is no hex (never written by modeltrail) becomes 0: the next load sees a
--    change there. card_state's fingerprint (a cache of the same kind) alike.
-- 2. Price and score versions keep no hash: the merge compares their few values directly.
-- 3. No primary-key indexes on the tables every load writes. Each is an ART index DuckDB stores beside
--    its table and rewrites at checkpoints: on 10,000 models card_state's and model_identity's took
--    0.5 MiB each, the small tables' a 256-KiB block each. They guard nothing the code relies on: one
--    writer at a time holds a file (the writer lock), every write is a MERGE or a keyed UPDATE, and a
--    DuckLake has no keys at all (the same code, tested to give the same tables). Key columns stay
--    NOT NULL. Kept: model_aliases' (the user's own table), pages' (one row per body), meta's (the
--    schema version is written into it in this transaction).

CREATE TABLE model_cards_history_0004 (
    source             VARCHAR NOT NULL,
    source_model_id    VARCHAR NOT NULL,
    name               VARCHAR,
    organization       VARCHAR,
    version            VARCHAR,
    release_date       VARCHAR,
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
    row_hash           UBIGINT NOT NULL,
    valid_from         TIMESTAMPTZ NOT NULL,
    valid_to           TIMESTAMPTZ,
    run_id             BIGINT NOT NULL,
    url                VARCHAR NOT NULL,
    fetched_at         TIMESTAMPTZ NOT NULL,
    page_sha256        VARCHAR NOT NULL,
    parser_version     VARCHAR NOT NULL,
    listed_date        VARCHAR,
    hugging_face_id    VARCHAR,
    model_id           VARCHAR
);
INSERT INTO model_cards_history_0004
SELECT * REPLACE (coalesce(TRY_CAST('0x' || row_hash[1:16] AS UBIGINT), 0) AS row_hash) FROM model_cards_history;
DROP TABLE model_cards_history;
ALTER TABLE model_cards_history_0004 RENAME TO model_cards_history;

ALTER TABLE prices_history DROP COLUMN row_hash;
ALTER TABLE benchmarks_history DROP COLUMN row_hash;

CREATE TABLE card_state_0004 (
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    last_seen_run    BIGINT NOT NULL,
    missed_runs      INTEGER NOT NULL DEFAULT 0,
    removed_at       TIMESTAMPTZ,
    fingerprint      UBIGINT
);
INSERT INTO card_state_0004
SELECT * REPLACE (TRY_CAST('0x' || fingerprint[1:16] AS UBIGINT) AS fingerprint) FROM card_state;
DROP TABLE card_state;
ALTER TABLE card_state_0004 RENAME TO card_state;


CREATE TABLE model_identity_0004 (
    source           VARCHAR NOT NULL,
    source_model_id  VARCHAR NOT NULL,
    model_id         VARCHAR,
    version          VARCHAR
);
INSERT INTO model_identity_0004 SELECT * FROM model_identity;
DROP TABLE model_identity;
ALTER TABLE model_identity_0004 RENAME TO model_identity;

CREATE TABLE runs_0004 (
    run_id       BIGINT NOT NULL,
    kind         VARCHAR NOT NULL,
    observed_at  TIMESTAMPTZ NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR,
    replay       VARCHAR,
    flow_run_id  VARCHAR,
    summary      VARCHAR
);
INSERT INTO runs_0004 SELECT * FROM runs;
DROP TABLE runs;
ALTER TABLE runs_0004 RENAME TO runs;

CREATE TABLE source_runs_0004 (
    run_id           BIGINT NOT NULL,
    source           VARCHAR NOT NULL,
    status           VARCHAR NOT NULL,
    pages_ok         INTEGER NOT NULL DEFAULT 0,
    pages_failed     INTEGER NOT NULL DEFAULT 0,
    card_pages       INTEGER NOT NULL DEFAULT 0,
    cards            INTEGER NOT NULL DEFAULT 0,
    problems         INTEGER NOT NULL DEFAULT 0,
    versions_added   INTEGER NOT NULL DEFAULT 0,
    versions_closed  INTEGER NOT NULL DEFAULT 0,
    removed          INTEGER NOT NULL DEFAULT 0,
    reasons          VARCHAR[],
    coverage         JSON,
    error            VARCHAR,
    notes            VARCHAR[],
    unstated         INTEGER DEFAULT 0
);
INSERT INTO source_runs_0004 SELECT * FROM source_runs;
DROP TABLE source_runs;
ALTER TABLE source_runs_0004 RENAME TO source_runs;


CREATE TABLE vendors_0004 (organization VARCHAR NOT NULL, source VARCHAR NOT NULL);
INSERT INTO vendors_0004 SELECT * FROM vendors;
DROP TABLE vendors;
ALTER TABLE vendors_0004 RENAME TO vendors;
