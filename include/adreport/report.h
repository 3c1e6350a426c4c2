/*
 * report.h - per-tenant performance reports: CSV files and an XLSX workbook.
 *
 * The flow is query -> model -> writers.  rpt_model_load() runs the
 * sql/queries/report_*.sql statements for one tenant and period and keeps the
 * rows, every value already formatted by SQL (money rounded on numeric, never
 * through a C double).  rpt_write_csv() and rpt_write_xlsx() turn one model
 * into files; neither knows SQL.  rpt_run() is the driver that `adreport
 * report` and `adreport run` call: for each tenant and period it loads one
 * model and writes its files on a second thread while it reads the next one,
 * so at most two tenants are held in memory.
 *
 * Output layout, one folder per tenant and period (names hold only numbers
 * and dates, never tenant-controlled text):
 *
 *     OUT/<company_id>/<YYYY-MM>/{campaigns,ads,daily}.csv, performance.xlsx
 *     OUT/<company_id>/<from>_<to>/...                     (--from/--to)
 *
 * Every folder is published atomically, whole: rpt_run writes its files into
 * a staging folder that then trades places with the old one (af_dir_swap in
 * atomic_file.h), so a folder is all old files or all new ones.
 */
#ifndef ADREPORT_REPORT_H
#define ADREPORT_REPORT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "YYYY-MM-DD" plus NUL. */
#define RPT_DAY_SIZE 11
/* The longest folder name: "YYYY-MM-DD_YYYY-MM-DD" plus NUL. */
#define RPT_LABEL_SIZE 22

/* Output formats, a bitmask (rpt_options.formats). */
#define RPT_FORMAT_CSV 1u
#define RPT_FORMAT_XLSX 2u
#define RPT_FORMAT_ALL (RPT_FORMAT_CSV | RPT_FORMAT_XLSX)

/* The time zone of report periods and days where none is known (a folder
 * written before zones existed); rpt_model.time_zone holds the tenant's. */
#define RPT_TIME_ZONE "UTC"
/* A time zone name as reports show it (IANA names are short), plus NUL. */
#define RPT_ZONE_SIZE 64

/* The default output folder. */
#define RPT_DEFAULT_OUT "reports"

/*
 * Reports written at once by rpt_run: one worker thread and one database
 * connection each, so at most this many models are in memory.  Four on the
 * project's two-core machines: a worker alternates between the server's
 * queries, its own file work and waiting for its ten fsyncs (four files,
 * the folder swap, the manifest twice), so two per core keep both cores
 * busy while the others wait (2000 tenants' reports: 9.3-9.8 s against
 * 11.6-11.9 s with two; peak RSS 14 MiB against 12 MiB).
 */
#define RPT_WORKERS 4

/* A report period: a calendar month or an inclusive range of UTC days. */
typedef struct rpt_period {
    bool is_month;              /* a month report: budget pacing is computed */
    char from[RPT_DAY_SIZE];    /* first day, "2026-11-01" */
    char to[RPT_DAY_SIZE];      /* last day, inclusive, "2026-11-30" */
    char as_of[RPT_DAY_SIZE];   /* last elapsed day for pacing: the tenant's local
                                   yesterday once the model is loaded */
    char label[RPT_LABEL_SIZE]; /* folder name: "2026-11" or "2026-11-03_2026-11-09" */
} rpt_period;

/* rpt_yesterday - yesterday's date in UTC as "YYYY-MM-DD". */
void rpt_yesterday(char out[RPT_DAY_SIZE]);

/*
 * rpt_period_month - the period of calendar month "YYYY-MM".
 * @as_of: the last elapsed day for budget pacing, or NULL for yesterday (UTC).
 * Returns false and sets *why (a static message) when month is malformed.
 * Example: rpt_period p; if (!rpt_period_month(&p, "2026-11", NULL, &why)) ...
 */
bool rpt_period_month(rpt_period *p, const char *month, const char *as_of, const char **why);

/*
 * rpt_period_range - the period of days from..to ("YYYY-MM-DD", inclusive).
 * No budget pacing.  Returns false and sets *why when a day is malformed or
 * from is after to.
 */
bool rpt_period_range(rpt_period *p, const char *from, const char *to, const char **why);

/* How a column is written: CSV quoting rules and XLSX cell type and format. */
typedef enum rpt_kind {
    RPT_TEXT,    /* tenant-controlled text: CSV formula-injection rule applies */
    RPT_ID,      /* an id: integer, no thousands separators */
    RPT_COUNT,   /* a count: integer, "#,##0" */
    RPT_MONEY,   /* USD rounded to cents by SQL, "$#,##0.00" */
    RPT_RATIO,   /* a fraction with 6 decimals, shown as "0.00%" */
    RPT_DECIMAL, /* a plain number with 2 decimals (frequency), "0.00" */
    RPT_DATE     /* a UTC day "YYYY-MM-DD", a date cell in XLSX */
} rpt_kind;

/* One column: its CSV header (also the XLSX header and the SQL alias). */
typedef struct rpt_column {
    const char *name;  /* "spend_usd" */
    const char *label; /* for the Summary sheet: "Spend (USD)" */
    rpt_kind kind;
    bool reach; /* a reach column: left out where the database has no hll */
} rpt_column;

/*
 * One table of a model.  Cells are text exactly as written to CSV ("" for an
 * empty value).  values[] holds the numeric value of ID/COUNT/MONEY/RATIO
 * cells, parsed from that text, for XLSX cells only (NAN when empty or not
 * numeric).  The model owns all memory.
 */
typedef struct rpt_table {
    const char *file;          /* CSV file name ("ads.csv"), or NULL if not a CSV */
    const char *sheet;         /* XLSX sheet name ("Ads"), or NULL */
    const rpt_column *columns; /* ncols entries (the static list, or own_columns) */
    rpt_column *own_columns;   /* the list without its reach columns, or NULL */
    int ncols;
    int nrows;
    const char **cells; /* nrows * ncols, row-major */
    double *values;     /* nrows * ncols, row-major */
    PGresult *res;      /* owns the text of most cells, or NULL */
    char *text;         /* owns the text of synthesized cells, or NULL */
} rpt_table;

/* rpt_cell - the text of a cell; rpt_value - its number (NAN if none). */
const char *rpt_cell(const rpt_table *t, int row, int col);
double rpt_value(const rpt_table *t, int row, int col);

/* Everything a report shows for one tenant and period. */
typedef struct rpt_model {
    int64_t company_id;
    char *company_name; /* companies.name, owned */
    rpt_period period;
    char generated_at[32];           /* "2026-11-26 03:00:12 UTC", the database's clock */
    char time_zone[RPT_ZONE_SIZE];   /* of the period and days: the tenant's stats zone */
    char generated_local[32];        /* generated_at in that zone, "2026-11-26 12:00:12" */
    char data_through[RPT_DAY_SIZE]; /* the tenant's latest UTC day with a loaded
                                        event, "2026-11-25"; "" when none */
    bool reach;                      /* reach columns present (the database keeps sketches) */
    rpt_table campaigns; /* every campaign, by campaign_id: campaigns.csv, sheet Campaigns */
    rpt_table ads;       /* every ad, by ad_id: ads.csv, sheet Ads */
    rpt_table daily;     /* day x campaign with activity: daily.csv, sheet Daily */
    rpt_table days;      /* every day of the period with the tenant's totals (Summary) */
    rpt_table totals;    /* one row: the period's totals and KPIs (Summary) */
} rpt_model;

/*
 * rpt_model_load - read one tenant's report for a period.  All statements
 * filter by company_id and run in one REPEATABLE READ READ ONLY transaction
 * (unless conn is already inside a transaction, which is then used), so the
 * tables agree with each other.  Returns false after printing a three-part
 * error (unknown company, database error); m is then empty.  On success the
 * caller calls rpt_model_free(m).
 * Example:
 *     rpt_model m;
 *     if (rpt_model_load(conn, 7, &period, &m)) { rpt_write_csv(&m, dir, true); ... }
 */
bool rpt_model_load(PGconn *conn, int64_t company_id, const rpt_period *period, rpt_model *m);

/* rpt_model_free - release everything rpt_model_load allocated (m may be zeroed). */
void rpt_model_free(rpt_model *m);

/*
 * rpt_csv_field - write one CSV field (RFC 4180): quoted when it holds a
 * comma, a double quote, CR or LF, with inner quotes doubled.  When text is
 * true (tenant-controlled text) a value starting with '=', '+', '-', '@', tab
 * or CR gets a leading "'" so spreadsheets do not run it as a formula.
 * Numbers pass text = false and are never altered.  Stream errors are left
 * for the caller's ferror()/fflush() check.
 */
void rpt_csv_field(FILE *out, const char *value, bool text);

/* rpt_csv_table - write the header row and all rows of t, lines ending in CRLF. */
void rpt_csv_table(FILE *out, const rpt_table *t);

/* The UTF-8 byte-order mark: Excel on Windows reads a CSV without it in the
 * legacy code page (mojibake for "Café"), with it as UTF-8. */
#define RPT_UTF8_BOM "\xEF\xBB\xBF"

/*
 * rpt_write_csv - publish campaigns.csv, ads.csv and daily.csv in folder dir
 * (which must exist), each starting with RPT_UTF8_BOM when bom is true.  The three are written and
 * synced under temporary names first and renamed into place only when all three succeeded.  Returns
 * false after printing a three-part error; the previous files are then untouched and no temporary
 * file remains.
 */
bool rpt_write_csv(const rpt_model *m, const char *dir, bool bom);

/*
 * rpt_write_xlsx - publish performance.xlsx in folder dir (which must exist):
 * sheets Summary (tenant, period, generation time, totals and KPIs, daily
 * totals, a line chart of daily impressions and clicks, a bar chart of spend
 * by campaign), Campaigns, Ads and Daily (the CSV columns as typed, formatted
 * cells; bold frozen header row, autofilter, fitted widths).  libxlsxwriter
 * keeps its own temporary files in dir too.  Returns false after printing a
 * three-part error; the previous file is then untouched.
 */
bool rpt_write_xlsx(const rpt_model *m, const char *dir);

/* What rpt_run reports. */
typedef struct rpt_options {
    const int64_t *companies; /* tenants to report, or NULL: every row of companies */
    size_t ncompanies;
    bool changed;      /* only the (company, month) pairs in adreport_dirty_months,
                          clearing each mark once its files are published; period
                          is then unused (companies still restricts) */
    rpt_period period; /* the period for every tenant (unless changed) */
    unsigned formats;  /* RPT_FORMAT_CSV | RPT_FORMAT_XLSX */
    bool csv_bom;      /* CSV files start with RPT_UTF8_BOM (default true) */
    const char *out_dir;
} rpt_options;

/* rpt_options_init - the defaults: every tenant, the month of yesterday
 * (UTC), both formats, CSV with a byte-order mark, RPT_DEFAULT_OUT. */
void rpt_options_init(rpt_options *o);

/*
 * rpt_parse_formats - parse a --format list ("csv", "xlsx", "csv,xlsx") into
 * a bitmask.  Returns false on an unknown or empty entry.
 */
bool rpt_parse_formats(const char *list, unsigned *formats);

/*
 * rpt_run - write the reports opts asks for: RPT_WORKERS workers, the first
 * on conn, the others on connections of their own like conn.  A tenant
 * that fails (unknown id, I/O error) is reported and the run goes on with
 * the next; a lost connection stops it.  Returns ADR_EXIT_OK when every
 * report was published, else ADR_EXIT_ERROR.
 */
int rpt_run(PGconn *conn, const rpt_options *opts);

#endif
