/* main.c - the drtriage command: dispatches to a subcommand. "report" is the
 * default, so `drtriage FILE...` reports on FILE. */
#include <stdio.h>
#include <string.h>

#include "dt_cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"report", dt_cli_report},
    {"explain", dt_cli_explain},
    {"rules", dt_cli_rules},
};

int main(int argc, char **argv)
{
    dt_cli_handle_signals();
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("drtriage %s\n", DRTRIAGE_VERSION);
        return DT_EXIT_OK;
    }
    for (size_t i = 0; argc > 1 && i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    argv[0] = (char *)"report";
    return dt_cli_report(argc, argv);
}
