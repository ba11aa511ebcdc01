/* cli_rules.c - `drtriage rules check FILE...` (every problem of each file,
 * checked on top of the built-in rules) and `drtriage rules list` (the
 * effective table after all overrides, as TSV). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dt_cli.h"
#include "dt_rules_check.h"

#define RULES_OPTIONS_TEXT \
    "Options:\n" \
    "      --rules PATH     load a rules file or directory first; repeatable, later\n" \
    "                       files win\n" \
    "      --no-user-rules  ignore $DRTRIAGE_RULES and $XDG_CONFIG_HOME/drtriage/rules.d/\n" \
    "      --no-builtin-rules  start from an empty rule set\n" \
    "  -h, --help           show this help\n"

#define CHECK_TEXT \
    "Usage: drtriage rules check [OPTIONS] FILE...\n" \
    "\n" \
    "Validates each rules FILE on top of the built-in rules, the user rules and any\n" \
    "--rules (so it may use the actions they define), and prints every problem it\n" \
    "finds as FILE:LINE: MESSAGE on standard error: syntax, unknown sections and keys,\n" \
    "missing required keys, bad values (owner, yes/no, origin, family, field), keys\n" \
    "and entries given twice, actions referenced but defined nowhere, and PCRE2\n" \
    "patterns that do not compile (with the offset). A clean file gets\n" \
    "'FILE: ok (N actions, M codes, ...)' on standard output. Format: docs/rules.md.\n" \
    "\n" \
    RULES_OPTIONS_TEXT \
    "\n" \
    "Exit status:\n" \
    "  0  every FILE is clean\n" \
    "  2  a problem in some FILE, an unreadable FILE, or a usage error\n" \
    "\n" \
    "Example:\n" \
    "  drtriage rules check ~/.config/drtriage/rules.d/site.rules\n"

#define LIST_TEXT \
    "Usage: drtriage rules list [OPTIONS]\n" \
    "\n" \
    "Prints the rules drtriage uses, after every override (built-in rules, then the\n" \
    "user rules, then --rules), as tab-separated values with a header line:\n" \
    "  kind  key  action  owner  origin  phrase  source  file:line\n" \
    "one row per code entry (key MS/SIP, phrases joined with ' | '), action, SIP\n" \
    "code, SIP class, origin rule and header alias (key FIELD/FAMILY, the pattern as\n" \
    "phrase). file:line tells which file won.\n" \
    "\n" \
    RULES_OPTIONS_TEXT \
    "\n" \
    "Exit status:\n" \
    "  0  table written\n" \
    "  2  unusable rules, output or usage error\n" \
    "\n" \
    "Examples:\n" \
    "  drtriage rules list | grep -w tls-certificate\n" \
    "  drtriage rules list --rules site.rules | awk -F'\\t' '$1 == \"action\"'\n"

#define RULES_TEXT \
    "Usage: drtriage rules check [OPTIONS] FILE...\n" \
    "       drtriage rules list [OPTIONS]\n" \
    "\n" \
    "  check  validate rules files, reporting every problem with FILE:LINE\n" \
    "  list   print the effective rule table as TSV\n" \
    "\n" \
    "'drtriage rules check --help' and 'drtriage rules list --help' give the details;\n" \
    "docs/rules.md describes the format.\n"

enum { OPT_RULES = 256 };

/* Parses the options `rules check` and `rules list` share; argv[0] is the
 * subcommand. Returns -1 to go on (operands from optind), or an exit code. */
static int parse_args(dt_cli_rules_t *config, const char *command, const char *help, int argc,
                      char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        DT_CLI_RULES_LONG_OPTIONS(OPT_RULES),
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    opterr = 0;
    int c, index = 0, rc = -1;
    while (rc < 0 && (c = getopt_long(argc, argv, "h", longopts, &index)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            rc = DT_EXIT_OK;
        } else if (c == OPT_RULES) {
            dt_cli_rules_option(config, longopts[index].name, optarg, &rc);
        } else {
            rc = dt_cli_usage_error(command, "unknown option or missing value: '%s'",
                                    argv[optind - 1]);
        }
    }
    return rc;
}

/* Checks one file on a fresh rule set; returns true when it is clean. */
static bool check_one(const dt_cli_rules_t *config, const char *path, int *rc)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        *rc = dt_cli_error("%s: is a directory (check its .rules files)", path);
        return false;
    }
    dt_rules_t rules;
    dt_rules_init(&rules);
    dt_rules_check_t check = {0};
    dt_error_t err = {{0}};
    bool clean = false;
    if (!dt_cli_load_rules(config, &rules)) {
        *rc = DT_EXIT_ERROR;
    } else if (dt_rules_check_file(&rules, path, &check, &err) != DT_OK) {
        *rc = dt_cli_error("%s", err.msg);
    } else if (check.nproblems) {
        dt_rules_check_write_problems(stderr, &check);
        *rc = DT_EXIT_ERROR;
    } else if (dt_rules_check_write_summary(stdout, path, &check) != DT_OK) {
        *rc = dt_cli_error("<stdout>: write error");
    } else {
        clean = true;
    }
    dt_rules_check_free(&check);
    dt_rules_free(&rules);
    return clean;
}

static int rules_check(int argc, char **argv)
{
    dt_cli_rules_t config = DT_CLI_RULES_DEFAULT;
    int rc = parse_args(&config, "rules check", CHECK_TEXT, argc, argv);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return dt_cli_usage_error("rules check", "no rules file to check");
    rc = DT_EXIT_OK;
    for (int i = optind; i < argc; i++)
        check_one(&config, argv[i], &rc);
    return rc;
}

static int rules_list(int argc, char **argv)
{
    dt_cli_rules_t config = DT_CLI_RULES_DEFAULT;
    int rc = parse_args(&config, "rules list", LIST_TEXT, argc, argv);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return dt_cli_usage_error("rules list", "unexpected argument '%s' (use --rules FILE)",
                                  argv[optind]);
    dt_rules_t rules;
    dt_rules_init(&rules);
    dt_error_t err = {{0}};
    rc = DT_EXIT_ERROR;
    if (dt_cli_load_rules(&config, &rules)) {
        if (dt_rules_write_table(stdout, &rules, &err) == DT_OK)
            rc = DT_EXIT_OK;
        else
            dt_cli_error("<stdout>: %s", err.msg);
    }
    dt_rules_free(&rules);
    return rc;
}

int dt_cli_rules(int argc, char **argv)
{
    if (argc < 2)
        return dt_cli_usage_error("rules", "expected 'check FILE...' or 'list'");
    if (strcmp(argv[1], "check") == 0)
        return rules_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0)
        return rules_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(RULES_TEXT, stdout);
        return DT_EXIT_OK;
    }
    return dt_cli_usage_error("rules", "unknown rules command '%s' (check or list)", argv[1]);
}
