/*
 * cmd_rollup.c - `adreport rollup [--company N]... [--from DAY --to DAY | --all]`.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/rollup.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "Usage: adreport rollup [--company N]... [--from DAY --to DAY | --all] [OPTIONS]\n\n"
    "Recompute ad_daily_stats (and so campaign_daily_stats) for the tenant-days that\n"
    "loads changed, replacing their rows; refresh ads.impressions_count/clicks_count.\n\n"
    "  --company N          only this tenant (repeatable, or a list: 3,7,12)\n"
    "  --from DAY --to DAY  also recompute these days (YYYY-MM-DD, inclusive; each tenant's local "
    "days)\n"
    "  --all                recompute every day that has events or stats\n"
    "  --jobs N             split the tenants over N connections at once (default 2)\n";

int cmd_rollup(int argc, char **argv)
{
    struct cli_common common = {0};
    ru_options opts = {.jobs = RU_DEFAULT_JOBS}; /* and --jobs, see cli_parse_scope */
    int rc = cli_parse_scope("rollup", argc, argv, usage, &opts, &common);
    if (rc >= 0)
        return rc;

    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
    if ((rc = cli_check_companies(conn, "rollup", &opts)) >= 0) {
        PQfinish(conn);
        return rc;
    }
    ru_totals totals = {0};
    bool ok = ru_run(conn, &opts, &totals);
    if (ok && adr_verbosity >= ADR_NORMAL)
        printf("rollup total: %llu tenants, %llu days, %llu ad-day rows, %.2f s\n",
               (unsigned long long)totals.tenants, (unsigned long long)totals.days,
               (unsigned long long)totals.rows, totals.seconds);
    if (ok)
        ru_print_without_campaign(&totals);
    PQfinish(conn);
    return ok ? ADR_EXIT_OK : ADR_EXIT_ERROR;
}
