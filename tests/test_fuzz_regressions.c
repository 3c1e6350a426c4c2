/*
 * test_fuzz_regressions.c - replay the fuzzer's inputs through the same
 * harness as tests/fuzz/fuzz_rows.c: every reproducer kept under
 * tests/fuzz/regressions/ (each was a crash or a failed check once) and the
 * seed corpus tests/fuzz/corpus/.  Runs in `make test` with the normal (or
 * SANITIZE=1) build, so a fixed bug that comes back fails without clang.
 *
 * The folders are found from this file's path (__FILE__ is
 * "tests/test_fuzz_regressions.c" when built by the Makefile from the
 * project root, which is where tests/run.sh runs the unit tests), or from
 * ADR_FUZZ_DIR when set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A failed harness check fails the current test, naming the input. */
static const char *fz_current = "?";
#define FUZZ_FAIL(msg) fail_msg("%s: %s", fz_current, msg)
#include "fuzz/fuzz_rows.h"

/* "<dir of this file>/fuzz/<sub>" */
static void fuzz_dir(char *out, size_t size, const char *sub)
{
    const char *env = getenv("ADR_FUZZ_DIR");
    if (env && *env) {
        snprintf(out, size, "%s/%s", env, sub);
        return;
    }
    const char *file = __FILE__;
    const char *slash = strrchr(file, '/');
    int dirlen = slash ? (int)(slash - file) : 1;
    snprintf(out, size, "%.*s/fuzz/%s", dirlen, slash ? file : ".", sub);
}

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    assert_int_equal(ferror(f), 0);
    fclose(f);
    *size = len;
    return buf;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replays every regular file of tests/fuzz/<sub>; returns how many, and
 * how many of them the harness amplified. */
static int replay_folder(const char *sub, int *amplified)
{
    *amplified = 0;
    char dir[4096];
    fuzz_dir(dir, sizeof dir, sub);
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name);
    if (n < 0)
        fail_msg("cannot read %s (run from the project root, or set ADR_FUZZ_DIR)", dir);
    int replayed = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        if (name[0] != '.' && !(len > 3 && strcmp(name + len - 3, ".md") == 0)) {
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            size_t size;
            uint8_t *data = read_all(path, &size);
            fz_current = path;
            fuzz_rows_one(data, size);
            *amplified += fz_last.amplified;
            free(data);
            replayed++;
        }
        free(names[i]);
    }
    free(names);
    return replayed;
}

static void regressions_replay_cleanly(void **state)
{
    (void)state;
    int amplified;
    assert_true(replay_folder("regressions", &amplified) > 0);
}

/* The corpus holds amplify inputs (amplify-*): they must reach that mode. */
static void seed_corpus_replays_cleanly(void **state)
{
    (void)state;
    int amplified;
    assert_true(replay_folder("corpus", &amplified) > 0);
    assert_true(amplified >= 3);
}

/*
 * Hand-made inputs around the harness's own modes and edges, each with its
 * true length: NUL bytes are part of an input, never its end.
 */
typedef struct edge_input {
    const char *name;
    const char *data;
    size_t len;
    bool amplify; /* written for the amplify mode (first byte 0xA5) */
} edge_input;

/* A string literal and its length, embedded NULs included. */
#define LIT(s) (s), (sizeof(s) - 1)

static const edge_input edge_inputs[] = {
    {"empty", LIT(""), false},
    {"a BOM alone", LIT("\xEF\xBB\xBF"), false},
    {"a BOM and a row",
     LIT("\xEF\xBB\xBF"
         "a,b\r\n"),
     false},
    {"a lone quote", LIT("\""), false},
    {"three quotes", LIT("\"\"\""), false},
    {"a quoted newline, then an unclosed quote", LIT("a,\"b\nc\"\n\"d\r\n"), false},
    {"blank lines and empty fields", LIT("\r\n\r\n,\n"), false},
    {"time edges",
     LIT("2026-02-29 00:00:00,2024-02-29T23:59:59.999999+14:00,0001-01-01 00:00:00-14:00\n"),
     false},
    {"cost edges", LIT("9999999999.99999999995,9999999999.99999999994,.5,7.,0\n"), false},
    {"int64 edges", LIT("-9223372036854775808,9223372036854775807,9223372036854775808,-0\n"),
     false},
    {"JSON edges",
     LIT("\"[[[[]]]]\",\"{\"\"a\"\":1e131071}\",\"\\ud800\",\"\\ud83d\\ude00\",1e-16383\n"), false},
    {"IP edges", LIT("::ffff:1.2.3.4,1.2.3.4.,010.0.0.1,2001:db8::1%eth0,1.2.3.4/32\n"), false},
    {"NUL bytes in fields and rows", LIT("1,a\0b,2\n\0\n3,\"\0\"\n"), false},
    /* 0xA5 FILL ADJ HEAD [0xA5 TAIL], see fuzz_rows.h */
    {"amplify: a row over the limit",
     LIT("\xA5x\x00"
         "ad_id\n1,\"a\xA5\n2,b\n"),
     true},
    {"amplify: a million fields",
     LIT("\xA5,\x80"
         "a\xA5\n"
         "b\n"),
     true},
};

#define N_EDGE (sizeof edge_inputs / sizeof *edge_inputs)

static const edge_input *edge(const char *name)
{
    for (size_t i = 0; i < N_EDGE; i++)
        if (strcmp(edge_inputs[i].name, name) == 0)
            return &edge_inputs[i];
    fail_msg("no edge input \"%s\"", name);
    return NULL;
}

static void replay_edge(const edge_input *in)
{
    fz_current = in->name;
    fuzz_rows_one((const uint8_t *)in->data, in->len);
}

static void edge_inputs_replay_cleanly(void **state)
{
    (void)state;
    size_t amplified = 0, want = 0;
    for (size_t i = 0; i < N_EDGE; i++) {
        replay_edge(&edge_inputs[i]);
        amplified += fz_last.amplified;
        want += edge_inputs[i].amplify;
        if (fz_last.amplified != edge_inputs[i].amplify)
            fail_msg("%s: amplified %d", edge_inputs[i].name, fz_last.amplified);
    }
    /* The amplify mode ran, once per input written for it. */
    assert_true(want > 0);
    assert_int_equal(amplified, want);
}

/* Cut at its first NUL, this input would be the one row "1,a". */
static void edge_input_with_nul_bytes_is_replayed_whole(void **state)
{
    (void)state;
    const edge_input *in = edge("NUL bytes in fields and rows");
    replay_edge(in);
    assert_false(fz_last.amplified);
    assert_int_equal(fz_last.stream_len, in->len);
    assert_int_equal(fz_last.rows, 3);
}

static void amplify_input_makes_a_row_over_the_limit(void **state)
{
    (void)state;
    replay_edge(edge("amplify: a row over the limit"));
    assert_true(fz_last.amplified);
    assert_true(fz_last.stream_len > CSVR_MAX_ROW_BYTES);
    /* "ad_id", the overlong row, "2,b" */
    assert_int_equal(fz_last.rows, 3);
    assert_int_equal(fz_last.too_long, 1);
}

static void amplify_input_makes_a_row_of_a_million_fields(void **state)
{
    (void)state;
    replay_edge(edge("amplify: a million fields"));
    assert_true(fz_last.amplified);
    assert_int_equal(fz_last.too_long, 0);
    assert_true(fz_last.max_fields > 1000 * 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regressions_replay_cleanly),
        cmocka_unit_test(seed_corpus_replays_cleanly),
        cmocka_unit_test(edge_inputs_replay_cleanly),
        cmocka_unit_test(edge_input_with_nul_bytes_is_replayed_whole),
        cmocka_unit_test(amplify_input_makes_a_row_over_the_limit),
        cmocka_unit_test(amplify_input_makes_a_row_of_a_million_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
