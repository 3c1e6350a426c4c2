-- Replacing a tenant's days (--replace, backfill): one at a time per tenant,
-- so two replacements of the same days cannot both delete, then both insert.
-- Held to the end of the transaction, on the node we are connected to.
SELECT pg_advisory_xact_lock(hashtext('adreport:replace'), hashtext($1::text))
