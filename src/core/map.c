/* map.c - open addressing with linear probing; keys copied into an arena. */
#include <stdlib.h>
#include <string.h>

#include "dt_map.h"

#define MAP_MIN_CAPACITY 16

uint64_t dt_hash_bytes(const void *key, size_t len)
{
    /* FNV-1a over 8-byte words, then a final avalanche (splitmix64). */
    const unsigned char *p = key;
    uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x100000001b3ULL;
        p += 8;
        len -= 8;
    }
    while (len--)
        h = (h ^ *p++) * 0x100000001b3ULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
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
