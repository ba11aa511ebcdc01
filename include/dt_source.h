/* dt_source.h - the first stage: where the bytes come from.
 *
 * A path (a file, or "-" for standard input) yields one or more sources. A
 * source is one input of the report: it has a name for messages, yields its
 * text in blocks, and tells how far reading has got for the progress line.
 * A plain file yields one source, itself.
 *
 * Every source's text is checked where it starts: a UTF-8 byte-order mark is
 * removed, and text drtriage cannot read (UTF-16/32) fails with a conversion
 * hint.
 *
 * Backends (src/sources/) implement dt_source_ops_t; file.c reads files and
 * standard input. */
#ifndef DT_SOURCE_H
#define DT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_common.h"

#define DT_SOURCE_BLOCK (64 * 1024) /* bytes read from a file at a time */
#define DT_SOURCE_HEAD 512          /* bytes looked at where a source starts */

typedef struct dt_source dt_source_t;

/* ---- reading a path ---- */

typedef struct dt_sources dt_sources_t;

/* Opens path ("-" for standard input) and stores the set of its sources in
 * *out (free it with dt_sources_close). Fails with DT_ERR_INPUT naming the
 * path for a missing, unreadable or directory path; DT_ERR_NOMEM. */
dt_status_t dt_sources_open(dt_sources_t **out, const char *path, dt_error_t *err);

/* Moves to the next source of the path and stores it in *src, or NULL when
 * none is left. The source belongs to the set and stays valid until the next
 * call or dt_sources_close. Returns DT_OK, or DT_ERR_INPUT naming the source
 * when it cannot be read; DT_ERR_NOMEM. */
dt_status_t dt_sources_next(dt_sources_t *set, dt_source_t **src, dt_error_t *err);

/* Closes the path and every source it yielded. NULL is allowed. */
void dt_sources_close(dt_sources_t *set);

/* ---- reading a source ---- */

/* Reads the next block of the source's text. Stores a pointer to the bytes
 * (owned by the source, valid until the next call) and their count in *len;
 * *len == 0 means the end. Where the text starts, a UTF-8 byte-order mark is
 * skipped, and a UTF-16/UTF-32 byte-order mark or NUL-interleaved text fails
 * with DT_ERR_INPUT ("NAME:1: ...") and a conversion hint. Read errors fail
 * with DT_ERR_INPUT naming the source. */
dt_status_t dt_source_read(dt_source_t *src, const unsigned char **data, size_t *len,
                           dt_error_t *err);

/* The name that stands for the source in the report and in every message:
 * the path as given, "<stdin>" for standard input. Owned by the source. */
const char *dt_source_name(const dt_source_t *src);

/* Bytes read so far from the file the source comes from, and that file's
 * size (0 when unknown, as for a pipe): the progress of the whole path. */
uint64_t dt_source_bytes(const dt_source_t *src);
uint64_t dt_source_size(const dt_source_t *src);

/* ---- for backends ---- */

/* What a backend implements; the text checks above are done for it. */
typedef struct {
    /* The next block of raw bytes, as dt_source_read describes (owned by the
     * source, valid until the next call; *len == 0 at the end). */
    dt_status_t (*read)(dt_source_t *src, const unsigned char **data, size_t *len,
                        dt_error_t *err);
    /* Bytes read and size of the underlying file, as dt_source_bytes and
     * dt_source_size return them. */
    void (*progress)(const dt_source_t *src, uint64_t *bytes, uint64_t *size);
    /* Releases what the backend holds, and the source itself. */
    void (*close)(dt_source_t *src);
} dt_source_ops_t;

/* The part every source shares; a backend's own struct starts with it. */
struct dt_source {
    const dt_source_ops_t *ops;
    const char *name;          /* owned by the backend */
    /* Bytes read ahead by dt_source_head, delivered again before new ones:
     * the head (copied when the first blocks were short) and the unread rest
     * of the last block read. */
    unsigned char head[DT_SOURCE_HEAD];
    const unsigned char *pending[2];
    size_t pending_len[2];
    size_t npending, next_pending;
    bool head_done;            /* dt_source_head has run */
    bool at_end;               /* the backend said end of data */
    bool text_started;         /* dt_source_read has checked where the text starts */
};

/* Fills in the shared part of a new source. */
void dt_source_init(dt_source_t *src, const dt_source_ops_t *ops, const char *name);

/* The source's first bytes without consuming them: at least DT_SOURCE_HEAD
 * bytes, or all of them when the source is shorter. *data is valid until the
 * next read of the source. Returns the backend's read status. */
dt_status_t dt_source_head(dt_source_t *src, const unsigned char **data, size_t *len,
                           dt_error_t *err);

/* The next block of raw bytes: those dt_source_head read ahead first, then
 * the backend's. For a backend that reads another source (an archive reads
 * its file). */
dt_status_t dt_source_read_raw(dt_source_t *src, const unsigned char **data, size_t *len,
                               dt_error_t *err);

/* Closes a source through its backend. NULL is allowed. */
void dt_source_close(dt_source_t *src);

/* file.c: opens path ("-" for standard input) as a source named after it.
 * Rejects directories and unreadable files with DT_ERR_INPUT naming the
 * path. A FIFO without a writer reads as empty instead of blocking. */
dt_status_t dt_file_open(dt_source_t **out, const char *path, dt_error_t *err);

#endif
