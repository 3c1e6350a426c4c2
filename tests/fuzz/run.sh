#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - build the libFuzzer target tests/fuzz/fuzz_rows.c
# (CSV row splitter + row validators, ASan + UBSan) with clang, replay every
# reproducer kept in tests/fuzz/regressions/, then fuzz for SECONDS (default
# 60) from the seed corpus tests/fuzz/corpus/.  Exits non-zero when a
# regression or a new input crashes; a new crash is left in
# build/fuzz/artifacts/ -- copy it into tests/fuzz/regressions/ and report it.
#
# Environment: FUZZ_JOBS (parallel workers, default 1), CC_FUZZ (default clang).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SECS=${1:-60}
CC_FUZZ=${CC_FUZZ:-clang}
OUT=build/fuzz
BIN=build/fuzz_rows
mkdir -p "$OUT/corpus" "$OUT/artifacts"

command -v "$CC_FUZZ" >/dev/null || { echo "fuzz: $CC_FUZZ not found (apt-get install clang)" >&2; exit 1; }
# Any sanitizer finding aborts at once.
"$CC_FUZZ" -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Iinclude \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    tests/fuzz/fuzz_rows.c src/csvrows.c src/events.c src/log.c src/progress.c -lcsv -pthread -o "$BIN"

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"

# 1. Every kept reproducer must pass (runs each file once).
mapfile -t regressions < <(find tests/fuzz/regressions -type f ! -name '*.md' | sort)
if [ "${#regressions[@]}" -gt 0 ]; then
    echo "fuzz: replaying ${#regressions[@]} regression input(s)"
    "$BIN" -rss_limit_mb=2048 "${regressions[@]}" >"$OUT/regressions.log" 2>&1 ||
        { tail -n 40 "$OUT/regressions.log" >&2; echo "fuzz: a regression input fails" >&2; exit 1; }
fi

# 2. Fuzz for a bounded time.  New interesting inputs go to build/fuzz/corpus
#    (kept between local runs), crashes to build/fuzz/artifacts.
echo "fuzz: fuzzing for ${SECS} s"
rc=0
jobs=()
# -jobs=N runs N worker processes, each logging to fuzz-<n>.log in the
# current folder: run them from $OUT.
[ "${FUZZ_JOBS:-1}" -gt 1 ] && jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
(cd "$OUT" && "$ROOT/$BIN" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=20 -max_len=8192 \
    -dict="$ROOT/tests/fuzz/rows.dict" -print_final_stats=1 "${jobs[@]}" \
    -artifact_prefix="$ROOT/$OUT/artifacts/" corpus "$ROOT/tests/fuzz/corpus") >"$OUT/fuzz.log" 2>&1 || rc=$?
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$OUT/fuzz.log" || true
if [ "$rc" != 0 ]; then
    grep -E -A30 'ERROR|runtime error|fuzz_rows:' "$OUT/fuzz.log" | head -n 60 >&2 || tail -n 40 "$OUT/fuzz.log" >&2
    echo "fuzz: crash (exit $rc); reproducer(s):" >&2
    ls -1 "$OUT"/artifacts/* >&2 2>/dev/null || true
    exit 1
fi
echo "fuzz: no crash"
