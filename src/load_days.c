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
    const char *plain_params[] = {tenant, arr, NULL, NULL}; /* every ad, not counted */
    int n = ranged ? 5 : 4;
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
    int64_t nads = 0, events = 0;
    idmap_get(&f->day_events, day, &events);
    idmap_put(&f->day_events, day, events + 1);
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

/* The three literals of a mark statement, filled a pair at a time. */
typedef struct mark_lists {
    char *days, *ads, *events; /* each starts with '{' */
    char *dp, *ap, *ep;        /* where the next element goes */
    bool first;
} mark_lists;

/*
 * Append the pair (day, ad) to the literals; ad < 0: NULL, every ad.  The
 * day's events go with its first pair (0 with the others, none counted: a
 * NULL list).
 */
static void add_pair(mark_lists *l, idmap *counted, const idmap *day_events, int32_t day,
                     int64_t ad)
{
    if (!l->first) {
        *l->dp++ = ',';
        *l->ap++ = ',';
        *l->ep++ = ',';
    }
    l->first = false;
    day_format(day, l->dp);
    l->dp += DAY_STR - 1;
    l->ap += ad < 0 ? sprintf(l->ap, "NULL") : sprintf(l->ap, "%lld", (long long)ad);
    int64_t events = 0;
    if (day_events && !idmap_get(counted, day, NULL)) {
        idmap_get(day_events, day, &events);
        idmap_put(counted, day, 1);
    }
    l->ep += sprintf(l->ep, "%lld", (long long)events);
}

/*
 * The marks of `days` as three parallel array literals, "{2026-11-01,
 * 2026-11-01,2026-11-02}", "{7,9,NULL}" and "{410,0,12}": a (day, ad) pair
 * for each ad of a listed day, a (day, NULL) pair for a whole day (all of
 * them without `day_ads`), and the events of each day once.  Order does not
 * matter: the statement groups by day and locks the marks in day order.
 */
static void mark_literals(const idmap *days, const idmap *day_ads, const idmap *day_events,
                          mark_lists *l)
{
    size_t n = days->count + (day_ads ? day_ads->count : 0);
    l->dp = l->days = adr_xmalloc(n * DAY_STR + 3);
    l->ap = l->ads = adr_xmalloc(n * 21 + 3);
    l->ep = l->events = adr_xmalloc(n * 21 + 3);
    l->first = true;
    *l->dp++ = *l->ap++ = *l->ep++ = '{';
    idmap counted; /* days whose events are in the list */
    idmap_init(&counted);
    size_t pos = 0;
    int64_t key, nads;
    while (day_ads && idmap_next(day_ads, &pos, &key, &nads)) {
        int32_t day = (int32_t)((key >> AD_BITS) - DAY_BIAS);
        if (idmap_get(days, day, &nads) && nads != DAY_WHOLE)
            add_pair(l, &counted, day_events, day, key & AD_MASK);
    }
    pos = 0;
    while (idmap_next(days, &pos, &key, &nads))
        if (!day_ads || nads == DAY_WHOLE)
            add_pair(l, &counted, day_events, (int32_t)key, -1);
    strcpy(l->dp, "}");
    strcpy(l->ap, "}");
    strcpy(l->ep, "}");
    idmap_free(&counted);
}

void ld_mark_dirty(db_batch *b, int64_t company, const idmap *days, const idmap *day_ads,
                   const idmap *day_events)
{
    if (days->count == 0)
        return;
    char tenant[32];
    mark_lists l;
    snprintf(tenant, sizeof tenant, "%lld", (long long)company);
    mark_literals(days, day_ads, day_events, &l);
    const char *params[] = {tenant, l.days, l.ads, day_events ? l.events : NULL};
    db_batch_add(b, "queries/mark_dirty_days", 4, params, "mark the changed days");
    free(l.days);
    free(l.ads);
    free(l.events);
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
