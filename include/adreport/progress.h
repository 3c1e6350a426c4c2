/*
 * progress.h - one progress display for a whole command, shared by threads.
 *
 * A stage (load, rollup, report) begins with prog_begin() and ends with
 * prog_end().  In between, worker threads report what they do (files and
 * their passes, or items such as tenants) and one ticker thread owns the
 * display:
 *
 *   - stderr is a terminal: a status line redrawn in place at most
 *     PROG_TTY_HZ times a second, truncated to the terminal's width (never
 *     wrapped), without colour when NO_COLOR is set;
 *   - stderr is not a terminal: a timestamped line (adr_info) every
 *     PROG_LOG_SECONDS, so a log shows life during one long file;
 *   - --quiet: nothing.
 *
 * Everything else printed while a stage runs goes through this module too:
 * result lines through prog_printf(), diagnostics (adr_error, adr_info, ...)
 * through prog_hold()/prog_release(), so a line is never mixed with the
 * status line: the status line is erased, the line printed, and the status
 * line redrawn on the next tick.
 *
 * Typical use (a loader thread):
 *
 *     int slot = prog_file_begin("clicks.csv", size, 1 + 10);
 *     prog_file_pass(slot, "hashing", false, 1);
 *     ... prog_file_update(slot, offset_in_file, 0); ...
 *     prog_file_pass(slot, "loading", true, 10);
 *     ... prog_file_update(slot, offset_in_file, rows_so_far); ...
 *     prog_file_end(slot, rows);
 *     prog_printf("clicks company 1 clicks.csv: loaded ...\n");
 */
#ifndef ADREPORT_PROGRESS_H
#define ADREPORT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Redraws per second on a terminal, at most. */
#define PROG_TTY_HZ 10
/* A stage shorter than this never draws a status line (no flicker).  The
 * environment's ADREPORT_PROGRESS_DELAY (seconds, as git's
 * GIT_PROGRESS_DELAY) overrides it; 0 draws from the stage's start. */
#define PROG_TTY_AFTER_SECONDS 0.3
/* Seconds between progress lines in logs (stderr not a terminal); a build
 * may shorten it (-DPROG_LOG_SECONDS=1.0) to watch the lines. */
#ifndef PROG_LOG_SECONDS
#define PROG_LOG_SECONDS 30.0
#endif
/* Width when the terminal's cannot be read (TIOCGWINSZ). */
#define PROG_DEFAULT_WIDTH 80
/* Files in flight at once, at most (loader threads plus one). */
#define PROG_MAX_SLOTS 17

/*
 * prog_begin - start a stage: `stage` ("load"), what it counts (`unit`,
 * "files", "tenants", "reports") and how many (`total`), the bytes of the
 * files (`bytes`, counted once; 0: no files) and the amount of work in all
 * (`work`: each file's bytes times its passes' weights, see
 * prog_file_begin; 0: count items only).  Starts
 * the ticker thread unless the display is off.  The strings must outlive
 * the stage.
 *
 * Example: prog_begin("rollup", "tenants", ntenants, 0, 0);
 */
void prog_begin(const char *stage, const char *unit, uint64_t total, uint64_t bytes, uint64_t work);

/* prog_end - end the stage: stop the ticker and erase the status line. */
void prog_end(void);

/*
 * prog_file_begin - a file is in flight: its base name (any bytes; shown
 * sanitized), its size on disk and the weight of all its passes: a pass
 * of weight w over the file is size * w units of work, so a fast hashing
 * pass can count for less than the loading pass.  Returns a slot for the
 * calls below, or -1 when none is free (the calls then do nothing).
 */
int prog_file_begin(const char *name, uint64_t size, unsigned weight);

/* prog_file_pass - the next pass over the file begins ("hashing",
 * "checking", "loading"), of `weight`; with counts_rows its rows count as
 * progress. */
void prog_file_pass(int slot, const char *phase, bool counts_rows, unsigned weight);

/* prog_file_update - bytes of the file consumed in this pass, and rows. */
void prog_file_update(int slot, uint64_t offset, uint64_t rows);

/* prog_file_end - the file is done (loaded, skipped or failed); `rows` are
 * the rows it loaded or rejected, for the stage's row count. */
void prog_file_end(int slot, uint64_t rows);

/* prog_set_total - how many the stage counts, once it is known (a rollup
 * knows its tenant-days after its claim). */
void prog_set_total(uint64_t total);

/* prog_item_begin - the item in flight (e.g. "company 42"), shown after
 * the counts; copied. */
void prog_item_begin(const char *label);

/* prog_item_done - one item (tenant, report) done; `rows` add to the rows. */
void prog_item_done(uint64_t rows);

/*
 * prog_printf - print a result line on stdout without mixing it with the
 * status line.  Safe from any thread; lines from threads never interleave.
 */
void prog_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * prog_hold / prog_release - around any other write to stdout or stderr
 * while a stage may run (log.c's diagnostics): hold erases the status line
 * and keeps the ticker from drawing until release.  Not reentrant.
 */
void prog_hold(void);
void prog_release(void);

/*
 * prog_sanitize - copy `name` into out (size bytes, NUL-terminated) with
 * every byte that is not printable ASCII replaced by '?', so the text has
 * one column per byte; a name longer than max_cols keeps its end (the date
 * part of "impressions-2026-11-15.csv") behind a '~'.  Returns out.
 */
char *prog_sanitize(char *out, size_t size, const char *name, size_t max_cols);

#endif
