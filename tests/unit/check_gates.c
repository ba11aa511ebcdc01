/* check_gates.c - --fail-if parsing (accepted and refused expressions, the
 * caret and the grammar in messages) and judging against a report built from
 * the fixture rules: every metric, per-SBC gates, the --min-calls guard. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_gates.h"
#include "report_fixture.h"
#include "test_util.h"

/* ---- parsing ---- */

static const struct {
    const char *expr;
    const char *metric; /* name, then the parameter: "action:fix-tls", "code:*\/503" */
    const char *sbc;    /* the per-SBC glob, or NULL */
    dt_cmp_t cmp;
    double limit;
    dt_gate_form_t form;
} good[] = {
    {"failed>5", "failed", NULL, DT_CMP_GT, 5, DT_GATE_COUNT},
    {"failed>=5%", "failed", NULL, DT_CMP_GE, 5, DT_GATE_PERCENT},
    {" failed < 0.5 % ", "failed", NULL, DT_CMP_LT, 0.5, DT_GATE_PERCENT},
    {"sbc>0", "sbc", NULL, DT_CMP_GT, 0, DT_GATE_COUNT},
    {"Microsoft<=1.25%", "microsoft", NULL, DT_CMP_LE, 1.25, DT_GATE_PERCENT},
    {"unknown>10", "unknown", NULL, DT_CMP_GT, 10, DT_GATE_COUNT},
    {"faults>2%", "faults", NULL, DT_CMP_GT, 2, DT_GATE_PERCENT},
    {"sbc-faults>=3", "sbc-faults", NULL, DT_CMP_GE, 3, DT_GATE_COUNT},
    {"microsoft-faults>0.5%", "microsoft-faults", NULL, DT_CMP_GT, 0.5, DT_GATE_PERCENT},
    {"unknown-faults>0", "unknown-faults", NULL, DT_CMP_GT, 0, DT_GATE_COUNT},
    {"unknown-codes>10", "unknown-codes", NULL, DT_CMP_GT, 10, DT_GATE_COUNT},
    {"calls<1", "calls", NULL, DT_CMP_LT, 1, DT_GATE_COUNT},
    {"rejected>1%", "rejected", NULL, DT_CMP_GT, 1, DT_GATE_PERCENT},
    {"rejected>0", "rejected", NULL, DT_CMP_GT, 0, DT_GATE_COUNT},
    {"ner<95", "ner", NULL, DT_CMP_LT, 95, DT_GATE_RATIO},
    {"ner<95%", "ner", NULL, DT_CMP_LT, 95, DT_GATE_RATIO},
    {"NER<=99.9", "ner", NULL, DT_CMP_LE, 99.9, DT_GATE_RATIO},
    {"ner<1", "ner", NULL, DT_CMP_LT, 1, DT_GATE_RATIO},
    {"failed>100%", "failed", NULL, DT_CMP_GT, 100, DT_GATE_PERCENT},
    {"action:tls-certificate>0", "action:tls-certificate", NULL, DT_CMP_GT, 0, DT_GATE_COUNT},
    {"action:unknown>=2%", "action:unknown", NULL, DT_CMP_GE, 2, DT_GATE_PERCENT},
    {"code:560403/403>10", "code:560403/403", NULL, DT_CMP_GT, 10, DT_GATE_COUNT},
    {"code:560403>1%", "code:560403", NULL, DT_CMP_GT, 1, DT_GATE_PERCENT},
    {"code:*/503>=3", "code:503", NULL, DT_CMP_GE, 3, DT_GATE_COUNT},
    {"code:0/408>0", "code:0/408", NULL, DT_CMP_GT, 0, DT_GATE_COUNT},
    {"code:403>0", "code:403", NULL, DT_CMP_GT, 0, DT_GATE_COUNT},
    {"code:560403/*>0", "code:560403", NULL, DT_CMP_GT, 0, DT_GATE_COUNT},
    {"sbc=sbc-eu*:ner<95", "ner", "sbc-eu*", DT_CMP_LT, 95, DT_GATE_RATIO},
    {" sbc = sbc1.contoso.com : faults > 5 % ", "faults", "sbc1.contoso.com", DT_CMP_GT, 5,
     DT_GATE_PERCENT},
    {"SBC=*:calls<1", "calls", "*", DT_CMP_LT, 1, DT_GATE_COUNT},
    {"sbc=*:sbc>1%", "sbc", "*", DT_CMP_GT, 1, DT_GATE_PERCENT},
    {"sbc>=1", "sbc", NULL, DT_CMP_GE, 1, DT_GATE_COUNT},
    {"failed>123456789012345678", "failed", NULL, DT_CMP_GT, 123456789012345678.0, DT_GATE_COUNT},
    /* the Health Dashboard's measures */
    {"acd<60", "acd", NULL, DT_CMP_LT, 60, DT_GATE_MEAN},
    {"acd<=12.5", "acd", NULL, DT_CMP_LE, 12.5, DT_GATE_MEAN},
    {"sbc=sbc-eu*:acd<30", "acd", "sbc-eu*", DT_CMP_LT, 30, DT_GATE_MEAN},
    {"short-calls>5%", "short-calls", NULL, DT_CMP_GT, 5, DT_GATE_PERCENT},
    {"short-calls>=20", "short-calls", NULL, DT_CMP_GE, 20, DT_GATE_COUNT},
    {"concurrency>90%", "concurrency", NULL, DT_CMP_GT, 90, DT_GATE_PERCENT},
    {"sbc=*:concurrency>=85.5%", "concurrency", "*", DT_CMP_GE, 85.5, DT_GATE_PERCENT},
};

START_TEST(test_parse_good)
{
    dt_gate_t g;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_gate_parse(good[_i].expr, &g, &err) == DT_OK, "%s: %s", good[_i].expr,
                  err.msg);
    ck_assert_str_eq(g.text, good[_i].expr);
    char metric[128], code[DT_CODE_TEXT_MAX];
    if (g.metric->param == DT_GATE_ACTION_ID)
        snprintf(metric, sizeof metric, "%s:%s", g.metric->name, g.action_id);
    else if (g.metric->param == DT_GATE_CODE)
        snprintf(metric, sizeof metric, "%s:%s", g.metric->name, dt_code_format(&g.code, code));
    else
        snprintf(metric, sizeof metric, "%s", g.metric->name);
    ck_assert_str_eq(metric, good[_i].metric);
    ck_assert_str_eq(g.sbc, good[_i].sbc ? good[_i].sbc : "");
    ck_assert_int_eq(g.cmp, good[_i].cmp);
    ck_assert_double_eq_tol(g.limit, good[_i].limit, 1e-9);
    ck_assert_int_eq(g.form, good[_i].form);
}
END_TEST

static const struct {
    const char *expr;
    const char *message; /* expected in err.msg after "--fail-if '<expr>': " */
    int caret;           /* the column of the caret under the expression, or -1 */
} bad[] = {
    {"", "expected a metric", 0},
    {"failed", "expected a comparison", 6},
    {"failed>>3", "expected a number after '>'", 7},
    {"failed>=", "expected a number after '>='", 8},
    {"failed=5", "expected a comparison", 6},
    {"failed>-1", "expected a number after '>'", 7},
    {"failed>5%%", "unexpected text after the limit", 9},
    {"failed>1e3", "unexpected text after the limit", 8},
    {"failed>5.", "expected a number after '>'", 9},
    {"failed>.5", "expected a number after '>'", 7},
    {"failed>5 calls", "unexpected text after the limit", 9},
    {"failed>1234567890123456789", "expected a number after '>'", 7},
    {"failed>150%", "a percentage cannot exceed 100", 7},
    {"ner<101", "a percentage cannot exceed 100", 4},
    {"foo>3", "unknown metric 'foo'", 0},
    {"falts>3", "unknown metric 'falts'; did you mean 'faults'?", 0},
    {"sbcfaults>3", "did you mean 'sbc-faults'?", 0},
    {"failed:x>3", "expected a comparison", 6},
    {"action:>1", "expected an action id", 7},
    {"action>1", "expected 'action:ID'", 6},
    {"action:a b>1", "expected a comparison", 9},
    {"code:abc>1", "CODE is a SIP code (403", 5},
    {"code:560403/>1", "the SIP code after '/'", 5},
    {"code:560403/4033>1", "the SIP code after '/'", 5},
    {"code:*/*>1", "*/* would match every code", 5},
    {">5", "expected a metric", 0},
    /* a fraction where a count or a percentage is meant */
    {"sbc>0.02", "0.02 looks like a fraction, but without '%' sbc counts calls: for a "
                 "percentage write 'sbc>2%'", 4},
    {"faults >= 0.5", "write 'faults >= 50%'", 10},
    {"failed>2.5", "a count is a whole number; for a percentage of calls write 'failed>2.5%'", 7},
    {"ner<0.95", "0.95 looks like a fraction, but NER is a percentage: write 'ner<95'", 4},
    {"calls<0.5", "calls counts calls: a count is a whole number", 6},
    {"calls<5%", "calls is not a percentage", 7},
    /* per SBC */
    {"sbc=:ner<95", "expected sbc=GLOB: and a metric", 4},
    {"sbc=sbc1", "expected sbc=GLOB: and a metric", 4},
    {"sbc=x*:rejected>1", "rejected is not counted per SBC", 7},
    {"sbc=x*:action:tls-certificate>1", "action:ID is not counted per SBC", 7},
    {"sbc=x*:bogus>1", "unknown metric 'bogus'", 7},
    /* the Health Dashboard's measures */
    {"acd>5%", "acd is not a percentage: write the limit without '%'", 5},
    {"short-calls>2.5", "for a percentage of answered calls with a duration write "
                        "'short-calls>2.5%'", 12},
    {"concurrency>90", "concurrency is a percentage: write 'concurrency>90%'", 14},
    {"concurrency>0.9", "0.9 looks like a fraction, but concurrency is a percentage: write "
                        "'concurrency>90%'", 12},
    {"concurrency>150%", "a percentage cannot exceed 100", 12},
    {"acd", "expected a comparison", 3},
};

START_TEST(test_parse_bad)
{
    dt_gate_t g;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_gate_parse(bad[_i].expr, &g, &err), DT_ERR_USAGE);
    char prefix[160];
    snprintf(prefix, sizeof prefix, "--fail-if '%s': ", bad[_i].expr);
    ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0, "message: %s", err.msg);
    ck_assert_msg(strstr(err.msg, bad[_i].message), "'%s' gave: %s", bad[_i].expr, err.msg);
    /* the expression, the caret under the position, and the grammar */
    char marked[400];
    snprintf(marked, sizeof marked, "\n    %s\n    %*s^\n", bad[_i].expr, bad[_i].caret, "");
    ck_assert_msg(strstr(err.msg, marked), "'%s': no caret at %d: %s", bad[_i].expr,
                  bad[_i].caret, err.msg);
    ck_assert_contains(err.msg, "a gate is [sbc=GLOB:]METRIC OP VALUE");
    ck_assert_contains(err.msg, "sbc-faults");
}
END_TEST

START_TEST(test_parse_too_long)
{
    char expr[200];
    memset(expr, 'a', sizeof expr - 1);
    expr[sizeof expr - 1] = '\0';
    dt_gate_t g;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_gate_parse(expr, &g, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "longer than 127");
    char id[80] = "action:";
    memset(id + 7, 'x', 64);
    strcpy(id + 71, ">1");
    ck_assert_int_eq(dt_gate_parse(id, &g, &err), DT_ERR_USAGE);
}
END_TEST

START_TEST(test_grammar_lists_every_metric)
{
    char list[512], grammar[1024];
    size_t n = dt_gate_metric_list(list, sizeof list, 25, 80);
    ck_assert_uint_eq(n, strlen(list));
    dt_gate_grammar(grammar, sizeof grammar, "  ");
    for (const dt_gate_metric_t *m = dt_gate_metrics; m->name; m++) {
        const char *written = m->forms == DT_GATE_RISE ? "action:ID-rise" : m->name;
        ck_assert_contains(list, written);
        ck_assert_contains(grammar, written);
    }
    ck_assert_contains(list, "action:ID");
    ck_assert_contains(list, "code:CODE");
    /* every line ends before column 80, the first starting at column 25 */
    size_t col = 25;
    for (const char *p = list; *p; p++) {
        col = *p == '\n' ? 0 : col + 1;
        ck_assert_uint_lt(col, 80);
    }
    char tiny[8];
    dt_gate_metric_list(tiny, sizeof tiny, 0, 80);
    ck_assert_uint_lt(strlen(tiny), sizeof tiny);
}
END_TEST

/* ---- judging ---- */

/* 20 calls: 12 succeeded on sbc1; 8 failed: 4 x 560403/403 (fix-tls, sbc1,
 * SBC origin), 2 x 560486/486 (busy, an expected ending, sbc2), 1 x
 * 599999/500 (Microsoft, undocumented, no SBC), 1 x -/486 (unknown origin,
 * undocumented, no SBC). NER 75% (12 + 3 with SIP 486 of 20). Faults: 6 (4
 * SBC, 1 Microsoft, 1 unknown); codes no rule documents: 2. */
static void usual_report(fixture_t *fx)
{
    fixture_init(fx, 0);
    fixture_calls(fx, 12, 200, NO_CODE, "OK", "sbc1", true);
    fixture_calls(fx, 4, 403, 560403, "Forbidden by the SBC", "sbc1", false);
    fixture_calls(fx, 2, 486, 560486, "The called number was busy", "sbc2", false);
    fixture_calls(fx, 1, 500, 599999, "", "", false);
    fixture_calls(fx, 1, 486, NO_CODE, "", "", false);
    fixture_build(fx, 1); /* top must not limit what gates count */
}

/* Judges one gate and returns its first result (fx->report owns it). */
static const dt_gate_result_t *judge(fixture_t *fx, const char *expr, uint64_t min_calls)
{
    static dt_gate_t g;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_gate_parse(expr, &g, &err) == DT_OK, "%s", err.msg);
    ck_assert_int_eq(dt_gates_judge(&fx->report, &g, 1, min_calls), DT_OK);
    ck_assert_uint_ge(fx->report.ngates, 1);
    return &fx->report.gates[0];
}

static const struct {
    const char *expr;
    uint64_t min_calls;
    bool breached, judged;
    const char *why; /* exact */
} checks[] = {
    {"failed>5", 0, true, true,
     "failed>5: failed calls, expected endings included: 8 of 20 calls (limit 5)"},
    {"failed>8", 0, false, true,
     "failed>8: failed calls, expected endings included: 8 of 20 calls (limit 8)"},
    {"failed>=8", 0, true, true,
     "failed>=8: failed calls, expected endings included: 8 of 20 calls (limit 8)"},
    {"failed<9", 0, true, true,
     "failed<9: failed calls, expected endings included: 8 of 20 calls (limit 9)"},
    {"failed<=7", 0, false, true,
     "failed<=7: failed calls, expected endings included: 8 of 20 calls (limit 7)"},
    {"failed>30%", 0, true, true,
     "failed>30%: failed calls, expected endings included: 40.00% of 20 calls (limit 30%)"},
    {"failed>40%", 0, false, true,
     "failed>40%: failed calls, expected endings included: 40.00% of 20 calls (limit 40%)"},
    {"failed>0.5%", 0, true, true,
     "failed>0.5%: failed calls, expected endings included: 40.00% of 20 calls (limit 0.5%)"},
    {"sbc>5", 0, true, true,
     "sbc>5: SBC-origin failures, expected endings included: 6 of 20 calls (limit 5)"},
    {"sbc>=30%", 0, true, true,
     "sbc>=30%: SBC-origin failures, expected endings included: 30.00% of 20 calls (limit 30%)"},
    {"microsoft>1", 0, false, true,
     "microsoft>1: Microsoft-origin failures, expected endings included: 1 of 20 calls (limit "
     "1)"},
    {"unknown>=1", 0, true, true,
     "unknown>=1: failures of unknown origin, expected endings included: 1 of 20 calls (limit 1)"},
    {"faults>5", 0, true, true,
     "faults>5: faults (failures that are not expected endings): 6 of 20 calls (limit 5)"},
    {"faults>30%", 0, false, true,
     "faults>30%: faults (failures that are not expected endings): 30.00% of 20 calls (limit "
     "30%)"},
    {"sbc-faults>=4", 0, true, true, "sbc-faults>=4: SBC-origin faults: 4 of 20 calls (limit 4)"},
    {"sbc-faults>4", 0, false, true, "sbc-faults>4: SBC-origin faults: 4 of 20 calls (limit 4)"},
    {"microsoft-faults>=5%", 0, true, true,
     "microsoft-faults>=5%: Microsoft-origin faults: 5.00% of 20 calls (limit 5%)"},
    {"unknown-faults>0", 0, true, true,
     "unknown-faults>0: faults of unknown origin: 1 of 20 calls (limit 0)"},
    {"unknown-codes>1", 0, true, true,
     "unknown-codes>1: failed calls whose codes no rule documents: 2 of 20 calls (limit 1)"},
    {"unknown-codes>=10%", 0, true, true,
     "unknown-codes>=10%: failed calls whose codes no rule documents: 10.00% of 20 calls (limit "
     "10%)"},
    {"calls<21", 0, true, true, "calls<21: 20 calls (limit 21)"},
    {"calls<20", 100, false, true, "calls<20: 20 calls (limit 20)"},
    {"rejected>0", 0, false, true, "rejected>0: rejected rows: 0 of 20 rows (limit 0)"},
    {"rejected>=0%", 0, true, true, "rejected>=0%: rejected rows: 0.00% of 20 rows (limit 0%)"},
    {"ner<95", 0, true, true, "ner<95: NER 75.00% over 20 calls (limit 95%)"},
    {"ner<75", 0, false, true, "ner<75: NER 75.00% over 20 calls (limit 75%)"},
    {"ner<=75%", 0, true, true, "ner<=75%: NER 75.00% over 20 calls (limit 75%)"},
    {"action:fix-tls>3", 0, true, true,
     "action:fix-tls>3: failed calls with action fix-tls: 4 of 20 calls (limit 3)"},
    {"action:fix-tls>=20%", 0, true, true,
     "action:fix-tls>=20%: failed calls with action fix-tls: 20.00% of 20 calls (limit 20%)"},
    {"action:busy>3", 0, false, true,
     "action:busy>3: failed calls with action busy: 2 of 20 calls (limit 3)"},
    {"action:nosuch<1", 0, true, true,
     "action:nosuch<1: failed calls with action nosuch: 0 of 20 calls (limit 1) (no such action "
     "in the rules)"},
    {"code:560403/403>3", 0, true, true,
     "code:560403/403>3: failed calls with code 560403/403: 4 of 20 calls (limit 3)"},
    {"code:560403>3", 0, true, true,
     "code:560403>3: failed calls with code 560403: 4 of 20 calls (limit 3)"},
    {"code:*/486>=3", 0, true, true,
     "code:*/486>=3: failed calls with code 486: 3 of 20 calls (limit 3)"},
    {"code:403>3", 0, true, true, "code:403>3: failed calls with code 403: 4 of 20 calls (limit 3)"},
    {"code:560403/404>0", 0, false, true,
     "code:560403/404>0: failed calls with code 560403/404: 0 of 20 calls (limit 0)"},
    {"code:560486/*>=10%", 0, true, true,
     "code:560486/*>=10%: failed calls with code 560486: 10.00% of 20 calls (limit 10%)"},
    /* The min-calls guard applies to percentages and ratios only. */
    {"ner<95", 100, false, false, "ner<95: not judged: 20 calls, fewer than --min-calls 100"},
    {"failed>1%", 21, false, false, "failed>1%: not judged: 20 calls, fewer than --min-calls 21"},
    {"rejected>1%", 21, false, false,
     "rejected>1%: not judged: 20 rows, fewer than --min-calls 21"},
    {"failed>1%", 20, true, true,
     "failed>1%: failed calls, expected endings included: 40.00% of 20 calls (limit 1%)"},
    {"failed>1", 100, true, true,
     "failed>1: failed calls, expected endings included: 8 of 20 calls (limit 1)"},
};

START_TEST(test_check)
{
    fixture_t fx;
    usual_report(&fx);
    const dt_gate_result_t *g = judge(&fx, checks[_i].expr, checks[_i].min_calls);
    ck_assert_uint_eq(fx.report.ngates, 1);
    ck_assert_msg(g->breached == checks[_i].breached, "%s: breached=%d (%s)", checks[_i].expr,
                  g->breached, g->why);
    ck_assert_int_eq(g->judged, checks[_i].judged);
    ck_assert_str_eq(g->why, checks[_i].why);
    ck_assert_str_eq(g->expr, checks[_i].expr);
    ck_assert_ptr_null(g->sbc);
    ck_assert_uint_eq(dt_gates_breached(&fx.report), checks[_i].breached);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_result_fields)
{
    fixture_t fx;
    usual_report(&fx);
    const dt_gate_result_t *g = judge(&fx, "sbc-faults>=10%", 0);
    ck_assert_str_eq(g->metric, "sbc-faults");
    ck_assert_str_eq(g->unit, "percent");
    ck_assert(g->has_value);
    ck_assert_double_eq_tol(g->value, 20.0, 1e-9);
    ck_assert_double_eq_tol(g->limit, 10.0, 1e-9);
    ck_assert_uint_eq(g->denominator, 20);
    g = judge(&fx, "code:*/486>0", 0);
    ck_assert_str_eq(g->metric, "code:486");
    ck_assert_str_eq(g->unit, "count");
    ck_assert_double_eq_tol(g->value, 3.0, 1e-9);
    g = judge(&fx, "action:fix-tls>0", 0);
    ck_assert_str_eq(g->metric, "action:fix-tls");
    g = judge(&fx, "ner<99", 0);
    ck_assert_str_eq(g->unit, "percent");
    ck_assert_double_eq_tol(g->value, 75.0, 1e-9);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_per_sbc)
{
    fixture_t fx;
    usual_report(&fx);
    /* sbc1 (16 calls: 4 SBC faults, NER 75%) and sbc2 (2 calls, NER 100%); the
     * calls without an SBC never match */
    const dt_gate_result_t *g = judge(&fx, "sbc=*:ner<80", 10);
    ck_assert_uint_eq(fx.report.ngates, 2);
    ck_assert_str_eq(g[0].sbc, "sbc1");
    ck_assert(g[0].breached && g[0].judged);
    ck_assert_str_eq(g[0].why, "sbc=*:ner<80: sbc1: NER 75.00% over 16 calls (limit 80%)");
    ck_assert_str_eq(g[1].sbc, "sbc2");
    ck_assert(!g[1].breached && !g[1].judged); /* its own guard: 2 calls < 10 */
    ck_assert_str_eq(g[1].why, "sbc=*:ner<80: sbc2: not judged: 2 calls, fewer than --min-calls 10");
    ck_assert_uint_eq(dt_gates_breached(&fx.report), 1);

    g = judge(&fx, "sbc=SBC2:sbc-faults>0", 0);
    ck_assert_uint_eq(fx.report.ngates, 1);
    ck_assert(!g->breached); /* busy is an expected ending */
    ck_assert_str_eq(g->why, "sbc=SBC2:sbc-faults>0: sbc2: SBC-origin faults: 0 of 2 calls (limit 0)");
    g = judge(&fx, "sbc=sbc2:sbc>0", 0);
    ck_assert(g->breached);

    /* a glob that matches no SBC is judged on no calls, named by the glob */
    g = judge(&fx, "sbc=sbc-eu*:calls<1", 0);
    ck_assert_uint_eq(fx.report.ngates, 1);
    ck_assert(g->breached && g->judged);
    ck_assert_str_eq(g->sbc, "sbc-eu*");
    ck_assert_str_eq(g->why, "sbc=sbc-eu*:calls<1: no SBC matches 'sbc-eu*': 0 calls (limit 1)");
    g = judge(&fx, "sbc=sbc-eu*:ner<95", 0);
    ck_assert(!g->breached && !g->judged && !g->has_value);
    ck_assert_str_eq(g->why, "sbc=sbc-eu*:ner<95: no SBC matches 'sbc-eu*': not judged: no calls");
    fixture_free(&fx);
}
END_TEST

START_TEST(test_several_gates_in_order)
{
    fixture_t fx;
    usual_report(&fx);
    dt_gate_t g[3];
    dt_error_t err;
    ck_assert_int_eq(dt_gate_parse("calls<1", &g[0], &err), DT_OK);
    ck_assert_int_eq(dt_gate_parse("sbc=sbc*:faults>0", &g[1], &err), DT_OK);
    ck_assert_int_eq(dt_gate_parse("faults>1", &g[2], &err), DT_OK);
    ck_assert_int_eq(dt_gates_judge(&fx.report, g, 3, 0), DT_OK);
    ck_assert_uint_eq(fx.report.ngates, 4);
    ck_assert_str_eq(fx.report.gates[0].expr, "calls<1");
    ck_assert_str_eq(fx.report.gates[1].sbc, "sbc1");
    ck_assert_str_eq(fx.report.gates[2].sbc, "sbc2");
    ck_assert_str_eq(fx.report.gates[3].expr, "faults>1");
    ck_assert_uint_eq(dt_gates_breached(&fx.report), 2);
    /* judging again replaces the results */
    ck_assert_int_eq(dt_gates_judge(&fx.report, g, 1, 0), DT_OK);
    ck_assert_uint_eq(fx.report.ngates, 1);
    ck_assert_int_eq(dt_gates_judge(&fx.report, g, 0, 0), DT_OK);
    ck_assert_uint_eq(fx.report.ngates, 0);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_check_no_calls)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    fixture_build(&fx, 0);
    const dt_gate_result_t *g = judge(&fx, "ner<95", 0);
    ck_assert(!g->breached && !g->judged);
    ck_assert_str_eq(g->why, "ner<95: not judged: no calls");
    g = judge(&fx, "failed>=0", 0);
    ck_assert(g->breached);
    ck_assert_str_eq(g->why, "failed>=0: failed calls, expected endings included: 0 of 0 calls "
                             "(limit 0)");
    g = judge(&fx, "calls<1", 0);
    ck_assert(g->breached);
    ck_assert_str_eq(g->why, "calls<1: 0 calls (limit 1)");
    fixture_free(&fx);
}
END_TEST

/* The Health Dashboard's measures as gates: sbc1 has three answered calls of
 * 125 s and one of 4 s, all in one minute (a peak of 4, its limit 5: 80%);
 * sbc2 two of 30 s (a peak of 2 of 10). ACD (375 + 4 + 60) / 6 = 73.17 s;
 * short calls 1 of 6. */
static void measured_report(fixture_t *fx, bool limits)
{
    fixture_init(fx, 0);
    dt_aggregate_options_t options = {.metrics = true, .concurrency = true};
    ck_assert_int_eq(dt_aggregate_configure(&fx->agg, &options), DT_OK);
    dt_call_extra_t talk = {.has_duration = true, .duration = 125, .has_span = true,
                            .span_start = 1795478400, .span_end = 1795478400 + 30};
    fx->extra = &talk;
    fixture_calls(fx, 3, 200, NO_CODE, "OK", "sbc1", true);
    talk.duration = 4;
    fixture_calls(fx, 1, 200, NO_CODE, "OK", "sbc1", true);
    talk.duration = 30;
    fixture_calls(fx, 2, 200, NO_CODE, "OK", "sbc2", true);
    dt_session_limit_t limit[] = {{"sbc1", 5}, {"sbc2", 10}};
    dt_report_options_t ro = {.limits = limits ? limit : NULL, .nlimits = limits ? 2 : 0};
    ck_assert_int_eq(dt_report_build(&fx->report, &fx->agg, &ro), DT_OK);
    fx->built = true;
}

START_TEST(test_health_measure_gates)
{
    fixture_t fx;
    measured_report(&fx, true);
    static const struct {
        const char *expr;
        uint64_t min_calls;
        bool breached, judged;
        const char *why;
    } cases[] = {
        {"acd<60", 0, false, true,
         "acd<60: ACD of answered calls 73.17 s over 6 answered calls with a duration "
         "(limit 60 s)"},
        {"acd<80", 0, true, true,
         "acd<80: ACD of answered calls 73.17 s over 6 answered calls with a duration "
         "(limit 80 s)"},
        {"sbc=sbc2:acd<60", 0, true, true,
         "sbc=sbc2:acd<60: sbc2: ACD of answered calls 30.00 s over 2 answered calls with a "
         "duration (limit 60 s)"},
        {"acd<80", 100, false, false,
         "acd<80: not judged: 6 answered calls with a duration, fewer than --min-calls 100"},
        {"short-calls>10%", 0, true, true,
         "short-calls>10%: answered calls shorter than 10 s: 16.67% of 6 answered calls with a "
         "duration (limit 10%)"},
        {"short-calls>1", 0, false, true,
         "short-calls>1: answered calls shorter than 10 s: 1 of 6 answered calls with a "
         "duration (limit 1)"},
        {"concurrency>=80%", 100, true, true, /* a session limit is not a number of calls */
         "concurrency>=80%: sbc1: peak concurrent calls: 80.00% of 5 sessions allowed by "
         "--max-concurrent (limit 80%)"}, /* the SBC nearest its limit, named */
        {"sbc=sbc2:concurrency>50%", 0, false, true,
         "sbc=sbc2:concurrency>50%: sbc2: peak concurrent calls: 20.00% of 10 sessions "
         "allowed by --max-concurrent (limit 50%)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dt_gate_result_t *g = judge(&fx, cases[i].expr, cases[i].min_calls);
        ck_assert_msg(g->breached == cases[i].breached && g->judged == cases[i].judged,
                      "%s: breached %d judged %d", cases[i].expr, g->breached, g->judged);
        ck_assert_str_eq(g->why, cases[i].why);
    }
    ck_assert_str_eq(judge(&fx, "acd<60", 0)->unit, "s");
    fixture_free(&fx);
    /* without --max-concurrent there is nothing to take a share of */
    measured_report(&fx, false);
    const dt_gate_result_t *g = judge(&fx, "concurrency>50%", 0);
    ck_assert(!g->judged && !g->breached);
    ck_assert_str_eq(g->why, "concurrency>50%: not judged: no sessions allowed by --max-concurrent");
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
    tcase_add_test(t, test_grammar_lists_every_metric);
    suite_add_tcase(s, t);
    t = tcase_create("judge");
    tcase_add_loop_test(t, test_check, 0, (int)(sizeof checks / sizeof checks[0]));
    tcase_add_test(t, test_result_fields);
    tcase_add_test(t, test_per_sbc);
    tcase_add_test(t, test_several_gates_in_order);
    tcase_add_test(t, test_check_no_calls);
    tcase_add_test(t, test_health_measure_gates);
    suite_add_tcase(s, t);
    return s;
}
