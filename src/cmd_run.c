/* cmd_run.c - placeholder until its issue lands. */
#include "adreport/cli.h"
#include "adreport/common.h"
int cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("run", "not implemented yet");
}
