COPY clicks (company_id, ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data)
FROM STDIN (FORMAT binary)
