/*
 * cmd_backfill.c - `adreport backfill --company N --from DAY --to DAY PATH...`
 *
 * Replaces tenant N's clicks and impressions of the range with the rows of
 * the given files, in ONE transaction: the range is cleared, every file is
 * loaded (rows outside the range are rejected), and only if every file
 * loads does it commit.  Then the range is rolled up and the affected
 * months' reports are written.  A year can go in one call or month by month.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"
#include "adreport/job.h"
#include "adreport/loader.h"
#include "adreport/report.h"
#include "adreport/summary.h"
#include "adreport/tenant.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "Usage: adreport backfill --company N --from DAY --to DAY [OPTIONS] PATH...\n\n"
    "Replace company N's events of its local days DAY..DAY (inclusive, in its zone) with the rows\n"
    "of the given files and folders, atomically; then roll up the range and rewrite\n"
    "the affected months' reports.\n\n"
    "  --company N          the tenant (required)\n"
    "  --from DAY --to DAY  the range, YYYY-MM-DD (required)\n"
    "  --reports DIR        report output (default ./reports)\n"
    "  --rejects DIR        rejected rows (default ./rejects)\n"
    "  --max-reject-rate R  refuse a file with a larger rejected share (default 0.05)\n";

/*
 * --from/--to are the tenant's local days: their zone, and where they begin
 * and end in UTC, for the rows' outside_range check.
 */
static bool local_day_bounds(PGconn *conn, ld_options *lo, const char *from, const char *to,
                             char zone[TN_ZONE_SIZE])
{
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)lo->company);
    const char *params[] = {id, from, to};
    PGresult *res =
        db_query(conn, "queries/backfill_bounds", 3, params, "find the backfilled days in UTC");
    if (!res)
        return false;
    snprintf(zone, TN_ZONE_SIZE, "%s", PQgetvalue(res, 0, 0));
    lo->from_usec = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    lo->to_usec = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
    lo->time_zone = zone;
    PQclear(res);
    return true;
}

int cmd_backfill(int argc, char **argv)
{
    enum { OPT_COMPANY = 256, OPT_FROM, OPT_TO, OPT_REPORTS, OPT_REJECTS, OPT_RATE };
    static const struct option longopts[] = {{"company", required_argument, NULL, OPT_COMPANY},
                                             {"from", required_argument, NULL, OPT_FROM},
                                             {"to", required_argument, NULL, OPT_TO},
                                             {"reports", required_argument, NULL, OPT_REPORTS},
                                             {"rejects", required_argument, NULL, OPT_REJECTS},
                                             {"max-reject-rate", required_argument, NULL, OPT_RATE},
                                             CLI_COMMON_OPTIONS};
    struct cli_common common = {0};
    ld_options lo;
    ld_options_init(&lo);
    lo.backfill = true;
    lo.tx_owner = LD_TX_CALLER; /* one transaction: every file or nothing */
    const char *reports = RPT_DEFAULT_OUT;
    bool has_from = false, has_to = false;
    int opt;
    while ((opt = getopt_long(argc, argv, ":d:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_COMPANY:
            if (!cli_parse_company(optarg, &lo.company))
                return cli_usage_error("backfill", "--company takes a positive company id");
            break;
        case OPT_FROM:
            if (!(has_from = day_parse(optarg, &lo.from_day)))
                return cli_usage_error("backfill", "--from takes a date YYYY-MM-DD");
            break;
        case OPT_TO:
            if (!(has_to = day_parse(optarg, &lo.to_day)))
                return cli_usage_error("backfill", "--to takes a date YYYY-MM-DD");
            break;
        case OPT_REPORTS:
            reports = optarg;
            break;
        case OPT_REJECTS:
            lo.rejects_dir = optarg;
            break;
        case OPT_RATE:
            if (!cli_parse_fraction(optarg, &lo.max_reject_rate))
                return cli_usage_error("backfill", "--max-reject-rate takes a number from 0 to 1");
            break;
        default:
            if (!cli_common_option(opt, optarg, &common, usage))
                return cli_usage_error("backfill", cli_option_problem(opt, argv));
        }
    }
    if (!lo.company || !has_from || !has_to)
        return cli_usage_error("backfill", "--company, --from and --to are required");
    if (lo.from_day > lo.to_day)
        return cli_usage_error("backfill", "--from is after --to");
    if (optind == argc)
        return cli_usage_error("backfill", "no file or folder to load");

    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
    int rc = job_lock(conn, "nothing was changed; run the same backfill again when the other "
                            "job has finished");
    if (rc != ADR_EXIT_OK) {
        PQfinish(conn);
        return rc;
    }
    job_summary summary = {0};
    char from[DAY_STR], to[DAY_STR];
    day_format(lo.from_day, from);
    day_format(lo.to_day, to);
    adr_info("backfill company %lld, %s..%s", (long long)lo.company, from, to);
    char zone[TN_ZONE_SIZE];
    bool ok = db_exec_text(conn, "BEGIN", "start the backfill") &&
              local_day_bounds(conn, &lo, from, to, zone) &&
              ld_backfill_clear(conn, lo.company, lo.from_day, lo.to_day, zone);
    if (ok) {
        rc = ld_load_paths(conn, &lo, argv + optind, argc - optind, &summary.load);
        ok = rc == ADR_EXIT_OK || rc == ADR_EXIT_REJECTS;
    } else {
        rc = ADR_EXIT_ERROR;
    }
    if (ok && !db_exec_text(conn, "COMMIT", "commit the backfill")) {
        ok = false;
        rc = ADR_EXIT_ERROR;
    }
    if (!ok) {
        PGresult *res = PQexec(conn, "ROLLBACK");
        PQclear(res);
        adr_error("backfill rolled back: nothing was changed",
                  "a file failed or the database reported an error (see above)",
                  "fix the file and run the same backfill again");
        summary.load.files_loaded = 0;
        summary.load.rows_loaded = 0;
        sum_rolled_back("the backfill rolled back: nothing was changed");
    } else {
        ld_print_totals(&summary.load);
        adr_info("rollup and reports");
        if (job_rollup_and_report(conn, lo.company, true, lo.from_day, lo.to_day, 1, reports,
                                  &summary) != ADR_EXIT_OK)
            rc = ADR_EXIT_ERROR;
    }
    job_print_summary(&summary, rc);
    PQfinish(conn);
    return rc;
}
