/* check_dedupe.c - the --dedupe table: a repeat is always a real repeat, even
 * when every key shares one fingerprint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_dedupe.h"
#include "test_util.h"

static dt_dedupe_t *new_table(unsigned hash_bits)
{
    dt_dedupe_t *d = NULL;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_dedupe_new(&d, &err) == DT_OK, "%s", err.msg);
    dt_dedupe_test_hash_bits(d, hash_bits);
    return d;
}

/* Key i: distinct for every i, of lengths that vary with i; keys i and
 * i + 1000000 share all but one byte. */
static size_t key_of(uint64_t i, char *buf)
{
    return (size_t)snprintf(buf, DT_DEDUPE_KEY_MAX, "%08llx-corr-%.*s|2024-03-01T08:00:%02u",
                            (unsigned long long)i, (int)(i % 17), "abcdefghijklmnopq",
                            (unsigned)(i % 60));
}

static bool check(dt_dedupe_t *d, const void *key, size_t len)
{
    bool repeat = true;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_dedupe_check(d, key, len, &repeat, &err) == DT_OK, "%s", err.msg);
    return repeat;
}

/* n distinct keys, then each again, then the first ones changed in one byte. */
static void run_keys(unsigned hash_bits, uint64_t n)
{
    dt_dedupe_t *d = new_table(hash_bits);
    char key[DT_DEDUPE_KEY_MAX];
    for (uint64_t i = 0; i < n; i++)
        ck_assert_msg(!check(d, key, key_of(i, key)), "key %llu taken for a repeat",
                      (unsigned long long)i);
    ck_assert_uint_eq(dt_dedupe_distinct(d), n);
    for (uint64_t i = 0; i < n; i++)
        ck_assert_msg(check(d, key, key_of(i, key)), "key %llu seen twice, not found",
                      (unsigned long long)i);
    for (uint64_t i = 0; i < n && i < 500; i++) {
        size_t len = key_of(i, key);
        key[len - 1] ^= 1; /* one bit of the last byte */
        ck_assert_msg(!check(d, key, len), "key %llu with one bit changed is no repeat",
                      (unsigned long long)i);
        ck_assert_msg(!check(d, key, len - 1), "a prefix of key %llu is no repeat",
                      (unsigned long long)i);
    }
    ck_assert_uint_eq(dt_dedupe_distinct(d), n + 2 * (n < 500 ? n : 500));
    if (hash_bits < 64) /* every hit was a candidate read back and compared */
        ck_assert_uint_ge(dt_dedupe_verified(d), n);
    dt_dedupe_free(d);
}

START_TEST(test_distinct_and_repeats)
{
    run_keys(64, 200000);
}
END_TEST

/* Every key has the same hash: only the full keys tell them apart (one run
 * of equal fingerprints, the table's tail growing with it). */
START_TEST(test_one_fingerprint)
{
    run_keys(0, 400);
}
END_TEST

/* 12 bits: 256 tables of 16 fingerprints for 20000 keys, runs of equal ones
 * in every table, and keys read back from the file, past the write buffer
 * (64 KiB, about 1300 keys). */
START_TEST(test_few_fingerprints)
{
    run_keys(12, 20000);
}
END_TEST

START_TEST(test_memory)
{
    dt_dedupe_t *d = new_table(64);
    char key[DT_DEDUPE_KEY_MAX];
    uint64_t n = 300000;
    for (uint64_t i = 0; i < n; i++)
        check(d, key, key_of(i, key));
    /* 8 bytes a slot, at least 70% of the slots used (plus the fixed part). */
    dt_dedupe_t *empty = new_table(64);
    size_t fixed = dt_dedupe_memory(empty);
    dt_dedupe_free(empty);
    size_t per_key = (dt_dedupe_memory(d) - fixed) / n;
    ck_assert_msg(per_key <= 12, "%zu bytes per key", per_key);
    dt_dedupe_free(d);
}
END_TEST

START_TEST(test_key)
{
    dt_call_t call = {.weight = 1, .key = {.has_sip = true, .sip = 403, .has_ms = true, .ms = 560403}};
    unsigned char a[DT_DEDUPE_KEY_MAX], b[DT_DEDUPE_KEY_MAX];
    dt_slice_t corr = {"5A1B-C0", 7}, corr_lower = {" 5a1b-c0\t", 9};
    dt_slice_t start = {"2024-03-01T08:00:05.1234567Z", 28}, type = {"ByotOut", 7};
    size_t la = dt_dedupe_key(a, &call, corr, start, type);
    size_t lb = dt_dedupe_key(b, &call, corr_lower, start, (dt_slice_t){"byotout ", 8});
    ck_assert_uint_gt(la, 0);
    ck_assert_msg(la == lb && memcmp(a, b, la) == 0, "case and blanks of the id and type ignored");
    /* Each part counts. */
    lb = dt_dedupe_key(b, &call, corr, (dt_slice_t){"2024-03-01T08:00:05.1234568Z", 28}, type);
    ck_assert(la != lb || memcmp(a, b, la) != 0);
    lb = dt_dedupe_key(b, &call, corr, start, (dt_slice_t){"ByotIn", 6});
    ck_assert(la != lb || memcmp(a, b, la) != 0);
    dt_call_t other = call;
    other.key.ms = 560404;
    lb = dt_dedupe_key(b, &other, corr, start, type);
    ck_assert(la != lb || memcmp(a, b, la) != 0);
    other = call;
    other.key.has_sip = false;
    lb = dt_dedupe_key(b, &other, corr, start, type);
    ck_assert(la != lb || memcmp(a, b, la) != 0);
    /* Parts do not run into each other: "ab" + "c" differs from "a" + "bc". */
    la = dt_dedupe_key(a, &call, (dt_slice_t){"ab", 2}, (dt_slice_t){"c", 1}, type);
    lb = dt_dedupe_key(b, &call, (dt_slice_t){"a", 1}, (dt_slice_t){"bc", 2}, type);
    ck_assert(la != lb || memcmp(a, b, la) != 0);
    /* Not checkable: no id, no start, or longer than any real one. */
    ck_assert_uint_eq(dt_dedupe_key(a, &call, (dt_slice_t){"  ", 2}, start, type), 0);
    ck_assert_uint_eq(dt_dedupe_key(a, &call, corr, (dt_slice_t){"", 0}, type), 0);
    char longer[200];
    memset(longer, 'x', sizeof longer);
    ck_assert_uint_eq(dt_dedupe_key(a, &call, (dt_slice_t){longer, 129}, start, type), 0);
    ck_assert_uint_gt(dt_dedupe_key(a, &call, (dt_slice_t){longer, 128}, start, type), 0);
    ck_assert_uint_eq(dt_dedupe_key(a, &call, corr, (dt_slice_t){longer, 65}, type), 0);
    ck_assert_uint_eq(dt_dedupe_key(a, &call, corr, start, (dt_slice_t){longer, 65}), 0);
    size_t most = dt_dedupe_key(a, &call, (dt_slice_t){longer, 128}, (dt_slice_t){longer, 64},
                                (dt_slice_t){longer, 64});
    ck_assert_uint_le(most, DT_DEDUPE_KEY_MAX);
}
END_TEST

START_TEST(test_no_temporary_directory)
{
    dt_dedupe_t *d = NULL;
    dt_error_t err = {{0}};
    setenv("TMPDIR", "/nonexistent/drtriage", 1); /* each test runs in a process of its own */
    ck_assert_int_eq(dt_dedupe_new(&d, &err), DT_ERR_OUTPUT);
    ck_assert_ptr_null(d);
    ck_assert_contains(err.msg, "/nonexistent/drtriage");
    ck_assert_contains(err.msg, "TMPDIR");
    dt_dedupe_free(NULL);
}
END_TEST

Suite *dt_suite_dedupe(void)
{
    Suite *s = suite_create("dedupe");
    TCase *t = tcase_create("dedupe");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_distinct_and_repeats);
    tcase_add_test(t, test_one_fingerprint);
    tcase_add_test(t, test_few_fingerprints);
    tcase_add_test(t, test_memory);
    tcase_add_test(t, test_key);
    tcase_add_test(t, test_no_temporary_directory);
    suite_add_tcase(s, t);
    return s;
}
