-- Settings of the rollup's (and verify's) transaction.  The one INSERT ...
-- SELECT aggregates every claimed tenant-day at once: with the default 4 MB
-- the planner sorts those groups on disk instead of hashing them in memory
-- (about 20 % of a full rollup at 50 tenants).  SET LOCAL: gone at commit.
SET LOCAL work_mem = '64MB'
