-- report_data_through.sql - the day the tenant's data runs through: the latest
-- UTC day of a loaded click and of a loaded impression (NULL when there is
-- none), one row each; the caller takes the later.  Each branch asks for the
-- latest UTC date, the second column of the (company_id, (time::date), time)
-- index of project.sql: one backward step in it (max(time) itself would
-- read the tenant's whole history).  Filtered by company_id, so on Citus the
-- query routes to the tenant's shard.
--
-- $1 company_id
SELECT to_char(max(clicked_at::date), 'YYYY-MM-DD') AS day FROM clicks WHERE company_id = $1
UNION ALL
SELECT to_char(max(seen_at::date), 'YYYY-MM-DD') AS day FROM impressions WHERE company_id = $1
