-- Before a statement that builds reach sketches (stats_compute.sql): its
-- GROUP BY sorts, never hashes (rollup.c, sketch_plan, says why).  SET
-- LOCAL: gone at commit; on Citus sent to the workers with the transaction
-- (rollup_settings.sql).
SET LOCAL enable_hashagg = off
