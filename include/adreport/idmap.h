/*
 * idmap.h - an int64 -> int64 hash map (open addressing, linear probing).
 *
 * Used for per-tenant lookups the loader makes once per row: ad id ->
 * campaign id, the set of UTC days a file touches.  Keys may be any int64
 * except IDMAP_EMPTY_KEY.
 */
#ifndef ADREPORT_IDMAP_H
#define ADREPORT_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The one key value the map cannot hold (it marks empty slots). */
#define IDMAP_EMPTY_KEY INT64_MIN

typedef struct idmap {
    int64_t *keys;
    int64_t *vals;
    size_t cap;   /* slots, a power of two */
    size_t count; /* keys stored */
} idmap;

/* idmap_init - an empty map; no allocation until the first put. */
void idmap_init(idmap *m);

/* idmap_put - insert or overwrite key -> val. */
void idmap_put(idmap *m, int64_t key, int64_t val);

/* idmap_get - true and *val (when val is not NULL) if key is present. */
bool idmap_get(const idmap *m, int64_t key, int64_t *val);

/*
 * idmap_next - iterate: start with *pos = 0; returns false at the end.
 *   size_t pos = 0; int64_t k, v; while (idmap_next(&m, &pos, &k, &v)) ...
 */
bool idmap_next(const idmap *m, size_t *pos, int64_t *key, int64_t *val);

/* idmap_clear - remove all keys, keep the memory. */
void idmap_clear(idmap *m);

/* idmap_free - release the memory; the map is empty and reusable after. */
void idmap_free(idmap *m);

#endif
