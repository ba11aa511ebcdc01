/* dt_hourly.h - the calls of an input counted per UTC hour and per stored
 * key: what the history store (dt_store.h) keeps of an export. A key is the
 * hour, the export family of the input the call came from (the origin rules
 * depend on it), the SBC name, the direction, success, and for a failed call its
 * Microsoft and SIP codes and its phrase as seen in the export (the first
 * DT_HOURLY_PHRASE_MAX bytes). Nothing the rules decide is in a key: the
 * store classifies each key again under the rules in effect when it is
 * read, so a rules update reclassifies history. Succeeded calls keep no
 * codes and no phrase (no report reads them).
 *
 * Memory is bounded: SBC names and phrases are interned once each, at most
 * DT_HOURLY_NAMES_MAX distinct ones of each (further ones are counted under
 * the empty name, and the table says how many calls that took), at most
 * DT_HOURLY_ROWS_MAX keys in all, and at most DT_HOURLY_FAILURES_MAX distinct
 * times to failure of keys (further failed calls are stored without theirs,
 * and counted). */
#ifndef DT_HOURLY_H
#define DT_HOURLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_arena.h"
#include "dt_classify.h"
#include "dt_common.h"
#include "dt_map.h"

#define DT_HOUR_SECONDS 3600
#define DT_HOURLY_PHRASE_MAX 512      /* bytes of a phrase kept in a key */
#define DT_HOURLY_NAMES_MAX 65536     /* distinct SBC names, and distinct phrases */
#define DT_HOURLY_ROWS_MAX (1u << 22) /* keys of one input (a week of a large tenant: ~60 000) */
#define DT_HOURLY_FAILURES_MAX (1u << 23) /* keys' distinct times to failure of one input */

/* A call's direction as the store keeps it. */
typedef enum {
    DT_DIRECTION_UNKNOWN = 0,
    DT_DIRECTION_IN = 1,
    DT_DIRECTION_OUT = 2,
} dt_direction_t;

/* Maps dt_call_direction's answer (1 inbound, 0 outbound, -1 unknown). */
dt_direction_t dt_direction_from_call(int direction);

/* "in", "out" or "" (unknown). */
const char *dt_direction_name(dt_direction_t direction);

/* The talk time of answered calls, summed per key: the duration counters of
 * dt_counts_t (dt_aggregate.h), which the store keeps and a report from it
 * adds back. */
typedef struct {
    uint64_t calls;            /* answered calls whose duration is known */
    uint64_t seconds;          /* their durations, summed */
    uint64_t short_calls;      /* of them, shorter than DT_SHORT_CALL_SECONDS */
} dt_talk_t;

/* Failed calls that took `seconds` from the INVITE to the failure. */
typedef struct {
    uint64_t seconds;
    uint64_t calls;
} dt_seconds_t;

/* The measures of a call that the store keeps (dt_call_extra_t's). */
typedef struct {
    dt_talk_t talk;            /* answered calls: the talk time of all of the call's weight */
    bool has_to_failure;       /* failed calls: seconds from the INVITE to the failure */
    uint64_t to_failure;
} dt_hourly_measures_t;

/* A time to failure as the store keeps it: what a time-to-failure sketch
 * (dt_sketch.h) tells apart, exact seconds below an hour, the hour's start
 * below a day, a day from a day on. */
uint64_t dt_hourly_failure_seconds(uint64_t seconds);

/* A key's time to failure: failed calls of row `row` that took `seconds`. */
typedef struct {
    uint32_t row;
    dt_seconds_t at;
} dt_hourly_failure_t;

/* One key and the calls counted under it. */
typedef struct {
    int64_t hour;              /* the hour's start, epoch seconds (a multiple of 3600) */
    dt_family_t family;        /* of the input the calls came from */
    uint32_t sbc;              /* index into names */
    uint32_t phrase;           /* index into names; 0 is "" */
    dt_direction_t direction;
    bool succeeded;
    dt_code_key_t key;         /* failed calls; all zero for succeeded ones */
    uint64_t calls;
    dt_talk_t talk;            /* succeeded calls with a known duration */
} dt_hourly_row_t;

typedef struct {
    dt_hourly_row_t *rows;     /* in the order first seen */
    size_t nrows, rows_cap;
    dt_slice_t *names;         /* interned SBC names and phrases; names[0] is "" */
    size_t nnames, names_cap;
    bool has_time;             /* first and last hold the earliest and latest start */
    int64_t first, last;       /* start times of the calls counted, epoch seconds */
    uint64_t calls;            /* calls counted (weights included) */
    uint64_t undated;          /* calls not counted: no readable start time */
    uint64_t unnamed;          /* calls whose SBC name or phrase fell beyond the name cap */
    uint64_t cut;              /* calls whose phrase was cut to DT_HOURLY_PHRASE_MAX */
    uint64_t untimed;          /* failed calls whose time to failure was not kept (the cap) */
    dt_hourly_failure_t *failures; /* the keys' times to failure, in the order first seen */
    size_t nfailures, failures_cap;
    dt_map_t failure_index;    /* (row, seconds) -> index into failures */
    dt_map_t row_index;        /* packed key -> row */
    dt_map_t name_index[2];    /* SBC names, phrases -> index into names */
    size_t nkind[2];           /* distinct names of each kind */
    dt_arena_t arena;
} dt_hourly_t;

/* Prepares an empty table. Returns DT_ERR_NOMEM on allocation failure (the
 * table must still be freed). */
dt_status_t dt_hourly_init(dt_hourly_t *table);

/* Releases everything the table owns. */
void dt_hourly_free(dt_hourly_t *table);

/* Counts a classified call (call->weight calls) of an input of `family`
 * (its schema's; DT_FAMILY_ANY when not known) that started at `time`
 * (has_time false: the start time could not be read; the call is only
 * counted as undated), with its measures (NULL: none known). The call's
 * slices are copied. Returns DT_ERR_NOMEM when memory is exhausted,
 * DT_ERR_INPUT when the input holds more than DT_HOURLY_ROWS_MAX keys. */
dt_status_t dt_hourly_count(dt_hourly_t *table, const dt_call_t *call, dt_family_t family,
                            dt_direction_t direction, bool has_time, int64_t time,
                            const dt_hourly_measures_t *measures);

/* The text of an interned name (SBC or phrase). */
dt_slice_t dt_hourly_name(const dt_hourly_t *table, uint32_t index);

#endif
