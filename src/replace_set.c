/*
 * replace_set.c - what a --replace set of files has replaced so far, and
 * which tenant's files are loading now (see replace_set.h).
 */
#include "replace_set.h"

#include "adreport/common.h"

#include <stdlib.h>
#include <string.h>

void rs_init(replace_set *rs)
{
    memset(rs, 0, sizeof *rs);
    pthread_mutex_init(&rs->lock, NULL);
    pthread_cond_init(&rs->idle, NULL);
}

void rs_free(replace_set *rs)
{
    for (size_t i = 0; i < rs->count; i++)
        idmap_free(&rs->done[i].days);
    free(rs->done);
    pthread_cond_destroy(&rs->idle);
    pthread_mutex_destroy(&rs->lock);
}

static bool rs_is_busy(const replace_set *rs, int64_t tenant)
{
    for (int i = 0; i < rs->nbusy; i++)
        if (rs->busy[i] == tenant)
            return true;
    return false;
}

void rs_acquire(replace_set *rs, int64_t tenant)
{
    pthread_mutex_lock(&rs->lock);
    while (rs_is_busy(rs, tenant))
        pthread_cond_wait(&rs->idle, &rs->lock);
    rs->busy[rs->nbusy++] = tenant;
    pthread_mutex_unlock(&rs->lock);
}

void rs_release(replace_set *rs, int64_t tenant)
{
    pthread_mutex_lock(&rs->lock);
    for (int i = 0; i < rs->nbusy; i++)
        if (rs->busy[i] == tenant) {
            rs->busy[i] = rs->busy[--rs->nbusy];
            break;
        }
    pthread_cond_broadcast(&rs->idle);
    pthread_mutex_unlock(&rs->lock);
}

/* The days already replaced for tenant and kind (created empty). */
static idmap *rs_days(replace_set *rs, int64_t tenant, ld_kind kind)
{
    for (size_t i = 0; i < rs->count; i++)
        if (rs->done[i].tenant == tenant && rs->done[i].kind == kind)
            return &rs->done[i].days;
    if (rs->count == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->done = adr_xrealloc(rs->done, rs->cap * sizeof *rs->done);
    }
    replaced_days *d = &rs->done[rs->count++];
    d->tenant = tenant;
    d->kind = kind;
    idmap_init(&d->days);
    return &d->days;
}

void rs_record(replace_set *rs, int64_t tenant, ld_kind kind, const idmap *days)
{
    pthread_mutex_lock(&rs->lock);
    idmap *done = rs_days(rs, tenant, kind);
    size_t pos = 0;
    int64_t day, one;
    while (idmap_next(days, &pos, &day, &one))
        idmap_put(done, day, 1);
    pthread_mutex_unlock(&rs->lock);
}

void rs_todo(replace_set *rs, int64_t tenant, ld_kind kind, const idmap *days, idmap *todo)
{
    pthread_mutex_lock(&rs->lock);
    idmap *done = rs_days(rs, tenant, kind);
    size_t pos = 0;
    int64_t day, one;
    while (idmap_next(days, &pos, &day, &one))
        if (!idmap_get(done, day, NULL))
            idmap_put(todo, day, 1);
    pthread_mutex_unlock(&rs->lock);
}
