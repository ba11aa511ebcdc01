/* archive_fixture.h - writes archives and compressed files with libarchive, at
 * test time: the unit suites and tests/gen-archive (for the shell tests and
 * golden cases) build every archive they read, bombs included, from small
 * inputs instead of committing binaries. */
#ifndef ARCHIVE_FIXTURE_H
#define ARCHIVE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ta_member {
    const char *name;     /* path inside the archive */
    const void *data;     /* the member's bytes ... */
    size_t len;
    uint64_t size;        /* ... repeated until this many bytes are written (0: once) */
    bool directory;       /* a directory entry (data ignored) */
    bool sparse;          /* tar only: a 4 KiB hole in the middle of the data */
} ta_member_t;

#define TA_HOLE 4096

/* A member holding a string literal. */
#define TA_TEXT(member, text) {.name = (member), .data = (text), .len = sizeof(text) - 1}

/* Writes n members to path as `kind`: "zip" (deflate), "zip-store",
 * "zip-encrypted" (traditional PKWARE encryption, password "secret"), "tar",
 * "tar.gz", "tar.xz", or a single compressed stream of one member: "gz",
 * "bz2", "xz", "zst". Returns 0, or -1 with libarchive's message in why
 * (cap bytes). */
int ta_write(const char *path, const char *kind, const ta_member_t *members, size_t n,
             char *why, size_t cap);

#endif
