/* dt_source.h - the first stage: where the bytes come from.
 *
 * A path (a file, or "-" for standard input) yields one or more sources. A
 * source is one input of the report: it has a name for messages, yields its
 * text in blocks, and tells how far reading has got for the progress line.
 * A plain file yields one source, itself. What a path holds is recognised by
 * its first bytes, never by its name: an archive (zip, tar) yields its members
 * and a compressed file (gzip, bzip2, xz, zstd, also around a tar or a zip)
 * the stream inside it, read straight from the file or standard input
 * (nothing is extracted to disk). A member that is itself an archive or
 * compressed is opened in turn, up to DT_SOURCE_DEPTH_MAX levels.
 *
 * Names: a member is "ARCHIVE:MEMBER" ("Calls.Export.zip:DirectRouting.calls.
 * 2026-11-01.csv", "outer.zip:inner.zip:calls.csv"); the stream inside a
 * compressed file is named after the file ("calls.csv.gz"), and its line
 * numbers are those of the decompressed text.
 *
 * Bounds (docs/bad-input.md): over a whole path, the data archives expand to
 * may exceed DT_SOURCE_EXPANSION_GRACE bytes only while it stays within
 * DT_SOURCE_EXPANSION_MAX times the bytes read from the file; at most
 * DT_SOURCE_MEMBERS_MAX archive entries are read. Past a bound, reading fails
 * with DT_ERR_INPUT, having read and expanded no more than the bound allows.
 *
 * Every source's text is checked where it starts: a UTF-8 byte-order mark is
 * removed, and text drtriage cannot read (UTF-16/32) fails with a conversion
 * hint.
 *
 * Backends (src/sources/) implement dt_source_ops_t; file.c reads files and
 * standard input, archive.c archive members through libarchive. */
#ifndef DT_SOURCE_H
#define DT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_common.h"

#define DT_SOURCE_BLOCK (64 * 1024) /* bytes read from a file at a time */
#define DT_SOURCE_HEAD 512          /* bytes looked at where a source starts */
#define DT_SOURCE_NAME_MAX 1024     /* bytes of a source's name kept (longer ones are cut) */
#define DT_SOURCE_DEPTH_MAX 3       /* archives inside archives opened, the outermost included */
#define DT_SOURCE_MEMBERS_MAX 10000 /* archive entries read per path, at every level */
#define DT_SOURCE_EXPANSION_MAX 100 /* expanded bytes per byte read from the file ... */
#define DT_SOURCE_EXPANSION_GRACE ((uint64_t)16 << 20) /* ... once past this many */

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

/* The path's name in messages: as given, "<stdin>" for standard input. */
const char *dt_sources_name(const dt_sources_t *set);

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

/* The last part of the name: the file name of a member or of the path
 * (without directories), for recognising files by name. */
const char *dt_source_leaf(const dt_source_t *src);

/* Whether the source is one of several files packed together (a member of
 * a zip or tar archive) rather than a file given on its own. */
bool dt_source_in_archive(const dt_source_t *src);

/* Whether the source's first bytes hold a NUL byte, as binary files do
 * (UTF-16/32 text, which dt_source_read refuses with a hint, excepted).
 * Reads the source's head; false when that fails (the read reports it). */
bool dt_source_is_binary(dt_source_t *src);

/* Whether the source's text starts, after a UTF-8 byte-order mark and blanks,
 * with '{' or '[': JSON (a Graph response saved as it came, or an array of its
 * rows), which no CSV export's header does. Reads the source's head; false
 * when that fails (the read reports it). */
bool dt_source_is_json(dt_source_t *src);

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
    const char *leaf;          /* points into name, or another string of the backend */
    bool in_archive;           /* see dt_source_in_archive */
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

/* Fills in the shared part of a new source: leaf is set to the part of name
 * after its last '/'. */
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

/* archive.c: an archive, or a compressed stream, read from another source
 * (the upstream: a file, or a member of an enclosing archive), which must
 * stay open until dt_archive_close. The members of every archive of a path
 * share one budget, which the caller owns. */
typedef struct dt_archive dt_archive_t;

typedef struct {
    const dt_source_t *file;   /* the path's file: the bytes read from it bound the rest */
    uint64_t expanded;         /* bytes the path's archive members have yielded, read past included */
    uint64_t members;          /* entries read from the path's archives */
} dt_archive_budget_t;

/* Starts reading an archive from upstream. The archive's name is the
 * upstream's. Fails with DT_ERR_INPUT when libarchive cannot recognise the
 * data; DT_ERR_NOMEM. */
dt_status_t dt_archive_open(dt_archive_t **out, dt_source_t *upstream,
                            dt_archive_budget_t *budget, dt_error_t *err);

/* Reads past the rest of the previous member (closing it) and moves to the
 * next regular file of the archive: stores it in *member, owned by the
 * archive and valid until the next call or dt_archive_close, or NULL at the
 * end. Directories and links are passed over (and counted). A member of a
 * compressed single stream is named after the archive; others
 * "ARCHIVE:PATH". Fails with DT_ERR_INPUT naming the archive or member for
 * damaged or truncated data, a bound exceeded (see above) or a sparse
 * member. */
dt_status_t dt_archive_next(dt_archive_t *archive, dt_source_t **member, dt_error_t *err);

/* Decompresses the rest of a member (from dt_archive_next) ahead of its reader,
 * in a worker thread, a few blocks at a time, so that decompression and
 * parsing overlap. The worker starts at the member's next read from
 * libarchive (the bytes read so far stay valid until then); from then on
 * until the member is closed, only the worker touches the archive, those
 * around it and the file, and reads of the member get copies, valid until
 * the next read. Without a thread the member is read as before. Returns
 * DT_OK, or DT_ERR_NOMEM when the worker cannot be set up. */
dt_status_t dt_archive_read_ahead(dt_source_t *member, dt_error_t *err);

/* Frees the archive and its current member; not the upstream. NULL is allowed. */
void dt_archive_close(dt_archive_t *archive);

#endif
