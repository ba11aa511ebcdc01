/* dt_timeline.h - calls in progress minute by minute, for the peak number of
 * concurrent calls through an SBC. A call counts in every minute from the
 * one it starts in to the one it ends in, both included: at this resolution
 * the peak is the most calls active during one minute (two calls of ten
 * seconds in the same minute count as two). Memory is one cell per minute
 * between the first and the last minute seen, taken from a budget that
 * timelines share (the cap of the whole run): a call that needs cells beyond
 * the budget is left out and counted as dropped, never guessed at. */
#ifndef DT_TIMELINE_H
#define DT_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "dt_common.h"

/* Cells timelines may still take. */
typedef struct {
    size_t cells_left;
} dt_timeline_budget_t;

/* All zero (`{0}`) is an empty timeline. */
typedef struct {
    int64_t first;     /* the minute (epoch seconds / 60) of cell 0 */
    int32_t *delta;    /* change of the active count at each minute */
    size_t n, cap;     /* cells in use, cells allocated (taken from the budget) */
    uint64_t calls;    /* calls counted, weights included */
    uint64_t dropped;  /* calls left out: beyond the budget, or too many for a cell */
} dt_timeline_t;

/* Counts `weight` calls active from `start` to `end` (epoch seconds; an end
 * before the start counts as the start). Returns DT_OK whether the calls were
 * counted or dropped, DT_ERR_NOMEM when memory is exhausted (the timeline is
 * unchanged). */
dt_status_t dt_timeline_add(dt_timeline_t *timeline, dt_timeline_budget_t *budget,
                            int64_t start, int64_t end, uint64_t weight);

/* Adds every call of `from` to `into` (cells as for dt_timeline_add: when
 * they do not fit, from's calls count as dropped). Returns DT_ERR_NOMEM when
 * memory is exhausted (into unchanged). */
dt_status_t dt_timeline_merge(dt_timeline_t *into, dt_timeline_budget_t *budget,
                              const dt_timeline_t *from);

/* The most calls active in one minute, and the start of the first minute
 * (epoch seconds) that reached it; 0 and 0 for an empty timeline. */
uint64_t dt_timeline_peak(const dt_timeline_t *timeline, int64_t *when);

/* Releases the cells and gives them back to budget (which may be NULL); the
 * timeline is empty afterwards. */
void dt_timeline_free(dt_timeline_t *timeline, dt_timeline_budget_t *budget);

#endif
