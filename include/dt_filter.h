/* dt_filter.h - conditions on calls, shared by the report filters (--since,
 * --until, --sbc, --call-type, --direction, --origin, --code) and the
 * drill-down (--rows 'key=value,key=value'). A call passes a filter when it
 * meets every condition. Keys:
 *   since, until      start time (date or date-time, UTC); until is exclusive
 *   sbc, call-type    glob (* and ?), case-insensitive
 *   direction         in | out (from the direction column or the call type); a
 *                     call whose direction is unknown passes
 *   origin            sbc | microsoft | unknown (failed calls only)
 *   code              a code as explain reads it (dt_code_parse): 403 (SIP),
 *                     560403 (Microsoft), 510532/403, '*'/503, 560403/'*'
 *   ms, sip           one code: a whole number
 *   action            action id ("unknown" for unmatched failures)
 *   result            failed | succeeded
 *   known             yes | no (failed calls: a documented entry matched)
 *   correlation       correlation id, exact
 *   where             COLUMN OP VALUE on any input column, by header name:
 *                     = and != (ASCII case ignored), ~ (glob), and < <= > >=
 *                     (numbers, dt_parse_number; a cell that is not a number
 *                     does not hold); only through dt_filter_add (--where),
 *                     at most DT_WHERE_MAX */
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
#define DT_WHERE_MAX 8

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
    DT_COND_WHERE,
    DT_COND_COUNT
} dt_cond_kind_t;

typedef enum { DT_WHERE_EQ, DT_WHERE_NE, DT_WHERE_GLOB, DT_WHERE_LT, DT_WHERE_LE, DT_WHERE_GT,
               DT_WHERE_GE } dt_where_op_t;

typedef struct {
    dt_cond_kind_t kind;
    char text[DT_FILTER_TEXT]; /* the value as given (glob, id, correlation; for where
                                  the whole COLUMN OP VALUE) */
    int64_t time;              /* since/until */
    dt_code_key_t code;        /* code, ms, sip */
    dt_origin_t origin;
    bool flag;                 /* direction in, result failed, known yes */
    /* where */
    char column[DT_FILTER_TEXT]; /* the header name, blanks around it dropped */
    char value[DT_FILTER_TEXT];  /* what the cell is compared with */
    dt_where_op_t op;
    double number;             /* value as a number, for < <= > >= */
    size_t where_index;        /* this is the filter's where_index-th where condition */
} dt_cond_t;

typedef struct {
    dt_cond_t conds[DT_FILTER_MAX];
    size_t n;
    size_t nwhere;             /* of them, where conditions */
    bool from_rows;            /* given as --rows 'key=value,...' (dt_filter_parse) */
} dt_filter_t;

/* What a filter judges about one classified call. */
typedef struct {
    const dt_record_t *record; /* the cells by dt_field_t slot */
    const dt_call_t *call;
    bool has_time;             /* time holds the call's parsed start time */
    int64_t time;
    const dt_slice_t *where;   /* where[k]: the cell of the k-th where condition's
                                  column (dt_filter_where_column); may be NULL when
                                  the filter has no where condition */
    bool has_direction;        /* direction holds dt_call_direction's answer for the
                                  record, worked out once for every filter that asks;
                                  otherwise each asks dt_call_direction itself */
    int direction;
} dt_filter_subject_t;

typedef enum {
    DT_FILTER_PASS = 0,
    DT_FILTER_EXCLUDE,  /* a condition does not hold */
    DT_FILTER_UNDATED,  /* a time condition cannot be judged: no readable start time */
} dt_filter_result_t;

/* Adds one condition, key and value as on the command line (key without
 * "--"; "where" with "COLUMN OP VALUE"). Returns DT_ERR_USAGE with a message
 * naming the key and value and what was expected (unknown key, bad date,
 * bad origin, no operator or column, a number expected, too many). */
dt_status_t dt_filter_add(dt_filter_t *filter, const char *key, const char *value,
                          dt_error_t *err);

/* The key of a kind of condition as dt_filter_add takes it ("since",
 * "call-type", "where"), or NULL for no kind. With a condition's text, the
 * key makes the condition again. */
const char *dt_cond_key(dt_cond_kind_t kind);

/* Parses "key=value[,key=value...]" (as --rows takes) into conditions; the
 * key "where" is not one of them. Returns DT_ERR_USAGE quoting the
 * expression on a malformed one. */
dt_status_t dt_filter_parse(dt_filter_t *filter, const char *expr, dt_error_t *err);

/* The fields (a mask of 1u << dt_field_t) a condition can read, any one of
 * which is enough (direction: the direction or the call type); 0 for the
 * conditions judged from the classified call alone (codes, origin, action,
 * result, known) and for where, which reads its own column. */
uint32_t dt_cond_fields(const dt_cond_t *cond);

/* The fields (a mask of 1u << dt_field_t) the filter's conditions read. */
uint32_t dt_filter_fields(const dt_filter_t *filter);

/* The first condition an input cannot judge: one that reads fields and the
 * input has none of them (present: a mask of the fields its header has);
 * SIZE_MAX when every condition can be judged. */
size_t dt_filter_unjudgeable(const dt_filter_t *filter, uint32_t present);

/* Writes condition i (< filter->n) as the user gave it, NUL-terminated in
 * out (truncated to cap): "--sbc 'sbc2'", "--where 'External Country=DE'",
 * "--rows 'action=tls'". */
void dt_filter_describe_option(const dt_filter_t *filter, size_t i, char *out, size_t cap);

/* What a condition's values are, in the plural, for "the SBCs in the input":
 * "SBCs", "call types", "codes of failed calls", "values of 'COLUMN'"; buf
 * (cap bytes) may hold the text returned. */
const char *dt_filter_value_noun(const dt_cond_t *cond, char *buf, size_t cap);

#define DT_FILTER_VALUE_MAX DT_CODE_TEXT_MAX

/* The value a condition reads from a call, as text, to list the values an
 * input has when a filter matched nothing: the SBC, the call type, "in" or
 * "out", the code ("560403/403"), the action id... An empty slice when the
 * condition reads no value of this call (a time; a code, origin, action or
 * known of a call that succeeded). The slice points into the subject, the
 * rules, static text or buf (DT_FILTER_VALUE_MAX bytes). */
dt_slice_t dt_filter_value(const dt_cond_t *cond, const dt_rules_t *rules,
                           const dt_filter_subject_t *subject, char buf[DT_FILTER_VALUE_MAX]);

/* True when the filter needs the start time of each call. */
bool dt_filter_uses_time(const dt_filter_t *filter);

/* True when the filter has a condition of this kind. */
bool dt_filter_has(const dt_filter_t *filter, dt_cond_kind_t kind);

/* The header name the k-th where condition reads (k < filter->nwhere). */
const char *dt_filter_where_column(const dt_filter_t *filter, size_t k);

/* Judges a classified call: PASS when every condition holds, else UNDATED
 * when the first that does not is a time condition on a call without a
 * readable start time, else EXCLUDE. With held (filter->n entries) every
 * condition is judged and held[i] says whether condition i holds on its own
 * (an unjudgeable time condition does not); without, judging stops at the
 * first that does not hold. */
dt_filter_result_t dt_filter_match(const dt_filter_t *filter, const dt_rules_t *rules,
                                   const dt_filter_subject_t *subject, bool *held);

/* Writes the conditions as "key=value, key=value" into out (NUL-terminated). */
void dt_filter_describe(const dt_filter_t *filter, char *out, size_t cap);

/* Case-insensitive glob match of text against pattern (* and ?). */
bool dt_glob_match(const char *pattern, const char *text, size_t len);

/* Direction of a call: 1 inbound, 0 outbound, -1 unknown; from the
 * direction cell ("in..."/"out...") or the call type via the rules. */
int dt_call_direction(const dt_rules_t *rules, const dt_record_t *record);

#endif
