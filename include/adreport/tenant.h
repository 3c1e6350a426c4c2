/*
 * tenant.h - per-tenant settings (table adreport_tenant_settings).
 *
 * Today one setting, the tenant's time zone: an IANA name PostgreSQL knows
 * ("Asia/Tokyo"), default "UTC".  A tenant's days - stats, dirty marks,
 * --from/--to, report months, budget pacing - are local days of its zone.
 * The SaaS application may write the table directly; the rollup notices a
 * changed zone and recomputes that tenant (see rollup.h).
 */
#ifndef ADREPORT_TENANT_H
#define ADREPORT_TENANT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

/* Longest time zone name PostgreSQL accepts (TZ_STRLEN_MAX 255) plus NUL. */
#define TN_ZONE_SIZE 256

/* A tenant's settings, defaults filled in. */
typedef struct tn_settings {
    int64_t company_id;
    char name[512];                     /* companies.name (truncated for display) */
    char time_zone[TN_ZONE_SIZE];       /* the zone days are cut in */
    char stats_time_zone[TN_ZONE_SIZE]; /* the zone the current stats were computed in */
} tn_settings;

/* What tn_load / tn_set_time_zone found. */
typedef enum tn_status {
    TN_OK,
    TN_NO_COMPANY,   /* no such row in companies */
    TN_UNKNOWN_ZONE, /* not a name in pg_timezone_names */
    TN_ERROR         /* a database error, already printed */
} tn_status;

/*
 * tn_load - read the settings of company_id into *s.
 * Example: tn_settings s; if (tn_load(conn, 7, &s) == TN_OK) puts(s.time_zone);
 */
tn_status tn_load(PGconn *conn, int64_t company_id, tn_settings *s);

/*
 * tn_set_time_zone - set the tenant's zone to `zone`, spelled as PostgreSQL
 * spells it (names are matched case-insensitively: "asia/tokyo" stores
 * "Asia/Tokyo").  Nothing changes unless it returns TN_OK.
 */
tn_status tn_set_time_zone(PGconn *conn, int64_t company_id, const char *zone);

#endif
