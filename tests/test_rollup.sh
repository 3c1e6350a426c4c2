#!/usr/bin/env bash
# Integration tests of `adreport rollup`: exact against an independent
# computation (tests/check_rollup.py), incremental, rerun-safe.
source "$(dirname "$0")/lib.sh"

check() { $PY "$ROOT/tests/check_rollup.py"; }

# Load the bundled samples (exit 3: they hold bad rows on purpose).
load_samples() {
    assert_exit 3 "$ADR" load -q --rejects "$W/rejects" samples/incoming
}

# Fingerprint of stats rows: (company, ad, day, xmin) of every row.
xmins() { q "SELECT string_agg(company_id||':'||ad_id||':'||day||':'||xmin, ',' ORDER BY 1) FROM ad_daily_stats $1"; }

# A tiny tenant with a blacklist, both cost models and NULL costs.
tiny_tenant() {
    q "INSERT INTO companies VALUES (50, 'Tiny', NULL, now(), now());
       INSERT INTO campaigns VALUES
         (1, 50, 'per click', 'cost_per_click', 'active', 100, '{http://spam.example,\"https://Ads.Bad.example/path\"}', now(), now()),
         (2, 50, 'per view', 'cost_per_impression', 'active', NULL, NULL, now(), now());
       INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
       VALUES (1, 50, 1, 'a1', now(), now()), (2, 50, 2, 'a2', now(), now())"
    mkdir -p "$W/in/50"
    cat >"$W/in/50/clicks-1.csv" <<'CSV'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
1,2026-11-01 10:00:00,http://www.spam.example/x,0.5000000001,10.0.0.1,{}
1,2026-11-01 11:00:00,http://user@SPAM.example:8080/,0.25,10.0.0.1,{}
1,2026-11-01 12:00:00,http://spam.example.org/,1.1,10.0.0.1,{}
1,2026-11-01 13:00:00,http://notspam.example/,,10.0.0.1,{}
1,2026-11-01 14:00:00,https://x.ads.bad.example/,2,10.0.0.1,{}
2,2026-11-01 14:00:00,http://spam.example/,7,10.0.0.1,{}
CSV
    cat >"$W/in/50/impressions-1.csv" <<'CSV'
ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data
1,2026-11-01 10:00:00,http://www.spam.example/x,0.001,10.0.0.1,{}
2,2026-11-01 10:00:00,http://a.example/,0.0025,10.0.0.1,{}
2,2026-11-01 23:59:59.999999,http://a.example/,,10.0.0.1,{}
2,2026-11-02 00:00:00,http://a.example/,0.003,10.0.0.1,{}
CSV
    "$ADR" load -q --rejects "$W/rejects" "$W/in"
}

test_rollup_matches_independent_computation_on_samples() {
    load_samples
    "$ADR" rollup -q
    check
}

test_blacklist_cost_models_and_null_costs_exact() {
    tiny_tenant
    "$ADR" rollup -q
    check
    # ad 1 (cost_per_click): 5 clicks, spend 0.5000000001+0.25+1.1+0+2; blacklisted:
    # www.spam.example, SPAM.example with user and port, x.ads.bad.example.
    assert_eq "1|5|0.0010000000|3.8500000001|3.8500000001|1|3|2.7500000001" \
        "$(q "SELECT concat_ws('|', impressions, clicks, impression_cost_usd, click_cost_usd, spend_usd,
                 blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd)
              FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 1")"
    # ad 2 (cost_per_impression): spend = impressions' costs only; its click
    # on spam.example is not blacklisted (campaign 2 has no blacklist).
    assert_eq "2026-11-01|2|1|0.0025000000|0|2026-11-02|1|0|0.0030000000|0" \
        "$(q "SELECT string_agg(day||'|'||impressions||'|'||clicks||'|'||spend_usd||'|'||blacklisted_clicks, '|' ORDER BY day) FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 2")"
}

test_second_rollup_changes_nothing() {
    load_samples
    "$ADR" rollup -q
    local before
    before=$(xmins "")
    "$ADR" rollup -q
    assert_eq "$before" "$(xmins "")" "stats rows rewritten by an idle rollup"
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_days')"
}

test_untouched_days_are_not_rewritten_and_late_data_counts() {
    tiny_tenant
    "$ADR" rollup -q
    local day2
    day2=$(xmins "WHERE day = '2026-11-02'")
    # Late data for 2026-11-01 only.
    cat >"$W/in/50/clicks-late.csv" <<'CSV'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
1,2026-11-01 20:00:00,http://late.example/,0.1,10.0.0.1,{}
CSV
    "$ADR" load -q --rejects "$W/rejects" "$W/in"
    assert_eq "50|2026-11-01" "$(q "SELECT company_id||'|'||day FROM adreport_dirty_days")"
    "$ADR" rollup -q
    assert_eq "$day2" "$(xmins "WHERE day = '2026-11-02'")" "an untouched day was rewritten"
    check
    assert_eq 6 "$(q "SELECT clicks FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 1")"
}

test_incremental_equals_full_recompute_after_backfill() {
    load_samples
    "$ADR" rollup -q
    # Backfill: replace tenant 2's impressions of one day with 2 rows.
    local day ad
    day=$(q "SELECT min(seen_at::date) FROM impressions WHERE company_id = 2")
    ad=$(q "SELECT min(id) FROM ads WHERE company_id = 2")
    mkdir -p "$W/bf/2"
    printf 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n%s,%s 01:00:00,http://a.example/,0.5,10.0.0.1,{}\n%s,%s 02:00:00,http://a.example/,,10.0.0.1,{}\n' \
        "$ad" "$day" "$ad" "$day" >"$W/bf/2/impressions-backfill.csv"
    "$ADR" load -q --replace --rejects "$W/rejects" "$W/bf"
    assert_eq 2 "$(q "SELECT count(*) FROM impressions WHERE company_id = 2 AND seen_at::date = '$day'")"
    "$ADR" rollup -q
    check
    local incremental
    incremental=$(q "SELECT md5(string_agg(s::text, ',' ORDER BY company_id, ad_id, day)) FROM (SELECT company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd, spend_usd, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd FROM ad_daily_stats) s")
    "$ADR" rollup -q --all
    assert_eq "$incremental" "$(q "SELECT md5(string_agg(s::text, ',' ORDER BY company_id, ad_id, day)) FROM (SELECT company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd, click_cost_usd, spend_usd, blacklisted_impressions, blacklisted_clicks, blacklisted_spend_usd FROM ad_daily_stats) s")"
}

test_campaign_cost_model_change_recomputes_tenant() {
    tiny_tenant
    "$ADR" rollup -q
    printf '1,50,per click,cost_per_impression,active,100,,2026-01-01 00:00:00,2026-01-01 00:00:00\n' >"$W/campaigns.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/campaigns.csv"
    "$ADR" rollup -q
    check
    assert_eq "0.0010000000" "$(q "SELECT spend_usd FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 1")"
}

test_rollup_marks_months_for_reports() {
    tiny_tenant
    "$ADR" rollup -q
    assert_eq "50|2026-11-01" "$(q "SELECT company_id||'|'||month FROM adreport_dirty_months")"
}

test_range_and_company_options() {
    tiny_tenant
    load_samples
    # --company limits the tenants; other tenants' marks stay for later.
    "$ADR" rollup -q --company 50
    assert_eq "50" "$(q "SELECT string_agg(DISTINCT company_id::text, ',') FROM ad_daily_stats")"
    assert_eq 0 "$(q "SELECT count(*) FROM adreport_dirty_days WHERE company_id = 50")"
    # A forced range rewrites exactly its days.
    local day1
    day1=$(xmins "WHERE day = '2026-11-01'")
    q "UPDATE ad_daily_stats SET clicks = 999 WHERE company_id = 50 AND day = '2026-11-02'"
    "$ADR" rollup -q --company 50 --from 2026-11-02 --to 2026-11-02
    assert_eq "$day1" "$(xmins "WHERE day = '2026-11-01'")"
    assert_eq 0 "$(q "SELECT clicks FROM ad_daily_stats WHERE company_id = 50 AND day = '2026-11-02'")"
    assert_exit 2 "$ADR" rollup --from 2026-11-02
    assert_exit 2 "$ADR" rollup --from 2026-11-03 --to 2026-11-02
    assert_exit 2 "$ADR" rollup --from 2026-02-30 --to 2026-03-01
}

run_tests
