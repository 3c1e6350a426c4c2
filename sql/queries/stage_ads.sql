-- A staging table for one ads file, dropped at commit.  LIKE copies the
-- columns and NOT NULLs but not the id default: ids come from the file.
CREATE TEMP TABLE adreport_stage_ads (LIKE ads) ON COMMIT DROP
