-- Has any tenant of $1 (NULL: every tenant) changed its time zone since its
-- stats were computed?  rollup_zone_changes.sql, which reads those tenants'
-- events, runs only then: the question is a look at a small table, the
-- statement a scan of the events even when it finds nothing.
SELECT EXISTS (
    SELECT 1 FROM adreport_tenant_settings z
    WHERE z.time_zone <> coalesce(z.stats_time_zone, 'UTC')
      AND ($1::bigint[] IS NULL OR z.company_id = ANY ($1::bigint[]))
)
