-- ads.impressions_count / clicks_count = the ad's all-time totals, from the
-- (small, per-day) stats rather than the raw events, for every ad of the
-- tenants in the claim (token $1) at once.  Ads whose totals did not change
-- are not rewritten.
UPDATE ads
SET impressions_count = t.impressions, clicks_count = t.clicks
FROM (
    SELECT a.company_id, a.id,
           coalesce(sum(s.impressions), 0)::bigint AS impressions,
           coalesce(sum(s.clicks), 0)::bigint AS clicks
    FROM (SELECT company_id FROM adreport_dirty_days WHERE claim = $1 GROUP BY company_id) ch
    JOIN ads a ON a.company_id = ch.company_id
    LEFT JOIN ad_daily_stats s ON s.company_id = a.company_id AND s.ad_id = a.id
    GROUP BY a.company_id, a.id
) t
WHERE ads.company_id = t.company_id AND ads.id = t.id
  AND (ads.impressions_count IS DISTINCT FROM t.impressions
       OR ads.clicks_count IS DISTINCT FROM t.clicks)
