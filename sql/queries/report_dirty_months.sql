-- report_dirty_months.sql - the tenant's months whose stats changed since
-- their last report (`adreport report --changed`).
--
-- $1 company_id
--
-- marked_at goes back to report_clear_dirty.sql as it was read (the text of a
-- timestamptz keeps its microseconds), so a mark renewed while the report was
-- being written survives for the next run.
SELECT to_char(month, 'YYYY-MM-DD') AS month, marked_at
FROM adreport_dirty_months
WHERE company_id = $1
ORDER BY month
