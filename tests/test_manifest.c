/*
 * test_manifest.c - the download manifest's JSON strings: any file name
 * comes out as a string literal every JSON parser reads back to the name.
 */
#include "adreport/manifest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void expect_json(const char *value, const char *expected)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    manifest_json_string(out, value);
    assert_int_equal(fclose(out), 0);
    assert_string_equal(buf, expected);
    free(buf);
}

static void plain_names_are_quoted_as_is(void **state)
{
    (void)state;
    expect_json("campaigns.csv", "\"campaigns.csv\"");
    expect_json("", "\"\"");
}

static void quotes_and_backslashes_are_escaped(void **state)
{
    (void)state;
    expect_json("a\"b\\c", "\"a\\\"b\\\\c\"");
}

static void control_characters_become_u_escapes(void **state)
{
    (void)state;
    expect_json("tab\there\nnl\x01\x1f", "\"tab\\u0009here\\u000anl\\u0001\\u001f\"");
}

static void utf8_passes_through(void **state)
{
    (void)state;
    expect_json("Café 株式会社 😀", "\"Café 株式会社 😀\"");
    expect_json("\x7f", "\"\x7f\""); /* DEL is allowed raw in JSON */
}

static void bytes_that_are_not_utf8_become_replacement_characters(void **state)
{
    (void)state;
    expect_json("a\xff"
                "b",
                "\"a\\ufffdb\"");
    expect_json("\xc3", "\"\\ufffd\"");                       /* a truncated sequence */
    expect_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");            /* an overlong '/' */
    expect_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* a UTF-16 surrogate */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_names_are_quoted_as_is),
        cmocka_unit_test(quotes_and_backslashes_are_escaped),
        cmocka_unit_test(control_characters_become_u_escapes),
        cmocka_unit_test(utf8_passes_through),
        cmocka_unit_test(bytes_that_are_not_utf8_become_replacement_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
