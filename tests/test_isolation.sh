#!/usr/bin/env bash
# Integration tests of tenant isolation and of what a hostile or careless
# drop of files must not do: move rows between tenants, lose rows with exit
# 0, or hang the night (issue 11).
source "$(dirname "$0")/lib.sh"

H='ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data'

# Companies 1, 2 and 3, one campaign and one ad each (ad N of company N),
# as entity files at the top of $W/in.
entities() {
    mkdir -p "$W/in"
    printf '%s\n' '1,One,,2026-01-01 00:00:00,2026-01-01 00:00:00' \
        '2,Two,,2026-01-01 00:00:00,2026-01-01 00:00:00' \
        '3,Three,,2026-01-01 00:00:00,2026-01-01 00:00:00' >"$W/in/companies.csv"
    for c in 1 2 3; do
        echo "$c,$c,c$c,cost_per_click,active,,,2026-01-01 00:00:00,2026-01-01 00:00:00"
    done >"$W/in/campaigns.csv"
    for c in 1 2 3; do
        echo "$c,$c,$c,a$c,,,0,0,2026-01-01 00:00:00,2026-01-01 00:00:00"
    done >"$W/in/ads.csv"
}

# clicks AD SITE TIME... - a headered clicks file on stdout, one row a time.
clicks() {
    local ad=$1 site=$2
    shift 2
    echo "$H"
    for t in "$@"; do echo "$ad,$t,http://$site.example/,0.1,10.0.0.1,{}"; done
}

run() { "$ADR" run --incoming "$W/in" --reports "$W/reports" --rejects "$W/rejects" "$@"; }

# out_rc VAR CMD... - run CMD, OUT its output, RC its exit code.
out_rc() {
    RC=0
    OUT=$("$@" 2>&1) || RC=$?
    printf '%s\n[exit %s]\n' "$OUT" "$RC"
}

# Every click of a tenant as "time|site", sorted: the exact content.
clicks_of() { q "SELECT string_agg(clicked_at || '|' || site_url, ',' ORDER BY clicked_at, site_url) FROM clicks WHERE company_id = $1"; }

# --- 1. backfill never changes another tenant ------------------------------

test_backfill_of_a_file_in_another_tenants_folder_is_refused() {
    entities
    mkdir -p "$W/in/1" "$W/in/2"
    clicks 1 one '2026-11-05 10:00:00' >"$W/in/1/clicks-2026-11-05.csv"
    clicks 2 two '2026-11-05 11:00:00' >"$W/in/2/clicks-2026-11-05.csv"
    assert_exit 0 run -q
    local one two
    one=$(clicks_of 1)
    two=$(clicks_of 2)
    out_rc "$ADR" backfill --company 1 --from 2026-11-05 --to 2026-11-05 \
        --reports "$W/reports" --rejects "$W/rejects" "$W/in/2/clicks-2026-11-05.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "clicks-2026-11-05.csv"
    assert_contains "$OUT" "company 2 but --company is 1"
    assert_eq "$one" "$(clicks_of 1)" "tenant 1"
    assert_eq "$two" "$(clicks_of 2)" "tenant 2"
    assert_eq 0 "$(q "SELECT count(*) FROM adreport_dirty_days")" "dirty marks"
}

test_backfill_of_a_folder_that_looks_like_an_id_is_refused() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/bf/2026/11"
    clicks 1 one '2026-11-05 10:00:00' >"$W/bf/2026/11/clicks-05.csv"
    out_rc "$ADR" backfill --company 1 --from 2026-11-05 --to 2026-11-05 \
        --reports "$W/reports" --rejects "$W/rejects" "$W/bf"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "company 11 but --company is 1"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
}

test_load_with_company_of_a_file_in_another_tenants_folder_is_refused() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/x/2"
    clicks 2 two '2026-11-05 11:00:00' >"$W/x/2/clicks.csv"
    out_rc "$ADR" load --company 1 --rejects "$W/rejects" "$W/x/2/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
}

# --- 2. a replacement set leaves exactly the union of its files ------------

# Old rows on 11-01..11-03; a.csv covers 11-01 and 11-02, b.csv 11-02 and
# 11-03 (a log spilling over midnight).  Replacing with both must leave
# exactly their rows on those days, whatever the order and --jobs.
replace_case() {
    local jobs=$1 first=$2 second=$3 fa=clicks-a.csv fb=clicks-b.csv
    if [ "$first" == b ]; then fa=clicks-b.csv fb=clicks-a.csv; fi # the other file loads first
    mkdir -p "$W/old/1" "$W/new/1"
    clicks 1 old '2026-11-01 08:00:00' '2026-11-02 08:00:00' '2026-11-03 08:00:00' \
        '2026-11-04 08:00:00' >"$W/old/1/clicks-old.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/old/1/clicks-old.csv"
    clicks 1 "$first" '2026-11-01 23:00:00' '2026-11-02 00:10:00' >"$W/new/1/$fa"
    clicks 1 "$second" '2026-11-02 23:50:00' '2026-11-03 00:20:00' >"$W/new/1/$fb"
    out_rc "$ADR" load --replace --jobs "$jobs" --rejects "$W/rejects" "$W/new/1"
    assert_eq 0 "$RC" "exit code"
    local want
    want=$(
        printf '%s\n' "2026-11-01 23:00:00|http://$first.example/" \
            "2026-11-02 00:10:00|http://$first.example/" \
            "2026-11-02 23:50:00|http://$second.example/" \
            "2026-11-03 00:20:00|http://$second.example/" \
            "2026-11-04 08:00:00|http://old.example/" | sort -t'|' -k1,1 -k2,2 | paste -sd,
    )
    assert_eq "$want" "$(clicks_of 1)" "clicks of company 1"
}

test_replace_with_files_sharing_a_day_keeps_their_union_jobs_1() {
    entities
    assert_exit 0 run -q
    replace_case 1 a b
}

test_replace_with_files_sharing_a_day_keeps_their_union_jobs_2() {
    entities
    assert_exit 0 run -q
    replace_case 2 a b
}

test_replace_with_files_sharing_a_day_keeps_their_union_other_order() {
    # The same days with the files' names swapped: the later days load first.
    entities
    assert_exit 0 run -q
    replace_case 2 b a
    q "TRUNCATE clicks; DELETE FROM adreport_loaded_files"
    rm -rf "$W/old" "$W/new"
    replace_case 1 b a
}

test_replace_sets_of_two_tenants_in_parallel_each_keep_their_union() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/new/1" "$W/new/2"
    for c in 1 2; do
        clicks $c x '2026-11-01 23:00:00' '2026-11-02 00:10:00' >"$W/new/$c/clicks-a.csv"
        clicks $c y '2026-11-02 23:50:00' '2026-11-03 00:20:00' >"$W/new/$c/clicks-b.csv"
    done
    for i in 1 2; do
        assert_exit 0 "$ADR" load -q --replace --jobs 4 --rejects "$W/rejects" "$W/new"
        assert_eq 4 "$(q "SELECT count(*) FROM clicks WHERE company_id = 1")" "company 1 after load $i"
        assert_eq 4 "$(q "SELECT count(*) FROM clicks WHERE company_id = 2")" "company 2 after load $i"
    done
}

test_backfill_with_files_sharing_a_day_keeps_their_union() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/bf"
    clicks 1 a '2026-11-01 23:00:00' '2026-11-02 00:10:00' >"$W/bf/clicks-a.csv"
    clicks 1 b '2026-11-02 23:50:00' '2026-11-03 00:20:00' >"$W/bf/clicks-b.csv"
    assert_exit 0 "$ADR" backfill -q --company 1 --from 2026-11-01 --to 2026-11-03 \
        --reports "$W/reports" --rejects "$W/rejects" "$W/bf"
    assert_eq 4 "$(q "SELECT count(*) FROM clicks WHERE company_id = 1")"
    assert_eq 2 "$(q "SELECT count(*) FROM clicks WHERE clicked_at::date = '2026-11-02'")"
}

# --- 3-6. the run path: tenant folders, links, entity files ---------------

test_run_refuses_logs_in_folders_that_are_not_usable_ids() {
    entities
    local d
    for d in 0 00 042 1234567890123456789 9223372036854775807; do
        mkdir -p "$W/in/$d"
        printf '%s\n' "$H,company_id" "1,2026-11-05 10:00:00,http://x.example/,0.1,10.0.0.1,{},1" \
            >"$W/in/$d/clicks.csv"
    done
    out_rc run
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "\"9223372036854775807\" is not a usable company id"
    assert_contains "$OUT" "\"00\" is not a usable company id"
    assert_contains "$OUT" "5 failed"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
}

test_load_refuses_a_folder_of_digits_that_is_no_usable_id() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/x/0"
    printf '%s\n' "$H,company_id" "1,2026-11-05 10:00:00,http://x.example/,0.1,10.0.0.1,{},1" \
        >"$W/x/0/clicks.csv"
    out_rc "$ADR" load --rejects "$W/rejects" "$W/x/0/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "not a usable one"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
}

test_run_does_not_follow_symbolic_links() {
    entities
    mkdir -p "$W/in/2" "$W/in/3" "$W/elsewhere/3"
    clicks 3 three '2026-11-05 10:00:00' >"$W/elsewhere/3/clicks-x.csv"
    clicks 3 three '2026-11-05 10:00:00' >"$W/in/3/clicks-y.csv.keep"
    ln -s "$W/elsewhere/3/clicks-x.csv" "$W/in/2/clicks-link.csv"
    ln -s ../3/clicks-y.csv.keep "$W/in/2/clicks-link2.csv"
    ln -s "$W/elsewhere/3" "$W/in/4"
    out_rc run --archive "$W/archive"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "symbolic link"
    assert_contains "$OUT" "3 failed"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
    [ -L "$W/in/2/clicks-link.csv" ] || fail "the link was archived"
}

test_load_of_a_link_takes_the_tenant_of_the_links_folder() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/x/2" "$W/x/3"
    clicks 2 two '2026-11-05 10:00:00' >"$W/x/3/clicks-x.csv.keep"
    ln -s ../3/clicks-x.csv.keep "$W/x/2/clicks-x.csv"
    out_rc "$ADR" load --rejects "$W/rejects" "$W/x/2/clicks-x.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "1 0" "$(q "SELECT count(*) FROM clicks WHERE company_id = 2") $(q "SELECT count(*) FROM clicks WHERE company_id = 3")"
}

test_load_of_a_linked_folder_takes_the_tenant_of_the_links_name() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/x/3"
    clicks 2 two '2026-11-05 10:00:00' >"$W/x/3/clicks-x.csv"
    ln -s 3 "$W/x/2"
    out_rc "$ADR" load --rejects "$W/rejects" "$W/x/2"
    assert_eq 0 "$RC" "exit code"
    assert_eq "1 0" "$(q "SELECT count(*) FROM clicks WHERE company_id = 2") $(q "SELECT count(*) FROM clicks WHERE company_id = 3")"
}

test_run_takes_entity_files_only_from_the_top_of_incoming() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/in/foo" "$W/in/1"
    echo '1,Hijacked,,2026-01-01 00:00:00,2026-01-02 00:00:00' >"$W/in/foo/companies-d.csv"
    echo '1,Hijacked too,,2026-01-01 00:00:00,2026-01-02 00:00:00' >"$W/in/1/companies-b.csv"
    out_rc run
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "an entity file below the top of the incoming folder"
    assert_eq One "$(q "SELECT name FROM companies WHERE id = 1")"
}

test_run_with_an_all_digit_incoming_folder() {
    entities
    mkdir -p "$W/drop"
    mv "$W/in" "$W/drop/20261101"
    mkdir -p "$W/drop/20261101/1"
    clicks 1 one '2026-11-05 10:00:00' >"$W/drop/20261101/1/clicks.csv"
    out_rc "$ADR" run --incoming "$W/drop/20261101/" --reports "$W/reports" --rejects "$W/rejects"
    assert_eq 0 "$RC" "exit code"
    assert_eq 3 "$(q "SELECT count(*) FROM companies")"
    assert_eq 1 "$(q "SELECT count(*) FROM clicks WHERE company_id = 1")"
}

# --- 7. only regular files are read ---------------------------------------

test_run_refuses_a_fifo_and_a_link_to_dev_zero_without_hanging() {
    entities
    mkdir -p "$W/in/1"
    mkfifo "$W/in/1/clicks-fifo.csv"
    ln -s /dev/zero "$W/in/1/clicks-zero.csv"
    clicks 1 one '2026-11-05 10:00:00' >"$W/in/1/clicks-ok.csv"
    RC=0
    OUT=$(timeout 60 "$ADR" run --incoming "$W/in" --reports "$W/reports" --rejects "$W/rejects" 2>&1) || RC=$?
    echo "$OUT"
    assert_eq 4 "$RC" "exit code (124: it hung)"
    assert_contains "$OUT" "not a regular file"
    assert_contains "$OUT" "symbolic link"
    assert_eq 1 "$(q "SELECT count(*) FROM clicks")"
    # The lock was released: the next run works.
    rm "$W/in/1/clicks-fifo.csv" "$W/in/1/clicks-zero.csv"
    assert_exit 0 run -q
}

test_load_refuses_a_fifo_named_on_the_command_line() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/x/1"
    mkfifo "$W/x/1/clicks.csv"
    out_rc timeout 60 "$ADR" load --rejects "$W/rejects" "$W/x/1/clicks.csv" /dev/zero
    assert_eq 4 "$RC" "exit code (124: it hung)"
    assert_contains "$OUT" "not a regular file"
}

# --- 8, 9. event times a report can name ----------------------------------

test_event_times_outside_1900_to_9999_utc_are_bad_time_at_their_line() {
    entities
    mkdir -p "$W/in/1"
    clicks 1 one '2026-11-05 10:00:00' '9999-12-31 23:30:00-01:00' '0001-01-01 00:30:00+01:00' \
        '1899-12-31 23:59:59' '0001-01-01 00:00:00' '1900-01-01 00:00:00' \
        '2026-11-05 11:00:00' '2026-11-05 12:00:00' '2026-11-05 13:00:00' '2026-11-05 14:00:00' \
        '2026-11-05 15:00:00' '2026-11-05 16:00:00' '2026-11-05 17:00:00' '2026-11-05 18:00:00' \
        >"$W/in/1/clicks.csv"
    out_rc run --max-reject-rate 0.5
    assert_eq 3 "$RC" "exit code"
    assert_eq "3,bad_time
4,bad_time
5,bad_time
6,bad_time" "$($PY -c 'import csv,sys
for r in list(csv.reader(open(sys.argv[1])))[1:]: print(r[0] + "," + r[1])' "$W/rejects/1/clicks.csv.rejects.csv")"
    assert_eq 10 "$(q "SELECT count(*) FROM clicks")"
    # 1900-01 can be reported: the changed months all clear.
    assert_eq 0 "$(q "SELECT count(*) FROM adreport_dirty_months")" "unreported months"
    [ -s "$W/reports/1/1900-01/daily.csv" ] || fail "no report for 1900-01"
}

# --- messages -------------------------------------------------------------

test_backfill_refused_by_the_lock_says_to_run_it_again() {
    entities
    assert_exit 0 run -q
    mkdir -p "$W/bf"
    clicks 1 one '2026-11-05 10:00:00' >"$W/bf/clicks.csv"
    hold_run_lock
    out_rc "$ADR" backfill --company 1 --from 2026-11-05 --to 2026-11-05 --reports "$W/reports" \
        --rejects "$W/rejects" "$W/bf"
    release_run_lock
    assert_eq 75 "$RC" "exit code"
    assert_contains "$OUT" "run the same backfill again"
    case "$OUT" in *"scheduled run"*) fail "says the scheduled run picks it up" ;; esac
}

test_rollup_of_a_company_that_does_not_exist_is_a_usage_error() {
    entities
    assert_exit 0 run -q
    out_rc "$ADR" rollup --company 999
    assert_eq 2 "$RC" "exit code"
    assert_contains "$OUT" "no such company"
    assert_exit 0 "$ADR" rollup -q --company 1
    # verify too: a mistyped id is not "equal" (exit 0) but a usage error.
    out_rc "$ADR" verify --company 1 --company 999
    assert_eq 2 "$RC" "verify's exit code"
    assert_contains "$OUT" "--company 999: no such company"
    # A tenant named twice is checked once.
    out_rc "$ADR" verify --company 1 --company 1
    assert_eq 0 "$RC" "verify's exit code"
    assert_contains "$OUT" "equal (0 differences)"
    # A list, as report takes it: the first id that is no company is named
    # (one query for all of them), and a bad list is refused whole.
    out_rc "$ADR" rollup --company 1,2,998 --company 999
    assert_eq 2 "$RC" "rollup of a list with missing ids"
    assert_contains "$OUT" "--company 998: no such company"
    out_rc "$ADR" rollup --company 1,x
    assert_eq 2 "$RC" "rollup of a bad list"
    assert_contains "$OUT" 'takes positive ids (7 or 3,7,12), not "x"'
    out_rc "$ADR" verify --company "1, 2"
    assert_eq 2 "$RC" "verify of a list with a blank"
    assert_contains "$OUT" 'not " 2"'
    # The commands that take one tenant want digits too.
    local c
    for c in " 1" "+1" "1 "; do
        assert_exit 2 "$ADR" tenant --company "$c"
        assert_exit 2 "$ADR" load -q --company "$c" "$W/in"
        assert_exit 2 "$ADR" backfill --company "$c" --from 2026-11-01 --to 2026-11-01 "$W/in"
    done
    # The first missing id in the order named, however long the list and
    # however often an id repeats (the ids are sorted to be found).
    out_rc "$ADR" verify --company "$(seq -s, 3 -1 1),$(seq -s, 1 3),5,4" --company 5
    assert_eq 2 "$RC" "verify of a long list"
    assert_contains "$OUT" "--company 5: no such company"
    # Clicks of tenants 1 and 2, rolled up by a list; verify of a list sees a
    # row of tenant 2 changed by hand, once, and not tenant 3's.
    mkdir -p "$W/in/1" "$W/in/2"
    clicks 1 a "2026-11-02 10:00:00" "2026-11-02 11:00:00" >"$W/in/1/clicks.csv"
    clicks 2 b "2026-11-02 12:00:00" >"$W/in/2/clicks.csv"
    assert_exit 0 "$ADR" load -q "$W/in/1" "$W/in/2"
    out_rc "$ADR" rollup --company 2,1
    assert_eq 0 "$RC" "rollup of a list"
    assert_contains "$OUT" "2 tenants"
    assert_eq "1:2,2:1" "$(q "SELECT string_agg(company_id || ':' || clicks, ',' ORDER BY company_id)
                             FROM ad_daily_stats")" "stats of both tenants"
    q "UPDATE ad_daily_stats SET clicks = 9 WHERE company_id = 2"
    out_rc "$ADR" verify --company 2,1,2 --company 3
    assert_eq 1 "$RC" "verify of a list"
    assert_contains "$OUT" "company 2 ad 2 day 2026-11-02 clicks: stored 9, recomputed 1"
    [ "$(grep -c 'company 2 ad 2 day 2026-11-02 clicks' <<<"$OUT")" == 1 ] || fail "not once: $OUT"
    assert_exit 0 "$ADR" verify -q --company 1,3
}

test_file_name_with_invalid_utf8_is_refused_naming_the_name() {
    entities
    mkdir -p "$W/in/1"
    clicks 1 one '2026-11-05 10:00:00' >"$W/in/1/clicks-$(printf '\xff').csv"
    out_rc run
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "the file name is not valid UTF-8"
    case "$OUT" in *"invalid byte sequence"*) fail "the server's error instead of ours" ;; esac
}

test_archive_keeps_an_earlier_file_of_the_same_name() {
    entities
    mkdir -p "$W/in/1"
    clicks 1 one '2026-11-05 10:00:00' >"$W/in/1/clicks.csv"
    assert_exit 0 run -q --archive "$W/archive"
    clicks 1 two '2026-11-06 10:00:00' >"$W/in/1/clicks.csv"
    assert_exit 0 run -q --archive "$W/archive"
    assert_contains "$(cat "$W/archive/1/clicks.csv")" "one.example"
    assert_contains "$(cat "$W/archive/1/clicks.csv.1")" "two.example"
    assert_eq 2 "$(q "SELECT count(*) FROM clicks")"
}

test_run_removes_a_killed_reports_temporaries_in_every_month() {
    entities
    mkdir -p "$W/reports/2/2026-10"
    sleep 0 &
    local gone=$!
    wait
    : >"$W/reports/2/2026-10/.performance.xlsx.tmp.$gone"
    : >"$W/reports/2/2026-10/.ads.csv.tmp.$$" # a live writer's: kept
    assert_exit 0 run -q
    [ ! -e "$W/reports/2/2026-10/.performance.xlsx.tmp.$gone" ] || fail "stale temporary kept"
    [ -e "$W/reports/2/2026-10/.ads.csv.tmp.$$" ] || fail "a live writer's temporary removed"
}

run_tests
