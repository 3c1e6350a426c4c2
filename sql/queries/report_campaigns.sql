-- report_campaigns.sql - campaigns.csv: every campaign of the tenant with its
-- totals for the period (zeros when idle), by campaign_id.
--
-- $1 company_id, $2 first day, $3 last day (inclusive), $4 the last elapsed
-- day for budget pacing (yesterday, UTC), or NULL for a range report.
--
-- Ratios divide exact sums (never averages of ratios) and are empty when the
-- denominator is 0.  Money is rounded half away from zero on numeric.
-- Pacing is spend / (monthly_budget * elapsed / days_in_month), written as
-- spend * days / (budget * elapsed) so the elapsed share is never rounded;
-- the period of a month report is the whole month, so days = $3 - $2 + 1,
-- and elapsed = days up to $4, between 0 and the whole month.
--
-- Reach (lines ending in "-- @reach", left out without the hll extension):
-- reach / unique_clickers estimate the distinct users (user_ip) of the
-- period's impressions / clicks from the union of the daily sketches (never
-- a sum of daily reach); exact up to 640 users.  frequency = impressions /
-- reach, 2 decimals, empty when reach is 0.
SELECT c.id AS campaign_id,
       c.name AS campaign_name,
       c.state,
       c.cost_model,
       round(c.monthly_budget::numeric, 2) AS monthly_budget_usd,
       coalesce(s.impressions, 0) AS impressions,
       coalesce(s.clicks, 0) AS clicks,
       coalesce(round(hll_cardinality(s.reach_sketch))::bigint, 0) AS reach, -- @reach
       coalesce(round(hll_cardinality(s.clickers_sketch))::bigint, 0) AS unique_clickers, -- @reach
       round(s.impressions / nullif(round(hll_cardinality(s.reach_sketch)), 0)::numeric, 2) AS frequency, -- @reach
       round(s.clicks::numeric / nullif(s.impressions, 0), 6) AS ctr,
       round(coalesce(s.spend, 0), 2) AS spend_usd,
       round(s.spend / nullif(s.clicks, 0), 2) AS cpc_usd,
       round(s.spend * 1000 / nullif(s.impressions, 0), 2) AS cpm_usd,
       round(coalesce(s.spend, 0) * ($3::date - $2::date + 1)
             / nullif(c.monthly_budget::numeric
                      * least(greatest($4::date - $2::date + 1, 0), $3::date - $2::date + 1), 0),
             6) AS budget_pacing,
       round(coalesce(s.blacklisted_spend, 0), 2) AS blacklisted_spend_usd
FROM campaigns c
LEFT JOIN (SELECT company_id, campaign_id,
                  sum(impressions)::bigint AS impressions,
                  sum(clicks)::bigint AS clicks,
                  sum(spend_usd) AS spend,
                  hll_union_agg(reach_sketch) AS reach_sketch, -- @reach
                  hll_union_agg(clickers_sketch) AS clickers_sketch, -- @reach
                  sum(blacklisted_spend_usd) AS blacklisted_spend
           FROM ad_daily_stats
           WHERE company_id = $1 AND day BETWEEN $2::date AND $3::date
           GROUP BY company_id, campaign_id) s
       ON s.company_id = c.company_id AND s.campaign_id = c.id
WHERE c.company_id = $1
ORDER BY c.id
