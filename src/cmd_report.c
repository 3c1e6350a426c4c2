/* cmd_report.c - placeholder until its issue lands. */
#include "adreport/cli.h"
#include "adreport/common.h"
int cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_usage_error("report", "not implemented yet");
}
