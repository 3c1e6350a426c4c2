-- What the claim (token $1) holds: tenants, tenant-days, first and last day.
SELECT count(DISTINCT company_id), count(*), min(day)::text, max(day)::text
FROM adreport_dirty_days WHERE claim = $1
