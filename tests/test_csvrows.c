/*
 * test_csvrows.c - unit tests for src/csvrows.c, the row splitter: rows by
 * quote parity, fields by libcsv in strict mode, physical line numbers,
 * bounded rows.
 *
 * Field expectations follow PostgreSQL's COPY ... (FORMAT csv): an unquoted
 * empty field is NULL, a quoted one is the empty string, spaces around
 * unquoted values are kept, "" inside quotes is one quote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adreport/csvrows.h"

/* ------------------------------------------------------------------------ */
/* a collector: copies of what the callback saw                             */
/* ------------------------------------------------------------------------ */

#define MAX_ROWS 16

typedef struct got_row {
    uint64_t line;
    csvr_status status;
    int nfields;
    char *fields[CSVR_MAX_FIELDS]; /* NULL for a NULL field */
    size_t lens[CSVR_MAX_FIELDS];
    char *raw;
    size_t raw_len;
} got_row;

typedef struct got {
    int n;
    got_row rows[MAX_ROWS];
    int stop_after; /* return 1 from the callback after this many rows; 0: never */
} got;

static char *copy(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    assert_non_null(c);
    if (n)
        memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

static int collect(void *ctx, const csvr_row *row)
{
    got *g = ctx;
    assert_true(g->n < MAX_ROWS);
    got_row *r = &g->rows[g->n++];
    r->line = row->line;
    r->status = row->status;
    r->nfields = row->nfields;
    int kept = row->nfields < CSVR_MAX_FIELDS ? row->nfields : CSVR_MAX_FIELDS;
    for (int i = 0; i < kept; i++) {
        r->fields[i] = row->fields[i].ptr ? copy(row->fields[i].ptr, row->fields[i].len) : NULL;
        r->lens[i] = row->fields[i].len;
    }
    r->raw = copy(row->raw, row->raw_len);
    r->raw_len = row->raw_len;
    return g->stop_after && g->n >= g->stop_after;
}

static void release(got *g)
{
    for (int k = 0; k < g->n; k++) {
        got_row *r = &g->rows[k];
        int kept = r->nfields < CSVR_MAX_FIELDS ? r->nfields : CSVR_MAX_FIELDS;
        for (int i = 0; i < kept; i++)
            free(r->fields[i]);
        free(r->raw);
    }
    memset(g, 0, sizeof *g);
}

/* Parse data[0..len) fed in pieces of `chunk` bytes (0: one piece). */
static void parse_chunked(got *g, const char *data, size_t len, size_t chunk, uint64_t *lines)
{
    csvr_parser *p = csvr_new(collect, g);
    assert_non_null(p);
    size_t off = 0;
    while (off < len) {
        size_t n = chunk && chunk < len - off ? chunk : len - off;
        assert_int_equal(csvr_feed(p, data + off, n), 0);
        off += n;
    }
    assert_int_equal(csvr_finish(p), 0);
    assert_int_equal(csvr_rows(p), (uint64_t)g->n);
    if (lines)
        *lines = csvr_lines(p);
    csvr_free(p);
}

static void parse(got *g, const char *data, size_t len)
{
    parse_chunked(g, data, len, 0, NULL);
}

#define PARSE(g, lit) parse((g), (lit), sizeof(lit) - 1)

static void assert_field(const got_row *r, int i, const char *want)
{
    assert_true(i < r->nfields);
    if (!r->fields[i])
        fail_msg("field %d is NULL, expected \"%s\"", i, want);
    assert_int_equal(r->lens[i], strlen(want));
    assert_string_equal(r->fields[i], want);
}

static void assert_null_field(const got_row *r, int i)
{
    assert_true(i < r->nfields);
    assert_null(r->fields[i]);
    assert_int_equal(r->lens[i], 0);
}

/* ------------------------------------------------------------------------ */
/* fields                                                                   */
/* ------------------------------------------------------------------------ */

static void plain_rows_split_into_fields(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "a,b,c\n1,2,3\n");
    assert_int_equal(g.n, 2);
    assert_int_equal(g.rows[0].status, CSVR_OK);
    assert_int_equal(g.rows[0].nfields, 3);
    assert_field(&g.rows[0], 0, "a");
    assert_field(&g.rows[0], 2, "c");
    assert_field(&g.rows[1], 1, "2");
    assert_int_equal(g.rows[0].line, 1);
    assert_int_equal(g.rows[1].line, 2);
    release(&g);
}

static void unquoted_empty_field_is_null_and_quoted_empty_is_empty_text(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, ",\"\",x,\n");
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].nfields, 4);
    assert_null_field(&g.rows[0], 0);
    assert_field(&g.rows[0], 1, "");
    assert_field(&g.rows[0], 2, "x");
    assert_null_field(&g.rows[0], 3);
    release(&g);
}

static void quoted_field_may_hold_commas(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "\"a,b\",c\n");
    assert_int_equal(g.rows[0].nfields, 2);
    assert_field(&g.rows[0], 0, "a,b");
    assert_field(&g.rows[0], 1, "c");
    release(&g);
}

static void doubled_quote_inside_quotes_is_one_quote(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "\"say \"\"hi\"\"\",\"\"\"\"\n");
    assert_int_equal(g.rows[0].status, CSVR_OK);
    assert_field(&g.rows[0], 0, "say \"hi\"");
    assert_field(&g.rows[0], 1, "\"");
    release(&g);
}

/* COPY keeps them; libcsv would trim them without csvrows' space function. */
static void spaces_around_unquoted_values_are_kept(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, " a , b\t\n");
    assert_field(&g.rows[0], 0, " a ");
    assert_field(&g.rows[0], 1, " b\t");
    release(&g);
}

static void backslash_is_an_ordinary_character(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "a\\,\"b\\\"\n");
    assert_int_equal(g.rows[0].status, CSVR_OK);
    assert_field(&g.rows[0], 0, "a\\");
    assert_field(&g.rows[0], 1, "b\\");
    release(&g);
}

static void json_field_with_doubled_quotes_is_unescaped(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "1,\"{\"\"ua\"\":\"\"Mozilla/5.0\"\",\"\"n\"\":[1,2]}\"\n");
    assert_field(&g.rows[0], 1, "{\"ua\":\"Mozilla/5.0\",\"n\":[1,2]}");
    release(&g);
}

static void more_than_max_fields_reports_the_true_count_and_keeps_the_first(void **state)
{
    (void)state;
    char line[4 * (CSVR_MAX_FIELDS + 10) + 2];
    size_t k = 0;
    for (int i = 0; i < CSVR_MAX_FIELDS + 10; i++)
        k += (size_t)sprintf(line + k, i ? ",%d" : "%d", i);
    line[k++] = '\n';
    got g = {0};
    parse(&g, line, k);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].status, CSVR_OK);
    assert_int_equal(g.rows[0].nfields, CSVR_MAX_FIELDS + 10);
    assert_field(&g.rows[0], 0, "0");
    assert_field(&g.rows[0], CSVR_MAX_FIELDS - 1, "63");
    release(&g);
}

/* ------------------------------------------------------------------------ */
/* rows and lines                                                           */
/* ------------------------------------------------------------------------ */

static void newline_inside_quotes_stays_in_the_field_and_counts_as_a_line(void **state)
{
    (void)state;
    got g = {0};
    uint64_t lines;
    const char data[] = "h\n\"a\nb\nc\",x\nnext\n";
    parse_chunked(&g, data, sizeof data - 1, 0, &lines);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.rows[1].line, 2);
    assert_field(&g.rows[1], 0, "a\nb\nc");
    assert_field(&g.rows[1], 1, "x");
    /* the row after it starts on the physical line after the quoted ones */
    assert_int_equal(g.rows[2].line, 5);
    assert_field(&g.rows[2], 0, "next");
    assert_int_equal(lines, 5);
    release(&g);
}

static void crlf_line_ends_are_dropped_and_crlf_inside_quotes_is_kept(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "a,b\r\n\"x\r\ny\",z\r\n");
    assert_int_equal(g.n, 2);
    assert_int_equal(g.rows[0].status, CSVR_OK);
    assert_field(&g.rows[0], 1, "b");
    assert_string_equal(g.rows[0].raw, "a,b");
    assert_int_equal(g.rows[1].status, CSVR_OK);
    assert_field(&g.rows[1], 0, "x\r\ny");
    assert_field(&g.rows[1], 1, "z");
    assert_int_equal(g.rows[1].line, 2);
    release(&g);
}

static void raw_is_the_row_without_its_line_break(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "1,\"a\nb\"\n2,c");
    assert_int_equal(g.n, 2);
    assert_string_equal(g.rows[0].raw, "1,\"a\nb\"");
    assert_int_equal(g.rows[0].raw_len, 7);
    assert_string_equal(g.rows[1].raw, "2,c");
    release(&g);
}

static void blank_lines_are_not_rows_but_count_as_lines(void **state)
{
    (void)state;
    got g = {0};
    uint64_t lines;
    const char data[] = "\na\n\r\n\nb\n";
    parse_chunked(&g, data, sizeof data - 1, 0, &lines);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.rows[0].line, 2);
    assert_int_equal(g.rows[1].line, 5);
    assert_int_equal(lines, 5);
    release(&g);
}

static void last_row_without_newline_is_delivered_by_finish(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "a\nb,c");
    assert_int_equal(g.n, 2);
    assert_field(&g.rows[1], 1, "c");
    assert_int_equal(g.rows[1].line, 2);
    release(&g);
}

static void last_row_ending_in_cr_without_newline_loses_the_cr(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "a,b\r");
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].status, CSVR_OK);
    assert_field(&g.rows[0], 1, "b");
    release(&g);
}

static void empty_stream_has_no_rows_and_no_lines(void **state)
{
    (void)state;
    got g = {0};
    uint64_t lines = 99;
    parse_chunked(&g, "", 0, 0, &lines);
    assert_int_equal(g.n, 0);
    assert_int_equal(lines, 0);
}

static void bom_at_the_start_is_dropped(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "\xEF\xBB\xBF"
              "ad_id,x\n");
    assert_field(&g.rows[0], 0, "ad_id");
    assert_string_equal(g.rows[0].raw, "ad_id,x");
    release(&g);
}

static void bom_after_the_start_is_data(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "a\n\xEF\xBB\xBF"
              "b\n");
    assert_int_equal(g.n, 2);
    assert_field(&g.rows[1], 0,
                 "\xEF\xBB\xBF"
                 "b");
    release(&g);
}

/* Rows do not depend on where the stream is cut into csvr_feed calls (the
 * first piece carries the BOM whole: see tests/fuzz/fuzz_rows.h). */
static void rows_do_not_depend_on_how_the_stream_is_cut(void **state)
{
    (void)state;
    const char data[] = "\xEF\xBB\xBF"
                        "id,\"a\"\"b\",c\r\n\"multi\nline\",,\"\"\n\nx,\"y,z\"";
    got whole = {0}, bytes = {0}, threes = {0};
    parse_chunked(&whole, data, sizeof data - 1, 0, NULL);
    parse_chunked(&threes, data, sizeof data - 1, 3, NULL);
    /* byte by byte after a first piece of 3 */
    csvr_parser *p = csvr_new(collect, &bytes);
    assert_non_null(p);
    assert_int_equal(csvr_feed(p, data, 3), 0);
    for (size_t i = 3; i < sizeof data - 1; i++)
        assert_int_equal(csvr_feed(p, data + i, 1), 0);
    assert_int_equal(csvr_finish(p), 0);
    csvr_free(p);
    assert_int_equal(whole.n, 3);
    const got *others[] = {&bytes, &threes};
    for (int o = 0; o < 2; o++) {
        assert_int_equal(others[o]->n, whole.n);
        for (int r = 0; r < whole.n; r++) {
            const got_row *a = &whole.rows[r], *b = &others[o]->rows[r];
            assert_int_equal(a->line, b->line);
            assert_int_equal(a->status, b->status);
            assert_int_equal(a->nfields, b->nfields);
            assert_string_equal(a->raw, b->raw);
            for (int i = 0; i < a->nfields; i++) {
                assert_true((a->fields[i] == NULL) == (b->fields[i] == NULL));
                if (a->fields[i])
                    assert_string_equal(a->fields[i], b->fields[i]);
            }
        }
    }
    assert_field(&whole.rows[0], 1, "a\"b");
    assert_field(&whole.rows[1], 0, "multi\nline");
    assert_null_field(&whole.rows[1], 1);
    assert_field(&whole.rows[1], 2, "");
    assert_field(&whole.rows[2], 1, "y,z");
    assert_int_equal(whole.rows[2].line, 5);
    release(&whole);
    release(&bytes);
    release(&threes);
}

/* ------------------------------------------------------------------------ */
/* bad rows                                                                 */
/* ------------------------------------------------------------------------ */

static void quote_inside_an_unquoted_field_is_bad_quotes(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "ab\"c\",d\n");
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].status, CSVR_BAD_QUOTES);
    release(&g);
}

/* A quote inside an unquoted field opens nothing: the row is bad and ends at
 * its own newline, even when nothing closes the quote (an odd count). */
static void stray_quotes_in_unquoted_fields_spoil_only_their_rows(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "1,a\"b,c\n2,x,y\n3,d\"e,f\n4,\"p\nq\",r\n");
    assert_int_equal(g.n, 4);
    assert_int_equal(g.rows[0].status, CSVR_BAD_QUOTES);
    assert_int_equal(g.rows[1].status, CSVR_OK);
    assert_int_equal(g.rows[1].line, 2);
    assert_int_equal(g.rows[2].status, CSVR_BAD_QUOTES);
    assert_int_equal(g.rows[2].line, 3);
    assert_int_equal(g.rows[3].status, CSVR_OK);
    assert_int_equal(g.rows[3].line, 4);
    assert_field(&g.rows[3], 1, "p\nq");
    release(&g);
}

static void text_after_a_closing_quote_is_bad_quotes(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "\"a\"b,c\n");
    assert_int_equal(g.rows[0].status, CSVR_BAD_QUOTES);
    release(&g);
}

/* An odd quote swallows the rest of the stream into one row. */
static void unclosed_quote_at_the_end_is_one_bad_row_from_its_line(void **state)
{
    (void)state;
    got g = {0};
    uint64_t lines;
    const char data[] = "ok\n\"open,x\nmore\nlast";
    parse_chunked(&g, data, sizeof data - 1, 0, &lines);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.rows[1].status, CSVR_BAD_QUOTES);
    assert_int_equal(g.rows[1].line, 2);
    assert_string_equal(g.rows[1].raw, "\"open,x\nmore\nlast");
    assert_int_equal(lines, 3);
    release(&g);
}

/* libcsv ends a record at a bare CR; COPY would refuse it. */
static void bare_cr_inside_an_unquoted_row_is_bad_quotes(void **state)
{
    (void)state;
    got g = {0};
    PARSE(&g, "a\rb,c\n");
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].status, CSVR_BAD_QUOTES);
    release(&g);
}

static void row_after_a_bad_row_parses_normally(void **state)
{
    (void)state;
    got g = {0};
    /* each bad row has an even number of quotes, so it ends at its newline */
    PARSE(&g, "ab\"c\"\n\"a\"b\n1,\"2\"\n");
    assert_int_equal(g.n, 3);
    assert_int_equal(g.rows[0].status, CSVR_BAD_QUOTES);
    assert_int_equal(g.rows[1].status, CSVR_BAD_QUOTES);
    assert_int_equal(g.rows[2].status, CSVR_OK);
    assert_int_equal(g.rows[2].nfields, 2);
    assert_field(&g.rows[2], 0, "1");
    assert_field(&g.rows[2], 1, "2");
    assert_int_equal(g.rows[2].line, 3);
    release(&g);
}

/* A row over CSVR_MAX_ROW_BYTES is skipped to its end, never buffered whole. */
static void row_longer_than_the_limit_is_too_long_and_truncated(void **state)
{
    (void)state;
    size_t big = CSVR_MAX_ROW_BYTES + 100;
    size_t len = 2 + big + 1 + 4;
    char *data = malloc(len);
    assert_non_null(data);
    memcpy(data, "a\n", 2);
    memset(data + 2, 'x', big);
    memcpy(data + 2 + big, "\nb,c\n", 5);
    got g = {0};
    parse_chunked(&g, data, len, 65536, NULL);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.rows[1].status, CSVR_TOO_LONG);
    assert_int_equal(g.rows[1].line, 2);
    assert_int_equal(g.rows[1].nfields, 0);
    assert_int_equal(g.rows[1].raw_len, CSVR_MAX_ROW_BYTES);
    assert_int_equal(g.rows[2].status, CSVR_OK);
    assert_int_equal(g.rows[2].line, 3);
    assert_field(&g.rows[2], 1, "c");
    release(&g);
    free(data);
}

/* "y,y,...,y": one byte under the limit, and many short fields (one long
 * field would grow libcsv's buffer 128 bytes at a time: slow under ASan). */
static void row_of_the_limit_minus_one_byte_is_kept(void **state)
{
    (void)state;
    size_t body = CSVR_MAX_ROW_BYTES - 1;
    char *data = malloc(body + 1);
    assert_non_null(data);
    for (size_t i = 0; i < body; i++)
        data[i] = i % 2 ? ',' : 'y';
    data[body] = '\n';
    got g = {0};
    parse_chunked(&g, data, body + 1, 4096, NULL);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].status, CSVR_OK);
    assert_int_equal(g.rows[0].raw_len, body);
    assert_int_equal(g.rows[0].nfields, (int)(body + 1) / 2);
    assert_field(&g.rows[0], 0, "y");
    release(&g);
    free(data);
}

/* One byte more and it is too long: the limit counts the row's line break
 * (csvrows.h says "longer than CSVR_MAX_ROW_BYTES"; README "over 1 MiB"). */
static void row_of_exactly_the_limit_is_too_long(void **state)
{
    (void)state;
    size_t body = CSVR_MAX_ROW_BYTES;
    char *data = malloc(body + 1);
    assert_non_null(data);
    for (size_t i = 0; i < body; i++)
        data[i] = i % 2 ? ',' : 'y';
    data[body] = '\n';
    got g = {0};
    parse_chunked(&g, data, body + 1, 4096, NULL);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.rows[0].status, CSVR_TOO_LONG);
    release(&g);
    free(data);
}

/* An overlong quoted row that never closes resynchronises at the next line. */
static void overlong_row_with_an_open_quote_ends_at_the_next_newline(void **state)
{
    (void)state;
    size_t big = CSVR_MAX_ROW_BYTES + 10;
    size_t len = 1 + big + 5;
    char *data = malloc(len);
    assert_non_null(data);
    data[0] = '"';
    memset(data + 1, 'z', big);
    memcpy(data + 1 + big, "\nb,c\n", 5);
    got g = {0};
    parse_chunked(&g, data, len, 0, NULL);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.rows[0].status, CSVR_TOO_LONG);
    assert_int_equal(g.rows[1].status, CSVR_OK);
    assert_int_equal(g.rows[1].line, 2);
    assert_field(&g.rows[1], 0, "b");
    release(&g);
    free(data);
}

/* ------------------------------------------------------------------------ */
/* the callback                                                             */
/* ------------------------------------------------------------------------ */

static void callback_returning_non_zero_stops_the_feed_with_that_value(void **state)
{
    (void)state;
    got g = {.stop_after = 2};
    csvr_parser *p = csvr_new(collect, &g);
    assert_non_null(p);
    const char data[] = "a\nb\nc\nd\n";
    assert_int_equal(csvr_feed(p, data, sizeof data - 1), 1);
    assert_int_equal(g.n, 2);
    assert_int_equal(csvr_rows(p), 2);
    csvr_free(p);
    release(&g);
}

static void free_of_null_is_harmless(void **state)
{
    (void)state;
    csvr_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_rows_split_into_fields),
        cmocka_unit_test(unquoted_empty_field_is_null_and_quoted_empty_is_empty_text),
        cmocka_unit_test(quoted_field_may_hold_commas),
        cmocka_unit_test(doubled_quote_inside_quotes_is_one_quote),
        cmocka_unit_test(spaces_around_unquoted_values_are_kept),
        cmocka_unit_test(backslash_is_an_ordinary_character),
        cmocka_unit_test(json_field_with_doubled_quotes_is_unescaped),
        cmocka_unit_test(more_than_max_fields_reports_the_true_count_and_keeps_the_first),

        cmocka_unit_test(newline_inside_quotes_stays_in_the_field_and_counts_as_a_line),
        cmocka_unit_test(crlf_line_ends_are_dropped_and_crlf_inside_quotes_is_kept),
        cmocka_unit_test(raw_is_the_row_without_its_line_break),
        cmocka_unit_test(blank_lines_are_not_rows_but_count_as_lines),
        cmocka_unit_test(last_row_without_newline_is_delivered_by_finish),
        cmocka_unit_test(last_row_ending_in_cr_without_newline_loses_the_cr),
        cmocka_unit_test(empty_stream_has_no_rows_and_no_lines),
        cmocka_unit_test(bom_at_the_start_is_dropped),
        cmocka_unit_test(bom_after_the_start_is_data),
        cmocka_unit_test(rows_do_not_depend_on_how_the_stream_is_cut),

        cmocka_unit_test(quote_inside_an_unquoted_field_is_bad_quotes),
        cmocka_unit_test(stray_quotes_in_unquoted_fields_spoil_only_their_rows),
        cmocka_unit_test(text_after_a_closing_quote_is_bad_quotes),
        cmocka_unit_test(unclosed_quote_at_the_end_is_one_bad_row_from_its_line),
        cmocka_unit_test(bare_cr_inside_an_unquoted_row_is_bad_quotes),
        cmocka_unit_test(row_after_a_bad_row_parses_normally),
        cmocka_unit_test(row_longer_than_the_limit_is_too_long_and_truncated),
        cmocka_unit_test(row_of_the_limit_minus_one_byte_is_kept),
        cmocka_unit_test(row_of_exactly_the_limit_is_too_long),
        cmocka_unit_test(overlong_row_with_an_open_quote_ends_at_the_next_newline),

        cmocka_unit_test(callback_returning_non_zero_stops_the_feed_with_that_value),
        cmocka_unit_test(free_of_null_is_harmless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
