-- One rollup (or verify) at a time; released at commit or rollback.  Taken on
-- the node we are connected to (the coordinator on Citus).  Two rollups
-- claiming the same marks would serialize on the marks' row locks anyway;
-- the lock keeps their ads-counter updates from deadlocking.  Returns the
-- claim token: the transaction's id times 16, unique among all transactions,
-- and so are the token + 1 .. + 15 that a rollup on several connections
-- gives its parts (rollup.c; at most 16 connections).  A rollup on several
-- connections holds rollup_lock_session.sql's lock (the same lock) the
-- whole time, and its parts' transactions take none.
SELECT pg_advisory_xact_lock(hashtext('adreport:rollup')), (txid_current() * 16)::text
