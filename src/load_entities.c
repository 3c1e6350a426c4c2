/* load_entities.c - placeholder */
#include "load_internal.h"
bool ld_entities_load(ld_file *f)
{
    ld_refuse(f, NULL, "entity files are not supported yet");
    return false;
}
