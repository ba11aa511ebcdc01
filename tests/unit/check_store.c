/* check_store.c - the history store: schema, migrations, idempotency, the
 * rules for overlapping exports, crash safety, pruning and replay. */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/store/db.h"
#include "check_suites.h"
#include "dt_aggregate.h"
#include "dt_report.h"
#include "dt_store.h"
#include "dt_store_replay.h"
#include "test_util.h"

#define T0 1793491200 /* 2026-11-01T00:00:00Z */
#define H 3600

/* ---- fixtures ---- */

static char *dir;
static char db_path[512];

static void setup(void)
{
    tu_embedded_setup();
    dir = tu_temp_dir();
    snprintf(db_path, sizeof db_path, "%s/history.db", dir);
}

static void teardown(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(dir);
    tu_embedded_teardown();
}

static dt_store_t *open_store(void)
{
    dt_store_t *store;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_store_open(&store, db_path, DT_STORE_CREATE, &err) == DT_OK, "%s", err.msg);
    return store;
}

/* Runs SQL on the store file with SQLite directly (asserting). */
static void raw_sql(const char *sql)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    char *msg = NULL;
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s", msg);
    sqlite3_close(db);
}

/* One integer from a query on the store file. */
static long long raw_int(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* ---- synthetic exports ---- */

/* calls: a failed call "F" (560503/503 on sbc1) or a succeeded one "S". */
static void count(dt_hourly_t *t, int64_t time, bool failed, const char *sbc, uint64_t weight)
{
    dt_call_t c = {.weight = weight, .succeeded = !failed, .sbc = {sbc, strlen(sbc)}};
    if (failed) {
        c.key = (dt_code_key_t){.has_sip = true, .has_ms = true, .sip = 503, .ms = 560503};
        c.phrase = (dt_slice_t){"Service Unavailable", 19};
    }
    ck_assert_int_eq(dt_hourly_count(t, &c, DT_FAMILY_TAC, DT_DIRECTION_OUT, true, time, NULL),
                     DT_OK);
}

/* An export of the calls in [from, until) of one stream: a call every `step`
 * seconds of the clock, every tenth failed, every third through sbc2. Two
 * windows of the same step hold the same calls where they overlap. */
static void make_export(dt_hourly_t *t, int64_t from, int64_t until, int64_t step)
{
    ck_assert_int_eq(dt_hourly_init(t), DT_OK);
    for (int64_t s = (from + step - 1) / step * step; s < until; s += step)
        count(t, s, (s / step) % 10 == 0, (s / step) % 3 ? "sbc1" : "sbc2", 1);
}

static dt_store_export_t export_named(const char *name, uint64_t digest)
{
    dt_store_export_t e = {.name = name, .bytes = 1, .family = "tac", .rows = 1,
                           .ingested = T0, .drtriage = DRTRIAGE_VERSION, .rules = "test"};
    dt_store_digest_text(digest, e.digest);
    return e;
}

static dt_store_ingest_t ingest(dt_store_t *store, const dt_hourly_t *t, const char *name,
                                uint64_t digest)
{
    dt_error_t err = {{0}};
    dt_store_ingest_t r;
    dt_store_export_t e = export_named(name, digest);
    ck_assert_int_eq(dt_store_begin(store, &err), DT_OK);
    ck_assert_msg(dt_store_ingest(store, &e, t, &r, &err) == DT_OK, "%s", err.msg);
    ck_assert_msg(dt_store_commit(store, &err) == DT_OK, "%s", err.msg);
    return r;
}

static dt_status_t sum_row(void *ctx, const dt_store_row_t *row, dt_error_t *err)
{
    (void)err;
    uint64_t *sums = ctx;
    sums[0] += row->calls;
    sums[1] += row->succeeded ? 0 : row->calls;
    sums[2]++;
    return DT_OK;
}

/* Stored calls, failed calls and keys in [since, until). */
static void stored(dt_store_t *store, int64_t since, int64_t until, uint64_t sums[3])
{
    dt_error_t err = {{0}};
    sums[0] = sums[1] = sums[2] = 0;
    ck_assert_int_eq(dt_store_scan(store, since, until, sum_row, sums, &err), DT_OK);
}

static uint64_t stored_calls(dt_store_t *store)
{
    uint64_t sums[3];
    stored(store, 0, INT64_MAX / 2, sums);
    return sums[0];
}

/* Records each row's family by its calls: got[calls] (calls 100 at got[0]). */
static dt_status_t family_by_calls(void *ctx, const dt_store_row_t *row, dt_error_t *err)
{
    (void)err;
    dt_family_t *got = ctx;
    got[row->calls == 100 ? 0 : row->calls < 8 ? row->calls : 7] = row->family;
    return DT_OK;
}

/* ---- schema and migrations ---- */

START_TEST(test_create_and_reopen)
{
    dt_store_t *store = open_store();
    ck_assert_int_eq(dt_store_schema_version(store), DT_STORE_SCHEMA_VERSION);
    dt_store_close(store);
    ck_assert_int_eq(raw_int("PRAGMA user_version"), DT_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(raw_int("PRAGMA application_id"), DT_STORE_APPLICATION_ID);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = "
                             "'wal'"), 1);
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_store_open(&store, db_path, DT_STORE_READ, &err), DT_OK);
    bool any = true;
    int64_t first, last;
    ck_assert_int_eq(dt_store_extent(store, &any, &first, &last, &err), DT_OK);
    ck_assert(!any);
    dt_store_close(store);
}
END_TEST

START_TEST(test_missing_store)
{
    dt_store_t *store;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_store_open(&store, db_path, DT_STORE_READ, &err), DT_ERR_INPUT);
    ck_assert_ptr_null(store);
    ck_assert_contains(err.msg, "no such store");
    ck_assert_int_eq(access(db_path, F_OK), -1); /* reading never creates */
}
END_TEST

START_TEST(test_newer_store_refused)
{
    dt_store_close(open_store());
    raw_sql("PRAGMA user_version = 99");
    dt_store_t *store;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_store_open(&store, db_path, DT_STORE_CREATE, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "schema version 99");
    ck_assert_contains(err.msg, "newer drtriage");
    ck_assert_int_eq(raw_int("PRAGMA user_version"), 99); /* left alone */
}
END_TEST

START_TEST(test_foreign_database_refused)
{
    raw_sql("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    dt_store_t *store;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_store_open(&store, db_path, DT_STORE_CREATE, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "not a drtriage store");
    ck_assert_int_eq(raw_int("SELECT count(*) FROM t"), 1);

    FILE *f = fopen(db_path, "w");
    fputs("CorrelationId,Final SIP code\nnot a database at all, no\n", f);
    fclose(f);
    ck_assert_int_eq(dt_store_open(&store, db_path, DT_STORE_CREATE, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, db_path);
}
END_TEST

START_TEST(test_empty_file_becomes_store)
{
    fclose(fopen(db_path, "w"));
    dt_store_t *store = open_store();
    ck_assert_int_eq(dt_store_schema_version(store), DT_STORE_SCHEMA_VERSION);
    dt_store_close(store);
}
END_TEST

/* Every version from 1 up is reached step by step, and a store made at an
 * older version opens and is migrated to the current one with its data. */
START_TEST(test_migrations_step_by_step)
{
    for (int v = 1; v <= DT_STORE_SCHEMA_VERSION; v++) {
        remove(db_path);
        dt_store_t raw = {.path = db_path, .writable = true};
        dt_error_t err = {{0}};
        ck_assert_int_eq(sqlite3_open(db_path, &raw.db), SQLITE_OK);
        ck_assert_msg(dt_store_migrate(&raw, v, &err) == DT_OK, "%s", err.msg);
        ck_assert_int_eq(raw.version, v);
        sqlite3_close(raw.db);
        ck_assert_int_eq(raw_int("PRAGMA user_version"), v);
        /* data of every version: an export and one hour */
        raw_sql("INSERT INTO ingests (digest, name, bytes, family, rows, rejected, calls, "
                "undated, first, last, ingested, drtriage, rules) VALUES ('00', 'old.csv', 1, "
                "'tac', 2, 0, 2, 0, 1793491200, 1793491300, 1793491200, 'old', 'old');"
                "INSERT INTO hours VALUES (498192, 1, 0, 100, 1, 2);"
                "INSERT INTO counts (hour, sbc, direction, succeeded, codes, ms, sip, phrase, "
                "calls) VALUES (498192, 0, 2, 1, 0, 0, 0, 0, 2);");
        dt_store_t *store = open_store();
        ck_assert_int_eq(dt_store_schema_version(store), DT_STORE_SCHEMA_VERSION);
        ck_assert_uint_eq(stored_calls(store), 2);
        dt_store_close(store);
        /* what later versions add is there, empty, for the older data */
        ck_assert_int_eq(raw_int("SELECT count(*) FROM skipped"), 0);
    }
}
END_TEST

/* Version 3 gives each key of an older store the family of the export whose
 * view its hour holds, as the codes the store reads back; a key of an hour
 * without a view has no known family. */
START_TEST(test_migration_v3_families)
{
    static const char *const names[] = {"tac", "graph", "cqd", "acs", "any"};
    const int n = (int)(sizeof names / sizeof names[0]);
    dt_store_t raw = {.path = db_path, .writable = true};
    dt_error_t err = {{0}};
    ck_assert_int_eq(sqlite3_open(db_path, &raw.db), SQLITE_OK);
    ck_assert_msg(dt_store_migrate(&raw, 2, &err) == DT_OK, "%s", err.msg);
    sqlite3_close(raw.db);
    char sql[1024];
    for (int i = 0; i < n; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO ingests (id, digest, name, bytes, family, rows, rejected, calls, "
                 "undated, first, last, ingested, drtriage, rules) VALUES (%d, '%d', 'x.csv', 1, "
                 "'%s', 1, 0, 1, 0, 0, 0, 0, 'old', 'old');"
                 "INSERT INTO hours VALUES (%d, %d, 0, 3599, 1, %d);"
                 "INSERT INTO counts (hour, sbc, direction, succeeded, codes, ms, sip, phrase, "
                 "calls) VALUES (%d, 0, 1, 0, 3, 540500, 500, 0, %d);",
                 i + 1, i + 1, names[i], 498192 + i, i + 1, i + 1, 498192 + i, i + 1);
        raw_sql(sql);
    }
    raw_sql("INSERT INTO counts (hour, sbc, direction, succeeded, codes, ms, sip, phrase, calls) "
            "VALUES (498192 + 100, 0, 1, 0, 3, 540500, 500, 0, 100)");
    dt_store_t *store = open_store();
    ck_assert_int_eq(raw_int("PRAGMA user_version"), 3);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM counts"), n + 1);
    dt_family_t got[8];
    for (size_t i = 0; i < 8; i++)
        got[i] = DT_FAMILY_COUNT;
    ck_assert_int_eq(dt_store_scan(store, 0, INT64_MAX / 2, family_by_calls, got, &err), DT_OK);
    for (int i = 0; i < n; i++) {
        dt_family_t want;
        ck_assert(dt_family_parse(names[i], &want));
        ck_assert_msg(got[i + 1] == want, "%s: family %d", names[i], (int)got[i + 1]);
    }
    ck_assert_int_eq(got[0], DT_FAMILY_ANY); /* the hour without a view */
    dt_store_close(store);
    /* the codes are pinned, whatever the enum's order */
    ck_assert_int_eq(dt_store_family_code(DT_FAMILY_ANY), 0);
    ck_assert_int_eq(dt_store_family_code(DT_FAMILY_TAC), 1);
    ck_assert_int_eq(dt_store_family_code(DT_FAMILY_GRAPH), 2);
    ck_assert_int_eq(dt_store_family_code(DT_FAMILY_CQD), 3);
    ck_assert_int_eq(dt_store_family_code(DT_FAMILY_ACS), 4);
    for (dt_family_t f = DT_FAMILY_TAC; f < DT_FAMILY_COUNT; f++)
        ck_assert_int_eq(dt_store_family_of(dt_store_family_code(f)), f);
    ck_assert_int_eq(dt_store_family_of(99), DT_FAMILY_ANY);
}
END_TEST

/* ---- ingest: idempotency and overlaps ---- */

START_TEST(test_same_content_twice)
{
    dt_store_t *store = open_store();
    dt_hourly_t t;
    make_export(&t, T0, T0 + 24 * H, 60);
    dt_store_ingest_t r = ingest(store, &t, "a.csv", 1);
    ck_assert(!r.already);
    ck_assert_uint_eq(r.hours_added, 24);
    ck_assert_uint_eq(stored_calls(store), 24 * 60);
    long long ingests = raw_int("SELECT count(*) FROM ingests");

    r = ingest(store, &t, "renamed.csv", 1);
    ck_assert(r.already);
    ck_assert_str_eq(r.previous, "a.csv");
    ck_assert_int_eq(r.previous_at, T0);
    ck_assert_uint_eq(r.hours_added + r.hours_replaced + r.hours_kept + r.hours_merged, 0);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM ingests"), ingests);
    ck_assert_uint_eq(stored_calls(store), 24 * 60);

    /* the same calls in another file (another digest): every hour kept */
    r = ingest(store, &t, "again.csv", 2);
    ck_assert(!r.already);
    ck_assert_uint_eq(r.hours_kept, 24);
    ck_assert_uint_eq(r.hours_added + r.hours_replaced + r.hours_merged, 0);
    ck_assert_uint_eq(stored_calls(store), 24 * 60);
    dt_hourly_free(&t);
    dt_store_close(store);
}
END_TEST

/* An export's skipped inputs are recorded with it and listed by history. */
static dt_status_t list_skipped(void *ctx, const dt_store_ingest_row_t *row, dt_error_t *err)
{
    (void)err;
    char *out = ctx;
    size_t at = strlen(out);
    snprintf(out + at, 512 - at, "%s:%zu", row->export.name, row->export.nskipped);
    for (size_t i = 0; i < row->export.nskipped; i++) {
        at = strlen(out);
        snprintf(out + at, 512 - at, "[%s|%s|%s]", row->export.skipped[i].path,
                 row->export.skipped[i].kind, row->export.skipped[i].reason);
    }
    at = strlen(out);
    snprintf(out + at, 512 - at, ";");
    return DT_OK;
}

START_TEST(test_skipped_inputs_recorded)
{
    dt_store_t *store = open_store();
    dt_hourly_t t;
    make_export(&t, T0, T0 + 2 * H, 60);
    const dt_skipped_t skipped[] = {{"x.zip:parameters.json", "parameters", "not calls"},
                                          {"x.zip:PSTN.csv", "pstn", "another report"}};
    dt_store_export_t e = export_named("x.zip", 1);
    e.skipped = skipped;
    e.nskipped = 2;
    dt_store_ingest_t r;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_store_begin(store, &err), DT_OK);
    ck_assert_msg(dt_store_ingest(store, &e, &t, &r, &err) == DT_OK, "%s", err.msg);
    e = export_named("plain.csv", 2);
    ck_assert_msg(dt_store_ingest(store, &e, &t, &r, &err) == DT_OK, "%s", err.msg);
    ck_assert_msg(dt_store_commit(store, &err) == DT_OK, "%s", err.msg);
    char listed[512] = "";
    ck_assert_int_eq(dt_store_ingests(store, list_skipped, listed, &err), DT_OK);
    ck_assert_str_eq(listed, "x.zip:2[x.zip:parameters.json|parameters|not calls]"
                             "[x.zip:PSTN.csv|pstn|another report];plain.csv:0;");
    /* the same content again records nothing more */
    ck_assert(ingest(store, &t, "copy.zip", 1).already);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM skipped"), 2);
    dt_hourly_free(&t);
    dt_store_close(store);
}
END_TEST

/* The measures of a key: talk time and times to failure, summed where two
 * views of an hour add up, replaced with the view. */
typedef struct {
    dt_talk_t talk;
    uint64_t failures[4]; /* calls that failed after 3 s, 7 s, 2 h 10 min, 3 days */
    uint64_t other;       /* at any other time */
    bool ascending;
} measures_t;

static dt_status_t sum_measures(void *ctx, const dt_store_row_t *row, dt_error_t *err)
{
    (void)err;
    measures_t *m = ctx;
    m->talk.calls += row->talk.calls;
    m->talk.seconds += row->talk.seconds;
    m->talk.short_calls += row->talk.short_calls;
    static const uint64_t at[4] = {3, 7, 2 * H, 86400};
    for (size_t i = 0; i < row->nfailures; i++) {
        size_t k = 0;
        while (k < 4 && at[k] != row->failures[i].seconds)
            k++;
        if (k < 4)
            m->failures[k] += row->failures[i].calls;
        else
            m->other += row->failures[i].calls;
        m->ascending &= i == 0 || row->failures[i - 1].seconds < row->failures[i].seconds;
    }
    return DT_OK;
}

/* Calls at `time`: `talked` answered ones of 4 s and 600 s each, failed ones
 * after 3 s, 7 s, 2 h 10 min and 3 days. */
static void count_measured(dt_hourly_t *t, int64_t time, uint64_t talked)
{
    dt_call_t ok = {.weight = talked, .succeeded = true, .sbc = {"sbc1", 4}};
    dt_hourly_measures_t m = {.talk = {talked, talked * 4, talked}};
    ck_assert_int_eq(dt_hourly_count(t, &ok, DT_FAMILY_TAC, DT_DIRECTION_OUT, true, time, &m),
                     DT_OK);
    m.talk = (dt_talk_t){talked, talked * 600, 0};
    ck_assert_int_eq(dt_hourly_count(t, &ok, DT_FAMILY_TAC, DT_DIRECTION_OUT, true, time, &m),
                     DT_OK);
    static const uint64_t after[4] = {3, 7, 2 * H + 600, 3 * 86400};
    for (int i = 0; i < 4; i++) {
        dt_call_t failed = {.weight = 1, .sbc = {"sbc1", 4},
                            .key = {.has_sip = true, .sip = 503}};
        dt_hourly_measures_t f = {.has_to_failure = true, .to_failure = after[i]};
        ck_assert_int_eq(dt_hourly_count(t, &failed, DT_FAMILY_TAC, DT_DIRECTION_OUT, true, time,
                                         &f), DT_OK);
    }
}

START_TEST(test_measures_kept)
{
    dt_store_t *store = open_store();
    dt_hourly_t a, b;
    ck_assert_int_eq(dt_hourly_init(&a), DT_OK);
    ck_assert_int_eq(dt_hourly_init(&b), DT_OK);
    count_measured(&a, T0 + 60, 2);     /* the first part of the hour ... */
    count_measured(&a, T0 + 1200, 1);
    count_measured(&b, T0 + 2400, 5);   /* ... and the last: they add up */
    count_measured(&b, T0 + 3000, 1);
    ck_assert_uint_eq(a.nfailures, 4);  /* one per key and time, the two starts merged */
    ingest(store, &a, "a.csv", 1);
    dt_store_ingest_t r = ingest(store, &b, "b.csv", 2);
    ck_assert_uint_eq(r.hours_merged, 1);
    measures_t m = {.ascending = true};
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_store_scan(store, 0, INT64_MAX / 2, sum_measures, &m, &err), DT_OK);
    ck_assert_uint_eq(m.talk.calls, 2 * 9);
    ck_assert_uint_eq(m.talk.seconds, 9 * 604);
    ck_assert_uint_eq(m.talk.short_calls, 9);
    /* four starts, each with one failure at each time; a time past an hour
     * kept as the sketch tells it: the hour's start, a day */
    for (int k = 0; k < 4; k++)
        ck_assert_uint_eq(m.failures[k], 4);
    ck_assert_uint_eq(m.other, 0);
    ck_assert(m.ascending);

    /* a view with more calls replaces the hour, measures and all */
    dt_hourly_t c;
    ck_assert_int_eq(dt_hourly_init(&c), DT_OK);
    count_measured(&c, T0, 20);
    count_measured(&c, T0 + 3599, 0);
    r = ingest(store, &c, "c.csv", 3);
    ck_assert_uint_eq(r.hours_replaced, 1);
    m = (measures_t){.ascending = true};
    ck_assert_int_eq(dt_store_scan(store, 0, INT64_MAX / 2, sum_measures, &m, &err), DT_OK);
    ck_assert_uint_eq(m.talk.calls, 40);
    ck_assert_uint_eq(m.failures[0], 2);

    /* a report from the store has the measures back */
    dt_aggregate_t agg;
    dt_aggregate_options_t on = {.metrics = true};
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
    ck_assert_int_eq(dt_aggregate_configure(&agg, &on), DT_OK);
    dt_filter_t none = {0};
    ck_assert_msg(dt_store_report(db_path, &none, &tu_rules, tu_codes, &agg,
                                  &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(agg.totals.counts.acd_calls, 40);
    ck_assert_uint_eq(agg.totals.counts.talk_seconds, 20 * 604);
    ck_assert_uint_eq(agg.totals.counts.short_calls, 20);
    ck_assert_uint_eq(agg.total_metrics.to_failure.count, 8);
    ck_assert_uint_eq(dt_sketch_percentile(&agg.total_metrics.to_failure, 50, NULL), 7);
    ck_assert_int_eq(agg.inputs[0].first, T0);
    ck_assert_int_eq(agg.inputs[0].last, T0 + 3599);
    dt_aggregate_free(&agg);
    dt_hourly_free(&a);
    dt_hourly_free(&b);
    dt_hourly_free(&c);
    dt_store_close(store);
}
END_TEST

/* Consecutive windows of the same calls, shifted by a day: each call once. */
START_TEST(test_consecutive_windows)
{
    dt_store_t *store = open_store();
    for (int night = 0; night < 5; night++) {
        dt_hourly_t t;
        make_export(&t, T0 + night * 24 * H + 17, T0 + (night + 3) * 24 * H, 60);
        ingest(store, &t, "window.csv", 10 + (uint64_t)night);
        dt_hourly_free(&t);
    }
    dt_hourly_t all;
    make_export(&all, T0 + 17, T0 + 7 * 24 * H, 60);
    uint64_t sums[3];
    stored(store, 0, INT64_MAX / 2, sums);
    ck_assert_uint_eq(sums[0], all.calls);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM hours"), 7 * 24);
    ck_assert_int_eq(raw_int("SELECT sum(calls) FROM hours"), (long long)all.calls);
    dt_hourly_free(&all);
    dt_store_close(store);
}
END_TEST

/* A window inside one already stored changes nothing, whichever comes first. */
START_TEST(test_nested_windows)
{
    for (int order = 0; order < 2; order++) {
        remove(db_path);
        dt_store_t *store = open_store();
        dt_hourly_t outer, inner;
        make_export(&outer, T0, T0 + 48 * H, 60);
        make_export(&inner, T0 + 5 * H + 600, T0 + 20 * H + 1200, 60);
        dt_store_ingest_t r;
        if (order == 0) {
            ingest(store, &outer, "outer.csv", 1);
            r = ingest(store, &inner, "inner.csv", 2);
            ck_assert_uint_eq(r.hours_kept, 16);
            ck_assert_uint_eq(r.calls_before, r.calls_after);
        } else {
            ingest(store, &inner, "inner.csv", 2);
            r = ingest(store, &outer, "outer.csv", 1);
            ck_assert_uint_eq(r.hours_replaced, 2); /* inner's first and last hours: parts */
            ck_assert_uint_eq(r.hours_kept, 14);     /* the same calls */
            ck_assert_uint_eq(r.hours_added, 32);
        }
        ck_assert_uint_eq(r.hours_uncertain, 0);
        ck_assert_uint_eq(stored_calls(store), outer.calls);
        dt_hourly_free(&outer);
        dt_hourly_free(&inner);
        dt_store_close(store);
    }
}
END_TEST

/* Two downloads that meet inside an hour add up there; a third one inside
 * the hour's covered part changes nothing. */
START_TEST(test_parts_of_an_hour)
{
    dt_store_t *store = open_store();
    dt_hourly_t a, b, c;
    make_export(&a, T0, T0 + 10 * H + 1800, 60);          /* ends at 10:29 */
    make_export(&b, T0 + 10 * H + 1800, T0 + 20 * H, 60); /* starts at 10:30 */
    make_export(&c, T0 + 10 * H + 600, T0 + 10 * H + 3000, 60);
    ingest(store, &a, "a.csv", 1);
    dt_store_ingest_t r = ingest(store, &b, "b.csv", 2);
    ck_assert_uint_eq(r.hours_merged, 1);
    ck_assert_uint_eq(r.hours_added, 9);
    ck_assert_uint_eq(stored_calls(store), a.calls + b.calls);
    r = ingest(store, &c, "c.csv", 3);
    ck_assert_uint_eq(r.hours_kept, 1);
    ck_assert_uint_eq(r.hours_uncertain, 0);
    ck_assert_uint_eq(stored_calls(store), a.calls + b.calls);
    ck_assert_int_eq(raw_int("SELECT parts FROM hours WHERE hour = 498202"), 2);
    dt_hourly_free(&a);
    dt_hourly_free(&b);
    dt_hourly_free(&c);
    dt_store_close(store);
}
END_TEST

/* Each of two views covers part of the hour the other lacks: the larger
 * stays, and the hour is counted as uncertain. */
START_TEST(test_uncertain_hour)
{
    dt_store_t *store = open_store();
    dt_hourly_t a, b;
    make_export(&a, T0, T0 + 10 * H + 2400, 60);          /* to 10:39 */
    make_export(&b, T0 + 10 * H + 1200, T0 + 12 * H, 60); /* from 10:20 */
    ingest(store, &a, "a.csv", 1);
    dt_store_ingest_t r = ingest(store, &b, "b.csv", 2);
    ck_assert_uint_eq(r.hours_uncertain, 1);
    ck_assert_uint_eq(r.hours_kept, 1); /* a has 40 calls in hour 10, b 40: a tie keeps a */
    ck_assert_uint_eq(r.hours_added, 1);
    ck_assert_int_eq(raw_int("SELECT hours_uncertain FROM ingests WHERE id = 2"), 1);
    dt_hourly_free(&a);
    dt_hourly_free(&b);
    dt_store_close(store);
}
END_TEST

/* The stored keys and counts, as text, for comparing stores. */
static void dump(char *out, size_t cap)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT c.hour, s.name, c.succeeded, c.calls FROM counts "
                                        "c JOIN sbcs s ON s.id = c.sbc ORDER BY 1, 2, 3",
                                        -1, &st, NULL),
                     SQLITE_OK);
    size_t n = 0;
    out[0] = '\0';
    while (sqlite3_step(st) == SQLITE_ROW && n < cap - 64)
        n += (size_t)snprintf(out + n, cap - n, "%lld %s %d %lld;", sqlite3_column_int64(st, 0),
                              sqlite3_column_text(st, 1), sqlite3_column_int(st, 2),
                              sqlite3_column_int64(st, 3));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

START_TEST(test_order_does_not_matter)
{
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    static char first[1 << 16], other[1 << 16];
    dt_hourly_t t[3];
    make_export(&t[0], T0 + 300, T0 + 30 * H + 900, 120);
    make_export(&t[1], T0 + 5 * H + 1500, T0 + 50 * H, 120);   /* overlaps both */
    make_export(&t[2], T0 + 30 * H + 900, T0 + 40 * H + 60, 120); /* nested in t[1] */
    for (int o = 0; o < 6; o++) {
        remove(db_path);
        dt_store_t *store = open_store();
        for (int i = 0; i < 3; i++)
            ingest(store, &t[orders[o][i]], "x.csv", (uint64_t)orders[o][i] + 1);
        dt_store_close(store);
        dump(o ? other : first, sizeof first);
        if (o)
            ck_assert_str_eq(other, first);
    }
    ck_assert_ptr_nonnull(strstr(first, "sbc2"));
    for (int i = 0; i < 3; i++)
        dt_hourly_free(&t[i]);
}
END_TEST

START_TEST(test_quiet_hours_are_covered)
{
    dt_store_t *store = open_store();
    dt_hourly_t t;
    ck_assert_int_eq(dt_hourly_init(&t), DT_OK);
    count(&t, T0 + 100, false, "sbc1", 5);
    count(&t, T0 + 5 * H + 100, true, "sbc1", 2);
    dt_store_ingest_t r = ingest(store, &t, "sparse.csv", 7);
    ck_assert_uint_eq(r.hours_added, 6); /* hours 1 to 4 have no call, but are covered */
    ck_assert_int_eq(raw_int("SELECT count(*) FROM hours WHERE calls = 0"), 4);
    dt_hourly_free(&t);
    dt_store_close(store);
}
END_TEST

START_TEST(test_span_guard)
{
    dt_store_t *store = open_store();
    dt_hourly_t t;
    ck_assert_int_eq(dt_hourly_init(&t), DT_OK);
    count(&t, T0, false, "sbc1", 1);
    count(&t, T0 + 500LL * 86400, false, "sbc1", 1);
    dt_error_t err = {{0}};
    dt_store_ingest_t r;
    dt_store_export_t e = export_named("wide.csv", 9);
    ck_assert_int_eq(dt_store_begin(store, &err), DT_OK);
    ck_assert_int_eq(dt_store_ingest(store, &e, &t, &r, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "wide.csv");
    ck_assert_contains(err.msg, "2026-11-01T00:00:00Z");
    dt_store_rollback(store);
    ck_assert_uint_eq(stored_calls(store), 0);
    dt_hourly_free(&t);
    dt_store_close(store);
}
END_TEST

/* ---- transactions and crashes ---- */

START_TEST(test_rollback_leaves_store)
{
    dt_store_t *store = open_store();
    dt_hourly_t a, b;
    make_export(&a, T0, T0 + 10 * H, 60);
    make_export(&b, T0, T0 + 20 * H, 30);
    ingest(store, &a, "a.csv", 1);
    dt_error_t err = {{0}};
    dt_store_ingest_t r;
    dt_store_export_t e = export_named("b.csv", 2);
    ck_assert_int_eq(dt_store_begin(store, &err), DT_OK);
    ck_assert_int_eq(dt_store_ingest(store, &e, &b, &r, &err), DT_OK);
    dt_store_rollback(store);
    ck_assert_uint_eq(stored_calls(store), a.calls);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM ingests"), 1);
    /* a transaction still open at close is rolled back too */
    ck_assert_int_eq(dt_store_begin(store, &err), DT_OK);
    ck_assert_int_eq(dt_store_ingest(store, &e, &b, &r, &err), DT_OK);
    dt_store_close(store);
    store = open_store();
    ck_assert_uint_eq(stored_calls(store), a.calls);
    dt_hourly_free(&a);
    dt_hourly_free(&b);
    dt_store_close(store);
}
END_TEST

/* A child ingests a large export and is killed with SIGKILL at a random
 * moment; the store must then pass SQLite's integrity check and hold either
 * everything from before or everything from after, never a part. */
START_TEST(test_killed_mid_ingest)
{
    dt_store_t *store = open_store();
    dt_hourly_t base, big;
    make_export(&base, T0, T0 + 24 * H, 600);
    ingest(store, &base, "base.csv", 1);
    dt_store_close(store);
    make_export(&big, T0 + 12 * H, T0 + 300 * 24 * H, 600); /* ~7000 hours to write */
    uint64_t before = base.calls, after = 0;
    {
        dt_hourly_t whole;
        make_export(&whole, T0, T0 + 12 * H, 600);
        after = whole.calls + big.calls; /* hours 12-23 of base hold fewer calls */
        dt_hourly_free(&whole);
    }
    /* the kill lands anywhere in one and a half times an ingest's duration */
    struct timespec t0, t1;
    {
        char saved[2 * sizeof db_path + 32];
        snprintf(saved, sizeof saved, "cp '%s' '%s.copy'", db_path, db_path);
        ck_assert_int_eq(system(saved), 0);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        store = open_store();
        ingest(store, &big, "timing.csv", 99);
        dt_store_close(store);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        snprintf(saved, sizeof saved, "mv '%s.copy' '%s'", db_path, db_path);
        ck_assert_int_eq(system(saved), 0);
    }
    long span_us = (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000);
    span_us = span_us * 3 / 2 + 1;
    srand((unsigned)time(NULL));
    unsigned seen_before = 0, seen_after = 0;
    for (int round = 0; round < 25; round++) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            dt_store_t *s;
            dt_error_t err;
            if (dt_store_open(&s, db_path, DT_STORE_CREATE, &err))
                _exit(3);
            dt_store_ingest_t r;
            dt_store_export_t e = export_named("big.csv", 100 + (uint64_t)round);
            if (dt_store_begin(s, &err) || dt_store_ingest(s, &e, &big, &r, &err) ||
                dt_store_commit(s, &err))
                _exit(4);
            _exit(0);
        }
        long us = rand() % span_us;
        struct timespec pause = {us / 1000000, us % 1000000 * 1000};
        nanosleep(&pause, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        ck_assert(!WIFEXITED(status) || WEXITSTATUS(status) == 0);
        store = open_store();
        uint64_t calls = stored_calls(store);
        dt_store_close(store);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM pragma_integrity_check WHERE "
                                 "integrity_check = 'ok'"), 1);
        ck_assert_msg(calls == before || calls == after, "round %d: %llu calls, not %llu or %llu",
                      round, (unsigned long long)calls, (unsigned long long)before,
                      (unsigned long long)after);
        long long ingests = raw_int("SELECT count(*) FROM ingests");
        ck_assert_int_eq(ingests, calls == before ? 1 : 2);
        if (calls == after) { /* back to the base for the next round */
            seen_after++;
            raw_sql("DELETE FROM counts; DELETE FROM hours; DELETE FROM ingests;");
            store = open_store();
            ingest(store, &base, "base.csv", 1);
            dt_store_close(store);
        } else {
            seen_before++;
        }
    }
    ck_assert_uint_eq(seen_before + seen_after, 25);
    dt_hourly_free(&base);
    dt_hourly_free(&big);
}
END_TEST

/* ---- pruning, history, replay ---- */

static dt_status_t collect_day(void *ctx, const dt_store_day_t *day, dt_error_t *err)
{
    (void)err;
    dt_store_day_t *days = ctx;
    size_t i = (size_t)((day->day - T0) / 86400);
    ck_assert_uint_lt(i, 8);
    days[i] = *day;
    return DT_OK;
}

START_TEST(test_days_and_gaps)
{
    dt_store_t *store = open_store();
    dt_hourly_t a, b;
    make_export(&a, T0, T0 + 2 * 24 * H, 300);
    make_export(&b, T0 + 4 * 24 * H, T0 + 5 * 24 * H - 2 * H, 300);
    ingest(store, &a, "a.csv", 1);
    ingest(store, &b, "b.csv", 2);
    dt_store_day_t days[8] = {{0}};
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_store_days(store, collect_day, days, &err), DT_OK);
    ck_assert_uint_eq(days[0].hours, 24);
    ck_assert_uint_eq(days[1].hours, 24);
    ck_assert_int_eq(days[2].day, T0 + 2 * 86400); /* a day without data is listed */
    ck_assert_uint_eq(days[2].hours, 0);
    ck_assert_uint_eq(days[3].hours, 0);
    ck_assert_uint_eq(days[4].hours, 22);
    ck_assert_uint_eq(days[4].calls, b.calls);
    ck_assert_int_eq(days[5].day, 0); /* nothing after the last day */
    dt_hourly_free(&a);
    dt_hourly_free(&b);
    dt_store_close(store);
}
END_TEST

START_TEST(test_prune)
{
    dt_store_t *store = open_store();
    dt_hourly_t a;
    make_export(&a, T0, T0 + 3 * 24 * H, 300);
    ingest(store, &a, "a.csv", 1);
    dt_error_t err = {{0}};
    uint64_t hours, calls;
    ck_assert_int_eq(dt_store_begin(store, &err), DT_OK);
    ck_assert_int_eq(dt_store_prune(store, T0 + 24 * H + 1800, &hours, &calls, &err), DT_OK);
    ck_assert_int_eq(dt_store_commit(store, &err), DT_OK);
    ck_assert_uint_eq(hours, 24);
    ck_assert_uint_eq(calls, 24 * 12);
    uint64_t sums[3];
    stored(store, 0, T0 + 24 * H, sums);
    ck_assert_uint_eq(sums[0], 0);
    ck_assert_uint_eq(stored_calls(store), a.calls - 24 * 12);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM ingests"), 1); /* what was ingested stays */
    dt_hourly_free(&a);
    dt_store_close(store);
}
END_TEST

START_TEST(test_scan_range_is_hours)
{
    dt_store_t *store = open_store();
    dt_hourly_t a;
    make_export(&a, T0, T0 + 10 * H, 60);
    ingest(store, &a, "a.csv", 1);
    uint64_t sums[3];
    stored(store, T0 + 2 * H, T0 + 5 * H, sums);
    ck_assert_uint_eq(sums[0], 3 * 60);
    stored(store, T0 + 2 * H + 1, T0 + 5 * H + 1, sums); /* hours that start in the range */
    ck_assert_uint_eq(sums[0], 3 * 60);
    dt_hourly_free(&a);
    dt_store_close(store);
}
END_TEST

/* A rules update reclassifies history: the same stored key joins another
 * action under other rules. */
START_TEST(test_replay_uses_rules_in_effect)
{
    dt_store_t *store = open_store();
    dt_hourly_t t;
    ck_assert_int_eq(dt_hourly_init(&t), DT_OK);
    dt_call_t c = {.weight = 7, .sbc = {"sbc1", 4}, .phrase = {"Odd", 3},
                   .key = {.has_sip = true, .has_ms = true, .sip = 500, .ms = 599123}};
    ck_assert_int_eq(dt_hourly_count(&t, &c, DT_FAMILY_TAC, DT_DIRECTION_IN, true, T0 + 5, NULL),
                     DT_OK);
    ingest(store, &t, "odd.csv", 1);

    for (int pass = 0; pass < 2; pass++) {
        dt_rules_t rules;
        dt_error_t err = {{0}};
        if (!pass) {
            tu_rules_embedded(&rules);
        } else {
            dt_rules_init(&rules);
            ck_assert_int_eq(dt_rules_load_embedded(&rules, &err), DT_OK);
            ck_assert_int_eq(tu_rules_text(&rules, "site.rules", 1,
                                           "[code 599123/500]\nphrase = Odd\n"
                                           "action = tls-certificate\nsource = local\n",
                                           &err),
                             DT_OK);
            ck_assert_int_eq(dt_rules_finish(&rules, &err), DT_OK);
        }
        dt_codes_t *codes = dt_codes_new(&rules, 0, &err);
        dt_aggregate_t agg;
        ck_assert_int_eq(dt_aggregate_init(&agg, &rules, 0), DT_OK);
        ck_assert_int_eq(dt_aggregate_begin_input(&agg, db_path), DT_OK);
        dt_filter_t filter = {0};
        ck_assert_int_eq(dt_filter_add(&filter, "direction", "in", &err), DT_OK);
        dt_store_replay_t r = {.since = T0, .until = T0 + H, .rules = &rules, .codes = codes,
                               .filter = &filter, .whole = &agg};
        ck_assert_int_eq(dt_store_replay(store, &r, &err), DT_OK);
        ck_assert_uint_eq(agg.totals.counts.failed, 7);
        ck_assert_uint_eq(agg.ncodes, 1);
        const dt_match_t *m = &agg.codes[0].match;
        if (pass) {
            ck_assert(m->known);
            ck_assert_str_eq(rules.actions[m->action].id, "tls-certificate");
        } else {
            ck_assert(!m->known);
        }
        dt_aggregate_free(&agg);
        dt_codes_free(codes);
        dt_rules_free(&rules);
    }
    dt_hourly_free(&t);
    dt_store_close(store);
}
END_TEST

/* A key is classified with its export's family: a 540NNN code is the SBC's
 * in an ACS export and Microsoft's in a Teams admin center one, also when
 * the two exports' views of one hour are added up. */
START_TEST(test_replay_uses_family)
{
    dt_store_t *store = open_store();
    dt_call_t c = {.sbc = {"sbc1", 4}, .phrase = {"Server Internal Error", 21},
                   .key = {.has_sip = true, .has_ms = true, .sip = 500, .ms = 540500}};
    dt_hourly_t acs, tac;
    ck_assert_int_eq(dt_hourly_init(&acs), DT_OK);
    ck_assert_int_eq(dt_hourly_init(&tac), DT_OK);
    c.weight = 3;
    ck_assert_int_eq(dt_hourly_count(&acs, &c, DT_FAMILY_ACS, DT_DIRECTION_IN, true, T0 + 5, NULL),
                     DT_OK);
    c.weight = 5;
    ck_assert_int_eq(dt_hourly_count(&tac, &c, DT_FAMILY_TAC, DT_DIRECTION_IN, true, T0 + 3000,
                                     NULL),
                     DT_OK);
    ck_assert_uint_eq(ingest(store, &acs, "acs.csv", 1).hours_added, 1);
    ck_assert_uint_eq(ingest(store, &tac, "tac.csv", 2).hours_merged, 1);
    ck_assert_int_eq(raw_int("SELECT count(*) FROM counts"), 2);

    dt_error_t err = {{0}};
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&agg, db_path), DT_OK);
    dt_store_replay_t r = {.since = T0, .until = T0 + H, .rules = &tu_rules, .codes = tu_codes,
                           .whole = &agg};
    ck_assert_int_eq(dt_store_replay(store, &r, &err), DT_OK);
    ck_assert_uint_eq(agg.totals.counts.failed, 8);
    ck_assert_uint_eq(agg.totals.counts.failed_by_origin[DT_ORIGIN_SBC], 3);
    ck_assert_uint_eq(agg.totals.counts.failed_by_origin[DT_ORIGIN_MICROSOFT], 5);
    dt_aggregate_free(&agg);
    dt_hourly_free(&acs);
    dt_hourly_free(&tac);
    dt_store_close(store);
}
END_TEST

START_TEST(test_filter_check)
{
    dt_filter_t filter = {0};
    dt_error_t err = {{0}};
    int64_t since = INT64_MIN, until = INT64_MAX;
    ck_assert_int_eq(dt_filter_add(&filter, "since", "2026-11-02", &err), DT_OK);
    ck_assert_int_eq(dt_filter_add(&filter, "sbc", "sbc1*", &err), DT_OK);
    ck_assert_int_eq(dt_store_filter_check(&filter, &since, &until, &err), DT_OK);
    ck_assert_int_eq(since, T0 + 86400);
    ck_assert_int_eq(until, INT64_MAX);
    ck_assert_int_eq(dt_filter_add(&filter, "until", "2026-11-02T10:30:00Z", &err), DT_OK);
    ck_assert_int_eq(dt_store_filter_check(&filter, &since, &until, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "whole hours");
    filter.n = 1;
    ck_assert_int_eq(dt_filter_add(&filter, "call-type", "dr_in", &err), DT_OK);
    ck_assert_int_eq(dt_store_filter_check(&filter, &since, &until, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "--call-type dr_in");
}
END_TEST

Suite *dt_suite_store(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_create_and_reopen);
    tcase_add_test(tc, test_missing_store);
    tcase_add_test(tc, test_newer_store_refused);
    tcase_add_test(tc, test_foreign_database_refused);
    tcase_add_test(tc, test_empty_file_becomes_store);
    tcase_add_test(tc, test_migrations_step_by_step);
    tcase_add_test(tc, test_migration_v3_families);
    tcase_add_test(tc, test_same_content_twice);
    tcase_add_test(tc, test_skipped_inputs_recorded);
    tcase_add_test(tc, test_measures_kept);
    tcase_add_test(tc, test_consecutive_windows);
    tcase_add_test(tc, test_nested_windows);
    tcase_add_test(tc, test_parts_of_an_hour);
    tcase_add_test(tc, test_uncertain_hour);
    tcase_add_test(tc, test_order_does_not_matter);
    tcase_add_test(tc, test_quiet_hours_are_covered);
    tcase_add_test(tc, test_span_guard);
    tcase_add_test(tc, test_rollback_leaves_store);
    tcase_add_test(tc, test_killed_mid_ingest);
    tcase_add_test(tc, test_days_and_gaps);
    tcase_add_test(tc, test_prune);
    tcase_add_test(tc, test_scan_range_is_hours);
    tcase_add_test(tc, test_replay_uses_rules_in_effect);
    tcase_add_test(tc, test_replay_uses_family);
    tcase_add_test(tc, test_filter_check);
    suite_add_tcase(s, tc);
    return s;
}
