-- tenant_set_time_zone.sql - set a tenant's time zone.  The stats keep the
-- zone they were computed in (stats_time_zone) until the next rollup
-- recomputes them.  $1 company_id, $2 the zone (canonical, checked).
INSERT INTO adreport_tenant_settings (company_id, time_zone)
VALUES ($1, $2)
ON CONFLICT (company_id) DO UPDATE
SET time_zone = EXCLUDED.time_zone, updated_at = EXCLUDED.updated_at
