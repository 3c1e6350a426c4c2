/*
 * logfile.c - plain or gzip input with a running SHA-256 (see logfile.h).
 *
 * gzip by hand with inflate(), not zlib's gzread: gzread ignores whatever
 * follows the last gzip member, so rows appended to a .gz file as plain text
 * (`cat late.csv >> day.csv.gz`) were dropped with exit 0.  Here the file
 * must be gzip members to its last byte (trailing zero bytes, the padding
 * some copiers add, aside); anything else is an error that names its offset.
 */
#include "adreport/logfile.h"
#include "adreport/common.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes read from the file at a time (plain or compressed). */
#define LF_IN_BUFFER (256 * 1024)

struct lf_reader {
    int fd;
    bool gzip;      /* the file starts with gzip's magic bytes */
    bool in_member; /* inside a gzip member (inflate not at its end) */
    bool file_eof;  /* read() returned 0 */
    z_stream z;     /* next_in/avail_in: the unread part of in[], both modes */
    bool z_ready;   /* inflateInit2 done */
    uint64_t raw;   /* bytes read from the file */
    EVP_MD_CTX *sha;
    uint64_t bytes; /* bytes handed out */
    char error[256];
    unsigned char in[LF_IN_BUFFER];
};

/* Read more of the file behind the unread input.  False on a read error. */
static bool fill(lf_reader *r)
{
    if (r->file_eof)
        return true;
    if (r->z.avail_in > 0 && r->z.next_in != r->in)
        memmove(r->in, r->z.next_in, r->z.avail_in);
    r->z.next_in = r->in;
    ssize_t got;
    do
        got = read(r->fd, r->in + r->z.avail_in, sizeof r->in - r->z.avail_in);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        snprintf(r->error, sizeof r->error, "%s", strerror(errno));
        return false;
    }
    r->file_eof = got == 0;
    r->z.avail_in += (uInt)got;
    r->raw += (uint64_t)got;
    return true;
}

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
    memset(r, 0, offsetof(lf_reader, in));
    r->fd = fd;
    r->z.next_in = r->in;
    r->sha = EVP_MD_CTX_new();
    if (!r->sha || EVP_DigestInit_ex(r->sha, EVP_sha256(), NULL) != 1) {
        snprintf(err, errlen, "could not set up the reader (out of memory)");
        lf_close(r);
        return NULL;
    }
    /* Plain or gzip, told by the first two bytes (as gzip(1) does). */
    while (r->z.avail_in < 2 && !r->file_eof)
        if (!fill(r)) {
            snprintf(err, errlen, "%s", r->error);
            lf_close(r);
            return NULL;
        }
    r->gzip = r->z.avail_in >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b;
    if (r->gzip) {
        if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK) { /* 16: gzip wrapper */
            snprintf(err, errlen, "could not set up the reader (out of memory)");
            lf_close(r);
            return NULL;
        }
        r->z_ready = true;
        r->in_member = true;
    }
    return r;
}

static ssize_t fail(lf_reader *r, const char *fmt, uint64_t at)
{
    snprintf(r->error, sizeof r->error, fmt, at);
    return -1;
}

/*
 * Between two members: the next bytes start another member, or are zero
 * padding to the end of the file.  1 when a member starts, 0 at the clean
 * end, -1 on anything else.
 */
static int next_member(lf_reader *r)
{
    bool padding = false;
    for (;;) {
        if (r->z.avail_in < 2 && !r->file_eof && !fill(r))
            return -1;
        if (r->z.avail_in == 0)
            return 0;
        if (r->z.next_in[0] == 0) {
            while (r->z.avail_in > 0 && r->z.next_in[0] == 0) {
                r->z.next_in++;
                r->z.avail_in--;
            }
            padding = true;
            continue;
        }
        if (!padding && r->z.avail_in >= 2 && r->z.next_in[0] == 0x1f && r->z.next_in[1] == 0x8b) {
            inflateReset(&r->z);
            r->in_member = true;
            return 1;
        }
        fail(r, "data after the end of the gzip stream, at byte %" PRIu64 " of the file",
             r->raw - r->z.avail_in);
        return -1;
    }
}

ssize_t lf_read(lf_reader *r, char *buf, size_t n)
{
    if (n > (size_t)INT32_MAX)
        n = INT32_MAX;
    ssize_t got;
    if (!r->gzip) {
        if (r->z.avail_in == 0 && !fill(r))
            return -1;
        got = r->z.avail_in < n ? r->z.avail_in : n;
        memcpy(buf, r->z.next_in, (size_t)got);
        r->z.next_in += got;
        r->z.avail_in -= (uInt)got;
    } else {
        r->z.next_out = (Bytef *)buf;
        r->z.avail_out = (uInt)n;
        while (r->z.avail_out == n) {
            if (!r->in_member) {
                int more = next_member(r);
                if (more <= 0)
                    return more;
            }
            if (r->z.avail_in == 0 && !fill(r))
                return -1;
            if (r->z.avail_in == 0)
                return fail(r, "unexpected end of file (compressed data stop at byte %" PRIu64 ")",
                            r->raw);
            int rc = inflate(&r->z, Z_NO_FLUSH);
            if (rc == Z_STREAM_END)
                r->in_member = false;
            else if (rc != Z_OK && rc != Z_BUF_ERROR)
                return fail(r,
                            rc == Z_MEM_ERROR ? "out of memory (at byte %" PRIu64 ")"
                                              : "corrupt compressed data near byte %" PRIu64,
                            r->raw - r->z.avail_in);
        }
        got = (ssize_t)(n - r->z.avail_out);
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
    return r->raw - r->z.avail_in;
}

void lf_close(lf_reader *r)
{
    if (!r)
        return;
    if (r->z_ready)
        inflateEnd(&r->z);
    if (r->fd >= 0)
        close(r->fd);
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
