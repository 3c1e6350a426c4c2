/*
 * cmd_report.c - `adreport report`: write per-tenant CSV and XLSX reports.
 *
 * Parses the options into an rpt_options and calls rpt_run (report.h), the
 * driver that `adreport run` calls too.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: adreport report [--company N ... | --all] [--month YYYY-MM | --from DAY --to DAY]\n"
    "                       [--changed] [--format csv,xlsx] [--no-bom] [--out DIR] [OPTIONS]\n\n"
    "Write each tenant's performance report for a period: campaigns.csv, ads.csv,\n"
    "daily.csv and performance.xlsx in OUT/<company_id>/<YYYY-MM>/ (or\n"
    "OUT/<company_id>/<from>_<to>/).  Files are replaced atomically.\n\n"
    "  -c, --company N      report this tenant (repeatable, or a list: 3,7,12)\n"
    "  -a, --all            report every tenant in companies (the default)\n"
    "  -m, --month YYYY-MM  the calendar month (default: the month of yesterday, UTC)\n"
    "      --from DAY       first day, YYYY-MM-DD (with --to; no budget pacing)\n"
    "      --to DAY         last day, inclusive\n"
    "      --changed        only the months whose stats changed since their last\n"
    "                       report (adreport_dirty_months), clearing each mark once\n"
    "                       its files are written; --company still restricts\n"
    "  -f, --format LIST    csv, xlsx or csv,xlsx (default: both)\n"
    "      --no-bom         CSV files without the UTF-8 byte-order mark (for tools\n"
    "                       that do not expect one); the default writes it, so\n"
    "                       Excel on Windows shows non-ASCII names right\n"
    "  -o, --out DIR        output folder (default: " RPT_DEFAULT_OUT ")\n";

/* Codes for options without a short form. */
enum { OPT_FROM = 256, OPT_TO, OPT_CHANGED, OPT_BOM, OPT_NO_BOM };

/*
 * The options that do not go together, and the period.  Returns NULL when
 * all is well, else the usage message (maybe in msg).
 */
static const char *check_combination(int argc, bool all, const cli_companies *companies,
                                     const char *month, const char *from, const char *to,
                                     rpt_options *o, char *msg, size_t size)
{
    const char *why;
    if (optind != argc)
        return "report takes no arguments";
    if (all && companies->n)
        return "use either --company or --all";
    if (month && (from || to))
        return "use either --month or --from/--to";
    if (!from != !to)
        return "--from and --to go together";
    if (o->changed && (month || from))
        return "--changed reports the changed months; it takes no --month or --from/--to";
    if (!*o->out_dir)
        return "--out needs a folder name";
    if (month && !rpt_period_month(&o->period, month, NULL, &why))
        return adr_fmt(msg, size, "bad --month \"%s\": %s", month, why);
    if (from && !rpt_period_range(&o->period, from, to, &why))
        return adr_fmt(msg, size, "bad --from/--to: %s", why);
    return NULL;
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {{"company", required_argument, NULL, 'c'},
                                             {"all", no_argument, NULL, 'a'},
                                             {"month", required_argument, NULL, 'm'},
                                             {"from", required_argument, NULL, OPT_FROM},
                                             {"to", required_argument, NULL, OPT_TO},
                                             {"changed", no_argument, NULL, OPT_CHANGED},
                                             {"bom", no_argument, NULL, OPT_BOM},
                                             {"no-bom", no_argument, NULL, OPT_NO_BOM},
                                             {"format", required_argument, NULL, 'f'},
                                             {"out", required_argument, NULL, 'o'},
                                             CLI_COMMON_OPTIONS};
    struct cli_common common = {0};
    rpt_options o;
    rpt_options_init(&o);
    cli_companies companies = {0};
    const char *month = NULL, *from = NULL, *to = NULL;
    bool all = false;
    int opt, rc = ADR_EXIT_USAGE;
    const char *problem = NULL;
    char msg[256];

    while (!problem && (opt = getopt_long(argc, argv, ":c:am:f:o:d:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            if (!cli_add_companies(&companies, optarg, msg, sizeof msg))
                problem = msg;
            break;
        case 'a':
            all = true;
            break;
        case 'm':
            month = optarg;
            break;
        case OPT_FROM:
            from = optarg;
            break;
        case OPT_TO:
            to = optarg;
            break;
        case OPT_CHANGED:
            o.changed = true;
            break;
        case OPT_BOM:
            o.csv_bom = true;
            break;
        case OPT_NO_BOM:
            o.csv_bom = false;
            break;
        case 'f':
            if (!rpt_parse_formats(optarg, &o.formats))
                problem = adr_fmt(msg, sizeof msg,
                                  "--format takes csv, xlsx or csv,xlsx, not \"%s\"", optarg);
            break;
        case 'o':
            o.out_dir = optarg;
            break;
        default:
            if (!cli_common_option(opt, optarg, &common, usage))
                problem = cli_option_problem(opt, argv);
        }
    }
    if (!problem)
        problem = check_combination(argc, all, &companies, month, from, to, &o, msg, sizeof msg);
    if (problem) {
        rc = cli_usage_error("report", problem);
    } else {
        cli_companies_unique(&companies);
        o.companies = companies.n ? companies.ids : NULL;
        o.ncompanies = companies.n;
        PGconn *conn = db_connect(common.db);
        if (!conn) {
            rc = ADR_EXIT_ERROR;
        } else {
            rc = rpt_run(conn, &o);
            PQfinish(conn);
        }
    }
    cli_companies_free(&companies);
    return rc;
}
