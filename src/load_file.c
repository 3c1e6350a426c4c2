/*
 * load_file.c - one input file, exactly once, in one transaction (see
 * load_file.h).  Three phases, like PostgreSQL's copyfrom.c:
 *
 *   prepare   name, tenant, stat, hash the content (a small file is kept
 *             in memory as it is read, and its rows are read from there);
 *             in one round trip: does the company exist, does the ledger
 *             have the content for this tenant and kind -- if so the file
 *             is skipped (nothing is begun);
 *   transact  (--replace: read the rows once for their days); in one round
 *             trip BEGIN, (--replace: lock the tenant's days, delete its
 *             events on them,) read the tenant's ads; COPY the validated
 *             rows; in one round trip record the site hosts, mark the
 *             tenant-days dirty, insert the ledger row and COMMIT (a
 *             racing run that got there first makes the ledger insert fail
 *             with unique_violation, so the COMMIT never runs: this one
 *             rolls back and reports "skipped");
 *   report    the file's line or error, the summary, the totals.
 *
 * Each phase writes its ending into one ld_outcome; one cleanup frees what
 * the file held.  A kill at any point leaves either the whole file or
 * nothing.
 *
 * Why hash first, then load (issue #18).  One pass could hash the rows as
 * they stream into COPY and let the ledger insert decide at commit time
 * (already there: roll back, "skipped"); the concurrency rules would hold
 * (the ledger's key still admits one commit per content).  Measured with
 * tests/bench/perfile.sh (300 tenants x 3 days x 2 kinds = 1800 files of
 * about 150 rows, 3 runs interleaved by chunks, a shared 2-core machine),
 * the one-pass prototype (commit 5aba335, reverted) against hash-first:
 *
 *                         one pass / hash-first   (per run)
 *   first load --jobs 1       x0.92               (0.92 0.88 1.17)
 *   first load --jobs 2       x0.95               (0.95 0.99 0.90)
 *   rerun, all loaded         x8.8                (8.59 10.0 8.77)
 *
 * A first load gains at most 5-8 % -- less than the whole hash-first rerun
 * costs, 0.28 ms a file -- while the nightly rerun of files already loaded
 * would stream every file into the database and roll it back: 0.28 ms a
 * file becomes 2.8 ms (and grows with the file, where hashing does not
 * touch the server).  Hash-first stays.  What one pass would have saved is
 * mostly had anyway: a file up to LD_KEEP_MAX is read from disk once (kept
 * from the hashing pass), and the pre-checks share one round trip.  With
 * those and the batched, prepared statements (issue #12), against the
 * loader before them, measured in the same invocations (medians; columns:
 * two benches of 300 tenants, 3 runs each, and 2000 tenants = 12000 files,
 * 2 runs):
 *
 *                         after / before        after / psql \copy  (before / psql)
 *   first load --jobs 1   x0.72  x0.78  x0.75   x1.29  x1.22  x1.35  (x1.80 x1.57 x1.80)
 *   first load --jobs 2   x0.82  x0.86  x0.81   x1.12  x0.94  x0.95  (x1.29 x1.11 x1.18)
 *   rerun, all loaded     x0.93  x0.93  x0.85
 */
#include "load_file.h"

#include "adreport/common.h"
#include "adreport/db.h"
#include "adreport/events.h"
#include "adreport/progress.h"
#include "adreport/summary.h"
#include "load_days.h"
#include "load_entities.h"
#include "load_events.h"
#include "load_ledger.h"
#include "load_tenant.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * The passes over a file, weighed by their cost per byte for the progress
 * display (progress.h): hashing reads at disk speed, checking parses and
 * validates every row, loading also waits for the server.  Rough ratios
 * from loading make bench's files on a 2-core machine.
 */
#define LD_WEIGHT_HASH 1
#define LD_WEIGHT_CHECK 4
#define LD_WEIGHT_LOAD 12
/* After the last row is sent: the server's COPY, keys, indexes, commit. */
#define LD_WEIGHT_FINISH 3

/*
 * Files up to this size (uncompressed) are kept in memory as they are
 * hashed and loaded from there: a small file's second read (open, read,
 * decompress, hash again) costs as much as its rows.  Each worker holds at
 * most one, so memory stays bounded whatever the number of files.
 */
#define LD_KEEP_MAX (1024 * 1024)

/* Which error message a file that did not load gets. */
typedef enum ld_message {
    LD_MSG_NONE,     /* loaded or skipped */
    LD_MSG_REFUSED,  /* f->refuse_detail and f->refuse_hint say it */
    LD_MSG_DATABASE, /* a statement failed (its error printed above) */
    LD_MSG_ROWS,     /* the server refused the COPY, or the connection went */
    LD_MSG_REJECTS,  /* the rejects file could not be written */
} ld_message;

/* How one file ended, and what it still holds for the cleanup. */
typedef struct ld_outcome {
    ld_result result;
    ld_message message;
    bool seen_valid;      /* LD_SKIPPED with `seen` filled: say where */
    ld_ledger_entry seen; /* the ledger row that already holds the content */
    bool rejects_open;    /* f->rej was initialised: close or discard it */
    bool discard_rejects; /* the rows read were not the file's: publish none */
    bool holds_tenant;    /* the tenant is held in the replace set */
    bool committed;       /* its rows are in (result may still turn LD_ERROR) */
} ld_outcome;

/* Whether the file is read once for its days before it is loaded. */
static bool checks_first(const ld_options *opts, ld_kind kind)
{
    return opts->replace && !ld_kind_is_entity(kind);
}

unsigned ld_file_weight(const ld_options *opts, ld_kind kind)
{
    return LD_WEIGHT_HASH + LD_WEIGHT_LOAD + LD_WEIGHT_FINISH +
           (checks_first(opts, kind) ? LD_WEIGHT_CHECK : 0);
}

static void hash_progress(void *ctx, uint64_t offset)
{
    prog_file_update(((ld_file *)ctx)->prog, offset, 0);
}

static bool caller_owns_tx(const ld_file *f)
{
    return f->opts->tx_owner == LD_TX_CALLER;
}

/*
 * Roll the file back if its transaction is open (a statement of a batch may
 * have failed before or after BEGIN, or a COMMIT may have failed), or leave
 * that to the caller that owns the transaction (it rolls everything back).
 * LD_ERROR when the connection is gone, else `result`.
 */
static ld_result rollback(ld_file *f, ld_result result)
{
    PGTransactionStatusType st = PQtransactionStatus(f->conn);
    if (!caller_owns_tx(f) && (st == PQTRANS_INTRANS || st == PQTRANS_INERROR)) {
        PGresult *res = PQexec(f->conn, "ROLLBACK");
        PQclear(res);
    }
    return db_lost(f->conn) ? LD_ERROR : result;
}

/* A statement failed (reported): roll back what the file began. */
static void db_failed(ld_file *f, ld_outcome *out)
{
    out->result = rollback(f, LD_FAILED);
    out->message = LD_MSG_DATABASE;
}

/* Statement `failed` of batch `b` failed: report it, roll back. */
static void batch_failed(ld_file *f, db_batch *b, int failed, ld_outcome *out)
{
    db_batch_report(b, failed);
    db_batch_free(b);
    db_failed(f, out);
}

/* Reading the rows stopped: the file was refused, or the server failed. */
static void rows_failed(ld_file *f, ld_result result, ld_outcome *out)
{
    out->result = result;
    out->message = f->refused ? LD_MSG_REFUSED : LD_MSG_ROWS;
}

static void refused(ld_outcome *out, ld_result result)
{
    out->result = result;
    out->message = LD_MSG_REFUSED;
}

/*
 * Phase 1: everything before the transaction.  Returns true when the file
 * is to be loaded; otherwise *out says why not.
 */
static bool prepare(ld_file *f, struct stat *st, char sha[LF_SHA256_HEX], ld_outcome *out)
{
    if (!ev_valid_utf8(f->name, strlen(f->name))) {
        /* The ledger keeps the name as text: the server would refuse it. */
        ld_refuse(f, "rename the file (names must be UTF-8)", "the file name is not valid UTF-8");
        refused(out, LD_FAILED);
        return false;
    }
    f->tenant = ld_resolve_tenant(f, f->path);
    if (f->refused) {
        refused(out, LD_FAILED);
        return false;
    }
    if (stat(f->path, st) != 0) {
        ld_refuse(f, NULL, "could not read the file: %s", strerror(errno));
        refused(out, LD_FAILED);
        return false;
    }
    char err[256] = "";
    prog_file_pass(f->prog, "hashing", false, LD_WEIGHT_HASH);
    char *kept = NULL;
    size_t kept_len = 0;
    if (!lf_hash_file_keep(f->path, sha, err, sizeof err, hash_progress, f, LD_KEEP_MAX, &kept,
                           &kept_len)) {
        ld_refuse(f, ld_gz_hint(f->path), "could not read the file: %s",
                  err[0] ? err : "read error");
        refused(out, LD_FAILED);
        return false;
    }
    /* Loaded from memory: the rows are the bytes just hashed. */
    f->kept = kept;
    f->kept_len = kept_len;
    f->kept_disk_size = (uint64_t)st->st_size;
    memcpy(f->kept_sha256, sha, LF_SHA256_HEX);
    /* Both questions in one round trip.  A backfill and --replace load
     * their files whatever the ledger says. */
    bool company = f->tenant && !ld_kind_is_entity(f->kind);
    bool ledger = !f->opts->backfill && !checks_first(f->opts, f->kind);
    ld_ledger_check_result found;
    if (!ld_ledger_check(f, sha, company, ledger, &found)) {
        db_failed(f, out);
        return false;
    }
    if (company && !found.company_exists) {
        ld_refuse(f, "load the companies file first, or check the folder name",
                  "company %lld does not exist", (long long)f->tenant);
        refused(out, LD_FAILED);
        return false;
    }
    if (found.seen) {
        out->result = LD_SKIPPED;
        out->seen_valid = true;
        out->seen = found.seen_as;
        return false;
    }
    return true;
}

/* --replace: delete the file's days that no earlier file of the set replaced. */
static void replace_days(ld_file *f, replace_set *rs, db_batch *b)
{
    idmap todo;
    idmap_init(&todo);
    rs_todo(rs, f->tenant, f->kind, &f->days, &todo);
    ld_replace_days(b, f->tenant, f->kind, &todo);
    idmap_free(&todo);
}

/* Whether more of the file's rows were rejected than --max-reject-rate allows. */
static bool too_many_rejects(ld_file *f)
{
    uint64_t rows = f->rows_good + f->rows_rejected;
    if (rows == 0 || (double)f->rows_rejected / (double)rows <= f->opts->max_reject_rate)
        return false;
    ld_refuse(f, "see the rejects file; if the file is right, raise --max-reject-rate",
              "%llu of %llu rows rejected (%.1f%%), more than --max-reject-rate %.1f%%: "
              "probably not the expected format",
              (unsigned long long)f->rows_rejected, (unsigned long long)rows,
              100.0 * (double)f->rows_rejected / (double)rows, 100.0 * f->opts->max_reject_rate);
    return true;
}

/*
 * The end of a loaded file's transaction, in one round trip: the site hosts
 * (already in `after`), the dirty days, the ledger row and the COMMIT.  A
 * ledger row that conflicts (a concurrent run committed the same content
 * first) fails its statement, so the COMMIT behind it never runs.
 */
static void finish(ld_file *f, replace_set *rs, int64_t size, db_batch *after, ld_outcome *out)
{
    /* A replaced day lost events of any ad: its mark is the whole day. */
    if (!ld_kind_is_entity(f->kind))
        ld_mark_dirty(after, f->tenant, &f->days, f->opts->replace ? NULL : &f->day_ads,
                      &f->day_events);
    int ledger = ld_ledger_add(f, after, size);
    if (!caller_owns_tx(f))
        db_batch_add_text(after, "COMMIT", "commit the file");
    int failed = db_batch_run(after);
    if (failed == ledger && ld_ledger_conflict(after, failed)) {
        db_batch_free(after);
        out->result = rollback(f, LD_SKIPPED);
        out->seen_valid =
            out->result == LD_SKIPPED && ld_ledger_find(f, f->sha256, &out->seen) == 1;
        return;
    }
    if (failed >= 0) {
        batch_failed(f, after, failed, out);
        return;
    }
    db_batch_free(after);
    out->result = LD_LOADED;
    out->committed = true;
    if (out->holds_tenant)
        rs_record(rs, f->tenant, f->kind, &f->days);
}

/*
 * Phase 2: the file's transaction (or its part of the caller's).  The
 * statements before the COPY travel in one round trip (BEGIN, --replace's
 * lock and delete, the tenant's ads), those after it in another (finish).
 */
static void transact(ld_file *f, replace_set *rs, const char *sha, int64_t size, ld_outcome *out)
{
    char tenant_dir[32];
    snprintf(tenant_dir, sizeof tenant_dir, f->tenant ? "%lld" : "entities", (long long)f->tenant);
    rej_init(&f->rej, f->opts->rejects_dir, tenant_dir, f->name);
    out->rejects_open = true;
    bool entity = ld_kind_is_entity(f->kind);

    if (checks_first(f->opts, f->kind)) {
        /* The days to replace are the file's own: read it once to know them. */
        prog_file_pass(f->prog, "checking", false, LD_WEIGHT_CHECK);
        if (!ld_events_load(f, true, NULL, NULL)) {
            if (f->db_error)
                db_failed(f, out);
            else
                rows_failed(f, LD_FAILED, out);
            return;
        }
        f->rows_good = f->rows_rejected = 0;
        f->rej.count = 0;
        rej_init(&f->rej, f->opts->rejects_dir, tenant_dir, f->name);
    }
    if (rs && !entity) {
        rs_acquire(rs, f->tenant);
        out->holds_tenant = true;
    }
    db_batch first, after;
    db_batch_init(&first, f->stmts);
    db_batch_init(&after, f->stmts);
    if (!caller_owns_tx(f))
        db_batch_add_text(&first, "BEGIN", "start the file's transaction");
    if (out->holds_tenant || entity) {
        /* Run now: the lock waits for other loads of the tenant, and the
         * entity loader runs its own statements. */
        if (out->holds_tenant) {
            prog_file_pass(f->prog, "locking", false, 0);
            replace_days(f, rs, &first);
        }
        int failed = db_batch_run(&first);
        if (failed >= 0) {
            batch_failed(f, &first, failed, out);
            return;
        }
        db_batch_free(&first);
    }
    idmap_clear(&f->days);
    idmap_clear(&f->day_ads);
    idmap_clear(&f->day_events);
    prog_file_pass(f->prog, "loading", true, LD_WEIGHT_LOAD);
    bool ok = entity ? ld_entities_load(f) : ld_events_load(f, false, &first, &after);
    prog_file_pass(f->prog, "finishing", false, LD_WEIGHT_FINISH);
    if (!ok) {
        db_batch_free(&after);
        rows_failed(f, rollback(f, f->db_error && db_lost(f->conn) ? LD_ERROR : LD_FAILED), out);
        return;
    }
    if (strcmp(sha, f->sha256) != 0) {
        db_batch_free(&after);
        ld_refuse(f, "load the file again once it is complete",
                  "the file changed while it was being loaded");
        refused(out, rollback(f, LD_FAILED));
        out->discard_rejects = true;
        return;
    }
    if (too_many_rejects(f)) {
        db_batch_free(&after);
        refused(out, rollback(f, LD_FAILED));
        return;
    }
    if (!rej_flush(&f->rej)) {
        /* Not committed: a rerun would skip the file and lose its rejects. */
        db_batch_free(&after);
        rollback(f, LD_ERROR);
        out->result = LD_ERROR;
        out->message = LD_MSG_REJECTS;
        return;
    }
    finish(f, rs, size, &after, out);
}

/* The summary's reason for a file that did not load. */
static const char *why_not(const ld_file *f, const ld_outcome *out)
{
    if (f->refused)
        return f->refuse_detail;
    switch (out->message) {
    case LD_MSG_DATABASE:
        return "a database statement failed";
    case LD_MSG_ROWS:
        return out->result == LD_ERROR ? "the connection to the database was lost"
                                       : "the database rejected the rows";
    case LD_MSG_REJECTS:
        return "its rejected rows could not be written";
    default:
        return out->result == LD_SKIPPED ? "its content was loaded before"
                                         : "see the error messages";
    }
}

static void print_message(const ld_file *f, const ld_outcome *out)
{
    const char *path = f->path;
    switch (out->message) {
    case LD_MSG_NONE:
        break;
    case LD_MSG_REFUSED:
        adr_errorf(f->refuse_detail, f->refuse_hint[0] ? f->refuse_hint : NULL,
                   "could not load \"%s\"", path);
        break;
    case LD_MSG_DATABASE:
        adr_errorf("the database statement above failed; the file was not loaded", NULL,
                   "could not load \"%s\"", path);
        break;
    case LD_MSG_ROWS:
        if (out->result == LD_ERROR)
            adr_errorf("the connection to the database was lost; nothing of the file was loaded",
                       "rerun when the database is back: loaded files are skipped",
                       "could not load \"%s\"", path);
        else
            adr_errorf("the database rejected the rows; nothing of the file was loaded",
                       "see the server's message above", "could not load \"%s\"", path);
        break;
    case LD_MSG_REJECTS:
        adr_errorf("its rejected rows could not be written, so the file was not loaded",
                   "fix the rejects folder and run again", "could not load \"%s\"", path);
        break;
    }
}

/* Phase 3: say how the file ended, in its line, the summary and the totals. */
static void report(const ld_file *f, const ld_outcome *out, double t0, ld_totals *totals)
{
    double secs = adr_now() - t0;
    if (out->committed) {
        if (adr_verbosity >= ADR_NORMAL)
            prog_printf(
                "%-11s company %-6lld %s: loaded %llu rows, rejected %llu, %.2f s, %.0f rows/s\n",
                ld_kind_name(f->kind), (long long)f->tenant, f->name,
                (unsigned long long)f->rows_good, (unsigned long long)f->rows_rejected, secs,
                secs > 0 ? (double)f->rows_good / secs : 0.0);
        totals->rows_loaded += f->rows_good;
        totals->rows_rejected += f->rows_rejected;
        totals->bytes += f->bytes;
    } else if (out->result == LD_SKIPPED && out->seen_valid && adr_verbosity >= ADR_NORMAL) {
        prog_printf("%-11s company %-6lld %s: skipped, content loaded before as \"%s\" at %s\n",
                    ld_kind_name(f->kind), (long long)f->tenant, f->name, out->seen.name,
                    out->seen.at);
    }
    print_message(f, out);
    prog_file_end(f->prog, out->result == LD_LOADED ? f->rows_good + f->rows_rejected : 0);
    sum_status status = out->result == LD_LOADED    ? SUM_LOADED
                        : out->result == LD_SKIPPED ? SUM_SKIPPED
                        : f->refused                ? SUM_REFUSED
                                                    : SUM_FAILED;
    sum_file(f->path, ld_kind_name(f->kind), f->tenant, status,
             out->result == LD_LOADED ? NULL : why_not(f, out),
             out->result == LD_LOADED ? f->rows_good : 0,
             out->result == LD_SKIPPED ? 0 : f->rows_rejected, adr_now() - t0);
    if (out->result == LD_LOADED)
        totals->files_loaded++;
    else if (out->result == LD_SKIPPED)
        totals->files_skipped++;
    else
        totals->files_failed++;
}

ld_result ld_load_file(db_stmts *stmts, const ld_options *opts, replace_set *rs, const char *path,
                       ld_kind kind, ld_totals *totals)
{
    double t0 = adr_now();
    const char *slash = strrchr(path, '/');
    ld_file f = {.conn = stmts->conn,
                 .stmts = stmts,
                 .opts = opts,
                 .path = path,
                 .name = slash ? slash + 1 : path,
                 .kind = kind};
    idmap_init(&f.days);
    idmap_init(&f.day_ads);
    idmap_init(&f.day_events);
    idmap_init(&f.dirty_tenants);
    struct stat st;
    f.prog = prog_file_begin(f.name, stat(path, &st) == 0 ? (uint64_t)st.st_size : 0,
                             ld_file_weight(opts, kind));
    ld_outcome out = {.result = LD_FAILED};
    char sha[LF_SHA256_HEX];

    if (prepare(&f, &st, sha, &out))
        transact(&f, rs, sha, (int64_t)st.st_size, &out);
    /* Publish the rejects before the file's line: rej_close prints its own errors. */
    if (out.rejects_open) {
        if (out.discard_rejects)
            rej_discard(&f.rej);
        else if (!rej_close(&f.rej) && out.result == LD_LOADED)
            out.result = LD_ERROR;
    }
    report(&f, &out, t0, totals);

    /* The one cleanup. */
    if (out.holds_tenant)
        rs_release(rs, f.tenant);
    idmap_free(&f.days);
    idmap_free(&f.day_ads);
    idmap_free(&f.day_events);
    idmap_free(&f.dirty_tenants);
    free(f.kept);
    return out.result;
}
