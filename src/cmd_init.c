/*
 * cmd_init.c - `adreport init [--citus]`: create or upgrade the schema.
 *
 * Runs sql/schema.sql (the seed's five tables), sql/project.sql (adreport's
 * own tables), with --citus sql/citus.sql (their distribution), then
 * sql/views.sql, in one transaction; all are idempotent, so init can run on
 * every deploy, and --citus also moves a single-server database's rows onto
 * the cluster.
 */
#include "adreport/cli.h"
#include "adreport/common.h"
#include "adreport/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: adreport init [--citus] [OPTIONS]\n\n"
    "Create the schema, or upgrade an existing one in place (safe to repeat).\n\n"
    "  --citus              also distribute the tables by company_id on Citus\n";

/* citus_status.sql: 1 installed here, 2 available, 0 absent; -1 on error. */
static int citus_status(PGconn *conn)
{
    PGresult *res = db_query(conn, "queries/citus_status", 0, NULL, "check for citus");
    if (!res)
        return -1;
    int status = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return status;
}

/*
 * Is citus usable here?  Prints the three-part refusal when it is not, so
 * that nothing is created before --citus is known to work.
 */
static bool citus_ready(PGconn *conn, int status)
{
    if (status == 1)
        return true;
    char where[512];
    adr_error("could not distribute the tables: the citus extension is not installed",
              db_describe(conn, where, sizeof where),
              status == 2 ? "run \"CREATE EXTENSION citus\" in this database first"
                          : "install Citus on this server, or run \"adreport init\" "
                            "without --citus for plain PostgreSQL");
    return false;
}

/*
 * Reach needs the hll extension.  Where it cannot be created (not installed
 * on the server, or on a Citus worker, or no privilege) init still succeeds
 * and says so once: the reports then leave the reach columns out rather than
 * show wrong numbers.  Runs inside init's transaction, under a savepoint so
 * that a refusal undoes only this step.  When reach is turned on in a
 * database that already has stats, every stats day is marked for the next
 * rollup, which fills its sketches.
 */
static bool enable_reach(PGconn *conn, bool citus, bool *enabled)
{
    static const char hint[] = "apt-get install postgresql-15-hll (on Citus: on every node), "
                               "then run \"adreport init\" and \"adreport rollup\"";
    char where[512], detail[1024];
    int before = db_reach_enabled(conn);
    PGresult *res = db_query(conn, "queries/hll_status", 0, NULL, "check for hll");
    if (before < 0 || !res)
        return false;
    int status = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    *enabled = false;
    if (status == 0) {
        adr_warning(
            "reach and frequency are off: the hll extension is not installed on this server",
            db_describe(conn, where, sizeof where), hint);
        return true;
    }
    if (!db_exec_text(conn, "SAVEPOINT reach", "set a savepoint"))
        return false;
    res = PQexec(conn, db_sql("reach"));
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        const char *why = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        adr_fmt(detail, sizeof detail, "%s: %s", db_describe(conn, where, sizeof where),
                why ? why : "unknown error");
        PQclear(res);
        adr_warning("reach and frequency are off: could not create the hll extension", detail,
                    citus ? hint : "connect as a superuser, or install postgresql-15-hll");
        return db_exec_text(conn, "ROLLBACK TO SAVEPOINT reach", "roll back to the savepoint");
    }
    PQclear(res);
    *enabled = true;
    return db_exec_text(conn, "RELEASE SAVEPOINT reach", "release the savepoint") &&
           (before == 1 ||
            db_exec(conn, "queries/mark_all_stats_dirty", "mark the stats for reach sketches"));
}

/*
 * One transaction: tables, then (with --citus) their distribution, then the
 * views.  The views come last because Citus keeps a view created over a
 * still-local table local to the coordinator; citus.sql drops them first so
 * that a database moving from one server to Citus gets them recreated over
 * the distributed tables.
 */
static bool apply_schema(PGconn *conn, bool citus, bool sequential, bool *reach)
{
    char views[DB_SQL_NAME_MAX];
    if (!db_exec_text(conn, "BEGIN", "start the schema transaction"))
        return false;
    /* On Citus, DDL on a distributed table runs over one connection per
     * shard; a view or function command later in the same transaction needs
     * a single connection per node, so the whole upgrade runs sequentially --
     * with --citus, and in any database with the extension (a plain "init"
     * of a distributed database failed on its functions). */
    bool ok =
        (!sequential ||
         db_exec_text(conn, "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'",
                      "switch citus to sequential mode")) &&
        db_query_ok(conn, "queries/init_lock", "lock the schema") &&
        db_exec(conn, "schema", "create the seed tables (sql/schema.sql)") &&
        db_exec(conn, "project", "create adreport's tables (sql/project.sql)") &&
        enable_reach(conn, citus, reach) &&
        (!citus || db_exec(conn, "citus", "distribute the tables (sql/citus.sql)")) &&
        db_exec(conn, db_sql_reach("views", *reach, views),
                "create adreport's views (sql/views.sql)") &&
        db_exec(conn, "queries/site_hosts_fill_all", "record the hosts of the events' site URLs") &&
        db_exec_text(conn, "COMMIT", "commit the schema");
    if (!ok)
        db_exec_text(conn, "ROLLBACK", "roll back");
    return ok;
}

int cmd_init(int argc, char **argv)
{
    static const struct option longopts[] = {{"citus", no_argument, NULL, 'c'}, CLI_COMMON_OPTIONS};
    struct cli_common common = {0};
    bool citus = false;
    int opt;
    while ((opt = getopt_long(argc, argv, ":d:qvh", longopts, NULL)) != -1) {
        if (opt == 'c')
            citus = true;
        else if (!cli_common_option(opt, optarg, &common, usage))
            return cli_usage_error("init", cli_option_problem(opt, argv));
    }
    if (optind != argc)
        return cli_usage_error("init", "init takes no arguments");

    PGconn *conn = db_connect(common.db);
    if (!conn)
        return ADR_EXIT_ERROR;
    bool reach = false;
    int status = citus_status(conn);
    bool ok = status >= 0 && (!citus || citus_ready(conn, status)) &&
              apply_schema(conn, citus, citus || status == 1, &reach);
    if (ok) {
        char where[512];
        adr_info("schema ready in %s%s%s", db_describe(conn, where, sizeof where),
                 citus ? ", distributed on citus" : "", reach ? ", reach on (hll)" : "");
    }
    PQfinish(conn);
    return ok ? ADR_EXIT_OK : ADR_EXIT_ERROR;
}
