/* check_common.c - the code-number reader and the names of the shared enums. */
#include <stdint.h>
#include <string.h>

#include "check_suites.h"
#include "dt_common.h"
#include "test_util.h"
#include "dt_num.h"

typedef struct {
    const char *text;
    uint64_t value;
} good_code_t;

static const good_code_t good_codes[] = {
    {"403", 403},
    {"0", 0},
    {"560403", 560403},
    {"  403\t ", 403},
    {"\t560000", 560000},
    {"403.0", 403},
    {"403.000", 403},
    {"5.60403E+05", 560403},
    {"5.60403e+05", 560403},
    {"5.604030E+05", 560403},
    {"1E+3", 1000},
    {"1e3", 1000},
    {"4.03E2", 403},
    {"0000403", 403},
    {"1000000000000000000", 1000000000000000000ULL}, /* 10^18 is the largest value */
    {"1E+18", 1000000000000000000ULL},
};

START_TEST(test_parse_code_good)
{
    const good_code_t *c = &good_codes[_i];
    uint64_t value = 12345;
    const char *why = NULL;
    ck_assert_msg(dt_parse_code(c->text, strlen(c->text), &value, &why), "'%s' rejected: %s",
                  c->text, why ? why : "(no reason)");
    ck_assert_msg(value == c->value, "'%s' gave %llu, expected %llu", c->text,
                  (unsigned long long)value, (unsigned long long)c->value);
}
END_TEST

typedef struct {
    const char *text;
    const char *why;
} bad_code_t;

static const bad_code_t bad_codes[] = {
    {"", "is empty"},
    {"   \t ", "is empty"},
    {"-403", "is negative"},
    {" -1", "is negative"},
    {"4 03", "contains blanks"},
    {"560 403", "contains blanks"},
    {"403.5", "is not a whole number"},
    {"403.05", "is not a whole number"},
    {"5.604035E+05", "is not a whole number"},
    {"4.035E+02", "is not a whole number"},
    {"1E-1", "is not a whole number"},
    {"99999999999999999999", "is out of range"},
    {"1000000000000000001", "is out of range"}, /* 10^18 + 1 */
    {"1E+19", "is out of range"},
    {"abc", "is not a number"},
    {"+403", "is not a number"},
    {".", "is not a number"},
    {"1E+", "is not a number"},
    {"403abc", "is not a whole number"},
    {"0x193", "is not a whole number"},
};

START_TEST(test_parse_code_bad)
{
    const bad_code_t *c = &bad_codes[_i];
    uint64_t value = 777;
    const char *why = NULL;
    ck_assert_msg(!dt_parse_code(c->text, strlen(c->text), &value, &why), "'%s' accepted as %llu",
                  c->text, (unsigned long long)value);
    ck_assert_msg(value == 777, "'%s': *out changed on failure", c->text);
    ck_assert_msg(why != NULL, "'%s': no reason given", c->text);
    ck_assert_msg(strcmp(why, c->why) == 0, "'%s': reason '%s', expected '%s'", c->text, why,
                  c->why);
}
END_TEST

START_TEST(test_parse_code_not_terminated)
{
    /* The text is a slice: bytes past len must not be read as part of the number. */
    const char text[] = "4035";
    uint64_t value = 0;
    ck_assert(dt_parse_code(text, 3, &value, NULL));
    ck_assert_uint_eq(value, 403);
    ck_assert_msg(!dt_parse_code(text, 0, &value, NULL), "an empty slice is not a code");
    /* A failure without a why pointer must not crash. */
    ck_assert(!dt_parse_code("x", 1, &value, NULL));
}
END_TEST

/* Comma-decimal cells (';' files): ',' is a decimal mark as well as '.'. */
START_TEST(test_parse_code_comma)
{
    static const good_code_t good[] = {
        {"5,60403E+05", 560403}, {"403,0", 403}, {"560403,00", 560403}, {"5.60403E+05", 560403},
        {"4,03E2", 403},         {" 403,0 ", 403}, {"403", 403},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint64_t value = 0;
        const char *why = NULL;
        ck_assert_msg(dt_parse_code_comma(good[i].text, strlen(good[i].text), &value, &why),
                      "'%s' rejected: %s", good[i].text, why ? why : "");
        ck_assert_uint_eq(value, good[i].value);
    }
    static const bad_code_t bad[] = {
        {"5,604035E+05", "is not a whole number"}, {"403,5", "is not a whole number"},
        {"560,403", "is not a whole number"},      {"4,03,0", "is not a whole number"},
        {",", "is not a number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t value = 777;
        const char *why = NULL;
        ck_assert_msg(!dt_parse_code_comma(bad[i].text, strlen(bad[i].text), &value, &why),
                      "'%s' accepted", bad[i].text);
        ck_assert_str_eq(why, bad[i].why);
        ck_assert_uint_eq(value, 777);
    }
    /* without the comma variant a comma stays an error */
    uint64_t value;
    const char *why = NULL;
    ck_assert(!dt_parse_code("5,60403E+05", 11, &value, &why));
    ck_assert_str_eq(why, "is not a whole number");
    ck_assert(!dt_parse_code("403,0", 5, &value, NULL));
}
END_TEST

START_TEST(test_is_blank)
{
    ck_assert(dt_is_blank("", 0));
    ck_assert(dt_is_blank(" \t ", 3));
    ck_assert(!dt_is_blank(" 0 ", 3));
    ck_assert_msg(dt_is_blank("  x", 2), "only len bytes count");
}
END_TEST

START_TEST(test_origin_names)
{
    ck_assert_str_eq(dt_origin_name(DT_ORIGIN_SBC), "sbc");
    ck_assert_str_eq(dt_origin_name(DT_ORIGIN_MICROSOFT), "microsoft");
    ck_assert_str_eq(dt_origin_name(DT_ORIGIN_UNKNOWN), "unknown");
    ck_assert_str_eq(dt_origin_name(DT_ORIGIN_COUNT), "unknown");
    for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
        dt_origin_t parsed = DT_ORIGIN_COUNT;
        ck_assert(dt_origin_parse(dt_origin_name((dt_origin_t)o), &parsed));
        ck_assert_int_eq(parsed, o);
    }
    dt_origin_t out = DT_ORIGIN_UNKNOWN;
    ck_assert_msg(dt_origin_parse("SBC", &out) && out == DT_ORIGIN_SBC, "case-insensitive");
    ck_assert(dt_origin_parse("Microsoft", &out) && out == DT_ORIGIN_MICROSOFT);
    out = DT_ORIGIN_SBC;
    ck_assert(!dt_origin_parse("carrier", &out));
    ck_assert(!dt_origin_parse("", &out));
    ck_assert(!dt_origin_parse("sbc ", &out));
    ck_assert_msg(out == DT_ORIGIN_SBC, "*out changed on failure");
}
END_TEST

START_TEST(test_family_names)
{
    static const char *const names[DT_FAMILY_COUNT] = {"tac", "graph", "cqd", "acs", "any"};
    for (int f = 0; f < DT_FAMILY_COUNT; f++) {
        ck_assert_str_eq(dt_family_name((dt_family_t)f), names[f]);
        dt_family_t parsed = DT_FAMILY_COUNT;
        ck_assert(dt_family_parse(names[f], &parsed));
        ck_assert_int_eq(parsed, f);
    }
    ck_assert_str_eq(dt_family_name(DT_FAMILY_COUNT), "any");
    dt_family_t out = DT_FAMILY_CQD;
    ck_assert(dt_family_parse("GRAPH", &out) && out == DT_FAMILY_GRAPH);
    out = DT_FAMILY_CQD;
    ck_assert(!dt_family_parse("teams", &out));
    ck_assert(!dt_family_parse("", &out));
    ck_assert_int_eq(out, DT_FAMILY_CQD);
}
END_TEST

START_TEST(test_name_distance)
{
    ck_assert_uint_eq(dt_name_distance("", 0, "", 0), 0);
    ck_assert_uint_eq(dt_name_distance("abc", 3, "", 0), 3);
    ck_assert_uint_eq(dt_name_distance("kitten", 6, "sitting", 7), 3);
    ck_assert_uint_eq(dt_name_distance("Faults", 6, "falts", 5), 1); /* case ignored */
    ck_assert_uint_eq(dt_name_distance("externalcountry", 15, "usercountry", 11), 6);
    char a[400], b[400];
    memset(a, 'a', sizeof a);
    memset(b, 'a', sizeof b);
    b[399] = 'b'; /* beyond DT_NAME_DISTANCE_MAX: not compared */
    ck_assert_uint_eq(dt_name_distance(a, sizeof a, b, sizeof b), 0);
}
END_TEST

START_TEST(test_name_closest)
{
    static const char *const actions[] = {"sbc-dns", "tls-certificate", "tls-certificate-expired",
                                          "unknown"};
    dt_name_closest_t c;
    dt_name_closest_init(&c, "tls", 3);
    for (size_t i = 0; i < 4; i++)
        dt_name_closest_add(&c, actions[i], strlen(actions[i]));
    ck_assert_str_eq(dt_name_closest_likely(&c), "tls-certificate");
    dt_name_closest_init(&c, "unknwon", 7);
    for (size_t i = 0; i < 4; i++)
        dt_name_closest_add(&c, actions[i], strlen(actions[i]));
    ck_assert_str_eq(dt_name_closest_likely(&c), "unknown");
    dt_name_closest_init(&c, "zzzz", 4);
    for (size_t i = 0; i < 4; i++)
        dt_name_closest_add(&c, actions[i], strlen(actions[i]));
    ck_assert_ptr_null(dt_name_closest_likely(&c));
    dt_name_closest_init(&c, "x", 1);
    ck_assert_ptr_null(dt_name_closest_likely(&c)); /* no candidate */
    /* containing ranks before any distance, shorter first */
    ck_assert_uint_lt(dt_name_rank("country", 7, "externalcountry", 15),
                      dt_name_rank("country", 7, "countr", 6));
    ck_assert_uint_lt(dt_name_rank("country", 7, "usercountry", 11),
                      dt_name_rank("country", 7, "externalcountry", 15));
}
END_TEST

START_TEST(test_fail)
{
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_fail(&err, DT_ERR_INPUT, "%s:%d: %s", "f.csv", 7, "bad"), DT_ERR_INPUT);
    ck_assert_str_eq(err.msg, "f.csv:7: bad");
    ck_assert_int_eq(dt_fail(NULL, DT_ERR_USAGE, "ignored"), DT_ERR_USAGE);
    char long_text[3 * DT_ERROR_MAX];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    dt_fail(&err, DT_ERR_INPUT, "%s", long_text);
    ck_assert_uint_eq(strlen(err.msg), DT_ERROR_MAX - 1);
}
END_TEST

Suite *dt_suite_common(void)
{
    Suite *s = suite_create("common");
    TCase *t = tcase_create("parse_code");
    tcase_add_loop_test(t, test_parse_code_good, 0,
                        (int)(sizeof good_codes / sizeof good_codes[0]));
    tcase_add_loop_test(t, test_parse_code_bad, 0, (int)(sizeof bad_codes / sizeof bad_codes[0]));
    tcase_add_test(t, test_parse_code_not_terminated);
    tcase_add_test(t, test_parse_code_comma);
    tcase_add_test(t, test_is_blank);
    suite_add_tcase(s, t);
    t = tcase_create("names");
    tcase_add_test(t, test_origin_names);
    tcase_add_test(t, test_family_names);
    tcase_add_test(t, test_fail);
    tcase_add_test(t, test_name_distance);
    tcase_add_test(t, test_name_closest);
    suite_add_tcase(s, t);
    return s;
}
