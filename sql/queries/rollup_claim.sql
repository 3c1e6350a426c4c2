-- Claim the pending marks of the tenants $2 (NULL: every tenant) with token
-- $1.  The claimed set lives in adreport_dirty_days itself, a table
-- distributed by company_id, so every later statement joins it co-located
-- (a temp table would pull each INSERT ... SELECT through the coordinator).
-- The UPDATE row-locks the marks until commit: a load re-marking one of them
-- waits, and after the commit (the mark deleted) inserts it afresh for the
-- next rollup.  A mark a load inserts after this statement has no token and
-- is left alone.
UPDATE adreport_dirty_days SET claim = $1
WHERE ($2::bigint[] IS NULL OR company_id = ANY ($2::bigint[]))
