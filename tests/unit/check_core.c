/* check_core.c - the helpers below every stage: number parsing and formatting,
 * terminal text wrapping, the JSON emitter and the shared PCRE2 compile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
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

Suite *dt_suite_core(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parse_uint_plain_digits_only);
    tcase_add_test(tc, format_trimmed_drops_trailing_zeros);
    tcase_add_test(tc, wrap_breaks_before_width_and_indents);
    tcase_add_test(tc, json_compact_and_pretty);
    tcase_add_test(tc, regex_compile_error_names_offset);
    tcase_add_test(tc, regex_catastrophic_pattern_gives_up);
    suite_add_tcase(s, tc);
    return s;
}
