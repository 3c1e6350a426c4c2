-- bare_rollup_sketches.sql - bare_rollup.sql with the reach sketches: the
-- same one INSERT ... SELECT ... GROUP BY, each (ad, day) group of
-- impressions also building the HyperLogLog sketch of its users and each
-- group of clicks that of its clickers, with the parameters and hash of
-- sql/queries/stats_compute.sql, so the sketches come out byte-equal to the
-- rollup's.  No blacklist matching, no dirty-day bookkeeping, no ads
-- counters.  tests/bench/run.sh times this whole file beside a rollup that
-- keeps sketches (needs the hll extension and the sketch columns), with the
-- rollup's settings for a statement that builds sketches (work_mem, no JIT,
-- no hashed GROUP BY).
\set ON_ERROR_STOP 1
CREATE TABLE IF NOT EXISTS bench_bare_stats (LIKE ad_daily_stats INCLUDING ALL);
TRUNCATE bench_bare_stats;
INSERT INTO bench_bare_stats
  (company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd,
   spend_usd, reach_sketch, clickers_sketch)
SELECT ev.company_id, ev.ad_id, ev.day, a.campaign_id,
       sum(ev.impressions)::bigint,
       sum(ev.clicks)::bigint,
       sum(ev.impression_cost),
       sum(ev.click_cost),
       sum(CASE c.cost_model WHEN 'cost_per_click' THEN ev.click_cost
                             WHEN 'cost_per_impression' THEN ev.impression_cost
                             ELSE 0 END),
       hll_union_agg(ev.reach), hll_union_agg(ev.clickers)
FROM (
    SELECT company_id, ad_id, seen_at::date AS day,
           count(*) AS impressions, 0 AS clicks,
           coalesce(sum(cost_per_impression_usd), 0) AS impression_cost,
           0::numeric AS click_cost,
           hll_add_agg(hll_hash_text(host(user_ip)), 13, 5, -1, 1) AS reach, NULL::hll AS clickers
    FROM impressions
    GROUP BY 1, 2, 3
  UNION ALL
    SELECT company_id, ad_id, clicked_at::date AS day,
           0, count(*),
           0::numeric,
           coalesce(sum(cost_per_click_usd), 0),
           NULL::hll, hll_add_agg(hll_hash_text(host(user_ip)), 13, 5, -1, 1)
    FROM clicks
    GROUP BY 1, 2, 3
) ev
JOIN ads a ON a.company_id = ev.company_id AND a.id = ev.ad_id
JOIN campaigns c ON c.company_id = a.company_id AND c.id = a.campaign_id
GROUP BY ev.company_id, ev.ad_id, ev.day, a.campaign_id;
