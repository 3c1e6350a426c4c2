SELECT 1 FROM companies WHERE id = $1
