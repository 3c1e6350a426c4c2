/*
 * test_summary.c - the --summary-json writer: JSON string escaping of any
 * bytes (file names), and the counts it derives from what it was told.
 */
#include "adreport/summary.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* What sum_json_string writes for len bytes of s; the caller frees. */
static char *json(const char *s, size_t len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    sum_json_string(out, s, len);
    assert_int_equal(fclose(out), 0);
    return buf;
}

static void expect_json(const char *s, size_t len, const char *expected)
{
    char *got = json(s, len);
    assert_string_equal(got, expected);
    free(got);
}

static void plain_ascii_is_quoted_as_is(void **state)
{
    (void)state;
    expect_json("clicks-2026-11-15.csv", 21, "\"clicks-2026-11-15.csv\"");
}

static void quotes_and_backslashes_are_escaped(void **state)
{
    (void)state;
    expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
}

static void control_characters_are_escaped(void **state)
{
    (void)state;
    expect_json("a\nb\tc\rd\x01\x1f\x7f", 10, "\"a\\nb\\tc\\rd\\u0001\\u001f\\u007f\"");
}

static void nul_bytes_are_escaped(void **state)
{
    (void)state;
    expect_json("a\0b", 3, "\"a\\u0000b\"");
}

static void valid_utf8_is_kept(void **state)
{
    (void)state;
    /* é (2 bytes), € (3 bytes), U+1F600 (4 bytes) */
    expect_json("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
                "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
}

static void invalid_utf8_becomes_one_replacement_per_byte(void **state)
{
    (void)state;
    expect_json("a\xff"
                "b",
                3, "\"a\\ufffdb\"");
    expect_json("\xc3", 1, "\"\\ufffd\"");                                  /* truncated */
    expect_json("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");                       /* overlong */
    expect_json("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");            /* surrogate */
    expect_json("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
}

static void line_separators_are_escaped_for_javascript(void **state)
{
    (void)state;
    expect_json("a\xe2\x80\xa8"
                "b\xe2\x80\xa9",
                8, "\"a\\u2028b\\u2029\"");
}

static void summary_counts_what_it_was_told(void **state)
{
    (void)state;
    sum_begin("load");
    sum_file("in/1/clicks-a.csv", "clicks", 1, SUM_LOADED, NULL, 10, 2, 0.5);
    sum_file("in/1/clicks-b.csv", "clicks", 1, SUM_SKIPPED, "its content was loaded before", 0, 0,
             0.1);
    sum_file("in/2/clicks-c.csv", "clicks", 2, SUM_REFUSED, "company 2 does not exist", 0, 0, 0);
    sum_file("in/ads.csv", "ads", 0, SUM_LOADED, NULL, 5, 0, 0.1);
    sum_stage("load", 1.25);
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    assert_non_null(out);
    sum_write(out, 4);
    assert_int_equal(fclose(out), 0);
    assert_non_null(strstr(buf, "\"exit_code\": 4,\n  \"exit_status\": \"file_failed\""));
    assert_non_null(strstr(buf, "\"loaded\": 2, \"skipped\": 1, \"failed\": 0, \"refused\": 1"));
    assert_non_null(strstr(buf, "\"rows\": {\"loaded\": 15, \"rejected\": 2"));
    assert_non_null(strstr(buf, "{\"company_id\": 1, \"loaded\": 10, \"rejected\": 2}"));
    assert_non_null(strstr(buf, "\"load\": {\"ran\": true, \"seconds\": 1.250}"));
    assert_non_null(strstr(buf, "\"company_id\": null"));
    /* Files are listed by path. */
    assert_true(strstr(buf, "in/1/clicks-a.csv") < strstr(buf, "in/2/clicks-c.csv"));
    assert_true(strstr(buf, "in/2/clicks-c.csv") < strstr(buf, "in/ads.csv"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_ascii_is_quoted_as_is),
        cmocka_unit_test(quotes_and_backslashes_are_escaped),
        cmocka_unit_test(control_characters_are_escaped),
        cmocka_unit_test(nul_bytes_are_escaped),
        cmocka_unit_test(valid_utf8_is_kept),
        cmocka_unit_test(invalid_utf8_becomes_one_replacement_per_byte),
        cmocka_unit_test(line_separators_are_escaped_for_javascript),
        cmocka_unit_test(summary_counts_what_it_was_told),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
