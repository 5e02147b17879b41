-- `modeltrail maintain` on a DuckLake (warehouse/maintain.py; bench/lake.py times it): the lake's
-- files counted, its small files merged, its old snapshots expired.

-- name: lake_files
-- A DuckLake's data and delete files (those of its current snapshot), summed over its tables.
SELECT sum(file_count)::BIGINT, sum(delete_file_count)::BIGINT, sum(file_size_bytes + delete_file_size_bytes)::BIGINT
FROM ducklake_table_info('lake');

-- name: lake_latest_snapshot
SELECT max(snapshot_time) FROM ducklake_snapshots('lake');

-- name: lake_expire
-- `maintain --keep-snapshots DAYS`: DuckLake's time travel kept $days days back, then the files only
-- expired snapshots read are deleted. The snapshot current when maintain began ($before) is kept
-- whatever its age: a reader may be scanning it. (History never needs an old snapshot: it is in the
-- history tables.) Returns the snapshots expired.
CALL ducklake_expire_snapshots('lake', older_than => least(now() - to_days(CAST($days AS INTEGER)), $before));

-- name: lake_cleanup
-- Returns the files deleted.
CALL ducklake_cleanup_old_files('lake', cleanup_all => true);

-- name: lake_maintenance
-- `modeltrail maintain` on a DuckLake: rows inlined in the catalog written out as Parquet, the many small
-- files of daily loads merged, files with many deleted rows rewritten. Older snapshots keep the files
-- they read (time travel) until expired; history itself never depends on them.
CALL ducklake_flush_inlined_data('lake');
CALL ducklake_merge_adjacent_files('lake');
CALL ducklake_rewrite_data_files('lake');
