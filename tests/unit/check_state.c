/* check_state.c - an aggregate written as a state and read back is the same
 * aggregate, field by field; what is not a state, or not this version's, or
 * not whole, or made with other rules, is refused with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_stream.h"
#include "check_suites.h"
#include "dt_hash.h"
#include "dt_merge.h"
#include "dt_state.h"
#include "test_util.h"

/* The meta a stream's aggregate is written with: two filter conditions, one
 * per tally. */
static dt_state_meta_t *stream_meta(void)
{
    dt_state_meta_t *meta = calloc(1, sizeof *meta);
    dt_error_t err;
    ck_assert_ptr_nonnull(meta);
    snprintf(meta->made_by, sizeof meta->made_by, "test");
    meta->auto_series = true;
    ck_assert_int_eq(dt_filter_add(&meta->filter, "sbc", "sbc*", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&meta->filter, "where", "Country = DE", &err), DT_OK);
    return meta;
}

static void encode(const dt_aggregate_t *agg, unsigned char **data, size_t *len)
{
    dt_state_meta_t *meta = stream_meta();
    dt_error_t err;
    ck_assert_int_eq(dt_state_encode(agg, meta, data, len, &err), DT_OK);
    free(meta);
}

/* Decodes, asserting the outcome; on failure err holds the message. */
static dt_status_t decode(const unsigned char *data, size_t len, dt_aggregate_t *agg,
                          dt_state_meta_t *meta, dt_error_t *err)
{
    dt_status_t st = dt_state_decode("s.state", data, len, &tu_rules, agg, meta, err);
    if (st)
        dt_aggregate_free(agg);
    return st;
}

/* Reads back what was written: the same aggregate, the same report. */
static void round_trip(const dt_aggregate_t *agg)
{
    unsigned char *data;
    size_t len;
    encode(agg, &data, &len);
    dt_aggregate_t back;
    dt_state_meta_t *meta = calloc(1, sizeof *meta);
    dt_error_t err = {{0}};
    ck_assert_msg(decode(data, len, &back, meta, &err) == DT_OK, "%s", err.msg);
    st_same_aggregate(agg, &back);
    ck_assert_uint_eq(meta->version, DT_STATE_VERSION);
    ck_assert_str_eq(meta->made_by, "test");
    ck_assert_uint_eq(meta->rules_digest, tu_rules.digest);
    ck_assert(meta->auto_series);
    ck_assert_uint_eq(meta->filter.n, 2);
    ck_assert_str_eq(meta->filter.conds[1].column, "Country");
    char *a = st_json(agg), *b = st_json(&back);
    st_same_report(a, b);
    /* written again, the same bytes */
    unsigned char *again;
    size_t again_len;
    encode(&back, &again, &again_len);
    ck_assert_uint_eq(again_len, len);
    ck_assert_int_eq(memcmp(again, data, len), 0);
    free(again);
    free(a);
    free(b);
    free(meta);
    free(data);
    dt_aggregate_free(&back);
}

START_TEST(test_round_trip)
{
    static stream_t s;
    st_make(&s, 3, 80, _i == 1, 11 + (uint64_t)_i);
    dt_aggregate_t agg;
    st_agg_init(&agg, _i == 2 ? DT_AGGREGATE_UNCAPPED : 3);
    bool same;
    st_replay(&agg, &s, 0, s.n, &same);
    dt_aggregate_input_bytes(&agg, "some bytes of the input", 23);
    round_trip(&agg);
    dt_aggregate_free(&agg);
}
END_TEST

/* An any-order merge over the caps, written and read back, keeps every key. */
START_TEST(test_round_trip_merged)
{
    static stream_t s;
    st_make(&s, 2, 60, false, 3);
    dt_aggregate_t a, b;
    st_agg_init(&a, 3);
    st_agg_init(&b, 3);
    bool same;
    size_t half = 0;
    while (s.ev[++half].kind != EV_INPUT)
        ;
    st_replay(&a, &s, 0, half, &same);
    st_replay(&b, &s, half, s.n, &same);
    dt_error_t err;
    ck_assert_int_eq(dt_aggregate_merge(&a, &b, DT_MERGE_ANY_ORDER, &err), DT_OK);
    ck_assert_uint_gt(a.sbcs.nrows, 4); /* over the cap of 3 */
    round_trip(&a);
    dt_aggregate_free(&a);
    dt_aggregate_free(&b);
}
END_TEST

/* A valid state of the stream, malloc'd. */
static unsigned char *stream_state(size_t *len)
{
    dt_aggregate_t agg;
    st_agg_whole(&agg, 2, 40, 8);
    unsigned char *data;
    encode(&agg, &data, len);
    dt_aggregate_free(&agg);
    return data;
}

/* Sets the checksum of a state changed in place, so that its body is read. */
static void reseal(unsigned char *data, size_t len)
{
    uint64_t sum = dt_hash64(data, len - 8, 0);
    for (int k = 0; k < 8; k++)
        data[len - 8 + (size_t)k] = (unsigned char)(sum >> (8 * k));
}

static void refused(const unsigned char *data, size_t len, const char *says)
{
    dt_aggregate_t agg;
    dt_state_meta_t *meta = calloc(1, sizeof *meta);
    dt_error_t err = {{0}};
    ck_assert_int_eq(decode(data, len, &agg, meta, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "s.state: ");
    ck_assert_contains(err.msg, says);
    free(meta);
}

START_TEST(test_refused)
{
    size_t len;
    unsigned char *data = stream_state(&len);
    refused((const unsigned char *)"", 0, "not a drtriage state");
    const char *csv = "Start time,SBC FQDN\n2024-01-01,sbc1\n";
    refused((const unsigned char *)csv, strlen(csv), "not a drtriage state");
    /* cut anywhere: the checksum no longer matches, or nothing is left of it */
    for (size_t n = DT_STATE_MAGIC_LEN; n < len; n++)
        refused(data, n, n < DT_STATE_MAGIC_LEN + 9 ? "state" : "truncated or corrupt");
    /* any byte changed after the signature */
    for (size_t i = DT_STATE_MAGIC_LEN + 1; i < len; i += 7) {
        unsigned char *copy = malloc(len);
        memcpy(copy, data, len);
        copy[i] ^= 0x40;
        refused(copy, len, "its checksum does not match");
        free(copy);
    }
    /* another version */
    unsigned char *copy = malloc(len);
    memcpy(copy, data, len);
    copy[DT_STATE_MAGIC_LEN] = DT_STATE_VERSION + 1;
    reseal(copy, len);
    refused(copy, len, "a state of version 2; this drtriage reads version 1 (it was made by a newer");
    copy[DT_STATE_MAGIC_LEN] = 0;
    reseal(copy, len);
    refused(copy, len, "version 0");
    free(copy);
    /* other rules */
    dt_rules_t other;
    tu_rules_on_base(&other, "more.rules", "[action x]\ntitle = X\nowner = sbc\ntext = x\n");
    dt_error_t err;
    ck_assert_int_eq(dt_rules_finish(&other, &err), DT_OK);
    dt_aggregate_t agg;
    dt_state_meta_t *meta = calloc(1, sizeof *meta);
    ck_assert_int_eq(dt_state_decode("s.state", data, len, &other, &agg, meta, &err),
                     DT_ERR_INPUT);
    ck_assert_contains(err.msg, "made with other rules");
    dt_aggregate_free(&agg);
    dt_rules_free(&other);
    free(meta);
    free(data);
}
END_TEST

/* A state whose checksum matches but whose counts cannot be (written by a
 * broken writer, or by hand) is refused too. */
START_TEST(test_inconsistent)
{
    dt_aggregate_t agg;
    st_agg_whole(&agg, 1, 30, 4);
    unsigned char *data;
    size_t len;
    agg.totals.rows++;
    encode(&agg, &data, &len);
    refused(data, len, "rows that do not add up");
    free(data);
    agg.totals.rows--;
    agg.failed_by_action[0]++;
    encode(&agg, &data, &len);
    refused(data, len, "tables that do not add up");
    free(data);
    agg.failed_by_action[0]--;
    agg.sbcs.rows[0].counts.succeeded++;
    encode(&agg, &data, &len);
    refused(data, len, "the SBC table: counts that do not add up");
    free(data);
    agg.sbcs.rows[0].counts.succeeded--;
    encode(&agg, &data, &len);
    data[len - 9] = 7; /* note_lost: not a boolean */
    reseal(data, len);
    refused(data, len, "out of range");
    free(data);
    dt_aggregate_free(&agg);
}
END_TEST

Suite *dt_suite_state(void)
{
    Suite *s = suite_create("state");
    TCase *t = tcase_create("state");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, tu_embedded_setup, tu_embedded_teardown);
    tcase_add_loop_test(t, test_round_trip, 0, 3);
    tcase_add_test(t, test_round_trip_merged);
    tcase_add_test(t, test_refused);
    tcase_add_test(t, test_inconsistent);
    suite_add_tcase(s, t);
    return s;
}
