-- The tenants of the claim $1 with the work each brings, for splitting the
-- claim between connections (rollup.c): about how many events its claimed
-- days hold.  A load's mark counts the events it wrote
-- (adreport_dirty_days.events); any other mark counts the events of the
-- day's stats as they are (a day recomputed whole reads about as many), and
-- each mark 1 more, so that a day without either still weighs something.
-- Largest first: rollup.c deals the tenants out in this order.
SELECT d.company_id, sum(1 + coalesce(d.events, s.events, 0))::bigint
FROM adreport_dirty_days d
LEFT JOIN (
    SELECT s.company_id, s.day, sum(s.impressions + s.clicks) AS events
    FROM ad_daily_stats s
    JOIN adreport_dirty_days c ON c.company_id = s.company_id AND c.day = s.day
    WHERE c.claim = $1 AND c.events IS NULL
    GROUP BY s.company_id, s.day
) s ON s.company_id = d.company_id AND s.day = d.day
WHERE d.claim = $1
GROUP BY d.company_id
ORDER BY 2 DESC, 1
