/* dt_trend.h - how the recent window of days compares with the baseline
 * days before it: per day NER, faults by origin and by action, and the
 * changes that matter, ranked: codes new in the window, codes and actions
 * whose rate of faults rose, SBCs whose NER fell, each with the days the
 * change spanned.
 *
 * A rate is a count over calls: a code's or action's faults over all calls,
 * an SBC's calls that NER does not count as effective over the SBC's calls.
 * A rise is tested against the baseline rate p0 (for a code the baseline
 * never saw, half a call over the baseline's calls): under no change the
 * window's count is Poisson with mean E = p0 x window calls, widened by the
 * day-to-day dispersion the baseline days show (quasi-Poisson, never below
 * 1). A rise is significant when its p-value is below alpha divided by the
 * number of rises tested (Bonferroni), and only rates over at least
 * min_calls calls in both the baseline and the window are tested at all, so
 * noise on small counts is not flagged. The days a change spans are the run
 * of window days whose counts fit a raised rate best against the baseline
 * rate (the maximum-likelihood segment): `since` is the day it started. */
#ifndef DT_TREND_H
#define DT_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_aggregate.h"
#include "dt_codes.h"
#include "dt_report.h"

#define DT_TREND_ALPHA 0.01      /* chance of any false alarm among the rises of one trend */
#define DT_TREND_DAYS 28         /* default window and baseline, in days */
#define DT_TREND_DAYS_MAX 366
#define DT_DAY_SECONDS 86400

typedef enum {
    DT_CHANGE_NEW_CODE = 0, /* a code the baseline never saw */
    DT_CHANGE_CODE,         /* a code's faults rose */
    DT_CHANGE_ACTION,       /* an action's faults rose */
    DT_CHANGE_SBC,          /* an SBC's NER fell */
    DT_CHANGE_KIND_COUNT
} dt_change_kind_t;

/* "new-code", "code", "action" or "sbc". */
const char *dt_change_kind_name(dt_change_kind_t kind);

typedef struct {
    int64_t day;            /* its start, epoch seconds */
    bool window;            /* in the recent window (else the baseline) */
    bool has_data;          /* some hour of it is covered by an export */
    bool before_history;    /* it is before the store's first day with data */
    dt_counts_t counts;
    const uint64_t *faults_by_action; /* nactions + 1 (the last: no action), faults only */
} dt_trend_day_t;

/* A count over calls, for the baseline or the window. */
typedef struct {
    uint64_t count, calls;
} dt_trend_rate_t;

typedef struct {
    dt_change_kind_t kind;
    size_t action;          /* ACTION: the action; codes: their action (DT_NO_ACTION: none) */
    dt_code_key_t key;      /* codes */
    dt_match_t match;       /* codes */
    const char *phrase;     /* codes: as the report shows it */
    const char *sbc;        /* SBC */
    dt_trend_rate_t baseline, window;
    double expected;        /* the window's count at the baseline rate */
    double dispersion;      /* >= 1 */
    double p_value;
    bool significant;
    int64_t since, until;   /* first and last day of the raised run (window days) */
    bool ongoing;           /* the run reaches the window's last day */
    const uint64_t *daily;  /* the count of each trend day */
    const uint64_t *daily_calls; /* and the calls it is over */
} dt_change_t;

struct dt_trend {
    int64_t baseline_since, window_since, until; /* [baseline_since, window_since), [window_since, until) */
    size_t baseline_days, window_days;
    const dt_trend_day_t *days;  /* baseline days, then window days */
    size_t ndays;
    dt_counts_t baseline, window;
    size_t missing_days;         /* window days no export covers (from the store's first) */
    double ner_baseline, ner_window; /* -1 without calls */
    bool ner_judged;             /* both have at least min_calls calls */
    double ner_drop;             /* baseline minus window NER, points (when judged) */
    const dt_change_t *changes;  /* every rise tested: significant ones first, each group
                                    by faults beyond the baseline rate */
    size_t nchanges, nsignificant;
    size_t new_codes;            /* significant new codes */
    size_t tests;                /* rises tested */
    uint64_t min_calls;
    double alpha;
};

typedef struct {
    size_t baseline_days, window_days;
    int64_t first_day;           /* the start of the first baseline day */
    int64_t history_since;       /* the first day the store has data for: a window day
                                    without data before it is not missing */
    uint64_t min_calls;          /* at least 1 */
    double alpha;                /* 0: DT_TREND_ALPHA */
} dt_trend_options_t;

/* Compares the window days with the baseline days and attaches the trend to
 * the report (report->trend, in its arena), whose reading order becomes
 * inputs, gates, trend, changes, actions, SBCs, notes. days[i] is the aggregate of day first_day + i
 * days, baseline days first (baseline_days + window_days of them), each
 * with the same rules as the report; has_data[i] says some hour of the day
 * has data. The aggregates are only read, and may be freed afterwards.
 * Returns DT_ERR_NOMEM (the report then has no trend). */
dt_status_t dt_trend_build(dt_report_t *report, const dt_aggregate_t *const *days,
                           const bool *has_data, const dt_trend_options_t *options);

/* The change of an action (by id, "unknown" for none), or NULL when its
 * faults did not rise or were not tested. */
const dt_change_t *dt_trend_action(const dt_trend_t *trend, const dt_rules_t *rules,
                                   const char *id);

#define DT_CHANGE_TEXT_MAX 1024
#define DT_TREND_DAY_ACTIONS 3 /* actions dt_trend_day_actions names */

/* What changed, in words, for people: "action tls-certificate: 0.4% -> 2.1%
 * of calls, 460 faults beyond the baseline rate; since 2026-11-17". Text
 * from the input (phrases, SBC names) is in it as it is: writers escape it.
 * Written into out (cap bytes, cut if needed). */
void dt_change_describe(const dt_report_t *report, const dt_change_t *change, char *out,
                        size_t cap);

/* The DT_TREND_DAY_ACTIONS actions with most faults on a day, with their
 * faults: "tls-certificate 12, failover-timer 5" ("" without faults). */
void dt_trend_day_actions(const dt_report_t *report, const dt_trend_day_t *day, char *out,
                          size_t cap);

/* The rise of a change's rate, in percent of the baseline rate; +infinity
 * for a rate the baseline did not have. */
double dt_change_rise(const dt_change_t *change);

#endif
