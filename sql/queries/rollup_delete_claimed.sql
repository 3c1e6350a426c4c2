-- Stats of the claimed tenant-days are replaced, never added onto.
DELETE FROM ad_daily_stats s
USING adreport_dirty_days d
WHERE d.company_id = s.company_id AND d.day = s.day AND d.claim = $1
