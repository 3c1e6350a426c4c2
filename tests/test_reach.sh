#!/usr/bin/env bash
# Reach and frequency: the reports' reach, unique_clickers and frequency
# against count(DISTINCT user_ip) over the raw events, per ad, campaign,
# campaign-day and tenant-month; exact for small audiences, within the
# documented bounds for large ones; late data; tenant isolation; a database
# without the hll extension.
source "$(dirname "$0")/lib.sh"

# gen OUT SPEC... - entity files and per-day log files under OUT (loaded with
# `adreport load OUT`).  Each SPEC is tenant:campaigns:ads_per_campaign:days:
# users:impressions_per_day, with users drawn from a pool shared by all of
# the tenant's ads and days, so audiences overlap across days and ads.  The
# pool of IPs is the same for every tenant: a tenant's reach must not count
# another's users.  Deterministic.
gen() {
    $PY - "$@" <<'PY'
import os, random, sys
out = sys.argv[1]
specs = [tuple(int(x) for x in s.split(":")) for s in sys.argv[2:]]
os.makedirs(out, exist_ok=True)
comp = open(f"{out}/companies.csv", "w"); camp = open(f"{out}/campaigns.csv", "w")
ads = open(f"{out}/ads.csv", "w")
for t, ncamp, nads, days, users, per_day in specs:
    rnd = random.Random(t)
    comp.write(f"{t},Tenant {t},,2026-01-01 00:00:00,2026-01-01 00:00:00\n")
    ad_ids = []
    for c in range(1, ncamp + 1):
        model = "cost_per_impression" if c % 2 else "cost_per_click"
        camp.write(f"{c},{t},Campaign {c},{model},active,1000,,2026-01-01 00:00:00,2026-01-01 00:00:00\n")
        for a in range(1, nads + 1):
            ad = c * 100 + a
            ad_ids.append(ad)
            ads.write(f"{ad},{t},{c},Ad {ad},,,0,0,2026-01-01 00:00:00,2026-01-01 00:00:00\n")
    os.makedirs(f"{out}/{t}", exist_ok=True)
    ip = lambda u: f"10.{u >> 16 & 255}.{u >> 8 & 255}.{u & 255}"
    for d in range(1, days + 1):
        with open(f"{out}/{t}/impressions-2026-11-{d:02}.csv", "w") as f, \
             open(f"{out}/{t}/clicks-2026-11-{d:02}.csv", "w") as g:
            f.write("ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data\n")
            g.write("ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\n")
            for i in range(per_day):
                ad = rnd.choice(ad_ids)
                u = rnd.randrange(users)
                s = i * 86399 // per_day
                when = f"2026-11-{d:02} {s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}"
                f.write(f"{ad},{when},http://site{u % 7}.example/p,0.001,{ip(u)},{{}}\n")
                if i % 4 == 0:
                    g.write(f"{ad},{when},http://site{u % 7}.example/p,0.25,{ip(u)},{{}}\n")
PY
}

# compare CSV KEYCOLS SQL MAX_ERR - every row of the report CSV against the
# exact distinct counts SQL returns (key columns, then distinct impression
# users, distinct click users, impressions).  MAX_ERR is the largest relative
# error allowed for audiences above 1,000 users; at <= 640 users the sketch
# is exact and must equal the count.  Prints the median relative error.
compare() {
    q "$3" >"$W/exact"
    $PY - "$1" "$2" "$W/exact" "$4" <<'PY'
import csv, statistics, sys
path, keys, exact_path, max_err = sys.argv[1], sys.argv[2].split(","), sys.argv[3], float(sys.argv[4])
rows = {tuple(r[k] for k in keys): r for r in csv.DictReader(open(path, encoding="utf-8-sig"))}
errs, checked = [], 0
for line in open(exact_path):
    *key, reach, clickers, impressions = line.strip().split("|")
    r = rows.pop(tuple(key))
    for col, want in (("reach", int(reach)), ("unique_clickers", int(clickers))):
        got = int(r[col])
        if want <= 640:
            assert got == want, f"{path} {key} {col}: {got} != exact {want}"
        elif want > 1000:
            err = abs(got - want) / want
            errs.append(err)
            assert err <= max_err, f"{path} {key} {col}: {got} vs {want}: {err:.2%}"
        checked += 1
    want_freq = "" if int(reach) == 0 else None
    if want_freq == "":
        assert r["frequency"] == "", f"{key}: frequency {r['frequency']} without reach"
    else:
        freq = int(impressions) / int(r["reach"])
        assert abs(float(r["frequency"]) - freq) < 0.006, f"{key}: frequency {r['frequency']} vs {freq}"
assert checked > 0, "nothing compared"
for key, r in rows.items():  # rows without events: zero reach, empty frequency
    assert r["reach"] == "0" and r["unique_clickers"] == "0" and r["frequency"] == "", (key, r)
print(f"{path.split('/')[-1]}: {checked} figures, median error {statistics.median(errs) if errs else 0:.3%}")
if errs:
    assert statistics.median(errs) <= 0.02, f"median error {statistics.median(errs):.2%} > 2%"
PY
}

exact_campaigns() {
    echo "SELECT a.campaign_id, count(DISTINCT i.user_ip),
                 (SELECT count(DISTINCT c.user_ip) FROM clicks c JOIN ads ca ON ca.company_id = c.company_id AND ca.id = c.ad_id
                  WHERE c.company_id = $1 AND ca.campaign_id = a.campaign_id AND c.clicked_at >= '2026-11-01' AND c.clicked_at < '2026-12-01'),
                 count(*)
          FROM impressions i JOIN ads a ON a.company_id = i.company_id AND a.id = i.ad_id
          WHERE i.company_id = $1 AND i.seen_at >= '2026-11-01' AND i.seen_at < '2026-12-01'
          GROUP BY a.campaign_id ORDER BY 1"
}
exact_ads() {
    echo "SELECT i.ad_id, count(DISTINCT i.user_ip),
                 (SELECT count(DISTINCT c.user_ip) FROM clicks c
                  WHERE c.company_id = $1 AND c.ad_id = i.ad_id AND c.clicked_at >= '2026-11-01' AND c.clicked_at < '2026-12-01'),
                 count(*)
          FROM impressions i
          WHERE i.company_id = $1 AND i.seen_at >= '2026-11-01' AND i.seen_at < '2026-12-01'
          GROUP BY i.ad_id ORDER BY 1"
}
exact_daily() {
    echo "SELECT to_char(x.day, 'YYYY-MM-DD'), x.campaign_id, x.users,
                 (SELECT count(DISTINCT c.user_ip) FROM clicks c JOIN ads ca ON ca.company_id = c.company_id AND ca.id = c.ad_id
                  WHERE c.company_id = $1 AND ca.campaign_id = x.campaign_id AND c.clicked_at::date = x.day),
                 x.n
          FROM (SELECT i.seen_at::date AS day, a.campaign_id, count(DISTINCT i.user_ip) AS users, count(*) AS n
                FROM impressions i JOIN ads a ON a.company_id = i.company_id AND a.id = i.ad_id
                WHERE i.company_id = $1 AND i.seen_at >= '2026-11-01' AND i.seen_at < '2026-12-01'
                GROUP BY 1, 2) x
          ORDER BY 1, 2"
}
exact_tenant() {
    q "SELECT count(DISTINCT user_ip) FROM impressions WHERE company_id = $1"
}

# The Summary sheet's value for a label.
summary_value() {
    $PY - "$1" "$2" <<'PY'
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["Summary"]
for row in ws.iter_rows(values_only=True):
    if row and row[0] == sys.argv[2]:
        print(row[1]); break
PY
}

report_month() { "$ADR" report -q --all --month 2026-11 --out "$W/rep"; }

test_small_audiences_are_exact_everywhere() {
    gen "$W/in" 1:2:2:3:60:150
    assert_exit 0 "$ADR" load -q "$W/in"
    "$ADR" rollup -q
    report_month
    compare "$W/rep/1/2026-11/campaigns.csv" campaign_id "$(exact_campaigns 1)" 0
    compare "$W/rep/1/2026-11/ads.csv" ad_id "$(exact_ads 1)" 0
    compare "$W/rep/1/2026-11/daily.csv" day,campaign_id "$(exact_daily 1)" 0
    assert_eq "$(exact_tenant 1)" "$(summary_value "$W/rep/1/2026-11/performance.xlsx" Reach)" "tenant reach"
}

test_large_audiences_are_within_the_documented_error() {
    # 2 campaigns x 2 ads, 5 days, 40,000 users, 12,000 impressions a day:
    # campaign-months around 17,000 users, ad-months around 10,000.
    gen "$W/in" 1:2:2:5:40000:12000
    assert_exit 0 "$ADR" load -q "$W/in"
    "$ADR" rollup -q
    report_month
    compare "$W/rep/1/2026-11/campaigns.csv" campaign_id "$(exact_campaigns 1)" 0.05
    compare "$W/rep/1/2026-11/ads.csv" ad_id "$(exact_ads 1)" 0.05
    compare "$W/rep/1/2026-11/daily.csv" day,campaign_id "$(exact_daily 1)" 0.05
    local exact got
    exact=$(exact_tenant 1)
    got=$(summary_value "$W/rep/1/2026-11/performance.xlsx" Reach)
    $PY -c "import sys; e, g = int(sys.argv[1]), int(sys.argv[2]); assert abs(g - e) / e <= 0.05, (g, e)" "$exact" "$got"
}

# The aggregations of a plan (auto_explain's text, on stdin) whose group key
# holds ad_id, one per line: "HashAggregate" or "GroupAggregate".
stats_aggregations() {
    awk '/(Hash|Group)Aggregate/ { node = ($0 ~ /HashAggregate/) ? "HashAggregate" : "GroupAggregate" }
         /Group Key:.*ad_id, .*day/ && node { print node; node = "" }'
}

test_sketches_are_grouped_sorted_never_hashed() {
    # Each group holds two HyperLogLog states of 128 KB: the planner, left to
    # itself, hashed a nightly claim's 656 ad-days and spilled in 59 batches.
    gen "$W/in" 1:2:2:3:300:150 2:2:2:3:300:150 3:1:3:3:300:150
    assert_exit 0 "$ADR" load -q "$W/in"
    local plan="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c client_min_messages=log"
    PGOPTIONS="$plan" "$ADR" rollup -q --jobs 1 >"$W/rollup.out" 2>&1
    sed -n '/INSERT INTO ad_daily_stats/,/duration:/p' "$W/rollup.out" | stats_aggregations >"$W/aggs"
    assert_eq GroupAggregate "$(sort -u "$W/aggs")" "the rollup's stats aggregation"
    PGOPTIONS="$plan" "$ADR" verify -q >"$W/verify.out" 2>&1
    grep -q "GroupAggregate" "$W/verify.out" || fail "no plan of verify's statement"
    case "$(stats_aggregations <"$W/verify.out")" in *HashAggregate*) fail "verify hashed the sketches" ;; esac
    assert_exit 0 "$ADR" verify -q
}

test_a_late_day_changes_the_month_reach() {
    gen "$W/in" 1:2:2:4:300:120
    mkdir -p "$W/late/1"
    mv "$W/in/1/impressions-2026-11-04.csv" "$W/in/1/clicks-2026-11-04.csv" "$W/late/1/"
    assert_exit 0 "$ADR" load -q "$W/in"
    "$ADR" rollup -q
    report_month
    local before
    before=$(summary_value "$W/rep/1/2026-11/performance.xlsx" Reach)
    assert_eq "$(exact_tenant 1)" "$before" "reach before the late day"
    assert_exit 0 "$ADR" load -q "$W/late"
    "$ADR" rollup -q
    report_month
    assert_eq "$(exact_tenant 1)" "$(summary_value "$W/rep/1/2026-11/performance.xlsx" Reach)" "reach after"
    compare "$W/rep/1/2026-11/campaigns.csv" campaign_id "$(exact_campaigns 1)" 0
}

test_a_tenants_reach_never_counts_another_tenants_users() {
    # Same IP pool, same ad ids: tenant 2 sees many more users.
    gen "$W/in" 1:1:1:2:50:80 2:1:1:2:500:900
    assert_exit 0 "$ADR" load -q "$W/in"
    "$ADR" rollup -q
    report_month
    assert_eq "$(exact_tenant 1)" "$(summary_value "$W/rep/1/2026-11/performance.xlsx" Reach)" "tenant 1"
    assert_eq "$(exact_tenant 2)" "$(summary_value "$W/rep/2/2026-11/performance.xlsx" Reach)" "tenant 2"
    compare "$W/rep/1/2026-11/campaigns.csv" campaign_id "$(exact_campaigns 1)" 0
}

# A database where init cannot create hll (a role that may not create
# extensions): init says so once and succeeds; reports leave the three
# columns out and the Summary says why.  Creating the extension and running
# init + rollup turns reach on, with exact numbers.
test_without_hll_reports_omit_reach_and_init_plus_rollup_turns_it_on() {
    local db=${PGDATABASE}_nohll out
    q "DO \$\$ BEGIN CREATE ROLE adr_nohll LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
    createdb -O adr_nohll "$db"
    out=$("$ADR" init --db "dbname=$db user=adr_nohll" 2>&1)
    assert_contains "$out" "reach and frequency are off"
    assert_contains "$out" "HINT:"
    [ "$(grep -c 'reach and frequency are off' <<<"$out")" == 1 ] || fail "said more than once: $out"
    gen "$W/in" 1:2:2:3:60:150
    local a=(--db "dbname=$db user=adr_nohll")
    assert_exit 0 "$ADR" load -q "${a[@]}" "$W/in"
    "$ADR" rollup -q "${a[@]}"
    "$ADR" report -q "${a[@]}" --all --month 2026-11 --out "$W/rep"
    local header
    header=$(head -1 "$W/rep/1/2026-11/campaigns.csv")
    case "$header" in *reach* | *frequency* | *unique_clickers*) fail "reach columns without hll: $header" ;; esac
    assert_contains "$header" "impressions,clicks,ctr"
    assert_contains "$(summary_value "$W/rep/1/2026-11/performance.xlsx" Reach)" "hll"
    # An administrator installs the extension; init + rollup turn reach on.
    psql -X -q -d "$db" -c "CREATE EXTENSION hll"
    "$ADR" init -q --db "dbname=$db"
    "$ADR" rollup -q "${a[@]}"
    "$ADR" report -q "${a[@]}" --all --month 2026-11 --out "$W/rep"
    assert_contains "$(head -1 "$W/rep/1/2026-11/campaigns.csv")" "clicks,reach,unique_clickers,frequency,ctr"
    PGDATABASE=$db compare "$W/rep/1/2026-11/campaigns.csv" campaign_id "$(exact_campaigns 1)" 0
}

run_tests
