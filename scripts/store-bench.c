/*
 * store-bench: a year of a large tenant's history store, made through the store's own ingest,
 * for `make bench` (scripts/bench-store).
 *
 * Usage: store-bench --sample EXPORT --db FILE [--days N] [--per-day CALLS] [--seed S]
 *
 * Ingesting 365 days of a tenant making a million calls a day (365 million rows, ~120 GB of
 * CSV) would take hours, so the store's rows are generated directly: the sample export (a
 * scripts/gen-export file) is read by the pipeline into the hourly key table, which gives the
 * keys a tenant has (family, SBC, direction, success, codes, phrase), their shares of the calls
 * and the share of each hour of the day. For each of N days from 2025-01-01 and each hour, every key
 * then gets a Poisson draw of CALLS x hour share x key share calls, and the day is recorded with
 * dt_store_ingest, one transaction per day, as a nightly ingest would. The store is thus what
 * `drtriage ingest` would have made of such exports: same schema, same keys per hour.
 *
 * Prints one JSON object: days, calls, the sample's keys, the keys stored (one per hour that
 * has calls of it), the store's size in bytes, the seconds the ingests took, and the seconds a bare SQLite scan of the last 56 days' keys takes (the
 * baseline a trend query is compared with).
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dt_aggregate.h"
#include "dt_codes.h"
#include "dt_hash.h"
#include "dt_pipeline.h"
#include "dt_store.h"

#define FIRST_DAY 1735689600 /* 2025-01-01T00:00:00Z */
#define DAY 86400
#define TREND_DAYS 56

typedef struct {
    dt_call_t call;
    dt_family_t family;
    dt_direction_t direction;
    double share;
    uint64_t calls;            /* in the sample, and their talk time */
    dt_talk_t talk;
    dt_seconds_t *failures;    /* the sample's times to failure of the key (repeats allowed) */
    size_t nfailures, failures_cap;
    uint64_t timed;            /* the calls they count */
} sample_key_t;

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static double uniform(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

/* A Poisson draw: by multiplication for small means, else normal. */
static uint64_t poisson(double mean)
{
    if (mean > 30) {
        double u1 = uniform(), u2 = uniform();
        double z = sqrt(-2 * log(u1 > 0 ? u1 : 1e-300)) * cos(2 * 3.14159265358979323846 * u2);
        double v = floor(mean + sqrt(mean) * z + 0.5);
        return v > 0 ? (uint64_t)v : 0;
    }
    double limit = exp(-mean), p = uniform();
    uint64_t k = 0;
    while (p > limit) {
        p *= uniform();
        k++;
    }
    return k;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "store-bench: %s%s%s\n", what, msg ? ": " : "", msg ? msg : "");
    exit(1);
}

/* The keys of the sample, with their shares, and the share of each hour of the day. */
static sample_key_t *read_sample(const char *path, const dt_rules_t *rules, dt_codes_t *codes,
                          dt_aggregate_t *agg, size_t *nkeys, double hour_share[24])
{
    dt_aggregate_options_t tables = {.hourly = true, .metrics = true};
    dt_error_t err = {{0}};
    if (dt_aggregate_init(agg, rules, 0) || dt_aggregate_configure(agg, &tables))
        die("out of memory", NULL);
    const char *paths[] = {path};
    dt_pipeline_options_t po = {.paths = paths, .npaths = 1};
    if (dt_pipeline_run(&po, rules, codes, agg, &err))
        die(path, err.msg);
    const dt_hourly_t *t = agg->hourly;
    sample_key_t *keys = calloc(t->nrows + 1, sizeof *keys);
    dt_map_t index;
    dt_map_init(&index, 0);
    size_t n = 0;
    size_t *key_of_row = malloc((t->nrows + 1) * sizeof *key_of_row);
    if (!keys || !key_of_row)
        die("out of memory", NULL);
    double hours[24] = {0};
    for (size_t i = 0; i < t->nrows; i++) {
        const dt_hourly_row_t *row = &t->rows[i];
        hours[(row->hour / 3600) % 24] += (double)row->calls;
        unsigned char packed[32];
        memset(packed, 0, sizeof packed);
        memcpy(packed, &row->sbc, 4);
        memcpy(packed + 4, &row->phrase, 4);
        packed[8] = (unsigned char)row->direction;
        packed[23] = (unsigned char)row->family;
        packed[9] = row->succeeded;
        packed[10] = (unsigned char)(row->key.has_sip | row->key.has_ms << 1);
        memcpy(packed + 11, &row->key.sip, 4);
        memcpy(packed + 15, &row->key.ms, 8);
        uint32_t *slot;
        if (dt_map_upsert(&index, packed, 24, (uint32_t)n, &slot) == DT_MAP_ADDED) {
            keys[n].call = (dt_call_t){.succeeded = row->succeeded, .key = row->key,
                                       .sbc = dt_hourly_name(t, row->sbc),
                                       .phrase = dt_hourly_name(t, row->phrase)};
            keys[n].family = row->family;
            keys[n].direction = row->direction;
            n++;
        }
        key_of_row[i] = *slot;
        keys[*slot].share += (double)row->calls / (double)t->calls;
        keys[*slot].calls += row->calls;
        keys[*slot].talk.calls += row->talk.calls;
        keys[*slot].talk.seconds += row->talk.seconds;
        keys[*slot].talk.short_calls += row->talk.short_calls;
    }
    dt_map_free(&index);
    for (size_t i = 0; i < t->nfailures; i++) {
        sample_key_t *k = &keys[key_of_row[t->failures[i].row]];
        if (!DT_GROW(k->failures, k->nfailures, k->failures_cap))
            die("out of memory", NULL);
        k->failures[k->nfailures++] = t->failures[i].at;
        k->timed += t->failures[i].at.calls;
    }
    free(key_of_row);
    for (int h = 0; h < 24; h++)
        hour_share[h] = hours[h] / (double)t->calls;
    *nkeys = n;
    return keys;
}

/* Counts `calls` failed calls of a key with known times to failure, each
 * drawn from the sample's times of the key; `tally` holds k->nfailures. */
static void count_timed(dt_hourly_t *t, const sample_key_t *k, dt_call_t call, int64_t at,
                        uint64_t calls, uint64_t *tally)
{
    memset(tally, 0, k->nfailures * sizeof *tally);
    for (uint64_t c = 0; c < calls; c++) {
        uint64_t pick = (uint64_t)(uniform() * (double)k->timed);
        size_t i = 0;
        while (i + 1 < k->nfailures && pick >= k->failures[i].calls)
            pick -= k->failures[i++].calls;
        tally[i]++;
    }
    for (size_t i = 0; i < k->nfailures; i++) {
        if (!tally[i])
            continue;
        call.weight = tally[i];
        dt_hourly_measures_t m = {.has_to_failure = true, .to_failure = k->failures[i].seconds};
        if (dt_hourly_count(t, &call, k->family, k->direction, true, at, &m))
            die("the hourly table is full", NULL);
    }
}

static uint64_t make_day(dt_store_t *store, int64_t day, const sample_key_t *keys, size_t nkeys,
                         const double hour_share[24], double per_day, uint64_t *stored)
{
    dt_hourly_t t;
    dt_error_t err = {{0}};
    size_t most = 1;
    for (size_t k = 0; k < nkeys; k++)
        most = keys[k].nfailures > most ? keys[k].nfailures : most;
    uint64_t *tally = malloc(most * sizeof *tally);
    if (!tally || dt_hourly_init(&t))
        die("out of memory", NULL);
    for (int h = 0; h < 24; h++)
        for (size_t k = 0; k < nkeys; k++) {
            uint64_t calls = poisson(per_day * hour_share[h] * keys[k].share);
            if (!calls)
                continue;
            dt_call_t call = keys[k].call;
            call.weight = calls;
            int64_t at = day + h * 3600 + (h == 0 ? 0 : h == 23 ? 3599 : 1800);
            /* the talk time of the sample's calls of this key, scaled; failed calls
             * with a time to failure as often as in the sample, their times drawn */
            const sample_key_t *s = &keys[k];
            double scale = (double)calls / (double)s->calls;
            uint64_t timed = s->nfailures ? (uint64_t)((double)s->timed * scale + 0.5) : 0;
            timed = timed < calls ? timed : calls;
            if (timed)
                count_timed(&t, s, call, at, timed, tally);
            if (timed == calls)
                continue;
            call.weight = calls - timed;
            dt_hourly_measures_t m = {.talk = {(uint64_t)((double)s->talk.calls * scale + 0.5),
                                               (uint64_t)((double)s->talk.seconds * scale + 0.5),
                                               (uint64_t)((double)s->talk.short_calls * scale +
                                                          0.5)}};
            if (dt_hourly_count(&t, &call, keys[k].family, keys[k].direction, true, at, &m))
                die("the hourly table is full", NULL);
        }
    dt_store_export_t e = {.name = "generated", .bytes = 0, .family = "tac", .rows = t.calls,
                           .ingested = day + DAY + 3600, .drtriage = DRTRIAGE_VERSION,
                           .rules = "store-bench"};
    dt_store_digest_text(dt_hash64(&day, sizeof day, 0), e.digest);
    dt_store_ingest_t r;
    if (dt_store_begin(store, &err) || dt_store_ingest(store, &e, &t, &r, &err) ||
        dt_store_commit(store, &err))
        die("ingest", err.msg);
    uint64_t calls = t.calls;
    *stored += t.nrows;
    dt_hourly_free(&t);
    free(tally);
    return calls;
}

/* A bare scan of the keys of [since, until): the floor under any query over them. */
static double scan_seconds(const char *path, int64_t since, int64_t until, uint64_t *rows)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT hour, sbc, direction, succeeded, codes, ms, sip, phrase, "
                               "calls, talked, talk_seconds, short_calls, to_failure, family "
                               "FROM counts WHERE hour >= ?1 AND hour < ?2",
                           -1, &st, NULL) != SQLITE_OK)
        die(path, sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, since / 3600);
    sqlite3_bind_int64(st, 2, until / 3600);
    double t0 = seconds();
    uint64_t sum = 0;
    *rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        sum += (uint64_t)sqlite3_column_int64(st, 8);
        (*rows)++;
    }
    double t = seconds() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return sum ? t : t; /* sum keeps the reads from being optimised away */
}

int main(int argc, char **argv)
{
    const char *sample = NULL, *path = NULL;
    long days = 365;
    double per_day = 1e6;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--sample") == 0)
            sample = argv[i + 1];
        else if (strcmp(argv[i], "--db") == 0)
            path = argv[i + 1];
        else if (strcmp(argv[i], "--days") == 0)
            days = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--per-day") == 0)
            per_day = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--seed") == 0)
            rng ^= (uint64_t)atoll(argv[i + 1]) * 0x2545F4914F6CDD1DULL;
        else
            die("usage: store-bench --sample EXPORT --db FILE [--days N] [--per-day CALLS] "
                "[--seed S]", NULL);
    }
    if (!sample || !path || days < TREND_DAYS || per_day <= 0)
        die("usage: store-bench --sample EXPORT --db FILE [--days N >= 56] [--per-day CALLS]",
            NULL);
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    if (dt_rules_load_embedded(&rules, &err) || dt_rules_finish(&rules, &err))
        die("rules", err.msg);
    dt_codes_t *codes = dt_codes_new(&rules, 16384, &err);
    if (!codes)
        die("rules", err.msg);
    dt_aggregate_t agg;
    size_t nkeys;
    double hour_share[24];
    sample_key_t *keys = read_sample(sample, &rules, codes, &agg, &nkeys, hour_share);

    remove(path);
    dt_store_t *store;
    if (dt_store_open(&store, path, DT_STORE_CREATE, &err))
        die(path, err.msg);
    double t0 = seconds();
    uint64_t calls = 0, stored = 0;
    for (long d = 0; d < days; d++)
        calls += make_day(store, FIRST_DAY + d * DAY, keys, nkeys, hour_share, per_day, &stored);
    double ingest = seconds() - t0;
    dt_store_close(store);

    struct stat sb;
    if (stat(path, &sb) != 0)
        die(path, "cannot stat the store");
    int64_t until = FIRST_DAY + days * DAY;
    uint64_t rows;
    double scan = scan_seconds(path, until - TREND_DAYS * DAY, until, &rows);
    printf("{\"days\": %ld, \"calls\": %llu, \"sample_keys\": %zu, \"stored_keys\": %llu, "
           "\"store_bytes\": %lld, \"ingest_s\": %.3f, \"trend_rows\": %llu, \"scan_s\": %.6f}\n",
           days, (unsigned long long)calls, nkeys, (unsigned long long)stored,
           (long long)sb.st_size, ingest, (unsigned long long)rows, scan);
    for (size_t k = 0; k < nkeys; k++)
        free(keys[k].failures);
    free(keys);
    dt_aggregate_free(&agg);
    dt_codes_free(codes);
    dt_rules_free(&rules);
    return 0;
}
