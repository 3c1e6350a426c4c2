-- The months whose reports must be regenerated: those of the claimed days.
-- (date_trunc on a timestamp, not on a date, which would go through the
-- session's time zone: STABLE.)
INSERT INTO adreport_dirty_months (company_id, month)
SELECT company_id, date_trunc('month', day::timestamp)::date
FROM adreport_dirty_days WHERE claim = $1
GROUP BY company_id, date_trunc('month', day::timestamp)::date
ON CONFLICT (company_id, month) DO UPDATE SET marked_at = EXCLUDED.marked_at
