-- reach.sql - reach and frequency: HyperLogLog sketches of the users
-- (user_ip) behind each ad-day's impressions and clicks.  Applied by
-- `adreport init` only where the hll extension can be created; without it
-- adreport works as before and reports leave the reach columns out.
--
-- Sketch parameters (every hll_add_agg in sql/ uses the same; unions need
-- equal parameters): log2m 13 (8192 registers), regwidth 5, expthresh -1
-- (explicit, i.e. an exact list of hashes, while that is smaller than the
-- registers: up to 640 users), sparse on.  Standard error of the estimate
-- above that: 1.04 / sqrt(8192) = 1.15 %.  Measured on this project (see
-- tests/test_reach.sh): exact at <= 640 users; median 0.8 %, max 1.8 %
-- over 23 sizes from 1,250 to 150,000 users.
CREATE EXTENSION IF NOT EXISTS hll;

ALTER TABLE ad_daily_stats ADD COLUMN IF NOT EXISTS reach_sketch hll;
ALTER TABLE ad_daily_stats ADD COLUMN IF NOT EXISTS clickers_sketch hll;
