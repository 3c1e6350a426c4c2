/*
 * load_entities.h - the companies/campaigns/ads row loader
 * (load_entities.c).  Not a public interface.
 */
#ifndef ADREPORT_LOAD_ENTITIES_H
#define ADREPORT_LOAD_ENTITIES_H

#include "load_rows.h"

/*
 * ld_entities_load - stream a companies/campaigns/ads file into a staging
 * table and upsert it.  Expects an open transaction.
 */
bool ld_entities_load(ld_file *f);

#endif
