/* check_map.c - the capped open-addressing map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_map.h"
#include "test_util.h"

START_TEST(test_insert_get)
{
    dt_map_t map;
    dt_map_init(&map, 0);
    ck_assert_ptr_null(dt_map_get(&map, "a", 1));
    uint32_t *v = NULL;
    ck_assert_int_eq(dt_map_upsert(&map, "alpha", 5, 11, &v), DT_MAP_ADDED);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(*v, 11);
    ck_assert_int_eq(dt_map_upsert(&map, "beta", 4, 22, &v), DT_MAP_ADDED);
    ck_assert_int_eq(dt_map_upsert(&map, "alpha", 5, 99, &v), DT_MAP_FOUND);
    ck_assert_msg(*v == 11, "an existing key keeps its value, got %u", *v);
    *v = 12; /* the slot is writable */
    uint32_t *got = dt_map_get(&map, "alpha", 5);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(*got, 12);
    ck_assert_uint_eq(*dt_map_get(&map, "beta", 4), 22);
    ck_assert_ptr_null(dt_map_get(&map, "alph", 4));
    ck_assert_ptr_null(dt_map_get(&map, "alphaX", 6));
    ck_assert_ptr_null(dt_map_get(&map, "Alpha", 5));
    ck_assert_uint_eq(map.count, 2);
    dt_map_free(&map);
}
END_TEST

START_TEST(test_keys_are_copied)
{
    dt_map_t map;
    dt_map_init(&map, 0);
    char key[8] = "temp";
    uint32_t *v;
    ck_assert_int_eq(dt_map_upsert(&map, key, 4, 1, &v), DT_MAP_ADDED);
    memcpy(key, "gone", 4);
    ck_assert_ptr_nonnull(dt_map_get(&map, "temp", 4));
    ck_assert_ptr_null(dt_map_get(&map, "gone", 4));
    dt_map_free(&map);
}
END_TEST

START_TEST(test_growth)
{
    enum { N = 5000 };
    dt_map_t map;
    dt_map_init(&map, 0);
    char key[32];
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "key-%u", i);
        uint32_t *v;
        ck_assert_int_eq(dt_map_upsert(&map, key, (size_t)n, i, &v), DT_MAP_ADDED);
    }
    ck_assert_uint_eq(map.count, N);
    ck_assert_msg(map.capacity >= N && (map.capacity & (map.capacity - 1)) == 0,
                  "capacity %zu is not a power of two above the count", map.capacity);
    ck_assert_msg(map.count * 4 <= map.capacity * 3, "load factor above 3/4");
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "key-%u", i);
        uint32_t *v = dt_map_get(&map, key, (size_t)n);
        ck_assert_msg(v != NULL, "key %s lost after growth", key);
        ck_assert_uint_eq(*v, i);
    }
    ck_assert_ptr_null(dt_map_get(&map, "key-5000", 8));
    dt_map_free(&map);
}
END_TEST

START_TEST(test_empty_key)
{
    dt_map_t map;
    dt_map_init(&map, 0);
    uint32_t *v;
    ck_assert_ptr_null(dt_map_get(&map, "", 0));
    ck_assert_int_eq(dt_map_upsert(&map, "", 0, 7, &v), DT_MAP_ADDED);
    ck_assert_int_eq(dt_map_upsert(&map, "x", 0, 8, &v), DT_MAP_FOUND);
    ck_assert_uint_eq(*v, 7);
    ck_assert_ptr_nonnull(dt_map_get(&map, "", 0));
    ck_assert_int_eq(dt_map_upsert(&map, "\0", 1, 9, &v), DT_MAP_ADDED);
    ck_assert_uint_eq(map.count, 2);
    dt_map_free(&map);
}
END_TEST

START_TEST(test_binary_keys)
{
    dt_map_t map;
    dt_map_init(&map, 0);
    const char a[] = {'a', '\0', 'b'};
    const char b[] = {'a', '\0', 'c'};
    const char c[] = {'a'};
    uint32_t *v;
    ck_assert_int_eq(dt_map_upsert(&map, a, sizeof a, 1, &v), DT_MAP_ADDED);
    ck_assert_int_eq(dt_map_upsert(&map, b, sizeof b, 2, &v), DT_MAP_ADDED);
    ck_assert_int_eq(dt_map_upsert(&map, c, sizeof c, 3, &v), DT_MAP_ADDED);
    ck_assert_uint_eq(*dt_map_get(&map, a, sizeof a), 1);
    ck_assert_uint_eq(*dt_map_get(&map, b, sizeof b), 2);
    ck_assert_uint_eq(*dt_map_get(&map, c, sizeof c), 3);
    /* Packed integers, as the code tables use them. */
    for (uint64_t k = 0; k < 300; k++) {
        uint64_t key = k << 40;
        ck_assert_int_eq(dt_map_upsert(&map, &key, sizeof key, (uint32_t)k, &v), DT_MAP_ADDED);
    }
    for (uint64_t k = 0; k < 300; k++) {
        uint64_t key = k << 40;
        ck_assert_uint_eq(*dt_map_get(&map, &key, sizeof key), (uint32_t)k);
    }
    ck_assert_uint_eq(dt_hash_bytes(a, sizeof a), dt_hash_bytes(a, sizeof a));
    ck_assert_msg(dt_hash_bytes(a, sizeof a) != dt_hash_bytes(b, sizeof b),
                  "bytes after a NUL must count in the hash");
    dt_map_free(&map);
}
END_TEST

/* SipHash-2-4 against the reference vectors of the SipHash paper (key 00..0f,
 * messages 00, 00 01, ...): the rounds the map runs (1-3) are the same code. */
START_TEST(test_siphash_vectors)
{
    static const uint64_t want[] = {0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL,
                                    0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL};
    uint64_t key[2] = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
    unsigned char msg[16];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)i;
    for (size_t n = 0; n < sizeof want / sizeof want[0]; n++)
        ck_assert_msg(dt_siphash(key, msg, n, 2, 4) == want[n], "SipHash-2-4 of %zu bytes", n);
    ck_assert(dt_siphash(key, msg, 15, 2, 4) == 0xa129ca6149be45e5ULL);
}
END_TEST

/* Keys built to collide under an unkeyed FNV-1a (pairs of words whose top
 * bits flip together leave its state unchanged) do not collide under the
 * keyed hash: the worst case cannot be aimed at. */
START_TEST(test_no_aimed_collisions)
{
    enum { PAIRS = 12, KEYS = 1 << PAIRS };
    uint64_t *hashes = malloc(KEYS * sizeof *hashes);
    ck_assert_ptr_nonnull(hashes);
    for (unsigned k = 0; k < KEYS; k++) {
        unsigned char key[PAIRS * 16];
        memset(key, 'a', sizeof key);
        for (unsigned p = 0; p < PAIRS; p++)
            if (k >> p & 1)
                key[p * 16 + 7] |= 0x80, key[p * 16 + 15] |= 0x80;
        hashes[k] = dt_hash_bytes(key, sizeof key);
    }
    size_t same = 0, same_bucket = 0;
    for (unsigned k = 1; k < KEYS; k++) {
        same += hashes[k] == hashes[0];
        same_bucket += (hashes[k] & 0xffff) == (hashes[0] & 0xffff);
    }
    ck_assert_uint_eq(same, 0);
    ck_assert_uint_le(same_bucket, 4); /* about KEYS / 65536 by chance */
    free(hashes);
}
END_TEST

START_TEST(test_cap)
{
    dt_map_t map;
    dt_map_init(&map, 3);
    uint32_t *v = NULL;
    ck_assert_int_eq(dt_map_upsert(&map, "a", 1, 1, &v), DT_MAP_ADDED);
    ck_assert_int_eq(dt_map_upsert(&map, "b", 1, 2, &v), DT_MAP_ADDED);
    ck_assert_int_eq(dt_map_upsert(&map, "c", 1, 3, &v), DT_MAP_ADDED);
    uint32_t *untouched = (uint32_t *)&map; /* any non-NULL sentinel */
    v = untouched;
    ck_assert_int_eq(dt_map_upsert(&map, "d", 1, 4, &v), DT_MAP_FULL);
    ck_assert_msg(v == untouched, "*value set on DT_MAP_FULL");
    ck_assert_ptr_null(dt_map_get(&map, "d", 1));
    ck_assert_int_eq(dt_map_upsert(&map, "b", 1, 9, &v), DT_MAP_FOUND);
    ck_assert_uint_eq(*v, 2);
    ck_assert_uint_eq(map.count, 3);
    dt_map_free(&map);
}
END_TEST

START_TEST(test_free_reuse)
{
    dt_map_t map;
    dt_map_init(&map, 2);
    uint32_t *v;
    ck_assert_int_eq(dt_map_upsert(&map, "a", 1, 1, &v), DT_MAP_ADDED);
    ck_assert_int_eq(dt_map_upsert(&map, "b", 1, 2, &v), DT_MAP_ADDED);
    dt_map_free(&map);
    ck_assert_uint_eq(map.count, 0);
    ck_assert_ptr_null(map.slots);
    ck_assert_msg(map.cap == 2, "dt_map_free keeps the cap, got %zu", map.cap);
    ck_assert_ptr_null(dt_map_get(&map, "a", 1));
    ck_assert_int_eq(dt_map_upsert(&map, "c", 1, 3, &v), DT_MAP_ADDED);
    ck_assert_int_eq(dt_map_upsert(&map, "a", 1, 4, &v), DT_MAP_ADDED);
    ck_assert_uint_eq(*v, 4);
    ck_assert_int_eq(dt_map_upsert(&map, "b", 1, 5, &v), DT_MAP_FULL);
    dt_map_free(&map);
    dt_map_free(&map); /* freeing twice is harmless */
}
END_TEST

START_TEST(test_arena)
{
    dt_arena_t arena = DT_ARENA_INIT;
    char *s = dt_arena_strndup(&arena, "hello world", 5);
    ck_assert_str_eq(s, "hello");
    void *big = dt_arena_alloc(&arena, 100000); /* larger than a block */
    ck_assert_ptr_nonnull(big);
    memset(big, 0xAB, 100000);
    ck_assert_str_eq(s, "hello");
    for (int i = 0; i < 100; i++) {
        void *p = dt_arena_alloc(&arena, (size_t)i + 1);
        ck_assert_ptr_nonnull(p);
        ck_assert_msg(((uintptr_t)p % 16) == 0, "allocation %d not aligned", i);
    }
    ck_assert_uint_ge(arena.total, 100000);
    char *empty = dt_arena_strndup(&arena, NULL, 0);
    ck_assert_ptr_nonnull(empty);
    ck_assert_str_eq(empty, "");
    dt_arena_free(&arena);
    ck_assert_ptr_null(arena.head);
    ck_assert_uint_eq(arena.total, 0);
    ck_assert_ptr_nonnull(dt_arena_strndup(&arena, "again", 5));
    dt_arena_free(&arena);
}
END_TEST

Suite *dt_suite_map(void)
{
    Suite *s = suite_create("map");
    TCase *t = tcase_create("map");
    tcase_add_test(t, test_insert_get);
    tcase_add_test(t, test_keys_are_copied);
    tcase_add_test(t, test_growth);
    tcase_add_test(t, test_empty_key);
    tcase_add_test(t, test_binary_keys);
    tcase_add_test(t, test_cap);
    tcase_add_test(t, test_siphash_vectors);
    tcase_add_test(t, test_no_aimed_collisions);
    tcase_add_test(t, test_free_reuse);
    tcase_add_test(t, test_arena);
    suite_add_tcase(s, t);
    return s;
}
