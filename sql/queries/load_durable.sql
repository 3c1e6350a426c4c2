-- The loader's durability barrier (loader.c, "Durability"): one transaction
-- that writes a WAL record (a transactional logical message, kept nowhere)
-- and commits synchronously.  Its commit flushes the WAL up to its own
-- record, so every commit written before it, on any connection, is on disk
-- when this returns.  (A transaction that writes nothing commits without a
-- flush, whatever synchronous_commit says.)  The level is the session's own
-- synchronous_commit (on, local, remote_write or remote_apply), so a standby
-- the session waits for has them too.
BEGIN;
SET LOCAL synchronous_commit = {{level}};
SELECT pg_logical_emit_message(true, 'adreport', 'loaded files durable');
COMMIT
