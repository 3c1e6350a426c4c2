-- A file with more distinct site URLs than the loader keeps in memory
-- (load_events.c): record the hosts of every URL of tenant $1's events from
-- day $2 to day $3 (UTC, the file's first and last) that adreport_site_hosts
-- lacks, from the rows themselves, in the file's transaction (its own rows
-- included).  Sorted, as the loader's own insert is (no deadlock between two
-- loads of the tenant).  Routed to the tenant's shard on Citus.
INSERT INTO adreport_site_hosts (company_id, site_url, host)
SELECT u.company_id, u.site_url, adreport_url_host(u.site_url)
FROM (
    SELECT i.company_id, i.site_url FROM impressions i
    WHERE i.company_id = $1 AND i.seen_at::date >= $2::date AND i.seen_at::date <= $3::date
  UNION
    SELECT k.company_id, k.site_url FROM clicks k
    WHERE k.company_id = $1 AND k.clicked_at::date >= $2::date AND k.clicked_at::date <= $3::date
) u
LEFT JOIN adreport_site_hosts sh ON sh.company_id = u.company_id AND sh.site_url = u.site_url
WHERE sh.site_url IS NULL
ORDER BY u.site_url
ON CONFLICT (company_id, site_url) DO NOTHING
