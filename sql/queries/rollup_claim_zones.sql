-- The zone and UTC window of every claimed tenant-day (token $1): its
-- tenant's time_zone ('UTC' for a tenant without settings) and the local
-- day as [utc_from, utc_to) in UTC wall time (adreport_day_start), the form of the event columns
-- (a daylight-saving day holds its 23 or 25 hours).  Every later statement of
-- the rollup reads the zone and window from here, so the whole rollup uses
-- the one zone read at claim time.  UPDATE ... FROM a co-located subquery
-- joined on company_id, immutable functions only: pushed down on Citus.
UPDATE adreport_dirty_days d
SET time_zone = w.time_zone,
    utc_from = adreport_day_start(d.day, w.time_zone),
    utc_to = adreport_day_start(d.day + 1, w.time_zone)
FROM (SELECT c.company_id, coalesce(max(z.time_zone), 'UTC') AS time_zone
      FROM adreport_dirty_days c
      LEFT JOIN adreport_tenant_settings z ON z.company_id = c.company_id
      WHERE c.claim = $1
      GROUP BY c.company_id) w
WHERE w.company_id = d.company_id AND d.claim = $1
  -- A mark claimed again (by each part of a rollup on several connections)
  -- keeps the zone it was given: no second write.
  AND (d.time_zone, d.utc_from, d.utc_to) IS DISTINCT FROM
      (w.time_zone, adreport_day_start(d.day, w.time_zone),
       adreport_day_start(d.day + 1, w.time_zone))
