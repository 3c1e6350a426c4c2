-- Record the tenant-days a load changed, for the incremental rollup.  DO
-- UPDATE (not DO NOTHING) locks an existing mark, so a rollup that is
-- clearing it waits for this load to commit and then sees its rows.
INSERT INTO adreport_dirty_days (company_id, day)
SELECT $1::bigint, d FROM unnest($2::date[]) AS d
ON CONFLICT (company_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at
