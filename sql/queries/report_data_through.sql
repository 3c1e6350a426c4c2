-- report_data_through.sql - the day the tenant's data runs through: the latest
-- UTC day of a loaded click and of a loaded impression (NULL when there is
-- none), one row each; the caller takes the later.  Each branch is a
-- backward scan of the (company_id, time) index of project.sql, and filters
-- by company_id, so on Citus the query routes to the tenant's shard.
--
-- $1 company_id
SELECT to_char(max(clicked_at), 'YYYY-MM-DD') AS day FROM clicks WHERE company_id = $1
UNION ALL
SELECT to_char(max(seen_at), 'YYYY-MM-DD') AS day FROM impressions WHERE company_id = $1
