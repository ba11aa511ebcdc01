/* store.c - opening the store, its transactions, and reading it back. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db.h"
#include "dt_arena.h"
#include "dt_date.h"

#define BUSY_TIMEOUT_MS 10000 /* how long a command waits for another writer */

const char *dt_store_library_version(void)
{
    return sqlite3_libversion();
}

int dt_store_schema_version(const dt_store_t *store)
{
    return store->version;
}

/* Connection settings: set once per connection, before any transaction.
 * auto_vacuum comes first: it takes effect only in a file nothing has been
 * written to yet (WAL mode writes the header), so that a new store gives
 * pruned pages back (--prune); an existing store ignores it. */
static dt_status_t configure(dt_store_t *store, dt_error_t *err)
{
    sqlite3_busy_timeout(store->db, BUSY_TIMEOUT_MS);
    if (!dt_store_seconds_register(store->db))
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot open the store");
    const char *sql = store->writable ? "PRAGMA auto_vacuum = INCREMENTAL;"
                                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                        "PRAGMA foreign_keys = ON;"
                                      : "PRAGMA foreign_keys = ON;";
    if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot open the store");
    return DT_OK;
}

static dt_status_t open_db(dt_store_t *store, int flags, dt_error_t *err)
{
    int rc = sqlite3_open_v2(store->path, &store->db, flags, NULL);
    if (rc == SQLITE_OK)
        return DT_OK;
    dt_status_t st = dt_store_fail(store, err, DT_ERR_INPUT, "cannot open the store");
    sqlite3_close(store->db);
    store->db = NULL;
    return st;
}

dt_status_t dt_store_open(dt_store_t **out, const char *path, dt_store_mode_t mode,
                          dt_error_t *err)
{
    *out = NULL;
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && mode == DT_STORE_READ)
        return dt_fail(err, DT_ERR_INPUT, "%s: no such store (drtriage ingest --db %s creates it)",
                       path, path);
    if (exists && !S_ISREG(sb.st_mode))
        return dt_fail(err, DT_ERR_INPUT, "%s: not a regular file", path);
    dt_store_t *store = calloc(1, sizeof *store);
    if (!store || !(store->path = strdup(path))) {
        free(store);
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    }
    int flags = SQLITE_OPEN_READWRITE | (mode == DT_STORE_CREATE ? SQLITE_OPEN_CREATE : 0);
    store->writable = true;
    dt_status_t st = open_db(store, flags, err);
    if (st && exists && mode == DT_STORE_READ) { /* a store this user may only read */
        store->writable = false;
        st = open_db(store, SQLITE_OPEN_READONLY, err);
    }
    if (st == DT_OK && store->writable && sqlite3_db_readonly(store->db, "main") == 1)
        store->writable = false;
    if (st == DT_OK)
        st = configure(store, err);
    if (st == DT_OK)
        st = dt_store_migrate(store, DT_STORE_SCHEMA_VERSION, err);
    if (st) {
        dt_store_close(store);
        return st;
    }
    *out = store;
    return DT_OK;
}

void dt_store_close(dt_store_t *store)
{
    if (!store)
        return;
    dt_store_rollback(store);
    sqlite3_close_v2(store->db);
    free(store->path);
    free(store);
}

dt_status_t dt_store_begin(dt_store_t *store, dt_error_t *err)
{
    if (!store->writable)
        return dt_fail(err, DT_ERR_INPUT, "%s: this user cannot write the store", store->path);
    if (sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot lock the store for writing");
    store->in_transaction = true;
    return DT_OK;
}

dt_status_t dt_store_commit(dt_store_t *store, dt_error_t *err)
{
    if (!store->in_transaction)
        return dt_fail(err, DT_ERR_USAGE, "%s: no transaction to commit", store->path);
    if (sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        dt_status_t st = dt_store_fail(store, err, DT_ERR_OUTPUT, "cannot commit the changes");
        dt_store_rollback(store);
        return st;
    }
    store->in_transaction = false;
    return DT_OK;
}

void dt_store_rollback(dt_store_t *store)
{
    if (store && store->in_transaction) {
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        store->in_transaction = false;
    }
}

/* ---- reading ---- */

/* A text column, "" when NULL. */
static const char *column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *text = sqlite3_column_text(st, i);
    return text ? (const char *)text : "";
}

/* The names of one table (sbcs or phrases), by id. */
typedef struct {
    dt_slice_t *names;
    size_t n;
    char *text;         /* every name, back to back */
} names_t;

static void names_free(names_t *names)
{
    free(names->names);
    free(names->text);
}

/* Loads a whole name table: ids are small and dense, so the scan reads
 * counts alone and finds names by index. */
static dt_status_t load_names(dt_store_t *store, const char *sql, names_t *out, dt_error_t *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    size_t bytes = 0, cap = 0, used = 0;
    int64_t max = -1;
    int rc;
    /* first pass: the largest id and the bytes of text */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        max = id > max ? id : max;
        bytes += (size_t)sqlite3_column_bytes(st, 1);
    }
    if (rc != SQLITE_DONE || max < 0 || (uint64_t)max >= SIZE_MAX / sizeof *out->names) {
        sqlite3_finalize(st);
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    }
    cap = (size_t)max + 1;
    out->names = calloc(cap, sizeof *out->names);
    out->text = malloc(bytes + 1);
    if (!out->names || !out->text) {
        sqlite3_finalize(st);
        names_free(out);
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    }
    out->n = cap;
    for (size_t i = 0; i < cap; i++)
        out->names[i] = (dt_slice_t){"", 0};
    sqlite3_reset(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        const void *text = sqlite3_column_blob(st, 1);
        if (id < 0 || (size_t)id >= cap || used + len > bytes)
            break;
        if (len)
            memcpy(out->text + used, text, len);
        out->names[id] = (dt_slice_t){out->text + used, len};
        used += len;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        names_free(out);
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    }
    return DT_OK;
}

static dt_slice_t name_at(const names_t *names, int64_t id)
{
    return id >= 0 && (size_t)id < names->n ? names->names[id] : (dt_slice_t){"", 0};
}

/* Hours since the epoch, as the store keys them, of an epoch time (rounded down). */
static int64_t hour_of(int64_t epoch)
{
    return dt_date_bucket(epoch, DT_BUCKET_HOUR) / DT_HOUR_SECONDS;
}

/* Moves the hours statement on to `hour` (both go in time order) and reads
 * the part of it its view covers; false when SQLite fails. */
static bool covered(sqlite3_stmt *views, int64_t hour, int *rc, dt_store_row_t *row)
{
    while (*rc == SQLITE_ROW && sqlite3_column_int64(views, 0) < hour)
        *rc = sqlite3_step(views);
    row->covered_from = 0;
    row->covered_until = DT_HOUR_SECONDS - 1;
    if (*rc == SQLITE_ROW && sqlite3_column_int64(views, 0) == hour) {
        row->covered_from = sqlite3_column_int64(views, 1);
        row->covered_until = sqlite3_column_int64(views, 2);
    }
    return *rc == SQLITE_ROW || *rc == SQLITE_DONE;
}

dt_status_t dt_store_scan(dt_store_t *store, int64_t since, int64_t until, dt_store_row_fn fn,
                          void *ctx, dt_error_t *err)
{
    names_t sbcs, phrases;
    dt_status_t status = load_names(store, "SELECT id, name FROM sbcs", &sbcs, err);
    if (status)
        return status;
    if ((status = load_names(store, "SELECT id, text FROM phrases", &phrases, err))) {
        names_free(&sbcs);
        return status;
    }
    sqlite3_stmt *st, *views = NULL;
    if (sqlite3_prepare_v2(store->db,
                           "SELECT hour, covered_from, covered_until FROM hours"
                           " WHERE hour >= ?1 AND hour < ?2 ORDER BY hour",
                           -1, &views, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(store->db,
                           "SELECT hour, sbc, direction, succeeded, codes, ms, sip, phrase, calls,"
                           " talked, talk_seconds, short_calls, to_failure, family FROM counts"
                           " WHERE hour >= ?1 AND hour < ?2 ORDER BY hour",
                           -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(views);
        names_free(&sbcs);
        names_free(&phrases);
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    }
    /* [since, until) in hours: an hour counts when it starts in the range */
    int64_t from = hour_of(since) + (since % DT_HOUR_SECONDS != 0);
    int64_t to = hour_of(until) + (until % DT_HOUR_SECONDS != 0);
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    sqlite3_bind_int64(views, 1, from);
    sqlite3_bind_int64(views, 2, to);
    int rc, views_rc = sqlite3_step(views);
    dt_seconds_t *failures = NULL;
    size_t nfailures = 0, failures_cap = 0;
    while (status == DT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int codes = sqlite3_column_int(st, 4);
        if (!dt_store_seconds_decode(sqlite3_column_blob(st, 12),
                                     (size_t)sqlite3_column_bytes(st, 12), &failures, &nfailures,
                                     &failures_cap)) {
            status = dt_fail(err, DT_ERR_INPUT, "%s: a damaged time to failure in the store (or "
                                                "out of memory)", store->path);
            break;
        }
        dt_store_row_t row = {
            .hour = sqlite3_column_int64(st, 0) * DT_HOUR_SECONDS,
            .family = dt_store_family_of(sqlite3_column_int64(st, 13)),
            .sbc = name_at(&sbcs, sqlite3_column_int64(st, 1)),
            .direction = (dt_direction_t)sqlite3_column_int(st, 2),
            .succeeded = sqlite3_column_int(st, 3) != 0,
            .key = {.has_sip = codes & 1, .has_ms = (codes & 2) != 0,
                    .ms = (uint64_t)sqlite3_column_int64(st, 5),
                    .sip = (unsigned)sqlite3_column_int64(st, 6)},
            .phrase = name_at(&phrases, sqlite3_column_int64(st, 7)),
            .calls = (uint64_t)sqlite3_column_int64(st, 8),
            .talk = {(uint64_t)sqlite3_column_int64(st, 9), (uint64_t)sqlite3_column_int64(st, 10),
                     (uint64_t)sqlite3_column_int64(st, 11)},
            .failures = failures,
            .nfailures = nfailures,
        };
        if (row.direction > DT_DIRECTION_OUT)
            row.direction = DT_DIRECTION_UNKNOWN;
        if (!covered(views, sqlite3_column_int64(st, 0), &views_rc, &row)) {
            status = dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
            break;
        }
        status = fn(ctx, &row, err);
    }
    if (status == DT_OK && rc != SQLITE_DONE)
        status = dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    sqlite3_finalize(st);
    sqlite3_finalize(views);
    free(failures);
    names_free(&sbcs);
    names_free(&phrases);
    return status;
}

dt_status_t dt_store_extent(dt_store_t *store, bool *any, int64_t *first, int64_t *last,
                            dt_error_t *err)
{
    sqlite3_stmt *st;
    *any = false;
    if (sqlite3_prepare_v2(store->db, "SELECT min(hour), max(hour) FROM hours", -1, &st, NULL) !=
        SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    *any = ok && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (*any) {
        *first = sqlite3_column_int64(st, 0) * DT_HOUR_SECONDS;
        *last = sqlite3_column_int64(st, 1) * DT_HOUR_SECONDS;
    }
    sqlite3_finalize(st);
    return ok ? DT_OK : dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
}

dt_status_t dt_store_days(dt_store_t *store, dt_store_day_fn fn, void *ctx, dt_error_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store->db, "SELECT hour, calls FROM hours ORDER BY hour", -1, &st,
                           NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    dt_status_t status = DT_OK;
    dt_store_day_t day = {0};
    bool started = false;
    int rc;
    while (status == DT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t start = dt_date_bucket(sqlite3_column_int64(st, 0) * DT_HOUR_SECONDS,
                                       DT_BUCKET_DAY);
        if (started && start != day.day) {
            status = fn(ctx, &day, err);
            /* the days between without any view */
            for (int64_t d = day.day + 86400; status == DT_OK && d < start; d += 86400) {
                dt_store_day_t empty = {.day = d};
                status = fn(ctx, &empty, err);
            }
            day = (dt_store_day_t){0};
        }
        started = true;
        day.day = start;
        day.hours++;
        day.calls += (uint64_t)sqlite3_column_int64(st, 1);
    }
    if (status == DT_OK && rc != SQLITE_DONE)
        status = dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    sqlite3_finalize(st);
    if (status == DT_OK && started)
        status = fn(ctx, &day, err);
    return status;
}

/* The skipped inputs of one export, copied: SQLite's texts last only until
 * its next step. Each item's strings are one block, starting at its path. */
typedef struct {
    dt_skipped_t *items;
    size_t n, cap;
} skipped_t;

static void skipped_clear(skipped_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free((char *)s->items[i].path);
    s->n = 0;
}

static dt_status_t load_skipped(dt_store_t *store, sqlite3_stmt *st, int64_t ingest,
                                skipped_t *out, dt_error_t *err)
{
    skipped_clear(out);
    sqlite3_bind_int64(st, 1, ingest);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        enum { PATH, KIND, REASON, PARTS };
        const void *part[PARTS];
        size_t len[PARTS], total = 0;
        for (int i = 0; i < PARTS; i++) {
            part[i] = sqlite3_column_blob(st, i);
            len[i] = (size_t)sqlite3_column_bytes(st, i);
            total += len[i] + 1;
        }
        char *block = DT_GROW(out->items, out->n, out->cap) ? malloc(total) : NULL;
        if (!block) {
            sqlite3_reset(st);
            return dt_fail(err, DT_ERR_NOMEM, "out of memory");
        }
        char *text[PARTS];
        for (size_t i = 0, at = 0; i < PARTS; at += len[i++] + 1) {
            text[i] = block + at;
            if (len[i])
                memcpy(text[i], part[i], len[i]);
            text[i][len[i]] = '\0';
        }
        out->items[out->n++] = (dt_skipped_t){text[PATH], text[KIND], text[REASON]};
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DT_OK
                             : dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
}

dt_status_t dt_store_ingests(dt_store_t *store, dt_store_ingest_fn fn, void *ctx,
                             dt_error_t *err)
{
    sqlite3_stmt *st, *skipped_st;
    if (sqlite3_prepare_v2(
            store->db,
            "SELECT i.id, i.digest, i.name, i.bytes, i.family, i.rows, i.rejected, i.calls,"
            " i.undated, i.first, i.last, i.ingested, i.drtriage, i.rules, i.hours_added,"
            " i.hours_replaced, i.hours_merged, i.hours_kept, i.hours_uncertain,"
            " i.calls_before, i.calls_after, coalesce(h.held, 0)"
            " FROM ingests i LEFT JOIN (SELECT ingest, count(*) AS held FROM hours"
            " GROUP BY ingest) h ON h.ingest = i.id ORDER BY i.id",
            -1, &st, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    if (sqlite3_prepare_v2(store->db,
                           "SELECT name, kind, reason FROM skipped WHERE ingest = ?1 ORDER BY rowid",
                           -1, &skipped_st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    }
    skipped_t skipped = {0};
    dt_status_t status = DT_OK;
    int rc;
    while (status == DT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if ((status = load_skipped(store, skipped_st, id, &skipped, err)))
            break;
        char name[4096];
        int len = sqlite3_column_bytes(st, 2);
        const char *blob = sqlite3_column_blob(st, 2);
        snprintf(name, sizeof name, "%.*s", blob ? len : 0, blob ? blob : "");
        dt_store_ingest_row_t row = {
            .id = id,
            .export = {.name = name, .bytes = (uint64_t)sqlite3_column_int64(st, 3),
                       .family = column_text(st, 4),
                       .rows = (uint64_t)sqlite3_column_int64(st, 5),
                       .rejected = (uint64_t)sqlite3_column_int64(st, 6),
                       .ingested = sqlite3_column_int64(st, 11),
                       .drtriage = column_text(st, 12),
                       .rules = column_text(st, 13),
                       .skipped = skipped.items, .nskipped = skipped.n},
            .calls = (uint64_t)sqlite3_column_int64(st, 7),
            .undated = (uint64_t)sqlite3_column_int64(st, 8),
            .has_time = sqlite3_column_type(st, 9) != SQLITE_NULL,
            .first = sqlite3_column_int64(st, 9),
            .last = sqlite3_column_int64(st, 10),
            .outcome = {.hours_added = (uint64_t)sqlite3_column_int64(st, 14),
                        .hours_replaced = (uint64_t)sqlite3_column_int64(st, 15),
                        .hours_merged = (uint64_t)sqlite3_column_int64(st, 16),
                        .hours_kept = (uint64_t)sqlite3_column_int64(st, 17),
                        .hours_uncertain = (uint64_t)sqlite3_column_int64(st, 18),
                        .calls_before = (uint64_t)sqlite3_column_int64(st, 19),
                        .calls_after = (uint64_t)sqlite3_column_int64(st, 20)},
            .hours_held = (uint64_t)sqlite3_column_int64(st, 21),
        };
        snprintf(row.export.digest, sizeof row.export.digest, "%s",
                 column_text(st, 1));
        status = fn(ctx, &row, err);
    }
    if (status == DT_OK && rc != SQLITE_DONE)
        status = dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    sqlite3_finalize(st);
    sqlite3_finalize(skipped_st);
    skipped_clear(&skipped);
    free(skipped.items);
    return status;
}
