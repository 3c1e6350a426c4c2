/* cmd_backfill.c - placeholder until its issue lands. */
#include "adreport/cli.h"
#include "adreport/common.h"
int cmd_backfill(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("backfill", "not implemented yet");
}
