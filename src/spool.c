/* spool.c - records held in an unlinked temporary file.
 *
 * A record is stored as four 64-bit words (line, index, nfields, ncells),
 * one word per cell (its length plus one, 0 for a missing cell), then the
 * cells' bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_arena.h"
#include "dt_output.h"
#include "dt_spool.h"

#define SPOOL_TEMPLATE "drtriage-held.XXXXXX"
#define HEAD_WORDS 4

struct dt_spool {
    FILE *file;
    char *dir;             /* where the file is made, for messages */
    uint64_t count;
    dt_slice_t *cells;     /* replay: the current record's cells ... */
    size_t cells_cap;
    char *bytes;           /* ... and their bytes */
    size_t bytes_cap;
    uint64_t *lens;
    size_t lens_cap;
};

dt_spool_t *dt_spool_new(void)
{
    return calloc(1, sizeof(dt_spool_t));
}

static dt_status_t spool_fail(dt_spool_t *spool, const char *what, dt_error_t *err)
{
    return dt_fail(err, DT_ERR_OUTPUT,
                   "cannot %s the temporary file in %s that holds rows until their dates "
                   "can be read: %s",
                   what, spool->dir, errno ? strerror(errno) : "unexpected end of file");
}

static dt_status_t open_file(dt_spool_t *spool, dt_error_t *err)
{
    free(spool->dir);
    if (!(spool->dir = strdup(dt_temp_dir())))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    int fd = dt_temp_file(SPOOL_TEMPLATE);
    if (fd < 0)
        return spool_fail(spool, "create", err);
    spool->file = fdopen(fd, "w+b");
    if (!spool->file) {
        close(fd);
        return spool_fail(spool, "create", err);
    }
    return DT_OK;
}

dt_status_t dt_spool_append(dt_spool_t *spool, const dt_record_t *record, dt_error_t *err)
{
    if (!spool->file) {
        dt_status_t st = open_file(spool, err);
        if (st)
            return st;
    }
    uint64_t head[HEAD_WORDS] = {record->line, record->index, record->nfields, record->ncells};
    errno = 0;
    bool ok = fwrite(head, sizeof head, 1, spool->file) == 1;
    for (size_t i = 0; ok && i < record->ncells; i++) {
        uint64_t len = record->cells[i].ptr ? (uint64_t)record->cells[i].len + 1 : 0;
        ok = fwrite(&len, sizeof len, 1, spool->file) == 1;
    }
    for (size_t i = 0; ok && i < record->ncells; i++)
        if (record->cells[i].len)
            ok = fwrite(record->cells[i].ptr, 1, record->cells[i].len, spool->file) ==
                 record->cells[i].len;
    if (!ok)
        return spool_fail(spool, "write", err);
    spool->count++;
    return DT_OK;
}

uint64_t dt_spool_count(const dt_spool_t *spool)
{
    return spool->count;
}

/* Grows *buf to hold at least n items of size bytes; false when out of memory. */
static bool reserve(void **buf, size_t *cap, size_t n, size_t size)
{
    while (*cap < n)
        if (!dt_grow_array(buf, cap, *cap, size))
            return false;
    return true;
}

/* Reads the next record into the spool's buffers. */
static dt_status_t read_record(dt_spool_t *spool, dt_record_t *record, dt_error_t *err)
{
    uint64_t head[HEAD_WORDS];
    errno = 0;
    if (fread(head, sizeof head, 1, spool->file) != 1)
        return spool_fail(spool, "read back", err);
    size_t ncells = (size_t)head[3];
    if (!reserve((void **)&spool->lens, &spool->lens_cap, ncells, sizeof *spool->lens) ||
        !reserve((void **)&spool->cells, &spool->cells_cap, ncells, sizeof *spool->cells))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (ncells && fread(spool->lens, sizeof *spool->lens, ncells, spool->file) != ncells)
        return spool_fail(spool, "read back", err);
    size_t total = 0;
    for (size_t i = 0; i < ncells; i++)
        total += spool->lens[i] ? (size_t)spool->lens[i] - 1 : 0;
    if (!reserve((void **)&spool->bytes, &spool->bytes_cap, total ? total : 1, 1))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (total && fread(spool->bytes, 1, total, spool->file) != total)
        return spool_fail(spool, "read back", err);
    size_t at = 0;
    for (size_t i = 0; i < ncells; i++) {
        size_t len = spool->lens[i] ? (size_t)spool->lens[i] - 1 : 0;
        spool->cells[i] = (dt_slice_t){spool->lens[i] ? spool->bytes + at : NULL, len};
        at += len;
    }
    *record = (dt_record_t){.line = head[0], .index = head[1], .nfields = (size_t)head[2],
                            .cells = spool->cells, .ncells = ncells};
    return DT_OK;
}

dt_status_t dt_spool_replay(dt_spool_t *spool, dt_record_fn fn, void *ctx, dt_error_t *err)
{
    if (!spool->count)
        return DT_OK;
    uint64_t n = spool->count;
    spool->count = 0;
    errno = 0;
    if (fflush(spool->file) != 0 || fseeko(spool->file, 0, SEEK_SET) != 0)
        return spool_fail(spool, "read back", err);
    dt_status_t st = DT_OK;
    for (uint64_t i = 0; i < n && st == DT_OK; i++) {
        dt_record_t record;
        if ((st = read_record(spool, &record, err)) == DT_OK)
            st = fn(ctx, &record, err);
    }
    /* empty the file for the next records, whatever happened */
    errno = 0;
    if ((fseeko(spool->file, 0, SEEK_SET) != 0 || ftruncate(fileno(spool->file), 0) != 0) &&
        st == DT_OK)
        st = spool_fail(spool, "empty", err);
    return st;
}

void dt_spool_free(dt_spool_t *spool)
{
    if (!spool)
        return;
    if (spool->file)
        fclose(spool->file);
    free(spool->dir);
    free(spool->cells);
    free(spool->bytes);
    free(spool->lens);
    free(spool);
}
