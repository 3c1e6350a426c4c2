-- One rollup per tenant at a time; released at commit.  Taken on the node we
-- are connected to (the coordinator on Citus).
SELECT pg_advisory_xact_lock(hashtext('adreport:rollup'), hashtext($1::text))
