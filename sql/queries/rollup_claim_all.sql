-- rollup --all: claim (token $1) every tenant-day of the tenants $2 (NULL:
-- every tenant) that has events or stats.  Stats days count too, so stats
-- whose events are gone are deleted.
INSERT INTO adreport_dirty_days (company_id, day, claim)
SELECT company_id, day, $1::bigint
FROM (
    SELECT company_id, seen_at::date AS day FROM impressions
    WHERE ($2::bigint[] IS NULL OR company_id = ANY ($2::bigint[]))
    GROUP BY company_id, seen_at::date
  UNION ALL
    SELECT company_id, clicked_at::date FROM clicks
    WHERE ($2::bigint[] IS NULL OR company_id = ANY ($2::bigint[]))
    GROUP BY company_id, clicked_at::date
  UNION ALL
    SELECT company_id, day FROM ad_daily_stats
    WHERE ($2::bigint[] IS NULL OR company_id = ANY ($2::bigint[]))
    GROUP BY company_id, day
) d
GROUP BY company_id, day
ON CONFLICT (company_id, day) DO UPDATE SET claim = EXCLUDED.claim
