-- The span of a tenant's days (rollup --all): from its first to its last
-- event or stats day.  min/max come straight off the (company_id, time)
-- indexes; days inside the span without events simply produce no rows.
SELECT min(d)::text, max(d)::text FROM (
  SELECT min(seen_at)::date AS d FROM impressions WHERE company_id = $1
  UNION ALL SELECT max(seen_at)::date FROM impressions WHERE company_id = $1
  UNION ALL SELECT min(clicked_at)::date FROM clicks WHERE company_id = $1
  UNION ALL SELECT max(clicked_at)::date FROM clicks WHERE company_id = $1
  UNION ALL SELECT min(day) FROM ad_daily_stats WHERE company_id = $1
  UNION ALL SELECT max(day) FROM ad_daily_stats WHERE company_id = $1
) span
