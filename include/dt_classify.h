/* dt_classify.h - decides, for one record, whether it is a call or a rejected
 * row, and for a call: did it succeed, who produced its final response
 * (origin), does it count as effective for NER, and which documented entry and
 * action it joins. Reads the record's cells by dt_field_t slot. */
#ifndef DT_CLASSIFY_H
#define DT_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "dt_codes.h"
#include "dt_common.h"
#include "dt_reader.h"
#include "dt_rules.h"

typedef struct {
    uint64_t weight;       /* calls the row stands for: 1, or an aggregated row's count */
    bool succeeded;
    bool effective;        /* counts toward NER: succeeded, or failed with an effective SIP code */
    dt_origin_t origin;    /* for failed calls */
    dt_code_key_t key;
    const dt_match_t *match; /* failed calls only; NULL for succeeded ones */
    dt_slice_t sbc;        /* SBC FQDN cell (may be empty) */
    dt_slice_t phrase;     /* phrase cell (may be empty) */
} dt_call_t;

#define DT_REASON_MAX 256

/* The largest count one row of a summarised export may carry: far above any
 * tenant's calls in a group, and low enough that the sums of 10^10 rows
 * cannot overflow a 64-bit counter. */
#define DT_WEIGHT_MAX 1000000000ULL

typedef enum {
    DT_CLASSIFY_REJECTED = 0, /* a rejected row: reason says why */
    DT_CLASSIFY_CALL,         /* a call: *call is filled */
    DT_CLASSIFY_FAILED,       /* the lookup failed (out of memory): err says why */
} dt_classify_result_t;

/* Classifies one data record of a file of the given export family (its
 * schema's; it picks the origin rules). expected_fields is the header's field
 * count; delimiter the input's field delimiter: in a ';'-separated file a ',' in a
 * code is a decimal mark, as Excel writes numbers in comma-decimal locales
 * ("5,60403E+05"); elsewhere it is an error. Returns DT_CLASSIFY_CALL and
 * fills *call for a call; DT_CLASSIFY_REJECTED with why in reason
 * (DT_REASON_MAX bytes) for a rejected row: a field count that differs from
 * the header's, a code that is neither empty nor a whole number, or (in an
 * export with a count column) a count that is empty, not a whole number or
 * above DT_WEIGHT_MAX; DT_CLASSIFY_FAILED with err filled when the code lookup failed
 * (dt_codes_lookup). call->weight is the row's count, 1 without a count
 * column; a count of 0 is a row of no calls. The slices in *call point into
 * the record and live as long as it does. */
dt_classify_result_t dt_classify_record(const dt_rules_t *rules, dt_codes_t *codes,
                                        dt_family_t family, const dt_record_t *record,
                                        size_t expected_fields, char delimiter, dt_call_t *call,
                                        char *reason, dt_error_t *err);

/* True when every field in the mask (1u << dt_field_t) is empty or blank in
 * the record: with the mask of the fields an export has, a row that says
 * nothing about a call (a non-PSTN stream row of a CQD query). */
bool dt_classify_blank_fields(const dt_record_t *record, uint32_t fields);

/* Decides what follows from a call's success flag, codes and phrase under
 * the rules, for an export of `family` (DT_FAMILY_ANY when not known; see
 * dt_codes_lookup): for a failed call the documented entry and action it
 * joins (call->match, owned by codes), its origin and whether it counts
 * toward NER; a succeeded call is effective, with no match. Used for each
 * record and to classify stored history again under the rules in effect.
 * Returns DT_ERR_NOMEM with err filled when the code lookup failed. */
dt_status_t dt_classify_outcome(const dt_rules_t *rules, dt_codes_t *codes, dt_family_t family,
                                dt_call_t *call, dt_error_t *err);

/* Reads a success cell: 1 for a value in [values success] true, 0 for false,
 * -1 for an empty or unrecognised value. */
int dt_classify_success_value(const dt_rules_t *rules, const char *text, size_t len);

/* True when a call with no success column counts as completed: SIP 0 or 2xx. */
bool dt_classify_sip_completed(unsigned sip);

#endif
