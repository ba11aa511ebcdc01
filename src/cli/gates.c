/* cli/gates.c - --fail-if on the command line (dt_cli_gates.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dt_cli.h"
#include "dt_cli_gates.h"
#include "dt_text.h"

int dt_cli_gates_option(dt_cli_gates_t *gates, const char *command, const char *arg)
{
    dt_error_t err = {{0}};
    if (gates->n == DT_CLI_GATES_MAX)
        return dt_cli_usage_error(command, "too many --fail-if conditions (at most %d)",
                                  DT_CLI_GATES_MAX);
    if (dt_gate_parse(arg, &gates->list[gates->n], &err))
        return dt_cli_usage_error(command, "%s", err.msg);
    gates->n++;
    return -1;
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

bool dt_cli_gates_check(const dt_cli_gates_t *gates, const dt_rules_t *rules,
                        const char *command, bool trend)
{
    char what[DT_GATE_TEXT + 16];
    for (size_t i = 0; i < gates->n; i++) {
        const dt_gate_t *g = &gates->list[i];
        snprintf(what, sizeof what, "--fail-if '%s'", g->text);
        if (g->metric->trend && !trend) {
            dt_cli_usage_error(command, "%s judges a trend: drtriage trend --db STORE --fail-if "
                                        "'%s'", what, g->text);
            return false;
        }
        if (g->metric->param == DT_GATE_ACTION_ID &&
            !dt_cli_known_action(rules, command, what, g->action_id))
            return false;
    }
    return true;
}

void dt_cli_report_gates(const dt_report_t *report)
{
    for (size_t i = 0; i < report->ngates; i++) {
        const dt_gate_result_t *g = &report->gates[i];
        if (g->breached || !g->judged) {
            fputs(g->breached ? "drtriage: --fail-if breached: " : "drtriage: --fail-if ", stderr);
            dt_text_write_escaped(stderr, g->why, strlen(g->why));
            fputc('\n', stderr);
        }
    }
}
