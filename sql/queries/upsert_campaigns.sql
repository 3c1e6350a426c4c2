-- Upsert a campaigns file on (company_id, id).  An updated campaign may have
-- a new cost_model or blacklist, which changes its stats: the loader marks
-- the tenant's days dirty for every tenant with an updated row.
INSERT INTO campaigns (id, company_id, name, cost_model, state, monthly_budget,
                       blacklisted_site_urls, created_at, updated_at)
SELECT id, company_id, name, cost_model, state, monthly_budget,
       blacklisted_site_urls, created_at, updated_at
FROM adreport_stage_campaigns
ON CONFLICT (company_id, id) DO UPDATE
SET name = EXCLUDED.name, cost_model = EXCLUDED.cost_model, state = EXCLUDED.state,
    monthly_budget = EXCLUDED.monthly_budget,
    blacklisted_site_urls = EXCLUDED.blacklisted_site_urls,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
WHERE (campaigns.name, campaigns.cost_model, campaigns.state, campaigns.monthly_budget,
       campaigns.blacklisted_site_urls, campaigns.created_at, campaigns.updated_at)
      IS DISTINCT FROM
      (EXCLUDED.name, EXCLUDED.cost_model, EXCLUDED.state, EXCLUDED.monthly_budget,
       EXCLUDED.blacklisted_site_urls, EXCLUDED.created_at, EXCLUDED.updated_at)
RETURNING company_id, (xmax <> 0) AS updated
