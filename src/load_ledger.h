/*
 * load_ledger.h - the loaded-files ledger (load_ledger.c, SQL in
 * sql/queries/ledger_*.sql).  Not a public interface.
 */
#ifndef ADREPORT_LOAD_LEDGER_H
#define ADREPORT_LOAD_LEDGER_H

#include "load_rows.h"

/* The ledger row that already holds a file's content. */
typedef struct ld_ledger_entry {
    char name[256]; /* the file name it was loaded as */
    char at[64];    /* when, as the server prints a timestamptz */
} ld_ledger_entry;

/* What ld_ledger_check found out before a file's transaction. */
typedef struct ld_ledger_check_result {
    bool company_exists;  /* asked for: f's company is in companies */
    bool seen;            /* asked for: the ledger holds the content ... */
    ld_ledger_entry seen_as; /* ... under this name, since then */
} ld_ledger_check_result;

/*
 * ld_ledger_check - in one round trip: whether f's company exists (when
 * `company`) and whether the ledger holds content `sha` for f's tenant and
 * kind (when `ledger`; for entity files: as the latest version).  Fills
 * *out; returns false when a query failed (reported).
 */
bool ld_ledger_check(ld_file *f, const char *sha, bool company, bool ledger,
                     ld_ledger_check_result *out);

/*
 * ld_ledger_find - whether the ledger holds content `sha` for f's tenant and
 * kind (for entity files: as the latest version).  Returns 1 and fills
 * *found_as when it does, 0 when not, -1 when the query failed (reported).
 */
int ld_ledger_find(ld_file *f, const char *sha, ld_ledger_entry *found_as);

/*
 * ld_ledger_add - append to `b` the statement recording f (its f->sha256,
 * name, size and row counts) in the open transaction; returns its index in
 * `b`.  When the content is already there (a concurrent run committed it
 * first) the statement fails: ld_ledger_conflict tells that failure from
 * others.  Backfills, --replace and entity files upsert instead (never
 * conflicting): their content may rightly be loaded again.
 */
int ld_ledger_add(ld_file *f, db_batch *b, int64_t file_size);

/* ld_ledger_conflict - statement i of `b` failed as the content was there. */
bool ld_ledger_conflict(const db_batch *b, int i);

#endif
