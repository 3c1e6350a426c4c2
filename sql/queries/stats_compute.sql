-- stats_compute.sql - THE definition of ad_daily_stats: the stats of every
-- (company_id, ad_id, day) of the tenant-days claimed with token $1 (rows of
-- adreport_dirty_days with claim = $1), recomputed from the raw events.
-- Used whole by two statements, so what verify checks is what the rollup
-- writes: rollup_insert.sql (INSERT INTO ad_daily_stats + this SELECT) and
-- verify_stats.sql (this SELECT beside the stored rows).  Both put this text
-- where their file says {{stats_compute}} (rollup.c, ru_statement()).
-- Runnable alone with psql: SELECT ... for one claim token.
--
-- Every claimed tenant-day at once, not a loop over tenants: each event table
-- is joined to the claimed days on company_id and a plain time range (one
-- index range scan of (company_id, time) per claimed tenant-day), so
-- untouched days are never read.  (When most days are claimed a sequential
-- scan would be cheaper; the planner does not choose one for a range join:
-- see tests/bench/RESULTS.md.)  Output columns, in order: company_id, ad_id, day,
-- campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd,
-- spend_usd, blacklisted_impressions, blacklisted_clicks,
-- blacklisted_spend_usd (and with reach: reach_sketch, clickers_sketch).
--
-- Days are local days of the tenant's zone, written into each claimed row
-- (d.time_zone) by the claim: an event belongs to claimed day d when it
-- falls in [d 00:00, d+1 00:00) local time, so a daylight-saving day holds
-- its 23 or 25 hours and every event counts once; the output day is d.day
-- itself, no per-event conversion.
--
-- Spend follows the campaign's cost_model: its clicks' costs for
-- cost_per_click, its impressions' costs for cost_per_impression.  NULL
-- costs count 0.  Sums are numeric: exact.  The CASE is the searched form
-- (CASE WHEN x = 'a'): Citus mis-deparses the simple form (CASE x WHEN 'a')
-- inside a pushed-down INSERT ... SELECT ("operator does not exist: text =
-- boolean" on the workers).
--
-- An event is blacklisted when the host of its site_url (lower-cased,
-- without user info and port) equals the host of an entry of its campaign's
-- blacklisted_site_urls or is a subdomain of it.  The host is cut out with
-- string functions (after "://", before the first / ? #, after the last @,
-- without a ":port"; an [IPv6] literal stays whole): for events by the load
-- (adreport_site_hosts, site_hosts_insert.sql), for blacklist entries and
-- URLs the load did not record here; the expression is written out rather
-- than put in a SQL function, which would have to exist on every Citus node.
--
-- Shape: events are aggregated per (ad, day) before any join, like a bare
-- GROUP BY; only events of ads whose campaign has a blacklist go through a
-- second branch: grouped by site_url, then one host lookup and one LIKE
-- test per group.  The
-- branches meet in UNION ALL + GROUP BY, which Citus pushes down; every join
-- includes company_id, company_id leads every GROUP BY, no ORDER BY, no
-- top-level WITH.  On Citus the claimed days, the events, ads and campaigns
-- are co-located, so every shard computes its tenants at once.
SELECT t.company_id, t.ad_id, t.day, a.campaign_id,
       sum(t.impressions), sum(t.clicks), sum(t.impression_cost), sum(t.click_cost),
       sum(CASE WHEN c.cost_model = 'cost_per_click' THEN t.click_cost
                WHEN c.cost_model = 'cost_per_impression' THEN t.impression_cost
                ELSE 0 END),
       sum(t.bl_impressions), sum(t.bl_clicks),
       sum(CASE WHEN c.cost_model = 'cost_per_click' THEN t.bl_click_cost
                WHEN c.cost_model = 'cost_per_impression' THEN t.bl_impression_cost
                ELSE 0 END)
       -- Reach: one sketch per ad-day of the users behind its impressions and
       -- clicks (see sql/reach.sql for the parameters).
       , hll_union_agg(t.reach_sketch) -- @reach
       , hll_union_agg(t.clickers_sketch) -- @reach
FROM (
    -- Every impression, aggregated first.
    SELECT i.company_id, i.ad_id, d.day,
           count(*) AS impressions, 0 AS clicks,
           coalesce(sum(i.cost_per_impression_usd), 0) AS impression_cost, 0 AS click_cost,
           0 AS bl_impressions, 0 AS bl_clicks, 0 AS bl_impression_cost, 0 AS bl_click_cost
           , hll_add_agg(hll_hash_text(host(i.user_ip)), 13, 5, -1, 1) AS reach_sketch -- @reach
           , NULL::hll AS clickers_sketch -- @reach
    FROM impressions i
    JOIN adreport_dirty_days d
      ON d.company_id = i.company_id
       AND i.seen_at >= ((d.day::timestamp AT TIME ZONE d.time_zone) AT TIME ZONE 'UTC')
       AND i.seen_at < (((d.day + 1)::timestamp AT TIME ZONE d.time_zone) AT TIME ZONE 'UTC')
    WHERE d.claim = $1
    GROUP BY i.company_id, i.ad_id, d.day
  UNION ALL
    -- Every click, aggregated first.
    SELECT k.company_id, k.ad_id, d.day,
           0, count(*), 0, coalesce(sum(k.cost_per_click_usd), 0),
           0, 0, 0, 0
           , NULL::hll, hll_add_agg(hll_hash_text(host(k.user_ip)), 13, 5, -1, 1) -- @reach
    FROM clicks k
    JOIN adreport_dirty_days d
      ON d.company_id = k.company_id
       AND k.clicked_at >= ((d.day::timestamp AT TIME ZONE d.time_zone) AT TIME ZONE 'UTC')
       AND k.clicked_at < (((d.day + 1)::timestamp AT TIME ZONE d.time_zone) AT TIME ZONE 'UTC')
    WHERE d.claim = $1
    GROUP BY k.company_id, k.ad_id, d.day
  UNION ALL
    -- The blacklisted part: only events of ads whose campaign has a
    -- blacklist, grouped by site_url first (a big tenant's ad-day repeats a
    -- few hundred URLs), then only the URLs whose host matches.  The host
    -- comes from adreport_site_hosts (cut out by the load, once per tenant
    -- and URL); for a URL missing there it is cut out here.
    SELECT g.company_id, g.ad_id, g.day,
           0, 0, 0, 0,
           sum(g.impressions), sum(g.clicks), sum(g.impression_cost), sum(g.click_cost)
           , NULL::hll, NULL::hll -- @reach
    FROM (
      SELECT e.company_id, e.ad_id, e.day, e.site_url, b.patterns,
             count(*) FILTER (WHERE NOT e.is_click) AS impressions,
             count(*) FILTER (WHERE e.is_click) AS clicks,
             coalesce(sum(e.cost) FILTER (WHERE NOT e.is_click), 0) AS impression_cost,
             coalesce(sum(e.cost) FILTER (WHERE e.is_click), 0) AS click_cost
      FROM (
        SELECT i.company_id, i.ad_id, d.day, i.site_url,
               false AS is_click, i.cost_per_impression_usd AS cost
        FROM impressions i
        JOIN adreport_dirty_days d
          ON d.company_id = i.company_id
           AND i.seen_at >= ((d.day::timestamp AT TIME ZONE d.time_zone) AT TIME ZONE 'UTC')
           AND i.seen_at < (((d.day + 1)::timestamp AT TIME ZONE d.time_zone) AT TIME ZONE 'UTC')
        WHERE d.claim = $1
        UNION ALL
        SELECT k.company_id, k.ad_id, d.day, k.site_url,
               true, k.cost_per_click_usd
        FROM clicks k
        JOIN adreport_dirty_days d
          ON d.company_id = k.company_id
           AND k.clicked_at >= ((d.day::timestamp AT TIME ZONE d.time_zone) AT TIME ZONE 'UTC')
           AND k.clicked_at < (((d.day + 1)::timestamp AT TIME ZONE d.time_zone) AT TIME ZONE 'UTC')
        WHERE d.claim = $1
      ) e
      JOIN (
        -- Ads whose campaign has a blacklist, with its hosts as LIKE
        -- patterns: '%.spam.example' matches '.' || host exactly when host
        -- is spam.example or a subdomain of it (a suffix test: three times
        -- cheaper than an anchored regular expression).
        SELECT ba.company_id, ba.id AS ad_id, bl.patterns
        FROM ads ba
        JOIN (
            SELECT h.company_id, h.id,
                   array_agg('%.' || replace(replace(replace(h.host, '\', '\\'), '%', '\%'), '_', '\_'))
                     AS patterns
            FROM (SELECT cp.company_id, cp.id,
                         lower(regexp_replace(split_part(split_part(split_part(split_part(
                 CASE WHEN strpos(u.url, '://') > 0 THEN substr(u.url, strpos(u.url, '://') + 3) ELSE u.url END,
                 '/', 1), '?', 1), '#', 1), '@', -1), ':[0-9]*$', '')) AS host
                  FROM campaigns cp, unnest(cp.blacklisted_site_urls) AS u(url)) h
            WHERE h.host <> ''
            GROUP BY h.company_id, h.id
        ) bl ON bl.company_id = ba.company_id AND bl.id = ba.campaign_id
      ) b ON b.company_id = e.company_id AND b.ad_id = e.ad_id
      GROUP BY e.company_id, e.ad_id, e.day, e.site_url, b.patterns
    ) g
    LEFT JOIN adreport_site_hosts sh ON sh.company_id = g.company_id AND sh.site_url = g.site_url
    -- (On columns joined after the GROUP BY, so tested once per group.)
    WHERE '.' || coalesce(sh.host, lower(regexp_replace(split_part(split_part(split_part(split_part(
              CASE WHEN strpos(g.site_url, '://') > 0 THEN substr(g.site_url, strpos(g.site_url, '://') + 3) ELSE g.site_url END,
              '/', 1), '?', 1), '#', 1), '@', -1), ':[0-9]*$', '')))
          LIKE ANY (g.patterns)
    GROUP BY g.company_id, g.ad_id, g.day
) t
JOIN ads a ON a.company_id = t.company_id AND a.id = t.ad_id
JOIN campaigns c ON c.company_id = a.company_id AND c.id = a.campaign_id
GROUP BY t.company_id, t.ad_id, t.day, a.campaign_id

