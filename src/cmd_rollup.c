/* cmd_rollup.c - placeholder until its issue lands. */
#include "adreport/cli.h"
#include "adreport/common.h"
int cmd_rollup(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("rollup", "not implemented yet");
}
