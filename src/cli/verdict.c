/* verdict.c - the gate options, writing a report and what stderr says about
 * it, shared by `drtriage report`, `drtriage merge` and `drtriage trend`
 * (dt_cli_verdict.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dt_cli_verdict.h"
#include "dt_num.h"
#include "dt_text.h"

int dt_cli_top_option(size_t *top, const char *command, const char *arg)
{
    uint64_t n = 0; /* "all": as --top 0 */
    if (strcmp(arg, "all") != 0 && !dt_parse_uint(arg, strlen(arg), DT_CLI_TOP_MAX, &n))
        return dt_cli_usage_error(command, "--top '%s': expected a whole number or all", arg);
    *top = (size_t)n;
    return -1;
}

int dt_cli_limit_option(dt_cli_limits_t *l, const char *command, char *arg)
{
    char *eq = strrchr(arg, '=');
    uint64_t n;
    if (!eq || eq == arg || !dt_parse_uint(eq + 1, strlen(eq + 1), UINT32_MAX, &n) || n == 0)
        return dt_cli_usage_error(command,
                                  "--max-concurrent '%s': expected SBC=N, the SBC's FQDN and its "
                                  "MaxConcurrentSessions (a whole number above 0)",
                                  arg);
    if (l->n == DT_CLI_LIMITS_MAX)
        return dt_cli_usage_error(command, "too many --max-concurrent (at most %d)",
                                  DT_CLI_LIMITS_MAX);
    *eq = '\0';
    l->list[l->n++] = (dt_session_limit_t){arg, n};
    return -1;
}

void dt_cli_filter_window(const dt_filter_t *filter, dt_report_options_t *ro)
{
    for (size_t i = 0; i < filter->n; i++) {
        const dt_cond_t *c = &filter->conds[i];
        if (c->kind == DT_COND_SINCE && (!ro->has_since || c->time > ro->since)) {
            ro->since = c->time;
            ro->has_since = true;
        } else if (c->kind == DT_COND_UNTIL && (!ro->has_until || c->time < ro->until)) {
            ro->until = c->time;
            ro->has_until = true;
        }
    }
}

int dt_cli_gates_option(dt_cli_gates_t *g, const char *command, const char *name,
                        const char *arg)
{
    dt_error_t err;
    if (strcmp(name, "min-calls") == 0) {
        if (!dt_parse_uint(arg, strlen(arg), UINT64_MAX / 10, &g->min_calls))
            return dt_cli_usage_error(command, "--min-calls '%s': expected a whole number", arg);
        g->min_calls_set = true;
        return -1;
    }
    if (g->n == DT_CLI_GATES_MAX)
        return dt_cli_usage_error(command, "too many --fail-if conditions (at most %d)",
                                  DT_CLI_GATES_MAX);
    if (dt_gate_parse(arg, &g->gates[g->n], &err))
        return dt_cli_usage_error(command, "%s", err.msg);
    g->n++;
    return -1;
}

bool dt_cli_gates_judge_metric(const dt_cli_gates_t *g, const char *metric)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->gates[i].metric->name, metric) == 0)
            return true;
    return false;
}

bool dt_cli_known_action(const dt_rules_t *rules, const char *command, const char *what,
                         const char *id)
{
    dt_name_closest_t closest;
    dt_name_closest_init(&closest, id, strlen(id));
    if (strcasecmp(id, "unknown") == 0)
        return true;
    for (size_t a = 0; a < rules->nactions; a++) {
        if (strcasecmp(rules->actions[a].id, id) == 0)
            return true;
        dt_name_closest_add(&closest, rules->actions[a].id, strlen(rules->actions[a].id));
    }
    const char *likely = dt_name_closest_likely(&closest);
    dt_cli_usage_error(command, "%s: no action '%s' in the rules%s%s%s (drtriage rules list "
                                "shows them)",
                       what, id, likely ? "; did you mean '" : "", likely ? likely : "",
                       likely ? "'?" : "");
    return false;
}

bool dt_cli_gates_known(const dt_cli_gates_t *g, const dt_rules_t *rules, const char *command,
                        bool trend)
{
    char what[DT_GATE_TEXT + 16];
    for (size_t i = 0; i < g->n; i++) {
        const dt_gate_t *gate = &g->gates[i];
        snprintf(what, sizeof what, "--fail-if '%s'", gate->text);
        if (gate->metric->trend && !trend) {
            dt_cli_usage_error(command, "%s judges a trend: drtriage trend --db STORE --fail-if "
                                        "'%s'", what, gate->text);
            return false;
        }
        if (gate->metric->param == DT_GATE_ACTION_ID &&
            !dt_cli_known_action(rules, command, what, gate->action_id))
            return false;
    }
    return true;
}

uint64_t dt_cli_gates_min_calls(const dt_cli_gates_t *g, const dt_rules_t *rules)
{
    return g->min_calls_set ? g->min_calls : rules->ner_min_calls;
}

void dt_cli_warn_rejections(const dt_report_t *report)
{
    const dt_totals_t *totals = &report->totals;
    const dt_rejection_t *first = report->rejections;
    if (!totals->rejected || !report->nrejections)
        return;
    dt_cli_message("warning: %" PRIu64 " of %" PRIu64
                   " rows rejected (listed in the report); first: %s:%" PRIu64 ": %s",
                   totals->rejected, totals->rows, first->path, first->line, first->reason);
}

/* Writes text that may quote input bytes to stderr, escaped (dt_cli.h). */
static void put_stderr_safe(const char *text)
{
    dt_text_write_escaped(stderr, text, strlen(text));
}

/* Names each breached and each unjudged gate on stderr. */
static void report_gates(const dt_report_t *report)
{
    for (size_t i = 0; i < report->ngates; i++) {
        const dt_gate_result_t *g = &report->gates[i];
        if (g->breached || !g->judged) {
            fputs(g->breached ? "drtriage: --fail-if breached: " : "drtriage: --fail-if ", stderr);
            put_stderr_safe(g->why);
            fputc('\n', stderr);
        }
    }
}

void dt_cli_report_no_match(const dt_report_t *report)
{
    size_t empty = 0;
    for (size_t i = 0; i < report->nfilter_matches; i++)
        empty += report->filter_matches[i].calls == 0;
    if (!empty) {
        fputs("drtriage: no call matched all the filters together:", stderr);
        for (size_t i = 0; i < report->nfilter_matches; i++) {
            const dt_filter_match_t *m = &report->filter_matches[i];
            fputs(i ? ", " : " ", stderr);
            put_stderr_safe(m->option);
            fprintf(stderr, " (%" PRIu64 " call%s)", m->calls, m->calls == 1 ? "" : "s");
        }
        fputc('\n', stderr);
        return;
    }
    for (size_t i = 0; i < report->nfilter_matches; i++) {
        const dt_filter_match_t *m = &report->filter_matches[i];
        if (m->calls)
            continue;
        fputs("drtriage: no calls matched ", stderr);
        put_stderr_safe(m->option);
        fprintf(stderr, m->nvalues ? "; the %s in the input:" : "; the input has no %s", m->noun);
        for (size_t v = 0; v < m->nvalues; v++) {
            fputs(v ? ", " : " ", stderr);
            put_stderr_safe(m->values[v]->other ? "(others)" : m->values[v]->name);
            fprintf(stderr, " (%" PRIu64 ")", m->values[v]->counts.calls);
        }
        if (m->more)
            fprintf(stderr, " and %zu more", m->more);
        fputc('\n', stderr);
    }
}

dt_exit_t dt_cli_publish(const dt_cli_outputs_t *outputs, const dt_cli_gates_t *gates,
                         const dt_rules_t *rules, dt_report_t *report, bool quiet)
{
    uint64_t min_calls = dt_cli_gates_min_calls(gates, rules);
    dt_error_t err = {{0}};
    dt_status_t st = dt_gates_judge(report, gates->gates, gates->n, min_calls);
    if (st)
        dt_fail(&err, st, "out of memory");
    else
        st = dt_cli_outputs_write(outputs, report, &err);
    if (st) {
        dt_cli_error("%s", err.msg[0] ? err.msg : "out of memory");
        return DT_EXIT_ERROR;
    }
    bool failed = dt_gates_breached(report) || report->matched_nothing;
    if (!quiet || failed) {
        dt_cli_warn_rejections(report);
        if (report->matched_nothing)
            dt_cli_report_no_match(report);
        report_gates(report);
    }
    return failed ? DT_EXIT_BREACH : DT_EXIT_OK;
}
