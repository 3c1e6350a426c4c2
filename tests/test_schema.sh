#!/usr/bin/env bash
# Integration tests of `adreport init`: the seed's tables exactly, idempotent
# upgrades, Citus refusal, connection errors.
source "$(dirname "$0")/lib.sh"

# The catalog's view of the five seed tables: columns, types, defaults,
# nullability and every constraint.  Two databases with the same DDL print
# the same text.
describe_seed_tables() {
    q "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
              || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
              || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE c.relname IN ('companies','campaigns','ads','clicks','impressions')
         AND c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum"
    q "SELECT conrelid::regclass::text || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
       FROM pg_constraint
       WHERE conrelid::regclass::text IN ('companies','campaigns','ads','clicks','impressions')
       ORDER BY 1"
}

test_seed_copy_matches_shared_seed() {
    local seed="$ROOT/../shared/seed/000_a17a2f91e0be87f9.txt"
    [ -f "$seed" ] || { echo "shared seed not beside the repo; checking the copy only"; return 0; }
    $PY - "$seed" "$ROOT/tests/seed_schema.sql" <<'PY'
import re, sys
seed = open(sys.argv[1]).read()
ddl = "".join(b for b in re.findall(r'```\n(.*?)```', seed, re.S) if 'CREATE TABLE' in b)
assert ddl == open(sys.argv[2]).read(), "tests/seed_schema.sql differs from the seed"
PY
}

test_init_creates_the_seed_tables_exactly() {
    # init itself, on a blank database (the test's own is a copy of the
    # run's template), quietly.
    local out
    createdb "${PGDATABASE}_blank"
    out=$(PGDATABASE="${PGDATABASE}_blank" "$ADR" init -q 2>&1)
    assert_eq "" "$out" "init -q's output"
    PGDATABASE="${PGDATABASE}_blank" describe_seed_tables >"$W/ours"
    createdb "${PGDATABASE}_seed"
    psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE}_seed" -f "$ROOT/tests/seed_schema.sql"
    PGDATABASE="${PGDATABASE}_seed" describe_seed_tables >"$W/seed"
    diff -u "$W/seed" "$W/ours"
    [ "$(wc -l <"$W/ours")" -gt 40 ] || fail "catalog description looks empty"
}

test_init_twice_keeps_data() {
    q "INSERT INTO companies VALUES (7, 'Acme', NULL, now(), now())"
    "$ADR" init -q
    "$ADR" init -q
    assert_eq "Acme" "$(q 'SELECT name FROM companies WHERE id = 7')"
}

test_init_citus_without_extension_fails_clearly() {
    local out rc=0
    out=$("$ADR" init --citus 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code"
    assert_contains "$out" "citus extension is not installed"
    assert_contains "$out" "HINT:"
}

test_unreachable_database_exits_1_without_password() {
    local out rc=0
    out=$("$ADR" init --db "host=/nonexistent-dir port=1 user=bob password=s3cretpw" 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code"
    assert_contains "$out" "could not connect"
    assert_contains "$out" "/nonexistent-dir"
    case "$out" in *s3cretpw*) fail "password printed" ;; esac
}

test_malformed_connection_string_never_prints_its_password() {
    local out rc=0
    out=$("$ADR" init --db "postgresql://bob:s3cr%zzet@127.0.0.1:1/nodb" 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code"
    assert_contains "$out" "could not parse the connection string"
    case "$out" in *s3cr*) fail "password printed: $out" ;; esac
}

test_mistyped_connection_keyword_is_named_with_the_nearest_one() {
    local out rc=0
    out=$("$ADR" init --db "hots=/tmp password=s3cretpw dbname=x" 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code"
    assert_contains "$out" 'invalid connection option "hots"'
    assert_contains "$out" 'HINT:  did you mean "host"?'
    case "$out" in *s3cretpw*) fail "password printed: $out" ;; esac
}

test_database_url_is_used() {
    local out rc=0
    out=$(DATABASE_URL="postgresql://nobody:pw@127.0.0.1:1/nodb" "$ADR" init 2>&1) || rc=$?
    assert_eq 1 "$rc" "exit code"
    assert_contains "$out" "nodb"
    case "$out" in *":pw@"*) fail "password printed" ;; esac
}

test_unknown_option_is_usage_error() {
    assert_exit 2 "$ADR" init --bogus
    assert_exit 2 "$ADR" frobnicate
}

run_tests
