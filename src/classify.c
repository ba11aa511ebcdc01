/* classify.c - one record in, one call (or a rejection) out. */
#include <stdio.h>
#include <string.h>

#include "dt_classify.h"
#include "dt_num.h"

int dt_classify_success_value(const dt_rules_t *rules, const char *text, size_t len)
{
    return dt_rules_word_set(&rules->success_true, &rules->success_false, text, len);
}

bool dt_classify_sip_completed(unsigned sip)
{
    return sip == 0 || (sip >= 200 && sip < 300);
}

/* Reads an optional code cell into *value; false (with reason) when the cell
 * holds something that is not a whole number. comma: ',' is a decimal mark. */
static bool read_code(const dt_record_t *record, dt_field_t field, const char *label, bool comma,
                      bool *present, uint64_t *value, char *reason)
{
    dt_slice_t c = dt_record_cell(record, field);
    *present = false;
    if (dt_is_blank(c.ptr, c.len))
        return true;
    const char *why;
    if (!(comma ? dt_parse_code_comma : dt_parse_code)(c.ptr, c.len, value, &why)) {
        snprintf(reason, DT_REASON_MAX, "%s '%.*s' %s", label, (int)(c.len > 40 ? 40 : c.len),
                 c.ptr, why);
        return false;
    }
    *present = true;
    return true;
}

/* True when the record has the field's column (a kept cell is never NULL). */
static bool has_cell(const dt_record_t *record, dt_field_t field)
{
    return (size_t)field < record->ncells && record->cells[field].ptr;
}

/* Reads the count cell of an aggregated export into call->weight (as a code
 * cell is read, comma decimals included); 1 when the export has no count
 * column. False (with reason) for an empty cell, a value that is not a whole
 * number, or one above DT_WEIGHT_MAX. */
static bool read_weight(const dt_record_t *record, bool comma, dt_call_t *call, char *reason)
{
    call->weight = 1;
    if (!has_cell(record, DT_FIELD_WEIGHT))
        return true;
    bool present;
    uint64_t n;
    if (!read_code(record, DT_FIELD_WEIGHT, "count", comma, &present, &n, reason))
        return false;
    if (!present) {
        snprintf(reason, DT_REASON_MAX, "count is empty (a summarised row needs its number of calls)");
        return false;
    }
    if (n > DT_WEIGHT_MAX) {
        snprintf(reason, DT_REASON_MAX, "count %llu is out of range (at most %llu calls a row)",
                 (unsigned long long)n, (unsigned long long)DT_WEIGHT_MAX);
        return false;
    }
    call->weight = n;
    return true;
}

bool dt_classify_blank_fields(const dt_record_t *record, uint32_t fields)
{
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        if (fields & 1u << f) {
            dt_slice_t c = dt_record_cell(record, f);
            if (!dt_is_blank(c.ptr, c.len))
                return false;
        }
    return true;
}

dt_classify_result_t dt_classify_record(const dt_rules_t *rules, dt_codes_t *codes,
                                        dt_family_t family, const dt_record_t *record,
                                        size_t expected_fields, char delimiter, dt_call_t *call,
                                        char *reason, dt_error_t *err)
{
    if (record->malformed) {
        snprintf(reason, DT_REASON_MAX, "%s", record->malformed);
        return DT_CLASSIFY_REJECTED;
    }
    if (record->nfields != expected_fields) {
        snprintf(reason, DT_REASON_MAX, "has %zu fields, the header has %zu", record->nfields,
                 expected_fields);
        return DT_CLASSIFY_REJECTED;
    }
    memset(call, 0, sizeof *call);
    uint64_t sip = 0;
    bool comma = delimiter == ';';
    if (!read_weight(record, comma, call, reason) ||
        !read_code(record, DT_FIELD_SIP, "SIP code", comma, &call->key.has_sip, &sip, reason) ||
        !read_code(record, DT_FIELD_MS, "Microsoft code", comma, &call->key.has_ms,
                   &call->key.ms, reason))
        return DT_CLASSIFY_REJECTED;
    if (call->key.has_sip && sip > UINT32_MAX) {
        snprintf(reason, DT_REASON_MAX, "SIP code %llu is out of range", (unsigned long long)sip);
        return DT_CLASSIFY_REJECTED;
    }
    call->key.sip = (unsigned)sip;
    call->sbc = dt_record_cell(record, DT_FIELD_SBC);
    call->phrase = dt_record_cell(record, DT_FIELD_PHRASE);

    dt_slice_t success = dt_record_cell(record, DT_FIELD_SUCCESS);
    int flag = dt_classify_success_value(rules, success.ptr, success.len);
    call->succeeded = flag >= 0 ? flag == 1
                                : call->key.has_sip && dt_classify_sip_completed(call->key.sip);
    return dt_classify_outcome(rules, codes, family, call, err) ? DT_CLASSIFY_FAILED
                                                                : DT_CLASSIFY_CALL;
}

dt_status_t dt_classify_outcome(const dt_rules_t *rules, dt_codes_t *codes, dt_family_t family,
                                dt_call_t *call, dt_error_t *err)
{
    if (call->succeeded) {
        call->match = NULL;
        call->effective = true;
        call->origin = DT_ORIGIN_UNKNOWN;
        return DT_OK;
    }
    call->match =
        dt_codes_lookup(codes, family, &call->key, call->phrase.ptr, call->phrase.len, err);
    if (!call->match)
        return DT_ERR_NOMEM;
    call->origin = call->match->origin;
    call->effective = call->key.has_sip && call->key.sip <= DT_SIP_MAX &&
                      rules->ner_effective[call->key.sip];
    return DT_OK;
}
