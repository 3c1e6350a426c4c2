/*
 * events.c - field parsers and validators for click/impression rows.
 *
 * Everything here runs once per field of millions of rows, so the code
 * avoids malloc, stdio, strto*() and anything locale-dependent: each parser
 * is a single forward scan over bytes.  The accept/reject rules mirror what
 * PostgreSQL 15 stores (checked against a real server; the unit tests carry
 * the bytes it produced) so that a binary COPY never fails on data.
 */
/* inet_pton is POSIX, not ISO C: make it visible under -std=c11. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200112L
#endif

#include "adreport/events.h"

#include "adreport/common.h"
#include "adreport/days.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

/* ------------------------------------------------------------------------ */
/* Static reject messages                                                   */
/* ------------------------------------------------------------------------ */

/*
 * The API promises static strings, yet messages such as "month 13 does not
 * exist" name the offending value.  Tables of all 100 two-digit values,
 * built by the preprocessor, give both without formatting at run time.
 * Index 0..9 print without a leading zero ("month 0", not "month 00").
 */
#define EV_MSG10(pre, tens, post)                                                                  \
    pre #tens "0" post, pre #tens "1" post, pre #tens "2" post, pre #tens "3" post,                \
        pre #tens "4" post, pre #tens "5" post, pre #tens "6" post, pre #tens "7" post,            \
        pre #tens "8" post, pre #tens "9" post
#define EV_MSG100(pre, post)                                                                       \
    {                                                                                              \
        EV_MSG10(pre, , post), EV_MSG10(pre, 1, post), EV_MSG10(pre, 2, post),                     \
            EV_MSG10(pre, 3, post), EV_MSG10(pre, 4, post), EV_MSG10(pre, 5, post),                \
            EV_MSG10(pre, 6, post), EV_MSG10(pre, 7, post), EV_MSG10(pre, 8, post),                \
            EV_MSG10(pre, 9, post)                                                                 \
    }

static const char *const month_msg[100] = EV_MSG100("month ", " does not exist");
static const char *const day_msg[100] = EV_MSG100("day ", " does not exist");
static const char *const hour_msg[100] = EV_MSG100("hour ", " does not exist");
static const char *const minute_msg[100] = EV_MSG100("minute ", " does not exist");
static const char *const second_msg[100] =
    EV_MSG100("second ", " does not exist (leap seconds are not accepted)");
static const char *const offset_hour_msg[100] =
    EV_MSG100("utc offset hour ", " is out of range (00..14)");
static const char *const offset_minute_msg[100] =
    EV_MSG100("utc offset minute ", " is out of range (00..59)");

/* Indexed by month; used when the day exceeds that month's length. */
static const char *const month_too_short_msg[13] = {
    NULL,
    "january has only 31 days",
    "february has only 28 days in a non-leap year",
    "march has only 31 days",
    "april has only 30 days",
    "may has only 31 days",
    "june has only 30 days",
    "july has only 31 days",
    "august has only 31 days",
    "september has only 30 days",
    "october has only 31 days",
    "november has only 30 days",
    "december has only 31 days",
};

static bool fail(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return false;
}

static inline bool is_digit(unsigned char c)
{
    return (unsigned)(c - '0') < 10u;
}

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Most fields are plain ASCII, so eight bytes at a time are checked for
 * "no high bit and no zero byte" before falling back to the byte decoder.
 * The zero-byte test is the classic exact one: (v - 0x01..) & ~v & 0x80..
 * is non-zero iff some byte of v is zero.
 */
static inline bool word_is_ascii_no_nul(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v); /* unaligned-safe; compiles to one load */
    const uint64_t hi = 0x8080808080808080ull;
    const uint64_t lo = 0x0101010101010101ull;
    return ((v & hi) == 0) && (((v - lo) & ~v & hi) == 0);
}

static inline bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

bool ev_valid_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;

    while (p < end) {
        if ((size_t)(end - p) >= 8 && word_is_ascii_no_nul(p)) {
            p += 8;
            continue;
        }
        unsigned char c = *p;
        if (c < 0x80) {
            if (c == 0)
                return false; /* text columns cannot hold NUL */
            p++;
            continue;
        }
        size_t left = (size_t)(end - p);
        if (c >= 0xC2 && c <= 0xDF) {
            /* 0xC0/0xC1 would only ever start overlong 2-byte forms */
            if (left < 2 || !is_cont(p[1]))
                return false;
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (left < 3 || !is_cont(p[1]) || !is_cont(p[2]))
                return false;
            if (c == 0xE0 && p[1] < 0xA0)
                return false; /* overlong: would fit in 2 bytes */
            if (c == 0xED && p[1] >= 0xA0)
                return false; /* U+D800..U+DFFF: UTF-16 surrogates */
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (left < 4 || !is_cont(p[1]) || !is_cont(p[2]) || !is_cont(p[3]))
                return false;
            if (c == 0xF0 && p[1] < 0x90)
                return false; /* overlong: would fit in 3 bytes */
            if (c == 0xF4 && p[1] >= 0x90)
                return false; /* above U+10FFFF */
            p += 4;
        } else {
            return false; /* stray continuation byte, 0xC0, 0xC1 or 0xF5..0xFF */
        }
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* int64                                                                    */
/* ------------------------------------------------------------------------ */

bool ev_parse_int64(const char *s, size_t len, int64_t *out, const char **why)
{
    size_t i = 0;
    bool neg = false;

    if (len > 0 && s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == len)
        return fail(why, "expected an integer");

    /* Accumulate unsigned so that INT64_MIN (whose magnitude does not fit
     * int64) is reachable without signed overflow. */
    const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!is_digit(c))
            return fail(why, "expected an integer (digits with an optional leading '-')");
        unsigned d = c - '0';
        if (v > (limit - d) / 10)
            return fail(why, "integer out of range for a 64-bit value");
        v = v * 10 + d;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return true;
}

/* ------------------------------------------------------------------------ */
/* timestamp                                                                */
/* ------------------------------------------------------------------------ */

#define USEC_PER_SEC INT64_C(1000000)
#define USEC_PER_DAY (INT64_C(86400) * USEC_PER_SEC)
/* Reads exactly n digits at s[*i]; false if any is missing or not a digit. */
static bool take_digits(const char *s, size_t len, size_t *i, size_t n, int *out)
{
    if (len - *i < n)
        return false;
    int v = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[*i + k];
        if (!is_digit(c))
            return false;
        v = v * 10 + (c - '0');
    }
    *i += n;
    *out = v;
    return true;
}

static bool take_char(const char *s, size_t len, size_t *i, char c)
{
    if (*i < len && s[*i] == c) {
        (*i)++;
        return true;
    }
    return false;
}

bool ev_parse_timestamp(const char *s, size_t len, int64_t *usec, const char **why)
{
    static const char shape[] = "expected YYYY-MM-DD HH:MM:SS";
    size_t i = 0;
    int year, mon, day, hour, min, sec;

    if (!take_digits(s, len, &i, 4, &year) || !take_char(s, len, &i, '-') ||
        !take_digits(s, len, &i, 2, &mon) || !take_char(s, len, &i, '-') ||
        !take_digits(s, len, &i, 2, &day))
        return fail(why, shape);
    if (!take_char(s, len, &i, ' ') && !take_char(s, len, &i, 'T'))
        return fail(why, shape);
    if (!take_digits(s, len, &i, 2, &hour) || !take_char(s, len, &i, ':') ||
        !take_digits(s, len, &i, 2, &min) || !take_char(s, len, &i, ':') ||
        !take_digits(s, len, &i, 2, &sec))
        return fail(why, shape);

    /* Fraction: 1..6 digits, scaled up to microseconds. */
    int64_t frac = 0;
    if (take_char(s, len, &i, '.')) {
        int n = 0;
        while (i < len && is_digit((unsigned char)s[i])) {
            if (n == 6)
                return fail(why, "more than 6 fraction digits (timestamps store microseconds)");
            frac = frac * 10 + (s[i] - '0');
            n++;
            i++;
        }
        if (n == 0)
            return fail(why, "expected fraction digits after '.'");
        for (; n < 6; n++)
            frac *= 10;
    }

    /* Zone: nothing (already UTC), 'Z', or +HH:MM / -HH:MM east of UTC. */
    int offset_sec = 0;
    if (take_char(s, len, &i, 'Z')) {
        /* UTC */
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '-' ? -1 : 1;
        int oh, om;
        i++;
        if (!take_digits(s, len, &i, 2, &oh) || !take_char(s, len, &i, ':') ||
            !take_digits(s, len, &i, 2, &om))
            return fail(why, "expected a utc offset as +HH:MM or -HH:MM");
        /* Real-world offsets span -12:00..+14:00, so more than 14 hours is
         * a broken writer, not a place. */
        if (oh > 14)
            return fail(why, offset_hour_msg[oh]);
        if (om > 59)
            return fail(why, offset_minute_msg[om]);
        offset_sec = sign * (oh * 3600 + om * 60);
    }
    if (i != len)
        return fail(why, "unexpected text after the timestamp");

    if (year == 0)
        return fail(why, "year 0 does not exist (years run 0001..9999)");
    if (mon < 1 || mon > 12)
        return fail(why, month_msg[mon]);
    if (day < 1)
        return fail(why, day_msg[day]);
    if (day > day_days_in_month(year, mon)) {
        if (day > 31)
            return fail(why, day_msg[day]);
        return fail(why, month_too_short_msg[mon]);
    }
    /* PostgreSQL would roll 24:00:00 and :60 over into the next unit; a
     * log that writes them is broken, so they are rejected instead. */
    if (hour > 23)
        return fail(why, hour_msg[hour]);
    if (min > 59)
        return fail(why, minute_msg[min]);
    if (sec > 59)
        return fail(why, second_msg[sec]);

    /*
     * An offset may move the UTC instant just outside 0001..9999 (e.g.
     * 0001-01-01 00:00+01:00 is 1 BC); PostgreSQL's timestamp range
     * (4713 BC..294276 AD) holds those, so they are kept.
     */
    int64_t days = day_from_ymd(year, mon, day); /* inline: see days.h */
    int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec - offset_sec;
    *usec = secs * USEC_PER_SEC + frac;
    return true;
}

bool ev_event_time_in_range(int64_t usec, const char **why)
{
    /* The first and last instants of the years reports can name. */
    const int64_t lo = day_from_ymd(EV_MIN_EVENT_YEAR, 1, 1) * USEC_PER_DAY;
    const int64_t hi = day_from_ymd(EV_MAX_EVENT_YEAR + 1, 1, 1) * USEC_PER_DAY;
    if (usec < lo)
        return fail(why, "before 1900-01-01 00:00:00 UTC (reports cover 1900..9999)");
    if (usec >= hi)
        return fail(why, "after 9999-12-31 23:59:59.999999 UTC");
    return true;
}

int32_t ev_day_of(int64_t usec)
{
    /* Floor division: instants before 2000-01-01 belong to negative days. */
    int64_t q = usec / USEC_PER_DAY;
    if (usec % USEC_PER_DAY < 0)
        q--;
    return (int32_t)q;
}

/* ------------------------------------------------------------------------ */
/* cost: numeric(20,10)                                                     */
/* ------------------------------------------------------------------------ */

#define POW10_10 UINT64_C(10000000000)

bool ev_parse_cost(const char *s, size_t len, ev_numeric *out, const char **why)
{
    static const char shape[] = "expected a non-negative decimal such as 12.34";
    size_t i = 0;
    uint64_t ipart = 0; /* integer part, < 10^10 while accepted */
    uint64_t fpart = 0; /* first 10 fraction digits as an integer */
    int ndig_int = 0;   /* significant integer digits (leading zeros skipped) */
    int ndig_frac = 0;
    bool any_digit = false;
    bool round_up = false;

    for (; i < len && is_digit((unsigned char)s[i]); i++) {
        any_digit = true;
        unsigned d = (unsigned char)s[i] - '0';
        if (ndig_int == 0 && d == 0)
            continue;
        /* Rounding only touches the fraction, so 11 significant integer
         * digits can never come back under the limit. */
        if (++ndig_int > EV_COST_INT_DIGITS)
            return fail(why, "more than 10 digits before the decimal point");
        ipart = ipart * 10 + d;
    }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && is_digit((unsigned char)s[i]); i++) {
            any_digit = true;
            unsigned d = (unsigned char)s[i] - '0';
            if (ndig_frac < EV_COST_SCALE)
                fpart = fpart * 10 + d;
            else if (ndig_frac == EV_COST_SCALE)
                round_up = d >= 5; /* half away from zero: only this digit matters */
            /* keep counting (saturated) so later digits are still syntax-checked */
            if (ndig_frac <= EV_COST_SCALE)
                ndig_frac++;
        }
    }
    if (i != len || !any_digit)
        return fail(why, shape);

    for (; ndig_frac < EV_COST_SCALE; ndig_frac++)
        fpart *= 10;
    if (round_up && ++fpart == POW10_10) {
        fpart = 0;
        if (++ipart == POW10_10)
            return fail(why, "rounds to 10000000000 or more (numeric(20,10) holds < 10^10)");
    }

    /*
     * Split into base-10000 digits with fixed weights 2..-3: 10 integer
     * digits need 3 groups (2+4+4), 10 fraction digits 3 groups (4+4+2,
     * the last padded with two zeros).  Then drop zero groups at both ends,
     * as PostgreSQL stores numerics stripped.
     */
    uint16_t g[6] = {
        (uint16_t)(ipart / 100000000u),    (uint16_t)(ipart / 10000u % 10000u),
        (uint16_t)(ipart % 10000u),        (uint16_t)(fpart / 1000000u),
        (uint16_t)(fpart / 100u % 10000u), (uint16_t)(fpart % 100u * 100u),
    };
    int first = 0, last = 5;
    while (first <= last && g[first] == 0)
        first++;
    while (last >= first && g[last] == 0)
        last--;

    memset(out, 0, sizeof *out);
    out->sign = 0;
    out->dscale = EV_COST_SCALE;
    if (first > last) {
        /* Zero: PostgreSQL sends no digits and weight 0. */
        out->ndigits = 0;
        out->weight = 0;
        return true;
    }
    out->ndigits = (int16_t)(last - first + 1);
    out->weight = (int16_t)(2 - first);
    for (int k = first; k <= last; k++)
        out->digits[k - first] = g[k];
    return true;
}

/* ------------------------------------------------------------------------ */
/* IP address: inet                                                         */
/* ------------------------------------------------------------------------ */

#define EV_IP_MAX_LEN 45 /* INET6_ADDRSTRLEN - 1 */

bool ev_parse_ip(const char *s, size_t len, ev_inet *out, const char **why)
{
    if (len == 0)
        return fail(why, "empty ip address");
    if (len > EV_IP_MAX_LEN)
        return fail(why, "too long for an ip address");

    /* Give a precise reason for the common mistakes; inet_pton would
     * reject all of them anyway.  NUL must be caught here, or inet_pton
     * would stop at it and accept a valid-looking prefix. */
    bool colon = false;
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '/':
            return fail(why, "prefix length not allowed in an ip address");
        case '%':
            return fail(why, "zone id not allowed in an ip address");
        case ' ':
        case '\t':
            return fail(why, "spaces not allowed in an ip address");
        case '\0':
            return fail(why, "nul byte in ip address");
        case ':':
            colon = true;
            break;
        default:
            break;
        }
    }

    char buf[EV_IP_MAX_LEN + 1];
    memcpy(buf, s, len);
    buf[len] = '\0';

    /* glibc's inet_pton is stricter than PostgreSQL's inet_in (it refuses
     * "010.0.0.1" and "1.2.3.4."), never looser, so whatever passes here
     * is storable. */
    memset(out, 0, sizeof *out);
    if (colon) {
        if (inet_pton(AF_INET6, buf, out->addr) != 1)
            return fail(why, "not a valid ipv6 address");
        out->family = 3; /* PGSQL_AF_INET6 = AF_INET + 1, not the OS value */
        out->bits = 128;
        out->nb = 16;
    } else {
        if (inet_pton(AF_INET, buf, out->addr) != 1)
            return fail(why, "not a valid ipv4 address (expected a.b.c.d)");
        out->family = 2; /* PGSQL_AF_INET */
        out->bits = 32;
        out->nb = 4;
    }
    out->is_cidr = 0;
    return true;
}

/* ------------------------------------------------------------------------ */
/* JSON (jsonb input)                                                       */
/* ------------------------------------------------------------------------ */

/*
 * Limits of PostgreSQL 15's numeric_in, which jsonb uses for every number.
 * Verified on a 15.18 server: the exponent itself may go far beyond
 * +-1000, but the stored value must fit numeric's int16 weight (base-10000
 * digit position of the leading digit <= 32767) and 14-bit display scale
 * (fraction digits written minus exponent <= 16383), and numeric_in
 * refuses |exponent| >= INT_MAX/2 outright, even for zero.
 */
#define PG_NUMERIC_WEIGHT_MAX 32767
#define PG_NUMERIC_DSCALE_MAX 16383
#define PG_NUMERIC_EXP_LIMIT 1073741823 /* INT_MAX / 2 */

typedef struct json_ctx {
    const unsigned char *p;
    const unsigned char *end;
    const char *why;
} json_ctx;

static inline bool json_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline void json_skip_ws(json_ctx *c)
{
    while (c->p < c->end && json_ws(*c->p))
        c->p++;
}

static inline bool json_err(json_ctx *c, const char *why)
{
    c->why = why;
    return false;
}

static int hex_val(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    c |= 0x20; /* ASCII lower-case, only meaningful for letters */
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Reads the 4 hex digits of a \uXXXX escape at c->p (just after "\u"). */
static bool json_hex4(json_ctx *c, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        if (c->end - c->p <= k)
            return json_err(c, "truncated \\u escape in json string");
        int h = hex_val(c->p[k]);
        if (h < 0)
            return json_err(c, "invalid \\u escape in json string (expected 4 hex digits)");
        v = v << 4 | (unsigned)h;
    }
    c->p += 4;
    *out = v;
    return true;
}

/* A string; c->p is at the opening quote.  Leaves c->p after the closing one. */
static bool json_string(json_ctx *c)
{
    c->p++;
    for (;;) {
        /* Fast path over ordinary bytes; UTF-8 was validated by the caller. */
        while (c->p < c->end && *c->p != '"' && *c->p != '\\' && *c->p >= 0x20)
            c->p++;
        if (c->p == c->end)
            return json_err(c, "unterminated json string");
        unsigned char ch = *c->p++;
        if (ch == '"')
            return true;
        if (ch != '\\')
            return json_err(c, "control character in json string (must be escaped)");
        if (c->p == c->end)
            return json_err(c, "unterminated json string");
        ch = *c->p++;
        switch (ch) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            break;
        case 'u': {
            unsigned cp;
            if (!json_hex4(c, &cp))
                return false;
            if (cp == 0)
                return json_err(c, "\\u0000 not allowed in json (jsonb cannot store nul)");
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return json_err(c, "unpaired low surrogate escape in json string");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                /* PostgreSQL needs the low half as the very next escape. */
                if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
                    return json_err(c, "unpaired high surrogate escape in json string");
                c->p += 2;
                if (!json_hex4(c, &cp))
                    return false;
                if (cp < 0xDC00 || cp > 0xDFFF)
                    return json_err(c, "unpaired high surrogate escape in json string");
            }
            break;
        }
        default:
            return json_err(c, "invalid escape in json string");
        }
    }
}

/*
 * A number; c->p is at '-' or a digit.  Besides the RFC 8259 grammar this
 * replays numeric_in's size checks (see PG_NUMERIC_* above) on counts
 * gathered during the scan, so no digit string is ever converted.
 */
static bool json_number(json_ctx *c)
{
    static const char bad[] = "invalid json number";
    static const char range[] = "json number out of range for postgresql numeric";
    int64_t frac_digits = 0;
    /* Decimal position (10^pos) of the leading non-zero digit, if any. */
    int64_t lead_pos = 0;
    bool nonzero = false;

    if (*c->p == '-')
        c->p++;
    if (c->p == c->end || !is_digit(*c->p))
        return json_err(c, bad);
    if (*c->p == '0') {
        c->p++; /* a leading 0 stands alone: "01" is two tokens, rejected later */
    } else {
        const unsigned char *start = c->p;
        while (c->p < c->end && is_digit(*c->p))
            c->p++;
        nonzero = true;
        lead_pos = (c->p - start) - 1;
    }
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        const unsigned char *start = c->p;
        while (c->p < c->end && is_digit(*c->p)) {
            if (!nonzero && *c->p != '0') {
                nonzero = true;
                lead_pos = -(int64_t)(c->p - start) - 1;
            }
            c->p++;
        }
        frac_digits = c->p - start;
        if (frac_digits == 0)
            return json_err(c, bad);
    }
    int64_t exp = 0;
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        bool eneg = false;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-')) {
            eneg = *c->p == '-';
            c->p++;
        }
        if (c->p == c->end || !is_digit(*c->p))
            return json_err(c, bad);
        while (c->p < c->end && is_digit(*c->p)) {
            /* saturate: anything past the limit is rejected the same way */
            if (exp < PG_NUMERIC_EXP_LIMIT)
                exp = exp * 10 + (*c->p - '0');
            c->p++;
        }
        if (exp >= PG_NUMERIC_EXP_LIMIT)
            return json_err(c, range);
        if (eneg)
            exp = -exp;
    }

    /* numeric's display scale: digits written after the point, minus the
     * exponent, floored at 0; stored in 14 bits even when the value is 0. */
    if (frac_digits - exp > PG_NUMERIC_DSCALE_MAX)
        return json_err(c, range);
    if (nonzero) {
        int64_t pos = lead_pos + exp;
        /* floor(pos / 4): the base-10000 weight of the leading digit */
        int64_t weight = pos >= 0 ? pos / 4 : -((-pos + 3) / 4);
        if (weight > PG_NUMERIC_WEIGHT_MAX || weight < -PG_NUMERIC_WEIGHT_MAX - 1)
            return json_err(c, range);
    }
    return true;
}

/* "true", "false" or "null"; c->p is at its first letter. */
static bool json_literal(json_ctx *c, const char *word, size_t n)
{
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return json_err(c, "invalid json literal (expected true, false or null)");
    c->p += n;
    return true;
}

/* Reads `"key" :` with surrounding whitespace; c->p is at the key. */
static bool json_key(json_ctx *c)
{
    if (c->p == c->end || *c->p != '"')
        return json_err(c, "expected a string key in json object");
    if (!json_string(c))
        return false;
    json_skip_ws(c);
    if (c->p == c->end || *c->p != ':')
        return json_err(c, "expected ':' after json object key");
    c->p++;
    json_skip_ws(c);
    return true;
}

/*
 * Iterative parser: the only recursion in JSON is nesting, kept as one bit
 * per level (1 = object, 0 = array) in a fixed array, so hostile input can
 * neither overflow the C stack nor make us allocate.
 */
bool ev_valid_json(const char *s, size_t len, const char **why)
{
    json_ctx c = {(const unsigned char *)s, (const unsigned char *)s + len, NULL};
    uint8_t is_obj[(EV_JSON_MAX_DEPTH + 7) / 8] = {0}; /* 64 bytes: cheap, sanitizer-clean */
    int depth = 0;

    json_skip_ws(&c);
    if (c.p == c.end)
        return fail(why, "empty json document");

    for (;;) {
        /* Here c.p is at the start of a value (whitespace already skipped). */
        if (c.p == c.end)
            return fail(why, "unexpected end of json document");
        switch (*c.p) {
        case '{':
        case '[': {
            bool obj = *c.p == '{';
            if (depth == EV_JSON_MAX_DEPTH)
                return fail(why, "json nested deeper than " ADR_STR(EV_JSON_MAX_DEPTH) " levels");
            if (obj)
                is_obj[depth / 8] |= (uint8_t)(1u << (depth % 8));
            else
                is_obj[depth / 8] &= (uint8_t) ~(1u << (depth % 8));
            depth++;
            c.p++;
            json_skip_ws(&c);
            if (c.p < c.end && *c.p == (obj ? '}' : ']')) {
                c.p++;
                depth--;
                break; /* empty container is a complete value */
            }
            if (obj && !json_key(&c))
                return fail(why, c.why);
            continue; /* parse the first member's value */
        }
        case '"':
            if (!json_string(&c))
                return fail(why, c.why);
            break;
        case 't':
            if (!json_literal(&c, "true", 4))
                return fail(why, c.why);
            break;
        case 'f':
            if (!json_literal(&c, "false", 5))
                return fail(why, c.why);
            break;
        case 'n':
            if (!json_literal(&c, "null", 4))
                return fail(why, c.why);
            break;
        default:
            if (*c.p == '-' || is_digit(*c.p)) {
                if (!json_number(&c))
                    return fail(why, c.why);
                break;
            }
            return fail(why, "unexpected character in json (expected a value)");
        }

        /* A value just ended: close containers or move to the next member. */
        for (;;) {
            json_skip_ws(&c);
            if (depth == 0) {
                if (c.p != c.end)
                    return fail(why, "unexpected text after the json value");
                return true;
            }
            bool obj = (is_obj[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1u;
            if (c.p == c.end)
                return fail(why, obj ? "unterminated json object" : "unterminated json array");
            if (*c.p == (obj ? '}' : ']')) {
                c.p++;
                depth--;
                continue;
            }
            if (*c.p != ',')
                return fail(why, obj ? "expected ',' or '}' in json object"
                                     : "expected ',' or ']' in json array");
            c.p++;
            json_skip_ws(&c);
            if (obj && !json_key(&c))
                return fail(why, c.why);
            break; /* parse the next member's value */
        }
    }
}
