-- The zone of every claimed tenant-day (token $1): its tenant's time_zone
-- (claimed rows start as 'UTC', the default of a tenant without settings).
-- UPDATE ... FROM a co-located table joined on company_id: pushed down.
UPDATE adreport_dirty_days d
SET time_zone = z.time_zone
FROM adreport_tenant_settings z
WHERE z.company_id = d.company_id AND d.claim = $1 AND d.time_zone <> z.time_zone
