/*
 * days.c - the calendar (see days.h): day numbers to dates and text and
 * back.  day_from_ymd and the month lengths are static inline in days.h,
 * because the timestamp validator calls them for every row.
 */
#include "adreport/days.h"

#include <string.h>
#include <time.h>

/* 1970-01-01 (time()'s epoch) counted from 2000-01-01. */
#define DAY_UNIX_EPOCH (-10957)

void day_to_ymd(int32_t day, int *year, int *month, int *mday)
{
    /* Howard Hinnant's civil_from_days, on days since 0000-03-01. */
    int32_t z = day - DAY_UNIX_EPOCH + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *mday = doy - (153 * mp + 2) / 5 + 1;
    *month = mp + (mp < 10 ? 3 : -9);
    *year = yoe + era * 400 + (*month <= 2);
}

void day_format(int32_t day, char out[DAY_STR])
{
    int y, m, d;
    day_to_ymd(day, &y, &m, &d);
    /* Digits by hand: snprintf cannot prove to gcc that the text fits. */
    y = ((y % 10000) + 10000) % 10000;
    const int parts[3] = {y, m, d}, widths[3] = {4, 2, 2};
    char *p = out;
    for (int i = 0; i < 3; i++) {
        for (int w = widths[i] - 1, v = parts[i]; w >= 0; w--, v /= 10)
            p[w] = (char)('0' + v % 10);
        p += widths[i];
        *p++ = i < 2 ? '-' : '\0';
    }
}

/* n decimal digits at s, or -1 if any of them is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY-MM" at s (the first seven characters), both range-checked. */
static bool parse_year_month(const char *s, int *year, int *month)
{
    int y = digits(s, 4), m = digits(s + 5, 2);
    if (s[4] != '-' || y < DAY_MIN_YEAR || y > DAY_MAX_YEAR || m < 1 || m > 12)
        return false;
    *year = y;
    *month = m;
    return true;
}

bool day_parse_month(const char *s, int *year, int *month)
{
    return strlen(s) == 7 && parse_year_month(s, year, month);
}

bool day_parse(const char *s, int32_t *day)
{
    int y, m;
    if (strlen(s) != 10 || !parse_year_month(s, &y, &m) || s[7] != '-')
        return false;
    int d = digits(s + 8, 2);
    if (d < 1 || d > day_days_in_month(y, m))
        return false;
    *day = day_from_ymd(y, m, d);
    return true;
}

void day_month_span(int year, int month, int32_t *first, int32_t *last)
{
    *first = day_from_ymd(year, month, 1);
    *last = *first + day_days_in_month(year, month) - 1;
}

int32_t day_today_utc(void)
{
    /* time_t counts no leap seconds: every UTC day is 86400 of them. */
    return (int32_t)(time(NULL) / 86400) + DAY_UNIX_EPOCH;
}
