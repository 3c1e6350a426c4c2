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

/*
 * A process killed while publishing leaves ".<name>.tmp.<pid>.<serial>"
 * behind.  Remove those of `name` whose process is gone, so a crash costs
 * no more than one stray file until the next run.  Our own are left alone:
 * another thread of ours may be writing one.
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
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
            unlink(path);
    }
    closedir(d);
}

static bool set_names(af_file *f, const char *dir, const char *name)
{
    memset(f, 0, sizeof *f);
    int n1 = snprintf(f->dir, sizeof f->dir, "%s", dir);
    int n2 = snprintf(f->path, sizeof f->path, "%s/%s", dir, name);
    /* The serial tells apart two files of one process with the same final
     * path (parallel loads of same-named files write their rejects side by
     * side): they must never share a temporary. */
    static unsigned long serial;
    unsigned long n = __atomic_add_fetch(&serial, 1, __ATOMIC_RELAXED);
    int n3 = snprintf(f->tmp_path, sizeof f->tmp_path, "%s/.%s.tmp.%ld.%lu", dir, name,
                      (long)getpid(), n);
    if (n1 < 0 || n2 < 0 || n3 < 0 || (size_t)n1 >= sizeof f->dir || (size_t)n2 >= sizeof f->path ||
        (size_t)n3 >= sizeof f->tmp_path)
        return fail(f, "name", name, ENAMETOOLONG);
    return true;
}

bool af_reserve(af_file *f, const char *dir, const char *name)
{
    if (!set_names(f, dir, name))
        return false;
    remove_stale(dir, name);
    f->pending = true;
    return true;
}

bool af_open(af_file *f, const char *dir, const char *name)
{
    if (!set_names(f, dir, name))
        return false;
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

bool af_sync(af_file *f)
{
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
        if (fsync(fileno(fp)) != 0) {
            int err = errno;
            fclose(fp);
            return fail(f, "fsync", f->tmp_path, err);
        }
        if (fclose(fp) != 0)
            return fail(f, "close", f->tmp_path, errno);
        return true;
    }
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

/* fsync the folder of f, so the names renamed into it survive a crash. */
static bool sync_folder(af_file *f)
{
    int fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail(f, "open folder", f->dir, errno);
    if (fsync(fd) != 0 && errno != EINVAL) { /* EINVAL: fs cannot sync folders */
        int err = errno;
        close(fd);
        return fail(f, "fsync folder", f->dir, err);
    }
    close(fd);
    return true;
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

/* Is `entry` ".<something>.tmp.<pid>[.<serial>]" of a process that is gone? */
static bool is_stale_temporary(const char *entry)
{
    const char *tmp = strstr(entry, ".tmp.");
    if (entry[0] != '.' || !tmp || tmp == entry)
        return false;
    const char *last;
    while ((last = strstr(tmp + 1, ".tmp.")) != NULL)
        tmp = last;
    return writer_gone(temporary_pid(tmp + 5));
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
            if (depth > 0 && e->d_name[0] != '.')
                af_remove_stale_tree(path, depth - 1);
        } else if (S_ISREG(st.st_mode) && is_stale_temporary(e->d_name)) {
            unlink(path);
        }
    }
    closedir(d);
}
