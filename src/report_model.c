/*
 * report_model.c - one tenant's report for a period, read with the
 * sql/queries/report_*.sql statements (see report.h).
 *
 * Cells keep the text PostgreSQL formatted (money rounded on numeric), and
 * point straight into the PGresult that owns it; values[] parses that text
 * once for the XLSX writer.
 */
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/db.h"
#include "adreport/report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Column lists: the CSV headers, which are also the SQL aliases (checked). */
static const rpt_column campaign_columns[] = {
    {"campaign_id", "Campaign ID", RPT_ID, false},
    {"campaign_name", "Campaign", RPT_TEXT, false},
    {"state", "State", RPT_TEXT, false},
    {"cost_model", "Cost model", RPT_TEXT, false},
    {"monthly_budget_usd", "Monthly budget (USD)", RPT_MONEY, false},
    {"impressions", "Impressions", RPT_COUNT, false},
    {"clicks", "Clicks", RPT_COUNT, false},
    {"reach", "Reach", RPT_COUNT, true},
    {"unique_clickers", "Unique clickers", RPT_COUNT, true},
    {"frequency", "Frequency", RPT_DECIMAL, true},
    {"ctr", "CTR", RPT_RATIO, false},
    {"spend_usd", "Spend (USD)", RPT_MONEY, false},
    {"cpc_usd", "CPC (USD)", RPT_MONEY, false},
    {"cpm_usd", "CPM (USD)", RPT_MONEY, false},
    {"budget_pacing", "Budget pacing", RPT_RATIO, false},
    {"blacklisted_spend_usd", "Blacklisted spend (USD)", RPT_MONEY, false},
};

static const rpt_column ad_columns[] = {
    {"ad_id", "Ad ID", RPT_ID, false},
    {"ad_name", "Ad", RPT_TEXT, false},
    {"campaign_id", "Campaign ID", RPT_ID, false},
    {"campaign_name", "Campaign", RPT_TEXT, false},
    {"impressions", "Impressions", RPT_COUNT, false},
    {"clicks", "Clicks", RPT_COUNT, false},
    {"reach", "Reach", RPT_COUNT, true},
    {"unique_clickers", "Unique clickers", RPT_COUNT, true},
    {"frequency", "Frequency", RPT_DECIMAL, true},
    {"ctr", "CTR", RPT_RATIO, false},
    {"spend_usd", "Spend (USD)", RPT_MONEY, false},
    {"cpc_usd", "CPC (USD)", RPT_MONEY, false},
    {"cpm_usd", "CPM (USD)", RPT_MONEY, false},
};

static const rpt_column daily_columns[] = {
    {"day", "Day", RPT_DATE, false},
    {"campaign_id", "Campaign ID", RPT_ID, false},
    {"campaign_name", "Campaign", RPT_TEXT, false},
    {"impressions", "Impressions", RPT_COUNT, false},
    {"clicks", "Clicks", RPT_COUNT, false},
    {"reach", "Reach", RPT_COUNT, true},
    {"unique_clickers", "Unique clickers", RPT_COUNT, true},
    {"frequency", "Frequency", RPT_DECIMAL, true},
    {"ctr", "CTR", RPT_RATIO, false},
    {"spend_usd", "Spend (USD)", RPT_MONEY, false},
};

static const rpt_column day_columns[] = {
    {"day", "Day", RPT_DATE, false},
    {"impressions", "Impressions", RPT_COUNT, false},
    {"clicks", "Clicks", RPT_COUNT, false},
    {"spend_usd", "Spend (USD)", RPT_MONEY, false},
};

static const rpt_column total_columns[] = {
    {"impressions", "Impressions", RPT_COUNT, false},
    {"clicks", "Clicks", RPT_COUNT, false},
    {"reach", "Reach", RPT_COUNT, true},
    {"unique_clickers", "Unique clickers", RPT_COUNT, true},
    {"frequency", "Frequency", RPT_DECIMAL, true},
    {"ctr", "CTR", RPT_RATIO, false},
    {"spend_usd", "Spend (USD)", RPT_MONEY, false},
    {"cpc_usd", "CPC (USD)", RPT_MONEY, false},
    {"cpm_usd", "CPM (USD)", RPT_MONEY, false},
    {"blacklisted_spend_usd", "Blacklisted spend (USD)", RPT_MONEY, false},
};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- days and periods (the calendar is days.h) ---- */

_Static_assert(RPT_DAY_SIZE == DAY_STR, "a report day is a day_format text");

/* Years xlsx date cells can hold (the upper bound is day_parse's own);
 * PostgreSQL's range is wider. */
#define MIN_YEAR 1900
#define MAX_YEAR 9999

static bool parse_month(const char *s, int *y, int *m)
{
    return day_parse_month(s, y, m) && *y >= MIN_YEAR && *y <= MAX_YEAR;
}

static bool parse_day(const char *s, int32_t *day)
{
    return day_parse(s, day) && *day >= day_from_ymd(MIN_YEAR, 1, 1) &&
           *day <= day_from_ymd(MAX_YEAR, 12, 31);
}

void rpt_yesterday(char out[RPT_DAY_SIZE])
{
    day_format(day_today_utc() - 1, out);
}

bool rpt_period_month(rpt_period *p, const char *month, const char *as_of, const char **why)
{
    int y, m;
    int32_t first, last, pacing;
    memset(p, 0, sizeof *p);
    if (!parse_month(month, &y, &m)) {
        *why = "a month is YYYY-MM, e.g. 2026-11";
        return false;
    }
    if (as_of && !parse_day(as_of, &pacing)) {
        *why = "the pacing day is YYYY-MM-DD";
        return false;
    }
    p->is_month = true;
    day_month_span(y, m, &first, &last);
    day_format(first, p->from);
    day_format(last, p->to);
    snprintf(p->label, sizeof p->label, "%.7s", p->from);
    if (as_of)
        snprintf(p->as_of, sizeof p->as_of, "%s", as_of);
    else
        rpt_yesterday(p->as_of);
    return true;
}

bool rpt_period_range(rpt_period *p, const char *from, const char *to, const char **why)
{
    int32_t first, last;
    memset(p, 0, sizeof *p);
    if (!parse_day(from, &first) || !parse_day(to, &last)) {
        *why = "a day is YYYY-MM-DD, e.g. 2026-11-03";
        return false;
    }
    if (first > last) {
        *why = "--from is after --to";
        return false;
    }
    snprintf(p->from, sizeof p->from, "%s", from);
    snprintf(p->to, sizeof p->to, "%s", to);
    snprintf(p->label, sizeof p->label, "%s_%s", from, to);
    return true;
}

/* ---- tables ---- */

const char *rpt_cell(const rpt_table *t, int row, int col)
{
    return t->cells[(size_t)row * (size_t)t->ncols + (size_t)col];
}

double rpt_value(const rpt_table *t, int row, int col)
{
    return t->values[(size_t)row * (size_t)t->ncols + (size_t)col];
}

/* Without reach, a table's columns are its static list less the reach ones. */
static void table_init(rpt_table *t, const char *file, const char *sheet, const rpt_column *columns,
                       int ncols, bool reach)
{
    memset(t, 0, sizeof *t);
    t->file = file;
    t->sheet = sheet;
    t->columns = columns;
    t->ncols = ncols;
    if (reach)
        return;
    t->own_columns = adr_xmalloc((size_t)ncols * sizeof *t->own_columns);
    t->ncols = 0;
    for (int c = 0; c < ncols; c++)
        if (!columns[c].reach)
            t->own_columns[t->ncols++] = columns[c];
    t->columns = t->own_columns;
}

static void table_free(rpt_table *t)
{
    free(t->cells);
    free(t->values);
    PQclear(t->res);
    free(t->text);
    t->cells = NULL;
    t->values = NULL;
    t->res = NULL;
    t->text = NULL;
    t->nrows = 0;
}

static void table_release(rpt_table *t)
{
    table_free(t);
    free(t->own_columns);
    t->own_columns = NULL;
}

static void table_alloc(rpt_table *t, int nrows)
{
    size_t n = (size_t)nrows * (size_t)t->ncols;
    t->nrows = nrows;
    t->cells = adr_xmalloc(n * sizeof *t->cells);
    t->values = adr_xmalloc(n * sizeof *t->values);
}

/* The number in a cell's text, for XLSX only: display precision suffices. */
static double cell_value(rpt_kind kind, const char *text)
{
    if (kind == RPT_TEXT || kind == RPT_DATE || !*text)
        return NAN;
    char *end;
    double v = strtod(text, &end);
    return *end ? NAN : v;
}

static void set_cell(rpt_table *t, int row, int col, const char *text)
{
    size_t i = (size_t)row * (size_t)t->ncols + (size_t)col;
    t->cells[i] = text;
    t->values[i] = cell_value(t->columns[col].kind, text);
}

/* A result whose columns are not the table's means SQL and C drifted apart. */
static bool check_columns(const rpt_table *t, const PGresult *res, const char *sql_name)
{
    bool ok = PQnfields(res) == t->ncols;
    for (int c = 0; ok && c < t->ncols; c++)
        ok = strcmp(PQfname(res, c), t->columns[c].name) == 0;
    if (!ok) {
        char detail[256];
        adr_error("internal error: a report query returns unexpected columns",
                  adr_fmt(detail, sizeof detail, "sql/%s.sql does not match %s", sql_name,
                          t->file ? t->file : "the summary"),
                  NULL);
    }
    return ok;
}

/* Take ownership of res and point the cells into it. */
static bool table_from_result(rpt_table *t, PGresult *res, const char *sql_name)
{
    if (!check_columns(t, res, sql_name)) {
        PQclear(res);
        return false;
    }
    table_alloc(t, PQntuples(res));
    t->res = res;
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++)
            set_cell(t, r, c, PQgetvalue(res, r, c));
    return true;
}

/*
 * The Summary's day table has every day of the period, so the line chart's
 * axis is even; the query returns only days with activity (sorted), and the
 * idle days get zeros here.
 */
static bool days_from_result(rpt_table *t, PGresult *res, const rpt_period *period)
{
    if (!check_columns(t, res, "queries/report_days")) {
        PQclear(res);
        return false;
    }
    int32_t first, last;
    if (!parse_day(period->from, &first) || !parse_day(period->to, &last) || first > last) {
        /* rpt_period_month and rpt_period_range never make such a period */
        adr_errorf(NULL, NULL, "internal error: report period \"%s\" to \"%s\" is not two days",
                   period->from, period->to);
        PQclear(res);
        return false;
    }
    int ndays = last - first + 1;
    table_alloc(t, ndays);
    t->res = res;
    t->text = adr_xmalloc((size_t)ndays * RPT_DAY_SIZE);
    int next = 0, nactive = PQntuples(res);
    for (int r = 0; r < ndays; r++) {
        char *day = t->text + (size_t)r * RPT_DAY_SIZE;
        day_format(first + r, day);
        if (next < nactive && strcmp(PQgetvalue(res, next, 0), day) == 0) {
            for (int c = 0; c < t->ncols; c++)
                set_cell(t, r, c, PQgetvalue(res, next, c));
            next++;
        } else {
            set_cell(t, r, 0, day);
            set_cell(t, r, 1, "0");
            set_cell(t, r, 2, "0");
            set_cell(t, r, 3, "0.00");
        }
    }
    return true;
}

/* ---- loading ---- */

void rpt_model_free(rpt_model *m)
{
    free(m->company_name);
    m->company_name = NULL;
    table_release(&m->campaigns);
    table_release(&m->ads);
    table_release(&m->daily);
    table_release(&m->days);
    table_release(&m->totals);
}

/* Run a report statement: its variant without reach columns when m has none. */
static PGresult *run(PGconn *conn, const rpt_model *m, const char *sql_name, int nparams,
                     const char *const *params, const char *what)
{
    char buf[160], name[DB_SQL_NAME_MAX];
    return db_query(
        conn, db_sql_reach(sql_name, m->reach, name), nparams, params,
        adr_fmt(buf, sizeof buf, "read the %s of company %" PRId64, what, m->company_id));
}

static bool load_tables(PGconn *conn, rpt_model *m)
{
    const rpt_period *p = &m->period;
    char id[24];
    snprintf(id, sizeof id, "%" PRId64, m->company_id);
    const char *params[] = {id, p->from, p->to, p->is_month ? p->as_of : NULL};

    PGresult *res = run(conn, m, "queries/report_company", 1, params, "name");
    if (!res)
        return false;
    if (PQntuples(res) != 1) {
        char primary[128];
        PQclear(res);
        adr_error(adr_fmt(primary, sizeof primary,
                          "could not report on company %" PRId64 ": it does not exist",
                          m->company_id),
                  "there is no row with this id in table \"companies\"",
                  "check the --company ids; \"adreport load\" creates companies from an entity "
                  "file");
        return false;
    }
    m->company_name = adr_xstrdup(PQgetvalue(res, 0, 0));
    snprintf(m->generated_at, sizeof m->generated_at, "%s", PQgetvalue(res, 0, 1));
    snprintf(m->time_zone, sizeof m->time_zone, "%s", PQgetvalue(res, 0, 2));
    snprintf(m->generated_local, sizeof m->generated_local, "%s", PQgetvalue(res, 0, 3));
    /* Days are the tenant's local days: so is "yesterday" for pacing (the
     * period's as_of, which params[3] points at). */
    if (p->is_month)
        snprintf(m->period.as_of, sizeof m->period.as_of, "%s", PQgetvalue(res, 0, 4));
    PQclear(res);

    /* Two rows, the latest click day and the latest impression day (NULL
     * when none): each an index scan of (company_id, time). */
    res = run(conn, m, "queries/report_data_through", 1, params, "latest event day");
    if (!res)
        return false;
    for (int r = 0; r < PQntuples(res); r++) {
        const char *day = PQgetvalue(res, r, 0);
        if (!PQgetisnull(res, r, 0) && strcmp(day, m->data_through) > 0)
            snprintf(m->data_through, sizeof m->data_through, "%s", day);
    }
    PQclear(res);

    res = run(conn, m, "queries/report_campaigns", 4, params, "campaigns");
    if (!res || !table_from_result(&m->campaigns, res, "queries/report_campaigns"))
        return false;
    res = run(conn, m, "queries/report_ads", 3, params, "ads");
    if (!res || !table_from_result(&m->ads, res, "queries/report_ads"))
        return false;
    res = run(conn, m, "queries/report_daily", 3, params, "daily stats");
    if (!res || !table_from_result(&m->daily, res, "queries/report_daily"))
        return false;
    res = run(conn, m, "queries/report_days", 3, params, "daily totals");
    if (!res || !days_from_result(&m->days, res, p))
        return false;
    res = run(conn, m, "queries/report_totals", 3, params, "totals");
    if (!res || !table_from_result(&m->totals, res, "queries/report_totals"))
        return false;
    return true;
}

bool rpt_model_load(PGconn *conn, int64_t company_id, const rpt_period *period, rpt_model *m)
{
    memset(m, 0, sizeof *m);
    m->company_id = company_id;
    m->period = *period;

    /* One snapshot for all statements, so totals, campaigns and days agree
     * even while a rollup commits.  A caller's transaction is used as is. */
    bool own = PQtransactionStatus(conn) == PQTRANS_IDLE;
    if (own && !db_exec_text(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                             "start the report transaction"))
        return false;
    int reach = db_reach_enabled(conn);
    m->reach = reach == 1;
    table_init(&m->campaigns, "campaigns.csv", "Campaigns", campaign_columns,
               NCOLS(campaign_columns), m->reach);
    table_init(&m->ads, "ads.csv", "Ads", ad_columns, NCOLS(ad_columns), m->reach);
    table_init(&m->daily, "daily.csv", "Daily", daily_columns, NCOLS(daily_columns), m->reach);
    table_init(&m->days, NULL, NULL, day_columns, NCOLS(day_columns), m->reach);
    table_init(&m->totals, NULL, NULL, total_columns, NCOLS(total_columns), m->reach);
    bool ok = reach >= 0 && load_tables(conn, m);
    if (own) {
        if (ok)
            ok = db_exec_text(conn, "COMMIT", "end the report transaction");
        else if (!db_lost(conn))
            db_exec_text(conn, "ROLLBACK", "roll back the report transaction");
    }
    if (!ok)
        rpt_model_free(m);
    return ok;
}
