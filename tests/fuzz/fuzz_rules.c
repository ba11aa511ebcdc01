/* fuzz_rules.c - libFuzzer harness for the rules parser and the code table.
 * The input is a user rules file loaded as layer 1 on top of the built-in
 * rules. Any error must come back as a status with a message, never a crash
 * or a leak. When it loads and finishes:
 *   - loaded again as layer 2, it replaces its own entries (the duplicate
 *     index): no error, and only entries with patterns but no phrase (which
 *     never replace another) are added again;
 *   - the code table is compiled (PCRE2 patterns included), keys are looked
 *     up with the input as the phrase (up to its whole length: the bounded
 *     matching), and the header aliases are applied to a fixed header;
 *   - `rules list` writes eight TSV columns without control characters.
 * Whatever it is, `rules check` finds no problem exactly when it loads and
 * finishes, and writes its problems escaped: valid UTF-8, no control, C1
 * or bidi character but the line breaks. */
#define _GNU_SOURCE /* open_memstream */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_codes.h"
#include "dt_rules.h"
#include "dt_rules_check.h"
#include "dt_schema.h"
#include "dt_utf8.h"
#include "fuzz_common.h"

/* Text as a terminal may get it: valid UTF-8, no C0 control but those in
 * `allowed`, no DEL, no C1, no bidi control. */
static void check_clean(const char *text, size_t len, const char *allowed)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = dt_utf8_decode(s + i, len - i, &cp);
        CHECK(n > 0);
        CHECK(cp >= 0x20 || strchr(allowed, (int)cp));
        CHECK(cp < 0x7f || cp > 0x9f);
        CHECK(!(cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
                (cp >= 0x2066 && cp <= 0x2069)));
        i += n;
    }
}

/* A stream into memory: *text (free it) and *len are set when it is closed. */
static FILE *memory_stream(char **text, size_t *len)
{
    *text = NULL;
    FILE *out = open_memstream(text, len);
    CHECK(out != NULL);
    return out;
}

static void check_listing(const dt_rules_t *rules)
{
    size_t len;
    char *text;
    FILE *out = memory_stream(&text, &len);
    dt_error_t err = {{0}};
    dt_status_t st = dt_rules_write_table(out, rules, &err);
    fclose(out);
    CHECK(st == DT_OK);
    /* Cells keep invalid UTF-8 as it is: only controls are checked. */
    size_t tabs = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        CHECK(c >= 0x20 || c == '\t' || c == '\n');
        CHECK(c != 0x7f);
        CHECK(!(c == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] >= 0x80 &&
                (unsigned char)text[i + 1] <= 0x9f));
        if (c == '\t')
            tabs++;
        if (c == '\n') {
            CHECK(tabs == 7);
            tabs = 0;
        }
    }
    free(text);
}

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
    for (size_t i = 0; i < 2 * sizeof keys / sizeof keys[0]; i++) {
        size_t phrase_len = i % 2 ? size : (size > 200 ? 200 : size);
        const dt_match_t *m =
            dt_codes_lookup(codes, DT_FAMILY_ANY, &keys[i / 2], phrase, phrase_len, &err);
        CHECK(m != NULL || err.msg[0] != '\0');
        if (!m)
            continue;
        CHECK(m->level < DT_MATCH_COUNT);
        CHECK(m->action == DT_NO_ACTION || m->action < rules->nactions);
        CHECK(m->entry == SIZE_MAX || m->entry < rules->ncodes);
        CHECK(m->origin < DT_ORIGIN_COUNT);
    }
    char note[DT_ERROR_MAX];
    if (dt_codes_limit_note(codes, note, sizeof note))
        CHECK(strstr(note, "gave up") != NULL);
    dt_codes_free(codes);

    static const dt_slice_t headers[] = {
        {"Final SIP code", 14}, {"Final Microsoft subcode", 23}, {"SBC FQDN", 8},
        {"PSTN Call End Reason", 20}, {"x", 1}};
    dt_schema_t schema;
    dt_status_t st = dt_schema_build(&schema, rules, NULL, "fuzz.csv", headers,
                                     sizeof headers / sizeof headers[0], &err);
    CHECK(st == DT_OK || err.msg[0] != '\0');
    check_listing(rules);
}

/* Loaded again as a later layer, the file replaces its own entries. */
static void reload(dt_rules_t *rules, const uint8_t *data, size_t size)
{
    size_t ncodes = rules->ncodes, nactions = rules->nactions, norigins = rules->norigins;
    size_t nsips = rules->nsips, always_added = 0;
    for (size_t i = 0; i < rules->ncodes; i++)
        always_added += rules->codes[i].layer == 1 && rules->codes[i].nphrases == 0 &&
                        rules->codes[i].npatterns > 0;
    dt_error_t err = {{0}};
    dt_status_t st = dt_rules_load_text(rules, "again.rules", 2, (const char *)data, size, &err);
    if (st == DT_ERR_NOMEM)
        return;
    CHECK(st == DT_OK);
    CHECK(rules->ncodes == ncodes + always_added);
    CHECK(rules->nactions == nactions && rules->norigins == norigins && rules->nsips == nsips);
    CHECK(dt_rules_finish(rules, &err) == DT_OK);
}

/* rules check over the same text: no problem exactly when it loads. */
static void check_text(const uint8_t *data, size_t size, bool loads)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    CHECK(dt_rules_load_embedded(&rules, &err) == DT_OK && dt_rules_finish(&rules, &err) == DT_OK);
    dt_rules_check_t check;
    dt_status_t st = dt_rules_check_text(&rules, "fuzz.rules", (const char *)data, size, &check,
                                         &err);
    if (st == DT_OK) {
        CHECK((check.nproblems == 0) == loads);
        size_t len;
        char *text;
        FILE *out = memory_stream(&text, &len);
        CHECK(dt_rules_check_write_problems(out, &check) == DT_OK);
        fclose(out);
        check_clean(text, len, "\n");
        free(text);
    } else {
        CHECK(err.msg[0] != '\0');
    }
    dt_rules_check_free(&check);
    dt_rules_free(&rules);
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
    if (st == DT_OK) {
        exercise(&rules, data, size);
        reload(&rules, data, size);
    } else {
        CHECK(err.msg[0] != '\0');
    }
    dt_rules_free(&rules);
    check_text(data, size, st == DT_OK);
    return 0;
}
