/*
 * copybin.c - binary COPY encoder (see copybin.h).  The format is described
 * in PostgreSQL's documentation of COPY, "Binary Format": a fixed header,
 * then per row an int16 field count and per field an int32 length (-1 for
 * NULL) and the type's *_send representation, all big-endian.
 */
#include "adreport/copybin.h"
#include "adreport/common.h"
#include "adreport/db.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* Type OID of text, needed inside the binary array header. */
#define CB_TEXTOID 25
/* jsonb's binary input is a version byte followed by the JSON text. */
#define CB_JSONB_VERSION 1

static void reserve(copybin *cb, size_t n)
{
    if (cb->len + n <= cb->cap)
        return;
    size_t want = cb->cap ? cb->cap : CB_FLUSH_BYTES * 2;
    while (want < cb->len + n)
        want *= 2;
    cb->buf = adr_xrealloc(cb->buf, want);
    cb->cap = want;
}

static void put(copybin *cb, const void *p, size_t n)
{
    reserve(cb, n);
    memcpy(cb->buf + cb->len, p, n);
    cb->len += n;
}

static void put16(copybin *cb, uint16_t v)
{
    v = htons(v);
    put(cb, &v, 2);
}

static void put32(copybin *cb, uint32_t v)
{
    v = htonl(v);
    put(cb, &v, 4);
}

static void put64(copybin *cb, uint64_t v)
{
    put32(cb, (uint32_t)(v >> 32));
    put32(cb, (uint32_t)v);
}

static void flush(copybin *cb)
{
    if (cb->failed || cb->len == 0)
        return;
    if (PQputCopyData(cb->conn, cb->buf, (int)cb->len) != 1)
        cb->failed = true;
    cb->len = 0;
}

bool cb_begin(copybin *cb, PGconn *conn, const char *copy_sql, const char *what)
{
    memset(cb, 0, sizeof *cb);
    cb->conn = conn;
    PGresult *res = PQexec(conn, copy_sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        db_report(conn, res, what);
        PQclear(res);
        return false;
    }
    PQclear(res);
    static const char signature[11] = "PGCOPY\n\377\r\n\0";
    put(cb, signature, sizeof signature);
    put32(cb, 0); /* flags */
    put32(cb, 0); /* header extension length */
    return true;
}

void cb_row(copybin *cb, int16_t nfields)
{
    if (cb->len >= CB_FLUSH_BYTES)
        flush(cb);
    put16(cb, (uint16_t)nfields);
}

void cb_null(copybin *cb)
{
    put32(cb, UINT32_MAX); /* -1 */
}

void cb_int8(copybin *cb, int64_t v)
{
    put32(cb, 8);
    put64(cb, (uint64_t)v);
}

void cb_text(copybin *cb, const char *s, size_t len)
{
    put32(cb, (uint32_t)len);
    put(cb, s, len);
}

void cb_timestamp(copybin *cb, int64_t usec)
{
    put32(cb, 8);
    put64(cb, (uint64_t)usec);
}

void cb_numeric(copybin *cb, const ev_numeric *n)
{
    put32(cb, (uint32_t)(8 + 2 * n->ndigits));
    put16(cb, (uint16_t)n->ndigits);
    put16(cb, (uint16_t)n->weight);
    put16(cb, n->sign);
    put16(cb, n->dscale);
    for (int i = 0; i < n->ndigits; i++)
        put16(cb, n->digits[i]);
}

void cb_inet(copybin *cb, const ev_inet *ip)
{
    put32(cb, (uint32_t)(4 + ip->nb));
    uint8_t head[4] = {ip->family, ip->bits, ip->is_cidr, ip->nb};
    put(cb, head, 4);
    put(cb, ip->addr, ip->nb);
}

void cb_jsonb(copybin *cb, const char *json, size_t len)
{
    put32(cb, (uint32_t)(len + 1));
    uint8_t version = CB_JSONB_VERSION;
    put(cb, &version, 1);
    put(cb, json, len);
}

void cb_text_array(copybin *cb, int n, const char *const *elems, const size_t *lens)
{
    bool has_null = false;
    size_t size = n > 0 ? 20 : 12;
    for (int i = 0; i < n; i++) {
        size += 4 + (elems[i] ? lens[i] : 0);
        has_null |= elems[i] == NULL;
    }
    put32(cb, (uint32_t)size);
    put32(cb, n > 0 ? 1 : 0); /* dimensions: '{}' has none */
    put32(cb, has_null);
    put32(cb, CB_TEXTOID);
    if (n > 0) {
        put32(cb, (uint32_t)n); /* length of the dimension */
        put32(cb, 1);           /* lower bound */
    }
    for (int i = 0; i < n; i++) {
        if (elems[i])
            cb_text(cb, elems[i], lens[i]);
        else
            cb_null(cb);
    }
}

bool cb_end(copybin *cb, const char *what, uint64_t *rows)
{
    put16(cb, UINT16_MAX); /* trailer: -1 */
    flush(cb);
    if (PQputCopyEnd(cb->conn, NULL) != 1)
        cb->failed = true;
    bool ok = !cb->failed, reported = false;
    PGresult *res;
    while ((res = PQgetResult(cb->conn)) != NULL) {
        if (PQresultStatus(res) == PGRES_COMMAND_OK) {
            if (rows)
                *rows = strtoull(PQcmdTuples(res), NULL, 10);
        } else {
            if (!reported)
                db_report(cb->conn, res, what);
            reported = true;
            ok = false;
        }
        PQclear(res);
    }
    /* A send failed and the server said nothing more: the connection's error. */
    if (!ok && !reported)
        db_report(cb->conn, NULL, what);
    return ok;
}

void cb_abort(copybin *cb, const char *reason)
{
    PQputCopyEnd(cb->conn, reason);
    PGresult *res;
    while ((res = PQgetResult(cb->conn)) != NULL)
        PQclear(res);
}

void cb_free(copybin *cb)
{
    free(cb->buf);
    cb->buf = NULL;
    cb->len = cb->cap = 0;
}
