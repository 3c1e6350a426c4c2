/*
 * load_days.h - a load's statements about tenant-days (load_days.c).  Not a
 * public interface; ld_backfill_clear is in loader.h.  The statements of
 * a file's transaction go into a db_batch (db.h): they travel to the server
 * with the file's other statements, in one round trip.
 */
#ifndef ADREPORT_LOAD_DAYS_H
#define ADREPORT_LOAD_DAYS_H

#include "adreport/db.h"
#include "adreport/idmap.h"
#include "adreport/loader.h"

/*
 * ld_replace_days - append to `b`: take the tenant's replace lock for the
 * open transaction (two processes replacing days of one tenant go one after
 * the other), then delete the tenant's events of `kind` on `days` (an idmap
 * keyed by day; none for an empty set).
 */
void ld_replace_days(db_batch *b, int64_t company, ld_kind kind, const idmap *days);

/* ld_mark_dirty - append to `b`: mark the tenant's `days` for the next rollup. */
void ld_mark_dirty(db_batch *b, int64_t company, const idmap *days);

#endif
