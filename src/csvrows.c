/*
 * csvrows.c - quote-aware row splitter + libcsv field parser (see csvrows.h).
 */
#include "adreport/csvrows.h"
#include "adreport/common.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

/* Strict: a quote inside an unquoted field is an error (that row's alone: the
 * splitter ends it at its newline).  Unquoted empty fields are NULL, as
 * COPY ... CSV reads them. */
#define CSVR_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL)

/* First size of the row and field buffers; they grow by doubling. */
#define CSVR_INITIAL_BUFFER 4096

struct csvr_parser {
    csvr_row_fn on_row;
    void *ctx;
    struct csv_parser csv;

    /* The row being assembled from one or more physical lines. */
    char *raw;
    size_t raw_len, raw_cap;
    enum {
        Q_FIELD_START, /* at the start of a field: a quote here opens it */
        Q_UNQUOTED,    /* in an unquoted field: a quote here opens nothing */
        Q_QUOTED,      /* inside a quoted field: a newline is the field's */
        Q_QUOTE,       /* a quote inside a quoted one: closes it, or "" */
    } qs;
    bool overflow; /* row exceeded CSVR_MAX_ROW_BYTES; skipping to its end */
    bool bare_cr;  /* libcsv saw a record end inside the row */
    bool started;  /* the BOM check has been done */
    uint64_t line; /* physical lines completed */
    uint64_t row_line;
    uint64_t rows;

    /* Field bytes for the current row, copied out of libcsv's buffer. */
    char *fbuf;
    size_t fbuf_len, fbuf_cap;
    size_t foff[CSVR_MAX_FIELDS];
    csvr_row row;
};

static void append(char **buf, size_t *len, size_t *cap, const char *src, size_t n)
{
    if (n == 0)
        return; /* also keeps memcpy away from a still-NULL buffer */
    if (*len + n > *cap) {
        size_t want = *cap ? *cap : 4096;
        while (want < *len + n)
            want *= 2;
        *buf = adr_xrealloc(*buf, want);
        *cap = want;
    }
    memcpy(*buf + *len, src, n);
    *len += n;
}

static void on_field(void *s, size_t len, void *data)
{
    csvr_parser *p = data;
    int i = p->row.nfields++;
    if (i >= CSVR_MAX_FIELDS)
        return;
    if (!s) { /* unquoted empty field: NULL, as COPY ... CSV reads it */
        p->foff[i] = SIZE_MAX;
        return;
    }
    p->foff[i] = p->fbuf_len;
    append(&p->fbuf, &p->fbuf_len, &p->fbuf_cap, s, len);
    p->row.fields[i].len = len;
}

/* libcsv ends a record at an unquoted CR too.  Rows reach it without their
 * line break, so a record ending before csv_fini (c == -1) means a bare CR
 * inside the row: COPY would refuse it, so the row is bad CSV. */
static void on_record(int c, void *data)
{
    csvr_parser *p = data;
    if (c != -1)
        p->bare_cr = true;
}

/* COPY keeps spaces around unquoted values; libcsv would trim them. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

/*
 * How much libcsv's field buffer grows at a time.  It grows by a fixed step
 * (128 bytes by default), not by doubling, so a field of a megabyte took
 * 8192 reallocs.  glibc's realloc moves large blocks with mremap, but any
 * allocator that copies (ASan's does) made that quadratic: 11 s for one such
 * row in the fuzzer.  In 64 KB steps a field of up to CSVR_MAX_ROW_BYTES
 * takes at most 16.
 */
#define CSVR_LIBCSV_STEP (64 * 1024)

static int init_libcsv(struct csv_parser *csv)
{
    if (csv_init(csv, CSVR_OPTIONS) != 0)
        return -1;
    csv_set_space_func(csv, no_space);
    csv_set_blk_size(csv, CSVR_LIBCSV_STEP);
    return 0;
}

csvr_parser *csvr_new(csvr_row_fn on_row, void *ctx)
{
    csvr_parser *p = adr_xmalloc(sizeof *p);
    memset(p, 0, sizeof *p);
    p->on_row = on_row;
    p->ctx = ctx;
    /* Buffers exist from the start: an empty quoted field ("") points into
     * fbuf with length 0, which must not be NULL + 0. */
    p->raw_cap = p->fbuf_cap = CSVR_INITIAL_BUFFER;
    p->raw = adr_xmalloc(p->raw_cap);
    p->fbuf = adr_xmalloc(p->fbuf_cap);
    if (init_libcsv(&p->csv) != 0) {
        free(p->raw);
        free(p->fbuf);
        free(p);
        return NULL;
    }
    return p;
}

/* Parse the assembled row into fields and hand it to the callback. */
static int deliver(csvr_parser *p)
{
    csvr_row *row = &p->row;
    row->line = p->row_line;
    row->raw = p->raw;
    row->raw_len = p->raw_len;
    row->nfields = 0;
    row->status = CSVR_OK;
    p->fbuf_len = 0;
    p->rows++;

    if (p->overflow) {
        row->status = CSVR_TOO_LONG;
    } else {
        p->bare_cr = false;
        size_t n = csv_parse(&p->csv, p->raw, p->raw_len, on_field, on_record, p);
        if (n != p->raw_len || csv_fini(&p->csv, on_field, on_record, p) != 0 || p->bare_cr) {
            row->status = CSVR_BAD_QUOTES;
            /* After an error libcsv keeps its state; start a fresh parser. */
            csv_free(&p->csv);
            init_libcsv(&p->csv);
        }
        /* Field pointers are fixed up only now: fbuf may have moved. */
        int kept = row->nfields < CSVR_MAX_FIELDS ? row->nfields : CSVR_MAX_FIELDS;
        for (int i = 0; i < kept; i++) {
            if (p->foff[i] == SIZE_MAX) {
                row->fields[i].ptr = NULL;
                row->fields[i].len = 0;
            } else {
                row->fields[i].ptr = p->fbuf + p->foff[i];
            }
        }
    }
    int rc = p->on_row(p->ctx, row);
    p->raw_len = 0;
    p->qs = Q_FIELD_START;
    p->overflow = false;
    return rc;
}

static bool is_blank(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '\r');
}

/*
 * Follow the quoting of the bytes s[0..n) of a row, as RFC 4180 and COPY read
 * it: only a quote that starts a field opens quotes, and inside them a quote
 * closes them unless doubled.  A newline ends the row unless it falls inside
 * quotes.  A quote in the middle of an unquoted field (ab"c) opens nothing:
 * that row is bad (libcsv says so) and ends at its own newline, instead of
 * carrying every row up to the next stray quote into one bad row.
 */
static void track_quotes(csvr_parser *p, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        if (p->qs == Q_QUOTED) { /* skip to the next quote at once */
            s = memchr(s, '"', (size_t)(end - s));
            if (!s)
                return;
            p->qs = Q_QUOTE;
            s++;
            continue;
        }
        char c = *s++;
        if (c == ',')
            p->qs = Q_FIELD_START;
        else if (c == '"')
            p->qs = p->qs == Q_FIELD_START || p->qs == Q_QUOTE ? Q_QUOTED : Q_UNQUOTED;
        else
            p->qs = Q_UNQUOTED;
    }
}

/* One physical line (without its '\n'), possibly partial when !complete. */
static int take_line_part(csvr_parser *p, const char *s, size_t n, bool complete)
{
    if (p->raw_len == 0 && !p->overflow && p->qs != Q_QUOTED)
        p->row_line = p->line + 1;
    track_quotes(p, s, n);
    if (!p->overflow) {
        if (p->raw_len + n + 1 > CSVR_MAX_ROW_BYTES) {
            p->overflow = true;
            size_t room = CSVR_MAX_ROW_BYTES > p->raw_len ? CSVR_MAX_ROW_BYTES - p->raw_len : 0;
            append(&p->raw, &p->raw_len, &p->raw_cap, s, n < room ? n : room);
        } else {
            append(&p->raw, &p->raw_len, &p->raw_cap, s, n);
        }
    }
    if (!complete)
        return 0;
    p->line++;
    if (p->qs == Q_QUOTED && !p->overflow) { /* the newline belongs to a quoted field */
        append(&p->raw, &p->raw_len, &p->raw_cap, "\n", 1);
        return 0;
    }
    p->qs = Q_FIELD_START;
    /* An overflowing row ends at its next newline, inside quotes or not:
     * resynchronise there, so that a quote left open cannot carry the rest of
     * the file into one skipped row. */
    if (p->overflow)
        return deliver(p);
    if (p->raw_len > 0 && p->raw[p->raw_len - 1] == '\r')
        p->raw_len--; /* CRLF */
    if (p->raw_len == 0 || is_blank(p->raw, p->raw_len)) {
        p->raw_len = 0;
        return 0;
    }
    return deliver(p);
}

int csvr_feed(csvr_parser *p, const char *buf, size_t len)
{
    if (!p->started) {
        p->started = true;
        if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            buf += 3;
            len -= 3;
        }
    }
    const char *end = buf + len;
    while (buf < end) {
        const char *nl = memchr(buf, '\n', (size_t)(end - buf));
        if (!nl)
            return take_line_part(p, buf, (size_t)(end - buf), false);
        int rc = take_line_part(p, buf, (size_t)(nl - buf), true);
        if (rc)
            return rc;
        buf = nl + 1;
    }
    return 0;
}

int csvr_finish(csvr_parser *p)
{
    if (p->raw_len == 0 && !p->overflow)
        return 0;
    if (!p->overflow && p->raw[p->raw_len - 1] == '\r')
        p->raw_len--;
    if (!p->overflow && is_blank(p->raw, p->raw_len))
        return 0;
    return deliver(p);
}

uint64_t csvr_rows(const csvr_parser *p)
{
    return p->rows;
}

uint64_t csvr_lines(const csvr_parser *p)
{
    return p->line;
}

void csvr_free(csvr_parser *p)
{
    if (!p)
        return;
    csv_free(&p->csv);
    free(p->raw);
    free(p->fbuf);
    free(p);
}
