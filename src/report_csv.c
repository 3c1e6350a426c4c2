/*
 * report_csv.c - campaigns.csv, ads.csv and daily.csv of one model (see
 * report.h).  UTF-8 (by default with a byte-order mark, for Excel), a header
 * row, RFC 4180 quoting and CRLF line ends.
 */
#include "adreport/atomic_file.h"
#include "adreport/common.h"
#include "adreport/report.h"

#include <stdlib.h>
#include <string.h>

/* RFC 4180: a field holding one of these is quoted. */
#define CSV_QUOTE_TRIGGERS ",\"\r\n"
/* First characters that make a spreadsheet read a cell as a formula (OWASP
 * "CSV injection"); such text cells get a leading apostrophe. */
#define CSV_FORMULA_STARTS "=+-@\t\r"

void rpt_csv_field(FILE *out, const char *value, bool text)
{
    bool escape = text && value[0] && strchr(CSV_FORMULA_STARTS, value[0]);
    bool quote = strpbrk(value, CSV_QUOTE_TRIGGERS) != NULL;
    if (quote)
        putc('"', out);
    if (escape)
        putc('\'', out);
    for (const char *s = value; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    if (quote)
        putc('"', out);
}

void rpt_csv_table(FILE *out, const rpt_table *t)
{
    for (int c = 0; c < t->ncols; c++) {
        if (c)
            putc(',', out);
        rpt_csv_field(out, t->columns[c].name, false);
    }
    fputs("\r\n", out);
    for (int r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            if (c)
                putc(',', out);
            rpt_csv_field(out, rpt_cell(t, r, c), t->columns[c].kind == RPT_TEXT);
        }
        fputs("\r\n", out);
    }
}

static void report_failure(const af_file *f)
{
    char primary[PATH_MAX + 64], shown[PATH_MAX];
    adr_error(adr_fmt(primary, sizeof primary, "could not write report \"%s\"",
                      af_shown_path(f->path, shown, sizeof shown)),
              f->error, af_hint(f->error_no));
}

#define CSV_FILES 3

bool rpt_write_csv(const rpt_model *m, const char *dir, bool bom)
{
    const rpt_table *tables[CSV_FILES] = {&m->campaigns, &m->ads, &m->daily};
    /* af_file holds three paths: too big to keep three on the stack lightly. */
    af_file *files = adr_xmalloc(CSV_FILES * sizeof *files);
    int opened = 0;
    bool ok = true;

    /* Write and sync all three under temporary names first ... */
    for (int i = 0; ok && i < CSV_FILES; i++) {
        if (!af_open(&files[i], dir, tables[i]->file)) {
            report_failure(&files[i]);
            ok = false;
            break;
        }
        opened++;
        if (bom)
            fputs(RPT_UTF8_BOM, files[i].fp);
        rpt_csv_table(files[i].fp, tables[i]);
        if (!af_sync(&files[i])) {
            report_failure(&files[i]);
            ok = false;
        }
    }
    /* ... and publish them only when every one is complete on disk. */
    int bad;
    if (ok && !af_publish(files, CSV_FILES, &bad)) {
        report_failure(&files[bad]);
        ok = false;
    }
    for (int i = 0; i < opened; i++)
        af_abort(&files[i]); /* removes what was not renamed */
    free(files);
    return ok;
}
