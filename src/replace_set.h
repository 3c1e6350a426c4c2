/*
 * replace_set.h - the state one `load --replace` shares between its workers
 * (replace_set.c).  Not a public interface.
 *
 * union of the files' days.  Files sharing a day (logs spill over midnight)
 * must not clear each other's rows, so each file clears only the days that no
 * earlier file of the set (same tenant and kind) has replaced and committed.
 * The files of one tenant load one after another (in this process: `busy`;
 * across processes: the replace lock), so the days a file finds recorded are
 * exactly those committed before it.
 */
#ifndef ADREPORT_REPLACE_SET_H
#define ADREPORT_REPLACE_SET_H

#include "adreport/idmap.h"
#include "adreport/loader.h"

#include <pthread.h>

typedef struct replaced_days {
    int64_t tenant;
    ld_kind kind;
    idmap days;
} replaced_days;

typedef struct replace_set {
    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t idle;  /* a tenant left busy[] */
    replaced_days *done;
    size_t count, cap;
    int64_t busy[LD_MAX_JOBS]; /* tenants with a file loading now */
    int nbusy;
} replace_set;

/* rs_init, rs_free - an empty set; free it with rs_free. */
void rs_init(replace_set *rs);
void rs_free(replace_set *rs);

/*
 * rs_acquire - wait until no other file of `tenant` is loading, then hold
 * the tenant until rs_release.  Files of one tenant so load one after
 * another, and each sees exactly the days committed before it.
 */
void rs_acquire(replace_set *rs, int64_t tenant);
void rs_release(replace_set *rs, int64_t tenant);

/*
 * rs_todo - add to *todo the days of `days` that no earlier file of the set
 * (same tenant and kind) has replaced: the days this file must clear.
 */
void rs_todo(replace_set *rs, int64_t tenant, ld_kind kind, const idmap *days, idmap *todo);

/* rs_record - after a file committed: its days are part of the replacement. */
void rs_record(replace_set *rs, int64_t tenant, ld_kind kind, const idmap *days);

#endif
