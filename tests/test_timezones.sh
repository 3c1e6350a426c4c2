#!/usr/bin/env bash
# Each tenant's own time zone: stats, marks, backfills and reports in local
# days, against an independent computation over the raw events; daylight
# saving days of 23 and 25 hours; a zone change recomputes exactly that
# tenant; unknown zones are refused.
source "$(dirname "$0")/lib.sh"

# gen OUT TENANT... - for each tenant an ad of a cost_per_impression campaign
# (1) and one of a cost_per_click campaign (2); an impression every 20
# minutes and a click every hour from 2026-10-30 00:00 to 2026-11-04 00:00
# UTC, in one file per UTC day: every local midnight of every zone is
# crossed, New York's 2026-11-01 (25 hours) is inside, and so is Havana's,
# which falls back at midnight (01:00 CDT to 00:00 CST): its day begins at
# the first midnight, 04:00 UTC, not at the second.
gen() {
    $PY - "$@" <<'PY'
import datetime as dt, os, sys
out, tenants = sys.argv[1], [int(t) for t in sys.argv[2:]]
os.makedirs(out, exist_ok=True)
with open(f"{out}/companies.csv", "w") as c, open(f"{out}/campaigns.csv", "w") as k, open(f"{out}/ads.csv", "w") as a:
    for t in tenants:
        c.write(f"{t},Tenant {t},,2026-01-01 00:00:00,2026-01-01 00:00:00\n")
        k.write(f"1,{t},Per impression,cost_per_impression,active,100,,2026-01-01 00:00:00,2026-01-01 00:00:00\n")
        k.write(f"2,{t},Per click,cost_per_click,active,100,,2026-01-01 00:00:00,2026-01-01 00:00:00\n")
        a.write(f"1,{t},1,Ad one,,,0,0,2026-01-01 00:00:00,2026-01-01 00:00:00\n")
        a.write(f"2,{t},2,Ad two,,,0,0,2026-01-01 00:00:00,2026-01-01 00:00:00\n")
start = dt.datetime(2026, 10, 30)
for t in tenants:
    os.makedirs(f"{out}/{t}", exist_ok=True)
    for d in range(5):
        day = start + dt.timedelta(days=d)
        with open(f"{out}/{t}/impressions-{day:%Y-%m-%d}.csv", "w") as f, \
             open(f"{out}/{t}/clicks-{day:%Y-%m-%d}.csv", "w") as g:
            f.write("ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n")
            g.write("ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n")
            for i in range(72):
                when = day + dt.timedelta(minutes=20 * i)
                f.write(f"{1 + i % 2},{when:%Y-%m-%d %H:%M:%S},http://s.example/{i},0.00{i % 7 + 1},10.0.{t}.{i},{{}}\n")
                if i % 3 == 0:
                    g.write(f"{1 + i % 2},{when:%Y-%m-%d %H:%M:%S},http://s.example/{i},0.{i % 9 + 1}5,10.1.{t}.{i},{{}}\n")
PY
}

# The stats of tenant T as stored, and as computed here from the raw events
# in zone Z: day, ad, impressions, clicks, spend.
stored() {
    q "SELECT day, ad_id, impressions, clicks, spend_usd FROM ad_daily_stats
       WHERE company_id = $1 ORDER BY day, ad_id"
}
independent() {
    q "SELECT day, ad_id, sum(n)::bigint, sum(c)::bigint,
              sum(CASE WHEN cm = 'cost_per_impression' THEN ic ELSE kc END)
       FROM (SELECT ((i.seen_at AT TIME ZONE 'UTC') AT TIME ZONE '$2')::date AS day, i.ad_id, 1 AS n, 0 AS c,
                    i.cost_per_impression_usd AS ic, 0 AS kc, cp.cost_model AS cm
             FROM impressions i JOIN ads a ON a.company_id = i.company_id AND a.id = i.ad_id
             JOIN campaigns cp ON cp.company_id = a.company_id AND cp.id = a.campaign_id
             WHERE i.company_id = $1
             UNION ALL
             SELECT ((k.clicked_at AT TIME ZONE 'UTC') AT TIME ZONE '$2')::date, k.ad_id, 0, 1, 0, k.cost_per_click_usd,
                    cp.cost_model
             FROM clicks k JOIN ads a ON a.company_id = k.company_id AND a.id = k.ad_id
             JOIN campaigns cp ON cp.company_id = a.company_id AND cp.id = a.campaign_id
             WHERE k.company_id = $1) e
       GROUP BY day, ad_id ORDER BY day, ad_id"
}

set_zones_and_load() {
    gen "$W/in" 1 2 3 4 5
    "$ADR" load -q "$W/in/companies.csv" "$W/in/campaigns.csv" "$W/in/ads.csv"
    "$ADR" tenant -q --company 2 --time-zone Asia/Tokyo
    "$ADR" tenant -q --company 3 --time-zone America/New_York
    "$ADR" tenant -q --company 4 --time-zone asia/kolkata # names are matched case-insensitively
    "$ADR" tenant -q --company 5 --time-zone America/Havana
    assert_exit 0 "$ADR" load -q "$W/in"
}

test_stats_are_local_days_of_each_tenants_zone() {
    set_zones_and_load
    "$ADR" rollup -q
    local t zone
    for t in 1:UTC 2:Asia/Tokyo 3:America/New_York 4:Asia/Kolkata 5:America/Havana; do
        zone=${t#*:}
        t=${t%%:*}
        diff -u <(independent "$t" "$zone") <(stored "$t") || fail "tenant $t in $zone"
    done
    # New York's 2026-11-01 has 25 hours: 75 impressions (every 20 minutes).
    assert_eq 75 "$(q "SELECT sum(impressions) FROM ad_daily_stats WHERE company_id = 3 AND day = '2026-11-01'")" \
        "impressions of the 25-hour day"
    assert_eq 72 "$(q "SELECT sum(impressions) FROM ad_daily_stats WHERE company_id = 3 AND day = '2026-11-02'")"
    # Every event counted once, in every zone.
    # Havana's 2026-11-01 begins at 04:00 UTC (00:00 CDT), and its 25 hours
    # end at 05:00 UTC on 11-02.
    assert_eq 75 "$(q "SELECT sum(impressions) FROM ad_daily_stats WHERE company_id = 5 AND day = '2026-11-01'")" \
        "impressions of Havana's 25-hour day"
    assert_eq 72 "$(q "SELECT sum(impressions) FROM ad_daily_stats WHERE company_id = 5 AND day = '2026-10-31'")"
    assert_eq "360 360 360 360 360" \
        "$(q "SELECT string_agg(n::text, ' ' ORDER BY company_id) FROM (SELECT company_id, sum(impressions) n FROM ad_daily_stats GROUP BY 1) x")"
    "$ADR" verify -q
}

test_a_zone_change_recomputes_exactly_that_tenant_and_marks_its_months() {
    set_zones_and_load
    "$ADR" rollup -q
    "$ADR" report -q --changed --out "$W/rep"
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_months')"
    local before1
    before1=$(q "SELECT md5(string_agg(s::text, ',' ORDER BY ad_id, day)) FROM ad_daily_stats s WHERE company_id = 1")
    # The application writes the table directly: Tokyo for tenant 4.
    q "UPDATE adreport_tenant_settings SET time_zone = 'Asia/Tokyo' WHERE company_id = 4"
    "$ADR" tenant --company 4 | grep -q "the next rollup recomputes" || fail "tenant does not show the pending zone"
    "$ADR" rollup -q
    diff -u <(independent 4 Asia/Tokyo) <(stored 4) || fail "tenant 4 not recomputed in its new zone"
    assert_eq "$before1" "$(q "SELECT md5(string_agg(s::text, ',' ORDER BY ad_id, day)) FROM ad_daily_stats s WHERE company_id = 1")" \
        "tenant 1 rewritten"
    assert_eq "4:2026-10-01,4:2026-11-01" \
        "$(q "SELECT string_agg(company_id || ':' || month, ',' ORDER BY company_id, month) FROM adreport_dirty_months")" \
        "months marked for reports"
    assert_eq "Asia/Tokyo" "$(q 'SELECT stats_time_zone FROM adreport_tenant_settings WHERE company_id = 4')"
    # The next rollup has nothing to do.
    assert_eq 0 "$(q 'SELECT count(*) FROM adreport_dirty_days')"
    "$ADR" report -q --changed --out "$W/rep"
    $PY - "$W/rep/4/2026-11/performance.xlsx" <<'PY'
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Summary"]
rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
assert rows["Period"] == "2026-11 (2026-11-01 to 2026-11-30, Asia/Tokyo)", rows["Period"]
assert rows["Generated"].endswith(" Asia/Tokyo"), rows["Generated"]
PY
    "$ADR" verify -q
}

test_a_backfill_of_local_days_replaces_exactly_their_events() {
    set_zones_and_load
    "$ADR" rollup -q
    # Tokyo's 2026-11-02 is 2026-11-01 15:00 to 2026-11-02 15:00 UTC.
    mkdir -p "$W/bf/2"
    {
        echo "ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data"
        echo "1,2026-11-01 15:00:00,http://new.example,0.5,10.9.9.1,{}"
        echo "1,2026-11-02 14:59:59.999999,http://new.example,0.5,10.9.9.2,{}"
        echo "1,2026-11-02 15:00:00,http://new.example,0.5,10.9.9.3,{}" # Tokyo's 11-03
        echo "1,2026-11-01 14:59:59,http://new.example,0.5,10.9.9.4,{}" # Tokyo's 11-01
    } >"$W/bf/2/impressions-new.csv"
    local other
    other=$(q "SELECT count(*) FROM impressions WHERE company_id = 2 AND ((seen_at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Tokyo')::date <> '2026-11-02'")
    local rc=0
    "$ADR" backfill -q --company 2 --from 2026-11-02 --to 2026-11-02 --reports "$W/rep" \
        --rejects "$W/rej" --max-reject-rate 0.6 "$W/bf/2/impressions-new.csv" || rc=$?
    assert_eq 3 "$rc" "backfill exit code (two rows outside the local day)"
    assert_eq "4,outside_range 5,outside_range" \
        "$($PY -c 'import csv,sys; print(" ".join(r["line"]+","+r["reason"] for r in csv.DictReader(open(sys.argv[1]))))' "$W/rej/2/impressions-new.csv.rejects.csv")"
    assert_eq 2 "$(q "SELECT count(*) FROM impressions WHERE company_id = 2 AND ((seen_at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Tokyo')::date = '2026-11-02'")" \
        "the local day holds the file's rows"
    assert_eq "$other" "$(q "SELECT count(*) FROM impressions WHERE company_id = 2 AND ((seen_at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Tokyo')::date <> '2026-11-02'")" \
        "events of other local days"
    # Clicks of the day were cleared too; the stats follow.
    assert_eq 0 "$(q "SELECT count(*) FROM clicks WHERE company_id = 2 AND ((clicked_at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Tokyo')::date = '2026-11-02'")"
    diff -u <(independent 2 Asia/Tokyo) <(stored 2)
}

test_a_backfill_of_a_day_that_falls_back_at_midnight_holds_its_first_hour() {
    set_zones_and_load
    "$ADR" rollup -q
    # Havana's 2026-11-01 is 04:00 UTC to 05:00 UTC on 11-02 (25 hours).
    mkdir -p "$W/bf/5"
    {
        echo "ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data"
        echo "1,2026-11-01 04:00:00,http://new.example,0.5,10.9.9.1,{}"  # 00:00 CDT, the day's first
        echo "1,2026-11-02 04:59:59,http://new.example,0.5,10.9.9.2,{}"  # 23:59:59 CST
        echo "1,2026-11-01 03:59:59,http://new.example,0.5,10.9.9.3,{}"  # 10-31
    } >"$W/bf/5/impressions-new.csv"
    local rc=0
    "$ADR" backfill -q --company 5 --from 2026-11-01 --to 2026-11-01 --reports "$W/rep" \
        --rejects "$W/rej" --max-reject-rate 0.5 "$W/bf/5/impressions-new.csv" || rc=$?
    assert_eq 3 "$rc" "backfill exit code (one row outside the local day)"
    assert_eq "4,outside_range" \
        "$($PY -c 'import csv,sys; print(" ".join(r["line"]+","+r["reason"] for r in csv.DictReader(open(sys.argv[1]))))' "$W/rej/5/impressions-new.csv.rejects.csv")"
    # The day's old events are gone, its first hour's too (04:00-05:00 UTC).
    assert_eq "10.9.9.1 10.9.9.2" \
        "$(q "SELECT string_agg(host(user_ip), ' ' ORDER BY seen_at) FROM impressions
              WHERE company_id = 5 AND seen_at >= '2026-11-01 04:00' AND seen_at < '2026-11-02 05:00'")"
    diff -u <(independent 5 America/Havana) <(stored 5)
    "$ADR" verify -q --company 5
}

# Two --jobs workers loading one zoned tenant's files at once: each file's
# UTC days mark two local days, and the two loads' marks overlap.  They must
# take the marks in the same order (they deadlocked when the marks went in
# hashed order).  Many small files, so the loads overlap many times.
test_parallel_loads_of_a_zoned_tenant_never_deadlock() {
    gen "$W/in" 3
    "$ADR" load -q "$W/in/companies.csv" "$W/in/campaigns.csv" "$W/in/ads.csv"
    "$ADR" tenant -q --company 3 --time-zone America/New_York
    $PY - "$W/in/3" <<'PY'
import os, sys
d = sys.argv[1]
for name in os.listdir(d):
    os.remove(os.path.join(d, name))
for n in range(240):
    with open(f"{d}/impressions-part{n:03}.csv", "w") as f:
        f.write("ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n")
        for day in range(n % 4, n % 4 + 6):
            f.write(f"1,2026-10-{10 + day:02} 12:00:{n % 60:02},http://s.example/{n},0.001,10.0.3.1,{{}}\n")
PY
    assert_exit 0 "$ADR" load -q --jobs 2 "$W/in/3"
    assert_eq 1440 "$(q "SELECT count(*) FROM impressions WHERE company_id = 3")"
    assert_eq 10 "$(q "SELECT count(*) FROM adreport_dirty_days WHERE company_id = 3")" "marks"
}

test_an_unknown_zone_exits_2_and_changes_nothing() {
    set_zones_and_load
    local out rc=0
    out=$("$ADR" tenant --company 2 --time-zone Mars/Olympus_Mons 2>&1) || rc=$?
    assert_eq 2 "$rc" "exit code"
    assert_contains "$out" 'unknown time zone "Mars/Olympus_Mons"'
    assert_contains "$out" "pg_timezone_names"
    assert_eq "Asia/Tokyo" "$(q 'SELECT time_zone FROM adreport_tenant_settings WHERE company_id = 2')"
    assert_exit 2 "$ADR" tenant --company 99 --time-zone UTC
    # The application cannot store one either.
    if q "UPDATE adreport_tenant_settings SET time_zone = 'Nowhere/Land' WHERE company_id = 2" 2>/dev/null; then
        fail "an unknown zone was stored"
    fi
}

run_tests
