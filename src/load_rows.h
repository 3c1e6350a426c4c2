/*
 * load_rows.h - one input file being loaded (ld_file), and the helpers both
 * row loaders (load_events.c, load_entities.c) share.  Not a public
 * interface.  Calls go one way: load_file.c -> load_events.c /
 * load_entities.c -> load_rows.c; nothing here calls back up.
 */
#ifndef ADREPORT_LOAD_ROWS_H
#define ADREPORT_LOAD_ROWS_H

#include "adreport/csvrows.h"
#include "adreport/db.h"
#include "adreport/idmap.h"
#include "adreport/loader.h"
#include "adreport/logfile.h"
#include "adreport/rejects.h"

/* Bytes read from the input per call. */
#define LD_READ_CHUNK (256 * 1024)

/* One input file being loaded. */
typedef struct ld_file {
    PGconn *conn;
    db_stmts *stmts; /* conn's prepared statements (db.h) */
    const ld_options *opts;
    const char *path;
    const char *name; /* base name, for messages and the rejects file */
    ld_kind kind;
    int64_t tenant;     /* 0: an entity file spanning tenants */
    bool tenant_forced; /* tenant from folder or --company: rows must match */
    rej_writer rej;
    uint64_t rows_good, rows_rejected;
    idmap days;          /* UTC days (since 2000-01-01) with good rows (ld_note_event) */
    idmap day_ads;       /* events: the (UTC day, ad) pairs of those rows (ld_note_event) */
    idmap day_events;    /* events: good rows per UTC day (ld_note_event) */
    idmap dirty_tenants; /* entity loads: tenants whose rollups must be redone */
    char sha256[LF_SHA256_HEX];
    uint64_t bytes; /* uncompressed bytes read */
    /* The content as read when it was hashed (a small file), which
     * ld_stream reads instead of the file; NULL: read the file. */
    char *kept; /* owned by ld_load_file */
    size_t kept_len;
    char kept_sha256[LF_SHA256_HEX];
    uint64_t kept_disk_size; /* the file's size on disk, for progress */
    /* Set when the file as a whole is refused (bad header, unreadable). */
    bool refused;
    char refuse_detail[512];
    char refuse_hint[256];
    bool db_error; /* the server failed: already reported */
    int prog;      /* progress display slot (progress.h), or -1 */
} ld_file;

/*
 * ld_stream - read f->path (or f->kept) through the CSV splitter, calling
 * on_row for each row.  Fills f->sha256 and f->bytes.  Returns false when the file could not
 * be read to its end (f->refused is then set) or a callback stopped it.
 */
bool ld_stream(ld_file *f, csvr_row_fn on_row, void *ctx);

/* ld_refuse - mark the whole file refused with a detail and hint. */
void ld_refuse(ld_file *f, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ld_reject - reject one row: count it and write it to the rejects file. */
void ld_reject(ld_file *f, const csvr_row *row, const char *reason, const char *detail);

/*
 * ld_first_row_is_header - the first row is a header when its first field is
 * not an integer (a data row in the table's order starts with its id) and
 * one of its fields is a column name from the NULL-terminated `names`.  A
 * company named "id" in a headerless file stays data.
 */
bool ld_first_row_is_header(const csvr_row *row, const char *const *names);

/*
 * ld_row_is_whole - the checks every kind of file makes first: the row is
 * not too long, is valid UTF-8 without NUL, is well-formed CSV and has
 * `nfields` fields.  Otherwise it is rejected (row_too_long, bad_encoding,
 * bad_csv, field_count) and false is returned.
 */
bool ld_row_is_whole(ld_file *f, const csvr_row *row, int nfields);

/* ld_field_is - case-insensitive comparison of a field with a name. */
bool ld_field_is(const csvr_field *field, const char *name);

/*
 * ld_gz_hint - the hint for a file that could not be read: only a .gz file
 * can be cut short.  NULL for other files.
 */
const char *ld_gz_hint(const char *path);

#endif
