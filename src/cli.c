/*
 * cli.c - options shared by every subcommand (see cli.h).
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/summary.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

bool cli_common_option(int opt, const char *arg, struct cli_common *common, const char *usage)
{
    switch (opt) {
    case 'd':
        common->db = arg;
        return true;
    case 'q':
        adr_verbosity = ADR_QUIET;
        return true;
    case 'v':
        adr_verbosity = ADR_VERBOSE;
        return true;
    case CLI_OPT_SUMMARY_JSON:
        sum_set_path(arg);
        return true;
    case 'h':
        fputs(usage, stdout);
        fputs(CLI_COMMON_HELP, stdout);
        exit(ADR_EXIT_OK);
    default:
        return false;
    }
}

int cli_usage_error(const char *command, const char *msg)
{
    fprintf(stderr, "adreport %s: %s\n", command, msg);
    fprintf(stderr, "Try \"adreport %s --help\" for more information.\n", command);
    return ADR_EXIT_USAGE;
}

bool cli_parse_company(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v <= 0)
        return false;
    *out = v;
    return true;
}

bool cli_parse_fraction(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (*end || end == s || !(v >= 0 && v <= 1))
        return false;
    *out = v;
    return true;
}

bool cli_parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}
