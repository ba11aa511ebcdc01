/* check_date.c - every timestamp form the exports write, and the buckets. */
#include <string.h>

#include "check_suites.h"
#include "dt_date.h"

static int64_t parse_ok(const char *text)
{
    int64_t t = -1;
    ck_assert_msg(dt_date_parse(text, strlen(text), &t) == DT_DATE_OK, "'%s' should parse", text);
    return t;
}

static void assert_formats(const char *text, const char *want)
{
    char got[32];
    dt_date_format(parse_ok(text), got, sizeof got);
    ck_assert_msg(strcmp(got, want) == 0, "'%s' read as %s, want %s", text, got, want);
}

START_TEST(iso_forms)
{
    assert_formats("2026-11-01T08:00:00Z", "2026-11-01T08:00:00Z");
    assert_formats("2026-11-01T08:00:00.123Z", "2026-11-01T08:00:00Z");
    assert_formats("2026-11-01T08:00:00.1234567Z", "2026-11-01T08:00:00Z");
    assert_formats("2026-11-01T08:00:00+01:00", "2026-11-01T07:00:00Z");
    assert_formats("2026-11-01T23:30:00-02:00", "2026-11-02T01:30:00Z");
    assert_formats("2026-11-01", "2026-11-01T00:00:00Z");
    assert_formats("  2024-02-29T12:00:00Z ", "2024-02-29T12:00:00Z");
    ck_assert_int_eq(parse_ok("1970-01-01T00:00:00Z"), 0);
}
END_TEST

START_TEST(cqd_and_locale_forms)
{
    assert_formats("2020-02-06 20:57:53.1750000", "2020-02-06T20:57:53Z");
    assert_formats("6/11/2023, 10:15:30.123 AM", "2023-06-11T10:15:30Z");
    assert_formats("6/11/2023 10:15:30 PM", "2023-06-11T22:15:30Z");
    assert_formats("12/31/2023 12:00:00 AM", "2023-12-31T00:00:00Z");
    assert_formats("12/31/2023 12:59:59 PM", "2023-12-31T12:59:59Z");
    assert_formats("1/2/2024 3:04:05 am", "2024-01-02T03:04:05Z");
    assert_formats("1/2/2024 15:04:05", "2024-01-02T15:04:05Z");
}
END_TEST

START_TEST(sentinel_and_empty)
{
    int64_t t = 42;
    ck_assert_int_eq(dt_date_parse("0001-01-01T00:00:00Z", 20, &t), DT_DATE_EMPTY);
    ck_assert_int_eq(dt_date_parse("", 0, &t), DT_DATE_EMPTY);
    ck_assert_int_eq(dt_date_parse("   ", 3, &t), DT_DATE_EMPTY);
    ck_assert_int_eq(t, 42);
}
END_TEST

START_TEST(invalid_forms)
{
    static const char *const bad[] = {"yesterday", "2026-13-01", "2026-02-30", "2023-02-29",
                                      "2026-11-01T25:00:00Z", "2026-11-01T08:00Zjunk",
                                      "13/40/2023 10:00 AM", "6/11/2023 13:00:00 PM",
                                      "2026/11/01", "2026-11-01T", "6/11/23 10:00 AM"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t;
        ck_assert_msg(dt_date_parse(bad[i], strlen(bad[i]), &t) == DT_DATE_INVALID,
                      "'%s' should be invalid", bad[i]);
    }
}
END_TEST

START_TEST(never_reads_past_len)
{
    int64_t t;
    /* "2026-11-01T08" cut after the date: only the date is seen */
    ck_assert_int_eq(dt_date_parse("2026-11-01T08:00:00Z", 10, &t), DT_DATE_OK);
    char got[32];
    dt_date_format(t, got, sizeof got);
    ck_assert_str_eq(got, "2026-11-01T00:00:00Z");
}
END_TEST

START_TEST(buckets)
{
    int64_t t = parse_ok("2026-11-01T08:45:10Z"); /* a Sunday */
    char got[32];
    dt_date_format(dt_date_bucket(t, DT_BUCKET_HOUR), got, sizeof got);
    ck_assert_str_eq(got, "2026-11-01T08:00:00Z");
    dt_date_format(dt_date_bucket(t, DT_BUCKET_DAY), got, sizeof got);
    ck_assert_str_eq(got, "2026-11-01T00:00:00Z");
    dt_date_format(dt_date_bucket(t, DT_BUCKET_WEEK), got, sizeof got);
    ck_assert_str_eq(got, "2026-10-26T00:00:00Z"); /* ISO weeks start on Monday */
    t = parse_ok("2026-10-26T00:00:00Z");
    ck_assert_int_eq(dt_date_bucket(t, DT_BUCKET_WEEK), t);
    t = parse_ok("1969-12-31T23:59:59Z");
    dt_date_format(dt_date_bucket(t, DT_BUCKET_DAY), got, sizeof got);
    ck_assert_str_eq(got, "1969-12-31T00:00:00Z");
}
END_TEST

Suite *dt_suite_date(void)
{
    Suite *s = suite_create("date");
    TCase *tc = tcase_create("date");
    tcase_add_test(tc, iso_forms);
    tcase_add_test(tc, cqd_and_locale_forms);
    tcase_add_test(tc, sentinel_and_empty);
    tcase_add_test(tc, invalid_forms);
    tcase_add_test(tc, never_reads_past_len);
    tcase_add_test(tc, buckets);
    suite_add_tcase(s, tc);
    return s;
}
