COPY adreport_stage_ads (id, company_id, campaign_id, name, image_url, target_url,
                         created_at, updated_at)
FROM STDIN (FORMAT binary)
