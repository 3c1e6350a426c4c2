/*
 * cmd_verify.c - `adreport verify [--company N]... [--from DAY --to DAY | --all]`.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/days.h"
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
    "  --company N          only this tenant (repeatable)\n"
    "  --from DAY --to DAY  only these days (YYYY-MM-DD, inclusive; each tenant's local days)\n"
    "  --all                every day that has events or stats (the default)\n";

/* The most tenants one command line names with --company. */
#define VF_MAX_COMPANIES 1024

int cmd_verify(int argc, char **argv)
{
    enum { OPT_COMPANY = 256, OPT_FROM, OPT_TO, OPT_ALL };
    static const struct option longopts[] = {{"company", required_argument, NULL, OPT_COMPANY},
                                             {"from", required_argument, NULL, OPT_FROM},
                                             {"to", required_argument, NULL, OPT_TO},
                                             {"all", no_argument, NULL, OPT_ALL},
                                             CLI_COMMON_OPTIONS};
    struct cli_common common = {0};
    static int64_t companies[VF_MAX_COMPANIES];
    ru_options opts = {0};
    bool has_from = false, has_to = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "d:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_COMPANY:
            if (opts.ncompanies == VF_MAX_COMPANIES ||
                !cli_parse_company(optarg, &companies[opts.ncompanies]))
                return cli_usage_error("verify", "--company takes a positive company id");
            opts.companies = companies;
            opts.ncompanies++;
            break;
        case OPT_FROM:
            if (!day_parse(optarg, &opts.from_day))
                return cli_usage_error("verify", "--from takes a date YYYY-MM-DD");
            has_from = true;
            break;
        case OPT_TO:
            if (!day_parse(optarg, &opts.to_day))
                return cli_usage_error("verify", "--to takes a date YYYY-MM-DD");
            has_to = true;
            break;
        case OPT_ALL:
            opts.all = true;
            break;
        default:
            if (!cli_common_option(opt, optarg, &common, usage))
                return cli_usage_error("verify", "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage_error("verify", "verify takes no arguments");
    if (has_from != has_to || (has_from && opts.from_day > opts.to_day))
        return cli_usage_error("verify", "--from and --to go together, --from first");
    if (has_from && opts.all)
        return cli_usage_error("verify", "--all and --from/--to exclude each other");
    opts.ranged = has_from;
    opts.all = !has_from;

    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
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
