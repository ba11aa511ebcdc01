/* fuzz_seconds.c - libFuzzer harness for the store's times to failure as the
 * column counts.to_failure holds them (src/store/seconds.c): what a damaged
 * or foreign store may hand a report. The input's first byte splits the rest
 * into two blobs A and B. Invariants:
 *   - a blob either decodes or is refused, never read past its end;
 *   - a blob that decodes encodes back to no more bytes, and decodes again
 *     to the same pairs (when its seconds ascend, as an ingest writes them);
 *   - dt_seconds_merge(A, B), run by SQLite as an ingest runs it, holds
 *     every second of A and B with the sum of their calls, in ascending
 *     order, and NULL only when both are empty. */
#include <sqlite3.h>
#include <string.h>

#include "../../src/store/db.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes a blob; checks the round trip. Returns false when it is refused
 * or its seconds do not ascend (a step of 0, or a sum that wraps around:
 * never written by an ingest, the merge then has no order to keep). */
static bool decode(const uint8_t *blob, size_t len, dt_seconds_t **items, size_t *n, size_t *cap)
{
    if (!dt_store_seconds_decode(blob, len, items, n, cap))
        return false;
    for (size_t i = 1; i < *n; i++)
        if ((*items)[i].seconds <= (*items)[i - 1].seconds)
            return false;
    unsigned char *again = malloc(*n * 2 * DT_STORE_VARINT_MAX + 1);
    CHECK(again);
    size_t elen = dt_store_seconds_encode(*items, *n, again);
    CHECK(elen <= len);
    dt_seconds_t *back = NULL;
    size_t bn = 0, bcap = 0;
    CHECK(dt_store_seconds_decode(again, elen, &back, &bn, &bcap));
    CHECK(bn == *n && (bn == 0 || memcmp(back, *items, bn * sizeof *back) == 0));
    free(back);
    free(again);
    return true;
}

/* The calls of `seconds` in a decoded list. */
static uint64_t calls_at(const dt_seconds_t *items, size_t n, uint64_t seconds)
{
    uint64_t calls = 0;
    for (size_t i = 0; i < n; i++)
        calls += items[i].seconds == seconds ? items[i].calls : 0;
    return calls;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t split = 1 + (size - 1) * data[0] / 255;
    const uint8_t *part[2] = {data + 1, data + split};
    size_t len[2] = {split - 1, size - split};
    dt_seconds_t *items[2] = {NULL, NULL};
    size_t n[2] = {0, 0}, cap[2] = {0, 0};
    bool ok = decode(part[0], len[0], &items[0], &n[0], &cap[0]) &&
              decode(part[1], len[1], &items[1], &n[1], &cap[1]);
    if (ok) {
        sqlite3 *db;
        sqlite3_stmt *st;
        CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK && dt_store_seconds_register(db));
        CHECK(sqlite3_prepare_v2(db, "SELECT " DT_STORE_SECONDS_MERGE "(?1, ?2)", -1, &st,
                                 NULL) == SQLITE_OK);
        for (int s = 0; s < 2; s++)
            if (len[s])
                sqlite3_bind_blob(st, s + 1, part[s], (int)len[s], SQLITE_STATIC);
        CHECK(sqlite3_step(st) == SQLITE_ROW);
        dt_seconds_t *merged = NULL;
        size_t m = 0, mcap = 0;
        bool null = sqlite3_column_type(st, 0) == SQLITE_NULL;
        CHECK(null == (n[0] + n[1] == 0));
        CHECK(dt_store_seconds_decode(sqlite3_column_blob(st, 0),
                                      (size_t)sqlite3_column_bytes(st, 0), &merged, &m, &mcap));
        for (size_t i = 0; i < m; i++) {
            CHECK(i == 0 || merged[i].seconds > merged[i - 1].seconds);
            CHECK(merged[i].calls == calls_at(items[0], n[0], merged[i].seconds) +
                                         calls_at(items[1], n[1], merged[i].seconds));
        }
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < n[s]; i++) {
                uint64_t at = items[s][i].seconds;
                CHECK(calls_at(merged, m, at) ==
                      calls_at(items[0], n[0], at) + calls_at(items[1], n[1], at));
            }
        free(merged);
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    free(items[0]);
    free(items[1]);
    return 0;
}
