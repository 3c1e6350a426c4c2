#!/usr/bin/env bash
# The same job on a real Citus cluster: init --citus, loads with bad rows,
# rollup, reports, run, backfill, a tenant's zone change and verify through the coordinator named by
# ADREPORT_TEST_CITUS (a conninfo), compared with the same pipeline on plain
# PostgreSQL (the test's own fresh database).  Every rollup row, every ledger
# and rejects line and every report file must be equal, but the reports'
# generation time.
#
# The cluster's database is reset (adreport's tables dropped) before each
# test: point ADREPORT_TEST_CITUS at a database that holds nothing else.
# Without the variable the file is counted as one skip, never as a pass.
source "$(dirname "$0")/lib.sh"

if [ -z "${ADREPORT_TEST_CITUS:-}" ]; then
    echo "SKIP test_citus: ADREPORT_TEST_CITUS is not set (a conninfo naming a Citus coordinator)"
    record_skip test_citus "ADREPORT_TEST_CITUS not set"
    exit 0
fi
C=$ADREPORT_TEST_CITUS

# cq SQL - a query on the cluster's coordinator.
cq() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$C" -c "$1"; }
# cadr CMD ARGS... - adreport against the cluster.
cadr() { "$ADR" "$1" --db "$C" "${@:2}"; }

# Drop every table and view adreport (or a test) made in the cluster's
# database; DROP propagates to the shards.
citus_reset() {
    local kind
    : >"$W/reset.sql"
    for kind in "v VIEW" "r TABLE"; do
        cq "SELECT 'DROP ${kind#* } IF EXISTS ' || string_agg(c.oid::regclass::text, ', ') || ' CASCADE;'
            FROM pg_class c
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = '${kind%% *}'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d  -- objects of extensions (citus's own views)
                              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                AND d.deptype = 'e')" >>"$W/reset.sql"
    done
    grep -v "^$" "$W/reset.sql" >"$W/reset2.sql" || true
    psql -X -q -v ON_ERROR_STOP=1 -d "$C" -f "$W/reset2.sql" >/dev/null
}

# dump [PSQL-ARGS] - everything the job computes or records, in a stable
# order, without ids that come from sequences and without times.
dump() {
    psql -X -A -t -q -v ON_ERROR_STOP=1 "$@" <<'SQL'
\echo == ad_daily_stats
SELECT company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd,
       click_cost_usd, spend_usd, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd
FROM ad_daily_stats ORDER BY company_id, ad_id, day;
\echo == campaign_daily_stats
SELECT * FROM campaign_daily_stats ORDER BY company_id, campaign_id, day;
\echo == ads counters
SELECT company_id, id, impressions_count, clicks_count FROM ads ORDER BY company_id, id;
\echo == events
SELECT 'clicks', company_id, count(*),
       md5(string_agg(concat_ws('|', ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data),
                      ',' ORDER BY ad_id, clicked_at, site_url, user_data::text))
FROM clicks GROUP BY company_id ORDER BY company_id;
SELECT 'impressions', company_id, count(*),
       md5(string_agg(concat_ws('|', ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data),
                      ',' ORDER BY ad_id, seen_at, site_url, user_data::text))
FROM impressions GROUP BY company_id ORDER BY company_id;
\echo == ledger
SELECT company_id, kind, encode(sha256, 'hex'), file_name, file_size, rows_loaded, rows_rejected, replaced
FROM adreport_loaded_files ORDER BY company_id, kind, sha256;
\echo == dirty
SELECT 'day', company_id, day FROM adreport_dirty_days ORDER BY 2, 3;
SELECT 'month', company_id, month FROM adreport_dirty_months ORDER BY 2, 3;
SQL
}

# report_text DIR - every report file as text: CSVs as they are, workbooks
# cell by cell (openpyxl), without the generation time.
report_text() {
    $PY - "$1" <<'PY'
import os, sys, openpyxl
root = sys.argv[1]
for d, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        p = os.path.join(d, f)
        print("==", os.path.relpath(p, root))
        if f.endswith(".xlsx"):
            wb = openpyxl.load_workbook(p)
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    line = "|".join("" if v is None else str(v) for v in row)
                    if "Generated" not in line:
                        print(ws.title, line)
        elif f.endswith(".json"):
            continue  # the manifest holds generation times and hashes of the workbooks
        else:
            print(open(p, encoding="utf-8-sig").read(), end="")
PY
}

# pipeline ADREPORT-FUNCTION OUT - the whole job on the samples: the nightly
# run (entity files, logs with bad rows, rollup, reports), a second run, a
# backfill of one day of tenant 1, a forced rollup and a month report.  The
# exit codes go to OUT/codes.
pipeline() {
    local a=$1 out=$2 rc
    mkdir -p "$out"
    cp -r "$ROOT/samples/incoming" "$out/in"
    : >"$out/codes"
    rc=0; $a run -q --incoming "$out/in" --reports "$out/reports" --rejects "$out/rejects" --jobs 2 || rc=$?
    echo "run $rc" >>"$out/codes"
    rc=0; $a run -q --incoming "$out/in" --reports "$out/reports" --rejects "$out/rejects" || rc=$?
    echo "rerun $rc" >>"$out/codes"
    rc=0; $a backfill -q --company 1 --from 2026-11-01 --to 2026-11-02 --reports "$out/reports" \
        --rejects "$out/rejects-bf" "$out/in/1/clicks-2026-11-01.csv" "$out/in/1/clicks-2026-11-02.csv" \
        "$out/in/1/impressions-2026-11-02.csv" || rc=$?
    echo "backfill $rc" >>"$out/codes"
    rc=0; $a rollup -q --all || rc=$?
    echo "rollup $rc" >>"$out/codes"
    # Tenant 3 moves to New York (the 2026-11-01 change is in the samples'
    # week): the next rollup recomputes it in local days.
    rc=0; $a tenant -q --company 3 --time-zone America/New_York || rc=$?
    echo "tenant $rc" >>"$out/codes"
    # Tenant 2 to Havana, which falls back at midnight that day: the day's
    # window (adreport_day_start) is computed on the workers.
    rc=0; $a tenant -q --company 2 --time-zone America/Havana || rc=$?
    echo "tenant 2 $rc" >>"$out/codes"
    rc=0; $a rollup -q || rc=$?
    echo "zone rollup $rc" >>"$out/codes"
    # A late click of ad 2 on a rolled-up day: its mark lists the ad, and
    # the rollup recomputes that ad's row of the day alone.
    late_click "$out/in/1/clicks-late.csv"
    rc=0; $a load -q --rejects "$out/rejects-late" "$out/in/1/clicks-late.csv" || rc=$?
    echo "late load $rc" >>"$out/codes"
    local marks="SELECT day || ' ' || ads::text FROM adreport_dirty_days"
    if [ "$a" = cadr ]; then cq "$marks"; else q "$marks"; fi >>"$out/codes"
    rc=0; $a rollup -q || rc=$?
    echo "late rollup $rc" >>"$out/codes"
    rc=0; $a verify -q || rc=$?
    echo "verify $rc" >>"$out/codes"
    rc=0; $a report -q --all --month 2026-11 --out "$out/month" || rc=$?
    echo "report $rc" >>"$out/codes"
}

plain_adr() { "$ADR" "$@"; }

# late_click FILE - a click of tenant 1's ad 2 late on 2026-11-04, a day the
# tests have rolled up: its mark lists that one ad.
late_click() {
    printf 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n%s\n' \
        '2,2026-11-04 23:59:59,http://late.example/,0.5,10.9.9.9,{}' >"$1"
}

# assert_pushed_down DEBUG-FILE WHAT - the DEBUG1 and remote-command log of
# a rollup shows INSERTs into the shards and nothing planned on the
# coordinator.
assert_pushed_down() {
    grep -q "issuing INSERT INTO public.ad_daily_stats_[0-9]" "$1" ||
        fail "no INSERT into an ad_daily_stats shard was sent to a worker: $(head -c 2000 "$1")"
    if grep -E "Collecting INSERT|repartitioned INSERT|generating subplan|recursively planning" "$1"; then
        fail "$2 is not pushed down (see the DEBUG lines above)"
    fi
}

test_citus_init_is_clean_idempotent_and_distributes_everything() {
    citus_reset
    local out
    out=$(cadr init --citus 2>&1)
    case "$out" in *WARNING* | *ERROR*) fail "init --citus printed: $out" ;; esac
    out=$(cadr init --citus 2>&1)
    case "$out" in *WARNING* | *ERROR*) fail "second init --citus printed: $out" ;; esac
    # An upgrade of a distributed database made before marks listed ads:
    # init adds the column to every shard and the function to every node.
    cq "ALTER TABLE adreport_dirty_days DROP COLUMN ads"
    cq "DROP FUNCTION adreport_mark_ads(bigint[])"
    out=$(cadr init --citus 2>&1)
    case "$out" in *WARNING* | *ERROR*) fail "init --citus of an older database printed: $out" ;; esac
    out=$(cadr init --citus 2>&1)
    case "$out" in *WARNING* | *ERROR*) fail "init --citus after that upgrade printed: $out" ;; esac
    # A plain init of a distributed database (no --citus) upgrades it too.
    out=$(cadr init 2>&1)
    case "$out" in *WARNING* | *ERROR*) fail "init without --citus printed: $out" ;; esac
    assert_eq "{7}" "$(cq "SELECT adreport_mark_ads('{7,7}')")"
    assert_eq 0 "$(cq "SELECT count(adreport_mark_ads(ads)) FROM adreport_dirty_days")" \
        "the function on the workers"
    # Every adreport table is distributed, co-located with companies.
    assert_eq "" "$(cq "SELECT string_agg(tablename, ',') FROM pg_tables t
                        WHERE schemaname = 'public'
                          AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p
                                          WHERE p.logicalrelid = format('%I', t.tablename)::regclass)")" \
        "tables left local"
    assert_eq 1 "$(cq "SELECT count(DISTINCT colocationid) FROM pg_dist_partition
                       WHERE logicalrelid::text NOT LIKE 'pg_%'")" "co-location groups"
    # The view is a Citus object (propagated to the workers), not local.
    assert_eq 1 "$(cq "SELECT count(*) FROM pg_catalog.pg_dist_object
                       WHERE classid = 'pg_class'::regclass AND objid = 'campaign_daily_stats'::regclass")" \
        "campaign_daily_stats distributed"
}

test_citus_pipeline_equals_plain_postgresql() {
    citus_reset
    cadr init -q --citus
    pipeline cadr "$W/citus"
    pipeline plain_adr "$W/plain"
    diff -u "$W/plain/codes" "$W/citus/codes"
    grep -q '^run 3$' "$W/citus/codes" || fail "the samples' bad rows should make run exit 3: $(cat "$W/citus/codes")"
    grep -q '^2026-11-04 {2}$' "$W/citus/codes" || fail "the late click should mark ad 2 alone: $(cat "$W/citus/codes")"
    dump >"$W/plain.dump"
    dump -d "$C" >"$W/citus.dump"
    [ "$(grep -c . "$W/plain.dump")" -gt 100 ] || fail "the plain dump looks empty"
    diff -u "$W/plain.dump" "$W/citus.dump"
    diff -ru "$W/plain/rejects" "$W/citus/rejects"
    for d in reports month; do
        report_text "$W/plain/$d" >"$W/plain.$d"
        report_text "$W/citus/$d" >"$W/citus.$d"
        [ -s "$W/plain.$d" ] || fail "no $d written on plain PostgreSQL"
        diff -u "$W/plain.$d" "$W/citus.$d"
    done
}

# A growing user's move: a single-server database (made on the coordinator
# without --citus) is distributed in place and keeps every row and the
# ledger, so a file loaded before is still skipped.
test_citus_init_moves_a_single_server_database_keeping_rows_and_ledger() {
    citus_reset
    cadr init -q
    assert_exit 3 cadr load -q --rejects "$W/rej" samples/incoming
    cadr rollup -q
    dump -d "$C" >"$W/before"
    cadr init -q --citus
    dump -d "$C" >"$W/after"
    diff -u "$W/before" "$W/after"
    # The coordinator's shell tables hold no copies of the moved rows.
    assert_eq 0 "$(cq "SELECT sum(pg_relation_size(logicalrelid)) FROM pg_dist_partition")" \
        "bytes left in the coordinator's local tables"
    local out
    out=$(cadr load --rejects "$W/rej2" samples/incoming 2>&1)
    assert_contains "$out" "0 files loaded, 59 skipped"
}

# The rollup runs on the workers: no INSERT ... SELECT collected on the
# coordinator, none repartitioned, no subquery pulled up as an intermediate
# result (Citus says each at DEBUG1), and the stats rows are written by
# INSERTs into the shards themselves (citus.log_remote_commands shows every
# command the coordinator sends).
test_citus_rollup_is_pushed_down_to_the_workers() {
    citus_reset
    cadr init -q --citus
    assert_exit 3 cadr load -q --rejects "$W/rej" samples/incoming
    PGOPTIONS="-c client_min_messages=debug1 -c citus.log_remote_commands=on" \
        cadr rollup -q --all 2>"$W/debug"
    assert_pushed_down "$W/debug" "the rollup"
    assert_eq 0 "$(cq "SELECT count(*) FROM adreport_dirty_days")" "dirty days left"
    # The nightly path: a late event marks its ad, and the rollup of that
    # mark (its ad-filtered read, the partial delete) runs on the workers too.
    mkdir -p "$W/late/1"
    late_click "$W/late/1/clicks-late.csv"
    cadr load -q --rejects "$W/rej" "$W/late"
    assert_eq "2026-11-04 {2}" "$(cq "SELECT day || ' ' || ads::text FROM adreport_dirty_days")"
    PGOPTIONS="-c client_min_messages=debug1 -c citus.log_remote_commands=on" \
        cadr rollup -q 2>"$W/debug"
    assert_pushed_down "$W/debug" "the nightly rollup"
    assert_exit 0 cadr verify -q
}

test_citus_rollup_is_one_transaction_whatever_jobs() {
    citus_reset
    cadr init -q --citus
    assert_exit 3 cadr load -q --rejects "$W/rej" samples/incoming
    # Two parts of these four tenants deadlocked on Citus's shard locks.
    local i out
    for i in 1 2 3; do
        out=$(cadr rollup -v --all --jobs 4 2>&1) || fail "rollup --all --jobs 4 failed: $out"
        assert_contains "$out" "rollup: one transaction on Citus, whatever --jobs"
        case "$out" in *"rollup: part "*) fail "the rollup ran in parts on Citus: $out" ;; esac
    done
    assert_eq 0 "$(cq "SELECT count(*) FROM adreport_dirty_days")" "dirty days left"
    assert_exit 0 cadr verify -q
}

test_citus_run_lock_holds_across_coordinator_connections() {
    citus_reset
    cadr init -q --citus
    cp -r "$ROOT/samples/incoming" "$W/in"
    hold_run_lock "$C"
    local rc=0
    cadr run -q --incoming "$W/in" --reports "$W/rep" --rejects "$W/rej" --jobs 2 || rc=$?
    release_run_lock
    assert_eq 75 "$rc" "exit code while another session holds the run lock"
    assert_eq 0 "$(cq "SELECT count(*) FROM clicks")"
}

run_tests
