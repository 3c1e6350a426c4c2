/*
 * db.h - the PostgreSQL connection: connect, run embedded SQL, report errors.
 *
 * Connection settings follow libpq: `--db CONNINFO` (a "key=value" string or
 * a postgresql:// URI) wins, then DATABASE_URL, then libpq's own defaults and
 * environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGSERVICE, PGPASSFILE, ...).
 * No function here ever prints a password.
 */
#ifndef ADREPORT_DB_H
#define ADREPORT_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * db_connect - open a connection, or print a three-part error and return NULL.
 * @conninfo: the --db option, or NULL for DATABASE_URL / libpq defaults.
 * The session is set to UTC so that every "day" is a UTC day.
 * Example: PGconn *conn = db_connect(opts.db); if (!conn) return ADR_EXIT_ERROR;
 */
PGconn *db_connect(const char *conninfo);

/*
 * db_describe - "database "x" on host "h" port p as user "u"", for messages.
 * Never includes the password.  Writes into buf and returns it.
 */
char *db_describe(PGconn *conn, char *buf, size_t size);

/*
 * db_sql - the text of an embedded SQL file, by its path under sql/ without
 * ".sql" (e.g. "schema", "queries/ledger_insert").  Aborts on an unknown name:
 * that is a programming error, caught by any test that runs the statement.
 */
const char *db_sql(const char *name);

/*
 * db_exec - run one embedded SQL file (may hold several statements, no
 * parameters).  On failure prints "could not <what>" with the server's message
 * and returns false.
 */
bool db_exec(PGconn *conn, const char *sql_name, const char *what);

/* The longest embedded SQL name, with its ":noreach" suffix, plus NUL. */
#define DB_SQL_NAME_MAX 96

/*
 * db_sql_reach - the name of the variant of embedded SQL file `name` to run:
 * `name` itself when the database keeps reach sketches, else the build's
 * "<name>:noreach", which leaves out every line ending in "-- @reach".
 * Writes into buf and returns it.
 * Example: db_query(conn, db_sql_reach("queries/report_ads", reach, buf), ...)
 */
const char *db_sql_reach(const char *name, bool reach, char buf[DB_SQL_NAME_MAX]);

/*
 * db_reach_enabled - 1 when the database keeps reach sketches (the hll
 * extension and the sketch columns of sql/reach.sql), 0 when not, -1 after
 * printing an error.
 */
int db_reach_enabled(PGconn *conn);

/* db_exec_text - like db_exec, for a short literal command ("BEGIN"). */
bool db_exec_text(PGconn *conn, const char *command, const char *what);

/*
 * db_query - run one embedded statement with text parameters.  Returns the
 * result (PGRES_TUPLES_OK or PGRES_COMMAND_OK) which the caller PQclear()s,
 * or prints "could not <what>" and returns NULL.
 */
PGresult *db_query(PGconn *conn, const char *sql_name, int nparams, const char *const *params,
                   const char *what);

/* db_query_ok - db_query without parameters whose result is not needed. */
bool db_query_ok(PGconn *conn, const char *sql_name, const char *what);

/*
 * db_report - print "could not <what>" with the server's message, detail and
 * hint from res (or the connection's error when res is NULL).
 */
void db_report(PGconn *conn, const PGresult *res, const char *what);

/* db_lost - true when the connection is gone (server stopped, network). */
bool db_lost(PGconn *conn);

/*
 * db_try_lock - take the session-level advisory lock named `name` without
 * waiting.  Returns 1 when taken, 0 when another session holds it, -1 on error.
 */
int db_try_lock(PGconn *conn, const char *name);

#endif
