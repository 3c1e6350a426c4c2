/*
 * logfile.h - read an input file, plain or gzip, as a stream of bytes.
 *
 * A file that starts with gzip's magic bytes is inflated, member after member,
 * to its last byte; any other file is read unchanged.  One code path serves
 * both.
 * The reader hashes what it returns (SHA-256 of the uncompressed content),
 * which is the identity the ledger uses: the same rows plain or gzipped are
 * the same file.
 */
#ifndef ADREPORT_LOGFILE_H
#define ADREPORT_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Hex SHA-256 plus NUL. */
#define LF_SHA256_HEX 65

typedef struct lf_reader lf_reader;

/*
 * lf_open - open path for reading.  Returns NULL and fills err (strerror-like
 * text) on failure.  The caller lf_close()s.
 */
lf_reader *lf_open(const char *path, char *err, size_t errlen);

/*
 * lf_read - read up to n uncompressed bytes into buf.  Returns the count, 0 at
 * the end, -1 on error (a truncated or corrupt .gz, an I/O error); then
 * lf_error() says why.
 */
ssize_t lf_read(lf_reader *r, char *buf, size_t n);

/* lf_error - why the last lf_read failed. */
const char *lf_error(lf_reader *r);

/* lf_sha256_hex - the hex SHA-256 of everything read so far. */
void lf_sha256_hex(lf_reader *r, char out[LF_SHA256_HEX]);

/* lf_bytes_read - uncompressed bytes read so far. */
uint64_t lf_bytes_read(const lf_reader *r);

/* lf_input_offset - bytes of the file on disk consumed so far (for progress). */
uint64_t lf_input_offset(lf_reader *r);

/* lf_close - close and free (NULL is fine). */
void lf_close(lf_reader *r);

/* Told how far a long read has come: bytes of the file on disk consumed. */
typedef void (*lf_progress_fn)(void *ctx, uint64_t input_offset);

/*
 * lf_hash_file - read the whole file and return its content hash.
 * Returns false and fills err when it cannot be read to the end.
 * on_progress (may be NULL) is called after every chunk read.
 */
bool lf_hash_file(const char *path, char out[LF_SHA256_HEX], char *err, size_t errlen,
                  lf_progress_fn on_progress, void *ctx);

/*
 * lf_hash_file_keep - lf_hash_file that also hands back what it read, so
 * that a small file need not be read (and decompressed) a second time: when
 * the uncompressed content is at most keep_max bytes, *content is set to
 * it (malloc'd, the caller frees) and *content_len to its length; else
 * *content is NULL.  The content is exactly the bytes `out` is the hash of.
 */
bool lf_hash_file_keep(const char *path, char out[LF_SHA256_HEX], char *err, size_t errlen,
                       lf_progress_fn on_progress, void *ctx, size_t keep_max, char **content,
                       size_t *content_len);

#endif
