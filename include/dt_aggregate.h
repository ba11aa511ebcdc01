/* dt_aggregate.h - counts calls into the report's tables (totals, by origin,
 * by code, by action, by SBC, by time, by group) with bounded memory. The
 * aggregate is the state of a run; dt_report_build (dt_report.h) ranks it
 * into the self-contained report every writer reads. Tables keyed by input text (SBC names,
 * unknown codes) hold at most a fixed number of distinct keys; the rest is
 * counted in an "other" row and the report says so. */
#ifndef DT_AGGREGATE_H
#define DT_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_classify.h"
#include "dt_codes.h"
#include "dt_common.h"
#include "dt_date_order.h"
#include "dt_filter.h"
#include "dt_hash.h"
#include "dt_hourly.h"
#include "dt_map.h"
#include "dt_rules.h"
#include "dt_sketch.h"
#include "dt_timeline.h"

#define DT_REJECTION_SAMPLES 10
#define DT_PHRASE_KEEP 160      /* bytes of an observed phrase kept for display */
#define DT_DEFAULT_KEY_CAP 10000 /* distinct codes or SBCs per table */
/* Bytes of a keyed table's key kept (an SBC FQDN has at most 253): with the
 * key cap, this bounds a table's memory whatever the cells hold. Longer keys
 * are cut, so keys sharing their first DT_KEY_TEXT_MAX bytes share a row; so
 * are keys at their first NUL, so that a row's name is its whole key. */
#define DT_KEY_TEXT_MAX 256
#define DT_AGGREGATE_UNCAPPED SIZE_MAX /* a key cap of none: no table (tallies too) overflows */
#define DT_NOTES_MAX 32
#define DT_NOTES_OMITTED "further notes omitted" /* the last note when there are more */
#define DT_SHORT_CALL_SECONDS 10    /* an answered call shorter than this is a short call */
#define DT_CONCURRENCY_CELLS (4u << 20) /* SBC-minutes the concurrency timelines may hold (16 MiB) */
#define DT_SKETCH_PAGE_CAP (32u << 10)  /* per-second pages the time-to-failure sketches
                                           may hold (15 MiB): past it, to the minute */

/* What every table counts for a set of calls. A failure whose action is an
 * expected ending (busy, no answer, caller cancelled...) is counted in
 * expected_by_origin too; faults = failed - expected, by origin. With the
 * Health Dashboard's measures on, answered calls whose duration is known are
 * counted too: ACD = talk_seconds / acd_calls. */
typedef struct {
    uint64_t calls, succeeded, failed;
    uint64_t effective;                           /* NER numerator */
    uint64_t failed_by_origin[DT_ORIGIN_COUNT];
    uint64_t expected_by_origin[DT_ORIGIN_COUNT];
    uint64_t unknown_codes;                       /* failures no documented entry explains */
    uint64_t acd_calls;    /* succeeded calls with a known duration */
    uint64_t talk_seconds; /* their durations, summed */
    uint64_t short_calls;  /* of them, shorter than DT_SHORT_CALL_SECONDS */
} dt_counts_t;

/* Counts one call into c, as call->weight calls; `expected` says its failure
 * is an expected ending. */
void dt_counts_add(dt_counts_t *c, const dt_call_t *call, bool expected);

/* Counts `weight` answered calls of `seconds` each into the duration counters. */
void dt_counts_add_duration(dt_counts_t *c, uint64_t weight, uint64_t seconds);

/* Adds every counter of `from` to `into`. */
void dt_counts_merge(dt_counts_t *into, const dt_counts_t *from);

/* Failures that are expected endings, all origins. */
uint64_t dt_counts_expected(const dt_counts_t *c);

/* Failures that are faults (not expected endings) of one origin. */
uint64_t dt_counts_faults(const dt_counts_t *c, dt_origin_t origin);

/* Why rows were left out of the report. */
typedef enum {
    DT_EXCLUDED_FILTER = 0, /* a report filter (--since, --sbc, ...) */
    DT_EXCLUDED_NON_PSTN,   /* a non-PSTN stream row ([non-pstn] in the rules) */
    DT_EXCLUDED_COUNT
} dt_exclusion_t;

/* Returns "filters" or "non_pstn". */
const char *dt_exclusion_name(dt_exclusion_t why);

/* Every data row is one of: a call row, rejected, excluded or a duplicate
 * (rows = call_rows + rejected + excluded + duplicates). A call row stands
 * for `weight` calls (1, or a summarised row's count), so counts.calls is the
 * sum of the call rows' weights; excluded_calls and duplicate_calls are those
 * of the rows left out. */
typedef struct {
    uint64_t rows;         /* data rows read */
    uint64_t call_rows;    /* rows counted as calls */
    uint64_t rejected;
    uint64_t excluded;     /* rows left out: by filters or as non-PSTN streams */
    uint64_t excluded_by[DT_EXCLUDED_COUNT];
    uint64_t excluded_calls;
    uint64_t undated;      /* of the rows filters left out, those whose start time could not be read */
    uint64_t duplicates;   /* rows --dedupe dropped as repeats of a call already counted */
    uint64_t duplicate_calls;
    dt_counts_t counts;    /* the calls counted */
} dt_totals_t;

#define DT_SAMPLE_CORRELATION_MAX 128 /* bytes of a sample's correlation id kept */
#define DT_SAMPLE_START_MAX 64        /* bytes of its start time as written kept */

/* A correlation id and start time of an affected call, for support cases.
 * A table keeps the calls that come first in one order, whatever order the
 * rows come in, so that counting the same calls in any order (or in parts,
 * merged: dt_aggregate_merge) keeps the same samples: those with a start time
 * before those without, earlier times first, then by correlation id, then by
 * the start as written (bytewise; dt_sample_compare). */
typedef struct {
    const char *correlation;
    const char *start;
    bool has_time;             /* time holds the start time read (epoch seconds) */
    int64_t time;
} dt_sample_t;

/* Orders samples as a table keeps them: negative when a comes first, 0 when
 * they are the same call as far as the report shows. */
int dt_sample_compare(const dt_sample_t *a, const dt_sample_t *b);

/* One input: what it held, and what the report notes about it. */
typedef struct {
    const char *path;
    dt_family_t family;
    char delimiter;
    uint64_t rows, call_rows, calls, rejected, excluded, duplicates; /* as in dt_totals_t */
    dt_input_dates_t dates;   /* how its culture dates were read (order NONE: not read) */
    const char *count_column; /* header of the count column (a summarised export), or NULL */
    uint64_t zero_rows;       /* call rows with a count of 0 */
    uint64_t unchecked;       /* rows --dedupe could not check: no correlation id or start */
    bool has_time;            /* first and last hold the earliest and latest start time */
    int64_t first, last;      /* of the rows that are calls (excluded ones too), epoch seconds */
    dt_hash_t content;        /* every byte of the input's text (dt_hash.h) */
} dt_input_stats_t;

typedef struct {
    const char *path;
    uint64_t line;
    char reason[DT_REASON_MAX];
} dt_rejection_t;

/* An input named in the report instead of read: it holds no call records. */
typedef struct {
    const char *path;
    const char *kind;          /* the [skip] rule's id, or what was found ("binary", ...) */
    const char *reason;        /* why, as the report says it */
} dt_skipped_t;

typedef struct {
    dt_code_key_t key;
    dt_match_t match;          /* copied: level, entry, action, origin, known */
    uint64_t failed;
    char phrase[DT_PHRASE_KEEP]; /* a phrase seen with this key (for unknown codes): of the
                                    non-empty ones cut to DT_PHRASE_KEEP - 1 bytes, the least
                                    bytewise, so that the row is the same in any order */
    bool other;                /* the overflow row */
    dt_sample_t *samples;      /* up to the configured number of affected calls */
    size_t nsamples;
} dt_code_row_t;

typedef struct dt_row_stats dt_row_stats_t; /* the report's measures of a row (dt_report.h) */

/* Call counts of one key of a keyed table: an SBC, a time bucket, a group,
 * a group in a time bucket. */
typedef struct {
    const char *name;          /* the key as text ("" when the cell was empty); for
                                  group-time rows, in the report, the group */
    int64_t start;             /* time and group-time rows: the bucket's start, epoch seconds */
    dt_counts_t counts;
    bool other;                /* the overflow row */
    bool partial;              /* report time rows: the inputs cover the bucket only in part */
    const dt_row_stats_t *stats; /* report rows: percentiles and peak; NULL in the
                                    aggregate and when the measures are off */
} dt_keyed_row_t;

/* The measures of a keyed row that counters cannot hold. They live beside
 * the rows (dt_keyed_table_t.metrics), and only when asked for, so that rows
 * stay small. Both parts add, for merging aggregates. */
typedef struct {
    dt_sketch_t to_failure;    /* failed calls: seconds from the INVITE to the failure */
    dt_timeline_t active;      /* SBC rows with concurrency on: calls in progress */
} dt_row_metrics_t;

/* Rows keyed by text, capped: keys past the cap share one "other" row. */
typedef struct {
    dt_keyed_row_t *rows;
    size_t nrows, rows_cap;
    bool measured;             /* its rows carry dt_row_metrics_t (the measures are on) */
    dt_row_metrics_t *metrics; /* then metrics_cap entries parallel to rows */
    size_t metrics_cap;
    dt_map_t index;
    size_t other;              /* index of the "other" row, or SIZE_MAX */
    uint64_t overflow;         /* calls counted in it */
    size_t last;               /* row of the previous lookup (rows often repeat), or SIZE_MAX */
    size_t last_len;           /* its key's length */
} dt_keyed_table_t;

#define DT_TALLY_VALUES_CAP 256 /* distinct values a filter condition's tally keeps */

/* What one filter condition saw over a run, so that a report can say which
 * condition matched nothing and which values the input has instead. */
typedef struct {
    uint64_t held;            /* calls that satisfy it, whatever the other conditions say */
    dt_keyed_table_t values;  /* its value of each call it judged (rows' counts.calls) */
} dt_tally_t;

#define DT_GROUP_COLUMNS_MAX 8
#define DT_SAMPLES_MAX 20

/* What to count beyond the built-in tables. */
typedef struct {
    bool by_time;              /* a time series (--by) */
    int bucket;                /* dt_bucket_t */
    size_t samples;            /* correlation ids kept per code and action (--samples) */
    const char *group_columns[DT_GROUP_COLUMNS_MAX]; /* --group-by header names */
    size_t ngroup_columns;
    bool dedupe;               /* --dedupe: repeated calls are dropped (the report says so) */
    bool metrics;              /* the Health Dashboard's ACD, short calls and time to failure */
    bool concurrency;          /* peak concurrent calls per SBC (at most DT_CONCURRENCY_CELLS) */
    bool hourly;               /* the hourly key table the history store keeps (dt_hourly.h) */
} dt_aggregate_options_t;

typedef struct {
    const dt_rules_t *rules;
    dt_totals_t totals;

    dt_input_stats_t *inputs;
    size_t ninputs, inputs_cap;

    dt_skipped_t *skipped;      /* inputs skipped, in the order met */
    size_t nskipped, skipped_cap;

    dt_rejection_t rejections[DT_REJECTION_SAMPLES];
    size_t nrejections;

    dt_code_row_t *codes;
    size_t ncodes, codes_cap;
    dt_map_t code_index;
    uint64_t code_overflow;     /* failed calls counted in the "other" code row */
    size_t code_other;          /* index of that row, or SIZE_MAX */
    uint64_t *other_by_action;  /* nactions + 1 entries: the "other" code row's failed
                                   calls by action (NULL until a code overflows) */

    dt_keyed_table_t sbcs;
    dt_keyed_table_t times;     /* --by buckets, named by their start time */
    dt_keyed_table_t groups;    /* --group-by values joined with DT_GROUP_SEPARATOR */
    dt_keyed_table_t group_times; /* --by with --group-by: the bucket's start as
                                     text (DT_DATE_TEXT bytes), then the group */
    uint64_t undated_in_series; /* calls left out of the time series: no start time */

    dt_row_metrics_t total_metrics; /* the measures over all calls */
    dt_timeline_budget_t cells;     /* what the concurrency timelines may still take */
    dt_sketch_budget_t pages;       /* what the time-to-failure sketches may still take */

    dt_aggregate_options_t options;
    dt_hourly_t *hourly;        /* with options.hourly: the calls by hour and stored key */
    dt_sample_t **action_samples; /* nactions + 1 arrays of options.samples */
    size_t *action_nsamples;

    uint64_t *failed_by_action; /* nactions + 1 entries; the last is "no action" */

    dt_tally_t *tallies;        /* one per filter condition (dt_aggregate_tallies), or NULL */
    size_t ntallies;
    uint64_t drilled;           /* --rows: rows written */

    const char *notes[DT_NOTES_MAX]; /* things the report must say (arena strings) */
    size_t nnotes;
    bool note_lost;                  /* a note could not be copied (out of memory) */

    dt_arena_t arena;
} dt_aggregate_t;

/* Prepares empty tables for rules (which must outlive the aggregate).
 * key_cap bounds distinct codes and SBCs (0: DT_DEFAULT_KEY_CAP;
 * DT_AGGREGATE_UNCAPPED: no bound on any table, for the part of a run that is
 * merged in input order into a capped aggregate, dt_merge.h).
 * Returns DT_ERR_NOMEM on allocation failure. */
dt_status_t dt_aggregate_init(dt_aggregate_t *agg, const dt_rules_t *rules, size_t key_cap);

/* Turns on the optional tables (time series, groups, samples, hourly keys).
 * Call before the first call is counted. Returns DT_ERR_NOMEM on allocation
 * failure. */
dt_status_t dt_aggregate_configure(dt_aggregate_t *agg, const dt_aggregate_options_t *options);

#define DT_GROUP_SEPARATOR '\x1f'

/* Extra facts about a call that only some tables need; fields may be empty. */
typedef struct {
    bool has_time;
    int64_t time;              /* start time, for the time series and the samples' order */
    dt_slice_t correlation;    /* for samples */
    dt_slice_t start;          /* start time as written, for samples */
    dt_slice_t group;          /* group-by values joined with DT_GROUP_SEPARATOR */
    bool has_duration;         /* answered calls, with the measures on: */
    uint64_t duration;         /*   seconds talked */
    bool has_to_failure;       /* failed calls, with the measures on: */
    uint64_t to_failure;       /*   seconds from the INVITE to the failure */
    bool has_span;             /* with concurrency on: the call held a session ... */
    int64_t span_start, span_end; /* ... from span_start to span_end, epoch seconds */
    dt_direction_t direction;  /* for the hourly table */
    const dt_talk_t *talk;     /* a stored key replayed (dt_store_replay.h): its calls' talk
                                  time, summed, in place of has_duration; or NULL */
    const dt_seconds_t *failures; /* and its calls' times to failure, in place of */
    size_t nfailures;             /* has_to_failure (the calls counted in them) */
} dt_call_extra_t;

void dt_aggregate_free(dt_aggregate_t *agg);

/* Starts counting a new input; later calls are attributed to it. path is
 * copied. Returns DT_ERR_NOMEM on allocation failure. */
dt_status_t dt_aggregate_begin_input(dt_aggregate_t *agg, const char *path);

/* Records an input that is skipped instead of read (not the current input);
 * the strings are copied. Returns DT_ERR_NOMEM on allocation failure. */
dt_status_t dt_aggregate_skip(dt_aggregate_t *agg, const char *path, const char *kind,
                              const char *reason);

/* Takes back the input begun last, which must not have counted a row yet
 * (its header showed a file to skip), and records it as skipped like
 * dt_aggregate_skip. Returns DT_ERR_NOMEM on allocation failure. */
dt_status_t dt_aggregate_skip_current(dt_aggregate_t *agg, const char *kind, const char *reason);

/* Appends a copy of an input's stats (its strings copied) as the last input,
 * as merges and states do. Returns DT_ERR_NOMEM on allocation failure. */
dt_status_t dt_aggregate_add_input(dt_aggregate_t *agg, const dt_input_stats_t *in);

/* Sets the current input's family and delimiter once its header is known. */
void dt_aggregate_set_format(dt_aggregate_t *agg, dt_family_t family, char delimiter);

/* Records how the current input's dates were read, once it is read. */
void dt_aggregate_set_dates(dt_aggregate_t *agg, const dt_input_dates_t *dates);

/* Counts one call row: call->weight calls (a summarised row stands for
 * several; a row of weight 0 for none, and it enters no table). extra may be
 * NULL when no optional table is on.
 * Returns DT_ERR_NOMEM when memory is exhausted, DT_ERR_INPUT when the
 * hourly table is full (dt_hourly_count). */
dt_status_t dt_aggregate_call(dt_aggregate_t *agg, const dt_call_t *call,
                              const dt_call_extra_t *extra);

/* Counts a row left out of the report for `why`, standing for call->weight
 * calls (undated: a filter needed its start time and could not read it). */
void dt_aggregate_exclude(dt_aggregate_t *agg, const dt_call_t *call, dt_exclusion_t why,
                          bool undated);

/* Counts a row --dedupe dropped as a repeat of a call already counted. */
void dt_aggregate_duplicate(dt_aggregate_t *agg, const dt_call_t *call);

/* Counts a row --dedupe could not check (no correlation id or start time). */
void dt_aggregate_unchecked(dt_aggregate_t *agg);

/* Adds bytes of the current input's text to its content hash. */
void dt_aggregate_input_bytes(dt_aggregate_t *agg, const void *data, size_t len);

/* Widens the current input's time range to hold a call's start time. */
void dt_aggregate_input_time(dt_aggregate_t *agg, int64_t start);

/* Names the current input's count column (len bytes, copied): its rows are
 * weighted. Returns DT_ERR_NOMEM on allocation failure. */
dt_status_t dt_aggregate_set_count_column(dt_aggregate_t *agg, const char *name, size_t len);

/* Prepares n empty filter-condition tallies (the report filter's conditions,
 * then --rows'), each keeping at most DT_TALLY_VALUES_CAP distinct values.
 * Returns DT_ERR_NOMEM on allocation failure. */
dt_status_t dt_aggregate_tallies(dt_aggregate_t *agg, size_t n);

/* Counts a call (weight calls) into tally i: whether the condition held, and
 * its value (an empty value is not counted as one). Returns DT_ERR_NOMEM only
 * when memory is exhausted. */
dt_status_t dt_aggregate_tally(dt_aggregate_t *agg, size_t i, bool held, dt_slice_t value,
                               uint64_t weight);

/* Counts what each condition of a filter said of a call (held[i], from
 * dt_filter_match) and the call's value for it (dt_filter_value) into the
 * tallies from `first` on. Returns DT_ERR_NOMEM only when memory is exhausted. */
dt_status_t dt_aggregate_tally_filter(dt_aggregate_t *agg, const dt_filter_t *filter,
                                      size_t first, const dt_rules_t *rules,
                                      const dt_filter_subject_t *subject, const bool *held);

/* Counts a row written by the drill-down (--rows). */
void dt_aggregate_drilled(dt_aggregate_t *agg);

/* Counts one rejected row of the current input at line, keeping the first
 * DT_REJECTION_SAMPLES reasons. */
void dt_aggregate_reject(dt_aggregate_t *agg, uint64_t line, const char *reason);

/* Adds a line the report must carry (formatted like printf; copied). Notes
 * past DT_NOTES_MAX are dropped, the last one saying so. A note that cannot
 * be copied (out of memory) makes dt_report_build fail. */
void dt_aggregate_note(dt_aggregate_t *agg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Lower-level access to the tables, for merging aggregates (dt_merge.h):
 * what counting a call does to each table, without the call. */

/* The code row a failed call is counted in: the row of its key (call->key
 * and call->match->entry), added if new with call->match, or when the code
 * table is full the overflow row, with call->weight added to code_overflow.
 * The row keeps the least non-empty call->phrase. NULL when out of memory. */
dt_code_row_t *dt_aggregate_code_row(dt_aggregate_t *agg, const dt_call_t *call);

/* The overflow code row, added if there is none; NULL when out of memory. */
dt_code_row_t *dt_aggregate_other_code(dt_aggregate_t *agg);

/* The row of key (len bytes, cut at DT_KEY_TEXT_MAX bytes and at a NUL) in
 * a keyed table of agg, added if new (its name copied into agg's arena), or
 * the overflow row when the table is full. NULL when out of memory. */
dt_keyed_row_t *dt_aggregate_keyed_row(dt_aggregate_t *agg, dt_keyed_table_t *table,
                                       const char *key, size_t len);

/* A keyed table's overflow row, added if there is none; NULL when out of memory. */
dt_keyed_row_t *dt_keyed_table_other(dt_keyed_table_t *table);

/* Keeps extra's call (its correlation id, start and start time) among the
 * samples of a list of at most options.samples (*samples, *n; the array is
 * allocated on first use), sorted as dt_sample_compare orders them. A call
 * without a correlation id is not kept. DT_ERR_NOMEM when out of memory. */
dt_status_t dt_aggregate_keep_sample(dt_aggregate_t *agg, dt_sample_t **samples, size_t *n,
                                     const dt_call_extra_t *extra);

/* Counts weight failed calls of action slot (an action index, or nactions
 * for none) in the overflow code row's shares (other_by_action, allocated
 * on first use), so that an action's codes, "other" included, add up to its
 * failures. DT_ERR_NOMEM when out of memory. */
dt_status_t dt_aggregate_other_action(dt_aggregate_t *agg, size_t slot, uint64_t weight);

/* The report's order of code rows: the overflow row last, most failed first,
 * then by Microsoft code, SIP code, an empty code before a zero, and entry. */
int dt_code_row_rank(const dt_code_row_t *a, const dt_code_row_t *b);

/* The report's order of keyed rows by calls: the overflow row last, most
 * calls first, then by name. */
int dt_keyed_row_rank(const dt_keyed_row_t *a, const dt_keyed_row_t *b);

/* Forgets the time series (its rows and measures, the group-time rows, the
 * undated calls) and stops counting one: for an automatic series no output
 * of a merged run wants (dt_merge.h). */
void dt_aggregate_drop_series(dt_aggregate_t *agg);

/* NER in percent for effective/calls; returns -1 when calls is 0. */
double dt_ner_percent(uint64_t effective, uint64_t calls);

/* The average duration of answered calls (ACD) in seconds; -1 when none has
 * a known duration. */
double dt_acd_seconds(const dt_counts_t *counts);

/* The fields (a mask of 1u << dt_field_t) the aggregate reads for the
 * optional tables it was configured with; the codes, phrase, success flag
 * and SBC are always read. */
uint32_t dt_aggregate_fields(const dt_aggregate_t *agg);

#endif
