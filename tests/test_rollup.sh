#!/usr/bin/env bash
# Integration tests of `adreport rollup` and `adreport verify`: exact against
# an independent computation (tests/check_rollup.py), set-based over many
# tenants, incremental, rerun-safe, racing loads, killed at random moments.
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

# Two entries of one blacklist that match the same URL count its events once;
# '_' in a blacklisted host is a character, not a wildcard; a lookalike
# host is not a subdomain; another tenant's URLs are not this tenant's.
test_blacklist_overlapping_entries_and_underscores_count_each_event_once() {
    tiny_tenant
    q "INSERT INTO companies VALUES (51, 'Overlap', NULL, now(), now());
       INSERT INTO campaigns VALUES
         (1, 51, 'c', 'cost_per_click', 'active', NULL,
          '{spam.example,http://www.spam.example/,a_b.example}', now(), now());
       INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
       VALUES (1, 51, 1, 'a1', now(), now())"
    mkdir -p "$W/in51/51"
    cat >"$W/in51/51/clicks-1.csv" <<'CSV'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
1,2026-11-01 10:00:00,http://www.spam.example/x,1,10.0.0.1,{}
1,2026-11-01 10:00:01,http://spam.example/,1,10.0.0.1,{}
1,2026-11-01 10:00:02,http://a_b.example/,1,10.0.0.1,{}
1,2026-11-01 10:00:03,http://sub.a_b.example/,1,10.0.0.1,{}
1,2026-11-01 10:00:04,http://axb.example/,1,10.0.0.1,{}
1,2026-11-01 10:00:05,http://xspam.example/,1,10.0.0.1,{}
1,2026-11-01 10:00:06,http://spam.example.org/,1,10.0.0.1,{}
CSV
    "$ADR" load -q --rejects "$W/rejects" "$W/in51"
    "$ADR" rollup -q
    check
    assert_eq "7|4|4.0000000000" \
        "$(q "SELECT concat_ws('|', clicks, blacklisted_clicks, blacklisted_spend_usd)
              FROM ad_daily_stats WHERE company_id = 51")"
    # Tenant 50's counts are unchanged by tenant 51's broader blacklist.
    assert_eq "1|3" "$(q "SELECT blacklisted_impressions || '|' || blacklisted_clicks
                          FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 1")"
}

# Histogram size of impressions.seen_at in the planner's statistics (0: none).
seen_at_bounds() {
    q "SELECT coalesce(max(array_length(histogram_bounds::text::timestamp[], 1)), 0)
       FROM pg_stats WHERE tablename = 'impressions' AND attname = 'seen_at'"
}

# SQL-inserted impressions of tenant 50, ad 2, one a minute from FROM.
insert_impressions() {
    q "INSERT INTO impressions (id, company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data)
       SELECT $1 + g, 50, 2, timestamp '$3' + g * interval '1 minute', 'http://a.example/', 0.001, '10.0.0.1', '{}'
       FROM generate_series(1, $2) g"
    # The rollup reads the table's change counter, which a backend publishes
    # at its end: wait until it shows.
    for _ in $(seq 50); do
        [ "$(q "SELECT n_mod_since_analyze >= $2 FROM pg_stat_user_tables WHERE relname = 'impressions'")" = t ] && return
        sleep 0.1
    done
    fail "the insert's changes never showed in pg_stat_user_tables"
}

# A load that grew an event table by a large share makes the rollup ANALYZE
# it: a 3,000-row sample when the table has no statistics yet (10 histogram
# buckets), the full default sample when it has some (so no query ever sees
# coarser statistics than before).
test_rollup_analyzes_grown_event_tables_coarsely_only_the_first_time() {
    tiny_tenant
    q "ALTER TABLE impressions SET (autovacuum_enabled = false)" # no race with autovacuum
    insert_impressions 1000 20000 '2026-11-01'
    assert_eq 0 "$(seen_at_bounds)"
    "$ADR" rollup -q
    assert_eq 11 "$(seen_at_bounds)"
    insert_impressions 100000 30000 '2026-11-20'
    "$ADR" rollup -q
    assert_eq 101 "$(seen_at_bounds)"
    "$ADR" rollup --all -q # the inserts marked no day dirty
    check
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

# Late data for one ad of a day: its mark lists the ad, and the rollup
# rewrites that ad's row of the day alone, not the day's other rows, nor
# untouched days.
test_untouched_days_and_ads_are_not_rewritten_and_late_data_counts() {
    tiny_tenant
    "$ADR" rollup -q
    local day2 ad2
    day2=$(xmins "WHERE day = '2026-11-02'")
    ad2=$(xmins "WHERE day = '2026-11-01' AND ad_id = 2")
    # Late data for 2026-11-01 only.
    cat >"$W/in/50/clicks-late.csv" <<'CSV'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
1,2026-11-01 20:00:00,http://late.example/,0.1,10.0.0.1,{}
CSV
    "$ADR" load -q --rejects "$W/rejects" "$W/in"
    assert_eq "50|2026-11-01|{1}" "$(q "SELECT company_id||'|'||day||'|'||ads::text FROM adreport_dirty_days")"
    "$ADR" rollup -q
    assert_eq "$day2" "$(xmins "WHERE day = '2026-11-02'")" "an untouched day was rewritten"
    assert_eq "$ad2" "$(xmins "WHERE day = '2026-11-01' AND ad_id = 2")" "another ad's row of the day was rewritten"
    check
    assert_eq 6 "$(q "SELECT clicks FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 1")"
    assert_exit 0 "$ADR" verify -q
}

# Marks of two loads merge their lists; a day with more ads than a mark
# lists, or an ad id the loader cannot key, is marked whole.
test_marks_merge_and_long_or_unkeyable_lists_mark_the_whole_day() {
    tiny_tenant
    "$ADR" rollup -q
    # Two loads before a rollup: the mark lists both ads.
    printf 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n2,2026-11-01 21:00:00,http://a.example/,0.5,10.0.0.3,{}\n' \
        >"$W/in/50/impressions-late.csv"
    printf 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n1,2026-11-01 22:00:00,http://spam.example/,0.25,10.0.0.4,{}\n' \
        >"$W/in/50/impressions-late2.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/in/50/impressions-late.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/in/50/impressions-late2.csv"
    assert_eq "{1,2}" "$(q "SELECT ads FROM adreport_dirty_days WHERE company_id = 50")"
    "$ADR" rollup -q
    check

    # Days without stats of other ads are marked whole: no row to keep.
    printf 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n%s\n%s\n%s\n' \
        '2,2026-11-05 01:00:00,http://a.example/,0.01,10.0.0.8,{}' \
        '2,2026-11-06 01:00:00,http://a.example/,0.01,10.0.0.8,{}' \
        '2,2026-11-07 01:00:00,http://a.example/,0.01,10.0.0.8,{}' >"$W/in/50/impressions-first.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/in/50/impressions-first.csv"
    assert_eq "2026-11-05 true,2026-11-06 true,2026-11-07 true" \
        "$(q "SELECT string_agg(day || ' ' || (ads IS NULL), ',' ORDER BY day) FROM adreport_dirty_days")"
    "$ADR" rollup -q
    printf 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n2,2026-11-05 02:00:00,http://a.example/,0.01,10.0.0.8,{}\n' \
        >"$W/in/50/impressions-again.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/in/50/impressions-again.csv"
    assert_eq "2026-11-05 true" "$(q "SELECT day || ' ' || (ads IS NULL) FROM adreport_dirty_days")" \
        "a day whose one row is the listed ad's"
    "$ADR" rollup -q
    # 33 ads on one day: more than a mark lists, the whole day.  32: listed.
    q "INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
       SELECT g, 50, 2, 'many ' || g, now(), now() FROM generate_series(3, 35) g"
    { echo 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data'
      for a in $(seq 3 35); do echo "$a,2026-11-05 12:00:00,http://a.example/,0.01,10.0.1.$a,{}"; done
    } >"$W/in/50/impressions-33.csv"
    { echo 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data'
      for a in $(seq 3 34); do echo "$a,2026-11-06 12:00:00,http://a.example/,0.01,10.0.1.$a,{}"; done
    } >"$W/in/50/impressions-32.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/in"
    assert_eq "2026-11-05||2026-11-06|32" \
        "$(q "SELECT string_agg(day||'|'||coalesce(cardinality(ads)::text, ''), '|' ORDER BY day)
              FROM adreport_dirty_days WHERE company_id = 50")"
    "$ADR" rollup -q
    # Two loads whose lists together pass the limit: the whole day.
    printf 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n35,2026-11-06 13:00:00,http://a.example/,0.01,10.0.0.9,{}\n' \
        >"$W/in/50/impressions-35.csv"
    q "INSERT INTO adreport_dirty_days (company_id, day, ads)
       SELECT 50, '2026-11-06', array_agg(g) FROM generate_series(3, 34) g"
    "$ADR" load -q --rejects "$W/rejects" "$W/in/50/impressions-35.csv"
    assert_eq "" "$(q "SELECT ads FROM adreport_dirty_days WHERE company_id = 50 AND day = '2026-11-06'")"
    "$ADR" rollup -q
    # An ad id past 2^40: its day is marked whole.
    q "INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
       VALUES (1099511627777, 50, 2, 'big id', now(), now())"
    printf 'ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n1099511627777,2026-11-07 12:00:00,http://a.example/,0.01,10.0.0.9,{}\n2,2026-11-07 12:00:00,http://a.example/,0.01,10.0.0.9,{}\n' \
        >"$W/in/50/impressions-big.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/in/50/impressions-big.csv"
    assert_eq "2026-11-07|true" "$(q "SELECT day||'|'||(ads IS NULL) FROM adreport_dirty_days WHERE company_id = 50")"
    "$ADR" rollup -q
    check
    assert_exit 0 "$ADR" verify -q
}

# A mark that lists ads becomes a whole-day mark when the day must be
# recomputed for every ad: a replaced day (events of other ads are gone), a
# campaign change, a forced range.
test_replaced_and_entity_marked_days_recompute_every_ad() {
    tiny_tenant
    "$ADR" rollup -q
    # --replace of 2026-11-01's clicks with one click of ad 2: ad 1 loses its
    # five clicks of the day, though the new file holds none of its events.
    mkdir -p "$W/rp/50"
    printf 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n2,2026-11-01 09:00:00,http://b.example/,3,10.0.0.5,{}\n' \
        >"$W/rp/50/clicks-replace.csv"
    "$ADR" load -q --replace --rejects "$W/rejects" "$W/rp"
    assert_eq "2026-11-01|true" "$(q "SELECT day||'|'||(ads IS NULL) FROM adreport_dirty_days WHERE company_id = 50")"
    "$ADR" rollup -q
    assert_eq "0|1" "$(q "SELECT (SELECT clicks FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 1 AND day = '2026-11-01')
                             || '|' || (SELECT clicks FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 2 AND day = '2026-11-01')")"
    check
    # A late event lists its ad; a campaign change then marks every ad.
    printf 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n2,2026-11-01 19:00:00,http://b.example/,3,10.0.0.5,{}\n' \
        >"$W/rp/50/clicks-late.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/rp/50/clicks-late.csv"
    assert_eq "{2}" "$(q "SELECT ads FROM adreport_dirty_days WHERE company_id = 50")"
    printf '2,50,per view,cost_per_click,active,,,2026-01-01 00:00:00,2026-01-01 00:00:00\n' >"$W/campaigns.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/campaigns.csv"
    assert_eq "0" "$(q "SELECT count(*) FROM adreport_dirty_days WHERE company_id = 50 AND ads IS NOT NULL")"
    "$ADR" rollup -q
    check
    # rollup --from/--to recomputes every ad of a listed mark's day: ad 1's
    # row, changed by hand, is mended though the mark lists ad 2 only.
    printf 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n2,2026-11-01 10:00:00,http://b.example/,1,10.0.0.5,{}\n' \
        >"$W/rp/50/clicks-late2.csv"
    "$ADR" load -q --rejects "$W/rejects" "$W/rp/50/clicks-late2.csv"
    assert_eq "{2}" "$(q "SELECT ads FROM adreport_dirty_days WHERE company_id = 50")"
    q "UPDATE ad_daily_stats SET impressions = impressions + 1 WHERE company_id = 50 AND ad_id = 1 AND day = '2026-11-01'"
    "$ADR" rollup -q --from 2026-11-01 --to 2026-11-01
    check
    assert_exit 0 "$ADR" verify -q
}

# A nightly claim is a small share of a long history: the rollup has the
# planner read its days through the index rather than scan the table
# (ru_plan_claim, seen in auto_explain's plan of the insert); a full claim
# leaves the choice to the planner.  Both stay exact.
test_a_small_claim_on_a_long_history_reads_its_days_through_the_index() {
    tiny_tenant
    # 60 days of history for tenant 50, written behind the loader's back.
    q "INSERT INTO impressions (company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data)
       SELECT 50, 1 + g % 2, timestamp '2026-08-01' + g * interval '1 minute', 'http://a.example/', 0.001,
              '10.0.0.1', '{}' FROM generate_series(1, 60 * 24 * 60) g"
    local plan="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c client_min_messages=log"
    PGOPTIONS="$plan" "$ADR" rollup -v --all >"$W/full.out" 2>&1
    grep -q "claim holds 100.0% of the impressions: the planner's choice" "$W/full.out" ||
        fail "a full claim was not left to the planner: $(grep -i claim "$W/full.out")"
    check
    cat >"$W/in/50/impressions-late.csv" <<'CSV'
ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data
1,2026-09-15 12:00:00,http://late.example/,0.5,10.0.0.7,{}
CSV
    "$ADR" load -q --rejects "$W/rejects" "$W/in"
    q "ANALYZE impressions"
    PGOPTIONS="$plan" "$ADR" rollup -v >"$W/night.out" 2>&1
    grep -q "of the impressions: index lookups" "$W/night.out" ||
        fail "a nightly claim was not read through the index: $(grep -i claim "$W/night.out")"
    local insert
    insert=$(sed -n '/INSERT INTO ad_daily_stats/,/duration:/p' "$W/night.out")
    assert_contains "$insert" "Index Scan using impressions_company_day_idx on impressions"
    case "$insert" in *"Seq Scan on impressions"*) fail "the nightly insert scanned the impressions: $insert" ;; esac
    check
    assert_exit 0 "$ADR" verify -q
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
    # A range of centuries claims the days that hold events or stats, as
    # --all does, not a row for every day of every tenant (3.6 million each).
    q "UPDATE ad_daily_stats SET clicks = 999 WHERE company_id = 50 AND day = '2026-11-02'"
    local all range
    all=$("$ADR" rollup --all | grep -o '[0-9]* tenant-days')
    range=$("$ADR" rollup --from 0001-01-01 --to 9999-12-31 | grep -o '[0-9]* tenant-days')
    assert_eq "$all" "$range" "days claimed by the range and by --all"
    assert_eq 0 "$(q "SELECT clicks FROM ad_daily_stats WHERE company_id = 50 AND day = '2026-11-02'")"
    assert_exit 0 "$ADR" verify -q
    assert_exit 2 "$ADR" rollup --from 2026-11-02
    assert_exit 2 "$ADR" rollup --from 2026-11-03 --to 2026-11-02
    assert_exit 2 "$ADR" rollup --from 2026-02-30 --to 2026-03-01
}

# stats fingerprint: every column of every stats row, and the ads counters.
stats_md5() {
    q "SELECT md5(coalesce(string_agg(s::text, ',' ORDER BY company_id, ad_id, day), '')) FROM
         (SELECT company_id, ad_id, day, campaign_id, impressions, clicks, impression_cost_usd,
                 click_cost_usd, spend_usd, blacklisted_impressions, blacklisted_clicks,
                 blacklisted_spend_usd FROM ad_daily_stats) s"
}
counts_md5() { q "SELECT md5(string_agg(concat_ws(':', company_id, id, impressions_count, clicks_count), ',' ORDER BY 1)) FROM ads"; }

# generate DIR TENANTS DAYS SCALE - generated tenants (samples/generate.py):
# several time zones, so a file of one day holds events of the days around it.
generate() {
    $PY samples/generate.py --out "$1" --tenants "$2" --days "$3" --scale "$4" --seed 12 \
        --no-bad-rows 2>/dev/null
}

# only_days SRC DST DAY... - the entity files and the log files of these days.
only_days() {
    local src=$1 dst=$2 f rel
    shift 2
    mkdir -p "$dst"
    cp "$src"/*.csv "$dst"/
    for day in "$@"; do
        for f in "$src"/*/*"$day"*.csv; do
            rel=${f#"$src"/}
            mkdir -p "$dst/$(dirname "$rel")"
            cp "$f" "$dst/$rel"
        done
    done
}

test_set_based_rollup_many_tenants_late_data_and_backfills_equal_independent_computation() {
    generate "$W/gen" 60 4 0.05
    only_days "$W/gen" "$W/d12" 2026-11-01 2026-11-02
    "$ADR" load -q --rejects "$W/rejects" "$W/d12"
    "$ADR" rollup -q
    check
    assert_eq 60 "$(q "SELECT count(DISTINCT company_id) FROM ad_daily_stats")"
    # Late data: days 3 and 4, whose files also hold events of earlier UTC days.
    only_days "$W/gen" "$W/d34" 2026-11-03 2026-11-04
    rm "$W/d34"/*.csv
    "$ADR" load -q --rejects "$W/rejects" "$W/d34"
    "$ADR" rollup -q
    check
    # Backfills: five tenants' impressions of 2026-11-02 replaced by half the rows.
    local t f
    for t in 3 17 29 41 58; do
        f=$W/gen/$t/impressions-2026-11-02.csv
        mkdir -p "$W/bf/$t"
        awk 'NR == 1 || NR % 2 == 0' "$f" >"$W/bf/$t/impressions-2026-11-02.csv"
    done
    "$ADR" load -q --replace --rejects "$W/rejects" "$W/bf"
    "$ADR" rollup -q
    check
    assert_exit 0 "$ADR" verify -q
    # Incremental equals a full recompute.
    local incremental
    incremental="$(stats_md5) $(counts_md5)"
    "$ADR" rollup -q --all
    assert_eq "$incremental" "$(stats_md5) $(counts_md5)" "incremental vs --all"
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_days')"
}

test_rollup_output_is_one_line_for_all_tenants() {
    generate "$W/gen" 20 2 0.02
    "$ADR" load -q --rejects "$W/rejects" "$W/gen"
    local out
    out=$("$ADR" rollup)
    assert_contains "$out" "rollup      20 tenants,"
    assert_contains "$out" "rollup total: 20 tenants,"
}

test_rollups_racing_loads_on_the_same_tenant_days_lose_nothing() {
    generate "$W/gen" 30 3 0.05
    cp "$W/gen"/*.csv "$W/"
    "$ADR" load -q --rejects "$W/rejects" "$W"/companies.csv "$W"/campaigns.csv "$W"/ads.csv
    # Loads, one file per transaction, over two connections, while rollups
    # claim and clear the very tenant-days the loads keep marking.
    "$ADR" load -q --jobs 2 --rejects "$W/rejects" "$W/gen" >"$W/load.log" 2>&1 &
    local loader=$! rollups=0
    while kill -0 "$loader" 2>/dev/null; do
        "$ADR" rollup -q
        rollups=$((rollups + 1))
    done
    wait "$loader"
    [ "$rollups" -ge 2 ] || fail "only $rollups rollups raced the load"
    # Whatever the interleaving, the marks left make the next rollup exact.
    "$ADR" rollup -q
    check
    assert_exit 0 "$ADR" verify -q
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_days')"
}

test_a_rollup_in_parts_balances_its_tenants_and_equals_one_transaction() {
    generate "$W/gen" 30 2 0.05
    "$ADR" load -q --rejects "$W/rejects" "$W/gen"
    # A load's marks count its events: the weights the parts are cut by.
    assert_eq "$(q 'SELECT (SELECT count(*) FROM impressions) + (SELECT count(*) FROM clicks)')" \
        "$(q 'SELECT sum(events) FROM adreport_dirty_days')" "events counted by the marks"
    local out w
    out=$("$ADR" rollup -v --jobs 2 --summary-json "$W/summary.json" 2>&1)
    assert_contains "$out" "rollup: part 2 of 2:"
    assert_contains "$out" "rollup      30 tenants,"
    # Each tenant whole in one part; the parts within 20 % of each other.
    w=$(echo "$out" | sed -n 's/.*rollup: part [12] of 2: \([0-9]*\) tenants, weight \([0-9]*\).*/\1 \2/p')
    assert_eq 30 "$(echo "$w" | awk '{ n += $1 } END { print n }')" "tenants in the parts"
    echo "$w" | awk '{ w[NR] = $2 } END { r = w[1] > w[2] ? w[1] / w[2] : w[2] / w[1]; exit !(r < 1.2) }' ||
        fail "unbalanced parts: $w"
    # The summary holds both parts' tenants, in company order.
    $PY - "$W/summary.json" <<'PY' || fail "summary of a rollup in parts: $(cat "$W/summary.json")"
import json, sys
r = json.load(open(sys.argv[1]))["rollup"]
ids = [t["company_id"] for t in r["by_company"]]
assert r["tenants"] == 30 and ids == sorted(ids) and len(set(ids)) == 30, ids
assert r["rows"] == sum(t["rows"] for t in r["by_company"]), r
PY
    check
    assert_exit 0 "$ADR" verify -q
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_days')"
    local parts
    parts="$(stats_md5) $(counts_md5)"
    "$ADR" rollup -q --all --jobs 1
    assert_eq "$parts" "$(stats_md5) $(counts_md5)" "two parts vs one transaction"
    # --all in parts too; --jobs is the rollup's, not verify's.
    "$ADR" rollup -q --all --jobs 3
    assert_eq "$parts" "$(stats_md5) $(counts_md5)" "three parts vs one transaction"
    assert_exit 2 "$ADR" rollup --jobs 0
    assert_exit 2 "$ADR" rollup --jobs 17
    assert_exit 2 "$ADR" verify --jobs 2
}

test_a_failing_part_rolls_back_alone_and_the_next_rollup_finishes() {
    generate "$W/gen" 12 2 0.05
    "$ADR" load -q --rejects "$W/rejects" "$W/gen"
    # Tenant 5's stats cannot be written: its part fails, the other commits.
    q "CREATE FUNCTION refuse_5() RETURNS trigger LANGUAGE plpgsql AS
         \$\$BEGIN IF NEW.company_id = 5 THEN RAISE EXCEPTION 'no stats for 5'; END IF;
                 RETURN NEW; END\$\$;
       CREATE TRIGGER refuse_5 BEFORE INSERT ON ad_daily_stats FOR EACH ROW EXECUTE FUNCTION refuse_5()"
    local rc=0 out
    out=$("$ADR" rollup --jobs 2 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code of a rollup with a failed part"
    assert_contains "$out" "no stats for 5"
    assert_eq 0 "$(q 'SELECT count(*) FROM ad_daily_stats WHERE company_id = 5')"
    # The failed part's tenants keep their stats (none) and their marks;
    # the other part's tenants are done.
    local done_tenants marked
    done_tenants=$(q 'SELECT count(DISTINCT company_id) FROM ad_daily_stats')
    marked=$(q 'SELECT count(DISTINCT company_id) FROM adreport_dirty_days')
    [ "$done_tenants" -ge 1 ] || fail "no part committed"
    assert_eq 12 "$((done_tenants + marked))" "tenants done + tenants still marked"
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_days d
                      WHERE EXISTS (SELECT 1 FROM ad_daily_stats s WHERE s.company_id = d.company_id)')" \
        "a tenant both done and marked"
    q "DROP TRIGGER refuse_5 ON ad_daily_stats"
    "$ADR" rollup -q
    check
    assert_exit 0 "$ADR" verify -q
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_days')"
}

test_killed_rollup_leaves_previous_stats_and_rerun_equals_full_recompute() {
    generate "$W/gen" 40 3 0.4
    "$ADR" load -q --rejects "$W/rejects" "$W/gen"
    "$ADR" rollup -q
    local t0 t1 ms trial before marks mine jobs left
    t0=$(date +%s%N)
    "$ADR" rollup -q --all
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000 + 20))
    for trial in 1 2 3 4 5 6 7 8 9 10; do
        # A wrong row (a "manual fix" gone bad) that only a committed rollup repairs.
        q "UPDATE ad_daily_stats SET clicks = clicks + $trial
           WHERE (company_id, ad_id, day) = (SELECT company_id, ad_id, day FROM ad_daily_stats
                                             ORDER BY company_id, ad_id, day LIMIT 1)"
        before=$(stats_md5)
        marks=$(q 'SELECT count(*) FROM adreport_dirty_days')
        # The wrong row's tenant (the first) and its marks.
        mine=$(q 'SELECT count(*) FROM adreport_dirty_days
                  WHERE company_id = (SELECT min(company_id) FROM ad_daily_stats)')
        # Odd trials: one transaction; even ones: two parts on two
        # connections, whose first transaction commits their claims.
        jobs=$((2 - trial % 2))
        "$ADR" rollup -q --all --jobs "$jobs" &
        local pid=$!
        sleep "$(awk -v r=$RANDOM -v ms=$ms 'BEGIN { printf "%.3f", r / 32768 * ms / 1000 }')"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        # The orphaned backend rolls back (or commits a COMMIT it already had).
        for _ in $(seq 100); do
            [ "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")" == 0 ] && break
            sleep 0.1
        done
        # The wrong row's tenant has the stats it had or true ones (its
        # part committed; another part's tenants were true anyway).
        if [ "$(stats_md5)" == "$before" ]; then
            assert_exit 1 "$ADR" verify -q
            if [ "$jobs" == 1 ]; then
                assert_eq "$marks" "$(q 'SELECT count(*) FROM adreport_dirty_days')" \
                    "marks after a rolled-back rollup"
            else
                # The wrong row's part did not commit: its tenant keeps its
                # marks (more, if its claim committed, as marks for the next
                # rollup).  The other part may have finished and cleared its own.
                left=$(q 'SELECT count(*) FROM adreport_dirty_days
                          WHERE company_id = (SELECT min(company_id) FROM ad_daily_stats)')
                [ "$left" -ge "$mine" ] || fail "marks of the unfinished tenant after a killed rollup in parts: $left < $mine"
            fi
        else
            assert_exit 0 "$ADR" verify -q
        fi
    done
    "$ADR" rollup -q --all
    check
    assert_exit 0 "$ADR" verify -q
}

test_events_of_an_ad_without_a_campaign_are_said_to_be_in_no_stats() {
    tiny_tenant
    load_samples
    # Another program writes an ad without a campaign (the seed allows it;
    # the loader refuses it) and two of its impressions.
    q "INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
         VALUES (9, 50, NULL, 'orphan', now(), now());
       INSERT INTO impressions (company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data)
         VALUES (50, 9, '2026-11-01 10:00', 'http://o.example', 0.5, '10.0.0.1', '{}'),
                (50, 9, '2026-11-02 10:00', 'http://o.example', 0.5, '10.0.0.2', '{}')"
    local out rc=0
    out=$("$ADR" rollup --all 2>&1) || rc=$? # a warning: not with --quiet
    assert_eq 0 "$rc" "rollup's exit code"
    assert_contains "$out" "warning: the 2 events of ad 9 of company 50 are in no stats"
    assert_contains "$out" "adreport rollup --company 50 --all"
    # --quiet hides the warning, not the count: one summary line, and the
    # summary JSON's rollup.events_without_campaign (what cron looks at).
    out=$("$ADR" rollup -q --all --summary-json "$W/s.json" 2>&1)
    assert_eq "summary: 2 events of ads without a campaign are in no stats; set the ads' campaigns, then run: adreport rollup --all" "$out" "rollup -q's output"
    assert_eq 2 "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["rollup"]["events_without_campaign"])' "$W/s.json")"
    rc=0
    out=$("$ADR" verify --company 50) || rc=$?
    assert_eq 1 "$rc" "verify's exit code"
    assert_contains "$out" "company 50 ad 9 day all events: 2 in no stats (the ad has no campaign"
    # Given a campaign, the ad's events count, and verify is content.
    q "UPDATE ads SET campaign_id = 2 WHERE company_id = 50 AND id = 9"
    out=$("$ADR" rollup -q --company 50 --all --summary-json "$W/s.json" 2>&1)
    assert_eq "" "$out" "rollup's output"
    assert_eq 0 "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["rollup"]["events_without_campaign"])' "$W/s.json")"
    assert_eq 2 "$(q "SELECT sum(impressions) FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 9")"
    assert_exit 0 "$ADR" verify -q
}

test_verify_passes_on_clean_data_and_reports_a_row_changed_by_hand() {
    tiny_tenant
    load_samples
    "$ADR" rollup -q
    local out
    out=$("$ADR" verify)
    assert_contains "$out" "equal (0 differences)"
    assert_exit 0 "$ADR" verify --company 50 --from 2026-11-01 --to 2026-11-02
    q "UPDATE ad_daily_stats SET clicks = 999, spend_usd = spend_usd + 0.01
       WHERE company_id = 50 AND ad_id = 1 AND day = '2026-11-01'"
    local rc=0
    out=$("$ADR" verify --company 50) || rc=$?
    assert_eq 1 "$rc" "verify's exit code"
    assert_contains "$out" "company 50 ad 1 day 2026-11-01 clicks: stored 999, recomputed 5"
    assert_contains "$out" "company 50 ad 1 day 2026-11-01 spend_usd: stored 3.8600000001, recomputed 3.8500000001"
    # The ads counters are right (they come from the true stats): not reported.
    case "$out" in *clicks_count*) fail "a right counter reported: $out" ;; esac
    # A day outside --from/--to is not recomputed: its stored row counts as
    # true, so only the counters, which disagree with it, are reported.
    out=$("$ADR" verify --company 50 --from 2026-11-02 --to 2026-11-02) || true
    assert_eq "company 50 ad 1 day all clicks_count: stored 5, recomputed 999" "$(echo "$out" | head -n 1)"
    assert_contains "$out" "DIFFERENT (1 differences)"
    # A missing row, and a wrong counter.
    q "DELETE FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 2 AND day = '2026-11-02';
       UPDATE ads SET impressions_count = 42 WHERE company_id = 50 AND id = 1"
    out=$("$ADR" verify --company 50) || true
    assert_contains "$out" "company 50 ad 2 day 2026-11-02 row: stored missing, recomputed present"
    assert_contains "$out" "company 50 ad 1 day all impressions_count: stored 42, recomputed 1"
    # Nothing verify did stayed behind; a rollup --all repairs everything.
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_days')"
    "$ADR" rollup -q --company 50 --all
    assert_exit 0 "$ADR" verify
    assert_exit 2 "$ADR" verify --from 2026-11-02
    assert_exit 2 "$ADR" verify --all --from 2026-11-01 --to 2026-11-02
}

test_blacklist_hosts_come_from_the_load_and_rollup_all_fills_the_missing_ones() {
    tiny_tenant
    # Hosts with LIKE's wildcards and URLs with quotes and backslashes.
    q "UPDATE campaigns SET blacklisted_site_urls = '{http://a_b.example,http://100%.example}'
       WHERE company_id = 50 AND id = 1"
    cat >"$W/in/50/clicks-2.csv" <<'CSV'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
1,2026-11-03 10:00:00,"http://a_b.example/""q""\x",1,10.0.0.1,{}
1,2026-11-03 11:00:00,http://axb.example/,2,10.0.0.1,{}
1,2026-11-03 12:00:00,http://x.100%.example/,4,10.0.0.1,{}
1,2026-11-03 13:00:00,http://100x.example/,8,10.0.0.1,{}
CSV
    "$ADR" load -q --rejects "$W/rejects" "$W/in"
    assert_eq "$(q "SELECT count(DISTINCT site_url) FROM (SELECT site_url FROM clicks UNION ALL SELECT site_url FROM impressions) s")" \
        "$(q "SELECT count(*) FROM adreport_site_hosts WHERE company_id = 50")" "site hosts recorded by the load"
    assert_eq "a_b.example" "$(q "SELECT host FROM adreport_site_hosts WHERE site_url LIKE '%\"q\"%'")"
    "$ADR" rollup -q
    check
    assert_eq "2|5.0000000000" "$(q "SELECT blacklisted_clicks||'|'||blacklisted_spend_usd FROM ad_daily_stats WHERE company_id = 50 AND day = '2026-11-03'")"
    # Events whose URLs the table lacks (loaded before it existed): rollup
    # --all records them first, and computes the same stats.
    local with
    with=$(stats_md5)
    q "TRUNCATE adreport_site_hosts"
    "$ADR" rollup -q --all
    assert_eq "$with" "$(stats_md5)" "stats without adreport_site_hosts"
    assert_eq "$(q "SELECT count(DISTINCT site_url) FROM (SELECT site_url FROM clicks UNION ALL SELECT site_url FROM impressions) s")" \
        "$(q "SELECT count(*) FROM adreport_site_hosts WHERE company_id = 50")" "hosts filled by rollup --all"
    assert_exit 0 "$ADR" verify -q --all
}

# A file with more distinct URLs than the loader keeps in memory (4096): the
# hosts of all of them are still recorded, so a late file's rollup counts
# every blacklisted event.
test_a_file_with_more_urls_than_the_loader_keeps_records_them_all() {
    tiny_tenant
    $PY - "$W/in/50/clicks-many.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n")
    for n in range(6000):
        host = "spam.example" if n % 100 == 99 else "ok.example"
        f.write("1,2026-11-04 %02d:%02d:%02d,http://u%d.%s/p%d,1,10.0.0.1,{}\n"
                % (n // 3600, n // 60 % 60, n % 60, n, host, n))
PY
    "$ADR" load -q --rejects "$W/rejects" "$W/in"
    assert_eq 6000 "$(q "SELECT count(*) FROM adreport_site_hosts WHERE company_id = 50 AND site_url ~ '^http://u[0-9]+[.]'")" \
        "URLs past the loader's memory limit recorded"
    "$ADR" rollup -q
    check
    assert_eq 60 "$(q "SELECT blacklisted_clicks FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 1 AND day = '2026-11-04'")"
}

# Events written by another program (not through the loader) have no site
# hosts: init records them, so the rollup of a day marked later by a load
# counts their blacklisted events too.
test_init_records_the_hosts_of_events_written_by_other_programs() {
    tiny_tenant
    q "INSERT INTO clicks (company_id, ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data)
       VALUES (50, 1, '2026-11-01 15:00:00', 'http://other.spam.example/app', 3, '10.0.0.2', '{}')"
    assert_eq 0 "$(q "SELECT count(*) FROM adreport_site_hosts WHERE site_url = 'http://other.spam.example/app'")"
    "$ADR" init -q
    assert_eq "other.spam.example" "$(q "SELECT host FROM adreport_site_hosts WHERE site_url = 'http://other.spam.example/app'")"
    "$ADR" rollup -q
    check
    # 3 blacklisted clicks of the file, and this one.
    assert_eq 4 "$(q "SELECT blacklisted_clicks FROM ad_daily_stats WHERE company_id = 50 AND ad_id = 1 AND day = '2026-11-01'")"
}

run_tests
