/*
 * test_copybin.c - unit tests for src/copybin.c, the binary COPY encoder.
 *
 * Expected bytes are PostgreSQL 15.20's own: the output of
 *
 *   COPY (SELECT 42::int8, -1::int8, 'abc'::text, ''::text,
 *                12.5::numeric(20,10), 0::numeric(20,10),
 *                '2026-11-01 10:00:00'::timestamp,
 *                '1999-12-31 23:59:59.999999'::timestamp, NULL::text,
 *                '10.1.2.3'::inet, '2001:db8::1'::inet, '{"a": 1}'::jsonb,
 *                '{}'::text[], '{a,NULL,"b c"}'::text[])
 *   TO STDOUT (FORMAT binary)
 *
 * (PG_ROW below), and of one-value COPYs named where they are used.  COPY TO
 * writes what COPY FROM reads, so an encoder producing these bytes is one
 * the server takes.
 *
 * No server is needed: this file defines PQexec, PQputCopyData,
 * PQputCopyEnd and PQgetResult itself.  The executable's definitions win
 * over libpq's, so copybin.o's calls land in `fake` below, which records
 * what would have been sent; results are real libpq objects made with
 * PQmakeEmptyPGresult.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adreport/copybin.h"
#include "adreport/events.h"

/* ------------------------------------------------------------------------ */
/* a fake server                                                            */
/* ------------------------------------------------------------------------ */

static struct {
    char sql[256];              /* the statement PQexec got */
    ExecStatusType exec_status; /* what PQexec answers */
    unsigned char *sent;        /* every byte PQputCopyData got */
    size_t sent_len;
    int chunks;                /* PQputCopyData calls */
    size_t chunk_len[256];     /* the size of each (the first 256) */
    int put_rc;                /* what PQputCopyData answers */
    bool ended;                /* PQputCopyEnd was called */
    char end_error[128];       /* its errormsg ("" for NULL) */
    ExecStatusType end_status; /* the one result PQgetResult gives after the end */
    int results_left;
} fake;

static void fake_reset(void)
{
    free(fake.sent);
    memset(&fake, 0, sizeof fake);
    fake.exec_status = PGRES_COPY_IN;
    fake.put_rc = 1;
    fake.end_status = PGRES_COMMAND_OK;
    fake.results_left = 1;
}

PGresult *PQexec(PGconn *conn, const char *query)
{
    (void)conn;
    snprintf(fake.sql, sizeof fake.sql, "%s", query);
    return PQmakeEmptyPGresult(NULL, fake.exec_status);
}

int PQputCopyData(PGconn *conn, const char *buffer, int nbytes)
{
    (void)conn;
    if (fake.chunks < 256)
        fake.chunk_len[fake.chunks] = (size_t)nbytes;
    fake.chunks++;
    if (fake.put_rc != 1)
        return fake.put_rc;
    fake.sent = realloc(fake.sent, fake.sent_len + (size_t)nbytes);
    assert_non_null(fake.sent);
    memcpy(fake.sent + fake.sent_len, buffer, (size_t)nbytes);
    fake.sent_len += (size_t)nbytes;
    return 1;
}

int PQputCopyEnd(PGconn *conn, const char *errormsg)
{
    (void)conn;
    fake.ended = true;
    snprintf(fake.end_error, sizeof fake.end_error, "%s", errormsg ? errormsg : "");
    return 1;
}

PGresult *PQgetResult(PGconn *conn)
{
    (void)conn;
    if (!fake.ended || fake.results_left == 0)
        return NULL;
    fake.results_left--;
    return PQmakeEmptyPGresult(NULL, fake.end_status);
}

static int setup(void **state)
{
    (void)state;
    fake_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fake_reset();
    return 0;
}

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* "PGCOPY\n\377\r\n\0", flags 0, header extension length 0 */
#define PG_HEADER "5047434f50590aff0d0a000000000000000000"

#define PG_ROW                                                                                     \
    PG_HEADER "000e"                                                                               \
              "00000008000000000000002a"                                                           \
              "00000008ffffffffffffffff"                                                           \
              "00000003616263"                                                                     \
              "00000000"                                                                           \
              "0000000c000200000000000a000c1388"                                                   \
              "00000008000000000000000a"                                                           \
              "0000000800030232dc6ec800"                                                           \
              "00000008ffffffffffffffff"                                                           \
              "ffffffff"                                                                           \
              "00000008022000040a010203"                                                           \
              "000000140380001020010db8000000000000000000000001"                                   \
              "00000009017b2261223a20317d"                                                         \
              "0000000c000000000000000000000019"                                                   \
              "0000002400000001000000010000001900000003000000010000000161ffffffff00000003622063"   \
              "ffff"

static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = 0;
    assert_int_equal(strlen(hex) % 2, 0);
    for (; hex[0]; hex += 2) {
        assert_true(n < cap);
        char pair[3] = {hex[0], hex[1], 0};
        out[n++] = (unsigned char)strtoul(pair, NULL, 16);
    }
    return n;
}

static void assert_bytes(const void *got, size_t got_len, const char *want_hex)
{
    unsigned char want[512];
    size_t n = unhex(want_hex, want, sizeof want);
    if (got_len != n || memcmp(got, want, n) != 0) {
        char hex[2 * 512 + 1] = "";
        for (size_t i = 0; i < got_len && i < 512; i++)
            sprintf(hex + 2 * i, "%02x", ((const unsigned char *)got)[i]);
        fail_msg("bytes %s, expected %s", hex, want_hex);
    }
}

/* The failure tests expect an error message on stderr: keep it out of the
 * test output. */
static int saved_stderr = -1;

static void mute_stderr(void)
{
    fflush(stderr);
    saved_stderr = dup(2);
    int devnull = open("/dev/null", O_WRONLY);
    assert_true(saved_stderr >= 0 && devnull >= 0);
    dup2(devnull, 2);
    close(devnull);
}

static void unmute_stderr(void)
{
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
}

/* A copybin with nothing buffered, as if cb_begin had run; no server. */
static copybin empty_cb(void)
{
    copybin cb;
    memset(&cb, 0, sizeof cb);
    return cb;
}

/* What one encoder call appends, compared with PostgreSQL's bytes. */
#define ASSERT_ENCODES(call, want_hex)                                                             \
    do {                                                                                           \
        copybin cb_ = empty_cb();                                                                  \
        copybin *cb = &cb_;                                                                        \
        call;                                                                                      \
        assert_bytes(cb_.buf, cb_.len, want_hex);                                                  \
        cb_free(&cb_);                                                                             \
    } while (0)

static ev_numeric cost(const char *s)
{
    ev_numeric n;
    const char *why = NULL;
    if (!ev_parse_cost(s, strlen(s), &n, &why))
        fail_msg("cost \"%s\": %s", s, why);
    return n;
}

static int64_t ts(const char *s)
{
    int64_t usec;
    const char *why = NULL;
    if (!ev_parse_timestamp(s, strlen(s), &usec, &why))
        fail_msg("timestamp \"%s\": %s", s, why);
    return usec;
}

static ev_inet ip(const char *s)
{
    ev_inet v;
    const char *why = NULL;
    if (!ev_parse_ip(s, strlen(s), &v, &why))
        fail_msg("ip \"%s\": %s", s, why);
    return v;
}

/* ------------------------------------------------------------------------ */
/* the stream                                                               */
/* ------------------------------------------------------------------------ */

static void begin_runs_the_statement_and_buffers_the_binary_header(void **state)
{
    (void)state;
    copybin cb;
    assert_true(cb_begin(&cb, NULL, "COPY t (a) FROM STDIN (FORMAT binary)", "load t"));
    assert_string_equal(fake.sql, "COPY t (a) FROM STDIN (FORMAT binary)");
    assert_int_equal(fake.chunks, 0); /* nothing sent before the first flush */
    assert_bytes(cb.buf, cb.len, PG_HEADER);
    cb_free(&cb);
}

static void begin_fails_when_the_server_does_not_enter_copy(void **state)
{
    (void)state;
    fake.exec_status = PGRES_FATAL_ERROR;
    copybin cb;
    mute_stderr();
    bool ok = cb_begin(&cb, NULL, "COPY nosuch FROM STDIN (FORMAT binary)", "load nosuch");
    unmute_stderr();
    assert_false(ok);
    assert_int_equal(cb.len, 0);
    cb_free(&cb);
}

static void whole_row_matches_postgres_copy_to_output(void **state)
{
    (void)state;
    copybin cb;
    assert_true(cb_begin(&cb, NULL, "COPY t FROM STDIN (FORMAT binary)", "load t"));
    cb_row(&cb, 14);
    cb_int8(&cb, 42);
    cb_int8(&cb, -1);
    cb_text(&cb, "abc", 3);
    cb_text(&cb, "", 0);
    ev_numeric n1 = cost("12.5"), n0 = cost("0");
    cb_numeric(&cb, &n1);
    cb_numeric(&cb, &n0);
    cb_timestamp(&cb, ts("2026-11-01 10:00:00"));
    cb_timestamp(&cb, ts("1999-12-31 23:59:59.999999"));
    cb_null(&cb);
    ev_inet v4 = ip("10.1.2.3"), v6 = ip("2001:db8::1");
    cb_inet(&cb, &v4);
    cb_inet(&cb, &v6);
    cb_jsonb(&cb, "{\"a\": 1}", 8);
    cb_text_array(&cb, 0, NULL, NULL);
    const char *elems[] = {"a", NULL, "b c"};
    const size_t lens[] = {1, 0, 3};
    cb_text_array(&cb, 3, elems, lens);
    uint64_t rows = 99;
    assert_true(cb_end(&cb, "load t", &rows));
    assert_true(fake.ended);
    assert_string_equal(fake.end_error, "");
    assert_bytes(fake.sent, fake.sent_len, PG_ROW);
    cb_free(&cb);
}

static void end_sends_the_trailer_after_the_rows(void **state)
{
    (void)state;
    copybin cb;
    assert_true(cb_begin(&cb, NULL, "COPY t FROM STDIN (FORMAT binary)", "load t"));
    cb_row(&cb, 1);
    cb_null(&cb);
    assert_true(cb_end(&cb, "load t", NULL));
    /* a row of one field, NULL (0001 ffffffff), then the trailer (ffff) */
    assert_bytes(fake.sent, fake.sent_len, PG_HEADER "0001ffffffffffff");
    cb_free(&cb);
}

/* Rows are sent in pieces of about CB_FLUSH_BYTES, never split inside a
 * row, and the pieces add up to the stream. */
static void rows_are_sent_once_flush_bytes_are_buffered(void **state)
{
    (void)state;
    copybin cb;
    assert_true(cb_begin(&cb, NULL, "COPY t FROM STDIN (FORMAT binary)", "load t"));
    enum { ROWS = 10000 };
    char text[100];
    memset(text, 'x', sizeof text);
    for (int i = 0; i < ROWS; i++) {
        cb_row(&cb, 2);
        cb_int8(&cb, i);
        cb_text(&cb, text, sizeof text);
        assert_true(cb.len < CB_FLUSH_BYTES + 2 + 12 + 104);
    }
    int chunks_before_end = fake.chunks;
    assert_true(cb_end(&cb, "load t", NULL));
    /* 19 + 10000 * (2 + 12 + 104) + 2 bytes */
    size_t total = 19 + (size_t)ROWS * 118 + 2;
    assert_int_equal(fake.sent_len, total);
    /* every piece before the end is at least CB_FLUSH_BYTES and at most one
     * row (and the header) more; cb_end sends the rest in one piece */
    assert_true(chunks_before_end > 10 && chunks_before_end < 256);
    assert_int_equal(fake.chunks, chunks_before_end + 1);
    for (int c = 0; c < chunks_before_end; c++) {
        assert_true(fake.chunk_len[c] >= CB_FLUSH_BYTES);
        assert_true(fake.chunk_len[c] < CB_FLUSH_BYTES + 118 + 19);
    }
    assert_true(fake.chunk_len[chunks_before_end] < CB_FLUSH_BYTES + 118 + 2);
    /* a flush happens at a row start: the data after the header is rows */
    size_t off = 19;
    for (int i = 0; i < ROWS; i++, off += 118) {
        assert_int_equal(fake.sent[off], 0x00);
        assert_int_equal(fake.sent[off + 1], 0x02);
        assert_int_equal(fake.sent[off + 13], (unsigned char)i);
    }
    assert_int_equal(fake.sent[off], 0xff);
    cb_free(&cb);
}

static void end_fails_when_the_server_rejects_the_copy(void **state)
{
    (void)state;
    fake.end_status = PGRES_FATAL_ERROR;
    copybin cb;
    assert_true(cb_begin(&cb, NULL, "COPY t FROM STDIN (FORMAT binary)", "load t"));
    cb_row(&cb, 1);
    cb_int8(&cb, 1);
    mute_stderr();
    bool ok = cb_end(&cb, "load t", NULL);
    unmute_stderr();
    assert_false(ok);
    cb_free(&cb);
}

static void end_fails_when_a_send_failed_even_if_the_server_says_ok(void **state)
{
    (void)state;
    fake.put_rc = -1;
    copybin cb;
    assert_true(cb_begin(&cb, NULL, "COPY t FROM STDIN (FORMAT binary)", "load t"));
    cb_row(&cb, 1);
    cb_int8(&cb, 1);
    mute_stderr();
    bool ok = cb_end(&cb, "load t", NULL);
    unmute_stderr();
    assert_false(ok);
    assert_true(cb.failed);
    cb_free(&cb);
}

static void abort_ends_the_copy_with_the_reason(void **state)
{
    (void)state;
    copybin cb;
    assert_true(cb_begin(&cb, NULL, "COPY t FROM STDIN (FORMAT binary)", "load t"));
    cb_abort(&cb, "too many rejects");
    assert_true(fake.ended);
    assert_string_equal(fake.end_error, "too many rejects");
    cb_free(&cb);
}

static void free_releases_the_buffer_and_is_repeatable(void **state)
{
    (void)state;
    copybin cb = empty_cb();
    cb_int8(&cb, 1);
    assert_non_null(cb.buf);
    cb_free(&cb);
    assert_null(cb.buf);
    assert_int_equal(cb.len, 0);
    assert_int_equal(cb.cap, 0);
    cb_free(&cb);
}

/* ------------------------------------------------------------------------ */
/* values                                                                   */
/* ------------------------------------------------------------------------ */

static void row_starts_with_its_field_count(void **state)
{
    (void)state;
    ASSERT_ENCODES(cb_row(cb, 14), "000e");
    ASSERT_ENCODES(cb_row(cb, 300), "012c");
}

static void null_is_length_minus_one_without_data(void **state)
{
    (void)state;
    ASSERT_ENCODES(cb_null(cb), "ffffffff");
}

/* COPY (SELECT (-9223372036854775808)::int8, 9223372036854775807::int8) */
static void int8_is_eight_big_endian_bytes(void **state)
{
    (void)state;
    ASSERT_ENCODES(cb_int8(cb, 42), "00000008000000000000002a");
    ASSERT_ENCODES(cb_int8(cb, -1), "00000008ffffffffffffffff");
    ASSERT_ENCODES(cb_int8(cb, INT64_MIN), "000000088000000000000000");
    ASSERT_ENCODES(cb_int8(cb, INT64_MAX), "000000087fffffffffffffff");
}

/* COPY (SELECT '株式会社'::text) */
static void text_is_its_bytes_after_their_length(void **state)
{
    (void)state;
    ASSERT_ENCODES(cb_text(cb, "abc", 3), "00000003616263");
    ASSERT_ENCODES(cb_text(cb, "", 0), "00000000");
    ASSERT_ENCODES(cb_text(cb, "株式会社", 12), "0000000ce6a0aae5bc8fe4bc9ae7a4be");
    ASSERT_ENCODES(cb_text(cb, "a\0b", 3), "00000003610062"); /* length, not strlen */
}

/* COPY (SELECT 0.0000000001::numeric(20,10)), 9999999999.9999999999, 1234567.89 */
static void numeric_matches_numeric_send(void **state)
{
    (void)state;
    ev_numeric n;
    n = cost("12.5");
    ASSERT_ENCODES(cb_numeric(cb, &n), "0000000c000200000000000a000c1388");
    n = cost("0");
    ASSERT_ENCODES(cb_numeric(cb, &n), "00000008000000000000000a");
    n = cost("0.0000000001");
    ASSERT_ENCODES(cb_numeric(cb, &n), "0000000a0001fffd0000000a0064");
    n = cost("9999999999.9999999999");
    ASSERT_ENCODES(cb_numeric(cb, &n), "00000014000600020000000a0063270f270f270f270f26ac");
    n = cost("1234567.89");
    ASSERT_ENCODES(cb_numeric(cb, &n), "0000000e000300010000000a007b11d722c4");
}

/* The encoder writes the struct as it is: a negative weight goes out as
 * two's complement, the digits in order. */
static void numeric_writes_weight_sign_scale_and_digits_as_given(void **state)
{
    (void)state;
    ev_numeric n = {.ndigits = 2, .weight = -2, .sign = 0x4000, .dscale = 7, .digits = {1, 9999}};
    /* length 12, ndigits 2, weight -2, sign, dscale 7, digits 1 and 9999 */
    ASSERT_ENCODES(cb_numeric(cb, &n), "0000000c0002fffe400000070001270f");
}

/* COPY (SELECT '1900-01-01 00:00:00'::timestamp), '2000-01-01 00:00:00' */
static void timestamp_is_microseconds_since_2000(void **state)
{
    (void)state;
    ASSERT_ENCODES(cb_timestamp(cb, ts("2026-11-01 10:00:00")), "0000000800030232dc6ec800");
    ASSERT_ENCODES(cb_timestamp(cb, ts("2000-01-01 00:00:00")), "000000080000000000000000");
    ASSERT_ENCODES(cb_timestamp(cb, ts("1999-12-31 23:59:59.999999")), "00000008ffffffffffffffff");
    ASSERT_ENCODES(cb_timestamp(cb, ts("1900-01-01 00:00:00")), "00000008fff4c9ee7c0b8000");
}

static void inet_is_family_bits_cidr_length_and_address(void **state)
{
    (void)state;
    ev_inet v = ip("10.1.2.3");
    ASSERT_ENCODES(cb_inet(cb, &v), "00000008022000040a010203");
    v = ip("2001:db8::1");
    ASSERT_ENCODES(cb_inet(cb, &v), "000000140380001020010db8000000000000000000000001");
}

/* COPY (SELECT '{}'::jsonb) */
static void jsonb_is_version_one_and_the_text(void **state)
{
    (void)state;
    ASSERT_ENCODES(cb_jsonb(cb, "{\"a\": 1}", 8), "00000009017b2261223a20317d");
    ASSERT_ENCODES(cb_jsonb(cb, "{}", 2), "00000003017b7d");
}

static void empty_text_array_has_no_dimensions(void **state)
{
    (void)state;
    ASSERT_ENCODES(cb_text_array(cb, 0, NULL, NULL), "0000000c000000000000000000000019");
}

static void text_array_with_a_null_sets_the_null_flag(void **state)
{
    (void)state;
    const char *elems[] = {"a", NULL, "b c"};
    const size_t lens[] = {1, 0, 3};
    ASSERT_ENCODES(
        cb_text_array(cb, 3, elems, lens),
        "0000002400000001000000010000001900000003000000010000000161ffffffff00000003622063");
    /* COPY (SELECT '{NULL}'::text[]) */
    const char *only_null[] = {NULL};
    const size_t zero[] = {0};
    ASSERT_ENCODES(cb_text_array(cb, 1, only_null, zero),
                   "000000180000000100000001000000190000000100000001ffffffff");
}

/* COPY (SELECT '{""}'::text[]): an empty element is not a NULL one. */
static void text_array_of_an_empty_string_has_no_null_flag(void **state)
{
    (void)state;
    const char *elems[] = {""};
    const size_t lens[] = {0};
    ASSERT_ENCODES(cb_text_array(cb, 1, elems, lens),
                   "00000018000000010000000000000019000000010000000100000000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(begin_runs_the_statement_and_buffers_the_binary_header,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(begin_fails_when_the_server_does_not_enter_copy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(whole_row_matches_postgres_copy_to_output, setup, teardown),
        cmocka_unit_test_setup_teardown(end_sends_the_trailer_after_the_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(rows_are_sent_once_flush_bytes_are_buffered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(end_fails_when_the_server_rejects_the_copy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(end_fails_when_a_send_failed_even_if_the_server_says_ok,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(abort_ends_the_copy_with_the_reason, setup, teardown),
        cmocka_unit_test(free_releases_the_buffer_and_is_repeatable),

        cmocka_unit_test(row_starts_with_its_field_count),
        cmocka_unit_test(null_is_length_minus_one_without_data),
        cmocka_unit_test(int8_is_eight_big_endian_bytes),
        cmocka_unit_test(text_is_its_bytes_after_their_length),
        cmocka_unit_test(numeric_matches_numeric_send),
        cmocka_unit_test(numeric_writes_weight_sign_scale_and_digits_as_given),
        cmocka_unit_test(timestamp_is_microseconds_since_2000),
        cmocka_unit_test(inet_is_family_bits_cidr_length_and_address),
        cmocka_unit_test(jsonb_is_version_one_and_the_text),
        cmocka_unit_test(empty_text_array_has_no_dimensions),
        cmocka_unit_test(text_array_with_a_null_sets_the_null_flag),
        cmocka_unit_test(text_array_of_an_empty_string_has_no_null_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
