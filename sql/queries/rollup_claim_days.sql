-- rollup_claim_days.sql - rollup --all, and --from $3 --to $4: claim (token
-- $1) every tenant-day of the tenants $2 (NULL: every tenant) that has events
-- or stats, on the days from $3 to $4 (NULL: all days).  Stats days count
-- too, so stats whose events are gone are deleted.  A day with neither has
-- nothing to recompute, so a range of centuries claims no more than the days
-- that hold data (not tenants x days rows).  Event days are local days of the
-- tenant's zone: the UTC date for a tenant in UTC (most; no conversion per
-- event), the converted one otherwise, at most a day from the UTC date, so
-- the range's test on the UTC date can use the (company_id, (seen_at::date),
-- seen_at) index.  Every ad of each day: a pending mark claimed here loses
-- its list of ads (ads NULL).
INSERT INTO adreport_dirty_days (company_id, day, claim)
SELECT company_id, day, $1::bigint
FROM (
    SELECT i.company_id,
           CASE WHEN coalesce(z.time_zone, 'UTC') = 'UTC' THEN i.seen_at::date
                ELSE ((i.seen_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date END AS day
    FROM impressions i
    LEFT JOIN adreport_tenant_settings z ON z.company_id = i.company_id
    WHERE ($2::bigint[] IS NULL OR i.company_id = ANY ($2::bigint[]))
      AND ($3::date IS NULL OR i.seen_at::date BETWEEN $3::date - 1 AND $4::date + 1)
    GROUP BY i.company_id,
             CASE WHEN coalesce(z.time_zone, 'UTC') = 'UTC' THEN i.seen_at::date
                  ELSE ((i.seen_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date END
  UNION ALL
    SELECT k.company_id,
           CASE WHEN coalesce(z.time_zone, 'UTC') = 'UTC' THEN k.clicked_at::date
                ELSE ((k.clicked_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date END
    FROM clicks k
    LEFT JOIN adreport_tenant_settings z ON z.company_id = k.company_id
    WHERE ($2::bigint[] IS NULL OR k.company_id = ANY ($2::bigint[]))
      AND ($3::date IS NULL OR k.clicked_at::date BETWEEN $3::date - 1 AND $4::date + 1)
    GROUP BY k.company_id,
             CASE WHEN coalesce(z.time_zone, 'UTC') = 'UTC' THEN k.clicked_at::date
                  ELSE ((k.clicked_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date END
  UNION ALL
    SELECT company_id, day FROM ad_daily_stats
    WHERE ($2::bigint[] IS NULL OR company_id = ANY ($2::bigint[]))
      AND ($3::date IS NULL OR day BETWEEN $3::date AND $4::date)
    GROUP BY company_id, day
) d
WHERE $3::date IS NULL OR d.day BETWEEN $3::date AND $4::date
GROUP BY company_id, day
ON CONFLICT (company_id, day) DO UPDATE SET claim = EXCLUDED.claim, ads = NULL
