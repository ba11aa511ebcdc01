/* fuzz_rules.c - libFuzzer harness for the rules parser and the code table.
 * The input is a user rules file loaded as layer 1 on top of the built-in
 * rules; when it loads and finishes, the code table is compiled (PCRE2
 * patterns included), a few keys are looked up, and the header aliases are
 * applied to a fixed header. Any error must come back as a status with a
 * message, never a crash or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_codes.h"
#include "dt_rules.h"
#include "fuzz_common.h"
#include "dt_schema.h"


static void exercise(const dt_rules_t *rules, const uint8_t *data, size_t size)
{
    dt_error_t err = {{0}};
    dt_codes_t *codes = dt_codes_new(rules, 64, &err);
    if (!codes) {
        CHECK(err.msg[0] != '\0');
        return;
    }
    static const dt_code_key_t keys[] = {
        {.has_sip = true, .has_ms = true, .sip = 403, .ms = 560403},
        {.has_sip = true, .has_ms = true, .sip = 504, .ms = 569002},
        {.has_sip = true, .has_ms = false, .sip = 487},
        {.has_sip = false, .has_ms = true, .ms = 999999},
        {.has_sip = true, .has_ms = true, .sip = 4000000000u, .ms = 1000000000000000000ULL},
    };
    const char *phrase = size ? (const char *)data : "";
    size_t phrase_len = size > 200 ? 200 : size;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const dt_match_t *m = dt_codes_lookup(codes, &keys[i], phrase, phrase_len, &err);
        CHECK(m != NULL || err.msg[0] != '\0');
        if (!m)
            continue;
        CHECK(m->level < DT_MATCH_COUNT);
        CHECK(m->action == DT_NO_ACTION || m->action < rules->nactions);
        CHECK(m->entry == SIZE_MAX || m->entry < rules->ncodes);
        CHECK(m->origin < DT_ORIGIN_COUNT);
    }
    dt_codes_free(codes);

    static const dt_slice_t headers[] = {
        {"Final SIP code", 14}, {"Final Microsoft subcode", 23}, {"SBC FQDN", 8},
        {"PSTN Call End Reason", 20}, {"x", 1}};
    dt_schema_t schema;
    dt_status_t st = dt_schema_build(&schema, rules, NULL, "fuzz.csv", headers,
                                     sizeof headers / sizeof headers[0], &err);
    CHECK(st == DT_OK || err.msg[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    if (dt_rules_load_embedded(&rules, &err) != DT_OK) {
        fprintf(stderr, "fuzz_rules: built-in rules: %s\n", err.msg);
        abort();
    }
    dt_status_t st = dt_rules_load_text(&rules, "fuzz.rules", 1, (const char *)data, size, &err);
    if (st == DT_OK)
        st = dt_rules_finish(&rules, &err);
    if (st == DT_OK)
        exercise(&rules, data, size);
    else
        CHECK(err.msg[0] != '\0');
    dt_rules_free(&rules);
    return 0;
}
