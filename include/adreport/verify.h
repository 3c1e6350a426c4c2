/*
 * verify.h - recompute ad_daily_stats and the ads counters from the raw
 * events without writing them, and compare with what is stored.
 *
 * The recompute is the rollup's own statement (sql/queries/stats_compute.sql
 * through ru_statement()), over tenant-days claimed the rollup's way inside a
 * transaction that is always rolled back: nothing verify does persists.
 * Billing teams run it after a restore or a manual fix; the tests use it as
 * the rollup's check.
 */
#ifndef ADREPORT_VERIFY_H
#define ADREPORT_VERIFY_H

#include "adreport/rollup.h"

#include <stdio.h>

typedef struct vf_totals {
    uint64_t tenants, days; /* tenant-days compared */
    uint64_t differences;   /* one per differing column of a row or ad counter */
} vf_totals;

/*
 * vf_run - compare the tenant-days opts selects (opts->all or
 * opts->ranged; opts->companies limits the tenants) and print each
 * difference to out, one line:
 *
 *     company 50 ad 1 day 2026-11-02 clicks: stored 999, recomputed 0
 *
 * (day "all" for the ads counters, column "row" with "present"/"missing"
 * for a row only one side has).  Returns false after printing an error.
 */
bool vf_run(PGconn *conn, const ru_options *opts, FILE *out, vf_totals *totals);

#endif
