/* check_sketch.c - the seconds histogram: exact percentiles below an hour,
 * hourly buckets above, weights, paged memory and merging. */
#include <stdlib.h>

#include "check_suites.h"
#include "dt_sketch.h"

/* A deterministic stream of values (a 64-bit LCG). */
static uint64_t next(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return *state >> 33;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values, computed the textbook way. */
static uint64_t nearest_rank(const uint64_t *sorted, size_t n, unsigned percent)
{
    size_t rank = (n * percent + 99) / 100;
    return sorted[(rank ? rank : 1) - 1];
}

START_TEST(exact_below_an_hour)
{
    enum { N = 5000 };
    uint64_t *values = malloc(N * sizeof *values), state = 42;
    dt_sketch_t s = {0};
    for (size_t i = 0; i < N; i++) {
        /* most failures are quick, some wait for a timer: a skewed spread */
        uint64_t v = i % 7 == 0 ? next(&state) % DT_SKETCH_EXACT : next(&state) % 40;
        values[i] = v;
        ck_assert_int_eq(dt_sketch_add(&s, v, 1), DT_OK);
    }
    qsort(values, N, sizeof *values, compare_u64);
    ck_assert_uint_eq(s.count, N);
    for (unsigned p = 1; p <= 100; p++) {
        bool exact = false;
        ck_assert_uint_eq(dt_sketch_percentile(&s, p, &exact), nearest_rank(values, N, p));
        ck_assert(exact);
    }
    free(values);
    dt_sketch_free(&s);
    ck_assert_uint_eq(s.count, 0);
    ck_assert_ptr_null(s.pages);
}
END_TEST

START_TEST(small_sets_by_hand)
{
    dt_sketch_t s = {0};
    bool exact = false;
    ck_assert_uint_eq(dt_sketch_percentile(&s, 50, &exact), 0); /* empty */
    ck_assert(exact);
    /* 1, 2, 3, 4, 30: median 3, p95 30; p40 is the 2nd value */
    static const uint64_t v[] = {30, 2, 4, 1, 3};
    for (size_t i = 0; i < 5; i++)
        ck_assert_int_eq(dt_sketch_add(&s, v[i], 1), DT_OK);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 50, NULL), 3);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 95, NULL), 30);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 40, NULL), 2);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 41, NULL), 3);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 100, NULL), 30);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 0, NULL), 1); /* read as 1 */
    /* the boundary: 3599 s is exact, 3600 s the first hourly bucket */
    ck_assert_int_eq(dt_sketch_add(&s, 3599, 1), DT_OK);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 100, &exact), 3599);
    ck_assert(exact);
    dt_sketch_free(&s);
}
END_TEST

START_TEST(hours_and_days_are_buckets)
{
    dt_sketch_t s = {0};
    bool exact = true;
    ck_assert_int_eq(dt_sketch_add(&s, 3600, 1), DT_OK);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 50, &exact), 3600);
    ck_assert(!exact);
    ck_assert_int_eq(dt_sketch_add(&s, 2 * 3600 + 59 * 60, 2), DT_OK); /* 2:59 h -> [2 h, 3 h) */
    ck_assert_uint_eq(dt_sketch_percentile(&s, 100, &exact), 7200);
    ck_assert(!exact);
    ck_assert_int_eq(dt_sketch_add(&s, 86399, 1), DT_OK);       /* 23:59:59 */
    ck_assert_int_eq(dt_sketch_add(&s, UINT64_MAX, 1), DT_OK);  /* a day or more */
    ck_assert_uint_eq(dt_sketch_percentile(&s, 80, NULL), 23 * 3600);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 100, &exact), 86400);
    ck_assert(!exact);
    ck_assert_uint_eq(s.count, 5);
    dt_sketch_free(&s);
}
END_TEST

START_TEST(weights_count_as_calls)
{
    dt_sketch_t one = {0}, weighted = {0};
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(dt_sketch_add(&one, 12, 1), DT_OK);
    ck_assert_int_eq(dt_sketch_add(&one, 40, 1), DT_OK);
    ck_assert_int_eq(dt_sketch_add(&weighted, 12, 7), DT_OK);
    ck_assert_int_eq(dt_sketch_add(&weighted, 40, 1), DT_OK);
    for (unsigned p = 1; p <= 100; p++)
        ck_assert_uint_eq(dt_sketch_percentile(&one, p, NULL),
                          dt_sketch_percentile(&weighted, p, NULL));
    ck_assert_uint_eq(dt_sketch_percentile(&weighted, 95, NULL), 40);
    ck_assert_uint_eq(dt_sketch_percentile(&weighted, 87, NULL), 12);
    dt_sketch_free(&one);
    dt_sketch_free(&weighted);
}
END_TEST

START_TEST(pages_on_first_use)
{
    dt_sketch_t s = {0};
    ck_assert_int_eq(dt_sketch_add(&s, 5, 1), DT_OK);
    ck_assert_ptr_nonnull(s.pages);
    ck_assert_ptr_nonnull(s.pages[0]);
    size_t used = 0;
    for (size_t p = 0; p < DT_SKETCH_PAGES; p++)
        used += s.pages[p] != NULL;
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(dt_sketch_add(&s, 3000, 1), DT_OK);
    ck_assert_ptr_nonnull(s.pages[3000 / DT_SKETCH_PAGE]);
    ck_assert_uint_le(DT_SKETCH_SLOTS, DT_SKETCH_PAGES * DT_SKETCH_PAGE);
    ck_assert_uint_lt(DT_SKETCH_BYTES, 32 * 1024);
    dt_sketch_free(&s);
}
END_TEST

START_TEST(merge_adds_counts)
{
    enum { N = 3000 };
    dt_sketch_t all = {0}, a = {0}, b = {0}, empty = {0};
    uint64_t state = 7;
    for (size_t i = 0; i < N; i++) {
        uint64_t v = next(&state) % (i % 3 ? 90 : 20000);
        ck_assert_int_eq(dt_sketch_add(&all, v, 1), DT_OK);
        ck_assert_int_eq(dt_sketch_add(i % 2 ? &a : &b, v, 1), DT_OK);
    }
    ck_assert_int_eq(dt_sketch_merge(&a, &b), DT_OK);
    ck_assert_int_eq(dt_sketch_merge(&a, &empty), DT_OK);
    ck_assert_uint_eq(a.count, N);
    for (unsigned p = 1; p <= 100; p++) {
        bool ea, eb;
        ck_assert_uint_eq(dt_sketch_percentile(&a, p, &ea), dt_sketch_percentile(&all, p, &eb));
        ck_assert_int_eq(ea, eb);
    }
    /* into an empty sketch: a copy */
    ck_assert_int_eq(dt_sketch_merge(&empty, &all), DT_OK);
    ck_assert_uint_eq(empty.count, N);
    ck_assert_uint_eq(dt_sketch_percentile(&empty, 95, NULL), dt_sketch_percentile(&all, 95, NULL));
    dt_sketch_free(&all);
    dt_sketch_free(&a);
    dt_sketch_free(&b);
    dt_sketch_free(&empty);
}
END_TEST

Suite *dt_suite_sketch(void)
{
    Suite *s = suite_create("sketch");
    TCase *tc = tcase_create("sketch");
    tcase_add_test(tc, exact_below_an_hour);
    tcase_add_test(tc, small_sets_by_hand);
    tcase_add_test(tc, hours_and_days_are_buckets);
    tcase_add_test(tc, weights_count_as_calls);
    tcase_add_test(tc, pages_on_first_use);
    tcase_add_test(tc, merge_adds_counts);
    suite_add_tcase(s, tc);
    return s;
}
