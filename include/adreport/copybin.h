/*
 * copybin.h - stream rows to PostgreSQL with binary COPY.
 *
 * Binary COPY skips the server's text parsing of timestamps, numerics, inet
 * and JSON: the loader has already validated and converted every value, so
 * sending the converted form is both faster and leaves the server nothing to
 * reject.  Rows are buffered and sent in CB_FLUSH_BYTES chunks.  The value
 * types the encoder sends that need a struct (ev_numeric, ev_inet) are
 * defined here; the validators (events.h) parse into them.
 *
 *     copybin cb;
 *     uint64_t rows;
 *     if (!cb_begin(&cb, conn, "COPY clicks (...) FROM STDIN (FORMAT binary)", "start COPY"))
 *         ...the error is printed...
 *     cb_row(&cb, 7);
 *     cb_int8(&cb, 42);
 *     ...
 *     bool ok = cb_end(&cb, "copy the rows", &rows);
 *     cb_free(&cb);
 */
#ifndef ADREPORT_COPYBIN_H
#define ADREPORT_COPYBIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * libpq's connection handle, declared rather than included: events.h
 * includes this header for the wire types below, and its users (the fuzz
 * target among them) are built without libpq's include path.  The same
 * typedef as libpq-fe.h's, which C11 allows twice.
 */
typedef struct pg_conn PGconn;

/*
 * Send to the server once this much is buffered.  Small enough that the
 * socket keeps the server busy while the next rows are validated (256 KiB
 * chunks left it idle between sends: about 9% slower in make bench), large
 * enough to make per-call overhead negligible.
 */
#define CB_FLUSH_BYTES (32 * 1024)

/*
 * A numeric value in PostgreSQL's binary wire format (numeric_send):
 * base-10000 digits, most significant first.  20 decimal digits need at
 * most 6 base-10000 digits (+1 for alignment of the fraction).
 */
typedef struct ev_numeric {
    int16_t ndigits; /* number of entries used in digits[] */
    int16_t weight;  /* weight of digits[0], in base-10000 positions */
    uint16_t sign;   /* 0x0000 positive (costs are never negative) */
    uint16_t dscale; /* digits after the point (costs: EV_COST_SCALE, events.h) */
    uint16_t digits[8];
} ev_numeric;

/* An inet value in PostgreSQL's binary wire format (inet_send). */
typedef struct ev_inet {
    uint8_t family;  /* 2 = PGSQL_AF_INET, 3 = PGSQL_AF_INET6 */
    uint8_t bits;    /* 32 or 128 */
    uint8_t is_cidr; /* always 0 */
    uint8_t nb;      /* 4 or 16 */
    uint8_t addr[16];
} ev_inet;

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
 * COPY or the connection failed; *rows, unless rows is NULL, gets the
 * server's row count.  cb_free still releases the buffer.
 */
bool cb_end(copybin *cb, const char *what, uint64_t *rows);

/* cb_abort - cancel an open COPY (the transaction is then aborted). */
void cb_abort(copybin *cb, const char *reason);

/* cb_free - release the buffer. */
void cb_free(copybin *cb);

#endif
