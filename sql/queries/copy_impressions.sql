COPY impressions (company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data)
FROM STDIN (FORMAT binary)
