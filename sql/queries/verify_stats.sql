-- verify: the claimed tenant-days (token $1) of ad_daily_stats beside the
-- same days recomputed by stats_compute.sql, the very SELECT the rollup
-- inserts.  One row per (company_id, ad_id, day) where anything differs,
-- a row missing on one side included: has_stored, has_recomputed, then per
-- column the stored and the recomputed value (NULL where the row is
-- missing).  UNION ALL + GROUP BY company_id: pushed down on Citus.
SELECT company_id, ad_id, day::text,
       count(*) FILTER (WHERE src = 's') AS has_stored,
       count(*) FILTER (WHERE src = 'r') AS has_recomputed,
       max(campaign_id) FILTER (WHERE src = 's'), max(campaign_id) FILTER (WHERE src = 'r'),
       max(impressions) FILTER (WHERE src = 's'), max(impressions) FILTER (WHERE src = 'r'),
       max(clicks) FILTER (WHERE src = 's'), max(clicks) FILTER (WHERE src = 'r'),
       max(impression_cost_usd) FILTER (WHERE src = 's'), max(impression_cost_usd) FILTER (WHERE src = 'r'),
       max(click_cost_usd) FILTER (WHERE src = 's'), max(click_cost_usd) FILTER (WHERE src = 'r'),
       max(spend_usd) FILTER (WHERE src = 's'), max(spend_usd) FILTER (WHERE src = 'r'),
       max(blacklisted_impressions) FILTER (WHERE src = 's'), max(blacklisted_impressions) FILTER (WHERE src = 'r'),
       max(blacklisted_clicks) FILTER (WHERE src = 's'), max(blacklisted_clicks) FILTER (WHERE src = 'r'),
       max(blacklisted_spend_usd) FILTER (WHERE src = 's'), max(blacklisted_spend_usd) FILTER (WHERE src = 'r')
       -- Reach: the sketches compared by their estimates (hll has no ordering).
       , max(reach) FILTER (WHERE src = 's'), max(reach) FILTER (WHERE src = 'r') -- @reach
       , max(unique_clickers) FILTER (WHERE src = 's'), max(unique_clickers) FILTER (WHERE src = 'r') -- @reach
FROM (
    SELECT 's' AS src, s.company_id, s.ad_id, s.day, s.campaign_id, s.impressions, s.clicks,
           s.impression_cost_usd, s.click_cost_usd, s.spend_usd, s.blacklisted_impressions,
           s.blacklisted_clicks, s.blacklisted_spend_usd
           , round(hll_cardinality(s.reach_sketch)) AS reach -- @reach
           , round(hll_cardinality(s.clickers_sketch)) AS unique_clickers -- @reach
    FROM ad_daily_stats s
    JOIN adreport_dirty_days d ON d.company_id = s.company_id AND d.day = s.day
    WHERE d.claim = $1 AND (d.ads IS NULL OR s.ad_id = ANY (d.ads))
  UNION ALL
    SELECT 'r', r.company_id, r.ad_id, r.day, r.campaign_id, r.impressions, r.clicks,
           r.impression_cost_usd, r.click_cost_usd, r.spend_usd, r.blacklisted_impressions,
           r.blacklisted_clicks, r.blacklisted_spend_usd
           , round(hll_cardinality(r.reach_sketch)) -- @reach
           , round(hll_cardinality(r.clickers_sketch)) -- @reach
    FROM (
{{stats_compute}}
    ) r (company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd,
         click_cost_usd, spend_usd, blacklisted_impressions, blacklisted_clicks,
         blacklisted_spend_usd
         , reach_sketch, clickers_sketch -- @reach
         )
) x
GROUP BY company_id, ad_id, day
HAVING count(*) FILTER (WHERE src = 's') <> 1 OR count(*) FILTER (WHERE src = 'r') <> 1
    OR count(DISTINCT (campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd,
                       spend_usd, blacklisted_impressions, blacklisted_clicks,
                       blacklisted_spend_usd
                       , reach, unique_clickers -- @reach
                       )) > 1
