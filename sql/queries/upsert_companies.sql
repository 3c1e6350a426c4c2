-- Upsert a companies file: a re-sent file updates names and images.  Rows
-- that did not change are not rewritten.  RETURNING tells the loader which
-- tenants had an existing row updated (xmax <> 0), whose reports show names.
INSERT INTO companies (id, name, image_url, created_at, updated_at)
SELECT id, name, image_url, created_at, updated_at FROM adreport_stage_companies
ON CONFLICT (id) DO UPDATE
SET name = EXCLUDED.name, image_url = EXCLUDED.image_url,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
WHERE (companies.name, companies.image_url, companies.created_at, companies.updated_at)
      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.image_url, EXCLUDED.created_at, EXCLUDED.updated_at)
RETURNING id AS company_id, (xmax <> 0) AS updated
