-- Recompute ad_daily_stats of one tenant ($1) on the days $4 (all between
-- $2 and $3, which bound the index scans) from the raw events.
--
-- Spend follows the campaign's cost_model: clicks' costs for
-- cost_per_click, impressions' costs for cost_per_impression; NULL costs
-- count 0.  Sums are numeric: exact.
--
-- An event is blacklisted when the host of its site_url (lower-cased, without
-- user info and port) equals the host of an entry of its campaign's
-- blacklisted_site_urls or is a subdomain of it.  Each campaign's entries
-- become one anchored pattern, '(^|\.)(spam\.example|ads\.example)$', so an
-- event costs one host extraction and one match, and only for campaigns that
-- have a blacklist.
--
-- Citus: clicks and impressions are aggregated separately and combined with
-- UNION ALL + GROUP BY; every join includes company_id; company_id leads the
-- GROUP BY; no ORDER BY.  All co-located: pushed down to the tenant's node.
INSERT INTO ad_daily_stats
  (company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd,
   spend_usd, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd)
SELECT ev.company_id, ev.ad_id, ev.day, a.campaign_id,
       sum(ev.impressions)::bigint,
       sum(ev.clicks)::bigint,
       sum(ev.impression_cost),
       sum(ev.click_cost),
       sum(CASE c.cost_model WHEN 'cost_per_click' THEN ev.click_cost
                             WHEN 'cost_per_impression' THEN ev.impression_cost
                             ELSE 0 END),
       coalesce(sum(ev.impressions) FILTER (WHERE ev.blacklisted), 0)::bigint,
       coalesce(sum(ev.clicks) FILTER (WHERE ev.blacklisted), 0)::bigint,
       coalesce(sum(CASE c.cost_model WHEN 'cost_per_click' THEN ev.click_cost
                                      WHEN 'cost_per_impression' THEN ev.impression_cost
                                      ELSE 0 END) FILTER (WHERE ev.blacklisted), 0)
FROM (
    SELECT i.company_id, i.ad_id, i.seen_at::date AS day,
           coalesce(lower(substring(i.site_url FROM
               '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^/?#@]*@)?(\[[^]/?#]*\]|[^/?#:]*)'))
               ~ bl.pattern, false) AS blacklisted,
           count(*) AS impressions, 0 AS clicks,
           coalesce(sum(i.cost_per_impression_usd), 0) AS impression_cost,
           0::numeric AS click_cost
    FROM impressions i
    JOIN ads ia ON ia.company_id = i.company_id AND ia.id = i.ad_id
    LEFT JOIN (
        SELECT h.company_id, h.id,
               '(^|\.)(' || string_agg(regexp_replace(h.host, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g'), '|')
               || ')$' AS pattern
        FROM (SELECT cp.company_id, cp.id,
                     lower(substring(u.url FROM
                         '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^/?#@]*@)?(\[[^]/?#]*\]|[^/?#:]*)')) AS host
              FROM campaigns cp, unnest(cp.blacklisted_site_urls) AS u(url)
              WHERE cp.company_id = $1) h
        WHERE h.host <> ''
        GROUP BY h.company_id, h.id
    ) bl ON bl.company_id = ia.company_id AND bl.id = ia.campaign_id
    WHERE i.company_id = $1
      AND i.seen_at >= $2::date AND i.seen_at < $3::date + 1
      AND i.seen_at::date = ANY ($4::date[])
    GROUP BY i.company_id, i.ad_id, i.seen_at::date, 4
  UNION ALL
    SELECT k.company_id, k.ad_id, k.clicked_at::date AS day,
           coalesce(lower(substring(k.site_url FROM
               '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^/?#@]*@)?(\[[^]/?#]*\]|[^/?#:]*)'))
               ~ bl.pattern, false) AS blacklisted,
           0 AS impressions, count(*) AS clicks,
           0::numeric AS impression_cost,
           coalesce(sum(k.cost_per_click_usd), 0) AS click_cost
    FROM clicks k
    JOIN ads ka ON ka.company_id = k.company_id AND ka.id = k.ad_id
    LEFT JOIN (
        SELECT h.company_id, h.id,
               '(^|\.)(' || string_agg(regexp_replace(h.host, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g'), '|')
               || ')$' AS pattern
        FROM (SELECT cp.company_id, cp.id,
                     lower(substring(u.url FROM
                         '^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[^/?#@]*@)?(\[[^]/?#]*\]|[^/?#:]*)')) AS host
              FROM campaigns cp, unnest(cp.blacklisted_site_urls) AS u(url)
              WHERE cp.company_id = $1) h
        WHERE h.host <> ''
        GROUP BY h.company_id, h.id
    ) bl ON bl.company_id = ka.company_id AND bl.id = ka.campaign_id
    WHERE k.company_id = $1
      AND k.clicked_at >= $2::date AND k.clicked_at < $3::date + 1
      AND k.clicked_at::date = ANY ($4::date[])
    GROUP BY k.company_id, k.ad_id, k.clicked_at::date, 4
) ev
JOIN ads a ON a.company_id = ev.company_id AND a.id = ev.ad_id
JOIN campaigns c ON c.company_id = a.company_id AND c.id = a.campaign_id
GROUP BY ev.company_id, ev.ad_id, ev.day, a.campaign_id
