#!/usr/bin/env bash
# The bundled samples, and a larger generated set, land exactly as the
# generator says: per-ad-per-UTC-day counts and cost sums, and exactly the
# injected bad rows rejected, at the right lines, for the right reasons.
source "$(dirname "$0")/lib.sh"

test_samples_load_exactly_with_exact_rejects() {
    assert_exit 3 "$ADR" load -q --rejects "$W/rejects" samples/incoming
    $PY tests/check_samples.py samples/expected.json "$W/rejects"
}

test_reloading_changes_nothing() {
    assert_exit 3 "$ADR" load -q --rejects "$W/rejects" samples/incoming
    local before
    before=$(q "SELECT count(*), sum(hashtext(site_url)) FROM impressions")
    assert_exit 0 "$ADR" load -q --rejects "$W/rejects" samples/incoming
    assert_eq "$before" "$(q "SELECT count(*), sum(hashtext(site_url)) FROM impressions")"
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
