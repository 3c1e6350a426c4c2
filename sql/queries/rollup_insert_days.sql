-- Recompute ad_daily_stats of one tenant ($1) on the days $2..$3 (a
-- contiguous range; rollup.c splits a set of days into such runs) from the
-- raw events.  A plain range, not "::date = ANY (days)": the planner has no
-- statistics for that expression, guesses 0.5% of the rows, and then sorts
-- millions of events instead of hashing them.
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
-- blacklisted_site_urls or is a subdomain of it.  Each campaign's entries
-- become one anchored pattern, '(^|\.)(spam\.example|ads\.example)$'.
-- The host is cut out with string functions (after "://", before the first
-- / ? #, after the last @, without a ":port"; an [IPv6] literal stays whole),
-- written out twice below: one regular expression for all of it costs three
-- times as much per event, and a helper SQL function would have to exist on
-- every Citus node.
--
-- Shape: events are aggregated per (ad, day) before any join, like a bare
-- GROUP BY; only events of ads whose campaign has a blacklist are looked at
-- one by one (host extraction + one match), in a separate branch.  The
-- branches meet in UNION ALL + GROUP BY, which Citus pushes down; every join
-- includes company_id, company_id leads every GROUP BY, no ORDER BY, no
-- top-level WITH.  Every table is filtered to one tenant, so on Citus the
-- statement is routed whole to that tenant's node.
INSERT INTO ad_daily_stats
  (company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd,
   spend_usd, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd)
SELECT t.company_id, t.ad_id, t.day, a.campaign_id,
       sum(t.impressions), sum(t.clicks), sum(t.impression_cost), sum(t.click_cost),
       sum(CASE WHEN c.cost_model = 'cost_per_click' THEN t.click_cost
                WHEN c.cost_model = 'cost_per_impression' THEN t.impression_cost
                ELSE 0 END),
       sum(t.bl_impressions), sum(t.bl_clicks),
       sum(CASE WHEN c.cost_model = 'cost_per_click' THEN t.bl_click_cost
                WHEN c.cost_model = 'cost_per_impression' THEN t.bl_impression_cost
                ELSE 0 END)
FROM (
    -- Every impression, aggregated first.
    SELECT company_id, ad_id, seen_at::date AS day,
           count(*) AS impressions, 0 AS clicks,
           coalesce(sum(cost_per_impression_usd), 0) AS impression_cost, 0 AS click_cost,
           0 AS bl_impressions, 0 AS bl_clicks, 0 AS bl_impression_cost, 0 AS bl_click_cost
    FROM impressions
    WHERE company_id = $1
      AND seen_at >= $2::date AND seen_at < $3::date + 1
    GROUP BY company_id, ad_id, seen_at::date
  UNION ALL
    -- Every click, aggregated first.
    SELECT company_id, ad_id, clicked_at::date,
           0, count(*), 0, coalesce(sum(cost_per_click_usd), 0),
           0, 0, 0, 0
    FROM clicks
    WHERE company_id = $1
      AND clicked_at >= $2::date AND clicked_at < $3::date + 1
    GROUP BY company_id, ad_id, clicked_at::date
  UNION ALL
    -- The blacklisted part: only events of ads with a blacklisted campaign,
    -- grouped by site_url first, so a host is cut out once per distinct URL
    -- of an ad and day rather than once per event.
    SELECT g.company_id, g.ad_id, g.day,
           0, 0, 0, 0,
           coalesce(sum(g.impressions) FILTER (WHERE g.blacklisted), 0),
           coalesce(sum(g.clicks) FILTER (WHERE g.blacklisted), 0),
           coalesce(sum(g.impression_cost) FILTER (WHERE g.blacklisted), 0),
           coalesce(sum(g.click_cost) FILTER (WHERE g.blacklisted), 0)
    FROM (
      SELECT e.company_id, e.ad_id, e.day,
             -- Computed from grouped columns, so once per group.  (In a WHERE
             -- above, PostgreSQL would push it below the GROUP BY and run it
             -- per event again.)
             lower(regexp_replace(split_part(split_part(split_part(split_part(
                 CASE WHEN strpos(e.site_url, '://') > 0 THEN substr(e.site_url, strpos(e.site_url, '://') + 3) ELSE e.site_url END,
                 '/', 1), '?', 1), '#', 1), '@', -1), ':[0-9]*$', '')) ~ b.pattern AS blacklisted,
             count(*) FILTER (WHERE NOT e.is_click) AS impressions,
             count(*) FILTER (WHERE e.is_click) AS clicks,
             coalesce(sum(e.cost) FILTER (WHERE NOT e.is_click), 0) AS impression_cost,
             coalesce(sum(e.cost) FILTER (WHERE e.is_click), 0) AS click_cost
      FROM (
        SELECT company_id, ad_id, seen_at::date AS day, site_url,
               false AS is_click, cost_per_impression_usd AS cost
        FROM impressions
        WHERE company_id = $1
          AND seen_at >= $2::date AND seen_at < $3::date + 1
        UNION ALL
        SELECT company_id, ad_id, clicked_at::date, site_url,
               true, cost_per_click_usd
        FROM clicks
        WHERE company_id = $1
          AND clicked_at >= $2::date AND clicked_at < $3::date + 1
    ) e
    JOIN (
        -- Ads whose campaign has a blacklist, with it as one pattern.
        SELECT ba.company_id, ba.id AS ad_id, bl.pattern
        FROM ads ba
        JOIN (
            SELECT h.company_id, h.id,
                   '(^|\.)(' || string_agg(regexp_replace(h.host, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g'), '|')
                   || ')$' AS pattern
            FROM (SELECT cp.company_id, cp.id,
                         lower(regexp_replace(split_part(split_part(split_part(split_part(
                 CASE WHEN strpos(u.url, '://') > 0 THEN substr(u.url, strpos(u.url, '://') + 3) ELSE u.url END,
                 '/', 1), '?', 1), '#', 1), '@', -1), ':[0-9]*$', '')) AS host
                  FROM campaigns cp, unnest(cp.blacklisted_site_urls) AS u(url)
                  WHERE cp.company_id = $1) h
            WHERE h.host <> ''
            GROUP BY h.company_id, h.id
        ) bl ON bl.company_id = ba.company_id AND bl.id = ba.campaign_id
        WHERE ba.company_id = $1
    ) b ON b.company_id = e.company_id AND b.ad_id = e.ad_id
      GROUP BY e.company_id, e.ad_id, e.day, e.site_url, b.pattern
    ) g
    GROUP BY g.company_id, g.ad_id, g.day
) t
JOIN ads a ON a.company_id = t.company_id AND a.id = t.ad_id
JOIN campaigns c ON c.company_id = a.company_id AND c.id = a.campaign_id
GROUP BY t.company_id, t.ad_id, t.day, a.campaign_id
