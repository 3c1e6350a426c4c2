/*
 * test_events.c - unit tests for src/events.c.
 *
 * Expected wire bytes below were produced by a PostgreSQL 15.18 server
 * (pg_virtualenv -v 15) with numeric_send(), inet_send() and
 * timestamp_send(); each block names the query it came from.  The tests
 * themselves need no server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "adreport/events.h"

/* Length of a string literal, embedded NULs included. */
#define LIT(s) (s), (sizeof(s) - 1)

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static size_t hex_to_bytes(const char *hex, uint8_t *out)
{
    size_t n = 0;
    for (; hex[0] && hex[1]; hex += 2) {
        char pair[3] = {hex[0], hex[1], 0};
        out[n++] = (uint8_t)strtoul(pair, NULL, 16);
    }
    return n;
}

/* Serialises an ev_numeric exactly as numeric_send puts it on the wire. */
static size_t numeric_wire(const ev_numeric *n, uint8_t *out)
{
    size_t k = 0;
    uint16_t head[4] = {(uint16_t)n->ndigits, (uint16_t)n->weight, n->sign, n->dscale};
    for (int i = 0; i < 4; i++) {
        out[k++] = (uint8_t)(head[i] >> 8);
        out[k++] = (uint8_t)head[i];
    }
    for (int i = 0; i < n->ndigits; i++) {
        out[k++] = (uint8_t)(n->digits[i] >> 8);
        out[k++] = (uint8_t)n->digits[i];
    }
    return k;
}

static void assert_cost_wire(const char *in, const char *pg_hex)
{
    ev_numeric n;
    const char *why = NULL;
    uint8_t want[64], got[64];

    if (!ev_parse_cost(in, strlen(in), &n, &why))
        fail_msg("\"%s\" rejected: %s", in, why);
    size_t wn = hex_to_bytes(pg_hex, want);
    size_t gn = numeric_wire(&n, got);
    assert_int_equal(gn, wn);
    assert_memory_equal(got, want, wn);
}

static void assert_cost_rejected(const char *in, const char *expect_why)
{
    ev_numeric n;
    const char *why = NULL;
    if (ev_parse_cost(in, strlen(in), &n, &why))
        fail_msg("\"%s\" accepted", in);
    assert_non_null(why);
    if (expect_why)
        assert_string_equal(why, expect_why);
}

static void assert_inet_wire(const char *in, const char *pg_hex)
{
    ev_inet a;
    const char *why = NULL;
    uint8_t want[32], got[32];

    if (!ev_parse_ip(in, strlen(in), &a, &why))
        fail_msg("\"%s\" rejected: %s", in, why);
    size_t wn = hex_to_bytes(pg_hex, want);
    got[0] = a.family;
    got[1] = a.bits;
    got[2] = a.is_cidr;
    got[3] = a.nb;
    memcpy(got + 4, a.addr, a.nb);
    assert_int_equal(4 + a.nb, wn);
    assert_memory_equal(got, want, wn);
}

static void assert_ip_rejected(const char *in, size_t len, const char *expect_why)
{
    ev_inet a;
    const char *why = NULL;
    if (ev_parse_ip(in, len, &a, &why))
        fail_msg("\"%s\" accepted", in);
    assert_non_null(why);
    if (expect_why)
        assert_string_equal(why, expect_why);
}

static int64_t ts_ok(const char *in)
{
    int64_t us = 0;
    const char *why = NULL;
    if (!ev_parse_timestamp(in, strlen(in), &us, &why))
        fail_msg("\"%s\" rejected: %s", in, why);
    return us;
}

static void assert_ts_rejected(const char *in, const char *expect_why)
{
    int64_t us;
    const char *why = NULL;
    if (ev_parse_timestamp(in, strlen(in), &us, &why))
        fail_msg("\"%s\" accepted", in);
    assert_non_null(why);
    if (expect_why)
        assert_string_equal(why, expect_why);
}

static void assert_json_ok(const char *in, size_t len)
{
    const char *why = NULL;
    if (!ev_valid_json(in, len, &why))
        fail_msg("json \"%.80s\" rejected: %s", in, why);
}

static void assert_json_rejected(const char *in, size_t len, const char *expect_why)
{
    const char *why = NULL;
    if (ev_valid_json(in, len, &why))
        fail_msg("json \"%.80s\" accepted", in);
    assert_non_null(why);
    if (expect_why)
        assert_string_equal(why, expect_why);
}

#define JSON_OK(s) assert_json_ok(LIT(s))
#define JSON_BAD(s) assert_json_rejected(LIT(s), NULL)

/* Builds pre + n copies of `rep` + post in a heap buffer (test-only). */
static char *repeat(const char *pre, const char *rep, size_t n, const char *post, size_t *len)
{
    size_t lp = strlen(pre), lr = strlen(rep), lq = strlen(post);
    size_t total = lp + lr * n + lq;
    char *buf = malloc(total + 1);
    assert_non_null(buf);
    memcpy(buf, pre, lp);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + lp + i * lr, rep, lr);
    memcpy(buf + lp + lr * n, post, lq);
    buf[total] = '\0';
    *len = total;
    return buf;
}

static void assert_json_repeat(bool ok, const char *pre, const char *rep, size_t n,
                               const char *post)
{
    size_t len;
    char *buf = repeat(pre, rep, n, post, &len);
    if (ok)
        assert_json_ok(buf, len);
    else
        assert_json_rejected(buf, len, NULL);
    free(buf);
}

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */
/* ------------------------------------------------------------------------ */

static void test_utf8_accepts_empty_string(void **state)
{
    (void)state;
    assert_true(ev_valid_utf8("", 0));
}

static void test_utf8_accepts_ascii_and_multibyte_text(void **state)
{
    (void)state;
    assert_true(ev_valid_utf8(LIT("Mozilla/5.0 (X11; Linux x86_64)")));
    assert_true(ev_valid_utf8(LIT("h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e")));
}

static void test_utf8_accepts_encoding_boundaries(void **state)
{
    (void)state;
    assert_true(ev_valid_utf8(LIT("\x7f")));             /* U+007F */
    assert_true(ev_valid_utf8(LIT("\xc2\x80")));         /* U+0080 */
    assert_true(ev_valid_utf8(LIT("\xdf\xbf")));         /* U+07FF */
    assert_true(ev_valid_utf8(LIT("\xe0\xa0\x80")));     /* U+0800 */
    assert_true(ev_valid_utf8(LIT("\xed\x9f\xbf")));     /* U+D7FF */
    assert_true(ev_valid_utf8(LIT("\xee\x80\x80")));     /* U+E000 */
    assert_true(ev_valid_utf8(LIT("\xef\xbf\xbf")));     /* U+FFFF */
    assert_true(ev_valid_utf8(LIT("\xf0\x90\x80\x80"))); /* U+10000 */
    assert_true(ev_valid_utf8(LIT("\xf4\x8f\xbf\xbf"))); /* U+10FFFF */
}

static void test_utf8_rejects_nul_byte(void **state)
{
    (void)state;
    assert_false(ev_valid_utf8(LIT("\0")));
    assert_false(ev_valid_utf8(LIT("ab\0c")));
    /* inside an 8-byte block that the ASCII fast path examines */
    assert_false(ev_valid_utf8(LIT("abcdefgh\0ijklmnopqrstuvwxyz")));
}

static void test_utf8_rejects_overlong_forms(void **state)
{
    (void)state;
    assert_false(ev_valid_utf8(LIT("\xc0\x80"))); /* NUL in 2 bytes */
    assert_false(ev_valid_utf8(LIT("\xc1\xbf")));
    assert_false(ev_valid_utf8(LIT("\xe0\x80\x80")));
    assert_false(ev_valid_utf8(LIT("\xe0\x9f\xbf")));
    assert_false(ev_valid_utf8(LIT("\xf0\x80\x80\x80")));
    assert_false(ev_valid_utf8(LIT("\xf0\x8f\xbf\xbf")));
}

static void test_utf8_rejects_surrogates(void **state)
{
    (void)state;
    assert_false(ev_valid_utf8(LIT("\xed\xa0\x80")));             /* U+D800 */
    assert_false(ev_valid_utf8(LIT("\xed\xbf\xbf")));             /* U+DFFF */
    assert_false(ev_valid_utf8(LIT("\xed\xa0\xbd\xed\xb8\x80"))); /* CESU-8 pair */
}

static void test_utf8_rejects_code_points_above_u10ffff(void **state)
{
    (void)state;
    assert_false(ev_valid_utf8(LIT("\xf4\x90\x80\x80"))); /* U+110000 */
    assert_false(ev_valid_utf8(LIT("\xf5\x80\x80\x80")));
    assert_false(ev_valid_utf8(LIT("\xf8\x88\x80\x80\x80")));
    assert_false(ev_valid_utf8(LIT("\xff")));
}

static void test_utf8_rejects_truncated_sequences(void **state)
{
    (void)state;
    assert_false(ev_valid_utf8(LIT("abc\xc3")));
    assert_false(ev_valid_utf8(LIT("\xe2\x82")));
    assert_false(ev_valid_utf8(LIT("\xf0\x9f\x98")));
    assert_false(ev_valid_utf8(LIT("\xc3"
                                   "A")));
    assert_false(ev_valid_utf8(LIT("\xe2\x82"
                                   "Aaaaaaaaaaa")));
    /* the length bounds the scan even if the bytes after it would complete it */
    assert_false(ev_valid_utf8("\xc3\xa9", 1));
}

static void test_utf8_rejects_stray_continuation_byte(void **state)
{
    (void)state;
    assert_false(ev_valid_utf8(LIT("\x80")));
    assert_false(ev_valid_utf8(LIT("abcdefghijklmnop\xbf")));
}

/* ------------------------------------------------------------------------ */
/* int64                                                                    */
/* ------------------------------------------------------------------------ */

static void test_int64_parses_decimal_integers(void **state)
{
    (void)state;
    int64_t v;
    assert_true(ev_parse_int64(LIT("42"), &v, NULL));
    assert_int_equal(v, 42);
    assert_true(ev_parse_int64(LIT("-17"), &v, NULL));
    assert_int_equal(v, -17);
    assert_true(ev_parse_int64(LIT("0"), &v, NULL));
    assert_int_equal(v, 0);
    assert_true(ev_parse_int64(LIT("-0"), &v, NULL));
    assert_int_equal(v, 0);
    assert_true(ev_parse_int64(LIT("007"), &v, NULL));
    assert_int_equal(v, 7);
}

static void test_int64_accepts_extreme_values(void **state)
{
    (void)state;
    int64_t v;
    assert_true(ev_parse_int64(LIT("9223372036854775807"), &v, NULL));
    assert_true(v == INT64_MAX);
    assert_true(ev_parse_int64(LIT("-9223372036854775808"), &v, NULL));
    assert_true(v == INT64_MIN);
    assert_true(ev_parse_int64(LIT("000000000000000000000000009223372036854775807"), &v, NULL));
    assert_true(v == INT64_MAX);
}

static void test_int64_rejects_overflow(void **state)
{
    (void)state;
    int64_t v;
    const char *why = NULL;
    assert_false(ev_parse_int64(LIT("9223372036854775808"), &v, &why));
    assert_string_equal(why, "integer out of range for a 64-bit value");
    assert_false(ev_parse_int64(LIT("-9223372036854775809"), &v, &why));
    assert_false(ev_parse_int64(LIT("18446744073709551616"), &v, &why));
    assert_false(ev_parse_int64(LIT("99999999999999999999999"), &v, &why));
}

static void test_int64_rejects_empty_and_lone_minus(void **state)
{
    (void)state;
    int64_t v;
    const char *why = NULL;
    assert_false(ev_parse_int64("", 0, &v, &why));
    assert_non_null(why);
    assert_false(ev_parse_int64(LIT("-"), &v, &why));
}

static void test_int64_rejects_sign_spaces_and_junk(void **state)
{
    (void)state;
    int64_t v;
    static const char *const bad[] = {"+1", " 1", "1 ", "1a", "1.0", "--1", "1-", "0x10", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = NULL;
        if (ev_parse_int64(bad[i], strlen(bad[i]), &v, &why))
            fail_msg("\"%s\" accepted", bad[i]);
        assert_non_null(why);
    }
}

static void test_int64_reads_only_len_bytes(void **state)
{
    (void)state;
    int64_t v;
    assert_true(ev_parse_int64("123x", 3, &v, NULL));
    assert_int_equal(v, 123);
}

/* ------------------------------------------------------------------------ */
/* timestamp                                                                */
/* ------------------------------------------------------------------------ */

static void test_timestamp_postgres_epoch_is_zero(void **state)
{
    (void)state;
    assert_true(ts_ok("2000-01-01 00:00:00") == 0);
}

static void test_timestamp_matches_postgres_binary(void **state)
{
    (void)state;
    /* SELECT timestamp_send('<input>'::timestamp) on PostgreSQL 15.18 */
    assert_true(ts_ok("2026-11-26 00:30:00") == INT64_C(0x00030421cffc9200));
    assert_true(ts_ok("1970-01-01 00:00:00") == (int64_t)UINT64_C(0xfffca2fec4c82000));
    assert_true(ts_ok("0001-01-01 00:00:00") == (int64_t)UINT64_C(0xff1fe2ffc59c6000));
    assert_true(ts_ok("1999-12-31 23:59:59.999999") == -1);
    assert_true(ts_ok("9999-12-31 23:59:59.999999") == INT64_C(0x0380e70b913b7fff));
    assert_true(ts_ok("2024-02-29 12:34:56.5") == INT64_C(0x0002b583416e1d20));
    assert_true(ts_ok("2000-03-01 00:00:00.000001") == INT64_C(0x000004b6fe7a8001));
}

static void test_timestamp_accepts_t_separator(void **state)
{
    (void)state;
    assert_true(ts_ok("2026-11-26T00:30:00") == ts_ok("2026-11-26 00:30:00"));
}

static void test_timestamp_fraction_scales_to_microseconds(void **state)
{
    (void)state;
    int64_t base = ts_ok("2026-11-26 00:30:00");
    assert_true(ts_ok("2026-11-26 00:30:00.5") - base == 500000);
    assert_true(ts_ok("2026-11-26 00:30:00.05") - base == 50000);
    assert_true(ts_ok("2026-11-26 00:30:00.123456") - base == 123456);
    assert_true(ts_ok("2026-11-26 00:30:00.000000") == base);
}

static void test_timestamp_rejects_more_than_six_fraction_digits(void **state)
{
    (void)state;
    assert_ts_rejected("2026-11-26 00:30:00.1234567",
                       "more than 6 fraction digits (timestamps store microseconds)");
}

static void test_timestamp_rejects_point_without_fraction_digits(void **state)
{
    (void)state;
    assert_ts_rejected("2026-11-26 00:30:00.", "expected fraction digits after '.'");
    assert_ts_rejected("2026-11-26 00:30:00.Z", "expected fraction digits after '.'");
}

static void test_timestamp_z_suffix_means_utc(void **state)
{
    (void)state;
    assert_true(ts_ok("2026-11-26T00:30:00Z") == ts_ok("2026-11-26 00:30:00"));
    assert_true(ts_ok("2026-11-26T00:30:00.25Z") == ts_ok("2026-11-26 00:30:00.25"));
}

static void test_timestamp_with_offset_converts_to_utc(void **state)
{
    (void)state;
    /* SELECT timestamp_send(('<input>'::timestamptz AT TIME ZONE 'UTC')) */
    assert_true(ts_ok("2026-11-25T23:30:00-01:00") == INT64_C(0x00030421cffc9200));
    assert_true(ts_ok("2026-01-01 05:30:00+05:30") == INT64_C(0x0002ea470ae86000));
    assert_true(ts_ok("2026-11-26 00:30:00+00:00") == ts_ok("2026-11-26 00:30:00"));
    assert_true(ts_ok("2026-11-26 00:30:00-00:00") == ts_ok("2026-11-26 00:30:00"));
}

static void test_timestamp_offset_may_leave_year_range_in_utc(void **state)
{
    (void)state;
    /* PostgreSQL stores these (1 BC and 10000 AD); same query as above */
    assert_true(ts_ok("0001-01-01 00:00:00+01:00") == (int64_t)UINT64_C(0xff1fe2feef08bc00));
    assert_true(ts_ok("9999-12-31 23:59:59.999999-14:00") == INT64_C(0x0380e7174d4e77ff));
}

static bool ts_in_range(const char *in)
{
    const char *why = NULL;
    return ev_event_time_in_range(ts_ok(in), &why);
}

static void test_event_time_range_is_1900_to_9999_in_utc(void **state)
{
    (void)state;
    assert_true(ts_in_range("1900-01-01 00:00:00"));
    assert_true(ts_in_range("9999-12-31 23:59:59.999999"));
    assert_true(ts_in_range("1900-01-01 00:30:00+00:30"));
    assert_false(ts_in_range("1899-12-31 23:59:59.999999"));
    assert_false(ts_in_range("1900-01-01 00:30:00+01:00"));
    assert_false(ts_in_range("0001-01-01 00:30:00+01:00"));
    assert_false(ts_in_range("9999-12-31 23:30:00-01:00"));
    assert_false(ts_in_range("0001-01-01 00:00:00"));
}

/* Inputs PostgreSQL stores but adreport rejects on purpose (README, row
 * rules): a writer that emits them is broken, and each has a plain form. */
static void test_doubtful_inputs_postgres_takes_are_rejected(void **state)
{
    (void)state;
    assert_cost_rejected("-0", NULL);
    assert_cost_rejected("+1", NULL);
    assert_cost_rejected("1e-3", NULL);
    assert_ts_rejected("2026-11-01 23:59:60", NULL);
    assert_ts_rejected("2026-11-01 24:00:00", NULL);
    assert_ip_rejected(LIT("1.2.3.4/32"), NULL);
    assert_ip_rejected(LIT("01.2.3.4"), NULL);
}

static void test_timestamp_accepts_offset_limits(void **state)
{
    (void)state;
    int64_t base = ts_ok("2026-06-15 12:00:00");
    assert_true(ts_ok("2026-06-15 12:00:00+14:00") == base - INT64_C(14) * 3600 * 1000000);
    assert_true(ts_ok("2026-06-15 12:00:00-14:59") ==
                base + (int64_t)(14 * 3600 + 59 * 60) * 1000000);
}

static void test_timestamp_rejects_offset_hour_above_14(void **state)
{
    (void)state;
    assert_ts_rejected("2026-06-15 12:00:00+15:00", "utc offset hour 15 is out of range (00..14)");
    assert_ts_rejected("2026-06-15 12:00:00-99:00", "utc offset hour 99 is out of range (00..14)");
}

static void test_timestamp_rejects_offset_minute_above_59(void **state)
{
    (void)state;
    assert_ts_rejected("2026-06-15 12:00:00+01:60",
                       "utc offset minute 60 is out of range (00..59)");
}

static void test_timestamp_rejects_malformed_offset(void **state)
{
    (void)state;
    static const char msg[] = "expected a utc offset as +HH:MM or -HH:MM";
    assert_ts_rejected("2026-06-15 12:00:00+0100", msg);
    assert_ts_rejected("2026-06-15 12:00:00+01", msg);
    assert_ts_rejected("2026-06-15 12:00:00+1:00", msg);
    assert_ts_rejected("2026-06-15 12:00:00+", msg);
    assert_ts_rejected("2026-06-15 12:00:00Z+01:00", "unexpected text after the timestamp");
}

static void test_timestamp_accepts_feb_29_in_leap_years(void **state)
{
    (void)state;
    ts_ok("2024-02-29 00:00:00");
    ts_ok("2000-02-29 00:00:00"); /* divisible by 400 */
}

static void test_timestamp_rejects_feb_29_in_non_leap_years(void **state)
{
    (void)state;
    static const char msg[] = "february has only 28 days in a non-leap year";
    assert_ts_rejected("2023-02-29 00:00:00", msg);
    assert_ts_rejected("1900-02-29 00:00:00", msg); /* divisible by 100 */
    assert_ts_rejected("2100-02-29 00:00:00", msg);
}

static void test_timestamp_rejects_day_past_end_of_month(void **state)
{
    (void)state;
    assert_ts_rejected("2024-02-30 00:00:00", "february has only 28 days in a non-leap year");
    assert_ts_rejected("2026-04-31 00:00:00", "april has only 30 days");
    assert_ts_rejected("2026-11-31 00:00:00", "november has only 30 days");
    assert_ts_rejected("2026-01-32 00:00:00", "day 32 does not exist");
    ts_ok("2026-12-31 23:59:59");
}

static void test_timestamp_rejects_day_zero(void **state)
{
    (void)state;
    assert_ts_rejected("2026-01-00 00:00:00", "day 0 does not exist");
}

static void test_timestamp_rejects_month_out_of_range(void **state)
{
    (void)state;
    assert_ts_rejected("2026-13-01 00:00:00", "month 13 does not exist");
    assert_ts_rejected("2026-00-01 00:00:00", "month 0 does not exist");
    assert_ts_rejected("2026-99-01 00:00:00", "month 99 does not exist");
}

static void test_timestamp_rejects_year_zero(void **state)
{
    (void)state;
    assert_ts_rejected("0000-01-01 00:00:00", "year 0 does not exist (years run 0001..9999)");
}

static void test_timestamp_rejects_hour_24(void **state)
{
    (void)state;
    assert_ts_rejected("2026-01-01 24:00:00", "hour 24 does not exist");
}

static void test_timestamp_rejects_minute_60(void **state)
{
    (void)state;
    assert_ts_rejected("2026-01-01 23:60:00", "minute 60 does not exist");
}

static void test_timestamp_rejects_second_60(void **state)
{
    (void)state;
    assert_ts_rejected("2026-12-31 23:59:60",
                       "second 60 does not exist (leap seconds are not accepted)");
}

static void test_timestamp_rejects_missing_parts(void **state)
{
    (void)state;
    static const char msg[] = "expected YYYY-MM-DD HH:MM:SS";
    assert_ts_rejected("", msg);
    assert_ts_rejected("2026-11-25", msg);
    assert_ts_rejected("2026-11-25 10:00", msg);
    assert_ts_rejected("2026-11-25 10:00:0", msg);
    assert_ts_rejected("2026-1-25 10:00:00", msg);
    assert_ts_rejected("26-11-25 10:00:00", msg);
    assert_ts_rejected("10:00:00", msg);
}

static void test_timestamp_rejects_other_separators(void **state)
{
    (void)state;
    static const char msg[] = "expected YYYY-MM-DD HH:MM:SS";
    assert_ts_rejected("2026/11/25 10:00:00", msg);
    assert_ts_rejected("2026-11-25  10:00:00", msg);
    assert_ts_rejected("2026-11-25t10:00:00", msg);
    assert_ts_rejected("2026-11-25 10.00.00", msg);
    assert_ts_rejected("-2026-11-25 10:00:00", msg);
    assert_ts_rejected("12026-11-25 10:00:00", msg);
}

static void test_timestamp_rejects_trailing_text(void **state)
{
    (void)state;
    static const char msg[] = "unexpected text after the timestamp";
    assert_ts_rejected("2026-11-25 10:00:00 ", msg);
    assert_ts_rejected("2026-11-25 10:00:00x", msg);
    assert_ts_rejected("2026-11-25 10:00:00ZZ", msg);
    assert_ts_rejected("2026-11-25 10:00:00z", msg);
    assert_ts_rejected("2026-11-25 10:00:00+01:00:00", msg);
    assert_ts_rejected("2026-11-25 10:00:00 UTC", msg);
}

static void test_timestamp_reads_only_len_bytes(void **state)
{
    (void)state;
    /* not NUL-terminated: the fraction after byte 19 must be ignored */
    const char field[23] = {'2', '0', '2', '6', '-', '1', '1', '-', '2', '6', ' ', '0',
                            '0', ':', '3', '0', ':', '0', '0', '.', '1', '2', '3'};
    int64_t us;
    assert_true(ev_parse_timestamp(field, 19, &us, NULL));
    assert_true(us == INT64_C(0x00030421cffc9200));
    assert_false(ev_parse_timestamp(field, 20, &us, NULL)); /* ends in "." */
}

/* ------------------------------------------------------------------------ */
/* ev_day_of                                                                */
/* ------------------------------------------------------------------------ */

static void test_day_of_counts_days_since_2000(void **state)
{
    (void)state;
    assert_int_equal(ev_day_of(0), 0);
    assert_int_equal(ev_day_of(ts_ok("2000-01-01 23:59:59.999999")), 0);
    assert_int_equal(ev_day_of(ts_ok("2000-01-02 00:00:00")), 1);
    /* SELECT '2026-11-25 23:30:00'::timestamp - '2000-01-01' -> 9825 days 23:30 */
    assert_int_equal(ev_day_of(ts_ok("2026-11-25 23:30:00")), 9825);
    assert_int_equal(ev_day_of(ts_ok("9999-12-31 23:59:59.999999")), 2921939);
}

static void test_day_of_floors_before_2000(void **state)
{
    (void)state;
    assert_int_equal(ev_day_of(-1), -1);
    assert_int_equal(ev_day_of(ts_ok("1999-12-31 00:00:00")), -1);
    assert_int_equal(ev_day_of(ts_ok("1999-12-30 23:59:59")), -2);
    assert_int_equal(ev_day_of(ts_ok("0001-01-01 00:00:00")), -730119);
}

/* ------------------------------------------------------------------------ */
/* cost                                                                     */
/* ------------------------------------------------------------------------ */

/* Expected hex: SELECT numeric_send('<input>'::numeric(20,10)) on 15.18. */

static void test_cost_header_example(void **state)
{
    (void)state;
    ev_numeric n;
    assert_true(ev_parse_cost(LIT("0.25"), &n, NULL));
    assert_int_equal(n.ndigits, 1);
    assert_int_equal(n.weight, -1);
    assert_int_equal(n.sign, 0);
    assert_int_equal(n.dscale, EV_COST_SCALE);
    assert_int_equal(n.digits[0], 2500);
    assert_cost_wire("0.25", "0001ffff0000000a09c4");
}

static void test_cost_matches_postgres_numeric_send(void **state)
{
    (void)state;
    assert_cost_wire("123.45", "000200000000000a007b1194");
    assert_cost_wire("9999999999.9999999999", "000600020000000a0063270f270f270f270f26ac");
    assert_cost_wire("1234567890.12345678905", "000600020000000a000c0d801ed204d2162e238c");
}

static void test_cost_zero_has_no_digits(void **state)
{
    (void)state;
    assert_cost_wire("0", "000000000000000a");
    assert_cost_wire("0.0000000000", "000000000000000a");
    assert_cost_wire("00000000000000000000000", "000000000000000a");
}

static void test_cost_strips_leading_and_trailing_zero_groups(void **state)
{
    (void)state;
    assert_cost_wire("10000", "000100010000000a0001");
    assert_cost_wire("100000000", "000100020000000a0001");
    assert_cost_wire("0.0001", "0001ffff0000000a0001");
    assert_cost_wire("0.00000001", "0001fffe0000000a0001");
    assert_cost_wire("0.0000000001", "0001fffd0000000a0064");
    assert_cost_wire("1.0000000001", "000400000000000a0001000000000064");
}

static void test_cost_rounds_half_away_from_zero(void **state)
{
    (void)state;
    assert_cost_wire("0.00000000005", "0001fffd0000000a0064");
    assert_cost_wire("1234567890.12345678905", "000600020000000a000c0d801ed204d2162e238c");
    /* the carry runs into the integer part */
    assert_cost_wire("0.99999999995", "000100000000000a0001");
}

static void test_cost_only_the_eleventh_fraction_digit_decides_rounding(void **state)
{
    (void)state;
    assert_cost_wire("0.00000000004999", "000000000000000a");
    assert_cost_wire("9999999999.99999999994999", "000600020000000a0063270f270f270f270f26ac");
}

static void test_cost_tiny_value_rounds_to_zero(void **state)
{
    (void)state;
    assert_cost_wire("0.000000000000000000000001", "000000000000000a");
}

static void test_cost_accepts_very_long_fraction(void **state)
{
    (void)state;
    size_t len;
    char *s = repeat("1.", "3", 5000, "", &len);
    ev_numeric n;
    assert_true(ev_parse_cost(s, len, &n, NULL));
    free(s);
    /* SELECT numeric_send(('1.' || repeat('3', 5000))::numeric(20,10)) */
    assert_cost_wire("1.3333333333", "000400000000000a00010d050d050ce4");
    s = repeat("1.", "3", 5000, "x", &len);
    assert_false(ev_parse_cost(s, len, &n, NULL));
    free(s);
}

static void test_cost_accepts_trailing_and_leading_point(void **state)
{
    (void)state;
    assert_cost_wire("7.", "000100000000000a0007");
    assert_cost_wire(".5", "0001ffff0000000a1388");
}

static void test_cost_leading_zeros_do_not_count_as_integer_digits(void **state)
{
    (void)state;
    assert_cost_wire("0000000001.5", "000200000000000a00011388");
    assert_cost_wire("000000000009999999999", "000300020000000a0063270f270f");
}

static void test_cost_rejects_more_than_ten_integer_digits(void **state)
{
    (void)state;
    assert_cost_rejected("12345678901", "more than 10 digits before the decimal point");
    assert_cost_rejected("10000000000.0", "more than 10 digits before the decimal point");
}

static void test_cost_rejects_rounding_up_to_eleven_integer_digits(void **state)
{
    (void)state;
    /* PG: "numeric field overflow ... must round to an absolute value less than 10^10" */
    assert_cost_rejected("9999999999.99999999995",
                         "rounds to 10000000000 or more (numeric(20,10) holds < 10^10)");
}

static void test_cost_rejects_lone_point_and_empty(void **state)
{
    (void)state;
    static const char msg[] = "expected a non-negative decimal such as 12.34";
    assert_cost_rejected(".", msg);
    assert_cost_rejected("", msg);
}

static void test_cost_rejects_sign_exponent_and_spaces(void **state)
{
    (void)state;
    static const char *const bad[] = {"-1",   "+1",   "1e3", "1E3", " 1",  "1 ",       "1. 5",
                                      "1..5", "1.5.", "..5", "1,5", "NaN", "Infinity", "0x1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_cost_rejected(bad[i], "expected a non-negative decimal such as 12.34");
}

static void test_cost_reads_only_len_bytes(void **state)
{
    (void)state;
    ev_numeric n;
    assert_true(ev_parse_cost("1.5x", 3, &n, NULL));
    assert_int_equal(n.ndigits, 2);
    assert_int_equal(n.digits[1], 5000);
}

/* ------------------------------------------------------------------------ */
/* IP                                                                       */
/* ------------------------------------------------------------------------ */

/* Expected hex: SELECT inet_send('<input>'::inet) on 15.18. */

static void test_ip_ipv4_matches_postgres_inet_send(void **state)
{
    (void)state;
    assert_inet_wire("10.0.0.1", "022000040a000001");
    assert_inet_wire("255.255.255.255", "02200004ffffffff");
    assert_inet_wire("0.0.0.0", "0220000400000000");
}

static void test_ip_ipv6_matches_postgres_inet_send(void **state)
{
    (void)state;
    assert_inet_wire("2001:db8::1", "0380001020010db8000000000000000000000001");
    assert_inet_wire("::", "0380001000000000000000000000000000000000");
    assert_inet_wire("ABCD::EF", "03800010abcd00000000000000000000000000ef");
}

static void test_ip_ipv4_mapped_address_stays_ipv6(void **state)
{
    (void)state;
    assert_inet_wire("::ffff:1.2.3.4", "0380001000000000000000000000ffff01020304");
}

static void test_ip_accepts_longest_textual_form(void **state)
{
    (void)state;
    /* 45 characters = INET6_ADDRSTRLEN - 1 */
    assert_inet_wire("0000:0000:0000:0000:0000:ffff:255.255.255.255",
                     "0380001000000000000000000000ffffffffffff");
}

static void test_ip_rejects_longer_than_45_characters(void **state)
{
    (void)state;
    assert_ip_rejected(LIT("0000:0000:0000:0000:0000:0000:ffff:255.255.255.255"),
                       "too long for an ip address");
    assert_ip_rejected(LIT("00000000000000000000000000000000000000000000000"),
                       "too long for an ip address");
}

static void test_ip_rejects_prefix_length(void **state)
{
    (void)state;
    assert_ip_rejected(LIT("10.0.0.0/24"), "prefix length not allowed in an ip address");
    assert_ip_rejected(LIT("2001:db8::/32"), "prefix length not allowed in an ip address");
}

static void test_ip_rejects_zone_id(void **state)
{
    (void)state;
    assert_ip_rejected(LIT("fe80::1%eth0"), "zone id not allowed in an ip address");
}

static void test_ip_rejects_spaces(void **state)
{
    (void)state;
    assert_ip_rejected(LIT(" 10.0.0.1"), "spaces not allowed in an ip address");
    assert_ip_rejected(LIT("10.0.0.1 "), "spaces not allowed in an ip address");
    assert_ip_rejected(LIT(":: 1"), "spaces not allowed in an ip address");
}

static void test_ip_rejects_embedded_nul(void **state)
{
    (void)state;
    assert_ip_rejected(LIT("10.0.0.1\0junk"), "nul byte in ip address");
}

static void test_ip_rejects_empty(void **state)
{
    (void)state;
    assert_ip_rejected("", 0, "empty ip address");
}

static void test_ip_rejects_malformed_ipv4(void **state)
{
    (void)state;
    static const char *const bad[] = {"256.0.0.1", "1.2.3", "1.2.3.4.", "1.2.3.4.5",
                                      "a.b.c.d",   "10",    "1.2.3.-4", "localhost"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_ip_rejected(bad[i], strlen(bad[i]), "not a valid ipv4 address (expected a.b.c.d)");
    /* PostgreSQL reads this as 10.0.0.1, but leading zeros are octal to some
     * tools; inet_pton refuses it, which is the safe side. */
    assert_ip_rejected(LIT("010.0.0.1"), NULL);
}

static void test_ip_rejects_malformed_ipv6(void **state)
{
    (void)state;
    static const char *const bad[] = {"1::2::3",      ":::",   "1:2:3:4:5:6:7:8:9",
                                      "00001::",      ":1::2", "1:2:3:4:5:1.2.3.4",
                                      "::ffff:1.2.3", "g::1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_ip_rejected(bad[i], strlen(bad[i]), "not a valid ipv6 address");
}

static void test_ip_reads_only_len_bytes(void **state)
{
    (void)state;
    ev_inet a;
    assert_true(ev_parse_ip("10.0.0.12", 8, &a, NULL));
    assert_int_equal(a.addr[3], 1);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

static void test_json_accepts_header_example(void **state)
{
    (void)state;
    JSON_OK("{\"ua\":\"Mozilla\"}");
}

static void test_json_accepts_scalar_top_level_values(void **state)
{
    (void)state;
    JSON_OK("1");
    JSON_OK("\"s\"");
    JSON_OK("true");
    JSON_OK("false");
    JSON_OK("null");
    JSON_OK("-0.5e-3");
}

static void test_json_accepts_nested_structures(void **state)
{
    (void)state;
    JSON_OK("{\"a\":[1,2,{\"b\":null}],\"c\":{},\"d\":[],\"e\":[[],{}],\"a\":true}");
    JSON_OK("[{\"x\":[{\"y\":[]}]}]");
}

static void test_json_accepts_surrounding_and_inner_whitespace(void **state)
{
    (void)state;
    JSON_OK(" \t\r\n{ \"a\" : [ 1 , 2 ] }\n");
    JSON_OK("[ ]");
    JSON_OK("{ }");
}

static void test_json_rejects_non_json_whitespace(void **state)
{
    (void)state;
    JSON_BAD("\f1");
    JSON_BAD("\v1");
    JSON_BAD("\xc2\xa0"
             "1"); /* U+00A0 no-break space */
    JSON_BAD("[1,\f2]");
}

static void test_json_rejects_empty_document(void **state)
{
    (void)state;
    assert_json_rejected("", 0, "empty json document");
    assert_json_rejected(LIT("  \n "), "empty json document");
}

static void test_json_rejects_more_than_one_top_level_value(void **state)
{
    (void)state;
    assert_json_rejected(LIT("1 2"), "unexpected text after the json value");
    assert_json_rejected(LIT("{}{}"), "unexpected text after the json value");
    assert_json_rejected(LIT("[]]"), "unexpected text after the json value");
    assert_json_rejected(LIT("\"a\"\"b\""), "unexpected text after the json value");
}

static void test_json_rejects_trailing_commas(void **state)
{
    (void)state;
    JSON_BAD("[1,]");
    JSON_BAD("{\"a\":1,}");
    JSON_BAD("[,]");
    JSON_BAD("[1,,2]");
}

static void test_json_rejects_malformed_objects(void **state)
{
    (void)state;
    assert_json_rejected(LIT("{\"a\"}"), "expected ':' after json object key");
    assert_json_rejected(LIT("{1:2}"), "expected a string key in json object");
    assert_json_rejected(LIT("{\"a\" 1}"), "expected ':' after json object key");
    assert_json_rejected(LIT("{\"a\":1 \"b\":2}"), "expected ',' or '}' in json object");
    JSON_BAD("{,}");
    JSON_BAD("{\"a\":}");
    JSON_BAD("{\"a\"::1}");
    JSON_BAD("{'a':1}");
}

static void test_json_rejects_unterminated_containers(void **state)
{
    (void)state;
    assert_json_rejected(LIT("["), "unexpected end of json document");
    assert_json_rejected(LIT("[1"), "unterminated json array");
    assert_json_rejected(LIT("{\"a\":1"), "unterminated json object");
    assert_json_rejected(LIT("[1,"), "unexpected end of json document");
    assert_json_rejected(LIT("[1}"), "expected ',' or ']' in json array");
    JSON_BAD("{");
    JSON_BAD("]");
}

static void test_json_accepts_all_simple_escapes(void **state)
{
    (void)state;
    JSON_OK("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"");
}

static void test_json_rejects_unknown_escapes(void **state)
{
    (void)state;
    assert_json_rejected(LIT("\"\\x41\""), "invalid escape in json string");
    assert_json_rejected(LIT("\"\\'\""), "invalid escape in json string");
    assert_json_rejected(LIT("\"\\U0041\""), "invalid escape in json string");
    assert_json_rejected(LIT("\"\\"), "unterminated json string");
}

static void test_json_rejects_unterminated_string(void **state)
{
    (void)state;
    assert_json_rejected(LIT("\"abc"), "unterminated json string");
    assert_json_rejected(LIT("[\"abc]"), "unterminated json string");
}

static void test_json_rejects_raw_control_characters_in_strings(void **state)
{
    (void)state;
    static const char msg[] = "control character in json string (must be escaped)";
    assert_json_rejected(LIT("\"a\tb\""), msg);
    assert_json_rejected(LIT("\"a\nb\""), msg);
    assert_json_rejected(LIT("\"\x01\""), msg);
    assert_json_rejected(LIT("\"\x1f\""), msg);
}

static void test_json_accepts_del_and_utf8_in_strings(void **state)
{
    (void)state;
    JSON_OK("\"a\x7f"
            "b\""); /* PG 15 keeps DEL as is */
    JSON_OK("{\"h\xc3\xa9\":\"\xe2\x82\xac \xf0\x9f\x98\x80\"}");
}

static void test_json_accepts_unicode_escapes(void **state)
{
    (void)state;
    JSON_OK("\"\\u00e9\\u00E9\\uFFFF\\u0001\"");
}

static void test_json_rejects_malformed_unicode_escapes(void **state)
{
    (void)state;
    assert_json_rejected(LIT("\"\\u12\""),
                         "invalid \\u escape in json string (expected 4 hex digits)");
    assert_json_rejected(LIT("\"\\u12G4\""),
                         "invalid \\u escape in json string (expected 4 hex digits)");
    assert_json_rejected(LIT("\"\\u12"), "truncated \\u escape in json string");
}

static void test_json_rejects_u0000_escape(void **state)
{
    (void)state;
    /* PG: "unsupported Unicode escape sequence" */
    assert_json_rejected(LIT("\"a\\u0000b\""),
                         "\\u0000 not allowed in json (jsonb cannot store nul)");
    assert_json_rejected(LIT("{\"\\u0000\":1}"), NULL);
}

static void test_json_accepts_surrogate_pairs(void **state)
{
    (void)state;
    JSON_OK("\"\\ud83d\\ude00\"");
    JSON_OK("\"\\uD800\\uDC00\\uDBFF\\uDFFF\"");
}

static void test_json_rejects_lone_high_surrogate(void **state)
{
    (void)state;
    static const char msg[] = "unpaired high surrogate escape in json string";
    assert_json_rejected(LIT("\"\\ud800\""), msg);
    assert_json_rejected(LIT("\"\\ud83dx\""), msg);
    assert_json_rejected(LIT("\"\\ud83d\\u0041\""), msg);
    assert_json_rejected(LIT("\"\\ud83d\\ud83d\""), msg);
    assert_json_rejected(LIT("\"\\ud83d\\n\""), msg);
    assert_json_rejected(LIT("\"\\ud83d"), msg);
}

static void test_json_rejects_lone_low_surrogate(void **state)
{
    (void)state;
    assert_json_rejected(LIT("\"\\udc00\""), "unpaired low surrogate escape in json string");
    assert_json_rejected(LIT("\"\\ude00\\ud83d\""), "unpaired low surrogate escape in json string");
}

static void test_json_accepts_valid_numbers(void **state)
{
    (void)state;
    static const char *const ok[] = {"0",    "-0",   "123",   "-1.5",  "1e5",
                                     "1E+5", "1e-5", "0.0e0", "10.01", "[0,-0,1]"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_json_ok(ok[i], strlen(ok[i]));
}

static void test_json_rejects_invalid_numbers(void **state)
{
    (void)state;
    static const char *const bad[] = {"01",  "-",    "1.",   ".1",       "1e",   "1e+",
                                      "+1",  "--1",  "NaN",  "Infinity", "0x10", "1.e5",
                                      "-01", "1.5e", "[01]", "-a",       "1e1.5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_json_rejected(bad[i], strlen(bad[i]), NULL);
}

static void test_json_rejects_bad_literals(void **state)
{
    (void)state;
    JSON_BAD("True");
    JSON_BAD("nul");
    JSON_BAD("nullx");
    JSON_BAD("truefalse");
    JSON_BAD("[tru]");
    JSON_BAD("undefined");
}

/*
 * PostgreSQL 15's numeric_in (used by jsonb) has no +-1000 exponent limit:
 * SELECT '1e1001'::jsonb and '1e-1001'::jsonb both succeed on 15.18.  What
 * it does limit is the stored value: base-10000 weight <= 32767 and display
 * scale (fraction digits - exponent) <= 16383; every boundary below was
 * checked on the server ("value overflows numeric format" past it).
 */
static void test_json_accepts_large_exponents_postgres_stores(void **state)
{
    (void)state;
    JSON_OK("1e1000");
    JSON_OK("1e1001");
    JSON_OK("1e-1001");
    JSON_OK("1e0001000");
    JSON_OK("1e00000000000000000000001");
    JSON_OK("1e131071");
    JSON_OK("9.9e131071");
    JSON_OK("0.001e131074");
    JSON_OK("0e1073741822"); /* zero: only the scale matters, which is 0 */
}

static void test_json_rejects_numbers_beyond_numeric_weight(void **state)
{
    (void)state;
    static const char msg[] = "json number out of range for postgresql numeric";
    assert_json_rejected(LIT("1e131072"), msg);
    assert_json_rejected(LIT("10e131071"), msg);
    assert_json_rejected(LIT("-0.001e131075"), msg);
    assert_json_repeat(true, "", "1", 131072, "");  /* 131072 integer digits */
    assert_json_repeat(false, "", "1", 131073, ""); /* one more */
}

static void test_json_rejects_numbers_beyond_numeric_scale(void **state)
{
    (void)state;
    static const char msg[] = "json number out of range for postgresql numeric";
    JSON_OK("1e-16383");
    JSON_OK("12.5e-16382");
    JSON_OK("0e-16383");
    assert_json_rejected(LIT("1e-16384"), msg);
    assert_json_rejected(LIT("12.5e-16383"), msg);
    assert_json_rejected(LIT("0e-16384"), msg);
    assert_json_repeat(true, "0.", "0", 16382, "1");
    assert_json_repeat(false, "0.", "0", 16383, "1");
    assert_json_repeat(false, "0.", "0", 16384, ""); /* even when the value is zero */
    /* the scale counts written fraction digits minus the exponent: this is 1 */
    assert_json_repeat(false, "1", "0", 20000, "e-20000");
}

static void test_json_rejects_exponent_of_int_max_half_or_more(void **state)
{
    (void)state;
    static const char msg[] = "json number out of range for postgresql numeric";
    assert_json_rejected(LIT("0e1073741823"), msg);
    assert_json_rejected(LIT("0e-1073741823"), msg);
    assert_json_rejected(LIT("1e99999999999999999999999999"), msg);
}

static void test_json_accepts_max_depth_arrays_and_objects(void **state)
{
    (void)state;
    size_t n = EV_JSON_MAX_DEPTH, len = 0;
    char *buf = malloc(n * 10 + 1);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i++) {
        const char *open = i % 2 ? "{\"k\":" : "[";
        memcpy(buf + len, open, strlen(open));
        len += strlen(open);
    }
    buf[len++] = '1';
    for (size_t i = n; i-- > 0;) {
        buf[len++] = i % 2 ? '}' : ']';
    }
    assert_json_ok(buf, len);
    free(buf);
}

static void test_json_rejects_nesting_deeper_than_max_depth(void **state)
{
    (void)state;
    size_t len;
    char *buf = repeat("", "[", EV_JSON_MAX_DEPTH + 1, "", &len);
    char *closed = malloc(len * 2 + 1);
    assert_non_null(closed);
    memcpy(closed, buf, len);
    memset(closed + len, ']', len);
    assert_json_rejected(closed, len * 2, "json nested deeper than 512 levels");
    free(closed);
    free(buf);
}

static void test_json_deep_hostile_input_is_rejected_cheaply(void **state)
{
    (void)state;
    size_t len;
    char *buf = repeat("", "{\"a\":", 1000000, "", &len);
    assert_json_rejected(buf, len, "json nested deeper than 512 levels");
    free(buf);
}

static void test_json_reads_only_len_bytes(void **state)
{
    (void)state;
    assert_json_ok("[1]]", 3);
    assert_json_rejected("[1]", 2, "unterminated json array");
    assert_json_rejected("\"ab\"", 3, "unterminated json string");
    assert_json_rejected("tru", 3, NULL);
    assert_json_rejected("1.5", 2, "invalid json number");
}

static void test_json_allows_null_why(void **state)
{
    (void)state;
    assert_false(ev_valid_json(LIT("[1,"), NULL));
    assert_true(ev_valid_json(LIT("[1]"), NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_accepts_empty_string),
        cmocka_unit_test(test_utf8_accepts_ascii_and_multibyte_text),
        cmocka_unit_test(test_utf8_accepts_encoding_boundaries),
        cmocka_unit_test(test_utf8_rejects_nul_byte),
        cmocka_unit_test(test_utf8_rejects_overlong_forms),
        cmocka_unit_test(test_utf8_rejects_surrogates),
        cmocka_unit_test(test_utf8_rejects_code_points_above_u10ffff),
        cmocka_unit_test(test_utf8_rejects_truncated_sequences),
        cmocka_unit_test(test_utf8_rejects_stray_continuation_byte),

        cmocka_unit_test(test_int64_parses_decimal_integers),
        cmocka_unit_test(test_int64_accepts_extreme_values),
        cmocka_unit_test(test_int64_rejects_overflow),
        cmocka_unit_test(test_int64_rejects_empty_and_lone_minus),
        cmocka_unit_test(test_int64_rejects_sign_spaces_and_junk),
        cmocka_unit_test(test_int64_reads_only_len_bytes),

        cmocka_unit_test(test_timestamp_postgres_epoch_is_zero),
        cmocka_unit_test(test_timestamp_matches_postgres_binary),
        cmocka_unit_test(test_timestamp_accepts_t_separator),
        cmocka_unit_test(test_timestamp_fraction_scales_to_microseconds),
        cmocka_unit_test(test_timestamp_rejects_more_than_six_fraction_digits),
        cmocka_unit_test(test_timestamp_rejects_point_without_fraction_digits),
        cmocka_unit_test(test_timestamp_z_suffix_means_utc),
        cmocka_unit_test(test_timestamp_with_offset_converts_to_utc),
        cmocka_unit_test(test_timestamp_offset_may_leave_year_range_in_utc),
        cmocka_unit_test(test_event_time_range_is_1900_to_9999_in_utc),
        cmocka_unit_test(test_doubtful_inputs_postgres_takes_are_rejected),
        cmocka_unit_test(test_timestamp_accepts_offset_limits),
        cmocka_unit_test(test_timestamp_rejects_offset_hour_above_14),
        cmocka_unit_test(test_timestamp_rejects_offset_minute_above_59),
        cmocka_unit_test(test_timestamp_rejects_malformed_offset),
        cmocka_unit_test(test_timestamp_accepts_feb_29_in_leap_years),
        cmocka_unit_test(test_timestamp_rejects_feb_29_in_non_leap_years),
        cmocka_unit_test(test_timestamp_rejects_day_past_end_of_month),
        cmocka_unit_test(test_timestamp_rejects_day_zero),
        cmocka_unit_test(test_timestamp_rejects_month_out_of_range),
        cmocka_unit_test(test_timestamp_rejects_year_zero),
        cmocka_unit_test(test_timestamp_rejects_hour_24),
        cmocka_unit_test(test_timestamp_rejects_minute_60),
        cmocka_unit_test(test_timestamp_rejects_second_60),
        cmocka_unit_test(test_timestamp_rejects_missing_parts),
        cmocka_unit_test(test_timestamp_rejects_other_separators),
        cmocka_unit_test(test_timestamp_rejects_trailing_text),
        cmocka_unit_test(test_timestamp_reads_only_len_bytes),

        cmocka_unit_test(test_day_of_counts_days_since_2000),
        cmocka_unit_test(test_day_of_floors_before_2000),

        cmocka_unit_test(test_cost_header_example),
        cmocka_unit_test(test_cost_matches_postgres_numeric_send),
        cmocka_unit_test(test_cost_zero_has_no_digits),
        cmocka_unit_test(test_cost_strips_leading_and_trailing_zero_groups),
        cmocka_unit_test(test_cost_rounds_half_away_from_zero),
        cmocka_unit_test(test_cost_only_the_eleventh_fraction_digit_decides_rounding),
        cmocka_unit_test(test_cost_tiny_value_rounds_to_zero),
        cmocka_unit_test(test_cost_accepts_very_long_fraction),
        cmocka_unit_test(test_cost_accepts_trailing_and_leading_point),
        cmocka_unit_test(test_cost_leading_zeros_do_not_count_as_integer_digits),
        cmocka_unit_test(test_cost_rejects_more_than_ten_integer_digits),
        cmocka_unit_test(test_cost_rejects_rounding_up_to_eleven_integer_digits),
        cmocka_unit_test(test_cost_rejects_lone_point_and_empty),
        cmocka_unit_test(test_cost_rejects_sign_exponent_and_spaces),
        cmocka_unit_test(test_cost_reads_only_len_bytes),

        cmocka_unit_test(test_ip_ipv4_matches_postgres_inet_send),
        cmocka_unit_test(test_ip_ipv6_matches_postgres_inet_send),
        cmocka_unit_test(test_ip_ipv4_mapped_address_stays_ipv6),
        cmocka_unit_test(test_ip_accepts_longest_textual_form),
        cmocka_unit_test(test_ip_rejects_longer_than_45_characters),
        cmocka_unit_test(test_ip_rejects_prefix_length),
        cmocka_unit_test(test_ip_rejects_zone_id),
        cmocka_unit_test(test_ip_rejects_spaces),
        cmocka_unit_test(test_ip_rejects_embedded_nul),
        cmocka_unit_test(test_ip_rejects_empty),
        cmocka_unit_test(test_ip_rejects_malformed_ipv4),
        cmocka_unit_test(test_ip_rejects_malformed_ipv6),
        cmocka_unit_test(test_ip_reads_only_len_bytes),

        cmocka_unit_test(test_json_accepts_header_example),
        cmocka_unit_test(test_json_accepts_scalar_top_level_values),
        cmocka_unit_test(test_json_accepts_nested_structures),
        cmocka_unit_test(test_json_accepts_surrounding_and_inner_whitespace),
        cmocka_unit_test(test_json_rejects_non_json_whitespace),
        cmocka_unit_test(test_json_rejects_empty_document),
        cmocka_unit_test(test_json_rejects_more_than_one_top_level_value),
        cmocka_unit_test(test_json_rejects_trailing_commas),
        cmocka_unit_test(test_json_rejects_malformed_objects),
        cmocka_unit_test(test_json_rejects_unterminated_containers),
        cmocka_unit_test(test_json_accepts_all_simple_escapes),
        cmocka_unit_test(test_json_rejects_unknown_escapes),
        cmocka_unit_test(test_json_rejects_unterminated_string),
        cmocka_unit_test(test_json_rejects_raw_control_characters_in_strings),
        cmocka_unit_test(test_json_accepts_del_and_utf8_in_strings),
        cmocka_unit_test(test_json_accepts_unicode_escapes),
        cmocka_unit_test(test_json_rejects_malformed_unicode_escapes),
        cmocka_unit_test(test_json_rejects_u0000_escape),
        cmocka_unit_test(test_json_accepts_surrogate_pairs),
        cmocka_unit_test(test_json_rejects_lone_high_surrogate),
        cmocka_unit_test(test_json_rejects_lone_low_surrogate),
        cmocka_unit_test(test_json_accepts_valid_numbers),
        cmocka_unit_test(test_json_rejects_invalid_numbers),
        cmocka_unit_test(test_json_rejects_bad_literals),
        cmocka_unit_test(test_json_accepts_large_exponents_postgres_stores),
        cmocka_unit_test(test_json_rejects_numbers_beyond_numeric_weight),
        cmocka_unit_test(test_json_rejects_numbers_beyond_numeric_scale),
        cmocka_unit_test(test_json_rejects_exponent_of_int_max_half_or_more),
        cmocka_unit_test(test_json_accepts_max_depth_arrays_and_objects),
        cmocka_unit_test(test_json_rejects_nesting_deeper_than_max_depth),
        cmocka_unit_test(test_json_deep_hostile_input_is_rejected_cheaply),
        cmocka_unit_test(test_json_reads_only_len_bytes),
        cmocka_unit_test(test_json_allows_null_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
