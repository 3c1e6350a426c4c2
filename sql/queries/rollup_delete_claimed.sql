-- Stats of the claimed tenant-days (of the ads a mark lists, or all of the
-- day's) are replaced, never added onto.
DELETE FROM ad_daily_stats s
USING adreport_dirty_days d
WHERE d.company_id = s.company_id AND d.day = s.day AND d.claim = $1
  AND (d.ads IS NULL OR s.ad_id = ANY (d.ads))
