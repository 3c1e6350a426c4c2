-- A forced recompute of days also settles their pending marks.
DELETE FROM adreport_dirty_days WHERE company_id = $1 AND day = ANY ($2::date[])
