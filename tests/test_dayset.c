/*
 * test_dayset.c - unit tests for src/dayset.c: a set of days (plus a range)
 * as the sorted, duplicate-free text of a PostgreSQL date[] parameter.
 *
 * Days are built with day_from_ymd (src/days.c, tested in test_days.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adreport/days.h"
#include "adreport/dayset.h"
#include "adreport/idmap.h"

static int32_t ymd(int y, int m, int d)
{
    return day_from_ymd(y, m, d);
}

/* The literal of set + from..to, checked against want and min/max. */
static void expect_literal(const idmap *set, int32_t from, int32_t to, const char *want,
                           int32_t want_min, int32_t want_max)
{
    int32_t min = 12345, max = 12345;
    char *got = dayset_literal(set, from, to, &min, &max);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(min, want_min);
    assert_int_equal(max, want_max);
    free(got);
}

static void empty_set_without_range_is_empty_braces_and_zero_bounds(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    expect_literal(&set, 1, 0, "{}", 0, 0);
    idmap_free(&set);
}

static void one_day_is_one_element(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    idmap_put(&set, ymd(2026, 11, 1), 1);
    expect_literal(&set, 1, 0, "{2026-11-01}", ymd(2026, 11, 1), ymd(2026, 11, 1));
    idmap_free(&set);
}

static void days_come_out_in_ascending_order(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    /* put in descending and scattered order */
    idmap_put(&set, ymd(2026, 12, 1), 1);
    idmap_put(&set, ymd(2026, 11, 30), 1);
    idmap_put(&set, ymd(2025, 1, 1), 1);
    idmap_put(&set, ymd(2026, 11, 2), 1);
    expect_literal(&set, 1, 0, "{2025-01-01,2026-11-02,2026-11-30,2026-12-01}", ymd(2025, 1, 1),
                   ymd(2026, 12, 1));
    idmap_free(&set);
}

/* Days are numbers from 2000-01-01: earlier ones are negative and sort first. */
static void days_before_2000_sort_before_later_ones(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    idmap_put(&set, ymd(2000, 1, 1), 1);
    idmap_put(&set, ymd(1999, 12, 31), 1);
    idmap_put(&set, ymd(1900, 1, 1), 1);
    expect_literal(&set, 1, 0, "{1900-01-01,1999-12-31,2000-01-01}", ymd(1900, 1, 1),
                   ymd(2000, 1, 1));
    idmap_free(&set);
}

static void range_alone_lists_every_day_of_it(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    expect_literal(&set, ymd(2024, 2, 27), ymd(2024, 3, 1),
                   "{2024-02-27,2024-02-28,2024-02-29,2024-03-01}", ymd(2024, 2, 27),
                   ymd(2024, 3, 1));
    idmap_free(&set);
}

static void range_of_one_day_is_that_day(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    expect_literal(&set, ymd(2026, 1, 31), ymd(2026, 1, 31), "{2026-01-31}", ymd(2026, 1, 31),
                   ymd(2026, 1, 31));
    idmap_free(&set);
}

static void range_ending_before_its_start_adds_nothing(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    idmap_put(&set, ymd(2026, 11, 5), 1);
    expect_literal(&set, ymd(2026, 11, 10), ymd(2026, 11, 9), "{2026-11-05}", ymd(2026, 11, 5),
                   ymd(2026, 11, 5));
    idmap_free(&set);
}

static void days_in_both_set_and_range_appear_once(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    idmap_put(&set, ymd(2026, 11, 3), 1);
    idmap_put(&set, ymd(2026, 11, 1), 1);
    idmap_put(&set, ymd(2026, 11, 9), 1);
    expect_literal(&set, ymd(2026, 11, 1), ymd(2026, 11, 4),
                   "{2026-11-01,2026-11-02,2026-11-03,2026-11-04,2026-11-09}", ymd(2026, 11, 1),
                   ymd(2026, 11, 9));
    idmap_free(&set);
}

/* The set's values are not days: only its keys count. */
static void values_of_the_set_are_ignored(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    idmap_put(&set, ymd(2026, 11, 2), 0);
    idmap_put(&set, ymd(2026, 11, 1), -5);
    expect_literal(&set, 1, 0, "{2026-11-01,2026-11-02}", ymd(2026, 11, 1), ymd(2026, 11, 2));
    idmap_free(&set);
}

static void the_set_is_left_unchanged(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    idmap_put(&set, ymd(2026, 11, 2), 7);
    int32_t min, max;
    free(dayset_literal(&set, ymd(2026, 11, 1), ymd(2026, 11, 3), &min, &max));
    assert_int_equal(set.count, 1);
    int64_t v;
    assert_true(idmap_get(&set, ymd(2026, 11, 2), &v));
    assert_int_equal(v, 7);
    assert_false(idmap_get(&set, ymd(2026, 11, 1), NULL));
    idmap_free(&set);
}

/* Four years of days put in a scrambled order: sorted, each once, and the
 * string exactly as long as its elements need. */
static void many_days_are_sorted_and_unique(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    const int32_t first = ymd(2024, 1, 1), n = 4 * 365 + 1; /* 2024-01-01..2027-12-31 */
    for (int32_t i = 0; i < n; i++)
        idmap_put(&set, first + (int32_t)((i * 7919L) % n), 1); /* 7919 is prime: a permutation */
    assert_int_equal(set.count, (size_t)n);
    int32_t min, max;
    char *got = dayset_literal(&set, first + 10, first + 20, &min, &max);
    assert_int_equal(min, first);
    assert_int_equal(max, ymd(2027, 12, 31));
    assert_int_equal(strlen(got), (size_t)n * DAY_STR + 1); /* 10 chars + ',' each, braces */
    assert_int_equal(got[0], '{');
    char day[DAY_STR];
    for (int32_t i = 0; i < n; i++) {
        day_format(first + i, day);
        assert_memory_equal(got + 1 + (size_t)i * DAY_STR, day, DAY_STR - 1);
        assert_int_equal(got[1 + (size_t)i * DAY_STR + DAY_STR - 1], i + 1 < n ? ',' : '}');
    }
    free(got);
    idmap_free(&set);
}

static void bounds_are_the_first_and_last_day_and_zero_when_empty(void **state)
{
    (void)state;
    idmap set;
    idmap_init(&set);
    int32_t lo = 7, hi = 7;
    dayset_bounds(&set, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 0);
    idmap_put(&set, ymd(2026, 11, 3), 1);
    idmap_put(&set, ymd(1999, 12, 31), 1);
    idmap_put(&set, ymd(2026, 11, 1), 1);
    dayset_bounds(&set, &lo, &hi);
    assert_int_equal(lo, ymd(1999, 12, 31));
    assert_int_equal(hi, ymd(2026, 11, 3));
    idmap_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_set_without_range_is_empty_braces_and_zero_bounds),
        cmocka_unit_test(one_day_is_one_element),
        cmocka_unit_test(days_come_out_in_ascending_order),
        cmocka_unit_test(days_before_2000_sort_before_later_ones),
        cmocka_unit_test(range_alone_lists_every_day_of_it),
        cmocka_unit_test(range_of_one_day_is_that_day),
        cmocka_unit_test(range_ending_before_its_start_adds_nothing),
        cmocka_unit_test(days_in_both_set_and_range_appear_once),
        cmocka_unit_test(values_of_the_set_are_ignored),
        cmocka_unit_test(the_set_is_left_unchanged),
        cmocka_unit_test(many_days_are_sorted_and_unique),
        cmocka_unit_test(bounds_are_the_first_and_last_day_and_zero_when_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
