/*
 * load_days.c - the statements of a load about tenant-days: clear the days
 * a file replaces (or a backfill's range) and mark the days a file changed
 * for the rollup (see load_days.h; SQL in sql/queries/replace_*.sql and
 * mark_dirty_days.sql).
 */
#include "load_days.h"

#include "adreport/days.h"
#include "adreport/dayset.h"
#include "adreport/db.h"

#include <stdio.h>
#include <stdlib.h>

/* No forced range: exec_days takes from > to as "none". */
#define NO_RANGE 1, 0

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
    const char *plain_params[] = {tenant, arr};
    int n = ranged ? 5 : 2;
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

void ld_mark_dirty(db_batch *b, int64_t company, const idmap *days)
{
    exec_days(NULL, b, company, days, "queries/mark_dirty_days", NO_RANGE, false, NULL,
              "mark the changed days");
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
