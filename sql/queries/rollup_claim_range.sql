-- rollup --from $3 --to $4: claim (token $1) every day of the range for the
-- tenants $2 (NULL: every tenant), whether marked or not, for every ad (a
-- pending mark claimed here loses its list of ads).
INSERT INTO adreport_dirty_days (company_id, day, claim)
SELECT c.id, $3::date + g.n, $1::bigint
FROM companies c
CROSS JOIN generate_series(0, $4::date - $3::date) AS g(n)
WHERE ($2::bigint[] IS NULL OR c.id = ANY ($2::bigint[]))
ON CONFLICT (company_id, day) DO UPDATE SET claim = EXCLUDED.claim, ads = NULL
