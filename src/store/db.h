/* db.h - what the files of src/store/ share (not part of the interface,
 * dt_store.h): the open connection, the schema's migrations and its codes. */
#ifndef DT_STORE_DB_H
#define DT_STORE_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "dt_arena.h"
#include "dt_common.h"
#include "dt_store.h"

/* Marks a SQLite file as a drtriage store (PRAGMA application_id): "drTR". */
#define DT_STORE_APPLICATION_ID 0x64725452

struct dt_store {
    sqlite3 *db;
    char *path;
    int version;       /* schema version after opening */
    bool writable;
    bool in_transaction;
};

/* Fails with status and "PATH: WHAT: SQLite's message". */
dt_status_t dt_store_fail(const dt_store_t *store, dt_error_t *err, dt_status_t status,
                          const char *what);

/* Brings the schema of an open connection up to `target` (at most
 * DT_STORE_SCHEMA_VERSION), creating it in an empty file, one transaction
 * per step; stores the version reached in store->version. Refuses, with
 * DT_ERR_INPUT naming store->path, a file that is not a drtriage store, one
 * whose version is above DT_STORE_SCHEMA_VERSION, and one that needs a
 * migration when store->writable is false. Tests pass an older target to
 * make a store of that version. */
dt_status_t dt_store_migrate(dt_store_t *store, int target, dt_error_t *err);

/* A key's export family as counts.family stores it (version 3 of the
 * schema pins the codes: 0 any, 1 tac, 2 graph, 3 cqd, 4 acs), and back; a
 * code not among them is DT_FAMILY_ANY. */
int dt_store_family_code(dt_family_t family);
dt_family_t dt_store_family_of(int64_t code);

/* seconds.c: a stored key's times to failure (column counts.to_failure):
 * pairs of unsigned LEB128 varints, ascending seconds as the step from the
 * previous pair's, then the calls; NULL for none. */
#define DT_STORE_VARINT_MAX 10 /* bytes of the longest varint */

/* Writes n pairs (ascending seconds) to out, which holds at least
 * n * 2 * DT_STORE_VARINT_MAX bytes; returns the bytes written. */
size_t dt_store_seconds_encode(const dt_seconds_t *items, size_t n, unsigned char *out);

/* Reads the pairs of a blob into *items (grown as DT_GROW does; *n set).
 * False for a damaged blob or when memory is exhausted. */
bool dt_store_seconds_decode(const void *blob, size_t len, dt_seconds_t **items, size_t *n,
                             size_t *cap);

/* Registers the SQL function DT_STORE_SECONDS_MERGE(A, B), the pairs of two
 * blobs added up, on a connection. False when SQLite fails. */
#define DT_STORE_SECONDS_MERGE "dt_seconds_merge"
bool dt_store_seconds_register(sqlite3 *db);

#endif
