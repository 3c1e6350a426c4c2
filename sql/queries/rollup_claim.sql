-- Claim the pending marks of the tenants $2 (NULL: every tenant) with token
-- $1, and write each its zone and UTC window (as rollup_claim_zones.sql,
-- which the forced days of --all / --from still need): one write of each
-- mark, not two, which was 40 % of the claim on 2000 tenants.
-- The claimed set lives in adreport_dirty_days itself, a table
-- distributed by company_id, so every later statement joins it co-located
-- (a temp table would pull each INSERT ... SELECT through the coordinator).
-- The UPDATE row-locks the marks until commit: a load re-marking one of them
-- waits, and after the commit (the mark deleted) inserts it afresh for the
-- next rollup.  A mark a load inserts after this statement has no token and
-- is left alone.  Every mark of a tenant is written, even one holding $1
-- already (a part of a rollup claims its tenants again): its lock is what
-- makes this rollup wait for a load still adding to that day.  UPDATE ...
-- FROM a co-located subquery joined on company_id, immutable functions
-- only: pushed down on Citus.
UPDATE adreport_dirty_days d
SET claim = $1,
    time_zone = w.time_zone,
    utc_from = adreport_day_start(d.day, w.time_zone),
    utc_to = adreport_day_start(d.day + 1, w.time_zone)
FROM (SELECT c.company_id, coalesce(max(z.time_zone), 'UTC') AS time_zone
      FROM adreport_dirty_days c
      LEFT JOIN adreport_tenant_settings z ON z.company_id = c.company_id
      WHERE ($2::bigint[] IS NULL OR c.company_id = ANY ($2::bigint[]))
      GROUP BY c.company_id) w
WHERE w.company_id = d.company_id
  AND ($2::bigint[] IS NULL OR d.company_id = ANY ($2::bigint[]))
