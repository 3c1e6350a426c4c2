-- Each tenant of the claim $1, for --summary-json, after the insert: its
-- claimed tenant-days, the first and last of them, and the stats rows they
-- now hold (of the listed ads only, for a mark that lists its ads).
SELECT d.company_id, count(DISTINCT d.day), min(d.day)::text, max(d.day)::text, count(s.ad_id)
FROM adreport_dirty_days d
LEFT JOIN ad_daily_stats s ON s.company_id = d.company_id AND s.day = d.day
 AND (d.ads IS NULL OR s.ad_id = ANY (d.ads))
WHERE d.claim = $1
GROUP BY d.company_id
ORDER BY d.company_id
