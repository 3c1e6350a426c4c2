-- Two `adreport init` at once would race on CREATE ... IF NOT EXISTS.
SELECT pg_advisory_xact_lock(hashtext('adreport:init'))
