/* dt_gates.h - the --fail-if conditions a CI job sets on a report:
 *   failed>N  failed>P%  sbc>N  sbc>P%  microsoft>N|P%  unknown>N|P%
 *   ner<P  action:ID>N|P%  code:MS/SIP>N|P%   (also >=, <, <=)
 * Percentages are of all calls. Ratio conditions are only judged when the
 * report has at least min_calls calls. */
#ifndef DT_GATES_H
#define DT_GATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_report.h"
#include "dt_common.h"

typedef enum {
    DT_METRIC_FAILED = 0,
    DT_METRIC_ORIGIN,   /* failures of one origin */
    DT_METRIC_NER,
    DT_METRIC_ACTION,
    DT_METRIC_CODE,
} dt_metric_t;

typedef enum { DT_CMP_GT, DT_CMP_GE, DT_CMP_LT, DT_CMP_LE } dt_cmp_t;

typedef struct {
    char text[128];       /* the expression as given, for messages */
    dt_metric_t metric;
    dt_origin_t origin;   /* DT_METRIC_ORIGIN */
    char action_id[64];   /* DT_METRIC_ACTION */
    dt_code_key_t code;   /* DT_METRIC_CODE */
    dt_cmp_t cmp;
    double limit;
    bool percent;         /* limit is a percentage of calls (NER is always one) */
} dt_gate_t;

/* Parses one expression. Returns DT_ERR_USAGE with a message quoting the
 * expression and saying what was expected. */
dt_status_t dt_gate_parse(const char *expr, dt_gate_t *out, dt_error_t *err);

/* Judges a condition against a report. Returns true when breached and writes
 * a one-line explanation ("failed>5%: 7.20% of 1000 calls failed") into why.
 * A ratio condition on fewer than min_calls calls is not breached; why then
 * says it was skipped (why[0] is '\0' otherwise). */
bool dt_gate_check(const dt_gate_t *gate, const dt_report_t *report,
                        uint64_t min_calls, char *why, size_t why_len);

#endif
