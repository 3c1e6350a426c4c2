-- Planner statistics of the claim, inside the claiming transaction (ANALYZE
-- counts the transaction's own new row versions).  Without them the planner
-- takes the claimed tenant-days for a handful (the last statistics saw every
-- claim NULL) and reads thousands of them with nested loops meant for a few:
-- several times slower.  The table holds only pending marks: milliseconds.
ANALYZE adreport_dirty_days
