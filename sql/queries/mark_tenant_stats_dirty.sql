-- An entity change (cost model, blacklist, an ad moved, a rename) can change
-- every day of a tenant's stats and reports: mark all its days with stats,
-- for every ad (ads NULL, also on a load's mark already there).
INSERT INTO adreport_dirty_days (company_id, day)
SELECT company_id, day FROM ad_daily_stats WHERE company_id = $1
GROUP BY company_id, day
ON CONFLICT (company_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at, ads = NULL
