-- report_totals.sql - the tenant's totals and KPIs for the period (one row),
-- for the Summary sheet.  Ratios divide the exact sums.
--
-- $1 company_id, $2 first day, $3 last day (inclusive)
--
-- Reach (lines ending in "-- @reach", left out without the hll extension):
-- reach / unique_clickers estimate the distinct users (user_ip) of the
-- period's impressions / clicks from the union of the daily sketches (never
-- a sum of daily reach); exact up to 640 users.  frequency = impressions /
-- reach, 2 decimals, empty when reach is 0.
SELECT t.impressions,
       t.clicks,
       coalesce(round(hll_cardinality(t.reach_sketch))::bigint, 0) AS reach, -- @reach
       coalesce(round(hll_cardinality(t.clickers_sketch))::bigint, 0) AS unique_clickers, -- @reach
       round(t.impressions / nullif(round(hll_cardinality(t.reach_sketch)), 0)::numeric, 2) AS frequency, -- @reach
       round(t.clicks::numeric / nullif(t.impressions, 0), 6) AS ctr,
       round(t.spend, 2) AS spend_usd,
       round(t.spend / nullif(t.clicks, 0), 2) AS cpc_usd,
       round(t.spend * 1000 / nullif(t.impressions, 0), 2) AS cpm_usd,
       round(t.blacklisted_spend, 2) AS blacklisted_spend_usd
FROM (SELECT coalesce(sum(impressions), 0)::bigint AS impressions,
             coalesce(sum(clicks), 0)::bigint AS clicks,
             coalesce(sum(spend_usd), 0) AS spend,
             hll_union_agg(reach_sketch) AS reach_sketch, -- @reach
             hll_union_agg(clickers_sketch) AS clickers_sketch, -- @reach
             coalesce(sum(blacklisted_spend_usd), 0) AS blacklisted_spend
      FROM ad_daily_stats
      WHERE company_id = $1 AND day BETWEEN $2::date AND $3::date) t
