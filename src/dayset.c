/*
 * dayset.c - a set of UTC days as a sorted PostgreSQL date[] literal (see
 * dayset.h).
 */
#include "adreport/dayset.h"

#include "adreport/common.h"
#include "adreport/days.h"

#include <stdbool.h>
#include <stdlib.h>

static int by_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

char *dayset_literal(const idmap *set, int32_t from, int32_t to, int32_t *min, int32_t *max)
{
    idmap merged;
    idmap_init(&merged);
    size_t pos = 0;
    int64_t day, one;
    while (idmap_next(set, &pos, &day, &one))
        idmap_put(&merged, day, 1);
    for (int32_t d = from; to >= from && d <= to; d++)
        idmap_put(&merged, d, 1);
    int32_t *days = adr_xmalloc((merged.count + 1) * sizeof *days);
    size_t n = 0;
    pos = 0;
    while (idmap_next(&merged, &pos, &day, &one))
        days[n++] = (int32_t)day;
    idmap_free(&merged);
    qsort(days, n, sizeof *days, by_day);

    char *out = adr_xmalloc(n * DAY_STR + 3), *p = out;
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        day_format(days[i], p);
        p += DAY_STR - 1;
    }
    *p++ = '}';
    *p = '\0';
    *min = n ? days[0] : 0;
    *max = n ? days[n - 1] : 0;
    free(days);
    return out;
}

void dayset_bounds(const idmap *set, int32_t *min, int32_t *max)
{
    size_t pos = 0;
    int64_t day, one;
    bool any = false;
    *min = *max = 0;
    while (idmap_next(set, &pos, &day, &one)) {
        if (!any || day < *min)
            *min = (int32_t)day;
        if (!any || day > *max)
            *max = (int32_t)day;
        any = true;
    }
}
