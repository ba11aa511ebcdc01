/* cli_explain.c - `drtriage explain [OPTIONS] CODE|PHRASE...`: what drtriage
 * knows about codes and phrases, and what it would do with unknown ones. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_cli.h"
#include "dt_codes.h"
#include "dt_explain.h"

#define CODE_CACHE_CAP 64

#define USAGE_TEXT \
    "Usage: drtriage explain [OPTIONS] QUERY...\n" \
    "\n" \
    "Explains Teams Direct Routing failure codes from drtriage's rules: the SIP code\n" \
    "and its reason phrase, the Microsoft code, every documented phrase, who generated\n" \
    "the response (origin) and why, and the recommended action with who has to act\n" \
    "and Microsoft's documentation. For a code no rule documents it shows what a\n" \
    "report would do with it, and a rules stub to make it known.\n" \
    "\n" \
    "A QUERY is one of:\n" \
    "  560403             a Microsoft code (CallEndSubReason): any digits that are not\n" \
    "                     a SIP code\n" \
    "  403                a SIP code (CallEndReason): three digits from 100 to 699\n" \
    "  510532/403         a pair; also as two arguments: 510532 403\n" \
    "  */503, 560403/*    a pair with * for a part: any value of it\n" \
    "  tls-certificate    an action id (drtriage rules list): the action and its codes\n" \
    "  \"TLS negotiation\"  words found in documented phrases (case-insensitive), or a\n" \
    "                     phrase that an entry's pattern matches\n" \
    "The answer leads with a summary, one line per action the matching entries lead\n" \
    "to (entries, phrases, owner, title), then each entry in detail.\n" \
    "\n" \
    "Options:\n" \
    "  -f, --format FORMAT  text (default) or json (one object per query and line,\n" \
    "                       see docs/json-format.md)\n" \
    "  -p, --phrase TEXT    TEXT is a phrase even if it starts with a digit or is an\n" \
    "                       action id\n" \
    "      --family FAMILY  answer for files of one export family: tac, graph, cqd or\n" \
    "                       acs (the origin rules differ: 540NNN is SBC-generated in\n" \
    "                       ACS files); by default the rules for every family, with\n" \
    "                       the origin in each family where it differs\n" \
    "      --rules PATH     load a rules file or directory on top of the built-in\n" \
    "                       rules and the user rules; repeatable, later files win\n" \
    "      --no-user-rules  ignore $DRTRIAGE_RULES and $XDG_CONFIG_HOME/drtriage/rules.d/\n" \
    "      --no-builtin-rules  start from an empty rule set (use with --rules)\n" \
    "  -h, --help           show this help\n" \
    "\n" \
    "Exit status:\n" \
    "  0  something matched: a documented entry, or a fallback with an action\n" \
    "  1  nothing matched at all\n" \
    "  2  usage error (a malformed code, no query) or unusable rules\n" \
    "\n" \
    "Examples:\n" \
    "  drtriage explain 569002/504\n" \
    "  drtriage explain 510532 403\n" \
    "  drtriage explain 560499                  # undocumented: the 560 rule applies\n" \
    "  drtriage explain --family acs 540487     # as in an ACS export\n" \
    "  drtriage explain \"TLS negotiation failed\"\n" \
    "  drtriage explain tls-certificate\n" \
    "  drtriage explain --format json 403 | jq '.matches[].action.id'\n"

enum { OPT_FAMILY = 256, OPT_RULES };

typedef struct {
    bool json;
    dt_family_t family;
    dt_cli_rules_t rules;
    const char **args; /* the queries' arguments, in command-line order */
    bool *is_phrase;
    size_t nargs;
} options_t;

static void add_arg(options_t *o, const char *arg, bool is_phrase)
{
    o->args[o->nargs] = arg;
    o->is_phrase[o->nargs++] = is_phrase;
}

/* Returns -1 to go on, or an exit code. */
static int parse_option(void *ctx, int c, const char *name, const char *arg)
{
    options_t *o = ctx;
    int rc = -1;
    switch (c) {
    case 1: /* an argument, returned in place because optstring starts with '-' */
        add_arg(o, arg, false);
        return -1;
    case 'p':
        add_arg(o, arg, true);
        return -1;
    case 'f':
        if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0)
            return dt_cli_usage_error("explain", "unknown --format '%s' (text or json)", arg);
        o->json = strcmp(arg, "json") == 0;
        return -1;
    case 'h':
        fputs(USAGE_TEXT, stdout);
        return DT_EXIT_OK;
    case OPT_FAMILY:
        if (!dt_family_parse(arg, &o->family) || o->family == DT_FAMILY_ANY)
            return dt_cli_usage_error("explain", "unknown --family '%s' (tac, graph, cqd or acs)",
                                      arg);
        return -1;
    case OPT_RULES:
        dt_cli_rules_option(&o->rules, name, arg, &rc);
        return rc;
    default:
        return dt_cli_usage_error("explain", "invalid option");
    }
}

static int parse_args(options_t *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"phrase", required_argument, NULL, 'p'},
        {"family", required_argument, NULL, OPT_FAMILY},
        {"help", no_argument, NULL, 'h'},
        DT_CLI_RULES_LONG_OPTIONS(OPT_RULES),
        {NULL, 0, NULL, 0},
    };
    int rc = dt_cli_parse_options("explain", argc, argv, "-f:p:h", longopts, parse_option, o);
    if (rc >= 0)
        return rc;
    for (int i = optind; i < argc; i++) /* after "--" */
        add_arg(o, argv[i], false);
    return -1;
}

/* Answers and writes each query; returns the exit code. */
static int explain_all(const options_t *o, const dt_rules_t *rules, dt_codes_t *codes,
                       const dt_explain_query_t *queries, size_t nqueries)
{
    bool matched = false;
    dt_error_t err = {{0}};
    for (size_t i = 0; i < nqueries; i++) {
        dt_explanation_t e;
        if (dt_explain_run(rules, codes, &queries[i], &e, &err) != DT_OK)
            return dt_cli_error("%s", err.msg);
        if (i > 0 && !o->json)
            putchar('\n');
        dt_status_t st = o->json ? dt_explain_write_json(stdout, rules, &e, &err)
                                 : dt_explain_write_text(stdout, rules, &e, 0, &err);
        matched |= e.matched;
        dt_explanation_free(&e);
        if (st != DT_OK)
            return dt_cli_error("<stdout>: %s", err.msg);
    }
    return matched ? DT_EXIT_OK : DT_EXIT_BREACH;
}

static int run_explain(const options_t *o)
{
    dt_explain_query_t *queries = calloc(o->nargs, sizeof *queries);
    if (!queries)
        return dt_cli_error("out of memory");
    size_t nqueries = 0;
    dt_error_t err = {{0}};
    if (dt_explain_parse(o->args, o->is_phrase, o->nargs, queries, &nqueries, &err) != DT_OK) {
        free(queries);
        return dt_cli_usage_error("explain", "%s", err.msg);
    }
    for (size_t i = 0; i < nqueries; i++)
        queries[i].family = o->family;
    dt_rules_t rules;
    dt_rules_init(&rules);
    dt_codes_t *codes = NULL;
    int rc = DT_EXIT_ERROR;
    if (dt_cli_load_rules(&o->rules, &rules)) {
        codes = dt_codes_new(&rules, CODE_CACHE_CAP, &err);
        rc = codes ? explain_all(o, &rules, codes, queries, nqueries) : dt_cli_error("%s", err.msg);
    }
    dt_codes_free(codes);
    dt_rules_free(&rules);
    free(queries);
    return rc;
}

int dt_cli_explain(int argc, char **argv)
{
    options_t o = {.family = DT_FAMILY_ANY, .rules = DT_CLI_RULES_DEFAULT};
    o.args = calloc((size_t)argc + 1, sizeof *o.args);
    o.is_phrase = calloc((size_t)argc + 1, sizeof *o.is_phrase);
    int rc = -1;
    if (!o.args || !o.is_phrase)
        rc = dt_cli_error("out of memory");
    if (rc < 0)
        rc = parse_args(&o, argc, argv);
    if (rc < 0 && o.nargs == 0)
        rc = dt_cli_usage_error("explain", "nothing to explain: give a code, a pair or a phrase");
    if (rc < 0)
        rc = run_explain(&o);
    free(o.args);
    free(o.is_phrase);
    return rc;
}
