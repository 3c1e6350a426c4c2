/*
 * logfile.c - plain or gzip input with a running SHA-256 (see logfile.h).
 */
#include "adreport/logfile.h"
#include "adreport/common.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* zlib's internal buffer; larger than the default 8 KiB to cut syscalls. */
#define LF_GZ_BUFFER (256 * 1024)

struct lf_reader {
    gzFile gz;
    EVP_MD_CTX *sha;
    uint64_t bytes;
    char error[256];
};

lf_reader *lf_open(const char *path, char *err, size_t errlen)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; only a
     * regular file is read (a FIFO or /dev/zero would never end). */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file (a FIFO, socket or device): only regular files are read";
    else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        why = strerror(errno);
    if (why) {
        snprintf(err, errlen, "%s", why);
        close(fd);
        return NULL;
    }
    lf_reader *r = adr_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->gz = gzdopen(fd, "rb");
    r->sha = EVP_MD_CTX_new();
    if (!r->gz || !r->sha || EVP_DigestInit_ex(r->sha, EVP_sha256(), NULL) != 1) {
        snprintf(err, errlen, "could not set up the reader (out of memory)");
        if (!r->gz)
            close(fd);
        lf_close(r);
        return NULL;
    }
    gzbuffer(r->gz, LF_GZ_BUFFER);
    return r;
}

ssize_t lf_read(lf_reader *r, char *buf, size_t n)
{
    if (n > (size_t)INT32_MAX)
        n = INT32_MAX;
    int got = gzread(r->gz, buf, (unsigned)n);
    if (got < 0) {
        int zerr;
        const char *msg = gzerror(r->gz, &zerr);
        snprintf(r->error, sizeof r->error, "%s",
                 zerr == Z_ERRNO ? strerror(errno) : (msg && *msg ? msg : "read error"));
        return -1;
    }
    if (got == 0) {
        /* gzread returns 0 both at a clean end and at a truncated stream;
         * gzerror tells them apart. */
        int zerr;
        const char *msg = gzerror(r->gz, &zerr);
        if (zerr != Z_OK && zerr != Z_STREAM_END) {
            snprintf(r->error, sizeof r->error, "%s", msg && *msg ? msg : "corrupt input");
            return -1;
        }
        return 0;
    }
    EVP_DigestUpdate(r->sha, buf, (size_t)got);
    r->bytes += (uint64_t)got;
    return got;
}

const char *lf_error(lf_reader *r)
{
    return r->error;
}

void lf_sha256_hex(lf_reader *r, char out[LF_SHA256_HEX])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    /* Finalise a copy, so the running hash can continue. */
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    EVP_MD_CTX_copy_ex(copy, r->sha);
    EVP_DigestFinal_ex(copy, digest, &len);
    EVP_MD_CTX_free(copy);
    for (unsigned int i = 0; i < len && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    out[64] = '\0';
}

uint64_t lf_bytes_read(const lf_reader *r)
{
    return r->bytes;
}

uint64_t lf_input_offset(lf_reader *r)
{
    z_off_t off = gzoffset(r->gz);
    return off > 0 ? (uint64_t)off : 0;
}

void lf_close(lf_reader *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    EVP_MD_CTX_free(r->sha);
    free(r);
}

bool lf_hash_file(const char *path, char out[LF_SHA256_HEX], char *err, size_t errlen,
                  lf_progress_fn on_progress, void *ctx)
{
    return lf_hash_file_keep(path, out, err, errlen, on_progress, ctx, 0, NULL, NULL);
}

bool lf_hash_file_keep(const char *path, char out[LF_SHA256_HEX], char *err, size_t errlen,
                       lf_progress_fn on_progress, void *ctx, size_t keep_max, char **content,
                       size_t *content_len)
{
    if (content)
        *content = NULL;
    lf_reader *r = lf_open(path, err, errlen);
    if (!r)
        return false;
    enum { HASH_CHUNK = 1 << 16 };
    /* Read into `kept` while the content fits keep_max, then (`kept`
     * dropped) into a scratch buffer: the hash is the reader's either way. */
    char *kept = NULL, *buf = NULL;
    size_t len = 0, cap = 0;
    bool keeping = content && keep_max > 0;
    ssize_t n;
    for (;;) {
        if (keeping && len > keep_max) {
            keeping = false;
            free(kept);
            kept = NULL;
        }
        if (keeping && cap - len < HASH_CHUNK) {
            cap = cap ? 2 * cap : HASH_CHUNK;
            kept = adr_xrealloc(kept, cap);
        }
        if (!keeping && !buf)
            buf = adr_xmalloc(HASH_CHUNK);
        n = lf_read(r, keeping ? kept + len : buf, HASH_CHUNK);
        if (n <= 0)
            break;
        if (keeping)
            len += (size_t)n;
        if (on_progress)
            on_progress(ctx, lf_input_offset(r));
    }
    free(buf);
    if (n < 0)
        snprintf(err, errlen, "%s", lf_error(r));
    if (n < 0 || len > keep_max) {
        free(kept);
        kept = NULL;
    }
    if (n < 0) {
        lf_close(r);
        return false;
    }
    lf_sha256_hex(r, out);
    lf_close(r);
    if (content && kept) {
        *content = kept;
        *content_len = len;
    }
    return true;
}
