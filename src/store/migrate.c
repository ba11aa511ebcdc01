/* migrate.c - the store's schema, one migration per version: migrations[v]
 * takes a store from version v to v + 1 (migrations[0] creates it). A
 * published migration is never edited; a change of schema is a new one,
 * and docs/store.md lists them. */
#include <stdio.h>

#include "db.h"

/* Version 1: the hourly counts, the views of each hour, the exports. */
static const char schema_v1[] =
    "PRAGMA auto_vacuum = INCREMENTAL;\n"
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    "CREATE TABLE ingests (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  digest TEXT NOT NULL UNIQUE,\n"
    "  name BLOB NOT NULL,\n"
    "  bytes INTEGER NOT NULL,\n"
    "  family TEXT NOT NULL,\n"
    "  rows INTEGER NOT NULL,\n"
    "  rejected INTEGER NOT NULL,\n"
    "  calls INTEGER NOT NULL,\n"
    "  undated INTEGER NOT NULL,\n"
    "  first INTEGER,\n"
    "  last INTEGER,\n"
    "  ingested INTEGER NOT NULL,\n"
    "  drtriage TEXT NOT NULL,\n"
    "  rules TEXT NOT NULL,\n"
    "  hours_added INTEGER NOT NULL DEFAULT 0,\n"
    "  hours_replaced INTEGER NOT NULL DEFAULT 0,\n"
    "  hours_merged INTEGER NOT NULL DEFAULT 0,\n"
    "  hours_kept INTEGER NOT NULL DEFAULT 0,\n"
    "  hours_uncertain INTEGER NOT NULL DEFAULT 0,\n"
    "  calls_before INTEGER NOT NULL DEFAULT 0,\n"
    "  calls_after INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE hours (\n"
    "  hour INTEGER PRIMARY KEY,\n"
    "  ingest INTEGER NOT NULL REFERENCES ingests(id),\n"
    "  covered_from INTEGER NOT NULL,\n"
    "  covered_until INTEGER NOT NULL,\n"
    "  parts INTEGER NOT NULL,\n"
    "  calls INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE sbcs (id INTEGER PRIMARY KEY, name BLOB NOT NULL UNIQUE);\n"
    "CREATE TABLE phrases (id INTEGER PRIMARY KEY, text BLOB NOT NULL UNIQUE);\n"
    "INSERT INTO sbcs VALUES (0, X'');\n"
    "INSERT INTO phrases VALUES (0, X'');\n"
    "CREATE TABLE counts (\n"
    "  hour INTEGER NOT NULL,\n"
    "  sbc INTEGER NOT NULL,\n"
    "  direction INTEGER NOT NULL,\n"
    "  succeeded INTEGER NOT NULL,\n"
    "  codes INTEGER NOT NULL,\n"
    "  ms INTEGER NOT NULL,\n"
    "  sip INTEGER NOT NULL,\n"
    "  phrase INTEGER NOT NULL,\n"
    "  calls INTEGER NOT NULL,\n"
    "  PRIMARY KEY (hour, sbc, direction, succeeded, codes, ms, sip, phrase)\n"
    ") WITHOUT ROWID;\n";

/* Version 2: the inputs of each export that its ingest skipped (an archive's
 * members that hold no call records), in the order met; the talk time of
 * each key's answered calls (for ACD and short calls) and the times to
 * failure of its failed ones (seconds.c). */
static const char schema_v2[] =
    "ALTER TABLE counts ADD COLUMN talked INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE counts ADD COLUMN talk_seconds INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE counts ADD COLUMN short_calls INTEGER NOT NULL DEFAULT 0;\n"
    "ALTER TABLE counts ADD COLUMN to_failure BLOB;\n"
    "CREATE TABLE skipped (\n"
    "  ingest INTEGER NOT NULL REFERENCES ingests(id),\n"
    "  name BLOB NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  reason TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX skipped_by_ingest ON skipped (ingest);\n";

/* Version 3: the export family of each key's calls joins the key (the
 * origin rules depend on it; one hour may hold views of exports of several
 * families), as the code dt_store_family_code gives: 0 any, 1 tac, 2 graph,
 * 3 cqd, 4 acs. counts is a WITHOUT ROWID table, whose key cannot change in
 * place: it is made anew. A stored row's calls take the family of the export
 * whose view its hour holds (hours.ingest), the one the store knows. */
static const char schema_v3[] =
    "CREATE TABLE counts_v3 (\n"
    "  hour INTEGER NOT NULL,\n"
    "  sbc INTEGER NOT NULL,\n"
    "  direction INTEGER NOT NULL,\n"
    "  succeeded INTEGER NOT NULL,\n"
    "  codes INTEGER NOT NULL,\n"
    "  ms INTEGER NOT NULL,\n"
    "  sip INTEGER NOT NULL,\n"
    "  phrase INTEGER NOT NULL,\n"
    "  family INTEGER NOT NULL DEFAULT 0,\n"
    "  calls INTEGER NOT NULL,\n"
    "  talked INTEGER NOT NULL DEFAULT 0,\n"
    "  talk_seconds INTEGER NOT NULL DEFAULT 0,\n"
    "  short_calls INTEGER NOT NULL DEFAULT 0,\n"
    "  to_failure BLOB,\n"
    "  PRIMARY KEY (hour, sbc, direction, succeeded, codes, ms, sip, phrase, family)\n"
    ") WITHOUT ROWID;\n"
    "INSERT INTO counts_v3 (hour, sbc, direction, succeeded, codes, ms, sip, phrase, family,\n"
    "    calls, talked, talk_seconds, short_calls, to_failure)\n"
    "  SELECT c.hour, c.sbc, c.direction, c.succeeded, c.codes, c.ms, c.sip, c.phrase,\n"
    "    CASE i.family WHEN 'tac' THEN 1 WHEN 'graph' THEN 2 WHEN 'cqd' THEN 3\n"
    "      WHEN 'acs' THEN 4 ELSE 0 END,\n"
    "    c.calls, c.talked, c.talk_seconds, c.short_calls, c.to_failure\n"
    "  FROM counts AS c LEFT JOIN hours AS h ON h.hour = c.hour\n"
    "    LEFT JOIN ingests AS i ON i.id = h.ingest;\n"
    "DROP TABLE counts;\n"
    "ALTER TABLE counts_v3 RENAME TO counts;\n";

static const char *const migrations[DT_STORE_SCHEMA_VERSION] = {
    schema_v1,
    schema_v2,
    schema_v3,
};

/* The migrations that copy a table: the old one's pages are left free in
 * the file, as large as the copy, until the store is compacted. */
static const bool copies_table[DT_STORE_SCHEMA_VERSION] = {[2] = true};

/* The families by stored code (counts.family), as version 3 pins them. */
static const dt_family_t family_by_code[] = {DT_FAMILY_ANY, DT_FAMILY_TAC, DT_FAMILY_GRAPH,
                                             DT_FAMILY_CQD, DT_FAMILY_ACS};
#define FAMILY_CODES (sizeof family_by_code / sizeof family_by_code[0])

int dt_store_family_code(dt_family_t family)
{
    for (size_t code = 0; code < FAMILY_CODES; code++)
        if (family_by_code[code] == family)
            return (int)code;
    return 0;
}

dt_family_t dt_store_family_of(int64_t code)
{
    return code >= 0 && (uint64_t)code < FAMILY_CODES ? family_by_code[code] : DT_FAMILY_ANY;
}

dt_status_t dt_store_fail(const dt_store_t *store, dt_error_t *err, dt_status_t status,
                          const char *what)
{
    return dt_fail(err, status, "%s: %s: %s", store->path, what,
                   store->db ? sqlite3_errmsg(store->db) : "out of memory");
}

/* Reads an integer pragma; false when SQLite fails. */
static bool pragma_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ok;
}

/* Whether the file holds any table: an empty file becomes a store, a file
 * with tables of its own is someone else's database. */
static bool has_tables(sqlite3 *db, bool *out)
{
    int n;
    if (!pragma_int(db, "SELECT count(*) FROM sqlite_schema", &n))
        return false;
    *out = n > 0;
    return true;
}

/* Reads the version; checks that the file is a store this drtriage can use. */
static dt_status_t read_version(dt_store_t *store, int *version, dt_error_t *err)
{
    int app;
    bool tables;
    if (!pragma_int(store->db, "PRAGMA user_version", version) ||
        !pragma_int(store->db, "PRAGMA application_id", &app) || !has_tables(store->db, &tables))
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    if ((*version == 0 && tables) || (*version > 0 && app != DT_STORE_APPLICATION_ID))
        return dt_fail(err, DT_ERR_INPUT, "%s: not a drtriage store (a SQLite database of "
                       "another program)", store->path);
    if (*version > DT_STORE_SCHEMA_VERSION)
        return dt_fail(err, DT_ERR_INPUT,
                       "%s: the store has schema version %d, written by a newer drtriage; this "
                       "one (%s) reads versions up to %d: upgrade drtriage",
                       store->path, *version, DRTRIAGE_VERSION, DT_STORE_SCHEMA_VERSION);
    return DT_OK;
}

static dt_status_t exec(dt_store_t *store, const char *sql, const char *what, dt_error_t *err)
{
    if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_OUTPUT, what);
    return DT_OK;
}

/* One step, from `from` to from + 1, in its own transaction; the version is
 * read again under the write lock, since another process may have migrated
 * the store meanwhile. */
static dt_status_t step(dt_store_t *store, int from, dt_error_t *err)
{
    dt_status_t st = exec(store, "BEGIN IMMEDIATE", "cannot lock the store to migrate it", err);
    if (st)
        return st;
    int now;
    if ((st = read_version(store, &now, err)) || now != from) {
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    char tail[256];
    snprintf(tail, sizeof tail,
             "PRAGMA application_id = %d; PRAGMA user_version = %d;"
             "INSERT INTO meta VALUES ('schema_written_by', '%s')"
             "  ON CONFLICT(key) DO UPDATE SET value = excluded.value;",
             DT_STORE_APPLICATION_ID, from + 1, DRTRIAGE_VERSION);
    char what[64];
    snprintf(what, sizeof what, "cannot migrate the store to schema version %d", from + 1);
    if ((st = exec(store, migrations[from], what, err)) || (st = exec(store, tail, what, err)) ||
        (st = exec(store, "COMMIT", what, err))) {
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        return st;
    }
    return DT_OK;
}

dt_status_t dt_store_migrate(dt_store_t *store, int target, dt_error_t *err)
{
    int version;
    dt_status_t st = read_version(store, &version, err);
    if (st)
        return st;
    if (version < target && !store->writable)
        return dt_fail(err, DT_ERR_INPUT,
                       "%s: the store has schema version %d and needs migrating to %d, but "
                       "this user cannot write it",
                       store->path, version, target);
    bool copied = false, fresh = version == 0; /* a new store is empty: nothing to compact */
    while (version < target) {
        copied |= !fresh && copies_table[version];
        if ((st = step(store, version, err)) || (st = read_version(store, &version, err)))
            return st;
    }
    /* The store is whole either way: when another process keeps it from being
     * compacted now, later ingests reuse the free pages. The VACUUM also
     * turns on incremental auto-vacuum in a store made before the open set
     * it (see configure in store.c), so that --prune gives pages back. */
    if (copied)
        sqlite3_exec(store->db, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM", NULL, NULL, NULL);
    store->version = version;
    return DT_OK;
}
