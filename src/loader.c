/*
 * loader.c - find input files and load each one exactly once (see loader.h).
 *
 * Per file:
 *   1. hash the content; if the ledger has it for this tenant and kind, skip;
 *   2. BEGIN; (--replace: delete the tenant's events on the file's days);
 *      COPY the validated rows; mark the tenant-days dirty; insert the ledger
 *      row (ON CONFLICT DO NOTHING: a racing run that got there first makes
 *      this one roll back and report "skipped"); COMMIT.
 * A kill at any point leaves either the whole file or nothing.
 */
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"
#include "adreport/events.h"
#include "adreport/progress.h"
#include "adreport/summary.h"
#include "load_internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kind_names[] = {"unknown", "companies", "campaigns",
                                         "ads",     "clicks",    "impressions"};

void ld_options_init(ld_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->rejects_dir = "rejects";
    opts->max_reject_rate = 0.05;
    opts->jobs = LD_DEFAULT_JOBS;
}

const char *ld_kind_name(ld_kind kind)
{
    return kind_names[kind];
}

ld_kind ld_kind_parse(const char *s)
{
    for (int k = LD_COMPANIES; k <= LD_IMPRESSIONS; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return (ld_kind)k;
    return LD_UNKNOWN;
}

ld_kind ld_kind_from_name(const char *base)
{
    size_t n = strlen(base);
    bool csv = (n > 4 && strcmp(base + n - 4, ".csv") == 0) ||
               (n > 7 && strcmp(base + n - 7, ".csv.gz") == 0);
    /* Our own rejects files may sit beside the inputs: never load them. */
    if (!csv || strstr(base, ".rejects.csv"))
        return LD_UNKNOWN;
    for (int k = LD_COMPANIES; k <= LD_IMPRESSIONS; k++)
        if (strncmp(base, kind_names[k], strlen(kind_names[k])) == 0)
            return (ld_kind)k;
    return LD_UNKNOWN;
}

static bool is_entity(ld_kind k)
{
    return k == LD_COMPANIES || k == LD_CAMPAIGNS || k == LD_ADS;
}

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
static const char *gz_hint(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && strcmp(path + n - 3, ".gz") == 0 ? "a .gz file may be truncated: send it again"
                                                     : NULL;
}

bool ld_stream(ld_file *f, csvr_row_fn on_row, void *ctx)
{
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
        ld_refuse(f, gz_hint(f->path), "could not read the file: %s", lf_error(r));
    else if (!stop)
        stop = csvr_finish(p);
    f->bytes = lf_bytes_read(r);
    lf_sha256_hex(r, f->sha256);
    free(buf);
    csvr_free(p);
    lf_close(r);
    return n >= 0 && !stop && !f->refused;
}

/* What the name of the folder holding a file says about its tenant. */
typedef enum folder_claim {
    FOLDER_NONE,   /* not all digits: the folder names no tenant */
    FOLDER_TENANT, /* a company id: 1..18 digits, no leading zero */
    FOLDER_BAD,    /* all digits but no usable id: 0, 00, 042, 19+ digits */
} folder_claim;

/* A company id is at most 18 digits (below INT64_MAX, whatever follows). */
#define LD_MAX_TENANT_DIGITS 18

static folder_claim claim_of(const char *name, size_t len, int64_t *tenant)
{
    *tenant = 0;
    if (len == 0)
        return FOLDER_NONE;
    for (size_t i = 0; i < len; i++)
        if (name[i] < '0' || name[i] > '9')
            return FOLDER_NONE;
    if (len > LD_MAX_TENANT_DIGITS || name[0] == '0')
        return FOLDER_BAD;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (name[i] - '0');
    *tenant = v;
    return FOLDER_TENANT;
}

/* The last component of path[0..n) (trailing slashes ignored). */
static const char *last_component(const char *path, size_t n, size_t *len)
{
    while (n > 1 && path[n - 1] == '/')
        n--;
    const char *start = path + n;
    while (start > path && start[-1] != '/')
        start--;
    *len = (size_t)(path + n - start);
    return start;
}

/*
 * The claim of the folder holding `given`, and that folder's name in
 * folder[].  The folder is the one named in the path, links left as they
 * are: a link's tenant is the folder holding the link (or the link to a
 * folder, as named), never the folder of its target.  Only a path without a
 * folder name ("clicks.csv" run inside incoming/42/, "./clicks.csv",
 * "../42/x/../clicks.csv") is resolved to find one.
 */
static folder_claim tenant_of_folder(const char *given, int64_t *tenant, char *folder,
                                     size_t folder_size)
{
    char dir[PATH_MAX], resolved[PATH_MAX];
    const char *slash = strrchr(given, '/');
    size_t len = 0;
    const char *start = slash ? last_component(given, (size_t)(slash - given), &len) : NULL;
    bool named = start && len > 0 && !(len == 1 && start[0] == '.') &&
                 !(len == 2 && start[0] == '.' && start[1] == '.') && start[0] != '/';
    if (!named) {
        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - given) + 1, given);
        const char *path = realpath(dir, resolved) ? resolved : dir;
        start = last_component(path, strlen(path), &len);
    }
    snprintf(folder, folder_size, "%.*s", (int)len, start);
    return claim_of(start, len, tenant);
}

static void int_str(char *buf, size_t size, int64_t v)
{
    snprintf(buf, size, "%lld", (long long)v);
}

static int by_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/*
 * "{2026-11-01,2026-11-02}" for the days of f plus a forced range, in
 * ascending order: concurrent loads then lock the same dirty-day rows in the
 * same order and cannot deadlock.
 */
static char *days_array(const ld_file *f, int32_t from, int32_t to, int32_t *min, int32_t *max)
{
    idmap merged;
    idmap_init(&merged);
    size_t pos = 0;
    int64_t day, one;
    while (idmap_next(&f->days, &pos, &day, &one))
        idmap_put(&merged, day, 1);
    for (int32_t d = from; to >= from && d <= to; d++)
        idmap_put(&merged, d, 1);
    int32_t *days = adr_xmalloc((merged.count + 1) * sizeof *days);
    size_t n = 0;
    pos = 0;
    while (idmap_next(&merged, &pos, &day, &one))
        days[n++] = (int32_t)day;
    idmap_free(&merged);
    qsort(days, n, sizeof *days, by_day);

    char *out = adr_xmalloc(n * DAY_STR + 3), *p = out;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        day_format(days[i], p);
        p += DAY_STR - 1;
    }
    *p++ = '}';
    *p = '\0';
    *min = n ? days[0] : 0;
    *max = n ? days[n - 1] : 0;
    free(days);
    return out;
}

/* The statements of one file's transaction after its rows are parsed. */
static bool exec_days(ld_file *f, const char *sql_name, int32_t from, int32_t to, bool ranged,
                      const char *what)
{
    if (f->days.count == 0 && to < from)
        return true;
    char tenant[32], lo[DAY_STR], hi[DAY_STR];
    int32_t min, max;
    char *arr = days_array(f, from, to, &min, &max);
    int_str(tenant, sizeof tenant, f->tenant);
    day_format(min, lo);
    day_format(max, hi);
    /* Replacement days are UTC days for --replace, local ones for a backfill. */
    const char *zone = f->opts->backfill && f->opts->time_zone ? f->opts->time_zone : "UTC";
    const char *ranged_params[] = {tenant, lo, hi, arr, zone};
    const char *plain_params[] = {tenant, arr};
    PGresult *res = ranged ? db_query(f->conn, sql_name, 5, ranged_params, what)
                           : db_query(f->conn, sql_name, 2, plain_params, what);
    free(arr);
    PQclear(res);
    return res != NULL;
}

/* No forced range: exec_days takes from > to as "none". */
#define NO_RANGE 1, 0

static bool lock_tenant_days(PGconn *conn, int64_t company)
{
    char id[32];
    int_str(id, sizeof id, company);
    const char *params[] = {id};
    PGresult *res = db_query(conn, "queries/replace_lock", 1, params, "lock the tenant's days");
    PQclear(res);
    return res != NULL;
}

/*
 * --replace with several files: the set replaces the tenant's events on the
 * union of the files' days.  Files sharing a day (logs spill over midnight)
 * must not clear each other's rows, so each file clears only the days that no
 * earlier file of the set (same tenant and kind) has replaced and committed.
 * The files of one tenant load one after another (in this process: `busy`;
 * across processes: the replace lock), so the days a file finds recorded are
 * exactly those committed before it.
 */
typedef struct replaced_days {
    int64_t tenant;
    ld_kind kind;
    idmap days;
} replaced_days;

typedef struct replace_set {
    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t idle;  /* a tenant left busy[] */
    replaced_days *done;
    size_t count, cap;
    int64_t busy[LD_MAX_JOBS]; /* tenants with a file loading now */
    int nbusy;
} replace_set;

static void rs_init(replace_set *rs)
{
    memset(rs, 0, sizeof *rs);
    pthread_mutex_init(&rs->lock, NULL);
    pthread_cond_init(&rs->idle, NULL);
}

static void rs_free(replace_set *rs)
{
    for (size_t i = 0; i < rs->count; i++)
        idmap_free(&rs->done[i].days);
    free(rs->done);
    pthread_cond_destroy(&rs->idle);
    pthread_mutex_destroy(&rs->lock);
}

static bool rs_is_busy(const replace_set *rs, int64_t tenant)
{
    for (int i = 0; i < rs->nbusy; i++)
        if (rs->busy[i] == tenant)
            return true;
    return false;
}

/* Wait until no other file of the tenant is loading; then it is ours. */
static void rs_acquire(replace_set *rs, int64_t tenant)
{
    pthread_mutex_lock(&rs->lock);
    while (rs_is_busy(rs, tenant))
        pthread_cond_wait(&rs->idle, &rs->lock);
    rs->busy[rs->nbusy++] = tenant;
    pthread_mutex_unlock(&rs->lock);
}

static void rs_release(replace_set *rs, int64_t tenant)
{
    pthread_mutex_lock(&rs->lock);
    for (int i = 0; i < rs->nbusy; i++)
        if (rs->busy[i] == tenant) {
            rs->busy[i] = rs->busy[--rs->nbusy];
            break;
        }
    pthread_cond_broadcast(&rs->idle);
    pthread_mutex_unlock(&rs->lock);
}

/* The days already replaced for tenant and kind (created empty). */
static idmap *rs_days(replace_set *rs, int64_t tenant, ld_kind kind)
{
    for (size_t i = 0; i < rs->count; i++)
        if (rs->done[i].tenant == tenant && rs->done[i].kind == kind)
            return &rs->done[i].days;
    if (rs->count == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->done = adr_xrealloc(rs->done, rs->cap * sizeof *rs->done);
    }
    replaced_days *d = &rs->done[rs->count++];
    d->tenant = tenant;
    d->kind = kind;
    idmap_init(&d->days);
    return &d->days;
}

/* After the file committed: its days are part of the replacement now. */
static void rs_record(replace_set *rs, const ld_file *f)
{
    pthread_mutex_lock(&rs->lock);
    idmap *done = rs_days(rs, f->tenant, f->kind);
    size_t pos = 0;
    int64_t day, one;
    while (idmap_next(&f->days, &pos, &day, &one))
        idmap_put(done, day, 1);
    pthread_mutex_unlock(&rs->lock);
}

static bool replace_days(ld_file *f, replace_set *rs)
{
    if (!lock_tenant_days(f->conn, f->tenant))
        return false;
    const char *sql =
        f->kind == LD_CLICKS ? "queries/replace_clicks" : "queries/replace_impressions";
    /* Only the file's days that no earlier file of the set replaced. */
    idmap todo;
    idmap_init(&todo);
    pthread_mutex_lock(&rs->lock);
    idmap *done = rs_days(rs, f->tenant, f->kind);
    size_t pos = 0;
    int64_t day, one;
    while (idmap_next(&f->days, &pos, &day, &one))
        if (!idmap_get(done, day, NULL))
            idmap_put(&todo, day, 1);
    pthread_mutex_unlock(&rs->lock);
    idmap own = f->days;
    f->days = todo;
    bool ok = exec_days(f, sql, NO_RANGE, true, "delete the days being replaced");
    f->days = own;
    idmap_free(&todo);
    return ok;
}

static bool mark_dirty(ld_file *f)
{
    return exec_days(f, "queries/mark_dirty_days", NO_RANGE, false, "mark the changed days");
}

bool ld_backfill_clear(PGconn *conn, int64_t company, int32_t from_day, int32_t to_day,
                       const char *time_zone)
{
    ld_options opts;
    ld_options_init(&opts);
    opts.backfill = true;
    opts.time_zone = time_zone;
    ld_file f = {.conn = conn, .opts = &opts, .tenant = company, .prog = -1};
    idmap_init(&f.days);
    bool ok = lock_tenant_days(conn, company);
    for (ld_kind k = LD_CLICKS; ok && k <= LD_IMPRESSIONS; k++) {
        f.kind = k;
        ok =
            exec_days(&f, k == LD_CLICKS ? "queries/replace_clicks" : "queries/replace_impressions",
                      from_day, to_day, true, "delete the backfilled days");
    }
    ok = ok && exec_days(&f, "queries/mark_dirty_days", from_day, to_day, false,
                         "mark the backfilled days");
    idmap_free(&f.days);
    return ok;
}

/*
 * Files whose content may rightly be loaded again: a backfill or --replace
 * (the user asks for exactly these rows on these days) and entity files
 * (upserts: a re-sent older version must win over the newer one).
 */
static bool reloads(const ld_file *f)
{
    return f->opts->backfill || f->opts->replace || is_entity(f->kind);
}

/* 1 when the ledger row was inserted, 0 when the content is already there. */
static int ledger_insert(ld_file *f, int64_t file_size)
{
    char tenant[32], size[32], good[32], bad[32];
    int_str(tenant, sizeof tenant, f->tenant);
    int_str(size, sizeof size, file_size);
    int_str(good, sizeof good, (int64_t)f->rows_good);
    int_str(bad, sizeof bad, (int64_t)f->rows_rejected);
    const char *params[] = {tenant,    ld_kind_name(f->kind),
                            f->sha256, f->name,
                            size,      good,
                            bad,       f->opts->replace ? "true" : "false"};
    PGresult *res =
        db_query(f->conn, reloads(f) ? "queries/ledger_upsert" : "queries/ledger_insert", 8, params,
                 "record the file");
    if (!res)
        return -1;
    int inserted = PQntuples(res) == 1;
    PQclear(res);
    return inserted;
}

/* Prints "skipped" and returns true when the ledger already has the content. */
static int ledger_has(ld_file *f, const char *sha)
{
    char tenant[32];
    int_str(tenant, sizeof tenant, f->tenant);
    const char *params[] = {tenant, ld_kind_name(f->kind), sha};
    PGresult *res =
        db_query(f->conn, is_entity(f->kind) ? "queries/ledger_latest" : "queries/ledger_lookup", 3,
                 params, "read the ledger");
    if (!res)
        return -1;
    int found = PQntuples(res) > 0;
    if (found && adr_verbosity >= ADR_NORMAL)
        prog_printf("%-11s company %-6lld %s: skipped, content loaded before as \"%s\" at %s\n",
                    ld_kind_name(f->kind), (long long)f->tenant, f->name, PQgetvalue(res, 0, 0),
                    PQgetvalue(res, 0, 1));
    PQclear(res);
    return found;
}

static bool company_exists(PGconn *conn, int64_t company, bool *error)
{
    char id[32];
    int_str(id, sizeof id, company);
    const char *params[] = {id};
    PGresult *res = db_query(conn, "queries/company_exists", 1, params, "look up the company");
    *error = res == NULL;
    bool found = res && PQntuples(res) > 0;
    PQclear(res);
    return found;
}

static void report_refused(const ld_file *f)
{
    char primary[4200];
    adr_error(adr_fmt(primary, sizeof primary, "could not load \"%s\"", f->path), f->refuse_detail,
              f->refuse_hint[0] ? f->refuse_hint : NULL);
}

static ld_result rollback(ld_file *f, ld_result result)
{
    /* In a backfill the caller owns the transaction and rolls it all back. */
    PGresult *res = PQexec(f->conn, f->opts->backfill ? "SELECT 1" : "ROLLBACK");
    PQclear(res);
    if (db_lost(f->conn))
        return LD_ERROR;
    return result;
}

/*
 * With opts->incoming_root: how deep under the root path is.  Returns the
 * number of folders between the root and the file (0: at the top) and sets
 * *folder and *len to the first one.  The walk builds paths as <root>/<name>/...,
 * so this reads the path as written: the tenant is the folder where `run`
 * found the file.
 */
static int depth_under_root(const char *root, const char *path, const char **folder, size_t *len)
{
    size_t n = strlen(root);
    while (n > 0 && root[n - 1] == '/')
        n--;
    *folder = NULL;
    *len = 0;
    if (strncmp(path, root, n) != 0 || path[n] != '/')
        return -1;
    const char *rel = path + n;
    int depth = 0;
    for (;;) {
        while (*rel == '/')
            rel++;
        const char *slash = strchr(rel, '/');
        if (!slash)
            return depth;
        if (depth == 0) {
            *folder = rel;
            *len = (size_t)(slash - rel);
        }
        depth++;
        rel = slash;
    }
}

/* `run`: entity files at the top of --incoming, logs in <incoming>/<id>/. */
static int64_t resolve_incoming_tenant(ld_file *f, const char *path)
{
    const char *folder;
    size_t len;
    int depth = depth_under_root(f->opts->incoming_root, path, &folder, &len);
    if (is_entity(f->kind)) {
        /* Entity files span tenants: never a tenant of their folder's name,
         * and only the top of --incoming holds them. */
        if (depth != 0)
            ld_refuse(f, "put companies, campaigns and ads files at the top of the incoming folder",
                      "an entity file below the top of the incoming folder");
        return 0;
    }
    int64_t t = 0;
    folder_claim claim = depth == 1 ? claim_of(folder, len, &t) : FOLDER_NONE;
    if (claim == FOLDER_TENANT) {
        f->tenant_forced = true;
        return t;
    }
    if (claim == FOLDER_BAD)
        ld_refuse(f, "name each company's folder after its id (incoming/42/...)",
                  "the folder \"%.*s\" is not a usable company id (1 to %d digits, no leading "
                  "zero, not 0)",
                  (int)len, folder, LD_MAX_TENANT_DIGITS);
    else
        ld_refuse(f, "put each company's logs in <incoming>/<company_id>/",
                  "a log file outside a company folder of the incoming folder");
    return 0;
}

/* Resolve the file's tenant; 0 with f->refused set when it cannot be told. */
static int64_t resolve_tenant(ld_file *f, const char *path)
{
    if (f->opts->incoming_root)
        return resolve_incoming_tenant(f, path);
    char folder[NAME_MAX + 1];
    int64_t t;
    folder_claim claim = tenant_of_folder(path, &t, folder, sizeof folder);
    if (claim == FOLDER_BAD) {
        ld_refuse(f, "move the file to a folder that is not all digits, or to the company's folder",
                  "the folder \"%s\" looks like a company id but is not a usable one (1 to %d "
                  "digits, no leading zero, not 0)",
                  folder, LD_MAX_TENANT_DIGITS);
        return 0;
    }
    if (claim == FOLDER_TENANT && f->opts->company && f->opts->company != t) {
        /* Never let --company move one tenant's file into another. */
        ld_refuse(f, "pass the file of the right company, or move it out of an all-digit folder",
                  "the file is in the folder of company %lld but --company is %lld", (long long)t,
                  (long long)f->opts->company);
        return 0;
    }
    if (claim != FOLDER_TENANT)
        t = f->opts->company;
    f->tenant_forced = t != 0;
    if (t || is_entity(f->kind))
        return t;
    t = ld_tenant_from_rows(path, f->kind);
    if (!t)
        ld_refuse(f,
                  "put the file in a folder named after the company id (incoming/42/...), add "
                  "a company_id column, or pass --company N",
                  "the file's company cannot be told");
    return t;
}

/*
 * The passes over a file, weighed by their cost per byte for the progress
 * display (progress.h): hashing reads at disk speed, checking parses and
 * validates every row, loading also waits for the server.  Rough ratios
 * from loading make bench's files on a 2-core machine.
 */
#define LD_WEIGHT_HASH 1
#define LD_WEIGHT_CHECK 4
#define LD_WEIGHT_LOAD 12
/* After the last row is sent: the server's COPY, keys, indexes, commit. */
#define LD_WEIGHT_FINISH 3

static bool checks_first(const ld_options *opts, ld_kind kind)
{
    return opts->replace && !is_entity(kind); /* the dry pass in load_file */
}

static unsigned weight_of(const ld_options *opts, ld_kind kind)
{
    return LD_WEIGHT_HASH + LD_WEIGHT_LOAD + LD_WEIGHT_FINISH +
           (checks_first(opts, kind) ? LD_WEIGHT_CHECK : 0);
}

static void hash_progress(void *ctx, uint64_t offset)
{
    prog_file_update(((ld_file *)ctx)->prog, offset, 0);
}

static sum_status summary_status(ld_result result, const ld_file *f)
{
    return result == LD_LOADED    ? SUM_LOADED
           : result == LD_SKIPPED ? SUM_SKIPPED
           : f->refused           ? SUM_REFUSED
                                  : SUM_FAILED;
}

/* Load one file in its own transaction.  Prints its line. */
static ld_result load_file(PGconn *conn, const ld_options *opts, replace_set *rs, const char *path,
                           ld_kind kind, ld_totals *totals)
{
    double t0 = adr_now();
    const char *slash = strrchr(path, '/');
    ld_file f = {
        .conn = conn, .opts = opts, .path = path, .name = slash ? slash + 1 : path, .kind = kind};
    idmap_init(&f.days);
    idmap_init(&f.dirty_tenants);
    ld_result result = LD_FAILED;
    struct stat st;
    char sha[LF_SHA256_HEX], err[256];
    const char *why = NULL; /* for the summary: why a file failed */
    f.prog = prog_file_begin(f.name, stat(path, &st) == 0 ? (uint64_t)st.st_size : 0,
                             weight_of(opts, kind));
    bool replacing = false; /* holds the tenant in rs */

    if (!ev_valid_utf8(f.name, strlen(f.name))) {
        /* The ledger keeps the name as text: the server would refuse it. */
        ld_refuse(&f, "rename the file (names must be UTF-8)", "the file name is not valid UTF-8");
        goto refused;
    }
    f.tenant = resolve_tenant(&f, path);
    if (f.refused)
        goto refused;
    if (stat(path, &st) != 0) {
        ld_refuse(&f, NULL, "could not read the file: %s", strerror(errno));
        goto refused;
    }
    err[0] = '\0';
    prog_file_pass(f.prog, "hashing", false, LD_WEIGHT_HASH);
    if (!lf_hash_file(path, sha, err, sizeof err, hash_progress, &f)) {
        ld_refuse(&f, gz_hint(path), "could not read the file: %s", err[0] ? err : "read error");
        goto refused;
    }
    if (f.tenant && !is_entity(kind)) {
        bool error;
        if (!company_exists(conn, f.tenant, &error)) {
            if (error)
                goto db_failed;
            ld_refuse(&f, "load the companies file first, or check the folder name",
                      "company %lld does not exist", (long long)f.tenant);
            goto refused;
        }
    }
    int seen = opts->backfill || (opts->replace && !is_entity(kind)) ? 0 : ledger_has(&f, sha);
    if (seen < 0)
        goto db_failed;
    if (seen) {
        result = LD_SKIPPED;
        goto done;
    }

    char tenant_dir[32];
    if (f.tenant)
        int_str(tenant_dir, sizeof tenant_dir, f.tenant);
    else
        snprintf(tenant_dir, sizeof tenant_dir, "entities");
    rej_init(&f.rej, opts->rejects_dir, tenant_dir, f.name);

    if (opts->replace && !is_entity(kind)) {
        /* The days to replace are the file's own: read it once to know them. */
        prog_file_pass(f.prog, "checking", false, LD_WEIGHT_CHECK);
        if (!ld_events_load(&f, true))
            goto stream_failed;
        f.rows_good = f.rows_rejected = 0;
        f.rej.count = 0;
        rej_init(&f.rej, opts->rejects_dir, tenant_dir, f.name);
    }
    if (rs && !is_entity(kind)) {
        rs_acquire(rs, f.tenant);
        replacing = true;
    }
    if (!opts->backfill && !db_exec_text(conn, "BEGIN", "start the file's transaction"))
        goto db_failed;
    if (replacing)
        prog_file_pass(f.prog, "locking", false, 0); /* waits for other loads of the tenant */
    if (replacing && !replace_days(&f, rs))
        goto db_failed_in_tx;
    idmap_clear(&f.days);
    prog_file_pass(f.prog, "loading", true, LD_WEIGHT_LOAD);
    bool ok = is_entity(kind) ? ld_entities_load(&f) : ld_events_load(&f, false);
    prog_file_pass(f.prog, "finishing", false, LD_WEIGHT_FINISH);
    if (!ok) {
        result = rollback(&f, f.db_error && db_lost(conn) ? LD_ERROR : LD_FAILED);
        goto stream_failed_after_rollback;
    }
    if (strcmp(sha, f.sha256) != 0) {
        ld_refuse(&f, "load the file again once it is complete",
                  "the file changed while it was being loaded");
        result = rollback(&f, LD_FAILED);
        goto refused;
    }
    uint64_t rows = f.rows_good + f.rows_rejected;
    if (rows > 0 && (double)f.rows_rejected / (double)rows > opts->max_reject_rate) {
        ld_refuse(&f, "see the rejects file; if the file is right, raise --max-reject-rate",
                  "%llu of %llu rows rejected (%.1f%%), more than --max-reject-rate %.1f%%: "
                  "probably not the expected format",
                  (unsigned long long)f.rows_rejected, (unsigned long long)rows,
                  100.0 * (double)f.rows_rejected / (double)rows, 100.0 * opts->max_reject_rate);
        result = rollback(&f, LD_FAILED);
        rej_close(&f.rej);
        goto refused;
    }
    if (!is_entity(kind) && !mark_dirty(&f))
        goto db_failed_in_tx;
    if (!rej_flush(&f.rej)) {
        result = rollback(&f, LD_ERROR);
        rej_close(&f.rej); /* prints why */
        why = "its rejected rows could not be written";
        char primary[4200];
        adr_error(adr_fmt(primary, sizeof primary, "could not load \"%s\"", path),
                  "its rejected rows could not be written, so the file was not loaded",
                  "fix the rejects folder and run again");
        result = LD_ERROR;
        goto done;
    }
    int inserted = ledger_insert(&f, (int64_t)st.st_size);
    if (inserted < 0)
        goto db_failed_in_tx;
    if (!inserted) { /* a concurrent run loaded the same content first */
        result = rollback(&f, LD_SKIPPED);
        rej_close(&f.rej);
        if (result == LD_SKIPPED)
            ledger_has(&f, sha);
        goto done;
    }
    if (!opts->backfill && !db_exec_text(conn, "COMMIT", "commit the file"))
        goto db_failed;
    result = LD_LOADED;
    if (replacing)
        rs_record(rs, &f);
    if (!rej_close(&f.rej))
        result = LD_ERROR;
    double secs = adr_now() - t0;
    if (adr_verbosity >= ADR_NORMAL)
        prog_printf(
            "%-11s company %-6lld %s: loaded %llu rows, rejected %llu, %.2f s, %.0f rows/s\n",
            ld_kind_name(kind), (long long)f.tenant, f.name, (unsigned long long)f.rows_good,
            (unsigned long long)f.rows_rejected, secs, secs > 0 ? (double)f.rows_good / secs : 0.0);
    totals->rows_loaded += f.rows_good;
    totals->rows_rejected += f.rows_rejected;
    totals->bytes += f.bytes;
    goto done;

db_failed_in_tx:
    result = rollback(&f, LD_FAILED);
    goto db_failed_after_rollback;
db_failed:
    result = db_lost(conn) ? LD_ERROR : LD_FAILED;
db_failed_after_rollback:
    rej_close(&f.rej);
    why = "a database statement failed";
    {
        char primary[4200];
        adr_error(adr_fmt(primary, sizeof primary, "could not load \"%s\"", path),
                  "the database statement above failed; the file was not loaded", NULL);
    }
    goto done;
stream_failed:
    if (f.db_error) {
        result = db_lost(conn) ? LD_ERROR : LD_FAILED;
        goto db_failed_after_rollback;
    }
    result = LD_FAILED;
stream_failed_after_rollback:
    rej_close(&f.rej);
    if (f.refused) {
        report_refused(&f);
    } else {
        why = result == LD_ERROR ? "the connection to the database was lost"
                                 : "the database rejected the rows";
        char primary[4200];
        adr_error(adr_fmt(primary, sizeof primary, "could not load \"%s\"", path),
                  result == LD_ERROR
                      ? "the connection to the database was lost; nothing of the file was loaded"
                      : "the database rejected the rows; nothing of the file was loaded",
                  result == LD_ERROR ? "rerun when the database is back: loaded files are skipped"
                                     : "see the server's message above");
    }
    goto done;
refused:
    report_refused(&f);
done:
    prog_file_end(f.prog, result == LD_LOADED ? f.rows_good + f.rows_rejected : 0);
    sum_file(path, ld_kind_name(kind), f.tenant, summary_status(result, &f),
             f.refused              ? f.refuse_detail
             : result == LD_SKIPPED ? "its content was loaded before"
             : result == LD_LOADED  ? NULL
                                    : (why ? why : "see the error messages"),
             result == LD_LOADED ? f.rows_good : 0, result == LD_SKIPPED ? 0 : f.rows_rejected,
             adr_now() - t0);
    if (result == LD_LOADED)
        totals->files_loaded++;
    else if (result == LD_SKIPPED)
        totals->files_skipped++;
    else
        totals->files_failed++;
    idmap_free(&f.days);
    if (replacing)
        rs_release(rs, f.tenant);
    idmap_free(&f.dirty_tenants);
    return result;
}

/* --- finding files ------------------------------------------------------ */

typedef struct path_list {
    char **paths;
    ld_kind *kinds;
    size_t count, cap;
} path_list;

static void add_path(path_list *l, const char *path, ld_kind kind)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->paths = adr_xrealloc(l->paths, l->cap * sizeof *l->paths);
        l->kinds = adr_xrealloc(l->kinds, l->cap * sizeof *l->kinds);
    }
    l->paths[l->count] = adr_xstrdup(path);
    l->kinds[l->count] = kind;
    l->count++;
}

/* A file that is refused before it is looked at: counts as failed. */
static void refuse_path(ld_totals *totals, const char *path, const char *detail, const char *hint)
{
    char primary[4200];
    adr_error(adr_fmt(primary, sizeof primary, "could not load \"%s\"", path), detail, hint);
    totals->files_failed++;
}

/*
 * Walk a folder.  Symbolic links are not followed (a link in folder 2 must
 * never feed the tenant of its target's folder, nor a folder be walked
 * twice) and only regular files are read (a FIFO would block forever):
 * anything else is refused.
 */
static bool walk(path_list *l, const char *dir, ld_kind forced, ld_totals *totals)
{
    DIR *d = opendir(dir);
    if (!d) {
        char primary[4200];
        adr_error(adr_fmt(primary, sizeof primary, "could not open folder \"%s\"", dir),
                  strerror(errno), NULL);
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ., .., and hidden files such as editors' temporaries */
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            refuse_path(totals, path, "a symbolic link: links are not followed",
                        "put the file itself in the folder");
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            ok &= walk(l, path, forced, totals);
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            refuse_path(totals, path, "not a regular file (a FIFO, socket or device)",
                        "only regular files are read");
            continue;
        }
        ld_kind kind = forced ? forced : ld_kind_from_name(e->d_name);
        if (kind == LD_UNKNOWN) {
            char primary[4200];
            adr_warning(adr_fmt(primary, sizeof primary, "skipping \"%s\"", path),
                        "the name does not say what it holds",
                        "name files companies*.csv, campaigns*.csv, ads*.csv, clicks*.csv or "
                        "impressions*.csv (optionally .gz)");
            continue;
        }
        add_path(l, path, kind);
    }
    closedir(d);
    return ok;
}

static const path_list *sort_list;

/* Entity files first, parents before children; then logs by path. */
static int by_kind_then_path(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    ld_kind ki = sort_list->kinds[i], kj = sort_list->kinds[j];
    int ri = is_entity(ki) ? (int)ki : 10, rj = is_entity(kj) ? (int)kj : 10;
    if (ri != rj)
        return ri - rj;
    return strcmp(sort_list->paths[i], sort_list->paths[j]);
}

void ld_print_totals(const ld_totals *t)
{
    if (adr_verbosity < ADR_NORMAL && !t->files_failed && !t->rows_rejected)
        return;
    printf("total: %llu files loaded, %llu skipped, %llu failed; %llu rows loaded, %llu "
           "rejected; %.2f s, %.0f rows/s\n",
           (unsigned long long)t->files_loaded, (unsigned long long)t->files_skipped,
           (unsigned long long)t->files_failed, (unsigned long long)t->rows_loaded,
           (unsigned long long)t->rows_rejected, t->seconds,
           t->seconds > 0 ? (double)t->rows_loaded / t->seconds : 0.0);
    fflush(stdout);
}

/* --- loading files, on one or several connections ------------------------ */

typedef struct load_queue {
    pthread_mutex_t lock; /* guards next, error, totals and on_done */
    const ld_options *opts;
    const path_list *list;
    const size_t *order;
    replace_set *rs; /* --replace: what the set replaced so far; else NULL */
    size_t next, end;
    bool error;
    ld_totals *totals;
} load_queue;

typedef struct load_worker_arg {
    load_queue *q;
    PGconn *conn;
} load_worker_arg;

static void add_totals(ld_totals *to, const ld_totals *from)
{
    to->files_loaded += from->files_loaded;
    to->files_skipped += from->files_skipped;
    to->files_failed += from->files_failed;
    to->rows_loaded += from->rows_loaded;
    to->rows_rejected += from->rows_rejected;
    to->bytes += from->bytes;
}

/* Take files off the queue until it is empty or a fatal error stops all. */
static void *load_worker(void *arg)
{
    load_worker_arg *w = arg;
    load_queue *q = w->q;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        if (q->error || q->next >= q->end) {
            pthread_mutex_unlock(&q->lock);
            return NULL;
        }
        size_t i = q->order[q->next++];
        pthread_mutex_unlock(&q->lock);

        ld_totals mine = {0};
        ld_result r =
            load_file(w->conn, q->opts, q->rs, q->list->paths[i], q->list->kinds[i], &mine);

        pthread_mutex_lock(&q->lock);
        add_totals(q->totals, &mine);
        if (r == LD_ERROR)
            q->error = true;
        if (q->opts->on_done)
            q->opts->on_done(q->opts->on_done_ctx, q->list->paths[i], r);
        pthread_mutex_unlock(&q->lock);
    }
}

static void run_workers(load_queue *q, PGconn *conn)
{
    size_t files = q->end - q->next;
    int jobs = q->opts->backfill ? 1 : q->opts->jobs; /* a backfill is one transaction */
    if (jobs > LD_MAX_JOBS)
        jobs = LD_MAX_JOBS;
    if ((size_t)jobs > files)
        jobs = (int)files;
    pthread_t threads[LD_MAX_JOBS];
    load_worker_arg args[LD_MAX_JOBS];
    int started = 0;
    for (int j = 1; j < jobs; j++) {
        PGconn *extra = db_connect(q->opts->conninfo);
        if (!extra)
            break; /* already reported; the others carry on */
        args[started] = (load_worker_arg){q, extra};
        if (pthread_create(&threads[started], NULL, load_worker, &args[started]) != 0) {
            PQfinish(extra);
            break;
        }
        started++;
    }
    load_worker(&(load_worker_arg){q, conn});
    for (int j = 0; j < started; j++) {
        pthread_join(threads[j], NULL);
        PQfinish(args[j].conn);
    }
}

int ld_exit_code(const ld_totals *t, bool error)
{
    if (error)
        return ADR_EXIT_ERROR;
    if (t->files_failed)
        return ADR_EXIT_FILE_FAILED;
    if (t->rows_rejected)
        return ADR_EXIT_REJECTS;
    return ADR_EXIT_OK;
}

int ld_load_paths(PGconn *conn, const ld_options *opts, char *const *paths, int npaths,
                  ld_totals *totals)
{
    path_list list = {0};
    bool error = false;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            char primary[4200];
            adr_error(adr_fmt(primary, sizeof primary, "could not load \"%s\"", paths[i]),
                      strerror(errno), NULL);
            sum_file(paths[i], NULL, 0, SUM_REFUSED, strerror(errno), 0, 0, 0);
            totals->files_failed++;
        } else if (S_ISDIR(st.st_mode)) {
            error |= !walk(&list, paths[i], opts->kind, totals);
        } else if (!S_ISREG(st.st_mode)) {
            refuse_path(totals, paths[i], "not a regular file (a FIFO, socket or device)",
                        "only regular files are read");
        } else {
            ld_kind kind =
                opts->kind ? opts->kind
                           : ld_kind_from_name(strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1
                                                                      : paths[i]);
            if (kind == LD_UNKNOWN) {
                char primary[4200];
                adr_error(adr_fmt(primary, sizeof primary, "could not load \"%s\"", paths[i]),
                          "the name does not say what the file holds",
                          "name it clicks*.csv, impressions*.csv, companies*.csv, campaigns*.csv "
                          "or ads*.csv (optionally .gz), or pass --kind");
                sum_file(paths[i], NULL, 0, SUM_REFUSED,
                         "the name does not say what the file holds", 0, 0, 0);
                totals->files_failed++;
                continue;
            }
            add_path(&list, paths[i], kind);
        }
    }
    size_t *order = adr_xmalloc((list.count + 1) * sizeof *order);
    for (size_t i = 0; i < list.count; i++)
        order[i] = i;
    sort_list = &list;
    qsort(order, list.count, sizeof *order, by_kind_then_path);

    uint64_t bytes = 0, work = 0;
    for (size_t i = 0; i < list.count; i++) {
        struct stat st;
        uint64_t size = stat(list.paths[i], &st) == 0 ? (uint64_t)st.st_size : 0;
        bytes += size;
        work += size * weight_of(opts, list.kinds[i]);
    }
    prog_begin("load", "files", list.count, bytes, work);
    double t0 = adr_now();
    size_t entities = 0;
    while (entities < list.count && is_entity(list.kinds[order[entities]]))
        entities++;
    replace_set rs;
    rs_init(&rs);
    load_queue q = {.opts = opts,
                    .list = &list,
                    .order = order,
                    .rs = opts->replace && !opts->backfill ? &rs : NULL,
                    .totals = totals};
    pthread_mutex_init(&q.lock, NULL);
    /* Entity files first, one by one: campaigns need their companies. */
    q.next = 0;
    q.end = entities;
    load_worker(&(load_worker_arg){&q, conn});
    /* Then the logs, over opts->jobs connections. */
    q.next = entities;
    q.end = list.count;
    run_workers(&q, conn);
    error = error || q.error;
    pthread_mutex_destroy(&q.lock);
    prog_end();
    rs_free(&rs);
    totals->seconds += adr_now() - t0;
    sum_stage("load", adr_now() - t0);
    for (size_t i = 0; i < list.count; i++)
        free(list.paths[i]);
    free(list.paths);
    free(list.kinds);
    free(order);
    return ld_exit_code(totals, error);
}
