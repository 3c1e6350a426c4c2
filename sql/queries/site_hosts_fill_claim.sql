-- rollup --all / --from: record the hosts of the site URLs of the events of
-- the claimed tenant-days (token $1) that adreport_site_hosts lacks (events
-- written by other programs, or before the table existed), so that the
-- recomputed days count every blacklisted event.  A no-op write when every
-- URL is there.  Pushed down on Citus (co-located, company_id in every join
-- and leading the GROUP BY).
INSERT INTO adreport_site_hosts (company_id, site_url, host)
SELECT u.company_id, u.site_url, adreport_url_host(u.site_url)
FROM (
    SELECT i.company_id, i.site_url
    FROM impressions i
    JOIN adreport_dirty_days d
      ON d.company_id = i.company_id
     AND i.seen_at::date >= d.utc_from::date AND i.seen_at::date <= d.utc_to::date
     AND i.seen_at >= d.utc_from AND i.seen_at < d.utc_to
    WHERE d.claim = $1
    GROUP BY i.company_id, i.site_url
  UNION
    SELECT k.company_id, k.site_url
    FROM clicks k
    JOIN adreport_dirty_days d
      ON d.company_id = k.company_id
     AND k.clicked_at::date >= d.utc_from::date AND k.clicked_at::date <= d.utc_to::date
     AND k.clicked_at >= d.utc_from AND k.clicked_at < d.utc_to
    WHERE d.claim = $1
    GROUP BY k.company_id, k.site_url
) u
LEFT JOIN adreport_site_hosts sh ON sh.company_id = u.company_id AND sh.site_url = u.site_url
WHERE sh.site_url IS NULL
ON CONFLICT (company_id, site_url) DO NOTHING
