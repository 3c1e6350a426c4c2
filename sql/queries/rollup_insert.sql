-- Recompute the claimed tenant-days (token $1): one INSERT ... SELECT for all
-- of them, the SELECT being stats_compute.sql.  Pushed down on Citus
-- (co-located, company_id leads the GROUP BY, no sequence, no temp table).
INSERT INTO ad_daily_stats
  (company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd,
   spend_usd, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd
   , reach_sketch, clickers_sketch -- @reach
  )
{{stats_compute}}
