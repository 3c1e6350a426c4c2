-- The claimed tenants' stats are now cut in the zone of their claim (token
-- $1): record it.  Should the zone have changed again since the claim,
-- stats_time_zone stays unequal to time_zone and the next rollup recomputes.
UPDATE adreport_tenant_settings z
SET stats_time_zone = d.time_zone
FROM (SELECT company_id, min(time_zone) AS time_zone
      FROM adreport_dirty_days WHERE claim = $1
      GROUP BY company_id) d
WHERE z.company_id = d.company_id
  AND z.stats_time_zone IS DISTINCT FROM d.time_zone
