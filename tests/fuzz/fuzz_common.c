/* fuzz_common.c - set-up shared by the libFuzzer harnesses. */
#define _GNU_SOURCE /* memfd_create */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

void fuzz_builtin_rules(dt_rules_t *rules, dt_codes_t **codes, size_t cache_cap)
{
    dt_error_t err = {{0}};
    dt_rules_init(rules);
    if (dt_rules_load_embedded(rules, &err) || dt_rules_finish(rules, &err) ||
        !(*codes = dt_codes_new(rules, cache_cap, &err))) {
        fprintf(stderr, "fuzz: built-in rules failed: %s\n", err.msg);
        abort();
    }
}

void fuzz_text(const uint8_t *data, size_t size, char *text, size_t cap)
{
    size_t n = size < cap - 1 ? size : cap - 1;
    memcpy(text, data, n);
    text[n] = '\0';
}

int fuzz_memory_file(const void *data, size_t size, char *path, size_t cap)
{
    int fd = memfd_create("fuzz.csv", 0);
    CHECK(fd >= 0);
    const unsigned char *bytes = data;
    for (size_t off = 0; off < size;) {
        ssize_t n = write(fd, bytes + off, size - off);
        CHECK(n > 0);
        off += (size_t)n;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}
