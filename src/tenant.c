/*
 * tenant.c - per-tenant settings (see tenant.h).
 */
#include "adreport/tenant.h"
#include "adreport/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

tn_status tn_load(PGconn *conn, int64_t company_id, tn_settings *s)
{
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, company_id);
    const char *params[] = {id};
    PGresult *res = db_query(conn, "queries/tenant_get", 1, params, "read the tenant's settings");
    if (!res)
        return TN_ERROR;
    tn_status st = PQntuples(res) == 1 ? TN_OK : TN_NO_COMPANY;
    if (st == TN_OK) {
        s->company_id = company_id;
        snprintf(s->name, sizeof s->name, "%s", PQgetvalue(res, 0, 1));
        snprintf(s->time_zone, sizeof s->time_zone, "%s", PQgetvalue(res, 0, 2));
        snprintf(s->stats_time_zone, sizeof s->stats_time_zone, "%s", PQgetvalue(res, 0, 3));
    }
    PQclear(res);
    return st;
}

tn_status tn_set_time_zone(PGconn *conn, int64_t company_id, const char *zone)
{
    tn_settings s;
    tn_status st = tn_load(conn, company_id, &s);
    if (st != TN_OK)
        return st;
    const char *lookup[] = {zone};
    PGresult *res = db_query(conn, "queries/time_zone_lookup", 1, lookup, "look up the time zone");
    if (!res)
        return TN_ERROR;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return TN_UNKNOWN_ZONE;
    }
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, company_id);
    const char *params[] = {id, PQgetvalue(res, 0, 0)};
    PGresult *set =
        db_query(conn, "queries/tenant_set_time_zone", 2, params, "set the tenant's time zone");
    PQclear(res);
    PQclear(set);
    return set ? TN_OK : TN_ERROR;
}
