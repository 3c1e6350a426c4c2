/*
 * report_run.c - the report driver: which tenants and periods, reading one
 * model while the previous one's files are written, folders, dirty-month
 * marks (see rpt_run in report.h).
 */
#include "adreport/atomic_file.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/manifest.h"
#include "adreport/progress.h"
#include "adreport/report.h"
#include "adreport/summary.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
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
    o->csv_bom = true;
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

/* One report to write: a tenant and period, and its --changed mark. */
typedef struct report_job {
    int64_t company_id;
    rpt_period period;
    bool clear_mark;    /* --changed: clear the mark once published */
    char month_day[16]; /* the mark's month, "2026-11-01" */
    char marked_at[64]; /* the mark's time when read: a renewed mark stays */
} report_job;

/*
 * Writing one report's files, on a thread of its own: while it writes, the
 * main thread already reads the next tenant's model from the database, so the
 * server's work and the file work overlap (make bench: the two take about the
 * same time).  The writer touches no connection; marks are cleared by the
 * main thread after the join.  So at most two models are in memory.
 */
typedef struct write_task {
    const rpt_options *o;
    const report_job *job;
    rpt_model model;
    char dir[PATH_MAX];
    double start;
    bool ok;
    bool threaded; /* written on `thread`, to be joined */
    pthread_t thread;
} write_task;

static void *write_files(void *arg)
{
    write_task *t = arg;
    char error[PATH_MAX + 64];
    t->ok = af_mkdirs(t->dir, error, sizeof error);
    if (!t->ok) {
        char primary[PATH_MAX + 64];
        int err = errno;
        adr_error(adr_fmt(primary, sizeof primary, "could not create report folder \"%s\"", t->dir),
                  error, af_hint(err));
    }
    /* The tenant's download manifest (manifest.h) lists the folder without
     * files while they are replaced, and hashed again once published. */
    bool listed =
        t->ok && manifest_withdraw(t->job->company_id, t->o->out_dir, t->job->period.label);
    t->ok = listed;
    t->ok = t->ok &&
            (!(t->o->formats & RPT_FORMAT_CSV) || rpt_write_csv(&t->model, t->dir, t->o->csv_bom));
    t->ok = t->ok && (!(t->o->formats & RPT_FORMAT_XLSX) || rpt_write_xlsx(&t->model, t->dir));
    if (listed) /* on failure too: the folder's previous files are listed again */
        t->ok =
            manifest_update(t->job->company_id, t->o->out_dir, t->ok ? &t->model : NULL) && t->ok;
    return NULL;
}

/* Read a job's model and start writing it.  NULL when it could not start. */
static write_task *start_job(PGconn *conn, const rpt_options *o, const report_job *job,
                             run_stats *stats)
{
    char label[64];
    prog_item_begin(
        adr_fmt(label, sizeof label, "company %" PRId64 " %s", job->company_id, job->period.label));
    write_task *t = adr_xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->o = o;
    t->job = job;
    t->start = adr_now();
    size_t out_len = strlen(o->out_dir);
    while (out_len > 1 && o->out_dir[out_len - 1] == '/')
        out_len--;
    /* Only numbers and dates: no tenant-controlled text in a path. */
    if (snprintf(t->dir, sizeof t->dir, "%.*s/%" PRId64 "/%s", (int)out_len, o->out_dir,
                 job->company_id, job->period.label) >= (int)sizeof t->dir) {
        adr_error("could not write report: the output folder name is too long", o->out_dir, NULL);
        stats->failed++;
        sum_report(job->company_id, job->period.label, NULL, false);
        prog_item_done(0);
        free(t);
        return NULL;
    }
    if (!rpt_model_load(conn, job->company_id, &job->period, &t->model)) {
        stats->failed++;
        sum_report(job->company_id, job->period.label, NULL, false);
        prog_item_done(0);
        free(t);
        return NULL;
    }
    t->threaded = pthread_create(&t->thread, NULL, write_files, t) == 0;
    if (!t->threaded)
        write_files(t); /* no thread to be had: write here, in order */
    return t;
}

/* Wait for a task, count it, clear its --changed mark when published. */
static void finish_job(PGconn *conn, write_task *t, run_stats *stats)
{
    if (t->threaded)
        pthread_join(t->thread, NULL);
    const report_job *job = t->job;
    sum_report(job->company_id, job->period.label, t->dir, t->ok);
    prog_item_done(0);
    if (t->ok) {
        stats->written++;
        adr_info("report of company %" PRId64 " for %s: %d campaigns, %d ads, %d daily rows -> "
                 "%s (%.2f s)",
                 job->company_id, job->period.label, t->model.campaigns.nrows, t->model.ads.nrows,
                 t->model.daily.nrows, t->dir, adr_now() - t->start);
    } else {
        stats->failed++;
    }
    if (t->ok && job->clear_mark && !db_lost(conn)) {
        char id[24], what[128];
        snprintf(id, sizeof id, "%" PRId64, job->company_id);
        const char *clear[] = {id, job->month_day, job->marked_at};
        PGresult *res =
            db_query(conn, "queries/report_clear_dirty", 3, clear,
                     adr_fmt(what, sizeof what, "clear the changed mark of company %s month %s", id,
                             job->period.label));
        if (!res)
            stats->failed++;
        PQclear(res);
    }
    rpt_model_free(&t->model);
    free(t);
}

typedef struct job_list {
    report_job *jobs;
    size_t n, cap;
} job_list;

static report_job *add_job(job_list *l, int64_t company_id)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->jobs = adr_xrealloc(l->jobs, l->cap * sizeof *l->jobs);
    }
    report_job *job = &l->jobs[l->n++];
    memset(job, 0, sizeof *job);
    job->company_id = company_id;
    return job;
}

/* --changed: a job per dirty month of the tenant, with its mark. */
static void add_changed_jobs(PGconn *conn, const rpt_options *o, int64_t company_id, job_list *l,
                             run_stats *stats)
{
    char id[24], what[96];
    snprintf(id, sizeof id, "%" PRId64, company_id);
    const char *params[] = {id};
    PGresult *months =
        db_query(conn, "queries/report_dirty_months", 1, params,
                 adr_fmt(what, sizeof what, "read the changed months of company %s", id));
    if (!months) {
        stats->failed++;
        sum_reports_failed(1);
        return;
    }
    for (int r = 0; r < PQntuples(months); r++) {
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
        report_job *job = add_job(l, company_id);
        job->period = period;
        job->clear_mark = true;
        snprintf(job->month_day, sizeof job->month_day, "%s", month_day);
        snprintf(job->marked_at, sizeof job->marked_at, "%s", marked_at);
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
    double t0 = adr_now();
    size_t n = 0;
    int64_t *ids = list_companies(conn, o, &n);
    if (!ids) {
        sum_reports_failed(1);
        return ADR_EXIT_ERROR;
    }
    run_stats stats = {0};
    job_list jobs = {0};
    for (size_t i = 0; i < n && !db_lost(conn); i++) {
        if (o->changed)
            add_changed_jobs(conn, o, ids[i], &jobs, &stats);
        else
            add_job(&jobs, ids[i])->period = o->period;
    }
    /* Read job k while job k-1's files are written. */
    prog_begin("report", "reports", jobs.n, 0, 0);
    write_task *writing = NULL;
    for (size_t k = 0; k < jobs.n && !db_lost(conn); k++) {
        write_task *next = start_job(conn, o, &jobs.jobs[k], &stats);
        if (writing)
            finish_job(conn, writing, &stats);
        writing = next;
    }
    if (writing)
        finish_job(conn, writing, &stats);
    prog_end();
    sum_stage("report", adr_now() - t0);
    if (db_lost(conn)) {
        adr_error("stopped writing reports: the connection to the database was lost", NULL,
                  "rerun when the server is back; published reports are complete");
        stats.failed++;
        sum_reports_failed(1);
    }
    free(jobs.jobs);
    free(ids);
    if (stats.failed)
        adr_info("%zu report%s written to \"%s\", %zu failed", stats.written,
                 stats.written == 1 ? "" : "s", o->out_dir, stats.failed);
    else
        adr_info("%zu report%s written to \"%s\"", stats.written, stats.written == 1 ? "" : "s",
                 o->out_dir);
    return stats.failed ? ADR_EXIT_ERROR : ADR_EXIT_OK;
}
