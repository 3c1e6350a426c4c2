-- report_company.sql - the tenant's name for the report header; no row means
-- the tenant does not exist.  Also the generation time from the database's
-- clock (in UTC, and in the tenant's zone for the Summary), the zone its
-- stats are cut in (stats_time_zone: the days the report shows), and the
-- tenant's local yesterday, the last elapsed day for budget pacing.
--
-- $1 company_id
SELECT c.name,
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' AS generated_at,
       coalesce(z.stats_time_zone, 'UTC') AS time_zone,
       to_char(now() AT TIME ZONE coalesce(z.stats_time_zone, 'UTC'), 'YYYY-MM-DD HH24:MI:SS')
         AS generated_local,
       to_char((now() AT TIME ZONE coalesce(z.stats_time_zone, 'UTC'))::date - 1, 'YYYY-MM-DD')
         AS local_yesterday
FROM companies c
LEFT JOIN adreport_tenant_settings z ON z.company_id = c.id
WHERE c.id = $1
