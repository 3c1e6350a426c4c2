/*
 * rollup.c - set-based, exact, incremental rollups (see rollup.h; the
 * statements are sql/queries/rollup_*.sql and stats_compute.sql).
 */
#include "adreport/rollup.h"
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"
#include "adreport/progress.h"
#include "adreport/summary.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a statement file takes the text of stats_compute.sql. */
#define RU_COMPUTE_SLOT "{{stats_compute}}"

char *ru_statement(const char *name, bool reach)
{
    char wname[DB_SQL_NAME_MAX], cname[DB_SQL_NAME_MAX];
    const char *wrapper = db_sql(db_sql_reach(name, reach, wname)),
               *compute = db_sql(db_sql_reach("queries/stats_compute", reach, cname));
    const char *slot = strstr(wrapper, RU_COMPUTE_SLOT);
    if (!slot)
        return adr_xstrdup(wrapper);
    size_t head = (size_t)(slot - wrapper), clen = strlen(compute);
    const char *tail = slot + strlen(RU_COMPUTE_SLOT);
    char *sql = adr_xmalloc(head + clen + strlen(tail) + 1);
    memcpy(sql, wrapper, head);
    memcpy(sql + head, compute, clen);
    strcpy(sql + head + clen, tail);
    return sql;
}

/* "{1,2,3}", or NULL for "every tenant". */
static char *company_array(const ru_options *opts)
{
    return opts->companies ? db_bigint_array(opts->companies, (size_t)opts->ncompanies) : NULL;
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

/* A statement taking the token (and maybe more) as its parameters. */
static bool run(PGconn *conn, const char *name, int nparams, const char *const *params,
                uint64_t *affected, const char *what)
{
    return exec_ok(db_query(conn, name, nparams, params, what), affected);
}

bool ru_begin(PGconn *conn, char *token, size_t size, const char *what)
{
    if (!db_exec_text(conn, "BEGIN", what) || !db_exec(conn, "queries/rollup_settings", what))
        return false;
    PGresult *res = db_query(conn, "queries/rollup_lock", 0, NULL, what);
    if (!res)
        return false;
    snprintf(token, size, "%s", PQgetvalue(res, 0, 1));
    PQclear(res);
    return true;
}

/* 1 when a tenant of `companies` (NULL: all) changed zone, 0 if none, -1 on error. */
static int zones_changed(PGconn *conn, const char *companies, const char *what)
{
    const char *params[] = {companies};
    PGresult *res = db_query(conn, "queries/rollup_zones_changed", 1, params, what);
    if (!res)
        return -1;
    int changed = strtoull(PQgetvalue(res, 0, 0), NULL, 10) > 0;
    PQclear(res);
    return changed;
}

bool ru_claim(PGconn *conn, const ru_options *opts, const char *token, bool pending,
              const char *what)
{
    char *companies = company_array(opts);
    char from[DAY_STR], to[DAY_STR];
    bool ok = true;
    if (pending) {
        /* A tenant whose time zone changed has all its days recomputed. */
        const char *changed[] = {companies};
        const char *params[] = {token, companies};
        int zones = zones_changed(conn, companies, what);
        ok = zones >= 0 &&
             (zones == 0 || run(conn, "queries/rollup_zone_changes", 1, changed, NULL, what)) &&
             run(conn, "queries/rollup_claim", 2, params, NULL, what);
    }
    if (ok && (opts->all || opts->ranged)) {
        if (opts->ranged) {
            day_format(opts->from_day, from);
            day_format(opts->to_day, to);
        }
        const char *params[] = {token, companies, opts->ranged ? from : NULL,
                                opts->ranged ? to : NULL};
        ok = run(conn, "queries/rollup_claim_days", 4, params, NULL, what);
    }
    free(companies);
    if (!ok || !(opts->all || opts->ranged || !pending))
        return ok; /* the pending claim wrote the zones itself */
    /*
     * The forced days need their zones.  And --all and --from recompute
     * days whose events may not all have come through the loader (written
     * by other programs, or before adreport_site_hosts existed): record
     * their URLs' hosts first, so the blacklist columns count every event.
     * A marked day's events did come through it, and the loader records
     * every URL in the file's own transaction.
     */
    const char *params[] = {token};
    return run(conn, "queries/rollup_claim_zones", 1, params, NULL, what) &&
           (!(opts->all || opts->ranged) ||
            run(conn, "queries/site_hosts_fill_claim", 1, params, NULL, what));
}

bool ru_analyze_claim(PGconn *conn, const char *what)
{
    return db_exec(conn, "queries/rollup_analyze_claim", what);
}

bool ru_claimed(PGconn *conn, const char *token, ru_totals *t, char *first, char *last,
                const char *what)
{
    const char *params[] = {token};
    PGresult *res = db_query(conn, "queries/rollup_claimed", 1, params, what);
    if (!res)
        return false;
    t->tenants += strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    t->days += strtoull(PQgetvalue(res, 0, 1), NULL, 10);
    snprintf(first, DAY_STR, "%s", PQgetvalue(res, 0, 2));
    snprintf(last, DAY_STR, "%s", PQgetvalue(res, 0, 3));
    PQclear(res);
    return true;
}

static void rollback(PGconn *conn)
{
    PGresult *res = PQexec(conn, "ROLLBACK");
    PQclear(res);
}

/* After an error: roll back whatever transaction it left open. */
static void rollback_open(PGconn *conn)
{
    if (PQtransactionStatus(conn) != PQTRANS_IDLE)
        rollback(conn);
}

/* ANALYZE the event tables a load has just grown (see the SQL file). */
static bool refresh_stale_stats(PGconn *conn)
{
    PGresult *res = db_query(conn, "queries/rollup_stale_tables", 0, NULL, "check statistics");
    if (!res)
        return false;
    bool ok = true;
    for (int i = 0; i < PQntuples(res) && ok; i++) {
        char command[128], what[64];
        const char *table = PQgetvalue(res, i, 0); /* one of two fixed names */
        bool first = PQgetvalue(res, i, 1)[0] == 't';
        /* A first sample of 3,000 rows: the query says why.  The two
         * statements of one query string are one (implicit) transaction, so
         * SET LOCAL keeps the target to this ANALYZE, and an error leaves no
         * transaction open. */
        if (first)
            snprintf(command, sizeof command,
                     "SET LOCAL default_statistics_target = 10; ANALYZE %s", table);
        else
            snprintf(command, sizeof command, "ANALYZE %s", table);
        adr_debug("rollup: %s (statistics are %s)", command, first ? "missing" : "stale");
        ok = db_exec_text(conn, command, adr_fmt(what, sizeof what, "analyze %s", table));
    }
    PQclear(res);
    return ok;
}

/*
 * Below this share of the impressions, a claim's events are read through
 * the (company_id, day) indexes rather than by scanning the tables.  A
 * tenant-day's events lie together on disk (each file is one tenant's, copied
 * in one stream), so an index lookup reads adjacent pages, but the planner
 * prices it as random reads: the correlation it keeps is per column, and
 * company_id cycles through every day's loads.  So on a nightly claim (one
 * day and its neighbours of 30: 6 % of the rows) it scanned all 4.5 million
 * impressions, and the insert took 1.16 s; priced as sequential reads
 * (random_page_cost = 1.1 for the transaction), it looks the days up: 0.42 s.
 * On a first load (every row claimed) the same setting would pick the index
 * too, and lose: 3.3 s against 2.3 s for 2000 tenants.  Hence a share.
 */
#define RU_FEW_ROWS_SHARE 0.1

/* The number after "key": in s, or -1 when there is none. */
static double json_number(const char *s, const char *key)
{
    const char *at = strstr(s, key);
    return at ? strtod(at + strlen(key), NULL) : -1;
}

/*
 * The planner's estimate of the claim's share of the impressions, 1 when it
 * is unknown (a table never analyzed, a Citus coordinator: the workers plan
 * their shards themselves), or -1 on error.
 */
static double claim_share(PGconn *conn, const char *token, const char *what)
{
    PGresult *res = db_query(conn, "queries/rollup_event_rows", 0, NULL, what);
    if (!res)
        return -1;
    double total = strtod(PQgetvalue(res, 0, 0), NULL);
    PQclear(res);
    if (total < 1)
        return 1;
    const char *params[] = {token};
    if (!(res = db_query(conn, "queries/rollup_claim_rows", 1, params, what)))
        return -1;
    double rows = json_number(PQgetvalue(res, 0, 0), "\"Plan Rows\":");
    PQclear(res);
    return rows < 0 ? 1 : rows / total;
}

bool ru_plan_claim(PGconn *conn, const char *token, const char *what)
{
    double share = claim_share(conn, token, what);
    if (share < 0)
        return false;
    bool few = share < RU_FEW_ROWS_SHARE;
    adr_debug("rollup: the claim holds %.1f%% of the impressions: %s", 100 * share,
              few ? "index lookups" : "the planner's choice");
    return !few || db_exec_text(conn, "SET LOCAL random_page_cost = 1.1", what);
}

/* Each tenant of the claim, for --summary-json: its days and stats rows. */
static bool summarize_claim(PGconn *conn, const char *token, const char *what)
{
    const char *params[] = {token};
    PGresult *res = db_query(conn, "queries/rollup_claimed_by_tenant", 1, params, what);
    if (!res)
        return false;
    for (int r = 0; r < PQntuples(res); r++)
        sum_rollup_tenant(strtoll(PQgetvalue(res, r, 0), NULL, 10),
                          strtoull(PQgetvalue(res, r, 1), NULL, 10), PQgetvalue(res, r, 2),
                          PQgetvalue(res, r, 3), strtoull(PQgetvalue(res, r, 4), NULL, 10));
    PQclear(res);
    return true;
}

/*
 * With reach, the stats' GROUP BY carries two HyperLogLog states per group,
 * 128 KB each in memory (postgresql-hll's multiset, whatever it holds), and
 * the planner, misjudging the groups, may hash them: a nightly claim of 656
 * ad-days on 30 days of history filled 128 MB and spilled in 59 batches
 * (0.91 s, against 0.47 s sorted).  So that statement always sorts
 * (sketch_plan); the rest of the transaction hashes as it likes.
 */
static bool sketch_plan(PGconn *conn, bool sketches, bool sorted, const char *what)
{
    return !sketches ||
           db_exec(conn,
                   sorted ? "queries/rollup_sort_sketches" : "queries/rollup_sort_sketches_end",
                   what);
}

PGresult *ru_exec_statement(PGconn *conn, const char *name, bool reach, const char *token,
                            ExecStatusType expect, const char *what)
{
    /* Sketches are built where stats_compute.sql goes. */
    bool sketches = reach && strstr(db_sql(name), RU_COMPUTE_SLOT);
    if (!sketch_plan(conn, sketches, true, what))
        return NULL;
    char *sql = ru_statement(name, reach);
    const char *params[] = {token};
    PGresult *res = PQexecParams(conn, sql, 1, NULL, params, NULL, NULL, 0);
    free(sql);
    if (PQresultStatus(res) != expect) {
        db_report(conn, res, what);
        PQclear(res);
        return NULL;
    }
    if (!sketch_plan(conn, sketches, false, what)) {
        PQclear(res);
        return NULL;
    }
    return res;
}

/* The one INSERT ... SELECT of every claimed tenant-day. */
static bool insert_claimed(PGconn *conn, const char *token, bool reach, uint64_t *rows,
                           const char *what)
{
    PGresult *res =
        ru_exec_statement(conn, "queries/rollup_insert", reach, token, PGRES_COMMAND_OK, what);
    if (!res)
        return false;
    *rows = strtoull(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return true;
}

/*
 * Events no stats row can hold, said out loud: those of an ad without a
 * campaign (ads_without_campaign.sql), which only another program writes.
 */
static bool warn_ads_without_campaign(PGconn *conn, const char *token, ru_totals *t,
                                      const char *what)
{
    const char *params[] = {token};
    PGresult *res = db_query(conn, "queries/ads_without_campaign", 1, params, what);
    if (!res)
        return false;
    for (int i = 0; i < PQntuples(res); i++) {
        const char *company = PQgetvalue(res, i, 0);
        t->events_without_campaign += strtoull(PQgetvalue(res, i, 2), NULL, 10);
        char hint[128];
        adr_warningf(
            "a stats row needs the ad's campaign (its cost model): ads.campaign_id is NULL",
            adr_fmt(hint, sizeof hint,
                    "set the ad's campaign, then run: adreport rollup --company %s --all", company),
            "the %s events of ad %s of company %s are in no stats", PQgetvalue(res, i, 2),
            PQgetvalue(res, i, 1), company);
    }
    PQclear(res);
    return true;
}

void ru_print_without_campaign(const ru_totals *t)
{
    if (t->events_without_campaign)
        printf("summary: %llu events of ads without a campaign are in no stats; set the ads' "
               "campaigns, then run: adreport rollup --all\n",
               (unsigned long long)t->events_without_campaign);
}

/*
 * The claimed tenant-days' new stats, inside the claim's transaction:
 * delete, insert, mark months, settle zones, refresh the ads counters,
 * summarize, clear the claimed marks.
 */
static bool compute_claimed(PGconn *conn, const char *token, bool reach, ru_totals *t,
                            const char *what)
{
    const char *params[] = {token};
    return run(conn, "queries/rollup_delete_claimed", 1, params, NULL, what) &&
           insert_claimed(conn, token, reach, &t->rows, what) &&
           run(conn, "queries/rollup_mark_months", 1, params, NULL, what) &&
           run(conn, "queries/rollup_settle_zones", 1, params, NULL, what) &&
           run(conn, "queries/rollup_ad_counts", 1, params, NULL, what) &&
           warn_ads_without_campaign(conn, token, t, what) && summarize_claim(conn, token, what) &&
           run(conn, "queries/rollup_clear_dirty", 1, params, NULL, what);
}

/* The status line's count and label, once the claim is known. */
static void show_claim(const ru_totals *t)
{
    char label[64];
    prog_set_total(t->days);
    prog_item_begin(adr_fmt(label, sizeof label, "%llu tenants", (unsigned long long)t->tenants));
}

/*
 * The rest of a claim's transaction, from its statistics to COMMIT (the
 * caller rolls back on error).  t gets the claim's tenants, days and rows;
 * `show`: and the status line shows them.
 */
static bool finish_claim(PGconn *conn, const char *token, bool reach, bool show, ru_totals *t,
                         char *first, char *last, const char *what)
{
    bool ok = ru_claimed(conn, token, t, first, last, what);
    if (ok && show)
        show_claim(t);
    ok = ok &&
         (t->days == 0 ||
          (ru_plan_claim(conn, token, what) && compute_claimed(conn, token, reach, t, what))) &&
         db_exec_text(conn, "COMMIT", what);
    if (ok) /* counted once the claim has committed */
        sum_events_without_campaign(t->events_without_campaign);
    return ok;
}

/*
 * --- a rollup on several connections ------------------------------------
 *
 * One INSERT ... SELECT runs on one core (PostgreSQL 15 runs none in
 * parallel), so a big claim is split into parts by tenant, each part one
 * transaction on its own connection, all at once.  Tenants, not days: a
 * tenant's ads counters are totals over all its days, so one transaction
 * must hold all its claimed days.  Parts are balanced by the events their
 * days hold (rollup_weights.sql): the largest tenant first, each to the
 * lightest part.
 *
 * The planner needs statistics of each part's claim (rollup_analyze_claim),
 * and ANALYZE in one open transaction blocks it in every other one.  So a
 * first transaction claims everything, gives each part's tenants their
 * part's token, analyzes and commits; each part then claims its tenants
 * again with the same token (which the statistics know) and takes any mark
 * a load has added since.  The rollup lock is held on the first connection
 * from before the first transaction to after the last.  A part that fails
 * rolls back alone: the others' tenants are done, its tenants keep their
 * marks (and its token, which the next claim replaces), and the rollup
 * reports the error.
 */
typedef struct ru_part {
    PGconn *conn;
    int64_t *companies; /* the part's tenants */
    int ncompanies;
    uint64_t weight;
    char token[32];
    bool reach, ok, started;
    ru_totals t;
    char first[DAY_STR], last[DAY_STR];
    pthread_t thread;
} ru_part;

/* A part's own transaction: claim its tenants again, then the rest. */
static bool run_part(ru_part *p)
{
    const char *what = "roll up the changed tenant-days";
    ru_options opts = {.companies = p->companies, .ncompanies = p->ncompanies};
    p->ok = db_exec_text(p->conn, "BEGIN", what) &&
            db_exec(p->conn, "queries/rollup_settings", what) &&
            ru_claim(p->conn, &opts, p->token, true, what) &&
            finish_claim(p->conn, p->token, p->reach, false, &p->t, p->first, p->last, what);
    rollback_open(p->conn);
    return p->ok;
}

static void *part_thread(void *arg)
{
    run_part(arg);
    return NULL;
}

/* Deal the claim's tenants (largest first) into at most `jobs` parts. */
static int split_tenants(PGconn *conn, const char *token, int jobs, ru_part *parts)
{
    const char *params[] = {token};
    PGresult *res = db_query(conn, "queries/rollup_weights", 1, params, "weigh the claim");
    if (!res)
        return -1;
    int n = PQntuples(res), nparts = n < jobs ? n : jobs;
    for (int k = 0; k < nparts; k++)
        parts[k].companies = adr_xmalloc((size_t)n * sizeof(int64_t));
    for (int r = 0; r < n; r++) {
        ru_part *light = &parts[0];
        for (int k = 1; k < nparts; k++)
            if (parts[k].weight < light->weight)
                light = &parts[k];
        light->companies[light->ncompanies++] = strtoll(PQgetvalue(res, r, 0), NULL, 10);
        light->weight += strtoull(PQgetvalue(res, r, 1), NULL, 10);
    }
    PQclear(res);
    return nparts;
}

/*
 * Run the parts at once: part 0 on conn in this thread, each other part on
 * a connection and thread of its own; a part that gets neither runs here
 * after part 0.
 */
static void run_all_parts(PGconn *conn, bool reach, ru_part *parts, int nparts)
{
    for (int k = 0; k < nparts; k++) {
        parts[k].reach = reach;
        parts[k].conn = k == 0 ? conn : db_connect_like(conn, "rollup");
        parts[k].started = k > 0 && parts[k].conn &&
                           pthread_create(&parts[k].thread, NULL, part_thread, &parts[k]) == 0;
    }
    for (int k = 0; k < nparts; k++)
        if (!parts[k].started) {
            PGconn *own = parts[k].conn;
            parts[k].conn = conn;
            run_part(&parts[k]);
            if (own && own != conn)
                PQfinish(own);
        }
    for (int k = 0; k < nparts; k++)
        if (parts[k].started) {
            pthread_join(parts[k].thread, NULL);
            PQfinish(parts[k].conn);
        }
}

/* Add the parts' totals and day range to the rollup's; whether all succeeded. */
static bool add_parts(const ru_part *parts, int nparts, ru_totals *t, char *first, char *last)
{
    bool ok = true;
    for (int k = 0; k < nparts; k++) {
        const ru_part *p = &parts[k];
        t->tenants += p->t.tenants;
        t->days += p->t.days;
        t->rows += p->t.rows;
        if (p->ok)
            t->events_without_campaign += p->t.events_without_campaign;
        if (p->t.days && (!first[0] || strcmp(p->first, first) < 0))
            strcpy(first, p->first);
        if (p->t.days && strcmp(p->last, last) > 0)
            strcpy(last, p->last);
        ok = ok && p->ok;
    }
    return ok;
}

/* Give parts 1.. their tokens (base + k); part 0 keeps the base token. */
static bool retoken_parts(PGconn *conn, const char *base, ru_part *parts, int nparts)
{
    uint64_t b = strtoull(base, NULL, 10);
    bool ok = true;
    for (int k = 0; k < nparts && ok; k++) {
        snprintf(parts[k].token, sizeof parts[k].token, "%llu", (unsigned long long)(b + k));
        if (k == 0)
            continue;
        ru_options opts = {.companies = parts[k].companies, .ncompanies = parts[k].ncompanies};
        char *companies = company_array(&opts);
        const char *params[] = {base, parts[k].token, companies};
        ok = run(conn, "queries/rollup_split_claim", 3, params, NULL, "split the claim");
        free(companies);
    }
    return ok;
}

static bool run_parts(PGconn *conn, const ru_options *opts, bool reach, ru_totals *t, char *first,
                      char *last, const char *what)
{
    char base[32];
    ru_part parts[RU_MAX_JOBS];
    memset(parts, 0, sizeof parts);
    if (!db_exec(conn, "queries/rollup_lock_session", what))
        return false;
    bool ok = ru_begin(conn, base, sizeof base, what) && ru_claim(conn, opts, base, true, what);
    int nparts = ok ? split_tenants(conn, base, opts->jobs, parts) : -1;
    ok = nparts >= 0;
    if (!ok) {
        rollback_open(conn);
    } else if (nparts <= 1) {
        /* One tenant (or none): this transaction does it all. */
        ok = ru_analyze_claim(conn, what) &&
             finish_claim(conn, base, reach, true, t, first, last, what);
        rollback_open(conn);
    } else {
        ru_totals all = {0};
        char a[DAY_STR], b[DAY_STR];
        ok = ru_claimed(conn, base, &all, a, b, what);
        if (ok)
            show_claim(&all);
        for (int k = 0; k < nparts; k++)
            adr_debug("rollup: part %d of %d: %d tenants, weight %llu", k + 1, nparts,
                      parts[k].ncompanies, (unsigned long long)parts[k].weight);
        ok = retoken_parts(conn, base, parts, nparts) && ru_analyze_claim(conn, what) &&
             db_exec_text(conn, "COMMIT", what);
        rollback_open(conn);
        if (ok) {
            run_all_parts(conn, reach, parts, nparts);
            ok = add_parts(parts, nparts, t, first, last);
        }
    }
    for (int k = 0; k < RU_MAX_JOBS; k++)
        free(parts[k].companies);
    ok = db_query_ok(conn, "queries/rollup_unlock_session", what) && ok;
    return ok;
}

/*
 * On Citus the rollup is one transaction whatever --jobs.  The coordinator
 * already runs each statement on every shard at once, and Citus lets one
 * multi-shard modification at a time hold a shard (a shard lock until
 * commit, citus.enable_deadlock_prevention): parts would wait for each
 * other, and parts whose tenants lie on different sets of shards deadlock
 * (seen on a cluster: "distributed deadlock", two parts of four tenants).
 * 1 on Citus, 0 if not, -1 on error.
 */
static int on_citus(PGconn *conn, const char *what)
{
    return db_query_flag(conn, "queries/rollup_on_citus", what);
}

bool ru_run(PGconn *conn, const ru_options *opts, ru_totals *totals)
{
    double t0 = adr_now();
    const char *what = "roll up the changed tenant-days";
    if (!refresh_stale_stats(conn))
        return false;
    char token[32], first[DAY_STR] = "", last[DAY_STR] = "";
    ru_totals t = {0};
    int reach = db_reach_enabled(conn); /* sketches too, where hll is there */
    /* The display counts tenant-days; the statements do them all at once. */
    prog_begin("rollup", "tenant-days", 0, 0, 0);
    int citus = opts->jobs > 1 ? on_citus(conn, what) : 0;
    bool ok = reach >= 0 && citus >= 0;
    if (ok && citus)
        adr_debug("rollup: one transaction on Citus, whatever --jobs");
    if (ok && opts->jobs > 1 && !citus) {
        ok = run_parts(conn, opts, reach == 1, &t, first, last, what);
    } else if (ok) {
        /*
         * One transaction: claim, delete, insert, mark months, refresh the
         * ads counters, clear the claimed marks.  A kill at any point leaves
         * the previous stats and every mark; a rerun does it all again.
         */
        ok = ru_begin(conn, token, sizeof token, what) && ru_claim(conn, opts, token, true, what) &&
             ru_analyze_claim(conn, what) &&
             finish_claim(conn, token, reach == 1, true, &t, first, last, what);
        rollback_open(conn);
    }
    if (ok && t.days > 0)
        prog_item_done(t.rows);
    prog_end();
    sum_stage("rollup", adr_now() - t0);
    if (!ok)
        return false;
    t.seconds = adr_now() - t0;
    if (t.days > 0 && adr_verbosity >= ADR_NORMAL)
        prog_printf(
            "rollup      %llu tenants, %llu tenant-days (%s..%s): %llu ad-day rows, %.2f s\n",
            (unsigned long long)t.tenants, (unsigned long long)t.days, first, last,
            (unsigned long long)t.rows, t.seconds);
    totals->tenants += t.tenants;
    totals->days += t.days;
    totals->rows += t.rows;
    totals->events_without_campaign += t.events_without_campaign;
    totals->seconds += t.seconds;
    return true;
}
