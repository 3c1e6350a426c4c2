/*
 * load_rows.c - what the two row loaders (load_events.c, load_entities.c)
 * share: reading a file through the CSV splitter, rejecting a row, refusing
 * the whole file, telling a header from data (see load_rows.h).
 */
#include "load_rows.h"

#include "adreport/common.h"
#include "adreport/events.h"
#include "adreport/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool ld_first_row_is_header(const csvr_row *row, const char *const *names)
{
    if (row->status != CSVR_OK || row->nfields == 0)
        return false;
    /* Data rows in the tables' own order start with an integer id. */
    int64_t id;
    const csvr_field *first = &row->fields[0];
    if (!first->ptr || ev_parse_int64(first->ptr, first->len, &id, NULL))
        return false;
    for (int i = 0; i < row->nfields && i < CSVR_MAX_FIELDS; i++)
        for (const char *const *n = names; *n; n++)
            if (ld_field_is(&row->fields[i], *n))
                return true;
    return false;
}

bool ld_field_is(const csvr_field *field, const char *name)
{
    size_t n = strlen(name);
    return field->ptr && field->len == n && strncasecmp(field->ptr, name, n) == 0;
}

void ld_refuse(ld_file *f, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->refuse_detail, sizeof f->refuse_detail, fmt, ap);
    va_end(ap);
    snprintf(f->refuse_hint, sizeof f->refuse_hint, "%s", hint ? hint : "");
    f->refused = true;
}

void ld_reject(ld_file *f, const csvr_row *row, const char *reason, const char *detail)
{
    f->rows_rejected++;
    rej_add(&f->rej, row->line, reason, detail, row->raw, row->raw_len);
    adr_debug("  line %llu: %s: %s", (unsigned long long)row->line, reason, detail);
}

bool ld_row_is_whole(ld_file *f, const csvr_row *row, int nfields)
{
    char detail[128];
    if (row->status == CSVR_TOO_LONG) {
        ld_reject(
            f, row, "row_too_long",
            adr_fmt(detail, sizeof detail, "the row is longer than %d bytes", CSVR_MAX_ROW_BYTES));
        return false;
    }
    /* Encoding before CSV shape: a bad byte is the likelier cause of both. */
    if (!ev_valid_utf8(row->raw, row->raw_len)) {
        ld_reject(f, row, "bad_encoding", "the row holds a NUL byte or invalid UTF-8");
        return false;
    }
    if (row->status == CSVR_BAD_QUOTES) {
        ld_reject(f, row, "bad_csv",
                  "a quote inside an unquoted field, an unclosed quote, or a CR outside quotes");
        return false;
    }
    if (row->nfields != nfields) {
        ld_reject(
            f, row, "field_count",
            adr_fmt(detail, sizeof detail, "expected %d fields, found %d", nfields, row->nfields));
        return false;
    }
    return true;
}

/* The hint for a file that could not be read: only gzip can be cut short. */
const char *ld_gz_hint(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && strcmp(path + n - 3, ".gz") == 0
               ? "a .gz file may be truncated, or have plain rows appended to it: send it "
                 "again, compressed whole"
               : NULL;
}

/* ld_stream of f->kept: the same rows, the hash taken when it was read. */
static bool stream_kept(ld_file *f, csvr_row_fn on_row, void *ctx)
{
    csvr_parser *p = csvr_new(on_row, ctx);
    int stop = 0;
    for (size_t at = 0; at < f->kept_len && !stop;) {
        size_t n = f->kept_len - at < LD_READ_CHUNK ? f->kept_len - at : LD_READ_CHUNK;
        stop = csvr_feed(p, f->kept + at, n);
        at += n;
        prog_file_update(f->prog,
                         (uint64_t)((double)f->kept_disk_size * (double)at / (double)f->kept_len),
                         f->rows_good + f->rows_rejected);
    }
    if (!stop)
        stop = csvr_finish(p);
    csvr_free(p);
    f->bytes = f->kept_len;
    memcpy(f->sha256, f->kept_sha256, sizeof f->sha256);
    return !stop && !f->refused;
}

bool ld_stream(ld_file *f, csvr_row_fn on_row, void *ctx)
{
    if (f->kept)
        return stream_kept(f, on_row, ctx);
    char err[256];
    lf_reader *r = lf_open(f->path, err, sizeof err);
    if (!r) {
        ld_refuse(f, NULL, "could not open the file: %s", err);
        return false;
    }
    csvr_parser *p = csvr_new(on_row, ctx);
    char *buf = adr_xmalloc(LD_READ_CHUNK);
    ssize_t n;
    int stop = 0;
    while ((n = lf_read(r, buf, LD_READ_CHUNK)) > 0) {
        if ((stop = csvr_feed(p, buf, (size_t)n)) != 0)
            break;
        prog_file_update(f->prog, lf_input_offset(r), f->rows_good + f->rows_rejected);
    }
    if (n < 0)
        ld_refuse(f, ld_gz_hint(f->path), "could not read the file: %s", lf_error(r));
    else if (!stop)
        stop = csvr_finish(p);
    f->bytes = lf_bytes_read(r);
    lf_sha256_hex(r, f->sha256);
    free(buf);
    csvr_free(p);
    lf_close(r);
    return n >= 0 && !stop && !f->refused;
}
