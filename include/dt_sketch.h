/* dt_sketch.h - a histogram of whole seconds with bounded memory, for the
 * percentiles of a duration (the time to failure of failed calls). Values
 * below DT_SKETCH_EXACT seconds (one hour) are counted one by one, so their
 * percentiles are exact to the second; longer values are counted by the hour
 * up to a day, and from a day on in one bucket. Pages of counters are
 * allocated on first use: a sketch that saw no value holds no memory, and one
 * never holds more than DT_SKETCH_BYTES. Counts add, so the sketch of two
 * sets of calls is the merge of their sketches (parallel runs). */
#ifndef DT_SKETCH_H
#define DT_SKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_common.h"

#define DT_SKETCH_EXACT 3600u  /* seconds below which every second has its counter */
#define DT_SKETCH_HOURS 23u    /* hourly buckets [1 h, 2 h) ... [23 h, 24 h) */
#define DT_SKETCH_SLOTS (DT_SKETCH_EXACT + DT_SKETCH_HOURS + 1) /* + one for a day or more */
#define DT_SKETCH_PAGE 64u     /* counters per page */
#define DT_SKETCH_PAGES ((DT_SKETCH_SLOTS + DT_SKETCH_PAGE - 1) / DT_SKETCH_PAGE)
#define DT_SKETCH_BYTES \
    (DT_SKETCH_PAGES * (sizeof(uint64_t *) + DT_SKETCH_PAGE * sizeof(uint64_t)))

/* All zero (`{0}`) is an empty sketch. */
typedef struct {
    uint64_t count;   /* values counted, weights included */
    uint64_t **pages; /* DT_SKETCH_PAGES page pointers, NULL until the first value */
} dt_sketch_t;

/* Counts `weight` values of `seconds`. Returns DT_ERR_NOMEM (the sketch
 * unchanged) when a page cannot be allocated. */
dt_status_t dt_sketch_add(dt_sketch_t *sketch, uint64_t seconds, uint64_t weight);

/* Adds every count of `from` to `into` (from is unchanged). Returns
 * DT_ERR_NOMEM when a page cannot be allocated; `into` then holds part of
 * `from` and must only be freed. */
dt_status_t dt_sketch_merge(dt_sketch_t *into, const dt_sketch_t *from);

/* The nearest-rank `percent` percentile (1-100): the smallest counted value v
 * such that at least percent % of the values are <= v. For a value of an
 * hour or more it is the lower bound of its bucket (a whole hour, or one day),
 * and *exact (when not NULL) is set false; otherwise true. Returns 0 for an
 * empty sketch. */
uint64_t dt_sketch_percentile(const dt_sketch_t *sketch, unsigned percent, bool *exact);

/* Releases the pages; the sketch is empty afterwards. */
void dt_sketch_free(dt_sketch_t *sketch);

#endif
