-- bare_rollup_blacklist.sql - the rollup benchmark's second baseline: one
-- bare INSERT ... SELECT ... GROUP BY of every column of ad_daily_stats,
-- the blacklist columns included, for every tenant and day at once, written
-- the obvious way: each campaign's blacklisted hosts are cut out once, each
-- event of a campaign with a blacklist has its host cut out (the same string
-- functions as sql/queries/stats_compute.sql) and tested against them.  No dirty-day bookkeeping, no
-- transaction per anything, no ads counters.  tests/bench/run.sh times this
-- whole file.
\set ON_ERROR_STOP 1
CREATE TABLE IF NOT EXISTS bench_bare_stats (LIKE ad_daily_stats INCLUDING ALL);
TRUNCATE bench_bare_stats;
INSERT INTO bench_bare_stats
  (company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd,
   spend_usd, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd)
SELECT ev.company_id, ev.ad_id, ev.day, a.campaign_id,
       count(*) FILTER (WHERE NOT ev.is_click),
       count(*) FILTER (WHERE ev.is_click),
       coalesce(sum(ev.cost) FILTER (WHERE NOT ev.is_click), 0),
       coalesce(sum(ev.cost) FILTER (WHERE ev.is_click), 0),
       coalesce(sum(ev.cost) FILTER (WHERE ev.is_click = (c.cost_model = 'cost_per_click')), 0),
       count(*) FILTER (WHERE NOT ev.is_click AND bl.blacklisted),
       count(*) FILTER (WHERE ev.is_click AND bl.blacklisted),
       coalesce(sum(ev.cost) FILTER (WHERE ev.is_click = (c.cost_model = 'cost_per_click')
                                      AND bl.blacklisted), 0)
FROM (
    SELECT company_id, ad_id, seen_at::date AS day, site_url, false AS is_click,
           cost_per_impression_usd AS cost
    FROM impressions
  UNION ALL
    SELECT company_id, ad_id, clicked_at::date, site_url, true, cost_per_click_usd
    FROM clicks
) ev
JOIN ads a ON a.company_id = ev.company_id AND a.id = ev.ad_id
JOIN campaigns c ON c.company_id = a.company_id AND c.id = a.campaign_id
LEFT JOIN (
    -- Each campaign's blacklisted hosts, cut out once per campaign.
    SELECT cp.company_id, cp.id, array_agg(lower(regexp_replace(split_part(split_part(split_part(split_part(
               CASE WHEN strpos(u.url, '://') > 0 THEN substr(u.url, strpos(u.url, '://') + 3) ELSE u.url END,
               '/', 1), '?', 1), '#', 1), '@', -1), ':[0-9]*$', ''))) AS hosts
    FROM campaigns cp, unnest(cp.blacklisted_site_urls) AS u(url)
    GROUP BY cp.company_id, cp.id
) ch ON ch.company_id = c.company_id AND ch.id = c.id
CROSS JOIN LATERAL (
    SELECT ch.hosts IS NOT NULL AND EXISTS (
        SELECT 1
        FROM unnest(ch.hosts) AS b(bh),
             LATERAL (SELECT lower(regexp_replace(split_part(split_part(split_part(split_part(
                 CASE WHEN strpos(ev.site_url, '://') > 0 THEN substr(ev.site_url, strpos(ev.site_url, '://') + 3) ELSE ev.site_url END,
                 '/', 1), '?', 1), '#', 1), '@', -1), ':[0-9]*$', '')) AS eh) e
        WHERE b.bh <> '' AND (e.eh = b.bh OR right(e.eh, length(b.bh) + 1) = '.' || b.bh)
    ) AS blacklisted
) bl
GROUP BY ev.company_id, ev.ad_id, ev.day, a.campaign_id;
