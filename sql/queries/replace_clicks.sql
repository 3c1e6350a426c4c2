-- --replace / backfill: remove a tenant's clicks on the given UTC days before
-- the file's rows are copied in, in the same transaction.  $2/$3 bound the
-- range so the (company_id, clicked_at) index is used.
DELETE FROM clicks
WHERE company_id = $1
  AND clicked_at >= $2::date AND clicked_at < $3::date + 1
  AND clicked_at::date = ANY ($4::date[])
