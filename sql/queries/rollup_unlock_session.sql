-- Release rollup_lock_session.sql's lock.
SELECT pg_advisory_unlock(hashtext('adreport:rollup'))
