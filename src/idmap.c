/*
 * idmap.c - int64 hash map (see idmap.h).
 */
#include "adreport/idmap.h"
#include "adreport/common.h"

#include <stdlib.h>

#define IDMAP_MIN_CAP 64

/* Fibonacci hashing spreads sequential ids over the table. */
static size_t slot_of(int64_t key, size_t cap)
{
    return (size_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

void idmap_init(idmap *m)
{
    m->keys = m->vals = NULL;
    m->cap = m->count = 0;
}

static void grow(idmap *m)
{
    size_t old_cap = m->cap;
    int64_t *old_keys = m->keys, *old_vals = m->vals;
    m->cap = old_cap ? old_cap * 2 : IDMAP_MIN_CAP;
    m->keys = adr_xmalloc(m->cap * sizeof *m->keys);
    m->vals = adr_xmalloc(m->cap * sizeof *m->vals);
    for (size_t i = 0; i < m->cap; i++)
        m->keys[i] = IDMAP_EMPTY_KEY;
    m->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old_keys[i] != IDMAP_EMPTY_KEY)
            idmap_put(m, old_keys[i], old_vals[i]);
    free(old_keys);
    free(old_vals);
}

void idmap_put(idmap *m, int64_t key, int64_t val)
{
    /* Keep the load factor under 1/2 so probes stay short. */
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t i = slot_of(key, m->cap);
    while (m->keys[i] != IDMAP_EMPTY_KEY && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == IDMAP_EMPTY_KEY) {
        m->keys[i] = key;
        m->count++;
    }
    m->vals[i] = val;
}

bool idmap_get(const idmap *m, int64_t key, int64_t *val)
{
    if (m->cap == 0)
        return false;
    size_t i = slot_of(key, m->cap);
    while (m->keys[i] != IDMAP_EMPTY_KEY) {
        if (m->keys[i] == key) {
            if (val)
                *val = m->vals[i];
            return true;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return false;
}

bool idmap_next(const idmap *m, size_t *pos, int64_t *key, int64_t *val)
{
    for (; *pos < m->cap; (*pos)++) {
        if (m->keys[*pos] != IDMAP_EMPTY_KEY) {
            *key = m->keys[*pos];
            if (val)
                *val = m->vals[*pos];
            (*pos)++;
            return true;
        }
    }
    return false;
}

void idmap_clear(idmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        m->keys[i] = IDMAP_EMPTY_KEY;
    m->count = 0;
}

void idmap_free(idmap *m)
{
    free(m->keys);
    free(m->vals);
    idmap_init(m);
}
