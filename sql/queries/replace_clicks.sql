-- --replace / backfill: remove a tenant's clicks on the given days before the
-- file's rows are copied in, in the same transaction.  The days are local
-- days of zone $5: the tenant's for a backfill, UTC for --replace (the UTC
-- days its file covers).  $2/$3 bound the date and the time so
-- that the (company_id, (clicked_at::date), clicked_at) index is used.
DELETE FROM clicks
WHERE company_id = $1
  AND clicked_at::date >= (($2::date::timestamp AT TIME ZONE $5::text) AT TIME ZONE 'UTC')::date
  AND clicked_at::date <= ((($3::date + 1)::timestamp AT TIME ZONE $5::text) AT TIME ZONE 'UTC')::date
  AND clicked_at >= (($2::date::timestamp AT TIME ZONE $5::text) AT TIME ZONE 'UTC')
  AND clicked_at < ((($3::date + 1)::timestamp AT TIME ZONE $5::text) AT TIME ZONE 'UTC')
  AND ((clicked_at AT TIME ZONE 'UTC') AT TIME ZONE $5::text)::date = ANY ($4::date[])
