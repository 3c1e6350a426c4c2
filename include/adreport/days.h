/*
 * days.h - UTC calendar days as integers (days since 2000-01-01, the
 * PostgreSQL epoch), for day sets, ranges and command-line dates.
 */
#ifndef ADREPORT_DAYS_H
#define ADREPORT_DAYS_H

#include <stdbool.h>
#include <stdint.h>

/* "YYYY-MM-DD" plus NUL. */
#define DAY_STR 11

/* day_from_ymd - days since 2000-01-01 of a proleptic Gregorian date. */
int32_t day_from_ymd(int year, int month, int mday);

/* day_to_ymd - the inverse of day_from_ymd. */
void day_to_ymd(int32_t day, int *year, int *month, int *mday);

/* day_format - "2026-11-25". */
void day_format(int32_t day, char out[DAY_STR]);

/*
 * day_parse - a strict "YYYY-MM-DD" (a real date) into *day.
 * Example: day_parse("2026-02-29", &d) is false.
 */
bool day_parse(const char *s, int32_t *day);

/* day_today_utc - today's UTC day. */
int32_t day_today_utc(void);

/* day_days_in_month - 28..31. */
int day_days_in_month(int year, int month);

#endif
