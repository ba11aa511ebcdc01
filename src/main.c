/* main.c - the drtriage command: dispatches to a subcommand. "report" is the
 * default, so `drtriage FILE...` reports on FILE; `drtriage help [COMMAND]`
 * is `drtriage COMMAND --help`. */
#include <stdio.h>
#include <string.h>

#include "dt_cli.h"

static int help(int argc, char **argv);

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"report", dt_cli_report},
    {"explain", dt_cli_explain},
    {"rules", dt_cli_rules},
    {"merge", dt_cli_merge},
    {"ingest", dt_cli_ingest},
    {"history", dt_cli_history},
    {"trend", dt_cli_trend},
    {"help", help},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])
#define HELP_ARGS_MAX 4 /* COMMAND [SUBCOMMAND] --help NULL */

#define HELP_TEXT \
    "Usage: drtriage help [COMMAND [SUBCOMMAND]]\n" \
    "\n" \
    "Shows the help of a command, as 'drtriage COMMAND --help' does: report (the\n" \
    "default, also without COMMAND), explain, rules, rules check, rules list, merge,\n" \
    "ingest, trend, history.\n" \
    "\n" \
    "Exit status:\n" \
    "  0  help shown\n" \
    "  2  no such command\n"

/* `drtriage help [COMMAND [SUBCOMMAND]]`: argv[0] is "help". */
static int help(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "report";
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        name = "help";
    if (argc > 3 || (argc == 3 && strcmp(name, "rules") != 0))
        return dt_cli_usage_error("help", "expected at most a command (and for rules, check or "
                                          "list)");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(name, commands[i].name) != 0)
            continue;
        if (commands[i].run == help) {
            fputs(HELP_TEXT, stdout);
            return DT_EXIT_OK;
        }
        char *args[HELP_ARGS_MAX] = {(char *)name};
        int n = 1;
        if (argc == 3)
            args[n++] = argv[2];
        args[n++] = (char *)"--help";
        return commands[i].run(n, args);
    }
    return dt_cli_usage_error("help", "no command '%s' (report, explain, rules, merge or help)",
                              name);
}

int main(int argc, char **argv)
{
    dt_cli_handle_signals();
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        dt_cli_rules_t rules = DT_CLI_RULES_DEFAULT;
        return dt_cli_version(&rules);
    }
    for (size_t i = 0; argc > 1 && i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    argv[0] = (char *)"report";
    return dt_cli_report(argc, argv);
}
