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

/* Replays every regular file of tests/fuzz/<sub>; returns how many. */
static int replay_folder(const char *sub)
{
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
    assert_true(replay_folder("regressions") > 0);
}

static void seed_corpus_replays_cleanly(void **state)
{
    (void)state;
    assert_true(replay_folder("corpus") > 0);
}

/* A few hand-made inputs around the harness's own modes and edges. */
static void edge_inputs_replay_cleanly(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "",
        "\xEF\xBB\xBF",
        "\xEF\xBB\xBF" "a,b\r\n",
        "\"",
        "\"\"\"",
        "a,\"b\nc\"\n\"d\r\n",
        "\r\n\r\n,\n",
        "2026-02-29 00:00:00,2024-02-29T23:59:59.999999+14:00,0001-01-01 00:00:00-14:00\n",
        "9999999999.99999999995,9999999999.99999999994,.5,7.,0\n",
        "-9223372036854775808,9223372036854775807,9223372036854775808,-0\n",
        "\"[[[[]]]]\",\"{\"\"a\"\":1e131071}\",\"\\ud800\",\"\\ud83d\\ude00\",1e-16383\n",
        "::ffff:1.2.3.4,1.2.3.4.,010.0.0.1,2001:db8::1%eth0,1.2.3.4/32\n",
        /* amplify mode: a row over the limit, then a million fields */
        "\xA5x\x00" "ad_id\n1,\"a\xA5\n2,b\n",
        "\xA5,\x80" "a\xA5\n" "b\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        fz_current = inputs[i];
        fuzz_rows_one((const uint8_t *)inputs[i], strlen(inputs[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regressions_replay_cleanly),
        cmocka_unit_test(seed_corpus_replays_cleanly),
        cmocka_unit_test(edge_inputs_replay_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
