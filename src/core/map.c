/* map.c - open addressing with linear probing; keys copied into an arena;
 * SipHash-1-3 with a key drawn per process. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "dt_map.h"

#define MAP_MIN_CAPACITY 16

/* SipHash-1-3 (Aumasson and Bernstein): a keyed hash, so that keys chosen
 * to collide under one key do not collide under another. */
#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIP_ROUND(v0, v1, v2, v3)                                                            \
    do {                                                                                   \
        v0 += v1, v1 = ROTL(v1, 13), v1 ^= v0, v0 = ROTL(v0, 32);                          \
        v2 += v3, v3 = ROTL(v3, 16), v3 ^= v2;                                             \
        v0 += v3, v3 = ROTL(v3, 21), v3 ^= v0;                                             \
        v2 += v1, v1 = ROTL(v1, 17), v1 ^= v2, v2 = ROTL(v2, 32);                          \
    } while (0)

static uint64_t load_le(const unsigned char *p, size_t n)
{
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)p[i] << (8 * i);
    return w;
}

uint64_t dt_siphash(const uint64_t key[2], const void *data, size_t len, int c_rounds,
                    int d_rounds)
{
    const unsigned char *p = data;
    uint64_t v0 = key[0] ^ 0x736f6d6570736575ULL, v1 = key[1] ^ 0x646f72616e646f6dULL;
    uint64_t v2 = key[0] ^ 0x6c7967656e657261ULL, v3 = key[1] ^ 0x7465646279746573ULL;
    size_t left = len;
    for (; left >= 8; p += 8, left -= 8) {
        uint64_t m = load_le(p, 8);
        v3 ^= m;
        for (int r = 0; r < c_rounds; r++)
            SIP_ROUND(v0, v1, v2, v3);
        v0 ^= m;
    }
    uint64_t b = (uint64_t)len << 56 | load_le(p, left);
    v3 ^= b;
    for (int r = 0; r < c_rounds; r++)
        SIP_ROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    for (int r = 0; r < d_rounds; r++)
        SIP_ROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

/* The process's hash key: from getrandom(2), else /dev/urandom, else the
 * clock, the process id and an address (ASLR), which an attacker cannot
 * read from outside. */
static uint64_t hash_key[2];
static once_flag hash_key_once = ONCE_FLAG_INIT;

static void make_hash_key(void)
{
    if (getrandom(hash_key, sizeof hash_key, GRND_NONBLOCK) == (ssize_t)sizeof hash_key)
        return;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    bool got = fd >= 0 && read(fd, hash_key, sizeof hash_key) == (ssize_t)sizeof hash_key;
    if (fd >= 0)
        close(fd);
    if (got)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    hash_key[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
    hash_key[1] = (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&hash_key;
}

uint64_t dt_hash_bytes(const void *key, size_t len)
{
    call_once(&hash_key_once, make_hash_key);
    return dt_siphash(hash_key, key, len, 1, 3);
}

void dt_map_init(dt_map_t *map, size_t cap)
{
    memset(map, 0, sizeof *map);
    map->cap = cap;
}

void dt_map_free(dt_map_t *map)
{
    free(map->slots);
    dt_arena_free(&map->keys);
    size_t cap = map->cap;
    dt_map_init(map, cap);
}

static dt_map_slot_t *find_slot(dt_map_slot_t *slots, size_t capacity, uint64_t hash,
                                const void *key, size_t len)
{
    size_t mask = capacity - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        dt_map_slot_t *s = &slots[i];
        if (!s->key)
            return s;
        if (s->hash == hash && s->key_len == len && memcmp(s->key, key, len) == 0)
            return s;
    }
}

uint32_t *dt_map_get(const dt_map_t *map, const void *key, size_t len)
{
    if (!map->slots)
        return NULL;
    dt_map_slot_t *s = find_slot(map->slots, map->capacity, dt_hash_bytes(key, len), key, len);
    return s->key ? &s->value : NULL;
}

static int grow(dt_map_t *map)
{
    size_t capacity = map->capacity ? map->capacity * 2 : MAP_MIN_CAPACITY;
    dt_map_slot_t *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < map->capacity; i++) {
        dt_map_slot_t *old = &map->slots[i];
        if (old->key)
            *find_slot(slots, capacity, old->hash, old->key, old->key_len) = *old;
    }
    free(map->slots);
    map->slots = slots;
    map->capacity = capacity;
    return 0;
}

int dt_map_upsert(dt_map_t *map, const void *key, size_t len, uint32_t value_if_new,
                  uint32_t **value)
{
    uint64_t hash = dt_hash_bytes(key, len);
    if (map->slots) {
        dt_map_slot_t *s = find_slot(map->slots, map->capacity, hash, key, len);
        if (s->key) {
            *value = &s->value;
            return DT_MAP_FOUND;
        }
    }
    if (map->cap && map->count >= map->cap)
        return DT_MAP_FULL;
    if ((map->count + 1) * 4 > map->capacity * 3 && grow(map) != 0)
        return DT_MAP_NOMEM;
    /* Copy with a leading NUL-free layout; an empty key still needs a non-NULL pointer. */
    char *copy = dt_arena_strndup(&map->keys, key, len);
    if (!copy)
        return DT_MAP_NOMEM;
    dt_map_slot_t *s = find_slot(map->slots, map->capacity, hash, key, len);
    s->hash = hash;
    s->key = copy;
    s->key_len = (uint32_t)len;
    s->value = value_if_new;
    map->count++;
    *value = &s->value;
    return DT_MAP_ADDED;
}
