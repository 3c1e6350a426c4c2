/*
 * loader.h - load input files into the database, each exactly once.
 *
 * One file = one transaction: its good rows (through binary COPY), its
 * ledger entry and the tenant-days it touched all commit together, or
 * nothing does.  A file whose content (SHA-256 of the uncompressed bytes) is
 * in the ledger for the same tenant and kind is skipped.
 */
#ifndef ADREPORT_LOADER_H
#define ADREPORT_LOADER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/* What a file holds; from its name unless --kind says. */
typedef enum ld_kind {
    LD_UNKNOWN = 0,
    LD_COMPANIES,
    LD_CAMPAIGNS,
    LD_ADS,
    LD_CLICKS,
    LD_IMPRESSIONS,
} ld_kind;

/* The outcome of one file. */
typedef enum ld_result {
    LD_LOADED,  /* committed */
    LD_SKIPPED, /* its content was loaded before */
    LD_FAILED,  /* refused or rolled back; the run goes on (exit 4) */
    LD_ERROR,   /* the database or the disk failed; stop the run (exit 1) */
} ld_result;

/* Who begins and ends the transaction a file loads in. */
typedef enum ld_tx_owner {
    LD_TX_PER_FILE = 0, /* each file BEGINs and COMMITs (or rolls back) its own */
    LD_TX_CALLER,       /* the caller's open transaction: it commits or rolls back all */
} ld_tx_owner;

/* Called after each file's outcome is final (e.g. to archive it). */
typedef void (*ld_done_fn)(void *ctx, const char *path, ld_result result);

typedef struct ld_options {
    const char *rejects_dir; /* default "rejects" */
    double max_reject_rate;  /* default 0.05 */
    int64_t company;         /* --company, or 0 when not given */
    ld_kind kind;            /* --kind, or LD_UNKNOWN to go by name */
    bool replace;            /* replace the tenant's events on the file's days */
    /*
     * Backfill: every file joins the caller's open transaction, which has
     * already cleared the tenant's events of from_day..to_day; rows outside
     * that range are rejected, and files loaded before are loaded again.
     */
    bool backfill;
    int32_t from_day, to_day;   /* the tenant's local days since 2000-01-01, inclusive */
    int64_t from_usec, to_usec; /* where they begin and end in UTC (loader timestamps) */
    const char *time_zone;      /* the tenant's zone the days are cut in */
    /* LD_TX_CALLER: files join the caller's transaction, one connection. */
    ld_tx_owner tx_owner;
    ld_done_fn on_done; /* called under a lock, one file at a time */
    void *on_done_ctx;
    /*
     * Log files load over this many connections at once (entity files always
     * one after another, first).  Server work per row (keys, foreign keys,
     * indexes) dominates a load, so a second connection uses a second core.
     */
    int jobs;
    const char *conninfo; /* for the extra connections (NULL: as the first) */
    /*
     * `run`: the incoming folder.  Log files must then sit exactly at
     * <incoming>/<company_id>/<file>; anywhere else they are refused, so a
     * folder named "../x" or "1 OR 1=1" can never feed a tenant.
     */
    const char *incoming_root;
} ld_options;

/* Default for ld_options.jobs. */
#define LD_DEFAULT_JOBS 2
/* Upper bound for --jobs. */
#define LD_MAX_JOBS 16

typedef struct ld_totals {
    uint64_t files_loaded, files_skipped, files_failed;
    uint64_t rows_loaded, rows_rejected;
    uint64_t bytes;
    double seconds;
} ld_totals;

/* ld_options_init - the defaults above. */
void ld_options_init(ld_options *opts);

/* ld_kind_from_name - the kind a file name implies (LD_UNKNOWN if none). */
ld_kind ld_kind_from_name(const char *base_name);

/* ld_kind_parse - "clicks" -> LD_CLICKS etc.; LD_UNKNOWN if not a kind. */
ld_kind ld_kind_parse(const char *s);

/* ld_kind_name - LD_CLICKS -> "clicks". */
const char *ld_kind_name(ld_kind kind);

/* ld_kind_is_entity - companies, campaigns or ads (a file spanning tenants). */
bool ld_kind_is_entity(ld_kind kind);

/*
 * ld_load_paths - load files and folders (walked recursively, entity files
 * first in the order companies, campaigns, ads, then logs in path order).
 * Prints one line per file and a total line; adds to *totals.  Returns the
 * exit code: 0 clean, 3 rows rejected, 4 a file failed, 1 other error.
 */
int ld_load_paths(PGconn *conn, const ld_options *opts, char *const *paths, int npaths,
                  ld_totals *totals);

/*
 * ld_backfill_clear - in an open transaction, take tenant `company`'s
 * replace lock, delete its clicks and impressions on the days
 * from_day..to_day of `time_zone` (the tenant's local days) and mark those
 * days dirty.  Returns false (the error printed) when a statement failed.
 */
bool ld_backfill_clear(PGconn *conn, int64_t company, int32_t from_day, int32_t to_day,
                       const char *time_zone);

/* ld_print_totals - the "total: ..." line on stdout. */
void ld_print_totals(const ld_totals *totals);

/* ld_exit_code - the exit code totals imply (see ld_load_paths). */
int ld_exit_code(const ld_totals *totals, bool error);

#endif
