/*
 * rollup.c - incremental, exact rollups (see rollup.h and
 * sql/queries/rollup_*.sql, where the definitions live).
 */
#include "adreport/rollup.h"
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"
#include "adreport/progress.h"
#include "adreport/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A set of UTC days (days since 2000-01-01), sorted and unique once sealed. */
typedef struct day_set {
    int32_t *days;
    int count, cap;
    char *text; /* "{2026-11-01,2026-11-02}" after day_set_seal() */
} day_set;

static void day_set_add(day_set *s, int32_t day)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->days = adr_xrealloc(s->days, (size_t)s->cap * sizeof *s->days);
    }
    s->days[s->count++] = day;
}

static void day_set_add_result(day_set *s, PGresult *res)
{
    for (int i = 0; i < PQntuples(res); i++) {
        int32_t day;
        if (day_parse(PQgetvalue(res, i, 0), &day))
            day_set_add(s, day);
    }
}

static int by_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Sort, drop duplicates, and render the date[] literal. */
static void day_set_seal(day_set *s)
{
    qsort(s->days, (size_t)s->count, sizeof *s->days, by_day);
    int n = 0;
    for (int i = 0; i < s->count; i++)
        if (n == 0 || s->days[i] != s->days[n - 1])
            s->days[n++] = s->days[i];
    s->count = n;
    char *p = s->text = adr_xmalloc((size_t)n * DAY_STR + 3);
    *p++ = '{';
    for (int i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        day_format(s->days[i], p);
        p += DAY_STR - 1;
    }
    *p++ = '}';
    *p = '\0';
}

static void day_set_free(day_set *s)
{
    free(s->days);
    free(s->text);
}

/* Run one statement with the tenant (and optionally the day set) as params. */
static PGresult *tenant_query(PGconn *conn, const char *sql, const char *tenant,
                              const day_set *days, const char *what)
{
    const char *params[] = {tenant, days ? days->text : NULL};
    return db_query(conn, sql, days ? 2 : 1, params, what);
}

static bool exec_ok(PGresult *res, uint64_t *affected)
{
    if (!res)
        return false;
    if (affected)
        *affected = strtoull(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return true;
}

/* The days to recompute for a tenant, inside its transaction. */
static bool collect_days(PGconn *conn, const ru_options *opts, const char *tenant, day_set *days)
{
    PGresult *res =
        tenant_query(conn, "queries/rollup_take_dirty", tenant, NULL, "claim the dirty days");
    if (!res)
        return false;
    day_set_add_result(days, res);
    PQclear(res);
    if (opts->all) {
        res = tenant_query(conn, "queries/rollup_all_days", tenant, NULL, "find the tenant's days");
        if (!res)
            return false;
        int32_t first, last;
        if (day_parse(PQgetvalue(res, 0, 0), &first) && day_parse(PQgetvalue(res, 0, 1), &last))
            for (int32_t d = first; d <= last; d++)
                day_set_add(days, d);
        PQclear(res);
    }
    for (int32_t d = opts->from_day; opts->ranged && d <= opts->to_day; d++)
        day_set_add(days, d);
    day_set_seal(days);
    return true;
}

/*
 * Recompute the days as contiguous runs, one INSERT each: the statement
 * filters by a plain time range, which the planner estimates well.
 */
static bool insert_runs(PGconn *conn, const char *tenant, const day_set *days, uint64_t *rows,
                        const char *what)
{
    bool ok = true;
    for (int i = 0; i < days->count && ok;) {
        int j = i + 1;
        while (j < days->count && days->days[j] == days->days[j - 1] + 1)
            j++;
        char from[DAY_STR], to[DAY_STR];
        day_format(days->days[i], from);
        day_format(days->days[j - 1], to);
        const char *params[] = {tenant, from, to};
        uint64_t n = 0;
        ok = exec_ok(db_query(conn, "queries/rollup_insert_days", 3, params, what), &n);
        *rows += n;
        i = j;
    }
    return ok;
}

static bool rollup_tenant(PGconn *conn, const ru_options *opts, int64_t company, ru_totals *t)
{
    char tenant[32], what[128];
    snprintf(tenant, sizeof tenant, "%lld", (long long)company);
    double t0 = adr_now();
    day_set days = {0};
    uint64_t rows = 0;
    adr_fmt(what, sizeof what, "roll up company %s", tenant);
    char label[48];
    prog_item_begin(adr_fmt(label, sizeof label, "company %s", tenant));

    bool ok = db_exec_text(conn, "BEGIN", what) &&
              exec_ok(tenant_query(conn, "queries/rollup_lock_tenant", tenant, NULL, what), NULL) &&
              collect_days(conn, opts, tenant, &days);
    if (ok && days.count > 0) {
        ok = exec_ok(tenant_query(conn, "queries/rollup_clear_dirty", tenant, &days, what), NULL) &&
             exec_ok(tenant_query(conn, "queries/rollup_delete_days", tenant, &days, what), NULL) &&
             insert_runs(conn, tenant, &days, &rows, what) &&
             exec_ok(tenant_query(conn, "queries/rollup_mark_months", tenant, &days, what), NULL) &&
             exec_ok(tenant_query(conn, "queries/rollup_ad_counts", tenant, NULL, what), NULL);
    }
    ok = ok && db_exec_text(conn, "COMMIT", what);
    if (!ok) {
        PGresult *res = PQexec(conn, "ROLLBACK");
        PQclear(res);
    } else {
        double secs = adr_now() - t0;
        if (days.count > 0 && adr_verbosity >= ADR_NORMAL) {
            char first[DAY_STR], last[DAY_STR];
            day_format(days.days[0], first);
            day_format(days.days[days.count - 1], last);
            prog_printf("rollup      company %-6s %d days (%s..%s): %llu ad-day rows, %.2f s\n",
                        tenant, days.count, first, last, (unsigned long long)rows, secs);
        }
        if (days.count > 0) {
            char first[DAY_STR], last[DAY_STR];
            day_format(days.days[0], first);
            day_format(days.days[days.count - 1], last);
            sum_rollup_tenant(company, (uint64_t)days.count, first, last, rows);
        }
        prog_item_done(rows);
        t->tenants += days.count > 0;
        t->days += (uint64_t)days.count;
        t->rows += rows;
    }
    day_set_free(&days);
    return ok;
}

/* ANALYZE the event tables a load has just grown (see the SQL file). */
static bool refresh_stale_stats(PGconn *conn)
{
    PGresult *res = db_query(conn, "queries/rollup_stale_tables", 0, NULL, "check statistics");
    if (!res)
        return false;
    bool ok = true;
    for (int i = 0; i < PQntuples(res) && ok; i++) {
        char command[64], what[64];
        /* relname is one of two fixed names, selected by the query. */
        snprintf(command, sizeof command, "ANALYZE %s", PQgetvalue(res, i, 0));
        adr_debug("rollup: %s (statistics are stale)", command);
        ok = db_exec_text(conn, command,
                          adr_fmt(what, sizeof what, "analyze %s", PQgetvalue(res, i, 0)));
    }
    PQclear(res);
    return ok;
}

bool ru_run(PGconn *conn, const ru_options *opts, ru_totals *totals)
{
    double t0 = adr_now();
    if (!refresh_stale_stats(conn))
        return false;
    int64_t *tenants = NULL;
    int n = 0;
    if (opts->companies) {
        tenants = adr_xmalloc((size_t)opts->ncompanies * sizeof *tenants);
        memcpy(tenants, opts->companies, (size_t)opts->ncompanies * sizeof *tenants);
        n = opts->ncompanies;
    } else {
        const char *sql = opts->all || opts->ranged ? "queries/rollup_all_tenants"
                                                    : "queries/rollup_dirty_tenants";
        PGresult *res = db_query(conn, sql, 0, NULL, "list the tenants to roll up");
        if (!res)
            return false;
        n = PQntuples(res);
        tenants = adr_xmalloc((size_t)(n ? n : 1) * sizeof *tenants);
        for (int i = 0; i < n; i++)
            tenants[i] = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        PQclear(res);
    }
    bool ok = true;
    prog_begin("rollup", "tenants", (uint64_t)n, 0, 0);
    for (int i = 0; i < n && ok; i++)
        ok = rollup_tenant(conn, opts, tenants[i], totals);
    prog_end();
    free(tenants);
    totals->seconds += adr_now() - t0;
    sum_stage("rollup", adr_now() - t0);
    return ok;
}
