/* dt_map.h - an open-addressing hash map from byte strings to small integer
 * values, keyed-hashed against flooding, used for every table keyed by text or packed codes. Keys are copied
 * into the map's own arena. The map can be capped: once it holds `cap` keys,
 * inserting a new key fails with DT_MAP_FULL and the caller counts the overflow. */
#ifndef DT_MAP_H
#define DT_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "dt_arena.h"

typedef struct {
    uint64_t hash;
    const void *key;
    uint32_t key_len;
    uint32_t value;
} dt_map_slot_t;

typedef struct {
    dt_map_slot_t *slots; /* capacity entries; key == NULL marks a free slot */
    size_t capacity;      /* a power of two */
    size_t count;
    size_t cap;           /* most keys accepted; 0 means no limit */
    dt_arena_t keys;
} dt_map_t;

enum { DT_MAP_FOUND = 0, DT_MAP_ADDED = 1, DT_MAP_FULL = 2, DT_MAP_NOMEM = 3 };

/* Prepares an empty map that accepts at most cap keys (0: unlimited). */
void dt_map_init(dt_map_t *map, size_t cap);

/* Releases the slots and the copied keys. */
void dt_map_free(dt_map_t *map);

/* Returns a pointer to the value stored for key, or NULL if absent. The
 * pointer stays valid until the next insertion. */
uint32_t *dt_map_get(const dt_map_t *map, const void *key, size_t len);

/* Finds key or inserts it with value `value_if_new`. Stores a pointer to the
 * value slot in *value (valid until the next insertion) and returns
 * DT_MAP_FOUND or DT_MAP_ADDED; returns DT_MAP_FULL when the key is new and
 * the map is at its cap, DT_MAP_NOMEM when growing failed (*value untouched). */
int dt_map_upsert(dt_map_t *map, const void *key, size_t len, uint32_t value_if_new,
                  uint32_t **value);

/* The 64-bit hash the map uses: SipHash-1-3 under a key drawn once per
 * process (getrandom(2), else /dev/urandom, else the clock and the process
 * id), so that keys an input chooses to collide (hash flooding) collide only
 * by chance. A value is the same within one process and differs between
 * processes: nothing may depend on it but the map's layout, and nothing
 * depends on the layout (the map has no iteration). Thread-safe. */
uint64_t dt_hash_bytes(const void *key, size_t len);

/* SipHash with c_rounds compression and d_rounds finalisation rounds
 * (SipHash-2-4: 2, 4) of len bytes under a 128-bit key. */
uint64_t dt_siphash(const uint64_t key[2], const void *data, size_t len, int c_rounds,
                    int d_rounds);

#endif
