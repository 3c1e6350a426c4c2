/*
 * verify.c - the stats recomputed beside the stored ones (see verify.h and
 * sql/queries/verify_*.sql).
 */
#include "adreport/verify.h"
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"

#include <stdlib.h>
#include <string.h>

/* Columns of verify_stats.sql after has_stored/has_recomputed, in pairs. */
static const char *const stats_columns[] = {
    "campaign_id",
    "impressions",
    "clicks",
    "impression_cost_usd",
    "click_cost_usd",
    "spend_usd",
    "blacklisted_impressions",
    "blacklisted_clicks",
    "blacklisted_spend_usd",
    "reach", /* the last two only where the database keeps sketches */
    "unique_clickers",
};
#define VF_NREACH 2
#define VF_NCOLUMNS (sizeof stats_columns / sizeof *stats_columns)
#define VF_FIRST_PAIR 5 /* company_id, ad_id, day, has_stored, has_recomputed */

/*
 * Two values as PostgreSQL prints them: bigint or numeric text.  Numerics
 * equal in value may differ in scale ("1.5" and "1.5000000000", after a
 * restore through another tool): trailing fractional zeros do not count.
 */
static size_t significant_length(const char *v)
{
    size_t n = strlen(v);
    if (!strchr(v, '.'))
        return n;
    while (n > 0 && v[n - 1] == '0')
        n--;
    if (n > 0 && v[n - 1] == '.')
        n--;
    return n;
}

static bool same_value(const char *a, const char *b)
{
    size_t n = significant_length(a);
    return n == significant_length(b) && memcmp(a, b, n) == 0;
}

static void print_difference(FILE *out, const char *company, const char *ad, const char *day,
                             const char *column, const char *stored, const char *recomputed)
{
    fprintf(out, "company %s ad %s day %s %s: stored %s, recomputed %s\n", company, ad, day, column,
            stored, recomputed);
}

static uint64_t report_stats(PGresult *res, bool reach, FILE *out)
{
    size_t ncolumns = VF_NCOLUMNS - (reach ? 0 : VF_NREACH);
    uint64_t n = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *company = PQgetvalue(res, i, 0), *ad = PQgetvalue(res, i, 1),
                   *day = PQgetvalue(res, i, 2);
        bool stored = strcmp(PQgetvalue(res, i, 3), "1") == 0,
             recomputed = strcmp(PQgetvalue(res, i, 4), "1") == 0;
        if (!stored || !recomputed) {
            print_difference(out, company, ad, day, "row", stored ? "present" : "missing",
                             recomputed ? "present" : "missing");
            n++;
            continue;
        }
        for (size_t c = 0; c < ncolumns; c++) {
            const char *s = PQgetvalue(res, i, VF_FIRST_PAIR + 2 * (int)c),
                       *r = PQgetvalue(res, i, VF_FIRST_PAIR + 2 * (int)c + 1);
            if (!same_value(s, r)) {
                print_difference(out, company, ad, day, stats_columns[c], s, r);
                n++;
            }
        }
    }
    return n;
}

static uint64_t report_counts(PGresult *res, FILE *out)
{
    static const char *const names[] = {"impressions_count", "clicks_count"};
    uint64_t n = 0;
    for (int i = 0; i < PQntuples(res); i++)
        for (int c = 0; c < 2; c++) {
            const char *s = PQgetisnull(res, i, 2 + 2 * c) ? "NULL" : PQgetvalue(res, i, 2 + 2 * c);
            const char *r = PQgetvalue(res, i, 3 + 2 * c);
            if (strcmp(s, r) != 0) {
                print_difference(out, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), "all", names[c],
                                 s, r);
                n++;
            }
        }
    return n;
}

/* Events in no stats: those of ads without a campaign (ads_without_campaign.sql). */
static uint64_t report_uncounted(PGresult *res, FILE *out)
{
    for (int i = 0; i < PQntuples(res); i++)
        fprintf(out,
                "company %s ad %s day all events: %s in no stats (the ad has no campaign: "
                "ads.campaign_id is NULL)\n",
                PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2));
    return (uint64_t)PQntuples(res);
}

bool vf_run(PGconn *conn, const ru_options *opts, FILE *out, vf_totals *totals)
{
    const char *what = "verify the stats";
    char token[32], first[DAY_STR], last[DAY_STR];
    ru_totals claimed = {0};
    PGresult *stats = NULL, *counts = NULL, *uncounted = NULL;
    const char *params[] = {token};
    /* Never committed: the claim is the only write, and it is undone. */
    int reach = db_reach_enabled(conn);
    bool ok = reach >= 0 && ru_begin(conn, token, sizeof token, what) &&
              ru_claim(conn, opts, token, false, what) && ru_analyze_claim(conn, what) &&
              ru_claimed(conn, token, &claimed, first, last, what) &&
              (claimed.days == 0 || ru_plan_claim(conn, token, what)) &&
              (stats = ru_exec_statement(conn, "queries/verify_stats", reach, token,
                                         PGRES_TUPLES_OK, what)) &&
              (counts = ru_exec_statement(conn, "queries/verify_ad_counts", reach, token,
                                          PGRES_TUPLES_OK, what)) &&
              (uncounted = db_query(conn, "queries/ads_without_campaign", 1, params, what));
    PGresult *res = PQexec(conn, "ROLLBACK");
    PQclear(res);
    if (ok) {
        totals->tenants += claimed.tenants;
        totals->days += claimed.days;
        totals->differences += report_stats(stats, reach, out) + report_counts(counts, out) +
                               report_uncounted(uncounted, out);
    }
    PQclear(stats);
    PQclear(counts);
    PQclear(uncounted);
    return ok;
}
