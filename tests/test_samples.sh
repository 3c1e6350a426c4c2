#!/usr/bin/env bash
# The bundled samples, and a larger generated set, land exactly as the
# generator says: per-ad-per-UTC-day counts and cost sums, and exactly the
# injected bad rows rejected, at the right lines, for the right reasons.
source "$(dirname "$0")/lib.sh"

test_samples_load_exactly_with_exact_rejects() {
    assert_exit 3 "$ADR" load -q --rejects "$W/rejects" samples/incoming
    $PY tests/check_samples.py samples/expected.json "$W/rejects"
}

# state REJECTS - everything a load, rollup or report keeps: per table of the
# database (the seed's, adreport's ledger, marks, stats, site hosts, settings:
# every table, so a new one is covered too) its row count and a hash of its
# rows, every column included; then the rejects files under REJECTS.
state() {
    local t
    for t in $(q "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
        echo "$t $(q "SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, E'\n' ORDER BY t::text)), '-')
                      FROM $t t")"
    done
    (cd "$1" && find . -type f | sort | xargs -r sha256sum)
}

# assert_same_state BEFORE AFTER WHAT - names the tables or files that changed.
assert_same_state() {
    [ "$1" == "$2" ] || fail "$3: $(diff <(echo "$1") <(echo "$2") | grep '^[<>]' | tr '\n' ' ')"
}

# count TABLE - its rows.
count() { q "SELECT count(*) FROM $1"; }

test_reloading_changes_nothing() {
    assert_exit 3 "$ADR" load -q --rejects "$W/rejects" samples/incoming
    # Every kind of row is there to be changed, and the first load's marks
    # are pending: a reload must not add, re-mark or touch any of it.
    local t
    for t in companies campaigns ads clicks impressions adreport_loaded_files adreport_dirty_days; do
        [ "$(count $t)" -gt 0 ] || fail "no rows in $t after the first load"
    done
    [ -n "$(find "$W/rejects" -type f)" ] || fail "no rejects file after the first load"
    local before
    before=$(state "$W/rejects")
    assert_exit 0 "$ADR" load -q --rejects "$W/rejects" samples/incoming
    assert_same_state "$before" "$(state "$W/rejects")" "a reload with the marks pending changed"

    # Rolled up (stats and counters written, marks cleared), a reload must
    # leave the stats as they are and mark nothing for the next rollup.
    "$ADR" rollup -q
    [ "$(count ad_daily_stats)" -gt 0 ] || fail "no stats after the rollup"
    assert_eq 0 "$(count adreport_dirty_days)" "dirty days after the rollup"
    before=$(state "$W/rejects")
    assert_exit 0 "$ADR" load -q --rejects "$W/rejects" samples/incoming
    assert_same_state "$before" "$(state "$W/rejects")" "a reload after the rollup changed"
}

test_generated_set_gzip_and_plain_give_the_same_result() {
    $PY samples/generate.py --out "$W/plain" --tenants 6 --days 3 --scale 2 --seed 7 \
        --expected "$W/expected.json" >/dev/null
    assert_exit 3 "$ADR" load -q --rejects "$W/rejects" "$W/plain"
    $PY tests/check_samples.py "$W/expected.json" "$W/rejects"
    local plain
    plain=$(q "SELECT md5(string_agg(concat_ws('|', company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data), ',' ORDER BY company_id, ad_id, seen_at, site_url, user_data::text)) FROM impressions")
    # The same content gzipped, into a fresh database.
    cp -r "$W/plain" "$W/gz"
    find "$W/gz" -name 'clicks-*.csv' -o -name 'impressions-*.csv' | xargs gzip
    new_db >/dev/null
    assert_exit 3 "$ADR" load -q --rejects "$W/rejects-gz" "$W/gz"
    assert_eq "$plain" "$(q "SELECT md5(string_agg(concat_ws('|', company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data), ',' ORDER BY company_id, ad_id, seen_at, site_url, user_data::text)) FROM impressions")"
    # ...and gzipped content already loaded as plain is skipped.
    assert_exit 0 "$ADR" load -q --rejects "$W/rejects" "$W/plain"
}

run_tests
