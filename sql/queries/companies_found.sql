-- Which of the ids $1 (a bigint[] of --company options) are companies: the
-- ids found, in no order (cli.c, cli_check_companies, names the first one
-- missing).  One query for any number of ids; on Citus a filter on the
-- distribution column, so only their shards are read.
SELECT id FROM companies WHERE id = ANY ($1::bigint[])
