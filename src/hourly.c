/* hourly.c - calls counted per UTC hour and stored key. */
#include <stdlib.h>
#include <string.h>

#include "dt_date.h"
#include "dt_hourly.h"
#include "dt_sketch.h"

enum { KIND_SBC = 0, KIND_PHRASE = 1 };

#define ROW_KEY_LEN 32

dt_direction_t dt_direction_from_call(int direction)
{
    return direction == 1 ? DT_DIRECTION_IN : direction == 0 ? DT_DIRECTION_OUT
                                                             : DT_DIRECTION_UNKNOWN;
}

const char *dt_direction_name(dt_direction_t direction)
{
    return direction == DT_DIRECTION_IN ? "in" : direction == DT_DIRECTION_OUT ? "out" : "";
}

dt_status_t dt_hourly_init(dt_hourly_t *table)
{
    memset(table, 0, sizeof *table);
    dt_map_init(&table->row_index, DT_HOURLY_ROWS_MAX);
    dt_map_init(&table->failure_index, DT_HOURLY_FAILURES_MAX);
    for (int k = 0; k < 2; k++)
        dt_map_init(&table->name_index[k], DT_HOURLY_NAMES_MAX);
    if (!DT_GROW(table->names, 0, table->names_cap))
        return DT_ERR_NOMEM;
    table->names[0] = (dt_slice_t){"", 0};
    table->nnames = 1;
    return DT_OK;
}

void dt_hourly_free(dt_hourly_t *table)
{
    free(table->rows);
    free(table->names);
    free(table->failures);
    dt_map_free(&table->row_index);
    dt_map_free(&table->failure_index);
    for (int k = 0; k < 2; k++)
        dt_map_free(&table->name_index[k]);
    dt_arena_free(&table->arena);
    memset(table, 0, sizeof *table);
}

dt_slice_t dt_hourly_name(const dt_hourly_t *table, uint32_t index)
{
    return index < table->nnames ? table->names[index] : table->names[0];
}

/* The index of a name of one kind, interned on first sight; 0 ("") for the
 * empty name and for names past the cap (*unnamed is then set). Returns
 * false when memory is exhausted. */
static bool intern(dt_hourly_t *table, int kind, const char *text, size_t len, uint32_t *index,
                   bool *unnamed)
{
    *index = 0;
    if (len == 0)
        return true;
    uint32_t *found = dt_map_get(&table->name_index[kind], text, len);
    if (found) {
        *index = *found;
        return true;
    }
    if (table->name_index[kind].count >= DT_HOURLY_NAMES_MAX) {
        *unnamed = true;
        return true;
    }
    /* room first, so that a failed allocation leaves no key without its name */
    char *copy = dt_arena_strndup(&table->arena, text, len);
    if (!copy || !DT_GROW(table->names, table->nnames, table->names_cap))
        return false;
    uint32_t *slot;
    int rc = dt_map_upsert(&table->name_index[kind], text, len, (uint32_t)table->nnames, &slot);
    if (rc != DT_MAP_ADDED)
        return false;
    table->names[table->nnames] = (dt_slice_t){copy, len};
    *index = (uint32_t)table->nnames++;
    table->nkind[kind]++;
    return true;
}

uint64_t dt_hourly_failure_seconds(uint64_t seconds)
{
    const uint64_t day = (uint64_t)(DT_SKETCH_HOURS + 1) * DT_SKETCH_EXACT;
    if (seconds < DT_SKETCH_EXACT)
        return seconds;
    return seconds < day ? seconds / DT_SKETCH_EXACT * DT_SKETCH_EXACT : day;
}

/* Counts `calls` failed calls of a row that took `seconds` to fail; past
 * DT_HOURLY_FAILURES_MAX distinct times the calls are counted as untimed. */
static dt_status_t count_failure(dt_hourly_t *table, uint32_t row, uint64_t seconds,
                                 uint64_t calls)
{
    dt_seconds_t at = {dt_hourly_failure_seconds(seconds), calls};
    unsigned char key[sizeof row + sizeof at.seconds];
    memcpy(key, &row, sizeof row);
    memcpy(key + sizeof row, &at.seconds, sizeof at.seconds);
    if (!DT_GROW(table->failures, table->nfailures, table->failures_cap))
        return DT_ERR_NOMEM;
    uint32_t *slot;
    int rc = dt_map_upsert(&table->failure_index, key, sizeof key, (uint32_t)table->nfailures,
                           &slot);
    if (rc == DT_MAP_NOMEM)
        return DT_ERR_NOMEM;
    if (rc == DT_MAP_FULL) {
        table->untimed += calls;
        return DT_OK;
    }
    if (rc == DT_MAP_ADDED)
        table->failures[table->nfailures++] = (dt_hourly_failure_t){row, {at.seconds, 0}};
    table->failures[*slot].at.calls += calls;
    return DT_OK;
}

static size_t pack_key(unsigned char key[ROW_KEY_LEN], const dt_hourly_row_t *row)
{
    uint32_t sip = row->key.sip;
    key[0] = (unsigned char)row->direction;
    key[1] = row->succeeded;
    key[2] = (unsigned char)(row->key.has_sip | row->key.has_ms << 1);
    memcpy(key + 3, &row->hour, 8);
    memcpy(key + 11, &row->sbc, 4);
    memcpy(key + 15, &row->phrase, 4);
    memcpy(key + 19, &sip, 4);
    memcpy(key + 23, &row->key.ms, 8);
    key[31] = (unsigned char)row->family;
    return ROW_KEY_LEN;
}

dt_status_t dt_hourly_count(dt_hourly_t *table, const dt_call_t *call, dt_family_t family,
                            dt_direction_t direction, bool has_time, int64_t time,
                            const dt_hourly_measures_t *measures)
{
    if (!has_time) {
        table->undated += call->weight;
        return DT_OK;
    }
    dt_hourly_row_t row = {.hour = dt_date_bucket(time, DT_BUCKET_HOUR), .family = family,
                           .direction = direction, .succeeded = call->succeeded};
    bool unnamed = false;
    if (!intern(table, KIND_SBC, call->sbc.ptr, call->sbc.len, &row.sbc, &unnamed))
        return DT_ERR_NOMEM;
    if (!call->succeeded) {
        row.key = call->key;
        size_t len = call->phrase.len;
        if (len > DT_HOURLY_PHRASE_MAX) {
            len = DT_HOURLY_PHRASE_MAX;
            table->cut += call->weight;
        }
        if (!intern(table, KIND_PHRASE, call->phrase.ptr, len, &row.phrase, &unnamed))
            return DT_ERR_NOMEM;
    }
    table->unnamed += unnamed ? call->weight : 0;

    unsigned char key[ROW_KEY_LEN];
    uint32_t *slot;
    if (!DT_GROW(table->rows, table->nrows, table->rows_cap))
        return DT_ERR_NOMEM;
    int rc = dt_map_upsert(&table->row_index, key, pack_key(key, &row), (uint32_t)table->nrows,
                           &slot);
    if (rc == DT_MAP_NOMEM)
        return DT_ERR_NOMEM;
    if (rc == DT_MAP_FULL)
        return DT_ERR_INPUT;
    if (rc == DT_MAP_ADDED)
        table->rows[table->nrows++] = row;
    dt_hourly_row_t *at = &table->rows[*slot];
    dt_status_t st = measures && measures->has_to_failure
                         ? count_failure(table, *slot, measures->to_failure, call->weight)
                         : DT_OK;
    if (st)
        return st;
    at->calls += call->weight;
    if (measures) {
        at->talk.calls += measures->talk.calls;
        at->talk.seconds += measures->talk.seconds;
        at->talk.short_calls += measures->talk.short_calls;
    }
    table->calls += call->weight;
    if (!table->has_time || time < table->first)
        table->first = time;
    if (!table->has_time || time > table->last)
        table->last = time;
    table->has_time = true;
    return DT_OK;
}
