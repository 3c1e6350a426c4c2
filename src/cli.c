/*
 * cli.c - options shared by every subcommand (see cli.h).
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"
#include "adreport/summary.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *cli_option_problem(int opt, char **argv)
{
    static char msg[128];
    /* optind is past the option that failed when it was a whole argument;
     * optopt names a short one (inside "-qx" optind may not have moved). */
    const char *arg = argv[optind - 1];
    if (opt == ':')
        snprintf(msg, sizeof msg, "option \"%.64s\" needs a value", arg);
    else if (optopt && optopt < 128)
        snprintf(msg, sizeof msg, "unknown option \"-%c\"", optopt);
    else
        snprintf(msg, sizeof msg, "unknown option \"%.64s\"", arg);
    return msg;
}

int cli_usage_error(const char *command, const char *msg)
{
    fprintf(stderr, "adreport %s: %s\n", command, msg);
    fprintf(stderr, "Try \"adreport %s --help\" for more information.\n", command);
    return ADR_EXIT_USAGE;
}

bool cli_parse_company(const char *s, int64_t *out)
{
    if (!isdigit((unsigned char)*s))
        return false; /* strtoll would also take " 1" and "+1" */
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

bool cli_add_companies(cli_companies *l, const char *arg, char *why, size_t size)
{
    size_t n0 = l->n;
    for (const char *s = arg;;) {
        char *end;
        errno = 0;
        /* A digit first: strtoll would also take " 1" and "+1". */
        long long id = isdigit((unsigned char)*s) ? strtoll(s, &end, 10) : 0;
        if (id <= 0 || errno || (*end && *end != ',')) {
            l->n = n0; /* a bad value adds nothing */
            size_t len = strcspn(s, ",");
            adr_fmt(why, size, "--company takes positive ids (7 or 3,7,12), not \"%.*s\"%s",
                    (int)(len > 40 ? 40 : len), s, len > 40 ? "..." : "");
            return false;
        }
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 8;
            l->ids = adr_xrealloc(l->ids, l->cap * sizeof *l->ids);
        }
        l->ids[l->n++] = (int64_t)id;
        if (!*end)
            return true;
        s = end + 1;
    }
}

/* An id and where it was named, to sort by id and keep the first. */
typedef struct named_id {
    int64_t id;
    size_t pos;
} named_id;

static int by_id_then_pos(const void *a, const void *b)
{
    const named_id *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void cli_companies_unique(cli_companies *l)
{
    if (l->n < 2)
        return;
    /* Sorted, not a scan per id: a command line can name 100,000 ids. */
    named_id *v = adr_xmalloc(l->n * sizeof *v);
    for (size_t i = 0; i < l->n; i++)
        v[i] = (named_id){l->ids[i], i};
    qsort(v, l->n, sizeof *v, by_id_then_pos);
    bool *keep = adr_xmalloc(l->n * sizeof *keep);
    for (size_t i = 0; i < l->n; i++)
        keep[v[i].pos] = i == 0 || v[i].id != v[i - 1].id;
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (keep[i])
            l->ids[n++] = l->ids[i];
    l->n = n;
    free(keep);
    free(v);
}

static int by_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

void cli_companies_free(cli_companies *l)
{
    free(l->ids);
    *l = (cli_companies){0};
}

int cli_parse_scope(const char *command, int argc, char **argv, const char *usage, ru_options *opts,
                    struct cli_common *common)
{
    enum { OPT_COMPANY = 256, OPT_FROM, OPT_TO, OPT_ALL, OPT_JOBS };
    static const struct option longopts[] = {{"company", required_argument, NULL, OPT_COMPANY},
                                             {"from", required_argument, NULL, OPT_FROM},
                                             {"to", required_argument, NULL, OPT_TO},
                                             {"all", no_argument, NULL, OPT_ALL},
                                             {"jobs", required_argument, NULL, OPT_JOBS},
                                             CLI_COMMON_OPTIONS};
    bool takes_jobs = opts->jobs > 0; /* rollup's, not verify's */
    static cli_companies companies;   /* opts->companies points into it until exit */
    bool has_from = false, has_to = false;
    char msg[128];
    int opt;
    companies.n = 0; /* a list of this call's options only */
    while ((opt = getopt_long(argc, argv, ":d:qvh", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_COMPANY:
            if (!cli_add_companies(&companies, optarg, msg, sizeof msg))
                return cli_usage_error(command, msg);
            break;
        case OPT_FROM:
            if (!(has_from = day_parse(optarg, &opts->from_day)))
                return cli_usage_error(command, "--from takes a date YYYY-MM-DD");
            break;
        case OPT_TO:
            if (!(has_to = day_parse(optarg, &opts->to_day)))
                return cli_usage_error(command, "--to takes a date YYYY-MM-DD");
            break;
        case OPT_ALL:
            opts->all = true;
            break;
        case OPT_JOBS:
            if (!takes_jobs)
                return cli_usage_error(command,
                                       adr_fmt(msg, sizeof msg, "%s takes no --jobs", command));
            if (!cli_parse_int(optarg, 1, RU_MAX_JOBS, &opts->jobs))
                return cli_usage_error(command, "--jobs takes a number from 1 to 16");
            break;
        default:
            if (!cli_common_option(opt, optarg, common, usage))
                return cli_usage_error(command, cli_option_problem(opt, argv));
        }
    }
    if (optind != argc)
        return cli_usage_error(command, adr_fmt(msg, sizeof msg, "%s takes no arguments", command));
    if (has_from != has_to || (has_from && opts->from_day > opts->to_day))
        return cli_usage_error(command, "--from and --to go together, --from first");
    if (has_from && opts->all)
        return cli_usage_error(command, "--all and --from/--to exclude each other");
    opts->ranged = has_from;
    if (companies.n) {
        cli_companies_unique(&companies);
        opts->companies = companies.ids;
        opts->ncompanies = (int)companies.n;
    }
    return -1;
}

int cli_check_companies(PGconn *conn, const char *command, const ru_options *opts)
{
    if (!opts->companies)
        return -1;
    char *array = db_bigint_array(opts->companies, (size_t)opts->ncompanies);
    const char *params[] = {array};
    PGresult *res = db_query(conn, "queries/companies_found", 1, params, "look up the companies");
    free(array);
    if (!res)
        return ADR_EXIT_ERROR;
    /* The first id named that is not among those found. */
    size_t nfound = (size_t)PQntuples(res);
    int64_t *found = adr_xmalloc((nfound ? nfound : 1) * sizeof *found);
    for (size_t r = 0; r < nfound; r++)
        found[r] = strtoll(PQgetvalue(res, (int)r, 0), NULL, 10);
    PQclear(res);
    qsort(found, nfound, sizeof *found, by_id);
    int64_t missing = 0;
    for (int i = 0; i < opts->ncompanies && !missing; i++)
        if (!bsearch(&opts->companies[i], found, nfound, sizeof *found, by_id))
            missing = opts->companies[i];
    free(found);
    if (!missing)
        return -1;
    char msg[96];
    return cli_usage_error(
        command, adr_fmt(msg, sizeof msg, "--company %lld: no such company", (long long)missing));
}
