-- verify: ads.impressions_count / clicks_count of the tenants in the claim
-- (token $1) against the totals they should hold: the stored stats of the
-- days not claimed plus the recomputed stats of the claimed days (so a wrong
-- stats row is reported once, as a stats difference, not again here).  One
-- row per ad that differs: company_id, ad_id, stored impressions,
-- recomputed, stored clicks, recomputed.
SELECT a.company_id, a.id, a.impressions_count, coalesce(sum(t.impressions), 0)::bigint,
       a.clicks_count, coalesce(sum(t.clicks), 0)::bigint
FROM (SELECT company_id FROM adreport_dirty_days WHERE claim = $1 GROUP BY company_id) ch
JOIN ads a ON a.company_id = ch.company_id
LEFT JOIN (
    SELECT s.company_id, s.ad_id, s.impressions, s.clicks
    FROM ad_daily_stats s
    LEFT JOIN adreport_dirty_days d
      ON d.company_id = s.company_id AND d.day = s.day AND d.claim = $1
     AND (d.ads IS NULL OR s.ad_id = ANY (d.ads))
    WHERE d.company_id IS NULL
  UNION ALL
    SELECT r.company_id, r.ad_id, r.impressions, r.clicks
    FROM (
{{stats_compute}}
    ) r (company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd,
         click_cost_usd, spend_usd, blacklisted_impressions, blacklisted_clicks,
         blacklisted_spend_usd)
) t ON t.company_id = a.company_id AND t.ad_id = a.id
GROUP BY a.company_id, a.id, a.impressions_count, a.clicks_count
HAVING a.impressions_count IS DISTINCT FROM coalesce(sum(t.impressions), 0)
    OR a.clicks_count IS DISTINCT FROM coalesce(sum(t.clicks), 0)
