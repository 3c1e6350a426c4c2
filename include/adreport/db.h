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
#include <stddef.h>
#include <stdint.h>

/*
 * db_connect - open a connection, or print a three-part error and return NULL.
 * @conninfo: the --db option, or NULL for DATABASE_URL / libpq defaults.
 * The session is set to UTC so that every "day" is a UTC day.
 * Example: PGconn *conn = db_connect(opts.db); if (!conn) return ADR_EXIT_ERROR;
 */
PGconn *db_connect(const char *conninfo);

/*
 * db_connect_like - another connection like conn (same host, database,
 * user, password, options), in UTF8 and UTC like the first, for a pool of
 * workers.  NULL when it cannot be had (said at --verbose, as `who`'s): the
 * pool then runs with fewer workers.
 */
PGconn *db_connect_like(PGconn *conn, const char *who);

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

/*
 * db_bigint_array - ids[0..n) as a PostgreSQL array literal, "{3,7,12}", the
 * text of a bigint[] parameter.  The caller frees it.
 */
char *db_bigint_array(const int64_t *ids, size_t n);

/* db_query_flag - a query without parameters answering one boolean: 1 for
 * true, 0 for false, -1 on error (reported). */
int db_query_flag(PGconn *conn, const char *sql_name, const char *what);

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

/* --- prepared statements and pipelines ------------------------------------ */

/* Embedded SQL files one db_stmts prepares; more run unprepared. */
#define DB_STMTS_MAX 16

/*
 * db_stmts - the embedded statements prepared on one connection, so that a
 * statement run once per file is parsed and planned once per connection
 * instead.  The names are unique in the process ("adr<N>_<i>"), so a second
 * db_stmts on the same connection (a later load on the caller's
 * connection) never meets the first one's.  Owned by whoever owns the
 * connection; holds no memory (nothing to free).  Prepared statements
 * outlive transactions, so a rollback loses none of them.
 */
typedef struct db_stmts {
    PGconn *conn;
    unsigned long id;                  /* this set's number in the process */
    const char *names[DB_STMTS_MAX];   /* embedded SQL names, by slot */
    unsigned char state[DB_STMTS_MAX]; /* prepared, or being prepared */
    int count;
} db_stmts;

/* db_stmts_init - an empty set for conn. */
void db_stmts_init(db_stmts *s, PGconn *conn);

/*
 * db_query_prepared - db_query through the prepared statement of `sql_name`
 * (prepared on first use).  Same result and errors as db_query.
 */
PGresult *db_query_prepared(db_stmts *s, const char *sql_name, int nparams,
                            const char *const *params, const char *what);

/* Statements one db_batch holds. */
#define DB_BATCH_MAX 8

typedef struct db_batch_item {
    const char *sql_name; /* an embedded SQL file (prepared), or NULL: */
    const char *command;  /* a short literal command without parameters */
    int nparams;
    char **params; /* copies, freed by db_batch_free */
    const char *what;
    PGresult *res; /* after db_batch_run: the result, NULL if none came */
} db_batch_item;

/*
 * db_batch - statements sent together in one pipeline (libpq pipeline mode,
 * one Sync): one round trip for all of them, executed in order, stopping
 * at the first that fails (the server skips the rest).  Fill it with
 * db_batch_add / db_batch_add_text, run it with db_batch_run, read the
 * results, db_batch_free.  No COPY in a batch.
 * Example:
 *     db_batch b;
 *     db_batch_init(&b, stmts);
 *     db_batch_add_text(&b, "BEGIN", "start the file's transaction");
 *     int ads = db_batch_add(&b, "queries/tenant_ads", 1, params, "read the tenant's ads");
 *     int failed = db_batch_run(&b);
 *     if (failed >= 0) db_batch_report(&b, failed); else use(b.item[ads].res);
 *     db_batch_free(&b);
 */
typedef struct db_batch {
    db_stmts *stmts;
    int count;
    db_batch_item item[DB_BATCH_MAX];
} db_batch;

/* db_batch_init - an empty batch on stmts->conn. */
void db_batch_init(db_batch *b, db_stmts *stmts);

/*
 * db_batch_add - append the embedded statement `sql_name` with text
 * parameters (copied: the caller's may go away).  Returns its index.
 * More than DB_BATCH_MAX statements is a programming error (abort).
 */
int db_batch_add(db_batch *b, const char *sql_name, int nparams, const char *const *params,
                 const char *what);

/* db_batch_add_text - append a literal command ("BEGIN", "COMMIT"). */
int db_batch_add_text(db_batch *b, const char *command, const char *what);

/*
 * db_batch_run - send every statement, wait for every result.  Returns -1
 * when all succeeded, else the index of the first that failed (its error
 * result in item[i].res, or NULL when the connection failed); the ones
 * after it did not run.  Prints nothing: see db_batch_report.
 */
int db_batch_run(db_batch *b);

/* db_batch_report - print statement i's failure as db_query would have. */
void db_batch_report(const db_batch *b, int i);

/* db_batch_sqlstate - the SQLSTATE of statement i's error, or "". */
const char *db_batch_sqlstate(const db_batch *b, int i);

/* db_batch_free - clear the results and free the copied parameters. */
void db_batch_free(db_batch *b);

#endif
