/* check_timeline.c - concurrent calls per minute: overlaps counted by hand,
 * calls out of order, the shared cap, and merging. */
#include <stdlib.h>

#include "check_suites.h"
#include "dt_date.h"
#include "dt_timeline.h"

static int64_t at(const char *iso)
{
    int64_t t = 0;
    ck_assert_int_eq(dt_date_parse(iso, strlen(iso), &t), DT_DATE_OK);
    return t;
}

static void add(dt_timeline_t *t, dt_timeline_budget_t *b, const char *start, const char *end,
                uint64_t weight)
{
    ck_assert_int_eq(dt_timeline_add(t, b, at(start), at(end), weight), DT_OK);
}

START_TEST(overlaps_by_hand)
{
    dt_timeline_budget_t budget = {1000};
    dt_timeline_t t = {0};
    int64_t when = -1;
    ck_assert_uint_eq(dt_timeline_peak(&t, &when), 0);
    ck_assert_int_eq(when, 0);
    /* minute:  10:00 10:01 10:02 10:03 10:04 10:05 10:06
     * A          x     x     x
     * B                x
     * C                      x     x     x     x
     * D                                              x
     * active     1     2     2     1     1     1     1   -> peak 2 at 10:01 */
    add(&t, &budget, "2026-11-24T10:00:30Z", "2026-11-24T10:02:10Z", 1);
    add(&t, &budget, "2026-11-24T10:01:00Z", "2026-11-24T10:01:59Z", 1);
    add(&t, &budget, "2026-11-24T10:02:59Z", "2026-11-24T10:05:00Z", 1);
    add(&t, &budget, "2026-11-24T10:06:00Z", "2026-11-24T10:06:00Z", 1);
    ck_assert_uint_eq(dt_timeline_peak(&t, &when), 2);
    ck_assert_int_eq(when, at("2026-11-24T10:01:00Z"));
    /* three calls of a summarised row at 10:04 make 10:04 the peak: C + 3 */
    add(&t, &budget, "2026-11-24T10:04:10Z", "2026-11-24T10:04:20Z", 3);
    ck_assert_uint_eq(dt_timeline_peak(&t, &when), 4);
    ck_assert_int_eq(when, at("2026-11-24T10:04:00Z"));
    /* a call earlier than all others grows the timeline at the front; an end
     * before the start counts as the start minute alone */
    add(&t, &budget, "2026-11-24T09:50:00Z", "2026-11-24T09:40:00Z", 1);
    ck_assert_int_eq(t.first, at("2026-11-24T09:50:00Z") / 60);
    ck_assert_uint_eq(dt_timeline_peak(&t, &when), 4);
    ck_assert_uint_eq(t.calls, 8);
    ck_assert_uint_eq(t.dropped, 0);
    /* 4 at 10:04 again, later: the first minute that reached the peak stays */
    add(&t, &budget, "2026-11-24T10:05:00Z", "2026-11-24T10:05:30Z", 3);
    ck_assert_uint_eq(dt_timeline_peak(&t, &when), 4);
    ck_assert_int_eq(when, at("2026-11-24T10:04:00Z"));
    dt_timeline_free(&t, &budget);
    ck_assert_uint_eq(budget.cells_left, 1000);
}
END_TEST

START_TEST(cap_drops_and_says_so)
{
    dt_timeline_budget_t budget = {30};
    dt_timeline_t a = {0}, b = {0};
    /* 20 minutes (21 cells with the end marker) fit */
    add(&a, &budget, "2026-11-24T10:00:00Z", "2026-11-24T10:19:59Z", 1);
    ck_assert_uint_eq(a.calls, 1);
    ck_assert_uint_le(budget.cells_left, 30 - 21);
    /* another timeline cannot take 20 more minutes from what is left */
    add(&b, &budget, "2026-11-24T10:00:00Z", "2026-11-24T10:19:59Z", 1);
    ck_assert_uint_eq(b.calls, 0);
    ck_assert_uint_eq(b.dropped, 1);
    ck_assert_uint_eq(dt_timeline_peak(&b, NULL), 0);
    /* a call a year later would need half a million cells: dropped, the
     * timeline as it was */
    add(&a, &budget, "2027-11-24T10:00:00Z", "2027-11-24T10:01:00Z", 2);
    ck_assert_uint_eq(a.dropped, 2);
    ck_assert_uint_eq(dt_timeline_peak(&a, NULL), 1);
    /* a call inside the covered minutes still counts */
    add(&a, &budget, "2026-11-24T10:05:00Z", "2026-11-24T10:06:00Z", 1);
    ck_assert_uint_eq(dt_timeline_peak(&a, NULL), 2);
    size_t before = budget.cells_left;
    size_t held = a.cap;
    dt_timeline_free(&a, &budget);
    ck_assert_uint_eq(budget.cells_left, before + held);
    dt_timeline_free(&b, &budget);
    ck_assert_uint_eq(budget.cells_left, 30);
}
END_TEST

START_TEST(merge_is_the_union)
{
    dt_timeline_budget_t budget = {10000};
    dt_timeline_t all = {0}, a = {0}, b = {0};
    static const char *const calls[][2] = {
        {"2026-11-24T08:00:00Z", "2026-11-24T08:30:00Z"},
        {"2026-11-24T08:10:00Z", "2026-11-24T08:12:00Z"},
        {"2026-11-24T07:00:00Z", "2026-11-24T08:11:00Z"},
        {"2026-11-24T09:00:00Z", "2026-11-24T09:00:01Z"},
        {"2026-11-24T08:11:30Z", "2026-11-24T08:11:40Z"},
    };
    for (size_t i = 0; i < 5; i++) {
        add(&all, &budget, calls[i][0], calls[i][1], 1);
        add(i % 2 ? &a : &b, &budget, calls[i][0], calls[i][1], 1);
    }
    int64_t when_all, when_merged;
    uint64_t peak = dt_timeline_peak(&all, &when_all);
    ck_assert_uint_eq(peak, 4); /* 08:11: the first three and the last */
    ck_assert_int_eq(when_all, at("2026-11-24T08:11:00Z"));
    ck_assert_int_eq(dt_timeline_merge(&a, &budget, &b), DT_OK);
    ck_assert_uint_eq(dt_timeline_peak(&a, &when_merged), peak);
    ck_assert_int_eq(when_merged, when_all);
    ck_assert_uint_eq(a.calls, 5);
    /* merging into an empty timeline copies it */
    dt_timeline_t copy = {0};
    ck_assert_int_eq(dt_timeline_merge(&copy, &budget, &all), DT_OK);
    ck_assert_uint_eq(dt_timeline_peak(&copy, NULL), peak);
    /* a merge the budget cannot hold counts the calls as dropped */
    dt_timeline_budget_t tiny = {3};
    dt_timeline_t small = {0};
    ck_assert_int_eq(dt_timeline_merge(&small, &tiny, &all), DT_OK);
    ck_assert_uint_eq(small.dropped, 5);
    ck_assert_uint_eq(small.calls, 0);
    dt_timeline_free(&small, &tiny);
    dt_timeline_free(&copy, &budget);
    dt_timeline_free(&all, &budget);
    dt_timeline_free(&a, &budget);
    dt_timeline_free(&b, &budget);
    ck_assert_uint_eq(budget.cells_left, 10000);
}
END_TEST

Suite *dt_suite_timeline(void)
{
    Suite *s = suite_create("timeline");
    TCase *tc = tcase_create("timeline");
    tcase_add_test(tc, overlaps_by_hand);
    tcase_add_test(tc, cap_drops_and_says_so);
    tcase_add_test(tc, merge_is_the_union);
    suite_add_tcase(s, tc);
    return s;
}
