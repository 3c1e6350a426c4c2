-- Record the hosts of a file's distinct site URLs ($2, a text[]) for tenant
-- $1, in the file's transaction.  The host: after "://", before the first
-- / ? #, after the last @, lower-cased, without a ":port" (an [IPv6] literal
-- stays whole) -- the same expression as the fallback in stats_compute.sql.
-- Routed to the tenant's shard on Citus (company_id = $1, no sequence).
-- $2 holds each URL once, sorted (load_events.c): rows go in in that order,
-- so two loads of the tenant sharing URLs wait for each other, never
-- deadlock (no GROUP BY or ORDER BY here, which could reorder them).
INSERT INTO adreport_site_hosts (company_id, site_url, host)
SELECT $1::bigint, u.url,
       lower(regexp_replace(split_part(split_part(split_part(split_part(
           CASE WHEN strpos(u.url, '://') > 0 THEN substr(u.url, strpos(u.url, '://') + 3) ELSE u.url END,
           '/', 1), '?', 1), '#', 1), '@', -1), ':[0-9]*$', ''))
FROM unnest($2::text[]) AS u(url)
ON CONFLICT (company_id, site_url) DO NOTHING
