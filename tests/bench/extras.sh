#!/usr/bin/env bash
# tests/bench/extras.sh - the benchmarks of reach sketches and of Citus, run by
# `make bench` after run.sh, each as a ratio against a baseline measured in
# the same run on the same data.
#
#   reach: `adreport rollup --all` and `adreport report --all` in a database
#          keeping reach sketches (hll) vs one without the extension (the
#          same data, init run by a role that may not create extensions).
#   citus: when ADREPORT_TEST_CITUS names a Citus coordinator's database
#          (reset here!), `adreport load` of every tenant folder through the
#          coordinator vs psql `\copy` of the same rows through it.
#
#   EXTRAS_TENANTS=20 EXTRAS_DAYS=7 EXTRAS_SCALE=8 EXTRAS_RUNS=3
#
# A private PostgreSQL 15 in tests/bench/data/pg-extras for the duration.
# Results go to stdout and tests/bench/EXTRAS.md.  Nothing is asserted.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/tests/bench
DATA=$BENCH/data
PY=/usr/bin/python3
HELP=$BENCH/bench.py
TENANTS=${EXTRAS_TENANTS:-20} DAYS=${EXTRAS_DAYS:-7} GSCALE=${EXTRAS_SCALE:-8} RUNS=${EXTRAS_RUNS:-3}
mkdir -p "$DATA"
ADR=$DATA/adreport-extras
cp "${ADR_SRC:-$ROOT/adreport}" "$ADR"
say() { echo "[$(date +%H:%M:%S)] $*"; }
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }
# timeit CMD... - SECS = wall seconds of CMD (output discarded).
timeit() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

unset PGHOST PGPORT PGDATABASE PGUSER PGSERVICE DATABASE_URL PGOPTIONS
PGDIR=$DATA/pg-extras
"$ROOT/samples/pg.sh" start "$PGDIR" >/dev/null
trap '"$ROOT/samples/pg.sh" stop "$PGDIR" >/dev/null 2>&1 || true' EXIT
eval "$("$ROOT/samples/pg.sh" env "$PGDIR")"
export PGDATABASE=postgres

SET=$DATA/extras-t$TENANTS-d$DAYS-s$GSCALE
if [ ! -f "$SET/.complete" ]; then
    say "generating $TENANTS tenants x $DAYS days (scale $GSCALE) in $SET"
    rm -rf "$SET"
    "$PY" "$ROOT/samples/generate.py" --out "$SET" --tenants "$TENANTS" --days "$DAYS" \
        --scale "$GSCALE" --seed 11 --no-bad-rows >/dev/null
    "$PY" "$HELP" convert "$SET" "$SET/psql" >/dev/null
    touch "$SET/.complete"
fi
mapfile -t DIRS < <(find "$SET" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' | sort -V)
read -r N_IMP N_CLK <"$SET/psql/rows"
OUT=()

# ------------------------------------------------------------------ reach --
say "== reach: rollup and reports with sketches vs without the hll extension"
q -c "DROP DATABASE IF EXISTS bx_reach" -c "DROP DATABASE IF EXISTS bx_plain" >/dev/null
q -c "DO \$\$ BEGIN CREATE ROLE bx_nohll LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
createdb bx_reach
createdb -O bx_nohll bx_plain
"$ADR" init -q --db dbname=bx_reach
"$ADR" init -q --db "dbname=bx_plain user=bx_nohll" 2>/dev/null
for db in "dbname=bx_reach" "dbname=bx_plain user=bx_nohll"; do
    "$ADR" load -q --db "$db" --rejects "$DATA/extras-rejects" "$SET" >/dev/null 2>&1 || true
done
[ "$(q -d bx_reach -c 'SELECT count(*) FROM impressions')" = "$(q -d bx_plain -c 'SELECT count(*) FROM impressions')" ] ||
    { echo "extras: the two databases hold different rows" >&2; exit 1; }
R_ON=() R_OFF=() P_ON=() P_OFF=()
for ((r = 1; r <= RUNS; r++)); do
    timeit "$ADR" rollup -q --all --db dbname=bx_reach; R_ON+=("$SECS")
    timeit "$ADR" rollup -q --all --db "dbname=bx_plain user=bx_nohll"; R_OFF+=("$SECS")
    timeit "$ADR" report -q --all --month 2026-11 --out "$DATA/extras-rep-on" --db dbname=bx_reach; P_ON+=("$SECS")
    timeit "$ADR" report -q --all --month 2026-11 --out "$DATA/extras-rep-off" --db "dbname=bx_plain user=bx_nohll"
    P_OFF+=("$SECS")
    say "  run $r: rollup ${R_ON[-1]}s vs ${R_OFF[-1]}s, report ${P_ON[-1]}s vs ${P_OFF[-1]}s"
done
OUT+=("| rollup --all with reach sketches vs without ($N_IMP impressions, $N_CLK clicks) | $(median "${R_ON[@]}") s vs $(median "${R_OFF[@]}") s | **$(ratio "$(median "${R_ON[@]}")" "$(median "${R_OFF[@]}")")** |")
OUT+=("| report --all (csv + xlsx) with reach columns vs without | $(median "${P_ON[@]}") s vs $(median "${P_OFF[@]}") s | **$(ratio "$(median "${P_ON[@]}")" "$(median "${P_OFF[@]}")")** |")
dropdb bx_reach
dropdb bx_plain

# ------------------------------------------------------------------ citus --
if [ -n "${ADREPORT_TEST_CITUS:-}" ]; then
    C=$ADREPORT_TEST_CITUS
    say "== citus: adreport load vs psql \\copy, both through the coordinator"
    reset() {
        q -d "$C" -c "SELECT 'DROP TABLE IF EXISTS ' || string_agg(c.oid::regclass::text, ', ') || ' CASCADE'
                      FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')
                        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                        AND d.objid = c.oid AND d.deptype = 'e')" >"$DATA/extras-reset.sql"
        q -d "$C" -c "DROP VIEW IF EXISTS campaign_daily_stats CASCADE" >/dev/null 2>&1
        grep -v '^$' "$DATA/extras-reset.sql" | sed 's/$/;/' | q -d "$C" >/dev/null || true
        "$ADR" init -q --citus --db "$C"
        "$ADR" load -q --db "$C" "$SET/companies.csv" "$SET/campaigns.csv" "$SET/ads.csv" >/dev/null
    }
    L_ADR=() L_PSQL=()
    for ((r = 1; r <= RUNS; r++)); do
        reset
        timeit "$ADR" load -q --db "$C" --rejects "$DATA/extras-rejects" "${DIRS[@]}"; L_ADR+=("$SECS")
        reset
        timeit psql -X -q -v ON_ERROR_STOP=1 -d "$C" -f "$SET/psql/copy.sql"; L_PSQL+=("$SECS")
        say "  run $r: adreport ${L_ADR[-1]}s vs psql ${L_PSQL[-1]}s"
    done
    n=$((N_IMP + N_CLK))
    a=$(median "${L_ADR[@]}") b=$(median "${L_PSQL[@]}")
    OUT+=("| Citus: load through the coordinator, rows/s, adreport vs psql \\copy ($n rows) | $(awk -v n=$n -v s="$a" 'BEGIN{printf "%.0f", n/s}') vs $(awk -v n=$n -v s="$b" 'BEGIN{printf "%.0f", n/s}') | **$(ratio "$b" "$a")** |")
else
    OUT+=("| Citus: load through the coordinator | skipped: ADREPORT_TEST_CITUS not set | |")
fi

{
    echo "# make bench: reach and Citus"
    echo
    echo "$(date -u +%Y-%m-%d), adreport at $(git -C "$ROOT" rev-parse --short HEAD), $RUNS runs (median), load average $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| measure | adreport vs baseline | ratio |"
    echo "|---|---|---|"
    printf '%s\n' "${OUT[@]}"
} | tee "$BENCH/EXTRAS.md"
