/*
 * report_xlsx.c - performance.xlsx of one model, with libxlsxwriter (see
 * report.h).
 *
 * Sheets: Summary (header, totals, daily totals, two charts), then one sheet
 * per CSV with the same columns as typed cells.  Cell text comes from the
 * model; numbers are the model's doubles, parsed from SQL's rounded text, so
 * a money cell shows exactly the CSV's cents.  Text is always written as a
 * string cell, never as a formula, so the CSV's apostrophe rule is not needed.
 */
#include "adreport/atomic_file.h"
#include "adreport/common.h"
#include "adreport/days.h"
#include "adreport/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define XLSX_FILE "performance.xlsx"
#define SUMMARY_SHEET "Summary"

/* Excel's limit on the characters of one cell. */
#define XLSX_MAX_CELL_CHARS 32767
/* Column widths, in characters of the default font. */
#define MIN_WIDTH 8.0
#define MAX_WIDTH 60.0
#define WIDTH_PADDING 2.0
/* Summary layout.  Charts sit right of the tables, in column F; a chart is
 * 15 rows high at scale 1 (288 px of 20 px rows). */
#define CHART_COL 5
#define CHART_X_SCALE 1.6
#define LINE_CHART_ROW 2
#define LINE_CHART_Y_SCALE 1.2
#define BAR_CHART_ROW 22 /* below the line chart: 2 + 15 * 1.2, plus a gap */
/* The bar chart grows with the number of campaigns, up to a limit: the
 * Summary prints on one page, so a taller chart shrinks the KPIs with it
 * (at 3.0 the chart ends near row 66, the page prints at about 60%).
 * Beyond 36 campaigns the bars get thinner; the Campaigns sheet has them all. */
#define BAR_CHART_MIN_SCALE 1.2
#define BAR_CHART_CAMPAIGNS_PER_SCALE 12
#define BAR_CHART_MAX_SCALE 3.0
/* Columns of the Summary's daily table. */
#define DAY_TABLE_MAX_COLS 8

/* Geometry behind the Summary's print area: libxlsxwriter's default chart
 * is 480 x 288 px; a default column is 64 px wide, a default row 20 px. */
#define CHART_WIDTH_PX 480.0
#define CHART_HEIGHT_PX 288.0
#define COLUMN_PX 64.0
#define ROW_PX 20.0
/* Printing.  Margins in inches (Excel's defaults are 0.7 / 0.75); the footer
 * sits in the bottom margin. */
#define PRINT_MARGIN_SIDE 0.4
#define PRINT_MARGIN_TOP 0.5
#define PRINT_MARGIN_BOTTOM 0.7
/* Excel refuses a header or footer over 255 characters; the tenant's name
 * gets at most this many bytes of it (bytes >= characters), the rest is ours. */
#define FOOTER_MAX 255
#define FOOTER_TENANT_MAX 120

/* Number formats, in Excel's syntax. */
#define FMT_ID "0"
#define FMT_COUNT "#,##0"
#define FMT_MONEY "$#,##0.00"
#define FMT_RATIO "0.00%"
#define FMT_DATE "yyyy-mm-dd"

typedef struct xlsx {
    lxw_workbook *wb;
    lxw_format *title, *header, *label, *by_kind[RPT_DATE + 1];
    lxw_error err;     /* the first failed libxlsxwriter call, or LXW_NO_ERROR */
    const char *where; /* the sheet it happened on */
} xlsx;

static void check(xlsx *x, lxw_error err, const char *sheet)
{
    if (err != LXW_NO_ERROR && x->err == LXW_NO_ERROR) {
        x->err = err;
        x->where = sheet;
    }
}

static void add_formats(xlsx *x)
{
    x->title = workbook_add_format(x->wb);
    format_set_bold(x->title);
    format_set_font_size(x->title, 14);
    x->header = workbook_add_format(x->wb);
    format_set_bold(x->header);
    format_set_bottom(x->header, LXW_BORDER_THIN);
    x->label = workbook_add_format(x->wb);
    format_set_bold(x->label);
    static const char *const num_formats[RPT_DATE + 1] = {
        [RPT_TEXT] = NULL,       [RPT_ID] = FMT_ID,       [RPT_COUNT] = FMT_COUNT,
        [RPT_MONEY] = FMT_MONEY, [RPT_RATIO] = FMT_RATIO, [RPT_DECIMAL] = "0.00",
        [RPT_DATE] = FMT_DATE,
    };
    for (int k = 0; k <= RPT_DATE; k++) {
        x->by_kind[k] = NULL;
        if (num_formats[k]) {
            x->by_kind[k] = workbook_add_format(x->wb);
            format_set_num_format(x->by_kind[k], num_formats[k]);
        }
    }
}

/* Characters (not bytes) of the longest line of UTF-8 text. */
static size_t text_width(const char *s)
{
    size_t best = 0, cur = 0;
    for (; *s; s++) {
        if (*s == '\n') {
            cur = 0;
            continue;
        }
        if (((unsigned char)*s & 0xC0) != 0x80) /* not a continuation byte */
            cur++;
        if (cur > best)
            best = cur;
    }
    return best;
}

/* Roughly how wide a cell shows with its number format. */
static size_t display_width(rpt_kind kind, const char *text, double value)
{
    if (kind == RPT_TEXT)
        return text_width(text);
    if (!*text)
        return 0;
    size_t len = strlen(text);
    size_t int_digits = strcspn(text, ".");
    if (text[0] == '-')
        int_digits--;
    size_t commas = int_digits > 0 ? (int_digits - 1) / 3 : 0;
    switch (kind) {
    case RPT_COUNT:
        return len + commas;
    case RPT_MONEY:
        return len + commas + 1; /* "$" */
    case RPT_RATIO: {
        char buf[64];
        return (size_t)snprintf(buf, sizeof buf, "%.2f%%", value * 100);
    }
    default:
        return len;
    }
}

/*
 * Characters XML 1.0 cannot hold: C0 controls other than tab, LF and CR, and
 * U+FFFE / U+FFFF.  libxlsxwriter escapes them in cells but copies them raw
 * into chart caches, which makes the workbook unreadable, so they become
 * U+FFFD.  Sets *len to the bytes of the character.
 */
static bool xml_forbidden(const unsigned char *s, size_t *len)
{
    if (*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r') {
        *len = 1;
        return true;
    }
    if (s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF)) {
        *len = 3;
        return true;
    }
    return false;
}

#define REPLACEMENT_CHAR "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */

/*
 * text as a cell can hold it: forbidden characters replaced, and cut to
 * XLSX_MAX_CELL_CHARS bytes at a character boundary (bytes >= characters, so
 * it fits).  Returns text itself when it needs neither, else a copy that the
 * caller frees through *owned.
 */
static const char *cell_text(const char *text, char **owned)
{
    size_t len = strlen(text), n;
    bool clean = len <= XLSX_MAX_CELL_CHARS;
    for (const unsigned char *s = (const unsigned char *)text; clean && *s; s++)
        clean = !xml_forbidden(s, &n);
    *owned = NULL;
    if (clean)
        return text;
    char *out = adr_xmalloc(3 * len + 1); /* each byte may become 3 */
    size_t o = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s;) {
        if (xml_forbidden(s, &n)) {
            memcpy(out + o, REPLACEMENT_CHAR, 3);
            o += 3;
            s += n;
        } else {
            out[o++] = (char)*s++;
        }
    }
    if (o > XLSX_MAX_CELL_CHARS) {
        o = XLSX_MAX_CELL_CHARS;
        while (o > 0 && ((unsigned char)out[o] & 0xC0) == 0x80)
            o--;
    }
    out[o] = '\0';
    *owned = out;
    return out;
}

/*
 * The printed footer of every sheet: tenant and company id on the left, the
 * period in the middle, "Page n of m" on the right.  The tenant's name is
 * tenant-controlled: '&' starts a control code in a footer, so it is doubled;
 * line breaks and tabs become spaces, characters XML cannot hold U+FFFD; it is
 * cut at a character boundary to keep the footer under Excel's limit.
 */
static const char *footer_text(const rpt_model *m, char *out, size_t size)
{
    char tenant[2 * FOOTER_TENANT_MAX + 8];
    size_t o = 0, n;
    for (const unsigned char *s = (const unsigned char *)m->company_name; *s;) {
        if (o + 3 > FOOTER_TENANT_MAX) {
            memcpy(tenant + o, "...", 3);
            o += 3;
            break;
        }
        if (*s == '\n' || *s == '\r' || *s == '\t') {
            tenant[o++] = ' ';
            s++;
        } else if (xml_forbidden(s, &n)) {
            memcpy(tenant + o, REPLACEMENT_CHAR, 3);
            o += 3;
            s += n;
        } else if (*s == '&') {
            tenant[o++] = '&';
            tenant[o++] = '&';
            s++;
        } else {
            /* copy one whole UTF-8 character */
            size_t len = 1;
            while (s[len] && (s[len] & 0xC0) == 0x80)
                len++;
            if (o + len > FOOTER_TENANT_MAX) {
                memcpy(tenant + o, "...", 3);
                o += 3;
                break;
            }
            memcpy(tenant + o, s, len);
            o += len;
            s += len;
        }
    }
    tenant[o] = '\0';
    const rpt_period *p = &m->period;
    snprintf(out, size, "&L%s (company %lld)&C%s %s to %s&RPage &P of &N", tenant,
             (long long)m->company_id, p->is_month ? "Month" : "Period", p->from, p->to);
    return out;
}

/* Page setup shared by every sheet: landscape, margins, the footer. */
static void page_setup(xlsx *x, lxw_worksheet *ws, const char *sheet, const rpt_model *m)
{
    char footer[FOOTER_MAX + 1 + 2 * FOOTER_TENANT_MAX];
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, PRINT_MARGIN_SIDE, PRINT_MARGIN_SIDE, PRINT_MARGIN_TOP,
                          PRINT_MARGIN_BOTTOM);
    check(x, worksheet_set_footer(ws, footer_text(m, footer, sizeof footer)), sheet);
}

static void write_text(xlsx *x, lxw_worksheet *ws, const char *sheet, int row, int col,
                       const char *text, lxw_format *fmt)
{
    if (!*text)
        return;
    char *owned;
    const char *value = cell_text(text, &owned);
    check(x, worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, value, fmt), sheet);
    free(owned);
}

static void write_cell(xlsx *x, lxw_worksheet *ws, const char *sheet, int row, int col,
                       rpt_kind kind, const char *text, double value)
{
    if (kind == RPT_TEXT) {
        write_text(x, ws, sheet, row, col, text, NULL);
    } else if (kind == RPT_DATE) {
        lxw_datetime dt = {0};
        int32_t day;
        if (day_parse(text, &day)) {
            day_to_ymd(day, &dt.year, &dt.month, &dt.day);
            check(x,
                  worksheet_write_datetime(ws, (lxw_row_t)row, (lxw_col_t)col, &dt,
                                           x->by_kind[RPT_DATE]),
                  sheet);
        } else {
            write_text(x, ws, sheet, row, col, text, NULL);
        }
    } else if (!isnan(value)) {
        check(x,
              worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col, value, x->by_kind[kind]),
              sheet);
    } /* an empty ratio (denominator 0) stays an empty cell */
}

static double fit(size_t chars)
{
    double w = (double)chars + WIDTH_PADDING;
    return w < MIN_WIDTH ? MIN_WIDTH : w > MAX_WIDTH ? MAX_WIDTH : w;
}

/* A data sheet: header row, one row per table row, frozen, filtered, fitted;
 * printed landscape, one page wide, the header row on every page. */
static void write_table_sheet(xlsx *x, const rpt_model *m, const rpt_table *t)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, t->sheet);
    if (!ws) {
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, t->sheet);
        return;
    }
    size_t *widths = adr_xmalloc((size_t)t->ncols * sizeof *widths);
    for (int c = 0; c < t->ncols; c++) {
        write_text(x, ws, t->sheet, 0, c, t->columns[c].name, x->header);
        widths[c] = strlen(t->columns[c].name) + 1; /* bold is a bit wider */
    }
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            const char *text = rpt_cell(t, r, c);
            double value = rpt_value(t, r, c);
            write_cell(x, ws, t->sheet, r + 1, c, t->columns[c].kind, text, value);
            size_t w = display_width(t->columns[c].kind, text, value);
            if (w > widths[c])
                widths[c] = w;
        }
    }
    for (int c = 0; c < t->ncols; c++)
        check(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, fit(widths[c]), NULL),
              t->sheet);
    free(widths);
    worksheet_freeze_panes(ws, 1, 0);
    check(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrows, (lxw_col_t)(t->ncols - 1)),
          t->sheet);
    page_setup(x, ws, t->sheet, m);
    worksheet_fit_to_pages(ws, 1, 0); /* one page wide, as many pages long as it takes */
    check(x, worksheet_repeat_rows(ws, 0, 0), t->sheet);
    worksheet_gridlines(ws, LXW_SHOW_ALL_GRIDLINES); /* printed too: long rows stay readable */
}

static int column_index(const rpt_table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->columns[c].name, name) == 0)
            return c;
    return -1;
}

/* Summary rows are label / value pairs in columns A and B. */
static void summary_row(xlsx *x, lxw_worksheet *ws, int row, const char *label, rpt_kind kind,
                        const char *text, double value, size_t *width_b)
{
    write_text(x, ws, SUMMARY_SHEET, row, 0, label, x->label);
    write_cell(x, ws, SUMMARY_SHEET, row, 1, kind, text, value);
    size_t w = display_width(kind, text, value);
    if (w > *width_b)
        *width_b = w;
}

/* The row just below a chart of y_scale inserted at row `row`. */
static int chart_end_row(int row, double y_scale)
{
    return row + (int)ceil(CHART_HEIGHT_PX * y_scale / ROW_PX);
}

static void line_chart(xlsx *x, lxw_worksheet *ws, const rpt_table *days, int first_row)
{
    lxw_chart *chart = workbook_add_chart(x->wb, LXW_CHART_LINE);
    if (!chart) {
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, SUMMARY_SHEET);
        return;
    }
    lxw_row_t r0 = (lxw_row_t)first_row, r1 = (lxw_row_t)(first_row + days->nrows - 1);
    int col_imp = column_index(days, "impressions"), col_clk = column_index(days, "clicks");
    lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
    chart_series_set_categories(s, SUMMARY_SHEET, r0, 0, r1, 0);
    chart_series_set_values(s, SUMMARY_SHEET, r0, (lxw_col_t)col_imp, r1, (lxw_col_t)col_imp);
    chart_series_set_name(s, "Impressions");
    s = chart_add_series(chart, NULL, NULL);
    chart_series_set_categories(s, SUMMARY_SHEET, r0, 0, r1, 0);
    chart_series_set_values(s, SUMMARY_SHEET, r0, (lxw_col_t)col_clk, r1, (lxw_col_t)col_clk);
    chart_series_set_name(s, "Clicks");
    chart_title_set_name(chart, "Daily impressions and clicks");
    chart_axis_set_num_format(chart->x_axis, FMT_DATE);
    chart_axis_set_num_format(chart->y_axis, FMT_COUNT);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options opt = {.x_scale = CHART_X_SCALE, .y_scale = LINE_CHART_Y_SCALE};
    check(x, worksheet_insert_chart_opt(ws, LINE_CHART_ROW, CHART_COL, chart, &opt), SUMMARY_SHEET);
}

/* Returns the row below the chart (the chart's row when there is none). */
static int bar_chart(xlsx *x, lxw_worksheet *ws, const rpt_table *campaigns)
{
    if (campaigns->nrows == 0)
        return BAR_CHART_ROW; /* a chart over an empty range is not a valid workbook */
    lxw_chart *chart = workbook_add_chart(x->wb, LXW_CHART_BAR);
    if (!chart) {
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, SUMMARY_SHEET);
        return BAR_CHART_ROW;
    }
    lxw_row_t last = (lxw_row_t)campaigns->nrows;
    lxw_col_t name = (lxw_col_t)column_index(campaigns, "campaign_name");
    lxw_col_t spend = (lxw_col_t)column_index(campaigns, "spend_usd");
    lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
    chart_series_set_categories(s, campaigns->sheet, 1, name, last, name);
    chart_series_set_values(s, campaigns->sheet, 1, spend, last, spend);
    chart_series_set_name(s, "Spend (USD)");
    chart_title_set_name(chart, "Spend by campaign");
    /* In libxlsxwriter's bar chart x_axis is the horizontal value axis
     * (c:valAx) and y_axis the vertical category axis (c:catAx), as in
     * XlsxWriter.  Campaigns top down in sheet order: reverse the category
     * axis.  The value axis then crosses it at its first category, the top;
     * crossing at the maximum category keeps it at the bottom.  The value
     * axis itself runs from 0 on the left, bars growing to the right. */
    chart_axis_set_reverse(chart->y_axis);
    chart_axis_set_crossing_max(chart->y_axis);
    chart_axis_set_num_format(chart->x_axis, FMT_MONEY);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    double scale = (double)campaigns->nrows / BAR_CHART_CAMPAIGNS_PER_SCALE;
    if (scale < BAR_CHART_MIN_SCALE)
        scale = BAR_CHART_MIN_SCALE;
    if (scale > BAR_CHART_MAX_SCALE)
        scale = BAR_CHART_MAX_SCALE;
    lxw_chart_options opt = {.x_scale = CHART_X_SCALE, .y_scale = scale};
    check(x, worksheet_insert_chart_opt(ws, BAR_CHART_ROW, CHART_COL, chart, &opt), SUMMARY_SHEET);
    return chart_end_row(BAR_CHART_ROW, scale);
}

/*
 * The Summary prints on one landscape page: the print area spans the tables
 * and both charts (whose extent is estimated from default column and row
 * sizes), scaled to fit one page, centred.
 */
static void summary_page_setup(xlsx *x, lxw_worksheet *ws, const rpt_model *m, int last_row)
{
    int last_col = CHART_COL + (int)ceil(CHART_WIDTH_PX * CHART_X_SCALE / COLUMN_PX) - 1;
    page_setup(x, ws, SUMMARY_SHEET, m);
    check(x, worksheet_print_area(ws, 0, 0, (lxw_row_t)last_row, (lxw_col_t)last_col),
          SUMMARY_SHEET);
    worksheet_fit_to_pages(ws, 1, 1);
    worksheet_center_horizontally(ws);
}

static void write_summary(xlsx *x, const rpt_model *m)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, SUMMARY_SHEET);
    if (!ws) {
        check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, SUMMARY_SHEET);
        return;
    }
    const rpt_period *p = &m->period;
    char period[64 + RPT_ZONE_SIZE], id[24], count[24];
    if (p->is_month)
        snprintf(period, sizeof period, "%s (%s to %s, %s)", p->label, p->from, p->to,
                 m->time_zone);
    else
        snprintf(period, sizeof period, "%s to %s (%s)", p->from, p->to, m->time_zone);
    snprintf(id, sizeof id, "%lld", (long long)m->company_id);

    size_t width_a = strlen("Blacklisted spend (USD)"), width_b = 0;
    int row = 0;
    write_text(x, ws, SUMMARY_SHEET, row, 0, "Performance report", x->title);
    row += 2;
    summary_row(x, ws, row++, "Tenant", RPT_TEXT, m->company_name, NAN, &width_b);
    summary_row(x, ws, row++, "Company ID", RPT_ID, id, (double)m->company_id, &width_b);
    summary_row(x, ws, row++, "Period", RPT_TEXT, period, NAN, &width_b);
    char generated[sizeof m->generated_local + RPT_ZONE_SIZE + 2];
    snprintf(generated, sizeof generated, "%s %s", m->generated_local, m->time_zone);
    summary_row(x, ws, row++, "Generated", RPT_TEXT, generated, NAN, &width_b);
    summary_row(x, ws, row++, "Data through", RPT_TEXT,
                m->data_through[0] ? m->data_through : "no events loaded", NAN, &width_b);
    row++;
    write_text(x, ws, SUMMARY_SHEET, row++, 0, "Totals", x->header);
    snprintf(count, sizeof count, "%d", m->campaigns.nrows);
    summary_row(x, ws, row++, "Campaigns", RPT_COUNT, count, m->campaigns.nrows, &width_b);
    snprintf(count, sizeof count, "%d", m->ads.nrows);
    summary_row(x, ws, row++, "Ads", RPT_COUNT, count, m->ads.nrows, &width_b);
    const rpt_table *t = &m->totals;
    for (int c = 0; t->nrows == 1 && c < t->ncols; c++)
        summary_row(x, ws, row++, t->columns[c].label, t->columns[c].kind, rpt_cell(t, 0, c),
                    rpt_value(t, 0, c), &width_b);
    if (!m->reach) /* rather than leave a customer wondering where reach went */
        summary_row(x, ws, row++, "Reach", RPT_TEXT,
                    "not measured: the database has no hll extension", NAN, &width_b);

    /* Daily totals: a table that is also the line chart's data. */
    row++;
    const rpt_table *d = &m->days;
    size_t widths[DAY_TABLE_MAX_COLS] = {0};
    for (int c = 0; c < d->ncols && c < DAY_TABLE_MAX_COLS; c++) {
        write_text(x, ws, SUMMARY_SHEET, row, c, d->columns[c].label, x->header);
        widths[c] = strlen(d->columns[c].label) + 1;
    }
    int first = ++row;
    for (int r = 0; r < d->nrows; r++, row++) {
        for (int c = 0; c < d->ncols && c < DAY_TABLE_MAX_COLS; c++) {
            write_cell(x, ws, SUMMARY_SHEET, row, c, d->columns[c].kind, rpt_cell(d, r, c),
                       rpt_value(d, r, c));
            size_t w = display_width(d->columns[c].kind, rpt_cell(d, r, c), rpt_value(d, r, c));
            if (w > widths[c])
                widths[c] = w;
        }
    }
    if (widths[0] > width_a)
        width_a = widths[0];
    if (widths[1] > width_b)
        width_b = widths[1];
    check(x, worksheet_set_column(ws, 0, 0, fit(width_a), NULL), SUMMARY_SHEET);
    check(x, worksheet_set_column(ws, 1, 1, fit(width_b), NULL), SUMMARY_SHEET);
    for (int c = 2; c < d->ncols && c < DAY_TABLE_MAX_COLS; c++)
        check(x, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, fit(widths[c]), NULL),
              SUMMARY_SHEET);

    line_chart(x, ws, d, first);
    int last_row = bar_chart(x, ws, &m->campaigns);
    if (chart_end_row(LINE_CHART_ROW, LINE_CHART_Y_SCALE) > last_row)
        last_row = chart_end_row(LINE_CHART_ROW, LINE_CHART_Y_SCALE);
    if (row > last_row)
        last_row = row;
    summary_page_setup(x, ws, m, last_row);
}

/* lxw_strerror's text without its trailing period (messages end without one). */
static const char *xlsx_strerror(lxw_error err, char *buf, size_t size)
{
    snprintf(buf, size, "%s", lxw_strerror(err));
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '.')
        buf[n - 1] = '\0';
    return buf;
}

static void report_failure(const af_file *f, const char *detail, int err)
{
    char primary[PATH_MAX + 64], shown[PATH_MAX];
    adr_error(adr_fmt(primary, sizeof primary, "could not write report \"%s\"",
                      af_shown_path(f->path, shown, sizeof shown)),
              detail, af_hint(err));
}

bool rpt_write_xlsx(const rpt_model *m, const char *dir)
{
    af_file *f = adr_xmalloc(sizeof *f);
    if (!af_reserve(f, dir, XLSX_FILE)) {
        report_failure(f, f->error, f->error_no);
        free(f);
        return false;
    }
    /* libxlsxwriter assembles the parts in temporary files, created and
     * unlinked at once.  Not in the report folder: a kill between the two
     * would leave a stray file beside the customer's downloads.  The
     * system's temporary folder (TMPDIR) holds them instead. */
    lxw_workbook_options options = {.tmpdir = NULL};
    xlsx x = {.wb = workbook_new_opt(f->tmp_path, &options)};
    if (!x.wb) {
        report_failure(f, "libxlsxwriter: out of memory", ENOMEM);
        free(f);
        return false;
    }
    add_formats(&x);
    char title[96], subject[64];
    lxw_doc_properties props = {
        .title = adr_fmt(title, sizeof title, "Performance report %s", m->period.label),
        .subject = adr_fmt(subject, sizeof subject, "company %lld", (long long)m->company_id),
        .author = "adreport",
    };
    check(&x, workbook_set_properties(x.wb, &props), SUMMARY_SHEET);

    write_summary(&x, m);
    write_table_sheet(&x, m, &m->campaigns);
    write_table_sheet(&x, m, &m->ads);
    write_table_sheet(&x, m, &m->daily);

    /* workbook_close writes the file and frees the workbook in any case. */
    errno = 0;
    lxw_error closed = workbook_close(x.wb);
    int close_errno = errno;
    char detail[AF_ERROR_MAX + 128], why[256];
    bool ok = false;
    if (x.err != LXW_NO_ERROR)
        adr_fmt(detail, sizeof detail, "sheet \"%s\": libxlsxwriter: %s", x.where,
                xlsx_strerror(x.err, why, sizeof why));
    else if (closed != LXW_NO_ERROR)
        adr_fmt(detail, sizeof detail, "libxlsxwriter: %s%s%s",
                xlsx_strerror(closed, why, sizeof why), close_errno ? ": " : "",
                close_errno ? strerror(close_errno) : "");
    else if (!af_commit(f))
        adr_fmt(detail, sizeof detail, "%s", f->error), close_errno = f->error_no;
    else
        ok = true;
    if (!ok) {
        report_failure(f, detail, close_errno);
        af_abort(f);
    }
    free(f);
    return ok;
}
