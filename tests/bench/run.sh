#!/usr/bin/env bash
# tests/bench/run.sh - `make bench`: every stage of adreport against a
# baseline measured in the same run, on the same data, on the same server.
#
#   BENCH_SCALE=1   data size (1: about 2 million impressions over 50 tenants
#                   of skewed sizes, one week; 0.1 for a quick run)
#   BENCH_RUNS=3    runs per measurement (the median is reported, with min/max)
#   ADR=./adreport  the binary under test (make bench builds it with -O2)
#   BENCH_PGLOADER=0  skip pgloader (by default it is run when installed, and
#                   installed with apt-get when missing and run as root)
#   BENCH_PGLOADER_RUNS=N  runs of pgloader (default BENCH_RUNS; about 90 s each
#                   at scale 1)
#   BENCH_TENANTS=2000  the many-tenant scenario: this many small tenants, 3
#                   days, 2 files per tenant-day (about 0.9k events per
#                   tenant-day at scale 1); 0 skips it
#
# Generated data goes to tests/bench/data/ (gitignored) and is reused when it
# was generated for the same scale.  A private PostgreSQL 15 with default
# settings runs in tests/bench/data/pg for the duration (samples/pg.sh) and is
# stopped on exit.  Targets are never asserted: a missed one prints MISSED.
# The table goes to stdout and to tests/bench/RESULTS.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/tests/bench
DATA=$BENCH/data
SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-3}
ADR=${ADR:-$ROOT/adreport}
PY=/usr/bin/python3
HELP=$BENCH/bench.py
PGDIR=$DATA/pg
WORK=$DATA/work
RESULTS_MD=${BENCH_RESULTS:-$BENCH/RESULTS.md}
T_START=$(date +%s)

die() { echo "bench: error: $*" >&2; exit 1; }
say() { echo "[$(date +%H:%M:%S)] $*"; }

# ---------------------------------------------------------------- checks --
[[ $SCALE =~ ^[0-9]*\.?[0-9]+$ ]] && awk -v s="$SCALE" 'BEGIN{exit !(s > 0)}' ||
    die "BENCH_SCALE must be a positive number, not \"$SCALE\""
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not \"$RUNS\""
[ -x "$ADR" ] || die "no adreport binary at $ADR: run \"make\" first (or \"make bench\")"
[ -x "$PY" ] || die "$PY is missing (apt-get install python3)"
command -v psql >/dev/null || die "psql is missing (apt-get install postgresql-client-15)"
if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ]; then
        say "installing GNU time (for peak RSS)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; } ||
            die "could not install the \"time\" package"
    else
        die "/usr/bin/time is missing: apt-get install time"
    fi
fi
if ! command -v pgloader >/dev/null && [ "$(id -u)" = 0 ] && [ "${BENCH_PGLOADER:-1}" != 0 ]; then
    say "pgloader not found: trying apt-get install pgloader"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgloader >/dev/null 2>&1 || true
fi
HAVE_PGLOADER=0
[ "${BENCH_PGLOADER:-1}" != 0 ] && [ "${BENCH_PGLOADER_RUNS:-1}" != 0 ] &&
    command -v pgloader >/dev/null && HAVE_PGLOADER=1

# Nothing of the caller's database settings may leak into the benchmark.
unset DATABASE_URL PGSERVICE PGSERVICEFILE PGDATABASE PGHOSTADDR PGPASSWORD PGOPTIONS || true

mkdir -p "$DATA"
rm -rf "$WORK"
mkdir -p "$WORK"
# The binary under test, copied: a rebuild of ./adreport during the run (other
# people share the work tree) cannot change what is measured half-way.
cp "$ADR" "$WORK/adreport"
ADR_SRC=$ADR
ADR=$WORK/adreport
GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && GIT_REV="$GIT_REV (with uncommitted changes)"
LOADAVG_START=$(cut -d' ' -f1-3 /proc/loadavg)
TSV=$WORK/results.tsv
: >"$TSV"

# ------------------------------------------------------------- helpers --
# timeit LOG CMD... - run CMD with its output in LOG; SECS = wall seconds,
# RSS = peak RSS in MiB.  Returns CMD's exit status.
timeit() {
    local log=$1 t0 t1 rc=0
    shift
    t0=$(date +%s.%N)
    /usr/bin/time -f %M -o "$WORK/time.out" "$@" >"$log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    RSS=$(awk '{ v = $1 } END { printf "%.1f", v / 1024 }' "$WORK/time.out")
    return $rc
}

# must LOG WHAT CMD... - timeit, and stop the benchmark if CMD fails.
must() {
    local log=$1 what=$2 rc=0
    shift 2
    timeit "$log" "$@" || rc=$?
    if [ "$rc" != 0 ]; then
        echo "bench: error: $what failed (exit $rc); last lines of $log:" >&2
        tail -n 20 "$log" >&2
        exit 1
    fi
}

q() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }

# fresh_db NAME SET - a new database with the schema and SET's entity files.
fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists "$1"
    createdb "$1"
    must "$WORK/init.log" "adreport init" env PGDATABASE="$1" "$ADR" init -q
    must "$WORK/entities.log" "loading the entity files" env PGDATABASE="$1" "$ADR" load -q \
        --rejects "$WORK/rejects" "$2/companies.csv" "$2/campaigns.csv" "$2/ads.csv"
}

# Flush what the previous step left dirty, so that it is not charged to the next.
settle() { q -d "$1" -c CHECKPOINT; }

# What was loaded: counts, cost sums and a hash over every column.
fingerprint() {
    q -d "$1" -c "SELECT count(*), coalesce(sum(cost_per_impression_usd), 0),
                         coalesce(sum(hashtext(concat_ws(',', company_id, ad_id, seen_at, site_url,
                                                          user_ip, user_data))::bigint), 0)
                  FROM impressions" \
        -c "SELECT count(*), coalesce(sum(cost_per_click_usd), 0),
                   coalesce(sum(hashtext(concat_ws(',', company_id, ad_id, clicked_at, site_url,
                                                    user_ip, user_data))::bigint), 0)
            FROM clicks" | tr '\n' ' '
}

# same_stats DB COLUMNS - ad_daily_stats and bench_bare_stats hold the same rows.
STATS_COLS="company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd, spend_usd"
STATS_COLS_BL="$STATS_COLS, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd"
same_stats() {
    [ "$(q -d "$1" -c "SELECT count(*) FROM (
           (SELECT $2 FROM ad_daily_stats EXCEPT ALL SELECT $2 FROM bench_bare_stats)
           UNION ALL
           (SELECT $2 FROM bench_bare_stats EXCEPT ALL SELECT $2 FROM ad_daily_stats)) d")" = 0 ]
}

rows_per_s() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
join() { local IFS=,; echo "$*"; }
record() { "$PY" "$HELP" record "$TSV" "$@"; }

# gen DIR DAYS START - the project's generator, no bad rows; reused when the
# folder was completed for the same arguments.
gen() {
    local dir=$1 stamp
    stamp="generate.py --tenants 50 --days $2 --start $3 --skew --scale $GSCALE --no-bad-rows"
    if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$stamp" ]; then
        say "reusing $dir ($stamp)"
        return
    fi
    say "generating $dir ($stamp)"
    rm -rf "$dir"
    "$PY" "$ROOT/samples/generate.py" --out "$dir" --tenants 50 --days "$2" --start "$3" \
        --skew --scale "$GSCALE" --no-bad-rows 2>&1 | sed 's/^/    /'
    echo "$stamp" >"$dir/.complete"
}

# ------------------------------------------------------------------ data --
# Scale 1 = 65 x the generator's per-tenant volume: about 2.0 million
# impressions (and 3.5 % as many clicks) in one week over 50 skewed tenants.
GSCALE=$(awk -v s="$SCALE" 'BEGIN { printf "%g", 65 * s }')
WEEK=$DATA/week-s$SCALE
MONTH=$DATA/month-s$SCALE
gen "$WEEK" 7 2026-11-01
if [ ! -f "$WEEK/psql/.complete" ]; then
    say "converting $WEEK for psql \\copy and pgloader (headerless, seed column order, UTC)"
    rm -rf "$WEEK/psql"
    "$PY" "$HELP" convert "$WEEK" "$WEEK/psql" >/dev/null
    touch "$WEEK/psql/.complete"
fi
read -r N_IMP N_CLK <"$WEEK/psql/rows"
N_ROWS=$((N_IMP + N_CLK))
mapfile -t TENANT_DIRS < <(find "$WEEK" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' | sort -V)
N_FILES=$(find "${TENANT_DIRS[@]}" -name '*.csv' | wc -l)

BIG_ROWS=$(awk -v s="$SCALE" 'BEGIN { n = 5000000 * s; if (n < 500000) n = 500000; printf "%d", n }')
SMALL_ROWS=50000
for n in "$SMALL_ROWS" "$BIG_ROWS"; do
    f=$DATA/mem-$n/1/impressions-2026-11-15.csv
    if [ ! -f "$f" ]; then
        say "writing a $n-row impressions file for company 1"
        "$PY" "$HELP" bigfile "$f" "$n" "$WEEK/ads.csv" 1
    fi
done

gen "$MONTH" 31 2026-10-01 # the nightly case: 30 days of history + 2026-10-31
NEW_DAY=2026-10-31

# ---------------------------------------------------------------- server --
stop_pg() { "$ROOT/samples/pg.sh" stop "$PGDIR" >/dev/null 2>&1 || true; }
trap stop_pg EXIT
trap 'exit 130' INT TERM
stop_pg
rm -rf "$PGDIR"
say "starting a private PostgreSQL in $PGDIR (default settings)"
"$ROOT/samples/pg.sh" start "$PGDIR"
eval "$("$ROOT/samples/pg.sh" env "$PGDIR")"
PG_VERSION=$(q -d postgres -c "SELECT version()")
PG_SETTINGS=$(q -d postgres -F ' ' -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name)
    FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level',
                                    'max_wal_size', 'work_mem', 'full_page_writes')")
say "BENCH_SCALE=$SCALE BENCH_RUNS=$RUNS, adreport $ADR_SRC at $GIT_REV; load average $LOADAVG_START"
say "$PG_VERSION"
say "settings: $PG_SETTINGS"
say "data: $N_IMP impressions + $N_CLK clicks in $N_FILES files, 50 tenants, 7 days; $RUNS runs each"

# ------------------------------------------------------------------ load --
say "== load: adreport load vs psql \\copy of the same rows$([ $HAVE_PGLOADER = 1 ] && echo ' vs pgloader')"
ADR_RPS=() PSQL_RPS=() PGL_RPS=() LOAD_RSS=() PSQL_RSS=() PGL_RSS=()
FP_ADR=""
PGL_RUNS=${BENCH_PGLOADER_RUNS:-$RUNS}
for ((r = 1; r <= RUNS; r++)); do
    # Alternate the order, so that neither always runs on a warmer machine.
    if ((r % 2)); then order="adr psql pgl"; else order="pgl psql adr"; fi
    for who in $order; do
        case $who in
        adr)
            fresh_db bench_load_adr "$WEEK"
            settle bench_load_adr
            must "$WORK/load-adr.log" "adreport load (run $r)" env PGDATABASE=bench_load_adr \
                "$ADR" load -q --rejects "$WORK/rejects" "${TENANT_DIRS[@]}"
            ADR_RPS+=("$(rows_per_s $N_ROWS "$SECS")") LOAD_RSS+=("$RSS")
            say "  run $r adreport load : ${SECS}s  $(rows_per_s $N_ROWS "$SECS") rows/s  peak RSS ${RSS} MiB"
            fp=$(fingerprint bench_load_adr)
            [ -z "$FP_ADR" ] && FP_ADR=$fp
            [ "$fp" = "$FP_ADR" ] || die "adreport loaded different rows in run $r: $fp vs $FP_ADR"
            ;;
        psql)
            fresh_db bench_load_psql "$WEEK"
            settle bench_load_psql
            must "$WORK/load-psql.log" "psql \\copy (run $r)" \
                psql -X -q -v ON_ERROR_STOP=1 -d bench_load_psql -f "$WEEK/psql/copy.sql"
            PSQL_RPS+=("$(rows_per_s $N_ROWS "$SECS")") PSQL_RSS+=("$RSS")
            say "  run $r psql \\copy   : ${SECS}s  $(rows_per_s $N_ROWS "$SECS") rows/s  peak RSS ${RSS} MiB"
            fp_psql=$(fingerprint bench_load_psql)
            dropdb bench_load_psql
            ;;
        pgl)
            [ $HAVE_PGLOADER = 1 ] && [ "${#PGL_RPS[@]}" -lt "$PGL_RUNS" ] || continue
            fresh_db bench_load_pgl "$WEEK"
            settle bench_load_pgl
            sed "s|@DBURI@|postgresql://postgres@unix:$PGHOST:$PGPORT/bench_load_pgl|" \
                "$WEEK/psql/pgloader.load.in" >"$WORK/pgloader.load"
            # pgloader is only a baseline: if it fails, say so and go on without it.
            rc=0
            timeit "$WORK/load-pgl.log" pgloader --root-dir "$WORK/pgloader" "$WORK/pgloader.load" || rc=$?
            fp_pgl=$(fingerprint bench_load_pgl)
            dropdb bench_load_pgl
            if [ "$rc" != 0 ] || { [ -n "${FP_PGL:-}" ] && [ "$fp_pgl" != "$FP_PGL" ]; }; then
                echo "bench: pgloader failed (exit $rc) or loaded other rows ($fp_pgl); leaving it out" >&2
                tail -n 5 "$WORK/load-pgl.log" >&2
                HAVE_PGLOADER=0 PGL_FAILED=1
                continue
            fi
            PGL_RPS+=("$(rows_per_s $N_ROWS "$SECS")") PGL_RSS+=("$RSS")
            say "  run $r pgloader     : ${SECS}s  $(rows_per_s $N_ROWS "$SECS") rows/s  peak RSS ${RSS} MiB"
            FP_PGL=$fp_pgl
            ;;
        esac
    done
    [ -z "${fp_psql:-}" ] || [ "$fp_psql" = "$FP_ADR" ] ||
        die "psql \\copy loaded different rows than adreport: $fp_psql vs $FP_ADR"
done
if [ $HAVE_PGLOADER = 1 ] && [ "${FP_PGL:-}" != "$FP_ADR" ]; then
    echo "bench: pgloader loaded other rows than adreport ($FP_PGL vs $FP_ADR); leaving it out" >&2
    HAVE_PGLOADER=0 PGL_FAILED=1
fi
say "  same rows in every database (count, cost sum, hash of all columns): $FP_ADR"
record load "rows/s, $N_ROWS rows in $N_FILES files" "rows/s" "$(join "${ADR_RPS[@]}")" \
    "psql \\copy" "$(join "${PSQL_RPS[@]}")" "ge:1.25"
if [ $HAVE_PGLOADER = 1 ]; then
    record load "rows/s vs pgloader" "rows/s" "$(join "${ADR_RPS[@]}")" \
        "pgloader" "$(join "${PGL_RPS[@]}")" "ge:5"
else
    why="pgloader not installed"
    [ "${BENCH_PGLOADER:-1}" = 0 ] || [ "${BENCH_PGLOADER_RUNS:-1}" = 0 ] && why="pgloader not run (BENCH_PGLOADER=0)"
    [ -n "${PGL_FAILED:-}" ] && why="pgloader failed (see $WORK/load-pgl.log)"
    echo "load:    $why"
    printf 'load\t%s\t\t\t\t\t\t\tskipped\n' "$why" >>"$TSV"
fi

# ---------------------------------------------------------------- memory --
say "== memory: peak RSS of adreport load, $BIG_ROWS-row file vs $SMALL_ROWS-row file"
MEM=()
for n in "$SMALL_ROWS" "$BIG_ROWS"; do
    fresh_db bench_mem "$WEEK"
    settle bench_mem
    must "$WORK/load-mem.log" "adreport load of the $n-row file" env PGDATABASE=bench_mem \
        "$ADR" load -q --rejects "$WORK/rejects" "$DATA/mem-$n/1/impressions-2026-11-15.csv"
    got=$(q -d bench_mem -c "SELECT count(*) FROM impressions")
    [ "$got" = "$n" ] || die "the $n-row file loaded $got rows"
    MEM+=("$RSS")
    say "  $n rows: ${SECS}s  $(rows_per_s "$n" "$SECS") rows/s  peak RSS ${RSS} MiB"
done
dropdb bench_mem
record memory "peak RSS, $BIG_ROWS-row file" "MiB" "${MEM[1]}" "same, $SMALL_ROWS-row file" \
    "${MEM[0]}" "le:1.1,maxa:32"

# ---------------------------------------------------------------- rollup --
say "== rollup: adreport rollup --all vs one bare INSERT ... SELECT ... GROUP BY (tests/bench/bare_rollup.sql)"
q -d bench_load_adr -c "ANALYZE"
ROLL=() BARE=() BARE_BL=() ROLL_RSS=()
for ((r = 1; r <= RUNS; r++)); do
    settle bench_load_adr
    must "$WORK/rollup.log" "adreport rollup --all (run $r)" env PGDATABASE=bench_load_adr \
        "$ADR" rollup --all -q
    ROLL+=("$SECS") ROLL_RSS+=("$RSS")
    settle bench_load_adr
    must "$WORK/bare.log" "bare_rollup_blacklist.sql (run $r)" \
        psql -X -q -v ON_ERROR_STOP=1 -d bench_load_adr -f "$BENCH/bare_rollup_blacklist.sql"
    BARE_BL+=("$SECS")
    same_stats bench_load_adr "$STATS_COLS_BL" || die "adreport's ad_daily_stats and bare_rollup_blacklist.sql differ"
    settle bench_load_adr
    must "$WORK/bare.log" "bare_rollup.sql (run $r)" \
        psql -X -q -v ON_ERROR_STOP=1 -d bench_load_adr -f "$BENCH/bare_rollup.sql"
    BARE+=("$SECS")
    say "  run $r: adreport ${ROLL[-1]}s (peak RSS ${ROLL_RSS[-1]} MiB), bare with blacklist ${BARE_BL[-1]}s, bare ${SECS}s"
done
same_stats bench_load_adr "$STATS_COLS" || diff=1
STATS_ROWS=$(q -d bench_load_adr -c "SELECT count(*) FROM ad_daily_stats")
[ "${diff:-0}" = 0 ] || die "adreport's ad_daily_stats and the bare rollup differ"
say "  both wrote the same $STATS_ROWS ad-day rows (counts, costs, spend)"
record rollup "full rollup, $N_ROWS events -> $STATS_ROWS ad-days" "s" "$(join "${ROLL[@]}")" \
    "bare INSERT..SELECT with blacklist" "$(join "${BARE_BL[@]}")" "le:1.5"
record rollup "same, vs the bare GROUP BY without the blacklist columns" "s" "$(join "${ROLL[@]}")" \
    "bare INSERT..SELECT" "$(join "${BARE[@]}")" ""

say "== nightly: rollup of $NEW_DAY on top of 30 days of history vs on an empty history"
mapfile -t HIST_FILES < <(find "$MONTH" -mindepth 2 -name '*.csv' ! -name "*-$NEW_DAY.csv" | sort -V)
mapfile -t NEW_FILES < <(find "$MONTH" -mindepth 2 -name "*-$NEW_DAY.csv" | sort -V)
fresh_db bench_hist "$MONTH"
must "$WORK/hist-load.log" "loading 30 days of history" env PGDATABASE=bench_hist \
    "$ADR" load -q --rejects "$WORK/rejects" "${HIST_FILES[@]}"
HIST_ROWS=$(q -d bench_hist -c "SELECT (SELECT count(*) FROM impressions) + (SELECT count(*) FROM clicks)")
say "  history: $HIST_ROWS events in ${#HIST_FILES[@]} files loaded in ${SECS}s"
must "$WORK/hist-rollup.log" "rolling up the history" env PGDATABASE=bench_hist "$ADR" rollup -q
say "  history rolled up in ${SECS}s"
fresh_db bench_new "$MONTH"
# The new day's files also hold events of the days beside it (timestamps
# with offsets, late events).  On the history those days are rolled up
# already: their marks list the few ads with late events, and the rollup
# recomputes those ads' rows of them, not the whole days.
for db in bench_hist bench_new; do
    must "$WORK/new-load.log" "loading $NEW_DAY into $db" env PGDATABASE=$db \
        "$ADR" load -q --rejects "$WORK/rejects" "${NEW_FILES[@]}"
    q -d "$db" -c "ANALYZE"
    # The load's marks, for the runs after the first (as a reload would).
    q -d "$db" -c "CREATE TABLE bench_night_marks AS SELECT company_id, day, ads, events FROM adreport_dirty_days"
done
NEW_ROWS=$(q -d bench_new -c "SELECT (SELECT count(*) FROM impressions) + (SELECT count(*) FROM clicks)")
say "  the new day's marks on the history: $(q -d bench_hist -c "SELECT string_agg(day || ' ' || n || ' tenants, ' || coalesce(ads || ' ads listed', 'every ad'), '; ' ORDER BY day)
     FROM (SELECT day, count(*) AS n, sum(cardinality(ads))::text AS ads FROM adreport_dirty_days GROUP BY day) m")"
NIGHT_HIST=() NIGHT_NEW=()
for ((r = 1; r <= RUNS; r++)); do
    for db in bench_new bench_hist; do
        ((r == 1)) || q -d "$db" -c "INSERT INTO adreport_dirty_days (company_id, day, ads, events)
                                     SELECT company_id, day, ads, events FROM bench_night_marks ON CONFLICT DO NOTHING"
        settle "$db"
        must "$WORK/night.log" "adreport rollup in $db (run $r)" env PGDATABASE=$db "$ADR" rollup -q
        case $db in
        bench_hist) NIGHT_HIST+=("$SECS") ;;
        *) NIGHT_NEW+=("$SECS") ;;
        esac
    done
    say "  run $r: on 30 days ${NIGHT_HIST[-1]}s, alone ${NIGHT_NEW[-1]}s"
done
same=$(q -d bench_hist -c "SELECT count(*) FROM ad_daily_stats WHERE day = '$NEW_DAY'")/$(q -d bench_new -c "SELECT count(*) FROM ad_daily_stats WHERE day = '$NEW_DAY'")
say "  ad-day rows of $NEW_DAY (with history/alone): $same"
q -d bench_hist -c "DROP TABLE bench_night_marks"
dropdb bench_new
record nightly "rollup of 1 new day ($NEW_ROWS events)" "s" "$(join "${NIGHT_HIST[@]}")" \
    "same day, empty history" "$(join "${NIGHT_NEW[@]}")" "le:1.5"

# --------------------------------------------------------------- reports --
REPORT_MONTH=2026-10
say "== reports: adreport report --all --month $REPORT_MONTH vs psql \\copy of the same queries' rows"
mapfile -t IDS < <(q -d bench_hist -c "SELECT id FROM companies ORDER BY id")
BIG_TENANT=$(q -d bench_hist -c "SELECT company_id FROM ad_daily_stats GROUP BY company_id
                                 ORDER BY sum(impressions) DESC, company_id LIMIT 1")
"$PY" "$HELP" report-sql "$ROOT/sql/queries" 2026-10-01 2026-10-31 "$WORK/reports-psql" "${IDS[@]}" \
    >"$WORK/report_all.sql"
"$PY" "$HELP" report-sql "$ROOT/sql/queries" 2026-10-01 2026-10-31 "$WORK/reports-psql" "$BIG_TENANT" \
    >"$WORK/report_one.sql"
rc=0
timeit "$WORK/report.log" env PGDATABASE=bench_hist "$ADR" report --all --month "$REPORT_MONTH" \
    --out "$WORK/reports-adr" -q || rc=$?
if [ "$rc" != 0 ] || [ ! -f "$WORK/reports-adr/$BIG_TENANT/$REPORT_MONTH/performance.xlsx" ]; then
    echo "reports: skipped: report not available (adreport report exited $rc: $(tail -n 1 "$WORK/report.log"))"
    printf 'reports\tskipped: report not available\t\t\t\t\t\t\tskipped\n' >>"$TSV"
else
    REP=() REP_PSQL=() REP1=() REP1_PSQL=() REP_RSS=()
    for ((r = 1; r <= RUNS; r++)); do
        settle bench_hist
        must "$WORK/report.log" "adreport report --all (run $r)" env PGDATABASE=bench_hist \
            "$ADR" report --all --month "$REPORT_MONTH" --out "$WORK/reports-adr" -q
        REP+=("$SECS") REP_RSS+=("$RSS")
        must "$WORK/report-psql.log" "psql \\copy of the report rows (run $r)" \
            psql -X -q -v ON_ERROR_STOP=1 -d bench_hist -f "$WORK/report_all.sql"
        REP_PSQL+=("$SECS")
        must "$WORK/report.log" "adreport report --company $BIG_TENANT (run $r)" env PGDATABASE=bench_hist \
            "$ADR" report --company "$BIG_TENANT" --month "$REPORT_MONTH" --out "$WORK/reports-adr" -q
        REP1+=("$SECS")
        must "$WORK/report-psql.log" "psql \\copy of tenant $BIG_TENANT's report rows (run $r)" \
            psql -X -q -v ON_ERROR_STOP=1 -d bench_hist -f "$WORK/report_one.sql"
        REP1_PSQL+=("$SECS")
        say "  run $r: all ${#IDS[@]} tenants: adreport ${REP[-1]}s (peak RSS ${REP_RSS[-1]} MiB)," \
            "psql ${REP_PSQL[-1]}s; tenant $BIG_TENANT: adreport ${REP1[-1]}s, psql ${SECS}s"
    done
    "$PY" "$HELP" same-report-rows "$WORK/reports-adr" "$WORK/reports-psql" "$REPORT_MONTH" |
        sed 's/^/  /'
    record reports "all ${#IDS[@]} tenants, csv + xlsx, $REPORT_MONTH" "s" "$(join "${REP[@]}")" \
        "psql \\copy" "$(join "${REP_PSQL[@]}")" "le:2"
    record reports "largest tenant ($BIG_TENANT) alone" "s" "$(join "${REP1[@]}")" \
        "psql \\copy" "$(join "${REP1_PSQL[@]}")" ""
fi

# ---------------------------------------------------------- many tenants --
# BENCH_TENANTS small tenants (not skewed), 3 days, an impressions and a
# clicks file per tenant-day: the per-tenant cost of every stage shows.
MT_TENANTS=${BENCH_TENANTS:-2000}
if [ "$MT_TENANTS" != 0 ]; then
    MTSCALE=$(awk -v s="$SCALE" 'BEGIN { printf "%g", 0.74 * s }')
    MT=$DATA/tenants$MT_TENANTS-s$SCALE
    stamp="generate.py --tenants $MT_TENANTS --days 3 --start 2026-11-02 --scale $MTSCALE --no-bad-rows"
    if [ ! -f "$MT.complete" ] || [ "$(cat "$MT.complete")" != "$stamp" ]; then
        say "generating $MT ($stamp)"
        rm -rf "$MT" "$MT-psql"
        "$PY" "$ROOT/samples/generate.py" --out "$MT" --tenants "$MT_TENANTS" --days 3 \
            --start 2026-11-02 --scale "$MTSCALE" --no-bad-rows 2>&1 | sed 's/^/    /'
        "$PY" "$HELP" convert "$MT" "$MT-psql" >/dev/null
        echo "$stamp" >"$MT.complete"
    fi
    read -r MT_IMP MT_CLK <"$MT-psql/rows"
    MT_FILES=$(find "$MT" -mindepth 2 -name '*.csv' | wc -l)
    say "== $MT_TENANTS tenants: adreport run vs the psql pipeline ($((MT_IMP + MT_CLK)) events in $MT_FILES files)"
    mapfile -t MT_IDS < <(awk -F, '{ print $1 }' "$MT/companies.csv" | grep -E '^[0-9]+$' | sort -n)
    "$PY" "$HELP" report-sql "$ROOT/sql/queries" 2026-11-01 2026-11-30 "$WORK/mt-reports-psql" \
        "${MT_IDS[@]}" >"$WORK/mt_report_all.sql"
    # The pipeline's GROUP BY writes ad_daily_stats itself, so the report
    # queries after it read as many rows as adreport's.
    sed 's/bench_bare_stats/ad_daily_stats/g' "$BENCH/bare_rollup.sql" >"$WORK/bare_into_stats.sql"
    MT_RUN=() MT_RUN_RSS=() MT_ROLL=() MT_PIPE=() MT_BARE=() MT_REP_RSS=()
    for ((r = 1; r <= RUNS; r++)); do
        fresh_db bench_mt_run "$MT"
        settle bench_mt_run
        # A new, empty reports folder per run, the old ones deleted after the
        # last run: deleting 8,000 report files just before the timed run made
        # its own file creations slow (ext4 without a journal, as here, scans
        # past inodes freed in the last minute before it reuses one: 22 s
        # instead of 12 s for the reports), a cost of the benchmark, not of
        # the job.  psql's \copy rewrites its files in place.
        mkdir -p "$WORK/mt-reports-$r"
        must "$WORK/mt-run.log" "adreport run, $MT_TENANTS tenants (run $r)" env PGDATABASE=bench_mt_run \
            "$ADR" run --incoming "$MT" --reports "$WORK/mt-reports-$r" --rejects "$WORK/rejects" -q
        MT_RUN+=("$SECS") MT_RUN_RSS+=("$RSS")
        summary=$(grep '^summary: ' "$WORK/mt-run.log" | tail -n 1)
        MT_ROLL+=("$(sed -n 's/.*rollup \([0-9.]*\), report.*/\1/p' <<<"$summary")")
        fresh_db bench_mt_psql "$MT"
        settle bench_mt_psql
        must "$WORK/mt-psql.log" "psql \\copy of $MT_FILES files (run $r)" \
            psql -X -q -v ON_ERROR_STOP=1 -d bench_mt_psql -f "$MT-psql/copy.sql"
        p_load=$SECS
        q -d bench_mt_psql -c "ANALYZE"
        must "$WORK/mt-psql.log" "bare GROUP BY (run $r)" \
            psql -X -q -v ON_ERROR_STOP=1 -d bench_mt_psql -f "$WORK/bare_into_stats.sql"
        MT_BARE+=("$SECS")
        must "$WORK/mt-psql.log" "psql \\copy of the report rows (run $r)" \
            psql -X -q -v ON_ERROR_STOP=1 -d bench_mt_psql -f "$WORK/mt_report_all.sql"
        MT_PIPE+=("$(awk -v a="$p_load" -v b="${MT_BARE[-1]}" -v c="$SECS" 'BEGIN { printf "%.3f", a + b + c }')")
        say "  run $r: adreport run ${MT_RUN[-1]}s (rollup ${MT_ROLL[-1]}s, peak RSS ${MT_RUN_RSS[-1]} MiB);" \
            "psql pipeline ${MT_PIPE[-1]}s (load ${p_load}s, GROUP BY ${MT_BARE[-1]}s, reports ${SECS}s)"
        must "$WORK/mt-report.log" "adreport report --all, $MT_TENANTS tenants (run $r)" \
            env PGDATABASE=bench_mt_run "$ADR" report --all --month 2026-11 --out "$WORK/mt-reports-$r" -q
        MT_REP_RSS+=("$RSS")
    done
    same_counts=$(q -d bench_mt_run -c "SELECT count(*), sum(impressions), sum(clicks), sum(spend_usd) FROM ad_daily_stats")
    [ "$same_counts" = "$(q -d bench_mt_psql -c "SELECT count(*), sum(impressions), sum(clicks), sum(spend_usd) FROM ad_daily_stats")" ] ||
        die "adreport run and the psql pipeline rolled up different stats"
    say "  same stats in both databases: $same_counts"
    PGDATABASE=bench_mt_run "$ADR" verify -q || die "adreport verify found differences after the run"
    rm -rf "$WORK"/mt-reports-[0-9]*
    dropdb bench_mt_psql

    # Where the rollup's time goes (no target; for the analysis): the bare
    # GROUP BY computes no reach sketches, the rollup does.  The tenants are
    # loaded once by `adreport load` (its marks, as in the run) and copied;
    # on each copy, in turns, `adreport rollup` with the sketches, then
    # bare_rollup_sketches.sql, or with the sketch columns dropped (as in a
    # database without hll), then bare_rollup.sql.  Each pair is compared
    # equal, sketches included.  Here the bare GROUP BYs run with the
    # rollup's settings (sql/queries/rollup_settings.sql: work_mem 64 MB, no
    # JIT; for sketches no hashed GROUP BY, rollup_sort_sketches.sql), so
    # the rows measure the work, not the settings: with the default 4 MB the
    # one with sketches sorted its events on disk (3.0-3.2 s), and with 64 MB
    # but hashing it spilled 128 KB states in 257 batches (3.3-3.6 s).
    if [ "$(q -d bench_mt_run -f "$ROOT/sql/queries/reach_enabled.sql")" = t ]; then
        mapfile -t MT_DIRS < <(find "$MT" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' | sort -V)
        fresh_db bench_mt_loaded "$MT"
        must "$WORK/mt-load.log" "adreport load, $MT_TENANTS tenants" env PGDATABASE=bench_mt_loaded \
            "$ADR" load -q --rejects "$WORK/rejects" "${MT_DIRS[@]}"
        q -d bench_mt_loaded -c "ANALYZE"
        MT_R_ON=() MT_R_OFF=() MT_B_SK=() MT_B_PLAIN=()
        for ((r = 1; r <= RUNS; r++)); do
            for kind in on off; do
                PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists bench_mt_copy
                createdb -T bench_mt_loaded bench_mt_copy
                bare=bare_rollup_sketches.sql cols="$STATS_COLS, reach_sketch::text, clickers_sketch::text"
                settings="-c work_mem=64MB -c jit=off -c enable_hashagg=off"
                if [ $kind = off ]; then
                    bare=bare_rollup.sql cols=$STATS_COLS settings="-c work_mem=64MB -c jit=off"
                    q -d bench_mt_copy -c "DROP VIEW campaign_daily_stats" -c "ALTER TABLE ad_daily_stats
                        DROP COLUMN reach_sketch, DROP COLUMN clickers_sketch" -c "ANALYZE ad_daily_stats"
                fi
                settle bench_mt_copy
                must "$WORK/mt-roll.log" "adreport rollup, sketches $kind (run $r)" \
                    env PGDATABASE=bench_mt_copy "$ADR" rollup -q
                roll=$SECS
                settle bench_mt_copy
                must "$WORK/mt-roll.log" "$bare (run $r)" env PGOPTIONS="$settings" \
                    psql -X -q -v ON_ERROR_STOP=1 -d bench_mt_copy -f "$BENCH/$bare"
                same_stats bench_mt_copy "$cols" || die "adreport rollup and $bare differ"
                if [ $kind = on ]; then
                    MT_R_ON+=("$roll") MT_B_SK+=("$SECS")
                else
                    MT_R_OFF+=("$roll") MT_B_PLAIN+=("$SECS")
                fi
            done
            say "  run $r, after adreport load: rollup ${MT_R_ON[-1]}s vs bare GROUP BY with sketches" \
                "${MT_B_SK[-1]}s; without sketches: rollup ${MT_R_OFF[-1]}s vs bare ${MT_B_PLAIN[-1]}s"
        done
        dropdb bench_mt_copy
        dropdb bench_mt_loaded
    fi
    # The same run over the 50-tenant week, for peak RSS: the 50 tenant folders
    # and entity files, hard-linked (the week's folder also holds psql/).
    rm -rf "$WORK/in50"
    mkdir -p "$WORK/in50"
    cp -al "${TENANT_DIRS[@]}" "$WEEK/companies.csv" "$WEEK/campaigns.csv" "$WEEK/ads.csv" "$WORK/in50/"
    fresh_db bench_run50 "$WEEK"
    must "$WORK/run50.log" "adreport run, 50 tenants" env PGDATABASE=bench_run50 \
        "$ADR" run --incoming "$WORK/in50" --reports "$WORK/reports50" --rejects "$WORK/rejects" -q
    RUN50_RSS=$RSS
    say "  adreport run of the 50-tenant week: ${SECS}s, peak RSS ${RSS} MiB"
    dropdb bench_run50
    record tenants "$MT_TENANTS tenants: rollup after the load (in run)" "s" "$(join "${MT_ROLL[@]}")" \
        "bare GROUP BY" "$(join "${MT_BARE[@]}")" "le:1.3"
    record tenants "$MT_TENANTS tenants: whole adreport run" "s" "$(join "${MT_RUN[@]}")" \
        "psql pipeline" "$(join "${MT_PIPE[@]}")" "le:1.0"
    if [ -n "${MT_R_ON[*]:-}" ]; then
        record tenants "$MT_TENANTS tenants: rollup after adreport load, with reach sketches" "s" \
            "$(join "${MT_R_ON[@]}")" "bare GROUP BY with sketches, same settings" "$(join "${MT_B_SK[@]}")" ""
        record tenants "$MT_TENANTS tenants: same, the sketch columns dropped" "s" \
            "$(join "${MT_R_OFF[@]}")" "bare GROUP BY, same settings" "$(join "${MT_B_PLAIN[@]}")" ""
    fi
    record memory "peak RSS of run, $MT_TENANTS tenants" "MiB" "$(join "${MT_RUN_RSS[@]}")" \
        "same, 50 tenants" "$RUN50_RSS" "le:1.2"
    [ -n "${REP_RSS:-}" ] && record memory "peak RSS of report --all, $MT_TENANTS tenants" "MiB" \
        "$(join "${MT_REP_RSS[@]}")" "same, 50 tenants" "$(join "${REP_RSS[@]}")" "le:1.2"
fi

# Peak RSS of each stage (medians), for the record.
record memory "peak RSS of load (all $N_FILES files)" "MiB" "$(join "${LOAD_RSS[@]}")" \
    "psql \\copy" "$(join "${PSQL_RSS[@]}")" ""
[ $HAVE_PGLOADER = 1 ] && record memory "peak RSS of load" "MiB" "$(join "${LOAD_RSS[@]}")" \
    "pgloader" "$(join "${PGL_RSS[@]}")" ""
record memory "peak RSS of rollup --all" "MiB" "$(join "${ROLL_RSS[@]}")" "" "" ""
[ -n "${REP_RSS:-}" ] && record memory "peak RSS of report --all" "MiB" "$(join "${REP_RSS[@]}")" "" "" ""

# --------------------------------------------------------------- results --
ELAPSED=$(($(date +%s) - T_START))
if [ -n "${MAKELEVEL:-}" ]; then
    CMD="BENCH_SCALE=$SCALE BENCH_RUNS=$RUNS make bench"
else
    CMD="BENCH_SCALE=$SCALE BENCH_RUNS=$RUNS tests/bench/run.sh"
fi
[ "$ADR_SRC" = "$ROOT/adreport" ] || CMD="ADR=$ADR_SRC $CMD"
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEMTOTAL=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
TABLE=$("$PY" "$HELP" table "$TSV")
KEEP=""
[ -f "$RESULTS_MD" ] && KEEP=$(awk '/^## Analysis/ { p = 1 } p' "$RESULTS_MD")
{
    echo "# Benchmark results"
    echo
    echo "Produced by \`tests/bench/run.sh\` (\`make bench\`); rerunning it rewrites this file"
    echo "(the Analysis section at the end, written by hand, is kept)."
    echo
    echo "- command: \`$CMD\` (ran ${ELAPSED}s), adreport at commit $GIT_REV"
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: \`$(uname -a)\`"
    echo "- CPU: $(nproc) cores, $CPU; memory $MEMTOTAL; load average $LOADAVG_START at the"
    echo "  start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (the machine is shared: other work"
    echo "  running at the same time makes single runs noisy, hence medians and same-run ratios)"
    echo "- PostgreSQL: $PG_VERSION, private server, default settings ($PG_SETTINGS)"
    echo "- data: samples/generate.py --tenants 50 --skew --scale $GSCALE --no-bad-rows: one week"
    echo "  (2026-11-01..07) of $N_IMP impressions + $N_CLK clicks in $N_FILES files; the nightly"
    echo "  case uses 31 days (2026-10-01..31, $HIST_ROWS + $NEW_ROWS events); the memory case one"
    echo "  file of $BIG_ROWS and one of $SMALL_ROWS impressions of company 1"
    echo "- every number is the median of $RUNS runs (min / **median** / max), seconds of wall"
    echo "  time unless marked; ratio = adreport / baseline of the medians"
    echo
    echo "$TABLE"
    echo
    echo "How each baseline is run:"
    echo
    echo "- **load**: each run in a fresh database with \`adreport init\` (seed keys and FKs, the"
    echo "  project's indexes) and the entity files loaded. adreport: \`adreport load -q\` of the 50"
    echo "  tenant folders (its default --jobs: 2 connections; CSV with headers, shuffled columns,"
    echo "  offsets; every row validated, one transaction per file, ledger, dirty days). psql:"
    echo "  one \`psql -f\` session (one connection) of one"
    echo "  \`\\copy impressions|clicks (company_id, ...) from 'f.csv' with (format csv)\` per file,"
    echo "  files converted beforehand (outside the timing) to headerless CSV in the seed's column"
    echo "  order with company_id and UTC timestamps. pgloader: one LOAD CSV per kind over the"
    echo "  same converted files, default batch and concurrency. After each load the three"
    echo "  databases hold the same rows (count, cost sum and a hash of every column compared)."
    echo "- **memory**: \`/usr/bin/time -f %M\` of \`adreport load\` of one file."
    echo "- **rollup**: \`adreport rollup --all\` (one transaction: claim every tenant-day, delete,"
    echo "  one set-based INSERT ... SELECT with blacklist matching, ads counts) vs"
    echo "  \`psql -f tests/bench/bare_rollup_blacklist.sql\` (TRUNCATE + one INSERT ... SELECT ..."
    echo "  GROUP BY of every column, the host cut out per event) and \`bare_rollup.sql\` (the same"
    echo "  without the blacklist columns), into a copy of ad_daily_stats; the results are compared"
    echo "  equal. nightly: \`adreport rollup\` of the"
    echo "  dirty days of the $NEW_DAY files, in a database holding 30 earlier days (rolled up) vs"
    echo "  one holding only that day's files. The new files hold events of the days beside it too:"
    echo "  on the history their marks list the few ads with late events, and the rollup recomputes"
    echo "  those ads' rows of those days. Both start on ANALYZEd tables (as after autovacuum)."
    echo "- **tenants**: \`adreport run --incoming\` of ${MT_TENANTS:-0} small tenants x 3 days (load, set-based"
    echo "  rollup, reports of the changed months) in a fresh database vs the psql pipeline in"
    echo "  another: \`\\copy\` of every (converted) file + tests/bench/bare_rollup.sql writing"
    echo "  ad_daily_stats + \`\\copy\` of the six report queries per tenant; the rollup row"
    echo "  compares run's own rollup seconds (its summary line) with that bare GROUP BY."
    echo "  The two rows after them (with hll only) decompose that rollup: on copies of a database"
    echo "  loaded by \`adreport load\`, \`adreport rollup\` vs tests/bench/bare_rollup_sketches.sql"
    echo "  (the bare GROUP BY building the same reach sketches), and with the sketch columns"
    echo "  dropped vs bare_rollup.sql; both bare GROUP BYs with the rollup's settings (work_mem"
    echo "  64 MB, no JIT, sketches grouped sorted); each pair compared equal."
    echo "- **reports**: \`adreport report --all --month $REPORT_MONTH\` (campaigns.csv, ads.csv,"
    echo "  daily.csv, performance.xlsx per tenant) vs one \`psql -f\` session of \`\\copy (query) to"
    echo "  file\` of the six sql/queries/report_*.sql queries per tenant."
    if [ -n "$KEEP" ]; then
        echo
        echo "$KEEP"
    fi
} >"$RESULTS_MD"
echo
echo "$TABLE"
echo
say "done in ${ELAPSED}s; results in ${RESULTS_MD#"$ROOT"/}"
