COPY adreport_stage_campaigns (id, company_id, name, cost_model, state, monthly_budget,
                               blacklisted_site_urls, created_at, updated_at)
FROM STDIN (FORMAT binary)
