/*
 * summary.c - the --summary-json collector and writer (see summary.h).
 *
 * Records are appended under one mutex by whichever thread finishes a file
 * or report; the JSON is written once, at the end, sorted (files by path,
 * tenants by id) so that two runs of the same input give the same layout.
 */
#include "adreport/summary.h"
#include "adreport/atomic_file.h"
#include "adreport/common.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct file_rec {
    char *path, *kind, *reason;
    int64_t company_id;
    sum_status status;
    uint64_t rows_loaded, rows_rejected;
    double seconds;
} file_rec;

typedef struct rollup_rec {
    int64_t company_id;
    uint64_t days, rows;
    char first[16], last[16];
} rollup_rec;

typedef struct report_rec {
    int64_t company_id;
    char period[32];
    char *dir;
    bool written;
} report_rec;

/* The stages, in the order of a run; sum_stage() names them. */
static const char *const stage_names[] = {"load", "rollup", "report"};
#define SUM_NSTAGES (sizeof stage_names / sizeof stage_names[0])

static struct {
    pthread_mutex_t lock;
    char *path;
    const char *command;
    struct timespec started;
    double started_mono;
    file_rec *files;
    size_t nfiles, capfiles;
    rollup_rec *rollups;
    size_t nrollups, caprollups;
    report_rec *reports;
    size_t nreports, capreports;
    uint64_t reports_failed, archived;
    uint64_t events_without_campaign;
    double stage_seconds[SUM_NSTAGES];
    bool stage_ran[SUM_NSTAGES];
    bool rolled_back;
    char *rollback_reason;
} S = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Grow an array of records by one; returns the new (zeroed) record. */
static void *grow(void **items, size_t *n, size_t *cap, size_t item_size)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *items = adr_xrealloc(*items, *cap * item_size);
    }
    void *rec = (char *)*items + *n * item_size;
    memset(rec, 0, item_size);
    (*n)++;
    return rec;
}

void sum_begin(const char *command)
{
    pthread_mutex_lock(&S.lock);
    S.command = command;
    clock_gettime(CLOCK_REALTIME, &S.started);
    S.started_mono = adr_now();
    pthread_mutex_unlock(&S.lock);
}

void sum_set_path(const char *path)
{
    char *copy = adr_xstrdup(path);
    pthread_mutex_lock(&S.lock);
    free(S.path);
    S.path = copy;
    pthread_mutex_unlock(&S.lock);
}

void sum_file(const char *path, const char *kind, int64_t company_id, sum_status status,
              const char *reason, uint64_t rows_loaded, uint64_t rows_rejected, double seconds)
{
    char *p = adr_xstrdup(path), *k = adr_xstrdup(kind ? kind : "unknown");
    char *r = reason && *reason ? adr_xstrdup(reason) : NULL;
    pthread_mutex_lock(&S.lock);
    file_rec *f = grow((void **)&S.files, &S.nfiles, &S.capfiles, sizeof *f);
    *f = (file_rec){p, k, r, company_id, status, rows_loaded, rows_rejected, seconds};
    pthread_mutex_unlock(&S.lock);
}

void sum_files_archived(uint64_t n)
{
    pthread_mutex_lock(&S.lock);
    S.archived += n;
    pthread_mutex_unlock(&S.lock);
}

void sum_rolled_back(const char *reason)
{
    char *r = adr_xstrdup(reason);
    pthread_mutex_lock(&S.lock);
    S.rolled_back = true;
    free(S.rollback_reason);
    S.rollback_reason = r;
    for (size_t i = 0; i < S.nfiles; i++) {
        file_rec *f = &S.files[i];
        if (f->status != SUM_LOADED)
            continue;
        f->status = SUM_FAILED;
        f->rows_loaded = 0;
        free(f->reason);
        f->reason = adr_xstrdup(reason);
    }
    pthread_mutex_unlock(&S.lock);
}

void sum_stage(const char *stage, double seconds)
{
    pthread_mutex_lock(&S.lock);
    for (size_t i = 0; i < SUM_NSTAGES; i++)
        if (strcmp(stage, stage_names[i]) == 0) {
            S.stage_ran[i] = true;
            S.stage_seconds[i] += seconds;
        }
    pthread_mutex_unlock(&S.lock);
}

void sum_rollup_tenant(int64_t company_id, uint64_t days, const char *first, const char *last,
                       uint64_t rows)
{
    pthread_mutex_lock(&S.lock);
    rollup_rec *r = grow((void **)&S.rollups, &S.nrollups, &S.caprollups, sizeof *r);
    r->company_id = company_id;
    r->days = days;
    r->rows = rows;
    snprintf(r->first, sizeof r->first, "%s", first);
    snprintf(r->last, sizeof r->last, "%s", last);
    pthread_mutex_unlock(&S.lock);
}

void sum_events_without_campaign(uint64_t n)
{
    pthread_mutex_lock(&S.lock);
    S.events_without_campaign += n;
    pthread_mutex_unlock(&S.lock);
}

void sum_report(int64_t company_id, const char *period, const char *dir, bool written)
{
    char *d = adr_xstrdup(dir ? dir : "");
    pthread_mutex_lock(&S.lock);
    report_rec *r = grow((void **)&S.reports, &S.nreports, &S.capreports, sizeof *r);
    r->company_id = company_id;
    snprintf(r->period, sizeof r->period, "%s", period);
    r->dir = d;
    r->written = written;
    pthread_mutex_unlock(&S.lock);
}

void sum_reports_failed(uint64_t n)
{
    pthread_mutex_lock(&S.lock);
    S.reports_failed += n;
    pthread_mutex_unlock(&S.lock);
}

/* --- JSON ----------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    uint32_t cp;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void sum_json_string(FILE *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            switch (c) {
            case '\n':
                fputs("\\n", out);
                break;
            case '\r':
                fputs("\\r", out);
                break;
            case '\t':
                fputs("\\t", out);
                break;
            default:
                fprintf(out, "\\u%04x", c);
            }
            i++;
        } else {
            size_t n = utf8_len(s + i, len - i);
            if (n == 0) {
                fputs("\\ufffd", out); /* one per invalid byte */
                i++;
            } else if (n == 3 && s[i] == 0xe2 && s[i + 1] == 0x80 &&
                       (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
                /* U+2028/U+2029 are valid JSON but end lines in JavaScript. */
                fprintf(out, "\\u%04x", s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
                i += 3;
            } else {
                fwrite(s + i, 1, n, out);
                i += n;
            }
        }
    }
    fputc('"', out);
}

static void json_str(FILE *out, const char *s)
{
    if (s)
        sum_json_string(out, s, strlen(s));
    else
        fputs("null", out);
}

static void json_company(FILE *out, int64_t id)
{
    if (id)
        fprintf(out, "%" PRId64, id);
    else
        fputs("null", out);
}

static void json_time(FILE *out, const struct timespec *ts)
{
    struct tm tm;
    char buf[32];
    gmtime_r(&ts->tv_sec, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(out, "\"%s.%03ldZ\"", buf, ts->tv_nsec / 1000000);
}

static const char *exit_status(int code)
{
    switch (code) {
    case ADR_EXIT_OK:
        return "ok";
    case ADR_EXIT_ERROR:
        return "error";
    case ADR_EXIT_USAGE:
        return "usage";
    case ADR_EXIT_REJECTS:
        return "rows_rejected";
    case ADR_EXIT_FILE_FAILED:
        return "file_failed";
    case ADR_EXIT_LOCKED:
        return "locked";
    default:
        return "unknown";
    }
}

static const char *status_name(sum_status s)
{
    static const char *const names[] = {"loaded", "skipped", "failed", "refused"};
    return names[s];
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const file_rec *)a)->path, ((const file_rec *)b)->path);
}

static int cmp_id(int64_t x, int64_t y)
{
    return (x > y) - (x < y);
}

static int by_company_rollup(const void *a, const void *b)
{
    return cmp_id(((const rollup_rec *)a)->company_id, ((const rollup_rec *)b)->company_id);
}

static int by_company_report(const void *a, const void *b)
{
    const report_rec *x = a, *y = b;
    int c = cmp_id(x->company_id, y->company_id);
    return c ? c : strcmp(x->period, y->period);
}

typedef struct tenant_rows {
    int64_t company_id;
    uint64_t loaded, rejected;
} tenant_rows;

static int by_company_rows(const void *a, const void *b)
{
    return cmp_id(((const tenant_rows *)a)->company_id, ((const tenant_rows *)b)->company_id);
}

static void write_files(FILE *out)
{
    uint64_t count[4] = {0};
    for (size_t i = 0; i < S.nfiles; i++)
        count[S.files[i].status]++;
    fprintf(out,
            "  \"files\": {\"loaded\": %" PRIu64 ", \"skipped\": %" PRIu64 ", \"failed\": %" PRIu64
            ", \"refused\": %" PRIu64 ", \"archived\": %" PRIu64 ", \"list\": [",
            count[SUM_LOADED], count[SUM_SKIPPED], count[SUM_FAILED], count[SUM_REFUSED],
            S.archived);
    for (size_t i = 0; i < S.nfiles; i++) {
        const file_rec *f = &S.files[i];
        const char *slash = strrchr(f->path, '/');
        fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", out);
        json_str(out, f->path);
        fputs(", \"name\": ", out);
        json_str(out, slash ? slash + 1 : f->path);
        fputs(", \"kind\": ", out);
        json_str(out, f->kind);
        fputs(", \"company_id\": ", out);
        json_company(out, f->company_id);
        fprintf(out, ", \"status\": \"%s\", \"reason\": ", status_name(f->status));
        json_str(out, f->reason);
        fprintf(out,
                ", \"rows_loaded\": %" PRIu64 ", \"rows_rejected\": %" PRIu64
                ", \"seconds\": %.3f}",
                f->rows_loaded, f->rows_rejected, f->seconds);
    }
    fputs(S.nfiles ? "\n  ]},\n" : "]},\n", out);
}

/* Rows of loaded files, in all and per tenant (files are sorted by path,
 * so tenants are collected in a small sorted array). */
static void write_rows(FILE *out)
{
    uint64_t loaded = 0, rejected = 0;
    tenant_rows *per = adr_xmalloc((S.nfiles + 1) * sizeof *per);
    size_t n = 0;
    for (size_t i = 0; i < S.nfiles; i++) {
        const file_rec *f = &S.files[i];
        if (f->status != SUM_LOADED)
            continue;
        loaded += f->rows_loaded;
        rejected += f->rows_rejected;
        if (!f->company_id)
            continue; /* entity files span tenants */
        size_t j = 0;
        while (j < n && per[j].company_id != f->company_id)
            j++;
        if (j == n)
            per[n++] = (tenant_rows){f->company_id, 0, 0};
        per[j].loaded += f->rows_loaded;
        per[j].rejected += f->rows_rejected;
    }
    qsort(per, n, sizeof *per, by_company_rows);
    fprintf(out,
            "  \"rows\": {\"loaded\": %" PRIu64 ", \"rejected\": %" PRIu64 ", \"by_company\": [",
            loaded, rejected);
    for (size_t j = 0; j < n; j++)
        fprintf(out,
                "%s\n    {\"company_id\": %" PRId64 ", \"loaded\": %" PRIu64
                ", \"rejected\": %" PRIu64 "}",
                j ? "," : "", per[j].company_id, per[j].loaded, per[j].rejected);
    fputs(n ? "\n  ]},\n" : "]},\n", out);
    free(per);
}

static void write_rollup(FILE *out)
{
    uint64_t days = 0, rows = 0;
    for (size_t i = 0; i < S.nrollups; i++) {
        days += S.rollups[i].days;
        rows += S.rollups[i].rows;
    }
    fprintf(out,
            "  \"rollup\": {\"tenants\": %zu, \"days\": %" PRIu64 ", \"rows\": %" PRIu64
            ", \"events_without_campaign\": %" PRIu64 ", \"by_company\": [",
            S.nrollups, days, rows, S.events_without_campaign);
    for (size_t i = 0; i < S.nrollups; i++) {
        const rollup_rec *r = &S.rollups[i];
        fprintf(out,
                "%s\n    {\"company_id\": %" PRId64 ", \"days\": %" PRIu64
                ", \"first_day\": \"%s\", \"last_day\": \"%s\", \"rows\": %" PRIu64 "}",
                i ? "," : "", r->company_id, r->days, r->first, r->last, r->rows);
    }
    fputs(S.nrollups ? "\n  ]},\n" : "]},\n", out);
}

static void write_reports(FILE *out)
{
    uint64_t written = 0, failed = S.reports_failed;
    for (size_t i = 0; i < S.nreports; i++)
        S.reports[i].written ? written++ : failed++;
    fprintf(out, "  \"reports\": {\"written\": %" PRIu64 ", \"failed\": %" PRIu64 ", \"list\": [",
            written, failed);
    for (size_t i = 0; i < S.nreports; i++) {
        const report_rec *r = &S.reports[i];
        fprintf(out, "%s\n    {\"company_id\": %" PRId64 ", \"period\": ", i ? "," : "",
                r->company_id);
        json_str(out, r->period);
        fputs(", \"dir\": ", out);
        json_str(out, r->dir);
        fprintf(out, ", \"status\": \"%s\"}", r->written ? "written" : "failed");
    }
    fputs(S.nreports ? "\n  ]}\n" : "]}\n", out);
}

void sum_write(FILE *out, int exit_code)
{
    pthread_mutex_lock(&S.lock);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    /* qsort must not see the NULL of an empty list. */
    if (S.nfiles)
        qsort(S.files, S.nfiles, sizeof *S.files, by_path);
    if (S.nrollups)
        qsort(S.rollups, S.nrollups, sizeof *S.rollups, by_company_rollup);
    if (S.nreports)
        qsort(S.reports, S.nreports, sizeof *S.reports, by_company_report);

    fprintf(out, "{\n  \"schema_version\": %d,\n  \"command\": ", SUM_SCHEMA_VERSION);
    json_str(out, S.command);
    fputs(",\n  \"started_at\": ", out);
    json_time(out, &S.started);
    fputs(",\n  \"finished_at\": ", out);
    json_time(out, &now);
    fprintf(out, ",\n  \"duration_seconds\": %.3f,\n", adr_now() - S.started_mono);
    fprintf(out, "  \"exit_code\": %d,\n  \"exit_status\": \"%s\",\n", exit_code,
            exit_status(exit_code));
    fprintf(out,
            "  \"rolled_back\": %s,\n  \"rollback_reason\": ", S.rolled_back ? "true" : "false");
    json_str(out, S.rollback_reason);
    fputs(",\n  \"stages\": {", out);
    for (size_t i = 0; i < SUM_NSTAGES; i++)
        fprintf(out, "%s\"%s\": {\"ran\": %s, \"seconds\": %.3f}", i ? ", " : "", stage_names[i],
                S.stage_ran[i] ? "true" : "false", S.stage_seconds[i]);
    fputs("},\n", out);
    write_files(out);
    write_rows(out);
    write_rollup(out);
    write_reports(out);
    fputs("}\n", out);
    pthread_mutex_unlock(&S.lock);
}

int sum_end(int exit_code)
{
    pthread_mutex_lock(&S.lock);
    char *path = S.path ? adr_xstrdup(S.path) : NULL;
    pthread_mutex_unlock(&S.lock);
    if (!path)
        return exit_code;
    /* The folder and the name, for af_open (the rename stays in the folder). */
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    af_file f;
    bool ok = *name && af_open(&f, dir, name);
    if (ok) {
        sum_write(f.fp, exit_code);
        ok = af_commit(&f);
    }
    if (!ok) {
        char primary[PATH_MAX + 64];
        adr_error(adr_fmt(primary, sizeof primary, "could not write the summary \"%s\"", path),
                  *name ? f.error : "the name is a folder", *name ? af_hint(f.error_no) : NULL);
        if (*name)
            af_abort(&f);
        if (exit_code == ADR_EXIT_OK || exit_code == ADR_EXIT_REJECTS)
            exit_code = ADR_EXIT_ERROR;
    }
    free(path);
    return exit_code;
}
