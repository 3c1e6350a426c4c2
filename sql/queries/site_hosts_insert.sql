-- Record the hosts of a file's distinct site URLs ($2, a text[]) for tenant
-- $1, in the file's transaction (host: adreport_url_host, sql/project.sql).
-- Routed to the tenant's shard on Citus (company_id = $1, no sequence).
-- $2 holds each URL once, sorted (load_events.c): rows go in in that order,
-- so two loads of the tenant sharing URLs wait for each other, never
-- deadlock (no GROUP BY or ORDER BY here, which could reorder them).
INSERT INTO adreport_site_hosts (company_id, site_url, host)
SELECT $1::bigint, u.url, adreport_url_host(u.url)
FROM unnest($2::text[]) AS u(url)
ON CONFLICT (company_id, site_url) DO NOTHING
