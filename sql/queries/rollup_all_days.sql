-- Every day of a tenant that has events or stats (rollup --all).
SELECT day::text FROM (
  SELECT seen_at::date AS day FROM impressions WHERE company_id = $1 GROUP BY company_id, 1
  UNION
  SELECT clicked_at::date FROM clicks WHERE company_id = $1 GROUP BY company_id, 1
  UNION
  SELECT day FROM ad_daily_stats WHERE company_id = $1 GROUP BY company_id, day
) d
ORDER BY 1
