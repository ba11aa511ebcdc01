/* cli/trend.c - `drtriage trend --db FILE`: the recent window of days from
 * the history store against the baseline days before it, as a report with
 * a trend section, in any format, with gates for cron. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_cli.h"
#include "dt_cli_outputs.h"
#include "dt_cli_verdict.h"
#include "dt_codes.h"
#include "dt_date.h"
#include "dt_filter.h"
#include "dt_num.h"
#include "dt_store.h"
#include "dt_store_replay.h"
#include "dt_trend.h"

#define CODE_CACHE_CAP 16384
#define TREND_TOP 10 /* rows per table of the window's report */

#define TREND_TEXT \
    "Usage: drtriage trend --db FILE [OPTIONS]\n" \
    "\n" \
    "Compares the recent window of days in the history store FILE with the baseline\n" \
    "days before it: per day NER, faults by origin and by action, and the changes\n" \
    "that matter, ranked by faults beyond the baseline rate: codes new in the window,\n" \
    "codes and actions whose rate of faults rose, SBCs whose NER fell, each with the\n" \
    "day it started. A rise is listed as significant only when a Poisson test, widened\n" \
    "by the baseline's day-to-day spread, puts it beyond chance (at %s%% for all rises\n" \
    "together), and only over at least --min-calls calls, so noise on small counts is\n" \
    "not flagged. The report of the window follows. Method: docs/store.md.\n" \
    "\n" \
    "Window:\n" \
    "      --db FILE          the history store (required)\n" \
    "      --days N           the recent window, in UTC days (default %d)\n" \
    "      --baseline N       the baseline days just before it (default %d)\n" \
    "      --until DATE       the day after the window's last (default: the day after\n" \
    "                         the last day the store has data for)\n" \
    "      --sbc GLOB         calls through matching SBCs only\n" \
    "      --direction in|out inbound or outbound calls only\n" \
    "\n" \
    "Output:\n" \
    "  -f, --format FORMAT    %s (default text)\n" \
    "  -o, --output FILE      write to FILE (atomically), the format from its extension\n" \
    "                         or a FORMAT: prefix; repeatable\n" \
    "      --color WHEN       auto, always or never (default auto; NO_COLOR is honoured)\n" \
    "      --table NAME       the CSV table (as for drtriage report)\n" \
    "      --excel            CSV for Excel\n" \
    "      --top N|all        rows per table of the window's report (default %d)\n" \
    "  -q, --quiet            nothing on stderr unless a gate breaches or the run fails\n" \
    "\n" \
    "Cron gate:\n" \
    "      --fail-if GATE     exit 1 when GATE holds; repeatable. Besides the report's\n" \
    "                         gates (judged on the window's calls): new-codes>N\n" \
    "                         (significant new codes), ner-drop>P (NER points below\n" \
    "                         the baseline), action:ID-rise>P%% (a significant rise of\n" \
    "                         an action's faults, in percent of its baseline rate;\n" \
    "                         may pass 100%%), missing-days>N (window days no export\n" \
    "                         covers)\n" \
    "      --min-calls N      test and judge rates only over at least N calls (default:\n" \
    "                         the rules' NER minimum, 100)\n" \
    "\n" \
    DT_CLI_RULES_HELP \
    "  -h, --help             show this help\n" \
    "\n" \
    "Exit status:\n" \
    "  0  trend written, no --fail-if gate breached\n" \
    "  1  trend written, a --fail-if gate breached (named on stderr)\n" \
    "  2  usage, store or output error (message on stderr, nothing written)\n" \
    "\n" \
    "Examples:\n" \
    "  drtriage trend --db /var/lib/drtriage/history.db\n" \
    "  drtriage trend --db history.db --days 7 --baseline 28 --fail-if 'new-codes>0' \\\n" \
    "      --fail-if 'ner-drop>5' -o trend.html\n"

enum { OPT_DB = 256, OPT_DAYS, OPT_BASELINE, OPT_UNTIL, OPT_FILTER, OPT_OUTPUTS, OPT_TOP,
       OPT_GATES, OPT_RULES };

typedef struct {
    const char *db;
    uint64_t days, baseline;
    bool until_set;
    int64_t until;
    dt_filter_t filter;
    dt_cli_outputs_t outputs;
    size_t top;
    dt_cli_rules_t rules;
    dt_cli_gates_t gates;          /* --fail-if, --min-calls */
    bool quiet;
} options_t;

static void print_usage(void)
{
    char formats[256], alpha[DT_NUMBER_MAX];
    dt_writer_names(formats, sizeof formats, ", ");
    dt_format_trimmed(alpha, DT_TREND_ALPHA * 100);
    printf(TREND_TEXT, alpha, DT_TREND_DAYS, DT_TREND_DAYS, formats, TREND_TOP);
}

static int parse_days(const char *name, const char *arg, uint64_t *out)
{
    if (!dt_parse_uint(arg, strlen(arg), DT_TREND_DAYS_MAX, out) || *out == 0)
        return dt_cli_usage_error("trend", "--%s '%s': expected a number of days from 1 to %d",
                                  name, arg, DT_TREND_DAYS_MAX);
    return -1;
}

/* Returns -1 to go on, or an exit code. */
static int parse_option(void *ctx, int c, const char *name, const char *arg)
{
    options_t *o = ctx;
    dt_error_t err = {{0}};
    int rc = -1;
    switch (c) {
    case OPT_DB:
        o->db = arg;
        return -1;
    case OPT_DAYS:
        return parse_days(name, arg, &o->days);
    case OPT_BASELINE:
        return parse_days(name, arg, &o->baseline);
    case OPT_UNTIL:
        if (dt_date_parse(arg, strlen(arg), &o->until) != DT_DATE_OK ||
            o->until % DT_DAY_SECONDS != 0)
            return dt_cli_usage_error("trend", "--until '%s': expected a date (2026-12-01)", arg);
        o->until_set = true;
        return -1;
    case OPT_FILTER:
        if (dt_filter_add(&o->filter, name, arg, &err))
            return dt_cli_usage_error("trend", "--%s: %s", name, err.msg);
        return -1;
    case 'f':
        return dt_cli_outputs_option(&o->outputs, "format", arg);
    case 'o':
        return dt_cli_outputs_option(&o->outputs, "output", arg);
    case OPT_OUTPUTS:
        return dt_cli_outputs_option(&o->outputs, name, arg);
    case OPT_TOP:
        return dt_cli_top_option(&o->top, "trend", arg);
    case OPT_GATES:
        return dt_cli_gates_option(&o->gates, "trend", name, arg);
    case OPT_RULES:
        dt_cli_rules_option(&o->rules, name, arg, &rc);
        return rc;
    case 'q':
        o->quiet = true;
        return -1;
    case 'h':
        print_usage();
        return DT_EXIT_OK;
    default:
        return dt_cli_usage_error("trend", "invalid option");
    }
}

static int parse_args(options_t *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"days", required_argument, NULL, OPT_DAYS},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"until", required_argument, NULL, OPT_UNTIL},
        {"sbc", required_argument, NULL, OPT_FILTER},
        {"direction", required_argument, NULL, OPT_FILTER},
        DT_CLI_OUTPUTS_LONG_OPTIONS(OPT_OUTPUTS),
        {"top", required_argument, NULL, OPT_TOP},
        DT_CLI_GATES_LONG_OPTIONS(OPT_GATES),
        {"quiet", no_argument, NULL, 'q'},
        DT_CLI_RULES_LONG_OPTIONS(OPT_RULES),
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int rc = dt_cli_parse_options("trend", argc, argv, "f:o:qh", longopts, parse_option, o);
    if (rc >= 0)
        return rc;
    if (!o->db)
        return dt_cli_usage_error("trend", "--db FILE is required");
    if (optind < argc)
        return dt_cli_usage_error("trend", "unexpected argument '%s'", argv[optind]);
    return dt_cli_outputs_finish(&o->outputs);
}

/* ---- the run ---- */

typedef struct {
    const options_t *o;
    const dt_rules_t *rules;
    dt_codes_t *codes;
    dt_store_t *store;
    int64_t first_day;
    int64_t history_since;  /* the store's first day */
    size_t ndays;
    dt_aggregate_t *days;   /* one per day */
    bool *has_data;
    dt_aggregate_t window;
} trend_run_t;

static dt_status_t mark_day(void *ctx, const dt_store_day_t *day, dt_error_t *err)
{
    (void)err;
    trend_run_t *t = ctx;
    int64_t i = (day->day - t->first_day) / DT_DAY_SECONDS;
    if (day->day >= t->first_day && i >= 0 && (size_t)i < t->ndays)
        t->has_data[i] = day->hours > 0;
    return DT_OK;
}

/* The window's end: --until, else the day after the store's last day. */
static dt_status_t window_end(trend_run_t *t, int64_t *until, bool *any, dt_error_t *err)
{
    int64_t first, last;
    dt_status_t st = dt_store_extent(t->store, any, &first, &last, err);
    if (st || !*any)
        return st;
    t->history_since = dt_date_bucket(first, DT_BUCKET_DAY);
    *until = t->o->until_set ? t->o->until
                             : dt_date_bucket(last, DT_BUCKET_DAY) + DT_DAY_SECONDS;
    return DT_OK;
}

static dt_status_t read_days(trend_run_t *t, int64_t until, dt_error_t *err)
{
    const options_t *o = t->o;
    t->ndays = (size_t)(o->baseline + o->days);
    t->first_day = until - (int64_t)t->ndays * DT_DAY_SECONDS;
    t->days = calloc(t->ndays, sizeof *t->days);
    t->has_data = calloc(t->ndays, sizeof *t->has_data);
    dt_aggregate_t **aggs = calloc(t->ndays, sizeof *aggs);
    dt_aggregate_options_t none = {0};
    dt_status_t st = t->days && t->has_data && aggs ? DT_OK : DT_ERR_NOMEM;
    for (size_t i = 0; st == DT_OK && i < t->ndays; i++) {
        aggs[i] = &t->days[i];
        if (dt_aggregate_init(&t->days[i], t->rules, 0) ||
            dt_aggregate_configure(&t->days[i], &none))
            st = DT_ERR_NOMEM;
    }
    if (st == DT_OK && (dt_aggregate_init(&t->window, t->rules, 0) ||
                        dt_store_begin_input(&t->window, o->db)))
        st = DT_ERR_NOMEM;
    if (st) {
        free(aggs);
        return dt_fail(err, st, "out of memory");
    }
    int64_t window_since = until - (int64_t)o->days * DT_DAY_SECONDS;
    const dt_filter_t *filter = o->filter.n ? &o->filter : NULL;
    dt_store_replay_t days = {.since = t->first_day, .until = until, .rules = t->rules,
                              .codes = t->codes, .filter = filter, .days = aggs,
                              .ndays = t->ndays};
    dt_store_replay_t window = {.since = window_since, .until = until, .rules = t->rules,
                                .codes = t->codes, .filter = filter, .whole = &t->window};
    st = dt_store_replay(t->store, &days, err);
    if (st == DT_OK)
        st = dt_store_replay(t->store, &window, err);
    if (st == DT_OK)
        st = dt_store_days(t->store, mark_day, t, err);
    free(aggs);
    return st;
}

static void note_range(trend_run_t *t, int64_t until)
{
    char from[DT_DATE_TEXT_MAX], split[DT_DATE_TEXT_MAX], to[DT_DATE_TEXT_MAX];
    int64_t window_since = until - (int64_t)t->o->days * DT_DAY_SECONDS;
    dt_date_format(t->first_day, from, sizeof from);
    dt_date_format(window_since, split, sizeof split);
    dt_date_format(until, to, sizeof to);
    dt_aggregate_note(&t->window,
                      "%s: the report is of the window's calls, from %.10s to %.10s (UTC "
                      "days); the baseline days from %.10s; calls classified under the rules "
                      "in effect now",
                      t->o->db, split, to, from);
}

/* Builds the window's report with the trend, then writes and judges it as
 * any report (dt_cli_publish, which says why when it fails). */
static dt_exit_t report_trend(trend_run_t *t)
{
    const options_t *o = t->o;
    dt_report_t report = {0};
    char filters[1024] = "";
    dt_filter_describe(&o->filter, filters, sizeof filters);
    dt_report_options_t ro = {.top = o->top, .filters = filters[0] ? filters : NULL};
    const dt_aggregate_t **aggs = calloc(t->ndays, sizeof *aggs);
    dt_exit_t rc = DT_EXIT_ERROR;
    dt_trend_options_t to = {.baseline_days = (size_t)o->baseline, .window_days = (size_t)o->days,
                             .first_day = t->first_day, .history_since = t->history_since,
                             .min_calls = dt_cli_gates_min_calls(&o->gates, t->rules)};
    for (size_t i = 0; aggs && i < t->ndays; i++)
        aggs[i] = &t->days[i];
    if (!aggs || dt_report_build(&report, &t->window, &ro) ||
        dt_trend_build(&report, aggs, t->has_data, &to))
        dt_cli_error("out of memory");
    else
        rc = dt_cli_publish(&o->outputs, &o->gates, t->rules, &report, o->quiet);
    free(aggs);
    dt_report_free(&report);
    return rc;
}

static dt_exit_t run(const options_t *o)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    trend_run_t t = {.o = o, .rules = &rules};
    dt_rules_init(&rules);
    if (!dt_cli_load_rules(&o->rules, &rules) ||
        !dt_cli_gates_known(&o->gates, &rules, "trend", true)) {
        dt_rules_free(&rules);
        return DT_EXIT_ERROR;
    }
    dt_exit_t rc = DT_EXIT_ERROR;
    int64_t until = 0;
    bool any = false;
    dt_status_t st = DT_OK;
    if (!(t.codes = dt_codes_new(&rules, CODE_CACHE_CAP, &err)))
        st = DT_ERR_INPUT;
    if (st == DT_OK)
        st = dt_store_open(&t.store, o->db, DT_STORE_READ, &err);
    if (st == DT_OK)
        st = window_end(&t, &until, &any, &err);
    if (st == DT_OK && !any)
        st = dt_fail(&err, DT_ERR_INPUT, "%s: the store holds no calls yet (drtriage ingest)",
                     o->db);
    if (st == DT_OK)
        st = read_days(&t, until, &err);
    if (st == DT_OK) {
        note_range(&t, until);
        rc = report_trend(&t);
    } else {
        dt_cli_error("%s", err.msg[0] ? err.msg : "out of memory");
    }
    for (size_t i = 0; t.days && i < t.ndays; i++)
        if (t.days[i].rules)
            dt_aggregate_free(&t.days[i]);
    free(t.days);
    free(t.has_data);
    if (t.window.rules)
        dt_aggregate_free(&t.window);
    dt_store_close(t.store);
    dt_codes_free(t.codes);
    dt_rules_free(&rules);
    return rc;
}

int dt_cli_trend(int argc, char **argv)
{
    options_t *o = calloc(1, sizeof *o);
    if (!o)
        return dt_cli_error("out of memory");
    *o = (options_t){.days = DT_TREND_DAYS, .baseline = DT_TREND_DAYS, .top = TREND_TOP,
                     .outputs = DT_CLI_OUTPUTS_DEFAULT, .rules = DT_CLI_RULES_DEFAULT};
    o->outputs.command = "trend";
    int rc = parse_args(o, argc, argv);
    if (rc < 0)
        rc = (int)run(o);
    free(o);
    return rc;
}
