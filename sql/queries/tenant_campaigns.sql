-- The campaign ids of one tenant, to check an ads file's campaign_id.
SELECT id FROM campaigns WHERE company_id = $1
