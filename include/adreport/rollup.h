/*
 * rollup.h - exact daily stats per ad (and per campaign, a view), recomputed
 * incrementally for the tenant-days that changed.
 *
 * Each tenant is one transaction: claim its dirty days, delete their stats,
 * recompute them from the raw events, mark their months for the reports and
 * refresh ads.impressions_count / clicks_count.  Days nobody touched are not
 * rewritten, so a nightly rollup costs what the new data costs.
 */
#ifndef ADREPORT_ROLLUP_H
#define ADREPORT_ROLLUP_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct ru_options {
    const int64_t *companies; /* only these tenants (NULL: every tenant concerned) */
    int ncompanies;
    bool all;                 /* recompute every day of the tenants */
    bool ranged;              /* recompute from_day..to_day */
    int32_t from_day, to_day; /* days since 2000-01-01, inclusive */
} ru_options;

typedef struct ru_totals {
    uint64_t tenants, days, rows;
    double seconds;
} ru_totals;

/*
 * ru_run - roll up as opts says.  Prints a line per tenant (unless quiet)
 * and adds to *totals.  Returns false after printing an error.
 */
bool ru_run(PGconn *conn, const ru_options *opts, ru_totals *totals);

#endif
