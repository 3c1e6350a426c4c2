/*
 * dayset.h - a set of UTC days (an idmap keyed by day, see days.h) as the
 * text of a PostgreSQL date[] parameter.
 */
#ifndef ADREPORT_DAYSET_H
#define ADREPORT_DAYSET_H

#include "adreport/idmap.h"

#include <stdint.h>

/*
 * dayset_literal - "{2026-11-01,2026-11-02}": the days of `set` plus the
 * range from..to (none when to < from), each once, in ascending order, so
 * that concurrent loads lock the same dirty-day rows in the same order and
 * cannot deadlock.  Sets *min and *max to the first and last day (both 0
 * for an empty set).  Returns a malloc'd string the caller frees.
 *
 *     char *arr = dayset_literal(&days, 1, 0, &lo, &hi);  // no range
 *     ... free(arr);
 */
char *dayset_literal(const idmap *set, int32_t from, int32_t to, int32_t *min, int32_t *max);

/*
 * dayset_bounds - the first and last day of `set` in *min and *max (both 0
 * for an empty set), without building the literal.
 *
 *     int32_t first, last;
 *     dayset_bounds(&days, &first, &last);
 */
void dayset_bounds(const idmap *set, int32_t *min, int32_t *max);

#endif
