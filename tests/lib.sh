# tests/lib.sh - a tiny harness for integration tests against a real PostgreSQL.
#
# A test file defines functions named test_*; `run_tests` runs each in its
# own subshell, in a fresh database with the schema applied, under `set -e`.
# Any failing command or assertion fails that test only.  Results are
# appended to $ADR_RESULTS as TAP-ish "ok NAME" / "not ok NAME" / "skip NAME"
# lines, which tests/run.sh counts.  A test that cannot run here (a tool is
# missing, no Citus cluster) calls `skip REASON`: it is counted as skipped,
# never as passed.  The server is whatever PG* points at (tests/run.sh starts
# a throwaway one).  ADR_TEST_ONLY=REGEX (grep -E) runs only the tests whose
# names match, e.g. ADR_TEST_ONLY=kill_9_during_report bash tests/test_faults.sh.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# A test file run alone (no tests/run.sh) prints its results only.
: "${ADR_RESULTS:=/dev/null}"
ADR=${ADR:-$ROOT/adreport}
PY=/usr/bin/python3 # Debian's python, which has python3-openpyxl

# q SQL - one query, unaligned, tuples only.
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"; }

fail() { echo "ASSERTION FAILED: $*" >&2; exit 1; }

# skip REASON - end the current test as skipped (exit status 77, as automake's
# test drivers use for the same purpose).
ADR_SKIP=77
skip() { echo "SKIP: $*" >&2; exit "$ADR_SKIP"; }

# record_skip NAME REASON - count a whole file's tests as one skip (used when
# a file cannot run at all, before run_tests).
record_skip() {
    echo "skip $1 # SKIP $2" | tee -a "$ADR_RESULTS"
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
    [ "$1" == "$2" ] || fail "${3:-values differ}: expected [$1], got [$2]"
}

# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
    case "$1" in *"$2"*) ;; *) fail "${3:-text} does not contain [$2]: [$1]" ;; esac
}

# assert_exit CODE CMD... - run CMD, expect exit status CODE.
assert_exit() {
    local want=$1 rc=0
    shift
    "$@" || rc=$?
    [ "$rc" == "$want" ] || fail "expected exit $want, got $rc from: $*"
}

# new_db - a fresh database with the schema; exported as PGDATABASE.  A copy
# of $ADR_TEMPLATE_DB when tests/run.sh made one (`adreport init` once per
# run rather than once per test: 0.10 s a test instead of 0.21 s).
new_db() {
    PGDATABASE="t_$$_${RANDOM}_$(date +%s%N | tail -c 7)"
    export PGDATABASE
    if [ -n "${ADR_TEMPLATE_DB:-}" ]; then
        createdb -T "$ADR_TEMPLATE_DB" "$PGDATABASE"
    else
        createdb "$PGDATABASE"
        "$ADR" init -q
    fi
}

# hold_run_lock [CONNINFO] - another session takes adreport's run lock (in
# $PGDATABASE, or CONNINFO's database) and keeps it until release_run_lock.
# Returns once the lock is held: a fixed sleep would race a slow machine.
RUN_LOCK_HOLDER=adreport-test-lock-holder
hold_run_lock() {
    LOCK_DB=${1:-$PGDATABASE}
    PGAPPNAME=$RUN_LOCK_HOLDER psql -X -q -d "$LOCK_DB" \
        -c "SELECT pg_advisory_lock(hashtext('adreport:' || 'run')); SELECT pg_sleep(300)" \
        >/dev/null 2>&1 &
    LOCK_PID=$!
    local i
    for ((i = 0; i < 300; i++)); do
        [ "$(psql -X -A -t -q -d "$LOCK_DB" -c "SELECT count(*) FROM pg_locks l
               JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE l.locktype = 'advisory' AND l.granted
                 AND a.application_name = '$RUN_LOCK_HOLDER'")" != 0 ] && return 0
        sleep 0.1
    done
    fail "the lock holder did not take the run lock in 30 s"
}

# release_run_lock - end hold_run_lock's session (and so its lock).
release_run_lock() {
    psql -X -q -d "$LOCK_DB" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                                 WHERE application_name = '$RUN_LOCK_HOLDER'" >/dev/null
    wait "$LOCK_PID" 2>/dev/null || true
}

# workdir - a fresh scratch folder, removed after the test.
workdir() { mktemp -d "${TMPDIR:-/tmp}/adreport-test.XXXXXX"; }

run_tests() {
    local file fn rc log t0 took
    file=$(basename "${BASH_SOURCE[1]}" .sh)
    for fn in $(declare -F | awk '{print $3}' | grep '^test_' | grep -E -- "${ADR_TEST_ONLY:-.}"); do
        log=$(mktemp)
        t0=$(date +%s%N)
        (
            set -eE -o pipefail
            cd "$ROOT"
            W=$(workdir)
            trap 'rm -rf "$W"' EXIT
            new_db >/dev/null
            "$fn"
        ) >"$log" 2>&1
        rc=$? # not "&& ||": that would switch off set -e inside the subshell
        # How long each test took, so the suite's time budget can be read
        # off the log (the results file gets the bare line).
        took=$(awk -v ns="$(($(date +%s%N) - t0))" 'BEGIN { printf "%.1f s", ns / 1e9 }')
        if [ "$rc" == 0 ]; then
            echo "ok $file/$fn" >>"$ADR_RESULTS"
            echo "ok $file/$fn ($took)"
        elif [ "$rc" == "$ADR_SKIP" ]; then
            echo "skip $file/$fn # $(grep -m1 '^SKIP: ' "$log" | cut -c7-)" | tee -a "$ADR_RESULTS"
        else
            echo "not ok $file/$fn" >>"$ADR_RESULTS"
            echo "not ok $file/$fn ($took)"
            sed 's/^/    # /' "$log" | tail -n 40
        fi
        rm -f "$log"
    done
}
