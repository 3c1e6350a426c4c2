#!/usr/bin/env bash
# tests/bench/ab.sh OLD NEW [RUNS] - the 2000-tenant `adreport run` by two
# builds, interleaved (OLD, NEW, OLD, NEW, ...), RUNS each (default 3), on one
# private PostgreSQL (tests/bench/data/pg-ab, stopped on exit).
#
# `make bench` compares adreport with psql baselines within one run; on a
# shared machine whose speed drifts between runs, two builds are best
# compared in turns, on the same server and data.  Each run gets a fresh
# database; after it, the bare GROUP BY (bare_rollup.sql) is timed on the
# database it loaded.  Prints one line per run: the whole run's seconds, its
# load, rollup and report stages (from run's summary line), the bare GROUP
# BY and the rollup's ratio to it.  Uses the data `make bench` generates
# (tests/bench/data/tenants2000-s0.5), generating it when missing.
#
#     git worktree add /tmp/old <rev> && make -C /tmp/old
#     tests/bench/ab.sh /tmp/old/build/rel/adreport build/rel/adreport
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$ROOT/tests/bench/data
MT=$DATA/tenants2000-s0.5
PGD=$DATA/pg-ab
OLD=${1:?usage: ab.sh OLD_ADREPORT NEW_ADREPORT [RUNS]}
NEW=${2:?usage: ab.sh OLD_ADREPORT NEW_ADREPORT [RUNS]}
RUNS=${3:-3}
for b in "$OLD" "$NEW"; do [ -x "$b" ] || { echo "ab: no binary at $b" >&2; exit 2; }; done

if [ ! -f "$MT/companies.csv" ]; then
    echo "ab: generating $MT"
    python3 "$ROOT/samples/generate.py" --out "$MT" --tenants 2000 --days 3 --start 2026-11-02 \
        --scale 0.37 --no-bad-rows >/dev/null
fi
"$ROOT/samples/pg.sh" start "$PGD/data"
trap '"$ROOT/samples/pg.sh" stop "$PGD/data"; rm -rf "$PGD/reports" "$PGD/rejects"' EXIT
eval "$("$ROOT/samples/pg.sh" env "$PGD/data")"
export PGDATABASE=ab

for ((r = 1; r <= RUNS; r++)); do
    for b in "$OLD" "$NEW"; do
        PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists ab
        createdb ab
        "$b" init -q
        rm -rf "$PGD/reports" && mkdir -p "$PGD/reports"
        psql -X -q -d ab -c CHECKPOINT
        t0=$(date +%s.%N)
        stages=$("$b" run --incoming "$MT" --reports "$PGD/reports" --rejects "$PGD/rejects" -q 2>&1 |
            sed -n 's/^summary: rollup .*seconds: \(.*\); exit .*/\1/p')
        t1=$(date +%s.%N)
        /usr/bin/time -o "$PGD/bare.t" -f %e psql -X -q -v ON_ERROR_STOP=1 -d ab \
            -f "$ROOT/tests/bench/bare_rollup.sql" >/dev/null 2>&1
        bare=$(cat "$PGD/bare.t")
        rollup=$(sed -n 's/.*rollup \([0-9.]*\).*/\1/p' <<<"$stages")
        awk -v b="$b" -v t="$(echo "$t1 - $t0" | bc)" -v s="$stages" -v bare="$bare" -v r="$rollup" \
            'BEGIN { printf "%s: whole run %.1f s (%s) | bare GROUP BY %.2f s | rollup/bare %.2fx\n",
                     b, t, s, bare, r / bare }'
    done
done
