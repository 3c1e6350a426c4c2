/*
 * progress.c - the progress display of a command (see progress.h).
 *
 * One mutex guards all state; workers only update counters under it, and
 * the ticker thread is the only one that draws the status line.  Anything
 * else printed meanwhile takes the same mutex and erases the status line
 * first, so output never interleaves.  Nothing here allocates or calls
 * adr_* while holding the mutex: log.c's diagnostics take it too.
 */
#include "adreport/progress.h"
#include "adreport/common.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* Longest status line we compose; wider terminals get this much. */
#define PROG_LINE_MAX 512
/* Columns a file name takes in the status line, at most. */
#define PROG_NAME_COLS 40
/* Terminals narrower than this are drawn as if this wide (and truncated). */
#define PROG_MIN_WIDTH 20
/* From this width on the status line has a bar. */
#define PROG_BAR_FROM_WIDTH 110
#define PROG_BAR_COLS 20
/* Below this width, file names in flight take at most PROG_NARROW_NAME_COLS. */
#define PROG_WIDE_WIDTH 120
#define PROG_NARROW_NAME_COLS 16

typedef enum prog_mode { PROG_OFF, PROG_TTY, PROG_LOG } prog_mode;

/* A file in flight. */
typedef struct prog_slot {
    bool used;
    char name[PROG_NAME_COLS + 1]; /* sanitized */
    uint64_t size;
    unsigned weight_total; /* work of all passes, per byte */
    unsigned weight;       /* work of the current pass, per byte */
    uint64_t work_before;  /* work of the passes done */
    const char *phase;
    bool counts_rows;
    uint64_t offset, rows;
} prog_slot;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    prog_mode mode;
    bool active, stop, ticking;
    pthread_t ticker;
    const char *stage, *unit;
    uint64_t total, items_done;
    uint64_t work_total, work_done; /* of finished files */
    uint64_t bytes_total;           /* of the files on disk, once each */
    uint64_t rows_done;             /* of finished files and items */
    double start, last_log;
    double delay; /* seconds before the first draw */
    char item[PROG_NAME_COLS + 1];
    prog_slot slots[PROG_MAX_SLOTS];
    bool colour, dumb;
    bool drawn;       /* a status line is on the screen */
    size_t drawn_len; /* its length, for terminals without erase-line */
    char last[PROG_LINE_MAX];
} P = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

char *prog_sanitize(char *out, size_t size, const char *name, size_t max_cols)
{
    if (size == 0)
        return out;
    size_t n = strlen(name), cols = max_cols < size - 1 ? max_cols : size - 1;
    const char *src = name;
    size_t o = 0;
    if (n > cols && cols > 1) {
        out[o++] = '~';
        src = name + n - (cols - 1);
    }
    for (; *src && o < cols; src++) {
        unsigned char c = (unsigned char)*src;
        out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[o] = '\0';
    return out;
}

static int terminal_width(void)
{
    struct winsize ws;
    int w = 0;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        w = ws.ws_col;
    else if (getenv("COLUMNS"))
        w = atoi(getenv("COLUMNS"));
    if (w <= 0)
        w = PROG_DEFAULT_WIDTH;
    if (w < PROG_MIN_WIDTH)
        w = PROG_MIN_WIDTH;
    if (w > PROG_LINE_MAX - 1)
        w = PROG_LINE_MAX - 1;
    return w;
}

/* Append to a line being composed, truncating at its end. */
typedef struct line {
    char *buf;
    size_t size, len;
} line;

static void add(line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(line *l, const char *fmt, ...)
{
    if (l->len + 1 >= l->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, l->size - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n < l->size - l->len ? (size_t)n : l->size - l->len - 1;
}

static const char *count_str(char *buf, size_t size, uint64_t v)
{
    if (v < 10000)
        snprintf(buf, size, "%llu", (unsigned long long)v);
    else if (v < 1000000)
        snprintf(buf, size, "%.1fk", (double)v / 1e3);
    else
        snprintf(buf, size, "%.2fM", (double)v / 1e6);
    return buf;
}

static const char *eta_str(char *buf, size_t size, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
    return buf;
}

/* Work done of a slot: passes done plus the current pass's offset. */
static uint64_t slot_work(const prog_slot *s)
{
    uint64_t all = s->size * s->weight_total;
    uint64_t w = s->work_before + (s->offset < s->size ? s->offset : s->size) * s->weight;
    return w < all ? w : all;
}

/*
 * The status (tty: a short line; log: a sentence) as of now.  Caller holds
 * the lock.  Only ASCII goes in, so bytes are columns.
 */
static void compose(char *buf, size_t size, bool tty, int width, double now)
{
    line l = {buf, size, 0};
    uint64_t work = P.work_done, rows = P.rows_done;
    int inflight = 0;
    for (int i = 0; i < PROG_MAX_SLOTS; i++) {
        const prog_slot *s = &P.slots[i];
        if (!s->used)
            continue;
        inflight++;
        work += slot_work(s);
        rows += s->counts_rows ? s->rows : 0;
    }
    double share = P.work_total ? (double)work / (double)P.work_total
                   : P.total    ? (double)P.items_done / (double)P.total
                                : 0;
    if (share > 1)
        share = 1;
    double elapsed = now - P.start;
    double eta = share > 0 && elapsed > 1 ? elapsed * (1 - share) / share : -1;
    char rows_s[32], rate_s[32], eta_s[32];
    double rate = elapsed > 0 ? (double)rows / elapsed : 0;
    /* Bytes of the files, by the share of the work done: a file is read
     * two or three times (hash, check, load), and each pass counts. */
    double mb_total = P.bytes_total / 1e6, mb_done = share * mb_total;

    if (tty) {
        add(&l, "%s %llu/%llu %s", P.stage, (unsigned long long)P.items_done,
            (unsigned long long)P.total, P.unit);
        if (width >= PROG_BAR_FROM_WIDTH) {
            int filled = (int)(share * PROG_BAR_COLS);
            add(&l, " [%.*s%.*s]", filled, "####################", PROG_BAR_COLS - filled,
                "--------------------");
        }
        add(&l, " %3.0f%%", 100 * share);
        if (P.bytes_total)
            add(&l, mb_total >= 100 ? " %.0f/%.0f MB" : " %.1f/%.1f MB", mb_done, mb_total);
        if (rows)
            add(&l, " %s rows %s/s", count_str(rows_s, sizeof rows_s, rows),
                count_str(rate_s, sizeof rate_s, (uint64_t)rate));
        if (eta >= 0)
            add(&l, " ETA %s", eta_str(eta_s, sizeof eta_s, eta));
        if (inflight || P.item[0])
            add(&l, " |");
        if (P.item[0])
            add(&l, " %s", P.item);
        /* Narrow terminals: shorter names, so that every file in flight shows. */
        size_t name_cols = width >= PROG_WIDE_WIDTH ? PROG_NAME_COLS : PROG_NARROW_NAME_COLS;
        for (int i = 0; i < PROG_MAX_SLOTS; i++) {
            const prog_slot *s = &P.slots[i];
            if (!s->used)
                continue;
            char name[PROG_NAME_COLS + 1];
            size_t n = strlen(s->name);
            if (n > name_cols)
                snprintf(name, sizeof name, "~%s", s->name + n - (name_cols - 1));
            else
                snprintf(name, sizeof name, "%s", s->name);
            /* "loading" is what files do; only the other passes are named. */
            bool loading = strcmp(s->phase, "loading") == 0;
            add(&l, " %s%s%s %.0f%%", name, loading ? "" : " ", loading ? "" : s->phase,
                s->size
                    ? 100.0 * (double)(s->offset < s->size ? s->offset : s->size) / (double)s->size
                    : 0.0);
        }
        return;
    }
    add(&l, "%s: %llu/%llu %s, %.0f%%", P.stage, (unsigned long long)P.items_done,
        (unsigned long long)P.total, P.unit, 100 * share);
    if (P.bytes_total)
        add(&l, " of %.1f MB", mb_total);
    if (rows)
        add(&l, ", %llu rows, %.0f rows/s", (unsigned long long)rows, rate);
    if (eta >= 0)
        add(&l, ", about %.0f s left", eta);
    if (P.item[0])
        add(&l, "; at %s", P.item);
    const char *sep = "; in flight: ";
    for (int i = 0; i < PROG_MAX_SLOTS; i++) {
        const prog_slot *s = &P.slots[i];
        if (!s->used)
            continue;
        add(&l, "%s%s (%s %.0f%%)", sep, s->name, s->phase,
            s->size ? 100.0 * (double)(s->offset < s->size ? s->offset : s->size) / (double)s->size
                    : 0.0);
        sep = ", ";
    }
}

/* Erase the status line.  Caller holds the lock. */
static void erase(void)
{
    if (!P.drawn)
        return;
    if (P.dumb)
        fprintf(stderr, "\r%*s\r", (int)P.drawn_len, "");
    else
        fputs("\r\033[K", stderr);
    fflush(stderr);
    P.drawn = false;
    P.last[0] = '\0';
}

/* Draw the status line if it changed.  Caller holds the lock. */
static void draw(double now)
{
    char text[PROG_LINE_MAX];
    int width = terminal_width();
    /* One column short of the width: writing the last column makes some
     * terminals wrap. */
    compose(text, (size_t)width, true, width, now);
    if (P.drawn && strcmp(text, P.last) == 0)
        return;
    size_t len = strlen(text), stage = strlen(P.stage);
    fputc('\r', stderr);
    if (P.colour && len > stage)
        fprintf(stderr, "\033[1m%.*s\033[0m%s", (int)stage, text, text + stage);
    else
        fputs(text, stderr);
    if (P.dumb) {
        if (P.drawn && P.drawn_len > len)
            fprintf(stderr, "%*s", (int)(P.drawn_len - len), "");
    } else {
        fputs("\033[K", stderr);
    }
    fflush(stderr);
    P.drawn = true;
    P.drawn_len = len;
    snprintf(P.last, sizeof P.last, "%s", text);
}

static void *tick(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&P.lock);
    /* Look first, then wait: with no delay the line is drawn at once. */
    while (!P.stop) {
        double now = adr_now();
        if (P.mode == PROG_TTY && now - P.start >= P.delay) {
            draw(now);
        } else if (P.mode == PROG_LOG && now - P.last_log >= PROG_LOG_SECONDS) {
            char text[PROG_LINE_MAX * 2];
            compose(text, sizeof text, false, 0, now);
            P.last_log = now;
            /* adr_info takes the lock itself (prog_hold). */
            pthread_mutex_unlock(&P.lock);
            adr_info("%s", text);
            pthread_mutex_lock(&P.lock);
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 1000000000L / PROG_TTY_HZ;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&P.wake, &P.lock, &until);
    }
    pthread_mutex_unlock(&P.lock);
    return NULL;
}

/* ADREPORT_PROGRESS_DELAY when it is a number of seconds, else the default. */
static double tty_delay(void)
{
    const char *v = getenv("ADREPORT_PROGRESS_DELAY");
    if (!v || !*v)
        return PROG_TTY_AFTER_SECONDS;
    char *end;
    double d = strtod(v, &end);
    return *end == '\0' && d >= 0 && d <= 86400 ? d : PROG_TTY_AFTER_SECONDS;
}

void prog_begin(const char *stage, const char *unit, uint64_t total, uint64_t bytes, uint64_t work)
{
    prog_end();
    pthread_mutex_lock(&P.lock);
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    P.mode = adr_verbosity < ADR_NORMAL   ? PROG_OFF
             : isatty(STDERR_FILENO) != 0 ? PROG_TTY
                                          : PROG_LOG;
    P.dumb = term && strcmp(term, "dumb") == 0;
    P.colour = !(no_color && *no_color) && !P.dumb;
    P.active = true;
    P.stop = false;
    P.stage = stage;
    P.unit = unit;
    P.total = total;
    P.work_total = work;
    P.bytes_total = bytes;
    P.items_done = P.work_done = P.rows_done = 0;
    P.start = P.last_log = adr_now();
    P.delay = tty_delay();
    P.item[0] = '\0';
    memset(P.slots, 0, sizeof P.slots);
    P.ticking = P.mode != PROG_OFF && pthread_create(&P.ticker, NULL, tick, NULL) == 0;
    pthread_mutex_unlock(&P.lock);
}

void prog_end(void)
{
    pthread_mutex_lock(&P.lock);
    bool ticking = P.ticking;
    P.stop = true;
    pthread_cond_signal(&P.wake);
    pthread_mutex_unlock(&P.lock);
    if (ticking)
        pthread_join(P.ticker, NULL);
    pthread_mutex_lock(&P.lock);
    erase();
    P.ticking = P.active = false;
    P.mode = PROG_OFF;
    pthread_mutex_unlock(&P.lock);
}

int prog_file_begin(const char *name, uint64_t size, unsigned weight)
{
    int slot = -1;
    pthread_mutex_lock(&P.lock);
    for (int i = 0; P.active && i < PROG_MAX_SLOTS; i++) {
        prog_slot *s = &P.slots[i];
        if (s->used)
            continue;
        memset(s, 0, sizeof *s);
        s->used = true;
        prog_sanitize(s->name, sizeof s->name, name, PROG_NAME_COLS);
        s->size = size;
        s->weight_total = weight;
        s->phase = "waiting";
        slot = i;
        break;
    }
    pthread_mutex_unlock(&P.lock);
    return slot;
}

void prog_file_pass(int slot, const char *phase, bool counts_rows, unsigned weight)
{
    if (slot < 0 || slot >= PROG_MAX_SLOTS)
        return;
    pthread_mutex_lock(&P.lock);
    prog_slot *s = &P.slots[slot];
    s->work_before += s->size * s->weight; /* the previous pass is done */
    s->weight = weight;
    s->phase = phase;
    s->counts_rows = counts_rows;
    s->offset = s->rows = 0;
    pthread_mutex_unlock(&P.lock);
}

void prog_file_update(int slot, uint64_t offset, uint64_t rows)
{
    if (slot < 0 || slot >= PROG_MAX_SLOTS)
        return;
    pthread_mutex_lock(&P.lock);
    P.slots[slot].offset = offset;
    P.slots[slot].rows = rows;
    pthread_mutex_unlock(&P.lock);
}

void prog_file_end(int slot, uint64_t rows)
{
    pthread_mutex_lock(&P.lock);
    if (slot >= 0 && slot < PROG_MAX_SLOTS && P.slots[slot].used) {
        prog_slot *s = &P.slots[slot];
        P.work_done += s->size * s->weight_total;
        s->used = false;
    }
    if (P.active) {
        P.items_done++;
        P.rows_done += rows;
    }
    pthread_mutex_unlock(&P.lock);
}

void prog_set_total(uint64_t total)
{
    pthread_mutex_lock(&P.lock);
    P.total = total;
    pthread_mutex_unlock(&P.lock);
}

void prog_item_begin(const char *label)
{
    pthread_mutex_lock(&P.lock);
    prog_sanitize(P.item, sizeof P.item, label, PROG_NAME_COLS);
    pthread_mutex_unlock(&P.lock);
}

void prog_item_done(uint64_t rows)
{
    pthread_mutex_lock(&P.lock);
    if (P.active) {
        P.items_done++;
        P.rows_done += rows;
    }
    pthread_mutex_unlock(&P.lock);
}

void prog_printf(const char *fmt, ...)
{
    pthread_mutex_lock(&P.lock);
    erase();
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fflush(stdout);
    pthread_mutex_unlock(&P.lock);
}

void prog_hold(void)
{
    pthread_mutex_lock(&P.lock);
    erase();
    fflush(stdout);
}

void prog_release(void)
{
    pthread_mutex_unlock(&P.lock);
}
