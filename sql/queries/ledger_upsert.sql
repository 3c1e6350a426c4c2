-- Backfill: a file loaded before is loaded again (its days were cleared), so
-- its ledger row is refreshed rather than skipped.  EXCLUDED.loaded_at is
-- the inserted row's default, now(): Citus takes only IMMUTABLE functions in
-- DO UPDATE SET.
INSERT INTO adreport_loaded_files
  (company_id, kind, sha256, file_name, file_size, rows_loaded, rows_rejected, replaced)
VALUES ($1, $2, decode($3, 'hex'), $4, $5, $6, $7, $8)
ON CONFLICT (company_id, kind, sha256) DO UPDATE
SET file_name = EXCLUDED.file_name, file_size = EXCLUDED.file_size,
    rows_loaded = EXCLUDED.rows_loaded, rows_rejected = EXCLUDED.rows_rejected,
    replaced = true, loaded_at = EXCLUDED.loaded_at
RETURNING 1
