-- Migration 8: pages read from a git archive (`modeltrail backfill-git`) are sourced by their blob, not
-- copied. A catalog archive's file weighs megabytes and changes a little per commit: git stores it as
-- deltas, the page archive would store every version again whole (compressed). Such a fetch keeps its
-- row in `fetches` (sha256 of the body, via "git <commit12>") and names here where the body lives:
-- `git -C repo cat-file blob <blob>` (or `git show <commit>:<path>`) gives it back; `modeltrail reparse`
-- reads it from there. One row per fetch (run_id, source, url as in `fetches`).
CREATE TABLE IF NOT EXISTS git_fetches (
    run_id   BIGINT NOT NULL,
    source   VARCHAR NOT NULL,
    url      VARCHAR NOT NULL,
    repo     VARCHAR NOT NULL,   -- the repository's absolute path when it was read
    commit_id VARCHAR NOT NULL,  -- the full commit id
    path     VARCHAR NOT NULL,   -- the file in that commit
    blob     VARCHAR NOT NULL    -- its blob id
);
