/* arena.c - a bump allocator released all at once. */
#include <stdlib.h>
#include <string.h>

#include "dt_arena.h"

#define ARENA_BLOCK (16 * 1024)
#define ARENA_ALIGN 16

struct dt_arena_block {
    dt_arena_block_t *next;
    size_t size;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

void *dt_arena_alloc(dt_arena_t *arena, size_t size)
{
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (!arena->head || arena->head->size - arena->used < size) {
        size_t block = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        dt_arena_block_t *b = malloc(sizeof *b + block);
        if (!b)
            return NULL;
        b->size = block;
        b->next = arena->head;
        arena->head = b;
        arena->used = 0;
    }
    void *p = arena->head->data + arena->used;
    arena->used += size;
    arena->total += size;
    return p;
}

char *dt_arena_strndup(dt_arena_t *arena, const char *text, size_t len)
{
    char *copy = dt_arena_alloc(arena, len + 1);
    if (!copy)
        return NULL;
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

bool dt_grow_array(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, n * size);
    if (!p)
        return false;
    *items = p;
    *cap = n;
    return true;
}

void dt_arena_free(dt_arena_t *arena)
{
    dt_arena_block_t *b = arena->head;
    while (b) {
        dt_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    arena->head = NULL;
    arena->used = 0;
    arena->total = 0;
}
