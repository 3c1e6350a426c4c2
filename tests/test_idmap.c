/*
 * test_idmap.c - unit tests for src/idmap.c, the int64 -> int64 hash map.
 *
 * Collisions are made on purpose: slot_of() multiplies the key and keeps
 * bits 17 and up, so keys that differ only from bit 40 up share their slot
 * in every table of up to 2^23 slots.  The tests check through the map's
 * public fields that such keys really did collide (they sit in one run of
 * consecutive slots), so a changed hash shows here instead of silently
 * making the collision tests test nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "adreport/idmap.h"

/* The j-th key of a family sharing the slot of `base`. */
static int64_t colliding(int64_t base, int64_t j)
{
    return base + j * ((int64_t)1 << 40);
}

/* The slot holding key, or -1. */
static long slot_holding(const idmap *m, int64_t key)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] == key)
            return (long)i;
    return -1;
}

static void empty_map_finds_nothing_and_has_allocated_nothing(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    assert_int_equal(m.count, 0);
    assert_int_equal(m.cap, 0);
    assert_null(m.keys);
    int64_t v = 7;
    assert_false(idmap_get(&m, 0, &v));
    assert_false(idmap_get(&m, 42, NULL));
    assert_int_equal(v, 7); /* untouched when absent */
    size_t pos = 0;
    int64_t k;
    assert_false(idmap_next(&m, &pos, &k, &v));
    idmap_free(&m);
}

static void put_then_get_returns_the_value(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    idmap_put(&m, 42, 4200);
    idmap_put(&m, 7, 700);
    int64_t v = 0;
    assert_true(idmap_get(&m, 42, &v));
    assert_int_equal(v, 4200);
    assert_true(idmap_get(&m, 7, &v));
    assert_int_equal(v, 700);
    assert_false(idmap_get(&m, 8, &v));
    assert_int_equal(m.count, 2);
    idmap_free(&m);
}

static void get_with_null_value_pointer_only_tests_presence(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    idmap_put(&m, 1, 10);
    assert_true(idmap_get(&m, 1, NULL));
    assert_false(idmap_get(&m, 2, NULL));
    idmap_free(&m);
}

static void put_of_a_present_key_overwrites_and_keeps_the_count(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    idmap_put(&m, 5, 1);
    idmap_put(&m, 5, 2);
    idmap_put(&m, 5, -3);
    int64_t v;
    assert_true(idmap_get(&m, 5, &v));
    assert_int_equal(v, -3);
    assert_int_equal(m.count, 1);
    idmap_free(&m);
}

/* Every int64 but INT64_MIN (IDMAP_EMPTY_KEY) is a key. */
static void extreme_and_negative_keys_and_values_are_stored(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    const int64_t keys[] = {0, -1, 1, INT64_MAX, INT64_MIN + 1, -4096, (int64_t)1 << 62};
    const size_t n = sizeof keys / sizeof *keys;
    for (size_t i = 0; i < n; i++)
        idmap_put(&m, keys[i], i % 2 ? INT64_MIN : INT64_MAX - (int64_t)i);
    assert_int_equal(m.count, n);
    for (size_t i = 0; i < n; i++) {
        int64_t v;
        assert_true(idmap_get(&m, keys[i], &v));
        assert_int_equal(v, i % 2 ? INT64_MIN : INT64_MAX - (int64_t)i);
    }
    assert_false(idmap_get(&m, 2, NULL));
    idmap_free(&m);
}

static void growth_keeps_every_key_and_the_load_under_half(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    const int64_t n = 100000;
    size_t last_cap = 0;
    int grew = 0;
    for (int64_t k = 0; k < n; k++) {
        idmap_put(&m, k * 3 - 50000, k);
        assert_true(m.count * 2 <= m.cap);
        if (m.cap != last_cap) {
            assert_true((m.cap & (m.cap - 1)) == 0); /* a power of two */
            assert_true(m.cap > last_cap);
            last_cap = m.cap;
            grew++;
        }
    }
    assert_true(grew > 10);
    assert_int_equal(m.count, (size_t)n);
    for (int64_t k = 0; k < n; k++) {
        int64_t v;
        assert_true(idmap_get(&m, k * 3 - 50000, &v));
        assert_int_equal(v, k);
        assert_false(idmap_get(&m, k * 3 - 50000 + 1, NULL));
    }
    idmap_free(&m);
}

static void colliding_keys_probe_to_neighbouring_slots_and_are_all_found(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    enum { N = 20 }; /* under half of the first table's 64 slots: no growth */
    for (int64_t j = 0; j < N; j++)
        idmap_put(&m, colliding(12345, j), j);
    assert_int_equal(m.cap, 64);
    /* They collided: one run of N consecutive slots (modulo the table). */
    long first = slot_holding(&m, colliding(12345, 0));
    assert_true(first >= 0);
    for (int64_t j = 0; j < N; j++)
        assert_int_equal(slot_holding(&m, colliding(12345, j)), (first + j) % (long)m.cap);
    for (int64_t j = 0; j < N; j++) {
        int64_t v;
        assert_true(idmap_get(&m, colliding(12345, j), &v));
        assert_int_equal(v, j);
    }
    /* An absent key of the same family walks the run and stops at its end. */
    assert_false(idmap_get(&m, colliding(12345, N), NULL));
    idmap_free(&m);
}

/* A run of collisions starting in the last slot continues at slot 0. */
static void probing_wraps_from_the_last_slot_to_the_first(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    /* Find a key whose slot is the last of a 64-slot table. */
    int64_t base = -1;
    for (int64_t k = 0; k < 100000 && base < 0; k++) {
        idmap_put(&m, k, 0);
        if (slot_holding(&m, k) == 63)
            base = k;
        idmap_clear(&m);
    }
    assert_true(base >= 0);
    for (int64_t j = 0; j < 4; j++)
        idmap_put(&m, colliding(base, j), j);
    assert_int_equal(m.cap, 64);
    assert_int_equal(slot_holding(&m, colliding(base, 0)), 63);
    assert_int_equal(slot_holding(&m, colliding(base, 1)), 0);
    assert_int_equal(slot_holding(&m, colliding(base, 3)), 2);
    for (int64_t j = 0; j < 4; j++) {
        int64_t v;
        assert_true(idmap_get(&m, colliding(base, j), &v));
        assert_int_equal(v, j);
    }
    assert_false(idmap_get(&m, colliding(base, 4), NULL));
    idmap_free(&m);
}

static void growth_in_the_middle_of_collisions_keeps_every_key(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    enum { N = 3000 }; /* one slot for all, through six growths */
    for (int64_t j = 0; j < N; j++) {
        idmap_put(&m, colliding(-777, j), -j);
        idmap_put(&m, j, j); /* and ordinary keys in between */
    }
    assert_int_equal(m.count, 2 * N);
    for (int64_t j = 0; j < N; j++) {
        int64_t v;
        assert_true(idmap_get(&m, colliding(-777, j), &v));
        assert_int_equal(v, -j);
        assert_true(idmap_get(&m, j, &v));
        assert_int_equal(v, j);
    }
    idmap_free(&m);
}

static void next_visits_every_key_once_with_its_value(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    enum { N = 500 };
    for (int64_t k = 0; k < N; k++)
        idmap_put(&m, k * 1000003, k);
    bool seen[N] = {false};
    size_t pos = 0, visits = 0;
    int64_t k, v;
    while (idmap_next(&m, &pos, &k, &v)) {
        assert_true(v >= 0 && v < N);
        assert_int_equal(k, v * 1000003);
        assert_false(seen[v]);
        seen[v] = true;
        visits++;
    }
    assert_int_equal(visits, N);
    /* At the end it stays at the end. */
    assert_false(idmap_next(&m, &pos, &k, &v));
    idmap_free(&m);
}

static void next_with_null_value_pointer_returns_keys(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    idmap_put(&m, 9, 90);
    size_t pos = 0;
    int64_t k = 0;
    assert_true(idmap_next(&m, &pos, &k, NULL));
    assert_int_equal(k, 9);
    assert_false(idmap_next(&m, &pos, &k, NULL));
    idmap_free(&m);
}

static void clear_empties_the_map_and_keeps_its_memory(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    for (int64_t k = 0; k < 1000; k++)
        idmap_put(&m, k, k);
    size_t cap = m.cap;
    idmap_clear(&m);
    assert_int_equal(m.count, 0);
    assert_int_equal(m.cap, cap);
    for (int64_t k = 0; k < 1000; k++)
        assert_false(idmap_get(&m, k, NULL));
    size_t pos = 0;
    int64_t k, v;
    assert_false(idmap_next(&m, &pos, &k, &v));
    /* and it is usable again */
    idmap_put(&m, 3, 33);
    assert_true(idmap_get(&m, 3, &v));
    assert_int_equal(v, 33);
    assert_int_equal(m.count, 1);
    idmap_free(&m);
}

static void free_leaves_an_empty_reusable_map(void **state)
{
    (void)state;
    idmap m;
    idmap_init(&m);
    idmap_put(&m, 1, 1);
    idmap_free(&m);
    assert_int_equal(m.count, 0);
    assert_int_equal(m.cap, 0);
    assert_null(m.keys);
    assert_null(m.vals);
    assert_false(idmap_get(&m, 1, NULL));
    idmap_put(&m, 2, 20);
    int64_t v;
    assert_true(idmap_get(&m, 2, &v));
    assert_int_equal(v, 20);
    idmap_free(&m);
    idmap_free(&m); /* twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_map_finds_nothing_and_has_allocated_nothing),
        cmocka_unit_test(put_then_get_returns_the_value),
        cmocka_unit_test(get_with_null_value_pointer_only_tests_presence),
        cmocka_unit_test(put_of_a_present_key_overwrites_and_keeps_the_count),
        cmocka_unit_test(extreme_and_negative_keys_and_values_are_stored),
        cmocka_unit_test(growth_keeps_every_key_and_the_load_under_half),
        cmocka_unit_test(colliding_keys_probe_to_neighbouring_slots_and_are_all_found),
        cmocka_unit_test(probing_wraps_from_the_last_slot_to_the_first),
        cmocka_unit_test(growth_in_the_middle_of_collisions_keeps_every_key),
        cmocka_unit_test(next_visits_every_key_once_with_its_value),
        cmocka_unit_test(next_with_null_value_pointer_returns_keys),
        cmocka_unit_test(clear_empties_the_map_and_keeps_its_memory),
        cmocka_unit_test(free_leaves_an_empty_reusable_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
