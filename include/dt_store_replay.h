/* dt_store_replay.h - reports from the history store (dt_store.h): stored
 * keys are counted into aggregates (dt_aggregate.h) as the calls they stand
 * for, classified under the rules in effect now for the export family each
 * key keeps, with the hour as the start time. A report built from the aggregate then has every table, format and
 * gate a report on the exports has, but at the hour's grain and without
 * the columns the store does not keep. */
#ifndef DT_STORE_REPLAY_H
#define DT_STORE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "dt_aggregate.h"
#include "dt_codes.h"
#include "dt_common.h"
#include "dt_filter.h"
#include "dt_rules.h"
#include "dt_store.h"

/* Checks that the store can answer every condition of a report filter and
 * narrows [*since, *until) to its --since and --until. Returns DT_ERR_USAGE
 * naming the condition for one it cannot: a time not on the hour, a call
 * type, a correlation id or an input column (--where): not stored. */
dt_status_t dt_store_filter_check(const dt_filter_t *filter, int64_t *since, int64_t *until,
                                  dt_error_t *err);

/* The name a report gives the store's count column: every stored key is a
 * row that stands for `calls` calls, as a summarised export's row does. */
#define DT_STORE_COUNT_COLUMN "calls"

/* Starts the aggregate's input for a store at path: a weighted input whose
 * count column is DT_STORE_COUNT_COLUMN. Returns DT_ERR_NOMEM. */
dt_status_t dt_store_begin_input(dt_aggregate_t *agg, const char *path);

typedef struct {
    int64_t since, until;      /* the hours read: those starting in [since, until) */
    const dt_rules_t *rules;   /* to classify each key (borrowed) */
    dt_codes_t *codes;
    const dt_filter_t *filter; /* checked by dt_store_filter_check; NULL: none */
    dt_aggregate_t *whole;     /* every call of the range, or NULL */
    dt_aggregate_t **days;     /* or one aggregate per UTC day from since (since is then
                                  a day's start): days[i] counts the day since + i days */
    size_t ndays;
} dt_store_replay_t;

/* Counts the stored calls of the range into the aggregates, which must be
 * configured (dt_aggregate_configure) for the optional tables wanted, and
 * have begun their input (dt_store_begin_input; its time range widens to
 * the hours counted); a key the filter leaves out is counted as an excluded
 * row of its calls. Returns DT_ERR_INPUT
 * when reading the store fails, DT_ERR_NOMEM. */
dt_status_t dt_store_replay(dt_store_t *store, const dt_store_replay_t *options, dt_error_t *err);

/* Fills agg (initialised and configured by the caller) with the stored
 * calls of the store at path that the filter keeps, for a report instead of
 * exports: one input named after the store, the tallies of the filter's
 * conditions (what each matched, as the pipeline keeps them), and a note
 * with the range read and how many of its hours have data. The range is the
 * filter's --since and
 * --until, else the store's extent. Returns what dt_store_filter_check,
 * dt_store_open and dt_store_replay return. */
dt_status_t dt_store_report(const char *path, const dt_filter_t *filter, const dt_rules_t *rules,
                            dt_codes_t *codes, dt_aggregate_t *agg, dt_error_t *err);

#endif
