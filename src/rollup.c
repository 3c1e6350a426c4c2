/*
 * rollup.c - incremental, exact rollups (see rollup.h and
 * sql/queries/rollup_*.sql, where the definitions live).
 */
#include "adreport/rollup.h"
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A PostgreSQL date[] literal built from day strings, with its bounds. */
typedef struct day_array {
    char *text; /* "{2026-11-01,2026-11-02}" */
    size_t len, cap;
    int count;
    char min[DAY_STR], max[DAY_STR];
} day_array;

static void da_add(day_array *a, const char *day)
{
    if (a->len + DAY_STR + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->text = adr_xrealloc(a->text, a->cap);
    }
    if (a->len == 0)
        a->text[a->len++] = '{';
    else
        a->text[a->len - 1] = ','; /* overwrite the closing brace */
    memcpy(a->text + a->len, day, DAY_STR - 1);
    a->len += DAY_STR - 1;
    a->text[a->len++] = '}';
    a->text[a->len] = '\0';
    if (a->count == 0 || strcmp(day, a->min) < 0)
        memcpy(a->min, day, DAY_STR);
    if (a->count == 0 || strcmp(day, a->max) > 0)
        memcpy(a->max, day, DAY_STR);
    a->count++;
}

static void da_add_result(day_array *a, PGresult *res)
{
    for (int i = 0; i < PQntuples(res); i++)
        da_add(a, PQgetvalue(res, i, 0));
}

/* Run one statement with the tenant (and optionally the days) as params. */
static PGresult *tenant_query(PGconn *conn, const char *sql, const char *tenant,
                              const day_array *days, bool bounds, const char *what)
{
    const char *with_bounds[] = {tenant, days ? days->min : NULL, days ? days->max : NULL,
                                 days ? days->text : NULL};
    const char *plain[] = {tenant, days ? days->text : NULL};
    if (bounds)
        return db_query(conn, sql, 4, with_bounds, what);
    return db_query(conn, sql, days ? 2 : 1, plain, what);
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
static bool collect_days(PGconn *conn, const ru_options *opts, const char *tenant, day_array *days)
{
    PGresult *res = tenant_query(conn, "queries/rollup_take_dirty", tenant, NULL, false,
                                 "claim the dirty days");
    if (!res)
        return false;
    da_add_result(days, res);
    PQclear(res);
    if (opts->all) {
        res = tenant_query(conn, "queries/rollup_all_days", tenant, NULL, false, "list the days");
        if (!res)
            return false;
        da_add_result(days, res);
        PQclear(res);
    }
    if (opts->ranged) {
        for (int32_t d = opts->from_day; d <= opts->to_day; d++) {
            char s[DAY_STR];
            day_format(d, s);
            da_add(days, s);
        }
    }
    return true;
}

static bool rollup_tenant(PGconn *conn, const ru_options *opts, int64_t company, ru_totals *t)
{
    char tenant[32], what[128];
    snprintf(tenant, sizeof tenant, "%lld", (long long)company);
    double t0 = adr_now();
    day_array days = {0};
    uint64_t rows = 0;
    adr_fmt(what, sizeof what, "roll up company %s", tenant);

    bool ok = db_exec_text(conn, "BEGIN", what) &&
              exec_ok(tenant_query(conn, "queries/rollup_lock_tenant", tenant, NULL, false, what),
                      NULL) &&
              collect_days(conn, opts, tenant, &days);
    if (ok && days.count > 0) {
        ok = exec_ok(tenant_query(conn, "queries/rollup_clear_dirty", tenant, &days, false, what),
                     NULL) &&
             exec_ok(tenant_query(conn, "queries/rollup_delete_days", tenant, &days, false, what),
                     NULL) &&
             exec_ok(tenant_query(conn, "queries/rollup_insert_days", tenant, &days, true, what),
                     &rows) &&
             exec_ok(tenant_query(conn, "queries/rollup_mark_months", tenant, &days, false, what),
                     NULL) &&
             exec_ok(tenant_query(conn, "queries/rollup_ad_counts", tenant, NULL, false, what),
                     NULL);
    }
    ok = ok && db_exec_text(conn, "COMMIT", what);
    if (!ok) {
        PGresult *res = PQexec(conn, "ROLLBACK");
        PQclear(res);
    } else {
        double secs = adr_now() - t0;
        if (days.count > 0 && adr_verbosity >= ADR_NORMAL)
            printf("rollup      company %-6s %d days (%s..%s): %llu ad-day rows, %.2f s\n", tenant,
                   days.count, days.min, days.max, (unsigned long long)rows, secs);
        t->tenants += days.count > 0;
        t->days += (uint64_t)days.count;
        t->rows += rows;
    }
    free(days.text);
    return ok;
}

bool ru_run(PGconn *conn, const ru_options *opts, ru_totals *totals)
{
    double t0 = adr_now();
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
    for (int i = 0; i < n && ok; i++)
        ok = rollup_tenant(conn, opts, tenants[i], totals);
    free(tenants);
    totals->seconds += adr_now() - t0;
    return ok;
}
