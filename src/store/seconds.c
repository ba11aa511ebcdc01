/* seconds.c - a stored key's times to failure, as the column counts.to_failure
 * holds them (db.h), and the SQL function that adds two of them up. */
#include <stdlib.h>
#include <string.h>

#include "db.h"

static size_t put_varint(unsigned char *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (unsigned char)v;
    return n;
}

/* Reads a varint at *at; false when the blob ends inside one or it is too long. */
static bool get_varint(const unsigned char *blob, size_t len, size_t *at, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; *at < len && shift < 64; shift += 7) {
        unsigned char b = blob[(*at)++];
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

size_t dt_store_seconds_encode(const dt_seconds_t *items, size_t n, unsigned char *out)
{
    size_t len = 0;
    uint64_t previous = 0;
    for (size_t i = 0; i < n; i++) {
        len += put_varint(out + len, items[i].seconds - previous);
        len += put_varint(out + len, items[i].calls);
        previous = items[i].seconds;
    }
    return len;
}

bool dt_store_seconds_decode(const void *blob, size_t len, dt_seconds_t **items, size_t *n,
                             size_t *cap)
{
    const unsigned char *b = blob;
    size_t at = 0;
    uint64_t seconds = 0;
    *n = 0;
    while (at < len) {
        uint64_t step, calls;
        if (!get_varint(b, len, &at, &step) || !get_varint(b, len, &at, &calls) ||
            !DT_GROW(*items, *n, *cap))
            return false;
        seconds += step;
        (*items)[(*n)++] = (dt_seconds_t){seconds, calls};
    }
    return true;
}

/* dt_seconds_merge(A, B): the times to failure of A and B added up (NULL for none). */
static void seconds_merge(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    dt_seconds_t *side[2] = {NULL, NULL};
    size_t n[2] = {0, 0}, cap[2] = {0, 0};
    bool ok = true;
    for (int s = 0; s < 2 && ok; s++)
        ok = dt_store_seconds_decode(sqlite3_value_blob(argv[s]),
                                     (size_t)sqlite3_value_bytes(argv[s]), &side[s], &n[s],
                                     &cap[s]);
    size_t total = n[0] + n[1];
    dt_seconds_t *merged = ok ? malloc((total ? total : 1) * sizeof *merged) : NULL;
    unsigned char *out = merged ? malloc(total * 2 * DT_STORE_VARINT_MAX + 1) : NULL;
    if (!out) {
        sqlite3_result_error_nomem(ctx);
    } else {
        size_t i = 0, j = 0, m = 0;
        while (i < n[0] || j < n[1]) {
            bool from_a = j == n[1] || (i < n[0] && side[0][i].seconds <= side[1][j].seconds);
            bool from_b = i == n[0] || (j < n[1] && side[1][j].seconds <= side[0][i].seconds);
            dt_seconds_t at = from_a ? side[0][i] : side[1][j];
            if (from_a && from_b)
                at.calls += side[1][j].calls;
            merged[m++] = at;
            i += from_a;
            j += from_b;
        }
        if (m) {
            sqlite3_result_blob(ctx, out, (int)dt_store_seconds_encode(merged, m, out), free);
        } else {
            sqlite3_result_null(ctx);
            free(out);
        }
    }
    free(merged);
    free(side[0]);
    free(side[1]);
}

bool dt_store_seconds_register(sqlite3 *db)
{
    return sqlite3_create_function_v2(db, DT_STORE_SECONDS_MERGE, 2,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, seconds_merge,
                                      NULL, NULL, NULL) == SQLITE_OK;
}
