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
#include "load_rows.h"

/*
 * ld_replace_days - append to `b`: take the tenant's replace lock for the
 * open transaction (two processes replacing days of one tenant go one after
 * the other), then delete the tenant's events of `kind` on `days` (an idmap
 * keyed by day; none for an empty set).
 */
void ld_replace_days(db_batch *b, int64_t company, ld_kind kind, const idmap *days);

/*
 * ld_note_event - `f` has a good row of `ad` on UTC `day`: add the day to
 * f->days, the pair to f->day_ads and one to the day's f->day_events, for
 * the day's mark (ld_mark_dirty).
 */
void ld_note_event(ld_file *f, int32_t day, int64_t ad);

/*
 * ld_mark_dirty - append to `b`: mark the tenant's `days` for the next
 * rollup, each for the ads `day_ads` (ld_note_event) holds for it, or for
 * every ad of the day when `day_ads` is NULL or a day has more ads than a
 * mark lists; with the day's events from `day_events` (a weight for
 * splitting the rollup; NULL: not counted).
 */
void ld_mark_dirty(db_batch *b, int64_t company, const idmap *days, const idmap *day_ads,
                   const idmap *day_events);

#endif
