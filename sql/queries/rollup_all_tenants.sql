-- Every tenant (rollup --all without --company).
SELECT id FROM companies ORDER BY id
