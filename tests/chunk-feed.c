/*
 * chunk-feed: test tool that copies files to standard output in chunks of
 * random sizes, or splits one file into pieces at random byte offsets.
 *
 *   chunk-feed [--seed S] [--max BYTES] FILE...
 *       Writes the files, concatenated, to stdout with one write(2) per chunk;
 *       chunk sizes run from 1 byte to --max (default 1 MiB), log-uniformly so
 *       that tiny chunks are as common as large ones. No pauses.
 *   chunk-feed --split N --seed S FILE PREFIX
 *       Cuts FILE at N-1 random byte offsets into PREFIX.000, PREFIX.001, ...
 *       (concatenated in name order they give FILE back).
 *
 * The same seed gives the same chunks. Exit status 0, or 1 on an I/O error
 * (a closed pipe included), 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t state;

static uint64_t rnd(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* 1 .. max, log-uniform: pick a bit width, then a size within it. */
static size_t chunk_size(size_t max)
{
    unsigned bits = 0;
    while (((size_t)1 << bits) < max && bits < 62)
        bits++;
    size_t limit = (size_t)1 << (rnd() % (bits + 1));
    size_t n = 1 + (size_t)(rnd() % limit);
    return n > max ? max : n;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        fprintf(stderr, "chunk-feed: %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    size_t cap = sb.st_size > 0 ? (size_t)sb.st_size : 1, n = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        if (n == cap) {
            unsigned char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fprintf(stderr, "chunk-feed: %s: %s\n", path, strerror(errno));
            free(buf);
            buf = NULL;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *len = n;
    return buf;
}

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int split(const char *path, const char *prefix, unsigned pieces)
{
    size_t len;
    unsigned char *buf = slurp(path, &len);
    if (!buf)
        return 1;
    size_t *cuts = calloc(pieces + 1, sizeof *cuts);
    if (!cuts) {
        free(buf);
        return 1;
    }
    for (unsigned i = 1; i < pieces; i++)
        cuts[i] = len ? (size_t)(rnd() % len) : 0;
    cuts[pieces] = len;
    qsort(cuts, pieces + 1, sizeof *cuts, compare_size);
    int rc = 0;
    for (unsigned i = 0; i < pieces && rc == 0; i++) {
        char name[4096];
        snprintf(name, sizeof name, "%s.%03u", prefix, i);
        int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write_all(fd, buf + cuts[i], cuts[i + 1] - cuts[i]) != 0) {
            fprintf(stderr, "chunk-feed: %s: %s\n", name, strerror(errno));
            rc = 1;
        }
        if (fd >= 0 && close(fd) != 0)
            rc = 1;
    }
    free(cuts);
    free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    size_t max = 1024 * 1024;
    unsigned pieces = 0;
    int i = 1;
    state = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc)
            goto usage;
        char *end;
        unsigned long long v = strtoull(argv[i + 1], &end, 10);
        if (*end || end == argv[i + 1])
            goto usage;
        if (strcmp(argv[i], "--seed") == 0)
            state = v;
        else if (strcmp(argv[i], "--max") == 0 && v > 0)
            max = (size_t)v;
        else if (strcmp(argv[i], "--split") == 0 && v > 0 && v < 1000)
            pieces = (unsigned)v;
        else
            goto usage;
    }
    if (pieces)
        return argc - i == 2 ? split(argv[i], argv[i + 1], pieces) : 2;
    if (i >= argc)
        goto usage;
    for (; i < argc; i++) {
        size_t len;
        unsigned char *buf = slurp(argv[i], &len);
        if (!buf)
            return 1;
        for (size_t off = 0; off < len;) {
            size_t n = chunk_size(max);
            if (n > len - off)
                n = len - off;
            if (write_all(STDOUT_FILENO, buf + off, n) != 0) {
                free(buf);
                return 1;
            }
            off += n;
        }
        free(buf);
    }
    return 0;
usage:
    fputs("usage: chunk-feed [--seed S] [--max BYTES] FILE...\n"
          "       chunk-feed --split N [--seed S] FILE PREFIX\n",
          stderr);
    return 2;
}
