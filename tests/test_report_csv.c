/*
 * test_report_csv.c - the CSV writer's field rules: RFC 4180 quoting, the
 * formula-injection apostrophe on text cells only, numbers written as is;
 * and the small parsers the report command relies on (formats, periods).
 */
#include "adreport/report.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* What rpt_csv_field writes for value; the caller frees. */
static char *field(const char *value, bool text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    rpt_csv_field(out, value, text);
    assert_int_equal(fclose(out), 0);
    return buf;
}

static void expect_field(const char *value, bool text, const char *expected)
{
    char *got = field(value, text);
    assert_string_equal(got, expected);
    free(got);
}

static void plain_text_is_written_as_is(void **state)
{
    (void)state;
    expect_field("Summer sale", true, "Summer sale");
    expect_field("", true, "");
}

static void comma_makes_a_quoted_field(void **state)
{
    (void)state;
    expect_field("Acme, Inc", true, "\"Acme, Inc\"");
}

static void quotes_are_doubled_inside_quotes(void **state)
{
    (void)state;
    expect_field("say \"hi\"", true, "\"say \"\"hi\"\"\"");
    expect_field("\"", true, "\"\"\"\"");
}

static void line_breaks_make_a_quoted_field(void **state)
{
    (void)state;
    expect_field("two\nlines", true, "\"two\nlines\"");
    expect_field("cr\rhere", true, "\"cr\rhere\"");
    expect_field("crlf\r\n", true, "\"crlf\r\n\"");
}

static void formula_starts_get_an_apostrophe(void **state)
{
    (void)state;
    expect_field("=1+2", true, "'=1+2");
    expect_field("+1", true, "'+1");
    expect_field("-1", true, "'-1");
    expect_field("@SUM(A1)", true, "'@SUM(A1)");
    expect_field("\tx", true, "'\tx");
    /* CR also needs quoting; the apostrophe goes inside the quotes. */
    expect_field("\rx", true, "\"'\rx\"");
}

static void apostrophe_and_quoting_combine(void **state)
{
    (void)state;
    expect_field("=HYPERLINK(\"http://evil\",\"x\")", true,
                 "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
    expect_field("-a,b", true, "\"'-a,b\"");
}

static void formula_characters_later_in_text_are_harmless(void **state)
{
    (void)state;
    expect_field("a=b", true, "a=b");
    expect_field("x-1", true, "x-1");
}

static void numbers_are_never_prefixed_or_quoted(void **state)
{
    (void)state;
    expect_field("-1.50", false, "-1.50");
    expect_field("+3", false, "+3");
    expect_field("1234567.89", false, "1234567.89");
    expect_field("0.333333", false, "0.333333");
    expect_field("", false, "");
}

static void non_ascii_text_passes_through(void **state)
{
    (void)state;
    expect_field("Caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", true,
                 "Caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
}

static void table_has_header_and_crlf_rows(void **state)
{
    (void)state;
    static const rpt_column cols[] = {
        {"campaign_id", "Campaign ID", RPT_ID, false},
        {"campaign_name", "Campaign", RPT_TEXT, false},
        {"spend_usd", "Spend (USD)", RPT_MONEY, false},
        {"ctr", "CTR", RPT_RATIO, false},
    };
    const char *cells[] = {
        "1", "=cmd|' /C calc'!A0", "-2.50", "0.500000", /* negative money stays a number */
        "2", "Acme, \"West\"",     "0.00",  "",         /* empty ratio: empty field */
    };
    double values[8] = {0};
    rpt_table t = {.file = "campaigns.csv",
                   .columns = cols,
                   .ncols = 4,
                   .nrows = 2,
                   .cells = cells,
                   .values = values};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    rpt_csv_table(out, &t);
    assert_int_equal(fclose(out), 0);
    assert_string_equal(buf, "campaign_id,campaign_name,spend_usd,ctr\r\n"
                             "1,'=cmd|' /C calc'!A0,-2.50,0.500000\r\n"
                             "2,\"Acme, \"\"West\"\"\",0.00,\r\n");
    free(buf);
}

static void formats_parse_as_a_list(void **state)
{
    (void)state;
    unsigned f;
    assert_true(rpt_parse_formats("csv", &f));
    assert_int_equal(f, RPT_FORMAT_CSV);
    assert_true(rpt_parse_formats("xlsx", &f));
    assert_int_equal(f, RPT_FORMAT_XLSX);
    assert_true(rpt_parse_formats("csv,xlsx", &f));
    assert_int_equal(f, RPT_FORMAT_ALL);
    assert_false(rpt_parse_formats("", &f));
    assert_false(rpt_parse_formats("csv,", &f));
    assert_false(rpt_parse_formats("pdf", &f));
    assert_false(rpt_parse_formats("csvx", &f));
}

static void month_period_spans_the_calendar_month(void **state)
{
    (void)state;
    rpt_period p;
    const char *why = NULL;
    assert_true(rpt_period_month(&p, "2024-02", "2024-02-10", &why));
    assert_true(p.is_month);
    assert_string_equal(p.from, "2024-02-01");
    assert_string_equal(p.to, "2024-02-29"); /* leap year */
    assert_string_equal(p.label, "2024-02");
    assert_string_equal(p.as_of, "2024-02-10");
    assert_true(rpt_period_month(&p, "2100-02", NULL, &why));
    assert_string_equal(p.to, "2100-02-28"); /* not a leap year */
    assert_int_equal(strlen(p.as_of), 10);   /* yesterday */
    assert_true(rpt_period_month(&p, "2026-12", NULL, &why));
    assert_string_equal(p.to, "2026-12-31");
}

static void bad_months_are_refused(void **state)
{
    (void)state;
    rpt_period p;
    const char *why = NULL;
    assert_false(rpt_period_month(&p, "2024-13", NULL, &why));
    assert_non_null(why);
    assert_false(rpt_period_month(&p, "2024-2", NULL, &why));
    assert_false(rpt_period_month(&p, "24-02", NULL, &why));
    assert_false(rpt_period_month(&p, "2024-02-01", NULL, &why));
    assert_false(rpt_period_month(&p, "../etc", NULL, &why));
}

static void range_period_is_inclusive_and_checked(void **state)
{
    (void)state;
    rpt_period p;
    const char *why = NULL;
    assert_true(rpt_period_range(&p, "2024-02-28", "2024-03-01", &why));
    assert_false(p.is_month);
    assert_string_equal(p.label, "2024-02-28_2024-03-01");
    assert_true(rpt_period_range(&p, "2024-03-01", "2024-03-01", &why));
    assert_false(rpt_period_range(&p, "2024-03-02", "2024-03-01", &why));
    assert_false(rpt_period_range(&p, "2023-02-29", "2023-03-01", &why)); /* no such day */
    assert_false(rpt_period_range(&p, "2024-03-01", "2024-3-5", &why));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_text_is_written_as_is),
        cmocka_unit_test(comma_makes_a_quoted_field),
        cmocka_unit_test(quotes_are_doubled_inside_quotes),
        cmocka_unit_test(line_breaks_make_a_quoted_field),
        cmocka_unit_test(formula_starts_get_an_apostrophe),
        cmocka_unit_test(apostrophe_and_quoting_combine),
        cmocka_unit_test(formula_characters_later_in_text_are_harmless),
        cmocka_unit_test(numbers_are_never_prefixed_or_quoted),
        cmocka_unit_test(non_ascii_text_passes_through),
        cmocka_unit_test(table_has_header_and_crlf_rows),
        cmocka_unit_test(formats_parse_as_a_list),
        cmocka_unit_test(month_period_spans_the_calendar_month),
        cmocka_unit_test(bad_months_are_refused),
        cmocka_unit_test(range_period_is_inclusive_and_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
