#!/usr/bin/env bash
# Integration tests of --summary-json: one JSON object, written atomically
# at the end of load, rollup, report, run and backfill whatever the exit
# code, read back with Python's json module as monitoring would.
source "$(dirname "$0")/lib.sh"

# js FILE EXPR - EXPR (Python, over the parsed summary `d`) printed.
js() { $PY -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# check_common FILE COMMAND EXIT - the fields every summary has, and their types.
check_common() {
    $PY - "$1" "$2" "$3" <<'PY'
import json, re, sys
path, command, code = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = json.load(open(path))
status = {0: "ok", 1: "error", 2: "usage", 3: "rows_rejected", 4: "file_failed", 75: "locked"}
assert d["schema_version"] == 1, d["schema_version"]
assert d["command"] == command, d["command"]
assert d["exit_code"] == code, (d["exit_code"], code)
assert d["exit_status"] == status[code], d["exit_status"]
stamp = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"
assert re.match(stamp, d["started_at"]) and re.match(stamp, d["finished_at"]), d["started_at"]
assert d["started_at"] <= d["finished_at"]
assert isinstance(d["duration_seconds"], float) and d["duration_seconds"] >= 0
assert isinstance(d["rolled_back"], bool)
assert set(d["stages"]) == {"load", "rollup", "report"}
for s in d["stages"].values():
    assert isinstance(s["ran"], bool) and s["seconds"] >= 0
f = d["files"]
for k in ("loaded", "skipped", "failed", "refused", "archived"):
    assert isinstance(f[k], int), k
assert len(f["list"]) == f["loaded"] + f["skipped"] + f["failed"] + f["refused"]
for e in f["list"]:
    assert e["status"] in ("loaded", "skipped", "failed", "refused"), e
    assert e["name"] == e["path"].rsplit("/", 1)[-1], e
    assert (e["reason"] is None) == (e["status"] == "loaded"), e
    assert e["company_id"] is None or isinstance(e["company_id"], int)
loaded = [e for e in f["list"] if e["status"] == "loaded"]
assert d["rows"]["loaded"] == sum(e["rows_loaded"] for e in loaded)
assert d["rows"]["rejected"] == sum(e["rows_rejected"] for e in loaded)
by = d["rows"]["by_company"]
assert [t["company_id"] for t in by] == sorted({e["company_id"] for e in loaded if e["company_id"]})
for t in by:
    assert t["loaded"] == sum(e["rows_loaded"] for e in loaded if e["company_id"] == t["company_id"])
r = d["rollup"]
assert r["tenants"] == len(r["by_company"])
assert r["days"] == sum(t["days"] for t in r["by_company"])
p = d["reports"]
assert p["written"] == sum(1 for x in p["list"] if x["status"] == "written")
PY
}

run() { "$ADR" run --incoming "$W/in" --reports "$W/reports" --rejects "$W/rejects" -q "$@"; }

test_run_summary_after_a_clean_run() {
    mkdir -p "$W/in/2"
    cp "$ROOT"/samples/incoming/*.csv "$W/in/"
    cp "$ROOT"/samples/incoming/2/clicks-* "$W/in/2/"
    assert_exit 0 run --summary-json "$W/summary.json" --archive "$W/archive"
    check_common "$W/summary.json" run 0
    assert_eq "10 0 0 0 10" "$(js "$W/summary.json" '" ".join(str(d["files"][k]) for k in ("loaded", "skipped", "failed", "refused", "archived"))')"
    assert_eq "0 [2]" "$(js "$W/summary.json" 'd["rows"]["rejected"], [t["company_id"] for t in d["rows"]["by_company"]]' | tr -d '(),')"
    assert_eq "$(q 'SELECT count(*) FROM clicks')" "$(js "$W/summary.json" 'd["rows"]["by_company"][0]["loaded"]')"
    assert_eq "1 $(q 'SELECT count(DISTINCT day) FROM ad_daily_stats')" "$(js "$W/summary.json" 'd["rollup"]["tenants"], d["rollup"]["days"]' | tr -d '(),')"
    assert_eq "True True True" "$(js "$W/summary.json" '" ".join(str(s["ran"]) for s in d["stages"].values())')"
    [ "$(js "$W/summary.json" 'd["reports"]["written"]')" -ge 1 ] || fail "no report in the summary"
    assert_eq "True" "$(js "$W/summary.json" 'all(x["dir"].startswith(sys.argv[1].rsplit("/", 1)[0] + "/reports/2/") for x in d["reports"]["list"])')"
    # The folder holds the summary and no temporary file.
    assert_eq "archive in reports summary.json" "$(ls "$W" | tr '\n' ' ' | sed 's/ $//')"
}

test_run_summary_with_rejected_rows_exits_3() {
    cp -r "$ROOT/samples/incoming" "$W/in"
    assert_exit 3 run --summary-json "$W/summary.json"
    check_common "$W/summary.json" run 3
    local want
    want=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rejects"]))' "$ROOT/samples/expected.json" 2>/dev/null || echo "")
    local got
    got=$(js "$W/summary.json" 'd["rows"]["rejected"]')
    [ "$got" -gt 0 ] || fail "no rejected rows in the summary"
    [ -z "$want" ] || assert_eq "$want" "$got" "rejected rows vs samples/expected.json"
    assert_eq "4" "$(js "$W/summary.json" 'len(d["rows"]["by_company"])')"
    assert_eq "True" "$(js "$W/summary.json" 'all(t["rejected"] > 0 for t in d["rows"]["by_company"])')"
}

test_run_summary_with_a_refused_file_exits_4() {
    cp -r "$ROOT/samples/incoming" "$W/in"
    mkdir -p "$W/in/999"
    cp "$W/in/1/clicks-2026-11-01.csv" "$W/in/999/clicks-x.csv" # company 999 does not exist
    assert_exit 4 run --summary-json "$W/summary.json"
    check_common "$W/summary.json" run 4
    assert_eq "1 0" "$(js "$W/summary.json" 'd["files"]["refused"], d["files"]["failed"]' | tr -d '(),')"
    assert_eq "refused 999 company 999 does not exist" "$(js "$W/summary.json" '" ".join(str(x) for e in d["files"]["list"] if e["name"] == "clicks-x.csv" for x in (e["status"], e["company_id"], e["reason"]))')"
}

test_run_summary_when_another_run_holds_the_lock_exits_75() {
    cp -r "$ROOT/samples/incoming" "$W/in"
    hold_run_lock
    local rc=0
    run --summary-json "$W/summary.json" 2>/dev/null || rc=$?
    release_run_lock
    assert_eq 75 "$rc" "exit code"
    check_common "$W/summary.json" run 75
    assert_eq "0 False" "$(js "$W/summary.json" 'len(d["files"]["list"]), d["stages"]["load"]["ran"]' | tr -d '(),')"
}

test_backfill_summary_marks_every_file_failed_when_it_rolls_back() {
    "$ADR" load -q --rejects "$W/rejects" "$ROOT"/samples/incoming/*.csv
    mkdir -p "$W/bf/1"
    cp "$ROOT/samples/incoming/1/clicks-2026-11-01.csv" "$W/bf/1/"
    printf 'garbage\n1,2\n3,4\n' >"$W/bf/1/clicks-bad.csv"
    local rc=0
    "$ADR" backfill -q --company 1 --from 2026-11-01 --to 2026-11-01 --reports "$W/reports" \
        --rejects "$W/rejects" --summary-json "$W/summary.json" "$W/bf" 2>/dev/null || rc=$?
    assert_eq 4 "$rc" "exit code"
    check_common "$W/summary.json" backfill 4
    assert_eq "True 0 0" "$(js "$W/summary.json" 'd["rolled_back"], d["files"]["loaded"], d["rows"]["loaded"]' | tr -d '(),')"
    assert_eq "failed refused" "$(js "$W/summary.json" '" ".join(e["status"] for e in d["files"]["list"])')"
    assert_contains "$(js "$W/summary.json" 'd["files"]["list"][0]["reason"]')" "rolled back"
}

test_load_rollup_and_report_each_write_their_summary() {
    "$ADR" load -q --rejects "$W/rejects" --summary-json "$W/load.json" "$ROOT"/samples/incoming/*.csv "$ROOT"/samples/incoming/2/clicks-*
    check_common "$W/load.json" load 0
    assert_eq "True False False" "$(js "$W/load.json" '" ".join(str(s["ran"]) for s in d["stages"].values())')"
    "$ADR" load -q --rejects "$W/rejects" --summary-json "$W/again.json" "$ROOT"/samples/incoming/2/clicks-*
    check_common "$W/again.json" load 0
    assert_eq "0 7" "$(js "$W/again.json" 'd["files"]["loaded"], d["files"]["skipped"]' | tr -d '(),')"
    assert_eq "its content was loaded before" "$(js "$W/again.json" 'd["files"]["list"][0]["reason"]')"
    "$ADR" rollup -q --summary-json "$W/rollup.json"
    check_common "$W/rollup.json" rollup 0
    assert_eq "[2] 2026-11-01 2026-11-07" "$(js "$W/rollup.json" '[t["company_id"] for t in d["rollup"]["by_company"]], d["rollup"]["by_company"][0]["first_day"], d["rollup"]["by_company"][0]["last_day"]' | tr -d "(),'")"
    "$ADR" report -q --company 2 --month 2026-11 --format csv --out "$W/reports" --summary-json "$W/report.json"
    check_common "$W/report.json" report 0
    assert_eq "1 2026-11 written" "$(js "$W/report.json" 'd["reports"]["written"], d["reports"]["list"][0]["period"], d["reports"]["list"][0]["status"]' | tr -d "(),'")"
}

test_summary_escapes_hostile_file_names() {
    "$ADR" load -q --rejects "$W/rejects" "$ROOT"/samples/incoming/*.csv
    mkdir -p "$W/in/1"
    local name
    name=$($PY -c 'import os, sys
n = b"clicks-\"q\"\\\n\t\x01\xff\xc3\xa9\xe2\x80\xa8.csv"
open(os.path.join(sys.argv[1].encode(), n), "wb").write(open(sys.argv[2], "rb").read())' "$W/in/1" "$ROOT/samples/incoming/1/clicks-2026-11-01.csv")
    # Whether the file loads is the loader's business (the ledger stores the
    # name as text); the summary must say what happened to it, readably.
    local rc=0
    "$ADR" load -q --rejects "$W/rejects" --summary-json "$W/s.json" "$W/in" 2>/dev/null || rc=$?
    check_common "$W/s.json" load "$rc"
    assert_eq "'clicks-\"q\"\\\\\\n\\t\\x01\\ufffdé\\u2028.csv'" "$(js "$W/s.json" 'ascii(d["files"]["list"][0]["name"]).replace("\\xe9", "é")')"
}

test_summary_is_written_when_the_database_is_unreachable() {
    local rc=0
    "$ADR" run -q --incoming "$ROOT/samples/incoming" --db "host=$W/nowhere" \
        --summary-json "$W/s.json" 2>/dev/null || rc=$?
    assert_eq 1 "$rc" "exit code"
    check_common "$W/s.json" run 1
    assert_eq "0 False" "$(js "$W/s.json" 'len(d["files"]["list"]), d["stages"]["load"]["ran"]' | tr -d '(),')"
}

test_summary_that_cannot_be_written_fails_a_clean_command() {
    "$ADR" load -q --rejects "$W/rejects" "$ROOT"/samples/incoming/*.csv
    local out rc=0
    out=$("$ADR" rollup -q --summary-json "$W/no/such/folder/s.json" 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code"
    assert_contains "$out" "could not write the summary"
}

run_tests
