/* archive.c - the members of an archive (zip, tar) or the stream inside a
 * compressed file (gzip, bzip2, xz, zstd) as sources, through libarchive.
 *
 * libarchive reads from another source (the file, or a member of an
 * enclosing archive) through a callback, so nothing is extracted to disk and
 * standard input works like a file. Zip archives are read in libarchive's
 * streaming mode, from local header to local header: the central directory is
 * never consulted, so entries that overlap in it cannot multiply the data.
 * Member data is never skipped by libarchive on its own: what is not read is
 * read past here, block by block, so every byte a member expands to counts
 * against the expansion bound.
 *
 * A member read as text is decompressed ahead in a worker thread, a few
 * blocks at a time (dt_archive_read_ahead), so that decompression and the
 * CSV parse run side by side. While that thread runs it alone touches the
 * archive (and those around it, and the file); the reader gets copies of
 * the blocks, and the thread is joined before the archive moves on. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_source.h"

#define MEGABYTE 1e6
#define AHEAD_SLOTS 4 /* blocks decompressed ahead of the reader */

struct dt_archive {
    struct archive *ar;
    dt_source_t *upstream;       /* what the archive is read from */
    dt_archive_budget_t *budget;
    char *name;                  /* the upstream's name, copied */
    bool raw;                    /* a compressed single stream, not an archive */
    char last[DT_SOURCE_NAME_MAX]; /* the name of the last entry read, or "" */
    dt_source_t *member;         /* the member being read, or NULL */
    dt_status_t upstream_status; /* why the read callback failed */
    dt_error_t upstream_error;
};

/* One decompressed block, copied for the reader. */
typedef struct {
    unsigned char *data;
    size_t len, cap;
    uint64_t file_bytes;         /* the file's bytes read when the block was made */
} slot_t;

/* The worker thread of a member read ahead, and the ring of blocks it fills. */
typedef struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    slot_t slots[AHEAD_SLOTS];
    size_t first, count;         /* the slots filled, from `first` on (a held one included) */
    bool holding;                /* the reader holds slots[first] until its next read */
    bool done;                   /* the worker has stopped: end of data, failure or stop */
    bool stop;                   /* the reader wants no more blocks: the worker stops */
    bool discard;                /* the worker reads on to the end but keeps nothing */
    dt_status_t status;          /* why the worker stopped early */
    dt_error_t error;
    uint64_t file_bytes;         /* of the block the reader holds */
    uint64_t file_size;          /* the file's size, taken before the worker started */
} ahead_t;

typedef struct {
    dt_source_t base;
    dt_archive_t *archive;
    char *name;
    char *leaf;                  /* the file name in the entry's path */
    int64_t offset;              /* where the next block must start */
    bool done;                   /* libarchive said end of data */
    bool want_ahead;             /* read ahead from the next block on */
    ahead_t *ahead;              /* the worker, once started */
} member_t;

/* libarchive's read callback: the next block of the upstream source. */
static la_ssize_t pull(struct archive *ar, void *ctx, const void **buffer)
{
    dt_archive_t *a = ctx;
    const unsigned char *data;
    size_t len;
    dt_status_t st = dt_source_read_raw(a->upstream, &data, &len, &a->upstream_error);
    if (st) {
        a->upstream_status = st;
        archive_set_error(ar, EIO, "read error");
        return -1;
    }
    *buffer = data;
    return (la_ssize_t)len;
}

/* The error of a failed libarchive call on `what` (a member's name or the
 * archive's): the upstream's own error when the read callback failed. */
static dt_status_t archive_failure(dt_archive_t *a, const char *what, dt_error_t *err)
{
    if (a->upstream_status) {
        *err = a->upstream_error;
        return a->upstream_status;
    }
    const char *why = archive_error_string(a->ar);
    if (archive_errno(a->ar) == ENOMEM)
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", what);
    bool between = what == a->name && a->last[0];
    return dt_fail(err, DT_ERR_INPUT, "%s: damaged or truncated %s%s%s%s: %s", what,
                   a->raw ? "compressed data" : "archive", between ? " (after " : "",
                   between ? a->last : "", between ? ")" : "",
                   why ? why : "the data ends early or is damaged");
}

/* Counts len more bytes of expanded data against the path's bound. */
static dt_status_t spend(dt_archive_t *a, const char *what, size_t len, dt_error_t *err)
{
    dt_archive_budget_t *b = a->budget;
    b->expanded += len;
    uint64_t read = dt_source_bytes(b->file);
    if (b->expanded <= DT_SOURCE_EXPANSION_GRACE ||
        b->expanded / DT_SOURCE_EXPANSION_MAX <= read)
        return DT_OK;
    return dt_fail(err, DT_ERR_INPUT,
                   "%s: expands to more than %d times the size read (%.1f MB from %.3f MB): "
                   "a decompression bomb? Stopped (limits: docs/bad-input.md); if the file is "
                   "genuine, decompress it first and give drtriage the CSV",
                   what, DT_SOURCE_EXPANSION_MAX, (double)b->expanded / MEGABYTE,
                   (double)read / MEGABYTE);
}

/* The next block of a member straight from libarchive. */
static dt_status_t read_block(member_t *m, const unsigned char **data, size_t *len,
                              dt_error_t *err)
{
    dt_archive_t *a = m->archive;
    *len = 0;
    if (m->done)
        return DT_OK;
    const void *block;
    size_t size;
    la_int64_t offset;
    int rc = archive_read_data_block(a->ar, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) {
        m->done = true;
        return DT_OK;
    }
    if (rc != ARCHIVE_OK) /* ARCHIVE_WARN too: a bad CRC, for one */
        return archive_failure(a, m->name, err);
    if (offset != m->offset)
        return dt_fail(err, DT_ERR_INPUT, "%s: a sparse file (a hole at byte %lld), not a CSV "
                       "export", m->name, (long long)m->offset);
    m->offset += (int64_t)size;
    *data = block;
    *len = size;
    return spend(a, m->name, size, err);
}

/* ---- reading ahead ---- */

/* Keeps a copy of a block in the next free slot; false when out of memory. */
static bool keep(ahead_t *h, const unsigned char *data, size_t len, uint64_t file_bytes)
{
    pthread_mutex_lock(&h->lock);
    while (h->count == AHEAD_SLOTS && !h->stop && !h->discard)
        pthread_cond_wait(&h->emptied, &h->lock);
    bool wanted = !h->stop && !h->discard;
    /* The reader uses only slots first .. first+count-1: this one is ours. */
    slot_t *slot = &h->slots[(h->first + h->count) % AHEAD_SLOTS];
    pthread_mutex_unlock(&h->lock);
    if (!wanted)
        return true;
    if (slot->cap < len) {
        unsigned char *bigger = realloc(slot->data, len);
        if (!bigger)
            return false;
        slot->data = bigger;
        slot->cap = len;
    }
    memcpy(slot->data, data, len);
    slot->len = len;
    slot->file_bytes = file_bytes;
    pthread_mutex_lock(&h->lock);
    h->count++;
    pthread_cond_signal(&h->filled);
    pthread_mutex_unlock(&h->lock);
    return true;
}

static void *read_ahead(void *arg)
{
    member_t *m = arg;
    ahead_t *h = m->ahead;
    dt_status_t st = DT_OK;
    dt_error_t err = {{0}};
    for (;;) {
        pthread_mutex_lock(&h->lock);
        bool stop = h->stop;
        pthread_mutex_unlock(&h->lock);
        const unsigned char *data;
        size_t len;
        if (stop || (st = read_block(m, &data, &len, &err)) || len == 0)
            break;
        if (!keep(h, data, len, dt_source_bytes(m->archive->budget->file))) {
            st = dt_fail(&err, DT_ERR_NOMEM, "%s: out of memory", m->name);
            break;
        }
    }
    pthread_mutex_lock(&h->lock);
    h->status = st;
    h->error = err;
    h->done = true;
    pthread_cond_signal(&h->filled);
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

/* The next block the worker made: valid until the next call. */
static dt_status_t take(ahead_t *h, const unsigned char **data, size_t *len, dt_error_t *err)
{
    pthread_mutex_lock(&h->lock);
    if (h->holding) {
        h->first = (h->first + 1) % AHEAD_SLOTS;
        h->count--;
        h->holding = false;
        pthread_cond_signal(&h->emptied);
    }
    while (h->count == 0 && !h->done)
        pthread_cond_wait(&h->filled, &h->lock);
    dt_status_t st = DT_OK;
    *len = 0;
    if (h->count) {
        const slot_t *slot = &h->slots[h->first];
        *data = slot->data;
        *len = slot->len;
        h->file_bytes = slot->file_bytes;
        h->holding = true;
    } else if ((st = h->status)) {
        *err = h->error;
    }
    pthread_mutex_unlock(&h->lock);
    return st;
}

/* Ends the worker: with discard it reads the member to its end first (the
 * data passed over counts), else it stops at the next block. Returns its
 * status; the member's reading is over either way. */
static dt_status_t end_ahead(member_t *m, bool discard, dt_error_t *err)
{
    ahead_t *h = m->ahead;
    pthread_mutex_lock(&h->lock);
    if (discard)
        h->discard = true;
    else
        h->stop = true;
    pthread_cond_signal(&h->emptied);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
    dt_status_t st = h->status;
    if (st && err)
        *err = h->error;
    for (size_t i = 0; i < AHEAD_SLOTS; i++)
        free(h->slots[i].data);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->filled);
    pthread_cond_destroy(&h->emptied);
    free(h);
    m->ahead = NULL;
    m->done = true;
    return st;
}

/* Starts the worker, at a read: the blocks handed out before may go now. */
static dt_status_t start_ahead(member_t *m, dt_error_t *err)
{
    m->want_ahead = false;
    ahead_t *h = calloc(1, sizeof *h);
    if (!h)
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", m->name);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->filled, NULL);
    pthread_cond_init(&h->emptied, NULL);
    m->ahead = h;
    h->file_bytes = dt_source_bytes(m->archive->budget->file);
    h->file_size = dt_source_size(m->archive->budget->file);
    if (pthread_create(&h->thread, NULL, read_ahead, m) != 0) {
        /* No thread: the member is read in this one, as before. */
        pthread_mutex_destroy(&h->lock);
        pthread_cond_destroy(&h->filled);
        pthread_cond_destroy(&h->emptied);
        free(h);
        m->ahead = NULL;
    }
    return DT_OK;
}

dt_status_t dt_archive_read_ahead(dt_source_t *src, dt_error_t *err)
{
    (void)err;
    member_t *m = (member_t *)src;
    m->want_ahead = !m->ahead && !m->done;
    return DT_OK;
}

/* ---- the member as a source ---- */

static dt_status_t member_read(dt_source_t *src, const unsigned char **data, size_t *len,
                               dt_error_t *err)
{
    member_t *m = (member_t *)src;
    dt_status_t st;
    if (m->want_ahead && !m->done && (st = start_ahead(m, err)))
        return st;
    return m->ahead ? take(m->ahead, data, len, err) : read_block(m, data, len, err);
}

static void member_progress(const dt_source_t *src, uint64_t *bytes, uint64_t *size)
{
    const member_t *m = (const member_t *)src;
    const dt_source_t *file = m->archive->budget->file;
    if (m->ahead) { /* the worker owns the file: its bytes come with each block */
        *bytes = m->ahead->file_bytes;
        *size = m->ahead->file_size;
    } else {
        file->ops->progress(file, bytes, size);
    }
}

static void member_close(dt_source_t *src)
{
    member_t *m = (member_t *)src;
    if (m->ahead)
        end_ahead(m, false, NULL);
    if (m->archive->member == src)
        m->archive->member = NULL;
    free(m->name);
    free(m->leaf);
    free(m);
}

static const dt_source_ops_t member_ops = {member_read, member_progress, member_close};

dt_status_t dt_archive_open(dt_archive_t **out, dt_source_t *upstream,
                            dt_archive_budget_t *budget, dt_error_t *err)
{
    *out = NULL;
    const char *name = dt_source_name(upstream);
    dt_archive_t *a = calloc(1, sizeof *a);
    if (a)
        a->name = strdup(name);
    if (a && a->name)
        a->ar = archive_read_new();
    if (!a || !a->ar) {
        dt_archive_close(a);
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", name);
    }
    a->upstream = upstream;
    a->budget = budget;
    /* Exactly the formats drtriage documents; filters with their libraries
     * (never an external program). */
    archive_read_support_filter_gzip(a->ar);
    archive_read_support_filter_bzip2(a->ar);
    archive_read_support_filter_xz(a->ar);
    archive_read_support_filter_zstd(a->ar);
    archive_read_support_format_zip_streamable(a->ar);
    archive_read_support_format_tar(a->ar);
    archive_read_support_format_raw(a->ar);
    if (archive_read_open(a->ar, a, NULL, pull, NULL) != ARCHIVE_OK) {
        dt_status_t st = archive_failure(a, name, err);
        dt_archive_close(a);
        return st;
    }
    *out = a;
    return DT_OK;
}

/* Reads the rest of the current member (counted like data that is read). */
static dt_status_t finish_member(dt_archive_t *a, dt_error_t *err)
{
    member_t *m = (member_t *)a->member;
    if (!m)
        return DT_OK;
    dt_status_t st = DT_OK;
    if (m->ahead)
        st = end_ahead(m, true, err);
    while (st == DT_OK) {
        const unsigned char *data;
        size_t len;
        if ((st = read_block(m, &data, &len, err)) || len == 0)
            break;
    }
    dt_source_close(&m->base);
    return st;
}

/* Names a member "ARCHIVE:PATH" (cut to DT_SOURCE_NAME_MAX bytes), its leaf
 * the file name in PATH; the stream of a compressed file takes the file's
 * names. Returns false when out of memory. */
static bool name_member(const dt_archive_t *a, struct archive_entry *entry, member_t *m)
{
    const char *path = archive_entry_pathname_utf8(entry);
    if (!path)
        path = archive_entry_pathname(entry);
    if (!path || !*path)
        path = "?";
    const char *slash = strrchr(path, '/');
    m->name = malloc(DT_SOURCE_NAME_MAX);
    m->leaf = strdup(a->raw ? a->upstream->leaf : slash ? slash + 1 : path);
    if (!m->name || !m->leaf)
        return false;
    if (a->raw)
        snprintf(m->name, DT_SOURCE_NAME_MAX, "%s", a->name);
    else
        snprintf(m->name, DT_SOURCE_NAME_MAX, "%s:%s", a->name, path);
    return true;
}

dt_status_t dt_archive_next(dt_archive_t *a, dt_source_t **out, dt_error_t *err)
{
    *out = NULL;
    dt_status_t st = finish_member(a, err);
    if (st)
        return st;
    for (;;) {
        struct archive_entry *entry;
        int rc = archive_read_next_header(a->ar, &entry);
        if (rc == ARCHIVE_EOF)
            return DT_OK;
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) /* ARCHIVE_RETRY: a damaged header */
            return archive_failure(a, a->name, err);
        a->raw = archive_format(a->ar) == ARCHIVE_FORMAT_RAW;
        /* The bytes looked like an archive, yet libarchive found neither an
         * archive nor a compression filter ("none" is its reader of the
         * bytes themselves): they are cut short or damaged. */
        if (a->raw && archive_filter_count(a->ar) <= 1)
            return dt_fail(err, DT_ERR_INPUT,
                           "%s: damaged or truncated: starts like a compressed file or "
                           "archive, but cannot be read as one",
                           a->name);
        if (++a->budget->members > DT_SOURCE_MEMBERS_MAX)
            return dt_fail(err, DT_ERR_INPUT,
                           "%s: more than %d files in the archive: drtriage stops there (limits: "
                           "docs/bad-input.md)",
                           a->name, DT_SOURCE_MEMBERS_MAX);
        member_t *m = calloc(1, sizeof *m);
        if (m)
            m->archive = a;
        if (!m || !name_member(a, entry, m)) {
            if (m)
                member_close(&m->base);
            return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", a->name);
        }
        dt_source_init(&m->base, &member_ops, m->name);
        m->base.leaf = m->leaf;
        snprintf(a->last, sizeof a->last, "%s", m->name);
        m->base.in_archive = !a->raw || a->upstream->in_archive;
        a->member = &m->base;
        if (archive_entry_is_data_encrypted(entry))
            return dt_fail(err, DT_ERR_INPUT,
                           "%s: encrypted (the archive has a password): extract it with the "
                           "password first and give drtriage the CSV",
                           m->name);
        /* Directories, links and devices hold no call records; their data,
         * if any, is read past like a skipped member's. */
        if (a->raw || archive_entry_filetype(entry) == AE_IFREG) {
            *out = &m->base;
            return DT_OK;
        }
        if ((st = finish_member(a, err)))
            return st;
    }
}

void dt_archive_close(dt_archive_t *a)
{
    if (!a)
        return;
    dt_source_close(a->member);
    if (a->ar)
        archive_read_free(a->ar);
    free(a->name);
    free(a);
}
