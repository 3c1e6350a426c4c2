#!/usr/bin/env bash
# tests/bench/perfile.sh - the per-file cost of `adreport load` on many small
# files (issues #12 and #18), against psql \copy of the same rows, every
# number measured in the same invocation on the same private server.
#
#   BENCH_TENANTS=300  tenants; 3 days, an impressions and a clicks file per
#                      tenant-day (6 files a tenant, about 150 rows a file at
#                      scale 1): the "many tenants" data of run.sh, smaller
#   BENCH_SCALE=1      as in run.sh (the generator gets 0.74 x this)
#   BENCH_RUNS=2       runs of each measurement (each run alternates the order)
#   ADR=build/rel/adreport   the binary under test
#   ADR_B=PATH, ADR_C=PATH  optionally more binaries (main's build, a
#                      variant): measured beside the first, same data, same
#                      runs, and compared with it
#   BENCH_LOG_STATEMENTS=1   also count the statements per file
#                      (log_min_duration_statement=0 for one load of ADR)
#
# Issue #18's one-pass prototype (hash while loading, decide at commit) is
# commit 5aba335: build it in a worktree and pass it as ADR_B, e.g.
#   git worktree add /tmp/onepass 5aba335 && make -C /tmp/onepass &&
#   ADR_B=/tmp/onepass/build/rel/adreport tests/bench/perfile.sh
# The numbers of both issues are at the top of src/load_file.c.
#
# Measured, for each binary: `load --jobs 1` and `load` (--jobs 2) of all the
# files into a fresh database (with the entity files already loaded), and
# `load` of the same files again (everything already loaded: the nightly
# rerun); and psql \copy of every file, one COPY (one transaction) per file,
# over one connection.  Interleaved by chunks of tenants (BENCH_CHUNKS=10).  Printed as seconds and as the ratio to psql of the
# same run; the last lines are medians.  The private server runs in
# tests/bench/data/pg-perfile with default settings (fsync on) and is
# stopped on exit.  Nothing is asserted.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=$ROOT/tests/bench
DATA=$BENCH/data
TENANTS=${BENCH_TENANTS:-300}
SCALE=${BENCH_SCALE:-1}
RUNS=${BENCH_RUNS:-2}
ADR_A=${ADR:-$ROOT/build/rel/adreport}
ADR_B=${ADR_B:-}
ADR_C=${ADR_C:-}
PY=/usr/bin/python3
HELP=$BENCH/bench.py
PGDIR=$DATA/pg-perfile
WORK=$DATA/work-perfile

die() { echo "perfile: error: $*" >&2; exit 1; }
say() { echo "[$(date +%H:%M:%S)] $*"; }

[[ $TENANTS =~ ^[1-9][0-9]*$ ]] || die "BENCH_TENANTS must be a positive integer"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
[ -x "$ADR_A" ] || die "no adreport binary at $ADR_A: run \"make\" first"
[ -z "$ADR_B" ] || [ -x "$ADR_B" ] || die "no binary at ADR_B=$ADR_B"
[ -z "$ADR_C" ] || [ -x "$ADR_C" ] || die "no binary at ADR_C=$ADR_C"
command -v psql >/dev/null || die "psql is missing"
unset DATABASE_URL PGSERVICE PGSERVICEFILE PGDATABASE PGHOSTADDR PGPASSWORD PGOPTIONS || true

mkdir -p "$DATA"
rm -rf "$WORK"
mkdir -p "$WORK"
# Copies: a rebuild during the run cannot change what is measured.
cp "$ADR_A" "$WORK/adr-a"
BINS=(a)
[ -n "$ADR_B" ] && cp "$ADR_B" "$WORK/adr-b" && BINS+=(b)
[ -n "$ADR_C" ] && cp "$ADR_C" "$WORK/adr-c" && BINS+=(c)

# The same data and folder as run.sh's many-tenant scenario (shared with it).
MTSCALE=$(awk -v s="$SCALE" 'BEGIN { printf "%g", 0.74 * s }')
MT=$DATA/tenants$TENANTS-s$SCALE
stamp="generate.py --tenants $TENANTS --days 3 --start 2026-11-02 --scale $MTSCALE --no-bad-rows"
if [ ! -f "$MT.complete" ] || [ "$(cat "$MT.complete")" != "$stamp" ]; then
    say "generating $MT ($stamp)"
    rm -rf "$MT" "$MT-psql"
    "$PY" "$ROOT/samples/generate.py" --out "$MT" --tenants "$TENANTS" --days 3 \
        --start 2026-11-02 --scale "$MTSCALE" --no-bad-rows 2>&1 | sed 's/^/    /'
    "$PY" "$HELP" convert "$MT" "$MT-psql" >/dev/null
    echo "$stamp" >"$MT.complete"
fi
read -r N_IMP N_CLK <"$MT-psql/rows"
N_FILES=$(find "$MT" -mindepth 2 -name '*.csv' | wc -l)
mapfile -t DIRS < <(find "$MT" -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' | sort -V)

stop_pg() { "$ROOT/samples/pg.sh" stop "$PGDIR" >/dev/null 2>&1 || true; }
trap stop_pg EXIT
trap 'exit 130' INT TERM
stop_pg
rm -rf "$PGDIR"
"$ROOT/samples/pg.sh" start "$PGDIR" >/dev/null
eval "$("$ROOT/samples/pg.sh" env "$PGDIR")"

q() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }

# timed LOG CMD... - SECS = wall seconds of CMD; stop when it fails.
timed() {
    local log=$1 t0 t1 rc=0
    shift
    t0=$(date +%s.%N)
    "$@" >"$log" 2>&1 || rc=$?
    t1=$(date +%s.%N)
    # 3: rows rejected is not a failure here (there are none: --no-bad-rows).
    if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
        echo "perfile: error: $* failed (exit $rc):" >&2
        tail -n 20 "$log" >&2
        exit 1
    fi
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

declare -A CHUNK_OF

fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists "$1"
    createdb "$1"
    timed "$WORK/init.log" env PGDATABASE="$1" "$WORK/adr-a" init -q
    timed "$WORK/entities.log" env PGDATABASE="$1" "$WORK/adr-a" load -q --rejects "$WORK/rejects" \
        "$MT/companies.csv" "$MT/campaigns.csv" "$MT/ads.csv"
    q -d "$1" -c CHECKPOINT
}

loaded_rows() { q -d "$1" -c "SELECT (SELECT count(*) FROM impressions) + (SELECT count(*) FROM clicks)"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

say "$TENANTS tenants: $((N_IMP + N_CLK)) events in $N_FILES files; $RUNS runs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "a = $ADR_A${ADR_B:+, b = $ADR_B}${ADR_C:+, c = $ADR_C}"

# The files in BENCH_CHUNKS chunks of tenants: each run loads chunk after
# chunk, and within a chunk every contender in turn (the order rotating), so
# that a burst of load from elsewhere on a shared machine falls on all of
# them alike.  A measure is the sum over the chunks.
CHUNKS=${BENCH_CHUNKS:-10}
((CHUNKS > ${#DIRS[@]})) && CHUNKS=${#DIRS[@]}
for ((k = 0; k < CHUNKS; k++)); do
    : >"$WORK/chunk$k.sql"
done
for ((i = 0; i < ${#DIRS[@]}; i++)); do
    t=$(basename "${DIRS[$i]}")
    CHUNK_OF[$t]=$((i * CHUNKS / ${#DIRS[@]}))
done
while IFS= read -r line; do
    t=$(sed -E 's/.*(impressions|clicks)-([0-9]+)-.*/\2/' <<<"$line")
    echo "$line" >>"$WORK/chunk${CHUNK_OF[$t]}.sql"
done <"$MT-psql/copy.sql"
chunk_dirs() { # chunk_dirs K - the tenant folders of chunk K
    local i
    for ((i = 0; i < ${#DIRS[@]}; i++)); do
        ((i * CHUNKS / ${#DIRS[@]} == $1)) && echo "${DIRS[$i]}"
    done
}

declare -A T # T[measure,run] = seconds
MEASURES=(psql)
for b in "${BINS[@]}"; do MEASURES+=("$b-first-j1" "$b-first-j2" "$b-rerun"); done
add() { T[$1,$2]=$(awk -v a="${T[$1,$2]:-0}" -v b="$3" 'BEGIN { printf "%.3f", a + b }'); }

for ((r = 1; r <= RUNS; r++)); do
    fresh_db perfile_psql
    for b in "${BINS[@]}"; do
        fresh_db perfile_${b}_j1
        fresh_db perfile_${b}_j2
    done
    CONTENDERS=(psql)
    for b in "${BINS[@]}"; do CONTENDERS+=("$b:1" "$b:2"); done
    for ((k = 0; k < CHUNKS; k++)); do
        mapfile -t CD < <(chunk_dirs $k)
        n=${#CONTENDERS[@]}
        for ((j = 0; j < n; j++)); do
            who=${CONTENDERS[$(((j + k + r) % n))]}
            if [ "$who" = psql ]; then
                timed "$WORK/psql.log" psql -X -q -v ON_ERROR_STOP=1 -d perfile_psql -f "$WORK/chunk$k.sql"
                add psql $r "$SECS"
                continue
            fi
            b=${who%:*} jobs=${who#*:}
            timed "$WORK/load-$b.log" env PGDATABASE=perfile_${b}_j$jobs "$WORK/adr-$b" load -q \
                --jobs "$jobs" --rejects "$WORK/rejects" "${CD[@]}"
            add "$b-first-j$jobs" $r "$SECS"
            if [ "$jobs" = 2 ]; then
                # The nightly rerun: the same files again, all loaded before.
                timed "$WORK/rerun-$b.log" env PGDATABASE=perfile_${b}_j2 "$WORK/adr-$b" load -q \
                    --rejects "$WORK/rejects" "${CD[@]}"
                add "$b-rerun" $r "$SECS"
            fi
        done
    done
    [ "$(loaded_rows perfile_psql)" = $((N_IMP + N_CLK)) ] || die "psql loaded the wrong row count"
    for b in "${BINS[@]}"; do
        for jobs in 1 2; do
            [ "$(loaded_rows perfile_${b}_j$jobs)" = $((N_IMP + N_CLK)) ] ||
                die "$b (--jobs $jobs) loaded the wrong row count"
        done
    done
    line="  run $r: psql ${T[psql,$r]}s"
    for m in "${MEASURES[@]:1}"; do
        line+="; $m ${T[$m,$r]}s ($(ratio "${T[$m,$r]}" "${T[psql,$r]}"))"
    done
    say "$line"
done

# Medians of the seconds and of the per-run ratios to psql.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
say "medians over $RUNS runs (ratio: to psql \\copy of the same run):"
for m in "${MEASURES[@]}"; do
    secs=() ratios=()
    for ((r = 1; r <= RUNS; r++)); do
        secs+=("${T[$m,$r]}")
        ratios+=("$(ratio "${T[$m,$r]}" "${T[psql,$r]}")")
    done
    printf '  %-14s %8ss  x%s  (%.2f ms a file)\n' "$m" "$(median "${secs[@]}")" \
        "$(median "${ratios[@]}")" "$(awk -v s="$(median "${secs[@]}")" -v n="$N_FILES" 'BEGIN { print 1000 * s / n }')"
done
for b in "${BINS[@]:1}"; do
    for m in first-j1 first-j2 rerun; do
        ratios=()
        for ((r = 1; r <= RUNS; r++)); do ratios+=("$(ratio "${T[$b-$m,$r]}" "${T[a-$m,$r]}")"); done
        say "  $b / a, $m: x$(median "${ratios[@]}") (per run: ${ratios[*]})"
    done
done

if [ "${BENCH_LOG_STATEMENTS:-0}" = 1 ]; then
    # What one file costs in statements: every statement of one --jobs 1 load logged.
    fresh_db perfile_log
    q -d postgres -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
    before=$(wc -l <"$PGDIR/server.log")
    timed "$WORK/log.log" env PGDATABASE=perfile_log "$WORK/adr-a" load -q --jobs 1 \
        --rejects "$WORK/rejects" "${DIRS[@]}"
    q -d postgres -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
    tail -n +"$((before + 1))" "$PGDIR/server.log" | grep -E 'LOG:  duration: .* (statement|execute [^:]*):' |
        sed -E 's/.*(statement|execute [^:]*): *//' | cut -c1-60 | sort | uniq -c | sort -rn |
        awk -v n="$N_FILES" '{ c = $1; $1 = ""; t += c; printf "  %6d (%.2f a file) %s\n", c, c / n, $0 }
                             END { printf "  %.2f statements a file\n", t / n }'
    tail -n +"$((before + 1))" "$PGDIR/server.log" | grep -cE 'LOG:  duration: .* parse ' |
        awk -v n="$N_FILES" '{ printf "  %d statements parsed (%.2f a file)\n", $1, $1 / n }'
fi
