/* dt_gates.h - the gates a CI or cron job sets on a report (--fail-if):
 *
 *   GATE   = [ "sbc=" GLOB ":" ] METRIC OP VALUE
 *   METRIC = a name of dt_gate_metrics | "action:" ID | "code:" CODE
 *   OP     = ">" | ">=" | "<" | "<="
 *   VALUE  = N | P "%"            (a count, or a percentage of the metric's
 *                                  denominator; NER is always a percentage)
 *
 * A trend report (drtriage trend, dt_trend.h) has the trend metrics too:
 * new-codes, missing-days, ner-drop (NER points below the baseline) and
 * "action:" ID "-rise" (the rise of an action's faults in percent of its
 * baseline rate, which may pass 100%; 0 unless the rise is significant).
 *
 * Gates read only the report. A gate with "sbc=GLOB:" is judged once for
 * every SBC of the report whose name matches GLOB (dt_glob_match), on that
 * SBC's own counts. A percentage or ratio is judged only when its
 * denominator reaches the minimum number of calls (--min-calls); a count
 * always is. */
#ifndef DT_GATES_H
#define DT_GATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_code.h"
#include "dt_common.h"
#include "dt_report.h"

typedef enum { DT_CMP_GT, DT_CMP_GE, DT_CMP_LT, DT_CMP_LE } dt_cmp_t;

/* How a gate reads a metric's measure (numerator, denominator), as flags of
 * the forms a metric accepts. */
typedef enum {
    DT_GATE_COUNT = 1 << 0,   /* N: the numerator itself */
    DT_GATE_PERCENT = 1 << 1, /* P%: the numerator as a percentage of the denominator */
    DT_GATE_RATIO = 1 << 2,   /* always a percentage (NER); '%' optional */
    DT_GATE_MEAN = 1 << 3,    /* numerator / denominator, in the metric's unit */
    DT_GATE_RISE = 1 << 4,    /* P%: a rise in percent of a baseline, may pass 100% */
} dt_gate_form_t;

/* What a metric takes after "NAME:". */
typedef enum { DT_GATE_NO_PARAM = 0, DT_GATE_ACTION_ID, DT_GATE_CODE } dt_gate_param_t;

/* A metric over one set of counts: the report's totals or one SBC's row. */
typedef struct {
    double numerator;      /* calls, rows, or for a mean the sum (seconds...) */
    uint64_t denominator;  /* what a percentage or mean is out of */
} dt_gate_measure_t;

typedef struct dt_gate dt_gate_t;

/* One row of the metric table. Adding a metric is adding a row (and its
 * measure function); the parser, the judging, the messages and --help's
 * list all come from the table. */
typedef struct {
    const char *name;      /* as written in a gate: "sbc-faults" */
    const char *what;      /* what it measures, for messages: "SBC-origin faults" */
    const char *of;        /* the denominator's noun ("calls", "rows"); NULL when the
                              metric is that count itself (calls) */
    const char *unit;      /* DT_GATE_MEAN: the value's unit ("s"); else NULL */
    unsigned forms;        /* dt_gate_form_t flags the metric accepts */
    bool per_sbc;          /* may be judged per SBC ("sbc=GLOB:") */
    dt_gate_param_t param; /* "action:" takes an id, "code:" a code */
    /* The measure on one set of counts (report->totals.counts or an SBC's). */
    dt_gate_measure_t (*measure)(const dt_gate_t *gate, const dt_report_t *report,
                                 const dt_counts_t *counts);
    int arg;               /* what measure reads beside the counts: the origin of the
                              origin metrics */
    bool unguarded;        /* judged whatever its denominator: not a number of calls
                              (concurrency: a session limit), so --min-calls does not apply */
    bool trend;            /* needs a trend report (report->trend): drtriage trend */
} dt_gate_metric_t;

/* The metrics, terminated by a row whose name is NULL. */
extern const dt_gate_metric_t dt_gate_metrics[];

#define DT_GATE_TEXT 128
#define DT_GATE_ID_MAX 64

struct dt_gate {
    char text[DT_GATE_TEXT];          /* the expression as given, for messages */
    const dt_gate_metric_t *metric;
    dt_gate_form_t form;              /* how the limit is read (one flag) */
    char sbc[DT_GATE_TEXT];           /* per-SBC gates: the glob; "" otherwise */
    char action_id[DT_GATE_ID_MAX];   /* DT_GATE_ACTION_ID */
    dt_code_key_t code;               /* DT_GATE_CODE */
    dt_cmp_t cmp;
    double limit;
};

/* Parses one expression into *out. Returns DT_ERR_USAGE with a message that
 * starts "--fail-if 'EXPR': ", says what is wrong, marks the position with a
 * caret under the expression and shows the grammar: an unknown metric (with
 * the closest name), a per-SBC gate on a metric not counted per SBC, a
 * fraction where a count or percentage is expected ("sbc>0.02": write 2%),
 * a percentage above 100, trailing text. */
dt_status_t dt_gate_parse(const char *expr, dt_gate_t *out, dt_error_t *err);

/* The grammar as three lines of text for messages, each starting with
 * indent, the metric names from the table; NUL-terminated in buf
 * (truncated to size). */
void dt_gate_grammar(char *buf, size_t size, const char *indent);

/* The metric names as written in a gate ("calls failed ... action:ID
 * code:CODE"), separated by blanks and wrapped before `width` columns, the
 * cursor being at column `indent` and every further line indented as much;
 * NUL-terminated in buf (truncated to size). Returns the length. */
size_t dt_gate_metric_list(char *buf, size_t size, size_t indent, size_t width);

/* Judges every gate on the report and stores the outcomes in report->gates
 * (allocated in the report's arena, in gate order): one result per gate, or
 * for a per-SBC gate one per matching SBC row, most calls first (the rows
 * without an SBC name and the overflow row never match); a glob that matches
 * no SBC gets one result for the glob, measured on no calls. min_calls is
 * the minimum denominator for percentages, ratios and means. Replaces any
 * earlier results. Returns DT_OK, or DT_ERR_NOMEM (report->gates then
 * empty). */
dt_status_t dt_gates_judge(dt_report_t *report, const dt_gate_t *gates, size_t ngates,
                           uint64_t min_calls);

/* The number of breached results in report->gates. */
size_t dt_gates_breached(const dt_report_t *report);

#endif
