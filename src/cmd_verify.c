/*
 * cmd_verify.c - `adreport verify [--company N]... [--from DAY --to DAY | --all]`.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/verify.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "Usage: adreport verify [--company N]... [--from DAY --to DAY | --all] [OPTIONS]\n\n"
    "Recompute the daily stats from the raw events, without writing them, and compare\n"
    "them with ad_daily_stats and ads.impressions_count/clicks_count.  Prints each\n"
    "difference (company, ad, day, column, stored, recomputed); exit 0 when all are\n"
    "equal, 1 when not.\n\n"
    "  --company N          only this tenant (repeatable, or a list: 3,7,12)\n"
    "  --from DAY --to DAY  only these days (YYYY-MM-DD, inclusive; each tenant's local days)\n"
    "  --all                every day that has events or stats (the default)\n";

int cmd_verify(int argc, char **argv)
{
    struct cli_common common = {0};
    ru_options opts = {0};
    int rc = cli_parse_scope("verify", argc, argv, usage, &opts, &common);
    if (rc >= 0)
        return rc;
    opts.all = !opts.ranged;

    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
    if ((rc = cli_check_companies(conn, "verify", &opts)) >= 0) {
        PQfinish(conn);
        return rc;
    }
    vf_totals totals = {0};
    bool ok = vf_run(conn, &opts, stdout, &totals);
    PQfinish(conn);
    if (!ok)
        return ADR_EXIT_ERROR;
    if (adr_verbosity >= ADR_NORMAL || totals.differences)
        printf("verify: %llu tenants, %llu tenant-days: %s (%llu differences)\n",
               (unsigned long long)totals.tenants, (unsigned long long)totals.days,
               totals.differences ? "DIFFERENT" : "equal", (unsigned long long)totals.differences);
    return totals.differences ? ADR_EXIT_ERROR : ADR_EXIT_OK;
}
