/* check_filter.c - filter parsing, globbing and judging calls. */
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "dt_date.h"
#include "dt_filter.h"
#include "test_util.h"


/* A record viewed by field slot, and its classified call. */
typedef struct {
    dt_slice_t cells[DT_FIELD_COUNT];
    dt_record_t record;
    dt_call_t call;
} fixture_call_t;

static void make_call(fixture_call_t *f, const char *sip, const char *ms, const char *sbc,
                      const char *call_type, const char *correlation)
{
    memset(f, 0, sizeof *f);
    const char *values[DT_FIELD_COUNT] = {0};
    values[DT_FIELD_SIP] = sip;
    values[DT_FIELD_MS] = ms;
    values[DT_FIELD_SBC] = sbc;
    values[DT_FIELD_CALL_TYPE] = call_type;
    values[DT_FIELD_CORRELATION] = correlation;
    for (size_t i = 0; i < DT_FIELD_COUNT; i++)
        if (values[i])
            f->cells[i] = (dt_slice_t){values[i], strlen(values[i])};
    f->record = (dt_record_t){.line = 2, .index = 1, .nfields = 5, .cells = f->cells,
                              .ncells = DT_FIELD_COUNT};
    char reason[DT_REASON_MAX];
    ck_assert_int_eq(dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ANY, &f->record, 5, ',',
                                        &f->call, reason, NULL),
                     DT_CLASSIFY_CALL);
}

/* The filter of a --filter expression that must parse. */
static dt_filter_t parsed(const char *expr)
{
    dt_filter_t filter = {0};
    dt_error_t err;
    ck_assert_msg(dt_filter_parse(&filter, expr, &err) == DT_OK, "%s: %s", expr, err.msg);
    return filter;
}

static dt_filter_result_t judge(const char *expr, const fixture_call_t *f, bool has_time,
                                int64_t time)
{
    dt_filter_t filter = parsed(expr);
    dt_filter_subject_t subject = {.record = &f->record, .call = &f->call, .has_time = has_time,
                                   .time = time};
    return dt_filter_match(&filter, &tu_rules, &subject, NULL);
}

START_TEST(glob)
{
    ck_assert(dt_glob_match("sbc*", "SBC1.contoso.com", 16));
    ck_assert(dt_glob_match("*.contoso.com", "sbc1.contoso.com", 16));
    ck_assert(dt_glob_match("sbc?.contoso.com", "sbc2.contoso.com", 16));
    ck_assert(!dt_glob_match("sbc?.contoso.com", "sbc22.contoso.com", 17));
    ck_assert(dt_glob_match("*", "", 0));
    ck_assert(!dt_glob_match("a", "", 0));
    ck_assert(dt_glob_match("a*b*c", "axxbyyc", 7));
    ck_assert(!dt_glob_match("a*b*c", "axxbyy", 6));
}
END_TEST

START_TEST(parse_errors)
{
    static const char *const bad[] = {"",           "origin",       "=sbc",
                                      "origin=mars", "code=56x",     "since=yesterday",
                                      "direction=up", "colour=red",  "origin=sbc,",
                                      "sip=1000",   "result=maybe", "known=perhaps",
                                      "code=*/*",   "code=403.0",   "ms=56x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dt_filter_t filter = {0};
        dt_error_t err = {{0}};
        ck_assert_msg(dt_filter_parse(&filter, bad[i], &err) == DT_ERR_USAGE, "'%s' accepted",
                      bad[i]);
        ck_assert_msg(err.msg[0] != '\0', "'%s': no message", bad[i]);
    }
    dt_filter_t filter = {0};
    dt_error_t err;
    ck_assert_int_eq(dt_filter_parse(&filter, "origin=mars", &err), DT_ERR_USAGE);
    ck_assert_msg(strstr(err.msg, "sbc, microsoft or unknown"), "%s", err.msg);
    ck_assert_int_eq(dt_filter_parse(&filter, "colour=red", &err), DT_ERR_USAGE);
    ck_assert_msg(strstr(err.msg, "'colour' is unknown"), "%s", err.msg);
}
END_TEST

START_TEST(too_many_conditions)
{
    dt_filter_t filter = {0};
    dt_error_t err;
    for (int i = 0; i < DT_FILTER_MAX; i++)
        ck_assert_int_eq(dt_filter_add(&filter, "sbc", "x*", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&filter, "sbc", "x*", &err), DT_ERR_USAGE);
}
END_TEST

START_TEST(conditions_on_a_failed_call)
{
    fixture_call_t f;
    make_call(&f, "403", "560403", "sbc1.contoso.com", "dr_out", "corr-1");
    ck_assert_int_eq(judge("origin=sbc", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("origin=microsoft", &f, false, 0), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(judge("code=560403", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("code=560403/403", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("code=560403/404", &f, false, 0), DT_FILTER_EXCLUDE);
    /* codes read as explain reads them: 403 alone is the SIP code */
    ck_assert_int_eq(judge("code=403", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("code=*/403", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("code=560403/*", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("code=404", &f, false, 0), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(judge("code=403/*", &f, false, 0), DT_FILTER_EXCLUDE); /* Microsoft 403 */
    ck_assert_int_eq(judge("ms=560403,sip=403", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("sbc=SBC1*", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("sbc=sbc2*", &f, false, 0), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(judge("direction=out", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("direction=in", &f, false, 0), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(judge("call-type=dr_*", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("result=failed,known=yes", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("correlation=corr-1", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("correlation=corr-2", &f, false, 0), DT_FILTER_EXCLUDE);
    const char *action = tu_rules.actions[f.call.match->action].id;
    char expr[128];
    snprintf(expr, sizeof expr, "action=%s", action);
    ck_assert_int_eq(judge(expr, &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("action=tls-certificate", &f, false, 0), DT_FILTER_EXCLUDE);
}
END_TEST

START_TEST(conditions_on_a_succeeded_call)
{
    fixture_call_t f;
    make_call(&f, "0", "540000", "sbc1.contoso.com", "ByotIn", "corr-9");
    ck_assert(f.call.succeeded);
    ck_assert_int_eq(judge("result=succeeded", &f, false, 0), DT_FILTER_PASS);
    ck_assert_int_eq(judge("origin=unknown", &f, false, 0), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(judge("code=540000", &f, false, 0), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(judge("direction=in", &f, false, 0), DT_FILTER_PASS);
}
END_TEST

/* Direction from the call type: TAC and Graph values, CQD's service + type
 * in any spelling; an unknown value (ACS documents none) passes either way. */
START_TEST(direction_of_call_types)
{
    static const struct {
        const char *type;
        int direction;
    } types[] = {
        {"dr_in", 1},          {"ByotOutUserForwarding", 0}, {"ByotOutEmergency", 0},
        {"UcapIn", 1},         {"ByotOut_transfer", 0},      {"byot_out_conf", 0},
        {"Emergency_Out", 0},  {"ConfOut_forward", 0},       {" userin ", 1},
        {"ucap_out_conf", 0},  {"DirectRoutingInbound", -1}, {"Ucap", -1},
        {"ByotSideways", -1},  {"", -1},                     {"in", -1},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        fixture_call_t f;
        make_call(&f, "403", "560403", "sbc1", types[i].type, "c");
        ck_assert_msg(dt_call_direction(&tu_rules, &f.record) == types[i].direction, "'%s'",
                      types[i].type);
        dt_filter_result_t in = judge("direction=in", &f, false, 0);
        dt_filter_result_t out = judge("direction=out", &f, false, 0);
        ck_assert_msg(in == (types[i].direction == 0 ? DT_FILTER_EXCLUDE : DT_FILTER_PASS) &&
                          out == (types[i].direction == 1 ? DT_FILTER_EXCLUDE : DT_FILTER_PASS),
                      "'%s': in %d, out %d", types[i].type, in, out);
    }
}
END_TEST

/* A direction worked out once for the row is the one every condition and
 * every tally reads: the call type is not looked up again. */
START_TEST(direction_given_once)
{
    fixture_call_t f;
    make_call(&f, "403", "560403", "sbc1", "dr_out", "c");
    dt_filter_t filter = parsed("direction=in");
    char buf[DT_FILTER_VALUE_MAX];
    /* without a direction given, the call type's (out); given, the one given (in) */
    for (int given = 0; given < 2; given++) {
        dt_filter_subject_t s = {.record = &f.record, .call = &f.call, .has_direction = given,
                                 .direction = 1};
        ck_assert_int_eq(dt_filter_match(&filter, &tu_rules, &s, NULL),
                         given ? DT_FILTER_PASS : DT_FILTER_EXCLUDE);
        dt_slice_t v = dt_filter_value(&filter.conds[0], &tu_rules, &s, buf);
        const char *want = given ? "in" : "out";
        ck_assert(v.len == strlen(want) && memcmp(v.ptr, want, v.len) == 0);
    }
}
END_TEST

START_TEST(time_conditions)
{
    fixture_call_t f;
    make_call(&f, "503", "560503", "sbc1", "dr_out", "c");
    int64_t t;
    ck_assert_int_eq(dt_date_parse("2026-11-03T10:00:00Z", 20, &t), DT_DATE_OK);
    ck_assert_int_eq(judge("since=2026-11-03", &f, true, t), DT_FILTER_PASS);
    ck_assert_int_eq(judge("since=2026-11-04", &f, true, t), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(judge("until=2026-11-03T10:00:00Z", &f, true, t), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(judge("until=2026-11-03T10:00:01Z", &f, true, t), DT_FILTER_PASS);
    ck_assert_int_eq(judge("since=2026-11-01", &f, false, 0), DT_FILTER_UNDATED);
    dt_filter_t filter = {0};
    dt_error_t err;
    ck_assert_int_eq(dt_filter_parse(&filter, "sbc=x", &err), DT_OK);
    ck_assert(!dt_filter_uses_time(&filter));
    ck_assert_int_eq(dt_filter_add(&filter, "until", "2026-11-01", &err), DT_OK);
    ck_assert(dt_filter_uses_time(&filter));
}
END_TEST

/* Judges --where conditions against one call whose where cells are given. */
static dt_filter_result_t judge_where(const char *const *exprs, size_t n, const char *const *cells)
{
    fixture_call_t f;
    make_call(&f, "0", "540000", "sbc1", "dr_in", "c");
    dt_filter_t filter = {0};
    dt_error_t err;
    dt_slice_t where[DT_WHERE_MAX];
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(dt_filter_add(&filter, "where", exprs[i], &err) == DT_OK, "%s: %s", exprs[i],
                      err.msg);
        where[i] = (dt_slice_t){cells[i], strlen(cells[i])};
    }
    dt_filter_subject_t subject = {.record = &f.record, .call = &f.call, .where = where};
    return dt_filter_match(&filter, &tu_rules, &subject, NULL);
}

START_TEST(where_conditions)
{
    static const struct {
        const char *expr, *cell;
        bool holds;
    } cases[] = {
        {"External Country=DE", "DE", true},
        {"External Country=DE", "de", true}, /* ASCII case ignored */
        {"External Country = DE ", "DE", true}, /* blanks around the operator */
        {"External Country=DE", "DEU", false},
        {"External Country=", "", true},     /* an empty cell */
        {"External Country!=DE", "FR", true},
        {"External Country!=DE", "De", false},
        {"Display Name~*desk*", "Front Desk\r\nBuilding 2", true},
        {"Display Name~front?desk*", "Front Desk\nB", true},
        {"Display Name~*desk", "Front Desk\nB", false},
        {"Duration (seconds)>10", "10.5", true},
        {"Duration (seconds)>10", "10", false},
        {"Duration (seconds)>=10", "10", true},
        {"Duration (seconds)<10", "9", true},
        {"Duration (seconds)<=-1", "-1", true},
        {"Duration (seconds)<10", "", false},    /* not a number: does not hold */
        {"Duration (seconds)<10", "abc", false},
        {"Duration (seconds)>1e2", "101", true},
        {"a!b=c", "c", true},                    /* '!' alone is part of the column */
        {"x=a=b", "a=b", true},                  /* the first operator splits */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *expr = cases[i].expr, *cell = cases[i].cell;
        ck_assert_msg(judge_where(&expr, 1, &cell) ==
                          (cases[i].holds ? DT_FILTER_PASS : DT_FILTER_EXCLUDE),
                      "%s on '%s'", expr, cell);
    }
    const char *exprs[] = {"A=1", "B~x*", "C>5"}, *cells[] = {"1", "xy", "6"};
    ck_assert_int_eq(judge_where(exprs, 3, cells), DT_FILTER_PASS);
    const char *other[] = {"1", "xy", "5"};
    ck_assert_int_eq(judge_where(exprs, 3, other), DT_FILTER_EXCLUDE); /* all must hold */
}
END_TEST

START_TEST(where_parsing)
{
    dt_filter_t filter = {0};
    dt_error_t err;
    ck_assert_int_eq(dt_filter_add(&filter, "where", " External Country = DE ", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&filter, "sbc", "sbc1*", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&filter, "where", "Duration (seconds)>=0.5", &err), DT_OK);
    ck_assert_uint_eq(filter.nwhere, 2);
    ck_assert_str_eq(dt_filter_where_column(&filter, 0), "External Country");
    ck_assert_str_eq(dt_filter_where_column(&filter, 1), "Duration (seconds)");
    ck_assert_str_eq(filter.conds[0].value, "DE");
    ck_assert_int_eq(filter.conds[2].op, DT_WHERE_GE);
    ck_assert_double_eq_tol(filter.conds[2].number, 0.5, 1e-12);
    ck_assert(dt_filter_fields(&filter) == 1u << DT_FIELD_SBC); /* where reads no field */
    char text[256];
    dt_filter_describe(&filter, text, sizeof text);
    ck_assert_str_eq(text, "where= External Country = DE , sbc=sbc1*, "
                           "where=Duration (seconds)>=0.5");

    static const struct {
        const char *expr, *message;
    } bad[] = {{"External Country", "no operator"},
               {"=DE", "no column name before the operator"},
               {"  ~x", "no column name"},
               {"Duration>ten", "compare numbers"},
               {"Duration<", "compare numbers"},
               {"a!b", "no operator"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dt_filter_t f = {0};
        ck_assert_int_eq(dt_filter_add(&f, "where", bad[i].expr, &err), DT_ERR_USAGE);
        ck_assert_msg(strstr(err.msg, bad[i].message), "%s: %s", bad[i].expr, err.msg);
        ck_assert_msg(strstr(err.msg, "COLUMN OP VALUE"), "%s: %s", bad[i].expr, err.msg);
    }
    dt_filter_t many = {0};
    for (int i = 0; i < DT_WHERE_MAX; i++)
        ck_assert_int_eq(dt_filter_add(&many, "where", "a=b", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&many, "where", "a=b", &err), DT_ERR_USAGE);
    ck_assert_msg(strstr(err.msg, "at most 8"), "%s", err.msg);
    dt_filter_t rows = {0};
    ck_assert_int_eq(dt_filter_parse(&rows, "origin=sbc,where=a=b", &err), DT_ERR_USAGE);
    ck_assert_msg(strstr(err.msg, "'where' is an option of its own"), "%s", err.msg);
}
END_TEST

START_TEST(held_judges_every_condition)
{
    fixture_call_t f;
    make_call(&f, "403", "560403", "sbc1.contoso.com", "dr_out", "c");
    dt_filter_t filter = {0};
    dt_error_t err;
    ck_assert_int_eq(dt_filter_parse(&filter, "sbc=sbc2*,origin=sbc,since=2026-11-01,code=404",
                                     &err), DT_OK);
    bool held[DT_FILTER_MAX];
    memset(held, 1, sizeof held);
    dt_filter_subject_t s = {.record = &f.record, .call = &f.call};
    /* the first failing condition decides (sbc: EXCLUDE, before the undated time) */
    ck_assert_int_eq(dt_filter_match(&filter, &tu_rules, &s, held), DT_FILTER_EXCLUDE);
    ck_assert_int_eq(dt_filter_match(&filter, &tu_rules, &s, NULL), DT_FILTER_EXCLUDE);
    ck_assert(!held[0] && held[1] && !held[2] && !held[3]);
    dt_filter_t timed = {0};
    ck_assert_int_eq(dt_filter_parse(&timed, "since=2026-11-01,sbc=sbc2*", &err), DT_OK);
    ck_assert_int_eq(dt_filter_match(&timed, &tu_rules, &s, held), DT_FILTER_UNDATED);
    ck_assert_int_eq(dt_filter_match(&timed, &tu_rules, &s, NULL), DT_FILTER_UNDATED);
    ck_assert(!held[0] && !held[1]);
    s.has_time = true;
    ck_assert_int_eq(dt_date_parse("2026-11-03", 10, &s.time), DT_DATE_OK);
    ck_assert_int_eq(dt_filter_parse(&timed, "sbc=sbc1*", &err), DT_OK); /* appends */
    ck_assert_int_eq(dt_filter_match(&timed, &tu_rules, &s, held), DT_FILTER_EXCLUDE);
    ck_assert(held[0] && !held[1] && held[2]);
}
END_TEST

START_TEST(what_a_condition_reads)
{
    fixture_call_t f;
    make_call(&f, "403", "560403", "sbc1.contoso.com", "dr_out", "corr-1");
    dt_filter_t filter = {0};
    dt_error_t err;
    ck_assert_int_eq(dt_filter_add(&filter, "sbc", "sbc2", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&filter, "code", "403", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&filter, "direction", "in", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&filter, "where", "External Country=DE", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&filter, "since", "2026-11-01", &err), DT_OK);
    dt_slice_t where[] = {{"FR", 2}};
    dt_filter_subject_t s = {.record = &f.record, .call = &f.call, .where = where};
    static const char *const values[] = {"sbc1.contoso.com", "560403/403", "out", "FR", ""};
    static const char *const nouns[] = {"SBCs", "codes of failed calls", "directions",
                                        "values of 'External Country'", "start times"};
    for (size_t i = 0; i < filter.n; i++) {
        char buf[DT_FILTER_VALUE_MAX], noun[64];
        dt_slice_t v = dt_filter_value(&filter.conds[i], &tu_rules, &s, buf);
        ck_assert_uint_eq(v.len, strlen(values[i]));
        ck_assert(v.len == 0 || memcmp(v.ptr, values[i], v.len) == 0);
        ck_assert_str_eq(dt_filter_value_noun(&filter.conds[i], noun, sizeof noun), nouns[i]);
    }
    char option[64];
    dt_filter_describe_option(&filter, 0, option, sizeof option);
    ck_assert_str_eq(option, "--sbc 'sbc2'");
    dt_filter_describe_option(&filter, 3, option, sizeof option);
    ck_assert_str_eq(option, "--where 'External Country=DE'");
    dt_filter_t rows = {0};
    ck_assert_int_eq(dt_filter_parse(&rows, "origin=sbc,action=tls", &err), DT_OK);
    dt_filter_describe_option(&rows, 1, option, sizeof option);
    ck_assert_str_eq(option, "--rows 'action=tls'");
    /* a succeeded call has no code, action or origin to list */
    fixture_call_t ok;
    make_call(&ok, "0", "540000", "sbc1", "dr_in", "c");
    dt_filter_subject_t t = {.record = &ok.record, .call = &ok.call};
    char buf[DT_FILTER_VALUE_MAX];
    ck_assert_uint_eq(dt_filter_value(&filter.conds[1], &tu_rules, &t, buf).len, 0);
    ck_assert_uint_eq(dt_filter_value(&rows.conds[0], &tu_rules, &t, buf).len, 0);
}
END_TEST

START_TEST(unjudgeable_conditions)
{
    dt_filter_t filter = {0};
    dt_error_t err;
    ck_assert_int_eq(dt_filter_parse(&filter, "origin=sbc,direction=in,sbc=x", &err), DT_OK);
    uint32_t all = (1u << DT_FIELD_COUNT) - 1;
    ck_assert_uint_eq(dt_filter_unjudgeable(&filter, all), SIZE_MAX);
    /* direction needs the direction or the call type: either will do */
    ck_assert_uint_eq(dt_filter_unjudgeable(&filter, 1u << DT_FIELD_CALL_TYPE | 1u << DT_FIELD_SBC),
                      SIZE_MAX);
    ck_assert_uint_eq(dt_filter_unjudgeable(&filter, 1u << DT_FIELD_SBC), 1);
    ck_assert_uint_eq(dt_filter_unjudgeable(&filter, 1u << DT_FIELD_DIRECTION), 2);
    ck_assert_uint_eq(dt_filter_unjudgeable(&filter, 0), 1); /* origin never needs a column */
    ck_assert_uint_eq(dt_cond_fields(&filter.conds[0]), 0);
}
END_TEST

START_TEST(describe)
{
    dt_filter_t filter = {0};
    dt_error_t err;
    ck_assert_int_eq(dt_filter_parse(&filter, "origin=sbc,sbc=sbc1*", &err), DT_OK);
    char text[128];
    dt_filter_describe(&filter, text, sizeof text);
    ck_assert_str_eq(text, "origin=sbc, sbc=sbc1*");
}
END_TEST

Suite *dt_suite_filter(void)
{
    Suite *s = suite_create("filter");
    TCase *tc = tcase_create("filter");
    tcase_add_checked_fixture(tc, tu_embedded_setup, tu_embedded_teardown);
    tcase_add_test(tc, glob);
    tcase_add_test(tc, parse_errors);
    tcase_add_test(tc, too_many_conditions);
    tcase_add_test(tc, conditions_on_a_failed_call);
    tcase_add_test(tc, conditions_on_a_succeeded_call);
    tcase_add_test(tc, direction_of_call_types);
    tcase_add_test(tc, direction_given_once);
    tcase_add_test(tc, time_conditions);
    tcase_add_test(tc, describe);
    tcase_add_test(tc, where_conditions);
    tcase_add_test(tc, held_judges_every_condition);
    tcase_add_test(tc, what_a_condition_reads);
    tcase_add_test(tc, unjudgeable_conditions);
    tcase_add_test(tc, where_parsing);
    suite_add_tcase(s, tc);
    return s;
}
