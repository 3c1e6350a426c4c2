-- Event tables whose planner statistics are stale: a nightly load has just
-- added a large share of their rows, and autovacuum has not analyzed them
-- yet.  With stale row counts the planner sorts millions of events instead of
-- hashing them, several times slower.  (On Citus the coordinator's shell
-- tables list nothing here; the workers' autovacuum keeps shard stats.)
--
-- first: the table has no statistics at all (the first load into it).  The
-- rollup then samples 3,000 rows instead of 30,000 (rollup.c): its plans need
-- row counts and the rough spread of tenants and days, not fine histograms,
-- and a full sample reads every page of a table this size (2000 tenants' first
-- load: 0.05 s instead of 0.4 s).  Statistics a table already has are
-- replaced by a full sample only, so no query ever gets coarser ones.
SELECT s.relname,
       NOT EXISTS (SELECT 1 FROM pg_stats p
                   WHERE p.schemaname = s.schemaname AND p.tablename = s.relname) AS first
FROM pg_stat_user_tables s
WHERE s.schemaname = current_schema()
  AND s.relname IN ('clicks', 'impressions')
  AND s.n_mod_since_analyze > 0.1 * greatest(s.n_live_tup, 10000)
ORDER BY s.relname
