/* check_core.c - the helpers below every stage: number parsing and formatting,
 * the code patterns users write, terminal text wrapping, the JSON emitter and the shared PCRE2 compile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_code.h"
#include "dt_json.h"
#include "dt_num.h"
#include "dt_regex.h"
#include "dt_text.h"
#include "test_util.h"

/* Runs fn(out, arg) into memory and returns what it wrote (free it). */
static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(out);
    fn(out, arg);
    fclose(out);
    return buf;
}

START_TEST(parse_uint_plain_digits_only)
{
    uint64_t v = 7;
    ck_assert(dt_parse_uint("403", 3, 999, &v));
    ck_assert_uint_eq(v, 403);
    ck_assert(dt_parse_uint("18446744073709551615", 20, UINT64_MAX, &v));
    ck_assert_uint_eq(v, UINT64_MAX);
    v = 7;
    ck_assert(!dt_parse_uint("18446744073709551616", 20, UINT64_MAX, &v));
    ck_assert(!dt_parse_uint("1000", 4, 999, &v));
    ck_assert(!dt_parse_uint("", 0, 999, &v));
    ck_assert(!dt_parse_uint(" 5", 2, 999, &v));
    ck_assert(!dt_parse_uint("5.0", 3, 999, &v));
    ck_assert(!dt_parse_uint("-1", 2, 999, &v));
    ck_assert_uint_eq(v, 7); /* untouched on failure */
}
END_TEST

START_TEST(format_trimmed_drops_trailing_zeros)
{
    char buf[DT_NUMBER_MAX];
    ck_assert_str_eq(dt_format_trimmed(buf, 5.0), "5");
    ck_assert_str_eq(dt_format_trimmed(buf, 0.5), "0.5");
    ck_assert_str_eq(dt_format_trimmed(buf, 95.25), "95.25");
    ck_assert_str_eq(dt_format_trimmed(buf, 0.0001), "0.0001");
    ck_assert_str_eq(dt_format_fixed(buf, 91.3, 2), "91.30");
}
END_TEST

START_TEST(format_duration_and_share)
{
    char buf[DT_NUMBER_MAX];
    ck_assert_str_eq(dt_format_duration(buf, 41.6), "42s");
    ck_assert_str_eq(dt_format_duration(buf, 261), "4m21s");
    ck_assert_str_eq(dt_format_duration(buf, 3599.4), "59m59s");
    ck_assert_str_eq(dt_format_duration(buf, 7300), "2h");
    ck_assert_str_eq(dt_format_duration(buf, 86400), "24h+");
    ck_assert_str_eq(dt_format_duration(buf, -1), "-");
    ck_assert_double_eq(dt_percent(1, 4), 25.0);
    ck_assert_double_eq(dt_percent(3, 0), -1.0); /* a share of nothing is no value */
    ck_assert_str_eq(dt_format_share(buf, 1, 32, 1), "3.1%");
    ck_assert_str_eq(dt_format_share(buf, 5, 0, 1), "0.0%");
}
END_TEST

static void wrap_sample(FILE *out, const void *arg)
{
    (void)arg;
    fputs("  label ", out);
    dt_text_wrap(out, "one two three  four \x1b[31mfive", 8, 4, 20);
}

START_TEST(wrap_breaks_before_width_and_indents)
{
    char *got = capture(wrap_sample, NULL);
    ck_assert_str_eq(got, "  label one two\n    three four five\n");
    free(got);
}
END_TEST

static void json_sample(FILE *out, const void *arg)
{
    dt_json_t j;
    dt_json_init(&j, out, *(const bool *)arg);
    dt_json_open(&j, NULL, '{');
    dt_json_str(&j, "s", "a\"b\n");
    dt_json_u64(&j, "n", 18446744073709551615ULL);
    dt_json_i64(&j, "neg", -3);
    dt_json_open(&j, "list", '[');
    dt_json_bool(&j, NULL, true);
    dt_json_null(&j, NULL);
    dt_json_fixed(&j, NULL, 12.345, 2);
    dt_json_fixed(&j, NULL, -1, 2);
    dt_json_close(&j, ']');
    dt_json_open(&j, "empty", '{');
    dt_json_close(&j, '}');
    dt_json_strn(&j, "bad", "x\xff", 2);
    dt_json_close(&j, '}');
}

START_TEST(json_compact_and_pretty)
{
    bool pretty = false;
    char *got = capture(json_sample, &pretty);
    ck_assert_str_eq(got, "{\"s\":\"a\\\"b\\n\",\"n\":18446744073709551615,\"neg\":-3,"
                          "\"list\":[true,null,12.35,null],\"empty\":{},\"bad\":\"x\\ufffd\"}");
    free(got);
    pretty = true;
    got = capture(json_sample, &pretty);
    ck_assert_str_eq(got, "{\n  \"s\": \"a\\\"b\\n\",\n  \"n\": 18446744073709551615,\n"
                          "  \"neg\": -3,\n  \"list\": [\n    true,\n    null,\n    12.35,\n"
                          "    null\n  ],\n  \"empty\": {},\n  \"bad\": \"x\\ufffd\"\n}");
    free(got);
}
END_TEST

START_TEST(regex_compile_error_names_offset)
{
    char why[128] = "";
    ck_assert_ptr_null(dt_regex_compile("^(abc", why, sizeof why));
    ck_assert_contains(why, "at offset 5");
    pcre2_code *re = dt_regex_compile("^forbidden\\b", why, sizeof why);
    ck_assert_ptr_nonnull(re);
    dt_regex_scratch_t *md = dt_regex_scratch_new();
    ck_assert_int_eq(dt_regex_match(re, "FORBIDDEN; call rejected", 24, md), DT_REGEX_MATCH);
    ck_assert_int_eq(dt_regex_match(re, "forbidden \xff", 11, md), DT_REGEX_MATCH);
    ck_assert_int_eq(dt_regex_match(re, "not forbidden", 13, md), DT_REGEX_NO_MATCH);
    dt_regex_scratch_free(md);
    pcre2_code_free(re);
    ck_assert(!dt_regex_valid("^(abc", why, sizeof why));
    ck_assert_contains(why, "at offset 5");
    ck_assert(dt_regex_valid("^(a|a)*$", why, sizeof why));
}
END_TEST

/* A pattern that backtracks catastrophically gives up within its budget:
 * anchored, on one start position; unanchored, sharing the budget among the
 * start positions, so a long subject leaves it none. */
START_TEST(regex_catastrophic_pattern_gives_up)
{
    char why[128];
    char *subject = malloc(30001);
    ck_assert_ptr_nonnull(subject);
    memset(subject, 'a', 30000);
    subject[30000] = '!';
    dt_regex_scratch_t *md = dt_regex_scratch_new();
    pcre2_code *anchored = dt_regex_compile("^(a|a)*$", why, sizeof why);
    pcre2_code *loose = dt_regex_compile("(a|a){1,14}c", why, sizeof why);
    pcre2_code *plain = dt_regex_compile("a!", why, sizeof why);
    ck_assert(anchored && loose && plain && md);
    ck_assert_int_eq(dt_regex_match(anchored, subject + 30001 - 600, 600, md), DT_REGEX_LIMIT);
    ck_assert_int_eq(dt_regex_match(anchored, subject, 30001, md), DT_REGEX_LIMIT);
    ck_assert_int_eq(dt_regex_match(anchored, "aaaa", 4, md), DT_REGEX_MATCH);
    memcpy(subject + 998, "xc", 2);
    ck_assert_int_eq(dt_regex_match(loose, subject, 1000, md), DT_REGEX_LIMIT);
    memcpy(subject + 998, "aa", 2);
    ck_assert_int_eq(dt_regex_match(loose, "xaaac", 5, md), DT_REGEX_MATCH);
    /* Within DT_REGEX_STEPS / DT_REGEX_MIN_STEPS bytes an unanchored pattern runs... */
    size_t longest = DT_REGEX_STEPS / DT_REGEX_MIN_STEPS - 1;
    ck_assert_int_eq(dt_regex_match(plain, subject + 30001 - longest, longest, md),
                     DT_REGEX_MATCH);
    /* ... beyond, it gives up without running. */
    ck_assert_int_eq(dt_regex_match(plain, subject, 30001, md), DT_REGEX_LIMIT);
    pcre2_code_free(anchored);
    pcre2_code_free(loose);
    pcre2_code_free(plain);
    dt_regex_scratch_free(md);
    free(subject);
}
END_TEST

/* Every form a user writes a code in, as dt_code_parse reads it and
 * dt_code_format writes it back. */
static const struct {
    const char *text;
    bool has_ms, has_sip;
    uint64_t ms;
    unsigned sip;
    const char *formatted;
} code_forms[] = {
    {"403", false, true, 0, 403, "403"},
    {"100", false, true, 0, 100, "100"},
    {"699", false, true, 0, 699, "699"},
    {"700", true, false, 700, 0, "700"},
    {"099", true, false, 99, 0, "99"},
    {"0403", true, false, 403, 0, "403/*"},
    {"560403", true, false, 560403, 0, "560403"},
    {"510532", true, false, 510532, 0, "510532"},
    {"0", true, false, 0, 0, "0"},
    {"510532/403", true, true, 510532, 403, "510532/403"},
    {"0/408", true, true, 0, 408, "0/408"},
    {"*/503", false, true, 0, 503, "503"},
    {"*/0", false, true, 0, 0, "*/0"},
    {"*/999", false, true, 0, 999, "*/999"},
    {"560403/*", true, false, 560403, 0, "560403"},
    {"403/*", true, false, 403, 0, "403/*"},
    {"1000000000000000000", true, false, 1000000000000000000ULL, 0, "1000000000000000000"},
};

START_TEST(parse_number_forms)
{
    static const struct {
        const char *text;
        double value;
    } good[] = {{"0", 0},       {"226", 226},     {" 3.5 ", 3.5}, {"-2", -2},   {"+7", 7},
                {".5", 0.5},    {"5.", 5},        {"1e3", 1000},  {"2.5E-1", 0.25},
                {"5.60403E+05", 560403}, {"007", 7}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v = -1;
        ck_assert_msg(dt_parse_number(good[i].text, strlen(good[i].text), &v), "%s", good[i].text);
        ck_assert_double_eq_tol(v, good[i].value, 1e-9);
    }
    static const char *const bad[] = {"",  " ",   "-",     ".",   "1,5", "1 000", "0x10",
                                      "inf", "nan", "1e",    "1e+", "--1", "1.2.3", "abc",
                                      "12a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42;
        ck_assert_msg(!dt_parse_number(bad[i], strlen(bad[i]), &v), "'%s' accepted", bad[i]);
        ck_assert_double_eq(v, 42);
    }
    double a, b;
    ck_assert(dt_parse_number("0.1", 3, &a) && dt_parse_number("0.1", 3, &b));
    ck_assert(a == b); /* the same text, the same value */
    ck_assert(dt_parse_number("1e999", 5, &a)); /* large, not an error */
}
END_TEST

START_TEST(code_parse_forms)
{
    dt_code_key_t key;
    const char *why = NULL;
    ck_assert_msg(dt_code_parse(code_forms[_i].text, strlen(code_forms[_i].text), &key, &why),
                  "%s: %s", code_forms[_i].text, why);
    ck_assert_int_eq(key.has_ms, code_forms[_i].has_ms);
    ck_assert_int_eq(key.has_sip, code_forms[_i].has_sip);
    if (key.has_ms)
        ck_assert_uint_eq(key.ms, code_forms[_i].ms);
    if (key.has_sip)
        ck_assert_uint_eq(key.sip, code_forms[_i].sip);
    char text[DT_CODE_TEXT_MAX];
    ck_assert_str_eq(dt_code_format(&key, text), code_forms[_i].formatted);
    dt_code_key_t again;
    ck_assert(dt_code_parse(text, strlen(text), &again, NULL));
    ck_assert(dt_code_key_matches(&key, &again) && dt_code_key_matches(&again, &key));
}
END_TEST

START_TEST(code_parse_refuses)
{
    static const char *const bad[] = {"",      "/",      "403/",     "/403",  "*",
                                      "*/*",   "4x3",    " 403",     "403 ",  "-403",
                                      "403.0", "560403/1000", "1/2/3", "**/503",
                                      "1000000000000000001", "560403/40 3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dt_code_key_t key;
        const char *why = NULL;
        ck_assert_msg(!dt_code_parse(bad[i], strlen(bad[i]), &key, &why), "'%s' accepted", bad[i]);
        ck_assert_msg(why && *why, "'%s': no reason", bad[i]);
    }
    dt_code_key_t key;
    const char *why;
    ck_assert(!dt_code_parse("*/*", 3, &key, &why));
    ck_assert_str_eq(why, "*/* would match every code");
    /* the length bounds the text: "403>5" read as its first three bytes */
    ck_assert(dt_code_parse("403>5", 3, &key, NULL) && key.has_sip && key.sip == 403);
}
END_TEST

START_TEST(code_key_matches_absent_parts)
{
    dt_code_key_t sip403 = {.has_sip = true, .sip = 403};
    dt_code_key_t pair = {.has_ms = true, .has_sip = true, .ms = 560403, .sip = 403};
    dt_code_key_t ms_only = {.has_ms = true, .ms = 560403};
    dt_code_key_t none = {0};
    ck_assert(dt_code_key_matches(&sip403, &pair));
    ck_assert(dt_code_key_matches(&ms_only, &pair));
    ck_assert(!dt_code_key_matches(&pair, &ms_only));
    ck_assert(!dt_code_key_matches(&sip403, &none));
    ck_assert(dt_code_key_matches(&none, &none));
}
END_TEST

START_TEST(sparkline_scales_and_marks)
{
    char out[64];
    const double v[] = {0, 50, 100, -1, 25};
    ck_assert_uint_eq(dt_text_sparkline(out, sizeof out, v, 5, 0, 100, true), 5);
    ck_assert_str_eq(out, "_=# -");
    ck_assert_uint_eq(dt_text_sparkline(out, sizeof out, v, 5, 0, 100, false), 5);
    ck_assert_str_eq(out, "\xe2\x96\x81\xe2\x96\x85\xe2\x96\x88 \xe2\x96\x83");
    /* a flat series is the middle mark; no room stops early, NUL-terminated */
    const double flat[] = {7, 7};
    ck_assert_uint_eq(dt_text_sparkline(out, sizeof out, flat, 2, 7, 7, true), 2);
    ck_assert_str_eq(out, "::");
    ck_assert_uint_eq(dt_text_sparkline(out, 5, v, 5, 0, 100, false), 1);
    ck_assert_uint_eq(strlen(out), 3);
    ck_assert_uint_eq(dt_text_sparkline(out, 1, v, 5, 0, 100, true), 0);
    ck_assert_str_eq(out, "");
    /* out of range values clamp to the ends */
    const double wild[] = {-0.5 + 0.6, 1e9};
    ck_assert_uint_eq(dt_text_sparkline(out, sizeof out, wild, 2, 10, 20, true), 2);
    ck_assert_str_eq(out, "_#");
}
END_TEST

Suite *dt_suite_core(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parse_uint_plain_digits_only);
    tcase_add_test(tc, parse_number_forms);
    tcase_add_loop_test(tc, code_parse_forms, 0, (int)(sizeof code_forms / sizeof code_forms[0]));
    tcase_add_test(tc, code_parse_refuses);
    tcase_add_test(tc, code_key_matches_absent_parts);
    tcase_add_test(tc, format_trimmed_drops_trailing_zeros);
    tcase_add_test(tc, format_duration_and_share);
    tcase_add_test(tc, wrap_breaks_before_width_and_indents);
    tcase_add_test(tc, json_compact_and_pretty);
    tcase_add_test(tc, regex_compile_error_names_offset);
    tcase_add_test(tc, regex_catastrophic_pattern_gives_up);
    tcase_add_test(tc, sparkline_scales_and_marks);
    suite_add_tcase(s, tc);
    return s;
}
