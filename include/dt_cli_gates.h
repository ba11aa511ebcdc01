/* dt_cli_gates.h - the --fail-if gates of the commands that write a report
 * (report, trend): parsed from the command line, checked against the rules
 * before anything is read, and their outcomes named on stderr. Judging is
 * the library's (dt_gates.h). */
#ifndef DT_CLI_GATES_H
#define DT_CLI_GATES_H

#include <stdbool.h>
#include <stddef.h>

#include "dt_gates.h"
#include "dt_report.h"
#include "dt_rules.h"

#define DT_CLI_GATES_MAX 64

typedef struct {
    dt_gate_t list[DT_CLI_GATES_MAX];
    size_t n;
} dt_cli_gates_t;

/* Parses one --fail-if value into the list. Returns -1 to go on, or an exit
 * code after printing a usage error for `command`. */
int dt_cli_gates_option(dt_cli_gates_t *gates, const char *command, const char *arg);

/* An action id the rules lack (other than "unknown") can never match:
 * prints a usage error for `command` naming the closest id the rules have
 * and returns false. what is the option as given, for the message. */
bool dt_cli_known_action(const dt_rules_t *rules, const char *command, const char *what,
                         const char *id);

/* Refuses (printing a usage error for `command`) a gate on an action the
 * rules lack, and without `trend` a gate on a trend metric (which only
 * drtriage trend measures). */
bool dt_cli_gates_check(const dt_cli_gates_t *gates, const dt_rules_t *rules,
                        const char *command, bool trend);

/* Names each breached gate, and each gate not judged, on stderr. */
void dt_cli_report_gates(const dt_report_t *report);

#endif
