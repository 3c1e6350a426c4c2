/*
 * load_tenant.c - whose file is it: the tenant a file's folder names (or
 * --company, or its first row), and the checks that keep one tenant's
 * folder from feeding another (see load_tenant.h).
 */
#include "load_tenant.h"

#include "load_events.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the name of the folder holding a file says about its tenant. */
typedef enum folder_claim {
    FOLDER_NONE,   /* not all digits: the folder names no tenant */
    FOLDER_TENANT, /* a company id: 1..18 digits, no leading zero */
    FOLDER_BAD,    /* all digits but no usable id: 0, 00, 042, 19+ digits */
} folder_claim;

/* A company id is at most 18 digits (below INT64_MAX, whatever follows). */
#define LD_MAX_TENANT_DIGITS 18

static folder_claim claim_of(const char *name, size_t len, int64_t *tenant)
{
    *tenant = 0;
    if (len == 0)
        return FOLDER_NONE;
    for (size_t i = 0; i < len; i++)
        if (name[i] < '0' || name[i] > '9')
            return FOLDER_NONE;
    if (len > LD_MAX_TENANT_DIGITS || name[0] == '0')
        return FOLDER_BAD;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (name[i] - '0');
    *tenant = v;
    return FOLDER_TENANT;
}

/* The last component of path[0..n) (trailing slashes ignored). */
static const char *last_component(const char *path, size_t n, size_t *len)
{
    while (n > 1 && path[n - 1] == '/')
        n--;
    const char *start = path + n;
    while (start > path && start[-1] != '/')
        start--;
    *len = (size_t)(path + n - start);
    return start;
}

/*
 * The claim of the folder holding `given`, and that folder's name in
 * folder[].  The folder is the one named in the path, links left as they
 * are: a link's tenant is the folder holding the link (or the link to a
 * folder, as named), never the folder of its target.  Only a path without a
 * folder name ("clicks.csv" run inside incoming/42/, "./clicks.csv",
 * "../42/x/../clicks.csv") is resolved to find one.
 */
static folder_claim tenant_of_folder(const char *given, int64_t *tenant, char *folder,
                                     size_t folder_size)
{
    char dir[PATH_MAX], resolved[PATH_MAX];
    const char *slash = strrchr(given, '/');
    size_t len = 0;
    const char *start = slash ? last_component(given, (size_t)(slash - given), &len) : NULL;
    bool named = start && len > 0 && !(len == 1 && start[0] == '.') &&
                 !(len == 2 && start[0] == '.' && start[1] == '.') && start[0] != '/';
    if (!named) {
        if (!slash)
            snprintf(dir, sizeof dir, ".");
        else
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - given) + 1, given);
        const char *path = realpath(dir, resolved) ? resolved : dir;
        start = last_component(path, strlen(path), &len);
    }
    snprintf(folder, folder_size, "%.*s", (int)len, start);
    return claim_of(start, len, tenant);
}

/*
 * With opts->incoming_root: how deep under the root path is.  Returns the
 * number of folders between the root and the file (0: at the top) and sets
 * *folder and *len to the first one.  The walk builds paths as <root>/<name>/...,
 * so this reads the path as written: the tenant is the folder where `run`
 * found the file.
 */
static int depth_under_root(const char *root, const char *path, const char **folder, size_t *len)
{
    size_t n = strlen(root);
    while (n > 0 && root[n - 1] == '/')
        n--;
    *folder = NULL;
    *len = 0;
    if (strncmp(path, root, n) != 0 || path[n] != '/')
        return -1;
    const char *rel = path + n;
    int depth = 0;
    for (;;) {
        while (*rel == '/')
            rel++;
        const char *slash = strchr(rel, '/');
        if (!slash)
            return depth;
        if (depth == 0) {
            *folder = rel;
            *len = (size_t)(slash - rel);
        }
        depth++;
        rel = slash;
    }
}

/* `run`: entity files at the top of --incoming, logs in <incoming>/<id>/. */
static int64_t resolve_incoming_tenant(ld_file *f, const char *path)
{
    const char *folder;
    size_t len;
    int depth = depth_under_root(f->opts->incoming_root, path, &folder, &len);
    if (ld_kind_is_entity(f->kind)) {
        /* Entity files span tenants: never a tenant of their folder's name,
         * and only the top of --incoming holds them. */
        if (depth != 0)
            ld_refuse(f, "put companies, campaigns and ads files at the top of the incoming folder",
                      "an entity file below the top of the incoming folder");
        return 0;
    }
    int64_t t = 0;
    folder_claim claim = depth == 1 ? claim_of(folder, len, &t) : FOLDER_NONE;
    if (claim == FOLDER_TENANT) {
        f->tenant_forced = true;
        return t;
    }
    if (claim == FOLDER_BAD)
        ld_refuse(f, "name each company's folder after its id (incoming/42/...)",
                  "the folder \"%.*s\" is not a usable company id (1 to %d digits, no leading "
                  "zero, not 0)",
                  (int)len, folder, LD_MAX_TENANT_DIGITS);
    else
        ld_refuse(f, "put each company's logs in <incoming>/<company_id>/",
                  "a log file outside a company folder of the incoming folder");
    return 0;
}

int64_t ld_resolve_tenant(ld_file *f, const char *path)
{
    if (f->opts->incoming_root)
        return resolve_incoming_tenant(f, path);
    char folder[NAME_MAX + 1];
    int64_t t;
    folder_claim claim = tenant_of_folder(path, &t, folder, sizeof folder);
    if (claim == FOLDER_BAD) {
        ld_refuse(f, "move the file to a folder that is not all digits, or to the company's folder",
                  "the folder \"%s\" looks like a company id but is not a usable one (1 to %d "
                  "digits, no leading zero, not 0)",
                  folder, LD_MAX_TENANT_DIGITS);
        return 0;
    }
    if (claim == FOLDER_TENANT && f->opts->company && f->opts->company != t) {
        /* Never let --company move one tenant's file into another. */
        ld_refuse(f, "pass the file of the right company, or move it out of an all-digit folder",
                  "the file is in the folder of company %lld but --company is %lld", (long long)t,
                  (long long)f->opts->company);
        return 0;
    }
    if (claim != FOLDER_TENANT)
        t = f->opts->company;
    f->tenant_forced = t != 0;
    if (t || ld_kind_is_entity(f->kind))
        return t;
    t = ld_tenant_from_rows(path, f->kind);
    if (!t)
        ld_refuse(f,
                  "put the file in a folder named after the company id (incoming/42/...), add "
                  "a company_id column, or pass --company N",
                  "the file's company cannot be told");
    return t;
}

/*
 * The passes over a file, weighed by their cost per byte for the progress
 * display (progress.h): hashing reads at disk speed, checking parses and
 * validates every row, loading also waits for the server.  Rough ratios
 * from loading make bench's files on a 2-core machine.
 */
#define LD_WEIGHT_HASH 1
#define LD_WEIGHT_CHECK 4
#define LD_WEIGHT_LOAD 12
/* After the last row is sent: the server's COPY, keys, indexes, commit. */
#define LD_WEIGHT_FINISH 3
