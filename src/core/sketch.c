/* sketch.c - a paged histogram of whole seconds (dt_sketch.h). */
#include <stdlib.h>

#include "dt_sketch.h"

/* The counter a value falls in: its second, its hour, or the last slot. */
static size_t slot_of(uint64_t seconds)
{
    if (seconds < DT_SKETCH_EXACT)
        return (size_t)seconds;
    uint64_t hours = seconds / 3600;
    return hours <= DT_SKETCH_HOURS ? DT_SKETCH_EXACT + (size_t)hours - 1 : DT_SKETCH_SLOTS - 1;
}

/* The smallest value a slot holds. */
static uint64_t slot_value(size_t slot)
{
    return slot < DT_SKETCH_EXACT ? slot : (uint64_t)(slot - DT_SKETCH_EXACT + 1) * 3600;
}

/* The page holding slot, allocated if missing; NULL when out of memory. */
static uint64_t *page_for(dt_sketch_t *s, size_t slot)
{
    if (!s->pages && !(s->pages = calloc(DT_SKETCH_PAGES, sizeof *s->pages)))
        return NULL;
    uint64_t **page = &s->pages[slot / DT_SKETCH_PAGE];
    if (!*page)
        *page = calloc(DT_SKETCH_PAGE, sizeof **page);
    return *page;
}

dt_status_t dt_sketch_add(dt_sketch_t *sketch, uint64_t seconds, uint64_t weight)
{
    size_t slot = slot_of(seconds);
    uint64_t *page = page_for(sketch, slot);
    if (!page)
        return DT_ERR_NOMEM;
    page[slot % DT_SKETCH_PAGE] += weight;
    sketch->count += weight;
    return DT_OK;
}

dt_status_t dt_sketch_merge(dt_sketch_t *into, const dt_sketch_t *from)
{
    if (!from->pages)
        return DT_OK;
    for (size_t p = 0; p < DT_SKETCH_PAGES; p++) {
        const uint64_t *src = from->pages[p];
        if (!src)
            continue;
        uint64_t *dst = page_for(into, p * DT_SKETCH_PAGE);
        if (!dst)
            return DT_ERR_NOMEM;
        for (size_t i = 0; i < DT_SKETCH_PAGE; i++) {
            dst[i] += src[i];
            into->count += src[i];
        }
    }
    return DT_OK;
}

uint64_t dt_sketch_percentile(const dt_sketch_t *sketch, unsigned percent, bool *exact)
{
    if (exact)
        *exact = true;
    uint64_t n = sketch->count;
    if (!n || !sketch->pages)
        return 0;
    if (percent < 1)
        percent = 1;
    if (percent > 100)
        percent = 100;
    /* ceil(n * percent / 100) without overflowing n * percent */
    uint64_t rank = n / 100 * percent + ((n % 100) * percent + 99) / 100;
    uint64_t seen = 0;
    for (size_t slot = 0; slot < DT_SKETCH_SLOTS; slot++) {
        const uint64_t *page = sketch->pages[slot / DT_SKETCH_PAGE];
        if (!page) {
            slot += DT_SKETCH_PAGE - 1 - slot % DT_SKETCH_PAGE;
            continue;
        }
        seen += page[slot % DT_SKETCH_PAGE];
        if (seen >= rank) {
            if (exact)
                *exact = slot < DT_SKETCH_EXACT;
            return slot_value(slot);
        }
    }
    return slot_value(DT_SKETCH_SLOTS - 1);
}

void dt_sketch_free(dt_sketch_t *sketch)
{
    if (sketch->pages)
        for (size_t p = 0; p < DT_SKETCH_PAGES; p++)
            free(sketch->pages[p]);
    free(sketch->pages);
    sketch->pages = NULL;
    sketch->count = 0;
}
