/*
 * test_days.c - unit tests for src/days.c and include/adreport/days.h, the
 * one calendar.
 *
 * Day numbers below are days since 2000-01-01 as PostgreSQL counts them
 * (SELECT '<date>'::date - '2000-01-01'), which is also what Python's
 * datetime.date subtraction gives for the proleptic Gregorian calendar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "adreport/days.h"

/* The first and last day day_parse accepts: 0001-01-01 and 9999-12-31. */
#define FIRST_DAY INT32_C(-730119)
#define LAST_DAY INT32_C(2921939)

/* ------------------------------------------------------------------------ */
/* helpers                                                                  */
/* ------------------------------------------------------------------------ */

static int32_t parsed(const char *s)
{
    int32_t day;
    if (!day_parse(s, &day))
        fail_msg("\"%s\" rejected", s);
    return day;
}

static void assert_day_rejected(const char *s)
{
    int32_t day = 12345;
    if (day_parse(s, &day))
        fail_msg("\"%s\" accepted as day %d", s, (int)day);
    assert_int_equal(day, 12345); /* untouched */
}

static void assert_month_rejected(const char *s)
{
    int y = -1, m = -1;
    if (day_parse_month(s, &y, &m))
        fail_msg("\"%s\" accepted as %d-%d", s, y, m);
    assert_int_equal(y, -1);
    assert_int_equal(m, -1);
}

static const char *formatted(int32_t day, char out[DAY_STR])
{
    day_format(day, out);
    return out;
}

/* ------------------------------------------------------------------------ */
/* leap years and month lengths                                             */
/* ------------------------------------------------------------------------ */

static void test_every_fourth_year_is_a_leap_year(void **state)
{
    (void)state;
    assert_true(day_is_leap(2024));
    assert_true(day_is_leap(1996));
    assert_false(day_is_leap(2026));
    assert_false(day_is_leap(2023));
}

static void test_centuries_are_not_leap_years(void **state)
{
    (void)state;
    assert_false(day_is_leap(1900));
    assert_false(day_is_leap(2100));
    assert_false(day_is_leap(1700));
}

static void test_centuries_divisible_by_400_are_leap_years(void **state)
{
    (void)state;
    assert_true(day_is_leap(2000));
    assert_true(day_is_leap(1600));
    assert_true(day_is_leap(2400));
}

static void test_months_have_their_lengths_in_a_common_year(void **state)
{
    (void)state;
    static const int want[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++)
        assert_int_equal(day_days_in_month(2026, m), want[m - 1]);
}

static void test_february_has_29_days_only_in_leap_years(void **state)
{
    (void)state;
    assert_int_equal(day_days_in_month(2024, 2), 29);
    assert_int_equal(day_days_in_month(2000, 2), 29);
    assert_int_equal(day_days_in_month(1900, 2), 28);
    assert_int_equal(day_days_in_month(2100, 2), 28);
    assert_int_equal(day_days_in_month(2024, 3), 31); /* only February changes */
}

static void test_a_year_has_365_or_366_days(void **state)
{
    (void)state;
    for (int y = DAY_MIN_YEAR; y <= DAY_MAX_YEAR; y++) {
        int len = day_from_ymd(y + 1, 1, 1) - day_from_ymd(y, 1, 1);
        if (len != (day_is_leap(y) ? 366 : 365))
            fail_msg("year %d has %d days", y, len);
    }
}

/* ------------------------------------------------------------------------ */
/* day numbers                                                              */
/* ------------------------------------------------------------------------ */

static void test_day_zero_is_the_postgres_epoch_2000_01_01(void **state)
{
    (void)state;
    assert_int_equal(day_from_ymd(2000, 1, 1), 0);
}

static void test_day_numbers_match_postgres_date_arithmetic(void **state)
{
    (void)state;
    assert_int_equal(day_from_ymd(2026, 11, 25), 9825);
    assert_int_equal(day_from_ymd(2024, 2, 29), 8825);
    assert_int_equal(day_from_ymd(2000, 3, 1), 60);
    assert_int_equal(day_from_ymd(1999, 12, 31), -1);
    assert_int_equal(day_from_ymd(1970, 1, 1), -10957);
    assert_int_equal(day_from_ymd(1900, 1, 1), -36524);
    assert_int_equal(day_from_ymd(1, 1, 1), FIRST_DAY);
    assert_int_equal(day_from_ymd(9999, 12, 31), LAST_DAY);
}

static void test_day_to_ymd_inverts_day_from_ymd(void **state)
{
    (void)state;
    int y, m, d;
    day_to_ymd(9825, &y, &m, &d);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 25);
    day_to_ymd(-1, &y, &m, &d);
    assert_int_equal(y, 1999);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
}

/*
 * Every day of 0001-01-01..9999-12-31: day_to_ymd walks the calendar one
 * date at a time (the next day is the next date by the month lengths, not
 * just some date), and day_from_ymd brings each date back to its number.
 */
static void test_every_accepted_day_round_trips_through_ymd(void **state)
{
    (void)state;
    int py = 0, pm = 12, pd = 31; /* the day before 0001-01-01 */
    for (int32_t day = FIRST_DAY; day <= LAST_DAY; day++) {
        int y, m, d;
        day_to_ymd(day, &y, &m, &d);
        bool next = (y == py && m == pm && d == pd + 1) ||
                    (y == py && m == pm + 1 && d == 1 && pd == day_days_in_month(py, pm)) ||
                    (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
        if (!next)
            fail_msg("day %d is %04d-%02d-%02d after %04d-%02d-%02d", (int)day, y, m, d, py, pm,
                     pd);
        if (day_from_ymd(y, m, d) != day)
            fail_msg("%04d-%02d-%02d is day %d, not %d", y, m, d, (int)day_from_ymd(y, m, d),
                     (int)day);
        py = y, pm = m, pd = d;
    }
    assert_int_equal(py, 9999);
    assert_int_equal(pm, 12);
    assert_int_equal(pd, 31);
}

static void test_every_accepted_day_round_trips_through_text(void **state)
{
    (void)state;
    char s[DAY_STR], want[DAY_STR + 32];
    for (int32_t day = FIRST_DAY; day <= LAST_DAY; day++) {
        int y, m, d;
        int32_t back = 0;
        day_format(day, s);
        day_to_ymd(day, &y, &m, &d);
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
        if (strcmp(s, want) != 0)
            fail_msg("day %d formats as \"%s\", not \"%s\"", (int)day, s, want);
        if (!day_parse(s, &back) || back != day)
            fail_msg("\"%s\" parses as day %d, not %d", s, (int)back, (int)day);
    }
}

/* ------------------------------------------------------------------------ */
/* text                                                                     */
/* ------------------------------------------------------------------------ */

static void test_format_writes_iso_dates(void **state)
{
    (void)state;
    char s[DAY_STR];
    assert_string_equal(formatted(9825, s), "2026-11-25");
    assert_string_equal(formatted(0, s), "2000-01-01");
    assert_string_equal(formatted(-1, s), "1999-12-31");
}

static void test_format_pads_small_years_to_four_digits(void **state)
{
    (void)state;
    char s[DAY_STR];
    assert_string_equal(formatted(FIRST_DAY, s), "0001-01-01");
    assert_string_equal(formatted(day_from_ymd(999, 3, 4), s), "0999-03-04");
}

static void test_parse_reads_iso_dates(void **state)
{
    (void)state;
    assert_int_equal(parsed("2026-11-25"), 9825);
    assert_int_equal(parsed("2000-01-01"), 0);
    assert_int_equal(parsed("0001-01-01"), FIRST_DAY);
    assert_int_equal(parsed("9999-12-31"), LAST_DAY);
}

static void test_parse_accepts_feb_29_in_leap_years(void **state)
{
    (void)state;
    assert_int_equal(parsed("2024-02-29"), 8825);
    assert_int_equal(parsed("2000-02-29"), 59);
}

static void test_parse_rejects_feb_29_in_common_years(void **state)
{
    (void)state;
    assert_day_rejected("2026-02-29");
    assert_day_rejected("1900-02-29");
    assert_day_rejected("2100-02-29");
}

static void test_parse_rejects_days_past_the_end_of_the_month(void **state)
{
    (void)state;
    assert_day_rejected("2026-04-31");
    assert_day_rejected("2026-01-32");
    assert_day_rejected("2024-02-30");
}

static void test_parse_rejects_day_zero(void **state)
{
    (void)state;
    assert_day_rejected("2026-01-00");
}

static void test_parse_rejects_months_outside_1_to_12(void **state)
{
    (void)state;
    assert_day_rejected("2026-13-01");
    assert_day_rejected("2026-00-01");
    assert_day_rejected("2026-99-01");
}

static void test_parse_rejects_year_zero(void **state)
{
    (void)state;
    assert_day_rejected("0000-01-01");
}

static void test_parse_rejects_junk(void **state)
{
    (void)state;
    assert_day_rejected("");
    assert_day_rejected("junk");
    assert_day_rejected("yyyy-mm-dd");
    assert_day_rejected("2026-11-0x");
    assert_day_rejected("2026/11/25");
    assert_day_rejected("20261125");
    assert_day_rejected("2026-11");
}

static void test_parse_rejects_other_widths(void **state)
{
    (void)state;
    assert_day_rejected("2026-1-25");
    assert_day_rejected("2026-11-5");
    assert_day_rejected("26-11-25");
    assert_day_rejected("12026-11-25");
    assert_day_rejected("+2026-11-25");
    assert_day_rejected("-026-11-25");
}

static void test_parse_rejects_surrounding_text(void **state)
{
    (void)state;
    assert_day_rejected(" 2026-11-25");
    assert_day_rejected("2026-11-25 ");
    assert_day_rejected("2026-11-25T00:00:00");
    assert_day_rejected("2026-11-25\n");
}

/* ------------------------------------------------------------------------ */
/* months, as reports use them                                              */
/* ------------------------------------------------------------------------ */

static void test_parse_month_reads_yyyy_mm(void **state)
{
    (void)state;
    int y, m;
    assert_true(day_parse_month("2026-11", &y, &m));
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_true(day_parse_month("0001-01", &y, &m));
    assert_true(day_parse_month("9999-12", &y, &m));
}

static void test_parse_month_rejects_months_outside_1_to_12(void **state)
{
    (void)state;
    assert_month_rejected("2026-13");
    assert_month_rejected("2026-00");
}

static void test_parse_month_rejects_year_zero(void **state)
{
    (void)state;
    assert_month_rejected("0000-01");
}

static void test_parse_month_rejects_junk_and_days(void **state)
{
    (void)state;
    assert_month_rejected("");
    assert_month_rejected("junk");
    assert_month_rejected("2026-1");
    assert_month_rejected("2026/11");
    assert_month_rejected("2026-11-01");
    assert_month_rejected(" 2026-11");
    assert_month_rejected("202611");
}

static void test_month_span_is_the_first_to_the_last_day(void **state)
{
    (void)state;
    char a[DAY_STR], b[DAY_STR];
    int32_t first, last;
    day_month_span(2026, 11, &first, &last);
    assert_string_equal(formatted(first, a), "2026-11-01");
    assert_string_equal(formatted(last, b), "2026-11-30");
}

static void test_month_span_of_february_follows_leap_years(void **state)
{
    (void)state;
    char s[DAY_STR];
    int32_t first, last;
    day_month_span(2024, 2, &first, &last);
    assert_string_equal(formatted(last, s), "2024-02-29");
    day_month_span(2026, 2, &first, &last);
    assert_string_equal(formatted(last, s), "2026-02-28");
    day_month_span(1900, 2, &first, &last);
    assert_string_equal(formatted(last, s), "1900-02-28");
}

static void test_month_span_of_december_ends_the_year(void **state)
{
    (void)state;
    int32_t first, last;
    day_month_span(2026, 12, &first, &last);
    assert_int_equal(last + 1, day_from_ymd(2027, 1, 1));
    assert_int_equal(last - first + 1, 31);
}

/* Consecutive months, 0001-01..9999-12, tile the calendar: no gap, no
 * overlap, each as long as day_days_in_month says. */
static void test_month_spans_tile_the_accepted_range(void **state)
{
    (void)state;
    int32_t expect_first = FIRST_DAY;
    for (int y = DAY_MIN_YEAR; y <= DAY_MAX_YEAR; y++)
        for (int m = 1; m <= 12; m++) {
            int32_t first, last;
            day_month_span(y, m, &first, &last);
            if (first != expect_first || last - first + 1 != day_days_in_month(y, m))
                fail_msg("%04d-%02d spans days %d..%d", y, m, (int)first, (int)last);
            expect_first = last + 1;
        }
    assert_int_equal(expect_first, LAST_DAY + 1);
}

/* ------------------------------------------------------------------------ */
/* the clock                                                                */
/* ------------------------------------------------------------------------ */

static void test_today_utc_is_the_clock_s_day(void **state)
{
    (void)state;
    /* time_t counts no leap seconds; 10957 days lie between 1970 and 2000. */
    time_t before = time(NULL);
    int32_t today = day_today_utc();
    time_t after = time(NULL);
    assert_in_range(today, (int32_t)(before / 86400) - 10957, (int32_t)(after / 86400) - 10957);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_fourth_year_is_a_leap_year),
        cmocka_unit_test(test_centuries_are_not_leap_years),
        cmocka_unit_test(test_centuries_divisible_by_400_are_leap_years),
        cmocka_unit_test(test_months_have_their_lengths_in_a_common_year),
        cmocka_unit_test(test_february_has_29_days_only_in_leap_years),
        cmocka_unit_test(test_a_year_has_365_or_366_days),
        cmocka_unit_test(test_day_zero_is_the_postgres_epoch_2000_01_01),
        cmocka_unit_test(test_day_numbers_match_postgres_date_arithmetic),
        cmocka_unit_test(test_day_to_ymd_inverts_day_from_ymd),
        cmocka_unit_test(test_every_accepted_day_round_trips_through_ymd),
        cmocka_unit_test(test_every_accepted_day_round_trips_through_text),
        cmocka_unit_test(test_format_writes_iso_dates),
        cmocka_unit_test(test_format_pads_small_years_to_four_digits),
        cmocka_unit_test(test_parse_reads_iso_dates),
        cmocka_unit_test(test_parse_accepts_feb_29_in_leap_years),
        cmocka_unit_test(test_parse_rejects_feb_29_in_common_years),
        cmocka_unit_test(test_parse_rejects_days_past_the_end_of_the_month),
        cmocka_unit_test(test_parse_rejects_day_zero),
        cmocka_unit_test(test_parse_rejects_months_outside_1_to_12),
        cmocka_unit_test(test_parse_rejects_year_zero),
        cmocka_unit_test(test_parse_rejects_junk),
        cmocka_unit_test(test_parse_rejects_other_widths),
        cmocka_unit_test(test_parse_rejects_surrounding_text),
        cmocka_unit_test(test_parse_month_reads_yyyy_mm),
        cmocka_unit_test(test_parse_month_rejects_months_outside_1_to_12),
        cmocka_unit_test(test_parse_month_rejects_year_zero),
        cmocka_unit_test(test_parse_month_rejects_junk_and_days),
        cmocka_unit_test(test_month_span_is_the_first_to_the_last_day),
        cmocka_unit_test(test_month_span_of_february_follows_leap_years),
        cmocka_unit_test(test_month_span_of_december_ends_the_year),
        cmocka_unit_test(test_month_spans_tile_the_accepted_range),
        cmocka_unit_test(test_today_utc_is_the_clock_s_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
