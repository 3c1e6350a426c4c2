/*
 * load_ledger.c - the loaded-files ledger: has this content been loaded for
 * this tenant and kind, and record that it now has (see load_ledger.h).
 * Data only: nothing here prints.
 */
#include "load_ledger.h"

#include "adreport/db.h"

#include <stdio.h>

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

int ld_ledger_insert(ld_file *f, int64_t file_size)
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
    PGresult *res =
        db_query(f->conn, reloads(f) ? "queries/ledger_upsert" : "queries/ledger_insert", 8, params,
                 "record the file");
    if (!res)
        return -1;
    int inserted = PQntuples(res) == 1;
    PQclear(res);
    return inserted;
}

int ld_ledger_find(ld_file *f, const char *sha, ld_ledger_entry *found_as)
{
    char tenant[32];
    int_str(tenant, sizeof tenant, f->tenant);
    const char *params[] = {tenant, ld_kind_name(f->kind), sha};
    PGresult *res = db_query(
        f->conn, ld_kind_is_entity(f->kind) ? "queries/ledger_latest" : "queries/ledger_lookup", 3,
        params, "read the ledger");
    if (!res)
        return -1;
    int found = PQntuples(res) > 0;
    if (found) {
        snprintf(found_as->name, sizeof found_as->name, "%s", PQgetvalue(res, 0, 0));
        snprintf(found_as->at, sizeof found_as->at, "%s", PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return found;
}

bool ld_company_exists(PGconn *conn, int64_t company, bool *error)
{
    char id[32];
    int_str(id, sizeof id, company);
    const char *params[] = {id};
    PGresult *res = db_query(conn, "queries/company_exists", 1, params, "look up the company");
    *error = res == NULL;
    bool found = res && PQntuples(res) > 0;
    PQclear(res);
    return found;
}
