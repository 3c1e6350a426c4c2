-- report_totals.sql - the tenant's totals and KPIs for the period (one row),
-- for the Summary sheet.  Ratios divide the exact sums.
--
-- $1 company_id, $2 first day, $3 last day (inclusive)
SELECT t.impressions,
       t.clicks,
       round(t.clicks::numeric / nullif(t.impressions, 0), 6) AS ctr,
       round(t.spend, 2) AS spend_usd,
       round(t.spend / nullif(t.clicks, 0), 2) AS cpc_usd,
       round(t.spend * 1000 / nullif(t.impressions, 0), 2) AS cpm_usd,
       round(t.blacklisted_spend, 2) AS blacklisted_spend_usd
FROM (SELECT coalesce(sum(impressions), 0)::bigint AS impressions,
             coalesce(sum(clicks), 0)::bigint AS clicks,
             coalesce(sum(spend_usd), 0) AS spend,
             coalesce(sum(blacklisted_spend_usd), 0) AS blacklisted_spend
      FROM ad_daily_stats
      WHERE company_id = $1 AND day BETWEEN $2::date AND $3::date) t
