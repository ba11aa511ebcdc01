/* dt_store.h - the history store: one SQLite file that keeps, per UTC hour,
 * the calls of every export ingested, counted by stored key (dt_hourly.h),
 * plus what was ingested. Design, schema and the rules for overlapping
 * exports: docs/store.md.
 *
 * The file is created on first use (dt_store_open with DT_STORE_CREATE),
 * in WAL mode with a busy timeout; its schema carries a version, and an
 * older store is migrated when opened, while a store written by a newer
 * drtriage is refused. Every change is made inside one transaction
 * (dt_store_begin .. dt_store_commit): a process killed before the commit
 * leaves the store exactly as it was.
 *
 * Overlapping exports count each call once. An export covers, in each hour
 * from its earliest to its latest call, the part of the hour between them
 * (the whole hour inside its range). For one hour, the store keeps one view:
 * a new export's view of the hour replaces the stored one when it holds more
 * calls and is added to it when the two cover disjoint parts of the hour;
 * otherwise the stored view stays. The outcome does not depend on the order
 * in which exports are ingested. */
#ifndef DT_STORE_H
#define DT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_aggregate.h"
#include "dt_common.h"
#include "dt_hourly.h"

/* The schema version this drtriage writes (docs/store.md lists them). */
#define DT_STORE_SCHEMA_VERSION 3

typedef struct dt_store dt_store_t;

typedef enum {
    DT_STORE_READ = 0, /* an existing store; migrated when older and writable */
    DT_STORE_CREATE,   /* created when missing */
} dt_store_mode_t;

/* Opens the store at path and brings its schema up to date. Returns DT_OK
 * and *out (closed with dt_store_close); DT_ERR_INPUT with a message naming
 * the file when it is missing (DT_STORE_READ), not a drtriage store, written
 * by a newer drtriage (its schema version is above DT_STORE_SCHEMA_VERSION),
 * corrupt, or locked by another process for longer than the busy timeout;
 * DT_ERR_NOMEM. *out is NULL on error. */
dt_status_t dt_store_open(dt_store_t **out, const char *path, dt_store_mode_t mode,
                          dt_error_t *err);

/* Closes the store; a transaction still open is rolled back. NULL is fine. */
void dt_store_close(dt_store_t *store);

/* The store's schema version (after migration: DT_STORE_SCHEMA_VERSION). */
int dt_store_schema_version(const dt_store_t *store);

/* The SQLite library's version ("3.40.1"). */
const char *dt_store_library_version(void);

/* Starts the one transaction of a change, taking the write lock (waiting up
 * to the busy timeout for another writer). DT_ERR_INPUT when it cannot. */
dt_status_t dt_store_begin(dt_store_t *store, dt_error_t *err);

/* Makes the transaction's changes durable. DT_ERR_OUTPUT when it cannot
 * (the changes are then rolled back). */
dt_status_t dt_store_commit(dt_store_t *store, dt_error_t *err);

/* Abandons the transaction's changes (nothing happens without one, or for
 * a NULL store). */
void dt_store_rollback(dt_store_t *store);

#define DT_STORE_DIGEST_TEXT 17 /* 16 hex digits and a NUL */

/* What an export was, as history records it. Strings are copied. */
typedef struct {
    const char *name;          /* the path as given */
    char digest[DT_STORE_DIGEST_TEXT]; /* its content hash, hex (the same bytes: the same export) */
    uint64_t bytes;
    const char *family;        /* dt_family_name */
    uint64_t rows, rejected;   /* data rows read, and rejected */
    int64_t ingested;          /* when, epoch seconds */
    const char *drtriage;      /* DRTRIAGE_VERSION */
    const char *rules;         /* dt_rules_version */
    const dt_skipped_t *skipped; /* its inputs skipped (archive members without call
                                    records), in the order met, as the report names them */
    size_t nskipped;
} dt_store_export_t;

/* What an ingest did to the hours the export covers. */
typedef struct {
    bool already;              /* the same content was ingested before: nothing changed */
    char previous[256];        /* then: its name then, */
    int64_t previous_at;       /* and when */
    uint64_t hours_added;      /* hours the store had no view of */
    uint64_t hours_replaced;   /* the export's view held more calls */
    uint64_t hours_merged;     /* the two views cover disjoint parts of the hour: added up */
    uint64_t hours_kept;       /* the stored view held as many calls or more */
    uint64_t hours_uncertain;  /* of the kept or replaced: each view covers part of the hour
                                  the other lacks, so some calls may be missing */
    uint64_t calls_before, calls_after; /* stored calls in the export's hours */
} dt_store_ingest_t;

/* Writes a content digest (dt_hash.h) as the store keeps it, 16 hex digits. */
void dt_store_digest_text(uint64_t digest, char out[DT_STORE_DIGEST_TEXT]);

/* The digest of an export from the digests of its sources' texts, in the
 * order read: the one source's own, or for several (an archive's members)
 * the digest of their digests. */
uint64_t dt_store_digest_of(const uint64_t *digests, size_t n);

/* The digest of a path's export as an ingest reads it: the text of each of
 * its sources (dt_source.h: a UTF-8 byte-order mark left out, an archive's
 * members decompressed), combined by dt_store_digest_of, so that an export
 * already ingested can be skipped without reading it through. Stores the
 * bytes of text in *bytes. Returns DT_ERR_INPUT naming the path when it
 * cannot be read, DT_ERR_NOMEM. */
dt_status_t dt_store_digest_file(const char *path, char digest[DT_STORE_DIGEST_TEXT],
                                 uint64_t *bytes, dt_error_t *err);

/* Looks for an export with this digest: sets result->already, previous and
 * previous_at when there is one. DT_ERR_INPUT when reading fails. */
dt_status_t dt_store_find(dt_store_t *store, const char *digest, dt_store_ingest_t *result,
                          dt_error_t *err);

/* Records an export read into `hours` (its calls by hour and key) inside the
 * open transaction. When the store already holds an export with the same
 * digest, changes nothing and sets result->already. Returns DT_ERR_USAGE
 * without a transaction, DT_ERR_OUTPUT when SQLite fails (the caller rolls
 * back), DT_ERR_NOMEM. */
dt_status_t dt_store_ingest(dt_store_t *store, const dt_store_export_t *export,
                            const dt_hourly_t *hours, dt_store_ingest_t *result, dt_error_t *err);

/* One stored key and its calls, as dt_store_scan hands it over. The slices
 * are valid only during the callback. */
typedef struct {
    int64_t hour;              /* the hour's start, epoch seconds */
    dt_family_t family;        /* of the export its calls came from (DT_FAMILY_ANY: not known) */
    dt_slice_t sbc;
    dt_direction_t direction;
    bool succeeded;
    dt_code_key_t key;         /* failed calls */
    dt_slice_t phrase;         /* failed calls */
    uint64_t calls;
    dt_talk_t talk;            /* succeeded calls with a known duration */
    const dt_seconds_t *failures; /* failed calls with a known time to failure, */
    size_t nfailures;             /* ascending seconds */
    int64_t covered_from, covered_until; /* the part of the hour its view covers, seconds
                                            from the hour's start (0..3599) */
} dt_store_row_t;

typedef dt_status_t (*dt_store_row_fn)(void *ctx, const dt_store_row_t *row, dt_error_t *err);

/* Calls fn for every stored key of the hours in [since, until) (epoch
 * seconds), hour by hour in time order. Stops at and returns the first
 * error fn returns; DT_ERR_INPUT when reading the store fails. */
dt_status_t dt_store_scan(dt_store_t *store, int64_t since, int64_t until, dt_store_row_fn fn,
                          void *ctx, dt_error_t *err);

/* The hours the store holds: *any says whether it holds one, and then
 * *first and *last are the starts of the first and of the last hour with a
 * view (covered by an export, with or without calls). DT_ERR_INPUT when
 * reading the store fails. */
dt_status_t dt_store_extent(dt_store_t *store, bool *any, int64_t *first, int64_t *last,
                            dt_error_t *err);

/* One ingested export, as history lists it. Strings are valid only during
 * the callback. */
typedef struct {
    int64_t id;
    dt_store_export_t export;
    bool has_time;
    int64_t first, last;       /* its earliest and latest call */
    uint64_t calls, undated;   /* calls with a start time, and without (not stored) */
    dt_store_ingest_t outcome; /* what its ingest did (already is false) */
    uint64_t hours_held;       /* hours whose stored view is (still) this export's */
} dt_store_ingest_row_t;

typedef dt_status_t (*dt_store_ingest_fn)(void *ctx, const dt_store_ingest_row_t *row,
                                          dt_error_t *err);

/* Calls fn for every export ingested, oldest ingest first. */
dt_status_t dt_store_ingests(dt_store_t *store, dt_store_ingest_fn fn, void *ctx,
                             dt_error_t *err);

/* One UTC day of the store's extent, as history lists coverage. */
typedef struct {
    int64_t day;               /* its start, epoch seconds */
    unsigned hours;            /* hours with a view (0..24) */
    uint64_t calls;
} dt_store_day_t;

typedef dt_status_t (*dt_store_day_fn)(void *ctx, const dt_store_day_t *day, dt_error_t *err);

/* Calls fn for every day from the store's first to its last day, days
 * without any view included (hours 0): a missing export leaves such a day. */
dt_status_t dt_store_days(dt_store_t *store, dt_store_day_fn fn, void *ctx, dt_error_t *err);

/* Deletes every hour before `before` (epoch seconds; rounded down to the
 * hour) inside the open transaction; the list of ingests stays. Stores the
 * hours and calls deleted. */
dt_status_t dt_store_prune(dt_store_t *store, int64_t before, uint64_t *hours, uint64_t *calls,
                           dt_error_t *err);

#endif
