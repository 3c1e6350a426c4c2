/*
 * report_run.c - the report driver: which tenants and periods, a fixed pool
 * of workers (each with its own connection) reading models and writing their
 * files in parallel, folders, dirty-month marks (see rpt_run in report.h).
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
    o->out_dir = RPT_DEFAULT_OUT;
    o->csv_bom = true;
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
 * The report workers.  Each takes the next job, reads its model over its own
 * connection, writes its files and clears its --changed mark, then takes the
 * next: the server's query work of one tenant overlaps the file work
 * (libxlsxwriter, deflate, fsync) of another, on every core.  At most one
 * model per worker is in memory, whatever the number of tenants.
 */
typedef struct worker_pool {
    const rpt_options *o;
    const report_job *jobs;
    size_t njobs;
    pthread_mutex_t lock; /* guards next, stats, stop */
    size_t next;
    run_stats stats;
    bool stop; /* a connection was lost: take no more jobs */
} worker_pool;

typedef struct worker {
    worker_pool *pool;
    PGconn *conn;
    pthread_t thread;
    bool started;
} worker;

/* Count a result under the pool's lock. */
static void count(worker_pool *p, bool ok)
{
    pthread_mutex_lock(&p->lock);
    if (ok)
        p->stats.written++;
    else
        p->stats.failed++;
    pthread_mutex_unlock(&p->lock);
    prog_item_done(0);
}

/*
 * Publish the model's files as folder parent/label, all at once: they are
 * written into a staging folder beside it, which then trades places with
 * the old folder (af_dir_swap; formats not written this time are carried
 * over), so a download of the folder gets every file old or every file new,
 * also after a crash at any moment.
 */
static bool write_files(const rpt_options *o, const rpt_model *m, const char *parent,
                        const char *dir)
{
    char error[PATH_MAX + 64], primary[PATH_MAX + 64];
    if (!af_mkdirs(parent, error, sizeof error)) {
        int err = errno;
        adr_error(adr_fmt(primary, sizeof primary, "could not create report folder \"%s\"", dir),
                  error, af_hint(err));
        return false;
    }
    /* The tenant's download manifest (manifest.h) lists the folder without
     * files while they are replaced, and hashed again once published. */
    if (!manifest_withdraw(m->company_id, o->out_dir, m->period.label))
        return false;
    af_dir *stage = adr_xmalloc(sizeof *stage);
    bool ok = af_dir_stage(stage, parent, m->period.label);
    if (!ok)
        adr_error(adr_fmt(primary, sizeof primary, "could not write report folder \"%s\"", dir),
                  stage->error, af_hint(stage->error_no));
    ok = ok &&
         (!(o->formats & RPT_FORMAT_CSV) || rpt_write_csv(m, stage->stage_path, o->csv_bom)) &&
         (!(o->formats & RPT_FORMAT_XLSX) || rpt_write_xlsx(m, stage->stage_path));
    if (ok && !af_dir_swap(stage)) {
        adr_error(adr_fmt(primary, sizeof primary, "could not publish report folder \"%s\"", dir),
                  stage->error, af_hint(stage->error_no));
        ok = false;
    }
    af_dir_abort(stage); /* removes the staging folder unless published */
    free(stage);
    /* On failure too: the folder's previous files are listed again. */
    return manifest_update(m->company_id, o->out_dir, ok ? m : NULL) && ok;
}

/* One job, start to end, on conn.  Returns whether it was published. */
static bool do_job(PGconn *conn, const rpt_options *o, const report_job *job)
{
    double start = adr_now();
    char parent[PATH_MAX], dir[PATH_MAX], label[64];
    prog_item_begin(
        adr_fmt(label, sizeof label, "company %" PRId64 " %s", job->company_id, job->period.label));
    size_t out_len = strlen(o->out_dir);
    while (out_len > 1 && o->out_dir[out_len - 1] == '/')
        out_len--;
    /* Only numbers and dates: no tenant-controlled text in a path. */
    if (snprintf(parent, sizeof parent, "%.*s/%" PRId64, (int)out_len, o->out_dir,
                 job->company_id) >= (int)sizeof parent ||
        snprintf(dir, sizeof dir, "%s/%s", parent, job->period.label) >= (int)sizeof dir) {
        adr_error("could not write report: the output folder name is too long", o->out_dir, NULL);
        sum_report(job->company_id, job->period.label, NULL, false);
        return false;
    }
    rpt_model model;
    if (!rpt_model_load(conn, job->company_id, &job->period, &model)) {
        sum_report(job->company_id, job->period.label, NULL, false);
        return false;
    }
    bool ok = write_files(o, &model, parent, dir);
    sum_report(job->company_id, job->period.label, dir, ok);
    if (ok)
        adr_info("report of company %" PRId64 " for %s: %d campaigns, %d ads, %d daily rows -> "
                 "%s (%.2f s)",
                 job->company_id, job->period.label, model.campaigns.nrows, model.ads.nrows,
                 model.daily.nrows, dir, adr_now() - start);
    rpt_model_free(&model);
    if (ok && job->clear_mark && !db_lost(conn)) {
        char id[24], what[128];
        snprintf(id, sizeof id, "%" PRId64, job->company_id);
        const char *clear[] = {id, job->month_day, job->marked_at};
        PGresult *res =
            db_query(conn, "queries/report_clear_dirty", 3, clear,
                     adr_fmt(what, sizeof what, "clear the changed mark of company %s month %s", id,
                             job->period.label));
        ok = res != NULL;
        PQclear(res);
    }
    return ok;
}

static void *work(void *arg)
{
    worker *w = arg;
    worker_pool *p = w->pool;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t k = p->stop ? p->njobs : p->next++;
        pthread_mutex_unlock(&p->lock);
        if (k >= p->njobs)
            return NULL;
        count(p, do_job(w->conn, p->o, &p->jobs[k]));
        if (db_lost(w->conn)) {
            pthread_mutex_lock(&p->lock);
            p->stop = true;
            pthread_mutex_unlock(&p->lock);
        }
    }
}

/* Run the jobs on up to RPT_WORKERS workers; worker 0 uses conn. */
static void run_jobs(PGconn *conn, const rpt_options *o, const report_job *jobs, size_t njobs,
                     run_stats *stats)
{
    worker_pool pool = {.o = o, .jobs = jobs, .njobs = njobs};
    pthread_mutex_init(&pool.lock, NULL);
    worker workers[RPT_WORKERS];
    int nworkers = njobs < RPT_WORKERS ? (int)njobs : RPT_WORKERS;
    memset(workers, 0, sizeof workers);
    for (int i = 0; i < nworkers; i++) {
        workers[i].pool = &pool;
        workers[i].conn = i == 0 ? conn : db_connect_like(conn, "report");
        if (!workers[i].conn)
            break;
        workers[i].started =
            i > 0 && pthread_create(&workers[i].thread, NULL, work, &workers[i]) == 0;
        if (i > 0 && !workers[i].started) {
            PQfinish(workers[i].conn);
            workers[i].conn = NULL;
            break;
        }
    }
    if (nworkers > 0)
        work(&workers[0]); /* the calling thread is worker 0 */
    for (int i = 1; i < nworkers; i++)
        if (workers[i].started) {
            pthread_join(workers[i].thread, NULL);
            PQfinish(workers[i].conn);
        }
    pthread_mutex_destroy(&pool.lock);
    stats->written += pool.stats.written;
    stats->failed += pool.stats.failed;
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

/*
 * --changed: a job per dirty month in months, with its mark.  The columns
 * are (company_id, month, marked_at) with company_col 0, or (month,
 * marked_at) of company_id with company_col -1.
 */
static void add_month_jobs(const rpt_options *o, PGresult *months, int company_col,
                           int64_t company_id, job_list *l)
{
    int c = company_col + 1;
    for (int r = 0; r < PQntuples(months); r++) {
        int64_t company =
            company_col < 0 ? company_id : strtoll(PQgetvalue(months, r, company_col), NULL, 10);
        const char *month_day = PQgetvalue(months, r, c), *marked_at = PQgetvalue(months, r, c + 1);
        char month[8];
        const char *why;
        rpt_period period;
        snprintf(month, sizeof month, "%.7s", month_day);
        if (!rpt_period_month(&period, month, o->period.as_of[0] ? o->period.as_of : NULL, &why)) {
            char primary[128];
            adr_warning(adr_fmt(primary, sizeof primary,
                                "skipping changed month %s of company %" PRId64, month_day,
                                company),
                        why, NULL);
            continue;
        }
        report_job *job = add_job(l, company);
        job->period = period;
        /* The mark says the month's published files are stale.  A run
         * that writes only some formats carries the others over as they
         * were, still stale, so the mark stays for a run that writes all. */
        job->clear_mark = o->formats == RPT_FORMAT_ALL;
        snprintf(job->month_day, sizeof job->month_day, "%s", month_day);
        snprintf(job->marked_at, sizeof job->marked_at, "%s", marked_at);
    }
}

/* --changed for one tenant. */
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
    add_month_jobs(o, months, -1, company_id, l);
    PQclear(months);
}

/* --changed for every tenant: one query, not one per tenant. */
static void add_all_changed_jobs(PGconn *conn, const rpt_options *o, job_list *l, run_stats *stats)
{
    PGresult *months =
        db_query(conn, "queries/report_dirty_months_all", 0, NULL, "read the changed months");
    if (!months) {
        stats->failed++;
        sum_reports_failed(1);
        return;
    }
    add_month_jobs(o, months, 0, 0, l);
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
    run_stats stats = {0};
    job_list jobs = {0};
    int64_t *ids = NULL;
    if (o->changed && !o->companies)
        add_all_changed_jobs(conn, o, &jobs, &stats);
    else if (!(ids = list_companies(conn, o, &n))) {
        sum_reports_failed(1);
        return ADR_EXIT_ERROR;
    }
    for (size_t i = 0; i < n && !db_lost(conn); i++) {
        if (o->changed)
            add_changed_jobs(conn, o, ids[i], &jobs, &stats);
        else
            add_job(&jobs, ids[i])->period = o->period;
    }
    prog_begin("report", "reports", jobs.n, 0, 0);
    run_jobs(conn, o, jobs.jobs, jobs.n, &stats);
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
