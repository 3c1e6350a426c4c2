-- One adreport job at a time per database.  Advisory locks live on the node
-- we are connected to: on Citus that is the coordinator, as it must be.
SELECT pg_try_advisory_lock(hashtext('adreport:' || $1))
