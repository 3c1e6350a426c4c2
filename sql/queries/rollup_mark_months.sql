-- The months whose reports must be regenerated.
INSERT INTO adreport_dirty_months (company_id, month)
SELECT $1::bigint, date_trunc('month', d)::date FROM unnest($2::date[]) AS d GROUP BY 2
ON CONFLICT (company_id, month) DO UPDATE SET marked_at = EXCLUDED.marked_at
