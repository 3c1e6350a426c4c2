-- report_company.sql - the tenant's name for the report header; no row means
-- the tenant does not exist.  Also the generation time, from the database's
-- clock in UTC.
--
-- $1 company_id
SELECT name,
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' AS generated_at
FROM companies
WHERE id = $1
