-- Migration 4: smaller history. A card version's hash becomes a UBIGINT: the first 64 bits of the same
-- SHA-256 whose first 128 bits the text column held as 32 hex digits (the load computes it the same way,
-- so a card that did not change still matches its version). Price and score versions keep no hash: the
-- merge compares their few values directly. card_state's fingerprint (a cache) is converted alike.
-- Text that is no hex (never written by modeltrail) becomes 0: the next load sees a change there.
-- Columns are added, filled, dropped and renamed (DuckLake changes no column's type in place).
ALTER TABLE model_cards_history ADD COLUMN row_hash_u64 UBIGINT;
UPDATE model_cards_history SET row_hash_u64 = coalesce(TRY_CAST('0x' || row_hash[1:16] AS UBIGINT), 0);
ALTER TABLE model_cards_history DROP COLUMN row_hash;
ALTER TABLE model_cards_history RENAME COLUMN row_hash_u64 TO row_hash;
ALTER TABLE prices_history DROP COLUMN row_hash;
ALTER TABLE benchmarks_history DROP COLUMN row_hash;
ALTER TABLE card_state ADD COLUMN fingerprint_u64 UBIGINT;
UPDATE card_state SET fingerprint_u64 = TRY_CAST('0x' || fingerprint[1:16] AS UBIGINT);
ALTER TABLE card_state DROP COLUMN fingerprint;
ALTER TABLE card_state RENAME COLUMN fingerprint_u64 TO fingerprint;
