/*
 * load_ledger.c - the loaded-files ledger: has this content been loaded for
 * this tenant and kind, and record that it now has (see load_ledger.h).
 * Data only: nothing here prints.
 */
#include "load_ledger.h"

#include "adreport/db.h"

#include <stdio.h>
#include <string.h>

/* SQLSTATE unique_violation: ledger_insert.sql met the content's row. */
#define LD_SQLSTATE_UNIQUE "23505"

static void int_str(char *buf, size_t size, int64_t v)
{
    snprintf(buf, size, "%lld", (long long)v);
}

/*
 * Files whose content may rightly be loaded again: a backfill or --replace
 * (the user asks for exactly these rows on these days) and entity files
 * (upserts: a re-sent older version must win over the newer one).
 */
static bool reloads(const ld_file *f)
{
    return f->opts->backfill || f->opts->replace || ld_kind_is_entity(f->kind);
}

int ld_ledger_add(ld_file *f, db_batch *b, int64_t file_size)
{
    char tenant[32], size[32], good[32], bad[32];
    int_str(tenant, sizeof tenant, f->tenant);
    int_str(size, sizeof size, file_size);
    int_str(good, sizeof good, (int64_t)f->rows_good);
    int_str(bad, sizeof bad, (int64_t)f->rows_rejected);
    const char *params[] = {tenant,    ld_kind_name(f->kind),
                            f->sha256, f->name,
                            size,      good,
                            bad,       f->opts->replace ? "true" : "false"};
    return db_batch_add(b, reloads(f) ? "queries/ledger_upsert" : "queries/ledger_insert", 8,
                        params, "record the file");
}

bool ld_ledger_conflict(const db_batch *b, int i)
{
    return strcmp(db_batch_sqlstate(b, i), LD_SQLSTATE_UNIQUE) == 0;
}

static const char *lookup_sql(const ld_file *f)
{
    return ld_kind_is_entity(f->kind) ? "queries/ledger_latest" : "queries/ledger_lookup";
}

/* The ledger row of a lookup's result, if it has one. */
static bool found_in(const PGresult *res, ld_ledger_entry *found_as)
{
    if (PQntuples(res) == 0)
        return false;
    snprintf(found_as->name, sizeof found_as->name, "%s", PQgetvalue(res, 0, 0));
    snprintf(found_as->at, sizeof found_as->at, "%s", PQgetvalue(res, 0, 1));
    return true;
}

int ld_ledger_find(ld_file *f, const char *sha, ld_ledger_entry *found_as)
{
    char tenant[32];
    int_str(tenant, sizeof tenant, f->tenant);
    const char *params[] = {tenant, ld_kind_name(f->kind), sha};
    PGresult *res = db_query_prepared(f->stmts, lookup_sql(f), 3, params, "read the ledger");
    if (!res)
        return -1;
    int found = found_in(res, found_as);
    PQclear(res);
    return found;
}

bool ld_ledger_check(ld_file *f, const char *sha, bool company, bool ledger,
                     ld_ledger_check_result *out)
{
    memset(out, 0, sizeof *out);
    char tenant[32];
    int_str(tenant, sizeof tenant, f->tenant);
    const char *company_params[] = {tenant};
    const char *ledger_params[] = {tenant, ld_kind_name(f->kind), sha};
    db_batch b;
    db_batch_init(&b, f->stmts);
    int c = company ? db_batch_add(&b, "queries/company_exists", 1, company_params,
                                   "look up the company")
                    : -1;
    int l = ledger ? db_batch_add(&b, lookup_sql(f), 3, ledger_params, "read the ledger") : -1;
    int failed = db_batch_run(&b);
    if (failed >= 0)
        db_batch_report(&b, failed);
    else {
        out->company_exists = c >= 0 && PQntuples(b.item[c].res) > 0;
        out->seen = l >= 0 && found_in(b.item[l].res, &out->seen_as);
    }
    db_batch_free(&b);
    return failed < 0;
}
