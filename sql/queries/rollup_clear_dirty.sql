-- The claimed marks are settled, in the same transaction as the new stats.
-- Marks without the token (a load's, after the claim) stay for next time.
DELETE FROM adreport_dirty_days WHERE claim = $1
