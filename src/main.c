/*
 * main.c - argument dispatch only: pick the subcommand, hand it argv.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/summary.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"init", cmd_init, "create or upgrade the schema (--citus: distribute it)"},
    {"load", cmd_load, "load click/impression logs and entity files"},
    {"rollup", cmd_rollup, "recompute daily stats of changed tenant-days"},
    {"report", cmd_report, "write per-tenant CSV and XLSX reports"},
    {"run", cmd_run, "the nightly job: load, rollup, report (for cron)"},
    {"backfill", cmd_backfill, "replace a tenant's events of a date range"},
    {"tenant", cmd_tenant, "show or set a tenant's settings (its time zone)"},
    {"verify", cmd_verify, "compare the stats with a recompute from the raw events"},
};

static void usage(FILE *out)
{
    fputs("adreport - load ad click/impression logs, roll them up, write tenant reports\n\n"
          "Usage: adreport COMMAND [OPTIONS] [ARGS]\n\nCommands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun \"adreport COMMAND --help\" for a command's options; see adreport(1).\n"
          "Exit codes: 0 ok, 1 error, 2 usage, 3 rows rejected, 4 a file failed, 75 locked.\n",
          out);
}

int main(int argc, char **argv)
{
    /* Line-buffered, so progress on stderr and results on stdout interleave
     * in order in logs and cron mail. */
    setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef __GLIBC__
    /*
     * Fixed malloc thresholds.  Every workbook part libxlsxwriter deflates
     * allocates zlib's state (about 270 KiB): above glibc's default mmap
     * threshold, so each one was mapped, zeroed by page faults and unmapped,
     * and with worker threads each unmap is a TLB shootdown on every core
     * (2000 tenants' reports: 7.5 s of system time, 4.5 s with these).
     * Below 1 MiB from the heap, which keeps up to 16 MiB of free memory
     * before it gives it back: peak RSS is unchanged (12 MiB).
     */
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 16 * 1024 * 1024);
#endif
    opterr = 0; /* the commands word getopt's errors (cli_option_problem) */
    if (argc < 2) {
        usage(stderr);
        return ADR_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return ADR_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("adreport %s\n", ADR_VERSION);
        return ADR_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0) {
            sum_begin(commands[i].name);
            /* --summary-json: written whatever the command's exit code. */
            return sum_end(commands[i].run(argc - 1, argv + 1));
        }
    fprintf(stderr, "adreport: unknown command \"%s\"\n", name);
    usage(stderr);
    return ADR_EXIT_USAGE;
}
