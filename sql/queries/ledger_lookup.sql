-- Was this content loaded before for this tenant and kind (under any name)?
SELECT file_name, to_char(loaded_at, 'YYYY-MM-DD HH24:MI:SS"Z"')
FROM adreport_loaded_files
WHERE company_id = $1 AND kind = $2 AND sha256 = decode($3, 'hex')
