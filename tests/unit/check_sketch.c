/* check_sketch.c - the seconds histogram: exact percentiles below an hour,
 * hourly buckets above, weights, pages on first use within a budget, and
 * merging. */
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
        ck_assert_int_eq(dt_sketch_add(&s, NULL, v, 1), DT_OK);
    }
    qsort(values, N, sizeof *values, compare_u64);
    ck_assert_uint_eq(s.count, N);
    for (unsigned p = 1; p <= 100; p++) {
        bool exact = false;
        ck_assert_uint_eq(dt_sketch_percentile(&s, p, &exact), nearest_rank(values, N, p));
        ck_assert(exact);
    }
    free(values);
    dt_sketch_free(&s, NULL);
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
        ck_assert_int_eq(dt_sketch_add(&s, NULL, v[i], 1), DT_OK);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 50, NULL), 3);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 95, NULL), 30);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 40, NULL), 2);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 41, NULL), 3);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 100, NULL), 30);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 0, NULL), 1); /* read as 1 */
    /* the boundary: 3599 s is exact, 3600 s the first hourly bucket */
    ck_assert_int_eq(dt_sketch_add(&s, NULL, 3599, 1), DT_OK);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 100, &exact), 3599);
    ck_assert(exact);
    dt_sketch_free(&s, NULL);
}
END_TEST

START_TEST(hours_and_days_are_buckets)
{
    dt_sketch_t s = {0};
    bool exact = true;
    ck_assert_int_eq(dt_sketch_add(&s, NULL, 3600, 1), DT_OK);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 50, &exact), 3600);
    ck_assert(!exact);
    ck_assert_int_eq(dt_sketch_add(&s, NULL, 2 * 3600 + 59 * 60, 2), DT_OK); /* 2:59 h -> [2 h, 3 h) */
    ck_assert_uint_eq(dt_sketch_percentile(&s, 100, &exact), 7200);
    ck_assert(!exact);
    ck_assert_int_eq(dt_sketch_add(&s, NULL, 86399, 1), DT_OK);       /* 23:59:59 */
    ck_assert_int_eq(dt_sketch_add(&s, NULL, UINT64_MAX, 1), DT_OK);  /* a day or more */
    ck_assert_uint_eq(dt_sketch_percentile(&s, 80, NULL), 23 * 3600);
    ck_assert_uint_eq(dt_sketch_percentile(&s, 100, &exact), 86400);
    ck_assert(!exact);
    ck_assert_uint_eq(s.count, 5);
    dt_sketch_free(&s, NULL);
}
END_TEST

START_TEST(weights_count_as_calls)
{
    dt_sketch_t one = {0}, weighted = {0};
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(dt_sketch_add(&one, NULL, 12, 1), DT_OK);
    ck_assert_int_eq(dt_sketch_add(&one, NULL, 40, 1), DT_OK);
    ck_assert_int_eq(dt_sketch_add(&weighted, NULL, 12, 7), DT_OK);
    ck_assert_int_eq(dt_sketch_add(&weighted, NULL, 40, 1), DT_OK);
    for (unsigned p = 1; p <= 100; p++)
        ck_assert_uint_eq(dt_sketch_percentile(&one, p, NULL),
                          dt_sketch_percentile(&weighted, p, NULL));
    ck_assert_uint_eq(dt_sketch_percentile(&weighted, 95, NULL), 40);
    ck_assert_uint_eq(dt_sketch_percentile(&weighted, 87, NULL), 12);
    dt_sketch_free(&one, NULL);
    dt_sketch_free(&weighted, NULL);
}
END_TEST

START_TEST(pages_on_first_use)
{
    dt_sketch_t s = {0};
    ck_assert_ptr_null(s.coarse); /* no value, no memory */
    ck_assert_int_eq(dt_sketch_add(&s, NULL, 5, 1), DT_OK);
    ck_assert_ptr_nonnull(s.coarse);
    ck_assert_ptr_nonnull(s.pages[0]);
    size_t used = 0;
    for (size_t p = 0; p < DT_SKETCH_MINUTES; p++)
        used += s.pages[p] != NULL;
    ck_assert_uint_eq(used, 1);
    ck_assert_int_eq(dt_sketch_add(&s, NULL, 3000, 1), DT_OK); /* minute 50 */
    ck_assert_ptr_nonnull(s.pages[50]);
    ck_assert_int_eq(dt_sketch_add(&s, NULL, 7200, 1), DT_OK); /* hours take no page */
    used = 0;
    for (size_t p = 0; p < DT_SKETCH_MINUTES; p++)
        used += s.pages[p] != NULL;
    ck_assert_uint_eq(used, 2);
    ck_assert_uint_lt(DT_SKETCH_BYTES + DT_SKETCH_MINUTES * DT_SKETCH_PAGE_BYTES, 32 * 1024);
    dt_sketch_free(&s, NULL);
    ck_assert_ptr_null(s.coarse);
}
END_TEST

/* A spent budget: new minutes are counted to the minute, and say so. */
START_TEST(budget_spent_to_the_minute)
{
    dt_sketch_budget_t budget = {2};
    dt_sketch_t a = {0}, b = {0};
    ck_assert_int_eq(dt_sketch_add(&a, &budget, 7, 1), DT_OK);   /* minute 0: a page */
    ck_assert_int_eq(dt_sketch_add(&a, &budget, 65, 1), DT_OK);  /* minute 1: the last page */
    ck_assert_uint_eq(budget.pages_left, 0);
    ck_assert(!a.inexact);
    ck_assert_int_eq(dt_sketch_add(&b, &budget, 142, 3), DT_OK); /* minute 2: none left */
    ck_assert_ptr_null(b.pages[2]);
    ck_assert(b.inexact);
    bool exact = true;
    ck_assert_uint_eq(dt_sketch_percentile(&b, 50, &exact), 120); /* its minute's start */
    ck_assert(!exact);
    /* a page given back serves the next new minute, never a coarse one */
    dt_sketch_free(&a, &budget);
    ck_assert_uint_eq(budget.pages_left, 2);
    ck_assert_int_eq(dt_sketch_add(&b, &budget, 150, 1), DT_OK);
    ck_assert_ptr_null(b.pages[2]);
    ck_assert_int_eq(dt_sketch_add(&b, &budget, 20, 1), DT_OK);
    ck_assert_ptr_nonnull(b.pages[0]);
    ck_assert_uint_eq(dt_sketch_percentile(&b, 10, &exact), 20);
    ck_assert(exact);
    ck_assert_uint_eq(dt_sketch_percentile(&b, 100, &exact), 120);
    ck_assert(!exact);
    ck_assert_uint_eq(b.count, 5);
    /* merging: an exact minute is copied when a page is left; a coarse minute
     * makes the other side's coarse too, its page freed */
    dt_sketch_t c = {0}, d = {0};
    ck_assert_int_eq(dt_sketch_add(&c, &budget, 130, 1), DT_OK); /* minute 2 exact in c */
    ck_assert_ptr_nonnull(c.pages[2]);
    ck_assert_uint_eq(budget.pages_left, 0);
    ck_assert_int_eq(dt_sketch_merge(&c, &budget, &b), DT_OK);
    ck_assert_ptr_null(c.pages[2]);          /* b counts minute 2 coarsely */
    ck_assert_ptr_null(c.pages[0]);          /* no page was left when minute 0 came */
    ck_assert_uint_eq(budget.pages_left, 1); /* minute 2's page given back */
    ck_assert(c.inexact);
    ck_assert_uint_eq(c.count, 6);
    ck_assert_uint_eq(dt_sketch_percentile(&c, 10, &exact), 0);
    ck_assert(!exact);
    ck_assert_int_eq(dt_sketch_add(&d, &budget, 9, 2), DT_OK); /* the page left */
    ck_assert_int_eq(dt_sketch_merge(&d, &budget, &b), DT_OK);
    ck_assert_ptr_nonnull(d.pages[0]);       /* both exact in minute 0: added */
    ck_assert_uint_eq(dt_sketch_percentile(&d, 40, &exact), 20); /* 9, 9, 20, then 4 in 2 min */
    ck_assert(exact);
    dt_sketch_free(&d, &budget);
    dt_sketch_free(&b, &budget);
    dt_sketch_free(&c, &budget);
    ck_assert_uint_eq(budget.pages_left, 2);
}
END_TEST

START_TEST(merge_adds_counts)
{
    enum { N = 3000 };
    dt_sketch_t all = {0}, a = {0}, b = {0}, empty = {0};
    uint64_t state = 7;
    for (size_t i = 0; i < N; i++) {
        uint64_t v = next(&state) % (i % 3 ? 90 : 20000);
        ck_assert_int_eq(dt_sketch_add(&all, NULL, v, 1), DT_OK);
        ck_assert_int_eq(dt_sketch_add(i % 2 ? &a : &b, NULL, v, 1), DT_OK);
    }
    ck_assert_int_eq(dt_sketch_merge(&a, NULL, &b), DT_OK);
    ck_assert_int_eq(dt_sketch_merge(&a, NULL, &empty), DT_OK);
    ck_assert_uint_eq(a.count, N);
    for (unsigned p = 1; p <= 100; p++) {
        bool ea, eb;
        ck_assert_uint_eq(dt_sketch_percentile(&a, p, &ea), dt_sketch_percentile(&all, p, &eb));
        ck_assert_int_eq(ea, eb);
    }
    /* into an empty sketch: a copy */
    ck_assert_int_eq(dt_sketch_merge(&empty, NULL, &all), DT_OK);
    ck_assert_uint_eq(empty.count, N);
    ck_assert_uint_eq(dt_sketch_percentile(&empty, 95, NULL), dt_sketch_percentile(&all, 95, NULL));
    dt_sketch_free(&all, NULL);
    dt_sketch_free(&a, NULL);
    dt_sketch_free(&b, NULL);
    dt_sketch_free(&empty, NULL);
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
    tcase_add_test(tc, budget_spent_to_the_minute);
    tcase_add_test(tc, merge_adds_counts);
    suite_add_tcase(s, tc);
    return s;
}
