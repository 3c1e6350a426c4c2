-- Give the claimed marks (token $1) of the tenants $3 the token $2 of their
-- part, in the transaction that claimed them (rollup.c).
UPDATE adreport_dirty_days SET claim = $2::bigint
WHERE claim = $1::bigint AND company_id = ANY ($3::bigint[])
