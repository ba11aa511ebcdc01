/* fuzz_filter.c - libFuzzer harness for the filter language (--rows and the
 * report filters): the input (up to 511 bytes, cut at a NUL) is parsed with
 * dt_filter_parse; a filter that parses is described into a roomy and a
 * tiny buffer and judged against a fixed set of classified calls, with and
 * without a start time. The input is also tried as a glob against the SBC
 * names of those calls, and as a --where expression judged on cells taken
 * from the input itself. */
#include <string.h>

#include "dt_classify.h"
#include "dt_filter.h"
#include "fuzz_common.h"

typedef struct {
    const char *cells[DT_FIELD_COUNT];
} row_t;

static const row_t rows[] = {
    {{[DT_FIELD_SIP] = "403", [DT_FIELD_MS] = "560403", [DT_FIELD_SBC] = "sbc1.contoso.com",
      [DT_FIELD_CALL_TYPE] = "dr_out", [DT_FIELD_CORRELATION] = "c1",
      [DT_FIELD_PHRASE] = "Forbidden"}},
    {{[DT_FIELD_SIP] = "0", [DT_FIELD_MS] = "540000", [DT_FIELD_SBC] = "SBC2.contoso.com",
      [DT_FIELD_CALL_TYPE] = "ByotIn", [DT_FIELD_DIRECTION] = "Inbound"}},
    {{[DT_FIELD_SIP] = "504", [DT_FIELD_MS] = "569002", [DT_FIELD_SBC] = "",
      [DT_FIELD_PHRASE] = "Unable to deliver INVITE: No such host is known"}},
    {{[DT_FIELD_SIP] = "487", [DT_FIELD_SUCCESS] = "No"}},
};

static dt_rules_t rules;
static dt_codes_t *codes;
static dt_slice_t cells[sizeof rows / sizeof rows[0]][DT_FIELD_COUNT];
static dt_record_t records[sizeof rows / sizeof rows[0]];
static dt_call_t calls[sizeof rows / sizeof rows[0]];
static size_t ncalls;

static void setup(void)
{
    fuzz_builtin_rules(&rules, &codes, 64);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        for (size_t f = 0; f < DT_FIELD_COUNT; f++)
            if (rows[i].cells[f])
                cells[i][f] = (dt_slice_t){rows[i].cells[f], strlen(rows[i].cells[f])};
        records[i] = (dt_record_t){.line = i + 2, .index = i + 1, .nfields = 3,
                                   .cells = cells[i], .ncells = DT_FIELD_COUNT};
        char reason[DT_REASON_MAX];
        CHECK(dt_classify_record(&rules, codes, DT_FAMILY_ANY, &records[i], 3, ',', &calls[i],
                                 reason, NULL) == DT_CLASSIFY_CALL);
    }
    ncalls = sizeof rows / sizeof rows[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ncalls)
        setup();
    char expr[512];
    fuzz_text(data, size, expr, sizeof expr);

    for (size_t i = 0; i < ncalls; i++)
        (void)dt_glob_match(expr, calls[i].sbc.ptr, calls[i].sbc.len);

    dt_filter_t where = {0};
    dt_error_t err = {{0}};
    if (dt_filter_add(&where, "where", expr, &err) == DT_OK) {
        CHECK(where.n == 1 && where.nwhere == 1 && where.conds[0].column[0]);
        size_t half = strlen(expr) / 2;
        dt_slice_t where_cells[][1] = {{{expr, half}}, {{expr + half, strlen(expr) - half}}, {{"", 0}}};
        for (size_t i = 0; i < sizeof where_cells / sizeof where_cells[0]; i++) {
            dt_filter_subject_t s = {.record = &records[0], .call = &calls[0], .where = where_cells[i]};
            dt_filter_result_t r = dt_filter_match(&where, &rules, &s, NULL);
            CHECK(r == DT_FILTER_PASS || r == DT_FILTER_EXCLUDE);
        }
    } else {
        CHECK(err.msg[0] != '\0');
    }

    dt_filter_t filter = {0};
    if (dt_filter_parse(&filter, expr, &err) != DT_OK) {
        CHECK(err.msg[0] != '\0');
        CHECK(filter.n <= DT_FILTER_MAX);
        return 0;
    }
    CHECK(filter.n >= 1 && filter.n <= DT_FILTER_MAX);
    char text[1024], tiny[4];
    dt_filter_describe(&filter, text, sizeof text);
    dt_filter_describe(&filter, tiny, sizeof tiny);
    CHECK(memchr(text, '\0', sizeof text) && memchr(tiny, '\0', sizeof tiny));
    for (size_t i = 0; i < ncalls; i++) {
        dt_filter_subject_t dated_call = {.record = &records[i], .call = &calls[i],
                                          .has_time = true, .time = 1793000000};
        dt_filter_subject_t undated_call = {.record = &records[i], .call = &calls[i]};
        bool held[DT_FILTER_MAX];
        dt_filter_result_t dated = dt_filter_match(&filter, &rules, &dated_call, NULL);
        dt_filter_result_t undated = dt_filter_match(&filter, &rules, &undated_call, NULL);
        CHECK(dt_filter_match(&filter, &rules, &dated_call, held) == dated);
        CHECK(dt_filter_match(&filter, &rules, &undated_call, held) == undated);
        bool all = true;
        for (size_t c = 0; c < filter.n; c++) {
            char buf[DT_FILTER_VALUE_MAX];
            dt_slice_t v = dt_filter_value(&filter.conds[c], &rules, &undated_call, buf);
            CHECK(v.len == 0 || v.ptr != NULL);
            all = all && held[c];
        }
        CHECK(all == (undated == DT_FILTER_PASS));
        CHECK(dated == DT_FILTER_PASS || dated == DT_FILTER_EXCLUDE);
        CHECK(undated <= DT_FILTER_UNDATED);
        CHECK(dt_filter_uses_time(&filter) || undated == dated);
    }
    return 0;
}
