-- The ads of one tenant: the loader accepts an event only for these, so no
-- tenant can write into another's data, and COPY never meets a foreign-key
-- violation.
SELECT id, campaign_id FROM ads WHERE company_id = $1
