/*
 * report_run.c - the report driver: which tenants and periods, one model at
 * a time, folders, dirty-month marks (see rpt_run in report.h).
 */
#include "adreport/atomic_file.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rpt_options_init(rpt_options *o)
{
    char yesterday[RPT_DAY_SIZE], month[8];
    const char *why;
    memset(o, 0, sizeof *o);
    rpt_yesterday(yesterday);
    snprintf(month, sizeof month, "%.7s", yesterday);
    rpt_period_month(&o->period, month, yesterday, &why);
    o->formats = RPT_FORMAT_ALL;
    o->out_dir = RPT_DEFAULT_OUT;
}

bool rpt_parse_formats(const char *list, unsigned *formats)
{
    *formats = 0;
    const char *s = list;
    for (;;) {
        size_t n = strcspn(s, ",");
        if (n == 3 && strncmp(s, "csv", n) == 0)
            *formats |= RPT_FORMAT_CSV;
        else if (n == 4 && strncmp(s, "xlsx", n) == 0)
            *formats |= RPT_FORMAT_XLSX;
        else
            return false;
        if (!s[n])
            return true;
        s += n + 1;
    }
}

typedef struct run_stats {
    size_t written; /* reports published */
    size_t failed;  /* reports that failed */
} run_stats;

/* Load, write and free one tenant's report for one period. */
static bool report_one(PGconn *conn, const rpt_options *o, int64_t company_id,
                       const rpt_period *period, run_stats *stats)
{
    double start = adr_now();
    char dir[PATH_MAX], error[PATH_MAX + 64];
    size_t out_len = strlen(o->out_dir);
    while (out_len > 1 && o->out_dir[out_len - 1] == '/')
        out_len--;
    /* Only numbers and dates: no tenant-controlled text in a path. */
    if (snprintf(dir, sizeof dir, "%.*s/%" PRId64 "/%s", (int)out_len, o->out_dir, company_id,
                 period->label) >= (int)sizeof dir) {
        adr_error("could not write report: the output folder name is too long", o->out_dir, NULL);
        stats->failed++;
        return false;
    }

    rpt_model m;
    if (!rpt_model_load(conn, company_id, period, &m)) {
        stats->failed++;
        return false;
    }
    bool ok = af_mkdirs(dir, error, sizeof error);
    if (!ok) {
        char primary[PATH_MAX + 64];
        int err = errno;
        adr_error(adr_fmt(primary, sizeof primary, "could not create report folder \"%s\"", dir),
                  error, af_hint(err));
    }
    ok = ok && (!(o->formats & RPT_FORMAT_CSV) || rpt_write_csv(&m, dir));
    ok = ok && (!(o->formats & RPT_FORMAT_XLSX) || rpt_write_xlsx(&m, dir));
    if (ok) {
        stats->written++;
        adr_info("report of company %" PRId64 " for %s: %d campaigns, %d ads, %d daily rows -> "
                 "%s (%.2f s)",
                 company_id, period->label, m.campaigns.nrows, m.ads.nrows, m.daily.nrows, dir,
                 adr_now() - start);
    } else {
        stats->failed++;
    }
    rpt_model_free(&m);
    return ok;
}

/* --changed: the tenant's dirty months, each mark cleared once published. */
static void report_changed(PGconn *conn, const rpt_options *o, int64_t company_id, run_stats *stats)
{
    char id[24], what[96];
    snprintf(id, sizeof id, "%" PRId64, company_id);
    const char *params[] = {id};
    PGresult *months =
        db_query(conn, "queries/report_dirty_months", 1, params,
                 adr_fmt(what, sizeof what, "read the changed months of company %s", id));
    if (!months) {
        stats->failed++;
        return;
    }
    for (int r = 0; r < PQntuples(months) && !db_lost(conn); r++) {
        const char *month_day = PQgetvalue(months, r, 0), *marked_at = PQgetvalue(months, r, 1);
        char month[8];
        const char *why;
        rpt_period period;
        snprintf(month, sizeof month, "%.7s", month_day);
        if (!rpt_period_month(&period, month, o->period.as_of[0] ? o->period.as_of : NULL, &why)) {
            char primary[128];
            adr_warning(adr_fmt(primary, sizeof primary, "skipping changed month %s of company %s",
                                month_day, id),
                        why, NULL);
            continue;
        }
        if (!report_one(conn, o, company_id, &period, stats))
            continue; /* the mark stays: the next run tries again */
        const char *clear[] = {id, month_day, marked_at};
        PGresult *res = db_query(
            conn, "queries/report_clear_dirty", 3, clear,
            adr_fmt(what, sizeof what, "clear the changed mark of company %s month %s", id, month));
        if (!res)
            stats->failed++;
        PQclear(res);
    }
    PQclear(months);
}

/* The tenants to report: the caller's list, or every row of companies. */
static int64_t *list_companies(PGconn *conn, const rpt_options *o, size_t *n)
{
    if (o->companies) {
        int64_t *ids = adr_xmalloc(o->ncompanies * sizeof *ids);
        memcpy(ids, o->companies, o->ncompanies * sizeof *ids);
        *n = o->ncompanies;
        return ids;
    }
    PGresult *res = db_query(conn, "queries/report_companies", 0, NULL, "list the companies");
    if (!res)
        return NULL;
    *n = (size_t)PQntuples(res);
    int64_t *ids = adr_xmalloc(*n * sizeof *ids);
    for (size_t i = 0; i < *n; i++)
        ids[i] = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
    PQclear(res);
    return ids;
}

int rpt_run(PGconn *conn, const rpt_options *o)
{
    /* CSV and XLSX are UTF-8 whatever the database's encoding. */
    if (PQsetClientEncoding(conn, "UTF8") != 0) {
        db_report(conn, NULL, "set the client encoding to UTF8");
        return ADR_EXIT_ERROR;
    }
    size_t n = 0;
    int64_t *ids = list_companies(conn, o, &n);
    if (!ids)
        return ADR_EXIT_ERROR;
    run_stats stats = {0};
    for (size_t i = 0; i < n; i++) {
        if (o->changed)
            report_changed(conn, o, ids[i], &stats);
        else
            report_one(conn, o, ids[i], &o->period, &stats);
        if (db_lost(conn)) {
            adr_error("stopped writing reports: the connection to the database was lost", NULL,
                      "rerun when the server is back; published reports are complete");
            stats.failed++;
            break;
        }
    }
    free(ids);
    if (stats.failed)
        adr_info("%zu report%s written to \"%s\", %zu failed", stats.written,
                 stats.written == 1 ? "" : "s", o->out_dir, stats.failed);
    else
        adr_info("%zu report%s written to \"%s\"", stats.written, stats.written == 1 ? "" : "s",
                 o->out_dir);
    return stats.failed ? ADR_EXIT_ERROR : ADR_EXIT_OK;
}
