-- report_clear_dirty.sql - forget one (company, month) mark once its report
-- files are published.  Only the mark as it was read is deleted: one renewed
-- since (marked_at changed) stays, and the month is reported again next time.
--
-- $1 company_id, $2 month (as read), $3 marked_at (as read).  A plain
-- comparison: Citus refuses STABLE functions of a column (extract(epoch
-- FROM marked_at)) in a DELETE.
DELETE FROM adreport_dirty_months
WHERE company_id = $1
  AND month = $2::date
  AND marked_at = $3::timestamptz
