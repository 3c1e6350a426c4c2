-- project.sql - adreport's own tables, beside the seed's five.
--
-- Idempotent: `adreport init` runs it on every call, so an existing database
-- is upgraded in place.  New columns are added with ADD COLUMN IF NOT EXISTS,
-- never by dropping a table.  Every table is keyed by company_id first, so on
-- Citus each is distributed by company_id and co-located with the tenant's
-- events (see citus.sql).

-- Indexes the seed does not have: rollups and --replace read one tenant's
-- events of a few days; without these they would scan the tenant's history.
-- Keyed by the event's UTC date before its time: the rollup joins events to
-- claimed days by (company_id, date) equality, which the planner estimates
-- from the statistics ANALYZE keeps for the index expression (it cannot
-- estimate a range join: a full claim read through the index, a nightly
-- one by a full scan), and range statements bound the date as well as the
-- time.  They replace the (company_id, time) indexes of earlier versions:
-- one index per table, so the load writes no more than before.  (On an
-- upgrade init builds them once: a scan of each table.)
CREATE INDEX IF NOT EXISTS clicks_company_day_idx ON clicks (company_id, (clicked_at::date), clicked_at);
CREATE INDEX IF NOT EXISTS impressions_company_day_idx
  ON impressions (company_id, (seen_at::date), seen_at);
DROP INDEX IF EXISTS clicks_company_time_idx;
DROP INDEX IF EXISTS impressions_company_time_idx;

-- The ledger: one row per file content ever loaded.  The primary key makes a
-- second load of the same content (under any name, plain or gzipped) a no-op,
-- also when two runs race: the loser's INSERT waits for the winner's commit,
-- then conflicts.  company_id 0 marks entity files that span tenants.
CREATE TABLE IF NOT EXISTS adreport_loaded_files (
  company_id bigint NOT NULL,
  kind text NOT NULL,
  sha256 bytea NOT NULL,
  file_name text NOT NULL,
  file_size bigint NOT NULL,
  rows_loaded bigint NOT NULL,
  rows_rejected bigint NOT NULL,
  replaced boolean NOT NULL DEFAULT false,
  loaded_at timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (company_id, kind, sha256)
);

-- Tenant-days whose raw events changed since their last rollup.  Loads mark
-- them in the same transaction as the rows; a rollup claims and clears them
-- in the same transaction as the recomputed stats.
CREATE TABLE IF NOT EXISTS adreport_dirty_days (
  company_id bigint NOT NULL,
  day date NOT NULL,
  marked_at timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (company_id, day)
);
-- A rollup (or verify) claims marks by writing its token here, inside its
-- own transaction: the claimed set is a distributed, co-located table the
-- set-based statements join on company_id.  The rollup deletes what it
-- claimed before it commits, and verify rolls back.  A rollup on several
-- connections first commits its tokens, one per connection (rollup.c), so
-- after it is killed a mark may keep one: every claim takes all the marks
-- of its tenants, whatever their token, and no token is ever used twice.
ALTER TABLE adreport_dirty_days ADD COLUMN IF NOT EXISTS claim bigint;
-- The time zone a claimed tenant-day is cut in, written with the claim from
-- the tenant's settings (rollup_claim.sql, rollup_claim_zones.sql): every
-- statement of the rollup then uses the one zone read at claim time, and the
-- rollup records it as the zone of the tenant's stats.
ALTER TABLE adreport_dirty_days ADD COLUMN IF NOT EXISTS time_zone text NOT NULL DEFAULT 'UTC';
-- The claimed local day as a UTC window [utc_from, utc_to), written with the
-- zone: the rollup's statements compare event times with these plain
-- columns instead of converting a zone per event (rollup_claim_zones.sql).
ALTER TABLE adreport_dirty_days ADD COLUMN IF NOT EXISTS utc_from timestamp;
ALTER TABLE adreport_dirty_days ADD COLUMN IF NOT EXISTS utc_to timestamp;
-- The ads whose events a load changed on the day, sorted, each once; NULL:
-- every ad of the day (the default, and every mark but a plain load's: a
-- replaced day, a backfill, changed entities, a new zone, a forced range).
-- A nightly file holds a few late events of the day before, and the day
-- before holds a whole day's events: the rollup recomputes just the listed
-- ads' rows of it.  An ad's row of a day depends on that ad's events of the
-- day and its campaign only, so the other rows stay as they were.
ALTER TABLE adreport_dirty_days ADD COLUMN IF NOT EXISTS ads bigint[];
-- About how many events the loads that marked the day wrote (summed when
-- two loads mark it; for a zoned tenant each local day counts the whole UTC
-- days it overlaps); NULL when not counted (every mark but a load's).  Only
-- a weight: a rollup on several connections splits its tenants by it
-- (rollup_weights.sql), nothing is computed from it.
ALTER TABLE adreport_dirty_days ADD COLUMN IF NOT EXISTS events bigint;

-- The ads of a mark as stored: sorted, each once, or NULL (every ad) for a
-- list that is empty, holds a NULL or more than 32 ads: the rollup tests each event of a
-- listed day against the list, a linear search, so the list stays short.
-- (The loader stops listing a day's ads at the same number, MARK_ADS_MAX in
-- load_days.c.  A constant, not a parameter: Citus cannot send its workers a
-- parameter that only the ON CONFLICT clause uses, "could not determine
-- data type of parameter $1".)
CREATE OR REPLACE FUNCTION adreport_mark_ads(ads bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ads IS NULL OR array_position(ads, NULL) IS NOT NULL THEN NULL
              ELSE (SELECT CASE WHEN count(*) BETWEEN 1 AND 32 THEN array_agg(a ORDER BY a) END
                    FROM (SELECT DISTINCT a FROM unnest(ads) AS u(a)) s) END
$$;

-- Tenant-months whose stats changed since their last report; `adreport run`
-- regenerates exactly these.
CREATE TABLE IF NOT EXISTS adreport_dirty_months (
  company_id bigint NOT NULL,
  month date NOT NULL,
  marked_at timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (company_id, month)
);

-- The host of a URL as the blacklist compares it: after "://", before the
-- first / ? #, after the last @, lower-cased, without a ":port" (an [IPv6]
-- literal stays whole).  One SQL expression, IMMUTABLE, not STRICT (CASE is
-- not strict, and only a function whose body is as strict as it is gets
-- inlined): the planner inlines
-- it, and Citus propagates it to every node with the schema.
CREATE OR REPLACE FUNCTION adreport_url_host(url text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(regexp_replace(split_part(split_part(split_part(split_part(
           CASE WHEN strpos(url, '://') > 0 THEN substr(url, strpos(url, '://') + 3) ELSE url END,
           '/', 1), '?', 1), '#', 1), '@', -1), ':[0-9]*$', ''))
$$;

-- The first instant of local day d in zone tz, as UTC wall time (the form
-- of the event columns).  Not d::timestamp AT TIME ZONE tz alone: PostgreSQL
-- reads an ambiguous local time as the later instant, and where a zone falls
-- back at midnight (America/Havana on 2024-11-03: 01:00 CDT back to 00:00
-- CST) the day begins at the first midnight, an hour earlier; that hour's
-- events, whose local date is d, would fall in day d - 1's window.  So the
-- midnight under the offset of twelve hours before PostgreSQL's reading s
-- (b = s - 12 h) wins when it is a midnight of d too.  A midnight in a gap
-- (Havana on 2024-03-10: 00:00 CST on to 01:00 CDT) is read as the instant
-- after the gap, the day's first.  Checked against a minute-by-minute search
-- of every zone's 59,970 transition days from 1970 to 2037 (and
-- tests/test_timezones.sh checks Havana's).  Two one-expression SQL
-- functions of immutable parts (timestamp, not timestamptz, arithmetic):
-- the planner inlines them, about 3 us a call in a zone and a plain cast
-- in UTC, where a function called per claimed day cost 10 us; IMMUTABLE, as
-- timezone() is, so Citus runs them on the workers.
CREATE OR REPLACE FUNCTION adreport_first_midnight(m timestamp, s timestamp, b timestamp, tz text)
RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ((m - ((b AT TIME ZONE 'UTC') AT TIME ZONE tz - b)) AT TIME ZONE 'UTC')
                   AT TIME ZONE tz = m
              THEN least(m - ((b AT TIME ZONE 'UTC') AT TIME ZONE tz - b), s)
              ELSE s END
$$;
CREATE OR REPLACE FUNCTION adreport_day_start(d date, tz text) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN tz = 'UTC' THEN d::timestamp
              ELSE adreport_first_midnight(
                     d::timestamp, (d::timestamp AT TIME ZONE tz) AT TIME ZONE 'UTC',
                     ((d::timestamp AT TIME ZONE tz) AT TIME ZONE 'UTC') - interval '12 hours', tz)
              END
$$;

-- The host of every site_url of every event of a tenant, so that the
-- rollup's blacklist columns never cut a host out of an event (string
-- functions: ~2.6 us an event) and read the events once (stats_compute.sql).
-- Written by the load in each file's transaction (site_hosts_insert.sql,
-- site_hosts_fill_file.sql past the loader's in-memory URL limit); URLs of
-- events written another way (before this table existed, or by other
-- programs) are filled in by `adreport init` (site_hosts_fill_all.sql) and
-- by `rollup --all` / `--from` for the days they recompute
-- (site_hosts_fill_claim.sql).
CREATE TABLE IF NOT EXISTS adreport_site_hosts (
  company_id bigint NOT NULL,
  site_url text NOT NULL,
  host text NOT NULL,
  PRIMARY KEY (company_id, site_url)
);
-- The rollup looks up the URLs of a tenant whose host is a blacklisted host
-- or a subdomain of it: a range of this key, the host reversed with a dot
-- after it ("a.spam.example" -> "elpmaxe.maps.a."), so that every such
-- host starts with the blacklisted one's key ("elpmaxe.maps.").  Byte order
-- (COLLATE "C"), whatever the database's collation, so that a prefix is a
-- range [key, key with its final '.' raised to '/').  One index probe per
-- blacklist entry instead of testing every host of the tenant.  It replaces
-- the (company_id, host) index of earlier versions.
CREATE INDEX IF NOT EXISTS adreport_site_hosts_suffix_idx
  ON adreport_site_hosts (company_id, (reverse(host) || '.') COLLATE "C");
DROP INDEX IF EXISTS adreport_site_hosts_host_idx;

-- Daily stats per ad: the rollup's output and the reports' input.  Money is
-- unconstrained numeric: sums of numeric(20,10) costs, exact.
CREATE TABLE IF NOT EXISTS ad_daily_stats (
  company_id bigint NOT NULL,
  ad_id bigint NOT NULL,
  day date NOT NULL,
  campaign_id bigint NOT NULL,
  impressions bigint NOT NULL DEFAULT 0,
  clicks bigint NOT NULL DEFAULT 0,
  impression_cost_usd numeric NOT NULL DEFAULT 0,
  click_cost_usd numeric NOT NULL DEFAULT 0,
  spend_usd numeric NOT NULL DEFAULT 0,
  blacklisted_impressions bigint NOT NULL DEFAULT 0,
  blacklisted_clicks bigint NOT NULL DEFAULT 0,
  blacklisted_spend_usd numeric NOT NULL DEFAULT 0,
  computed_at timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (company_id, ad_id, day)
);

-- Reports read a tenant's month, rollups delete a tenant's days: both by
-- (company_id, day), which the primary key (company_id, ad_id, day) cannot
-- serve without reading the tenant's whole history.
CREATE INDEX IF NOT EXISTS ad_daily_stats_company_day_idx ON ad_daily_stats (company_id, day);

-- Views over these tables are in views.sql: on Citus they must be created
-- after the tables they read are distributed (see cmd_init.c).

-- Per-tenant settings, one row per company (none: the defaults).  The SaaS
-- application may write time_zone directly (an IANA name PostgreSQL knows,
-- as in pg_timezone_names); `adreport tenant` shows and sets it.  The
-- tenant's days (stats, marks, --from/--to, report months) are local days of
-- this zone.  stats_time_zone is adreport's own: the zone the tenant's stats
-- were last computed in (NULL: UTC).  When the two differ, the next rollup
-- recomputes the tenant under the new zone and marks its months for
-- reports, whoever changed the zone.
CREATE TABLE IF NOT EXISTS adreport_tenant_settings (
  company_id bigint NOT NULL PRIMARY KEY REFERENCES companies (id),
  -- An unknown zone is refused on write ("time zone ... not recognized"),
  -- so no application bug can stop a rollup (timezone() is IMMUTABLE).
  time_zone text NOT NULL DEFAULT 'UTC'
    CHECK ((timestamp '2000-01-01' AT TIME ZONE time_zone) IS NOT NULL),
  stats_time_zone text,
  updated_at timestamp with time zone NOT NULL DEFAULT now()
);
