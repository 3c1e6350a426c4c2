/*
 * atomic_file.h - publish a file atomically: write it under a temporary name
 * in its final folder, sync it to disk, then rename() it over the old one.
 *
 * Whoever opens the final path sees the previous complete file or the new
 * complete one, never a torn one.  A failure at any step (disk full,
 * permissions, an I/O error, a failed fclose) leaves the previous file as it
 * was; af_abort() then removes the temporary file.  The temporary name is
 * ".<name>.tmp.<pid>.<serial>" in the same folder, so the rename never
 * crosses file systems and listings that skip dot files do not show it; the
 * serial counts the process's files, so two threads publishing the same
 * name (parallel loads of same-named files write one rejects file) never
 * share a temporary.  Temporaries of a process that is gone are removed
 * when the same name is published again (af_open, af_reserve) or by
 * af_remove_stale_tree().
 *
 * Typical use:
 *
 *     af_file f;
 *     if (!af_open(&f, "reports/7/2026-11", "ads.csv"))
 *         ...report f.error...
 *     fputs("ad_id,ad_name\n", f.fp);
 *     if (!af_commit(&f)) { ...report f.error...; af_abort(&f); }
 *
 * Several files can be published together: af_sync() each one, and only when
 * all succeeded af_publish() them.
 */
#ifndef ADREPORT_ATOMIC_FILE_H
#define ADREPORT_ATOMIC_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

/* Room for "<syscall> \"<path>\": <strerror>". */
#define AF_ERROR_MAX (PATH_MAX + 128)

/* One file being published.  Fields are read-only for callers. */
typedef struct af_file {
    FILE *fp;                 /* the temporary file, open for writing (af_open only) */
    char dir[PATH_MAX];       /* the folder, as given */
    char path[PATH_MAX];      /* the final path: dir/name */
    char tmp_path[PATH_MAX];  /* the temporary path: dir/.name.tmp.<pid>.<serial> */
    bool pending;             /* a temporary file may exist: af_abort removes it */
    int error_no;             /* errno of the failure, for choosing a hint */
    char error[AF_ERROR_MAX]; /* why the last call failed, e.g.
                                 `fsync ".ads.csv.tmp.12.3": No space left on device` */
} af_file;

/*
 * af_open - create dir/.name.tmp.<pid>.<serial> and open it for writing as
 * f->fp, after removing the temporaries of `name` left by processes that are
 * gone.  Returns false and fills f->error on failure; no
 * temporary file is left behind then.
 */
bool af_open(af_file *f, const char *dir, const char *name);

/*
 * af_reserve - like af_open but only chooses the names, for files that a
 * library writes itself (libxlsxwriter takes a file name): write to
 * f->tmp_path, then af_sync/af_commit as usual.  Always succeeds unless the
 * path is too long.
 */
bool af_reserve(af_file *f, const char *dir, const char *name);

/*
 * af_sync - make the temporary file durable: for an af_open file check the
 * stream's error flag, fflush, fsync and fclose it (each result checked); for
 * an af_reserve file open it and fsync it.  Returns false and fills f->error
 * on failure; the temporary file stays until af_abort.
 */
bool af_sync(af_file *f);

/*
 * af_rename - rename the synced temporary file over the final path and fsync
 * the folder, so the new name survives a crash.  Returns false and fills
 * f->error on failure.
 */
bool af_rename(af_file *f);

/*
 * af_publish - af_rename each of `files` (all synced) in order, with one
 * folder fsync after the last of each run of files in the same folder
 * rather than one per file.  On failure returns false with *failed the index
 * of the file whose f->error says why; files before it are published.
 *
 *     int bad;
 *     if (!af_publish(files, 3, &bad)) { ...report files[bad].error... }
 */
bool af_publish(af_file *files, int n, int *failed);

/* af_commit - af_sync then af_rename. */
bool af_commit(af_file *f);

/*
 * af_abort - give up: close the stream if open and remove the temporary file.
 * Safe to call at any point, also after a successful commit (then a no-op).
 */
void af_abort(af_file *f);

/*
 * af_hint - the hint line for a failure with errno error_no (disk full,
 * permissions, other), for adr_error().  Says that the previous file is intact.
 */
const char *af_hint(int error_no);

/*
 * af_mkdirs - create folder path and its missing parents (like mkdir -p),
 * mode 0755 less the umask: only adreport's user writes in the folders it
 * publishes to (reports, rejects, the archive); a folder that exists keeps
 * its mode.  Returns false and fills error (`mkdir "a/b": Not a directory`)
 * on failure, with errno set.
 */
bool af_mkdirs(const char *path, char *error, size_t size);

/*
 * af_remove_stale_tree - remove every ".<name>.tmp.<pid>.<serial>" (or
 * ".<name>.tmp.<pid>", as earlier versions named them) whose process is
 * gone in dir and the folders below it, `depth` levels deep (2 for
 * reports/<company_id>/<period>/).  A killed report's temporaries then go at
 * the next run, not when that tenant-month is written again.  Symbolic links
 * are not followed.  Example: af_remove_stale_tree("reports", 2).
 */
void af_remove_stale_tree(const char *dir, int depth);

#endif
