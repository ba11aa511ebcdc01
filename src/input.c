/* input.c - files and standard input as a stream of blocks, BOM removed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_input.h"

static const char *display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

dt_status_t dt_input_open(dt_input_t *in, const char *path, dt_error_t *err)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    in->path = display_name(path);
    if (strcmp(path, "-") == 0) {
        in->fd = STDIN_FILENO;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (in->fd < 0)
            return dt_fail(err, DT_ERR_INPUT, "%s: cannot open: %s", in->path, strerror(errno));
        in->owns_fd = true;
        /* O_NONBLOCK only so that opening a FIFO without a writer cannot hang
         * here; reads are blocking again. */
        int flags = fcntl(in->fd, F_GETFL);
        if (flags >= 0)
            (void)fcntl(in->fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    struct stat sb;
    if (fstat(in->fd, &sb) != 0) {
        dt_input_close(in);
        return dt_fail(err, DT_ERR_INPUT, "%s: cannot read: %s", display_name(path),
                       strerror(errno));
    }
    if (S_ISDIR(sb.st_mode)) {
        dt_input_close(in);
        return dt_fail(err, DT_ERR_INPUT, "%s: is a directory, not a CSV file", display_name(path));
    }
    if (S_ISREG(sb.st_mode))
        in->size = (uint64_t)sb.st_size;
    in->block = malloc(DT_INPUT_BLOCK);
    if (!in->block) {
        dt_input_close(in);
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", display_name(path));
    }
    return DT_OK;
}

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

/* Rejects encodings other than UTF-8 (or ASCII) by their byte-order mark
 * or by NUL bytes between ASCII letters, which is how UTF-16 text looks. */
static dt_status_t check_encoding(const dt_input_t *in, const unsigned char *p, size_t n,
                                  dt_error_t *err)
{
    const char *what = NULL;
    if (n >= 4 && (memcmp(p, "\xFF\xFE\0\0", 4) == 0 || memcmp(p, "\0\0\xFE\xFF", 4) == 0))
        what = "UTF-32";
    else if (n >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0))
        what = "UTF-16";
    else if (n >= 4 && ((p[0] && !p[1] && p[2] && !p[3]) || (!p[0] && p[1] && !p[2] && p[3])))
        what = "UTF-16 (no byte-order mark)";
    if (!what)
        return DT_OK;
    return dt_fail(err, DT_ERR_INPUT,
                   "%s:1: the file is %s text; drtriage reads UTF-8. Convert it first, e.g. "
                   "iconv -f UTF-16 -t UTF-8 '%s' > converted.csv (or in Excel save as "
                   "\"CSV UTF-8\")",
                   in->path, what, in->path);
}

dt_status_t dt_input_read(dt_input_t *in, const unsigned char **data, size_t *len,
                          dt_error_t *err)
{
    *data = in->block;
    *len = 0;
    if (in->eof)
        return DT_OK;
    ssize_t n = fill(in->fd, in->block, DT_INPUT_BLOCK);
    if (n < 0)
        return dt_fail(err, DT_ERR_INPUT, "%s: read error: %s", in->path, strerror(errno));
    if (n == 0)
        in->eof = true;
    in->bytes += (uint64_t)n;
    size_t skip = 0;
    if (!in->started && n > 0) {
        in->started = true;
        dt_status_t st = check_encoding(in, in->block, (size_t)n, err);
        if (st)
            return st;
        if (n >= 3 && memcmp(in->block, "\xEF\xBB\xBF", 3) == 0)
            skip = 3;
    }
    *data = in->block + skip;
    *len = (size_t)n - skip;
    return DT_OK;
}

void dt_input_close(dt_input_t *in)
{
    if (in->owns_fd && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    in->owns_fd = false;
    free(in->block);
    in->block = NULL;
}
