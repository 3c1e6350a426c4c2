COPY adreport_stage_companies (id, name, image_url, created_at, updated_at)
FROM STDIN (FORMAT binary)
