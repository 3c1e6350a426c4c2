-- Settings of the rollup's (and verify's) transaction; SET LOCAL: gone at
-- commit.  The one INSERT ... SELECT aggregates every claimed tenant-day at
-- once: with the default 4 MB the planner sorts those groups on disk
-- instead of in memory (about 20 % of a full rollup at 50 tenants).  No
-- merge joins: the planner would sort every claimed event by site URL to
-- merge it with the few blacklisted URLs, where a hash probe per event costs
-- far less (a full rollup of 2000 tenants: 7.2 s against 5.6 s); nothing
-- the rollup joins is large on both sides.  No JIT: the insert's cost
-- estimate passes jit_above_cost, and compiling its 200 expressions (about
-- 0.1 s) costs more than it saves over a rollup's million events (2000
-- tenants, the insert's SELECT: 1.32-1.48 s without, 1.63-1.66 s with).
-- On Citus the settings go with the statements to the workers
-- (propagate_set_commands; a placeholder setting without Citus).
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL work_mem = '64MB';
SET LOCAL enable_mergejoin = off;
SET LOCAL jit = off
