/*
 * days.c - civil date arithmetic (Howard Hinnant's days_from_civil, which
 * is exact for every proleptic Gregorian date without tables or loops).
 */
#include "adreport/days.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* 2000-01-01 counted from 1970-01-01. */
#define DAYS_1970_TO_2000 10957

static int32_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int32_t day_from_ymd(int year, int month, int mday)
{
    return days_from_civil(year, month, mday) - DAYS_1970_TO_2000;
}

void day_to_ymd(int32_t day, int *year, int *month, int *mday)
{
    int32_t z = day + DAYS_1970_TO_2000 + 719468;
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

int day_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

bool day_parse(const char *s, int32_t *day)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > day_days_in_month(y, m))
        return false;
    *day = day_from_ymd(y, m, d);
    return true;
}

int32_t day_today_utc(void)
{
    return (int32_t)(time(NULL) / 86400) - DAYS_1970_TO_2000;
}
