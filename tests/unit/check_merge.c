/* check_merge.c - aggregates counted in parts and merged: in input order the
 * merge is exactly the whole count, split anywhere; in any order it is the
 * same whatever the order and grouping of the parts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_merge.h"
#include "dt_report.h"
#include "dt_writer.h"
#include "agg_stream.h"
#include "test_util.h"

/* Every field of the aggregate takes part in a merge. When one of these
 * fails, a field was added: merge it (src/merge.c), write and read it in the
 * state (src/report/state.c, docs/state.md), compare it in st_same_aggregate
 * below, then update the size here. */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(dt_counts_t) == 112, "dt_counts_t changed: see above");
_Static_assert(sizeof(dt_totals_t) == 192, "dt_totals_t changed: see above");
_Static_assert(sizeof(dt_input_stats_t) == 216, "dt_input_stats_t changed: see above");
_Static_assert(sizeof(dt_rejection_t) == 272, "dt_rejection_t changed: see above");
_Static_assert(sizeof(dt_code_row_t) == 248, "dt_code_row_t changed: see above");
_Static_assert(sizeof(dt_keyed_row_t) == 144, "dt_keyed_row_t changed: see above");
_Static_assert(sizeof(dt_keyed_table_t) == 136, "dt_keyed_table_t changed: see above");
_Static_assert(sizeof(dt_tally_t) == 144, "dt_tally_t changed: see above");
_Static_assert(sizeof(dt_aggregate_options_t) == 96, "dt_aggregate_options_t changed: see above");
_Static_assert(sizeof(dt_sample_t) == 32, "dt_sample_t changed: see above");
_Static_assert(sizeof(dt_input_dates_t) == 24, "dt_input_dates_t changed: see above");
/* dt_aggregate_t.hourly (options.hourly) alone is neither merged nor in a
 * state: only drtriage ingest turns it on, and ingest writes no state. */
_Static_assert(sizeof(dt_aggregate_t) == 4176, "dt_aggregate_t changed: see above");
_Static_assert(sizeof(dt_row_metrics_t) == 80, "dt_row_metrics_t changed: see above");
_Static_assert(sizeof(dt_sketch_t) == 32, "dt_sketch_t changed: see above");
_Static_assert(sizeof(dt_timeline_t) == 48, "dt_timeline_t changed: see above");
_Static_assert(sizeof(dt_skipped_t) == 24, "dt_skipped_t changed: see above");
#endif

static void merge_ok(dt_aggregate_t *dst, const dt_aggregate_t *src, dt_merge_mode_t mode)
{
    dt_error_t err = {{0}};
    ck_assert_msg(dt_aggregate_merge(dst, src, mode, &err) == DT_OK, "merge: %s", err.msg);
}

/* ---- in input order ---- */

#define SMALL_CAP 3

/* Split in two at every event: the first part capped as the whole run, the
 * second uncapped, merged in input order: exactly the whole. */
START_TEST(test_split_everywhere)
{
    static stream_t s;
    st_make(&s, 3, 60, _i == 1, 42 + (uint64_t)_i);
    size_t cap = _i == 2 ? 0 : SMALL_CAP;
    dt_aggregate_t whole;
    st_agg_init(&whole, cap);
    bool same;
    st_replay(&whole, &s, 0, s.n, &same);
    ck_assert(whole.code_overflow > 0 || cap == 0);
    ck_assert(whole.tallies[1].values.overflow > 0 || _i != 1);
    ck_assert_uint_eq(whole.nnotes, DT_NOTES_MAX);
    ck_assert_uint_eq(whole.nrejections, DT_REJECTION_SAMPLES);
    ck_assert_uint_gt(whole.nskipped, 0);
    ck_assert_uint_gt(whole.group_times.nrows, 0);
    const dt_row_metrics_t *m = &whole.total_metrics; /* the measures are counted */
    ck_assert(m->to_failure.count > 0 && m->active.calls > 0 && whole.totals.counts.acd_calls > 0);
    uint64_t past_hour = 0; /* values the sketch keeps by the hour */
    for (size_t i = DT_SKETCH_MINUTES; i < DT_SKETCH_COARSE; i++)
        past_hour += m->to_failure.coarse[i];
    ck_assert_uint_gt(past_hour, 0);
    tu_assert_totals(&whole);
    char *want = st_json(&whole);
    for (size_t k = 0; k <= s.n; k++) {
        dt_aggregate_t head, tail;
        st_agg_init(&head, cap);
        st_agg_init(&tail, DT_AGGREGATE_UNCAPPED);
        st_replay(&head, &s, 0, k, &same);
        st_replay(&tail, &s, k, s.n, &same);
        merge_ok(&head, &tail, same ? DT_MERGE_SAME_INPUT : DT_MERGE_NEXT_INPUT);
        st_same_aggregate(&whole, &head);
        if (k % 37 == 0) {
            char *got = st_json(&head);
            st_same_report(got, want);
            free(got);
        }
        dt_aggregate_free(&head);
        dt_aggregate_free(&tail);
    }
    free(want);
    dt_aggregate_free(&whole);
}
END_TEST

/* Chunks of every size merged one after the other into an empty aggregate,
 * as the parallel engine does. */
START_TEST(test_chunks_in_order)
{
    static stream_t s;
    st_make(&s, 4, 40, true, 7);
    dt_aggregate_t whole;
    st_agg_init(&whole, SMALL_CAP);
    bool same;
    st_replay(&whole, &s, 0, s.n, &same);
    for (size_t size = 1; size < s.n; size += size < 16 ? 1 : 23) {
        dt_aggregate_t all;
        st_agg_init(&all, SMALL_CAP);
        for (size_t from = 0; from < s.n; from += size) {
            dt_aggregate_t chunk;
            st_agg_init(&chunk, DT_AGGREGATE_UNCAPPED);
            size_t to = from + size < s.n ? from + size : s.n;
            st_replay(&chunk, &s, from, to, &same);
            merge_ok(&all, &chunk, same ? DT_MERGE_SAME_INPUT : DT_MERGE_NEXT_INPUT);
            dt_aggregate_free(&chunk);
        }
        st_same_aggregate(&whole, &all);
        dt_aggregate_free(&all);
    }
    dt_aggregate_free(&whole);
}
END_TEST

/* A whole run's aggregate of the stream's tables without concurrency (which
 * -j reads on one thread), cap SMALL_CAP, ntallies tallies, input a.csv
 * begun. */
static void part_whole(dt_aggregate_t *agg, size_t ntallies)
{
    ck_assert_int_eq(dt_aggregate_init(agg, &tu_rules, SMALL_CAP), DT_OK);
    dt_aggregate_options_t options = st_options();
    options.concurrency = false;
    ck_assert_int_eq(dt_aggregate_configure(agg, &options), DT_OK);
    if (ntallies)
        ck_assert_int_eq(dt_aggregate_tallies(agg, ntallies), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(agg, "a.csv"), DT_OK);
}

/* A failed call on an SBC, with a time to failure, into part (its SBC into
 * the first tally, if any). */
static void part_call(dt_aggregate_t *part, const char *sbc, uint64_t to_failure)
{
    ev_t e = {.kind = EV_CALL, .code = 1, .weight = 1, .has_seconds = true,
              .seconds = to_failure};
    snprintf(e.sbc, sizeof e.sbc, "%s", sbc);
    st_call(part, &e);
}

/* Parts (dt_aggregate_part) of a chunked input: configured like the whole,
 * merged exactly while they hold their rows; one past its key cap, refused
 * pages, or the whole's pages spent is not exact. */
START_TEST(test_parts)
{
    dt_aggregate_t whole, part;
    part_whole(&whole, 2);
    ck_assert_int_eq(dt_aggregate_part(&part, &whole), DT_OK);
    ck_assert_uint_eq(part.ninputs, 1);
    ck_assert_str_eq(part.inputs[0].path, "a.csv");
    ck_assert_uint_eq(part.ntallies, 2);
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_aggregate_compatible(&whole, &part, &err), DT_OK);
    /* each time to failure in another minute: a page each */
    for (unsigned m = 0; m < 10; m++)
        part_call(&part, "sbc1", m * 60);
    size_t took = DT_PART_PAGES - part.pages.pages_left;
    ck_assert_uint_gt(took, 0);
    ck_assert(dt_aggregate_merge_exact(&whole, &part));
    whole.pages.pages_left = took;
    ck_assert(dt_aggregate_merge_exact(&whole, &part));
    whole.pages.pages_left = took - 1;
    ck_assert(!dt_aggregate_merge_exact(&whole, &part));
    whole.pages.pages_left = DT_SKETCH_PAGE_CAP;
    merge_ok(&whole, &part, DT_MERGE_SAME_INPUT);
    ck_assert_uint_eq(whole.ninputs, 1);
    ck_assert_uint_eq(whole.totals.counts.calls, 10);
    dt_aggregate_free(&part);

    /* a part refused a page */
    ck_assert_int_eq(dt_aggregate_part(&part, &whole), DT_OK);
    part.pages.pages_left = 0;
    part_call(&part, "sbc1", 30);
    ck_assert(!dt_aggregate_merge_exact(&whole, &part));
    dt_aggregate_free(&part);

    /* more values than a part's tally keeps */
    ck_assert_int_eq(dt_aggregate_part(&part, &whole), DT_OK);
    char sbc[16];
    for (unsigned i = 0; i <= DT_TALLY_VALUES_CAP; i++) {
        ck_assert(dt_aggregate_merge_exact(&whole, &part));
        snprintf(sbc, sizeof sbc, "s%u", i);
        part_call(&part, sbc, 5);
    }
    ck_assert(!dt_aggregate_merge_exact(&whole, &part));
    dt_aggregate_free(&part);
    dt_aggregate_free(&whole);

    /* more SBCs than a part keeps (times past an hour: no pages) */
    part_whole(&whole, 0);
    ck_assert_int_eq(dt_aggregate_part(&part, &whole), DT_OK);
    for (unsigned i = 0; i <= DT_PART_KEY_CAP; i++) {
        ck_assert(dt_aggregate_merge_exact(&whole, &part));
        snprintf(sbc, sizeof sbc, "s%u", i);
        part_call(&part, sbc, DT_SKETCH_EXACT);
    }
    ck_assert(!dt_aggregate_merge_exact(&whole, &part));
    dt_aggregate_free(&part);
    dt_aggregate_free(&whole);

    /* concurrency */
    st_agg_init(&whole, SMALL_CAP);
    ck_assert_int_eq(dt_aggregate_begin_input(&whole, "a.csv"), DT_OK);
    ck_assert_int_eq(dt_aggregate_part(&part, &whole), DT_OK);
    ck_assert(!dt_aggregate_merge_exact(&whole, &part));
    dt_aggregate_free(&part);
    dt_aggregate_free(&whole);
}
END_TEST

/* Every counter of the totals and of dt_counts_t is added: a counter added
 * without being merged fails here. */
START_TEST(test_every_counter)
{
    dt_aggregate_t a, b;
    st_agg_init(&a, 0);
    st_agg_init(&b, 0);
    memset(&b.totals, 0x5a, sizeof b.totals);
    merge_ok(&a, &b, DT_MERGE_NEXT_INPUT);
    ck_assert_int_eq(memcmp(&a.totals, &b.totals, sizeof a.totals), 0);
    merge_ok(&a, &b, DT_MERGE_ANY_ORDER);
    dt_totals_t twice;
    memset(&twice, 0xb4, sizeof twice); /* 0x5a5a... + 0x5a5a... */
    ck_assert_int_eq(memcmp(&a.totals, &twice, sizeof a.totals), 0);
    dt_counts_t x = {0}, y;
    memset(&y, 0x21, sizeof y);
    dt_counts_merge(&x, &y);
    ck_assert_int_eq(memcmp(&x, &y, sizeof x), 0);
    dt_aggregate_free(&a);
    dt_aggregate_free(&b);
}
END_TEST

/* A continued input takes the hash of the part that hashed its bytes; both
 * hashing is refused, and so is merging aggregates of different tables. */
START_TEST(test_refused)
{
    dt_aggregate_t a, b;
    dt_error_t err;
    st_agg_init(&a, 0);
    st_agg_init(&b, 0);
    ck_assert_int_eq(dt_aggregate_begin_input(&a, "x.csv"), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&b, "x.csv"), DT_OK);
    dt_aggregate_input_bytes(&b, "abc", 3);
    merge_ok(&a, &b, DT_MERGE_SAME_INPUT);
    ck_assert_uint_eq(a.ninputs, 1);
    ck_assert_uint_eq(a.inputs[0].content.total, 3);
    ck_assert_int_eq(dt_aggregate_merge(&a, &b, DT_MERGE_SAME_INPUT, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "cannot be continued");
    merge_ok(&a, &b, DT_MERGE_NEXT_INPUT);
    ck_assert_uint_eq(a.ninputs, 2);
    dt_aggregate_free(&b);

    static const char *const says[] = {"--by hour and --by day", "--samples (2 and 3)",
                                       "--group-by", "--dedupe", "the Health Dashboard measures",
                                       "--concurrency"};
    static const char *const other_column = "G";
    for (size_t i = 0; i < sizeof says / sizeof says[0]; i++) {
        dt_aggregate_options_t o = st_options(); /* a's, but for one thing */
        o.bucket = i == 0 ? DT_BUCKET_DAY : o.bucket;
        o.samples = i == 1 ? 3 : o.samples;
        o.group_columns[0] = i == 2 ? other_column : o.group_columns[0];
        o.dedupe = i == 3;
        o.metrics = i != 4;
        o.concurrency = i != 5;
        ck_assert_int_eq(dt_aggregate_init(&b, &tu_rules, 0), DT_OK);
        ck_assert_int_eq(dt_aggregate_configure(&b, &o), DT_OK);
        ck_assert_int_eq(dt_aggregate_tallies(&b, 2), DT_OK);
        ck_assert_int_eq(dt_aggregate_merge(&a, &b, DT_MERGE_ANY_ORDER, &err), DT_ERR_USAGE);
        ck_assert_contains(err.msg, says[i]);
        dt_aggregate_free(&b);
    }
    st_agg_init(&b, 0);
    dt_aggregate_t c;
    ck_assert_int_eq(dt_aggregate_init(&c, &tu_rules, 0), DT_OK);
    dt_aggregate_options_t o = st_options();
    ck_assert_int_eq(dt_aggregate_configure(&c, &o), DT_OK);
    ck_assert_int_eq(dt_aggregate_merge(&b, &c, DT_MERGE_ANY_ORDER, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "different filters");
    dt_aggregate_free(&c);
    dt_rules_t other;
    tu_rules_embedded(&other);
    ck_assert_int_eq(dt_aggregate_init(&c, &other, 0), DT_OK);
    ck_assert_int_eq(dt_aggregate_merge(&b, &c, DT_MERGE_ANY_ORDER, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "different rules");
    dt_aggregate_free(&c);
    dt_rules_free(&other);
    dt_aggregate_free(&b);
    dt_aggregate_free(&a);
}
END_TEST

/* ---- in any order ---- */

#define NPARTS 4

/* The parts of a stream cut at its inputs, each counted as a run of its own. */
static void count_parts(const stream_t *s, size_t cap, dt_aggregate_t parts[NPARTS])
{
    size_t at[NPARTS + 1], n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->ev[i].kind == EV_INPUT)
            at[n++] = i;
    ck_assert_uint_eq(n, NPARTS);
    at[n] = s->n;
    for (size_t p = 0; p < NPARTS; p++) {
        bool same;
        st_agg_init(&parts[p], cap);
        st_replay(&parts[p], s, at[p], at[p + 1], &same);
    }
}

/* Merges the parts in the order perm gives, grouped as a left fold, a right
 * fold or pairs, into a fresh aggregate, folds it, and returns its report. */
static char *merged_report(dt_aggregate_t parts[NPARTS], const size_t perm[NPARTS], int shape,
                           size_t cap)
{
    dt_aggregate_t all, pair[2];
    st_agg_init(&all, cap);
    if (shape == 0) {
        for (size_t p = 0; p < NPARTS; p++)
            merge_ok(&all, &parts[perm[p]], DT_MERGE_ANY_ORDER);
    } else if (shape == 1) {
        dt_aggregate_t acc;
        st_agg_init(&acc, cap);
        merge_ok(&acc, &parts[perm[NPARTS - 1]], DT_MERGE_ANY_ORDER);
        for (size_t p = NPARTS - 1; p-- > 0;) {
            dt_aggregate_t next;
            st_agg_init(&next, cap);
            merge_ok(&next, &parts[perm[p]], DT_MERGE_ANY_ORDER);
            merge_ok(&next, &acc, DT_MERGE_ANY_ORDER);
            dt_aggregate_free(&acc);
            acc = next;
        }
        merge_ok(&all, &acc, DT_MERGE_ANY_ORDER);
        dt_aggregate_free(&acc);
    } else {
        for (size_t h = 0; h < 2; h++) {
            st_agg_init(&pair[h], cap);
            merge_ok(&pair[h], &parts[perm[2 * h]], DT_MERGE_ANY_ORDER);
            merge_ok(&pair[h], &parts[perm[2 * h + 1]], DT_MERGE_ANY_ORDER);
        }
        merge_ok(&all, &pair[1], DT_MERGE_ANY_ORDER);
        merge_ok(&all, &pair[0], DT_MERGE_ANY_ORDER);
        dt_aggregate_free(&pair[0]);
        dt_aggregate_free(&pair[1]);
    }
    dt_error_t err;
    ck_assert_int_eq(dt_aggregate_fold(&all, &err), DT_OK);
    tu_assert_totals(&all);
    char *json = st_json(&all);
    dt_aggregate_free(&all);
    return json;
}

/* Every order and grouping of the parts gives the same report; within the
 * caps, the whole run's. */
START_TEST(test_any_order)
{
    static stream_t s;
    st_make(&s, NPARTS, 50, _i == 1, 99 + (uint64_t)_i);
    size_t cap = _i == 2 ? SMALL_CAP : 0;
    dt_aggregate_t parts[NPARTS];
    count_parts(&s, cap, parts);
    dt_aggregate_t whole;
    st_agg_init(&whole, cap);
    bool same;
    st_replay(&whole, &s, 0, s.n, &same);
    char *want = st_json(&whole);
    static const size_t perms[][NPARTS] = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2},
                                           {2, 0, 3, 1}, {0, 2, 1, 3}, {3, 0, 1, 2}};
    char *first = NULL;
    for (size_t p = 0; p < sizeof perms / sizeof perms[0]; p++)
        for (int shape = 0; shape < 3; shape++) {
            char *got = merged_report(parts, perms[p], shape, cap);
            if (!first)
                first = got;
            else {
                st_same_report(got, first);
                free(got);
            }
        }
    if (cap == 0) /* nothing overflowed: the whole run's report */
        st_same_report(first, want);
    free(first);
    free(want);
    for (size_t p = 0; p < NPARTS; p++)
        dt_aggregate_free(&parts[p]);
    dt_aggregate_free(&whole);
}
END_TEST

/* One part merged into an empty aggregate is that part, in its order. */
START_TEST(test_any_order_neutral)
{
    static stream_t s;
    st_make(&s, 3, 40, false, 5);
    dt_aggregate_t whole, copy, empty;
    st_agg_init(&whole, SMALL_CAP);
    bool same;
    st_replay(&whole, &s, 0, s.n, &same);
    st_agg_init(&copy, SMALL_CAP);
    merge_ok(&copy, &whole, DT_MERGE_ANY_ORDER);
    st_agg_init(&empty, SMALL_CAP);
    merge_ok(&copy, &empty, DT_MERGE_ANY_ORDER);
    st_same_aggregate(&whole, &copy);
    dt_error_t err;
    ck_assert_int_eq(dt_aggregate_fold(&copy, &err), DT_OK); /* within the caps already */
    st_same_aggregate(&whole, &copy);
    dt_aggregate_free(&whole);
    dt_aggregate_free(&copy);
    dt_aggregate_free(&empty);
}
END_TEST

/* Over a cap, the keys with most calls stay, ties by key; the rest (and
 * their failed calls by action, and their samples) go to "other". */
START_TEST(test_fold)
{
    dt_aggregate_t a, b;
    ck_assert_int_eq(dt_aggregate_init(&a, &tu_rules, 2), DT_OK);
    ck_assert_int_eq(dt_aggregate_init(&b, &tu_rules, 2), DT_OK);
    dt_aggregate_options_t o = {.samples = 1};
    ck_assert_int_eq(dt_aggregate_configure(&a, &o), DT_OK);
    ck_assert_int_eq(dt_aggregate_configure(&b, &o), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&a, "a.csv"), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&b, "b.csv"), DT_OK);
    ev_t e = {.kind = EV_CALL, .weight = 1, .has_time = true};
    const struct {
        dt_aggregate_t *agg;
        int code;
        const char *sbc;
        unsigned n;
    } calls[] = {{&a, 0, "s1", 1}, {&a, 1, "s2", 2}, {&b, 3, "s3", 3}, {&b, 0, "s2", 1},
                 {&b, 5, "s4", 1}};
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        for (unsigned k = 0; k < calls[i].n; k++) {
            e.code = calls[i].code;
            snprintf(e.sbc, sizeof e.sbc, "%s", calls[i].sbc);
            snprintf(e.corr, sizeof e.corr, "c%zu-%u", i, k);
            e.time = (int64_t)(100 - i);
            st_call(calls[i].agg, &e);
        }
    merge_ok(&a, &b, DT_MERGE_ANY_ORDER);
    ck_assert_uint_eq(a.sbcs.nrows, 4); /* over the cap of 2 */
    ck_assert_uint_eq(a.ncodes, 4);
    dt_error_t err;
    ck_assert_int_eq(dt_aggregate_fold(&a, &err), DT_OK);
    ck_assert_uint_eq(a.sbcs.nrows, 3);
    ck_assert_str_eq(a.sbcs.rows[0].name, "s2"); /* 3 calls, then s3 with 3: by name */
    ck_assert_str_eq(a.sbcs.rows[1].name, "s3");
    ck_assert(a.sbcs.rows[2].other);
    ck_assert_uint_eq(a.sbcs.rows[2].counts.calls, 2);
    ck_assert_uint_eq(a.sbcs.overflow, 2);
    ck_assert_uint_eq(a.ncodes, 3);
    ck_assert(a.codes[2].other);
    /* 560486 (2 failed calls) ties with 560403 and comes after it; 599999 has 1 */
    ck_assert_uint_eq(a.codes[0].key.ms, 560403);
    ck_assert_uint_eq(a.codes[1].key.ms, 560480);
    ck_assert_uint_eq(a.codes[2].failed, 3);
    ck_assert_uint_eq(a.code_overflow, 3);
    uint64_t shares = 0;
    for (size_t s = 0; s <= tu_rules.nactions; s++)
        shares += st_other_by(&a, s);
    ck_assert_uint_eq(shares, 3);
    ck_assert_uint_eq(a.codes[2].nsamples, 1);
    ck_assert(a.sbcs.index.count == 2 && a.code_index.count == 2);
    tu_assert_totals(&a);
    dt_aggregate_free(&a);
    dt_aggregate_free(&b);
}
END_TEST

Suite *dt_suite_merge(void)
{
    Suite *s = suite_create("merge");
    TCase *t = tcase_create("merge");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, tu_embedded_setup, tu_embedded_teardown);
    tcase_add_loop_test(t, test_split_everywhere, 0, 3);
    tcase_add_test(t, test_chunks_in_order);
    tcase_add_test(t, test_parts);
    tcase_add_test(t, test_every_counter);
    tcase_add_test(t, test_refused);
    tcase_add_loop_test(t, test_any_order, 0, 3);
    tcase_add_test(t, test_any_order_neutral);
    tcase_add_test(t, test_fold);
    suite_add_tcase(s, t);
    return s;
}
