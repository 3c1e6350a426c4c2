/*
 * rejects.h - the rejects file of one input file.
 *
 * `<dir>/<tenant>/<input name>.rejects.csv` with the header
 * `line,reason,detail,raw`.  It is published like the reports, through
 * atomic_file.h: written under a temporary name in its folder, synced, then
 * renamed into place by rej_close() and the folder synced, so a reader
 * never sees half of it and a published file survives a crash.  Nothing is
 * created until the first reject; a clean load removes a stale rejects file
 * of the same input left by an earlier attempt.
 */
#ifndef ADREPORT_REJECTS_H
#define ADREPORT_REJECTS_H

#include "adreport/atomic_file.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What rej_init appends to the input's name. */
#define REJ_SUFFIX ".rejects.csv"

typedef struct rej_writer {
    char dir[PATH_MAX];                      /* <dir>/<tenant>, made at the first reject */
    char name[NAME_MAX + sizeof REJ_SUFFIX]; /* <input name>.rejects.csv */
    bool name_too_long;                      /* dir or name did not fit */
    af_file file;                            /* the temporary, once open */
    bool open;                               /* file.tmp_path exists until rej_close */
    bool synced;                             /* rej_flush made it durable */
    uint64_t count;
    bool io_failed;
    char io_error[AF_ERROR_MAX];
} rej_writer;

/*
 * rej_init - prepare a writer for input `input_name` (a base name) of tenant
 * folder `tenant_dir` ("42", or "entities") under `dir`.  Opens nothing yet.
 * `w` is zeroed memory or a writer rej_init prepared before: the rejects
 * that one wrote are discarded (a file read twice, first to check it, writes
 * its rejects again).
 */
void rej_init(rej_writer *w, const char *dir, const char *tenant_dir, const char *input_name);

/*
 * rej_add - record one rejected row.  `raw` is written with NUL, control and
 * invalid UTF-8 bytes escaped as \xHH, so the rejects file is always valid
 * UTF-8 text.  Failures to write are remembered and reported by rej_close.
 */
void rej_add(rej_writer *w, uint64_t line, const char *reason, const char *detail, const char *raw,
             size_t raw_len);

/*
 * rej_flush - make the rejects written so far durable (af_sync: flush,
 * fsync, close) and say whether every write succeeded.  The loader calls it
 * before COMMIT: a file whose rejected rows cannot be kept must not be
 * committed, or a rerun would skip it and the rows would be lost for good.
 * No row may be added after it; rej_close then only renames.
 */
bool rej_flush(rej_writer *w);

/*
 * rej_close - publish (sync if rej_flush did not, rename into place, sync
 * the folder) when rows were rejected, or remove a stale file when none
 * were.  Returns false with a printed error when the rejects could not be
 * written; the temporary file is gone then.
 */
bool rej_close(rej_writer *w);

/*
 * rej_discard - drop the rejects written so far (the rows read were not the
 * file's, e.g. it changed while it was read): the temporary file goes, the
 * published one, if any, stays as it was.
 */
void rej_discard(rej_writer *w);

#endif
