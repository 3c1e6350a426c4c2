/*
 * load_days.c - the statements of a load about tenant-days: clear the days
 * a file replaces (or a backfill's range) and mark the days a file changed
 * for the rollup (see load_days.h; SQL in sql/queries/replace_*.sql and
 * mark_dirty_days.sql).
 */
#include "load_days.h"

#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/dayset.h"
#include "adreport/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No forced range: exec_days takes from > to as "none". */
#define NO_RANGE 1, 0

/*
 * The most ads one mark lists (adreport_dirty_days.ads): the limit of
 * adreport_mark_ads (sql/project.sql), which applies it again to the marks
 * two loads merge.  Past it the loader stops listing the day's ads.
 */
#define MARK_ADS_MAX 32

/*
 * A (UTC day, ad) pair as one key of ld_file.day_ads: the day, offset to be
 * positive, in the 23 bits above the ad id's 40.  Every event day (years
 * 1900..9999) fits; an ad id past 2^40 does not, and marks its day whole.
 */
#define AD_BITS 40
#define AD_MASK ((INT64_C(1) << AD_BITS) - 1)
#define DAY_BIAS (INT64_C(1) << 22)
/* ld_file.days' value for a day marked whole; otherwise its number of ads. */
#define DAY_WHOLE (-1)

/*
 * Run `sql_name` for the tenant's days (plus the range from..to) as a date[]
 * parameter -- or, with a batch `b`, append it there; `ranged` statements
 * also take the first and last day and the zone the days are cut in (UTC
 * for --replace, the tenant's for a backfill).
 */
static bool exec_days(PGconn *conn, db_batch *b, int64_t company, const idmap *days,
                      const char *sql_name, int32_t from, int32_t to, bool ranged, const char *zone,
                      const char *what)
{
    if (days->count == 0 && to < from)
        return true;
    char tenant[32], lo[DAY_STR], hi[DAY_STR];
    int32_t min, max;
    char *arr = dayset_literal(days, from, to, &min, &max);
    snprintf(tenant, sizeof tenant, "%lld", (long long)company);
    day_format(min, lo);
    day_format(max, hi);
    const char *ranged_params[] = {tenant, lo, hi, arr, zone};
    const char *plain_params[] = {tenant, arr, NULL}; /* every ad */
    int n = ranged ? 5 : 3;
    const char *const *params = ranged ? ranged_params : plain_params;
    bool ok = true;
    if (b) {
        db_batch_add(b, sql_name, n, params, what);
    } else {
        PGresult *res = db_query(conn, sql_name, n, params, what);
        ok = res != NULL;
        PQclear(res);
    }
    free(arr);
    return ok;
}

static bool lock_days(PGconn *conn, int64_t company)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)company);
    const char *params[] = {id};
    PGresult *res = db_query(conn, "queries/replace_lock", 1, params, "lock the tenant's days");
    PQclear(res);
    return res != NULL;
}

static const char *replace_sql(ld_kind kind)
{
    return kind == LD_CLICKS ? "queries/replace_clicks" : "queries/replace_impressions";
}

void ld_replace_days(db_batch *b, int64_t company, ld_kind kind, const idmap *days)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)company);
    const char *params[] = {id};
    db_batch_add(b, "queries/replace_lock", 1, params, "lock the tenant's days");
    exec_days(NULL, b, company, days, replace_sql(kind), NO_RANGE, true, "UTC",
              "delete the days being replaced");
}

void ld_note_event(ld_file *f, int32_t day, int64_t ad)
{
    int64_t nads = 0;
    if (idmap_get(&f->days, day, &nads) && nads == DAY_WHOLE)
        return;
    int64_t biased = (int64_t)day + DAY_BIAS;
    if (ad < 0 || ad > AD_MASK || biased < 0 || biased >= 2 * DAY_BIAS) {
        idmap_put(&f->days, day, DAY_WHOLE);
        return;
    }
    int64_t key = biased << AD_BITS | ad;
    if (idmap_get(&f->day_ads, key, NULL))
        return;
    if (nads == MARK_ADS_MAX) {
        idmap_put(&f->days, day, DAY_WHOLE);
        return;
    }
    idmap_put(&f->day_ads, key, 1);
    idmap_put(&f->days, day, nads + 1);
}

/* Append the pair (day, ad) to the two literals; ad < 0: NULL, every ad. */
static void add_pair(char **dp, char **ap, bool *first, int32_t day, int64_t ad)
{
    if (!*first) {
        *(*dp)++ = ',';
        *(*ap)++ = ',';
    }
    *first = false;
    day_format(day, *dp);
    *dp += DAY_STR - 1;
    *ap += ad < 0 ? sprintf(*ap, "NULL") : sprintf(*ap, "%lld", (long long)ad);
}

/*
 * The marks of `days` as two parallel array literals, "{2026-11-01,
 * 2026-11-01,2026-11-02}" and "{7,9,NULL}": a (day, ad) pair for each ad of
 * a listed day, a (day, NULL) pair for a whole day (all of them without
 * `day_ads`).  Order does not matter: the statement groups by day and locks
 * the marks in day order.
 */
static void mark_literals(const idmap *days, const idmap *day_ads, char **day_arr, char **ad_arr)
{
    size_t n = days->count + (day_ads ? day_ads->count : 0);
    char *dp = *day_arr = adr_xmalloc(n * DAY_STR + 3);
    char *ap = *ad_arr = adr_xmalloc(n * 21 + 3);
    bool first = true;
    size_t pos = 0;
    int64_t key, nads;
    *dp++ = '{';
    *ap++ = '{';
    while (day_ads && idmap_next(day_ads, &pos, &key, &nads)) {
        int32_t day = (int32_t)((key >> AD_BITS) - DAY_BIAS);
        if (idmap_get(days, day, &nads) && nads != DAY_WHOLE)
            add_pair(&dp, &ap, &first, day, key & AD_MASK);
    }
    pos = 0;
    while (idmap_next(days, &pos, &key, &nads))
        if (!day_ads || nads == DAY_WHOLE)
            add_pair(&dp, &ap, &first, (int32_t)key, -1);
    strcpy(dp, "}");
    strcpy(ap, "}");
}

void ld_mark_dirty(db_batch *b, int64_t company, const idmap *days, const idmap *day_ads)
{
    if (days->count == 0)
        return;
    char tenant[32], *day_arr, *ad_arr;
    snprintf(tenant, sizeof tenant, "%lld", (long long)company);
    mark_literals(days, day_ads, &day_arr, &ad_arr);
    const char *params[] = {tenant, day_arr, ad_arr};
    db_batch_add(b, "queries/mark_dirty_days", 3, params, "mark the changed days");
    free(day_arr);
    free(ad_arr);
}

bool ld_backfill_clear(PGconn *conn, int64_t company, int32_t from_day, int32_t to_day,
                       const char *time_zone)
{
    idmap none;
    idmap_init(&none);
    bool ok = lock_days(conn, company);
    for (ld_kind k = LD_CLICKS; ok && k <= LD_IMPRESSIONS; k++)
        ok = exec_days(conn, NULL, company, &none, replace_sql(k), from_day, to_day, true,
                       time_zone, "delete the backfilled days");
    ok = ok && exec_days(conn, NULL, company, &none, "queries/mark_dirty_days", from_day, to_day,
                         false, NULL, "mark the backfilled days");
    idmap_free(&none);
    return ok;
}
