-- report_daily.sql - daily.csv: one row per day and campaign with activity
-- (impressions, clicks or spend), by day, campaign_id.
--
-- $1 company_id, $2 first day, $3 last day (inclusive)
--
-- Reach (lines ending in "-- @reach", left out without the hll extension):
-- reach / unique_clickers estimate the distinct users (user_ip) of the
-- period's impressions / clicks from the union of the daily sketches (never
-- a sum of daily reach); exact up to 640 users.  frequency = impressions /
-- reach, 2 decimals, empty when reach is 0.
SELECT to_char(d.day, 'YYYY-MM-DD') AS day,
       d.campaign_id,
       c.name AS campaign_name,
       d.impressions,
       d.clicks,
       coalesce(round(hll_cardinality(d.reach_sketch))::bigint, 0) AS reach, -- @reach
       coalesce(round(hll_cardinality(d.clickers_sketch))::bigint, 0) AS unique_clickers, -- @reach
       round(d.impressions / nullif(round(hll_cardinality(d.reach_sketch)), 0)::numeric, 2) AS frequency, -- @reach
       round(d.clicks::numeric / nullif(d.impressions, 0), 6) AS ctr,
       round(d.spend_usd, 2) AS spend_usd
FROM campaign_daily_stats d
LEFT JOIN campaigns c ON c.company_id = d.company_id AND c.id = d.campaign_id
WHERE d.company_id = $1 AND d.day BETWEEN $2::date AND $3::date
  AND (d.impressions <> 0 OR d.clicks <> 0 OR d.spend_usd <> 0)
ORDER BY d.day, d.campaign_id
