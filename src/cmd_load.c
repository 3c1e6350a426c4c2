/* cmd_load.c - placeholder until its issue lands. */
#include "adreport/cli.h"
#include "adreport/common.h"
int cmd_load(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("load", "not implemented yet");
}
