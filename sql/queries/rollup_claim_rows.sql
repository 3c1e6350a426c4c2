-- The planner's estimate of the impressions in the tenant-days claimed with
-- token $1 (UTC days; a zoned tenant's are looked up by UTC window anyway),
-- read by rollup.c from EXPLAIN's "Plan Rows": planning only, nothing runs.
-- Beside rollup_event_rows.sql it gives the claim's share of the table.
EXPLAIN (FORMAT JSON)
SELECT 1
FROM impressions i
JOIN adreport_dirty_days d ON d.company_id = i.company_id AND d.day = i.seen_at::date
WHERE d.claim = $1
