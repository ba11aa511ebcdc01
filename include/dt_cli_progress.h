/* dt_cli_progress.h - the progress line the CLI draws on a terminal's stderr. */
#ifndef DT_CLI_PROGRESS_H
#define DT_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    bool enabled;     /* stderr is a terminal */
    bool shown;       /* a line is on screen and must be cleared */
    double started;
    double last_draw;
    double file_started; /* when the current file started (the time left is its own) */
    uint64_t last_bytes, last_size;
} dt_cli_progress_t;

/* Starts the clock; the line is enabled only when stderr is a terminal. */
void dt_cli_progress_init(dt_cli_progress_t *progress);

/* A dt_progress_fn: ctx is a dt_cli_progress_t. Draws at most four times a
 * second, and not during the first second. bytes and size are those of the
 * file being read (for an archive member: the archive's bytes read and its
 * size, compressed), so the members of one archive share one progress; the
 * time left is estimated from the current file's own rate. */
void dt_cli_progress_update(void *ctx, const char *path, uint64_t bytes, uint64_t size,
                            uint64_t rows);

/* Clears the line if one was drawn. */
void dt_cli_progress_done(dt_cli_progress_t *progress);

#endif
