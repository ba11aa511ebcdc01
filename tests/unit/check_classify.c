/* check_classify.c - one record in, a call or a rejection out. */
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "dt_classify.h"
#include "test_util.h"


/* A record of `nfields` fields whose kept cells are given by field (NULL: the
 * record lacks that column). */
typedef struct {
    dt_slice_t cells[DT_FIELD_COUNT];
    dt_record_t record;
} row_t;

static void row_init(row_t *row, size_t nfields)
{
    memset(row, 0, sizeof *row);
    row->record = (dt_record_t){.line = 2, .index = 1, .nfields = nfields, .cells = row->cells,
                                .ncells = DT_FIELD_COUNT};
}

static void row_set(row_t *row, dt_field_t field, const char *text)
{
    row->cells[field] = (dt_slice_t){text, text ? strlen(text) : 0};
}

/* Classifies a row with SIP, MS, success and phrase cells (NULL = column absent). */
static bool classify(const char *sip, const char *ms, const char *success, const char *phrase,
                     dt_call_t *call, char *reason)
{
    row_t row;
    row_init(&row, 5);
    row_set(&row, DT_FIELD_SIP, sip);
    row_set(&row, DT_FIELD_MS, ms);
    row_set(&row, DT_FIELD_SUCCESS, success);
    row_set(&row, DT_FIELD_PHRASE, phrase);
    row_set(&row, DT_FIELD_SBC, "sbc1.example.com");
    reason[0] = '\0';
    dt_error_t err = {{0}};
    dt_classify_result_t r = dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ANY, &row.record, 5,
                                                ',', call, reason, &err);
    ck_assert_msg(r != DT_CLASSIFY_FAILED, "%s", err.msg);
    return r == DT_CLASSIFY_CALL;
}

typedef struct {
    const char *success;
    const char *sip;
    bool succeeded;
} success_case_t;

static const success_case_t success_cases[] = {
    {"Yes", "403", true},      /* the column wins over the SIP code */
    {"No", "0", false},
    {"True", "486", true},     {"False", "200", false},   {"1", "503", true},
    {"0", "0", false},         {" yes ", "500", true},    {"TRUE", "500", true},
    {"maybe", "200", true},    /* unrecognised: the SIP rule decides */
    {"maybe", "403", false},   {"", "0", true},           {"", "486", false},
    {"n/a", "", false},        {NULL, "202", true},       {NULL, "299", true},
    {NULL, "300", false},      {NULL, "100", false},      {NULL, "", false},
};

START_TEST(test_success)
{
    const success_case_t *c = &success_cases[_i];
    dt_call_t call;
    char reason[DT_REASON_MAX];
    ck_assert_msg(classify(c->sip, "540000", c->success, "", &call, reason), "rejected: %s",
                  reason);
    ck_assert_msg(call.succeeded == c->succeeded, "success '%s' sip '%s': succeeded %d",
                  c->success ? c->success : "(none)", c->sip, call.succeeded);
    if (call.succeeded) {
        ck_assert_msg(call.effective, "a completed call is effective");
        ck_assert_ptr_null(call.match);
    } else {
        ck_assert_ptr_nonnull(call.match);
    }
}
END_TEST

START_TEST(test_success_values)
{
    ck_assert_int_eq(dt_classify_success_value(&tu_rules, "Yes", 3), 1);
    ck_assert_int_eq(dt_classify_success_value(&tu_rules, "no", 2), 0);
    ck_assert_int_eq(dt_classify_success_value(&tu_rules, "\tFalse ", 7), 0);
    ck_assert_int_eq(dt_classify_success_value(&tu_rules, "", 0), -1);
    ck_assert_int_eq(dt_classify_success_value(&tu_rules, "  ", 2), -1);
    ck_assert_int_eq(dt_classify_success_value(&tu_rules, "yess", 4), -1);
    ck_assert_int_eq(dt_classify_success_value(&tu_rules, "yes", 2), -1);
    char long_value[100];
    memset(long_value, 'y', sizeof long_value);
    ck_assert_int_eq(dt_classify_success_value(&tu_rules, long_value, sizeof long_value), -1);
    ck_assert(dt_classify_sip_completed(0));
    ck_assert(dt_classify_sip_completed(200));
    ck_assert(dt_classify_sip_completed(299));
    ck_assert(!dt_classify_sip_completed(199));
    ck_assert(!dt_classify_sip_completed(300));
    ck_assert(!dt_classify_sip_completed(486));
}
END_TEST

START_TEST(test_field_count)
{
    row_t row;
    row_init(&row, 4);
    row_set(&row, DT_FIELD_SIP, "403");
    dt_call_t call;
    char reason[DT_REASON_MAX] = "";
    ck_assert_int_eq(dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ANY, &row.record, 5, ',',
                                        &call, reason, NULL),
                     DT_CLASSIFY_REJECTED);
    ck_assert_str_eq(reason, "has 4 fields, the header has 5");
    row_init(&row, 7);
    ck_assert_int_eq(dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ANY, &row.record, 5, ',',
                                        &call, reason, NULL),
                     DT_CLASSIFY_REJECTED);
    ck_assert_contains(reason, "has 7 fields");
}
END_TEST

/* In a ';' file a comma in a code is Excel's decimal mark; in a ',' file it is an error. */
START_TEST(test_comma_decimals)
{
    row_t row;
    row_init(&row, 5);
    row_set(&row, DT_FIELD_SIP, "403,0");
    row_set(&row, DT_FIELD_MS, "5,60403E+05");
    row_set(&row, DT_FIELD_SUCCESS, "No");
    dt_call_t call;
    char reason[DT_REASON_MAX] = "";
    ck_assert_msg(dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ANY, &row.record, 5, ';',
                                     &call, reason, NULL) == DT_CLASSIFY_CALL,
                  "%s", reason);
    ck_assert(call.key.has_sip && call.key.sip == 403);
    ck_assert(call.key.has_ms && call.key.ms == 560403);
    ck_assert_int_eq(dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ANY, &row.record, 5, ',',
                                        &call, reason, NULL),
                     DT_CLASSIFY_REJECTED);
    ck_assert_str_eq(reason, "SIP code '403,0' is not a whole number");
    ck_assert_int_eq(dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ANY, &row.record, 5, '\t',
                                        &call, reason, NULL),
                     DT_CLASSIFY_REJECTED);
}
END_TEST

typedef struct {
    const char *sip, *ms;
    const char *reason;
} bad_code_case_t;

static const bad_code_case_t bad_codes[] = {
    {"abc", "540000", "SIP code 'abc' is not a number"},
    {"403.5", "540000", "SIP code '403.5' is not a whole number"},
    {"-403", "", "SIP code '-403' is negative"},
    {"4 03", "", "SIP code '4 03' contains blanks"},
    {"403", "56x403", "Microsoft code '56x403' is not a whole number"},
    {"403", "99999999999999999999", "Microsoft code '99999999999999999999' is out of range"},
    {"4294967296", "", "SIP code 4294967296 is out of range"},
};

START_TEST(test_bad_codes)
{
    const bad_code_case_t *c = &bad_codes[_i];
    dt_call_t call;
    char reason[DT_REASON_MAX];
    ck_assert_msg(!classify(c->sip, c->ms, "No", "", &call, reason), "'%s'/'%s' accepted", c->sip,
                  c->ms);
    ck_assert_str_eq(reason, c->reason);
}
END_TEST

START_TEST(test_long_bad_value)
{
    char value[300];
    memset(value, 'z', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    dt_call_t call;
    char reason[DT_REASON_MAX];
    ck_assert(!classify(value, "", NULL, "", &call, reason));
    ck_assert_msg(strlen(reason) < 100, "the reason quotes the value cut short: %s", reason);
    ck_assert_contains(reason, "SIP code 'zzzz");
}
END_TEST

START_TEST(test_failed_call)
{
    dt_call_t call;
    char reason[DT_REASON_MAX];
    ck_assert(classify(" 504 ", "5.69002E+05", "No",
                       "Unable to deliver INVITE: TLS decryption failed; HRESULT=590615", &call,
                       reason));
    ck_assert(!call.succeeded);
    ck_assert(call.key.has_sip && call.key.has_ms);
    ck_assert_uint_eq(call.key.sip, 504);
    ck_assert_uint_eq(call.key.ms, 569002);
    ck_assert_int_eq(call.origin, DT_ORIGIN_MICROSOFT);
    ck_assert_int_eq(call.match->level, DT_MATCH_PHRASE);
    ck_assert_str_eq(tu_rules.actions[call.match->action].id, "tls-session-expired");
    ck_assert_uint_eq(call.sbc.len, strlen("sbc1.example.com"));
    ck_assert_mem_eq(call.sbc.ptr, "sbc1.example.com", call.sbc.len);
    ck_assert(!call.effective);

    /* Empty code cells are absent tu_codes, not zero. */
    ck_assert(classify("", "", "No", NULL, &call, reason));
    ck_assert(!call.key.has_sip && !call.key.has_ms);
    ck_assert_int_eq(call.match->level, DT_MATCH_NONE);
    ck_assert_int_eq(call.origin, DT_ORIGIN_UNKNOWN);
    ck_assert_uint_eq(call.phrase.len, 0);
    ck_assert_ptr_nonnull(call.phrase.ptr);

    ck_assert(classify("487", "560487", "No", "", &call, reason));
    ck_assert_int_eq(call.origin, DT_ORIGIN_SBC);
}
END_TEST

/* The file's family picks the origin rules: 540487 is the SBC's in ACS files. */
START_TEST(test_family_origin)
{
    row_t row;
    row_init(&row, 5);
    row_set(&row, DT_FIELD_SIP, "487");
    row_set(&row, DT_FIELD_MS, "540487");
    dt_call_t call;
    char reason[DT_REASON_MAX];
    ck_assert_int_eq(dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ACS, &row.record, 5, ',',
                                        &call, reason, NULL),
                     DT_CLASSIFY_CALL);
    ck_assert(!call.succeeded);
    ck_assert_int_eq(call.origin, DT_ORIGIN_SBC);
    ck_assert_int_eq(dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_TAC, &row.record, 5, ',',
                                        &call, reason, NULL),
                     DT_CLASSIFY_CALL);
    ck_assert_int_eq(call.origin, DT_ORIGIN_MICROSOFT);
    ck_assert_str_eq(tu_rules.actions[call.match->action].id, "caller-cancelled");
}
END_TEST

START_TEST(test_ner_effective)
{
    dt_call_t call;
    char reason[DT_REASON_MAX];
    ck_assert(classify("486", "560486", "No", "", &call, reason));
    ck_assert(!call.succeeded);
    ck_assert_msg(call.effective, "a 486 failure counts as delivered");
    ck_assert(classify("503", "560503", "No", "", &call, reason));
    ck_assert(!call.succeeded);
    ck_assert_msg(!call.effective, "a 503 failure is not effective");
    ck_assert(classify("", "560486", "No", "", &call, reason));
    ck_assert_msg(!call.effective, "without a SIP code a failure is not effective");
    ck_assert(classify("1486", "", "No", "", &call, reason));
    ck_assert(!call.effective);
}
END_TEST

/* Classifies a failed 403 row with a count cell (NULL: the export has no count column). */
static bool classify_count(const char *count, dt_call_t *call, char *reason)
{
    row_t row;
    row_init(&row, 4);
    row_set(&row, DT_FIELD_SIP, "403");
    row_set(&row, DT_FIELD_MS, "560403");
    row_set(&row, DT_FIELD_SBC, "sbc1.example.com");
    row_set(&row, DT_FIELD_WEIGHT, count);
    reason[0] = '\0';
    return dt_classify_record(&tu_rules, tu_codes, DT_FAMILY_ANY, &row.record, 4, ',', call,
                              reason, NULL) == DT_CLASSIFY_CALL;
}

typedef struct {
    const char *count;
    bool ok;
    uint64_t weight;      /* when ok */
    const char *reason;   /* when not */
} weight_case_t;

static const weight_case_t weight_cases[] = {
    {NULL, true, 1, NULL},                 /* no count column: one call a row */
    {"1", true, 1, NULL},
    {"12345", true, 12345, NULL},
    {" 42 ", true, 42, NULL},              /* blanks around it */
    {"0", true, 0, NULL},                  /* a group of no calls */
    {"17.0", true, 17, NULL},              /* Excel's decimal zero */
    {"1.2E+03", true, 1200, NULL},         /* Excel's scientific form of a whole number */
    {"1000000000", true, 1000000000, NULL}, /* DT_WEIGHT_MAX */
    {"", false, 0, "count is empty"},
    {"  ", false, 0, "count is empty"},
    {"1.5", false, 0, "count '1.5' is not a whole number"},
    {"-3", false, 0, "count '-3' is negative"},
    {"ten", false, 0, "count 'ten' is not a number"},
    {"1,234", false, 0, "count '1,234' is not a whole number"},
    {"1000000001", false, 0, "count 1000000001 is out of range (at most 1000000000 calls a row)"},
    {"99999999999999999999", false, 0, "count '99999999999999999999' is out of range"},
};

START_TEST(test_weight)
{
    const weight_case_t *c = &weight_cases[_i];
    dt_call_t call;
    char reason[DT_REASON_MAX];
    bool ok = classify_count(c->count, &call, reason);
    ck_assert_msg(ok == c->ok, "count '%s': %s", c->count ? c->count : "(none)", reason);
    if (ok) {
        ck_assert_uint_eq(call.weight, c->weight);
        ck_assert(!call.succeeded);
        ck_assert_int_eq(call.origin, DT_ORIGIN_SBC);
    } else {
        ck_assert_contains(reason, c->reason);
    }
}
END_TEST

START_TEST(test_blank_fields)
{
    row_t row;
    row_init(&row, 6);
    uint32_t pstn = 1u << DT_FIELD_SIP | 1u << DT_FIELD_MS | 1u << DT_FIELD_SBC |
                    1u << DT_FIELD_CALL_TYPE;
    row_set(&row, DT_FIELD_SIP, "");
    row_set(&row, DT_FIELD_MS, " ");
    row_set(&row, DT_FIELD_SBC, "\t");
    row_set(&row, DT_FIELD_CALL_TYPE, "");
    row_set(&row, DT_FIELD_WEIGHT, "55"); /* not in the mask */
    ck_assert(dt_classify_blank_fields(&row.record, pstn));
    row_set(&row, DT_FIELD_CALL_TYPE, "ByotIn");
    ck_assert_msg(!dt_classify_blank_fields(&row.record, pstn), "a PSTN call type: a PSTN row");
    ck_assert(dt_classify_blank_fields(&row.record, pstn & ~(1u << DT_FIELD_CALL_TYPE)));
    row_set(&row, DT_FIELD_CALL_TYPE, NULL); /* a column the row lacks is blank */
    ck_assert(dt_classify_blank_fields(&row.record, pstn));
    ck_assert(dt_classify_blank_fields(&row.record, 0));
}
END_TEST

Suite *dt_suite_classify(void)
{
    Suite *s = suite_create("classify");
    TCase *t = tcase_create("classify");
    tcase_add_checked_fixture(t, tu_embedded_setup, tu_embedded_teardown);
    tcase_add_loop_test(t, test_success, 0,
                        (int)(sizeof success_cases / sizeof success_cases[0]));
    tcase_add_test(t, test_success_values);
    tcase_add_test(t, test_field_count);
    tcase_add_test(t, test_comma_decimals);
    tcase_add_loop_test(t, test_bad_codes, 0, (int)(sizeof bad_codes / sizeof bad_codes[0]));
    tcase_add_test(t, test_long_bad_value);
    tcase_add_test(t, test_failed_call);
    tcase_add_test(t, test_family_origin);
    tcase_add_test(t, test_ner_effective);
    tcase_add_loop_test(t, test_weight, 0, (int)(sizeof weight_cases / sizeof weight_cases[0]));
    tcase_add_test(t, test_blank_fields);
    suite_add_tcase(s, t);
    return s;
}
