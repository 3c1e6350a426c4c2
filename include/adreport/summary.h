/*
 * summary.h - the machine-readable summary of one command (--summary-json).
 *
 * The core modules report what happened (files, tenants rolled up, reports
 * written, seconds per stage) through sum_* calls, from any thread; when
 * --summary-json FILE was given, main() writes one JSON object to FILE at
 * the end, whatever the exit code, atomically (atomic_file.h): a reader sees
 * the previous complete summary or the new one.  Without --summary-json the
 * calls only count.  The fields are documented in README.md ("Summary JSON")
 * and are an interface: add fields, never rename or remove them.
 *
 *     sum_begin("load");                  main(), before the command
 *     sum_set_path("out/summary.json");   --summary-json
 *     sum_file(...); sum_stage("load", 1.5);
 *     rc = sum_end(rc);                   main(), after it
 */
#ifndef ADREPORT_SUMMARY_H
#define ADREPORT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Bumped only if a field ever has to change meaning (it should not). */
#define SUM_SCHEMA_VERSION 1

/* What became of one input file. */
typedef enum sum_status {
    SUM_LOADED,  /* committed */
    SUM_SKIPPED, /* its content was loaded before */
    SUM_FAILED,  /* rolled back: the database, the disk, or a backfill rolled back */
    SUM_REFUSED, /* refused as a whole: name, tenant, header, reject rate, unreadable */
} sum_status;

/* sum_begin - the command starts now (records the wall-clock time). */
void sum_begin(const char *command);

/* sum_set_path - write the summary to `path` at sum_end() (copied). */
void sum_set_path(const char *path);

/*
 * sum_file - one file's outcome.  company_id 0 for entity files; reason
 * (may be NULL) is the human-readable why of a failed, refused or skipped
 * file.  Strings are copied.
 */
void sum_file(const char *path, const char *kind, int64_t company_id, sum_status status,
              const char *reason, uint64_t rows_loaded, uint64_t rows_rejected, double seconds);

/* sum_files_archived - n more files were moved to --archive. */
void sum_files_archived(uint64_t n);

/*
 * sum_rolled_back - the files' transaction was rolled back after all (a
 * backfill): every file counted as loaded becomes failed with `reason`, and
 * no rows count as loaded.
 */
void sum_rolled_back(const char *reason);

/* sum_stage - add seconds to a stage: "load", "rollup" or "report". */
void sum_stage(const char *stage, double seconds);

/* sum_rollup_tenant - a tenant's days first..last (YYYY-MM-DD) were rolled
 * up: `days` of them, `rows` ad-day rows written. */
void sum_rollup_tenant(int64_t company_id, uint64_t days, const char *first, const char *last,
                       uint64_t rows);

/* sum_events_without_campaign - n more events were in no stats: their ads
 * have no campaign (rollup.c warns about each ad). */
void sum_events_without_campaign(uint64_t n);

/* sum_report - a report (tenant and period label) was written to dir, or failed. */
void sum_report(int64_t company_id, const char *period, const char *dir, bool written);

/* sum_reports_failed - n more reports failed without a tenant and period
 * to name (e.g. the list of tenants could not be read). */
void sum_reports_failed(uint64_t n);

/*
 * sum_end - the command ends with exit_code: write the summary if a path
 * was set.  Returns the exit code to use: exit_code, or ADR_EXIT_ERROR
 * when the summary could not be written and the command would otherwise
 * have exited 0 or 3 (monitoring must not miss a night).
 */
int sum_end(int exit_code);

/* sum_write - the summary as JSON on out (sum_end's content); for tests. */
void sum_write(FILE *out, int exit_code);

/*
 * sum_json_string - `s` (len bytes, any content) as a JSON string literal:
 * quotes, backslashes and control characters escaped, valid UTF-8 kept,
 * every byte of invalid UTF-8 (and NUL) written as \ufffd.
 */
void sum_json_string(FILE *out, const char *s, size_t len);

#endif
