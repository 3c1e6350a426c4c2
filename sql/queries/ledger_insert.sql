-- Record a loaded file, in the same transaction as its rows.  No row comes
-- back when a concurrent run committed the same content first: the caller
-- then rolls back and reports the file as skipped.
INSERT INTO adreport_loaded_files
  (company_id, kind, sha256, file_name, file_size, rows_loaded, rows_rejected, replaced)
VALUES ($1, $2, decode($3, 'hex'), $4, $5, $6, $7, $8)
ON CONFLICT (company_id, kind, sha256) DO NOTHING
RETURNING 1
