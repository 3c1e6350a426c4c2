/*
 * test_progress.c - the progress display's text rules: names shown one
 * column per byte, long names keeping their end.
 */
#include "adreport/progress.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void sanitized_names_are_printable_and_keep_their_end(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(prog_sanitize(out, sizeof out, "a\tb\xc3\xa9.csv", 40), "a?b??.csv");
    assert_string_equal(prog_sanitize(out, sizeof out, "impressions-2026-11-15.csv", 12),
                        "~6-11-15.csv");
}

static void sanitize_never_overflows_the_buffer(void **state)
{
    (void)state;
    char out[8];
    assert_string_equal(prog_sanitize(out, sizeof out, "clicks-2026-11-15.csv", 40), "~15.csv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sanitized_names_are_printable_and_keep_their_end),
        cmocka_unit_test(sanitize_never_overflows_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
