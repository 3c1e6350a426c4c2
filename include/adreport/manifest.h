/*
 * manifest.h - the download manifest of a tenant: OUT/<company_id>/index.json.
 *
 * The application that lists a customer's downloads reads this file instead
 * of walking folders.  It lists every report folder of the tenant (its
 * period, time zone, generation time and the day the data runs through) and
 * every report file in it (name, bytes, SHA-256, modification time).  See
 * README "Download manifest" for the format.
 *
 * Every update rescans the tenant folder and hashes the files it lists, so
 * sizes and hashes are always those of the files on disk, whoever wrote them;
 * what a scan cannot see (generation time, data-through day, time zone) is
 * carried over from the previous index.json.  The file is published
 * atomically (atomic_file.h), and updates of one tenant are serialized by an
 * flock() on the tenant folder, so parallel writers (threads or processes)
 * never lose each other's folders.  Only complete files are listed: names
 * starting with '.' (temporary files) are skipped, and while a folder's files
 * are being replaced the folder is listed with no files (manifest_withdraw).
 *
 *     manifest_withdraw(7, "reports", "2026-11");    before publishing
 *     ... rpt_write_csv(&m, dir); rpt_write_xlsx(&m, dir); ...
 *     manifest_update(7, "reports", &m);             after (or NULL on failure)
 */
#ifndef ADREPORT_MANIFEST_H
#define ADREPORT_MANIFEST_H

#include "adreport/report.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The manifest's file name in the tenant folder. */
#define MANIFEST_FILE "index.json"
/* The format version written in the manifest's "format" field. */
#define MANIFEST_FORMAT 1

/*
 * manifest_update - rewrite OUT/<company_id>/index.json from what is on disk.
 * @published: the model whose files were just published in the folder named
 *   after its period, which takes that model's generation time, data-through
 *   day and time zone; or NULL (e.g. after a failed write) to keep the
 *   folders' previous metadata.
 * Returns false after printing a three-part error; the previous index.json
 * is then untouched.
 */
bool manifest_update(int64_t company_id, const char *reports_dir, const rpt_model *published);

/*
 * manifest_withdraw - rewrite the index with folder `label` listed without
 * files ("updating": true), before its files are replaced, so a reader never
 * sees a hash of a file that is about to change.  The tenant folder must
 * exist.  Returns false after printing a three-part error.
 */
bool manifest_withdraw(int64_t company_id, const char *reports_dir, const char *label);

/*
 * manifest_json_string - write s as a JSON string literal (with the quotes):
 * '"', '\\' and control characters escaped, and each byte that is not part
 * of well-formed UTF-8 written as \ufffd, so any JSON parser reads it.
 */
void manifest_json_string(FILE *out, const char *s);

#endif
