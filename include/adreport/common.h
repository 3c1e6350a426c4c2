/*
 * common.h - exit codes, limits and diagnostics shared by every module.
 *
 * Diagnostics follow PostgreSQL's style: a primary message saying what
 * failed, an optional detail saying where and why, an optional hint saying
 * what to do.  Lower case, no trailing period, names in double quotes.
 */
#ifndef ADREPORT_COMMON_H
#define ADREPORT_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADR_VERSION "0.1.0"

/* ADR_STR(MACRO) - a macro's value as a string literal, for messages that
 * quote a limit: "longer than " ADR_STR(EV_SITE_URL_MAX) " bytes". */
#define ADR_STR_(x) #x
#define ADR_STR(x) ADR_STR_(x)

/* Exit codes: what cron sees.  Documented in README.md and adreport.1. */
enum adr_exit {
    ADR_EXIT_OK = 0,          /* everything loaded / written, no row rejected */
    ADR_EXIT_ERROR = 1,       /* database, I/O or other error */
    ADR_EXIT_USAGE = 2,       /* bad command line */
    ADR_EXIT_REJECTS = 3,     /* files loaded, but some rows were rejected */
    ADR_EXIT_FILE_FAILED = 4, /* at least one file failed or was refused */
    ADR_EXIT_LOCKED = 75      /* EX_TEMPFAIL: another run holds the lock */
};

/* How chatty diagnostics are: --quiet, default, --verbose. */
enum adr_verbosity { ADR_QUIET = 0, ADR_NORMAL = 1, ADR_VERBOSE = 2 };

/* Set once by main() from --quiet / --verbose. */
extern int adr_verbosity;

/*
 * adr_error - print a three-part error message to stderr.
 * @primary: what failed, e.g. `could not load "clicks.csv"`
 * @detail:  where and why (may be NULL)
 * @hint:    what to do about it (may be NULL)
 */
void adr_error(const char *primary, const char *detail, const char *hint);

/* adr_warning - like adr_error, for problems the run survives. */
void adr_warning(const char *primary, const char *detail, const char *hint);

/* The longest primary message adr_errorf and adr_warningf print (a path fits). */
#define ADR_MAX_PRIMARY 4400

/*
 * adr_errorf - adr_error with the primary message formatted (cut at
 * ADR_MAX_PRIMARY bytes), so callers need no buffer of their own.
 *
 *     adr_errorf(strerror(errno), NULL, "could not load \"%s\"", path);
 */
void adr_errorf(const char *detail, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* adr_warningf - adr_warning with the primary message formatted. */
void adr_warningf(const char *detail, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * adr_info - a progress line on stderr, shown unless --quiet.  When stderr is
 * not a terminal the line is prefixed with a UTC timestamp, so cron mail reads
 * as a log.
 */
void adr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* adr_debug - like adr_info, only with --verbose. */
void adr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * adr_fmt - format into a caller-provided buffer, truncating safely.
 * Returns buf, so it can be used inline as an argument.
 */
char *adr_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* adr_now - monotonic seconds, for timing stages. */
double adr_now(void);

/* adr_xmalloc / adr_xrealloc - allocate or die with a message (exit 1). */
void *adr_xmalloc(size_t size);
void *adr_xrealloc(void *ptr, size_t size);
char *adr_xstrdup(const char *s);

#endif
