/* dt_cli_verdict.h - what `drtriage report`, `drtriage merge` and
 * `drtriage trend` share once they hold an aggregate: the options that shape the report (--top,
 * --max-concurrent) and judge it (--fail-if, --min-calls), action ids
 * checked against the rules, writing the report's outputs, the verdict on
 * stderr (rejected rows, filters that matched nothing, gates) and the exit
 * code it gives. */
#ifndef DT_CLI_VERDICT_H
#define DT_CLI_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_cli.h"
#include "dt_cli_outputs.h"
#include "dt_filter.h"
#include "dt_gates.h"
#include "dt_report.h"
#include "dt_rules.h"

#define DT_CLI_GATES_MAX 64
#define DT_CLI_LIMITS_MAX 64
#define DT_CLI_TOP_MAX 1000000

/* --max-concurrent SBC=N, in order; the SBC names point into argv. */
typedef struct {
    dt_session_limit_t list[DT_CLI_LIMITS_MAX];
    size_t n;
} dt_cli_limits_t;

/* Handles --top N|all ("all" is 0: every row) for `command` into *top.
 * Returns -1 to go on, or an exit code after printing a usage error. */
int dt_cli_top_option(size_t *top, const char *command, const char *arg);

/* Handles --max-concurrent SBC=N for `command`: arg (from argv) is cut at
 * its '=' and kept. Returns -1 to go on, or an exit code after printing a
 * usage error. */
int dt_cli_limit_option(dt_cli_limits_t *l, const char *command, char *arg);

/* Sets the report's time window (has_since, since, has_until, until) from
 * the --since and --until conditions of filter: the latest since, the
 * earliest until. */
void dt_cli_filter_window(const dt_filter_t *filter, dt_report_options_t *ro);

typedef struct {
    dt_gate_t gates[DT_CLI_GATES_MAX]; /* --fail-if, in order */
    size_t n;
    uint64_t min_calls;                /* --min-calls ... */
    bool min_calls_set;                /* ... when given */
} dt_cli_gates_t;

/* The gate options as getopt_long entries returning `code`; pass what they
 * return to dt_cli_gates_option. */
#define DT_CLI_GATES_LONG_OPTIONS(code)                   \
    {"fail-if", required_argument, NULL, (code)},         \
    {"min-calls", required_argument, NULL, (code)}

/* Handles --fail-if or --min-calls (name without "--") for `command`.
 * Returns -1 to go on, or an exit code after printing a usage error. */
int dt_cli_gates_option(dt_cli_gates_t *g, const char *command, const char *name,
                        const char *arg);

/* True when some gate judges the metric named `metric` (dt_gates.h). */
bool dt_cli_gates_judge_metric(const dt_cli_gates_t *g, const char *metric);

/* True when the rules have action `id` ("unknown" always); otherwise prints
 * a usage error for `command` naming what (the option as given) and the
 * closest id the rules have, and returns false. */
bool dt_cli_known_action(const dt_rules_t *rules, const char *command, const char *what,
                         const char *id);

/* True when every action id the gates name is in the rules (else as
 * dt_cli_known_action) and, unless `trend` (drtriage trend, which measures
 * them), no gate judges a trend metric (else prints a usage error for
 * `command` pointing to drtriage trend and returns false). */
bool dt_cli_gates_known(const dt_cli_gates_t *g, const dt_rules_t *rules, const char *command,
                        bool trend);

/* The least calls a rate is judged over: --min-calls when given, else the
 * rules' NER minimum. */
uint64_t dt_cli_gates_min_calls(const dt_cli_gates_t *g, const dt_rules_t *rules);

/* Prints the first rejected row and how many there were, when there were. */
void dt_cli_warn_rejections(const dt_report_t *report);

/* When the filters let no call through: names each condition that matched
 * nothing with the values the input has instead, or says none matched all. */
void dt_cli_report_no_match(const dt_report_t *report);

/* Judges the gates on the report (with --min-calls, or the rules' NER
 * minimum), writes it to every output, and says on stderr (unless quiet and
 * nothing failed) what was rejected, matched nothing or breached. Returns
 * DT_EXIT_OK, DT_EXIT_BREACH (a gate breached, or the filters matched no
 * call), or DT_EXIT_ERROR after printing why no report was written. */
dt_exit_t dt_cli_publish(const dt_cli_outputs_t *outputs, const dt_cli_gates_t *gates,
                         const dt_rules_t *rules, dt_report_t *report, bool quiet);

#endif
