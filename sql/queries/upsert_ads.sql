-- Upsert an ads file on (company_id, id).  impressions_count and
-- clicks_count belong to the rollup: a load never writes them (new ads get
-- the column default 0 until the next rollup).
INSERT INTO ads (id, company_id, campaign_id, name, image_url, target_url, created_at, updated_at)
SELECT id, company_id, campaign_id, name, image_url, target_url, created_at, updated_at
FROM adreport_stage_ads
ON CONFLICT (company_id, id) DO UPDATE
SET campaign_id = EXCLUDED.campaign_id, name = EXCLUDED.name, image_url = EXCLUDED.image_url,
    target_url = EXCLUDED.target_url, created_at = EXCLUDED.created_at,
    updated_at = EXCLUDED.updated_at
WHERE (ads.campaign_id, ads.name, ads.image_url, ads.target_url, ads.created_at, ads.updated_at)
      IS DISTINCT FROM
      (EXCLUDED.campaign_id, EXCLUDED.name, EXCLUDED.image_url, EXCLUDED.target_url,
       EXCLUDED.created_at, EXCLUDED.updated_at)
RETURNING company_id, (xmax <> 0) AS updated
