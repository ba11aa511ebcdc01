/* source.c - what every source shares (bytes read ahead, the checks where its
 * text starts) and the sources a path yields. */
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

/* Rejects encodings other than UTF-8 (or ASCII) by their byte-order mark
 * or by NUL bytes between ASCII letters, which is how UTF-16 text looks. */
static dt_status_t check_encoding(const dt_source_t *src, const unsigned char *p, size_t n,
                                  dt_error_t *err)
{
    const char *what = NULL;
    if (n >= 4 && (memcmp(p, "\xFF\xFE\0\0", 4) == 0 || memcmp(p, "\0\0\xFE\xFF", 4) == 0))
        what = "UTF-32";
    else if (n >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0))
        what = "UTF-16";
    else if (n >= 4 && ((p[0] && !p[1] && p[2] && !p[3]) || (!p[0] && p[1] && !p[2] && p[3])))
        what = "UTF-16 (no byte-order mark)";
    if (!what)
        return DT_OK;
    return dt_fail(err, DT_ERR_INPUT,
                   "%s:1: the file is %s text; drtriage reads UTF-8. Convert it first, e.g. "
                   "iconv -f UTF-16 -t UTF-8 '%s' > converted.csv (or in Excel save as "
                   "\"CSV UTF-8\")",
                   src->name, what, src->name);
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

struct dt_sources {
    dt_source_t *file;
    bool yielded;
};

dt_status_t dt_sources_open(dt_sources_t **out, const char *path, dt_error_t *err)
{
    *out = NULL;
    dt_sources_t *set = calloc(1, sizeof *set);
    if (!set)
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", path);
    dt_status_t st = dt_file_open(&set->file, path, err);
    if (st) {
        free(set);
        return st;
    }
    *out = set;
    return DT_OK;
}

dt_status_t dt_sources_next(dt_sources_t *set, dt_source_t **src, dt_error_t *err)
{
    (void)err;
    *src = set->yielded ? NULL : set->file;
    set->yielded = true;
    return DT_OK;
}

void dt_sources_close(dt_sources_t *set)
{
    if (!set)
        return;
    dt_source_close(set->file);
    free(set);
}
