/* dt_parallel.h - one input's text cut into chunks at record boundaries,
 * each chunk's work done on a worker thread, the results handed back in
 * input order (-j). docs/parallel.md tells the whole story.
 *
 * Cutting. The calling thread reads the input's blocks and cuts the text
 * into chunks of about chunk_bytes, each ending right after a line break
 * outside quotes: the first line break past chunk_bytes at which the count
 * of quote characters since the input's start is even. Quote parity
 * composes (the parity at any byte is that of the chunks before it combined
 * with the bytes before it in its chunk), so finding a cut needs no parsing;
 * it is exact for well-formed CSV, where a quote opens or closes a field or
 * is doubled inside one. A stray quote (`5" monitor` in an unquoted field)
 * can make a cut fall inside a record: the caller checks each cut (a reader
 * that ends a chunk between records, on the line the next chunk starts on,
 * proves it; dt_reader_between) and reads the next chunk on from the
 * previous one when it does not hold. Each chunk knows the physical line it
 * starts on (the cutter counts line breaks) and the offsets at which the
 * input's own blocks ended inside it (so that a reader can be fed in the
 * same pieces as when it reads the input whole). A record longer than the
 * cutter looks ahead (about twice chunk_bytes) forces a cut where no record
 * can start; the chunk after it is marked `continues`.
 *
 * Work and order. For each chunk the caller's plan function (on the calling
 * thread) either returns a job, which a worker does with work(), or NULL:
 * the chunk is then the fold's to read. fold() is called on the calling
 * thread for every chunk in input order, once its job (if any) is done; it
 * can accept the job's result or read the chunk itself. At most a few chunks
 * per worker are in flight, so memory stays a few chunks per worker. */
#ifndef DT_PARALLEL_H
#define DT_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_common.h"

#define DT_CHUNK_BYTES ((size_t)1 << 20) /* default chunk size */
#define DT_JOBS_MAX 256                  /* workers at most (-j) */
#define DT_JOBS_DEFAULT_MAX 16           /* workers by default: online CPUs, at most this */

/* A piece of one input's text, ending where the input ends or right after a
 * line break (at which the cutter saw even quote parity). */
typedef struct {
    const unsigned char *data;
    size_t len;
    const size_t *splits;  /* nsplits offsets, increasing, 0 < offset < len: where the
                              input's blocks ended inside the chunk */
    size_t nsplits;
    uint64_t index;        /* 0, 1, ... within the input */
    uint64_t first_line;   /* the physical line data[0] is on (1-based, as the reader
                              counts them: line breaks before it, plus one) */
    bool continues;        /* the cutter found no place where a record could start
                              before it: data[0] is inside the previous chunk's record */
    bool last;             /* the input ends with this chunk (which may be empty) */
} dt_chunk_t;

typedef struct {
    /* Calling thread, when the chunk has been cut and every chunk before it
     * has been planned (not necessarily folded): stores in *job a job for a
     * worker, or NULL to leave the chunk to fold. A status other than DT_OK
     * (err filled) stops the run. */
    dt_status_t (*plan)(void *ctx, const dt_chunk_t *chunk, void **job, dt_error_t *err);
    /* A worker thread: does job on chunk. worker is the worker's number (0 to
     * workers - 1), for state of its own. The chunk's bytes stay valid until
     * fold or discard. Reports failure in the job, for fold. */
    void (*work)(void *ctx, unsigned worker, const dt_chunk_t *chunk, void *job);
    /* Calling thread, for every chunk in input order, after its job (NULL
     * when plan gave none) is done: takes what the job found, or reads the
     * chunk itself, and releases the job. A status other than DT_OK (err
     * filled) stops the run. */
    dt_status_t (*fold)(void *ctx, const dt_chunk_t *chunk, void *job, dt_error_t *err);
    /* Calling thread, for each job whose chunk is not folded because the run
     * stopped: releases it. */
    void (*discard)(void *ctx, void *job);
} dt_parallel_ops_t;

/* Reads the next block of the input, as dt_source_read does (owned by the
 * reader, valid until the next call; *len == 0 at the end). */
typedef dt_status_t (*dt_block_fn)(void *ctx, const unsigned char **data, size_t *len,
                                   dt_error_t *err);

/* Worker threads, shared by the inputs of a run. */
typedef struct dt_pool dt_pool_t;

/* Starts `workers` threads (at least 1). Returns DT_OK, or DT_ERR_NOMEM
 * (err filled) when not even one thread could be started; fewer threads
 * than asked for are started when the system refuses more
 * (dt_pool_workers says how many). */
dt_status_t dt_pool_new(dt_pool_t **out, unsigned workers, dt_error_t *err);

/* The number of worker threads. */
unsigned dt_pool_workers(const dt_pool_t *pool);

/* Stops and joins the threads; NULL is allowed. No run may be under way. */
void dt_pool_free(dt_pool_t *pool);

/* Cuts one input (read with read(read_ctx)) into chunks of about chunk_bytes
 * (0: DT_CHUNK_BYTES) and runs ops with ctx over them, as described above.
 * Returns DT_OK once every chunk has been folded; the first failure of the
 * reading, of plan or of fold otherwise (err filled), after every job in
 * flight has ended and every job left has been discarded; DT_ERR_NOMEM. */
dt_status_t dt_parallel_run(dt_pool_t *pool, size_t chunk_bytes, dt_block_fn read,
                            void *read_ctx, const dt_parallel_ops_t *ops, void *ctx,
                            dt_error_t *err);

#endif
