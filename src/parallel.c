/* parallel.c - chunks cut at quote-parity line breaks, worked on by a pool
 * of threads, folded in input order (design: dt_parallel.h).
 *
 * The calling thread owns the staging buffer: the bytes read and not yet
 * cut, the quote parity and the line count at its start, and how far it has
 * been scanned. Cut chunks go into a ring, oldest first; a chunk with a job
 * is also queued for the workers. The pool's one mutex guards the queue and
 * every chunk's `done` flag; nothing else is shared: a worker reads only its
 * chunk (written before it was queued) and writes only its job (read after
 * `done` is seen under the mutex). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dt_parallel.h"
#include "dt_reader.h"

#define QUOTE '"'
#define LOOKAHEAD_CHUNKS 1       /* a record may run this many chunk sizes past a cut */
#define IN_FLIGHT_PER_WORKER 2   /* chunks queued or worked on, per worker */
/* After a forced cut, inside a record longer than the lookahead: chunks of
 * this size at most (the calling thread reads them; nothing to gain from
 * large ones), each ending at the first line break with even parity if any. */
#define CONTINUATION_BYTES ((size_t)64 << 10)
#define STAGE_SLACK ((size_t)64 << 10) /* a block read past the lookahead */

/* ---- counting bytes ---- */

typedef unsigned char bytes16_t __attribute__((vector_size(16)));

/* Adds the number of bytes equal to a and to b in p[0, n) to *na and *nb,
 * sixteen bytes at a time. */
static void count_two(const unsigned char *p, size_t n, unsigned char a, unsigned char b,
                      uint64_t *na, uint64_t *nb)
{
    const bytes16_t va = (bytes16_t){0} + a, vb = (bytes16_t){0} + b;
    size_t i = 0;
    while (n - i >= 16) {
        /* 255 rounds at most before a lane of the byte counters could wrap */
        size_t rounds = (n - i) / 16 < 255 ? (n - i) / 16 : 255;
        bytes16_t sa = {0}, sb = {0};
        for (size_t k = 0; k < rounds; k++, i += 16) {
            bytes16_t x;
            memcpy(&x, p + i, sizeof x);
            sa -= (bytes16_t)(x == va);
            sb -= (bytes16_t)(x == vb);
        }
        for (int lane = 0; lane < 16; lane++) {
            *na += sa[lane];
            *nb += sb[lane];
        }
    }
    for (; i < n; i++) {
        *na += p[i] == a;
        *nb += p[i] == b;
    }
}

/* ---- chunks ---- */

typedef struct slot slot_t;
struct slot {
    dt_chunk_t chunk;
    unsigned char *buf;
    size_t cap;
    size_t *splits;
    size_t splits_cap;
    void *job;
    bool done;                 /* the job is done (guarded by the pool's lock) */
    slot_t *next_free;
};

/* The bytes read and not yet cut. */
typedef struct {
    unsigned char *buf;
    size_t len, cap;
    size_t *splits;            /* where the input's blocks ended, offsets into buf */
    size_t nsplits, splits_cap;
    uint64_t line;             /* the physical line buf[0] is on */
    bool continues;            /* buf[0] is inside a record (a forced cut) */
    bool parity;               /* quote parity at buf[0], since the input's start */
    size_t scanned;            /* bytes of buf looked at for the next cut ... */
    bool scan_parity;          /* ... the parity after them */
    uint64_t scan_lines;       /* ... and the line breaks in them */
    char line_break;           /* 0 until known (sniffed from the input's first bytes) */
    uint64_t index;            /* of the next chunk */
    bool eof;
    bool last_cut;             /* the chunk that ends the input has been cut */
} staging_t;

/* ---- the pool ---- */

struct dt_pool {
    pthread_mutex_t lock;
    pthread_cond_t work_ready;  /* a chunk was queued, or quit */
    pthread_cond_t work_done;   /* a chunk's job is done */
    pthread_t *threads;
    unsigned nthreads;
    bool quit;
    slot_t **queue;             /* chunks to work on, FIFO */
    size_t qhead, qlen, qcap;
    const dt_parallel_ops_t *ops; /* of the run under way */
    void *ctx;
};

typedef struct {
    dt_pool_t *pool;
    unsigned index;
} worker_arg_t;

static void *worker_main(void *arg)
{
    worker_arg_t self = *(worker_arg_t *)arg;
    free(arg);
    dt_pool_t *pool = self.pool;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->quit && pool->qlen == 0)
            pthread_cond_wait(&pool->work_ready, &pool->lock);
        if (pool->quit)
            break;
        slot_t *slot = pool->queue[pool->qhead];
        pool->qhead = (pool->qhead + 1) % pool->qcap;
        pool->qlen--;
        const dt_parallel_ops_t *ops = pool->ops;
        void *ctx = pool->ctx;
        pthread_mutex_unlock(&pool->lock);
        ops->work(ctx, self.index, &slot->chunk, slot->job);
        pthread_mutex_lock(&pool->lock);
        slot->done = true;
        pthread_cond_broadcast(&pool->work_done);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

dt_status_t dt_pool_new(dt_pool_t **out, unsigned workers, dt_error_t *err)
{
    *out = NULL;
    dt_pool_t *pool = calloc(1, sizeof *pool);
    if (workers < 1)
        workers = 1;
    if (!pool || !(pool->threads = calloc(workers, sizeof *pool->threads))) {
        free(pool);
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work_ready, NULL);
    pthread_cond_init(&pool->work_done, NULL);
    for (unsigned i = 0; i < workers; i++) {
        worker_arg_t *arg = malloc(sizeof *arg);
        if (!arg)
            break;
        *arg = (worker_arg_t){pool, i};
        if (pthread_create(&pool->threads[i], NULL, worker_main, arg) != 0) {
            free(arg);
            break;
        }
        pool->nthreads++;
    }
    if (!pool->nthreads) {
        dt_pool_free(pool);
        return dt_fail(err, DT_ERR_NOMEM, "cannot start a worker thread");
    }
    *out = pool;
    return DT_OK;
}

unsigned dt_pool_workers(const dt_pool_t *pool)
{
    return pool->nthreads;
}

void dt_pool_free(dt_pool_t *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->quit = true;
    pthread_cond_broadcast(&pool->work_ready);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->work_ready);
    pthread_cond_destroy(&pool->work_done);
    free(pool->threads);
    free(pool->queue);
    free(pool);
}

/* ---- one input ---- */

typedef struct {
    dt_pool_t *pool;
    const dt_parallel_ops_t *ops;
    void *ctx;
    size_t chunk_bytes, lookahead;
    slot_t **ring;             /* chunks cut and not folded, oldest first */
    size_t rhead, rlen, rcap;
    slot_t *free_slots;
    staging_t s;
} run_t;

static bool reserve(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *grown = realloc(*buf, n * size);
    if (!grown)
        return false;
    *buf = grown;
    *cap = n;
    return true;
}

static slot_t *take_slot(run_t *run)
{
    slot_t *slot = run->free_slots;
    if (slot) {
        run->free_slots = slot->next_free;
        return slot;
    }
    return calloc(1, sizeof *slot);
}

static void give_slot(run_t *run, slot_t *slot)
{
    slot->job = NULL;
    slot->done = false;
    slot->next_free = run->free_slots;
    run->free_slots = slot;
}

/* Appends a block to the staging buffer; its end is a split. The buffer
 * grows by doubling, but not past the lookahead and a block unless a block
 * needs more. */
static bool stage(staging_t *s, size_t lookahead, const unsigned char *data, size_t len)
{
    void *splits = s->splits;
    if (s->len + len > s->cap) {
        size_t cap = s->cap * 2 < lookahead + STAGE_SLACK ? s->cap * 2 : lookahead + STAGE_SLACK;
        if (cap < s->len + len)
            cap = s->len + len;
        unsigned char *buf = realloc(s->buf, cap);
        if (!buf)
            return false;
        s->buf = buf;
        s->cap = cap;
    }
    if (!reserve(&splits, &s->splits_cap, s->nsplits + 1, sizeof *s->splits))
        return false;
    s->splits = splits;
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->splits[s->nsplits++] = s->len;
    return true;
}

/* Where the next chunk ends: the first line break at or past chunk_bytes
 * with even quote parity (*forced false), or all the staged bytes when the
 * input has ended or a record runs past the lookahead (*forced true but at
 * the end). 0 when more bytes are needed. Scans each byte once. Inside a
 * long record (after a forced cut) the first such line break ends the
 * chunk, and CONTINUATION_BYTES force the next cut. */
static size_t find_cut(run_t *run, bool *forced)
{
    staging_t *s = &run->s;
    *forced = false;
    size_t bulk = s->continues ? 0 : run->chunk_bytes - 1; /* before the first possible cut */
    size_t limit = s->continues ? CONTINUATION_BYTES : run->lookahead;
    if (s->scanned < bulk && s->len > s->scanned) {
        size_t end = s->len < bulk ? s->len : bulk;
        uint64_t quotes = 0;
        count_two(s->buf + s->scanned, end - s->scanned, QUOTE, (unsigned char)s->line_break,
                  &quotes, &s->scan_lines);
        s->scan_parity ^= quotes & 1;
        s->scanned = end;
    }
    for (; s->scanned < s->len; s->scanned++) {
        unsigned char c = s->buf[s->scanned];
        if (c == QUOTE) {
            s->scan_parity = !s->scan_parity;
        } else if (c == (unsigned char)s->line_break) {
            s->scan_lines++;
            if (!s->scan_parity && s->scanned >= bulk)
                return ++s->scanned;
        }
    }
    if (s->eof || s->len >= limit) {
        *forced = !s->eof;
        return s->len;
    }
    return 0;
}

/* Moves the first len staged bytes into a chunk; the rest stays staged. */
static bool cut(run_t *run, slot_t *slot, size_t len, bool forced)
{
    staging_t *s = &run->s;
    size_t n = 0;
    while (n < s->nsplits && s->splits[n] < len)
        n++;
    size_t rest = s->len - len;
    void *buf = slot->buf, *splits = slot->splits;
    /* the chunk takes the staging buffer; the rest moves to the slot's old one */
    if (!reserve(&buf, &slot->cap, rest ? rest : 1, 1) ||
        !reserve(&splits, &slot->splits_cap, n ? n : 1, sizeof *slot->splits)) {
        slot->buf = buf, slot->splits = splits;
        return false;
    }
    slot->buf = buf, slot->splits = splits;
    if (n) /* (nothing may be staged yet: an empty input) */
        memcpy(slot->splits, s->splits, n * sizeof *s->splits);
    if (rest)
        memcpy(slot->buf, s->buf + len, rest);
    unsigned char *chunk_buf = s->buf;
    size_t chunk_cap = s->cap;
    s->buf = slot->buf, s->cap = slot->cap;
    slot->buf = chunk_buf, slot->cap = chunk_cap;
    size_t kept = 0;
    for (size_t i = n; i < s->nsplits; i++)
        if (s->splits[i] > len)
            s->splits[kept++] = s->splits[i] - len;
    s->nsplits = kept;
    slot->chunk = (dt_chunk_t){.data = slot->buf, .len = len, .splits = slot->splits,
                               .nsplits = n, .index = s->index++, .first_line = s->line,
                               .continues = s->continues, .last = s->eof && rest == 0};
    s->last_cut = slot->chunk.last;
    s->len = rest;
    s->line += s->scan_lines;
    s->continues = forced;
    s->parity = forced ? s->scan_parity : false;
    s->scanned = 0;
    s->scan_parity = s->parity;
    s->scan_lines = 0;
    return true;
}

static slot_t *ring_head(const run_t *run)
{
    return run->rlen ? run->ring[run->rhead] : NULL;
}

static void ring_pop(run_t *run)
{
    run->rhead = (run->rhead + 1) % run->rcap;
    run->rlen--;
}

static bool is_done(run_t *run, slot_t *slot)
{
    pthread_mutex_lock(&run->pool->lock);
    bool done = slot->done;
    pthread_mutex_unlock(&run->pool->lock);
    return done;
}

static void wait_done(run_t *run, slot_t *slot)
{
    pthread_mutex_lock(&run->pool->lock);
    while (!slot->done)
        pthread_cond_wait(&run->pool->work_done, &run->pool->lock);
    pthread_mutex_unlock(&run->pool->lock);
}

/* Plans a cut chunk and puts it in the ring (and the queue, with a job). */
static dt_status_t submit(run_t *run, slot_t *slot, dt_error_t *err)
{
    dt_status_t st = run->ops->plan(run->ctx, &slot->chunk, &slot->job, err);
    if (st) {
        give_slot(run, slot);
        return st;
    }
    run->ring[(run->rhead + run->rlen++) % run->rcap] = slot;
    if (!slot->job)
        return DT_OK;
    dt_pool_t *pool = run->pool;
    pthread_mutex_lock(&pool->lock);
    pool->queue[(pool->qhead + pool->qlen++) % pool->qcap] = slot;
    pthread_cond_signal(&pool->work_ready);
    pthread_mutex_unlock(&pool->lock);
    return DT_OK;
}

/* Folds the chunks at the head of the ring whose work is done. */
static dt_status_t fold_ready(run_t *run, dt_error_t *err)
{
    slot_t *slot;
    while ((slot = ring_head(run)) && (!slot->job || is_done(run, slot))) {
        ring_pop(run);
        void *job = slot->job;
        slot->job = NULL;
        dt_status_t st = run->ops->fold(run->ctx, &slot->chunk, job, err);
        give_slot(run, slot);
        if (st)
            return st;
    }
    return DT_OK;
}

/* The line break to cut at, once the input's first bytes tell it. */
static void learn_line_break(staging_t *s, size_t lookahead)
{
    if (s->line_break)
        return;
    if (!dt_reader_sniff_line_break(s->buf, s->len, s->eof, &s->line_break) &&
        s->len >= lookahead)
        s->line_break = '\n'; /* a header line that long fails to read anyway */
}

/* One step: fold what is done, then cut a chunk, or read a block, or wait.
 * Sets *finished when every chunk has been folded. */
static dt_status_t step(run_t *run, dt_block_fn read, void *read_ctx, bool *finished,
                        dt_error_t *err)
{
    dt_status_t st = fold_ready(run, err);
    if (st)
        return st;
    staging_t *s = &run->s;
    bool all_cut = s->last_cut;
    if (all_cut && !run->rlen) {
        *finished = true;
        return DT_OK;
    }
    if (!all_cut && run->rlen < run->rcap) {
        learn_line_break(s, run->lookahead);
        bool forced;
        size_t len = s->line_break ? find_cut(run, &forced) : 0;
        if (len || (s->eof && s->line_break)) {
            slot_t *slot = take_slot(run);
            if (!slot || !cut(run, slot, len, forced)) {
                if (slot)
                    give_slot(run, slot);
                return dt_fail(err, DT_ERR_NOMEM, "out of memory");
            }
            return submit(run, slot, err);
        }
        if (!s->eof) {
            const unsigned char *data;
            size_t n;
            if ((st = read(read_ctx, &data, &n, err)))
                return st;
            s->eof = n == 0;
            if (!s->eof && !stage(s, run->lookahead, data, n))
                return dt_fail(err, DT_ERR_NOMEM, "out of memory");
            return DT_OK;
        }
    }
    slot_t *head = ring_head(run); /* the window is full, or all is cut */
    if (head)
        wait_done(run, head);
    return DT_OK;
}

static void free_slot(slot_t *slot)
{
    free(slot->buf);
    free(slot->splits);
    free(slot);
}

/* After a failure: lets the jobs in flight end, then discards every job. */
static void drain(run_t *run)
{
    dt_pool_t *pool = run->pool;
    pthread_mutex_lock(&pool->lock);
    for (size_t i = 0; i < pool->qlen; i++) /* not started: done as they are */
        pool->queue[(pool->qhead + i) % pool->qcap]->done = true;
    pool->qlen = 0;
    pthread_mutex_unlock(&pool->lock);
    for (slot_t *slot; (slot = ring_head(run)); ring_pop(run)) {
        if (slot->job) {
            wait_done(run, slot);
            run->ops->discard(run->ctx, slot->job);
        }
        give_slot(run, slot);
    }
}

dt_status_t dt_parallel_run(dt_pool_t *pool, size_t chunk_bytes, dt_block_fn read,
                            void *read_ctx, const dt_parallel_ops_t *ops, void *ctx,
                            dt_error_t *err)
{
    run_t run = {.pool = pool, .ops = ops, .ctx = ctx,
                 .chunk_bytes = chunk_bytes ? chunk_bytes : DT_CHUNK_BYTES};
    run.lookahead = (LOOKAHEAD_CHUNKS + 1) * run.chunk_bytes;
    run.s.line = 1;
    run.rcap = (size_t)pool->nthreads * IN_FLIGHT_PER_WORKER + 1;
    run.ring = calloc(run.rcap, sizeof *run.ring);
    dt_status_t st = DT_OK;
    pthread_mutex_lock(&pool->lock);
    pool->ops = ops;
    pool->ctx = ctx;
    if (pool->qcap < run.rcap) {
        free(pool->queue);
        pool->queue = calloc(run.rcap, sizeof *pool->queue);
        pool->qcap = pool->queue ? run.rcap : 0;
    }
    pool->qhead = pool->qlen = 0;
    bool ready = pool->queue != NULL;
    pthread_mutex_unlock(&pool->lock);
    if (!run.ring || !ready)
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    for (bool finished = false; st == DT_OK && !finished;)
        st = step(&run, read, read_ctx, &finished, err);
    if (st)
        drain(&run);
    for (slot_t *slot = run.free_slots, *next; slot; slot = next) {
        next = slot->next_free;
        free_slot(slot);
    }
    free(run.ring);
    free(run.s.buf);
    free(run.s.splits);
    return st;
}
