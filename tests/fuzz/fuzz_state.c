/* fuzz_state.c - libFuzzer harness for the state reader (dt_state_decode).
 * The first byte is flags, the rest a state: with bit 0 set the harness
 * writes the right checksum over it first, so that the fuzzer reaches the
 * body's parsing, not only the checksum. Whatever the bytes, decoding must
 * fail with DT_ERR_INPUT and a message naming the state, or succeed; a state
 * that decodes must write back to bytes that decode to the same bytes, be
 * merged with itself in any order, folded to its caps and built into a
 * report that every count of adds up, and be rendered as JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_hash.h"
#include "dt_merge.h"
#include "dt_report.h"
#include "dt_state.h"
#include "dt_writer.h"
#include "fuzz_common.h"

static dt_rules_t rules;
static dt_codes_t *codes;
static bool ready;

/* Decodes bytes, checking what a failure says; true when they decoded. */
static bool decode(const unsigned char *data, size_t len, dt_aggregate_t *agg,
                   dt_state_meta_t *meta)
{
    dt_error_t err = {{0}};
    dt_status_t st = dt_state_decode("fuzz.state", data, len, &rules, agg, meta, &err);
    if (st != DT_OK) {
        CHECK(st == DT_ERR_INPUT || st == DT_ERR_NOMEM);
        CHECK(strncmp(err.msg, "fuzz.state: ", 12) == 0);
        dt_aggregate_free(agg);
        return false;
    }
    return true;
}

/* The sums a report relies on. */
static void check_report(const dt_report_t *r)
{
    const dt_totals_t *t = &r->totals;
    uint64_t by_action = 0, by_code = 0, by_sbc = 0;
    CHECK(t->rows == t->call_rows + t->rejected + t->excluded + t->duplicates);
    CHECK(t->counts.calls == t->counts.succeeded + t->counts.failed);
    for (size_t i = 0; i < r->nactions; i++)
        by_action += r->actions[i].failed;
    for (size_t i = 0; i < r->ncodes; i++)
        by_code += r->codes[i]->failed;
    for (size_t i = 0; i < r->nsbcs; i++)
        by_sbc += r->sbcs[i]->counts.calls;
    CHECK(by_action == t->counts.failed && by_code == t->counts.failed &&
          by_sbc == t->counts.calls);
}

static void render(dt_aggregate_t *agg, const dt_state_meta_t *meta)
{
    dt_error_t err = {{0}};
    CHECK(dt_aggregate_fold(agg, &err) == DT_OK);
    dt_report_t report;
    dt_report_options_t ro = {.filter = &meta->filter, .auto_bucket = meta->auto_series};
    CHECK(dt_report_build(&report, agg, &ro) == DT_OK);
    check_report(&report);
    FILE *out = fopen("/dev/null", "w");
    CHECK(out != NULL);
    dt_write_options_t wo = {0};
    CHECK(dt_write_json(out, &report, &wo, &err) == DT_OK);
    fclose(out);
    dt_report_free(&report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) {
        fuzz_builtin_rules(&rules, &codes, 0);
        ready = true;
    }
    if (size < 1)
        return 0;
    size_t len = size - 1;
    unsigned char *state = malloc(len ? len : 1);
    CHECK(state != NULL);
    memcpy(state, data + 1, len);
    if ((data[0] & 1) && len >= 8) {
        uint64_t sum = dt_hash64(state, len - 8, 0);
        for (int k = 0; k < 8; k++)
            state[len - 8 + (size_t)k] = (unsigned char)(sum >> (8 * k));
    }
    dt_aggregate_t agg, again, both;
    dt_state_meta_t *meta = calloc(3, sizeof *meta);
    CHECK(meta != NULL);
    if (decode(state, len, &agg, &meta[0])) {
        dt_error_t err = {{0}};
        unsigned char *bytes, *bytes2;
        size_t n, n2;
        CHECK(dt_state_encode(&agg, &meta[0], &bytes, &n, &err) == DT_OK);
        CHECK(decode(bytes, n, &again, &meta[1]));
        CHECK(dt_state_encode(&again, &meta[1], &bytes2, &n2, &err) == DT_OK);
        CHECK(n == n2 && memcmp(bytes, bytes2, n) == 0);
        CHECK(decode(bytes, n, &both, &meta[2]));
        CHECK(dt_aggregate_merge(&both, &again, DT_MERGE_ANY_ORDER, &err) == DT_OK);
        render(&both, &meta[2]);
        render(&agg, &meta[0]);
        free(bytes);
        free(bytes2);
        dt_aggregate_free(&again);
        dt_aggregate_free(&both);
        dt_aggregate_free(&agg);
    }
    free(meta);
    free(state);
    return 0;
}
