-- Tenants (of $1, NULL: every tenant) whose time zone changed since their
-- stats were computed (time_zone <> stats_time_zone), whoever changed it:
-- mark every day of theirs for the rollup that follows - the local days of
-- their stats (cut in the old zone, to be deleted) and of their events in the
-- new zone (to be computed), for every ad (a load's mark already there
-- loses its list of ads).  A no-op when no zone changed.
INSERT INTO adreport_dirty_days (company_id, day)
SELECT company_id, day
FROM (
    SELECT s.company_id, s.day
    FROM ad_daily_stats s
    JOIN adreport_tenant_settings z ON z.company_id = s.company_id
    WHERE z.time_zone <> coalesce(z.stats_time_zone, 'UTC')
      AND ($1::bigint[] IS NULL OR z.company_id = ANY ($1::bigint[]))
    GROUP BY s.company_id, s.day
  UNION ALL
    SELECT i.company_id, ((i.seen_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date
    FROM impressions i
    JOIN adreport_tenant_settings z ON z.company_id = i.company_id
    WHERE z.time_zone <> coalesce(z.stats_time_zone, 'UTC')
      AND ($1::bigint[] IS NULL OR z.company_id = ANY ($1::bigint[]))
    GROUP BY i.company_id, ((i.seen_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date
  UNION ALL
    SELECT k.company_id, ((k.clicked_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date
    FROM clicks k
    JOIN adreport_tenant_settings z ON z.company_id = k.company_id
    WHERE z.time_zone <> coalesce(z.stats_time_zone, 'UTC')
      AND ($1::bigint[] IS NULL OR z.company_id = ANY ($1::bigint[]))
    GROUP BY k.company_id, ((k.clicked_at AT TIME ZONE 'UTC') AT TIME ZONE z.time_zone)::date
) d
GROUP BY company_id, day
ON CONFLICT (company_id, day) DO UPDATE SET ads = NULL
