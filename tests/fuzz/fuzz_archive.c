/* fuzz_archive.c - libFuzzer harness for the sources of a path: the input
 * bytes become a file (memfd) that dt_sources_open recognises by its first
 * bytes (a CSV, or an archive or compressed file read through libarchive),
 * and every source it yields is read to the end. Seeds are small archives of
 * every kind (tests/fuzz/run builds them with build/gen-archive).
 *
 * Invariants, whatever the bytes:
 *   - no crash, leak or undefined behaviour (ASan/UBSan), and no hang: the
 *     expansion bound stops every decompression bomb;
 *   - the data delivered over all sources stays within the bound the header
 *     documents (16 MiB, or 100 times the bytes read, plus the block that
 *     crossed it) and the entries within DT_SOURCE_MEMBERS_MAX;
 *   - every source's name starts with the path and fits DT_SOURCE_NAME_MAX;
 *     a member's name is the path, ':' and more;
 *   - bytes read never exceed the file's size, and never go backwards;
 *   - a failure is DT_ERR_INPUT (or DT_ERR_NOMEM) with a message naming the
 *     path, and a path's sources end at the first failure.
 * Any violation aborts, which libFuzzer reports as a crash. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dt_source.h"
#include "fuzz_common.h"

/* The largest block a source hands out: libarchive's buffers are at most a
 * few times DT_SOURCE_BLOCK. */
#define BLOCK_SLACK (4 * (uint64_t)DT_SOURCE_BLOCK)

static void check_failure(dt_status_t st, const dt_error_t *err, const char *path)
{
    CHECK(st == DT_ERR_INPUT || st == DT_ERR_NOMEM);
    CHECK(err->msg[0] != '\0');
    CHECK(st == DT_ERR_NOMEM || strncmp(err->msg, path, strlen(path)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    int fd = fuzz_memory_file(data, size, path, sizeof path);
    dt_sources_t *set;
    dt_error_t err = {{0}};
    dt_status_t st = dt_sources_open(&set, path, &err);
    if (st) {
        check_failure(st, &err, path);
        close(fd);
        return 0;
    }
    CHECK(strcmp(dt_sources_name(set), path) == 0);
    uint64_t delivered = 0, sources = 0, last_bytes = 0;
    dt_source_t *src;
    while ((st = dt_sources_next(set, &src, &err)) == DT_OK && src) {
        sources++;
        CHECK(sources <= DT_SOURCE_MEMBERS_MAX);
        const char *name = dt_source_name(src);
        size_t n = strlen(name), plen = strlen(path);
        CHECK(n < DT_SOURCE_NAME_MAX);
        CHECK(strncmp(name, path, plen) == 0);
        CHECK(name[plen] == '\0' || name[plen] == ':');
        CHECK(dt_source_leaf(src) != NULL);
        (void)dt_source_is_binary(src);
        for (;;) {
            const unsigned char *block;
            size_t len;
            if ((st = dt_source_read(src, &block, &len, &err)) || len == 0)
                break;
            CHECK(block != NULL);
            delivered += len;
            uint64_t read = dt_source_bytes(src);
            CHECK(read >= last_bytes);
            CHECK(read <= size && dt_source_size(src) == size);
            last_bytes = read;
            CHECK(delivered <= DT_SOURCE_EXPANSION_GRACE + DT_SOURCE_EXPANSION_MAX * read +
                                   BLOCK_SLACK + size);
        }
        if (st)
            break;
    }
    if (st)
        check_failure(st, &err, path);
    dt_sources_close(set);
    close(fd);
    return 0;
}
