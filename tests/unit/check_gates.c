/* check_gates.c - --fail-if parsing (accepted and refused expressions)
 * and judging against a report built from the fixture rules. */
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_gates.h"
#include "report_fixture.h"
#include "test_util.h"

/* ---- parsing ---- */

static const struct {
    const char *expr;
    dt_metric_t metric;
    dt_cmp_t cmp;
    double limit;
    bool percent;
    const char *detail; /* origin name, action id or "MS/SIP" with * for absent */
} good[] = {
    {"failed>5", DT_METRIC_FAILED, DT_CMP_GT, 5, false, NULL},
    {"failed>=5%", DT_METRIC_FAILED, DT_CMP_GE, 5, true, NULL},
    {" failed < 0.5 % ", DT_METRIC_FAILED, DT_CMP_LT, 0.5, true, NULL},
    {"sbc>0", DT_METRIC_ORIGIN, DT_CMP_GT, 0, false, "sbc"},
    {"Microsoft<=1.25%", DT_METRIC_ORIGIN, DT_CMP_LE, 1.25, true, "microsoft"},
    {"unknown>10", DT_METRIC_ORIGIN, DT_CMP_GT, 10, false, "unknown"},
    {"ner<95", DT_METRIC_NER, DT_CMP_LT, 95, true, NULL},
    {"ner<95%", DT_METRIC_NER, DT_CMP_LT, 95, true, NULL},
    {"NER<=99.9", DT_METRIC_NER, DT_CMP_LE, 99.9, true, NULL},
    {"failed>100%", DT_METRIC_FAILED, DT_CMP_GT, 100, true, NULL},
    {"action:tls-certificate>0", DT_METRIC_ACTION, DT_CMP_GT, 0, false, "tls-certificate"},
    {"action:unknown>=2%", DT_METRIC_ACTION, DT_CMP_GE, 2, true, "unknown"},
    {"code:560403/403>10", DT_METRIC_CODE, DT_CMP_GT, 10, false, "560403/403"},
    {"code:560403>1%", DT_METRIC_CODE, DT_CMP_GT, 1, true, "560403/*"},
    {"code:*/503>=3", DT_METRIC_CODE, DT_CMP_GE, 3, false, "*/503"},
    {"code:0/408>0", DT_METRIC_CODE, DT_CMP_GT, 0, false, "0/408"},
    {"code:403>0", DT_METRIC_CODE, DT_CMP_GT, 0, false, "*/403"},
    {"code:560403/*>0", DT_METRIC_CODE, DT_CMP_GT, 0, false, "560403/*"},
    {"failed>123456789012345678", DT_METRIC_FAILED, DT_CMP_GT, 123456789012345678.0, false, NULL},
};

static void detail_of(const dt_gate_t *t, char *buf, size_t size)
{
    char ms[24] = "*", sip[8] = "*";
    switch (t->metric) {
    case DT_METRIC_ORIGIN:
        snprintf(buf, size, "%s", dt_origin_name(t->origin));
        break;
    case DT_METRIC_ACTION:
        snprintf(buf, size, "%s", t->action_id);
        break;
    case DT_METRIC_CODE:
        if (t->code.has_ms)
            snprintf(ms, sizeof ms, "%llu", (unsigned long long)t->code.ms);
        if (t->code.has_sip)
            snprintf(sip, sizeof sip, "%u", t->code.sip);
        snprintf(buf, size, "%s/%s", ms, sip);
        break;
    default:
        buf[0] = '\0';
    }
}

START_TEST(test_parse_good)
{
    dt_gate_t t;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_gate_parse(good[_i].expr, &t, &err) == DT_OK, "%s: %s", good[_i].expr,
                  err.msg);
    ck_assert_str_eq(t.text, good[_i].expr);
    ck_assert_int_eq(t.metric, good[_i].metric);
    ck_assert_int_eq(t.cmp, good[_i].cmp);
    ck_assert_double_eq_tol(t.limit, good[_i].limit, 1e-9);
    ck_assert_int_eq(t.percent, good[_i].percent);
    char detail[96];
    detail_of(&t, detail, sizeof detail);
    ck_assert_str_eq(detail, good[_i].detail ? good[_i].detail : "");
}
END_TEST

static const struct {
    const char *expr;
    const char *message; /* expected in err.msg after "--fail-if '<expr>': " */
} bad[] = {
    {"", "expected a metric"},
    {"failed", "expected a comparison"},
    {"failed>>3", "expected a number after '>'"},
    {"failed>=", "expected a number after '>='"},
    {"failed=5", "expected a comparison"},
    {"failed>-1", "expected a number after '>'"},
    {"failed>5%%", "unexpected text after the limit"},
    {"failed>1e3", "unexpected text after the limit"},
    {"failed>5.", "expected a number after '>'"},
    {"failed>.5", "expected a number after '>'"},
    {"failed>5 calls", "unexpected text after the limit"},
    {"failed>1234567890123456789", "expected a number after '>'"},
    {"failed>150%", "a percentage cannot exceed 100"},
    {"ner<101", "a percentage cannot exceed 100"},
    {"foo>3", "unknown metric; expected failed, sbc, microsoft, unknown, ner, action:ID"},
    {"calls>3", "unknown metric"},
    {"failed:x>3", "expected a comparison"},
    {"action:>1", "expected an action id"},
    {"action:a b>1", "expected a comparison"},
    {"code:abc>1", "CODE is a SIP code (403"},
    {"code:560403/>1", "the SIP code after '/'"},
    {"code:560403/4033>1", "the SIP code after '/'"},
    {"code:*/*>1", "*/* would match every code"},
    {">5", "expected a metric"},
};

START_TEST(test_parse_bad)
{
    dt_gate_t t;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_gate_parse(bad[_i].expr, &t, &err), DT_ERR_USAGE);
    char prefix[160];
    snprintf(prefix, sizeof prefix, "--fail-if '%s': ", bad[_i].expr);
    ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0, "message: %s", err.msg);
    ck_assert_msg(strstr(err.msg, bad[_i].message), "'%s' gave: %s", bad[_i].expr, err.msg);
}
END_TEST

START_TEST(test_parse_too_long)
{
    char expr[200];
    memset(expr, 'a', sizeof expr - 1);
    expr[sizeof expr - 1] = '\0';
    dt_gate_t t;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_gate_parse(expr, &t, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "longer than 127");
    char id[80] = "action:";
    memset(id + 7, 'x', 64);
    strcpy(id + 71, ">1");
    ck_assert_int_eq(dt_gate_parse(id, &t, &err), DT_ERR_USAGE);
}
END_TEST

/* ---- judging ---- */

/* 20 calls, 8 failed: 4 x 560403/403 (fix-tls, sbc), 2 x 560486/486 (busy,
 * sbc), 1 x 599999/500 (microsoft), 1 x -/486 (unknown origin). NER 75%. */
static void usual_report(fixture_t *fx)
{
    fixture_init(fx, 0);
    fixture_calls(fx, 12, 200, NO_CODE, "OK", "sbc1", true);
    fixture_calls(fx, 4, 403, 560403, "Forbidden by the SBC", "sbc1", false);
    fixture_calls(fx, 2, 486, 560486, "The called number was busy", "sbc2", false);
    fixture_calls(fx, 1, 500, 599999, "", "", false);
    fixture_calls(fx, 1, 486, NO_CODE, "", "", false);
    fixture_build(fx, 1); /* top must not limit what conditions count */
}

static const struct {
    const char *expr;
    uint64_t min_calls;
    bool breached;
    const char *why; /* exact */
} checks[] = {
    {"failed>5", 0, true, "failed>5: 8 failed calls (limit 5)"},
    {"failed>8", 0, false, ""},
    {"failed>=8", 0, true, "failed>=8: 8 failed calls (limit 8)"},
    {"failed<9", 0, true, "failed<9: 8 failed calls (limit 9)"},
    {"failed<=7", 0, false, ""},
    {"failed>30%", 0, true, "failed>30%: 40.00% of 20 calls failed (limit 30%)"},
    {"failed>40%", 0, false, ""},
    {"failed>=40%", 0, true, "failed>=40%: 40.00% of 20 calls failed (limit 40%)"},
    {"failed>0.5%", 0, true, "failed>0.5%: 40.00% of 20 calls failed (limit 0.5%)"},
    {"sbc>5", 0, true, "sbc>5: 6 failed calls (limit 5)"},
    {"microsoft>1", 0, false, ""},
    {"unknown>=1", 0, true, "unknown>=1: 1 failed call (limit 1)"},
    {"sbc>=30%", 0, true, "sbc>=30%: 30.00% of 20 calls failed (limit 30%)"},
    {"ner<95", 0, true, "ner<95: NER 75.00% over 20 calls (limit 95%)"},
    {"ner<75", 0, false, ""},
    {"ner<=75%", 0, true, "ner<=75%: NER 75.00% over 20 calls (limit 75%)"},
    {"action:fix-tls>3", 0, true, "action:fix-tls>3: 4 failed calls (limit 3)"},
    {"action:fix-tls>=20%", 0, true, "action:fix-tls>=20%: 20.00% of 20 calls failed (limit 20%)"},
    {"action:busy>3", 0, false, ""},
    {"action:nosuch>0", 0, false, ""},
    {"action:nosuch<1", 0, true,
     "action:nosuch<1: 0 failed calls (limit 1) (no such action in the rules)"},
    {"code:560403/403>3", 0, true, "code:560403/403>3: 4 failed calls (limit 3)"},
    {"code:560403>3", 0, true, "code:560403>3: 4 failed calls (limit 3)"},
    {"code:*/486>=3", 0, true, "code:*/486>=3: 3 failed calls (limit 3)"},
    {"code:*/486>3", 0, false, ""},
    {"code:403>3", 0, true, "code:403>3: 4 failed calls (limit 3)"},
    {"code:486>=3", 0, true, "code:486>=3: 3 failed calls (limit 3)"},
    {"code:560403/404>0", 0, false, ""},
    {"code:560486/*>=10%", 0, true, "code:560486/*>=10%: 10.00% of 20 calls failed (limit 10%)"},
    /* The min-calls guard applies to ratio conditions only. */
    {"ner<95", 100, false, "ner<95: not judged: 20 calls, fewer than --min-calls 100"},
    {"failed>1%", 21, false, "failed>1%: not judged: 20 calls, fewer than --min-calls 21"},
    {"failed>1%", 20, true, "failed>1%: 40.00% of 20 calls failed (limit 1%)"},
    {"failed>1", 100, true, "failed>1: 8 failed calls (limit 1)"},
};

START_TEST(test_check)
{
    fixture_t fx;
    usual_report(&fx);
    dt_gate_t t;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_gate_parse(checks[_i].expr, &t, &err) == DT_OK, "%s", err.msg);
    char why[256] = "garbage";
    bool breached = dt_gate_check(&t, &fx.report, checks[_i].min_calls, why, sizeof why);
    ck_assert_msg(breached == checks[_i].breached, "%s: breached=%d (%s)", checks[_i].expr,
                  breached, why);
    ck_assert_str_eq(why, checks[_i].why);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_check_no_calls)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    fixture_build(&fx, 0);
    dt_gate_t t;
    dt_error_t err = {{0}};
    char why[128];
    ck_assert_int_eq(dt_gate_parse("ner<95", &t, &err), DT_OK);
    ck_assert(!dt_gate_check(&t, &fx.report, 0, why, sizeof why));
    ck_assert_str_eq(why, "ner<95: not judged: no calls");
    ck_assert_int_eq(dt_gate_parse("failed>=0", &t, &err), DT_OK);
    ck_assert(dt_gate_check(&t, &fx.report, 0, why, sizeof why));
    ck_assert_str_eq(why, "failed>=0: 0 failed calls (limit 0)");
    fixture_free(&fx);
}
END_TEST

START_TEST(test_check_small_buffers)
{
    fixture_t fx;
    usual_report(&fx);
    dt_gate_t t;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_gate_parse("failed>5", &t, &err), DT_OK);
    ck_assert(dt_gate_check(&t, &fx.report, 0, NULL, 0));
    char why[8];
    ck_assert(dt_gate_check(&t, &fx.report, 0, why, sizeof why));
    ck_assert_str_eq(why, "failed>");
    fixture_free(&fx);
}
END_TEST

Suite *dt_suite_gates(void)
{
    Suite *s = suite_create("gates");
    TCase *t = tcase_create("parse");
    tcase_add_loop_test(t, test_parse_good, 0, (int)(sizeof good / sizeof good[0]));
    tcase_add_loop_test(t, test_parse_bad, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(t, test_parse_too_long);
    suite_add_tcase(s, t);
    t = tcase_create("check");
    tcase_add_loop_test(t, test_check, 0, (int)(sizeof checks / sizeof checks[0]));
    tcase_add_test(t, test_check_no_calls);
    tcase_add_test(t, test_check_small_buffers);
    suite_add_tcase(s, t);
    return s;
}
