/* merge.c - `drtriage merge [OPTIONS] STATE...`: states written by
 * `drtriage --format state`, here or on other machines, merged in any order
 * (dt_merge.h) and reported as one run, in any format and with any gate. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_cli.h"
#include "dt_cli_outputs.h"
#include "dt_cli_verdict.h"
#include "dt_merge.h"
#include "dt_num.h"
#include "dt_output.h"
#include "dt_state.h"
#include "dt_writer.h"

#define USAGE_TEXT \
    "Usage: drtriage merge [OPTIONS] STATE...\n" \
    "\n" \
    "Merges states that drtriage --format state wrote (one per export or group of\n" \
    "exports, on this machine or on others) and reports on them as one run: the same\n" \
    "report as a run over all their exports, in any format and with any gate. The\n" \
    "order of the states does not matter. STATE may be - for standard input. The\n" \
    "rules must be those the states were made with (docs/state.md, docs/scale.md).\n" \
    "\n" \
    "Output:\n" \
    "  -f, --format FORMAT    one of: %s\n" \
    "                         (standard output's format; default text); state writes\n" \
    "                         the merged state, to merge again\n" \
    "  -o, --output FILE      write the report to FILE instead of standard output, in the\n" \
    "                         format of its extension; -o FORMAT:FILE names it;\n" \
    "                         repeatable, as for drtriage report\n" \
    "      --top N|all        rows per table in the text and Markdown reports\n" \
    "                         (default 10)\n" \
    "      --stubs            show a rules stub for each code no rule documents\n" \
    "      --color WHEN       auto, always or never (default auto)\n" \
    "      --ascii            sparklines in ASCII rather than Unicode blocks\n" \
    "      --table TABLE      the table the csv format writes: actions, codes (default),\n" \
    "                         sbc, time or group\n" \
    "      --excel            csv for Excel in locales that expect ';'\n" \
    "  -q, --quiet            nothing on stderr unless the run fails (exit 1 or 2)\n" \
    "\n" \
    "CI gate:\n" \
    "      --fail-if GATE     exit 1 when GATE holds; repeatable; as for drtriage report\n" \
    "      --min-calls N      judge percentages and NER only with at least N calls\n" \
    "      --max-concurrent SBC=N  the SBC's session limit (MaxConcurrentSessions):\n" \
    "                         flags a peak of 90%% of it; repeatable; the states must\n" \
    "                         have been made with --concurrency\n" \
    "\n" \
    DT_CLI_RULES_HELP \
    "\n" \
    "  -h, --help             show this help\n" \
    "\n" \
    "Exit status:\n" \
    "  0  report written, no --fail-if gate breached\n" \
    "  1  report written, a --fail-if gate breached or the filters matched no call\n" \
    "  2  usage, input or output error: a file that is not a state, a state of\n" \
    "     another version, truncated or corrupt, made with other rules or other\n" \
    "     options than the others (message on stderr, no report written)\n" \
    "\n" \
    "Examples:\n" \
    "  drtriage --format state -o monday.state monday.csv\n" \
    "  drtriage merge -o week.html -o week.json monday.state tuesday.state\n" \
    "  drtriage merge --format state day-*.state > week.state\n" \
    "  ssh host drtriage --format state /exports/today.csv |\n" \
    "      drtriage merge - here.state --fail-if 'sbc=*:faults>30%%'\n"

enum { OPT_OUTPUTS = 256, OPT_GATES, OPT_RULES, OPT_TOP, OPT_STUBS, OPT_MAX_CONCURRENT };

typedef struct {
    dt_cli_outputs_t outputs;
    dt_cli_gates_t gates;
    dt_cli_rules_t rules;
    dt_cli_limits_t limits; /* --max-concurrent */
    size_t top;
    bool stubs;
    bool quiet;
} options_t;

static void print_usage(void)
{
    char formats[256];
    dt_writer_names(formats, sizeof formats, ", ");
    printf(USAGE_TEXT, formats);
}

/* Returns -1 to go on, or an exit code. */
static int parse_option(void *ctx, int c, const char *name, const char *arg)
{
    options_t *o = ctx;
    int rc = -1;
    switch (c) {
    case 'f':
        return dt_cli_outputs_option(&o->outputs, "format", arg);
    case 'o':
        return dt_cli_outputs_option(&o->outputs, "output", arg);
    case OPT_OUTPUTS:
        return dt_cli_outputs_option(&o->outputs, name, arg);
    case OPT_GATES:
        return dt_cli_gates_option(&o->gates, "merge", name, arg);
    case OPT_RULES:
        dt_cli_rules_option(&o->rules, name, arg, &rc);
        return rc;
    case OPT_TOP:
        return dt_cli_top_option(&o->top, "merge", arg);
    case OPT_STUBS:
        o->stubs = true;
        return -1;
    case OPT_MAX_CONCURRENT:
        return dt_cli_limit_option(&o->limits, "merge", (char *)arg);
    case 'q':
        o->quiet = true;
        return -1;
    case 'h':
        print_usage();
        return DT_EXIT_OK;
    default:
        return dt_cli_usage_error("merge", "invalid option");
    }
}

static int parse_args(options_t *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        DT_CLI_OUTPUTS_LONG_OPTIONS(OPT_OUTPUTS),
        DT_CLI_GATES_LONG_OPTIONS(OPT_GATES),
        DT_CLI_RULES_LONG_OPTIONS(OPT_RULES),
        {"top", required_argument, NULL, OPT_TOP},
        {"stubs", no_argument, NULL, OPT_STUBS},
        {"max-concurrent", required_argument, NULL, OPT_MAX_CONCURRENT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int rc = dt_cli_parse_options("merge", argc, argv, "f:o:hq", longopts, parse_option, o);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return dt_cli_usage_error("merge", "no states (use - to read one from standard input)");
    rc = dt_cli_stdin_once("merge", argc, argv);
    if (rc >= 0)
        return rc;
    for (size_t k = 0; k < o->outputs.n; k++)
        for (int i = optind; i < argc; i++)
            if (dt_output_same_file(o->outputs.list[k].path, argv[i]))
                return dt_cli_usage_error("merge", "-o '%s' is also the state '%s'",
                                          o->outputs.list[k].path, argv[i]);
    return dt_cli_outputs_finish(&o->outputs);
}

/* The states merged into *all (the first one read is its start), with the
 * meta of the first and an automatic series only when all have one. */
static dt_status_t merge_states(char **paths, size_t n, const dt_rules_t *rules,
                                dt_aggregate_t *all, dt_state_meta_t *meta, dt_error_t *err)
{
    dt_state_meta_t *next = malloc(sizeof *next);
    if (!next)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    dt_status_t st = dt_state_load(paths[0], rules, all, meta, err);
    for (size_t i = 1; i < n && st == DT_OK; i++) {
        dt_aggregate_t part;
        dt_error_t why;
        st = dt_state_load(paths[i], rules, &part, next, err);
        if (st == DT_OK && (dt_state_compatible(meta, next, &why) ||
                            dt_aggregate_compatible(all, &part, &why)))
            st = dt_fail(err, DT_ERR_INPUT, "%s: cannot be merged with %s: %s",
                         strcmp(paths[i], "-") ? paths[i] : "<stdin>",
                         strcmp(paths[0], "-") ? paths[0] : "<stdin>", why.msg);
        if (st == DT_OK)
            st = dt_aggregate_merge(all, &part, DT_MERGE_ANY_ORDER, err);
        meta->auto_series &= next->auto_series;
        dt_aggregate_free(&part);
    }
    free(next);
    return st;
}

/* Reports on the merged aggregate: its state (merged, over the caps) for a
 * state output, then the report of it with the caps applied. */
static dt_exit_t report(const options_t *o, const dt_rules_t *rules, dt_aggregate_t *all,
                        const dt_state_meta_t *meta)
{
    dt_error_t err = {{0}};
    char filters[1024] = "";
    dt_filter_describe(&meta->filter, filters, sizeof filters);
    bool series = all->options.by_time &&
                  (!meta->auto_series || dt_cli_outputs_want(&o->outputs, "html") ||
                   dt_cli_outputs_want(&o->outputs, "state"));
    if (!series)
        dt_aggregate_drop_series(all);
    if (o->limits.n && !all->options.concurrency) {
        dt_cli_error("--max-concurrent: the states were made without --concurrency (make them "
                     "with it, or with --max-concurrent)");
        return DT_EXIT_ERROR;
    }
    dt_report_options_t ro = {.top = o->top, .filters = filters[0] ? filters : NULL,
                              .auto_bucket = series && meta->auto_series,
                              .filter = &meta->filter, .show_stubs = o->stubs,
                              .limits = o->limits.list, .nlimits = o->limits.n};
    dt_cli_filter_window(&meta->filter, &ro);
    unsigned char *state = NULL;
    dt_report_t rep = {0};
    dt_status_t st = dt_cli_outputs_state(&o->outputs, all, &meta->filter, meta->auto_series,
                                          &state, &ro.state_len, &err);
    ro.state = state;
    if (st == DT_OK)
        st = dt_aggregate_fold(all, &err);
    if (st == DT_OK && dt_report_build(&rep, all, &ro))
        st = dt_fail(&err, DT_ERR_NOMEM, "out of memory");
    free(state);
    dt_exit_t rc = DT_EXIT_ERROR;
    if (st == DT_OK)
        rc = dt_cli_publish(&o->outputs, &o->gates, rules, &rep, o->quiet);
    else
        dt_cli_error("%s", err.msg[0] ? err.msg : "out of memory");
    dt_report_free(&rep);
    return rc;
}

int dt_cli_merge(int argc, char **argv)
{
    options_t *o = calloc(1, sizeof *o);
    dt_state_meta_t *meta = calloc(1, sizeof *meta);
    if (!o || !meta) {
        free(o);
        free(meta);
        return dt_cli_error("out of memory");
    }
    *o = (options_t){.outputs = DT_CLI_OUTPUTS_DEFAULT, .rules = DT_CLI_RULES_DEFAULT,
                     .top = DT_DEFAULT_TOP};
    o->outputs.command = "merge";
    optind = 1;
    int rc = parse_args(o, argc, argv);
    dt_rules_t rules;
    dt_rules_init(&rules);
    if (rc < 0 && (!dt_cli_load_rules(&o->rules, &rules) ||
                   !dt_cli_gates_known(&o->gates, &rules, "merge", false)))
        rc = DT_EXIT_ERROR;
    if (rc < 0) {
        dt_aggregate_t all;
        dt_error_t err = {{0}};
        if (merge_states(argv + optind, (size_t)(argc - optind), &rules, &all, meta, &err)) {
            dt_cli_error("%s", err.msg[0] ? err.msg : "out of memory");
            rc = DT_EXIT_ERROR;
        } else {
            rc = (int)report(o, &rules, &all, meta);
        }
        dt_aggregate_free(&all);
    }
    dt_rules_free(&rules);
    free(meta);
    free(o);
    return rc;
}
