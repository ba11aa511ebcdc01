/* cli/gates.c - --fail-if for the commands beside report (dt_cli_gates.h). */
#include <stdio.h>
#include <string.h>

#include "dt_cli_gates.h"

int dt_cli_gates_option(dt_cli_gates_t *gates, const char *command, const char *arg)
{
    dt_error_t err = {{0}};
    if (gates->n == DT_CLI_GATES_MAX)
        return dt_cli_usage_error(command, "too many --fail-if gates (at most %d)",
                                  DT_CLI_GATES_MAX);
    if (dt_threshold_parse(arg, &gates->list[gates->n], &err))
        return dt_cli_usage_error(command, "%s", err.msg);
    gates->n++;
    return -1;
}

bool dt_cli_gates_check(const dt_cli_gates_t *gates, const dt_rules_t *rules,
                        const char *command)
{
    for (size_t i = 0; i < gates->n; i++) {
        const dt_threshold_t *t = &gates->list[i];
        if (t->metric == DT_METRIC_ACTION && strcmp(t->action_id, "unknown") != 0 &&
            !dt_rules_action(rules, t->action_id)) {
            dt_cli_usage_error(command, "--fail-if '%s': no action '%s' in the rules (drtriage "
                               "rules list shows them)", t->text, t->action_id);
            return false;
        }
    }
    return true;
}

dt_exit_t dt_cli_gates_judge(const dt_cli_gates_t *gates, const dt_report_t *report,
                             uint64_t min_calls)
{
    dt_exit_t rc = DT_EXIT_OK;
    for (size_t i = 0; i < gates->n; i++) {
        char why[512];
        if (dt_threshold_check(&gates->list[i], report, min_calls, why, sizeof why)) {
            dt_cli_error("--fail-if breached: %s", why);
            rc = DT_EXIT_BREACH;
        } else if (why[0]) {
            dt_cli_error("--fail-if %s", why);
        }
    }
    return rc;
}
