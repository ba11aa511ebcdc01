/* timeline.c - per-minute difference arrays for concurrent calls (dt_timeline.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dt_timeline.h"

static int64_t minute_of(int64_t epoch)
{
    return epoch >= 0 ? epoch / 60 : -((-epoch + 59) / 60);
}

/* Makes the cells cover minutes [lo, hi], growing within the budget.
 * Returns 1 when they do, 0 when the budget does not allow it, -1 when
 * memory is exhausted. */
static int cover(dt_timeline_t *t, dt_timeline_budget_t *budget, int64_t lo, int64_t hi)
{
    if (!t->n)
        t->first = lo;
    int64_t first = lo < t->first ? lo : t->first;
    int64_t last = t->n ? t->first + (int64_t)t->n - 1 : hi;
    if (hi > last)
        last = hi;
    uint64_t span = (uint64_t)(last - first) + 1;
    if (span > SIZE_MAX / sizeof *t->delta)
        return 0;
    size_t need = (size_t)span;
    if (need > t->cap) {
        size_t want = t->cap * 2 > need ? t->cap * 2 : need;
        if (want - t->cap > budget->cells_left)
            want = t->cap + budget->cells_left;
        if (want < need)
            return 0;
        int32_t *cells = realloc(t->delta, want * sizeof *cells);
        if (!cells)
            return -1;
        budget->cells_left -= want - t->cap;
        t->delta = cells;
        t->cap = want;
    }
    size_t shift = (size_t)(t->first - first);
    if (shift && t->n)
        memmove(t->delta + shift, t->delta, t->n * sizeof *t->delta);
    memset(t->delta, 0, shift * sizeof *t->delta);
    size_t old_end = t->n + shift;
    memset(t->delta + old_end, 0, (need - old_end) * sizeof *t->delta);
    t->first = first;
    t->n = need;
    return 1;
}

/* True when v fits a cell. */
static bool fits(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

dt_status_t dt_timeline_add(dt_timeline_t *timeline, dt_timeline_budget_t *budget,
                            int64_t start, int64_t end, uint64_t weight)
{
    int64_t lo = minute_of(start), hi = minute_of(end < start ? start : end);
    int64_t w = (int64_t)weight;
    if (weight > INT32_MAX) {
        timeline->dropped += weight;
        return DT_OK;
    }
    int rc = cover(timeline, budget, lo, hi + 1);
    if (rc < 0)
        return DT_ERR_NOMEM;
    int32_t *up = rc ? &timeline->delta[lo - timeline->first] : NULL;
    int32_t *down = rc ? &timeline->delta[hi + 1 - timeline->first] : NULL;
    if (!rc || !fits((int64_t)*up + w) || !fits((int64_t)*down - w)) {
        timeline->dropped += weight;
        return DT_OK;
    }
    *up = (int32_t)(*up + w);
    *down = (int32_t)(*down - w);
    timeline->calls += weight;
    return DT_OK;
}

dt_status_t dt_timeline_merge(dt_timeline_t *into, dt_timeline_budget_t *budget,
                              const dt_timeline_t *from)
{
    into->dropped += from->dropped;
    if (!from->n)
        return DT_OK;
    int rc = cover(into, budget, from->first, from->first + (int64_t)from->n - 1);
    if (rc < 0)
        return DT_ERR_NOMEM;
    size_t at = rc ? (size_t)(from->first - into->first) : 0;
    for (size_t i = 0; rc && i < from->n; i++)
        if (!fits((int64_t)into->delta[at + i] + from->delta[i]))
            rc = 0;
    if (!rc) {
        into->dropped += from->calls;
        return DT_OK;
    }
    for (size_t i = 0; i < from->n; i++)
        into->delta[at + i] += from->delta[i];
    into->calls += from->calls;
    return DT_OK;
}

uint64_t dt_timeline_peak(const dt_timeline_t *timeline, int64_t *when)
{
    int64_t active = 0, peak = 0, at = 0;
    for (size_t i = 0; i < timeline->n; i++) {
        active += timeline->delta[i];
        if (active > peak) {
            peak = active;
            at = timeline->first + (int64_t)i;
        }
    }
    if (when)
        *when = peak ? at * 60 : 0;
    return (uint64_t)peak;
}

void dt_timeline_free(dt_timeline_t *timeline, dt_timeline_budget_t *budget)
{
    if (budget)
        budget->cells_left += timeline->cap;
    free(timeline->delta);
    memset(timeline, 0, sizeof *timeline);
}
