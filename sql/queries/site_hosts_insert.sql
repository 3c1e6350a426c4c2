-- Record the hosts of a file's distinct site URLs ($2, a text[]) for tenant
-- $1, in the file's transaction (host: adreport_url_host, sql/project.sql).
-- Routed to the tenant's shard on Citus (company_id = $1, no sequence).
-- $2 holds each URL once, sorted (load_events.c): rows go in in that order
-- (ORDER BY n, the array's own order), so two loads of the tenant sharing
-- URLs wait for each other, never deadlock.  URLs the tenant already has
-- are left out before the host is cut and the insert tried: most files
-- repeat their tenant's URLs, and the insert's conflict check cost more than
-- this lookup (ON CONFLICT still settles a URL a concurrent load adds).
INSERT INTO adreport_site_hosts (company_id, site_url, host)
SELECT $1::bigint, u.url, adreport_url_host(u.url)
FROM unnest($2::text[]) WITH ORDINALITY AS u(url, n)
WHERE NOT EXISTS (SELECT 1 FROM adreport_site_hosts h
                  WHERE h.company_id = $1 AND h.site_url = u.url)
ORDER BY u.n
ON CONFLICT (company_id, site_url) DO NOTHING
