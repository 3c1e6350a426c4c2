-- Entity files are upserts: the last file sent wins.  One is skipped only
-- when it repeats the most recent file of its kind, so sending A, then B,
-- then A again restores A.
SELECT file_name, to_char(loaded_at, 'YYYY-MM-DD HH24:MI:SS"Z"')
FROM adreport_loaded_files
WHERE company_id = $1 AND kind = $2
  AND sha256 = decode($3, 'hex')
  AND loaded_at = (SELECT max(loaded_at) FROM adreport_loaded_files
                   WHERE company_id = $1 AND kind = $2)
