-- tenant_get.sql - a tenant's settings, defaults filled in (no row: UTC).
--
-- $1 company_id.  No row comes back when the company does not exist.
SELECT c.id, c.name,
       coalesce(s.time_zone, 'UTC') AS time_zone,
       coalesce(s.stats_time_zone, 'UTC') AS stats_time_zone,
       s.updated_at
FROM companies c
LEFT JOIN adreport_tenant_settings s ON s.company_id = c.id
WHERE c.id = $1
