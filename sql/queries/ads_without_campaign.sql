-- ads_without_campaign.sql - the ads of the claimed tenants (token $1) that
-- have no campaign (ads.campaign_id NULL, which the seed allows and adreport's
-- loader never writes) but have events, with their event counts.  A stats
-- row needs its campaign (ad_daily_stats.campaign_id, the cost model), so
-- these events are in no stats: the rollup warns, verify counts them as
-- differences.  Joined to ads first and hashed: with no such ad (the normal
-- case) the hash join is empty and never reads an event.
SELECT e.company_id, e.ad_id, sum(e.n)::bigint
FROM (
    SELECT i.company_id, i.ad_id, count(*) AS n
    FROM impressions i
    JOIN ads a ON a.company_id = i.company_id AND a.id = i.ad_id
    JOIN (SELECT company_id FROM adreport_dirty_days WHERE claim = $1
          GROUP BY company_id) t ON t.company_id = a.company_id
    WHERE a.campaign_id IS NULL
    GROUP BY i.company_id, i.ad_id
  UNION ALL
    SELECT k.company_id, k.ad_id, count(*)
    FROM clicks k
    JOIN ads a ON a.company_id = k.company_id AND a.id = k.ad_id
    JOIN (SELECT company_id FROM adreport_dirty_days WHERE claim = $1
          GROUP BY company_id) t ON t.company_id = a.company_id
    WHERE a.campaign_id IS NULL
    GROUP BY k.company_id, k.ad_id
) e
GROUP BY e.company_id, e.ad_id
