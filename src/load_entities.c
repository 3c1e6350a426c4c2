/*
 * load_entities.c - companies, campaigns and ads files: validate, stage,
 * upsert.
 *
 * Rows go through binary COPY into a temporary staging table, then one
 * INSERT ... ON CONFLICT DO UPDATE per file, so a re-sent file updates names,
 * states, budgets and blacklists.  Every reference is checked in C first
 * (the company of a campaign, the campaign of an ad, per tenant), so the
 * upsert cannot fail on a foreign key.
 */
#include "load_entities.h"
#include "adreport/common.h"
#include "adreport/copybin.h"
#include "adreport/db.h"
#include "adreport/events.h"
#include "adreport/pgarray.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Elements of a blacklisted_site_urls array we accept. */
#define ENT_MAX_ARRAY 1000

typedef enum ent_type { ET_INT8, ET_TEXT, ET_TS, ET_ARRAY, ET_SKIP } ent_type;

typedef struct ent_col {
    const char *name;
    ent_type type;
    bool not_null;
} ent_col;

typedef struct ent_kind {
    const ent_col *cols;
    int ncols;
    const char *stage_sql, *copy_sql, *upsert_sql;
} ent_kind;

/* The seed tables' columns, in their order (the headerless form). */
static const ent_col company_cols[] = {{"id", ET_INT8, true},
                                       {"name", ET_TEXT, true},
                                       {"image_url", ET_TEXT, false},
                                       {"created_at", ET_TS, true},
                                       {"updated_at", ET_TS, true}};
static const ent_col campaign_cols[] = {{"id", ET_INT8, true},
                                        {"company_id", ET_INT8, true},
                                        {"name", ET_TEXT, true},
                                        {"cost_model", ET_TEXT, true},
                                        {"state", ET_TEXT, true},
                                        {"monthly_budget", ET_INT8, false},
                                        {"blacklisted_site_urls", ET_ARRAY, false},
                                        {"created_at", ET_TS, true},
                                        {"updated_at", ET_TS, true}};
static const ent_col ad_cols[] = {{"id", ET_INT8, true},
                                  {"company_id", ET_INT8, true},
                                  {"campaign_id", ET_INT8, true},
                                  {"name", ET_TEXT, true},
                                  {"image_url", ET_TEXT, false},
                                  {"target_url", ET_TEXT, false},
                                  {"impressions_count", ET_SKIP, false},
                                  {"clicks_count", ET_SKIP, false},
                                  {"created_at", ET_TS, true},
                                  {"updated_at", ET_TS, true}};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define ENT_MAX_COLS 10

static const ent_kind companies = {company_cols, NCOLS(company_cols), "queries/stage_companies",
                                   "queries/copy_stage_companies", "queries/upsert_companies"};
static const ent_kind campaigns = {campaign_cols, NCOLS(campaign_cols), "queries/stage_campaigns",
                                   "queries/copy_stage_campaigns", "queries/upsert_campaigns"};
static const ent_kind ads = {ad_cols, NCOLS(ad_cols), "queries/stage_ads", "queries/copy_stage_ads",
                             "queries/upsert_ads"};

typedef struct ent_loader {
    ld_file *f;
    const ent_kind *k;
    copybin cb;
    bool first_row_seen;
    int idx[ENT_MAX_COLS]; /* field index of each column, -1 if absent */
    int nfields;
    int ncopy;         /* columns sent to COPY (all but ET_SKIP) */
    idmap known;       /* companies: id -> 1 if it exists; campaigns: see below */
    idmap tenant_sets; /* company -> index into sets[]: its campaign ids (ads files) */
    idmap *sets;
    size_t nsets;
    idmap seen; /* company -> index into seen_sets[]: ids in this file */
    idmap *seen_sets;
    size_t nseen;
    char *scratch; /* unescaped array elements */
} ent_loader;

/* The per-company id set behind `index` (created on first use). */
static idmap *set_for(idmap *index, idmap **sets, size_t *n, int64_t company, bool *created)
{
    int64_t i;
    *created = false;
    if (idmap_get(index, company, &i))
        return &(*sets)[i];
    *sets = adr_xrealloc(*sets, (*n + 1) * sizeof **sets);
    idmap_init(&(*sets)[*n]);
    idmap_put(index, company, (int64_t)*n);
    *created = true;
    return &(*sets)[(*n)++];
}

static bool fetch_ids(PGconn *conn, const char *sql, int64_t company, idmap *into, bool *db_error)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)company);
    const char *params[] = {id};
    PGresult *res = db_query(conn, sql, 1, params, "look up existing rows");
    if (!res) {
        *db_error = true;
        return false;
    }
    for (int i = 0; i < PQntuples(res); i++)
        idmap_put(into, strtoll(PQgetvalue(res, i, 0), NULL, 10), 1);
    PQclear(res);
    return true;
}

/*
 * References are looked up before the COPY starts (a connection in COPY mode
 * can run no other statement): a first pass collects the companies the file
 * names, prefetch() asks the database about each, the second pass only reads
 * these caches.
 */
static bool company_known(ent_loader *el, int64_t company)
{
    int64_t v;
    return idmap_get(&el->known, company, &v) && v;
}

static bool campaign_known(ent_loader *el, int64_t company, int64_t campaign)
{
    int64_t i;
    return idmap_get(&el->tenant_sets, company, &i) && idmap_get(&el->sets[i], campaign, NULL);
}

static bool prefetch(ent_loader *el, const idmap *companies_named)
{
    size_t pos = 0;
    int64_t company, one;
    while (idmap_next(companies_named, &pos, &company, &one)) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)company);
        const char *params[] = {id};
        PGresult *res =
            db_query(el->f->conn, "queries/company_exists", 1, params, "look up a company");
        if (!res)
            return false;
        idmap_put(&el->known, company, PQntuples(res) > 0);
        PQclear(res);
        if (el->f->kind == LD_ADS) {
            bool created;
            idmap *set = set_for(&el->tenant_sets, &el->sets, &el->nsets, company, &created);
            if (!fetch_ids(el->f->conn, "queries/tenant_campaigns", company, set, &el->f->db_error))
                return false;
        }
    }
    return true;
}

/* A header names the table's columns; see ld_first_row_is_header. */
static bool is_header(const ent_loader *el, const csvr_row *row)
{
    const char *names[ENT_MAX_COLS + 1];
    for (int c = 0; c < el->k->ncols; c++)
        names[c] = el->k->cols[c].name;
    names[el->k->ncols] = NULL;
    return ld_first_row_is_header(row, names);
}

static void map_seed_order(ent_loader *el)
{
    for (int c = 0; c < el->k->ncols; c++)
        el->idx[c] = c;
    el->nfields = el->k->ncols;
}

static bool map_header(ent_loader *el, const csvr_row *row)
{
    for (int c = 0; c < el->k->ncols; c++)
        el->idx[c] = -1;
    for (int i = 0; i < row->nfields && i < CSVR_MAX_FIELDS; i++) {
        int found = -1;
        for (int c = 0; c < el->k->ncols && found < 0; c++)
            if (ld_field_is(&row->fields[i], el->k->cols[c].name))
                found = c;
        if (found < 0 || el->idx[found] >= 0) {
            ld_refuse(el->f,
                      "name each column of the table once, or send the file without a header",
                      "line %llu: %s column \"%.*s\" in the header", (unsigned long long)row->line,
                      found < 0 ? "unknown" : "repeated",
                      (int)(row->fields[i].len > 64 ? 64 : row->fields[i].len),
                      row->fields[i].ptr ? row->fields[i].ptr : "");
            return false;
        }
        el->idx[found] = i;
    }
    for (int c = 0; c < el->k->ncols; c++) {
        if (el->idx[c] < 0 && el->k->cols[c].not_null) {
            ld_refuse(el->f, "add the column to the header", "the header has no \"%s\" column",
                      el->k->cols[c].name);
            return false;
        }
    }
    el->nfields = row->nfields;
    return true;
}

/* Check the row's references and tenant; true when it may be staged. */
static bool check_refs(ent_loader *el, const csvr_row *row, const int64_t *ints)
{
    ld_file *f = el->f;
    char detail[256];
    int64_t id = ints[0];
    int64_t company = f->kind == LD_COMPANIES ? id : ints[1];
    if (f->tenant_forced && company != f->tenant) {
        ld_reject(f, row, "wrong_company",
                  adr_fmt(detail, sizeof detail,
                          "company %lld differs from the file's company %lld", (long long)company,
                          (long long)f->tenant));
        return false;
    }
    if (f->kind == LD_CAMPAIGNS && !company_known(el, company)) {
        if (f->db_error)
            return false;
        ld_reject(
            f, row, "unknown_company",
            adr_fmt(detail, sizeof detail, "company %lld does not exist", (long long)company));
        return false;
    }
    if (f->kind == LD_ADS && !campaign_known(el, company, ints[2])) {
        if (f->db_error)
            return false;
        ld_reject(f, row, "unknown_campaign",
                  adr_fmt(detail, sizeof detail, "campaign %lld is not a campaign of company %lld",
                          (long long)ints[2], (long long)company));
        return false;
    }
    bool created;
    idmap *seen = set_for(&el->seen, &el->seen_sets, &el->nseen, company, &created);
    if (idmap_get(seen, id, NULL)) {
        ld_reject(
            f, row, "duplicate_key",
            adr_fmt(detail, sizeof detail, "id %lld appears earlier in this file", (long long)id));
        return false;
    }
    idmap_put(seen, id, 1);
    return true;
}

static void take_row(ent_loader *el, const csvr_row *row)
{
    ld_file *f = el->f;
    char detail[300];
    const char *why = NULL;
    if (!ld_row_is_whole(f, row, el->nfields))
        return;
    /* First pass: parse and check every column. */
    int64_t ints[ENT_MAX_COLS] = {0}, times[ENT_MAX_COLS] = {0};
    int nint = 0;
    const char *elems[ENT_MAX_ARRAY];
    size_t lens[ENT_MAX_ARRAY];
    int nelems = -1;
    for (int c = 0; c < el->k->ncols; c++) {
        const ent_col *col = &el->k->cols[c];
        const csvr_field *fld = el->idx[c] >= 0 ? &row->fields[el->idx[c]] : NULL;
        bool empty = !fld || !fld->ptr;
        if (col->type == ET_SKIP)
            continue;
        if (empty && col->not_null) {
            ld_reject(f, row, "missing_value",
                      adr_fmt(detail, sizeof detail, "%s is empty", col->name));
            return;
        }
        bool ok = true;
        if (col->type == ET_INT8 && !empty) {
            ok = ev_parse_int64(fld->ptr, fld->len, &ints[nint], &why) && ints[nint] >= 0;
            if (ok && c < 3 && ints[nint] == 0)
                ok = false, why = "ids are positive";
        }
        if (col->type == ET_INT8)
            nint++;
        if (col->type == ET_TS && !empty)
            ok = ev_parse_timestamp(fld->ptr, fld->len, &times[c], &why);
        if (col->type == ET_ARRAY && !empty) {
            _Static_assert(ENT_MAX_ARRAY >= PGA_MAX_ELEMS, "elems[] holds every element");
            nelems = pga_parse_text_array(fld->ptr, fld->len, el->scratch, elems, lens, &why);
            ok = nelems >= 0;
        }
        if (!ok) {
            ld_reject(f, row, "bad_value",
                      adr_fmt(detail, sizeof detail, "%s \"%.*s\": %s", col->name,
                              (int)(fld->len > 60 ? 60 : fld->len), fld->ptr,
                              why ? why : "not a non-negative integer"));
            return;
        }
    }
    if (f->kind == LD_CAMPAIGNS) {
        const csvr_field *cm = &row->fields[el->idx[3]];
        bool known = (cm->len == 14 && memcmp(cm->ptr, "cost_per_click", 14) == 0) ||
                     (cm->len == 19 && memcmp(cm->ptr, "cost_per_impression", 19) == 0);
        if (!known) {
            ld_reject(f, row, "bad_cost_model",
                      "cost_model is neither cost_per_click nor cost_per_impression");
            return;
        }
    }
    if (!check_refs(el, row, ints))
        return;

    /* Second pass: stage it. */
    f->rows_good++;
    cb_row(&el->cb, (int16_t)el->ncopy);
    nint = 0;
    for (int c = 0; c < el->k->ncols; c++) {
        const ent_col *col = &el->k->cols[c];
        const csvr_field *fld = el->idx[c] >= 0 ? &row->fields[el->idx[c]] : NULL;
        bool empty = !fld || !fld->ptr;
        if (col->type == ET_SKIP)
            continue;
        if (col->type == ET_INT8)
            nint++;
        if (empty)
            cb_null(&el->cb);
        else if (col->type == ET_INT8)
            cb_int8(&el->cb, ints[nint - 1]);
        else if (col->type == ET_TEXT)
            cb_text(&el->cb, fld->ptr, fld->len);
        else if (col->type == ET_TS)
            cb_timestamp(&el->cb, times[c]);
        else
            cb_text_array(&el->cb, nelems, elems, lens);
    }
}

static int on_row(void *ctx, const csvr_row *row)
{
    ent_loader *el = ctx;
    if (!el->first_row_seen) {
        el->first_row_seen = true;
        if (is_header(el, row))
            return map_header(el, row) ? 0 : 1;
        map_seed_order(el);
    }
    take_row(el, row);
    return el->f->db_error ? 1 : 0;
}

/* Pass 1: note the company of every row (column 1, or the id of a company). */
typedef struct name_pass {
    ent_loader *el;
    idmap *companies;
} name_pass;

static int note_company(void *ctx, const csvr_row *row)
{
    name_pass *np = ctx;
    ent_loader *el = np->el;
    if (!el->first_row_seen) {
        el->first_row_seen = true;
        if (is_header(el, row))
            return map_header(el, row) ? 0 : 1;
        map_seed_order(el);
    }
    int c = el->f->kind == LD_COMPANIES ? 0 : 1;
    if (row->status != CSVR_OK || el->idx[c] < 0 || el->idx[c] >= row->nfields ||
        el->idx[c] >= CSVR_MAX_FIELDS)
        return 0;
    const csvr_field *fld = &row->fields[el->idx[c]];
    int64_t company;
    if (fld->ptr && ev_parse_int64(fld->ptr, fld->len, &company, NULL) && company > 0)
        idmap_put(np->companies, company, 1);
    return 0;
}

/* Tenants with an updated row get their stats recomputed (see the SQL). */
static bool upsert(ent_loader *el)
{
    ld_file *f = el->f;
    PGresult *res = db_query(f->conn, el->k->upsert_sql, 0, NULL, "upsert the rows");
    if (!res)
        return false;
    for (int i = 0; i < PQntuples(res); i++)
        if (PQgetvalue(res, i, 1)[0] == 't')
            idmap_put(&f->dirty_tenants, strtoll(PQgetvalue(res, i, 0), NULL, 10), 1);
    PQclear(res);
    size_t pos = 0;
    int64_t company, one;
    while (idmap_next(&f->dirty_tenants, &pos, &company, &one)) {
        char id[32];
        snprintf(id, sizeof id, "%lld", (long long)company);
        const char *params[] = {id};
        PGresult *r = db_query(f->conn, "queries/mark_tenant_stats_dirty", 1, params,
                               "mark the tenant's stats for recomputation");
        if (!r)
            return false;
        PQclear(r);
    }
    return true;
}

static void free_sets(idmap *sets, size_t n)
{
    for (size_t i = 0; i < n; i++)
        idmap_free(&sets[i]);
    free(sets);
}

bool ld_entities_load(ld_file *f)
{
    ent_loader el = {.f = f};
    el.k = f->kind == LD_COMPANIES ? &companies : f->kind == LD_CAMPAIGNS ? &campaigns : &ads;
    for (int c = 0; c < el.k->ncols; c++)
        el.ncopy += el.k->cols[c].type != ET_SKIP;
    idmap_init(&el.known);
    idmap_init(&el.tenant_sets);
    idmap_init(&el.seen);
    el.scratch = adr_xmalloc(CSVR_MAX_ROW_BYTES);

    idmap named;
    idmap_init(&named);
    name_pass np = {&el, &named};
    bool ok = ld_stream(f, note_company, &np);
    if (!ok) {
        idmap_free(&named);
        free(el.scratch);
        return false;
    }
    el.first_row_seen = false;
    f->sha256[0] = '\0';
    ok = (f->kind == LD_COMPANIES || prefetch(&el, &named)) &&
         db_exec(f->conn, el.k->stage_sql, "create the staging table") &&
         cb_begin(&el.cb, f->conn, db_sql(el.k->copy_sql), "start COPY");
    idmap_free(&named);
    if (!ok) {
        f->db_error = true;
    } else if (!ld_stream(f, on_row, &el)) {
        cb_abort(&el.cb, "input refused");
        ok = false;
    } else if (!cb_end(&el.cb, "stage the rows", NULL) || !upsert(&el)) {
        f->db_error = true;
        ok = false;
    }
    cb_free(&el.cb);
    idmap_free(&el.known);
    idmap_free(&el.tenant_sets);
    idmap_free(&el.seen);
    free_sets(el.sets, el.nsets);
    free_sets(el.seen_sets, el.nseen);
    free(el.scratch);
    return ok;
}
