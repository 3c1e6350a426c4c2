-- Record the tenant-days a load changed, for the incremental rollup.  $2
-- and $3 are pairs: a UTC day of the changed events and an ad whose events
-- changed on it, or NULL for every ad of the day (all NULL when $3 is NULL;
-- past 32 ads a day the mark is the whole day: adreport_mark_ads).  $4, when
-- given, is beside them: the events of the pair's UTC day on one pair of
-- each day, 0 on the others.  A mark counts half of each UTC day it
-- overlaps (each pair meets two local days, the same one twice for a UTC
-- tenant), so the marks add up to the file's events; a weight only (see
-- adreport_dirty_days.events; NULL without $4).  The
-- tenant's days are local days of its zone (adreport_tenant_settings), and a
-- UTC day overlaps at most two of them: both are marked (one for a UTC
-- tenant) with the day's ads, or for every ad when the day has no stats of
-- other ads: no row to keep (a first load, a nightly run's new day), and its
-- events are then read without testing each against a list.  (The array_agg
-- inside the subquery is the outer query's: the day's ads.)  A mark already
-- there keeps its ads and gains these (NULL, every ad, if either is).
-- GROUP BY: one row per mark, as ON CONFLICT DO UPDATE requires.  ORDER BY:
-- marks are locked in day order by every load, so two loads of one tenant
-- wait for each other and never deadlock (a hashed GROUP BY hands the local
-- days of a zoned tenant over in any order: seen as a deadlock between two
-- --jobs workers).  DO UPDATE (not DO NOTHING) locks an existing mark, so a
-- rollup that is clearing it waits for this load to commit and then sees its
-- rows.
INSERT INTO adreport_dirty_days (company_id, day, ads, events)
SELECT $1::bigint, l.day,
       CASE WHEN EXISTS (SELECT 1 FROM ad_daily_stats s
                         WHERE s.company_id = $1 AND s.day = l.day
                           AND s.ad_id <> ALL (array_agg(d.ad_id)))
            THEN adreport_mark_ads(array_agg(d.ad_id)) END,
       sum(d.events) / 2
FROM unnest($2::date[], $3::bigint[], $4::bigint[]) AS d(utc_day, ad_id, events)
CROSS JOIN (SELECT coalesce(max(time_zone), 'UTC') AS tz
            FROM adreport_tenant_settings WHERE company_id = $1) z
CROSS JOIN LATERAL (VALUES
    (((d.utc_day::timestamp AT TIME ZONE 'UTC') AT TIME ZONE z.tz)::date),
    ((((d.utc_day + 1)::timestamp AT TIME ZONE 'UTC') AT TIME ZONE z.tz
      - interval '1 microsecond')::date)) AS l(day)
GROUP BY l.day
ORDER BY l.day
ON CONFLICT (company_id, day) DO UPDATE
SET marked_at = EXCLUDED.marked_at,
    events = adreport_dirty_days.events + EXCLUDED.events,
    ads = CASE WHEN adreport_dirty_days.ads IS NULL OR EXCLUDED.ads IS NULL THEN NULL
               ELSE adreport_mark_ads(adreport_dirty_days.ads || EXCLUDED.ads) END
