-- time_zone_lookup.sql - the canonical spelling of a time zone name that
-- PostgreSQL knows (case-insensitive, as PostgreSQL itself accepts names),
-- or no row.  $1 the name.
SELECT name FROM pg_timezone_names WHERE lower(name) = lower($1)
ORDER BY name = $1 DESC, name
LIMIT 1
