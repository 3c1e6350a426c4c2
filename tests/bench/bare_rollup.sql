-- bare_rollup.sql - the rollup benchmark's baseline: one bare
-- INSERT ... SELECT ... GROUP BY of the same per-ad daily aggregates as
-- sql/queries/stats_compute.sql (counts, cost sums, spend by the
-- campaign's cost model), for every tenant and day at once, into a scratch
-- table shaped like ad_daily_stats.  No blacklist matching, no per-tenant
-- transactions, no dirty-day bookkeeping, no ads.*_count refresh: the least
-- any rollup has to do.  tests/bench/run.sh times this whole file.
\set ON_ERROR_STOP 1
CREATE TABLE IF NOT EXISTS bench_bare_stats (LIKE ad_daily_stats INCLUDING ALL);
TRUNCATE bench_bare_stats;
INSERT INTO bench_bare_stats
  (company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd,
   spend_usd)
SELECT ev.company_id, ev.ad_id, ev.day, a.campaign_id,
       sum(ev.impressions)::bigint,
       sum(ev.clicks)::bigint,
       sum(ev.impression_cost),
       sum(ev.click_cost),
       sum(CASE c.cost_model WHEN 'cost_per_click' THEN ev.click_cost
                             WHEN 'cost_per_impression' THEN ev.impression_cost
                             ELSE 0 END)
FROM (
    SELECT company_id, ad_id, seen_at::date AS day,
           count(*) AS impressions, 0 AS clicks,
           coalesce(sum(cost_per_impression_usd), 0) AS impression_cost,
           0::numeric AS click_cost
    FROM impressions
    GROUP BY 1, 2, 3
  UNION ALL
    SELECT company_id, ad_id, clicked_at::date AS day,
           0, count(*),
           0::numeric,
           coalesce(sum(cost_per_click_usd), 0)
    FROM clicks
    GROUP BY 1, 2, 3
) ev
JOIN ads a ON a.company_id = ev.company_id AND a.id = ev.ad_id
JOIN campaigns c ON c.company_id = a.company_id AND c.id = a.campaign_id
GROUP BY ev.company_id, ev.ad_id, ev.day, a.campaign_id;
