-- Claim a tenant's dirty days.  The rows stay locked until commit, so a load
-- marking one of them again waits, then re-marks it for the next rollup.
DELETE FROM adreport_dirty_days WHERE company_id = $1 RETURNING day
