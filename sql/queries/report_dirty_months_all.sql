-- report_dirty_months_all.sql - every tenant's months whose stats changed
-- since their last report (`adreport report --changed` without --company):
-- one query for all tenants instead of one per tenant.
--
-- marked_at goes back to report_clear_dirty.sql as it was read (the text of a
-- timestamptz keeps its microseconds), so a mark renewed while the report was
-- being written survives for the next run.
SELECT company_id, to_char(month, 'YYYY-MM-DD') AS month, marked_at
FROM adreport_dirty_months
ORDER BY company_id, month
