/*
 * days.h - adreport's one calendar: proleptic Gregorian dates, leap years,
 * month lengths, and UTC days as integers (days since 2000-01-01, the
 * PostgreSQL epoch, so a day number is what a binary COPY of a date sends).
 *
 * Every module that turns "YYYY-MM-DD" into a day, a day into text, or asks
 * how long a month is, asks here: the timestamp validator (events.c), the
 * reports' periods (report_model.c) and date cells (report_xlsx.c), the
 * command-line days (cli.c, cmd_backfill.c) and day sets (dayset.c).
 *
 * The three functions the timestamp parser calls for every row of every log
 * (day_is_leap, day_days_in_month, day_from_ymd) are static inline below: a
 * call into another object file would cost the hot path more than the
 * arithmetic itself, and the compiler folds them to constants for constant
 * arguments (ev_event_time_in_range's bounds).  It also keeps events.c free
 * of link-time dependencies: the fuzz target (tests/fuzz/run.sh) builds it
 * without days.c.
 */
#ifndef ADREPORT_DAYS_H
#define ADREPORT_DAYS_H

#include <stdbool.h>
#include <stdint.h>

/** "YYYY-MM-DD" plus NUL: the size of day_format's buffer. */
#define DAY_STR 11

/**
 * The years day_parse and day_parse_month accept: four digits, and no year
 * 0 (1 BC), which the proleptic Gregorian calendar of ISO 8601 writes as
 * 0000 but PostgreSQL's input does not take.
 */
#define DAY_MIN_YEAR 1
#define DAY_MAX_YEAR 9999

/**
 * @brief Is a year a leap year?
 *
 * @param year A proleptic Gregorian year (any int; 0 and negatives follow
 *             the same rule).
 *
 * @return true every fourth year, except centuries not divisible by 400.
 *
 * @code
 *     day_is_leap(2024);  // true
 *     day_is_leap(1900);  // false: a century
 *     day_is_leap(2000);  // true: divisible by 400
 * @endcode
 */
static inline bool day_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/**
 * @brief The number of days of a month.
 *
 * @param year  The year (decides February).
 * @param month The month, 1..12; anything else is undefined: validate first.
 *
 * @return 28..31.
 *
 * @code
 *     day_days_in_month(2026, 2);   // 28
 *     day_days_in_month(2024, 2);   // 29
 *     day_days_in_month(2026, 11);  // 30
 * @endcode
 */
static inline int day_days_in_month(int year, int month)
{
    static const unsigned char mdays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && day_is_leap(year) ? 29 : mdays[month];
}

/**
 * @brief The day number of a date: days since 2000-01-01 (negative before).
 *
 * Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date,
 * branch-light integer arithmetic, no tables, loops or libc time functions
 * (which are time-zone aware and slow).  The date is not checked: 2026-02-30
 * is 2026-03-02; validate with day_days_in_month first, or use day_parse.
 *
 * @param year  The year, DAY_MIN_YEAR..DAY_MAX_YEAR (year 0 and negative
 *              years follow the same calendar).
 * @param month The month, 1..12.
 * @param mday  The day of the month, 1..day_days_in_month(year, month).
 *
 * @return The day number; day_to_ymd is its inverse.
 *
 * @code
 *     day_from_ymd(2000, 1, 1);    // 0
 *     day_from_ymd(1999, 12, 31);  // -1
 *     day_from_ymd(2026, 11, 25);  // 9825
 * @endcode
 */
static inline int32_t day_from_ymd(int year, int month, int mday)
{
    /* March-based years put the leap day last; 719468 is 0000-03-01 to
     * 1970-01-01 and 10957 is 1970-01-01 to 2000-01-01. */
    int y = year - (month <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468 - 10957);
}

/**
 * @brief The date of a day number: the inverse of day_from_ymd.
 *
 * @param day   Days since 2000-01-01.
 * @param year  Out: the year.
 * @param month Out: the month, 1..12.
 * @param mday  Out: the day of the month, 1..31.
 *
 * @code
 *     int y, m, d;
 *     day_to_ymd(9825, &y, &m, &d);  // 2026, 11, 25
 * @endcode
 */
void day_to_ymd(int32_t day, int *year, int *month, int *mday);

/**
 * @brief A day number as "YYYY-MM-DD".
 *
 * @param day A day of DAY_MIN_YEAR..DAY_MAX_YEAR (other years print modulo
 *            10000, so the text always fits).
 * @param out A buffer of DAY_STR bytes; gets the NUL-terminated text.
 *
 * @code
 *     char s[DAY_STR];
 *     day_format(9825, s);  // "2026-11-25"
 * @endcode
 */
void day_format(int32_t day, char out[DAY_STR]);

/**
 * @brief Parses a strict "YYYY-MM-DD" that names a real date.
 *
 * Exactly ten characters, four-digit year DAY_MIN_YEAR..DAY_MAX_YEAR, two-digit
 * month and day, dashes between; no sign, spaces or time.
 *
 * @param s   The NUL-terminated text.
 * @param day Out: its day number; untouched when the text is rejected.
 *
 * @return true when s is a date; false otherwise.
 *
 * @code
 *     int32_t d;
 *     day_parse("2026-11-25", &d);  // true, d == 9825
 *     day_parse("2026-02-29", &d);  // false: 2026 is not a leap year
 *     day_parse("2026-1-5", &d);    // false: two digits each
 * @endcode
 */
bool day_parse(const char *s, int32_t *day);

/**
 * @brief Parses a strict "YYYY-MM" (a month, as reports name them).
 *
 * @param s     The NUL-terminated text: exactly seven characters, year
 *              DAY_MIN_YEAR..DAY_MAX_YEAR, month 01..12.
 * @param year  Out: the year; both outs untouched when the text is rejected.
 * @param month Out: the month, 1..12.
 *
 * @return true when s is a month; false otherwise.
 *
 * @code
 *     int y, m;
 *     day_parse_month("2026-11", &y, &m);  // true, 2026 and 11
 *     day_parse_month("2026-13", &y, &m);  // false
 * @endcode
 */
bool day_parse_month(const char *s, int *year, int *month);

/**
 * @brief The first and last day of a month: what a monthly report covers.
 *
 * @param year  The year.
 * @param month The month, 1..12.
 * @param first Out: the day number of the 1st.
 * @param last  Out: the day number of the month's last day (inclusive).
 *
 * @code
 *     int32_t a, b;
 *     day_month_span(2024, 2, &a, &b);  // 2024-02-01 .. 2024-02-29
 * @endcode
 */
void day_month_span(int year, int month, int32_t *first, int32_t *last);

/**
 * @brief Today's UTC day, from the system clock.
 *
 * @return The day number of today in UTC.
 *
 * @code
 *     char yesterday[DAY_STR];
 *     day_format(day_today_utc() - 1, yesterday);
 * @endcode
 */
int32_t day_today_utc(void);

#endif
