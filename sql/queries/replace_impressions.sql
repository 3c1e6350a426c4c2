-- --replace / backfill: remove a tenant's impressions on the given UTC days before
-- the file's rows are copied in, in the same transaction.  $2/$3 bound the
-- range so the (company_id, seen_at) index is used.
DELETE FROM impressions
WHERE company_id = $1
  AND seen_at >= $2::date AND seen_at < $3::date + 1
  AND seen_at::date = ANY ($4::date[])
