/* dt_output.h - where a report goes. A regular file is written under a
 * temporary name beside it and renamed into place only when complete, so a
 * failed run never leaves half a report; standard output, devices and pipes
 * are written directly. A symlink is written through: its target is
 * replaced, or created when the link dangles. A signal handler removes the
 * temporary files with dt_output_remove_temps. */
#ifndef DT_OUTPUT_H
#define DT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "dt_common.h"

typedef struct {
    FILE *fp;
    char *path;     /* the final path, or NULL for standard output */
    char *tmp_path; /* the temporary file, or NULL when writing directly */
} dt_output_t;

/* Outputs open at once at most (their temporary files are registered). */
#define DT_OUTPUT_TEMPS_MAX 8

/* Opens path for writing (NULL or "-" for standard output). Fails with
 * DT_ERR_OUTPUT naming the path (directory missing, not writable, a FIFO
 * that no process reads: refused at once, never waited on). */
dt_status_t dt_output_open(dt_output_t *out, const char *path, dt_error_t *err);

/* Flushes and closes the stream and renames the temporary file into place.
 * On any error removes the temporary file and returns DT_ERR_OUTPUT. */
dt_status_t dt_output_commit(dt_output_t *out, dt_error_t *err);

/* Commits several outputs all or none: closes every stream, and only when
 * all closed without error renames each temporary file into place; on an
 * error removes every temporary file left and returns DT_ERR_OUTPUT naming
 * the output that failed. Outputs written directly (standard output, a
 * device) cannot be taken back. Every output is released either way. */
dt_status_t dt_output_commit_all(dt_output_t *outs, size_t n, dt_error_t *err);

/* True when the output is a regular file written under a temporary name
 * (out->tmp_path), false when written directly. */
bool dt_output_is_file(const dt_output_t *out);

/* Gives up: closes the stream and removes the temporary file. */
void dt_output_abort(dt_output_t *out);

/* Removes every temporary file an open output has. Async-signal-safe (it
 * calls unlink(2) only): for a handler of SIGTERM, SIGINT or SIGHUP, which
 * then ends the process; the outputs are not usable afterwards. */
void dt_output_remove_temps(void);

/* True when output (a report path; NULL and "-" are standard output, never
 * an input) and input (a path, "-" for standard input) are the same file,
 * compared by device and inode after following symlinks. */
bool dt_output_same_file(const char *output, const char *input);

/* The directory temporary files go to: $TMPDIR, or /tmp when it is unset
 * or empty. The string is the environment's or static. */
const char *dt_temp_dir(void);

/* Creates an empty file in dt_temp_dir() named from name_template (a file
 * name ending in XXXXXX, as mkstemp takes) and removes the name at once, so
 * the file vanishes with the descriptor whatever happens (SIGTERM, SIGINT and
 * SIGHUP are held back while the name exists). Returns the
 * descriptor, or -1 with errno set (ENOMEM when the path cannot be made). */
int dt_temp_file(const char *name_template);

/* Flushes a stream something was written to; returns DT_OK, or DT_ERR_OUTPUT
 * ("cannot write the report: REASON") when the stream reports an error, now or
 * earlier. Every writer ends with it. */
dt_status_t dt_stream_finish(FILE *out, dt_error_t *err);

#endif
