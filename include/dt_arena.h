/* dt_arena.h - a bump allocator for data that lives as long as its owner
 * (rules, interned strings). Everything is released at once by dt_arena_free. */
#ifndef DT_ARENA_H
#define DT_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dt_arena_block dt_arena_block_t;

typedef struct {
    dt_arena_block_t *head;
    size_t used;      /* bytes used in head */
    size_t total;     /* bytes handed out, for memory accounting */
} dt_arena_t;

#define DT_ARENA_INIT {0}

/* Returns size bytes aligned for any object, owned by the arena, or NULL
 * when memory is exhausted. */
void *dt_arena_alloc(dt_arena_t *arena, size_t size);

/* Copies len bytes plus a terminating NUL into the arena and returns the
 * copy, or NULL when memory is exhausted. */
char *dt_arena_strndup(dt_arena_t *arena, const char *text, size_t len);

/* Releases every block; the arena is empty and reusable afterwards. */
void dt_arena_free(dt_arena_t *arena);

/* Makes room for element `count` in a malloc'd array of `size`-byte
 * elements holding *cap, doubling it (from 16) when full. Returns false,
 * leaving the array as it was, when memory is exhausted. */
bool dt_grow_array(void **items, size_t *cap, size_t count, size_t size);

#define DT_GROW(array, count, cap) \
    dt_grow_array((void **)&(array), &(cap), (count), sizeof *(array))

#endif
