/* fuzz_common.h - what the libFuzzer harnesses share: the abort-on-failure
 * check, the built-in rules with their code table, and bytes as a file. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dt_codes.h"
#include "dt_rules.h"

/* Aborts, which libFuzzer reports as a crash, when cond does not hold. */
#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* Loads and finishes the built-in rules and compiles their code table with
 * a cache of cache_cap keys; aborts on failure. */
void fuzz_builtin_rules(dt_rules_t *rules, dt_codes_t **codes, size_t cache_cap);

/* Copies the input into text (cap bytes, NUL-terminated), as a command-line
 * argument would arrive: cut at cap - 1 bytes and at the first NUL. */
void fuzz_text(const uint8_t *data, size_t size, char *text, size_t cap);

/* Writes the bytes to an anonymous in-memory file; stores a path that opens
 * it ("/proc/self/fd/N", cap >= 64 bytes) and returns its descriptor (close
 * it when done). Aborts on failure. */
int fuzz_memory_file(const void *data, size_t size, char *path, size_t cap);

#endif
