/*
 * rejects.h - the rejects file of one input file.
 *
 * `<dir>/<tenant>/<input name>.rejects.csv` with the header
 * `line,reason,detail,raw`.  It is written under a temporary name and
 * published with rej_close(), so a reader never sees half of it.  Nothing is
 * created until the first reject; a clean load removes a stale rejects file
 * of the same input left by an earlier attempt.
 */
#ifndef ADREPORT_REJECTS_H
#define ADREPORT_REJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct rej_writer {
    char final_path[4096];
    char tmp_path[4200];
    FILE *fp;
    uint64_t count;
    bool io_failed;
    char io_error[256];
} rej_writer;

/*
 * rej_init - prepare a writer for input `input_name` (a base name) of tenant
 * folder `tenant_dir` ("42", or "entities") under `dir`.  Opens nothing yet.
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
 * rej_flush - make the rejects written so far durable (fflush + fsync) and
 * say whether every write succeeded.  The loader calls it before COMMIT: a
 * file whose rejected rows cannot be kept must not be committed, or a rerun
 * would skip it and the rows would be lost for good.
 */
bool rej_flush(rej_writer *w);

/*
 * rej_close - publish (rename into place) when rows were rejected, or remove
 * a stale file when none were.  Returns false with a printed error when the
 * rejects could not be written.
 */
bool rej_close(rej_writer *w);

/*
 * rej_discard - drop the rejects written so far (the rows read were not the
 * file's, e.g. it changed while it was read): the temporary file goes, the
 * published one, if any, stays as it was.
 */
void rej_discard(rej_writer *w);

#endif
