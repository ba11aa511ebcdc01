/* source.c - what every source shares (bytes read ahead, the checks where its
 * text starts) and the sources a path yields: what a source holds is decided
 * from its first bytes. */
#include <stdlib.h>
#include <string.h>

#include "dt_source.h"

#define UTF8_BOM "\xEF\xBB\xBF"
#define UTF8_BOM_LEN 3

void dt_source_init(dt_source_t *src, const dt_source_ops_t *ops, const char *name)
{
    memset(src, 0, sizeof *src);
    src->ops = ops;
    src->name = name;
    const char *slash = strrchr(name, '/');
    src->leaf = slash ? slash + 1 : name;
}

static dt_status_t backend_read(dt_source_t *src, const unsigned char **data, size_t *len,
                                dt_error_t *err)
{
    *data = src->head;
    *len = 0;
    if (src->at_end)
        return DT_OK;
    dt_status_t st = src->ops->read(src, data, len, err);
    if (st == DT_OK && *len == 0)
        src->at_end = true;
    return st;
}

/* Reads until DT_SOURCE_HEAD bytes are in one piece: the first block when it
 * is long enough (no copy), else the head buffer, with the rest of the last
 * block kept for later. */
static dt_status_t read_head(dt_source_t *src, dt_error_t *err)
{
    const unsigned char *block;
    size_t n;
    dt_status_t st = backend_read(src, &block, &n, err);
    if (st || n == 0)
        return st;
    src->npending = 1;
    if (n >= DT_SOURCE_HEAD) {
        src->pending[0] = block;
        src->pending_len[0] = n;
        return DT_OK;
    }
    memcpy(src->head, block, n);
    size_t have = n;
    while (st == DT_OK && have < DT_SOURCE_HEAD) {
        if ((st = backend_read(src, &block, &n, err)) || n == 0)
            break;
        size_t take = n < DT_SOURCE_HEAD - have ? n : DT_SOURCE_HEAD - have;
        memcpy(src->head + have, block, take);
        have += take;
        if (take < n) {
            src->pending[1] = block + take;
            src->pending_len[1] = n - take;
            src->npending = 2;
        }
    }
    src->pending[0] = src->head;
    src->pending_len[0] = have;
    return st;
}

dt_status_t dt_source_head(dt_source_t *src, const unsigned char **data, size_t *len,
                           dt_error_t *err)
{
    *data = src->head;
    *len = 0;
    if (!src->head_done) {
        src->head_done = true;
        dt_status_t st = read_head(src, err);
        if (st)
            return st;
    }
    if (src->next_pending == 0 && src->npending) {
        *data = src->pending[0];
        *len = src->pending_len[0];
    }
    return DT_OK;
}

dt_status_t dt_source_read_raw(dt_source_t *src, const unsigned char **data, size_t *len,
                               dt_error_t *err)
{
    if (src->next_pending < src->npending) {
        *data = src->pending[src->next_pending];
        *len = src->pending_len[src->next_pending++];
        return DT_OK;
    }
    return backend_read(src, data, len, err);
}

typedef struct {
    const char *what;  /* as the message says it */
    const char *iconv; /* iconv's name for it */
} encoding_t;

/* Names an encoding other than UTF-8 (or ASCII) from its byte-order mark or
 * from NUL bytes between ASCII letters, which is how UTF-16 text looks;
 * false for anything else. */
static bool other_encoding(const unsigned char *p, size_t n, encoding_t *e)
{
    if (n >= 4 && (memcmp(p, "\xFF\xFE\0\0", 4) == 0 || memcmp(p, "\0\0\xFE\xFF", 4) == 0))
        *e = (encoding_t){"UTF-32", "UTF-32"};
    else if (n >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0))
        *e = (encoding_t){"UTF-16", "UTF-16"};
    else if (n >= 4 && p[0] && !p[1] && p[2] && !p[3])
        *e = (encoding_t){"UTF-16 (no byte-order mark)", "UTF-16LE"};
    else if (n >= 4 && !p[0] && p[1] && !p[2] && p[3])
        *e = (encoding_t){"UTF-16 (no byte-order mark)", "UTF-16BE"};
    else
        return false;
    return true;
}

/* Rejects text in an encoding other than UTF-8, with a conversion hint for
 * the encoding found. */
static dt_status_t check_encoding(const dt_source_t *src, const unsigned char *p, size_t n,
                                  dt_error_t *err)
{
    encoding_t e;
    if (!other_encoding(p, n, &e))
        return DT_OK;
    if (src->in_archive)
        return dt_fail(err, DT_ERR_INPUT,
                       "%s:1: the file is %s text; drtriage reads UTF-8. Extract it and "
                       "convert it first, e.g. with iconv -f %s -t UTF-8 (or in Excel save "
                       "as \"CSV UTF-8\")",
                       src->name, e.what, e.iconv);
    return dt_fail(err, DT_ERR_INPUT,
                   "%s:1: the file is %s text; drtriage reads UTF-8. Convert it first, e.g. "
                   "iconv -f %s -t UTF-8 '%s' > converted.csv (or in Excel save as "
                   "\"CSV UTF-8\")",
                   src->name, e.what, e.iconv, src->name);
}

dt_status_t dt_source_read(dt_source_t *src, const unsigned char **data, size_t *len,
                           dt_error_t *err)
{
    if (src->text_started)
        return dt_source_read_raw(src, data, len, err);
    src->text_started = true;
    dt_status_t st = dt_source_head(src, data, len, err);
    if (st == DT_OK)
        st = check_encoding(src, *data, *len, err);
    if (st == DT_OK)
        st = dt_source_read_raw(src, data, len, err);
    if (st == DT_OK && *len >= UTF8_BOM_LEN && memcmp(*data, UTF8_BOM, UTF8_BOM_LEN) == 0) {
        *data += UTF8_BOM_LEN;
        *len -= UTF8_BOM_LEN;
        if (*len == 0) /* only when the source is that short: nothing follows */
            st = dt_source_read_raw(src, data, len, err);
    }
    return st;
}

const char *dt_source_name(const dt_source_t *src)
{
    return src->name;
}

const char *dt_source_leaf(const dt_source_t *src)
{
    return src->leaf;
}

bool dt_source_in_archive(const dt_source_t *src)
{
    return src->in_archive;
}

bool dt_source_is_binary(dt_source_t *src)
{
    const unsigned char *p;
    size_t n;
    dt_error_t ignored;
    encoding_t e;
    if (dt_source_head(src, &p, &n, &ignored) || other_encoding(p, n, &e))
        return false;
    return memchr(p, '\0', n < DT_SOURCE_HEAD ? n : DT_SOURCE_HEAD) != NULL;
}

bool dt_source_is_json(dt_source_t *src)
{
    const unsigned char *p;
    size_t n;
    dt_error_t ignored;
    if (dt_source_head(src, &p, &n, &ignored))
        return false;
    size_t i = n >= UTF8_BOM_LEN && memcmp(p, UTF8_BOM, UTF8_BOM_LEN) == 0 ? UTF8_BOM_LEN : 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i < n && (p[i] == '{' || p[i] == '[');
}

uint64_t dt_source_bytes(const dt_source_t *src)
{
    uint64_t bytes, size;
    src->ops->progress(src, &bytes, &size);
    return bytes;
}

uint64_t dt_source_size(const dt_source_t *src)
{
    uint64_t bytes, size;
    src->ops->progress(src, &bytes, &size);
    return size;
}

void dt_source_close(dt_source_t *src)
{
    if (src)
        src->ops->close(src);
}

/* ---- the sources of a path ---- */

/* Whether bytes start like an archive or compressed data drtriage opens:
 * zip (a local file header, an empty archive or a split-archive marker,
 * PKWARE APPNOTE 4.3), gzip (RFC 1952), bzip2 ("BZh", a block size, then a
 * block or end-of-stream magic), xz, zstd (RFC 8878), or tar ("ustar" at
 * offset 257, POSIX and GNU). A CSV starts with none of them. */
static bool is_archive(const unsigned char *p, size_t n)
{
    static const struct {
        size_t offset, len;
        const char *magic;
    } magics[] = {
        {0, 4, "PK\x03\x04"},     {0, 4, "PK\x05\x06"}, {0, 4, "PK\x07\x08"},
        {0, 2, "\x1f\x8b"},       {0, 6, "\xFD" "7zXZ\0"}, {0, 4, "\x28\xB5\x2F\xFD"},
        {257, 5, "ustar"},
    };
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (n >= magics[i].offset + magics[i].len &&
            memcmp(p + magics[i].offset, magics[i].magic, magics[i].len) == 0)
            return true;
    return n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9' &&
           (memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0 ||
            memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0);
}

struct dt_sources {
    dt_source_t *file;
    bool plain;                   /* the file is the only source */
    bool yielded;                 /* ... and it was handed out */
    dt_archive_t *levels[DT_SOURCE_DEPTH_MAX]; /* open archives, outermost first */
    size_t depth;
    dt_archive_budget_t budget;
};

dt_status_t dt_sources_open(dt_sources_t **out, const char *path, dt_error_t *err)
{
    *out = NULL;
    dt_sources_t *set = calloc(1, sizeof *set);
    if (!set)
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", path);
    dt_status_t st = dt_file_open(&set->file, path, err);
    const unsigned char *head;
    size_t n;
    if (st == DT_OK)
        st = dt_source_head(set->file, &head, &n, err);
    if (st == DT_OK) {
        set->budget.file = set->file;
        set->plain = !is_archive(head, n);
        if (!set->plain && (st = dt_archive_open(&set->levels[0], set->file, &set->budget, err)) == DT_OK)
            set->depth = 1;
    }
    if (st) {
        dt_sources_close(set);
        return st;
    }
    *out = set;
    return DT_OK;
}

const char *dt_sources_name(const dt_sources_t *set)
{
    return dt_source_name(set->file);
}

dt_status_t dt_sources_next(dt_sources_t *set, dt_source_t **src, dt_error_t *err)
{
    *src = NULL;
    if (set->plain) {
        *src = set->yielded ? NULL : set->file;
        set->yielded = true;
        return DT_OK;
    }
    while (set->depth) {
        dt_source_t *member;
        dt_status_t st = dt_archive_next(set->levels[set->depth - 1], &member, err);
        if (st)
            return st;
        if (!member) { /* that archive is done: back to the one around it */
            dt_archive_close(set->levels[--set->depth]);
            set->levels[set->depth] = NULL;
            continue;
        }
        const unsigned char *head;
        size_t n;
        if ((st = dt_source_head(member, &head, &n, err)))
            return st;
        if (!is_archive(head, n)) {
            *src = member;
            return dt_archive_read_ahead(member, err);
        }
        if (set->depth == DT_SOURCE_DEPTH_MAX)
            return dt_fail(err, DT_ERR_INPUT,
                           "%s: an archive inside %d archives: drtriage opens at most %d levels "
                           "(limits: docs/bad-input.md)",
                           dt_source_name(member), DT_SOURCE_DEPTH_MAX, DT_SOURCE_DEPTH_MAX);
        if ((st = dt_archive_open(&set->levels[set->depth], member, &set->budget, err)))
            return st;
        set->depth++;
    }
    return DT_OK;
}

void dt_sources_close(dt_sources_t *set)
{
    if (!set)
        return;
    while (set->depth)
        dt_archive_close(set->levels[--set->depth]);
    dt_source_close(set->file);
    free(set);
}
