/*
 * fuzz_rows.h - the shared harness of tests/fuzz/fuzz_rows.c (libFuzzer) and
 * tests/test_fuzz_regressions.c (cmocka replay of the corpus and of every
 * crash kept under tests/fuzz/regressions/).
 *
 * fuzz_rows_one(data, size) runs the bytes through the CSV row splitter
 * (csvr_*) and every field of every row through every validator (ev_*), the
 * way src/load_events.c does, and checks what can be checked without a
 * server:
 *
 *   - memory safety (under ASan/UBSan: every field byte is read);
 *   - the splitter's output does not depend on how the stream is cut into
 *     csvr_feed calls: the input is parsed once in one piece, once in chunk
 *     sizes drawn from a PRNG seeded by the data, and (small inputs) byte by
 *     byte, and the three must deliver the same rows;
 *   - row invariants: start lines strictly increase, raw_len within
 *     CSVR_MAX_ROW_BYTES, field bytes within the row's size, NULL fields empty;
 *   - validator oracles, each against an independent reference written here:
 *     ev_valid_utf8 (code point decoder), ev_parse_int64 (strtoll),
 *     ev_parse_cost (128-bit decimal arithmetic, rounding half up),
 *     ev_parse_timestamp (civil-from-days round trip), ev_parse_ip
 *     (inet_pton/inet_ntop), ev_valid_json (a recursive RFC 8259 grammar
 *     checker).
 *
 * Input modes, chosen by the first byte:
 *   0xA5  "amplify": 0xA5 FILL ADJ HEAD [0xA5 TAIL] becomes HEAD, a run of
 *         about a megabyte of FILL, then TAIL, so rows longer than the limit
 *         and rows of a million fields are reachable within -max_len (see
 *         fuzz_rows_one);
 *   else  the bytes as they are.
 *
 * After each call fz_last tells what ran (amplified or not, stream length,
 * rows, overlong rows, the most fields in a row), so the cmocka replay can
 * check that an input reached the mode it was written for.
 *
 * A failed check calls FUZZ_FAIL(msg): abort() by default (libFuzzer reports
 * a crash and writes the reproducer); the cmocka replay defines it as fail_msg.
 *
 * Known limitation kept out of the chunking check: csvr_feed drops a UTF-8
 * BOM only when its first call carries all three bytes (feeding "\xEF" and
 * then "\xBB\xBFa,b\n" keeps the BOM in the first field), so the first chunk
 * here is always at least 3 bytes long, as ld_stream's always is.
 */
#ifndef ADREPORT_FUZZ_ROWS_H
#define ADREPORT_FUZZ_ROWS_H

#include "adreport/csvrows.h"
#include "adreport/events.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(msg)                                                                             \
    do {                                                                                           \
        fprintf(stderr, "fuzz_rows: %s\n", msg);                                                   \
        abort();                                                                                   \
    } while (0)
#endif

#define FZ_STR_(x) #x
#define FZ_STR(x) FZ_STR_(x)
#define FZ_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            FUZZ_FAIL("check failed: " #cond " (" __FILE__ ":" FZ_STR(__LINE__) ")");              \
    } while (0)

/* ------------------------------------------------------------------------ */
/* references                                                               */
/* ------------------------------------------------------------------------ */

/* UTF-8 by decoding code points: RFC 3629, no NUL, no surrogates. */
static bool fz_ref_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        unsigned cp, need, min;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F, need = 1, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F, need = 2, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            cp = c & 0x07, need = 3, min = 0x10000;
        } else {
            return false;
        }
        if (n - i <= need)
            return false;
        for (unsigned k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += need + 1;
    }
    return true;
}

/* --- JSON: a plain recursive RFC 8259 grammar checker -------------------- */

typedef struct fz_json {
    const unsigned char *p, *end;
    int depth, max_depth;
    bool special; /* saw something the jsonb limits care about */
} fz_json;

static void fz_json_ws(fz_json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool fz_json_value(fz_json *j);

static bool fz_json_string(fz_json *j)
{
    j->p++; /* opening quote */
    while (j->p < j->end) {
        unsigned char c = *j->p++;
        if (c == '"')
            return true;
        if (c < 0x20)
            return false;
        if (c != '\\')
            continue;
        if (j->p == j->end)
            return false;
        c = *j->p++;
        if (c == 'u') {
            unsigned v = 0;
            for (int k = 0; k < 4; k++, j->p++) {
                if (j->p == j->end)
                    return false;
                unsigned char h = *j->p;
                if (h >= '0' && h <= '9')
                    v = v * 16 + (h - '0');
                else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
                    v = v * 16 + ((h | 0x20) - 'a' + 10);
                else
                    return false;
            }
            if (v == 0 || (v >= 0xD800 && v <= 0xDFFF))
                j->special = true; /* \u0000 and surrogates: jsonb rules */
        } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
            return false;
        }
    }
    return false;
}

static bool fz_json_number(fz_json *j)
{
    const unsigned char *start = j->p;
    if (*j->p == '-')
        j->p++;
    if (j->p == j->end || *j->p < '0' || *j->p > '9')
        return false;
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p == j->end || *j->p < '0' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->special = true; /* exponents: numeric's range rules */
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p == j->end || *j->p < '0' || *j->p > '9')
            return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p - start > 1000)
        j->special = true;
    return true;
}

static bool fz_json_word(fz_json *j, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return false;
    j->p += n;
    return true;
}

static bool fz_json_value(fz_json *j)
{
    fz_json_ws(j);
    if (j->p == j->end)
        return false;
    unsigned char c = *j->p;
    if (c == '{' || c == '[') {
        if (++j->depth > j->max_depth)
            j->max_depth = j->depth;
        if (j->depth > 2000) /* deeper than the validator's limit anyway */
            return false;
        unsigned char close = c == '{' ? '}' : ']';
        j->p++;
        fz_json_ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return true;
        }
        for (;;) {
            if (c == '{') {
                fz_json_ws(j);
                if (j->p == j->end || *j->p != '"' || !fz_json_string(j))
                    return false;
                fz_json_ws(j);
                if (j->p == j->end || *j->p != ':')
                    return false;
                j->p++;
            }
            if (!fz_json_value(j))
                return false;
            fz_json_ws(j);
            if (j->p == j->end)
                return false;
            if (*j->p == close) {
                j->p++;
                j->depth--;
                return true;
            }
            if (*j->p != ',')
                return false;
            j->p++;
        }
    }
    if (c == '"')
        return fz_json_string(j);
    if (c == '-' || (c >= '0' && c <= '9'))
        return fz_json_number(j);
    return fz_json_word(j, "true") || fz_json_word(j, "false") || fz_json_word(j, "null");
}

/* 1 valid and plain, 2 valid but touching jsonb limits, 0 invalid grammar. */
static int fz_ref_json(const char *s, size_t n)
{
    fz_json j = {(const unsigned char *)s, (const unsigned char *)s + n, 0, 0, false};
    if (!fz_json_value(&j))
        return 0;
    fz_json_ws(&j);
    if (j.p != j.end)
        return 0;
    return j.special || j.max_depth > EV_JSON_MAX_DEPTH ? 2 : 1;
}

/* --- time: civil date from a day number (Howard Hinnant) ---------------- */

static void fz_civil(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* An accepted timestamp, written back in its own form, must equal the input. */
static void fz_check_timestamp(const char *s, size_t n, int64_t usec)
{
    FZ_CHECK(n >= 19 && n <= 32);
    char in[40];
    memcpy(in, s, n);
    in[n] = '\0';
    /* the zone, if any, sits after the seconds and fraction */
    size_t i = 19;
    size_t frac_digits = 0;
    if (i < n && in[i] == '.')
        for (i++; i < n && in[i] >= '0' && in[i] <= '9'; i++)
            frac_digits++;
    int64_t offset = 0;
    size_t body = i;
    if (i < n && in[i] == 'Z') {
        FZ_CHECK(i + 1 == n);
    } else if (i < n) {
        FZ_CHECK(n - i == 6 && (in[i] == '+' || in[i] == '-') && in[i + 3] == ':');
        int oh = (in[i + 1] - '0') * 10 + (in[i + 2] - '0');
        int om = (in[i + 4] - '0') * 10 + (in[i + 5] - '0');
        FZ_CHECK(oh <= 14 && om <= 59);
        offset = (in[i] == '-' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
    }
    int64_t local = usec + offset * 1000000;
    int64_t day = local / 86400000000LL - (local % 86400000000LL < 0);
    int64_t rem = local - day * 86400000000LL;
    int64_t y;
    int m, d;
    fz_civil(day + 10957, &y, &m, &d);
    char out[64];
    int len = snprintf(out, sizeof out, "%04lld-%02d-%02d%c%02d:%02d:%02d", (long long)y, m, d,
                       in[10], (int)(rem / 3600000000LL), (int)(rem / 60000000 % 60),
                       (int)(rem / 1000000 % 60));
    if (frac_digits) {
        char frac[8];
        snprintf(frac, sizeof frac, "%06d", (int)(rem % 1000000));
        len += snprintf(out + len, sizeof out - (size_t)len, ".%.*s", (int)frac_digits, frac);
        /* digits beyond what was written must be zero */
        for (size_t k = frac_digits; k < 6; k++)
            FZ_CHECK(frac[k] == '0');
    }
    FZ_CHECK((size_t)len == body && memcmp(out, in, body) == 0);
    FZ_CHECK(ev_day_of(usec) == (int32_t)(usec / 86400000000LL - (usec % 86400000000LL < 0)));
}

/* --- cost: numeric(20,10) as a 128-bit integer of 10^-10 units ---------- */

/* -1 when the text is not [0-9]*[.[0-9]*] with a digit, -2 when it does not
 * fit numeric(20,10) after rounding; else 0 and *units. */
static int fz_ref_cost(const char *s, size_t n, unsigned __int128 *units)
{
    size_t i = 0, intd = 0, fracd = 0;
    unsigned __int128 v = 0;
    bool any = false, round_up = false, too_big = false;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        any = true;
        if (v == 0 && s[i] == '0')
            continue;
        if (++intd > 10)
            too_big = true;
        else
            v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            any = true;
            if (fracd < 10)
                v = v * 10 + (unsigned)(s[i] - '0');
            else if (fracd == 10)
                round_up = s[i] >= '5';
            fracd++;
        }
    if (i != n || !any)
        return -1;
    if (too_big)
        return -2;
    for (; fracd < 10; fracd++)
        v *= 10;
    v += round_up;
    unsigned __int128 limit = (unsigned __int128)10000000000ULL * 10000000000ULL;
    if (v >= limit)
        return -2;
    *units = v;
    return 0;
}

static unsigned __int128 fz_numeric_units(const ev_numeric *x)
{
    FZ_CHECK(x->sign == 0 && x->dscale == EV_COST_SCALE);
    FZ_CHECK(x->ndigits >= 0 && x->ndigits <= 6);
    if (x->ndigits == 0) {
        FZ_CHECK(x->weight == 0);
        return 0;
    }
    FZ_CHECK(x->digits[0] != 0 && x->digits[x->ndigits - 1] != 0);
    FZ_CHECK(x->weight <= 2 && x->weight - x->ndigits + 1 >= -3);
    unsigned __int128 v = 0;
    for (int k = 0; k < x->ndigits; k++) {
        FZ_CHECK(x->digits[k] < 10000);
        int pos = x->weight - k; /* base-10000 position, -3..2 */
        int exp10 = 4 * pos + 10; /* power of ten of its units */
        unsigned __int128 d = x->digits[k];
        if (exp10 < 0) {
            FZ_CHECK(d % 100 == 0);
            d /= 100;
        } else {
            for (int e = 0; e < exp10; e++)
                d *= 10;
        }
        v += d;
    }
    return v;
}

/* ------------------------------------------------------------------------ */
/* one field through every validator                                        */
/* ------------------------------------------------------------------------ */

static void fz_field(const char *s, size_t n)
{
    const char *why = NULL;
    char buf[64];

    /* UTF-8 both ways */
    bool utf8 = ev_valid_utf8(s, n);
    FZ_CHECK(utf8 == fz_ref_utf8((const unsigned char *)s, n));

    /* int64 against strtoll, on [-]digits only (strtoll also takes spaces and '+') */
    int64_t iv = 0;
    bool int_ok = ev_parse_int64(s, n, &iv, &why);
    FZ_CHECK(int_ok || why != NULL);
    size_t k = n > 0 && s[0] == '-' ? 1 : 0;
    bool digits = n > k;
    for (size_t i = k; i < n; i++)
        digits &= s[i] >= '0' && s[i] <= '9';
    if (digits && n >= sizeof buf) {
        /* long runs of leading zeros: nothing to compare with cheaply */
    } else if (digits) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        errno = 0;
        char *end;
        long long ref = strtoll(buf, &end, 10);
        bool ref_ok = errno == 0 && *end == '\0';
        FZ_CHECK(int_ok == ref_ok);
        FZ_CHECK(!int_ok || ref == iv);
    } else {
        FZ_CHECK(!int_ok);
    }

    /* timestamp: accepted ones round-trip */
    int64_t usec = 0;
    why = NULL;
    if (ev_parse_timestamp(s, n, &usec, &why))
        fz_check_timestamp(s, n, usec);
    else
        FZ_CHECK(why != NULL);

    /* cost against 128-bit decimal arithmetic, both ways */
    ev_numeric num;
    unsigned __int128 units = 0;
    why = NULL;
    bool cost_ok = ev_parse_cost(s, n, &num, &why);
    int ref = fz_ref_cost(s, n, &units);
    FZ_CHECK(cost_ok == (ref == 0));
    FZ_CHECK(cost_ok || why != NULL);
    if (cost_ok)
        FZ_CHECK(fz_numeric_units(&num) == units);

    /* ip against inet_pton, both ways */
    ev_inet ip;
    why = NULL;
    bool ip_ok = ev_parse_ip(s, n, &ip, &why);
    FZ_CHECK(ip_ok || why != NULL);
    if (n > 0 && n <= 45 && !memchr(s, '\0', n)) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        unsigned char ref_addr[16];
        bool v6 = memchr(s, ':', n) != NULL;
        bool ref_ok = !strpbrk(buf, "/% \t") &&
                      inet_pton(v6 ? AF_INET6 : AF_INET, buf, ref_addr) == 1;
        FZ_CHECK(ip_ok == ref_ok);
        if (ip_ok) {
            FZ_CHECK(ip.family == (v6 ? 3 : 2) && ip.bits == (v6 ? 128 : 32) &&
                     ip.nb == (v6 ? 16 : 4) && ip.is_cidr == 0);
            FZ_CHECK(memcmp(ip.addr, ref_addr, ip.nb) == 0);
        }
    } else {
        FZ_CHECK(!ip_ok);
    }

    /* JSON: the validator's contract asks for valid UTF-8 first */
    if (utf8) {
        why = NULL;
        bool json_ok = ev_valid_json(s, n, &why);
        int r = fz_ref_json(s, n);
        FZ_CHECK(json_ok || why != NULL);
        if (json_ok)
            FZ_CHECK(r != 0); /* never looser than the grammar */
        if (r == 1)
            FZ_CHECK(json_ok); /* plain valid JSON is always taken */
    }
}

/* ------------------------------------------------------------------------ */
/* rows                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct fz_pass {
    uint64_t hash; /* FNV-1a over every row's content */
    uint64_t rows;
    uint64_t last_line;
    uint64_t validate_rows; /* run the validators on the first rows only */
    uint64_t too_long;      /* rows delivered as CSVR_TOO_LONG */
    int max_fields;         /* the largest true field count of a row */
} fz_pass;

/*
 * What the last fuzz_rows_one call ran, for the cmocka replay to check that
 * an input reached the mode it was written for (an amplify input that never
 * amplifies tests nothing).  The fuzzer ignores it.
 */
typedef struct fz_report {
    bool amplified;     /* the input was expanded (mode 0xA5) */
    size_t stream_len;  /* bytes parsed: the expanded stream when amplified */
    uint64_t rows;      /* rows of the whole-stream pass */
    uint64_t too_long;  /* of which CSVR_TOO_LONG */
    int max_fields;     /* the largest true field count of a row */
} fz_report;
static fz_report fz_last;

static void fz_mix(fz_pass *p, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++)
        p->hash = (p->hash ^ b[i]) * 1099511628211ULL;
}

static int fz_on_row(void *ctx, const csvr_row *row)
{
    fz_pass *p = ctx;
    FZ_CHECK(row->line > p->last_line);
    p->last_line = row->line;
    p->rows++;
    FZ_CHECK(row->status == CSVR_OK || row->status == CSVR_TOO_LONG ||
             row->status == CSVR_BAD_QUOTES);
    FZ_CHECK(row->raw_len <= CSVR_MAX_ROW_BYTES);
    FZ_CHECK(row->raw != NULL || row->raw_len == 0);
    FZ_CHECK(row->nfields >= 0);
    if (row->status == CSVR_TOO_LONG)
        p->too_long++;
    if (row->nfields > p->max_fields)
        p->max_fields = row->nfields;
    uint64_t hdr[3] = {row->line, (uint64_t)row->status, (uint64_t)row->raw_len};
    fz_mix(p, hdr, sizeof hdr);
    bool validate = p->rows <= p->validate_rows;
    fz_mix(p, row->raw, row->raw_len);
    if (validate)
        FZ_CHECK(ev_valid_utf8(row->raw, row->raw_len) ==
                 fz_ref_utf8((const unsigned char *)row->raw, row->raw_len));
    if (row->status != CSVR_OK)
        return 0;
    /* A row that parsed is shorter than the limit and was not blank. */
    FZ_CHECK(row->raw_len > 0 && row->raw_len < CSVR_MAX_ROW_BYTES);
    /* It has a field -- except that libcsv trims spaces and tabs around
     * unquoted fields and ends a record at a bare CR, so a row of nothing
     * but those has none (known bugs, regressions/whitespace-only-row-has-
     * no-fields and cr-tab-row-has-no-fields; RFC 4180 and COPY see one
     * field, or refuse the CR). */
    if (row->nfields == 0)
        for (size_t i = 0; i < row->raw_len; i++)
            FZ_CHECK(row->raw[i] == ' ' || row->raw[i] == '\t' || row->raw[i] == '\r');
    uint64_t nf = (uint64_t)row->nfields;
    fz_mix(p, &nf, sizeof nf);
    int kept = row->nfields < CSVR_MAX_FIELDS ? row->nfields : CSVR_MAX_FIELDS;
    size_t total = 0;
    for (int i = 0; i < kept; i++) {
        const csvr_field *f = &row->fields[i];
        unsigned char isnull = f->ptr == NULL;
        fz_mix(p, &isnull, 1);
        if (!f->ptr) {
            FZ_CHECK(f->len == 0);
            if (validate)
                fz_field("", 0);
            continue;
        }
        /* field text is the raw text minus quoting: never longer */
        FZ_CHECK(f->len <= row->raw_len);
        total += f->len;
        uint64_t len = f->len;
        fz_mix(p, &len, sizeof len);
        fz_mix(p, f->ptr, f->len); /* reads every byte: ASan checks the pointer */
        if (validate)
            fz_field(f->ptr, f->len);
    }
    FZ_CHECK(total <= row->raw_len);
    return 0;
}

/*
 * Parse buf in chunks; chunk sizes come from a xorshift PRNG (seed 0: one
 * piece).  validate_rows: how many rows go through the validators.
 */
static void fz_parse(const char *buf, size_t n, uint64_t seed, bool byte_by_byte, bool big_chunks,
                     uint64_t validate_rows, fz_pass *out)
{
    memset(out, 0, sizeof *out);
    out->hash = 1469598103934665603ULL;
    out->validate_rows = validate_rows;
    csvr_parser *p = csvr_new(fz_on_row, out);
    FZ_CHECK(p != NULL);
    size_t off = 0;
    bool first = true;
    while (off < n) {
        size_t chunk = n - off;
        if (byte_by_byte) {
            chunk = 1;
        } else if (seed) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            /* mostly small pieces, sometimes large ones */
            chunk = big_chunks || seed % 8 == 0 ? (size_t)(seed >> 8) % 70000 + 1
                                                : (size_t)(seed >> 8) % 17 + 1;
        }
        if (first && chunk < 3)
            chunk = 3; /* see the BOM note at the top */
        if (chunk > n - off)
            chunk = n - off;
        first = false;
        FZ_CHECK(csvr_feed(p, buf + off, chunk) == 0);
        off += chunk;
    }
    FZ_CHECK(csvr_finish(p) == 0);
    FZ_CHECK(csvr_rows(p) == out->rows);
    uint64_t lines = csvr_lines(p);
    fz_mix(out, &lines, sizeof lines);
    csvr_free(p);
}

#define FZ_AMPLIFY 0xA5

/* The harness: see the top of this file. */
static int fuzz_rows_one(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    size_t n = size;
    char *big = NULL;
    if (size >= 3 && data[0] == FZ_AMPLIFY) {
        /* 0xA5 FILL ADJ HEAD [0xA5 TAIL] -> HEAD, a run of FILL, TAIL.  ADJ
         * < 128: CSVR_MAX_ROW_BYTES + 1 + ADJ * 64 bytes of FILL, a row too
         * long to keep.  ADJ >= 128: just under the limit, and FILL is ','
         * (about a million empty fields): a long run of any other byte under
         * the limit is one huge field, the same path as the too-long row's
         * first megabyte.  (A HEAD whose quotes still open the commas makes
         * one huge field too: csvrows.c grows libcsv's buffer in 64 KB steps
         * so that this costs 0.2 s under ASan, not 11 s.) */
        const uint8_t *head = data + 3, *end = data + size;
        const uint8_t *mark = memchr(head, FZ_AMPLIFY, (size_t)(end - head));
        size_t head_len = (size_t)((mark ? mark : end) - head);
        const uint8_t *tail = mark ? mark + 1 : end;
        size_t tail_len = (size_t)(end - tail);
        uint8_t fill = data[1];
        size_t fill_len;
        if (data[2] < 128) {
            fill_len = CSVR_MAX_ROW_BYTES + 1 + (size_t)data[2] * 64;
        } else {
            fill = ',';
            fill_len = CSVR_MAX_ROW_BYTES - 1 - (size_t)(data[2] - 128) * 1024 -
                       (head_len < 8192 ? head_len : 8192);
        }
        n = head_len + fill_len + tail_len;
        big = malloc(n);
        FZ_CHECK(big != NULL);
        memcpy(big, head, head_len);
        memset(big + head_len, fill, fill_len);
        if (fill == ',') {
            /* a quote left open by HEAD would make the commas one huge field */
            size_t quotes = 0;
            for (size_t i = 0; i < head_len; i++)
                quotes += head[i] == '"';
            if (quotes % 2)
                big[head_len] = '"';
        }
        memcpy(big + head_len + fill_len, tail, tail_len);
        buf = big;
    }

    /* An amplified stream repeats itself: validating its first rows is enough,
     * and small chunks over a megabyte would only slow the fuzzer down. */
    bool amplified = big != NULL;
    fz_pass whole, chunked, bytes;
    fz_parse(buf, n, 0, false, false, amplified ? 64 : UINT64_MAX, &whole);
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < size && i < 64; i++)
        seed = (seed ^ data[i]) * 0x100000001B3ULL;
    fz_parse(buf, n, seed | 1, false, amplified, 0, &chunked);
    FZ_CHECK(whole.rows == chunked.rows);
    FZ_CHECK(whole.hash == chunked.hash);
    if (n <= 4096) {
        fz_parse(buf, n, 0, true, false, 0, &bytes);
        FZ_CHECK(whole.rows == bytes.rows);
        FZ_CHECK(whole.hash == bytes.hash);
    }
    fz_last = (fz_report){amplified, n, whole.rows, whole.too_long, whole.max_fields};
    free(big);
    return 0;
}

#endif
