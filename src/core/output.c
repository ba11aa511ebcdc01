/* output.c - opens the report destination; regular files are replaced
 * atomically (temporary file beside them, renamed on commit). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_output.h"

static void release(dt_output_t *out)
{
    free(out->path);
    free(out->tmp_path);
    memset(out, 0, sizeof *out);
}

/* Fails naming the final path, after removing any temporary file. */
static dt_status_t fail_write(dt_output_t *out, int error, dt_error_t *err)
{
    dt_status_t st = dt_fail(err, DT_ERR_OUTPUT, "cannot write '%s': %s",
                             out->path ? out->path : "<stdout>", strerror(error));
    if (out->tmp_path)
        unlink(out->tmp_path);
    release(out);
    return st;
}

/* The mode a new file would get: 0666 less the umask (read without keeping it changed). */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

/* Creates "<path>.XXXXXX" and opens it. An existing file's permissions carry over. */
static dt_status_t open_temp(dt_output_t *out, const struct stat *existing, dt_error_t *err)
{
    size_t len = strlen(out->path);
    out->tmp_path = malloc(len + sizeof ".XXXXXX");
    if (!out->tmp_path)
        return fail_write(out, ENOMEM, err);
    memcpy(out->tmp_path, out->path, len);
    memcpy(out->tmp_path + len, ".XXXXXX", sizeof ".XXXXXX");
    int fd = mkstemp(out->tmp_path);
    if (fd < 0) {
        int e = errno;
        free(out->tmp_path);
        out->tmp_path = NULL;
        return fail_write(out, e, err);
    }
    mode_t mode = existing ? existing->st_mode & 07777 : new_file_mode();
    if (fchmod(fd, mode) != 0 || !(out->fp = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        return fail_write(out, e, err);
    }
    return DT_OK;
}

dt_status_t dt_output_open(dt_output_t *out, const char *path, dt_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!path || strcmp(path, "-") == 0) {
        out->fp = stdout;
        return DT_OK;
    }
    struct stat st, link;
    bool exists = stat(path, &st) == 0;
    /* Replace a symlink's target, not the link itself. */
    bool is_link =
        exists && S_ISREG(st.st_mode) && lstat(path, &link) == 0 && S_ISLNK(link.st_mode);
    out->path = is_link ? realpath(path, NULL) : strdup(path);
    if (!out->path)
        return dt_fail(err, DT_ERR_OUTPUT, "cannot write '%s': %s", path, strerror(errno));
    if (exists && !S_ISREG(st.st_mode)) {
        /* A device, pipe or the like: write to it directly. */
        out->fp = fopen(path, "w");
        return out->fp ? DT_OK : fail_write(out, errno, err);
    }
    return open_temp(out, exists ? &st : NULL, err);
}

/* Flushes and closes the stream; 0 or the error (errno). */
static int close_stream(dt_output_t *out)
{
    int error = 0;
    errno = 0;
    if (fflush(out->fp) != 0)
        error = errno ? errno : EIO;
    else if (ferror(out->fp))
        error = EIO;
    if (out->fp != stdout) {
        errno = 0;
        if (fclose(out->fp) != 0 && !error)
            error = errno ? errno : EIO;
    }
    out->fp = NULL;
    return error;
}

/* Renames the closed temporary file into place; 0 or the error. */
static int publish(dt_output_t *out)
{
    return out->tmp_path && rename(out->tmp_path, out->path) != 0 ? errno : 0;
}

dt_status_t dt_output_commit(dt_output_t *out, dt_error_t *err)
{
    if (!out->fp)
        return DT_OK;
    int error = close_stream(out);
    if (!error)
        error = publish(out);
    if (error)
        return fail_write(out, error, err);
    release(out);
    return DT_OK;
}

dt_status_t dt_output_commit_all(dt_output_t *outs, size_t n, dt_error_t *err)
{
    dt_status_t st = DT_OK;
    for (size_t i = 0; i < n; i++) {
        int error = outs[i].fp ? close_stream(&outs[i]) : 0;
        if (error && st == DT_OK) {
            st = fail_write(&outs[i], error, err);
            break;
        }
    }
    for (size_t i = 0; i < n && st == DT_OK; i++) {
        int error = publish(&outs[i]);
        if (error)
            st = fail_write(&outs[i], error, err);
        else
            release(&outs[i]);
    }
    for (size_t i = 0; i < n; i++)
        dt_output_abort(&outs[i]);
    return st;
}

bool dt_output_is_file(const dt_output_t *out)
{
    return out->tmp_path != NULL;
}

void dt_output_abort(dt_output_t *out)
{
    if (out->fp && out->fp != stdout)
        fclose(out->fp);
    if (out->tmp_path)
        unlink(out->tmp_path);
    release(out);
}

dt_status_t dt_stream_finish(FILE *out, dt_error_t *err)
{
    errno = 0;
    if (fflush(out) != 0)
        return dt_fail(err, DT_ERR_OUTPUT, "cannot write the report: %s",
                       strerror(errno ? errno : EIO));
    if (ferror(out))
        return dt_fail(err, DT_ERR_OUTPUT, "cannot write the report: %s", strerror(EIO));
    return DT_OK;
}
