/*
 * atomic_file.c - write to a temporary name, sync, rename (see atomic_file.h).
 */
#include "adreport/atomic_file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Record why a step failed; err is the errno of that step. */
static bool fail(af_file *f, const char *step, const char *path, int err)
{
    /* Show only the file name: the folder is in the caller's primary message. */
    const char *base = strrchr(path, '/');
    f->error_no = err ? err : EIO;
    snprintf(f->error, sizeof f->error, "%s \"%s\": %s", step, base ? base + 1 : path,
             strerror(f->error_no));
    return false;
}

/*
 * The pid in a temporary name's tail `s`: "<pid>.<serial>" (see set_names),
 * or "<pid>" as earlier versions wrote it.  0 when s is neither.
 */
static long temporary_pid(const char *s)
{
    if (!isdigit((unsigned char)*s))
        return 0;
    char *end;
    long pid = strtol(s, &end, 10);
    if (*end == '.' && isdigit((unsigned char)end[1]))
        for (end++; isdigit((unsigned char)*end); end++)
            ;
    return *end ? 0 : pid;
}

/* Whether the writer of a temporary with this pid is gone (not us, not alive). */
static bool writer_gone(long pid)
{
    return pid > 0 && pid <= INT_MAX && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 &&
           errno == ESRCH;
}

/* The pid in a temporary's name ".<something>.tmp.<pid>[.<serial>]" (the
 * last ".tmp."), or 0 when entry is not such a name. */
static long entry_pid(const char *entry)
{
    const char *tmp = strstr(entry, ".tmp.");
    if (entry[0] != '.' || !tmp || tmp == entry)
        return 0;
    const char *last;
    while ((last = strstr(tmp + 1, ".tmp.")) != NULL)
        tmp = last;
    return temporary_pid(tmp + 5);
}

/* Is `entry` ".<something>.tmp.<pid>[.<serial>]" of a process that is gone? */
static bool is_stale_temporary(const char *entry)
{
    return writer_gone(entry_pid(entry));
}

/*
 * Is dir a staging folder of this process (af_dir_stage)?  Files renamed into
 * one need no folder fsync each: af_dir_swap syncs the folder once, before
 * the folder is published, and an unpublished one is garbage after a crash.
 */
static bool in_own_staging(const char *dir)
{
    const char *base = strrchr(dir, '/');
    return entry_pid(base ? base + 1 : dir) == (long)getpid();
}

/*
 * Remove folder path and the files in it (a staging folder, or an old
 * folder swapped out by af_dir_swap: flat folders of files).  Sub-folders are
 * not entered and symbolic links not followed, so nothing outside path goes;
 * a folder holding a sub-folder then stays.  Returns whether path is gone.
 */
static bool remove_flat(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return false;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode))
            continue;
        unlinkat(fd, e->d_name, 0);
    }
    closedir(d);
    return rmdir(path) == 0 || errno == ENOENT;
}

/*
 * A process killed while publishing leaves ".<name>.tmp.<pid>.<serial>"
 * behind: a file, or a staging or old folder (af_dir_swap).  Remove those of
 * `name` whose process is gone, so a crash costs no more than one stray
 * entry until the next run.  Our own are left alone: another thread of ours
 * may be writing one.
 */
static void remove_stale(const char *dir, const char *name)
{
    char prefix[NAME_MAX + 8];
    int n = snprintf(prefix, sizeof prefix, ".%s.tmp.", name);
    DIR *d = opendir(dir);
    if (n < 0 || (size_t)n >= sizeof prefix || !d) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, (size_t)n) != 0 ||
            !writer_gone(temporary_pid(e->d_name + n)))
            continue; /* not a name of ours, or its writer may still be at work */
        char path[PATH_MAX];
        struct stat st;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path ||
            lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            remove_flat(path);
        else
            unlink(path);
    }
    closedir(d);
}

/* The serial of a temporary name: it tells apart two files of one process
 * with the same final path (parallel loads of same-named files write their
 * rejects side by side), which must never share a temporary. */
static unsigned long next_serial(void)
{
    static unsigned long serial;
    return __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED);
}

static bool set_names(af_file *f, const char *dir, const char *name)
{
    memset(f, 0, sizeof *f);
    int n1 = snprintf(f->dir, sizeof f->dir, "%s", dir);
    int n2 = snprintf(f->path, sizeof f->path, "%s/%s", dir, name);
    int n3 = snprintf(f->tmp_path, sizeof f->tmp_path, "%s/.%s.tmp.%ld.%lu", dir, name,
                      (long)getpid(), next_serial());
    if (n1 < 0 || n2 < 0 || n3 < 0 || (size_t)n1 >= sizeof f->dir || (size_t)n2 >= sizeof f->path ||
        (size_t)n3 >= sizeof f->tmp_path)
        return fail(f, "name", name, ENAMETOOLONG);
    return true;
}

bool af_reserve(af_file *f, const char *dir, const char *name)
{
    if (!set_names(f, dir, name))
        return false;
    if (!in_own_staging(dir)) /* a staging folder starts empty */
        remove_stale(dir, name);
    f->pending = true;
    return true;
}

bool af_open(af_file *f, const char *dir, const char *name)
{
    if (!set_names(f, dir, name))
        return false;
    if (!in_own_staging(dir)) /* a staging folder starts empty */
        remove_stale(dir, name);
    /* O_TRUNC: a temporary file of a crashed run with our pid is garbage. */
    int fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(f, "create", f->tmp_path, errno);
    f->pending = true;
    f->fp = fdopen(fd, "w");
    if (!f->fp) {
        int err = errno;
        close(fd);
        unlink(f->tmp_path);
        f->pending = false;
        return fail(f, "open", f->tmp_path, err);
    }
    errno = 0; /* so a write error's errno is the one af_sync sees */
    return true;
}

/*
 * Files of a staging folder are made durable by af_dir_swap, all at once: a
 * report folder holds four files, and an fsync each (a journal commit each)
 * was most of the time of 2000 tenants' reports (16-20 s against 10-11 s
 * without; one syncfs per folder costs one commit).
 */
bool af_sync(af_file *f)
{
    bool staged = in_own_staging(f->dir);
    if (f->fp) {
        FILE *fp = f->fp;
        f->fp = NULL;
        /* A failed buffered write only sets the error flag; its errno is
         * still the last error unless a later call overwrote it. */
        if (ferror(fp)) {
            int err = errno;
            fclose(fp);
            return fail(f, "write", f->tmp_path, err);
        }
        if (fflush(fp) != 0) {
            int err = errno;
            fclose(fp);
            return fail(f, "write", f->tmp_path, err);
        }
        if (!staged && fsync(fileno(fp)) != 0) {
            int err = errno;
            fclose(fp);
            return fail(f, "fsync", f->tmp_path, err);
        }
        if (fclose(fp) != 0)
            return fail(f, "close", f->tmp_path, errno);
        return true;
    }
    if (staged)
        return true;
    int fd = open(f->tmp_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(f, "open", f->tmp_path, errno);
    if (fsync(fd) != 0) {
        int err = errno;
        close(fd);
        return fail(f, "fsync", f->tmp_path, err);
    }
    if (close(fd) != 0)
        return fail(f, "close", f->tmp_path, errno);
    return true;
}

/* fsync folder path, so the names renamed into it survive a crash.  Returns
 * 0, or the errno; *step says which call failed. */
static int fsync_folder(const char *path, const char **step)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        *step = "open folder";
        return errno;
    }
    if (fsync(fd) != 0 && errno != EINVAL) { /* EINVAL: fs cannot sync folders */
        int err = errno;
        close(fd);
        *step = "fsync folder";
        return err;
    }
    close(fd);
    return 0;
}

/* fsync the folder of f, unless af_dir_swap will (a staging folder). */
static bool sync_folder(af_file *f)
{
    const char *step;
    int err = in_own_staging(f->dir) ? 0 : fsync_folder(f->dir, &step);
    return err ? fail(f, step, f->dir, err) : true;
}

static bool rename_only(af_file *f)
{
    if (rename(f->tmp_path, f->path) != 0)
        return fail(f, "rename", f->tmp_path, errno);
    f->pending = false;
    return true;
}

bool af_rename(af_file *f)
{
    return rename_only(f) && sync_folder(f);
}

bool af_publish(af_file *files, int n, int *failed)
{
    for (int i = 0; i < n; i++) {
        *failed = i;
        if (!rename_only(&files[i]))
            return false;
        /* One fsync per folder, after its last rename. */
        if ((i + 1 == n || strcmp(files[i].dir, files[i + 1].dir) != 0) && !sync_folder(&files[i]))
            return false;
    }
    return true;
}

bool af_commit(af_file *f)
{
    return af_sync(f) && af_rename(f);
}

void af_abort(af_file *f)
{
    if (f->fp) {
        fclose(f->fp); /* the file is discarded: its close error does not matter */
        f->fp = NULL;
    }
    if (f->pending) {
        unlink(f->tmp_path);
        f->pending = false;
    }
}

const char *af_hint(int error_no)
{
    switch (error_no) {
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return "free space on that file system (or write elsewhere) and rerun; the previous "
               "file was left as it was";
    case EACCES:
    case EPERM:
    case EROFS:
        return "make the folder writable for this user (or write elsewhere) and rerun; the "
               "previous file was left as it was";
    case ENOTDIR:
        return "a file stands where a folder is needed: move it away and rerun";
    default:
        return "fix the cause and rerun; the previous file was left as it was";
    }
}

bool af_mkdirs(const char *path, char *error, size_t size)
{
    char buf[PATH_MAX];
    if (!*path || snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = *path ? ENAMETOOLONG : ENOENT;
        snprintf(error, size, "mkdir \"%s\": %s", path, strerror(errno));
        return false;
    }
    /* Create each prefix in turn; an existing folder is fine, an existing
     * file in the way is ENOTDIR. */
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(buf, 0755) != 0) {
            int err = errno;
            struct stat st;
            if (err != EEXIST || stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
                if (err == EEXIST)
                    err = ENOTDIR;
                snprintf(error, size, "mkdir \"%s\": %s", buf, strerror(err));
                errno = err;
                return false;
            }
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    return true;
}

void af_remove_stale_tree(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[PATH_MAX];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= sizeof path)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (is_stale_temporary(e->d_name))
                remove_flat(path); /* a staging or old folder of a killed report */
            else if (depth > 0 && e->d_name[0] != '.')
                af_remove_stale_tree(path, depth - 1);
        } else if (S_ISREG(st.st_mode) && is_stale_temporary(e->d_name)) {
            unlink(path);
        }
    }
    closedir(d);
}

const char *af_shown_path(const char *path, char *buf, size_t size)
{
    /* Copy component by component; a folder component (one followed by '/')
     * that is a temporary name ".<name>.tmp.<pid>.<serial>" becomes <name>. */
    size_t out = 0;
    for (const char *c = path; *c;) {
        const char *end = strchr(c, '/');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        const char *from = c;
        char part[NAME_MAX + 1];
        if (end && len <= NAME_MAX) {
            memcpy(part, c, len);
            part[len] = '\0';
            if (entry_pid(part) > 0) {
                const char *tmp = strstr(part, ".tmp."), *last;
                while ((last = strstr(tmp + 1, ".tmp.")) != NULL)
                    tmp = last;
                from = c + 1; /* past the leading '.' */
                len = (size_t)(tmp - part) - 1;
            }
        }
        for (size_t i = 0; i < len && out + 1 < size; i++)
            buf[out++] = from[i];
        if (end && out + 1 < size)
            buf[out++] = '/';
        c = end ? end + 1 : c + strlen(c);
    }
    if (size)
        buf[out < size ? out : size - 1] = '\0';
    return buf;
}

/* ---- publishing a folder ------------------------------------------------ */

/* Record why a folder step failed (see fail()). */
static bool dir_fail(af_dir *d, const char *step, const char *name, int err)
{
    d->error_no = err ? err : EIO;
    snprintf(d->error, sizeof d->error, "%s \"%s\": %s", step, name, strerror(d->error_no));
    return false;
}

/* The last component of path, for messages. */
static const char *base_name(const char *path)
{
    const char *base = strrchr(path, '/');
    return base ? base + 1 : path;
}

bool af_dir_stage(af_dir *d, const char *parent, const char *name)
{
    memset(d, 0, sizeof *d);
    d->fd = -1;
    int n1 = snprintf(d->parent, sizeof d->parent, "%s", parent);
    int n2 = snprintf(d->path, sizeof d->path, "%s/%s", parent, name);
    int n3 = snprintf(d->stage_path, sizeof d->stage_path, "%s/.%s.tmp.%ld.%lu", parent, name,
                      (long)getpid(), next_serial());
    if (n1 < 0 || n2 < 0 || n3 < 0 || (size_t)n1 >= sizeof d->parent ||
        (size_t)n2 >= sizeof d->path || (size_t)n3 >= sizeof d->stage_path)
        return dir_fail(d, "name", name, ENAMETOOLONG);
    remove_stale(parent, name);
    /* EEXIST: left by a killed process that had our pid; garbage. */
    if (mkdir(d->stage_path, 0755) != 0 &&
        (errno != EEXIST || !remove_flat(d->stage_path) || mkdir(d->stage_path, 0755) != 0))
        return dir_fail(d, "mkdir", base_name(d->stage_path), errno);
    d->pending = true;
    /* Open now: syncfs reports the write-back errors since the fd was opened. */
    if ((d->fd = open(d->stage_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        int err = errno;
        af_dir_abort(d);
        return dir_fail(d, "open folder", base_name(d->stage_path), err);
    }
    return true;
}

/* Step 2 of af_dir_swap: the staging folder and its files, durable. */
static bool sync_stage(af_dir *d)
{
    if (syncfs(d->fd) != 0)
        return dir_fail(d, "syncfs", base_name(d->stage_path), errno);
    return true;
}

static void close_stage(af_dir *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

/*
 * Step 1 of af_dir_swap: hard-link into the staging folder each visible file
 * of the old folder that it lacks.  Dot-named entries (temporaries of the
 * old folder's writers) are not carried over: they go with the old folder.
 */
static bool carry_over(af_dir *d)
{
    int old = open(d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (old < 0)
        return errno == ENOENT ? true : dir_fail(d, "open folder", base_name(d->path), errno);
    int stage = open(d->stage_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = stage < 0 ? NULL : fdopendir(old);
    if (!dir) {
        int err = errno;
        close(old);
        if (stage >= 0)
            close(stage);
        return dir_fail(d, "open folder", base_name(stage < 0 ? d->stage_path : d->path), err);
    }
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(dir)) != NULL) {
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        if (fstatat(old, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; /* gone meanwhile */
        if (S_ISDIR(st.st_mode))
            ok = dir_fail(d, "carry over", e->d_name, EISDIR);
        else if (fstatat(stage, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            continue; /* written this time */
        else if (linkat(old, e->d_name, stage, e->d_name, 0) != 0)
            ok = dir_fail(d, "link", e->d_name, errno);
    }
    closedir(dir);
    close(stage);
    return ok;
}

/*
 * Step 3 of af_dir_swap: put the staging folder in place.  *old is set to
 * where the old folder went ("" when there was none).
 */
static bool exchange(af_dir *d, char *old, size_t size)
{
    old[0] = '\0';
    if (renameat2(AT_FDCWD, d->stage_path, AT_FDCWD, d->path, RENAME_EXCHANGE) == 0) {
        d->pending = false;
        snprintf(old, size, "%s", d->stage_path);
        return true;
    }
    int err = errno;
    if (err == ENOENT) { /* the first version of the folder */
        if (rename(d->stage_path, d->path) != 0)
            return dir_fail(d, "rename", base_name(d->stage_path), errno);
        d->pending = false;
        return true;
    }
    if (err != EINVAL && err != ENOSYS && err != EOPNOTSUPP)
        return dir_fail(d, "exchange", base_name(d->stage_path), err);
    /* No RENAME_EXCHANGE here: move the old folder aside (to a temporary
     * name of ours, which a later run removes should we die), then the new
     * one in.  Between the two renames the folder is missing for an
     * instant; a reader never sees old and new files mixed. */
    int n = snprintf(old, size, "%s/.%s.tmp.%ld.%lu", d->parent, base_name(d->path), (long)getpid(),
                     next_serial());
    if (n < 0 || (size_t)n >= size) {
        old[0] = '\0';
        return dir_fail(d, "name", base_name(d->path), ENAMETOOLONG);
    }
    if (rename(d->path, old) != 0) {
        err = errno;
        old[0] = '\0';
        return dir_fail(d, "rename", base_name(d->path), err);
    }
    if (rename(d->stage_path, d->path) != 0) {
        err = errno;
        rename(old, d->path); /* put the old one back */
        old[0] = '\0';
        return dir_fail(d, "rename", base_name(d->stage_path), err);
    }
    d->pending = false;
    return true;
}

bool af_dir_swap(af_dir *d)
{
    if (!d->pending)
        return dir_fail(d, "swap", base_name(d->stage_path), ENOENT);
    /* One swap of a folder of parent at a time, across threads and processes
     * (the manifest takes the same lock): else a carry-over could read a
     * folder that another writer is swapping away. */
    int lock = open(d->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0 || flock(lock, LOCK_EX) != 0) {
        int err = errno;
        if (lock >= 0)
            close(lock);
        return dir_fail(d, "lock", base_name(d->parent), err);
    }
    char old[PATH_MAX] = "";
    const char *step;
    int err;
    bool ok = carry_over(d) && sync_stage(d) && exchange(d, old, sizeof old);
    if (ok && (err = fsync_folder(d->parent, &step)) != 0)
        ok = dir_fail(d, step, base_name(d->parent), err);
    close(lock); /* releases the flock */
    close_stage(d);
    /* Published (even if the parent's fsync failed): the old folder goes. */
    if (!d->pending && old[0])
        remove_flat(old);
    return ok;
}

void af_dir_abort(af_dir *d)
{
    close_stage(d);
    if (d->pending) {
        remove_flat(d->stage_path);
        d->pending = false;
    }
}
