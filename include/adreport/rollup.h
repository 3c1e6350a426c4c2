/*
 * rollup.h - exact daily stats per ad (and per campaign, a view), recomputed
 * set-based for the tenant-days that changed.
 *
 * One transaction for every tenant at once: claim the pending dirty marks
 * (and any forced days) by writing a token into adreport_dirty_days, delete
 * the claimed days' stats, recompute them in one INSERT ... SELECT
 * (sql/queries/stats_compute.sql), mark their months for the reports,
 * refresh ads.impressions_count / clicks_count of the tenants concerned, and
 * delete the claimed marks.  Days nobody touched are not rewritten, so a
 * nightly rollup costs what the new data costs; a killed rollup leaves the
 * previous stats and marks.  With --jobs N the tenants are split into up to
 * N parts of about equal work, each such a transaction on its own
 * connection, all at once (rollup.c): each tenant's stats change whole or
 * not at all; on Citus, whose coordinator runs each statement on all shards
 * at once, it is one transaction.  verify.c reuses the claim and the compute
 * statement.
 */
#ifndef ADREPORT_ROLLUP_H
#define ADREPORT_ROLLUP_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Connections one rollup uses at most (its claim tokens leave room for 16). */
#define RU_MAX_JOBS 16

/* Connections a rollup uses unless told (--jobs): the machines' two cores. */
#define RU_DEFAULT_JOBS 2

typedef struct ru_options {
    const int64_t *companies; /* only these tenants (NULL: every tenant concerned) */
    int ncompanies;
    bool all;                 /* recompute every day of the tenants */
    bool ranged;              /* recompute from_day..to_day */
    int32_t from_day, to_day; /* days since 2000-01-01, inclusive */
    int jobs;                 /* connections at once (1..RU_MAX_JOBS; 0: 1) */
} ru_options;

typedef struct ru_totals {
    uint64_t tenants, days, rows;
    /* Events of ads without a campaign (ads.campaign_id NULL): in no stats,
     * each ad warned about (ads_without_campaign.sql). */
    uint64_t events_without_campaign;
    double seconds;
} ru_totals;

/*
 * ru_run - roll up as opts says.  Prints one line (unless quiet) and adds to
 * *totals.  Returns false after printing an error (the transaction rolled
 * back: nothing changed).
 */
bool ru_run(PGconn *conn, const ru_options *opts, ru_totals *totals);

/*
 * ru_print_without_campaign - when t counts events of ads without a
 * campaign, one "summary:" line on stdout with their number and the fix.
 * Printed also under --quiet, which hides the warning about each ad: those
 * events are in no stats, which a cron job must hear about.
 */
void ru_print_without_campaign(const ru_totals *t);

/*
 * ru_begin - BEGIN, take the rollup lock and write the transaction's claim
 * token (a decimal string) to token[size].  The caller ends the transaction.
 */
bool ru_begin(PGconn *conn, char *token, size_t size, const char *what);

/*
 * ru_claim - claim with token, inside ru_begin's transaction: the pending
 * marks of opts' tenants when pending is true, plus every day with events or
 * stats (opts->all) or every day of the range (opts->ranged).
 */
bool ru_claim(PGconn *conn, const ru_options *opts, const char *token, bool pending,
              const char *what);

/*
 * ru_analyze_claim - planner statistics of the claim, after ru_claim and
 * before the statements that read it (rollup_analyze_claim.sql says why).
 */
bool ru_analyze_claim(PGconn *conn, const char *what);

/*
 * ru_claimed - add the claim's tenants and tenant-days to *t, and write its
 * first and last day ("" when empty) to first/last (DAY_STR bytes each).
 */
bool ru_claimed(PGconn *conn, const char *token, ru_totals *t, char *first, char *last,
                const char *what);

/*
 * ru_plan_claim - inside the claim's transaction, before the statements that
 * read its events: when the claimed days hold a small share of the events
 * (a nightly run on a long history), have the planner look them up in the
 * index instead of scanning the tables (SET LOCAL; see rollup.c).
 */
bool ru_plan_claim(PGconn *conn, const char *token, const char *what);

/*
 * ru_statement - the text of sql/<name>.sql with stats_compute.sql put where
 * it says {{stats_compute}}, both without their reach lines unless `reach`
 * (the database keeps sketches, db_reach_enabled()).  Returns a malloc'd
 * string the caller frees.
 *
 *     char *sql = ru_statement("queries/rollup_insert", true);
 */
char *ru_statement(const char *name, bool reach);

/*
 * ru_exec_statement - run ru_statement(name, reach) with the claim token as
 * its one parameter.  Returns the result when its status is `expect`
 * (PGRES_COMMAND_OK for a write, PGRES_TUPLES_OK for a query), for the
 * caller to PQclear; otherwise prints the error as failing to `what` and
 * returns NULL.  A statement that builds reach sketches is planned without
 * hash aggregation (see rollup.c).
 *
 *     PGresult *res = ru_exec_statement(conn, "queries/verify_stats", true, token,
 *                                       PGRES_TUPLES_OK, "verify");
 */
PGresult *ru_exec_statement(PGconn *conn, const char *name, bool reach, const char *token,
                            ExecStatusType expect, const char *what);

#endif
