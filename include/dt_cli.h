/* dt_cli.h - the command-line layer (src/main.c and src/cli_*.c, not part of
 * libdrtriage): each subcommand parses its options, calls the library and
 * maps the outcome to an exit code. Only this layer prints to the terminal. */
#ifndef DT_CLI_H
#define DT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "dt_date.h"
#include "dt_rules.h"

/* Exit codes, documented in --help, README and docs/drtriage.1. */
typedef enum {
    DT_EXIT_OK = 0,     /* done; for explain: something matched */
    DT_EXIT_BREACH = 1, /* report: a --fail-if condition breached; explain: nothing matched */
    DT_EXIT_ERROR = 2,  /* usage, input or output error */
} dt_exit_t;

/* Where rules come from: built-in table, then user files. */
typedef struct {
    bool builtin;              /* load the embedded table (--no-builtin-rules clears it) */
    bool user;                 /* load $DRTRIAGE_RULES and the XDG rules.d (--no-user-rules) */
    const char *paths[64];     /* --rules, in order */
    size_t npaths;
} dt_cli_rules_t;

#define DT_CLI_RULES_DEFAULT {.builtin = true, .user = true}

/* Subcommands: argv[0] is the subcommand name. Return an exit code. */
int dt_cli_report(int argc, char **argv);
int dt_cli_explain(int argc, char **argv);
int dt_cli_rules(int argc, char **argv);
int dt_cli_merge(int argc, char **argv);
int dt_cli_ingest(int argc, char **argv);
int dt_cli_history(int argc, char **argv);
int dt_cli_trend(int argc, char **argv);

/* Every message goes to stderr as "drtriage: MESSAGE", the message through
 * dt_text_write_escaped: what it quotes from arguments, paths, rules or input
 * (controls, escape sequences, bidi controls, invalid UTF-8) is shown
 * escaped, never raw. A message longer than DT_TEXT_MESSAGE_MAX is cut, ending in "...". */

/* Prints "drtriage: MESSAGE" to stderr (warnings, --fail-if verdicts). */
void dt_cli_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct option;

#define DT_CLI_OPTION_NAME_MAX 32

/* Fills opts[0 .. DT_FIELD_COUNT) with one --FIELD-column option per field
 * (names written into names, which must outlive the table), each returning
 * code + field from getopt_long. */
void dt_cli_column_options(struct option *opts, char names[][DT_CLI_OPTION_NAME_MAX], int code);

/* The field names for --help ("sip, ms, phrase, ..."), wrapped under the
 * option column; NUL-terminated in buf (truncated to cap). */
void dt_cli_field_list(char *buf, size_t cap);

/* Prints --version's text on stdout: drtriage's version, the version of the
 * rules in effect (the built-in rules' digest and the user layers on top;
 * user rules that cannot be loaded are named, not fatal) and the libraries'
 * versions. Returns DT_EXIT_OK. */
int dt_cli_version(const dt_cli_rules_t *rules);

/* Prints "drtriage: MESSAGE" and the --help hint for `command` to stderr;
 * returns DT_EXIT_ERROR. */
int dt_cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The options every command that reads exports takes: --max-field BYTES (a
 * whole number >= DT_CLI_MAX_FIELD_MIN) into *max_field, and --date-order
 * dmy|mdy|ymd into *order. Each returns -1 when arg is read, else the usage
 * error's exit status (dt_cli_usage_error, naming command). */
#define DT_CLI_MAX_FIELD_MIN 1024
int dt_cli_max_field_option(size_t *max_field, const char *command, const char *arg);
int dt_cli_date_order_option(dt_date_order_t *order, const char *command, const char *arg);

/* Prints "drtriage: MESSAGE" to stderr; returns DT_EXIT_ERROR. */
int dt_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Handles SIGTERM, SIGINT and SIGHUP (those not ignored at start): the
 * temporary file of a report being written with -o is removed (its target is
 * untouched) and the process ends by the signal, exit status 128 + signal. */
void dt_cli_handle_signals(void);

/* The --help lines of those options, for commands whose option column is 25. */
#define DT_CLI_RULES_HELP \
    "      --rules PATH       load a rules file or directory on top of the built-in\n" \
    "                         rules and the user rules; repeatable, later files win\n" \
    "      --no-user-rules    ignore $DRTRIAGE_RULES and $XDG_CONFIG_HOME/drtriage/rules.d/\n" \
    "      --no-builtin-rules start from an empty rule set (use with --rules)\n"

/* Parses argv with getopt_long from optind 1, calling option(ctx, c, the long
 * name or "", optarg) for each option; an unknown option or a missing value
 * is a usage error of `command`. Returns -1 when every option was taken
 * (operands from optind), or the exit code option or the error returned. */
int dt_cli_parse_options(const char *command, int argc, char **argv, const char *shorts,
                         const struct option *longopts,
                         int (*option)(void *ctx, int c, const char *name, const char *arg),
                         void *ctx);

/* Returns -1 when at most one of the operands argv[optind..argc) is "-"
 * (standard input, which can be read once); otherwise prints a usage error
 * for `command` and returns its exit code. */
int dt_cli_stdin_once(const char *command, int argc, char **argv);

/* The rules options every subcommand takes, as getopt_long entries that
 * return `code`; pass what they return to dt_cli_rules_option. */
#define DT_CLI_RULES_LONG_OPTIONS(code)                  \
    {"rules", required_argument, NULL, (code)},          \
    {"no-builtin-rules", no_argument, NULL, (code)},     \
    {"no-user-rules", no_argument, NULL, (code)}

/* Handles the options every subcommand shares for rules (--rules PATH,
 * --no-builtin-rules, --no-user-rules). Returns true when `opt` was one of
 * them (arg is its value), storing it in *rules; false otherwise. On a bad
 * value prints the error and sets *exit_code. */
bool dt_cli_rules_option(dt_cli_rules_t *rules, const char *opt, const char *arg,
                         int *exit_code);

/* Loads the rules as configured and finishes them: built-in table, then
 * $DRTRIAGE_RULES (a file or directory; several separated by ':'), then
 * $XDG_CONFIG_HOME/drtriage/rules.d/ (default ~/.config/drtriage/rules.d/)
 * when it exists, then each --rules path. Later layers win. On error prints
 * it and returns false. */
bool dt_cli_load_rules(const dt_cli_rules_t *config, dt_rules_t *rules);

#endif
