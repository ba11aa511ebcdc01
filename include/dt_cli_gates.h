/* dt_cli_gates.h - the --fail-if gates of a command that writes a report
 * (drtriage trend): parsed from the command line, checked against the
 * rules, judged on the report, each breach named on stderr. */
#ifndef DT_CLI_GATES_H
#define DT_CLI_GATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_cli.h"
#include "dt_report.h"
#include "dt_rules.h"
#include "dt_threshold.h"

#define DT_CLI_GATES_MAX 64

typedef struct {
    dt_threshold_t list[DT_CLI_GATES_MAX];
    size_t n;
} dt_cli_gates_t;

/* Parses one --fail-if value into the list. Returns -1 to go on, or an exit
 * code after printing a usage error for `command`. */
int dt_cli_gates_option(dt_cli_gates_t *gates, const char *command, const char *arg);

/* Refuses (printing a usage error for `command`) a gate on an action the
 * rules lack, which could never breach. */
bool dt_cli_gates_check(const dt_cli_gates_t *gates, const dt_rules_t *rules,
                        const char *command);

/* Judges every gate on the report; names each breach (and each gate not
 * judged) on stderr. Returns DT_EXIT_BREACH when one breached, else DT_EXIT_OK. */
dt_exit_t dt_cli_gates_judge(const dt_cli_gates_t *gates, const dt_report_t *report,
                             uint64_t min_calls);

#endif
