-- One rollup (or verify) at a time; released at commit or rollback.  Taken on
-- the node we are connected to (the coordinator on Citus).  Two rollups
-- claiming the same marks would serialize on the marks' row locks anyway;
-- the lock keeps their ads-counter updates from deadlocking.  Returns the
-- claim token: the transaction's id, unique among all transactions.
SELECT pg_advisory_xact_lock(hashtext('adreport:rollup')), txid_current()::text
