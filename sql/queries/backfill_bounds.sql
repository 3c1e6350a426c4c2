-- backfill_bounds.sql - a backfill speaks the tenant's local days: its zone,
-- and the UTC instants where local day $2 begins and local day $3 ends, as
-- microseconds since 2000-01-01 UTC (the loader's timestamps), so that rows
-- outside are rejected as outside_range.  $1 company_id.
SELECT z.tz,
       (extract(epoch FROM adreport_day_start($2::date, z.tz)
                           - timestamp '2000-01-01 00:00:00') * 1000000)::bigint,
       (extract(epoch FROM adreport_day_start($3::date + 1, z.tz)
                           - timestamp '2000-01-01 00:00:00') * 1000000)::bigint
FROM (SELECT coalesce(max(time_zone), 'UTC') AS tz
      FROM adreport_tenant_settings WHERE company_id = $1) z
