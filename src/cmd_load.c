/*
 * cmd_load.c - `adreport load [OPTIONS] PATH...`: load files and folders.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/events.h"
#include "adreport/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: adreport load [OPTIONS] PATH...\n\n"
    "Load click/impression logs and companies/campaigns/ads files; folders are\n"
    "walked recursively.  Each file loads completely or not at all, and a file\n"
    "whose content was loaded before is skipped.\n\n"
    "  --rejects DIR        where rejected rows go (default ./rejects)\n"
    "  --max-reject-rate R  refuse a file with a larger rejected share (default 0.05)\n"
    "  --jobs N             load log files over N connections at once (default 2)\n"
    "  --company N          the tenant of logs not in a <company_id>/ folder\n"
    "  --kind KIND          clicks, impressions, companies, campaigns or ads\n"
    "                       (default: from the file name)\n"
    "  --replace            replace the tenant's events on the UTC days each file covers\n";

int cmd_load(int argc, char **argv)
{
    enum { OPT_REJECTS = 256, OPT_RATE, OPT_COMPANY, OPT_KIND, OPT_REPLACE, OPT_JOBS };
    static const struct option longopts[] = {{"rejects", required_argument, NULL, OPT_REJECTS},
                                             {"max-reject-rate", required_argument, NULL, OPT_RATE},
                                             {"jobs", required_argument, NULL, OPT_JOBS},
                                             {"company", required_argument, NULL, OPT_COMPANY},
                                             {"kind", required_argument, NULL, OPT_KIND},
                                             {"replace", no_argument, NULL, OPT_REPLACE},
                                             CLI_COMMON_OPTIONS};
    struct cli_common common = {0};
    ld_options opts;
    ld_options_init(&opts);
    int opt;
    while ((opt = getopt_long(argc, argv, ":d:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_REJECTS:
            opts.rejects_dir = optarg;
            break;
        case OPT_RATE:
            if (!cli_parse_fraction(optarg, &opts.max_reject_rate))
                return cli_usage_error("load", "--max-reject-rate takes a number from 0 to 1");
            break;
        case OPT_COMPANY:
            if (!cli_parse_company(optarg, &opts.company))
                return cli_usage_error("load", "--company takes a positive company id");
            break;
        case OPT_KIND:
            if ((opts.kind = ld_kind_parse(optarg)) == LD_UNKNOWN)
                return cli_usage_error("load", "--kind is one of clicks, impressions, companies, "
                                               "campaigns, ads");
            break;
        case OPT_REPLACE:
            opts.replace = true;
            break;
        case OPT_JOBS:
            if (!cli_parse_int(optarg, 1, LD_MAX_JOBS, &opts.jobs))
                return cli_usage_error("load", "--jobs takes a number from 1 to 16");
            break;
        default:
            if (!cli_common_option(opt, optarg, &common, usage))
                return cli_usage_error("load", cli_option_problem(opt, argv));
        }
    }
    if (optind == argc)
        return cli_usage_error("load", "no file or folder to load");

    opts.conninfo = common.db;
    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
    ld_totals totals = {0};
    int rc = ld_load_paths(conn, &opts, argv + optind, argc - optind, &totals);
    ld_print_totals(&totals);
    PQfinish(conn);
    return rc;
}
