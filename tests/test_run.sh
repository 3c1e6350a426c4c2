#!/usr/bin/env bash
# Integration tests of `adreport run` and `adreport backfill`: the nightly
# job's lock, exit codes, archive and rerun behaviour.
source "$(dirname "$0")/lib.sh"

copy_samples() { cp -r "$ROOT/samples/incoming" "$W/in"; }
run() { "$ADR" run --incoming "$W/in" --reports "$W/reports" --rejects "$W/rejects" "$@"; }
good_rows() { $PY -c 'import json,sys; e=json.load(open(sys.argv[1])); print(e["rows"]["clicks"] + e["rows"]["impressions"])' "$ROOT/samples/expected.json"; }
event_rows() { q "SELECT (SELECT count(*) FROM clicks) + (SELECT count(*) FROM impressions)"; }

test_run_loads_rolls_up_and_reports_samples() {
    copy_samples
    assert_exit 3 run -q
    assert_eq "$(good_rows)" "$(event_rows)"
    $PY "$ROOT/tests/check_rollup.py"
    [ -s "$W/reports/1/2026-11/campaigns.csv" ] || fail "no report for company 1"
    [ -s "$W/reports/4/2026-11/performance.xlsx" ] || fail "no xlsx for company 4"
    assert_eq "0 0" "$(q 'SELECT count(*) FROM adreport_dirty_days') $(q 'SELECT count(*) FROM adreport_dirty_months')"
}

test_second_run_is_a_noop_exiting_0() {
    copy_samples
    assert_exit 3 run -q
    local before out
    before=$(q "SELECT md5(string_agg(s::text, ',' ORDER BY 1)) FROM ad_daily_stats s")
    out=$(run 2>&1) || fail "second run failed: $out"
    assert_contains "$out" "0 loaded, 59 skipped"
    assert_eq "$before" "$(q "SELECT md5(string_agg(s::text, ',' ORDER BY 1)) FROM ad_daily_stats s")"
    assert_eq "$(good_rows)" "$(event_rows)"
}

test_run_exits_75_while_another_run_holds_the_lock() {
    copy_samples
    hold_run_lock
    local out rc=0
    out=$(run 2>&1) || rc=$?
    release_run_lock
    assert_eq 75 "$rc" "exit code"
    assert_contains "$out" "another adreport run"
    assert_eq 0 "$(event_rows)"
}

test_two_runs_started_together_load_exactly_once() {
    copy_samples
    local rc1=0 rc2=0
    run -q >"$W/o1" 2>&1 &
    local p1=$!
    run -q >"$W/o2" 2>&1 || rc2=$?
    wait $p1 || rc1=$?
    case "$rc1/$rc2" in 3/75 | 75/3 | 3/0 | 0/3) ;; *) cat "$W/o1" "$W/o2"; fail "exit codes $rc1/$rc2" ;; esac
    assert_eq "$(good_rows)" "$(event_rows)"
    $PY "$ROOT/tests/check_rollup.py"
}

test_archive_moves_only_committed_files() {
    copy_samples
    mkdir -p "$W/in/999"
    cp "$W/in/1/clicks-2026-11-01.csv" "$W/in/999/clicks-x.csv" # company 999 does not exist
    assert_exit 4 run -q --archive "$W/archive"
    [ -f "$W/in/999/clicks-x.csv" ] || fail "the refused file was archived"
    [ -f "$W/archive/1/clicks-2026-11-01.csv" ] || fail "a loaded file was not archived"
    [ -f "$W/archive/companies.csv" ] || fail "an entity file was not archived"
    assert_eq 1 "$(find "$W/in" -type f | wc -l)" "files left in incoming"
}

test_exit_codes_of_real_situations() {
    mkdir -p "$W/in/1"
    printf '1,Acme,,2026-01-01 00:00:00,2026-01-01 00:00:00\n' >"$W/in/companies.csv"
    printf '1,1,c,cost_per_click,active,,,2026-01-01 00:00:00,2026-01-01 00:00:00\n' >"$W/in/campaigns.csv"
    printf '1,1,1,a,,,0,0,2026-01-01 00:00:00,2026-01-01 00:00:00\n' >"$W/in/ads.csv"
    printf 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n1,2026-11-01 10:00:00,http://a.example/,0.1,10.0.0.1,{}\n' >"$W/in/1/clicks-1.csv"
    assert_exit 0 run -q
    # 3: a file with one bad row among many good ones
    $PY -c 'import sys
print("ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data")
for i in range(40): print(f"1,2026-11-02 10:00:{i:02d},http://a.example/,0.1,10.0.0.1,{{}}")
print("1,2026-11-02 10:00:00,http://a.example/,0.1,1.2.3,{}")' >"$W/in/1/clicks-2.csv"
    assert_exit 3 run -q
    # 4: a file that is not CSV of clicks at all
    printf 'hello world\nthis is not a log\n' >"$W/in/1/clicks-3.csv"
    assert_exit 4 run -q
    # 1: the database is unreachable
    assert_exit 1 run -q --db "host=/nonexistent port=1"
    # 2: usage
    assert_exit 2 "$ADR" run
    assert_exit 2 "$ADR" run --incoming "$W/in/1/clicks-3.csv" # a file, not the folder
    # 1: the incoming folder is missing (an unmounted share): nothing is done,
    # no report rewritten
    local before
    before=$(ls -lR --time-style=full-iso "$W/reports" 2>/dev/null | md5sum)
    assert_exit 1 "$ADR" run --incoming "$W/not-mounted" --reports "$W/reports"
    assert_eq "$before" "$(ls -lR --time-style=full-iso "$W/reports" 2>/dev/null | md5sum)" "reports touched"
    assert_exit 2 "$ADR" backfill --company 1 --from 2026-11-02 --to 2026-11-01 x
}

test_a_bad_option_gets_one_message_naming_it() {
    local out cmd
    for cmd in "rollup --jobs:option \"--jobs\" needs a value" \
        "run --incoming x --jbos 2:unknown option \"--jbos\"" \
        "report --company:option \"--company\" needs a value" \
        "load -qz x:unknown option \"-z\"" \
        "verify --jobs 2:verify takes no --jobs"; do
        out=$(eval "\"\$ADR\" ${cmd%%:*}" 2>&1) && fail "${cmd%%:*} exited 0"
        assert_eq "adreport ${cmd%% *}: ${cmd#*:}" "$(echo "$out" | head -n 1)" "${cmd%%:*}"
        assert_eq 2 "$(echo "$out" | wc -l)" "lines printed by ${cmd%%:*}"
    done
}

test_backfill_replaces_exactly_its_range() {
    copy_samples
    assert_exit 3 run -q
    local others ad
    others=$(q "SELECT count(*) || ':' || sum(hashtext(site_url || clicked_at)) FROM clicks WHERE company_id <> 2 OR clicked_at::date NOT BETWEEN '2026-11-02' AND '2026-11-03'")
    ad=$(q "SELECT min(id) FROM ads WHERE company_id = 2")
    mkdir -p "$W/bf"
    printf 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n%s,2026-11-02 05:00:00,http://bf.example/,1.5,10.0.0.1,{}\n%s,2026-11-09 05:00:00,http://out.example/,1,10.0.0.1,{}\n' "$ad" "$ad" >"$W/bf/clicks-backfill.csv"
    local out rc=0
    out=$("$ADR" backfill --company 2 --from 2026-11-02 --to 2026-11-03 --max-reject-rate 0.5 \
        --reports "$W/reports" --rejects "$W/rejects" "$W/bf" 2>&1) || rc=$?
    assert_eq 3 "$rc" "exit code (one row outside the range)"
    assert_eq 1 "$(q "SELECT count(*) FROM clicks WHERE company_id = 2 AND clicked_at::date BETWEEN '2026-11-02' AND '2026-11-03'")"
    assert_eq 0 "$(q "SELECT count(*) FROM impressions WHERE company_id = 2 AND seen_at::date BETWEEN '2026-11-02' AND '2026-11-03'")"
    assert_eq "$others" "$(q "SELECT count(*) || ':' || sum(hashtext(site_url || clicked_at)) FROM clicks WHERE company_id <> 2 OR clicked_at::date NOT BETWEEN '2026-11-02' AND '2026-11-03'")"
    grep -q outside_range "$W/rejects/2/clicks-backfill.csv.rejects.csv" || fail "no outside_range reject"
    $PY "$ROOT/tests/check_rollup.py"
    # The same backfill again is exact too (files loaded before are loaded again).
    "$ADR" backfill -q --company 2 --from 2026-11-02 --to 2026-11-03 --max-reject-rate 0.5 \
        --reports "$W/reports" --rejects "$W/rejects" "$W/bf" || true
    assert_eq 1 "$(q "SELECT count(*) FROM clicks WHERE company_id = 2 AND clicked_at::date BETWEEN '2026-11-02' AND '2026-11-03'")"
}

test_failed_backfill_changes_nothing() {
    copy_samples
    assert_exit 3 run -q
    local before
    before=$(event_rows)
    mkdir -p "$W/bf"
    printf 'not,a,log\n1,2,3\n' >"$W/bf/clicks-bad.csv"
    assert_exit 4 "$ADR" backfill -q --company 2 --from 2026-11-01 --to 2026-11-30 \
        --reports "$W/reports" --rejects "$W/rejects" "$W/bf"
    assert_eq "$before" "$(event_rows)"
}

# The download manifests after the nightly job and after a backfill: every
# tenant's index.json lists its folders with the files' real sizes and
# hashes; a month that was not rewritten keeps its entry.
test_run_and_backfill_keep_the_manifests_exact() {
    copy_samples
    assert_exit 3 run -q
    local c
    for c in 1 2 3 4; do $PY "$ROOT/tests/check_manifest.py" "$W/reports/$c"; done
    local october november ad
    october=$($PY "$ROOT/tests/check_manifest.py" "$W/reports/1" --folder 2026-10)
    ad=$(q "SELECT min(id) FROM ads WHERE company_id = 1")
    sleep 1.1 # a later generation time
    printf 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n%s,2026-11-20 05:00:00,http://new.example/,1.5,10.0.0.1,{}\n' \
        "$ad" >"$W/in/1/clicks-2026-11-20.csv"
    assert_exit 0 run -q # the run --changed rewrites 2026-11 of company 1 only
    $PY "$ROOT/tests/check_manifest.py" "$W/reports/1"
    assert_eq "$october" "$($PY "$ROOT/tests/check_manifest.py" "$W/reports/1" --folder 2026-10)" \
        "the entry of a month not rewritten"
    november=$($PY "$ROOT/tests/check_manifest.py" "$W/reports/1" --folder 2026-11)
    assert_contains "$november" '"data_through": "2026-11-20"'
    mkdir -p "$W/bf"
    ad=$(q "SELECT min(id) FROM ads WHERE company_id = 2")
    printf 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n%s,2026-11-02 05:00:00,http://bf.example/,1.5,10.0.0.1,{}\n' \
        "$ad" >"$W/bf/clicks-backfill.csv"
    "$ADR" backfill -q --company 2 --from 2026-11-02 --to 2026-11-03 \
        --reports "$W/reports" --rejects "$W/rejects" "$W/bf"
    $PY "$ROOT/tests/check_manifest.py" "$W/reports/2"
}

test_help_and_version() {
    assert_contains "$("$ADR" --help)" "backfill"
    assert_contains "$("$ADR" run --help)" "--archive"
    assert_contains "$("$ADR" --version)" "adreport"
}

run_tests
