-- Migration 9: each source run records the removal setting it was loaded with (--removal-runs), so
-- that `reparse` rebuilds a run as it was loaded (runs from before hold NULL: reparse's own setting).
ALTER TABLE source_runs ADD COLUMN IF NOT EXISTS removal_runs INTEGER;
