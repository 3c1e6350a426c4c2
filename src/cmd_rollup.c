/*
 * cmd_rollup.c - `adreport rollup [--company N]... [--from DAY --to DAY | --all]`.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"
#include "adreport/rollup.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "Usage: adreport rollup [--company N]... [--from DAY --to DAY | --all] [OPTIONS]\n\n"
    "Recompute ad_daily_stats (and so campaign_daily_stats) for the tenant-days that\n"
    "loads changed, replacing their rows; refresh ads.impressions_count/clicks_count.\n\n"
    "  --company N          only this tenant (repeatable)\n"
    "  --from DAY --to DAY  also recompute these days (YYYY-MM-DD, inclusive; each tenant's local "
    "days)\n"
    "  --all                recompute every day that has events or stats\n";

/* The most tenants one command line names with --company. */
#define RU_MAX_COMPANIES 1024

int cmd_rollup(int argc, char **argv)
{
    enum { OPT_COMPANY = 256, OPT_FROM, OPT_TO, OPT_ALL };
    static const struct option longopts[] = {{"company", required_argument, NULL, OPT_COMPANY},
                                             {"from", required_argument, NULL, OPT_FROM},
                                             {"to", required_argument, NULL, OPT_TO},
                                             {"all", no_argument, NULL, OPT_ALL},
                                             CLI_COMMON_OPTIONS};
    struct cli_common common = {0};
    static int64_t companies[RU_MAX_COMPANIES];
    ru_options opts = {0};
    bool has_from = false, has_to = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "d:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_COMPANY:
            if (opts.ncompanies == RU_MAX_COMPANIES ||
                !cli_parse_company(optarg, &companies[opts.ncompanies]))
                return cli_usage_error("rollup", "--company takes a positive company id");
            opts.companies = companies;
            opts.ncompanies++;
            break;
        case OPT_FROM:
            if (!day_parse(optarg, &opts.from_day))
                return cli_usage_error("rollup", "--from takes a date YYYY-MM-DD");
            has_from = true;
            break;
        case OPT_TO:
            if (!day_parse(optarg, &opts.to_day))
                return cli_usage_error("rollup", "--to takes a date YYYY-MM-DD");
            has_to = true;
            break;
        case OPT_ALL:
            opts.all = true;
            break;
        default:
            if (!cli_common_option(opt, optarg, &common, usage))
                return cli_usage_error("rollup", "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage_error("rollup", "rollup takes no arguments");
    if (has_from != has_to || (has_from && opts.from_day > opts.to_day))
        return cli_usage_error("rollup", "--from and --to go together, --from first");
    if (has_from && opts.all)
        return cli_usage_error("rollup", "--all and --from/--to exclude each other");
    opts.ranged = has_from;

    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
    /* A --company that names no company is a mistake in the command, not
     * a clean night with nothing to do. */
    for (int i = 0; i < opts.ncompanies; i++) {
        char id[24], msg[96];
        snprintf(id, sizeof id, "%lld", (long long)companies[i]);
        const char *params[] = {id};
        PGresult *res = db_query(conn, "queries/company_exists", 1, params, "look up the company");
        if (!res) {
            PQfinish(conn);
            return ADR_EXIT_ERROR;
        }
        bool found = PQntuples(res) > 0;
        PQclear(res);
        if (!found) {
            PQfinish(conn);
            return cli_usage_error("rollup",
                                   adr_fmt(msg, sizeof msg, "--company %s: no such company", id));
        }
    }
    ru_totals totals = {0};
    bool ok = ru_run(conn, &opts, &totals);
    if (ok && adr_verbosity >= ADR_NORMAL)
        printf("rollup total: %llu tenants, %llu days, %llu ad-day rows, %.2f s\n",
               (unsigned long long)totals.tenants, (unsigned long long)totals.days,
               (unsigned long long)totals.rows, totals.seconds);
    PQfinish(conn);
    return ok ? ADR_EXIT_OK : ADR_EXIT_ERROR;
}
