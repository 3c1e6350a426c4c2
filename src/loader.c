/*
 * loader.c - find the input files (walk folders, refuse links and special
 * files, order entity files first) and load them over one or several
 * connections (see loader.h).  Each file is load_file.c's business.
 */
#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/progress.h"
#include "adreport/summary.h"
#include "load_file.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- finding files ------------------------------------------------------ */

typedef struct path_list {
    char **paths;
    ld_kind *kinds;
    size_t count, cap;
} path_list;

static void add_path(path_list *l, const char *path, ld_kind kind)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->paths = adr_xrealloc(l->paths, l->cap * sizeof *l->paths);
        l->kinds = adr_xrealloc(l->kinds, l->cap * sizeof *l->kinds);
    }
    l->paths[l->count] = adr_xstrdup(path);
    l->kinds[l->count] = kind;
    l->count++;
}

/* A file that is refused before it is looked at: counts as failed. */
static void refuse_path(ld_totals *totals, const char *path, const char *detail, const char *hint)
{
    adr_errorf(detail, hint, "could not load \"%s\"", path);
    totals->files_failed++;
}

/*
 * Walk a folder.  Symbolic links are not followed (a link in folder 2 must
 * never feed the tenant of its target's folder, nor a folder be walked
 * twice) and only regular files are read (a FIFO would block forever):
 * anything else is refused.
 */
static bool walk(path_list *l, const char *dir, ld_kind forced, ld_totals *totals)
{
    DIR *d = opendir(dir);
    if (!d) {
        adr_errorf(strerror(errno), NULL, "could not open folder \"%s\"", dir);
        return false;
    }
    bool ok = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ., .., and hidden files such as editors' temporaries */
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISLNK(st.st_mode)) {
            refuse_path(totals, path, "a symbolic link: links are not followed",
                        "put the file itself in the folder");
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            ok &= walk(l, path, forced, totals);
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            refuse_path(totals, path, "not a regular file (a FIFO, socket or device)",
                        "only regular files are read");
            continue;
        }
        ld_kind kind = forced ? forced : ld_kind_from_name(e->d_name);
        if (kind == LD_UNKNOWN) {
            adr_warningf("the name does not say what it holds",
                         "name files companies*.csv, campaigns*.csv, ads*.csv, clicks*.csv or "
                         "impressions*.csv (optionally .gz)",
                         "skipping \"%s\"", path);
            continue;
        }
        add_path(l, path, kind);
    }
    closedir(d);
    return ok;
}

static const path_list *sort_list;

/* Entity files first, parents before children; then logs by path. */
static int by_kind_then_path(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    ld_kind ki = sort_list->kinds[i], kj = sort_list->kinds[j];
    int ri = ld_kind_is_entity(ki) ? (int)ki : 10, rj = ld_kind_is_entity(kj) ? (int)kj : 10;
    if (ri != rj)
        return ri - rj;
    return strcmp(sort_list->paths[i], sort_list->paths[j]);
}

void ld_print_totals(const ld_totals *t)
{
    if (adr_verbosity < ADR_NORMAL && !t->files_failed && !t->rows_rejected)
        return;
    printf("total: %llu files loaded, %llu skipped, %llu failed; %llu rows loaded, %llu "
           "rejected; %.2f s, %.0f rows/s\n",
           (unsigned long long)t->files_loaded, (unsigned long long)t->files_skipped,
           (unsigned long long)t->files_failed, (unsigned long long)t->rows_loaded,
           (unsigned long long)t->rows_rejected, t->seconds,
           t->seconds > 0 ? (double)t->rows_loaded / t->seconds : 0.0);
    fflush(stdout);
}

/* --- loading files, on one or several connections ------------------------ */

/*
 * Durability: asynchronous commits, synchronous barriers.
 *
 * Each file is one transaction, and a commit used to wait for its WAL
 * flush: 12,000 small files paid 12,000 fsyncs, about half of the load
 * (make bench, 2000 tenants: 15.5 s, 8.6 s with asynchronous commits).  The
 * loader's connections now commit with synchronous_commit = off: a commit
 * returns once its WAL record is in the server's buffers, and the server's
 * WAL writer flushes it within wal_writer_delay.  A server crash may lose
 * the last few files' commits -- each one whole, its rows with its ledger
 * row and dirty marks, so the rerun loads those files again, exactly once;
 * nothing half-loaded is possible.
 *
 * What must never rest on a commit that can still be lost is what cannot be
 * taken back: moving a file to the archive (on_done) and telling the caller
 * that the load is done.  Before each, a barrier (load_durable.sql): one
 * synchronous commit that writes WAL, whose flush covers every commit
 * written before it on any connection, WAL being one sequence.  A worker
 * holds the outcomes of up to LD_SYNC_EVERY files for on_done, then makes
 * them durable and hands them on; the rollup and reports that `run` starts
 * after the load come after the last barrier.  If a barrier fails, the
 * files it covered are not handed on (not archived) and the load ends in an
 * error: the rerun finds them loaded or loads them.
 *
 * Kept synchronous: a session whose synchronous_commit is already off (its
 * owner chose), the caller's transaction (LD_TX_CALLER: the caller
 * commits), and Citus (a file over several workers commits in two phases,
 * and the coordinator's record of it must be on disk before the workers
 * commit).
 */
#define LD_SYNC_EVERY 64

typedef struct ld_durability {
    bool async;     /* file transactions commit asynchronously */
    char level[16]; /* the session's synchronous_commit, restored at the end */
    char *barrier;  /* load_durable.sql with that level */
} ld_durability;

/* The outcomes a worker holds until its commits are durable. */
typedef struct ld_pending {
    size_t index[LD_SYNC_EVERY];
    ld_result result[LD_SYNC_EVERY];
    int count;
} ld_pending;

typedef struct load_queue {
    pthread_mutex_t lock; /* guards next, error, totals and on_done */
    const ld_durability *dur;
    const ld_options *opts;
    const path_list *list;
    const size_t *order;
    replace_set *rs; /* --replace: what the set replaced so far; else NULL */
    size_t next, end;
    bool error;
    ld_totals *totals;
} load_queue;

typedef struct load_worker_arg {
    load_queue *q;
    db_stmts stmts;     /* the worker's connection and its prepared statements */
    ld_pending pending; /* outcomes not yet handed to on_done */
} load_worker_arg;

static void worker_init(load_worker_arg *w, load_queue *q, PGconn *conn)
{
    w->q = q;
    w->pending.count = 0;
    db_stmts_init(&w->stmts, conn);
}

static void add_totals(ld_totals *to, const ld_totals *from)
{
    to->files_loaded += from->files_loaded;
    to->files_skipped += from->files_skipped;
    to->files_failed += from->files_failed;
    to->rows_loaded += from->rows_loaded;
    to->rows_rejected += from->rows_rejected;
    to->bytes += from->bytes;
}

/*
 * Make the worker's held outcomes durable (the barrier), then hand them to
 * on_done.  A failed barrier hands on none: those files stay where they are.
 */
static void settle(load_worker_arg *w)
{
    load_queue *q = w->q;
    if (w->pending.count == 0)
        return;
    bool durable = !q->dur->async ||
                   db_exec_text(w->stmts.conn, q->dur->barrier, "make the loaded files durable");
    pthread_mutex_lock(&q->lock);
    if (!durable)
        q->error = true;
    for (int k = 0; durable && q->opts->on_done && k < w->pending.count; k++)
        q->opts->on_done(q->opts->on_done_ctx, q->list->paths[w->pending.index[k]],
                         w->pending.result[k]);
    pthread_mutex_unlock(&q->lock);
    w->pending.count = 0;
}

/* Take files off the queue until it is empty or a fatal error stops all. */
static void *load_worker(void *arg)
{
    load_worker_arg *w = arg;
    load_queue *q = w->q;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        if (q->error || q->next >= q->end) {
            pthread_mutex_unlock(&q->lock);
            settle(w);
            return NULL;
        }
        size_t i = q->order[q->next++];
        pthread_mutex_unlock(&q->lock);

        ld_totals mine = {0};
        ld_result r =
            ld_load_file(&w->stmts, q->opts, q->rs, q->list->paths[i], q->list->kinds[i], &mine);

        pthread_mutex_lock(&q->lock);
        add_totals(q->totals, &mine);
        if (r == LD_ERROR)
            q->error = true;
        pthread_mutex_unlock(&q->lock);
        w->pending.index[w->pending.count] = i;
        w->pending.result[w->pending.count] = r;
        if (++w->pending.count == LD_SYNC_EVERY || !q->dur->async)
            settle(w);
    }
}

/* A loader connection's file transactions commit asynchronously. */
static bool set_async(PGconn *conn)
{
    return db_exec_text(conn, "SET synchronous_commit = off", "set asynchronous commits");
}

/*
 * How this load commits (see "Durability").  Sets the caller's connection
 * to asynchronous commits when the load may use them; dur_end() restores it.
 */
static bool dur_begin(PGconn *conn, const ld_options *opts, ld_durability *dur)
{
    *dur = (ld_durability){0};
    if (opts->tx_owner != LD_TX_PER_FILE)
        return true;
    PGresult *res = db_query(conn, "queries/load_commit_mode", 0, NULL, "read the commit mode");
    if (!res)
        return false;
    const char *level = PQgetvalue(res, 0, 0);
    bool citus = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    /* Only the server's own names of the setting go into the statement. */
    static const char *const levels[] = {"on", "local", "remote_write", "remote_apply"};
    for (size_t k = 0; k < sizeof levels / sizeof *levels && !citus; k++)
        if (strcmp(level, levels[k]) == 0) {
            dur->async = true;
            snprintf(dur->level, sizeof dur->level, "%s", levels[k]);
        }
    PQclear(res);
    if (!dur->async)
        return true;
    const char *tmpl = db_sql("queries/load_durable");
    const char *mark = strstr(tmpl, "{{level}}");
    size_t head = (size_t)(mark - tmpl), size = strlen(tmpl) + sizeof dur->level;
    dur->barrier = adr_xmalloc(size);
    snprintf(dur->barrier, size, "%.*s%s%s", (int)head, tmpl, dur->level,
             mark + strlen("{{level}}"));
    return set_async(conn);
}

static void dur_end(PGconn *conn, ld_durability *dur)
{
    if (dur->async) {
        char command[64];
        snprintf(command, sizeof command, "SET synchronous_commit = %s", dur->level);
        db_exec_text(conn, command, "restore synchronous commits");
    }
    free(dur->barrier);
}

static void run_workers(load_queue *q, load_worker_arg *main_worker)
{
    size_t files = q->end - q->next;
    /* One transaction is one connection. */
    int jobs = q->opts->tx_owner == LD_TX_CALLER ? 1 : q->opts->jobs;
    if (jobs > LD_MAX_JOBS)
        jobs = LD_MAX_JOBS;
    if ((size_t)jobs > files)
        jobs = (int)files;
    pthread_t threads[LD_MAX_JOBS];
    load_worker_arg args[LD_MAX_JOBS];
    int started = 0;
    for (int j = 1; j < jobs; j++) {
        PGconn *extra = db_connect(q->opts->conninfo);
        if (!extra)
            break; /* already reported; the others carry on */
        if (q->dur->async && !set_async(extra)) {
            PQfinish(extra);
            break;
        }
        worker_init(&args[started], q, extra);
        if (pthread_create(&threads[started], NULL, load_worker, &args[started]) != 0) {
            PQfinish(extra);
            break;
        }
        started++;
    }
    load_worker(main_worker);
    for (int j = 0; j < started; j++) {
        pthread_join(threads[j], NULL);
        PQfinish(args[j].stmts.conn);
    }
}

int ld_exit_code(const ld_totals *t, bool error)
{
    if (error)
        return ADR_EXIT_ERROR;
    if (t->files_failed)
        return ADR_EXIT_FILE_FAILED;
    if (t->rows_rejected)
        return ADR_EXIT_REJECTS;
    return ADR_EXIT_OK;
}

int ld_load_paths(PGconn *conn, const ld_options *opts, char *const *paths, int npaths,
                  ld_totals *totals)
{
    path_list list = {0};
    bool error = false;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            const char *why = strerror(errno); /* printing may change errno */
            adr_errorf(why, NULL, "could not load \"%s\"", paths[i]);
            sum_file(paths[i], NULL, 0, SUM_REFUSED, why, 0, 0, 0);
            totals->files_failed++;
        } else if (S_ISDIR(st.st_mode)) {
            error |= !walk(&list, paths[i], opts->kind, totals);
        } else if (!S_ISREG(st.st_mode)) {
            refuse_path(totals, paths[i], "not a regular file (a FIFO, socket or device)",
                        "only regular files are read");
        } else {
            ld_kind kind =
                opts->kind ? opts->kind
                           : ld_kind_from_name(strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1
                                                                      : paths[i]);
            if (kind == LD_UNKNOWN) {
                adr_errorf("the name does not say what the file holds",
                           "name it clicks*.csv, impressions*.csv, companies*.csv, campaigns*.csv "
                           "or ads*.csv (optionally .gz), or pass --kind",
                           "could not load \"%s\"", paths[i]);
                sum_file(paths[i], NULL, 0, SUM_REFUSED,
                         "the name does not say what the file holds", 0, 0, 0);
                totals->files_failed++;
                continue;
            }
            add_path(&list, paths[i], kind);
        }
    }
    size_t *order = adr_xmalloc((list.count + 1) * sizeof *order);
    for (size_t i = 0; i < list.count; i++)
        order[i] = i;
    sort_list = &list;
    qsort(order, list.count, sizeof *order, by_kind_then_path);

    uint64_t bytes = 0, work = 0;
    for (size_t i = 0; i < list.count; i++) {
        struct stat st;
        uint64_t size = stat(list.paths[i], &st) == 0 ? (uint64_t)st.st_size : 0;
        bytes += size;
        work += size * ld_file_weight(opts, list.kinds[i]);
    }
    prog_begin("load", "files", list.count, bytes, work);
    double t0 = adr_now();
    size_t entities = 0;
    while (entities < list.count && ld_kind_is_entity(list.kinds[order[entities]]))
        entities++;
    replace_set rs;
    rs_init(&rs);
    ld_durability dur;
    if (!dur_begin(conn, opts, &dur))
        error = true;
    load_queue q = {.opts = opts,
                    .dur = &dur,
                    .error = error,
                    .list = &list,
                    .order = order,
                    .rs = opts->replace && opts->tx_owner == LD_TX_PER_FILE ? &rs : NULL,
                    .totals = totals};
    pthread_mutex_init(&q.lock, NULL);
    /* Entity files first, one by one: campaigns need their companies. */
    load_worker_arg main_worker;
    worker_init(&main_worker, &q, conn);
    q.next = 0;
    q.end = entities;
    load_worker(&main_worker);
    /* Then the logs, over opts->jobs connections. */
    q.next = entities;
    q.end = list.count;
    run_workers(&q, &main_worker);
    error = error || q.error;
    dur_end(conn, &dur);
    pthread_mutex_destroy(&q.lock);
    prog_end();
    rs_free(&rs);
    totals->seconds += adr_now() - t0;
    sum_stage("load", adr_now() - t0);
    for (size_t i = 0; i < list.count; i++)
        free(list.paths[i]);
    free(list.paths);
    free(list.kinds);
    free(order);
    return ld_exit_code(totals, error);
}
