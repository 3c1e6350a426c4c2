-- Stats of the days being recomputed are replaced, never added onto.
DELETE FROM ad_daily_stats WHERE company_id = $1 AND day = ANY ($2::date[])
