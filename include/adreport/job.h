/*
 * job.h - what `adreport run` and `adreport backfill` share: the run lock,
 * the stages after loading, archiving and the summary.
 */
#ifndef ADREPORT_JOB_H
#define ADREPORT_JOB_H

#include "adreport/loader.h"
#include "adreport/rollup.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/* Seconds spent per stage and what each did, for the summary. */
typedef struct job_summary {
    ld_totals load;
    ru_totals rollup;
    double report_seconds;
    int report_rc;
    uint64_t archived;
} job_summary;

/*
 * job_lock - take the database-wide run lock.  Returns ADR_EXIT_OK, or
 * ADR_EXIT_LOCKED after saying that another run holds it (with `hint`: what
 * the caller should do), or ADR_EXIT_ERROR.
 */
int job_lock(PGconn *conn, const char *hint);

/*
 * job_rollup_and_report - roll up what changed (restricted to `company` when
 * not 0, and forcing from..to when ranged) over up to `jobs` connections,
 * then write the reports of every tenant-month that changed into
 * reports_dir.  Returns an exit code.
 */
int job_rollup_and_report(PGconn *conn, int64_t company, bool ranged, int32_t from_day,
                          int32_t to_day, int jobs, const char *reports_dir, job_summary *s);

/*
 * job_archive - move `path` (under `incoming`) to the same relative path
 * under `archive`.  Returns false after printing why.
 */
bool job_archive(const char *incoming, const char *archive, const char *path);

/* job_print_summary - the closing lines of a run. */
void job_print_summary(const job_summary *s, int rc);

#endif
