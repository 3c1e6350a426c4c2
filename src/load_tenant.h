/*
 * load_tenant.h - the tenant of one input file (load_tenant.c).  Not a
 * public interface.
 */
#ifndef ADREPORT_LOAD_TENANT_H
#define ADREPORT_LOAD_TENANT_H

#include "load_rows.h"

/*
 * ld_resolve_tenant - the tenant of the file at `path` (f->kind and f->opts
 * set): from `run`'s <incoming>/<id>/ folder, else the folder's name,
 * --company, or the file's first data row.  Sets f->tenant_forced when the
 * folder or --company named it (rows must then match).  Returns 0 for an
 * entity file outside `run`, and 0 with f->refused set when the tenant
 * cannot be told or the folder is not allowed to feed it.
 */
int64_t ld_resolve_tenant(ld_file *f, const char *path);

#endif
