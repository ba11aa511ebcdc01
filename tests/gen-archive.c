/*
 * gen-archive: test tool that writes an archive or a compressed file from
 * files and generated members, so that tests build every archive they read.
 *
 *   gen-archive KIND OUT [MEMBER...]
 *       KIND: zip, zip-store, zip-encrypted, tar, tar.gz, tar.xz, or gz, bz2, xz, zst (one member:
 *       a single compressed stream). MEMBER is one of
 *         NAME=FILE               a member with the bytes of FILE
 *         NAME=repeat:BYTES:TEXT  TEXT repeated to BYTES bytes (a bomb, cheaply)
 *         NAME/                   a directory entry
 *         many:N:FILE             N members m000000.csv ... with the bytes of FILE
 *
 * Exit status 0, 1 when the archive cannot be written, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_fixture.h"

static int usage(void)
{
    fputs("usage: gen-archive KIND OUT MEMBER... (see tests/gen-archive.c)\n", stderr);
    return 2;
}

/* Reads a whole file into memory; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap && !(buf = realloc(buf, cap = cap ? cap * 2 : 65536)))
            break;
        size_t n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    return buf;
}

/* Fills m from one MEMBER argument (not "many:"); returns 0 or -1. */
static int parse_member(char *arg, ta_member_t *m)
{
    memset(m, 0, sizeof *m);
    size_t n = strlen(arg);
    if (n && arg[n - 1] == '/' && !strchr(arg, '=')) {
        m->name = arg;
        m->directory = true;
        return 0;
    }
    char *eq = strchr(arg, '=');
    if (!eq)
        return -1;
    *eq = '\0';
    m->name = arg;
    const char *src = eq + 1;
    if (strncmp(src, "repeat:", 7) == 0) {
        char *end;
        m->size = strtoull(src + 7, &end, 10);
        if (*end != ':' || !end[1])
            return -1;
        m->data = end + 1;
        m->len = strlen(end + 1);
        return 0;
    }
    size_t len;
    char *data = slurp(src, &len);
    if (!data) {
        perror(src);
        return -1;
    }
    m->data = data;
    m->len = len;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    ta_member_t *members = NULL;
    size_t n = 0;
    for (int i = 3; i < argc; i++) {
        size_t copies = 1;
        ta_member_t one;
        if (strncmp(argv[i], "many:", 5) == 0) {
            char *end;
            copies = strtoul(argv[i] + 5, &end, 10);
            one = (ta_member_t){.name = NULL};
            if (*end != ':' || !(one.data = slurp(end + 1, &one.len))) {
                perror(end + 1);
                return usage();
            }
        } else if (parse_member(argv[i], &one) != 0) {
            return usage();
        }
        if (!(members = realloc(members, (n + copies) * sizeof *members)))
            return 1;
        for (size_t c = 0; c < copies; c++) {
            members[n + c] = one;
            if (one.name)
                continue;
            char *name = malloc(32);
            if (!name)
                return 1;
            snprintf(name, 32, "m%06zu.csv", c);
            members[n + c].name = name;
        }
        n += copies;
    }
    char why[512];
    if (ta_write(argv[2], argv[1], members, n, why, sizeof why) != 0) {
        fprintf(stderr, "gen-archive: %s\n", why);
        return 1;
    }
    return 0;
}
