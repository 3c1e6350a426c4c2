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
 *
 * A whole folder is published with af_dir_stage(), af_dir_swap() and
 * af_dir_abort() (below): its files are written (with af_open, af_publish as
 * above) into a hidden staging folder ".<name>.tmp.<pid>.<serial>" beside
 * it, which then trades places with the old folder in one rename, so a
 * reader of the folder sees every file old or every file new, never a mix.
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
 * an af_reserve file open it and fsync it.  A file in a staging folder of
 * ours (af_dir_stage) is only flushed and closed: af_dir_swap makes all of
 * them durable at once.  Returns false and fills f->error on failure; the
 * temporary file stays until af_abort.
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
 * af_shown_path - path as a user should read it: a staging folder's name
 * (".2026-11.tmp.<pid>.<serial>", see af_dir_stage) in it becomes the final
 * folder's ("2026-11"), so a message names the file the user knows.  Writes
 * to buf (size bytes) and returns it.
 *
 *     char shown[PATH_MAX];
 *     adr_error(..., af_shown_path(f.path, shown, sizeof shown), ...);
 */
const char *af_shown_path(const char *path, char *buf, size_t size);

/*
 * af_remove_stale_tree - remove every ".<name>.tmp.<pid>.<serial>" (or
 * ".<name>.tmp.<pid>", as earlier versions named them) whose process is
 * gone in dir and the folders below it, `depth` levels deep (2 for
 * reports/<company_id>/<period>/): such a file is unlinked, such a folder
 * (a staging folder or an old folder being removed, see af_dir_swap) is
 * removed with the files in it.  A killed report's temporaries then go at
 * the next run, not when that tenant-month is written again.  Symbolic links
 * are not followed.  Example: af_remove_stale_tree("reports", 2).
 */
void af_remove_stale_tree(const char *dir, int depth);

/* ---- publishing a folder ------------------------------------------------ */

/* One folder being published.  Fields are read-only for callers. */
typedef struct af_dir {
    char parent[PATH_MAX];     /* the folder holding it, as given */
    char path[PATH_MAX];       /* the final folder: parent/name */
    char stage_path[PATH_MAX]; /* the staging folder: parent/.name.tmp.<pid>.<serial> */
    bool pending;              /* the staging folder may exist: af_dir_abort removes it */
    int fd;                    /* the staging folder, open from af_dir_stage to the swap
                                  (its syncfs reports any write-back error since) or -1 */
    int error_no;              /* errno of the failure, for af_hint */
    char error[AF_ERROR_MAX];  /* why the last call failed, e.g.
                                  `link "performance.xlsx": Operation not permitted` */
} af_dir;

/*
 * af_dir_stage - create the empty staging folder parent/.name.tmp.<pid>.<serial>
 * (mode 0755 less the umask) for a new version of folder parent/name, after
 * removing the staging and old folders of `name` left by processes that are
 * gone.  parent must exist; parent/name need not.  Write the new files into
 * d->stage_path (af_open/af_reserve with dir = d->stage_path, af_sync,
 * af_publish: a file in a staging folder skips its fsync and the folder's,
 * for af_dir_swap syncs them all at once), then af_dir_swap().
 * Returns false and fills d->error on failure; nothing is left behind then.
 *
 *     af_dir d;
 *     if (!af_dir_stage(&d, "reports/7", "2026-11")) ...report d.error...
 *     ok = write_the_files(d.stage_path) && af_dir_swap(&d);
 *     if (!ok) ...report...;
 *     af_dir_abort(&d);
 */
bool af_dir_stage(af_dir *d, const char *parent, const char *name);

/*
 * af_dir_swap - publish the staging folder as parent/name, in one rename:
 *  1. carry over: every visible (not dot-named) file of the old folder that
 *     the staging folder lacks is hard-linked into it (link(), no copy), so
 *     files not written this time (--format csv keeps performance.xlsx)
 *     stay.  An old folder holding a sub-folder is refused (EISDIR): it is
 *     not a report folder;
 *  2. make the staging folder and every file in it durable: one syncfs()
 *     of the file system, which also reports a write-back error of theirs
 *     (or of any file there since af_dir_stage: then the swap fails);
 *  3. renameat2(RENAME_EXCHANGE) it with the old folder (plain rename when
 *     there is none yet), then fsync parent, so the swap survives a crash;
 *  4. remove the old folder, now under the staging name.
 * Steps 1-3 hold an flock on parent (as manifest updates do), so two
 * processes publishing the same folder never carry over from a folder that
 * the other is swapping away.  A reader opening files of parent/name sees the
 * complete old folder or the complete new one.  Where the file system cannot
 * exchange (EINVAL, ENOSYS, EOPNOTSUPP) the old folder is renamed aside and
 * the staging folder into place: then for an instant there is no folder,
 * still never a mix.  Returns false and fills d->error on failure; the old
 * folder is then as it was and af_dir_abort() removes the staging folder.  A
 * failure to remove the old folder afterwards is not one (the next run's
 * af_remove_stale_tree or af_dir_stage removes it).
 */
bool af_dir_swap(af_dir *d);

/*
 * af_dir_abort - give up: remove the staging folder and the files in it.
 * Safe to call at any point, also after a successful af_dir_swap (then a
 * no-op).
 */
void af_dir_abort(af_dir *d);

#endif
