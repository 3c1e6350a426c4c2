/*
 * rejects.c - write rejected rows with line, reason and raw bytes.
 */
#include "adreport/rejects.h"
#include "adreport/common.h"
#include "adreport/events.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void rej_init(rej_writer *w, const char *dir, const char *tenant_dir, const char *input_name)
{
    memset(w, 0, sizeof *w);
    snprintf(w->final_path, sizeof w->final_path, "%s/%s/%s.rejects.csv", dir, tenant_dir,
             input_name);
    /* Unique per process and per writer: parallel loads write side by side. */
    static unsigned long serial;
    unsigned long n = __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED);
    snprintf(w->tmp_path, sizeof w->tmp_path, "%s.tmp.%ld.%lu", w->final_path, (long)getpid(), n);
}

/* mkdir -p for the folders above path. */
static bool make_parents(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0775) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    return true;
}

static void fail_io(rej_writer *w)
{
    if (!w->io_failed)
        snprintf(w->io_error, sizeof w->io_error, "%s", strerror(errno));
    w->io_failed = true;
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
    if (w->io_failed)
        return;
    if (!w->fp) {
        if (!make_parents(w->tmp_path) || !(w->fp = fopen(w->tmp_path, "w"))) {
            fail_io(w);
            return;
        }
        fputs("line,reason,detail,raw\n", w->fp);
    }
    fprintf(w->fp, "%llu,%s,", (unsigned long long)line, reason);
    put_csv_text(w->fp, detail);
    fputc(',', w->fp);
    put_raw(w->fp, raw, raw_len);
    fputc('\n', w->fp);
    if (ferror(w->fp))
        fail_io(w);
}

bool rej_flush(rej_writer *w)
{
    if (w->fp && !w->io_failed && (fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0))
        fail_io(w);
    return !w->io_failed;
}

bool rej_close(rej_writer *w)
{
    if (w->fp) {
        rej_flush(w);
        if (fclose(w->fp) != 0)
            fail_io(w);
        w->fp = NULL;
        if (!w->io_failed && rename(w->tmp_path, w->final_path) != 0)
            fail_io(w);
        if (w->io_failed)
            unlink(w->tmp_path);
    } else if (w->count == 0) {
        unlink(w->final_path); /* stale, from an earlier attempt */
    }
    if (w->io_failed) {
        char primary[4400];
        adr_error(
            adr_fmt(primary, sizeof primary, "could not write rejects file \"%s\"", w->final_path),
            w->io_error, "check that the rejects folder is writable and has space (--rejects DIR)");
        return false;
    }
    return true;
}

void rej_discard(rej_writer *w)
{
    if (w->fp) {
        fclose(w->fp);
        w->fp = NULL;
        unlink(w->tmp_path);
    }
}
