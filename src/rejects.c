/*
 * rejects.c - write rejected rows with line, reason and raw bytes.
 */
#include "adreport/rejects.h"
#include "adreport/common.h"
#include "adreport/events.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void rej_init(rej_writer *w, const char *dir, const char *tenant_dir, const char *input_name)
{
    rej_discard(w);
    memset(w, 0, sizeof *w);
    int n1 = snprintf(w->dir, sizeof w->dir, "%s/%s", dir, tenant_dir);
    int n2 = snprintf(w->name, sizeof w->name, "%s" REJ_SUFFIX, input_name);
    w->name_too_long =
        n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof w->dir || (size_t)n2 >= sizeof w->name;
}

/* Remember the first failure; later rows are counted but not written. */
static void fail_io(rej_writer *w, const char *error)
{
    if (!w->io_failed)
        snprintf(w->io_error, sizeof w->io_error, "%s", error);
    w->io_failed = true;
}

/* Create the folder and the temporary file, with the header line. */
static bool open_file(rej_writer *w)
{
    if (w->name_too_long) {
        fail_io(w, strerror(ENAMETOOLONG));
        return false;
    }
    char error[AF_ERROR_MAX];
    if (!af_mkdirs(w->dir, error, sizeof error)) {
        fail_io(w, error);
        return false;
    }
    if (!af_open(&w->file, w->dir, w->name)) {
        fail_io(w, w->file.error);
        return false;
    }
    w->open = true;
    fputs("line,reason,detail,raw\n", w->file.fp);
    return true;
}

/* Write s as one CSV field: quoted, inner quotes doubled. */
static void put_csv_text(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 0;
    if (len == 0 || len > n)
        return 0;
    return ev_valid_utf8(s, len) ? len : 0;
}

static void put_raw(FILE *fp, const char *raw, size_t len)
{
    fputc('"', fp);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)raw[i];
        size_t n = utf8_seq(raw + i, len - i);
        if (n == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
            fprintf(fp, "\\x%02X", c);
            i++;
            continue;
        }
        if (c == '"')
            fputc('"', fp);
        fwrite(raw + i, 1, n, fp);
        i += n;
    }
    fputc('"', fp);
}

void rej_add(rej_writer *w, uint64_t line, const char *reason, const char *detail, const char *raw,
             size_t raw_len)
{
    w->count++;
    if (w->io_failed || (!w->open && !open_file(w)))
        return;
    if (w->synced) {
        fail_io(w, "a row was rejected after the rejects were flushed");
        return;
    }
    FILE *fp = w->file.fp;
    fprintf(fp, "%llu,%s,", (unsigned long long)line, reason);
    put_csv_text(fp, detail);
    fputc(',', fp);
    put_raw(fp, raw, raw_len);
    fputc('\n', fp);
    /* Stop at the first failed write (a full disk): af_sync says why. */
    if (ferror(fp) && !af_sync(&w->file))
        fail_io(w, w->file.error);
}

bool rej_flush(rej_writer *w)
{
    if (w->open && !w->io_failed && !w->synced) {
        if (af_sync(&w->file))
            w->synced = true;
        else
            fail_io(w, w->file.error);
    }
    return !w->io_failed;
}

bool rej_close(rej_writer *w)
{
    if (w->open) {
        if (!w->io_failed && !(w->synced ? af_rename(&w->file) : af_commit(&w->file)))
            fail_io(w, w->file.error);
        af_abort(&w->file); /* the temporary, unless it was renamed */
        w->open = false;
    } else if (w->count == 0 && !w->name_too_long) {
        char stale[PATH_MAX + sizeof w->name];
        snprintf(stale, sizeof stale, "%s/%s", w->dir, w->name);
        unlink(stale); /* from an earlier attempt */
    }
    if (w->io_failed) {
        adr_errorf(w->io_error,
                   "check that the rejects folder is writable and has space (--rejects DIR)",
                   "could not write rejects file \"%s/%s\"", w->dir, w->name);
        return false;
    }
    return true;
}

void rej_discard(rej_writer *w)
{
    if (w->open) {
        af_abort(&w->file);
        w->open = false;
    }
}
