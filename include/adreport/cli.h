/*
 * cli.h - the subcommands and the options they all share.
 *
 * Like git's builtin/ files: main() picks a subcommand, and each cmd_*.c parses
 * its own options with getopt_long and calls the core modules.  The core
 * never sees argv.
 */
#ifndef ADREPORT_CLI_H
#define ADREPORT_CLI_H

#include <getopt.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "adreport/rollup.h"

/* Options every subcommand takes, set by cli_common_option(). */
struct cli_common {
    const char *db; /* --db CONNINFO, or NULL for DATABASE_URL / libpq env */
};

/* getopt_long code of --summary-json (no short form; above every command's own). */
#define CLI_OPT_SUMMARY_JSON 1000

/* getopt_long entries for the shared options; end a command's table with it. */
#define CLI_COMMON_OPTIONS                                                                         \
    {"db", required_argument, NULL, 'd'}, {"quiet", no_argument, NULL, 'q'},                       \
        {"verbose", no_argument, NULL, 'v'}, {"help", no_argument, NULL, 'h'},                     \
        {"summary-json", required_argument, NULL, CLI_OPT_SUMMARY_JSON},                           \
    {                                                                                              \
        NULL, 0, NULL, 0                                                                           \
    }

/* The help lines for CLI_COMMON_OPTIONS, appended to each command's usage. */
#define CLI_COMMON_HELP                                                                            \
    "  -d, --db CONNINFO    connection string or URI (default: DATABASE_URL, then PG* env)\n"      \
    "  -q, --quiet          print errors and the summary only\n"                                   \
    "  -v, --verbose        print more progress detail\n"                                          \
    "      --summary-json FILE  at the end, write a JSON summary to FILE (atomically)\n"           \
    "  -h, --help           show this help\n"

/*
 * cli_common_option - handle one of the shared options.  Returns true when
 * opt was one of them.  For 'h' it prints `usage` to stdout and exits 0.
 */
bool cli_common_option(int opt, const char *arg, struct cli_common *common, const char *usage);

/*
 * cli_option_problem - the usage message for getopt_long's '?' or ':' (the
 * option strings start with ':' and main() clears opterr, so getopt itself
 * prints nothing): "unknown option \"--jbos\"" or "option \"--jobs\" needs a
 * value".  Returns a static buffer, overwritten by the next call.
 */
const char *cli_option_problem(int opt, char **argv);

/* cli_usage_error - print "adreport: <msg>" and the usage hint; returns 2. */
int cli_usage_error(const char *command, const char *msg);

/* cli_parse_company - a positive tenant id, digits only ("42"); false
 * otherwise. */
bool cli_parse_company(const char *s, int64_t *out);

/* cli_parse_fraction - a number from 0 to 1 ("0.05"); false otherwise. */
bool cli_parse_fraction(const char *s, double *out);

/* cli_parse_int - an integer from lo to hi ("2"); false otherwise. */
bool cli_parse_int(const char *s, int lo, int hi, int *out);

/* The tenants a command's --company options name, in order, each once. */
typedef struct cli_companies {
    int64_t *ids;
    size_t n, cap;
} cli_companies;

/*
 * cli_add_companies - append the ids of one --company value, "7" or
 * "3,7,12" (digits and commas only), to *l.  Returns false, adding nothing,
 * on anything else, with the usage message naming the bad element in
 * why[size].  cli_companies_free() releases the list.
 */
bool cli_add_companies(cli_companies *l, const char *arg, char *why, size_t size);

/*
 * cli_companies_unique - drop the ids named before, keeping the order of
 * the first naming: a tenant named twice is done once (report would
 * otherwise write its folder twice at once).  Call once all --company
 * options are added.
 */
void cli_companies_unique(cli_companies *l);
void cli_companies_free(cli_companies *l);

/*
 * cli_parse_scope - the options of the commands that work on tenant-days
 * (rollup, verify): --company N (repeatable, or a list: 3,7,12), --from DAY
 * --to DAY, --all, --jobs N (only when opts->jobs comes set: rollup's
 * default) and the common ones, into *opts (its companies point into a
 * static list, kept until exit) and *common.  Returns -1 when the command
 * may go on, else the exit code (2 after printing the usage error; 0 after
 * --help).
 */
int cli_parse_scope(const char *command, int argc, char **argv, const char *usage, ru_options *opts,
                    struct cli_common *common);

/*
 * cli_check_companies - that every --company of opts names a company (one
 * query for all of them).  Returns -1 when all do, else the exit code: 2
 * after the usage error "--company N: no such company" for the first id
 * that does not (a mistyped id is a mistake in the command, not a clean
 * night with nothing to do), 1 after a database error.
 */
int cli_check_companies(PGconn *conn, const char *command, const ru_options *opts);

/* Subcommands; each returns the process exit code (enum adr_exit). */
int cmd_init(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_rollup(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_backfill(int argc, char **argv);
int cmd_tenant(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
