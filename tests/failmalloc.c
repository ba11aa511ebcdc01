/* failmalloc.c - an LD_PRELOAD shim for the allocation-failure test
 * (tests/alloc-failure.sh): counts the calls to malloc, calloc, realloc,
 * strdup and strndup the process makes once it has started, and makes the
 * Nth one fail (return NULL, errno ENOMEM).
 *   FAILMALLOC_NTH=N      the call to fail (1 = the first); unset or 0: none
 *   FAILMALLOC_COUNT=FILE at exit, write the number of calls made to FILE
 * glibc only (it forwards to __libc_malloc and friends). Threads count into
 * one counter, so which thread's call is the Nth one varies between runs. Not for sanitizer
 * builds, which replace the allocator themselves. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static unsigned long calls, nth;
static int armed;

__attribute__((constructor)) static void arm(void)
{
    const char *n = getenv("FAILMALLOC_NTH");
    nth = n ? strtoul(n, NULL, 10) : 0;
    armed = 1;
}

__attribute__((destructor)) static void report(void)
{
    const char *path = getenv("FAILMALLOC_COUNT");
    if (!path)
        return;
    armed = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%lu\n", calls);
    if (len > 0)
        (void)!write(fd, buf, (size_t)len);
    close(fd);
}

/* True when this call is the one to fail. */
static int fail_now(void)
{
    if (!armed)
        return 0;
    /* atomic: the worker threads of -j allocate too */
    if (__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) == nth && nth) {
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

void *malloc(size_t size)
{
    return fail_now() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    return fail_now() ? NULL : __libc_realloc(p, size);
}

char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = fail_now() ? NULL : __libc_malloc(n);
    return copy ? memcpy(copy, s, n) : NULL;
}

char *strndup(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *copy = fail_now() ? NULL : __libc_malloc(n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}
