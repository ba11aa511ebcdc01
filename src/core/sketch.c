/* sketch.c - minute counters with per-second pages (dt_sketch.h). */
#include <stdlib.h>
#include <string.h>

#include "dt_sketch.h"

/* The coarse counter a value falls in: its minute, its hour, or the last one. */
static size_t coarse_of(uint64_t seconds)
{
    if (seconds < DT_SKETCH_EXACT)
        return (size_t)(seconds / 60);
    uint64_t hours = seconds / 3600;
    return hours <= DT_SKETCH_HOURS ? DT_SKETCH_MINUTES + (size_t)hours - 1
                                    : DT_SKETCH_COARSE - 1;
}

/* The smallest value a coarse counter holds. */
static uint64_t coarse_value(size_t i)
{
    return i < DT_SKETCH_MINUTES ? (uint64_t)i * 60
                                 : (uint64_t)(i - DT_SKETCH_MINUTES + 1) * 3600;
}

/* The coarse counters and page table, allocated with the first value. */
static bool prepare(dt_sketch_t *s)
{
    if (s->coarse)
        return true;
    s->coarse = calloc(DT_SKETCH_COARSE, sizeof *s->coarse);
    s->pages = calloc(DT_SKETCH_MINUTES, sizeof *s->pages);
    if (s->coarse && s->pages)
        return true;
    free(s->coarse);
    free(s->pages);
    s->coarse = NULL;
    s->pages = NULL;
    return false;
}

/* Minute m's page: the one it has, a new one when this is its first value
 * and the budget allows, else NULL (the minute is counted coarsely). */
static dt_status_t page_for(dt_sketch_t *s, dt_sketch_budget_t *budget, size_t m,
                            uint64_t **page)
{
    *page = s->pages[m];
    if (*page || s->coarse[m] || (budget && !budget->pages_left))
        return DT_OK;
    if (!(*page = calloc(DT_SKETCH_PAGE, sizeof **page)))
        return DT_ERR_NOMEM;
    s->pages[m] = *page;
    if (budget)
        budget->pages_left--;
    return DT_OK;
}

static void drop_page(dt_sketch_t *s, dt_sketch_budget_t *budget, size_t m)
{
    if (!s->pages[m])
        return;
    free(s->pages[m]);
    s->pages[m] = NULL;
    if (budget)
        budget->pages_left++;
}

dt_status_t dt_sketch_add(dt_sketch_t *sketch, dt_sketch_budget_t *budget, uint64_t seconds,
                          uint64_t weight)
{
    if (!prepare(sketch))
        return DT_ERR_NOMEM;
    size_t i = coarse_of(seconds);
    if (i < DT_SKETCH_MINUTES) {
        uint64_t *page;
        if (page_for(sketch, budget, i, &page))
            return DT_ERR_NOMEM;
        if (page)
            page[seconds % 60] += weight;
        else
            sketch->inexact = true;
    }
    sketch->coarse[i] += weight;
    sketch->count += weight;
    return DT_OK;
}

dt_status_t dt_sketch_merge(dt_sketch_t *into, dt_sketch_budget_t *budget,
                            const dt_sketch_t *from)
{
    if (!from->coarse)
        return DT_OK;
    if (!prepare(into))
        return DT_ERR_NOMEM;
    for (size_t m = 0; m < DT_SKETCH_MINUTES; m++) {
        if (!from->coarse[m])
            continue;
        uint64_t *page = into->pages[m];
        if (!page && from->pages[m] && page_for(into, budget, m, &page))
            return DT_ERR_NOMEM;
        if (page && from->pages[m]) {
            for (size_t s = 0; s < DT_SKETCH_PAGE; s++)
                page[s] += from->pages[m][s];
        } else {
            drop_page(into, budget, m); /* one side knows this minute only coarsely */
            into->inexact = true;
        }
    }
    for (size_t i = 0; i < DT_SKETCH_COARSE; i++)
        into->coarse[i] += from->coarse[i];
    into->count += from->count;
    into->inexact |= from->inexact;
    return DT_OK;
}

uint64_t dt_sketch_percentile(const dt_sketch_t *sketch, unsigned percent, bool *exact)
{
    if (exact)
        *exact = true;
    uint64_t n = sketch->count;
    if (!n || !sketch->coarse)
        return 0;
    if (percent < 1)
        percent = 1;
    if (percent > 100)
        percent = 100;
    /* ceil(n * percent / 100) without overflowing n * percent */
    uint64_t rank = n / 100 * percent + ((n % 100) * percent + 99) / 100;
    uint64_t seen = 0;
    size_t i = 0;
    for (; i + 1 < DT_SKETCH_COARSE && seen + sketch->coarse[i] < rank; i++)
        seen += sketch->coarse[i];
    const uint64_t *page = i < DT_SKETCH_MINUTES ? sketch->pages[i] : NULL;
    for (size_t s = 0; page && s < DT_SKETCH_PAGE; s++)
        if ((seen += page[s]) >= rank)
            return coarse_value(i) + s;
    if (exact)
        *exact = false;
    return coarse_value(i);
}

void dt_sketch_free(dt_sketch_t *sketch, dt_sketch_budget_t *budget)
{
    for (size_t m = 0; sketch->pages && m < DT_SKETCH_MINUTES; m++)
        drop_page(sketch, budget, m);
    free(sketch->pages);
    free(sketch->coarse);
    memset(sketch, 0, sizeof *sketch);
}
