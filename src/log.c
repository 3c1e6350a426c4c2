/*
 * log.c - diagnostics and small process-wide helpers (see common.h).
 */
#include "adreport/common.h"
#include "adreport/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int adr_verbosity = ADR_NORMAL;

static void print_message(const char *level, const char *primary, const char *detail,
                          const char *hint)
{
    prog_hold(); /* erase a progress line first: messages never mix with it */
    fprintf(stderr, "adreport: %s: %s\n", level, primary);
    if (detail && *detail)
        fprintf(stderr, "DETAIL:  %s\n", detail);
    if (hint && *hint)
        fprintf(stderr, "HINT:  %s\n", hint);
    fflush(stderr);
    prog_release();
}

void adr_error(const char *primary, const char *detail, const char *hint)
{
    print_message("error", primary, detail, hint);
}

void adr_warning(const char *primary, const char *detail, const char *hint)
{
    if (adr_verbosity >= ADR_NORMAL)
        print_message("warning", primary, detail, hint);
}

/* What adr_errorf and adr_warningf share: format the primary, then print. */
__attribute__((format(printf, 4, 0))) static void
vprint_formatted(void (*print)(const char *, const char *, const char *), const char *detail,
                 const char *hint, const char *fmt, va_list ap)
{
    char primary[ADR_MAX_PRIMARY];
    vsnprintf(primary, sizeof primary, fmt, ap);
    print(primary, detail, hint);
}

void adr_errorf(const char *detail, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_formatted(adr_error, detail, hint, fmt, ap);
    va_end(ap);
}

void adr_warningf(const char *detail, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_formatted(adr_warning, detail, hint, fmt, ap);
    va_end(ap);
}

static void vinfo(const char *fmt, va_list ap)
{
    prog_hold();
    /* Timestamps only where nobody watches live: logs and cron mail. */
    if (!isatty(STDERR_FILENO)) {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(stderr, "%s ", stamp);
    }
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
    prog_release();
}

void adr_info(const char *fmt, ...)
{
    if (adr_verbosity < ADR_NORMAL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vinfo(fmt, ap);
    va_end(ap);
}

void adr_debug(const char *fmt, ...)
{
    if (adr_verbosity < ADR_VERBOSE)
        return;
    va_list ap;
    va_start(ap, fmt);
    vinfo(fmt, ap);
    va_end(ap);
}

char *adr_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

double adr_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void out_of_memory(size_t size)
{
    char detail[64];
    adr_error("out of memory", adr_fmt(detail, sizeof detail, "failed to allocate %zu bytes", size),
              NULL);
    exit(ADR_EXIT_ERROR);
}

void *adr_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *adr_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

char *adr_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = adr_xmalloc(n);
    memcpy(p, s, n);
    return p;
}
