-- Tenants with tenant-days waiting for a rollup.
SELECT company_id FROM adreport_dirty_days GROUP BY company_id ORDER BY company_id
