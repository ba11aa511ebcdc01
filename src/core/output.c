/* output.c - opens the report destination; regular files are replaced
 * atomically (temporary file beside them, renamed on commit). The
 * temporary files open at any moment are in a static registry, so that a
 * signal handler can remove them. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_output.h"

#define LINK_HOPS_MAX 40 /* symlinks followed to a dangling link's target */

/* The temporary files that exist, for dt_output_remove_temps. A slot is set
 * once its string is complete and cleared before the string is freed. */
static char *volatile temps[DT_OUTPUT_TEMPS_MAX];

static bool register_temp(char *path)
{
    for (size_t i = 0; i < DT_OUTPUT_TEMPS_MAX; i++)
        if (!temps[i]) {
            temps[i] = path;
            return true;
        }
    return false;
}

static void unregister_temp(const char *path)
{
    for (size_t i = 0; path && i < DT_OUTPUT_TEMPS_MAX; i++)
        if (temps[i] == path)
            temps[i] = NULL;
}

void dt_output_remove_temps(void)
{
    for (size_t i = 0; i < DT_OUTPUT_TEMPS_MAX; i++) {
        char *path = temps[i];
        if (path)
            unlink(path);
    }
}

static void release(dt_output_t *out)
{
    unregister_temp(out->tmp_path);
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

/* Creates "<path>.XXXXXX" and opens it. An existing file's permissions carry
 * over. Signals are held while the file is created and registered, so that
 * no handler runs between the two. */
static dt_status_t open_temp(dt_output_t *out, const struct stat *existing, dt_error_t *err)
{
    size_t len = strlen(out->path);
    char *tmp = malloc(len + sizeof ".XXXXXX");
    if (!tmp)
        return fail_write(out, ENOMEM, err);
    memcpy(tmp, out->path, len);
    memcpy(tmp + len, ".XXXXXX", sizeof ".XXXXXX");
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    int fd = mkstemp(tmp);
    int e = errno;
    bool registered = fd >= 0 && register_temp(tmp);
    if (registered)
        out->tmp_path = tmp;
    else if (fd >= 0)
        unlink(tmp), close(fd), fd = -1, e = EMFILE;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        free(tmp);
        return fail_write(out, e, err);
    }
    mode_t mode = existing ? existing->st_mode & 07777 : new_file_mode();
    if (fchmod(fd, mode) != 0 || !(out->fp = fdopen(fd, "w"))) {
        e = errno;
        close(fd);
        return fail_write(out, e, err);
    }
    return DT_OK;
}

/* Opens a device, FIFO or the like to write to it directly, without waiting:
 * a FIFO nobody reads is refused at once (ENXIO) instead of blocking. */
static dt_status_t open_direct(dt_output_t *out, dt_error_t *err)
{
    int fd = open(out->path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && errno == ENXIO) {
        dt_status_t st = dt_fail(err, DT_ERR_OUTPUT,
                                 "cannot write '%s': a FIFO that no process reads", out->path);
        release(out);
        return st;
    }
    int flags = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
    if (fd < 0 || flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
        !(out->fp = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return fail_write(out, e, err);
    }
    return DT_OK;
}

/* The file a dangling symlink points to (following a chain of links), as a
 * malloc'd path; NULL with errno set when it cannot be told. */
static char *dangling_target(const char *path)
{
    char *cur = strdup(path);
    for (int hop = 0; cur && hop < LINK_HOPS_MAX; hop++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0)
            return errno == ENOENT ? cur : (free(cur), NULL);
        if (!S_ISLNK(sb.st_mode))
            return cur; /* it exists after all: the caller's stat raced */
        char target[PATH_MAX];
        ssize_t n = readlink(cur, target, sizeof target - 1);
        if (n < 0) {
            free(cur);
            return NULL;
        }
        target[n] = '\0';
        const char *slash = strrchr(cur, '/');
        size_t dir = target[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
        char *next = malloc(dir + (size_t)n + 1);
        if (next) {
            memcpy(next, cur, dir);
            memcpy(next + dir, target, (size_t)n + 1);
        }
        free(cur);
        cur = next;
    }
    if (cur)
        errno = ELOOP; /* more than LINK_HOPS_MAX links */
    free(cur);
    return NULL;
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
    bool is_link = lstat(path, &link) == 0 && S_ISLNK(link.st_mode);
    /* Replace a symlink's target, not the link itself; a dangling link's
     * target is created as a live link's would be replaced. */
    if (is_link && exists && S_ISREG(st.st_mode))
        out->path = realpath(path, NULL);
    else if (is_link && !exists)
        out->path = dangling_target(path);
    else
        out->path = strdup(path);
    if (!out->path)
        return dt_fail(err, DT_ERR_OUTPUT, "cannot write '%s': %s", path, strerror(errno));
    if (exists && !S_ISREG(st.st_mode))
        return open_direct(out, err); /* a device, pipe or the like */
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

bool dt_output_same_file(const char *output, const char *input)
{
    struct stat o, i;
    if (!output || strcmp(output, "-") == 0 || stat(output, &o) != 0)
        return false;
    int got = strcmp(input, "-") == 0 ? fstat(STDIN_FILENO, &i) : stat(input, &i);
    return got == 0 && o.st_dev == i.st_dev && o.st_ino == i.st_ino;
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

const char *dt_temp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

int dt_temp_file(const char *name_template)
{
    const char *dir = dt_temp_dir();
    size_t size = strlen(dir) + 1 + strlen(name_template) + 1;
    char *path = malloc(size);
    if (!path) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(path, size, "%s/%s", dir, name_template);
    /* A signal between creating the name and removing it would leave the
     * file behind: the ones that end a run wait until the name is gone. */
    sigset_t ending, before;
    sigemptyset(&ending);
    sigaddset(&ending, SIGTERM);
    sigaddset(&ending, SIGINT);
    sigaddset(&ending, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &ending, &before);
    errno = 0;
    int fd = mkstemp(path);
    int why = errno;
    if (fd >= 0)
        unlink(path);
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    free(path);
    errno = why;
    return fd;
}
