/*
 * load_events.c - validate click/impression rows and COPY the good ones.
 *
 * Each row is checked completely in C (encoding, field count, tenant, ad,
 * time, URL, IP, cost, JSON) before a byte of it reaches the server, so COPY
 * does not fail on data: on Citus a worker's COPY error arrives without a
 * line number (see CITUS.md), and here every bad row gets its own.
 */
#include "load_events.h"
#include "adreport/common.h"
#include "adreport/copybin.h"
#include "adreport/days.h"
#include "adreport/dayset.h"
#include "adreport/db.h"
#include "adreport/events.h"
#include "load_days.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Columns of an event log, in the seed table's order (the headerless form). */
enum ev_col { EC_ID, EC_COMPANY, EC_AD, EC_TIME, EC_SITE, EC_COST, EC_IP, EC_JSON, EC_COUNT };

/* Columns sent to COPY (see sql/queries/copy_*.sql). */
#define EV_COPY_FIELDS 7

/* Longest field value quoted in a reject detail. */
#define EV_DETAIL_VALUE 60

/*
 * Longest site_url a row may have, in bytes.  The load keeps every URL of
 * every event in adreport_site_hosts, keyed by (company_id, site_url), and a
 * btree entry holds at most about 2.7 KB: one longer URL would fail the
 * whole file's transaction, every night the file is retried.  2048 is the
 * usual limit of URLs on the web (sitemaps, old browsers), well inside it.
 */
#define EV_SITE_URL_MAX 2048

/*
 * The distinct site URLs of a file, for adreport_site_hosts (see
 * site_hosts_insert.sql), which must hold every URL of every event: the
 * rollup's blacklist columns read hosts only from there.  Bounded, so memory
 * does not grow with the file: past these limits the set stops growing and
 * is marked overflowed, and after the COPY the file's days' URLs are read
 * back from the table instead (site_hosts_fill_file.sql).  A log file of
 * one tenant-day holds a few hundred.
 */
#define EV_SITE_SLOTS 8192          /* hash slots; at most half are used */
#define EV_SITE_BYTES (1024 * 1024) /* bytes of URL text kept */

typedef struct site_set {
    char **slot; /* EV_SITE_SLOTS entries, NUL-terminated copies, or NULL */
    size_t used, bytes;
    bool overflow; /* a URL was not kept: read them back after the COPY */
} site_set;

typedef struct ev_loader {
    ld_file *f;
    copybin cb;
    bool dry;
    bool first_row_seen;
    int idx[EC_COUNT]; /* field index of each column, -1 if absent */
    int nfields;       /* fields every row must have */
    idmap ads;         /* ad id -> campaign id, this tenant's */
    site_set sites;    /* distinct site URLs of the good rows */
} ev_loader;

/* FNV-1a: short strings, no attacker gains more than a slower load. */
static uint64_t site_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

static void site_add(site_set *s, const char *p, size_t n)
{
    if (!s->slot)
        s->slot = calloc(EV_SITE_SLOTS, sizeof *s->slot);
    if (!s->slot) {
        s->overflow = true;
        return;
    }
    for (size_t i = site_hash(p, n) % EV_SITE_SLOTS;; i = (i + 1) % EV_SITE_SLOTS) {
        char *e = s->slot[i];
        if (!e) {
            if (s->used >= EV_SITE_SLOTS / 2 || s->bytes + n + 1 > EV_SITE_BYTES) {
                s->overflow = true;
                return;
            }
            e = s->slot[i] = malloc(n + 1);
            if (!e) {
                s->overflow = true;
                return;
            }
            memcpy(e, p, n);
            e[n] = '\0';
            s->used++;
            s->bytes += n + 1;
            return;
        }
        if (strlen(e) == n && memcmp(e, p, n) == 0)
            return;
    }
}

static void site_free(site_set *s)
{
    for (size_t i = 0; s->slot && i < EV_SITE_SLOTS; i++)
        free(s->slot[i]);
    free(s->slot);
    memset(s, 0, sizeof *s);
}

/*
 * The URLs did not all fit in memory: record the hosts of every URL of the
 * tenant's events on the file's days that the table lacks, read back from
 * the rows (this file's included): appended to `b`, run in the file's
 * transaction after the COPY.
 */
static void site_fill_from_rows(ev_loader *ev, db_batch *b)
{
    int32_t first, last;
    dayset_bounds(&ev->f->days, &first, &last);
    char tenant[32], from[DAY_STR], to[DAY_STR];
    snprintf(tenant, sizeof tenant, "%lld", (long long)ev->f->tenant);
    day_format(first, from);
    day_format(last, to);
    const char *params[] = {tenant, from, to};
    adr_debug("%s: more distinct site URLs than kept in memory; reading them back", ev->f->path);
    db_batch_add(b, "queries/site_hosts_fill_file", 3, params, "record the site hosts");
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Record the file's URLs and their hosts: append the statement to `b`, run
 * in the file's transaction.  Sorted: two loads of one tenant (--jobs)
 * insert shared URLs in the same order, so one waits for the other instead
 * of the two deadlocking.
 */
static void site_store(ev_loader *ev, db_batch *b)
{
    site_set *s = &ev->sites;
    if (s->overflow) {
        site_fill_from_rows(ev, b);
        return;
    }
    if (!s->used)
        return;
    const char **urls = malloc(s->used * sizeof *urls);
    /* A text[] literal: every element quoted, \\ and " escaped. */
    char *arr = malloc(2 * s->bytes + 3 * s->used + 3), *p = arr;
    if (!arr || !urls) {
        free(urls);
        free(arr);
        site_fill_from_rows(ev, b);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < EV_SITE_SLOTS; i++)
        if (s->slot[i])
            urls[n++] = s->slot[i];
    qsort(urls, n, sizeof *urls, by_bytes);
    *p++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = ',';
        *p++ = '"';
        for (const char *e = urls[i]; *e; e++) {
            if (*e == '"' || *e == '\\')
                *p++ = '\\';
            *p++ = *e;
        }
        *p++ = '"';
    }
    free(urls);
    *p++ = '}';
    *p = '\0';
    char tenant[32];
    snprintf(tenant, sizeof tenant, "%lld", (long long)ev->f->tenant);
    const char *params[] = {tenant, arr};
    db_batch_add(b, "queries/site_hosts_insert", 2, params, "record the site hosts");
    free(arr);
}

static const char *col_name(ld_kind kind, enum ev_col c)
{
    static const char *names[EC_COUNT] = {"id",       "company_id", "ad_id",   NULL,
                                          "site_url", NULL,         "user_ip", "user_data"};
    if (c == EC_TIME)
        return kind == LD_CLICKS ? "clicked_at" : "seen_at";
    if (c == EC_COST)
        return kind == LD_CLICKS ? "cost_per_click_usd" : "cost_per_impression_usd";
    return names[c];
}

/* Is this first row a header?  See ld_first_row_is_header. */
static bool is_header(const csvr_row *row)
{
    static const char *const names[] = {"ad_id", "site_url", "user_ip", "user_data", NULL};
    return ld_first_row_is_header(row, names);
}

/* Map header names to columns; refuse the file on unknown or missing ones. */
static bool map_header(ev_loader *ev, const csvr_row *row)
{
    ld_file *f = ev->f;
    for (int c = 0; c < EC_COUNT; c++)
        ev->idx[c] = -1;
    if (row->nfields > CSVR_MAX_FIELDS) {
        ld_refuse(f, NULL, "the header has %d columns", row->nfields);
        return false;
    }
    for (int i = 0; i < row->nfields; i++) {
        int found = -1;
        for (int c = 0; c < EC_COUNT && found < 0; c++)
            if (ld_field_is(&row->fields[i], col_name(f->kind, c)))
                found = c;
        if (found < 0 || ev->idx[found] >= 0) {
            ld_refuse(f,
                      "a header names ad_id, the time, site_url, the cost, user_ip, user_data "
                      "and optionally id and company_id, each once",
                      "line %llu: %s column \"%.*s\" in the header", (unsigned long long)row->line,
                      found < 0 ? "unknown" : "repeated",
                      (int)(row->fields[i].len > 64 ? 64 : row->fields[i].len),
                      row->fields[i].ptr ? row->fields[i].ptr : "");
            return false;
        }
        ev->idx[found] = i;
    }
    for (int c = EC_AD; c < EC_COUNT; c++) {
        if (ev->idx[c] < 0) {
            ld_refuse(f,
                      "add the column to the header, or send the file without a header in "
                      "the table's column order",
                      "the header has no \"%s\" column", col_name(f->kind, c));
            return false;
        }
    }
    ev->nfields = row->nfields;
    return true;
}

static void use_seed_order(ev_loader *ev)
{
    for (int c = 0; c < EC_COUNT; c++)
        ev->idx[c] = c;
    ev->nfields = EC_COUNT;
}

/* Reject with a detail naming the column, its value and why it is bad. */
static void reject_value(ev_loader *ev, const csvr_row *row, const char *reason, enum ev_col c,
                         const char *why)
{
    const csvr_field *fld = &row->fields[ev->idx[c]];
    char detail[256];
    if (!fld->ptr || fld->len == 0)
        adr_fmt(detail, sizeof detail, "%s is empty", col_name(ev->f->kind, c));
    else
        adr_fmt(detail, sizeof detail, "%s \"%.*s%s\": %s", col_name(ev->f->kind, c),
                (int)(fld->len > EV_DETAIL_VALUE ? EV_DETAIL_VALUE : fld->len), fld->ptr,
                fld->len > EV_DETAIL_VALUE ? "..." : "", why);
    ld_reject(ev->f, row, reason, detail);
}

static const csvr_field *field(const ev_loader *ev, const csvr_row *row, enum ev_col c)
{
    return &row->fields[ev->idx[c]];
}

/* Validate one data row; on success send it to COPY. */
static void take_row(ev_loader *ev, const csvr_row *row)
{
    ld_file *f = ev->f;
    const char *why = NULL;
    char detail[256];

    if (!ld_row_is_whole(f, row, ev->nfields))
        return;
    if (ev->idx[EC_COMPANY] >= 0) {
        const csvr_field *fc = field(ev, row, EC_COMPANY);
        int64_t company;
        if (!fc->ptr || !ev_parse_int64(fc->ptr, fc->len, &company, &why)) {
            reject_value(ev, row, "bad_company_id", EC_COMPANY, why ? why : "not an integer");
            return;
        }
        if (company != f->tenant) {
            ld_reject(f, row, "wrong_company",
                      adr_fmt(detail, sizeof detail,
                              "company_id %lld differs from the file's company %lld",
                              (long long)company, (long long)f->tenant));
            return;
        }
    }
    const csvr_field *fa = field(ev, row, EC_AD);
    int64_t ad_id;
    if (!fa->ptr || !ev_parse_int64(fa->ptr, fa->len, &ad_id, &why)) {
        reject_value(ev, row, "bad_ad_id", EC_AD, why ? why : "not an integer");
        return;
    }
    if (!idmap_get(&ev->ads, ad_id, NULL)) {
        ld_reject(f, row, "unknown_ad",
                  adr_fmt(detail, sizeof detail, "ad %lld is not an ad of company %lld",
                          (long long)ad_id, (long long)f->tenant));
        return;
    }
    const csvr_field *ft = field(ev, row, EC_TIME);
    int64_t usec;
    if (!ft->ptr || !ev_parse_timestamp(ft->ptr, ft->len, &usec, &why) ||
        !ev_event_time_in_range(usec, &why)) {
        reject_value(ev, row, "bad_time", EC_TIME, why ? why : "not a timestamp");
        return;
    }
    if (f->opts->backfill && (usec < f->opts->from_usec || usec >= f->opts->to_usec)) {
        reject_value(ev, row, "outside_range", EC_TIME, "outside the backfilled days");
        return;
    }
    const csvr_field *fs = field(ev, row, EC_SITE);
    if (!fs->ptr || fs->len == 0) {
        reject_value(ev, row, "empty_site_url", EC_SITE, "");
        return;
    }
    if (fs->len > EV_SITE_URL_MAX) {
        reject_value(ev, row, "site_url_too_long", EC_SITE,
                     "longer than " ADR_STR(EV_SITE_URL_MAX) " bytes");
        return;
    }
    const csvr_field *fk = field(ev, row, EC_COST);
    ev_numeric cost;
    bool has_cost = fk->ptr && fk->len > 0;
    if (has_cost && !ev_parse_cost(fk->ptr, fk->len, &cost, &why)) {
        reject_value(ev, row, "bad_cost", EC_COST, why ? why : "not a decimal");
        return;
    }
    const csvr_field *fi = field(ev, row, EC_IP);
    ev_inet ip;
    if (!fi->ptr || !ev_parse_ip(fi->ptr, fi->len, &ip, &why)) {
        reject_value(ev, row, "bad_ip", EC_IP, why ? why : "not an IP address");
        return;
    }
    const csvr_field *fj = field(ev, row, EC_JSON);
    if (!fj->ptr || !ev_valid_json(fj->ptr, fj->len, &why)) {
        reject_value(ev, row, "bad_json", EC_JSON, why ? why : "not valid JSON");
        return;
    }

    f->rows_good++;
    ld_note_event(f, ev_day_of(usec), ad_id);
    if (ev->dry)
        return;
    site_add(&ev->sites, fs->ptr, fs->len);
    copybin *cb = &ev->cb;
    cb_row(cb, EV_COPY_FIELDS);
    cb_int8(cb, f->tenant);
    cb_int8(cb, ad_id);
    cb_timestamp(cb, usec);
    cb_text(cb, fs->ptr, fs->len);
    if (has_cost)
        cb_numeric(cb, &cost);
    else
        cb_null(cb);
    cb_inet(cb, &ip);
    cb_jsonb(cb, fj->ptr, fj->len);
}

static int on_row(void *ctx, const csvr_row *row)
{
    ev_loader *ev = ctx;
    if (!ev->first_row_seen) {
        ev->first_row_seen = true;
        if (is_header(row))
            return map_header(ev, row) ? 0 : 1;
        use_seed_order(ev);
    }
    take_row(ev, row);
    return 0;
}

/* Read the tenant's ads, after the statements already in `first`. */
static bool load_tenant_ads(ev_loader *ev, db_batch *first)
{
    char tenant[32];
    snprintf(tenant, sizeof tenant, "%lld", (long long)ev->f->tenant);
    const char *params[] = {tenant};
    int ads = db_batch_add(first, "queries/tenant_ads", 1, params, "read the tenant's ads");
    int failed = db_batch_run(first);
    if (failed >= 0) {
        db_batch_report(first, failed);
        return false;
    }
    PGresult *res = first->item[ads].res;
    for (int i = 0; i < PQntuples(res); i++)
        idmap_put(&ev->ads, strtoll(PQgetvalue(res, i, 0), NULL, 10),
                  strtoll(PQgetvalue(res, i, 1), NULL, 10));
    return true;
}

bool ld_events_load(ld_file *f, bool dry, db_batch *first, db_batch *after)
{
    ev_loader ev = {.f = f, .dry = dry};
    idmap_init(&ev.ads);
    db_batch own;
    if (!first) {
        db_batch_init(&own, f->stmts);
        first = &own;
    }
    bool ok = load_tenant_ads(&ev, first);
    db_batch_free(first);
    if (!ok) {
        f->db_error = true;
        return false;
    }
    const char *copy_sql =
        db_sql(f->kind == LD_CLICKS ? "queries/copy_clicks" : "queries/copy_impressions");
    if (!dry && !cb_begin(&ev.cb, f->conn, copy_sql, "start COPY")) {
        f->db_error = true;
        idmap_free(&ev.ads);
        return false;
    }
    ok = ld_stream(f, on_row, &ev);
    if (!dry) {
        uint64_t copied = 0;
        if (!ok) {
            cb_abort(&ev.cb, "input refused");
        } else if (!cb_end(&ev.cb, "copy the rows", &copied)) {
            f->db_error = true;
            ok = false;
        } else if (copied != f->rows_good) {
            adr_error("row count mismatch after COPY", NULL, NULL);
            f->db_error = true;
            ok = false;
        } else {
            site_store(&ev, after);
        }
        cb_free(&ev.cb);
    }
    site_free(&ev.sites);
    idmap_free(&ev.ads);
    return ok;
}

/* ld_tenant_from_rows: stop at the first data row and read its company_id. */
typedef struct peek_ctx {
    ld_kind kind;
    bool first;
    int company_idx;
    int64_t company;
} peek_ctx;

static int peek_row(void *ctx, const csvr_row *row)
{
    peek_ctx *pk = ctx;
    if (row->status != CSVR_OK)
        return 1;
    if (pk->first) {
        pk->first = false;
        if (is_header(row)) {
            pk->company_idx = -1;
            for (int i = 0; i < row->nfields && i < CSVR_MAX_FIELDS; i++)
                if (ld_field_is(&row->fields[i], "company_id"))
                    pk->company_idx = i;
            return pk->company_idx < 0; /* no company_id column: stop */
        }
    }
    if (pk->company_idx < row->nfields) {
        const csvr_field *fc = &row->fields[pk->company_idx];
        int64_t v;
        if (fc->ptr && ev_parse_int64(fc->ptr, fc->len, &v, NULL) && v > 0)
            pk->company = v;
    }
    return 1;
}

int64_t ld_tenant_from_rows(const char *path, ld_kind kind)
{
    peek_ctx pk = {.kind = kind, .first = true, .company_idx = EC_COMPANY};
    char err[256];
    lf_reader *r = lf_open(path, err, sizeof err);
    if (!r)
        return 0;
    csvr_parser *p = csvr_new(peek_row, &pk);
    char *buf = adr_xmalloc(LD_READ_CHUNK);
    ssize_t n;
    while ((n = lf_read(r, buf, LD_READ_CHUNK)) > 0)
        if (csvr_feed(p, buf, (size_t)n) != 0)
            break;
    if (n == 0)
        csvr_finish(p);
    free(buf);
    csvr_free(p);
    lf_close(r);
    return pk.company;
}
