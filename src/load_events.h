/*
 * load_events.h - the clicks/impressions row loader (load_events.c).  Not a
 * public interface.
 */
#ifndef ADREPORT_LOAD_EVENTS_H
#define ADREPORT_LOAD_EVENTS_H

#include "load_rows.h"

/*
 * ld_events_load - stream a clicks/impressions file; with `dry` only
 * validate (collecting f->days), else COPY the good rows.  Expects an open
 * transaction.  Returns false when the file is refused or the server failed.
 */
bool ld_events_load(ld_file *f, bool dry);

/*
 * ld_tenant_from_rows - for a log file without folder or --company tenant:
 * the company_id of its first data row, or 0 when there is none.
 */
int64_t ld_tenant_from_rows(const char *path, ld_kind kind);

#endif
