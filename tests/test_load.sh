#!/usr/bin/env bash
# Integration tests of `adreport load` (issue 3): event logs and entity files
# against a real PostgreSQL -- formats, every reject reason and the rejects
# file, tenancy, exactly-once (ledger, gzip, races, kill -9), --replace,
# dirty days, exit codes.
source "$(dirname "$0")/lib.sh"

H_CLICKS='ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data'
H_IMPR='ad_id,seen_at,site_url,cost_per_impression_usd,user_ip,user_data'
GOOD='10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}'

# Companies 1 and 2; campaign 1 (company 1), campaign 2 (company 2); ads 10
# and 11 of company 1, ad 20 of company 2.
seed() {
    q "INSERT INTO companies VALUES (1, 'Acme', NULL, now(), now()), (2, 'Other', NULL, now(), now())"
    q "INSERT INTO campaigns (id, company_id, name, cost_model, state, created_at, updated_at)
       VALUES (1, 1, 'C1', 'cost_per_click', 'active', now(), now()),
              (2, 2, 'C2', 'cost_per_impression', 'active', now(), now())"
    q "INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
       VALUES (10, 1, 1, 'A10', now(), now()), (11, 1, 1, 'A11', now(), now()),
              (20, 2, 2, 'A20', now(), now())"
}

# load ARGS... - run `adreport load --rejects $W/rej ARGS`; sets OUT and RC.
load() {
    RC=0
    OUT=$("$ADR" load --rejects "$W/rej" "$@" 2>&1) || RC=$?
    printf '%s\n[exit %s]\n' "$OUT" "$RC"
}

nclicks() { q "SELECT count(*) FROM clicks WHERE company_id = ${1:-1}"; }
nimpr() { q "SELECT count(*) FROM impressions WHERE company_id = ${1:-1}"; }
nledger() { q "SELECT count(*) FROM adreport_loaded_files"; }

# rejects_of FILE - "line,reason" of each row of a rejects file, one a line
# (the raw column may span lines: parsed as CSV).
rejects_of() {
    $PY - "$1" <<'PY'
import csv, sys
csv.field_size_limit(sys.maxsize)
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    rows = list(csv.reader(f))
assert rows[0] == ['line', 'reason', 'detail', 'raw'], rows[0]
print("\n".join(r[0] + "," + r[1] for r in rows[1:]))
PY
}

# expect_rejects REASON - the bad rows on stdin go into a headered clicks
# file of company 1 between two good rows (lines 3..); each must be rejected
# with REASON at its own line and both good rows loaded.
expect_rejects() {
    local reason=$1 want="" n i
    mkdir -p "$W/in/1"
    cat >"$W/bad.rows"
    n=$(wc -l <"$W/bad.rows")
    { echo "$H_CLICKS"; echo "$GOOD"; cat "$W/bad.rows"; echo "$GOOD"; } >"$W/in/1/clicks-bad.csv"
    load --max-reject-rate 1 "$W/in/1/clicks-bad.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 2 "$(nclicks)" "good rows loaded"
    for ((i = 0; i < n; i++)); do want+="$((3 + i)),$reason"$'\n'; done
    assert_eq "${want%$'\n'}" "$(rejects_of "$W/rej/1/clicks-bad.csv.rejects.csv")" "rejects"
    assert_contains "$OUT" "loaded 2 rows, rejected $n"
}

# --- formats -------------------------------------------------------------

test_headered_clicks_store_every_column() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks-x.csv" <<EOF
$H_CLICKS
10,2026-11-01 10:00:00,http://a.example/p?q=1,0.25,10.0.0.1,"{""ua"":""Mozilla"",""n"":[1,2]}"
11,2026-11-01 11:30:00.5,https://b.example,,2001:db8::1,[]
EOF
    load "$W/in/1/clicks-x.csv"
    assert_eq 0 "$RC" "exit code"
    assert_contains "$OUT" "loaded 2 rows, rejected 0"
    assert_eq "1|10|2026-11-01 10:00:00|http://a.example/p?q=1|0.2500000000|10.0.0.1|{\"n\": [1, 2], \"ua\": \"Mozilla\"}
1|11|2026-11-01 11:30:00.5|https://b.example||2001:db8::1|[]" \
        "$(q "SELECT company_id, ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data
              FROM clicks ORDER BY ad_id")"
}

test_headerless_clicks_in_seed_column_order() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks.csv" <<'EOF'
1,1,10,2026-11-01 10:00:00,http://a.example,0.1,10.0.0.1,{}
2,1,11,2026-11-02 10:00:00,http://b.example,0.2,10.0.0.2,"{""k"":1}"
EOF
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "10|2026-11-01 10:00:00|http://a.example|0.1000000000|10.0.0.1|{}
11|2026-11-02 10:00:00|http://b.example|0.2000000000|10.0.0.2|{\"k\": 1}" \
        "$(q "SELECT ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data
              FROM clicks WHERE company_id = 1 ORDER BY ad_id")"
}

test_headered_impressions_load() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n%s\n' "$H_IMPR" '11,2026-11-03 01:02:03,http://i.example,0.0012345,192.168.1.1,"{""x"":true}"' \
        >"$W/in/1/impressions-1.csv"
    load "$W/in/1/impressions-1.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "1|11|2026-11-03 01:02:03|http://i.example|0.0012345000|192.168.1.1|{\"x\": true}" \
        "$(q "SELECT company_id, ad_id, seen_at, site_url, cost_per_impression_usd, user_ip, user_data
              FROM impressions")"
    assert_eq 0 "$(nclicks)" "no clicks"
}

test_headerless_impressions_in_seed_column_order() {
    seed
    mkdir -p "$W/in/2"
    echo ',2,20,2026-11-03 01:02:03,http://i.example,,::1,{}' >"$W/in/2/impressions.csv"
    load "$W/in/2/impressions.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "2|20|2026-11-03 01:02:03||::1" \
        "$(q "SELECT company_id, ad_id, seen_at, cost_per_impression_usd, user_ip FROM impressions")"
}

test_header_columns_in_any_order_and_any_case() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks.csv" <<'EOF'
User_Data,SITE_URL,Cost_Per_Click_USD,user_ip,CLICKED_AT,Ad_Id
"{""a"":1}",http://a.example,1.5,10.0.0.9,2026-11-01 12:00:00,11
EOF
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "11|2026-11-01 12:00:00|http://a.example|1.5000000000|10.0.0.9|{\"a\": 1}" \
        "$(q "SELECT ad_id, clicked_at, site_url, cost_per_click_usd, user_ip, user_data FROM clicks")"
}

test_header_with_unknown_column_is_refused() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n%s\n' "$H_CLICKS,extra" "$GOOD,x" >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" 'unknown column "extra"'
    assert_eq 0 "$(nclicks)"
    assert_eq 0 "$(nledger)"
}

test_header_with_repeated_column_is_refused() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n%s\n' "$H_CLICKS,AD_ID" "$GOOD,10" >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" 'repeated column "AD_ID"'
    assert_eq 0 "$(nclicks)"
}

test_header_missing_a_column_is_refused() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n%s\n' 'ad_id,clicked_at,site_url,cost_per_click_usd,user_ip' \
        '10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1' >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" 'no "user_data" column'
    assert_eq 0 "$(nclicks)"
}

test_utf8_bom_before_header_is_ignored() {
    seed
    mkdir -p "$W/in/1"
    printf '\xEF\xBB\xBF%s\n%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq 1 "$(nclicks)"
}

test_utf8_bom_before_headerless_row_is_ignored() {
    # The first field of a headerless row is the id: a companies file checks
    # it (a log file ignores its id column), so a BOM left on it would show.
    printf '\xEF\xBB\xBF%s\n' '7,Acme,,2025-01-01 00:00:00,2025-01-01 00:00:00' >"$W/companies.csv"
    load "$W/companies.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "7|Acme" "$(q "SELECT id, name FROM companies")"
}

test_crlf_line_endings() {
    seed
    mkdir -p "$W/in/1"
    # site_url last: a \r left over from the line end would show in it.
    printf '%s\r\n' 'ad_id,clicked_at,cost_per_click_usd,user_ip,user_data,site_url' \
        '10,2026-11-01 10:00:00,0.5,10.0.0.1,{},http://s.example' \
        '10,2026-11-01 10:00:00,0.5,bad-ip,{},http://s.example' \
        '11,2026-11-01 11:00:00,,10.0.0.2,"{""k"":""v""}","http://t.example"' >"$W/in/1/clicks.csv"
    load --max-reject-rate 1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq "http://s.example|http://t.example" \
        "$(q "SELECT string_agg(site_url, '|' ORDER BY ad_id) FROM clicks")"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks WHERE site_url LIKE E'%\\r%'")"
    assert_eq '{}|{"k": "v"}' "$(q "SELECT string_agg(user_data::text, '|' ORDER BY ad_id) FROM clicks")"
    printf '%s\n' 'line,reason,detail,raw' \
        '3,bad_ip,"user_ip ""bad-ip"": not a valid ipv4 address (expected a.b.c.d)","10,2026-11-01 10:00:00,0.5,bad-ip,{},http://s.example"' \
        >"$W/want"
    diff -u "$W/want" "$W/rej/1/clicks.csv.rejects.csv"
}

test_quoted_newlines_and_blank_lines_count_as_physical_lines() {
    seed
    mkdir -p "$W/in/1"
    # line 1 header; 2-3 a good row with a newline in site_url; 4 bad time;
    # 5 blank; 6-7 a bad-ip row spanning two lines; 8 bad ad; 9-11 a good row
    # whose user_data holds two newlines (between JSON tokens); 12 bad cost.
    cat >"$W/in/1/clicks.csv" <<'EOF'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
10,2026-11-01 10:00:00,"http://a.example/
b",0.5,10.0.0.1,{}
10,2026-13-01 10:00:00,http://s.example,0.5,10.0.0.1,{}

10,2026-11-01 10:00:00,"http://multi
line",0.5,300.0.0.1,{}
x,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
11,2026-11-01 10:00:00,http://c.example,0.5,10.0.0.1,"{
""k"":
1}"
10,2026-11-01 10:00:00,http://s.example,-1,10.0.0.1,{}
EOF
    load --max-reject-rate 1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq "4,bad_time
6,bad_ip
8,bad_ad_id
12,bad_cost" "$(rejects_of "$W/rej/1/clicks.csv.rejects.csv")"
    assert_eq "http://a.example/
b|{}
http://c.example|{\"k\": 1}" "$(q "SELECT site_url, user_data FROM clicks ORDER BY ad_id")"
}

test_gzip_file_loads_like_plain() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" '11,2026-11-02 10:00:00,http://z.example,1.25,10.0.0.3,[1]' \
        >"$W/in/1/clicks.csv"
    gzip "$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv.gz"
    assert_eq 0 "$RC" "exit code"
    assert_eq "10|2026-11-01 10:00:00|0.5000000000
11|2026-11-02 10:00:00|1.2500000000" \
        "$(q "SELECT ad_id, clicked_at, cost_per_click_usd FROM clicks ORDER BY ad_id")"
}

# --- the rejects file ----------------------------------------------------

test_rejects_file_has_exact_columns_and_content() {
    seed
    mkdir -p "$W/in/1"
    {
        echo "$H_CLICKS"
        echo "$GOOD"
        echo '10,2026-11-01 10:00:00,http://s.example,0.5,999.1.1.1,{}'
        printf '10,2026-11-01 10:00:00,http://s\xFF.example,0.5,10.0.0.1,{}\n'
        echo '10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,"{""a"":""\u0000""}"'
        printf '10,2026-11-01 10:00:00,http://s\x01.example,0.5,10.0.0.1,{}\n'
    } >"$W/in/1/clicks-2026-11-01.csv"
    load --max-reject-rate 1 "$W/in/1/clicks-2026-11-01.csv"
    assert_eq 3 "$RC" "exit code"
    cat >"$W/want" <<'EOF'
line,reason,detail,raw
3,bad_ip,"user_ip ""999.1.1.1"": not a valid ipv4 address (expected a.b.c.d)","10,2026-11-01 10:00:00,http://s.example,0.5,999.1.1.1,{}"
4,bad_encoding,"the row holds a NUL byte or invalid UTF-8","10,2026-11-01 10:00:00,http://s\xFF.example,0.5,10.0.0.1,{}"
5,bad_json,"user_data ""{""a"":""\u0000""}"": \u0000 not allowed in json (jsonb cannot store nul)","10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,""{""""a"""":""""\u0000""""}"""
EOF
    # line 6: a control byte is valid UTF-8: the row loads; raw escaping is
    # only for the rejected rows.
    diff -u "$W/want" "$W/rej/1/clicks-2026-11-01.csv.rejects.csv"
    assert_eq 2 "$(nclicks)"
}

test_rejects_go_to_default_folder_under_cwd() {
    seed
    mkdir -p "$W/in/1" "$W/cwd"
    printf '%s\n' "$H_CLICKS" "$GOOD" 'x,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}' \
        >"$W/in/1/clicks.csv"
    local rc=0
    (cd "$W/cwd" && "$ADR" load -q --max-reject-rate 1 "$W/in/1/clicks.csv") || rc=$?
    assert_eq 3 "$rc" "exit code"
    assert_eq "3,bad_ad_id" "$(rejects_of "$W/cwd/rejects/1/clicks.csv.rejects.csv")"
}

test_no_rejects_file_when_nothing_rejected() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC"
    [ ! -e "$W/rej/1/clicks.csv.rejects.csv" ] || fail "rejects file written for a clean file"
}

# --- one test per reject reason ------------------------------------------

test_reject_field_count() {
    seed
    expect_rejects field_count <<'EOF'
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{},extra
EOF
}

test_reject_bad_encoding_invalid_utf8() {
    seed
    printf '10,2026-11-01 10:00:00,http://caf\xE9.example,0.5,10.0.0.1,{}\n10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,"{""a"":""\xC0\xAF""}"\n' |
        expect_rejects bad_encoding
}

test_reject_bad_encoding_nul_byte() {
    seed
    printf '10,2026-11-01 10:00:00,http://s\x00.example,0.5,10.0.0.1,{}\n' | expect_rejects bad_encoding
    assert_contains "$(cat "$W/rej/1/clicks-bad.csv.rejects.csv")" 'http://s\x00.example'
}

test_reject_bad_csv() {
    seed
    expect_rejects bad_csv <<'EOF'
10,2026-11-01 10:00:00,http://s"x".example,0.5,10.0.0.1,{}
10,2026-11-01 10:00:00,"http://s.example"x,0.5,10.0.0.1,{}
EOF
}

# A stray quote in an unquoted field (odd: nothing closes it) spoils its own
# row only: the rows up to the next stray quote are not carried into it.
test_reject_bad_csv_stray_quotes_spoil_only_their_rows() {
    seed
    mkdir -p "$W/in/1"
    {
        echo "$H_CLICKS"
        for i in $(seq 10 29); do
            if [ "$i" = 12 ] || [ "$i" = 27 ]; then u='http://s.example/say"hi'; else u="http://s.example/$i"; fi
            echo "10,2026-11-02 10:00:$i,$u,0.5,10.0.0.1,{}"
        done
    } >"$W/in/1/clicks-stray.csv"
    load --max-reject-rate 1 "$W/in/1/clicks-stray.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 18 "$(nclicks)" "good rows loaded"
    assert_eq "4,bad_csv
19,bad_csv" "$(rejects_of "$W/rej/1/clicks-stray.csv.rejects.csv")"
    assert_contains "$OUT" "loaded 18 rows, rejected 2"
}

test_reject_bad_csv_unclosed_quote_at_end_of_file() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n%s\n%s\n' "$H_CLICKS" "$GOOD" '10,2026-11-01 10:00:00,"http://s.example,0.5,10.0.0.1,{}' \
        >"$W/in/1/clicks.csv"
    load --max-reject-rate 1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 1 "$(nclicks)"
    assert_eq "3,bad_csv" "$(rejects_of "$W/rej/1/clicks.csv.rejects.csv")"
}

test_reject_bad_ad_id() {
    seed
    expect_rejects bad_ad_id <<'EOF'
ten,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
99999999999999999999,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
EOF
}

test_reject_unknown_ad() {
    seed
    expect_rejects unknown_ad <<'EOF'
999,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
EOF
}

test_reject_ad_of_another_tenant() {
    seed
    expect_rejects unknown_ad <<'EOF'
20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
EOF
    assert_eq 0 "$(nclicks 2)" "nothing written for company 2"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks WHERE ad_id = 20")"
}

test_reject_bad_company_id() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks.csv" <<'EOF'
company_id,ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
1,10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
one,10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
,10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
EOF
    load --max-reject-rate 1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 1 "$(nclicks)"
    assert_eq "3,bad_company_id
4,bad_company_id" "$(rejects_of "$W/rej/1/clicks.csv.rejects.csv")"
}

test_reject_wrong_company_in_tenant_folder() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks.csv" <<'EOF'
company_id,ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
1,10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
2,20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
EOF
    load --max-reject-rate 1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 1 "$(nclicks 1)"
    assert_eq 0 "$(nclicks 2)" "the other tenant's row is not loaded"
    assert_eq "3,wrong_company" "$(rejects_of "$W/rej/1/clicks.csv.rejects.csv")"
}

test_reject_wrong_company_when_company_id_changes_mid_file() {
    seed
    cat >"$W/clicks.csv" <<'EOF'
1,2,20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
2,1,10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}
EOF
    load --max-reject-rate 1 "$W/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 1 "$(nclicks 2)"
    assert_eq 0 "$(nclicks 1)"
    assert_eq "2,wrong_company" "$(rejects_of "$W/rej/2/clicks.csv.rejects.csv")"
}

test_reject_bad_time_impossible_date() {
    seed
    expect_rejects bad_time <<'EOF'
10,2026-02-30 10:00:00,http://s.example,0.5,10.0.0.1,{}
10,2026-02-29 10:00:00,http://s.example,0.5,10.0.0.1,{}
10,2026-11-01 24:00:00,http://s.example,0.5,10.0.0.1,{}
10,2026-11-01 10:60:00,http://s.example,0.5,10.0.0.1,{}
10,2026-11-01 10:00:60,http://s.example,0.5,10.0.0.1,{}
10,2026-00-10 10:00:00,http://s.example,0.5,10.0.0.1,{}
EOF
}

test_reject_bad_time_format() {
    seed
    expect_rejects bad_time <<'EOF'
10,2026/11/01 10:00:00,http://s.example,0.5,10.0.0.1,{}
10,2026-11-01,http://s.example,0.5,10.0.0.1,{}
10,01.11.2026 10:00:00,http://s.example,0.5,10.0.0.1,{}
10,2026-11-01 10:00:00 UTC,http://s.example,0.5,10.0.0.1,{}
10,2026-11-01 10:00:00+0200,http://s.example,0.5,10.0.0.1,{}
10,2026-11-01 10:00:00.1234567,http://s.example,0.5,10.0.0.1,{}
10,,http://s.example,0.5,10.0.0.1,{}
EOF
}

test_leap_day_is_accepted() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" '10,2028-02-29 23:59:59.999999,http://s.example,,10.0.0.1,{}' >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC"
    assert_eq "2028-02-29 23:59:59.999999" "$(q "SELECT clicked_at FROM clicks")"
}

test_reject_empty_site_url() {
    seed
    expect_rejects empty_site_url <<'EOF'
10,2026-11-01 10:00:00,,0.5,10.0.0.1,{}
10,2026-11-01 10:00:00,"",0.5,10.0.0.1,{}
EOF
}

test_reject_site_url_longer_than_2048_bytes() {
    # Random, so not compressible: a kept 3000-byte URL would not fit in a
    # btree entry of adreport_site_hosts' key and would fail the whole file.
    local u2048 u2049 u3000
    # (Not `... | head -c`: under pipefail the writer's SIGPIPE failed the test now and then.)
    u3000="http://s.example/$($PY -c 'import random, string; r = random.Random(7)
print("".join(r.choice(string.ascii_letters + string.digits) for _ in range(2983)))')"
    u2048=${u3000:0:2048}
    u2049=${u3000:0:2049}
    assert_eq 2048 "${#u2048}" "URL length"
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "10,2026-11-01 10:00:00,$u2048,0.5,10.0.0.1,{}" \
        "10,2026-11-01 10:00:01,$u2049,0.5,10.0.0.1,{}" \
        "10,2026-11-01 10:00:02,$u3000,0.5,10.0.0.1,{}" >"$W/in/1/clicks-long.csv"
    load --max-reject-rate 1 "$W/in/1/clicks-long.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq "$u2048" "$(q "SELECT site_url FROM clicks")" "the 2048-byte URL is kept"
    assert_eq "1" "$(q "SELECT count(*) FROM adreport_site_hosts WHERE site_url = '$u2048'")"
    assert_eq "3,site_url_too_long
4,site_url_too_long" "$(rejects_of "$W/rej/1/clicks-long.csv.rejects.csv")"
    assert_contains "$OUT" "loaded 1 rows, rejected 2"
}

test_reject_bad_ip() {
    seed
    expect_rejects bad_ip <<'EOF'
10,2026-11-01 10:00:00,http://s.example,0.5,256.0.0.1,{}
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0,{}
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.0/8,{}
10,2026-11-01 10:00:00,http://s.example,0.5,2001:db8:::1,{}
10,2026-11-01 10:00:00,http://s.example,0.5,,{}
10,2026-11-01 10:00:00,http://s.example,0.5,localhost,{}
EOF
}

test_reject_bad_json_nul_escape() {
    seed
    expect_rejects bad_json <<'EOF'
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,"{""a"":""x\u0000y""}"
EOF
    assert_contains "$(cat "$W/rej/1/clicks-bad.csv.rejects.csv")" 'jsonb cannot store nul'
}

test_reject_bad_json_invalid() {
    seed
    expect_rejects bad_json <<'EOF'
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{bad}
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,"{""a"":1"
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,"{""a"":1}x"
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,"[1,]"
10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,"""\ud800"""
EOF
}

test_reject_bad_cost_negative() {
    seed
    expect_rejects bad_cost <<'EOF'
10,2026-11-01 10:00:00,http://s.example,-0.5,10.0.0.1,{}
10,2026-11-01 10:00:00,http://s.example,-1,10.0.0.1,{}
EOF
}

test_reject_bad_cost_eleven_integer_digits() {
    seed
    expect_rejects bad_cost <<'EOF'
10,2026-11-01 10:00:00,http://s.example,12345678901,10.0.0.1,{}
10,2026-11-01 10:00:00,http://s.example,10000000000.0,10.0.0.1,{}
10,2026-11-01 10:00:00,http://s.example,9999999999.99999999995,10.0.0.1,{}
EOF
}

test_reject_bad_cost_exponent_and_junk() {
    seed
    expect_rejects bad_cost <<'EOF'
10,2026-11-01 10:00:00,http://s.example,1e5,10.0.0.1,{}
10,2026-11-01 10:00:00,http://s.example,1.5E-3,10.0.0.1,{}
10,2026-11-01 10:00:00,http://s.example,1.2.3,10.0.0.1,{}
10,2026-11-01 10:00:00,http://s.example,NaN,10.0.0.1,{}
10,2026-11-01 10:00:00,http://s.example,abc,10.0.0.1,{}
EOF
}

test_reject_row_too_long() {
    seed
    mkdir -p "$W/in/1"
    {
        echo "$H_CLICKS"
        echo "$GOOD"
        $PY -c 'import sys; sys.stdout.write("10,2026-11-01 10:00:00,http://s.example/" + "a" * (1100 * 1024) + ",0.5,10.0.0.1,{}\n")'
        echo '11,2026-11-01 10:00:00,http://after.example,0.5,10.0.0.1,{}'
        echo '11,2026-11-01 10:00:00,http://after.example,0.5,10.0.0.1,nope'
    } >"$W/in/1/clicks.csv"
    load --max-reject-rate 1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq "3,row_too_long
5,bad_json" "$(rejects_of "$W/rej/1/clicks.csv.rejects.csv")"
    assert_eq "http://after.example|http://s.example" \
        "$(q "SELECT string_agg(site_url, '|' ORDER BY site_url) FROM clicks")"
}

test_generated_file_exact_rejects_and_sums_plain_and_gzip() {
    # ~4 MB over many read chunks: BOM, mixed LF/CRLF, quoted newlines, blank
    # lines, bad rows of several kinds at random lines.  The rejected
    # (line, reason) set and the per-day counts and cost sums must be exact,
    # and the gzipped copy loaded for company 3 must give the same.
    seed
    q "INSERT INTO companies VALUES (3, 'Third', NULL, now(), now())"
    q "INSERT INTO campaigns (id, company_id, name, cost_model, state, created_at, updated_at)
       VALUES (1, 3, 'C3', 'cost_per_click', 'active', now(), now())"
    q "INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at)
       VALUES (10, 3, 1, 'B10', now(), now()), (11, 3, 1, 'B11', now(), now())"
    mkdir -p "$W/in/1" "$W/in/3"
    $PY - "$W/in/1/clicks-gen.csv" "$W/want_rejects" "$W/want_days" <<'PY'
import random, sys
from decimal import Decimal, ROUND_HALF_UP
random.seed(7)
out = open(sys.argv[1], "wb")
rejects, days = [], {}
out.write(b"\xef\xbb\xbfad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data\r\n")
line = 2
for i in range(40000):
    day = 1 + i % 5
    ts = "2026-11-%02d %02d:%02d:%02d" % (day, random.randrange(24), random.randrange(60), random.randrange(60))
    cost = "%d.%011d" % (random.randrange(100), random.randrange(10**11))
    site, extra = "http://s%d.example/p" % i, 0
    if random.random() < 0.1:
        site, extra = '"http://s%d.example/\nmulti, ""quoted"""' % i, 1
    ad = random.choice(["10", "11"])
    ip = "10.0.%d.%d" % (i % 256, i // 256 % 256)
    js = '"{""i"":%d,""s"":""a,b""}"' % i
    r, reason = random.random(), None
    if r < 0.01: ip, reason = "300.1.1.1", "bad_ip"
    elif r < 0.02: ts, reason = "2026-11-31 00:00:00", "bad_time"
    elif r < 0.03: ad, reason = "20", "unknown_ad"
    elif r < 0.04: js, reason = "{bad}", "bad_json"
    elif r < 0.045: cost, reason = "12345678901", "bad_cost"
    elif r < 0.05: site, extra, reason = "", 0, "empty_site_url"
    eol = "\r\n" if i % 2 else "\n"
    if random.random() < 0.01:
        out.write(eol.encode())
        line += 1
    out.write((",".join([ad, ts, site, cost, ip, js]) + eol).encode())
    if reason:
        rejects.append("%d,%s" % (line, reason))
    else:
        d = "2026-11-%02d" % day
        n, total = days.get(d, (0, Decimal(0)))
        days[d] = (n + 1, total + Decimal(cost).quantize(Decimal("1e-10"), ROUND_HALF_UP))
    line += 1 + extra
open(sys.argv[2], "w").write("\n".join(rejects))
open(sys.argv[3], "w").write("\n".join("%s|%d|%s" % (d, n, t) for d, (n, t) in sorted(days.items())))
PY
    [ "$(stat -c %s "$W/in/1/clicks-gen.csv")" -gt 3000000 ] || fail "generated file too small"
    gzip -c "$W/in/1/clicks-gen.csv" >"$W/in/3/clicks-gen.csv.gz"
    load --max-reject-rate 1 "$W/in"
    assert_eq 3 "$RC" "exit code"
    local c
    for c in 1 3; do
        assert_eq "$(cat "$W/want_days")" "$(q "SELECT d || '|' || count(*) || '|' || sum(cost)
            FROM (SELECT clicked_at::date AS d, cost_per_click_usd AS cost FROM clicks WHERE company_id = $c) x
            GROUP BY d ORDER BY d")" "per-day counts and sums of company $c"
    done
    assert_eq "$(cat "$W/want_rejects")" "$(rejects_of "$W/rej/1/clicks-gen.csv.rejects.csv")" "rejects, plain"
    assert_eq "$(cat "$W/want_rejects")" "$(rejects_of "$W/rej/3/clicks-gen.csv.gz.rejects.csv")" "rejects, gzip"
    assert_eq 0 "$(nclicks 2)"
}

test_unwritable_rejects_folder_fails_the_file_and_loads_nothing() {
    # If the rejected rows cannot be written, the file must not be committed
    # (and recorded in the ledger): a rerun would skip it and its rejected
    # rows would be lost for good.  I/O error: exit 1.
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" '10,2026-11-01 10:00:00,a,,bad-ip,{}' >"$W/in/1/clicks.csv"
    : >"$W/not-a-folder"
    RC=0
    OUT=$("$ADR" load --max-reject-rate 1 --rejects "$W/not-a-folder/rej" "$W/in/1/clicks.csv" 2>&1) || RC=$?
    echo "$OUT"
    assert_eq 1 "$RC" "exit code"
    assert_contains "$OUT" "could not write rejects file"
    assert_eq 0 "$(nclicks)" "rows committed although their rejects were lost"
    assert_eq 0 "$(nledger)" "ledger row written although the rejects were lost"
}

test_concatenated_gzip_members_load_completely() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" | gzip >"$W/in/1/clicks.csv.gz"
    printf '%s\n' '11,2026-11-02 10:00:00,http://m2.example,,10.0.0.1,{}' | gzip >>"$W/in/1/clicks.csv.gz"
    load "$W/in/1/clicks.csv.gz"
    assert_eq 0 "$RC" "exit code"
    assert_eq "10 http://s.example
11 http://m2.example" "$(q "SELECT ad_id || ' ' || site_url FROM clicks ORDER BY ad_id")"
}

test_rows_appended_to_a_gzip_file_fail_it_instead_of_vanishing() {
    seed
    mkdir -p "$W/in/1" "$W/in/2"
    # `cat late.csv >> day.csv.gz`: zlib's gzread ignored the plain rows.
    printf '%s\n' "$H_CLICKS" "$GOOD" | gzip >"$W/in/1/clicks.csv.gz"
    local size
    size=$(stat -c %s "$W/in/1/clicks.csv.gz")
    printf '%s\n' '11,2026-11-02 10:00:00,http://late.example,,10.0.0.1,{}' >>"$W/in/1/clicks.csv.gz"
    load "$W/in/1/clicks.csv.gz"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "data after the end of the gzip stream, at byte $size of the file"
    assert_contains "$OUT" "plain rows appended"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
    assert_eq 0 "$(nledger)"
    # Zero bytes after the last member (a copier's padding) hold no rows.
    printf '%s\n' "$H_CLICKS" "$GOOD" | gzip >"$W/in/1/clicks-pad.csv.gz"
    head -c 4096 /dev/zero >>"$W/in/1/clicks-pad.csv.gz"
    load "$W/in/1/clicks-pad.csv.gz"
    assert_eq 0 "$RC" "exit code of a padded file"
    assert_eq 1 "$(q "SELECT count(*) FROM clicks")"
}

# --- values --------------------------------------------------------------

test_cost_rounds_to_ten_decimals_and_empty_is_null() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks.csv" <<'EOF'
site_url,ad_id,clicked_at,cost_per_click_usd,user_ip,user_data
a,10,2026-11-01 10:00:00,0.12345678905,10.0.0.1,{}
b,10,2026-11-01 10:00:00,0.12345678904999,10.0.0.1,{}
c,10,2026-11-01 10:00:00,,10.0.0.1,{}
d,10,2026-11-01 10:00:00,"",10.0.0.1,{}
e,10,2026-11-01 10:00:00,9999999999.9999999999,10.0.0.1,{}
f,10,2026-11-01 10:00:00,0.99999999995,10.0.0.1,{}
g,10,2026-11-01 10:00:00,.5,10.0.0.1,{}
h,10,2026-11-01 10:00:00,7.,10.0.0.1,{}
i,10,2026-11-01 10:00:00,000123.4500,10.0.0.1,{}
j,10,2026-11-01 10:00:00,0,10.0.0.1,{}
EOF
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "a 0.1234567891
b 0.1234567890
c NULL
d NULL
e 9999999999.9999999999
f 1.0000000000
g 0.5000000000
h 7.0000000000
i 123.4500000000
j 0.0000000000" "$(q "SELECT site_url || ' ' || coalesce(cost_per_click_usd::text, 'NULL') FROM clicks ORDER BY site_url")"
}

test_timestamps_with_zone_are_stored_in_utc() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks.csv" <<'EOF'
site_url,ad_id,clicked_at,cost_per_click_usd,user_ip,user_data
a,10,2026-11-01 10:00:00,,10.0.0.1,{}
b,10,2026-11-01T10:00:00Z,,10.0.0.1,{}
c,10,2026-11-01 10:00:00+02:00,,10.0.0.1,{}
d,10,2026-11-01T23:30:00-01:00,,10.0.0.1,{}
e,10,2026-11-01 10:00:00.123456,,10.0.0.1,{}
f,10,2026-11-01T10:00:00.5+05:30,,10.0.0.1,{}
g,10,2026-01-01 00:30:00+01:00,,10.0.0.1,{}
h,10,2026-03-01T00:00:00+14:00,,10.0.0.1,{}
EOF
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "a 2026-11-01 10:00:00
b 2026-11-01 10:00:00
c 2026-11-01 08:00:00
d 2026-11-02 00:30:00
e 2026-11-01 10:00:00.123456
f 2026-11-01 04:30:00.5
g 2025-12-31 23:30:00
h 2026-02-28 10:00:00" "$(q "SELECT site_url || ' ' || clicked_at FROM clicks ORDER BY site_url")"
}

test_user_data_is_stored_as_jsonb() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks.csv" <<'EOF'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
10,2026-11-01 10:00:00,a,,10.0.0.1,"{ ""z"": 1, ""a"": {""é"": [true, null, 1.50, ""\u00e9\n""]}, ""z"": 2 }"
EOF
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "jsonb" "$(q "SELECT pg_typeof(user_data) FROM clicks")"
    assert_eq '{"a": {"é": [true, null, 1.50, "é\n"]}, "z": 2}' "$(q "SELECT user_data::text FROM clicks")"
    assert_eq "2" "$(q "SELECT user_data->>'z' FROM clicks")"
}

# --- tenants -------------------------------------------------------------

test_tenant_from_folder_name() {
    seed
    mkdir -p "$W/incoming/2"
    printf '%s\n' "$H_CLICKS" '20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}' \
        >"$W/incoming/2/clicks-2026-11-01.csv"
    load "$W/incoming/2/clicks-2026-11-01.csv"
    assert_eq 0 "$RC" "exit code"
    assert_contains "$OUT" "company 2"
    assert_eq 1 "$(nclicks 2)"
    assert_eq "2|clicks|clicks-2026-11-01.csv" \
        "$(q "SELECT company_id, kind, file_name FROM adreport_loaded_files")"
}

test_tenant_from_company_id_column() {
    seed
    cat >"$W/clicks.csv" <<'EOF'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data,company_id
20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{},2
20,2026-11-01 11:00:00,http://s.example,0.5,10.0.0.1,{},2
EOF
    load "$W/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq 2 "$(nclicks 2)"
    assert_eq 0 "$(nclicks 1)"
}

test_tenant_from_company_id_column_headerless() {
    seed
    echo '1,2,20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}' >"$W/clicks.csv"
    load "$W/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq 1 "$(nclicks 2)"
}

test_tenant_from_company_option() {
    seed
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/clicks.csv"
    load --company 1 "$W/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq 1 "$(nclicks 1)"
}

test_company_option_rejects_rows_of_another_company_id() {
    seed
    echo '1,2,20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}' >"$W/clicks.csv"
    load --company 1 --max-reject-rate 1 "$W/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
    assert_eq "1,wrong_company" "$(rejects_of "$W/rej/1/clicks.csv.rejects.csv")"
}

test_file_without_tenant_is_refused() {
    seed
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/clicks.csv"
    load "$W/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "the file's company cannot be told"
    assert_contains "$OUT" "--company"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
    assert_eq 0 "$(nledger)"
}

test_tenant_from_folder_given_with_trailing_slash() {
    # `adreport load incoming/2/` (as tab completion writes it) walks
    # incoming/2//clicks.csv: the folder holding the file is still 2.
    seed
    mkdir -p "$W/incoming/2"
    printf '%s\n' "$H_CLICKS" '20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}' \
        >"$W/incoming/2/clicks.csv"
    load "$W/incoming/2/"
    assert_eq 0 "$RC" "exit code"
    assert_eq 1 "$(nclicks 2)"
}

test_tenant_from_folder_of_a_file_named_relative_to_it() {
    # The folder holding clicks.csv is 2 also when the path is just its name.
    seed
    mkdir -p "$W/incoming/2"
    printf '%s\n' "$H_CLICKS" '20,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}' \
        >"$W/incoming/2/clicks.csv"
    RC=0
    OUT=$(cd "$W/incoming/2" && "$ADR" load --rejects "$W/rej" clicks.csv 2>&1) || RC=$?
    echo "$OUT"
    assert_eq 0 "$RC" "exit code"
    assert_eq 1 "$(nclicks 2)"
}

test_folder_of_unknown_company_is_refused() {
    seed
    mkdir -p "$W/in/99"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/99/clicks.csv"
    load "$W/in/99/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "company 99 does not exist"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
    assert_eq 0 "$(nledger)"
}

test_company_id_column_of_unknown_company_is_refused() {
    seed
    echo '1,99,10,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}' >"$W/clicks.csv"
    load "$W/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "company 99 does not exist"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
}

# --- exactly once --------------------------------------------------------

test_same_file_twice_is_skipped() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" "$GOOD" >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC" "exit code of the rerun"
    assert_contains "$OUT" "skipped"
    assert_contains "$OUT" "0 files loaded, 1 skipped"
    assert_eq 2 "$(nclicks)"
    assert_eq 1 "$(nledger)"
}

test_same_content_under_another_name_is_skipped() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks-a.csv"
    cp "$W/in/1/clicks-a.csv" "$W/in/1/clicks-b.csv"
    load "$W/in/1"
    assert_eq 0 "$RC"
    assert_contains "$OUT" "1 files loaded, 1 skipped"
    # Files may load on several connections: either name may be the first.
    assert_eq 1 "$(grep -c ': skipped, content loaded before as "clicks-[ab].csv"' <<<"$OUT")" "one skipped"
    assert_eq 1 "$(nclicks)"
}

test_gzipped_copy_of_loaded_file_is_skipped() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC"
    gzip -k "$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv.gz"
    assert_eq 0 "$RC" "exit code"
    assert_contains "$OUT" "skipped"
    assert_eq 1 "$(nclicks)"
    assert_eq 1 "$(nledger)"
}

test_same_content_for_another_tenant_loads() {
    seed
    q "INSERT INTO ads (id, company_id, campaign_id, name, created_at, updated_at) VALUES (10, 2, 2, 'B10', now(), now())"
    mkdir -p "$W/in/1" "$W/in/2"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    cp "$W/in/1/clicks.csv" "$W/in/2/clicks.csv"
    load "$W/in"
    assert_eq 0 "$RC"
    assert_eq 1 "$(nclicks 1)"
    assert_eq 1 "$(nclicks 2)"
}

test_truncated_gzip_is_refused_and_loads_nothing() {
    seed
    mkdir -p "$W/in/1"
    {
        echo "$H_CLICKS"
        $PY -c 'import random; random.seed(1)
for i in range(20000): print("10,2026-11-01 10:%02d:%02d,http://s.example/%d,0.%d,10.0.0.1,{}" % (i//60%60, i%60, random.random()*1e9, i))'
    } | gzip >"$W/full.gz"
    head -c $(($(stat -c %s "$W/full.gz") / 2)) "$W/full.gz" >"$W/in/1/clicks.csv.gz"
    load "$W/in/1/clicks.csv.gz"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "truncated"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
    assert_eq 0 "$(nledger)"
    assert_eq 0 "$(q "SELECT count(*) FROM adreport_dirty_days")"
}

test_ledger_records_file_facts() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" "$GOOD" 'x,2026-11-01 10:00:00,a,,10.0.0.1,{}' "$GOOD" >"$W/in/1/clicks-l.csv"
    local sha size
    sha=$(sha256sum "$W/in/1/clicks-l.csv" | cut -c1-64)
    gzip "$W/in/1/clicks-l.csv"
    size=$(stat -c %s "$W/in/1/clicks-l.csv.gz")
    load --max-reject-rate 1 "$W/in/1/clicks-l.csv.gz"
    assert_eq 3 "$RC"
    assert_eq "1|clicks|$sha|clicks-l.csv.gz|$size|3|1|f" \
        "$(q "SELECT company_id, kind, encode(sha256, 'hex'), file_name, file_size, rows_loaded,
                     rows_rejected, replaced FROM adreport_loaded_files")"
}

test_max_reject_rate_exceeded_loads_nothing() {
    seed
    mkdir -p "$W/in/1"
    # 1 of 10 rejected = 10% > the default 5%.
    {
        echo "$H_CLICKS"
        for i in 1 2 3 4 5 6 7 8 9; do echo "$GOOD"; done
        echo '10,2026-11-05 10:00:00,http://s.example,0.5,bad,{}'
    } >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_contains "$OUT" "max-reject-rate"
    assert_eq 0 "$(q "SELECT count(*) FROM clicks")"
    assert_eq 0 "$(nledger)" "no ledger row"
    assert_eq 0 "$(q "SELECT count(*) FROM adreport_dirty_days")"
    assert_eq "11,bad_ip" "$(rejects_of "$W/rej/1/clicks.csv.rejects.csv")"
    # A higher limit loads it (it is not in the ledger).
    load --max-reject-rate 0.1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC" "exit code with --max-reject-rate 0.1"
    assert_eq 9 "$(nclicks)"
}

test_max_reject_rate_at_the_limit_loads() {
    seed
    mkdir -p "$W/in/1"
    # 1 of 20 rejected = exactly 5%: not above the default.
    {
        echo "$H_CLICKS"
        for ((i = 0; i < 19; i++)); do echo "$GOOD"; done
        echo 'x,2026-11-01 10:00:00,http://s.example,0.5,10.0.0.1,{}'
    } >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq 19 "$(nclicks)"
}

test_max_reject_rate_zero_refuses_any_reject() {
    seed
    mkdir -p "$W/in/1"
    { echo "$H_CLICKS"; for ((i = 0; i < 99; i++)); do echo "$GOOD"; done; echo 'x,2026-11-01 10:00:00,a,,10.0.0.1,{}'; } \
        >"$W/in/1/clicks.csv"
    load --max-reject-rate 0 "$W/in/1/clicks.csv"
    assert_eq 4 "$RC" "exit code"
    assert_eq 0 "$(nclicks)"
}

# --- exit codes ----------------------------------------------------------

test_exit_0_when_clean() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC"
    assert_contains "$OUT" "total: 1 files loaded, 0 skipped, 0 failed; 1 rows loaded, 0 rejected"
}

test_exit_3_when_rows_rejected() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" '999,2026-11-01 10:00:00,a,,10.0.0.1,{}' >"$W/in/1/clicks.csv"
    load --max-reject-rate 1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC"
    assert_contains "$OUT" "1 rows loaded, 1 rejected"
}

test_exit_4_when_a_file_fails_and_the_run_goes_on() {
    seed
    mkdir -p "$W/in/1" "$W/in/99"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/99/clicks.csv"
    load "$W/in"
    assert_eq 4 "$RC"
    assert_contains "$OUT" "1 files loaded, 0 skipped, 1 failed"
    assert_eq 1 "$(nclicks)"
}

test_exit_4_for_missing_path() {
    load "$W/nope/clicks.csv"
    assert_eq 4 "$RC"
    assert_contains "$OUT" "nope/clicks.csv"
}

test_exit_4_for_file_whose_name_says_no_kind_unless_kind_given() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/events.csv"
    load "$W/in/1/events.csv"
    assert_eq 4 "$RC"
    assert_contains "$OUT" "--kind"
    load --kind clicks "$W/in/1/events.csv"
    assert_eq 0 "$RC" "with --kind clicks"
    assert_eq 1 "$(nclicks)"
}

test_exit_1_when_database_unreachable() {
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    assert_exit 1 "$ADR" load --db "host=/nonexistent-dir port=1" --rejects "$W/rej" "$W/in/1/clicks.csv"
}

test_usage_errors_exit_2() {
    assert_exit 2 "$ADR" load
    assert_exit 2 "$ADR" load --rejects "$W/rej"
    assert_exit 2 "$ADR" load --max-reject-rate abc "$W"
    assert_exit 2 "$ADR" load --max-reject-rate 1.5 "$W"
    assert_exit 2 "$ADR" load --max-reject-rate -0.1 "$W"
    assert_exit 2 "$ADR" load --max-reject-rate "" "$W"
    assert_exit 2 "$ADR" load --company 0 "$W"
    assert_exit 2 "$ADR" load --company -3 "$W"
    assert_exit 2 "$ADR" load --company x "$W"
    assert_exit 2 "$ADR" load --kind click "$W"
    assert_exit 2 "$ADR" load --bogus "$W"
    local out rc=0
    out=$("$ADR" load 2>&1) || rc=$?
    assert_contains "$out" "no file or folder to load"
}

# --- folders -------------------------------------------------------------

test_other_files_in_folder_are_skipped_with_warning() {
    seed
    mkdir -p "$W/in/1"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    echo "read me" >"$W/in/1/README.txt"
    echo "x" >"$W/in/notes.csv"
    load "$W/in"
    assert_eq 0 "$RC" "exit code"
    assert_contains "$OUT" "README.txt"
    assert_contains "$OUT" "notes.csv"
    assert_contains "$OUT" "1 files loaded, 0 skipped, 0 failed"
    assert_eq 1 "$(nclicks)"
}

test_folder_loads_entities_before_logs() {
    mkdir -p "$W/in/z" "$W/in/1"
    echo '1,Acme,,2025-01-01 00:00:00,2025-01-01 00:00:00' >"$W/in/z/companies.csv"
    echo '1,1,C1,cost_per_click,active,100,,2025-01-01 00:00:00,2025-01-01 00:00:00' >"$W/in/z/campaigns.csv"
    echo '10,1,1,A10,,,0,0,2025-01-01 00:00:00,2025-01-01 00:00:00' >"$W/in/ads.csv"
    printf '%s\n' "$H_CLICKS" "$GOOD" >"$W/in/1/clicks.csv"
    printf '%s\n' "$H_IMPR" "$GOOD" >"$W/in/1/impressions.csv"
    load "$W/in"
    assert_eq 0 "$RC" "exit code"
    assert_contains "$OUT" "5 files loaded"
    assert_eq "1|1|1|1|1" "$(q "SELECT (SELECT count(*) FROM companies) || '|' || (SELECT count(*) FROM campaigns)
        || '|' || (SELECT count(*) FROM ads) || '|' || (SELECT count(*) FROM clicks) || '|' || (SELECT count(*) FROM impressions)")"
}

# --- replace and dirty days ----------------------------------------------

test_dirty_days_are_the_utc_days_of_loaded_rows() {
    seed
    mkdir -p "$W/in/1"
    cat >"$W/in/1/clicks.csv" <<'EOF'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
10,2026-11-01 10:00:00,a,,10.0.0.1,{}
10,2026-11-01T23:30:00-01:00,b,,10.0.0.1,{}
10,2026-11-04 00:30:00+01:00,c,,10.0.0.1,{}
10,2026-11-05 10:00:00,d,,bad-ip,{}
EOF
    load --max-reject-rate 1 "$W/in/1/clicks.csv"
    assert_eq 3 "$RC"
    assert_eq "1|2026-11-01
1|2026-11-02
1|2026-11-03" "$(q "SELECT company_id, day FROM adreport_dirty_days ORDER BY 1, 2")"
}

test_dirty_days_from_impressions_of_another_tenant() {
    seed
    mkdir -p "$W/in/2"
    printf '%s\n' "$H_IMPR" '20,2026-12-31 23:59:59-00:01,a,,10.0.0.1,{}' >"$W/in/2/impressions.csv"
    load "$W/in/2/impressions.csv"
    assert_eq 0 "$RC"
    assert_eq "2|2027-01-01" "$(q "SELECT company_id, day FROM adreport_dirty_days")"
}

# day 1 = 2026-11-01, day 2 = 2026-11-02 for company 1; company 2 and
# impressions on day 2 too.
replace_setup() {
    seed
    mkdir -p "$W/in/1" "$W/in/2" "$W/re/1"
    cat >"$W/in/1/clicks-old.csv" <<'EOF'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
10,2026-11-01 01:00:00,old1,,10.0.0.1,{}
11,2026-11-01 23:59:59,old1,,10.0.0.1,{}
10,2026-11-02 00:00:00,old2,,10.0.0.1,{}
11,2026-11-02 12:00:00,old2,,10.0.0.1,{}
EOF
    printf '%s\n' "$H_CLICKS" '20,2026-11-02 10:00:00,other,,10.0.0.1,{}' >"$W/in/2/clicks.csv"
    printf '%s\n' "$H_IMPR" '10,2026-11-02 10:00:00,impr,,10.0.0.1,{}' >"$W/in/1/impressions.csv"
    load "$W/in"
    assert_eq 0 "$RC" "setup load"
    q "SELECT id FROM clicks WHERE company_id = 1 AND clicked_at < '2026-11-02' ORDER BY id" >"$W/day1_ids"
    [ "$(wc -l <"$W/day1_ids")" == 2 ] || fail "setup: day 1 rows"
}

test_replace_swaps_exactly_the_files_days() {
    replace_setup
    assert_eq "1|2026-11-01
1|2026-11-02
2|2026-11-02" "$(q "SELECT company_id, day FROM adreport_dirty_days ORDER BY 1, 2")"
    q "DELETE FROM adreport_dirty_days"
    cat >"$W/re/1/clicks-new.csv" <<'EOF'
ad_id,clicked_at,site_url,cost_per_click_usd,user_ip,user_data
10,2026-11-02 01:00:00,new2,0.1,10.0.0.1,{}
10,2026-11-02 02:00:00,new2,0.2,10.0.0.1,{}
11,2026-11-02T23:00:00+01:00,new2,0.3,10.0.0.1,{}
EOF
    load --replace "$W/re/1/clicks-new.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "$(cat "$W/day1_ids")" \
        "$(q "SELECT id FROM clicks WHERE company_id = 1 AND clicked_at < '2026-11-02' ORDER BY id")" \
        "day 1 untouched"
    assert_eq "2026-11-02 01:00:00 new2 0.1000000000
2026-11-02 02:00:00 new2 0.2000000000
2026-11-02 22:00:00 new2 0.3000000000" \
        "$(q "SELECT clicked_at || ' ' || site_url || ' ' || cost_per_click_usd FROM clicks
              WHERE company_id = 1 AND clicked_at >= '2026-11-02' ORDER BY clicked_at")" "day 2"
    assert_eq 1 "$(nclicks 2)" "other tenant untouched"
    assert_eq 1 "$(nimpr 1)" "impressions untouched"
    assert_eq "t" "$(q "SELECT replaced FROM adreport_loaded_files WHERE file_name = 'clicks-new.csv'")"
    assert_eq "1|2026-11-02" "$(q "SELECT company_id, day FROM adreport_dirty_days ORDER BY 1, 2")" \
        "dirty days after --replace"
}

test_replace_leaves_events_of_2000_01_01_alone() {
    seed
    mkdir -p "$W/in/1" "$W/re/1"
    printf '%s\n' "$H_CLICKS" '10,2000-01-01 12:00:00,y2k,,10.0.0.1,{}' "$GOOD" >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC"
    printf '%s\n' "$H_CLICKS" '11,2026-11-01 09:00:00,new,,10.0.0.1,{}' >"$W/re/1/clicks.csv"
    load --replace "$W/re/1/clicks.csv"
    assert_eq 0 "$RC"
    assert_eq "2000-01-01 12:00:00 y2k
2026-11-01 09:00:00 new" "$(q "SELECT clicked_at || ' ' || site_url FROM clicks ORDER BY clicked_at")"
}

test_replace_goes_by_utc_day() {
    seed
    mkdir -p "$W/in/1" "$W/re/1"
    printf '%s\n' "$H_CLICKS" '10,2026-11-02 12:00:00,d2,,10.0.0.1,{}' '10,2026-11-03 12:00:00,d3,,10.0.0.1,{}' \
        >"$W/in/1/clicks.csv"
    load "$W/in/1/clicks.csv"
    assert_eq 0 "$RC"
    # Local date 2026-11-02, UTC day 2026-11-03: replaces day 3, not day 2.
    printf '%s\n' "$H_CLICKS" '11,2026-11-02T23:30:00-01:00,new,,10.0.0.1,{}' >"$W/re/1/clicks.csv"
    load --replace "$W/re/1/clicks.csv"
    assert_eq 0 "$RC"
    assert_eq "2026-11-02 12:00:00 d2
2026-11-03 00:30:00 new" "$(q "SELECT clicked_at || ' ' || site_url FROM clicks ORDER BY clicked_at")"
}

test_replace_with_rejected_rows_writes_each_reject_once() {
    replace_setup
    {
        echo "$H_CLICKS"
        for ((i = 0; i < 24; i++)); do echo "10,2026-11-02 01:00:00,new2,,10.0.0.1,{}"; done
        echo '10,2026-11-02 01:00:00,new2,,10.0.0.1,bad'
    } >"$W/re/1/clicks-new.csv"
    load --replace "$W/re/1/clicks-new.csv"
    assert_eq 3 "$RC" "exit code"
    assert_eq "26,bad_json" "$(rejects_of "$W/rej/1/clicks-new.csv.rejects.csv")"
    assert_eq 24 "$(q "SELECT count(*) FROM clicks WHERE company_id = 1 AND clicked_at >= '2026-11-02'")"
    assert_eq 2 "$(q "SELECT count(*) FROM clicks WHERE company_id = 1 AND clicked_at < '2026-11-02'")"
    assert_eq "1|24|1" "$(q "SELECT company_id, rows_loaded, rows_rejected FROM adreport_loaded_files
                              WHERE file_name = 'clicks-new.csv'")"
}

test_replace_refused_file_keeps_old_rows() {
    replace_setup
    {
        echo "$H_CLICKS"
        echo '10,2026-11-02 01:00:00,new2,,10.0.0.1,{}'
        echo '10,2026-11-02 01:00:00,new2,,bad,{}'
    } >"$W/re/1/clicks-new.csv"
    load --replace "$W/re/1/clicks-new.csv"
    assert_eq 4 "$RC" "exit code"
    assert_eq "old1 2
old2 2" "$(q "SELECT site_url || ' ' || count(*) FROM clicks WHERE company_id = 1 GROUP BY site_url ORDER BY 1")"
}

test_replace_of_impressions_keeps_clicks() {
    replace_setup
    printf '%s\n' "$H_IMPR" '11,2026-11-02 05:00:00,impr-new,,10.0.0.1,{}' >"$W/re/1/impressions-new.csv"
    load --replace "$W/re/1/impressions-new.csv"
    assert_eq 0 "$RC"
    assert_eq "impr-new" "$(q "SELECT string_agg(site_url, ',') FROM impressions WHERE company_id = 1")"
    assert_eq 4 "$(nclicks 1)"
}

# --- entity files --------------------------------------------------------

test_companies_headerless_like_copy_csv() {
    cat >"$W/companies.csv" <<'EOF'
1,"Acme Rockets, Inc. (""the best"")",https://cdn.example.com/1.png,2025-03-03 13:10:12,2025-03-18 11:39:24
2,"Two
Lines",,2025-03-03 08:45:34,2025-04-26 03:37:08
3,Café Ünïcode ☕ 株式会社,"",2025-05-17 13:48:58.5,2025-05-27 11:24:59
EOF
    load "$W/companies.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq 'Acme Rockets, Inc. ("the best")|https://cdn.example.com/1.png|2025-03-03 13:10:12|2025-03-18 11:39:24' \
        "$(q "SELECT name || '|' || image_url || '|' || created_at || '|' || updated_at FROM companies WHERE id = 1")"
    assert_eq $'Two\nLines|NULL' "$(q "SELECT name || '|' || coalesce(image_url, 'NULL') FROM companies WHERE id = 2")"
    assert_eq 'Café Ünïcode ☕ 株式会社||2025-05-17 13:48:58.5' \
        "$(q "SELECT name || '|' || image_url || '|' || created_at FROM companies WHERE id = 3")"
    # Same result as psql's \copy of the same file.
    createdb "${PGDATABASE}_copy"
    psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE}_copy" -f "$ROOT/tests/seed_schema.sql"
    psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE}_copy" -c "\\copy companies from '$W/companies.csv' with csv"
    local want got
    want=$(PGDATABASE="${PGDATABASE}_copy" q "SELECT md5(string_agg(c::text, ';' ORDER BY id)) FROM companies c")
    got=$(q "SELECT md5(string_agg(c::text, ';' ORDER BY id)) FROM companies c")
    assert_eq "$want" "$got" "same rows as \\copy"
}

test_headerless_entity_file_whose_first_row_holds_the_word_id() {
    # A valid \copy file whose first company happens to be named "ID" is
    # still data, not a header.
    cat >"$W/companies.csv" <<'EOF'
1,ID,,2025-01-01 00:00:00,2025-01-01 00:00:00
2,Acme,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    load "$W/companies.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "1|ID
2|Acme" "$(q "SELECT id, name FROM companies ORDER BY id")"
}

test_entity_file_with_bom_and_crlf() {
    printf '\xEF\xBB\xBFid,name,image_url,created_at,updated_at\r\n1,"Two\r\nlines",,2025-01-01 00:00:00,2025-01-01 00:00:00\r\n2,Plain,,2025-01-01 00:00:00,2025-01-01 00:00:00\r\n' \
        >"$W/companies.csv"
    load "$W/companies.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "1|Two\\r\\nlines|
2|Plain|" "$(q "SELECT id, replace(replace(name, E'\\r', '\\r'), E'\\n', '\\n'), image_url FROM companies ORDER BY id")"
}

test_entity_files_with_header_in_any_order() {
    cat >"$W/companies.csv" <<'EOF'
Name,ID,updated_at,created_at
"Acme, Inc.",1,2025-01-02 00:00:00,2025-01-01 00:00:00
EOF
    cat >"$W/campaigns.csv" <<'EOF'
company_id,id,name,cost_model,state,created_at,updated_at
1,5,Camp,cost_per_impression,paused,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    cat >"$W/ads.csv" <<'EOF'
id,campaign_id,company_id,name,created_at,updated_at,target_url
7,5,1,Ad,2025-01-01 00:00:00,2025-01-01 00:00:00,https://t.example
EOF
    load "$W/ads.csv" "$W/companies.csv" "$W/campaigns.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "1|Acme, Inc.||2025-01-01 00:00:00|2025-01-02 00:00:00" \
        "$(q "SELECT id, name, image_url, created_at, updated_at FROM companies")"
    assert_eq "5|1|Camp|cost_per_impression|paused||" \
        "$(q "SELECT id, company_id, name, cost_model, state, monthly_budget, blacklisted_site_urls FROM campaigns")"
    assert_eq "7|1|5|Ad||https://t.example|0|0" \
        "$(q "SELECT id, company_id, campaign_id, name, image_url, target_url, impressions_count, clicks_count FROM ads")"
}

test_campaign_blacklist_array_literal() {
    seed
    cat >"$W/campaigns.csv" <<'EOF'
3,1,Quoted,cost_per_click,active,100,"{""http://a.example"",""http://b.example/?x=1,2""}",2025-01-01 00:00:00,2025-01-01 00:00:00
4,1,Bare,cost_per_click,active,,"{http://c.example, http://d.example}",2025-01-01 00:00:00,2025-01-01 00:00:00
5,1,Empty,cost_per_click,active,,{},2025-01-01 00:00:00,2025-01-01 00:00:00
6,1,Escaped,cost_per_click,active,,"{""http://e.example/\""q\"""",""back\\slash""}",2025-01-01 00:00:00,2025-01-01 00:00:00
7,1,None,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    load "$W/campaigns.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq '3|2|http://a.example|http://b.example/?x=1,2
4|2|http://c.example|http://d.example
5|0||
6|2|http://e.example/"q"|back\slash
7|||' "$(q "SELECT id, cardinality(blacklisted_site_urls), blacklisted_site_urls[1], blacklisted_site_urls[2]
             FROM campaigns WHERE id >= 3 ORDER BY id")"
    assert_eq "3|100" "$(q "SELECT id, monthly_budget FROM campaigns WHERE id = 3")"
}

test_campaigns_resent_with_changes_are_upserted() {
    seed
    echo '3,1,Old name,cost_per_click,active,100,{http://a.example},2025-01-01 00:00:00,2025-01-01 00:00:00' >"$W/campaigns-v1.csv"
    echo '3,1,New name,cost_per_impression,paused,250,{http://b.example},2025-01-01 00:00:00,2025-02-01 00:00:00' >"$W/campaigns-v2.csv"
    load "$W/campaigns-v1.csv"
    assert_eq 0 "$RC"
    load "$W/campaigns-v2.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "New name|cost_per_impression|paused|250|{http://b.example}|2025-02-01 00:00:00" \
        "$(q "SELECT name, cost_model, state, monthly_budget, blacklisted_site_urls, updated_at FROM campaigns WHERE company_id = 1 AND id = 3")"
    assert_eq 3 "$(q "SELECT count(*) FROM campaigns")"
}

test_companies_resent_with_new_name_are_upserted() {
    seed
    echo '1,Acme Renamed,https://x.example/l.png,2025-01-01 00:00:00,2025-06-01 00:00:00' >"$W/companies.csv"
    load "$W/companies.csv"
    assert_eq 0 "$RC"
    assert_eq "Acme Renamed|https://x.example/l.png" "$(q "SELECT name, image_url FROM companies WHERE id = 1")"
    assert_eq 2 "$(q "SELECT count(*) FROM companies")"
}

test_ads_load_never_overwrites_counters() {
    seed
    echo '10,1,1,A10 v1,,,0,0,2025-01-01 00:00:00,2025-01-01 00:00:00' >"$W/ads-v1.csv"
    load "$W/ads-v1.csv"
    assert_eq 0 "$RC"
    q "UPDATE ads SET impressions_count = 1234, clicks_count = 56 WHERE company_id = 1 AND id = 10"
    cat >"$W/ads-v2.csv" <<'EOF'
10,1,1,A10 v2,https://img.example/10.png,,0,0,2025-01-01 00:00:00,2025-03-01 00:00:00
12,1,1,A12 new,,,77,88,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    load "$W/ads-v2.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "10|A10 v2|https://img.example/10.png|1234|56
12|A12 new||0|0" "$(q "SELECT id, name, image_url, impressions_count, clicks_count FROM ads
                          WHERE company_id = 1 AND id IN (10, 12) ORDER BY id")"
}

# expect_entity_rejects FILE_NAME REASON... - load $W/FILE_NAME (with
# --max-reject-rate 1); rejects must be exactly "line,reason" per argument
# given as LINE:REASON.
expect_entity_rejects() {
    local name=$1 dir=$2 want="" a
    shift 2
    for a in "$@"; do want+="${a%%:*},${a#*:}"$'\n'; done
    load --max-reject-rate 1 "$W/$name"
    assert_eq 3 "$RC" "exit code"
    assert_eq "${want%$'\n'}" "$(rejects_of "$W/rej/$dir/$(basename "$name").rejects.csv")" "rejects"
}

test_entity_reject_unknown_company() {
    seed
    cat >"$W/campaigns.csv" <<'EOF'
3,1,Ok,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
3,99,Nobody,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    expect_entity_rejects campaigns.csv entities 2:unknown_company
    assert_eq "1|3" "$(q "SELECT company_id, id FROM campaigns WHERE id = 3")"
}

test_entity_reject_unknown_campaign_including_other_tenants() {
    seed
    cat >"$W/ads.csv" <<'EOF'
12,1,1,Ok,,,0,0,2025-01-01 00:00:00,2025-01-01 00:00:00
13,1,99,No campaign,,,0,0,2025-01-01 00:00:00,2025-01-01 00:00:00
14,1,2,Campaign of company 2,,,0,0,2025-01-01 00:00:00,2025-01-01 00:00:00
15,99,1,No company,,,0,0,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    expect_entity_rejects ads.csv entities 2:unknown_campaign 3:unknown_campaign 4:unknown_campaign
    assert_eq "12" "$(q "SELECT string_agg(id::text, ',') FROM ads WHERE company_id = 1 AND id > 11")"
}

test_entity_reject_bad_cost_model() {
    seed
    cat >"$W/campaigns.csv" <<'EOF'
3,1,Ok,cost_per_impression,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
4,1,Bad,cpc,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
5,1,Case,Cost_Per_Click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    expect_entity_rejects campaigns.csv entities 2:bad_cost_model 3:bad_cost_model
}

test_entity_reject_duplicate_key() {
    cat >"$W/companies.csv" <<'EOF'
1,First,,2025-01-01 00:00:00,2025-01-01 00:00:00
2,Two,,2025-01-01 00:00:00,2025-01-01 00:00:00
1,Again,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    expect_entity_rejects companies.csv entities 3:duplicate_key
    assert_eq "First" "$(q "SELECT name FROM companies WHERE id = 1")"
}

test_entity_same_id_in_two_tenants_is_no_duplicate() {
    seed
    cat >"$W/campaigns.csv" <<'EOF'
7,1,One,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
7,2,Two,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    load "$W/campaigns.csv"
    assert_eq 0 "$RC"
    assert_eq "1|One
2|Two" "$(q "SELECT company_id, name FROM campaigns WHERE id = 7 ORDER BY 1")"
}

test_entity_reject_missing_value() {
    cat >"$W/companies.csv" <<'EOF'
1,Ok,,2025-01-01 00:00:00,2025-01-01 00:00:00
2,,,2025-01-01 00:00:00,2025-01-01 00:00:00
3,No time,,,2025-01-01 00:00:00
,No id,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    expect_entity_rejects companies.csv entities 2:missing_value 3:missing_value 4:missing_value
    assert_eq 1 "$(q "SELECT count(*) FROM companies")"
}

test_entity_reject_bad_value() {
    seed
    cat >"$W/campaigns.csv" <<'EOF'
3,1,Ok,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
x,1,Bad id,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
4,1,Bad budget,cost_per_click,active,lots,,2025-01-01 00:00:00,2025-01-01 00:00:00
5,1,Negative budget,cost_per_click,active,-5,,2025-01-01 00:00:00,2025-01-01 00:00:00
6,1,Bad time,cost_per_click,active,,,yesterday,2025-01-01 00:00:00
7,1,Bad array,cost_per_click,active,,not-an-array,2025-01-01 00:00:00,2025-01-01 00:00:00
8,1,Nested array,cost_per_click,active,,{{a}},2025-01-01 00:00:00,2025-01-01 00:00:00
0,1,Zero id,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    expect_entity_rejects campaigns.csv entities 2:bad_value 3:bad_value 4:bad_value 5:bad_value 6:bad_value \
        7:bad_value 8:bad_value
    assert_eq 3 "$(q "SELECT count(*) FROM campaigns")"
}

test_entity_reject_field_count() {
    cat >"$W/companies.csv" <<'EOF'
1,Ok,,2025-01-01 00:00:00,2025-01-01 00:00:00
2,Short,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    expect_entity_rejects companies.csv entities 2:field_count
}

test_entity_rows_of_other_tenants_in_tenant_folder_are_wrong_company() {
    seed
    mkdir -p "$W/1"
    cat >"$W/1/campaigns.csv" <<'EOF'
3,1,Mine,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
3,2,Theirs,cost_per_click,active,,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    cat >"$W/1/ads.csv" <<'EOF'
20,2,2,Hijack,,,0,0,2025-01-01 00:00:00,2025-01-02 00:00:00
12,1,1,Mine,,,0,0,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    cat >"$W/1/companies.csv" <<'EOF'
2,Renamed by tenant 1,,2025-01-01 00:00:00,2025-01-01 00:00:00
EOF
    load --max-reject-rate 1 "$W/1"
    assert_eq 3 "$RC" "exit code"
    assert_eq "2,wrong_company" "$(rejects_of "$W/rej/1/campaigns.csv.rejects.csv")"
    assert_eq "1,wrong_company" "$(rejects_of "$W/rej/1/ads.csv.rejects.csv")"
    assert_eq "1,wrong_company" "$(rejects_of "$W/rej/1/companies.csv.rejects.csv")"
    assert_eq 0 "$(q "SELECT count(*) FROM campaigns WHERE company_id = 2 AND id = 3")"
    assert_eq "A20" "$(q "SELECT name FROM ads WHERE company_id = 2 AND id = 20")"
    assert_eq "Other" "$(q "SELECT name FROM companies WHERE id = 2")"
    assert_eq "Mine|Mine" "$(q "SELECT (SELECT name FROM campaigns WHERE company_id = 1 AND id = 3), (SELECT name FROM ads WHERE company_id = 1 AND id = 12)")"
}

test_entity_file_loaded_twice_is_skipped() {
    echo '1,Acme,,2025-01-01 00:00:00,2025-01-01 00:00:00' >"$W/companies.csv"
    load "$W/companies.csv"
    assert_eq 0 "$RC"
    load "$W/companies.csv"
    assert_eq 0 "$RC"
    assert_contains "$OUT" "skipped"
    assert_eq 1 "$(nledger)"
}

# --- crashes and races ---------------------------------------------------

# big_file PATH N - N valid headerless clicks rows of company 1 over 3 days.
big_file() {
    $PY - "$1" "$2" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    w = f.write
    for i in range(n):
        w("%d,1,%d,2026-11-0%d %02d:%02d:%02d,http://site%d.example/p,0.%05d,10.%d.%d.%d,\"{\"\"i\"\":%d}\"\n"
          % (i, 10 + i % 2, 1 + i % 3, i % 24, i % 60, (i // 60) % 60, i % 97, i % 100000,
             i % 256, (i // 256) % 256, i % 250 + 1, i))
PY
}

test_kill_9_during_load_leaves_all_or_nothing() {
    seed
    mkdir -p "$W/in/1"
    big_file "$W/in/1/clicks-big.csv" 300000
    "$ADR" load -q --rejects "$W/rej" "$W/in/1/clicks-big.csv" >"$W/kill.log" 2>&1 &
    local pid=$! i
    # Kill it while its COPY is running (or, failing that, after 3 s).
    for ((i = 0; i < 150; i++)); do
        [ "$(q "SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND state = 'active'
                  AND query LIKE 'COPY clicks%'")" == 1 ] && break
        sleep 0.02
    done
    sleep 0.2
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local n
    n=$(nclicks)
    case "$n" in
    0) assert_eq 0 "$(nledger)" "ledger after a kill before commit" ;;
    300000) assert_eq 1 "$(nledger)" "ledger after a commit" ;;
    *) fail "kill -9 left $n rows" ;;
    esac
    echo "rows after kill: $n (COPY seen after $i polls)"
    load "$W/in/1/clicks-big.csv"
    assert_eq 0 "$RC" "exit code of the rerun"
    assert_eq 300000 "$(nclicks)"
    assert_eq 1 "$(nledger)"
    assert_eq "2026-11-01
2026-11-02
2026-11-03" "$(q "SELECT day FROM adreport_dirty_days WHERE company_id = 1 ORDER BY 1")"
}

test_two_concurrent_loads_of_one_file_load_it_once() {
    seed
    mkdir -p "$W/in/1"
    big_file "$W/in/1/clicks-race.csv" 60000
    local rc1=0 rc2=0
    "$ADR" load --rejects "$W/rej" "$W/in/1/clicks-race.csv" >"$W/a.log" 2>&1 &
    local p1=$!
    "$ADR" load --rejects "$W/rej" "$W/in/1/clicks-race.csv" >"$W/b.log" 2>&1 &
    local p2=$!
    wait "$p1" || rc1=$?
    wait "$p2" || rc2=$?
    cat "$W/a.log" "$W/b.log"
    assert_eq "0 0" "$rc1 $rc2" "exit codes"
    assert_eq 60000 "$(nclicks)"
    assert_eq 1 "$(nledger)"
    assert_eq 1 "$(cat "$W/a.log" "$W/b.log" | grep -c 'loaded 60000 rows')" "one loader"
    assert_eq 1 "$(cat "$W/a.log" "$W/b.log" | grep -c ': skipped, content loaded before')" "one skipper"
}

test_replace_with_earlier_content_restores_it() {
    # A, then B --replace, then A --replace again: A's rows are back (a
    # replacement is never skipped as "loaded before").
    seed
    mkdir -p "$W/a/1" "$W/b/1"
    printf '%s\n' "$H_CLICKS" '10,2026-11-02 10:00:00,http://a.example,0.5,10.0.0.1,{}' >"$W/a/1/clicks.csv"
    printf '%s\n' "$H_CLICKS" '10,2026-11-02 11:00:00,http://b.example,0.5,10.0.0.1,{}' >"$W/b/1/clicks.csv"
    load "$W/a/1/clicks.csv"
    load --replace "$W/b/1/clicks.csv"
    assert_eq "http://b.example" "$(q "SELECT string_agg(site_url, ',') FROM clicks")"
    load --replace "$W/a/1/clicks.csv"
    assert_eq 0 "$RC" "exit code"
    assert_eq "http://a.example" "$(q "SELECT string_agg(site_url, ',') FROM clicks")"
    assert_eq 2 "$(q "SELECT count(*) FROM adreport_loaded_files WHERE kind = 'clicks' AND replaced")"
}

test_resent_older_entity_file_wins_again() {
    # Entity files are upserts: A, B, A leaves A's values, while a plain
    # repeat of the latest file is skipped.
    printf '1,Alpha,,2025-01-01 00:00:00,2025-01-01 00:00:00\n' >"$W/companies-a.csv"
    printf '1,Beta,,2025-01-01 00:00:00,2025-01-01 00:00:00\n' >"$W/companies-b.csv"
    load "$W/companies-a.csv"
    load "$W/companies-b.csv"
    load "$W/companies-a.csv"
    assert_eq "Alpha" "$(q "SELECT name FROM companies WHERE id = 1")"
    load "$W/companies-a.csv"
    assert_contains "$OUT" "skipped"
}

test_concurrent_identical_replacements_leave_one_copy() {
    seed
    mkdir -p "$W/r/1"
    $PY -c 'print("'"$H_CLICKS"'")
for i in range(20000): print(f"10,2026-11-03 10:{i//60%60:02d}:{i%60:02d},http://r.example/{i},0.1,10.0.0.1,{{}}")' >"$W/r/1/clicks.csv"
    "$ADR" load -q --replace --rejects "$W/rej" "$W/r/1/clicks.csv" &
    "$ADR" load -q --replace --rejects "$W/rej" "$W/r/1/clicks.csv"
    wait
    assert_eq 20000 "$(nclicks)"
}

run_tests
