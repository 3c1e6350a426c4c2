-- views.sql - adreport's views, applied by `adreport init` after project.sql
-- and, with --citus, after citus.sql has distributed the tables: Citus keeps
-- a view created over a still-local table local to the coordinator.
-- Idempotent (CREATE OR REPLACE).  Lines ending in "-- @reach" are left out
-- where the database has no hll extension (see the Makefile).

-- Daily stats per campaign: a view over ad_daily_stats, so the two can never
-- disagree.  Queries filter by company_id, which Citus pushes down.
CREATE OR REPLACE VIEW campaign_daily_stats AS
SELECT company_id, campaign_id, day,
       sum(impressions)::bigint AS impressions,
       sum(clicks)::bigint AS clicks,
       sum(impression_cost_usd) AS impression_cost_usd,
       sum(click_cost_usd) AS click_cost_usd,
       sum(spend_usd) AS spend_usd,
       sum(blacklisted_impressions)::bigint AS blacklisted_impressions,
       sum(blacklisted_clicks)::bigint AS blacklisted_clicks,
       sum(blacklisted_spend_usd) AS blacklisted_spend_usd
       -- Reach: the union of the ads' sketches of the day (never a sum).
       , hll_union_agg(reach_sketch) AS reach_sketch -- @reach
       , hll_union_agg(clickers_sketch) AS clickers_sketch -- @reach
FROM ad_daily_stats
GROUP BY company_id, campaign_id, day;
