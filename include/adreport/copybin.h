/*
 * copybin.h - stream rows to PostgreSQL with binary COPY.
 *
 * Binary COPY skips the server's text parsing of timestamps, numerics, inet
 * and JSON: the loader has already validated and converted every value, so
 * sending the converted form is both faster and leaves the server nothing to
 * reject.  Rows are buffered and sent in CB_FLUSH_BYTES chunks.
 *
 *   cb_begin(&cb, conn, "COPY clicks (...) FROM STDIN (FORMAT binary)");
 *   cb_row(&cb, 7); cb_int8(&cb, 42); ... ; cb_end(&cb, &rows);
 */
#ifndef ADREPORT_COPYBIN_H
#define ADREPORT_COPYBIN_H

#include "adreport/events.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Send to the server once this much is buffered.  Small enough that the
 * socket keeps the server busy while the next rows are validated (256 KiB
 * chunks left it idle between sends: about 9% slower in make bench), large
 * enough to make per-call overhead negligible.
 */
#define CB_FLUSH_BYTES (32 * 1024)

typedef struct copybin {
    PGconn *conn;
    char *buf;
    size_t len, cap;
    bool failed;
} copybin;

/*
 * cb_begin - run the COPY statement and write the binary header.  Returns
 * false (the server's message already printed) when the COPY cannot start.
 */
bool cb_begin(copybin *cb, PGconn *conn, const char *copy_sql, const char *what);

/* cb_row - start a row of nfields values. */
void cb_row(copybin *cb, int16_t nfields);

void cb_null(copybin *cb);
void cb_int8(copybin *cb, int64_t v);
void cb_text(copybin *cb, const char *s, size_t len); /* text, also jsonb via cb_jsonb */
void cb_timestamp(copybin *cb, int64_t usec_since_2000);
void cb_numeric(copybin *cb, const ev_numeric *n);
void cb_inet(copybin *cb, const ev_inet *ip);
void cb_jsonb(copybin *cb, const char *json, size_t len);

/*
 * cb_text_array - a one-dimensional text[] value from elements (NULL element
 * pointers are SQL NULLs).
 */
void cb_text_array(copybin *cb, int n, const char *const *elems, const size_t *lens);

/*
 * cb_end - finish: send the trailer and wait for the server's verdict.
 * Returns false (message printed under `what`) if the server rejected the
 * COPY or the connection failed; *rows gets the server's row count.
 */
bool cb_end(copybin *cb, const char *what, uint64_t *rows);

/* cb_abort - cancel an open COPY (the transaction is then aborted). */
void cb_abort(copybin *cb, const char *reason);

/* cb_free - release the buffer. */
void cb_free(copybin *cb);

#endif
