/*
 * manifest.c - OUT/<company_id>/index.json, the tenant's download manifest
 * (see manifest.h).
 *
 * One update: lock the tenant folder, read the previous index for the
 * metadata a scan cannot see, scan the report folders and hash their files,
 * write the new index under a temporary name and rename it into place.
 */
#include "adreport/manifest.h"
#include "adreport/atomic_file.h"
#include "adreport/common.h"
#include "adreport/events.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "2026-11-26T03:00:12Z" plus NUL. */
#define ISO_TIME_SIZE 21
/* Room for a time zone name such as "America/Argentina/Buenos_Aires". */
#define TIME_ZONE_SIZE 64
/* Bytes read at a time while hashing. */
#define HASH_CHUNK 65536
/* Hex SHA-256 plus NUL. */
#define SHA256_HEX 65
/* The previous index is only read for metadata; a larger one is not ours. */
#define MAX_INDEX_BYTES (64 * 1024 * 1024)

/* One report file as found on disk. */
typedef struct mf_file {
    char name[NAME_MAX + 1];
    int64_t bytes;
    char sha256[SHA256_HEX];
    char modified_at[ISO_TIME_SIZE];
} mf_file;

/* One report folder: its period and what the scan cannot see. */
typedef struct mf_folder {
    rpt_period period; /* from the folder name */
    char generated_at[ISO_TIME_SIZE];
    char data_through[RPT_DAY_SIZE]; /* "" when unknown or no events */
    char time_zone[TIME_ZONE_SIZE];
    bool updating; /* withdrawn: listed without files */
    mf_file *files;
    size_t nfiles;
} mf_folder;

typedef struct mf_list {
    mf_folder *folders;
    size_t n, cap;
} mf_list;

/* ---- JSON output ------------------------------------------------------- */

/* Bytes of the well-formed UTF-8 character at s, or 0 when it is not one. */
static size_t utf8_char_len(const unsigned char *s)
{
    size_t len = *s < 0x80             ? 1
                 : (*s & 0xE0) == 0xC0 ? 2
                 : (*s & 0xF0) == 0xE0 ? 3
                 : (*s & 0xF8) == 0xF0 ? 4
                                       : 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return len && ev_valid_utf8((const char *)s, len) ? len : 0;
}

void manifest_json_string(FILE *out, const char *s)
{
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t len = utf8_char_len(p);
        if (len == 0) {
            fputs("\\ufffd", out); /* not UTF-8: JSON text must be Unicode */
            p++;
        } else if (*p == '"' || *p == '\\') {
            putc('\\', out);
            putc(*p++, out);
        } else if (*p < 0x20) {
            fprintf(out, "\\u%04x", *p++);
        } else {
            fwrite(p, 1, len, out);
            p += len;
        }
    }
    putc('"', out);
}

/* ---- the previous index ------------------------------------------------ */

/*
 * The string value of "key" inside text[0..len), copied to out when it is
 * made only of allowed characters and fits; else out stays "".  The index is
 * our own output: a hand-edited or foreign file just loses its metadata.
 */
static void json_value(const char *text, size_t len, const char *key, const char *allowed,
                       char *out, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
    out[0] = '\0';
    const char *hit = memmem(text, len, pattern, strlen(pattern));
    if (!hit)
        return;
    const char *v = hit + strlen(pattern), *end = text + len;
    size_t n = 0;
    while (v + n < end && v[n] != '"' && strchr(allowed, v[n]) && v[n])
        n++;
    if (v + n < end && v[n] == '"' && n > 0 && n < size) {
        memcpy(out, v, n);
        out[n] = '\0';
    }
}

#define ISO_CHARS "0123456789-:TZ"
#define DAY_CHARS "0123456789-"
#define ZONE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-"

/* Fill f's metadata from its entry in the previous index, if there is one. */
static void previous_metadata(const char *index, size_t len, mf_folder *f)
{
    char pattern[64];
    int n = snprintf(pattern, sizeof pattern, "\"folder\": \"%s\"", f->period.label);
    const char *hit = index ? memmem(index, len, pattern, (size_t)n) : NULL;
    if (!hit)
        return;
    /* The entry runs to the next folder (or the end). */
    const char *start = hit + n, *stop = index + len;
    const char *next = memmem(start, (size_t)(stop - start), "\"folder\": \"", 11);
    size_t span = (size_t)((next ? next : stop) - start);
    json_value(start, span, "generated_at", ISO_CHARS, f->generated_at, sizeof f->generated_at);
    json_value(start, span, "data_through", DAY_CHARS, f->data_through, sizeof f->data_through);
    char zone[TIME_ZONE_SIZE];
    json_value(start, span, "time_zone", ZONE_CHARS, zone, sizeof zone);
    if (zone[0])
        snprintf(f->time_zone, sizeof f->time_zone, "%s", zone);
}

/* The previous index.json, NUL-terminated, or NULL when there is none. */
static char *read_index(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = NULL;
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && st.st_size <= MAX_INDEX_BYTES) {
        buf = adr_xmalloc((size_t)st.st_size + 1);
        *len = fread(buf, 1, (size_t)st.st_size, fp);
        buf[*len] = '\0';
    }
    fclose(fp);
    return buf;
}

/* ---- scanning ---------------------------------------------------------- */

static void iso_time(time_t t, char out[ISO_TIME_SIZE])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, ISO_TIME_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "2026-11-26 03:00:12 UTC" (rpt_model.generated_at) as ISO 8601 UTC. */
static void iso_from_model(const char *generated_at, char out[ISO_TIME_SIZE])
{
    snprintf(out, ISO_TIME_SIZE, "%.10sT%.8sZ", generated_at, generated_at + 11);
}

/* A folder name adreport writes: "YYYY-MM" or "YYYY-MM-DD_YYYY-MM-DD". */
static bool parse_label(const char *name, rpt_period *p)
{
    const char *why;
    char from[RPT_DAY_SIZE], to[RPT_DAY_SIZE];
    size_t len = strlen(name);
    if (len == 7 && rpt_period_month(p, name, NULL, &why))
        return strcmp(p->label, name) == 0;
    if (len != 21 || name[10] != '_')
        return false;
    snprintf(from, sizeof from, "%.10s", name);
    snprintf(to, sizeof to, "%s", name + 11);
    return rpt_period_range(p, from, to, &why) && strcmp(p->label, name) == 0;
}

/* Report files: complete (no leading '.', which temporary files have) CSV
 * and XLSX files. */
static bool is_report_file(const char *name)
{
    size_t len = strlen(name);
    return name[0] != '.' && ((len > 4 && strcmp(name + len - 4, ".csv") == 0) ||
                              (len > 5 && strcmp(name + len - 5, ".xlsx") == 0));
}

/* Size and SHA-256 of one open file, read through the same descriptor so
 * the two describe the same content.  Returns an errno, or 0. */
static int hash_fd(int fd, mf_file *f)
{
    static const char hex[] = "0123456789abcdef";
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *buf = adr_xmalloc(HASH_CHUNK);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    int err = 0;
    f->bytes = 0;
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        err = ENOMEM;
    while (!err) {
        ssize_t got = read(fd, buf, HASH_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            err = errno;
        if (got <= 0)
            break;
        f->bytes += got;
        if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1)
            err = ENOMEM;
    }
    if (!err && EVP_DigestFinal_ex(ctx, digest, &dlen) != 1)
        err = ENOMEM;
    for (unsigned int i = 0; !err && i < dlen && 2 * i + 2 < SHA256_HEX; i++) {
        f->sha256[2 * i] = hex[digest[i] >> 4];
        f->sha256[2 * i + 1] = hex[digest[i] & 15];
        f->sha256[2 * i + 2] = '\0';
    }
    EVP_MD_CTX_free(ctx);
    free(buf);
    return err;
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const mf_file *)a)->name, ((const mf_file *)b)->name);
}

static int compare_folders(const void *a, const void *b)
{
    return strcmp(((const mf_folder *)a)->period.label, ((const mf_folder *)b)->period.label);
}

/* Hash the report files of one folder.  A file that vanishes meanwhile (a
 * parallel writer's rename) is skipped.  Returns false with error filled. */
static bool scan_files(const char *dir, mf_folder *f, char *error, size_t size)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(error, size, "opendir \"%s\": %s", dir, strerror(errno));
        return false;
    }
    size_t cap = 0;
    time_t newest = 0;
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d)) != NULL) {
        if (!is_report_file(e->d_name))
            continue;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (fd >= 0)
                close(fd);
            continue;
        }
        if (f->nfiles == cap) {
            cap = cap ? 2 * cap : 8;
            f->files = adr_xrealloc(f->files, cap * sizeof *f->files);
        }
        mf_file *file = &f->files[f->nfiles];
        memset(file, 0, sizeof *file);
        snprintf(file->name, sizeof file->name, "%s", e->d_name);
        iso_time(st.st_mtime, file->modified_at);
        int err = hash_fd(fd, file);
        close(fd);
        if (err) {
            snprintf(error, size, "read \"%s/%s\": %s", dir, e->d_name, strerror(err));
            ok = false;
            break;
        }
        if (st.st_mtime > newest)
            newest = st.st_mtime;
        f->nfiles++;
    }
    closedir(d);
    if (f->nfiles > 1) /* qsort must not see the NULL of an empty list */
        qsort(f->files, f->nfiles, sizeof *f->files, compare_files);
    /* A folder the index never described (written before manifests): its
     * newest file tells when it was generated. */
    if (ok && !f->generated_at[0] && newest)
        iso_time(newest, f->generated_at);
    return ok;
}

/* ---- writing ----------------------------------------------------------- */

static void write_index(FILE *out, int64_t company_id, const mf_list *l)
{
    char now[ISO_TIME_SIZE];
    iso_time(time(NULL), now);
    fprintf(out, "{\n  \"format\": %d,\n  \"company_id\": %" PRId64 ",\n  \"updated_at\": ",
            MANIFEST_FORMAT, company_id);
    manifest_json_string(out, now);
    fputs(",\n  \"reports\": [", out);
    for (size_t i = 0; i < l->n; i++) {
        const mf_folder *f = &l->folders[i];
        fputs(i ? ",\n    {\n" : "\n    {\n", out);
        fputs("      \"folder\": ", out);
        manifest_json_string(out, f->period.label);
        fprintf(out, ",\n      \"period\": {\"type\": \"%s\", \"from\": ",
                f->period.is_month ? "month" : "range");
        manifest_json_string(out, f->period.from);
        fputs(", \"to\": ", out);
        manifest_json_string(out, f->period.to);
        fputs("},\n      \"time_zone\": ", out);
        manifest_json_string(out, f->time_zone);
        fputs(",\n      \"generated_at\": ", out);
        if (f->generated_at[0])
            manifest_json_string(out, f->generated_at);
        else
            fputs("null", out);
        fputs(",\n      \"data_through\": ", out);
        if (f->data_through[0])
            manifest_json_string(out, f->data_through);
        else
            fputs("null", out);
        fprintf(out, ",\n      \"updating\": %s,\n      \"files\": [",
                f->updating ? "true" : "false");
        for (size_t k = 0; !f->updating && k < f->nfiles; k++) {
            const mf_file *file = &f->files[k];
            fputs(k ? ",\n        {\"name\": " : "\n        {\"name\": ", out);
            manifest_json_string(out, file->name);
            fprintf(out, ", \"bytes\": %" PRId64 ", \"sha256\": ", file->bytes);
            manifest_json_string(out, file->sha256);
            fputs(", \"modified_at\": ", out);
            manifest_json_string(out, file->modified_at);
            putc('}', out);
        }
        fputs(f->updating || f->nfiles == 0 ? "]\n    }" : "\n      ]\n    }", out);
    }
    fputs(l->n ? "\n  ]\n}\n" : "]\n}\n", out);
}

static void free_list(mf_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->folders[i].files);
    free(l->folders);
}

/* The whole update; published and withdrawn are the folder this call is
 * about (either may be NULL). */
static bool rewrite(int64_t company_id, const char *reports_dir, const rpt_model *published,
                    const char *withdrawn)
{
    char tenant[PATH_MAX], index_path[PATH_MAX + 16], error[AF_ERROR_MAX + PATH_MAX] = "";
    char primary[PATH_MAX + 64];
    size_t out_len = strlen(reports_dir);
    while (out_len > 1 && reports_dir[out_len - 1] == '/')
        out_len--;
    int err = 0;
    if (snprintf(tenant, sizeof tenant, "%.*s/%" PRId64, (int)out_len, reports_dir, company_id) >=
        (int)sizeof tenant) {
        adr_error("could not write report index: the folder name is too long", reports_dir, NULL);
        return false;
    }
    snprintf(index_path, sizeof index_path, "%s/" MANIFEST_FILE, tenant);
    adr_fmt(primary, sizeof primary, "could not write report index \"%s\"", index_path);

    /* One update of this tenant at a time, across threads and processes: an
     * flock on the tenant folder (each call opens its own descriptor). */
    int lock = open(tenant, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0 || flock(lock, LOCK_EX) != 0) {
        err = errno;
        snprintf(error, sizeof error, "lock \"%s\": %s", tenant, strerror(err));
        if (lock >= 0)
            close(lock);
        adr_error(primary, error, af_hint(err));
        return false;
    }

    size_t index_len = 0;
    char *previous = read_index(index_path, &index_len);
    mf_list l = {0};
    bool ok = true;
    DIR *d = opendir(tenant);
    if (!d) {
        err = errno;
        snprintf(error, sizeof error, "opendir \"%s\": %s", tenant, strerror(err));
        ok = false;
    }
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        rpt_period period;
        struct stat st;
        if (!parse_label(e->d_name, &period) || fstatat(dirfd(d), e->d_name, &st, 0) != 0 ||
            !S_ISDIR(st.st_mode))
            continue;
        if (l.n == l.cap) {
            l.cap = l.cap ? 2 * l.cap : 16;
            l.folders = adr_xrealloc(l.folders, l.cap * sizeof *l.folders);
        }
        mf_folder *f = &l.folders[l.n++];
        memset(f, 0, sizeof *f);
        f->period = period;
        snprintf(f->time_zone, sizeof f->time_zone, "%s", RPT_TIME_ZONE);
        if (published && strcmp(published->period.label, period.label) == 0) {
            iso_from_model(published->generated_at, f->generated_at);
            snprintf(f->data_through, sizeof f->data_through, "%s", published->data_through);
            snprintf(f->time_zone, sizeof f->time_zone, "%s", published->time_zone);
        } else {
            previous_metadata(previous, index_len, f);
        }
        f->updating = withdrawn && strcmp(withdrawn, period.label) == 0;
        char folder[PATH_MAX + NAME_MAX + 2];
        snprintf(folder, sizeof folder, "%s/%s", tenant, e->d_name);
        if (!f->updating)
            ok = scan_files(folder, f, error, sizeof error);
        if (ok && f->nfiles == 0 && !f->updating) {
            free(f->files);
            l.n--; /* nothing to download there */
        }
    }
    if (d)
        closedir(d);
    free(previous);
    if (!ok && !err)
        err = EIO;

    if (ok) {
        if (l.n > 1)
            qsort(l.folders, l.n, sizeof *l.folders, compare_folders);
        af_file *f = adr_xmalloc(sizeof *f);
        ok = af_open(f, tenant, MANIFEST_FILE);
        if (ok) {
            write_index(f->fp, company_id, &l);
            ok = af_commit(f);
        }
        if (!ok) {
            snprintf(error, sizeof error, "%s", f->error);
            err = f->error_no;
            af_abort(f);
        }
        free(f);
    }
    free_list(&l);
    close(lock); /* releases the flock */
    if (!ok)
        adr_error(primary, error, af_hint(err));
    return ok;
}

bool manifest_update(int64_t company_id, const char *reports_dir, const rpt_model *published)
{
    return rewrite(company_id, reports_dir, published, NULL);
}

bool manifest_withdraw(int64_t company_id, const char *reports_dir, const char *label)
{
    return rewrite(company_id, reports_dir, NULL, label);
}
