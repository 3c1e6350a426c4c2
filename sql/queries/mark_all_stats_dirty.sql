-- Reach was just turned on (init added the sketch columns): every tenant-day
-- with stats has no sketch yet, so the next rollup recomputes them all
-- (every ad: ads NULL).
INSERT INTO adreport_dirty_days (company_id, day)
SELECT company_id, day FROM ad_daily_stats
GROUP BY company_id, day
ON CONFLICT (company_id, day) DO UPDATE SET marked_at = EXCLUDED.marked_at, ads = NULL
