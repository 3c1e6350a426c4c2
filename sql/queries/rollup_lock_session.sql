-- The rollup lock (rollup_lock.sql) for the whole of a rollup on several
-- connections: taken on the first, held across the transactions of its
-- parts, released by rollup_unlock_session.sql or when the session ends (a
-- killed process).
SELECT pg_advisory_lock(hashtext('adreport:rollup'))
