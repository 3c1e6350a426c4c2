-- The impressions table's row count as the planner knows it (the last
-- ANALYZE or VACUUM; -1 or 0 before any, and on a Citus coordinator, whose
-- shell table holds no rows).
SELECT reltuples FROM pg_class WHERE oid = 'impressions'::regclass
