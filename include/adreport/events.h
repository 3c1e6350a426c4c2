/*
 * events.h - parse and validate the fields of one click/impression row.
 *
 * Every function here is pure: it reads a field (pointer + length, NOT
 * NUL-terminated), never allocates, and either fills a caller-provided
 * struct or says why the field is bad.  The loader calls them once per field
 * per row, so they must be fast and must accept exactly what PostgreSQL's
 * column types would store, so that COPY never fails on data.
 *
 * On failure each function returns false and, when `why` is not NULL, points
 * *why at a static, lower-case human sentence fragment such as
 * "month 13 does not exist".  The caller turns it into a reject detail.
 */
#ifndef ADREPORT_EVENTS_H
#define ADREPORT_EVENTS_H

#include "adreport/copybin.h" /* ev_numeric, ev_inet: the values are parsed into wire form */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* numeric(20,10): at most 10 digits before the point, 10 after. */
#define EV_COST_INT_DIGITS 10
#define EV_COST_SCALE 10
/* Nesting limit for user_data JSON; deeper documents are rejected. */
#define EV_JSON_MAX_DEPTH 512

/*
 * ev_valid_utf8 - true when s[0..len) is well-formed UTF-8 with no NUL byte,
 * no overlong forms, no UTF-16 surrogates and nothing above U+10FFFF: the
 * same rule PostgreSQL applies to text in a UTF8 database.
 */
bool ev_valid_utf8(const char *s, size_t len);

/*
 * ev_parse_int64 - a decimal integer, optional leading '-', no spaces,
 * no '+', fits int64.  Example: "42" -> 42.
 */
bool ev_parse_int64(const char *s, size_t len, int64_t *out, const char **why);

/*
 * ev_parse_timestamp - `YYYY-MM-DD HH:MM:SS[.f{1,6}]`, a 'T' may replace the
 * space, optionally followed by 'Z' or `+HH:MM` / `-HH:MM` (hours 00..14,
 * minutes 00..59; upper-case 'T' and 'Z' only).  No zone means UTC.  The
 * result is UTC microseconds since 2000-01-01 00:00:00 (PostgreSQL's
 * timestamp epoch), ready for binary COPY into `timestamp without time
 * zone`.  Years 0001..9999 as written; impossible dates (Feb 30, Feb 29 of a
 * non-leap year, hour 24, minute 60, second 60) are rejected although
 * PostgreSQL would roll some of them over.  An offset may carry the UTC
 * instant just past that range (0001-01-01 00:00+01:00 is 1 BC), which
 * PostgreSQL stores fine.
 * Example: "2026-11-25T23:30:00-01:00" -> 2026-11-26 00:30:00 UTC.
 */
bool ev_parse_timestamp(const char *s, size_t len, int64_t *usec, const char **why);

/*
 * The UTC years an event may fall in: reports name months 1900-01..9999-12,
 * so an event outside them could be stored but never reported, and one
 * past 9999 has no date PostgreSQL can turn it into.
 */
#define EV_MIN_EVENT_YEAR 1900
#define EV_MAX_EVENT_YEAR 9999

/*
 * ev_event_time_in_range - true when a timestamp from ev_parse_timestamp
 * (after its offset) falls in EV_MIN_EVENT_YEAR..EV_MAX_EVENT_YEAR UTC; else
 * false with *why set.  Example: "9999-12-31 23:30:00-01:00" is out of range.
 */
bool ev_event_time_in_range(int64_t usec, const char **why);

/* ev_day_of - the UTC day number (days since 2000-01-01) of a timestamp. */
int32_t ev_day_of(int64_t usec);

/*
 * ev_parse_cost - a non-negative decimal: "123.45", ".5" and "7." as
 * PostgreSQL's numeric input takes them; no sign, exponent or spaces.
 * More than 10 fraction digits are rounded half away from zero to 10 (as
 * PostgreSQL does for numeric(20,10)); the rounded value must have at most
 * 10 digits before the point.  The caller treats an empty field as NULL and
 * does not call this.  Example: "0.25" -> {ndigits 1, weight -1, digits {2500}}.
 */
bool ev_parse_cost(const char *s, size_t len, ev_numeric *out, const char **why);

/*
 * ev_parse_ip - an IPv4 dotted quad or an IPv6 address (no prefix length,
 * no zone, at most 45 characters), as the C library's inet_pton reads them.
 * That is slightly stricter than PostgreSQL's inet input, which also takes
 * "010.0.0.1" and "1.2.3.4.", and never looser.
 * Example: "10.0.0.1", "2001:db8::1".
 */
bool ev_parse_ip(const char *s, size_t len, ev_inet *out, const char **why);

/*
 * ev_valid_json - true when s[0..len) is one JSON value (RFC 8259, surrounding
 * whitespace allowed) that PostgreSQL 15 can store as jsonb: no \u0000, no
 * unpaired surrogate escapes, numbers that fit PostgreSQL's numeric
 * (magnitude below 10^131072, display scale = fraction digits written minus
 * exponent at most 16383, |exponent| at most 2^30 - 2; note "1e1001" IS
 * accepted: PostgreSQL 15 has no +-1000 exponent limit), nesting at most
 * EV_JSON_MAX_DEPTH (PostgreSQL itself goes deeper).  s must already be
 * valid UTF-8 (ev_valid_utf8).  Validates without allocating or recursing.
 * Not checked: jsonb's 256 MB total size limit; callers bound field length.
 * Example: "{\"ua\":\"Mozilla\"}" -> true.
 */
bool ev_valid_json(const char *s, size_t len, const char **why);

#endif
