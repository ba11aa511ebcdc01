/* check_trend.c - the trend's statistics and model: binomial tails against
 * known values, a step found on its day, noise and small counts not flagged,
 * new codes, missing days, and the gates a trend answers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_aggregate.h"
#include "dt_gates.h"
#include "dt_report.h"
#include "dt_stats.h"
#include "dt_trend.h"
#include "test_util.h"

#define DAYS 28
#define T0 1793491200 /* 2026-11-01T00:00:00Z */

START_TEST(test_binomial_tail)
{
    /* P(Bin(10, 1/2) >= 8) = (45 + 10 + 1) / 1024 */
    ck_assert_double_eq_tol(dt_binomial_upper(8, 10, 0.5), 56.0 / 1024, 1e-12);
    /* P(Bin(5, 0.48) >= 5) = 0.48^5 */
    ck_assert_double_eq_tol(dt_binomial_upper(5, 5, 0.48), pow(0.48, 5), 1e-12);
    ck_assert_double_eq(dt_binomial_upper(0, 10, 0.3), 1.0);
    ck_assert_double_eq(dt_binomial_upper(11, 10, 0.3), 0.0);
    /* a large count far above its share: tiny but positive */
    double p = dt_binomial_upper(900, 1000, 0.5);
    ck_assert(p > 0 && p < 1e-100);
    /* the incomplete beta at its ends and its symmetry */
    ck_assert_double_eq(dt_beta_inc(2, 3, 0), 0.0);
    ck_assert_double_eq(dt_beta_inc(2, 3, 1), 1.0);
    ck_assert_double_eq_tol(dt_beta_inc(2.5, 4, 0.3), 1 - dt_beta_inc(4, 2.5, 0.7), 1e-12);
}
END_TEST

/* ---- days of synthetic calls ---- */

static dt_aggregate_t days[2 * DAYS];
static const dt_aggregate_t *day_ptrs[2 * DAYS];
static bool has_data[2 * DAYS];

static void add(dt_aggregate_t *agg, uint64_t n, long long ms, unsigned sip, const char *sbc,
                bool succeeded)
{
    if (!n)
        return;
    dt_call_t c = {.weight = n, .succeeded = succeeded, .sbc = {sbc, strlen(sbc)},
                   .phrase = {"", 0},
                   .key = {.has_sip = true, .sip = sip, .has_ms = ms >= 0,
                           .ms = ms >= 0 ? (uint64_t)ms : 0}};
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_classify_outcome(&tu_rules, tu_codes, DT_FAMILY_ANY, &c, &err), DT_OK);
    ck_assert_int_eq(dt_aggregate_call(agg, &c, NULL), DT_OK);
}

/* 56 days of 2500 calls, 500 through sbc2: 38 to 42 of them 560503/503 on sbc1,
 * from day `step` on another `extra` a day; a new code 569123/504 on day
 * `new_from` on, `new_per_day` a day; no data on day `missing`. */
static void make_days(int step, uint64_t extra, int new_from, uint64_t new_per_day, int missing)
{
    for (int d = 0; d < 2 * DAYS; d++) {
        dt_aggregate_options_t none = {0};
        ck_assert_int_eq(dt_aggregate_init(&days[d], &tu_rules, 0), DT_OK);
        ck_assert_int_eq(dt_aggregate_configure(&days[d], &none), DT_OK);
        day_ptrs[d] = &days[d];
        has_data[d] = d != missing;
        if (d == missing)
            continue;
        uint64_t noise = (uint64_t)((d * 7) % 5); /* 38..42 failures */
        add(&days[d], 1960 - noise, 0, 200, "sbc1", true);
        add(&days[d], 500, 0, 200, "sbc2", true);
        add(&days[d], 38 + noise, 560503, 503, "sbc1", false);
        add(&days[d], d >= step ? extra : 0, 560503, 503, "sbc2", false);
        add(&days[d], d >= new_from ? new_per_day : 0, 569123, 504, "sbc1", false);
        add(&days[d], 2, 560486, 486, "sbc2", false); /* busy: an expected ending */
    }
}

static void free_days(void)
{
    for (int d = 0; d < 2 * DAYS; d++)
        dt_aggregate_free(&days[d]);
}

static dt_report_t build(dt_aggregate_t *window, int history_day)
{
    static dt_report_t r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(dt_report_build(&r, window, NULL), DT_OK);
    dt_trend_options_t o = {.baseline_days = DAYS, .window_days = DAYS, .first_day = T0,
                            .history_since = T0 + (int64_t)history_day * DT_DAY_SECONDS,
                            .min_calls = 100};
    ck_assert_int_eq(dt_trend_build(&r, day_ptrs, has_data, &o), DT_OK);
    ck_assert_ptr_nonnull(r.trend);
    return r;
}

static const dt_change_t *find(const dt_trend_t *t, dt_change_kind_t kind, const char *sbc,
                               uint64_t ms)
{
    for (size_t i = 0; i < t->nchanges; i++) {
        const dt_change_t *c = &t->changes[i];
        if (c->kind == kind && (!sbc || (c->sbc && strcmp(c->sbc, sbc) == 0)) &&
            (!ms || c->key.ms == ms))
            return c;
    }
    return NULL;
}

START_TEST(test_step_found_on_its_day)
{
    make_days(DAYS + 10, 40, 999, 0, -1);
    dt_aggregate_t window;
    ck_assert_int_eq(dt_aggregate_init(&window, &tu_rules, 0), DT_OK);
    dt_report_t r = build(&window, 0);
    const dt_trend_t *t = r.trend;
    ck_assert_uint_eq(t->ndays, 2 * DAYS);
    ck_assert(t->nsignificant >= 2);
    const dt_change_t *sbc = find(t, DT_CHANGE_SBC, "sbc2", 0);
    ck_assert_ptr_nonnull(sbc);
    ck_assert(sbc->significant);
    ck_assert_int_eq(sbc->since, T0 + (DAYS + 10) * DT_DAY_SECONDS);
    ck_assert(sbc->ongoing);
    const dt_change_t *action = find(t, DT_CHANGE_ACTION, NULL, 0);
    ck_assert_ptr_nonnull(action);
    ck_assert(action->significant);
    ck_assert_str_eq(tu_rules.actions[action->action].id, "sbc-capacity");
    ck_assert_int_eq(action->since, T0 + (DAYS + 10) * DT_DAY_SECONDS);
    /* the busy calls are expected endings: never a change */
    for (size_t i = 0; i < t->nchanges; i++)
        ck_assert(t->changes[i].action == DT_NO_ACTION ||
                  !tu_rules.actions[t->changes[i].action].expected);
    ck_assert(t->ner_judged && t->ner_drop > 0);
    dt_report_free(&r);
    dt_aggregate_free(&window);
    free_days();
}
END_TEST

START_TEST(test_noise_and_small_counts_not_flagged)
{
    /* a steady rate, and a new code seen twice in the window: nothing significant */
    make_days(999, 0, 2 * DAYS - 2, 1, -1);
    dt_aggregate_t window;
    ck_assert_int_eq(dt_aggregate_init(&window, &tu_rules, 0), DT_OK);
    dt_report_t r = build(&window, 0);
    ck_assert_uint_eq(r.trend->nsignificant, 0);
    ck_assert_uint_eq(r.trend->new_codes, 0);
    const dt_change_t *fresh = find(r.trend, DT_CHANGE_NEW_CODE, NULL, 569123);
    ck_assert_ptr_nonnull(fresh); /* tested, and listed, but within chance */
    ck_assert(!fresh->significant);
    dt_report_free(&r);
    dt_aggregate_free(&window);
    free_days();
}
END_TEST

START_TEST(test_new_code_and_missing_days)
{
    make_days(999, 0, DAYS + 20, 15, DAYS + 3);
    dt_aggregate_t window;
    ck_assert_int_eq(dt_aggregate_init(&window, &tu_rules, 0), DT_OK);
    dt_report_t r = build(&window, 0);
    const dt_trend_t *t = r.trend;
    ck_assert_uint_eq(t->new_codes, 1);
    const dt_change_t *fresh = find(t, DT_CHANGE_NEW_CODE, NULL, 569123);
    ck_assert_ptr_nonnull(fresh);
    ck_assert(fresh->significant);
    ck_assert_int_eq(fresh->since, T0 + (DAYS + 20) * DT_DAY_SECONDS);
    ck_assert_uint_eq(t->missing_days, 1);
    ck_assert(!t->days[DAYS + 3].has_data);

    /* the gates that read the trend */
    const char *exprs[] = {"new-codes>0", "missing-days>0", "ner-drop>50",
                           "action:sip-5xx-rise>50%"};
    dt_gate_t gates[4];
    dt_error_t err = {{0}};
    for (int i = 0; i < 4; i++)
        ck_assert_msg(dt_gate_parse(exprs[i], &gates[i], &err) == DT_OK, "%s", err.msg);
    ck_assert(gates[3].metric->trend);
    ck_assert_str_eq(gates[3].action_id, "sip-5xx");
    ck_assert_int_eq(dt_gates_judge(&r, gates, 4, 100), DT_OK);
    ck_assert_uint_eq(r.ngates, 4);
    ck_assert(r.gates[0].breached);
    ck_assert(r.gates[1].breached);
    ck_assert(!r.gates[2].breached);
    dt_report_free(&r);
    dt_aggregate_free(&window);
    free_days();
}
END_TEST

START_TEST(test_days_before_history_are_not_missing)
{
    make_days(999, 0, 999, 0, -1);
    for (int d = 0; d < DAYS + 5; d++)
        has_data[d] = false; /* the store begins on day DAYS + 5 */
    dt_aggregate_t window;
    ck_assert_int_eq(dt_aggregate_init(&window, &tu_rules, 0), DT_OK);
    dt_report_t r = build(&window, DAYS + 5);
    ck_assert_uint_eq(r.trend->missing_days, 0);
    ck_assert(r.trend->days[DAYS].before_history);
    dt_report_free(&r);
    dt_aggregate_free(&window);
    free_days();
}
END_TEST

START_TEST(test_rise_gate_syntax)
{
    dt_gate_t g;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_gate_parse("action:tls-certificate-rise>250%", &g, &err), DT_OK);
    ck_assert(g.metric->trend && g.form == DT_GATE_RISE);
    ck_assert_str_eq(g.action_id, "tls-certificate");
    ck_assert(g.limit == 250.0); /* a rise may pass 100% */
    ck_assert_int_eq(dt_gate_parse("action:tls-certificate-rise>50", &g, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "write P%");
    ck_assert_int_eq(dt_gate_parse("ner-drop>5%", &g, &err), DT_ERR_USAGE);
    ck_assert_int_eq(dt_gate_parse("action:tls-certificate>5%", &g, &err), DT_OK);
    ck_assert(!g.metric->trend); /* the report's own action gate */
}
END_TEST

Suite *dt_suite_trend(void)
{
    Suite *s = suite_create("trend");
    TCase *tc = tcase_create("trend");
    tcase_add_checked_fixture(tc, tu_embedded_setup, tu_embedded_teardown);
    tcase_add_test(tc, test_binomial_tail);
    tcase_add_test(tc, test_step_found_on_its_day);
    tcase_add_test(tc, test_noise_and_small_counts_not_flagged);
    tcase_add_test(tc, test_new_code_and_missing_days);
    tcase_add_test(tc, test_days_before_history_are_not_missing);
    tcase_add_test(tc, test_rise_gate_syntax);
    suite_add_tcase(s, tc);
    return s;
}
