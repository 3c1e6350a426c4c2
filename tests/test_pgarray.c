/*
 * test_pgarray.c - unit tests for src/pgarray.c, the text array literal
 * parser of campaigns.blacklisted_site_urls.
 *
 * Where a literal is accepted, the expected elements are what PostgreSQL 15
 * makes of it (SELECT array_to_json('<literal>'::text[])); where PostgreSQL
 * accepts a form the parser refuses on purpose, the test says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adreport/pgarray.h"

/* One parse: the literal, its elements and the reason of a refusal. */
typedef struct parsed {
    int n;
    const char *elems[PGA_MAX_ELEMS];
    size_t lens[PGA_MAX_ELEMS];
    const char *why;
    char *input;   /* a private copy: elements must point into it or scratch */
    char *scratch; /* exactly len bytes, so an overrun shows under ASan */
    size_t len;
} parsed;

static parsed *parse_n(const char *lit, size_t len)
{
    parsed *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->len = len;
    p->input = malloc(len ? len : 1);
    p->scratch = malloc(len ? len : 1);
    assert_non_null(p->input);
    assert_non_null(p->scratch);
    memcpy(p->input, lit, len);
    p->n = pga_parse_text_array(p->input, len, p->scratch, p->elems, p->lens, &p->why);
    return p;
}

static parsed *parse(const char *lit)
{
    return parse_n(lit, strlen(lit));
}

static void done(parsed *p)
{
    free(p->input);
    free(p->scratch);
    free(p);
}

/* Element i is the text want, pointing into the input or the scratch. */
static void assert_elem(const parsed *p, int i, const char *want)
{
    assert_true(i < p->n);
    if (!p->elems[i])
        fail_msg("element %d is NULL, expected \"%s\"", i, want);
    if (p->lens[i] != strlen(want) || memcmp(p->elems[i], want, p->lens[i]) != 0)
        fail_msg("element %d is \"%.*s\", expected \"%s\"", i, (int)p->lens[i], p->elems[i], want);
    bool in_input = p->elems[i] >= p->input && p->elems[i] + p->lens[i] <= p->input + p->len;
    bool in_scratch = p->elems[i] >= p->scratch && p->elems[i] + p->lens[i] <= p->scratch + p->len;
    assert_true(in_input || in_scratch);
}

static void assert_null_elem(const parsed *p, int i)
{
    assert_true(i < p->n);
    assert_null(p->elems[i]);
}

static void assert_refused(const char *lit, const char *why)
{
    parsed *p = parse(lit);
    if (p->n != -1)
        fail_msg("\"%s\" accepted with %d elements", lit, p->n);
    assert_non_null(p->why);
    if (why && strcmp(p->why, why) != 0)
        fail_msg("\"%s\": refused because \"%s\", expected \"%s\"", lit, p->why, why);
    done(p);
}

/* ------------------------------------------------------------------------ */
/* accepted literals                                                        */
/* ------------------------------------------------------------------------ */

static void empty_braces_are_an_array_of_no_elements(void **state)
{
    (void)state;
    parsed *p = parse("{}");
    assert_int_equal(p->n, 0);
    done(p);
}

static void spaces_around_and_inside_empty_braces_are_ignored(void **state)
{
    (void)state;
    parsed *p = parse(" \t{ \t} \t");
    assert_int_equal(p->n, 0);
    done(p);
}

static void unquoted_elements_split_at_commas(void **state)
{
    (void)state;
    parsed *p = parse("{http://a.example,http://b.example/x?y=1}");
    assert_int_equal(p->n, 2);
    assert_elem(p, 0, "http://a.example");
    assert_elem(p, 1, "http://b.example/x?y=1");
    done(p);
}

/* PostgreSQL: '{ a b , c }' -> ["a b","c"] */
static void unquoted_elements_keep_inner_spaces_and_lose_outer_ones(void **state)
{
    (void)state;
    parsed *p = parse("{ a b , c\t}");
    assert_int_equal(p->n, 2);
    assert_elem(p, 0, "a b");
    assert_elem(p, 1, "c");
    done(p);
}

static void quoted_elements_may_hold_commas_and_braces(void **state)
{
    (void)state;
    parsed *p = parse("{\"a,b\",\"{c}\"}");
    assert_int_equal(p->n, 2);
    assert_elem(p, 0, "a,b");
    assert_elem(p, 1, "{c}");
    done(p);
}

/* PostgreSQL: '{"c\"d","e\\f"}' -> ["c\"d","e\\f"] */
static void backslash_in_quotes_takes_the_next_byte_as_it_is(void **state)
{
    (void)state;
    parsed *p = parse("{\"c\\\"d\",\"e\\\\f\",\"\\x\"}");
    assert_int_equal(p->n, 3);
    assert_elem(p, 0, "c\"d");
    assert_elem(p, 1, "e\\f");
    assert_elem(p, 2, "x");
    done(p);
}

/* PostgreSQL: '{"\\"}' -> ["\\"] */
static void escaped_backslash_before_the_closing_quote_ends_the_element(void **state)
{
    (void)state;
    parsed *p = parse("{\"\\\\\"}");
    assert_int_equal(p->n, 1);
    assert_elem(p, 0, "\\");
    done(p);
}

static void quoted_empty_string_is_an_empty_element_not_null(void **state)
{
    (void)state;
    parsed *p = parse("{\"\",\"\"}");
    assert_int_equal(p->n, 2);
    assert_elem(p, 0, "");
    assert_elem(p, 1, "");
    done(p);
}

/* PostgreSQL: '{NULL,null,"NULL",NULLx}' -> [null,null,"NULL","NULLx"] */
static void unquoted_null_in_any_case_is_sql_null(void **state)
{
    (void)state;
    parsed *p = parse("{NULL,null,NuLl , NULL}");
    assert_int_equal(p->n, 4);
    for (int i = 0; i < 4; i++)
        assert_null_elem(p, i);
    done(p);
}

static void quoted_null_and_longer_words_are_text(void **state)
{
    (void)state;
    parsed *p = parse("{\"NULL\",NULLx,xNULL,NUL}");
    assert_int_equal(p->n, 4);
    assert_elem(p, 0, "NULL");
    assert_elem(p, 1, "NULLx");
    assert_elem(p, 2, "xNULL");
    assert_elem(p, 3, "NUL");
    done(p);
}

static void spaces_around_quoted_elements_are_ignored(void **state)
{
    (void)state;
    parsed *p = parse("{ \"a\"  ,\t\"b\" }");
    assert_int_equal(p->n, 2);
    assert_elem(p, 0, "a");
    assert_elem(p, 1, "b");
    done(p);
}

static void quoted_and_unquoted_elements_mix(void **state)
{
    (void)state;
    parsed *p = parse("{a,\"b\",NULL,\"\"}");
    assert_int_equal(p->n, 4);
    assert_elem(p, 0, "a");
    assert_elem(p, 1, "b");
    assert_null_elem(p, 2);
    assert_elem(p, 3, "");
    done(p);
}

static void utf8_text_passes_through_unchanged(void **state)
{
    (void)state;
    parsed *p = parse("{http://例え.jp/,\"Café\"}");
    assert_int_equal(p->n, 2);
    assert_elem(p, 0, "http://例え.jp/");
    assert_elem(p, 1, "Café");
    done(p);
}

/* The literal is s[0..len): a byte after it is not read. */
static void reads_only_len_bytes(void **state)
{
    (void)state;
    parsed *p = parse_n("{a,b}garbage", 5);
    assert_int_equal(p->n, 2);
    assert_elem(p, 1, "b");
    done(p);
}

static void accepts_exactly_pga_max_elems_elements(void **state)
{
    (void)state;
    char lit[4 * PGA_MAX_ELEMS + 8];
    size_t k = 0;
    lit[k++] = '{';
    for (int i = 0; i < PGA_MAX_ELEMS; i++)
        k += (size_t)sprintf(lit + k, i ? ",%d" : "%d", i % 100);
    lit[k++] = '}';
    lit[k] = '\0';
    parsed *p = parse(lit);
    assert_int_equal(p->n, PGA_MAX_ELEMS);
    assert_elem(p, PGA_MAX_ELEMS - 1, "99");
    done(p);
}

/* ------------------------------------------------------------------------ */
/* refused literals                                                         */
/* ------------------------------------------------------------------------ */

static void empty_input_is_refused(void **state)
{
    (void)state;
    assert_refused("", "an array literal starts with {");
    assert_refused("   ", "an array literal starts with {");
}

static void literal_without_opening_brace_is_refused(void **state)
{
    (void)state;
    assert_refused("a,b", "an array literal starts with {");
    assert_refused("\"{a}\"", "an array literal starts with {");
    /* PostgreSQL takes dimension decorations; the parser does not */
    assert_refused("[1:1]={a}", "an array literal starts with {");
}

static void literal_without_closing_brace_is_refused(void **state)
{
    (void)state;
    assert_refused("{", "an empty element");
    assert_refused("{a", "expected , or } between elements");
    assert_refused("{a,b", "expected , or } between elements");
}

static void unclosed_quote_is_refused(void **state)
{
    (void)state;
    assert_refused("{\"a}", "an unclosed quote");
    assert_refused("{\"a\\\"}", "an unclosed quote"); /* the quote is escaped */
    assert_refused("{\"a\\", "an unclosed quote");    /* a backslash at the very end */
}

static void text_after_the_closing_brace_is_refused(void **state)
{
    (void)state;
    assert_refused("{a}x", "text after the closing }");
    assert_refused("{}}", "text after the closing }");
    assert_refused("{a} {b}", "text after the closing }");
}

/* PostgreSQL refuses these too ("malformed array literal"). */
static void empty_unquoted_elements_are_refused(void **state)
{
    (void)state;
    assert_refused("{a,}", "an empty element");
    assert_refused("{,}", "an empty element");
    assert_refused("{,a}", "an empty element");
    assert_refused("{a,,b}", "an empty element");
    assert_refused("{ , }", "an empty element");
}

static void nested_arrays_are_refused(void **state)
{
    (void)state;
    assert_refused("{{a}}", "only one-dimensional arrays are supported");
    assert_refused("{a,{b}}", "only one-dimensional arrays are supported");
}

/* PostgreSQL reads '{a\b}' as ["ab"]; the parser asks for quotes instead. */
static void quote_or_backslash_in_unquoted_element_is_refused(void **state)
{
    (void)state;
    assert_refused("{a\"b\"}", "quote elements that hold quotes or backslashes");
    assert_refused("{a\\b}", "quote elements that hold quotes or backslashes");
}

static void text_between_quoted_element_and_comma_is_refused(void **state)
{
    (void)state;
    assert_refused("{\"a\"b}", "expected , or } between elements");
    assert_refused("{\"a\" \"b\"}", "expected , or } between elements");
}

static void more_than_pga_max_elems_elements_are_refused(void **state)
{
    (void)state;
    char lit[2 * (PGA_MAX_ELEMS + 1) + 8];
    size_t k = 0;
    lit[k++] = '{';
    for (int i = 0; i <= PGA_MAX_ELEMS; i++) {
        if (i)
            lit[k++] = ',';
        lit[k++] = 'x';
    }
    lit[k++] = '}';
    lit[k] = '\0';
    assert_refused(lit, "more than 1000 elements");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_braces_are_an_array_of_no_elements),
        cmocka_unit_test(spaces_around_and_inside_empty_braces_are_ignored),
        cmocka_unit_test(unquoted_elements_split_at_commas),
        cmocka_unit_test(unquoted_elements_keep_inner_spaces_and_lose_outer_ones),
        cmocka_unit_test(quoted_elements_may_hold_commas_and_braces),
        cmocka_unit_test(backslash_in_quotes_takes_the_next_byte_as_it_is),
        cmocka_unit_test(escaped_backslash_before_the_closing_quote_ends_the_element),
        cmocka_unit_test(quoted_empty_string_is_an_empty_element_not_null),
        cmocka_unit_test(unquoted_null_in_any_case_is_sql_null),
        cmocka_unit_test(quoted_null_and_longer_words_are_text),
        cmocka_unit_test(spaces_around_quoted_elements_are_ignored),
        cmocka_unit_test(quoted_and_unquoted_elements_mix),
        cmocka_unit_test(utf8_text_passes_through_unchanged),
        cmocka_unit_test(reads_only_len_bytes),
        cmocka_unit_test(accepts_exactly_pga_max_elems_elements),

        cmocka_unit_test(empty_input_is_refused),
        cmocka_unit_test(literal_without_opening_brace_is_refused),
        cmocka_unit_test(literal_without_closing_brace_is_refused),
        cmocka_unit_test(unclosed_quote_is_refused),
        cmocka_unit_test(text_after_the_closing_brace_is_refused),
        cmocka_unit_test(empty_unquoted_elements_are_refused),
        cmocka_unit_test(nested_arrays_are_refused),
        cmocka_unit_test(quote_or_backslash_in_unquoted_element_is_refused),
        cmocka_unit_test(text_between_quoted_element_and_comma_is_refused),
        cmocka_unit_test(more_than_pga_max_elems_elements_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
