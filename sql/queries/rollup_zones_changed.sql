-- How many tenants of $1 (NULL: every tenant) changed their time zone since
-- their stats were computed?  rollup_zone_changes.sql, which reads those
-- tenants' events, runs only when some did: this is a look at a small
-- table, that statement a scan of the events even when it finds nothing.
-- (A count, not EXISTS: Citus would plan an EXISTS subquery on its own.)
SELECT count(*)
FROM adreport_tenant_settings z
WHERE z.time_zone <> coalesce(z.stats_time_zone, 'UTC')
  AND ($1::bigint[] IS NULL OR z.company_id = ANY ($1::bigint[]))
