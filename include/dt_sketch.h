/* dt_sketch.h - a histogram of whole seconds with bounded memory, for the
 * percentiles of a duration (the time to failure of failed calls).
 *
 * Every value is counted by its minute below an hour, by its hour up to a
 * day, and from a day on in one last bucket (DT_SKETCH_COARSE counters,
 * allocated with the first value). Below an hour each minute also gets a
 * page of 60 per-second counters when its first value arrives, taken from a
 * budget that sketches share (the cap of a whole run), so that percentiles
 * below an hour are exact to the second. A minute whose first value finds
 * the budget spent stays counted to the minute only, and its percentiles are
 * its minute's start (the sketch then says it is inexact). Counts add: the
 * sketch of two sets of calls is the merge of theirs (parallel runs). */
#ifndef DT_SKETCH_H
#define DT_SKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_common.h"

#define DT_SKETCH_EXACT 3600u   /* seconds below which a value is exact to the second */
#define DT_SKETCH_MINUTES 60u   /* minutes below DT_SKETCH_EXACT: one page each */
#define DT_SKETCH_HOURS 23u     /* hourly buckets [1 h, 2 h) ... [23 h, 24 h) */
#define DT_SKETCH_COARSE (DT_SKETCH_MINUTES + DT_SKETCH_HOURS + 1) /* + one for a day or more */
#define DT_SKETCH_PAGE 60u      /* per-second counters of one minute */
/* What one sketch holds beside its pages, and one page. */
#define DT_SKETCH_BYTES (DT_SKETCH_COARSE * sizeof(uint64_t) + DT_SKETCH_MINUTES * sizeof(uint64_t *))
#define DT_SKETCH_PAGE_BYTES (DT_SKETCH_PAGE * sizeof(uint64_t))

/* Pages sketches may still take; NULL where a budget is taken means no cap. */
typedef struct {
    size_t pages_left;
} dt_sketch_budget_t;

/* All zero (`{0}`) is an empty sketch. */
typedef struct {
    uint64_t count;   /* values counted, weights included */
    uint64_t *coarse; /* DT_SKETCH_COARSE counters, NULL until the first value */
    uint64_t **pages; /* DT_SKETCH_MINUTES pages or NULL (a minute counted coarsely) */
    bool inexact;     /* some minute with values has no page */
} dt_sketch_t;

/* Counts `weight` values of `seconds`, a new minute's page taken from budget
 * (NULL: no cap). Returns DT_ERR_NOMEM (the sketch unchanged) when memory is
 * exhausted; a spent budget is not an error. */
dt_status_t dt_sketch_add(dt_sketch_t *sketch, dt_sketch_budget_t *budget, uint64_t seconds,
                          uint64_t weight);

/* Adds every count of `from` to `into` (from is unchanged), pages taken from
 * or given back to budget; a minute one side counts without a page is
 * counted without one in `into`. Returns DT_ERR_NOMEM when memory is
 * exhausted; `into` then holds part of `from` and must only be freed. */
dt_status_t dt_sketch_merge(dt_sketch_t *into, dt_sketch_budget_t *budget,
                            const dt_sketch_t *from);

/* The nearest-rank `percent` percentile (1-100): the smallest counted value v
 * such that at least percent % of the values are <= v. For a value of an
 * hour or more it is the lower bound of its bucket (a whole hour, or one
 * day), for one in a minute without a page that minute's start, and *exact
 * (when not NULL) is set false; otherwise true. Returns 0 for an empty
 * sketch. */
uint64_t dt_sketch_percentile(const dt_sketch_t *sketch, unsigned percent, bool *exact);

/* Releases the sketch's memory, its pages back to budget (which may be
 * NULL); the sketch is empty afterwards. */
void dt_sketch_free(dt_sketch_t *sketch, dt_sketch_budget_t *budget);

#endif
