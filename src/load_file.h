/*
 * load_file.h - one input file in its own transaction (load_file.c).  Not a
 * public interface: loader.c walks the paths and calls it from its workers.
 */
#ifndef ADREPORT_LOAD_FILE_H
#define ADREPORT_LOAD_FILE_H

#include "adreport/db.h"
#include "adreport/loader.h"
#include "replace_set.h"

/*
 * ld_load_file - load the file at `path` of `kind` exactly once: prepare
 * (tenant, hash, ledger), transact (rows, dirty days, ledger row, commit),
 * report (its line or error, the summary, *totals), over the connection of
 * `stmts` (its prepared statements are kept there for the next file).
 * `rs` is the --replace set shared by the workers, or NULL.  Returns the
 * file's outcome.
 */
ld_result ld_load_file(db_stmts *stmts, const ld_options *opts, replace_set *rs, const char *path,
                       ld_kind kind, ld_totals *totals);

/*
 * ld_file_weight - the cost per byte of all passes over a file of `kind`,
 * for the progress display's total work (progress.h).
 */
unsigned ld_file_weight(const ld_options *opts, ld_kind kind);

#endif
