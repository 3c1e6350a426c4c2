-- report_companies.sql - every tenant, for `adreport report --all`.
--
-- The one cross-tenant query of the reports: companies is keyed (and on
-- Citus distributed) by id, and only ids are read.
SELECT id
FROM companies
ORDER BY id
