/*
 * load_days.h - a load's statements about tenant-days (load_days.c).  Not a
 * public interface; ld_backfill_clear is in loader.h.
 */
#ifndef ADREPORT_LOAD_DAYS_H
#define ADREPORT_LOAD_DAYS_H

#include "adreport/idmap.h"
#include "adreport/loader.h"

/*
 * ld_lock_days - take the tenant's replace lock for the open transaction:
 * two processes replacing days of one tenant go one after the other.
 */
bool ld_lock_days(PGconn *conn, int64_t company);

/*
 * ld_clear_days - delete the tenant's events of `kind` on `days` (an idmap
 * keyed by day) in the open transaction.  Nothing to do for an empty set.
 */
bool ld_clear_days(PGconn *conn, int64_t company, ld_kind kind, const idmap *days);

/* ld_mark_dirty - mark the tenant's `days` for the next rollup. */
bool ld_mark_dirty(PGconn *conn, int64_t company, const idmap *days);

#endif
