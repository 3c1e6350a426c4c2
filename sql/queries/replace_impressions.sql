-- --replace / backfill: remove a tenant's impressions on the given days before the
-- file's rows are copied in, in the same transaction.  The days are local
-- days of zone $5: the tenant's for a backfill, UTC for --replace (the UTC
-- days its file covers).  $2/$3 bound the date and the time so
-- that the (company_id, (seen_at::date), seen_at) index is used.
DELETE FROM impressions
WHERE company_id = $1
  AND seen_at::date >= adreport_day_start($2::date, $5::text)::date
  AND seen_at::date <= adreport_day_start($3::date + 1, $5::text)::date
  AND seen_at >= adreport_day_start($2::date, $5::text)
  AND seen_at < adreport_day_start($3::date + 1, $5::text)
  AND ((seen_at AT TIME ZONE 'UTC') AT TIME ZONE $5::text)::date = ANY ($4::date[])
