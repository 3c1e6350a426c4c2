/*
 * load_kind.c - what a file holds, from its name or --kind, and the load
 * options' defaults (see loader.h).
 */
#include "adreport/loader.h"

#include <string.h>

static const char *const kind_names[] = {"unknown", "companies", "campaigns",
                                         "ads",     "clicks",    "impressions"};

void ld_options_init(ld_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->rejects_dir = "rejects";
    opts->max_reject_rate = 0.05;
    opts->jobs = LD_DEFAULT_JOBS;
}

const char *ld_kind_name(ld_kind kind)
{
    return kind_names[kind];
}

ld_kind ld_kind_parse(const char *s)
{
    for (int k = LD_COMPANIES; k <= LD_IMPRESSIONS; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return (ld_kind)k;
    return LD_UNKNOWN;
}

ld_kind ld_kind_from_name(const char *base)
{
    size_t n = strlen(base);
    bool csv = (n > 4 && strcmp(base + n - 4, ".csv") == 0) ||
               (n > 7 && strcmp(base + n - 7, ".csv.gz") == 0);
    /* Our own rejects files may sit beside the inputs: never load them. */
    if (!csv || strstr(base, ".rejects.csv"))
        return LD_UNKNOWN;
    for (int k = LD_COMPANIES; k <= LD_IMPRESSIONS; k++)
        if (strncmp(base, kind_names[k], strlen(kind_names[k])) == 0)
            return (ld_kind)k;
    return LD_UNKNOWN;
}

bool ld_kind_is_entity(ld_kind k)
{
    return k == LD_COMPANIES || k == LD_CAMPAIGNS || k == LD_ADS;
}
