-- Record a loaded file, in the same transaction as its rows.  When the
-- content is already there (a concurrent run committed it first: this
-- INSERT waits for that run's commit, then conflicts) the statement fails
-- with unique_violation (SQLSTATE 23505) rather than inserting nothing: the
-- COMMIT sent behind it in the same pipeline (load_file.c) then never runs,
-- and the caller rolls back and reports the file as skipped.
INSERT INTO adreport_loaded_files
  (company_id, kind, sha256, file_name, file_size, rows_loaded, rows_rejected, replaced)
VALUES ($1, $2, decode($3, 'hex'), $4, $5, $6, $7, $8)
