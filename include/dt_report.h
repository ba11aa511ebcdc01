/* dt_report.h - the report model: everything a writer, a gate or the CLI reads
 * about a run, ranked and self-contained. It is built once from an aggregate
 * (dt_report_build), owns copies of every table, string and count it holds,
 * and outlives the aggregate; only the rules it names (actions, SIP phrases,
 * code entries) are borrowed and must outlive it.
 *
 * The sections of a report, in the order a reader meets them, are one table
 * (dt_sections) shared by every writer, as GoAccess's paneling[] is: a writer
 * walks report->order and renders the sections it supports. */
#ifndef DT_REPORT_H
#define DT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_aggregate.h"
#include "dt_arena.h"
#include "dt_common.h"
#include "dt_date.h"
#include "dt_filter.h"
#include "dt_rules.h"

/* The sections of a report, in the order machine formats (JSON) write them;
 * report->order holds the order people read them in. */
typedef enum {
    DT_SECTION_SUMMARY = 0, /* the answer first: calls, range, NER, faults, top actions, worst SBC */
    DT_SECTION_TOTALS,     /* rows, calls, succeeded, failed, rejected, excluded, NER */
    DT_SECTION_INPUTS,     /* the inputs read and the filters applied */
    DT_SECTION_GATES,      /* the --fail-if gates and their outcomes */
    DT_SECTION_FILTERS,    /* what each filter condition matched; which matched nothing */
    DT_SECTION_TREND,      /* the recent days against the baseline (drtriage trend only) */
    DT_SECTION_CHANGES,    /* the trend's rises tested, a table of their own for tabular
                              formats (the others show them in DT_SECTION_TREND) */
    DT_SECTION_ORIGINS,    /* failed calls by origin */
    DT_SECTION_CODES,      /* failed calls by code */
    DT_SECTION_ACTIONS,    /* what to do first: faults by action, ranked */
    DT_SECTION_EXPECTED,   /* expected endings by action */
    DT_SECTION_STUBS,      /* rules stubs for codes no rule documents */
    DT_SECTION_SBCS,       /* calls, failures and NER by SBC */
    DT_SECTION_TIMES,      /* the time series (--by) */
    DT_SECTION_GROUPS,     /* failures by --group-by values */
    DT_SECTION_GROUP_TIMES, /* each group's series over time (--by with --group-by) */
    DT_SECTION_REJECTED,   /* rejected rows, the first DT_REJECTION_SAMPLES */
    DT_SECTION_NOTES,      /* what the report must say: guesses, caps, skipped data */
    DT_SECTION_COUNT
} dt_section_t;

/* The trend of a `drtriage trend` report (dt_trend.h). */
typedef struct dt_trend dt_trend_t;

typedef struct {
    const char *key;   /* the machine name ("by_code"); NULL where machine formats
                          fold the section into another (expected endings are
                          actions with "expected": true) */
    const char *title; /* the heading people read ("Failed calls by code") */
} dt_section_info_t;

/* Every section's names, indexed by dt_section_t. */
extern const dt_section_info_t dt_sections[DT_SECTION_COUNT];

typedef struct {
    size_t action;              /* index into rules->actions, or DT_NO_ACTION (unknown) */
    uint64_t failed;
    const dt_code_row_t **codes; /* this action's code rows, ranked (the "other" row, when
                                    codes overflowed, with this action's share of it) */
    size_t ncodes;
    const dt_sample_t *samples; /* affected calls of this action */
    size_t nsamples;
} dt_action_row_t;

/* The outcome of one gate (--fail-if, dt_gates.h) on the report, or on one
 * SBC of it; dt_gates_judge fills them after dt_report_build. */
typedef struct {
    const char *expr;       /* the gate as given */
    const char *metric;     /* the metric as written: "sbc-faults", "action:tls-certificate" */
    const char *sbc;        /* per-SBC gates: the SBC judged, or the glob when no SBC
                               matched it; NULL for gates on the whole report */
    const char *unit;       /* how value and limit read: "count", "percent", or a mean's
                               unit ("s") */
    bool has_value;         /* false when there is no value: a percentage of nothing */
    double value;           /* the metric's value, in unit */
    double limit;           /* the gate's limit, in unit */
    uint64_t denominator;   /* what the value is out of: calls (rows for rejected) */
    bool judged;            /* false: the denominator is below --min-calls, or 0 */
    bool breached;          /* judged, and the comparison holds */
    const char *why;        /* one line: what was measured, against what */
} dt_gate_result_t;

#define DT_FILTER_VALUES_SHOWN 10

/* One filter condition and the calls it let through, so that a report can
 * say "no calls matched --sbc 'sbc2'" and which values the input has. */
typedef struct {
    const char *option;            /* as given: "--sbc 'sbc2'", "--rows 'action=tls'" */
    const char *noun;              /* what its values are: "SBCs", "call types" */
    uint64_t calls;                /* calls that satisfy it, whatever the other conditions
                                      say (a --rows condition: of those the report kept) */
    const dt_keyed_row_t **values; /* the values the calls had, most calls first, at most
                                      DT_FILTER_VALUES_SHOWN (an "other" row for values
                                      beyond the tally's cap) */
    size_t nvalues;
    size_t more;                   /* distinct values not listed */
} dt_filter_match_t;

#define DT_NER_LOW_PERCENT 95.0        /* a lower NER, with enough calls, is low */
#define DT_CONCURRENCY_WARN_PERCENT 90  /* a peak this near an SBC's session limit is flagged */
#define DT_DEFAULT_TOP 10               /* rows per table a writer shows by default */

/* The trunk's session limit of an SBC (--max-concurrent SBC=N). */
typedef struct {
    const char *sbc;         /* the SBC FQDN, compared case-insensitively */
    uint64_t sessions;       /* its MaxConcurrentSessions */
} dt_session_limit_t;

/* What shapes a report beyond the aggregate's content. */
typedef struct {
    size_t top;              /* rows per table a writer shows; 0 = all */
    const char *filters;     /* the filters applied, described (copied); NULL when none */
    bool auto_bucket;        /* the time series was not asked for by --by but by a writer
                                (HTML): its hourly rows become days when the series spans
                                more than DT_SERIES_HOURLY_SPAN */
    const dt_filter_t *filter; /* the report filters the pipeline applied, or NULL ... */
    const dt_filter_t *rows;   /* ... and the drill-down's (--rows), or NULL: with the
                                  aggregate's tallies they give filter_matches */
    bool show_stubs;         /* writers show the rules stubs for codes without a rule */
    bool has_since, has_until; /* the time filter's window, which bounds what the ... */
    int64_t since, until;    /* ... inputs cover (epoch seconds; until exclusive) */
    const dt_session_limit_t *limits; /* copied */
    size_t nlimits;
    const void *state;         /* the aggregate as a state (dt_state_encode), copied into
                                  the report for the state writer; NULL: none */
    size_t state_len;
} dt_report_options_t;

/* The longest span an automatic series shows per hour: 3 days. */
#define DT_SERIES_HOURLY_SPAN (3 * 86400)

/* The measures of a row beyond its counters (ACD and short calls are
 * dt_counts_t's). Percentiles are nearest-rank, in seconds; a value of an
 * hour or more is rounded down to the hour (a day or more: to one day), and
 * one in a minute the sketches' cap left without seconds to the minute. */
struct dt_row_stats {
    uint64_t to_failure_calls;  /* failed calls with a time to failure */
    uint64_t to_failure_median; /* seconds from the INVITE to the failure */
    uint64_t to_failure_p95;
    bool has_peak;              /* concurrency was counted (SBC rows and totals) */
    uint64_t peak;              /* the most calls active in one minute */
    int64_t peak_at;            /* the first minute that reached it, epoch seconds */
    uint64_t untracked;         /* calls the concurrency cap left out */
    uint64_t limit;             /* the SBC's --max-concurrent, 0 when not given */
    bool near_limit;            /* peak >= DT_CONCURRENCY_WARN_PERCENT % of limit */
};

typedef struct {
    const dt_rules_t *rules;      /* borrowed */
    dt_totals_t totals;
    const dt_input_stats_t *inputs; /* in the order read */
    size_t ninputs;
    const dt_skipped_t *skipped;  /* inputs named instead of read: no call records */
    size_t nskipped;
    const dt_rejection_t *rejections; /* the first rejected rows, in input order */
    size_t nrejections;
    const dt_code_row_t **codes;  /* all code rows, most failed first, "other" last */
    size_t ncodes;
    const char *const *stubs;     /* stubs[i]: the rules stub of codes[i], NULL when the
                                     row needs none (dt_report_code_stub) */
    dt_action_row_t *actions;     /* actions with failures, most failed first */
    size_t nactions;
    const dt_keyed_row_t **sbcs;  /* SBC rows, most calls first */
    size_t nsbcs;
    bool by_time;                 /* a time series was asked for (--by, or by a writer) */
    bool auto_bucket;             /* its bucket was chosen by the span, not by --by */
    dt_bucket_t bucket;           /* its bucket */
    const dt_keyed_row_t **times; /* time rows, oldest first (none without --by) */
    size_t ntimes;
    uint64_t undated_in_series;   /* calls left out of the series: no start time */
    const char *const *group_columns; /* --group-by header names */
    size_t ngroup_columns;
    const dt_keyed_row_t **groups; /* group rows, most failed first (none without --group-by) */
    size_t ngroups;
    const dt_keyed_row_t **group_times; /* with --by and --group-by: by group (in the
                                           groups' order), then oldest first; "other" last */
    size_t ngroup_times;
    bool measured;                /* the Health Dashboard's measures were counted */
    bool concurrency;             /* and concurrent calls (SBC rows and totals have peaks) */
    dt_row_stats_t total_stats;   /* the measures over all calls */
    bool has_span;                /* the inputs' rows have start times ... */
    int64_t first, last;          /* ... from first to last (epoch seconds) */
    const dt_keyed_row_t *worst_sbc; /* the lowest NER of the SBCs with the rules' minimum
                                        calls, else of all named SBCs; NULL without any */
    bool show_stubs;              /* show the rules stubs for codes without a rule */
    size_t nunknown_codes;        /* code rows no rule documents (each has a stub) */
    uint64_t unknown_failed;      /* their failed calls */
    const char *filters;          /* the filters applied, described; NULL when none */
    size_t top;                   /* rows per table a writer shows; 0 = all */
    const char *const *notes;     /* lines the report must carry */
    size_t nnotes;
    const dt_gate_result_t *gates; /* the gates' outcomes, in --fail-if order (dt_gates.h;
                                      none until dt_gates_judge) */
    size_t ngates;
    const dt_filter_match_t *filter_matches; /* one per filter condition: the report
                                      filters' in order, then --rows' */
    size_t nfilter_matches;
    bool matched_nothing;         /* filters were given and no call passed them (with
                                     --rows: no row was written) */
    const unsigned char *state;   /* the aggregate's state, when the options gave one */
    size_t state_len;
    const dt_trend_t *trend;      /* drtriage trend: the comparison (in the arena), else NULL */
    dt_section_t order[DT_SECTION_COUNT]; /* the sections in reading order */
    size_t nsections;
    dt_arena_t arena;             /* owns every array and string above */
} dt_report_t;

/* Ranks the aggregate into a self-contained report (ties broken by key, so
 * output does not depend on input order) and adds the notes the aggregate's
 * caps call for ("N calls fell beyond the first K distinct SBC names").
 * options may be NULL. The report copies what it needs: agg may be freed or
 * changed afterwards. Returns DT_ERR_NOMEM on allocation failure (the report
 * is then empty but must still be freed). */
dt_status_t dt_report_build(dt_report_t *report, const dt_aggregate_t *agg,
                            const dt_report_options_t *options);

/* True when a NER is low: under DT_NER_LOW_PERCENT with at least the rules'
 * minimum of calls. */
bool dt_report_ner_low(const dt_report_t *report, const dt_counts_t *counts);

/* An action's share of the "other" code row (its failures whose codes fell
 * beyond the code table's cap), 0 when it has none. */
uint64_t dt_report_other_failed(const dt_action_row_t *row);

/* ---- wording shared by the writers (src/report/wording.c) ----
 * Each writes one phrase of the report into buf (cap bytes; DT_REPORT_LINE
 * is enough) and returns buf, or returns NULL when the report has nothing to
 * say there. Phrases hold input text (SBC names, gate expressions, filter
 * values) as it is: the writer escapes them for its format. */

#define DT_REPORT_LINE 512

/* The mark after a time bucket the inputs cover only in part (its row's
 * `partial`), in every format for people. */
#define DT_PARTIAL_MARK "*"

/* "hour", "day" or "week": the report's bucket as a noun. */
const char *dt_report_bucket_name(const dt_report_t *report);

/* A time or group-time row's period as people read it: the weekday and day
 * ("Fri 2024-03-01"), with the hour for an hourly series ("Fri 2024-03-01
 * 10:00"), then " *" (DT_PARTIAL_MARK) when the row is partial; "(other
 * times)" for the overflow row. Never NULL. */
const char *dt_report_period_label(const dt_report_t *report, const dt_keyed_row_t *row,
                                   char *buf, size_t cap);

/* "* the inputs cover this day only in part" when the series' first or last
 * row is partial, else NULL. */
const char *dt_report_partial_note(const dt_report_t *report, char *buf, size_t cap);

/* "3 calls without a readable start time are not in the series", or NULL
 * when every call of the series had one. */
const char *dt_report_undated_note(const dt_report_t *report, char *buf, size_t cap);

/* A gate's outcome in a word: "breached", "not judged" or "passed". */
const char *dt_report_gate_verdict(const dt_gate_result_t *gate);

/* Counts the gates breached and the gates judged (breached or passed) into
 * *breached and *judged (either may be NULL); returns report->ngates. */
size_t dt_report_gate_counts(const dt_report_t *report, size_t *breached, size_t *judged);

/* The gates' outcome in one line: "2 of 3 breached: EXPR on SBC and 1
 * more", "3 passed", "2 passed, 1 not judged (see Gates)"; NULL without
 * gates. */
const char *dt_report_gates_line(const dt_report_t *report, char *buf, size_t cap);

/* What a filter condition matched, as one sentence: "--sbc 'x' matched 12
 * calls", "--sbc 'x' matched no call; the SBCs in the input, most calls
 * first:" (its values follow), or "... matched no call; the input has no
 * SBCs.". Never NULL. */
const char *dt_report_filter_line(const dt_filter_match_t *match, char *buf, size_t cap);

/* The value row of a filter's values beyond the tally's cap. */
#define DT_OTHER_VALUES "(other values, beyond the table limit)"

/* After a NER of fewer calls than the rules' minimum. */
#define DT_FEW_CALLS " (few calls: a low NER may be normal)"

/* Said before the filter lines when every condition matched calls on its
 * own but none matched all of them. */
#define DT_FILTERS_DISJOINT "Each condition matched calls on its own, but no call matched all of them:"

/* True when some input is a summarised export (a count column): its call
 * rows are not its calls. */
bool dt_report_weighted(const dt_report_t *report);

/* The accounting of rows, naming only the parts this report has: "rows =
 * calls + rejected + excluded + duplicates" ("call rows" when weighted).
 * Never NULL. */
const char *dt_report_identity(const dt_report_t *report, char *buf, size_t cap);

/* Why rows were excluded: "left out by filters: 3, non-PSTN streams: 2; 4
 * without a readable start time; 7 calls"; NULL when none was. */
const char *dt_report_excluded_line(const dt_report_t *report, char *buf, size_t cap);

/* "repeats of calls already counted, dropped by --dedupe" (with "; N calls"
 * when they stood for more); NULL without duplicates. */
const char *dt_report_duplicates_line(const dt_report_t *report, char *buf, size_t cap);

/* The measures over all calls: "ACD 4m21s, 3.1% under 10 s; failures after
 * 8s median, 40s p95"; NULL when none was measured. */
const char *dt_report_durations_line(const dt_report_t *report, char *buf, size_t cap);

/* Heads the tables of measures and of concurrent calls. */
const char *dt_report_measures_intro(char *buf, size_t cap);
#define DT_CONCURRENCY_INTRO                                                             \
    "peak concurrent calls: the most calls active in one minute, and the session limit " \
    "(--max-concurrent)"
#define DT_NEAR_LIMIT "near the session limit"

/* The SBC row to name for concurrency: the nearest its session limit when
 * one is (the one with the highest peak of those), else the busiest; NULL
 * without concurrency or peaks. *near (may be NULL) gets the number of SBCs
 * near their limit. The overflow row is never chosen. */
const dt_keyed_row_t *dt_report_peak_sbc(const dt_report_t *report, size_t *near);

/* "2 on sbc1.contoso.com at Fri 2024-03-01 10:02, near its limit (2 SBCs
 * near theirs)", for dt_report_peak_sbc's row; NULL without a peak. */
const char *dt_report_peak_line(const dt_report_t *report, char *buf, size_t cap);

/* "sbc2.contoso.com: NER 91.30% of 113 calls" (with "(few calls: a low NER
 * may be normal)" below the rules' minimum): report->worst_sbc, or NULL
 * when the report names fewer than two SBCs. */
const char *dt_report_worst_sbc_line(const dt_report_t *report, char *buf, size_t cap);

/* The NER definition from the rules: "NER = (succeeded + failures with SIP
 * 486/603) / calls; below 100 calls a low NER may be normal, under 95% with
 * more is low". Never NULL. */
const char *dt_report_ner_definition(const dt_report_t *report, char *buf, size_t cap);

/* Releases everything the report owns. */
void dt_report_free(dt_report_t *report);

/* The action row's display id: the action's id or "unknown". */
const char *dt_report_action_id(const dt_report_t *report, size_t action);

/* The action a row or code match refers to; for DT_NO_ACTION the rules'
 * "unknown" action when there is one, else NULL. */
const dt_action_t *dt_report_action(const dt_report_t *report, size_t action);

/* The phrase a report shows for a code row: the documented canonical phrase
 * when the phrase decided the match (or none was seen), else the phrase seen
 * in the export, else the RFC reason phrase of its SIP code, else "". */
const char *dt_report_code_phrase(const dt_report_t *report, const dt_code_row_t *row);

/* For a code row no documented entry matched (and that has a Microsoft
 * code), a ready-to-paste [code] section for a rules file, as a malloc'd
 * string the caller frees. Sets *stub to it, or to NULL for other rows;
 * returns false when memory ran out. dt_report_build makes every row's stub
 * (report->stubs), so that a report is built whole or fails, and writers
 * need not allocate. */
bool dt_report_code_stub(const dt_report_t *report, const dt_code_row_t *row, char **stub);

#endif
