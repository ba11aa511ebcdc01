/* file.c - a file or standard input as a source: DT_SOURCE_BLOCK bytes at a time. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_source.h"

#define STDIN_NAME "<stdin>"

typedef struct {
    dt_source_t base;
    int fd;
    bool owns_fd;
    char *name;
    unsigned char *block;  /* DT_SOURCE_BLOCK bytes */
    uint64_t bytes;        /* bytes read so far, BOM included */
    uint64_t size;         /* file size when known (regular file), else 0 */
} file_t;

/* Fills the block as far as the input allows (short reads from pipes are
 * common); returns the byte count, or -1 with errno set. */
static ssize_t fill(int fd, unsigned char *buf, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return got ? (ssize_t)got : -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

static dt_status_t file_read(dt_source_t *src, const unsigned char **data, size_t *len,
                             dt_error_t *err)
{
    file_t *f = (file_t *)src;
    *data = f->block;
    *len = 0;
    ssize_t n = fill(f->fd, f->block, DT_SOURCE_BLOCK);
    if (n < 0)
        return dt_fail(err, DT_ERR_INPUT, "%s: read error: %s", f->name, strerror(errno));
    f->bytes += (uint64_t)n;
    *len = (size_t)n;
    return DT_OK;
}

static void file_progress(const dt_source_t *src, uint64_t *bytes, uint64_t *size)
{
    const file_t *f = (const file_t *)src;
    *bytes = f->bytes;
    *size = f->size;
}

static void file_close(dt_source_t *src)
{
    file_t *f = (file_t *)src;
    if (f->owns_fd && f->fd >= 0)
        close(f->fd);
    free(f->block);
    free(f->name);
    free(f);
}

static const dt_source_ops_t file_ops = {file_read, file_progress, file_close};

dt_status_t dt_file_open(dt_source_t **out, const char *path, dt_error_t *err)
{
    *out = NULL;
    bool is_stdin = strcmp(path, "-") == 0;
    file_t *f = calloc(1, sizeof *f);
    char *name = strdup(is_stdin ? STDIN_NAME : path);
    if (!f || !name) {
        free(f);
        free(name);
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", path);
    }
    f->fd = -1;
    f->name = name;
    dt_source_init(&f->base, &file_ops, f->name);
    dt_status_t st = DT_OK;
    if (is_stdin) {
        f->fd = STDIN_FILENO;
    } else {
        f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (f->fd < 0) {
            st = dt_fail(err, DT_ERR_INPUT, "%s: cannot open: %s", name, strerror(errno));
        } else {
            f->owns_fd = true;
            /* O_NONBLOCK only so that opening a FIFO without a writer cannot
             * hang here; reads are blocking again. */
            int flags = fcntl(f->fd, F_GETFL);
            if (flags >= 0)
                (void)fcntl(f->fd, F_SETFL, flags & ~O_NONBLOCK);
        }
    }
    struct stat sb;
    if (st == DT_OK && fstat(f->fd, &sb) != 0)
        st = dt_fail(err, DT_ERR_INPUT, "%s: cannot read: %s", name, strerror(errno));
    else if (st == DT_OK && S_ISDIR(sb.st_mode))
        st = dt_fail(err, DT_ERR_INPUT, "%s: is a directory, not a CSV file", name);
    else if (st == DT_OK && S_ISREG(sb.st_mode))
        f->size = (uint64_t)sb.st_size;
    if (st == DT_OK && !(f->block = malloc(DT_SOURCE_BLOCK)))
        st = dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", name);
    if (st) {
        file_close(&f->base);
        return st;
    }
    *out = &f->base;
    return DT_OK;
}
