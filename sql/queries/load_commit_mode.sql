-- How the loader's file transactions may commit (loader.c, "Durability"):
-- the session's synchronous_commit, and whether this is a Citus
-- coordinator (whose file transactions stay synchronous: a transaction over
-- several workers commits in two phases, and the coordinator's record of it
-- must be durable before the workers are told to commit).
SELECT current_setting('synchronous_commit'),
       EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')
