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

/*
 * ld_ledger_find - whether the ledger holds content `sha` for f's tenant and
 * kind (for entity files: as the latest version).  Returns 1 and fills
 * *found_as when it does, 0 when not, -1 when the query failed (reported).
 */
int ld_ledger_find(ld_file *f, const char *sha, ld_ledger_entry *found_as);

/*
 * ld_ledger_insert - record f (its f->sha256, name, size and row counts) in
 * the open transaction.  Returns 1 when the row was inserted, 0 when the
 * content is already there (a concurrent run committed it first), -1 when
 * the statement failed (reported).  Backfills, --replace and entity files
 * upsert instead: their content may rightly be loaded again.
 */
int ld_ledger_insert(ld_file *f, int64_t file_size);

/*
 * ld_company_exists - whether company `company` exists; *error is set when
 * the query failed (reported).
 */
bool ld_company_exists(PGconn *conn, int64_t company, bool *error);

#endif
