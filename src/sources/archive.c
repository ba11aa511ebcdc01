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
 * against the expansion bound. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_source.h"

#define MEGABYTE 1e6

struct dt_archive {
    struct archive *ar;
    dt_source_t *upstream;       /* what the archive is read from */
    dt_archive_budget_t *budget;
    char *name;                  /* the upstream's name, copied */
    bool raw;                    /* a compressed single stream, not an archive */
    uint64_t entries;            /* headers read */
    char last[DT_SOURCE_NAME_MAX]; /* the name of the last entry read, or "" */
    dt_source_t *member;         /* the member being read, or NULL */
    dt_status_t upstream_status; /* why the read callback failed */
    dt_error_t upstream_error;
};

typedef struct {
    dt_source_t base;
    dt_archive_t *archive;
    char *name;
    char *leaf;                  /* the file name in the entry's path */
    int64_t offset;              /* where the next block must start */
    bool done;                   /* libarchive said end of data */
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

static dt_status_t member_read(dt_source_t *src, const unsigned char **data, size_t *len,
                               dt_error_t *err)
{
    member_t *m = (member_t *)src;
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

static void member_progress(const dt_source_t *src, uint64_t *bytes, uint64_t *size)
{
    const member_t *m = (const member_t *)src;
    const dt_source_t *file = m->archive->budget->file;
    file->ops->progress(file, bytes, size);
}

static void member_close(dt_source_t *src)
{
    member_t *m = (member_t *)src;
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
    dt_source_t *src = a->member;
    if (!src)
        return DT_OK;
    dt_status_t st = DT_OK;
    for (;;) {
        const unsigned char *data;
        size_t len;
        if ((st = member_read(src, &data, &len, err)) || len == 0)
            break;
    }
    dt_source_close(src);
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
        a->entries++;
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
