/*
 * cmd_run.c - `adreport run --incoming DIR`: the nightly job cron calls.
 *
 * lock -> load (entity files, then DIR/<company_id>/ logs) -> archive what
 * committed -> rollup of the changed tenant-days -> reports of the changed
 * tenant-months -> summary.  Exit codes are the loader's (0, 3, 4), 1 for
 * any other error and 75 when another run holds the lock.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/job.h"
#include "adreport/loader.h"
#include "adreport/report.h"
#include "adreport/summary.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "Usage: adreport run --incoming DIR [OPTIONS]\n\n"
    "The nightly job: load new files (entity files at the top of DIR, logs under\n"
    "DIR/<company_id>/), roll up the changed days, write the changed months' reports.\n"
    "Safe to rerun: loaded content is skipped.  Exits 75 if another run is active.\n\n"
    "  --incoming DIR       where new files arrive (required)\n"
    "  --reports DIR        report output (default ./reports)\n"
    "  --rejects DIR        rejected rows (default ./rejects)\n"
    "  --archive DIR        move each committed (or already loaded) file here\n"
    "  --max-reject-rate R  refuse a file with a larger rejected share (default 0.05)\n"
    "  --jobs N             load log files, and roll up, over N connections at once\n"
    "                       (default 2)\n";

typedef struct archive_ctx {
    const char *incoming, *archive;
    job_summary *summary;
    bool failed;
} archive_ctx;

/* Only after its transaction committed (or it was loaded before) does a
 * file leave the incoming folder: a failed file stays for the next run. */
static void archive_done(void *ctx, const char *path, ld_result result)
{
    archive_ctx *a = ctx;
    if (result != LD_LOADED && result != LD_SKIPPED)
        return;
    if (job_archive(a->incoming, a->archive, path)) {
        a->summary->archived++;
        sum_files_archived(1);
    } else
        a->failed = true;
}

int cmd_run(int argc, char **argv)
{
    enum { OPT_INCOMING = 256, OPT_REPORTS, OPT_REJECTS, OPT_ARCHIVE, OPT_RATE, OPT_JOBS };
    static const struct option longopts[] = {{"incoming", required_argument, NULL, OPT_INCOMING},
                                             {"reports", required_argument, NULL, OPT_REPORTS},
                                             {"rejects", required_argument, NULL, OPT_REJECTS},
                                             {"archive", required_argument, NULL, OPT_ARCHIVE},
                                             {"max-reject-rate", required_argument, NULL, OPT_RATE},
                                             {"jobs", required_argument, NULL, OPT_JOBS},
                                             CLI_COMMON_OPTIONS};
    struct cli_common common = {0};
    ld_options lo;
    ld_options_init(&lo);
    const char *incoming = NULL, *reports = RPT_DEFAULT_OUT, *archive = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, ":d:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_INCOMING:
            incoming = optarg;
            break;
        case OPT_REPORTS:
            reports = optarg;
            break;
        case OPT_REJECTS:
            lo.rejects_dir = optarg;
            break;
        case OPT_ARCHIVE:
            archive = optarg;
            break;
        case OPT_RATE:
            if (!cli_parse_fraction(optarg, &lo.max_reject_rate))
                return cli_usage_error("run", "--max-reject-rate takes a number from 0 to 1");
            break;
        case OPT_JOBS:
            if (!cli_parse_int(optarg, 1, LD_MAX_JOBS, &lo.jobs))
                return cli_usage_error("run", "--jobs takes a number from 1 to 16");
            break;
        default:
            if (!cli_common_option(opt, optarg, &common, usage))
                return cli_usage_error("run", cli_option_problem(opt, argv));
        }
    }
    if (!incoming)
        return cli_usage_error("run", "--incoming DIR is required");
    if (optind != argc)
        return cli_usage_error("run", "run takes no arguments besides its options");

    /* Before the lock and the database: a wrong --incoming is the crontab's
     * mistake, and a missing one (an unmounted share) is not "a file
     * failed" while every tenant's reports are rewritten anyway. */
    struct stat st;
    if (stat(incoming, &st) != 0) {
        char primary[PATH_MAX + 64];
        int err = errno;
        adr_error(
            adr_fmt(primary, sizeof primary, "could not read the incoming folder \"%s\"", incoming),
            strerror(err),
            "check --incoming (and that its filesystem is mounted); nothing was done");
        return ADR_EXIT_ERROR;
    }
    if (!S_ISDIR(st.st_mode))
        return cli_usage_error("run", "--incoming takes the folder new files arrive in, not a file "
                                      "(adreport load FILE loads one file)");

    lo.conninfo = common.db;
    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
    int rc = job_lock(conn, "nothing was done; the next scheduled run picks up the files");
    if (rc != ADR_EXIT_OK) {
        PQfinish(conn);
        return rc;
    }
    job_summary summary = {0};
    archive_ctx actx = {incoming, archive, &summary, false};
    if (archive) {
        lo.on_done = archive_done;
        lo.on_done_ctx = &actx;
    }
    lo.incoming_root = incoming;
    char *paths[] = {(char *)incoming};
    adr_info("load: %s", incoming);
    int load_rc = ld_load_paths(conn, &lo, paths, 1, &summary.load);
    ld_print_totals(&summary.load);
    rc = load_rc;
    if (load_rc != ADR_EXIT_ERROR) {
        adr_info("rollup and reports");
        int stage_rc = job_rollup_and_report(conn, 0, false, 0, 0, lo.jobs, reports, &summary);
        if (stage_rc != ADR_EXIT_OK)
            rc = ADR_EXIT_ERROR;
    }
    if (actx.failed && rc != ADR_EXIT_ERROR)
        rc = ADR_EXIT_ERROR;
    job_print_summary(&summary, rc);
    PQfinish(conn);
    return rc;
}
