/*
 * cmd_tenant.c - `adreport tenant --company N [--time-zone ZONE]`: show or
 * change a tenant's settings.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/tenant.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "Usage: adreport tenant --company N [--time-zone ZONE] [OPTIONS]\n\n"
    "Print a tenant's settings, or change them.  The next rollup recomputes a\n"
    "tenant whose zone changed, and its reports are rewritten.\n\n"
    "  --company N          the tenant\n"
    "  --time-zone ZONE     its time zone, an IANA name (Asia/Tokyo, America/New_York,\n"
    "                       UTC): days, months and reports are cut in local time\n" CLI_COMMON_HELP;

/*
 * The name as the tenant wrote it, but with control characters (C0, DEL, and
 * C1 as UTF-8 encodes them) shown as \xNN: a name is the tenant's text, and
 * an escape sequence in it must not drive the operator's terminal.
 */
static void print_name(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            printf("\\x%02x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            printf("\\xc2\\x%02x", p[1]);
            p++;
        } else if (*p == '\\')
            fputs("\\\\", stdout); /* so "\\x1b" typed by the tenant stays told apart */
        else
            putchar(*p);
    }
}

static void print_settings(const tn_settings *s)
{
    printf("company_id       %" PRId64 "\n", s->company_id);
    fputs("name             ", stdout);
    print_name(s->name);
    putchar('\n');
    printf("time_zone        %s\n", s->time_zone);
    printf("stats_time_zone  %s%s\n", s->stats_time_zone,
           strcmp(s->time_zone, s->stats_time_zone) ? " (the next rollup recomputes the stats)"
                                                    : "");
}

int cmd_tenant(int argc, char **argv)
{
    enum { OPT_COMPANY = 256, OPT_ZONE };
    static const struct option longopts[] = {{"company", required_argument, NULL, OPT_COMPANY},
                                             {"time-zone", required_argument, NULL, OPT_ZONE},
                                             CLI_COMMON_OPTIONS};
    struct cli_common common = {0};
    int64_t company = 0;
    const char *zone = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, ":d:qvh", longopts, NULL)) != -1) {
        if (opt == OPT_COMPANY) {
            if (!cli_parse_company(optarg, &company))
                return cli_usage_error("tenant", "--company takes a positive company id");
        } else if (opt == OPT_ZONE) {
            zone = optarg;
        } else if (!cli_common_option(opt, optarg, &common, usage)) {
            return cli_usage_error("tenant", cli_option_problem(opt, argv));
        }
    }
    if (optind != argc)
        return cli_usage_error("tenant", "tenant takes no arguments");
    if (company == 0)
        return cli_usage_error("tenant", "--company is required");

    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
    tn_status st = zone ? tn_set_time_zone(conn, company, zone) : TN_OK;
    tn_settings s;
    if (st == TN_OK)
        st = tn_load(conn, company, &s);
    PQfinish(conn);

    char primary[TN_ZONE_SIZE + 64], detail[96];
    switch (st) {
    case TN_OK:
        if (adr_verbosity >= ADR_NORMAL || !zone)
            print_settings(&s);
        return ADR_EXIT_OK;
    case TN_NO_COMPANY:
        adr_error(adr_fmt(primary, sizeof primary, "company %" PRId64 " does not exist", company),
                  "there is no row with this id in table \"companies\"",
                  "load the companies file first, or check the id");
        return ADR_EXIT_USAGE;
    case TN_UNKNOWN_ZONE:
        adr_error(adr_fmt(primary, sizeof primary, "unknown time zone \"%s\"", zone),
                  adr_fmt(detail, sizeof detail, "company %" PRId64 " keeps its zone", company),
                  "use an IANA name such as \"America/New_York\"; list them with: psql -c "
                  "\"SELECT name FROM pg_timezone_names ORDER BY name\"");
        return ADR_EXIT_USAGE;
    default:
        return ADR_EXIT_ERROR;
    }
}
