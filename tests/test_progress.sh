#!/usr/bin/env bash
# Integration tests of the progress display, read off a pseudo-terminal
# (script(1)) the way an operator would see it: one status line for the
# whole command whatever --jobs, redrawn in place, never mixed with result
# lines, within the terminal's width, without colour under NO_COLOR, and
# absent with --quiet or when stderr is not a terminal.
source "$(dirname "$0")/lib.sh"

seed() {
    q "INSERT INTO companies VALUES (1, 'Acme', NULL, now(), now())"
    q "INSERT INTO campaigns (id, company_id, name, cost_model, state, created_at, updated_at)
       VALUES (1, 1, 'C1', 'cost_per_click', 'active', now(), now())"
    q "INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
       VALUES (10, 1, 1, 'A10', now(), now()), (11, 1, 1, 'A11', now(), now())"
}

# logs N - two clicks files of company 1 with N rows each, different content.
logs() {
    mkdir -p "$W/in/1"
    $PY - "$W/in/1" "$1" <<'PY'
import sys
folder, n = sys.argv[1], int(sys.argv[2])
for name in ("a", "b"):
    with open("%s/clicks-%s.csv" % (folder, name), "w") as f:
        for i in range(n):
            f.write("%d,1,%d,2026-11-0%d %02d:%02d:%02d,http://%s%d.example/p,0.%05d,10.0.%d.%d,{}\n"
                    % (i, 10 + i % 2, 1 + i % 3, i % 24, i % 60, (i // 60) % 60, name, i % 97,
                       i % 100000, i % 256, i % 250 + 1))
PY
}

# on_tty COLUMNS CMD... - run CMD on a pseudo-terminal COLUMNS wide; the raw
# screen goes to $W/screen.  Sets RC to CMD's exit code.
on_tty() {
    local cols=$1 cmd
    shift
    printf -v cmd '%q ' "$@"
    RC=0
    # No delay before the first draw: a stage of this test (120 small reports)
    # may end before the default 0.3 s, more so on a fast machine.
    script -qfec "stty cols $cols rows 40; ADREPORT_PROGRESS_DELAY=0 $cmd" /dev/null >"$W/screen" </dev/null || RC=$?
}

RESULT='^clicks +company 1 +clicks-[ab]\.csv: loaded [0-9]+ rows, rejected 0, [0-9.]+ s, [0-9]+ rows/s$'
TOTAL='^total: 2 files loaded, 0 skipped, 0 failed; '

test_load_shows_one_status_line_with_two_jobs_on_80_columns() {
    seed
    logs 60000
    on_tty 80 "$ADR" load --rejects "$W/rej" "$W/in"
    assert_eq 0 "$RC" "exit code"
    $PY "$ROOT/tests/check_screen.py" "$W/screen" 80 \
        --draw '^load [01]/2 files +[0-9]+% [0-9.]+/[0-9.]+ MB' --draw ' rows ' \
        --line "$RESULT" --line "$TOTAL" --count "$RESULT" 2 --count "$TOTAL" 1
}

test_errors_during_a_load_are_not_mixed_with_the_status_line() {
    seed
    logs 60000
    mkdir -p "$W/in/999"
    cp "$W/in/1/clicks-a.csv" "$W/in/999/clicks-x.csv" # company 999 does not exist
    on_tty 80 "$ADR" load --rejects "$W/rej" "$W/in"
    assert_eq 4 "$RC" "exit code"
    $PY "$ROOT/tests/check_screen.py" "$W/screen" 80 --draw '^load [0-2]/3 files' \
        --line "$RESULT" --line '^total: 2 files loaded, 0 skipped, 1 failed; ' \
        --line '^adreport: error: could not load ".*/in/999/clicks-x\.csv"$' \
        --line '^DETAIL:  company 999 does not exist$' --line '^HINT:  load the companies file first' \
        --count "$RESULT" 2 --count '^DETAIL:' 1
}

test_status_line_has_a_bar_on_wide_terminals_and_no_colour_under_no_color() {
    seed
    logs 60000
    NO_COLOR=1 on_tty 120 "$ADR" load --jobs 1 --rejects "$W/rej" "$W/in"
    assert_eq 0 "$RC" "exit code"
    $PY "$ROOT/tests/check_screen.py" "$W/screen" 120 --no-color \
        --draw '^load [01]/2 files \[[#-]{20}\] +[0-9]+%' --draw 'clicks-[ab]\.csv [0-9]+%' \
        --line "$RESULT" --line "$TOTAL" --count "$RESULT" 2
}

test_status_line_is_bold_without_no_color() {
    seed
    logs 60000
    on_tty 100 "$ADR" load --rejects "$W/rej" "$W/in"
    grep -q $'\033\\[1mload' "$W/screen" || fail "no bold stage name"
}

test_quiet_shows_no_status_line() {
    seed
    logs 60000
    on_tty 80 "$ADR" load -q --rejects "$W/rej" "$W/in"
    assert_eq 0 "$RC" "exit code"
    $PY "$ROOT/tests/check_screen.py" "$W/screen" 80 --no-draw
}

test_no_status_line_when_stderr_is_not_a_terminal() {
    seed
    logs 60000
    local rc=0
    "$ADR" load --rejects "$W/rej" "$W/in" >"$W/out" 2>"$W/err" || rc=$?
    assert_eq 0 "$rc" "exit code"
    if grep -q $'[\r\033]' "$W/out" "$W/err"; then fail "control characters in a log"; fi
    assert_eq 2 "$(grep -cE "$RESULT" "$W/out")" "result lines"
}

test_rollup_and_report_show_tenants_done_of_total() {
    # 120 tenants with 1,500 clicks on each of two days: a set-based rollup
    # long enough to be drawn (one statement for all 240 tenant-days).
    q "INSERT INTO companies SELECT g, 'T' || g, NULL, now(), now() FROM generate_series(1, 120) g"
    q "INSERT INTO campaigns (id, company_id, name, cost_model, state, created_at, updated_at)
       SELECT g, g, 'C', 'cost_per_click', 'active', now(), now() FROM generate_series(1, 120) g"
    q "INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
       SELECT g, g, g, 'A', now(), now() FROM generate_series(1, 120) g"
    q "INSERT INTO clicks (company_id, ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data)
       SELECT g, g, timestamp '2026-11-01 10:00' + d * interval '1 day' + n * interval '1 second',
              'http://s.example', 0.5, '10.0.0.1', '{}'
       FROM generate_series(1, 120) g, generate_series(0, 1) d, generate_series(1, 1500) n"
    q "INSERT INTO adreport_dirty_days (company_id, day)
       SELECT g, date '2026-11-01' + d FROM generate_series(1, 120) g, generate_series(0, 1) d"
    q "ANALYZE"
    on_tty 80 "$ADR" rollup
    assert_eq 0 "$RC" "rollup exit code"
    $PY "$ROOT/tests/check_screen.py" "$W/screen" 80 --draw '^rollup 0/240 tenant-days' \
        --line '^rollup +120 tenants, 240 tenant-days \(2026-11-01\.\.2026-11-02\): 240 ad-day rows, [0-9.]+ s$' \
        --line '^rollup total: 120 tenants, 240 days, 240 ad-day rows' \
        --count '^rollup +120 tenants' 1
    on_tty 80 "$ADR" report --month 2026-11 --format csv --out "$W/reports"
    assert_eq 0 "$RC" "report exit code"
    $PY "$ROOT/tests/check_screen.py" "$W/screen" 80 --draw '^report [0-9]+/120 reports +[0-9]+%' \
        --line '^report of company [0-9]+ for 2026-11: 1 campaigns, 1 ads, 2 daily rows -> ' \
        --line '^120 reports written to' --count '^report of company' 120
}

run_tests
