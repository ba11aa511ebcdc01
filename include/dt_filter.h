/* dt_filter.h - conditions on calls, shared by the report filters (--since,
 * --until, --sbc, --call-type, --direction, --origin, --code) and the
 * drill-down (--rows 'key=value,key=value'). A call passes a filter when it
 * meets every condition. Keys:
 *   since, until      start time (date or date-time, UTC); until is exclusive
 *   sbc, call-type    glob (* and ?), case-insensitive
 *   direction         in | out (from the direction column or the call type)
 *   origin            sbc | microsoft | unknown (failed calls only)
 *   code              a code as explain reads it (dt_code_parse): 403 (SIP),
 *                     560403 (Microsoft), 510532/403, '*'/503, 560403/'*'
 *   ms, sip           one code: a whole number
 *   action            action id ("unknown" for unmatched failures)
 *   result            failed | succeeded
 *   known             yes | no (failed calls: a documented entry matched)
 *   correlation       correlation id, exact */
#ifndef DT_FILTER_H
#define DT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_classify.h"
#include "dt_common.h"
#include "dt_reader.h"
#include "dt_rules.h"

#define DT_FILTER_MAX 32
#define DT_FILTER_TEXT 256

typedef enum {
    DT_COND_SINCE,
    DT_COND_UNTIL,
    DT_COND_SBC,
    DT_COND_CALL_TYPE,
    DT_COND_DIRECTION,
    DT_COND_ORIGIN,
    DT_COND_CODE,
    DT_COND_MS,
    DT_COND_SIP,
    DT_COND_ACTION,
    DT_COND_RESULT,
    DT_COND_KNOWN,
    DT_COND_CORRELATION,
    DT_COND_COUNT
} dt_cond_kind_t;

typedef struct {
    dt_cond_kind_t kind;
    char text[DT_FILTER_TEXT]; /* the value as given (glob, id, correlation) */
    int64_t time;              /* since/until */
    dt_code_key_t code;        /* code, ms, sip */
    dt_origin_t origin;
    bool flag;                 /* direction in, result failed, known yes */
} dt_cond_t;

typedef struct {
    dt_cond_t conds[DT_FILTER_MAX];
    size_t n;
} dt_filter_t;

typedef enum {
    DT_FILTER_PASS = 0,
    DT_FILTER_EXCLUDE,  /* a condition does not hold */
    DT_FILTER_UNDATED,  /* a time condition cannot be judged: no readable start time */
} dt_filter_result_t;

/* Adds one condition, key and value as on the command line (key without
 * "--"). Returns DT_ERR_USAGE with a message naming the key and value and
 * what was expected (unknown key, bad date, bad origin, too many). */
dt_status_t dt_filter_add(dt_filter_t *filter, const char *key, const char *value,
                          dt_error_t *err);

/* Parses "key=value[,key=value...]" (as --rows takes) into conditions.
 * Returns DT_ERR_USAGE quoting the expression on a malformed one. */
dt_status_t dt_filter_parse(dt_filter_t *filter, const char *expr, dt_error_t *err);

/* The fields (a mask of 1u << dt_field_t) the filter's conditions read. */
uint32_t dt_filter_fields(const dt_filter_t *filter);

/* True when the filter needs the start time of each call. */
bool dt_filter_uses_time(const dt_filter_t *filter);

/* Judges a classified call. record holds the cells by dt_field_t slot.
 * time/has_time: the call's parsed start time. */
dt_filter_result_t dt_filter_match(const dt_filter_t *filter, const dt_rules_t *rules,
                                   const dt_record_t *record, const dt_call_t *call,
                                   bool has_time, int64_t time);

/* Writes the conditions as "key=value, key=value" into out (NUL-terminated). */
void dt_filter_describe(const dt_filter_t *filter, char *out, size_t cap);

/* Case-insensitive glob match of text against pattern (* and ?). */
bool dt_glob_match(const char *pattern, const char *text, size_t len);

/* Direction of a call: 1 inbound, 0 outbound, -1 unknown; from the
 * direction cell ("in..."/"out...") or the call type via the rules. */
int dt_call_direction(const dt_rules_t *rules, const dt_record_t *record);

#endif
