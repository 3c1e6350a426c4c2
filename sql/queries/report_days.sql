-- report_days.sql - the tenant's totals per day with activity, for the
-- Summary sheet's daily table and line chart (the C side fills idle days
-- with zeros, so no function scan is joined to a distributed table).
--
-- $1 company_id, $2 first day, $3 last day (inclusive)
SELECT to_char(day, 'YYYY-MM-DD') AS day,
       sum(impressions)::bigint AS impressions,
       sum(clicks)::bigint AS clicks,
       round(sum(spend_usd), 2) AS spend_usd
FROM ad_daily_stats
WHERE company_id = $1 AND day BETWEEN $2::date AND $3::date
GROUP BY company_id, day
ORDER BY day
