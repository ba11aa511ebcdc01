/* ingest.c - an export's hours into the store, each call counted once.
 *
 * Each hour of the store holds one view: the calls of one export in that
 * hour (or of several exports whose parts of the hour do not overlap), with
 * the part of the hour it covers, [covered_from, covered_until] in seconds.
 * An export's view of an hour covers the whole hour inside the export's
 * range and, in its first and last hours, the part from its first call and
 * up to its last. For a new view against the stored one:
 *   no stored view             the new one is added
 *   parts disjoint             both are added up (two downloads that meet
 *                              inside an hour)
 *   parts overlap              the view with more calls stays (ties: the
 *                              stored one); if neither part holds the
 *                              other, calls only the other saw may be
 *                              missing: the hour is counted as uncertain
 * Inside an hour, two views of overlapping parts hold the same calls where
 * they overlap, so the one with more calls holds the other's calls, unless
 * each covers time the other does not. The rule is the same whatever order
 * the exports come in. docs/store.md discusses the trade-off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dt_date.h"
#include "dt_hash.h"
#include "dt_source.h"

#define SPAN_DAYS_MAX 400 /* longest span one export's calls may have */

enum { STMT_ADD_INGEST, STMT_ADD_SKIPPED, STMT_FINISH_INGEST, STMT_FIND_SBC, STMT_ADD_SBC,
       STMT_FIND_PHRASE, STMT_ADD_PHRASE, STMT_GET_VIEW, STMT_SET_VIEW, STMT_DELETE_COUNTS,
       STMT_ADD_COUNT, STMT_COUNT };

static const char *const statements[STMT_COUNT] = {
    [STMT_ADD_INGEST] = "INSERT INTO ingests (digest, name, bytes, family, rows, rejected, calls,"
                        " undated, first, last, ingested, drtriage, rules)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [STMT_ADD_SKIPPED] = "INSERT INTO skipped (ingest, name, kind, reason) VALUES (?1, ?2, ?3, ?4)",
    [STMT_FINISH_INGEST] = "UPDATE ingests SET hours_added = ?2, hours_replaced = ?3,"
                           " hours_merged = ?4, hours_kept = ?5, hours_uncertain = ?6,"
                           " calls_before = ?7, calls_after = ?8 WHERE id = ?1",
    [STMT_FIND_SBC] = "SELECT id FROM sbcs WHERE name = ?1",
    [STMT_ADD_SBC] = "INSERT INTO sbcs (name) VALUES (?1)",
    [STMT_FIND_PHRASE] = "SELECT id FROM phrases WHERE text = ?1",
    [STMT_ADD_PHRASE] = "INSERT INTO phrases (text) VALUES (?1)",
    [STMT_GET_VIEW] = "SELECT covered_from, covered_until, calls, parts FROM hours WHERE hour = ?1",
    [STMT_SET_VIEW] = "INSERT INTO hours (hour, ingest, covered_from, covered_until, parts, calls)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (hour) DO UPDATE SET"
                      " ingest = excluded.ingest, covered_from = excluded.covered_from,"
                      " covered_until = excluded.covered_until,"
                      " parts = excluded.parts, calls = excluded.calls",
    [STMT_DELETE_COUNTS] = "DELETE FROM counts WHERE hour = ?1",
    [STMT_ADD_COUNT] = "INSERT INTO counts (hour, sbc, direction, succeeded, codes, ms, sip,"
                       " phrase, calls, talked, talk_seconds, short_calls, to_failure, family)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
                       " ON CONFLICT DO UPDATE SET calls = calls + excluded.calls,"
                       " talked = talked + excluded.talked,"
                       " talk_seconds = talk_seconds + excluded.talk_seconds,"
                       " short_calls = short_calls + excluded.short_calls,"
                       " to_failure = " DT_STORE_SECONDS_MERGE "(to_failure, excluded.to_failure)",
};

typedef struct {
    dt_store_t *store;
    const dt_hourly_t *hours;
    sqlite3_stmt *stmt[STMT_COUNT];
    int64_t *name_ids;   /* store id of each of the table's names, -1 until resolved */
    dt_seconds_t *failures; /* the table's times to failure by row, ascending seconds: */
    size_t *first_failure;  /* row r's are failures[first_failure[r] .. first_failure[r + 1]) */
    unsigned char *blob;    /* room for the longest row's, encoded */
    int64_t ingest;      /* the export's id */
    dt_error_t *err;
} ingest_t;

/* A view of one hour: the part covered, in seconds from its start, and its calls. */
typedef struct {
    int64_t from, until;
    uint64_t calls;
    int64_t parts;
} view_t;

typedef struct {
    int64_t hour;
    size_t row;
} hour_row_t;

static dt_status_t sql_fail(ingest_t *in, const char *what)
{
    return dt_store_fail(in->store, in->err, DT_ERR_OUTPUT, what);
}

/* Runs a prepared statement that returns no row, then resets it. */
static bool run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE;
}

/* The store id of one of the table's names (an SBC or a phrase), added to
 * the store's name table when new. */
static bool name_id(ingest_t *in, uint32_t index, bool phrase, int64_t *id)
{
    if (index == 0) {
        *id = 0;
        return true;
    }
    if (in->name_ids[index] >= 0) {
        *id = in->name_ids[index];
        return true;
    }
    dt_slice_t name = dt_hourly_name(in->hours, index);
    sqlite3_stmt *find = in->stmt[phrase ? STMT_FIND_PHRASE : STMT_FIND_SBC];
    sqlite3_stmt *add = in->stmt[phrase ? STMT_ADD_PHRASE : STMT_ADD_SBC];
    sqlite3_bind_blob(find, 1, name.ptr, (int)name.len, SQLITE_STATIC);
    int rc = sqlite3_step(find);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(find, 0);
    sqlite3_reset(find);
    if (rc == SQLITE_DONE) {
        sqlite3_bind_blob(add, 1, name.ptr, (int)name.len, SQLITE_STATIC);
        if (!run(add))
            return false;
        *id = sqlite3_last_insert_rowid(in->store->db);
    } else if (rc != SQLITE_ROW) {
        return false;
    }
    in->name_ids[index] = *id;
    return true;
}

static bool add_count(ingest_t *in, size_t index)
{
    const dt_hourly_row_t *row = &in->hours->rows[index];
    int64_t sbc, phrase;
    if (!name_id(in, row->sbc, false, &sbc) || !name_id(in, row->phrase, true, &phrase))
        return false;
    sqlite3_stmt *st = in->stmt[STMT_ADD_COUNT];
    sqlite3_bind_int64(st, 1, row->hour / DT_HOUR_SECONDS);
    sqlite3_bind_int64(st, 2, sbc);
    sqlite3_bind_int(st, 3, (int)row->direction);
    sqlite3_bind_int(st, 4, row->succeeded);
    sqlite3_bind_int(st, 5, row->key.has_sip | row->key.has_ms << 1);
    sqlite3_bind_int64(st, 6, (int64_t)row->key.ms);
    sqlite3_bind_int64(st, 7, row->key.sip);
    sqlite3_bind_int64(st, 8, phrase);
    sqlite3_bind_int64(st, 9, (int64_t)row->calls);
    sqlite3_bind_int64(st, 10, (int64_t)row->talk.calls);
    sqlite3_bind_int64(st, 11, (int64_t)row->talk.seconds);
    sqlite3_bind_int64(st, 12, (int64_t)row->talk.short_calls);
    size_t from = in->first_failure[index], n = in->first_failure[index + 1] - from;
    if (n)
        sqlite3_bind_blob(st, 13, in->blob,
                          (int)dt_store_seconds_encode(in->failures + from, n, in->blob),
                          SQLITE_STATIC);
    sqlite3_bind_int(st, 14, dt_store_family_code(row->family));
    return run(st);
}

static bool get_view(ingest_t *in, int64_t hour, view_t *view, bool *found)
{
    sqlite3_stmt *st = in->stmt[STMT_GET_VIEW];
    sqlite3_bind_int64(st, 1, hour);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found)
        *view = (view_t){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                         (uint64_t)sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static bool set_view(ingest_t *in, int64_t hour, const view_t *view)
{
    sqlite3_stmt *st = in->stmt[STMT_SET_VIEW];
    sqlite3_bind_int64(st, 1, hour);
    sqlite3_bind_int64(st, 2, in->ingest);
    sqlite3_bind_int64(st, 3, view->from);
    sqlite3_bind_int64(st, 4, view->until);
    sqlite3_bind_int64(st, 5, view->parts);
    sqlite3_bind_int64(st, 6, (int64_t)view->calls);
    return run(st);
}

typedef enum { ADD, REPLACE, MERGE, KEEP } decision_t;

/* What to do with the export's view of an hour given the stored one. */
static decision_t decide(const view_t *stored, bool found, const view_t *fresh, bool *uncertain)
{
    *uncertain = false;
    if (!found)
        return ADD;
    if (fresh->until < stored->from || stored->until < fresh->from)
        return MERGE;
    bool fresh_holds = fresh->from <= stored->from && fresh->until >= stored->until;
    bool stored_holds = stored->from <= fresh->from && stored->until >= fresh->until;
    *uncertain = !fresh_holds && !stored_holds;
    return fresh->calls > stored->calls ? REPLACE : KEEP;
}

/* Applies the export's view of one hour: its rows are rows[0..n). */
static bool apply_hour(ingest_t *in, int64_t hour, const view_t *fresh, const hour_row_t *rows,
                       size_t n, dt_store_ingest_t *out)
{
    view_t stored;
    bool found, uncertain;
    if (!get_view(in, hour, &stored, &found))
        return false;
    decision_t d = decide(&stored, found, fresh, &uncertain);
    out->calls_before += found ? stored.calls : 0;
    out->hours_uncertain += uncertain;
    view_t kept = *fresh;
    kept.parts = 1;
    switch (d) {
    case ADD:
        out->hours_added++;
        break;
    case KEEP:
        out->hours_kept++;
        out->calls_after += stored.calls;
        return true;
    case REPLACE: {
        out->hours_replaced++;
        sqlite3_stmt *del = in->stmt[STMT_DELETE_COUNTS];
        sqlite3_bind_int64(del, 1, hour);
        if (!run(del))
            return false;
        break;
    }
    case MERGE:
        out->hours_merged++;
        kept.from = stored.from < fresh->from ? stored.from : fresh->from;
        kept.until = stored.until > fresh->until ? stored.until : fresh->until;
        kept.calls = stored.calls + fresh->calls;
        kept.parts = stored.parts + 1;
        break;
    }
    for (size_t i = 0; i < n; i++)
        if (!add_count(in, rows[i].row))
            return false;
    out->calls_after += kept.calls;
    return set_view(in, hour, &kept);
}

static int compare_failures(const void *a, const void *b)
{
    const dt_hourly_failure_t *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return (x->at.seconds > y->at.seconds) - (x->at.seconds < y->at.seconds);
}

/* Groups the table's times to failure by row (in->failures, first_failure)
 * and makes room to encode the longest row's. */
static dt_status_t group_failures(ingest_t *in)
{
    const dt_hourly_t *t = in->hours;
    dt_hourly_failure_t *sorted = malloc((t->nfailures ? t->nfailures : 1) * sizeof *sorted);
    in->failures = malloc((t->nfailures ? t->nfailures : 1) * sizeof *in->failures);
    in->first_failure = calloc(t->nrows + 1, sizeof *in->first_failure);
    if (!sorted || !in->failures || !in->first_failure) {
        free(sorted);
        return dt_fail(in->err, DT_ERR_NOMEM, "out of memory");
    }
    if (t->nfailures)
        memcpy(sorted, t->failures, t->nfailures * sizeof *sorted);
    qsort(sorted, t->nfailures, sizeof *sorted, compare_failures);
    size_t longest = 0, run_start = 0;
    for (size_t i = 0; i < t->nfailures; i++) {
        in->failures[i] = sorted[i].at;
        in->first_failure[sorted[i].row + 1]++;
        if (i + 1 == t->nfailures || sorted[i + 1].row != sorted[i].row) {
            longest = i + 1 - run_start > longest ? i + 1 - run_start : longest;
            run_start = i + 1;
        }
    }
    free(sorted);
    for (size_t r = 0; r < t->nrows; r++)
        in->first_failure[r + 1] += in->first_failure[r];
    in->blob = malloc(longest * 2 * DT_STORE_VARINT_MAX + 1);
    return in->blob ? DT_OK : dt_fail(in->err, DT_ERR_NOMEM, "out of memory");
}

static int compare_hour_rows(const void *a, const void *b)
{
    const hour_row_t *x = a, *y = b;
    if (x->hour != y->hour)
        return x->hour < y->hour ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Every hour from the export's first call to its last, with or without calls. */
static dt_status_t apply_hours(ingest_t *in, dt_store_ingest_t *out)
{
    const dt_hourly_t *t = in->hours;
    hour_row_t *order = malloc((t->nrows ? t->nrows : 1) * sizeof *order);
    if (!order)
        return dt_fail(in->err, DT_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->nrows; i++)
        order[i] = (hour_row_t){t->rows[i].hour, i};
    qsort(order, t->nrows, sizeof *order, compare_hour_rows);
    int64_t first = dt_date_bucket(t->first, DT_BUCKET_HOUR);
    int64_t last = dt_date_bucket(t->last, DT_BUCKET_HOUR);
    size_t next = 0;
    for (int64_t h = first; h <= last; h += DT_HOUR_SECONDS) {
        size_t begin = next;
        view_t fresh = {.from = t->first > h ? t->first - h : 0,
                        .until = t->last < h + DT_HOUR_SECONDS - 1 ? t->last - h
                                                                   : DT_HOUR_SECONDS - 1};
        while (next < t->nrows && order[next].hour == h)
            fresh.calls += t->rows[order[next++].row].calls;
        if (!apply_hour(in, h / DT_HOUR_SECONDS, &fresh, order + begin, next - begin, out)) {
            free(order);
            return sql_fail(in, "cannot store the hours");
        }
    }
    free(order);
    return DT_OK;
}

void dt_store_digest_text(uint64_t digest, char out[DT_STORE_DIGEST_TEXT])
{
    snprintf(out, DT_STORE_DIGEST_TEXT, "%016llx", (unsigned long long)digest);
}

uint64_t dt_store_digest_of(const uint64_t *digests, size_t n)
{
    if (n == 1)
        return digests[0];
    dt_hash_t h;
    dt_hash_init(&h, 0);
    for (size_t i = 0; i < n; i++) {
        unsigned char le[8];
        for (int b = 0; b < 8; b++)
            le[b] = (unsigned char)(digests[i] >> (8 * b));
        dt_hash_update(&h, le, sizeof le);
    }
    return dt_hash_digest(&h);
}

/* Hashes one source's text into *digest, adding its bytes to *bytes. */
static dt_status_t digest_source(dt_source_t *src, uint64_t *digest, uint64_t *bytes,
                                 dt_error_t *err)
{
    dt_hash_t h;
    dt_hash_init(&h, 0);
    for (;;) {
        const unsigned char *data;
        size_t len;
        dt_status_t st = dt_source_read(src, &data, &len, err);
        if (st)
            return st;
        if (len == 0)
            break;
        dt_hash_update(&h, data, len);
    }
    *digest = dt_hash_digest(&h);
    *bytes += h.total;
    return DT_OK;
}

dt_status_t dt_store_digest_file(const char *path, char digest[DT_STORE_DIGEST_TEXT],
                                 uint64_t *bytes, dt_error_t *err)
{
    dt_sources_t *set;
    dt_status_t st = dt_sources_open(&set, path, err);
    if (st)
        return st;
    uint64_t *digests = NULL;
    size_t n = 0, cap = 0;
    *bytes = 0;
    for (;;) {
        dt_source_t *src;
        if ((st = dt_sources_next(set, &src, err)) || !src)
            break;
        if (n == cap) {
            size_t grown = cap ? 2 * cap : 8;
            uint64_t *more = realloc(digests, grown * sizeof *digests);
            if (!more) {
                st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
                break;
            }
            digests = more, cap = grown;
        }
        if ((st = digest_source(src, &digests[n], bytes, err)))
            break;
        n++;
    }
    dt_sources_close(set);
    if (st == DT_OK)
        dt_store_digest_text(dt_store_digest_of(digests, n), digest);
    free(digests);
    return st;
}

dt_status_t dt_store_find(dt_store_t *store, const char *digest, dt_store_ingest_t *result,
                          dt_error_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store->db, "SELECT name, ingested FROM ingests WHERE digest = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        result->already = true;
        const char *name = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        snprintf(result->previous, sizeof result->previous, "%.*s", name ? len : 0,
                 name ? name : "");
        result->previous_at = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    return DT_OK;
}

static dt_status_t add_ingest(ingest_t *in, const dt_store_export_t *e)
{
    const dt_hourly_t *t = in->hours;
    sqlite3_stmt *st = in->stmt[STMT_ADD_INGEST];
    sqlite3_bind_text(st, 1, e->digest, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, e->name, (int)strlen(e->name), SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (int64_t)e->bytes);
    sqlite3_bind_text(st, 4, e->family, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (int64_t)e->rows);
    sqlite3_bind_int64(st, 6, (int64_t)e->rejected);
    sqlite3_bind_int64(st, 7, (int64_t)t->calls);
    sqlite3_bind_int64(st, 8, (int64_t)t->undated);
    if (t->has_time) {
        sqlite3_bind_int64(st, 9, t->first);
        sqlite3_bind_int64(st, 10, t->last);
    }
    sqlite3_bind_int64(st, 11, e->ingested);
    sqlite3_bind_text(st, 12, e->drtriage, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, e->rules, -1, SQLITE_STATIC);
    if (!run(st))
        return sql_fail(in, "cannot record the export");
    in->ingest = sqlite3_last_insert_rowid(in->store->db);
    st = in->stmt[STMT_ADD_SKIPPED];
    for (size_t i = 0; i < e->nskipped; i++) {
        const dt_skipped_t *skip = &e->skipped[i];
        sqlite3_bind_int64(st, 1, in->ingest);
        sqlite3_bind_blob(st, 2, skip->path, (int)strlen(skip->path), SQLITE_STATIC);
        sqlite3_bind_text(st, 3, skip->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, skip->reason, -1, SQLITE_STATIC);
        if (!run(st))
            return sql_fail(in, "cannot record the export's skipped inputs");
    }
    return DT_OK;
}

static dt_status_t finish_ingest(ingest_t *in, const dt_store_ingest_t *out)
{
    sqlite3_stmt *st = in->stmt[STMT_FINISH_INGEST];
    sqlite3_bind_int64(st, 1, in->ingest);
    const uint64_t values[] = {out->hours_added, out->hours_replaced, out->hours_merged,
                               out->hours_kept, out->hours_uncertain, out->calls_before,
                               out->calls_after};
    for (int i = 0; i < 7; i++)
        sqlite3_bind_int64(st, i + 2, (int64_t)values[i]);
    return run(st) ? DT_OK : sql_fail(in, "cannot record the export");
}

static dt_status_t check_span(ingest_t *in, const dt_store_export_t *e)
{
    const dt_hourly_t *t = in->hours;
    if (!t->has_time || t->last - t->first <= (int64_t)SPAN_DAYS_MAX * 86400)
        return DT_OK;
    char first[DT_DATE_TEXT_MAX], last[DT_DATE_TEXT_MAX];
    dt_date_format(t->first, first, sizeof first);
    dt_date_format(t->last, last, sizeof last);
    return dt_fail(in->err, DT_ERR_INPUT,
                   "%s: its calls start from %s to %s, more than %d days apart: a start time "
                   "is probably wrong (nothing was stored)",
                   e->name, first, last, SPAN_DAYS_MAX);
}

static dt_status_t ingest(ingest_t *in, const dt_store_export_t *e, dt_store_ingest_t *out)
{
    dt_status_t st = dt_store_find(in->store, e->digest, out, in->err);
    if (st || out->already)
        return st;
    if ((st = check_span(in, e)) || (st = add_ingest(in, e)) || (st = group_failures(in)))
        return st;
    if (in->hours->has_time && (st = apply_hours(in, out)))
        return st;
    return finish_ingest(in, out);
}

dt_status_t dt_store_ingest(dt_store_t *store, const dt_store_export_t *export,
                            const dt_hourly_t *hours, dt_store_ingest_t *result, dt_error_t *err)
{
    memset(result, 0, sizeof *result);
    if (!store->in_transaction)
        return dt_fail(err, DT_ERR_USAGE, "%s: an ingest needs a transaction", store->path);
    ingest_t in = {.store = store, .hours = hours, .err = err};
    in.name_ids = malloc((hours->nnames ? hours->nnames : 1) * sizeof *in.name_ids);
    if (!in.name_ids)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < hours->nnames; i++)
        in.name_ids[i] = -1;
    dt_status_t st = DT_OK;
    for (int i = 0; i < STMT_COUNT && st == DT_OK; i++)
        if (sqlite3_prepare_v2(store->db, statements[i], -1, &in.stmt[i], NULL) != SQLITE_OK)
            st = sql_fail(&in, "cannot prepare the ingest");
    if (st == DT_OK)
        st = ingest(&in, export, result);
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(in.stmt[i]);
    free(in.name_ids);
    free(in.failures);
    free(in.first_failure);
    free(in.blob);
    return st;
}

dt_status_t dt_store_prune(dt_store_t *store, int64_t before, uint64_t *hours, uint64_t *calls,
                           dt_error_t *err)
{
    *hours = *calls = 0;
    if (!store->in_transaction)
        return dt_fail(err, DT_ERR_USAGE, "%s: pruning needs a transaction", store->path);
    int64_t hour = dt_date_bucket(before, DT_BUCKET_HOUR) / DT_HOUR_SECONDS;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store->db,
                           "SELECT count(*), coalesce(sum(calls), 0) FROM hours WHERE hour < ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_OUTPUT, "cannot prune the store");
    sqlite3_bind_int64(st, 1, hour);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *hours = (uint64_t)sqlite3_column_int64(st, 0);
        *calls = (uint64_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    char sql[160];
    snprintf(sql, sizeof sql,
             "DELETE FROM counts WHERE hour < %lld; DELETE FROM hours WHERE hour < %lld;"
             "PRAGMA incremental_vacuum;",
             (long long)hour, (long long)hour);
    if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_OUTPUT, "cannot prune the store");
    return DT_OK;
}
