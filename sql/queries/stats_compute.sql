-- stats_compute.sql - THE definition of ad_daily_stats: the stats of every
-- (company_id, ad_id, day) of the tenant-days claimed with token $1 (rows of
-- adreport_dirty_days with claim = $1), recomputed from the raw events.
-- Used whole by two statements, so what verify checks is what the rollup
-- writes: rollup_insert.sql (INSERT INTO ad_daily_stats + this SELECT) and
-- verify_stats.sql (this SELECT beside the stored rows).  Both put this text
-- where their file says {{stats_compute}} (rollup.c, ru_statement()).
-- Runnable alone with psql: SELECT ... for one claim token.
--
-- Output columns, in order: company_id, ad_id, day, campaign_id,
-- impressions, clicks, impression_cost_usd, click_cost_usd, spend_usd,
-- blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd (and
-- with reach: reach_sketch, clickers_sketch).
--
-- One pass over each event table.  Every claimed tenant-day at once, not a
-- loop over tenants: each table's events are joined to their claimed day,
-- the two streams meet in UNION ALL, each event is joined to its ad (for
-- its campaign) and to the small set of blacklisted (tenant, campaign, site
-- URL) triples, and one GROUP BY per (ad, day) counts everything, each
-- column a FILTER of the stream.  Nothing else reads the events.
--
-- Days are local days of the tenant's zone.  A UTC tenant's event belongs
-- to claimed day d when its UTC date is d: an equality the planner
-- estimates from the statistics of the (company_id, (time::date), time)
-- indexes (sql/project.sql), so it hashes the claimed days and scans the
-- table once when most days are claimed (a first load, --all), and looks
-- each claimed day up in the index when few are (the nightly run; for a
-- claim under a tenth of the rows rollup.c has index reads priced as
-- sequential ones, which they are: ru_plan_claim).  A day whose mark lists
-- its ads keeps only their events: the others' rows of the day stay.  A zoned
-- tenant's day is the UTC window [utc_from, utc_to) the claim wrote
-- (rollup_claim_zones.sql), read through the same index by the UTC dates it
-- overlaps; a daylight-saving day holds its 23 or 25 hours.  Either way the
-- output day is the claimed day itself: no per-event zone conversion.
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
-- blacklisted_site_urls or is a subdomain of it.  Hosts of event URLs come
-- from adreport_site_hosts, which holds every URL of every event (the load
-- writes a file's URLs in its transaction; init and rollup --all / --from
-- fill in URLs of events written by other means: site_hosts_fill_*.sql).
-- The blacklisted triples are built from those rows, URLs not events: each
-- blacklist entry looks up the URLs whose host ends in it in an index of
-- reversed hosts.  A blacklist entry's host is cut out by the same
-- adreport_url_host (sql/project.sql).
--
-- Citus: every join includes company_id, company_id leads every GROUP BY,
-- no ORDER BY, no top-level WITH; the claimed days, events, ads, campaigns
-- and site hosts are co-located, so every shard computes its tenants at once.
SELECT t.company_id, t.ad_id, t.day, a.campaign_id,
       t.impressions, t.clicks, t.impression_cost, t.click_cost,
       CASE WHEN c.cost_model = 'cost_per_click' THEN t.click_cost
            WHEN c.cost_model = 'cost_per_impression' THEN t.impression_cost
            ELSE 0 END,
       t.bl_impressions, t.bl_clicks,
       CASE WHEN c.cost_model = 'cost_per_click' THEN t.bl_click_cost
            WHEN c.cost_model = 'cost_per_impression' THEN t.bl_impression_cost
            ELSE 0 END
       , t.reach_sketch, t.clickers_sketch -- @reach
FROM (
    SELECT e.company_id, e.ad_id, e.day,
           count(*) FILTER (WHERE NOT e.is_click) AS impressions,
           count(*) FILTER (WHERE e.is_click) AS clicks,
           coalesce(sum(e.cost) FILTER (WHERE NOT e.is_click), 0) AS impression_cost,
           coalesce(sum(e.cost) FILTER (WHERE e.is_click), 0) AS click_cost,
           count(*) FILTER (WHERE NOT e.is_click AND b.hit) AS bl_impressions,
           count(*) FILTER (WHERE e.is_click AND b.hit) AS bl_clicks,
           coalesce(sum(e.cost) FILTER (WHERE NOT e.is_click AND b.hit), 0)
             AS bl_impression_cost,
           coalesce(sum(e.cost) FILTER (WHERE e.is_click AND b.hit), 0)
             AS bl_click_cost
           -- Reach: one sketch per ad-day of the users behind its impressions,
           -- one of those behind its clicks (NULL when there are none; see
           -- sql/reach.sql for the parameters).
           , hll_add_agg(hll_hash_text(host(e.user_ip)), 13, 5, -1, 1) FILTER (WHERE NOT e.is_click) AS reach_sketch -- @reach
           , hll_add_agg(hll_hash_text(host(e.user_ip)), 13, 5, -1, 1) FILTER (WHERE e.is_click) AS clickers_sketch -- @reach
    FROM (
        -- Tenants in UTC (most): an event belongs to claimed day d when its
        -- UTC date is d.  The planner estimates that equality from the
        -- statistics of the (company_id, (time::date), time) index, so it
        -- hashes the claimed days and scans the events once when most of
        -- them are claimed, or looks each day up in the index when few are.
        -- Each event's ad gives its campaign.  (Each table is joined to
        -- the days and to ads on its own: the planner's statistics and the
        -- (company_id, ad_id) foreign key, from which it estimates the join
        -- with ads, do not reach through a UNION ALL.)
        SELECT i.company_id, i.ad_id, a.campaign_id, d.day, i.site_url,
               i.cost_per_impression_usd AS cost, i.user_ip, false AS is_click
        FROM impressions i
        JOIN adreport_dirty_days d ON d.company_id = i.company_id AND d.day = i.seen_at::date
        JOIN ads a ON a.company_id = i.company_id AND a.id = i.ad_id
        WHERE d.claim = $1 AND d.time_zone = 'UTC' AND (d.ads IS NULL OR i.ad_id = ANY (d.ads))
      UNION ALL
        SELECT k.company_id, k.ad_id, a.campaign_id, d.day, k.site_url, k.cost_per_click_usd,
               k.user_ip, true
        FROM clicks k
        JOIN adreport_dirty_days d ON d.company_id = k.company_id AND d.day = k.clicked_at::date
        JOIN ads a ON a.company_id = k.company_id AND a.id = k.ad_id
        WHERE d.claim = $1 AND d.time_zone = 'UTC' AND (d.ads IS NULL OR k.ad_id = ANY (d.ads))
      UNION ALL
        -- Tenants in another zone: their local day is the window [utc_from,
        -- utc_to), read through the index by the UTC dates it overlaps.
        SELECT i.company_id, i.ad_id, a.campaign_id, d.day, i.site_url,
               i.cost_per_impression_usd, i.user_ip, false
        FROM impressions i
        JOIN adreport_dirty_days d
          ON d.company_id = i.company_id
         AND i.seen_at::date >= d.utc_from::date AND i.seen_at::date <= d.utc_to::date
         AND i.seen_at >= d.utc_from AND i.seen_at < d.utc_to
        JOIN ads a ON a.company_id = i.company_id AND a.id = i.ad_id
        WHERE d.claim = $1 AND d.time_zone <> 'UTC' AND (d.ads IS NULL OR i.ad_id = ANY (d.ads))
      UNION ALL
        SELECT k.company_id, k.ad_id, a.campaign_id, d.day, k.site_url, k.cost_per_click_usd,
               k.user_ip, true
        FROM clicks k
        JOIN adreport_dirty_days d
          ON d.company_id = k.company_id
         AND k.clicked_at::date >= d.utc_from::date AND k.clicked_at::date <= d.utc_to::date
         AND k.clicked_at >= d.utc_from AND k.clicked_at < d.utc_to
        JOIN ads a ON a.company_id = k.company_id AND a.id = k.ad_id
        WHERE d.claim = $1 AND d.time_zone <> 'UTC' AND (d.ads IS NULL OR k.ad_id = ANY (d.ads))
    ) e
    LEFT JOIN (
        -- The blacklisted (tenant, campaign, site URL) triples of the claimed
        -- tenants: each entry of a blacklist, with each URL of its tenant
        -- whose host is the entry's host or a subdomain of it: a range of
        -- the (company_id, reversed host) index, its key the host reversed
        -- with a dot after it (sql/project.sql), one probe per entry.
        -- Grouped, so that two entries matching one URL add no event twice.
        -- `hit` marks a match: a boolean in the sorted rows, not the URL.
        SELECT bl.company_id, bl.campaign_id, sh.site_url, true AS hit
        FROM (
            -- Each blacklist entry of the claimed tenants as a key.  (Grouped:
            -- the planner then computes the entries before it probes the index,
            -- not once per URL.)
            SELECT cp.company_id, cp.id AS campaign_id, reverse(adreport_url_host(u.url)) || '.' AS rhost
            FROM (SELECT company_id FROM adreport_dirty_days WHERE claim = $1
                  GROUP BY company_id) ct
            JOIN campaigns cp ON cp.company_id = ct.company_id
            CROSS JOIN unnest(cp.blacklisted_site_urls) AS u(url)
            WHERE adreport_url_host(u.url) <> ''
            GROUP BY 1, 2, 3
        ) bl
        JOIN adreport_site_hosts sh
          ON sh.company_id = bl.company_id
         AND (reverse(sh.host) || '.') COLLATE "C" >= bl.rhost COLLATE "C"
         AND (reverse(sh.host) || '.') COLLATE "C" < (left(bl.rhost, -1) || '/') COLLATE "C"
        GROUP BY bl.company_id, bl.campaign_id, sh.site_url
    ) b ON b.company_id = e.company_id AND b.campaign_id = e.campaign_id AND b.site_url = e.site_url
    -- By ad and day only: the campaign (needed per event for its blacklist)
    -- is the ad's, looked up once per group below.  A fourth sort key and a
    -- wider sorted row cost 8 % of the statement on 2000 tenants.
    GROUP BY e.company_id, e.ad_id, e.day
) t
JOIN ads a ON a.company_id = t.company_id AND a.id = t.ad_id
JOIN campaigns c ON c.company_id = a.company_id AND c.id = a.campaign_id
