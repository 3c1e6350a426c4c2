/*
 * csvrows.h - split a byte stream into CSV rows and fields, with line numbers.
 *
 * Rows are found by their quoting (a newline ends a row unless it is inside
 * a quoted field, and only a quote that starts a field opens one: RFC 4180,
 * as COPY reads it), then parsed into fields by libcsv in strict
 * mode.  Splitting first keeps three promises libcsv alone cannot: every row
 * knows the physical line it starts on (newlines inside quotes count), every
 * row keeps its raw bytes for the rejects file, and memory stays bounded: a
 * row of CSVR_MAX_ROW_BYTES or more, its line break included, is reported as
 * too long and skipped up to its end, never buffered whole.
 */
#ifndef ADREPORT_CSVROWS_H
#define ADREPORT_CSVROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest row kept whole: far above any real log row (about 300 bytes). */
#define CSVR_MAX_ROW_BYTES (1024 * 1024)
/* Fields kept per row; a row with more is reported with its true count. */
#define CSVR_MAX_FIELDS 64

/* Why a row could not be split into fields. */
typedef enum csvr_status {
    CSVR_OK = 0,
    CSVR_TOO_LONG,   /* CSVR_MAX_ROW_BYTES or more, line break included: not parsed */
    CSVR_BAD_QUOTES, /* a quote inside an unquoted field, an unclosed quote, or a bare CR */
} csvr_status;

typedef struct csvr_field {
    const char *ptr; /* not NUL-terminated; NULL for an unquoted empty field */
    size_t len;
} csvr_field;

typedef struct csvr_row {
    uint64_t line; /* 1-based physical line where the row starts */
    csvr_status status;
    int nfields; /* true count, may exceed CSVR_MAX_FIELDS */
    csvr_field fields[CSVR_MAX_FIELDS];
    const char *raw; /* the row's bytes without its final line break */
    size_t raw_len;  /* (truncated to CSVR_MAX_ROW_BYTES for CSVR_TOO_LONG) */
} csvr_row;

/* Return 0 to go on, non-zero to stop the parse (csvr_feed returns it). */
typedef int (*csvr_row_fn)(void *ctx, const csvr_row *row);

typedef struct csvr_parser csvr_parser;

/* csvr_new - a parser calling on_row for each row.  Free with csvr_free. */
csvr_parser *csvr_new(csvr_row_fn on_row, void *ctx);

/*
 * csvr_feed - push the next bytes of the stream.  A UTF-8 BOM at the very
 * start is dropped.  Returns 0, or the non-zero value a callback returned.
 */
int csvr_feed(csvr_parser *p, const char *buf, size_t len);

/* csvr_finish - end of stream: deliver a last row without a final newline. */
int csvr_finish(csvr_parser *p);

/* csvr_rows - rows delivered so far (blank lines are not rows). */
uint64_t csvr_rows(const csvr_parser *p);

/* csvr_lines - physical lines seen so far. */
uint64_t csvr_lines(const csvr_parser *p);

void csvr_free(csvr_parser *p);

#endif
