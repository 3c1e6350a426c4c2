-- Event tables whose planner statistics are stale: a nightly load has just
-- added a large share of their rows, and autovacuum has not analyzed them
-- yet.  With stale row counts the planner sorts millions of events instead of
-- hashing them, several times slower.  (On Citus the coordinator's shell
-- tables list nothing here; the workers' autovacuum keeps shard stats.)
SELECT relname FROM pg_stat_user_tables
WHERE schemaname = current_schema()
  AND relname IN ('clicks', 'impressions')
  AND n_mod_since_analyze > 0.1 * greatest(n_live_tup, 10000)
ORDER BY relname
