/* agg_stream.h - a generated stream of what the pipeline tells an aggregate
 * (inputs, calls of every kind, rejected and excluded rows, notes, tallies),
 * replayed into aggregates whole or in parts, and aggregates compared field
 * by field: for the merge and state suites. */
#ifndef AGG_STREAM_H
#define AGG_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_aggregate.h"

typedef enum {
    EV_INPUT,    /* begin an input (path), its format and count column */
    EV_CALL,
    EV_REJECT,
    EV_EXCLUDE,
    EV_DUPLICATE,
    EV_UNCHECKED,
    EV_NOTE,
    EV_TALLY,
    EV_TIME,     /* widen the input's time range */
    EV_DATES,    /* the input's date summary, at its end */
    EV_SKIP,     /* an input skipped (path, the kind in text) */
} ev_kind_t;

typedef struct {
    ev_kind_t kind;
    char path[32];
    int code;          /* index into codes[] */
    char sbc[16], group[16], corr[16], start[24], text[48];
    bool succeeded, has_time, held;
    int64_t time;
    bool has_seconds;  /* a call's duration (answered) or time to failure (failed) */
    uint64_t seconds;
    int64_t span;      /* with a time: the call held a session from it for span seconds */
    uint64_t weight, line;
    size_t tally;
} ev_t;

#define MAX_EVENTS 1200

typedef struct {
    ev_t ev[MAX_EVENTS];
    size_t n;
} stream_t;

/* A stream over `ninputs` inputs named in sorted order (part-0.csv ...), with
 * calls of every kind, weights of 0, 1 and 3 (in the input with a count
 * column), rejected rows and notes past their caps (the notes in sorted
 * order within the stream), and tally values, more than a tally keeps when
 * `many_values`. The same seed makes the same stream. */
void st_make(stream_t *s, unsigned ninputs, unsigned calls, bool many_values, uint64_t seed);

/* The tables a stream is counted with: an hourly series, one --group-by
 * column, 2 samples, the measures and concurrency. */
dt_aggregate_options_t st_options(void);

/* Initialises agg for the stream (tu_rules, key cap `cap`, st_options, 2 tallies). */
void st_agg_init(dt_aggregate_t *agg, size_t cap);

/* Counts one EV_CALL event (and its tally when agg has tallies). */
void st_call(dt_aggregate_t *agg, const ev_t *e);

/* Replays events [from, to) into agg; a part that starts inside an input
 * begins it again (a chunk of it), and *same says so. */
void st_replay(dt_aggregate_t *agg, const stream_t *s, size_t from, size_t to, bool *same);

/* agg (st_agg_init, no key cap) with the whole of a stream (st_make: ninputs
 * inputs of `calls` calls, few tally values, seed) replayed into it. */
void st_agg_whole(dt_aggregate_t *agg, unsigned ninputs, unsigned calls, uint64_t seed);

/* Asserts that two aggregates hold the same, field by field, rows in order. */
void st_same_aggregate(const dt_aggregate_t *a, const dt_aggregate_t *b);

/* An aggregate's overflow share of action slot a (0 when it has none). */
uint64_t st_other_by(const dt_aggregate_t *agg, size_t a);

/* The JSON report of an aggregate (free it). */
char *st_json(const dt_aggregate_t *agg);

/* Asserts two reports are the same, showing where they first differ. */
void st_same_report(const char *a, const char *b);

#endif
