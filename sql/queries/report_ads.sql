-- report_ads.sql - ads.csv: every ad of the tenant with its totals for the
-- period (zeros when idle), by ad_id.
--
-- $1 company_id, $2 first day, $3 last day (inclusive)
--
-- Ratios divide exact sums and are empty when the denominator is 0; money is
-- rounded half away from zero on numeric.  Every join includes company_id
-- (required on Citus, where it keeps the query on the tenant's node).
--
-- Reach (lines ending in "-- @reach", left out without the hll extension):
-- reach / unique_clickers estimate the distinct users (user_ip) of the
-- period's impressions / clicks from the union of the daily sketches (never
-- a sum of daily reach); exact up to 640 users.  frequency = impressions /
-- reach, 2 decimals, empty when reach is 0.
SELECT a.id AS ad_id,
       a.name AS ad_name,
       a.campaign_id,
       c.name AS campaign_name,
       coalesce(s.impressions, 0) AS impressions,
       coalesce(s.clicks, 0) AS clicks,
       coalesce(round(hll_cardinality(s.reach_sketch))::bigint, 0) AS reach, -- @reach
       coalesce(round(hll_cardinality(s.clickers_sketch))::bigint, 0) AS unique_clickers, -- @reach
       round(s.impressions / nullif(round(hll_cardinality(s.reach_sketch)), 0)::numeric, 2) AS frequency, -- @reach
       round(s.clicks::numeric / nullif(s.impressions, 0), 6) AS ctr,
       round(coalesce(s.spend, 0), 2) AS spend_usd,
       round(s.spend / nullif(s.clicks, 0), 2) AS cpc_usd,
       round(s.spend * 1000 / nullif(s.impressions, 0), 2) AS cpm_usd
FROM ads a
LEFT JOIN campaigns c ON c.company_id = a.company_id AND c.id = a.campaign_id
LEFT JOIN (SELECT company_id, ad_id,
                  sum(impressions)::bigint AS impressions,
                  sum(clicks)::bigint AS clicks,
                  hll_union_agg(reach_sketch) AS reach_sketch, -- @reach
                  hll_union_agg(clickers_sketch) AS clickers_sketch, -- @reach
                  sum(spend_usd) AS spend
           FROM ad_daily_stats
           WHERE company_id = $1 AND day BETWEEN $2::date AND $3::date
           GROUP BY company_id, ad_id) s
       ON s.company_id = a.company_id AND s.ad_id = a.id
WHERE a.company_id = $1
ORDER BY a.id
