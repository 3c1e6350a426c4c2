-- Is this a Citus coordinator (the citus extension here; init distributes
-- the tables wherever it is)?  Then a rollup is one transaction, whatever
-- --jobs (rollup.c, ru_run).
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')
