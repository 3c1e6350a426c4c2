#!/usr/bin/env bash
# Integration tests of `adreport report`: exact CSV text (quoting, formula
# injection, money rounding, ratios from summed parts, pacing), tenant
# isolation, the XLSX read back, atomic publishing on failure, --changed.
source "$(dirname "$0")/lib.sh"

# Two tenants whose ids overlap (campaign 10 and ad 100 exist in both), with
# names that break naive CSV writers (and a control character XML cannot
# hold), plus an empty tenant 3.  Stats are
# inserted directly: the rollup is not under test here.
seed() {
    q "INSERT INTO companies VALUES
         (1, E'Acme, \"Widgets\"\nLtd Ünïcødé', NULL, now(), now()),
         (2, 'SECRET-TENANT-2', NULL, now(), now()),
         (3, 'Empty Co', NULL, now(), now())"
    q "INSERT INTO campaigns VALUES
         (10, 1, '=HYPERLINK(\"http://evil.example\",\"click\")', 'cpc', 'running', 100, NULL, now(), now()),
         (11, 1, E'Brand, \"Q1\"\nSüd', 'cpm', 'paused', NULL, NULL, now(), now()),
         (12, 1, E'-idle\x01', 'cpc', 'archived', 50, NULL, now(), now()),
         (13, 1, '+zero budget', 'cpc', 'running', 0, NULL, now(), now()),
         (10, 2, 'SECRET2 campaign', 'cpc', 'running', 5, NULL, now(), now())"
    q "INSERT INTO ads VALUES
         (100, 1, 10, '@ad one', NULL, NULL, 0, 0, now(), now()),
         (101, 1, 10, 'plain ad', NULL, NULL, 0, 0, now(), now()),
         (102, 1, 11, E'\tTabbed', NULL, NULL, 0, 0, now(), now()),
         (103, 1, 12, 'idle ad', NULL, NULL, 0, 0, now(), now()),
         (104, 1, 13, 'zero', NULL, NULL, 0, 0, now(), now()),
         (100, 2, 10, 'SECRET2 ad', NULL, NULL, 0, 0, now(), now())"
    q "INSERT INTO ad_daily_stats (company_id, ad_id, day, campaign_id, impressions, clicks,
                                   spend_usd, blacklisted_spend_usd) VALUES
         (1, 100, '2024-02-29', 10, 999999, 9999, 999, 0),
         (1, 100, '2024-03-01', 10, 1000, 10, 0.0025, 0),
         (1, 100, '2024-03-02', 10, 2000, 5, 0.0025, 0),
         (1, 101, '2024-03-02', 10, 1, 0, 0.5, 0.125),
         (1, 102, '2024-03-03', 11, 3, 1, 2.675, 0),
         (1, 104, '2024-03-05', 13, 10, 0, 1.005, 0),
         (1, 100, '2024-04-01', 10, 888888, 8888, 888, 0),
         (2, 100, '2024-03-01', 10, 5, 5, 99.999, 1)"
    # Reach sketches: each row's users are 1..min(count, 40), so every
    # union of rows (an ad's month, a campaign's day) reaches the largest
    # of its rows, never their sum.
    q "UPDATE ad_daily_stats SET
         reach_sketch = (SELECT hll_add_agg(hll_hash_integer(g), 13, 5, -1, 1)
                         FROM generate_series(1, least(impressions, 40)::int) g),
         clickers_sketch = (SELECT hll_add_agg(hll_hash_integer(g), 13, 5, -1, 1)
                            FROM generate_series(1, least(clicks, 40)::int) g)"
}

# expect_file FILE RECORD... - FILE holds exactly these CSV records, each
# ended by CRLF (a record may itself hold a quoted line break), after the
# UTF-8 byte-order mark (the default; NO_BOM=1 expects none).
expect_file() {
    local file=$1
    shift
    { [ -n "${NO_BOM:-}" ] || printf '\xef\xbb\xbf'; printf '%s\r\n' "$@"; } >"$file.expected"
    if ! cmp -s "$file.expected" "$file"; then
        diff -u <(cat -A "$file.expected") <(cat -A "$file") >&2 || true
        fail "$file differs from the expected text"
    fi
    rm -f "$file.expected"
}

CAMPAIGNS_HEADER=campaign_id,campaign_name,state,cost_model,monthly_budget_usd,impressions,clicks,reach,unique_clickers,frequency,ctr,spend_usd,cpc_usd,cpm_usd,budget_pacing,blacklisted_spend_usd
ADS_HEADER=ad_id,ad_name,campaign_id,campaign_name,impressions,clicks,reach,unique_clickers,frequency,ctr,spend_usd,cpc_usd,cpm_usd
DAILY_HEADER=day,campaign_id,campaign_name,impressions,clicks,reach,unique_clickers,frequency,ctr,spend_usd
C10='"'"'"'=HYPERLINK(""http://evil.example"",""click"")"'
C11='"Brand, ""Q1""'$'\n''Süd"'

test_month_report_csv_is_exact() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/out"
    local d="$W/out/1/2024-03"
    # 10: ratios from sums (15/3001, not the mean of the days' ratios); the
    #     spend 0.0025+0.0025+0.5 = 0.505 rounds half away from zero to 0.51;
    #     pacing 0.505 / (100 * 31/31); blacklisted 0.125 -> 0.13.
    # 11: 2.675 -> 2.68 (a double would give 2.67); no budget: no pacing.
    # 12: idle: zeros, empty ratios, pacing 0 of a 50 budget.
    # 13: 1.005 -> 1.01; no clicks: no cpc; budget 0: no pacing.
    # Reach is the union of the rows' users (10: ads 100 and 101 reach 40
    # and 1 of the same users: 40), frequency impressions / reach (3001/40 =
    # 75.025 -> 75.03); idle: 0, 0, empty.
    expect_file "$d/campaigns.csv" "$CAMPAIGNS_HEADER" \
        "10,$C10,running,cpc,100.00,3001,15,40,10,75.03,0.004998,0.51,0.03,0.17,0.005050,0.13" \
        "11,$C11,paused,cpm,,3,1,3,1,1.00,0.333333,2.68,2.68,891.67,,0.00" \
        "12,'-idle"$'\x01'",archived,cpc,50.00,0,0,0,0,,,0.00,,,0.000000,0.00" \
        "13,'+zero budget,running,cpc,0.00,10,0,10,0,1.00,0.000000,1.01,,100.50,,0.00"
    # 100: 0.0025 + 0.0025 = 0.005 -> 0.01, though each day shows 0.00.
    expect_file "$d/ads.csv" "$ADS_HEADER" \
        "100,'@ad one,10,$C10,3000,15,40,10,75.00,0.005000,0.01,0.00,0.00" \
        "101,plain ad,10,$C10,1,0,1,0,1.00,0.000000,0.50,,500.00" \
        "102,'"$'\t'"Tabbed,11,$C11,3,1,3,1,1.00,0.333333,2.68,2.68,891.67" \
        "103,idle ad,12,'-idle"$'\x01'",0,0,0,0,,,0.00,," \
        "104,zero,13,'+zero budget,10,0,10,0,1.00,0.000000,1.01,,100.50"
    # 2024-03-02: 2001 impressions over 40 users: 50.025 -> 50.03.
    expect_file "$d/daily.csv" "$DAILY_HEADER" \
        "2024-03-01,10,$C10,1000,10,40,10,25.00,0.010000,0.00" \
        "2024-03-02,10,$C10,2001,5,40,5,50.03,0.002499,0.50" \
        "2024-03-03,11,$C11,3,1,3,1,1.00,0.333333,2.68" \
        "2024-03-05,13,'+zero budget,10,0,10,0,1.00,0.000000,1.01"
    [ -s "$d/performance.xlsx" ] || fail "no performance.xlsx"
}

test_csv_parses_back_to_the_names() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --format csv --out "$W/out"
    $PY - "$W/out/1/2024-03/campaigns.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
assert rows[1][1] == "'=HYPERLINK(\"http://evil.example\",\"click\")", rows[1]
assert rows[2][1] == 'Brand, "Q1"\nSüd', rows[2]
assert all(len(r) == 16 for r in rows), rows
PY
    [ ! -e "$W/out/1/2024-03/performance.xlsx" ] || fail "--format csv wrote an xlsx"
}

test_tenants_are_isolated() {
    seed
    "$ADR" report -q --all --month 2024-03 --out "$W/out"
    # Tenant 2 shares campaign id 10 and ad id 100 with tenant 1.
    expect_file "$W/out/2/2024-03/campaigns.csv" "$CAMPAIGNS_HEADER" \
        "10,SECRET2 campaign,running,cpc,5.00,5,5,5,5,1.00,1.000000,100.00,20.00,19999.80,19.999800,1.00"
    $PY - "$W/out/1" <<'PY'
import os, sys, zipfile
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        path = os.path.join(folder, name)
        if name.endswith(".xlsx"):
            text = "".join(zipfile.ZipFile(path).read(n).decode("utf-8", "replace")
                           for n in zipfile.ZipFile(path).namelist())
        else:
            text = open(path, encoding="utf-8").read()
        assert "SECRET" not in text, f"tenant 2 text in {path}"
PY
    # Paths hold only ids and dates.
    local bad
    bad=$(cd "$W/out" && find . -mindepth 1 | grep -Ev '^\./[0-9]+(/index\.json|/2024-03(/(campaigns|ads|daily)\.csv|/performance\.xlsx)?)?$' || true)
    assert_eq "" "$bad" "unexpected paths"
    # Tenant 3 has nothing: header-only CSVs.
    expect_file "$W/out/3/2024-03/campaigns.csv" "$CAMPAIGNS_HEADER"
    expect_file "$W/out/3/2024-03/daily.csv" "$DAILY_HEADER"
}

test_xlsx_matches_the_csv() {
    seed
    "$ADR" report -q --company 1 --company 3 --month 2024-03 --out "$W/out"
    # Totals: 3014 impressions, 16 clicks, spend 4.185 -> 4.19.
    $PY tests/check_xlsx.py "$W/out/1/2024-03/performance.xlsx" "$W/out/1/2024-03" \
        'Tenant=Acme, "Widgets"'$'\n''Ltd Ünïcødé' \
        "Company ID=1" "Period=2024-03 (2024-03-01 to 2024-03-31, UTC)" \
        "Campaigns=4" "Ads=5" "Impressions=3014" "Clicks=16" "Reach=40" "Unique clickers=10" \
        "Frequency=75.35" "CTR=0.005309" \
        "Spend (USD)=4.19" "CPC (USD)=0.26" "CPM (USD)=1.39" "Blacklisted spend (USD)=0.13"
    # No campaigns: no bar chart, still a valid workbook.
    $PY tests/check_xlsx.py "$W/out/3/2024-03/performance.xlsx" "$W/out/3/2024-03" \
        "Tenant=Empty Co" "Campaigns=0" "Impressions=0" "Spend (USD)=0"
    # The Summary's day table covers every day of the month.
    $PY - "$W/out/1/2024-03/performance.xlsx" <<'PY'
import datetime, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Summary"]
days = [r for r in ws.iter_rows(values_only=True) if isinstance(r[0], datetime.datetime)]
assert len(days) == 31, len(days)
assert days[1][:3] == (datetime.datetime(2024, 3, 2), 2001, 5), days[1]
assert days[3][:3] == (datetime.datetime(2024, 3, 4), 0, 0), days[3]
PY
}

# The bug of issue 16: reversing libxlsxwriter's x_axis of a bar chart
# reverses the value axis (c:valAx).  Read the chart XML itself.
test_xlsx_bar_chart_lists_campaigns_top_down_growing_from_zero() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --format xlsx --out "$W/out"
    $PY - "$W/out/1/2024-03/performance.xlsx" <<'PY'
import sys
sys.path.insert(0, "tests")
from check_xlsx import chart_axes
axes = chart_axes(sys.argv[1])
assert set(axes) == {"lineChart", "barChart/bar"}, axes
bar = axes["barChart/bar"]
assert bar["catAx"]["orientation"] == "maxMin", bar  # campaigns top down, in sheet order
assert bar["valAx"]["orientation"] == "minMax", bar  # 0 on the left, bars grow right
assert bar["valAx"]["crosses"] == "max", bar         # the value axis at the bottom
line = axes["lineChart"]
assert line["catAx"]["orientation"] == line["valAx"]["orientation"] == "minMax", line
PY
}

test_xlsx_page_setup_reads_back() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --format xlsx --out "$W/out"
    $PY - "$W/out/1/2024-03/performance.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    assert ws.page_setup.orientation == "landscape", ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    # '&' starts a footer code: the tenant's "&" is doubled, its line break a space
    assert ws.oddFooter.left.text.startswith('Acme, "Widgets" Ltd Ünïcødé (company 1)'), ws.oddFooter.left.text
    assert ws.oddFooter.center.text == "Month 2024-03-01 to 2024-03-31", ws.oddFooter.center.text
    assert ws.oddFooter.right.text == "Page &P of &N", ws.oddFooter.right.text
s = wb["Summary"]
assert (s.page_setup.fitToWidth or 1, s.page_setup.fitToHeight or 1) == (1, 1)
assert s.print_area and s.print_title_rows is None, (s.print_area, s.print_title_rows)
for name in ("Campaigns", "Ads", "Daily"):
    ws = wb[name]
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), name
    assert ws.print_title_rows.replace("$", "") == "1:1", (name, ws.print_title_rows)
PY
}

test_footer_escapes_ampersands_and_fits_excels_limit() {
    seed
    q "UPDATE companies SET name = 'R&D &P ' || repeat('長い名前', 60) WHERE id = 1"
    "$ADR" report -q --company 1 --month 2024-03 --format xlsx --out "$W/out"
    $PY - "$W/out/1/2024-03/performance.xlsx" <<'PY'
import sys, zipfile, re, html
xml = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode()
footer = html.unescape(re.search(r"<oddFooter>(.*?)</oddFooter>", xml).group(1))
assert footer.startswith("&LR&&D &&P 長い名前"), footer
assert len(footer) <= 255, len(footer)
assert "... (company 1)&C" in footer, footer
PY
}

# lo_pdf XLSX OUTDIR - convert with LibreOffice, as a customer without Excel.
lo_pdf() {
    timeout 180 libreoffice --headless "-env:UserInstallation=file://$W/lo-profile" \
        --convert-to pdf --outdir "$2" "$1" >"$W/lo.log" 2>&1 ||
        { cat "$W/lo.log"; fail "libreoffice could not convert the workbook"; }
    [ -s "$2/$(basename "$1" .xlsx).pdf" ] || { cat "$W/lo.log"; fail "no pdf"; }
}

test_xlsx_opens_in_libreoffice() {
    command -v libreoffice >/dev/null || { echo "libreoffice not installed: skipped"; return 0; }
    seed
    "$ADR" report -q --company 1 --month 2024-03 --format xlsx --out "$W/out"
    lo_pdf "$W/out/1/2024-03/performance.xlsx" "$W/pdf"
}

# Printed (LibreOffice -> PDF): the Summary is page 1 and only page 1, with
# the tenant block, the KPIs and both charts; a data sheet longer than a
# page repeats its header row on every page.  The pages are rendered to PNG
# (kept in $ADR_PREVIEW_DIR when set) for a reviewer to look at.
test_summary_prints_on_one_page_and_data_sheets_repeat_their_header() {
    command -v libreoffice >/dev/null || { echo "libreoffice not installed: skipped"; return 0; }
    command -v pdftotext >/dev/null || { echo "poppler-utils not installed: skipped"; return 0; }
    seed
    # 150 more ads: the Ads sheet needs several pages.
    q "INSERT INTO ads (id, company_id, campaign_id, name, image_url, target_url, impressions_count,
                        clicks_count, created_at, updated_at)
       SELECT 1000 + g, 1, 10, 'filler ad ' || g, NULL, NULL, 0, 0, now(), now()
       FROM generate_series(1, 150) g"
    "$ADR" report -q --company 1 --month 2024-03 --format xlsx --out "$W/out"
    lo_pdf "$W/out/1/2024-03/performance.xlsx" "$W/pdf"
    local pdf="$W/pdf/performance.pdf" pages p text
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
    text=$(pdftotext -f 1 -l 1 -layout "$pdf" -)
    for want in "Performance report" "Company ID" "Data through" "Impressions" "3,014" \
        "CTR" "0.53%" "Spend (USD)" "\$4.19" "CPC (USD)" "\$0.26" "CPM (USD)" "\$1.39" \
        "Blacklisted spend (USD)" "\$0.13" "Daily impressions and clicks" "Spend by campaign" \
        "Page 1 of $pages"; do
        assert_contains "$text" "${want//\\/}" "page 1 (the Summary)"
    done
    # Page 2 is the Campaigns sheet: the Summary took exactly one page.
    text=$(pdftotext -f 2 -l 2 -layout "$pdf" -)
    assert_contains "$text" "campaign_id" "page 2 (Campaigns)"
    # Every page of the Ads sheet starts with its header row.
    local ads_pages=0
    for ((p = 3; p <= pages; p++)); do
        text=$(pdftotext -f "$p" -l "$p" -layout "$pdf" -)
        case "$text" in *"filler ad"*) ;; *) continue ;; esac
        ads_pages=$((ads_pages + 1))
        assert_contains "$(printf '%s\n' "$text" | grep -m1 .)" "ad_id" "first line of Ads page $p"
        assert_contains "$text" "Page $p of $pages" "footer of page $p"
    done
    [ "$ads_pages" -ge 2 ] || fail "the Ads sheet printed on $ads_pages page(s), expected several"
    if command -v pdftoppm >/dev/null; then
        local png=${ADR_PREVIEW_DIR:-$W/png}
        mkdir -p "$png"
        pdftoppm -r 60 -png "$pdf" "$png/performance-page"
        [ -s "$png/performance-page-1.png" ] || [ -s "$png/performance-page-01.png" ] ||
            fail "pdftoppm rendered no page"
    fi
}

test_csv_starts_with_a_bom_unless_no_bom() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --format csv --out "$W/out"
    assert_eq "efbbbf" "$(head -c 3 "$W/out/1/2024-03/ads.csv" | od -An -tx1 | tr -d ' ')" "start of ads.csv"
    "$ADR" report -q --company 1 --month 2024-03 --format csv --no-bom --out "$W/out"
    NO_BOM=1 expect_file "$W/out/1/2024-03/daily.csv" "$DAILY_HEADER" \
        "2024-03-01,10,$C10,1000,10,40,10,25.00,0.010000,0.00" \
        "2024-03-02,10,$C10,2001,5,40,5,50.03,0.002499,0.50" \
        "2024-03-03,11,$C11,3,1,3,1,1.00,0.333333,2.68" \
        "2024-03-05,13,'+zero budget,10,0,10,0,1.00,0.000000,1.01"
    "$ADR" report -q --company 1 --month 2024-03 --format csv --bom --out "$W/out"
    assert_eq "efbbbf" "$(head -c 3 "$W/out/1/2024-03/ads.csv" | od -An -tx1 | tr -d ' ')" "--bom"
}

# --- the download manifest, reports/<company_id>/index.json -----------------

test_manifest_lists_every_folder_with_sizes_and_hashes() {
    seed
    q "INSERT INTO clicks (company_id, ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data)
       VALUES (1, 100, '2024-03-05 23:59:59', 'http://a.example', 0.1, '10.0.0.1', '{}')"
    q "INSERT INTO impressions (company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data)
       VALUES (1, 100, '2024-03-04 10:00:00', 'http://a.example', 0.1, '10.0.0.1', '{}'),
              (2, 100, '2024-04-09 10:00:00', 'http://a.example', 0.1, '10.0.0.1', '{}')"
    "$ADR" report -q --all --month 2024-03 --out "$W/out"
    "$ADR" report -q --company 1 --month 2024-04 --format csv --out "$W/out"
    "$ADR" report -q --company 1 --from 2024-02-29 --to 2024-03-01 --out "$W/out"
    : >"$W/out/1/2024-03/.ads.csv.tmp.4194303" # a killed writer's file: never listed
    $PY tests/check_manifest.py "$W/out/1"
    $PY tests/check_manifest.py "$W/out/2"
    $PY tests/check_manifest.py "$W/out/3"
    $PY - "$W/out" <<'PY'
import json, sys
out = sys.argv[1]
index = json.load(open(f"{out}/1/index.json"))
reports = {r["folder"]: r for r in index["reports"]}
assert list(reports) == ["2024-02-29_2024-03-01", "2024-03", "2024-04"], list(reports)
m = reports["2024-03"]
assert m["period"] == {"type": "month", "from": "2024-03-01", "to": "2024-03-31"}, m["period"]
assert reports["2024-02-29_2024-03-01"]["period"] == {"type": "range", "from": "2024-02-29", "to": "2024-03-01"}
assert m["time_zone"] == "UTC" and m["updating"] is False, m
assert m["data_through"] == "2024-03-05", m["data_through"]  # the latest event day, clicks or impressions
assert [f["name"] for f in m["files"]] == ["ads.csv", "campaigns.csv", "daily.csv", "performance.xlsx"]
assert [f["name"] for f in reports["2024-04"]["files"]] == ["ads.csv", "campaigns.csv", "daily.csv"]
# Tenant 2's own events; tenant 3 has none.
assert json.load(open(f"{out}/2/index.json"))["reports"][0]["data_through"] == "2024-04-09"
assert json.load(open(f"{out}/3/index.json"))["reports"][0]["data_through"] is None
PY
}

test_manifest_keeps_the_metadata_of_folders_not_rewritten() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/out"
    local before after
    before=$($PY tests/check_manifest.py "$W/out/1" --folder 2024-03)
    sleep 1.1 # a later generation time
    q "INSERT INTO clicks (company_id, ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data)
       VALUES (1, 100, '2024-04-02 10:00:00', 'http://a.example', 0.1, '10.0.0.1', '{}')"
    "$ADR" report -q --company 1 --month 2024-04 --out "$W/out"
    after=$($PY tests/check_manifest.py "$W/out/1" --folder 2024-03)
    assert_eq "$before" "$after" "the entry of 2024-03 after writing 2024-04"
    assert_contains "$($PY tests/check_manifest.py "$W/out/1" --folder 2024-04)" '"data_through": "2024-04-02"'
    # A folder from before manifests (no entry): listed, dated by its files.
    mkdir "$W/out/1/2023-12"
    cp "$W/out/1/2024-03/ads.csv" "$W/out/1/2023-12/"
    rm "$W/out/1/index.json"
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/out"
    assert_contains "$($PY tests/check_manifest.py "$W/out/1" --folder 2023-12)" '"data_through": null'
}

# strace kills the report as it renames its second CSV into place: the
# manifest had withdrawn that folder before the first rename, so no listed
# hash is stale; the next report lists it again.
test_manifest_matches_the_files_after_a_report_killed_mid_publish() {
    if ! strace -f -qq -o /dev/null true 2>/dev/null; then
        echo "strace missing or not allowed to trace here: skipped"
        return 0
    fi
    seed
    "$ADR" report -q --company 1 --month 2024-02 --out "$W/out"
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/out"
    q "UPDATE ad_daily_stats SET impressions = impressions + 1 WHERE company_id = 1"
    local rc=0
    # renames: index.json (withdraw), campaigns.csv, then ads.csv: killed there
    strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=3 \
        "$ADR" report -q --company 1 --month 2024-03 --out "$W/out" || rc=$?
    assert_eq 137 "$rc" "exit status of the report killed at its third rename()"
    $PY tests/check_manifest.py "$W/out/1"
    assert_contains "$($PY tests/check_manifest.py "$W/out/1" --folder 2024-03)" '"updating": true'
    assert_contains "$($PY tests/check_manifest.py "$W/out/1" --folder 2024-02)" '"updating": false'
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/out"
    $PY tests/check_manifest.py "$W/out/1"
    assert_contains "$($PY tests/check_manifest.py "$W/out/1" --folder 2024-03)" '"updating": false'
}

test_manifest_escapes_any_file_name_as_json() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --format csv --out "$W/out"
    cp "$W/out/1/2024-03/ads.csv" "$W/out/1/2024-03/"$'we "quote"\\ and\ttab \xff.csv'
    "$ADR" report -q --company 1 --month 2024-03 --format csv --out "$W/out"
    $PY - "$W/out/1/index.json" <<'PY'
import json, sys
names = [f["name"] for f in json.load(open(sys.argv[1], encoding="utf-8"))["reports"][0]["files"]]
assert 'we "quote"\\ and\ttab \ufffd.csv' in names, names
PY
}

# csv_column FILE NAME - the values of column NAME, one per line (parsed as
# CSV: names hold commas and line breaks).
csv_column() {
    $PY - "$1" "$2" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8-sig")))
i = rows[0].index(sys.argv[2])
print("\n".join(r[i] for r in rows[1:]))
PY
}

test_current_month_paces_by_elapsed_days() {
    seed
    local yesterday want
    yesterday=$(date -u -d yesterday +%F)
    q "INSERT INTO ad_daily_stats (company_id, ad_id, day, campaign_id, impressions, clicks, spend_usd)
       VALUES (1, 100, '$yesterday', 10, 100, 1, 10)"
    # No --month: the month of yesterday, elapsed up to and including yesterday.
    "$ADR" report -q --company 1 --format csv --out "$W/out"
    want=$($PY - "$yesterday" <<'PY'
import calendar, datetime, decimal, sys
y = datetime.date.fromisoformat(sys.argv[1])
days = calendar.monthrange(y.year, y.month)[1]
pacing = decimal.Decimal(10) * days / (100 * y.day)  # spend / (budget * day / days)
print(pacing.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_UP))
PY
)
    assert_eq "$want" "$(csv_column "$W/out/1/${yesterday:0:7}/campaigns.csv" budget_pacing | head -n 1)" \
        "pacing of campaign 10 (spend 10, budget 100, elapsed to $yesterday)"
}

test_future_month_and_range_have_no_pacing() {
    seed
    "$ADR" report -q --company 1 --month 2999-01 --format csv --out "$W/out"
    assert_eq ",,," "$(csv_column "$W/out/1/2999-01/campaigns.csv" budget_pacing | paste -sd,)" \
        "pacing of a month that has not started"
    "$ADR" report -q --company 1 --from 2024-02-29 --to 2024-03-01 --format csv --out "$W/out"
    local d="$W/out/1/2024-02-29_2024-03-01"
    assert_eq "1000999,0,0,0" "$(csv_column "$d/campaigns.csv" impressions | paste -sd,)"
    assert_eq ",,," "$(csv_column "$d/campaigns.csv" budget_pacing | paste -sd,)" "range pacing"
    expect_file "$d/daily.csv" "$DAILY_HEADER" \
        "2024-02-29,10,$C10,999999,9999,40,40,24999.98,0.009999,999.00" \
        "2024-03-01,10,$C10,1000,10,40,10,25.00,0.010000,0.00"
}

test_changed_reports_only_marked_months_and_clears_them() {
    seed
    q "INSERT INTO adreport_dirty_months (company_id, month) VALUES
         (1, '2024-02-01'), (1, '2024-03-01'), (2, '2024-03-01')"
    "$ADR" report -q --changed --company 1 --out "$W/out"
    [ -f "$W/out/1/2024-02/campaigns.csv" ] || fail "2024-02 of company 1 not written"
    [ -f "$W/out/1/2024-03/performance.xlsx" ] || fail "2024-03 of company 1 not written"
    [ ! -e "$W/out/2" ] || fail "--company 1 wrote company 2"
    [ ! -e "$W/out/1/2024-04" ] || fail "an unmarked month was written"
    assert_eq "2|2024-03-01" "$(q 'SELECT company_id, month FROM adreport_dirty_months')"
    "$ADR" report -q --changed --out "$W/out"
    [ -f "$W/out/2/2024-03/daily.csv" ] || fail "2024-03 of company 2 not written"
    assert_eq "0" "$(q 'SELECT count(*) FROM adreport_dirty_months')"
    local out
    out=$("$ADR" report --changed --out "$W/out" 2>&1)
    assert_contains "$out" "0 reports written"
}

test_changed_with_one_format_keeps_the_marks_for_the_other() {
    seed
    q "INSERT INTO adreport_dirty_months (company_id, month) VALUES (1, '2024-03-01')"
    "$ADR" report -q --changed --format csv --out "$W/out"
    [ -f "$W/out/1/2024-03/campaigns.csv" ] || fail "the CSV of 2024-03 not written"
    [ ! -e "$W/out/1/2024-03/performance.xlsx" ] || fail "--format csv wrote the XLSX"
    # The XLSX of the month is still to be written: the mark stays.
    assert_eq "1|2024-03-01" "$(q 'SELECT company_id, month FROM adreport_dirty_months')"
    "$ADR" report -q --changed --out "$W/out"
    [ -f "$W/out/1/2024-03/performance.xlsx" ] || fail "the XLSX of 2024-03 not written"
    assert_eq "0" "$(q 'SELECT count(*) FROM adreport_dirty_months')"
}

test_a_tenant_named_twice_is_reported_once() {
    seed
    local out
    out=$("$ADR" report --company 1,1 --company 1 --month 2024-03 --format csv --out "$W/out" 2>&1)
    assert_contains "$out" "1 report written"
    [ -f "$W/out/1/2024-03/campaigns.csv" ] || fail "2024-03 of company 1 not written"
}

test_clearing_a_mark_spares_one_renewed_meanwhile() {
    q "INSERT INTO adreport_dirty_months (company_id, month, marked_at)
       VALUES (1, '2024-03-01', '2024-04-01 00:00:00.123456+00')"
    local clear
    clear=$(grep -v '^--' sql/queries/report_clear_dirty.sql)
    # A mark read at another marked_at (renewed since) is not deleted ...
    psql -X -q -v ON_ERROR_STOP=1 -c "PREPARE clear(bigint, text, text) AS $clear" \
        -c "EXECUTE clear(1, '2024-03-01', '2024-04-01 00:00:00+00')" \
        -c "EXECUTE clear(1, '2024-03-01', '2024-04-01 00:00:00.123457+00')"
    assert_eq "1" "$(q 'SELECT count(*) FROM adreport_dirty_months')" "a renewed mark was deleted"
    # ... the one read is.
    psql -X -q -v ON_ERROR_STOP=1 -c "PREPARE clear(bigint, text, text) AS $clear" \
        -c "EXECUTE clear(1, '2024-03-01', '$(q "SELECT marked_at FROM adreport_dirty_months")')"
    assert_eq "0" "$(q 'SELECT count(*) FROM adreport_dirty_months')" "the mark as read stayed"
}

test_file_in_the_way_fails_cleanly_and_other_tenants_go_on() {
    seed
    mkdir -p "$W/out"
    echo "not a folder" >"$W/out/1"
    local out rc=0
    out=$("$ADR" report --all --month 2024-03 --out "$W/out" 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code"
    assert_contains "$out" "could not create report folder"
    assert_contains "$out" "DETAIL:"
    assert_contains "$out" "HINT:"
    [ -f "$W/out/2/2024-03/campaigns.csv" ] || fail "tenant 2 was not written after tenant 1 failed"
    assert_eq "not a folder" "$(cat "$W/out/1")"
}

test_full_disk_keeps_the_previous_report() {
    seed
    mkdir -p "$W/full"
    trap 'umount "$W/full" 2>/dev/null || true; rm -rf "$W"' EXIT
    mount -t tmpfs -o size=256k tmpfs "$W/full" 2>/dev/null ||
        { echo "cannot mount a tmpfs here: skipped"; return 0; }
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/full"
    local d="$W/full/1/2024-03" before after out rc
    before=$(cd "$d" && sha256sum campaigns.csv ads.csv daily.csv performance.xlsx)
    # New data, so a successful rewrite would change the files ...
    q "UPDATE ad_daily_stats SET impressions = impressions + 1 WHERE company_id = 1"
    # ... but the disk is full.
    dd if=/dev/zero of="$W/full/filler" bs=4k 2>/dev/null || true
    for format in csv xlsx; do
        rc=0
        out=$("$ADR" report --company 1 --month 2024-03 --format $format --out "$W/full" 2>&1) || rc=$?
        assert_eq 1 "$rc" "exit code with a full disk (--format $format)"
        assert_contains "$out" "could not write report"
        assert_contains "$out" "No space left on device"
        assert_contains "$out" "HINT:  free space"
        after=$(cd "$d" && sha256sum campaigns.csv ads.csv daily.csv performance.xlsx)
        assert_eq "$before" "$after" "the previous report changed (--format $format)"
        assert_eq "" "$(find "$W/full" -name '*.tmp.*')" "temporary files left"
    done
    # With space again, the same command replaces the report.
    rm "$W/full/filler"
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/full"
    after=$(cd "$d" && sha256sum campaigns.csv ads.csv daily.csv performance.xlsx)
    [ "$before" != "$after" ] || fail "the report was not replaced once there was space"
    umount "$W/full"
}

test_stale_temporary_files_of_a_killed_run_are_removed() {
    seed
    "$ADR" report -q --company 1 --month 2026-10 --out "$W/out"
    # A writer killed mid-publish leaves its temporary file; pid 4194303 is
    # not running (or the test machine is very busy).
    : >"$W/out/1/2026-10/.campaigns.csv.tmp.4194303"
    : >"$W/out/1/2026-10/.performance.xlsx.tmp.4194303"
    "$ADR" report -q --company 1 --month 2026-10 --out "$W/out"
    assert_eq "" "$(find "$W/out" -name '*.tmp.*')"
}

# A folder is published whole (staged beside it, then swapped in): a report
# of some formats keeps the files of the others, hard-linked from the old
# folder, and leaves no staging or old folder behind.
test_format_csv_after_csv_and_xlsx_keeps_the_xlsx() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/out"
    local d="$W/out/1/2024-03" xlsx csv
    xlsx=$(sha256sum <"$d/performance.xlsx")
    csv=$(sha256sum <"$d/campaigns.csv")
    q "UPDATE ad_daily_stats SET impressions = impressions + 1 WHERE company_id = 1"
    "$ADR" report -q --company 1 --month 2024-03 --format csv --out "$W/out"
    assert_eq "$xlsx" "$(sha256sum <"$d/performance.xlsx")" "performance.xlsx after --format csv"
    [ "$csv" != "$(sha256sum <"$d/campaigns.csv")" ] || fail "campaigns.csv was not rewritten"
    assert_eq "ads.csv campaigns.csv daily.csv performance.xlsx" "$(ls "$d" | tr '\n' ' ' | sed 's/ $//')"
    assert_eq "" "$(find "$W/out" -name '.*')" "staging or old folders left"
    assert_contains "$($PY tests/check_manifest.py "$W/out/1" --folder 2024-03)" '"performance.xlsx"'
    # And the other way round.
    "$ADR" report -q --company 1 --month 2024-03 --format xlsx --out "$W/out"
    assert_eq 4 "$(ls "$d" | wc -l)" "files after --format xlsx"
    $PY tests/check_manifest.py "$W/out/1" >/dev/null
}

# A report killed mid-write leaves its staging folder .<month>.tmp.<pid>.<serial>
# (or, killed after the swap, the old folder under that name); the next report
# of that month, and the next run for any month, removes it once its process
# is gone, and never one of a live process.
test_stale_staging_folder_of_a_dead_pid_is_removed() {
    seed
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/out"
    sleep 0 &
    local gone=$!
    wait
    mkdir -p "$W/out/1/.2024-03.tmp.$gone.3" "$W/out/1/.2024-02.tmp.$gone.4" "$W/out/1/.2024-03.tmp.$$.5"
    echo partial >"$W/out/1/.2024-03.tmp.$gone.3/campaigns.csv"
    echo partial >"$W/out/1/.2024-03.tmp.$gone.3/.ads.csv.tmp.$gone.9"
    echo old >"$W/out/1/.2024-02.tmp.$gone.4/ads.csv"
    echo live >"$W/out/1/.2024-03.tmp.$$.5/ads.csv"
    "$ADR" report -q --company 1 --month 2024-03 --out "$W/out"
    [ ! -e "$W/out/1/.2024-03.tmp.$gone.3" ] || fail "a dead report's staging folder was kept"
    [ -e "$W/out/1/.2024-02.tmp.$gone.4/ads.csv" ] || fail "another month's folder was touched"
    [ -e "$W/out/1/.2024-03.tmp.$$.5/ads.csv" ] || fail "a live writer's staging folder was removed"
    $PY tests/check_manifest.py "$W/out/1" >/dev/null
    # run removes those of every month.
    mkdir -p "$W/incoming"
    "$ADR" run -q --incoming "$W/incoming" --reports "$W/out" --rejects "$W/rej" || true
    [ ! -e "$W/out/1/.2024-02.tmp.$gone.4" ] || fail "run kept a dead report's old folder"
    [ -e "$W/out/1/.2024-03.tmp.$$.5/ads.csv" ] || fail "run removed a live writer's staging folder"
    assert_eq 4 "$(ls "$W/out/1/2024-03" | wc -l)" "the published folder's files"
}

test_unknown_company_exits_1() {
    seed
    local out rc=0
    out=$("$ADR" report --company 1 --company 999 --month 2024-03 --out "$W/out" 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code"
    assert_contains "$out" "company 999: it does not exist"
    [ -f "$W/out/1/2024-03/campaigns.csv" ] || fail "company 1 not written"
    [ ! -e "$W/out/999" ] || fail "a folder for a missing company"
}

test_bad_options_are_usage_errors() {
    assert_exit 2 "$ADR" report --company x
    assert_exit 2 "$ADR" report --company 0
    assert_exit 2 "$ADR" report --company 1 --all
    assert_exit 2 "$ADR" report --month 2024-13
    assert_exit 2 "$ADR" report --month 2024-03 --from 2024-03-01 --to 2024-03-02
    assert_exit 2 "$ADR" report --from 2024-03-01
    assert_exit 2 "$ADR" report --from 2024-03-02 --to 2024-03-01
    assert_exit 2 "$ADR" report --changed --month 2024-03
    assert_exit 2 "$ADR" report --format pdf
    assert_exit 2 "$ADR" report --out ""
    assert_exit 2 "$ADR" report extra
    assert_exit 0 "$ADR" report --help
}

run_tests
