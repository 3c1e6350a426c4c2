-- adreport init: record the hosts of every site URL of every event that
-- adreport_site_hosts lacks (events loaded before the table existed, or by
-- a version whose loader kept only a file's first URLs, or written by other
-- programs).  One scan of each event table; a no-op write when every URL is
-- there.  Pushed down on Citus (company_id leads every GROUP BY and join).
INSERT INTO adreport_site_hosts (company_id, site_url, host)
SELECT u.company_id, u.site_url, adreport_url_host(u.site_url)
FROM (
    SELECT company_id, site_url FROM impressions GROUP BY company_id, site_url
  UNION
    SELECT company_id, site_url FROM clicks GROUP BY company_id, site_url
) u
LEFT JOIN adreport_site_hosts sh ON sh.company_id = u.company_id AND sh.site_url = u.site_url
WHERE sh.site_url IS NULL
ON CONFLICT (company_id, site_url) DO NOTHING
