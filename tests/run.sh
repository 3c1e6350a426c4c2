#!/usr/bin/env bash
# tests/run.sh BUILD_DIR - the whole test suite: unit tests (cmocka, one per
# module) and integration tests (tests/test_*.sh) against a throwaway
# PostgreSQL 15 started by samples/pg.sh.  Ends with "N passed, N failed,
# N skipped": a test that cannot run here is counted apart, never passed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/rel}
cd "$ROOT"
# The binary of this build (./adreport may be a copy of another one).
export ADR="$ROOT/$BUILD/adreport"
# Sanitizer reports get exit codes of their own, never mistaken for
# adreport's exit 1 (or a test binary's failure count).
export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=86:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-exitcode=87:print_stacktrace=1}"
export ADR_RESULTS
ADR_RESULTS=$(mktemp)
trap 'rm -f "$ADR_RESULTS"' EXIT

echo "== unit tests"
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1 | awk -v name="$(basename "$t")" '
        /^ok /     { sub(/^ok [0-9]+ - /, ""); print "ok " name "/" $0; next }
        /^not ok / { sub(/^not ok [0-9]+ - /, ""); print "not ok " name "/" $0; next }
        /^#/       { print "    " $0 }' | tee -a "$ADR_RESULTS"
    # A crashed binary prints no "not ok"; count it as one failure.
    [ "${PIPESTATUS[0]}" -le 1 ] || echo "not ok $(basename "$t") (crashed)" | tee -a "$ADR_RESULTS"
done

echo "== integration tests (a throwaway PostgreSQL 15)"
# Our own throwaway cluster rather than pg_virtualenv: its fixed cluster name
# cannot run twice at once, and the fault tests need to stop and restart the
# server (ADR_PGDATA tells them where it is).
export ADR_PGDATA
ADR_PGDATA=$(mktemp -d /tmp/adreport-testpg.XXXXXX)
chmod 755 "$ADR_PGDATA"
trap 'samples/pg.sh stop "$ADR_PGDATA/data" >/dev/null 2>&1; rm -rf "$ADR_PGDATA" "$ADR_RESULTS"' EXIT
if samples/pg.sh start "$ADR_PGDATA/data"; then
    eval "$(samples/pg.sh env "$ADR_PGDATA/data")"
    export PGDATABASE=postgres
    # The schema, made once by this build's `adreport init`; each test
    # starts in a copy of it (tests/lib.sh, new_db).  test_schema.sh's
    # test_init_creates_the_seed_tables_exactly runs init on a blank
    # database of its own.
    export ADR_TEMPLATE_DB=adreport_test_template
    if ! { createdb "$ADR_TEMPLATE_DB" && PGDATABASE=$ADR_TEMPLATE_DB "$ADR" init -q; }; then
        echo "not ok adreport init of the template database" >>"$ADR_RESULTS"
        unset ADR_TEMPLATE_DB
    fi
    for s in tests/test_*.sh; do
        t0=$SECONDS
        echo "-- $s"
        bash "$s" || echo "not ok $s (script error)" >>"$ADR_RESULTS"
        echo "-- $s: $((SECONDS - t0)) s"
    done
else
    echo "not ok could not start PostgreSQL" >>"$ADR_RESULTS"
fi

passed=$(grep -c '^ok ' "$ADR_RESULTS")
failed=$(grep -c '^not ok ' "$ADR_RESULTS")
skipped=$(grep -c '^skip ' "$ADR_RESULTS")
if [ "$skipped" != 0 ]; then
    echo "== skipped:"
    grep '^skip ' "$ADR_RESULTS"
fi
if [ "$failed" != 0 ]; then
    echo "== failed:"
    grep '^not ok ' "$ADR_RESULTS"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" == 0 ] && [ "$passed" -gt 0 ]
