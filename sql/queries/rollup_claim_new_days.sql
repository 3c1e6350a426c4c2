-- A claimed mark that lists its ads (token $1) on a day without stats lists
-- them for nothing: no row of the day is there to keep, so the day is
-- recomputed whole (ads NULL), as it was before marks listed ads.  A first
-- load's days and a nightly run's new day then read their events without
-- testing each against a list, and the planner estimates them as before.
-- A co-located subquery on company_id: pushed down on Citus.
UPDATE adreport_dirty_days d
SET ads = NULL
WHERE d.claim = $1 AND d.ads IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ad_daily_stats s
                  WHERE s.company_id = d.company_id AND s.day = d.day)
