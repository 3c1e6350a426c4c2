/*
 * job.c - the stages of the nightly job after loading (see job.h).
 */
#include "adreport/job.h"
#include "adreport/atomic_file.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* reports/<company_id>/<period>/: the folders reports are written in. */
#define JOB_REPORT_DEPTH 2

int job_lock(PGconn *conn, const char *hint)
{
    int got = db_try_lock(conn, "run");
    if (got < 0)
        return ADR_EXIT_ERROR;
    if (got == 0) {
        adr_error("another adreport run or backfill is in progress on this database",
                  "the run lock (a PostgreSQL advisory lock) is held by another session", hint);
        return ADR_EXIT_LOCKED;
    }
    return ADR_EXIT_OK;
}

int job_rollup_and_report(PGconn *conn, int64_t company, bool ranged, int32_t from_day,
                          int32_t to_day, int jobs, const char *reports_dir, job_summary *s)
{
    ru_options ru = {.ranged = ranged, .from_day = from_day, .to_day = to_day, .jobs = jobs};
    if (company) {
        ru.companies = &company;
        ru.ncompanies = 1;
    }
    if (!ru_run(conn, &ru, &s->rollup))
        return ADR_EXIT_ERROR;

    double t0 = adr_now();
    rpt_options rpt;
    rpt_options_init(&rpt);
    rpt.changed = true;
    rpt.out_dir = reports_dir;
    if (company) {
        rpt.companies = &company;
        rpt.ncompanies = 1;
    }
    s->report_rc = rpt_run(conn, &rpt);
    /* Temporaries of a report killed earlier, in months not written now. */
    af_remove_stale_tree(reports_dir, JOB_REPORT_DEPTH);
    s->report_seconds = adr_now() - t0;
    return s->report_rc;
}

/* mkdir -p of the folder holding path; errno says why it failed. */
static bool make_parent(const char *path)
{
    char dir[PATH_MAX], error[AF_ERROR_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return true; /* the current folder or "/" */
    if ((size_t)(slash - path) >= sizeof dir) {
        errno = ENAMETOOLONG;
        return false;
    }
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    return af_mkdirs(dir, error, sizeof error);
}

/* The most ".N" names tried beside an archived file of the same name. */
#define JOB_ARCHIVE_MAX_SUFFIX 1000

/*
 * rename() that never replaces: an archived file of the same name (a file
 * re-sent under its old name) stays, and this one gets "<name>.1", ".2"...
 * link() fails with EEXIST instead of overwriting, so two runs cannot race.
 */
static bool move_no_replace(const char *path, char *dest, size_t size)
{
    size_t n = strlen(dest);
    for (int i = 0; i <= JOB_ARCHIVE_MAX_SUFFIX; i++) {
        if (i > 0 && (size_t)snprintf(dest + n, size - n, ".%d", i) >= size - n)
            return false;
        if (link(path, dest) == 0)
            return unlink(path) == 0;
        if (errno == EEXIST)
            continue;
        if (errno != EPERM && errno != EOPNOTSUPP && errno != EXDEV)
            return false;
        /* No hard links here (or another filesystem: rename says EXDEV). */
        struct stat st;
        if (lstat(dest, &st) == 0)
            continue;
        return rename(path, dest) == 0;
    }
    errno = EEXIST;
    return false;
}

bool job_archive(const char *incoming, const char *archive, const char *path)
{
    size_t n = strlen(incoming);
    while (n > 0 && incoming[n - 1] == '/')
        n--;
    const char *rel = strncmp(path, incoming, n) == 0 ? path + n : path;
    while (*rel == '/')
        rel++;
    char dest[PATH_MAX];
    bool fits = (size_t)snprintf(dest, sizeof dest, "%s/%s", archive, rel) < sizeof dest;
    if (!fits)
        errno = ENAMETOOLONG;
    if (!fits || !make_parent(dest) || !move_no_replace(path, dest, sizeof dest)) {
        int err = errno;
        adr_errorf(strerror(err),
                   err == EXDEV ? "put --archive on the same filesystem as --incoming" : NULL,
                   "could not archive \"%s\"", path);
        return false;
    }
    return true;
}

void job_print_summary(const job_summary *s, int rc)
{
    const ld_totals *l = &s->load;
    printf("summary: files %llu loaded, %llu skipped, %llu failed; rows %llu loaded, %llu "
           "rejected; %llu archived\n",
           (unsigned long long)l->files_loaded, (unsigned long long)l->files_skipped,
           (unsigned long long)l->files_failed, (unsigned long long)l->rows_loaded,
           (unsigned long long)l->rows_rejected, (unsigned long long)s->archived);
    printf("summary: rollup %llu tenants, %llu days; seconds: load %.2f, rollup %.2f, report "
           "%.2f; exit %d\n",
           (unsigned long long)s->rollup.tenants, (unsigned long long)s->rollup.days, l->seconds,
           s->rollup.seconds, s->report_seconds, rc);
    ru_print_without_campaign(&s->rollup);
    fflush(stdout);
}
