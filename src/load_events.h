/*
 * load_events.h - the clicks/impressions row loader (load_events.c).  Not a
 * public interface.
 */
#ifndef ADREPORT_LOAD_EVENTS_H
#define ADREPORT_LOAD_EVENTS_H

#include "load_rows.h"

/*
 * ld_events_load - stream a clicks/impressions file; with `dry` only
 * validate (collecting f->days), else COPY the good rows.  Returns false
 * when the file is refused or the server failed (f->db_error, reported).
 * @first: statements to run before the loader's own, in the same round trip
 *         (the transaction's BEGIN), or NULL; run and emptied here.
 * @after: (not dry) receives the statements that record what the rows
 *         showed (the site hosts), for the caller to run in the file's
 *         transaction, with its own; not run here.
 * Without `first`'s BEGIN, expects an open transaction when not dry.
 */
bool ld_events_load(ld_file *f, bool dry, db_batch *first, db_batch *after);

/*
 * ld_tenant_from_rows - for a log file without folder or --company tenant:
 * the company_id of its first data row, or 0 when there is none.
 */
int64_t ld_tenant_from_rows(const char *path, ld_kind kind);

#endif
