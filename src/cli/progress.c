/* cli_progress.c - the progress line on stderr for long inputs: bytes read
 * (of an archive: compressed bytes, against the archive's size), rows per
 * second and, when the size is known, the time left. Shown only when stderr
 * is a terminal and an input has taken more than a second. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dt_cli_progress.h"
#include "dt_text.h"

#define SHOW_AFTER 1.0     /* seconds before the first line */
#define REDRAW_EVERY 0.25  /* seconds between lines */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void dt_cli_progress_init(dt_cli_progress_t *p)
{
    p->enabled = isatty(STDERR_FILENO);
    p->started = p->file_started = now();
    p->last_draw = 0;
    p->shown = false;
    p->last_bytes = p->last_size = 0;
}

void dt_cli_progress_update(void *ctx, const char *path, uint64_t bytes, uint64_t size,
                            uint64_t rows)
{
    dt_cli_progress_t *p = ctx;
    if (!p->enabled)
        return;
    double t = now(), elapsed = t - p->started;
    if (bytes < p->last_bytes || size != p->last_size) /* another file */
        p->file_started = t;
    p->last_bytes = bytes;
    p->last_size = size;
    if (elapsed < SHOW_AFTER || t - p->last_draw < REDRAW_EVERY)
        return;
    p->last_draw = t;
    p->shown = true;
    double rate = (double)rows / elapsed;
    fputs("\r\033[K", stderr); /* ours; the path may hold anything */
    dt_text_write_escaped(stderr, path, strlen(path));
    fprintf(stderr, ": %.1f MB", (double)bytes / 1e6);
    if (size)
        fprintf(stderr, " of %.1f MB (%.0f%%)", (double)size / 1e6, 100.0 * (double)bytes / (double)size);
    fprintf(stderr, ", %.0f rows/s", rate);
    if (size && bytes && bytes < size)
        fprintf(stderr, ", %.0f s left",
                (t - p->file_started) * (double)(size - bytes) / (double)bytes);
    fflush(stderr);
}

void dt_cli_progress_done(dt_cli_progress_t *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
}
