/* cli/history.c - `drtriage history --db FILE [--prune BEFORE]`: what the
 * store holds, the exports it was made from and the days no export covers. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dt_cli.h"
#include "dt_date.h"
#include "dt_json.h"
#include "dt_output.h"
#include "dt_store.h"
#include "dt_text.h"
#include "dt_writer.h"

#define DAY_SECONDS 86400

#define HISTORY_TEXT \
    "Usage: drtriage history --db FILE [OPTIONS]\n" \
    "\n" \
    "Lists what the history store FILE holds: its range of hours, every export\n" \
    "ingested (name, when, content hash, rows, calls, time range, what its ingest did\n" \
    "to the hours it covers, drtriage and rules version, the inputs it skipped), and\n" \
    "the days without data: days inside the range that no export covers (a missing\n" \
    "nightly export), and days only partly covered.\n" \
    "\n" \
    "Options:\n" \
    "      --db FILE          the history store (required)\n" \
    "  -f, --format FORMAT    text (default) or json (docs/store.md)\n" \
    "  -o, --output FILE      write to FILE (atomically) instead of stdout\n" \
    "      --prune BEFORE     first delete every hour before BEFORE: a date\n" \
    "                         (2025-12-01), a date-time on the hour, or an age in\n" \
    "                         days (400d: before the UTC day 400 days ago); the list\n" \
    "                         of exports stays\n" \
    "  -h, --help             show this help\n" \
    "\n" \
    "Exit status:\n" \
    "  0  history written\n" \
    "  2  usage, store or output error (message on stderr)\n" \
    "\n" \
    "Examples:\n" \
    "  drtriage history --db /var/lib/drtriage/history.db\n" \
    "  drtriage history --db history.db --prune 400d\n"

enum { OPT_DB = 256, OPT_PRUNE };

typedef struct {
    const char *db;
    const char *format;
    const char *output;
    const char *prune;
    int64_t before;
} options_t;

static int parse_option(void *ctx, int c, const char *name, const char *arg)
{
    (void)name;
    options_t *o = ctx;
    switch (c) {
    case OPT_DB:
        o->db = arg;
        return -1;
    case 'f':
        if (strcmp(arg, "text") && strcmp(arg, "json"))
            return dt_cli_usage_error("history", "--format '%s': expected text or json", arg);
        o->format = arg;
        return -1;
    case 'o':
        o->output = arg;
        return -1;
    case OPT_PRUNE:
        if (!dt_date_parse_cutoff(arg, (int64_t)time(NULL), &o->before) ||
            o->before % 3600 != 0)
            return dt_cli_usage_error("history", "--prune '%s': expected a date (2025-12-01), "
                                                 "a date-time on the hour or an age in days "
                                                 "(400d)", arg);
        o->prune = arg;
        return -1;
    case 'h':
        fputs(HISTORY_TEXT, stdout);
        return DT_EXIT_OK;
    default:
        return dt_cli_usage_error("history", "invalid option");
    }
}

static int parse_args(options_t *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"prune", required_argument, NULL, OPT_PRUNE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int rc = dt_cli_parse_options("history", argc, argv, "f:o:h", longopts, parse_option, o);
    if (rc >= 0)
        return rc;
    if (!o->db)
        return dt_cli_usage_error("history", "--db FILE is required");
    if (optind < argc)
        return dt_cli_usage_error("history", "unexpected argument '%s'", argv[optind]);
    return -1;
}

/* ---- what is listed ---- */

/* A run of consecutive days that share a state: no data, or partly covered. */
typedef struct {
    int64_t from, to;  /* first and last day */
    unsigned hours;    /* for one partial day */
} days_t;

typedef struct {
    FILE *out;
    bool json;
    dt_json_t j;
    days_t *missing, *partial;
    size_t nmissing, missing_cap, npartial, partial_cap;
    uint64_t days, calls;
} history_t;

static void put_time(FILE *out, int64_t t)
{
    char text[DT_DATE_TEXT_MAX];
    dt_date_format(t, text, sizeof text);
    fputs(text, out);
}

static void put_day(FILE *out, int64_t t)
{
    char text[DT_DATE_TEXT_MAX];
    dt_date_format(t, text, sizeof text);
    fprintf(out, "%.10s", text);
}

static dt_status_t list_ingest(void *ctx, const dt_store_ingest_row_t *row, dt_error_t *err)
{
    (void)err;
    history_t *h = ctx;
    const dt_store_export_t *e = &row->export;
    const dt_store_ingest_t *r = &row->outcome;
    if (h->json) {
        dt_json_t *j = &h->j;
        dt_json_open(j, NULL, '{');
        dt_json_i64(j, "id", row->id);
        dt_json_str(j, "name", e->name);
        dt_json_str(j, "digest", e->digest);
        dt_json_time(j, "ingested", e->ingested);
        dt_json_u64(j, "bytes", e->bytes);
        dt_json_str(j, "family", e->family);
        dt_json_u64(j, "rows", e->rows);
        dt_json_u64(j, "rejected", e->rejected);
        dt_json_u64(j, "calls", row->calls);
        dt_json_u64(j, "undated", row->undated);
        if (row->has_time) {
            dt_json_time(j, "first", row->first);
            dt_json_time(j, "last", row->last);
        } else {
            dt_json_null(j, "first");
            dt_json_null(j, "last");
        }
        dt_json_open(j, "hours", '{');
        dt_json_u64(j, "added", r->hours_added);
        dt_json_u64(j, "replaced", r->hours_replaced);
        dt_json_u64(j, "merged", r->hours_merged);
        dt_json_u64(j, "kept", r->hours_kept);
        dt_json_u64(j, "uncertain", r->hours_uncertain);
        dt_json_u64(j, "held", row->hours_held);
        dt_json_close(j, '}');
        dt_write_json_skipped(j, e->skipped, e->nskipped);
        dt_json_str(j, "drtriage", e->drtriage);
        dt_json_str(j, "rules", e->rules);
        dt_json_close(j, '}');
        return DT_OK;
    }
    FILE *out = h->out;
    fprintf(out, "  %3" PRId64 ". ", row->id);
    dt_text_write_safe(out, e->name, strlen(e->name), 0);
    fputs("\n       ingested ", out);
    put_time(out, e->ingested);
    fprintf(out, " (drtriage %s, rules %s), %s export, digest %s\n", e->drtriage, e->rules,
            e->family, e->digest);
    fprintf(out, "       %" PRIu64 " rows: %" PRIu64 " calls, %" PRIu64 " rejected, %" PRIu64
                 " without a start time",
            e->rows, row->calls, e->rejected, row->undated);
    if (row->has_time) {
        fputs("; calls from ", out);
        put_time(out, row->first);
        fputs(" to ", out);
        put_time(out, row->last);
    }
    fprintf(out, "\n       hours: %" PRIu64 " added, %" PRIu64 " replaced, %" PRIu64
                 " merged, %" PRIu64 " kept",
            r->hours_added, r->hours_replaced, r->hours_merged, r->hours_kept);
    if (r->hours_uncertain)
        fprintf(out, " (%" PRIu64 " uncertain)", r->hours_uncertain);
    fprintf(out, "; %" PRIu64 " still hold its calls\n", row->hours_held);
    for (size_t i = 0; i < e->nskipped; i++) {
        const dt_skipped_t *skip = &e->skipped[i];
        fputs("       skipped ", out);
        dt_text_write_safe(out, skip->path, strlen(skip->path), 0);
        fputs(": ", out);
        dt_text_write_safe(out, skip->reason, strlen(skip->reason), 0);
        fputc('\n', out);
    }
    return DT_OK;
}

/* Appends a day to the last run of *runs when it follows it, else starts one. */
static bool add_run(days_t **runs, size_t *n, size_t *cap, int64_t day, unsigned hours)
{
    if (*n && (*runs)[*n - 1].to + DAY_SECONDS == day && hours == 0) {
        (*runs)[*n - 1].to = day;
        return true;
    }
    if (!DT_GROW(*runs, *n, *cap))
        return false;
    (*runs)[(*n)++] = (days_t){day, day, hours};
    return true;
}

static dt_status_t collect_day(void *ctx, const dt_store_day_t *day, dt_error_t *err)
{
    history_t *h = ctx;
    h->days++;
    h->calls += day->calls;
    bool ok = true;
    if (day->hours == 0)
        ok = add_run(&h->missing, &h->nmissing, &h->missing_cap, day->day, 0);
    else if (day->hours < 24)
        ok = add_run(&h->partial, &h->npartial, &h->partial_cap, day->day, day->hours);
    return ok ? DT_OK : dt_fail(err, DT_ERR_NOMEM, "out of memory");
}

static void write_runs(history_t *h, const char *key, const char *title, const days_t *runs,
                       size_t n, bool partial)
{
    if (h->json) {
        dt_json_open(&h->j, key, '[');
        for (size_t i = 0; i < n; i++) {
            dt_json_open(&h->j, NULL, '{');
            dt_json_day(&h->j, "from", runs[i].from);
            dt_json_day(&h->j, "to", runs[i].to);
            if (partial)
                dt_json_u64(&h->j, "hours", runs[i].hours);
            else
                dt_json_i64(&h->j, "days", (runs[i].to - runs[i].from) / DAY_SECONDS + 1);
            dt_json_close(&h->j, '}');
        }
        dt_json_close(&h->j, ']');
        return;
    }
    fprintf(h->out, "\n%s\n", title);
    if (!n)
        fputs("  (none)\n", h->out);
    for (size_t i = 0; i < n; i++) {
        fputs("  ", h->out);
        put_day(h->out, runs[i].from);
        if (runs[i].to != runs[i].from) {
            fputs(" to ", h->out);
            put_day(h->out, runs[i].to);
            fprintf(h->out, " (%" PRId64 " days)", (runs[i].to - runs[i].from) / DAY_SECONDS + 1);
        }
        if (partial)
            fprintf(h->out, ": %u of 24 hours", runs[i].hours);
        fputc('\n', h->out);
    }
}

static dt_status_t write_history(history_t *h, dt_store_t *store, const char *path,
                                 const char *pruned, dt_error_t *err)
{
    bool any;
    int64_t first = 0, last = 0;
    dt_status_t st = dt_store_extent(store, &any, &first, &last, err);
    if (st == DT_OK)
        st = dt_store_days(store, collect_day, h, err);
    if (st)
        return st;
    if (h->json) {
        dt_json_init(&h->j, h->out, true);
        dt_json_open(&h->j, NULL, '{');
        dt_json_str(&h->j, "store", path);
        dt_json_u64(&h->j, "schema_version", (uint64_t)dt_store_schema_version(store));
        if (any) {
            dt_json_time(&h->j, "first_hour", first);
            dt_json_time(&h->j, "last_hour", last);
        } else {
            dt_json_null(&h->j, "first_hour");
            dt_json_null(&h->j, "last_hour");
        }
        dt_json_u64(&h->j, "days", h->days);
        dt_json_u64(&h->j, "calls", h->calls);
        if (pruned)
            dt_json_str(&h->j, "pruned_before", pruned);
        dt_json_open(&h->j, "ingests", '[');
    } else {
        fputs("History store ", h->out);
        dt_text_write_safe(h->out, path, strlen(path), 0);
        fprintf(h->out, " (schema version %d)\n", dt_store_schema_version(store));
        if (any) {
            fputs("  hours from ", h->out);
            put_time(h->out, first);
            fputs(" to ", h->out);
            put_time(h->out, last);
            fprintf(h->out, ": %" PRIu64 " days, %" PRIu64 " calls\n", h->days, h->calls);
        } else {
            fputs("  no hours stored yet\n", h->out);
        }
        fputs("\nExports ingested (oldest first)\n", h->out);
    }
    st = dt_store_ingests(store, list_ingest, h, err);
    if (st)
        return st;
    if (h->json)
        dt_json_close(&h->j, ']');
    write_runs(h, "missing_days", "Days without data (no export covers them)", h->missing,
               h->nmissing, false);
    write_runs(h, "partial_days", "Days partly covered", h->partial, h->npartial, true);
    if (h->json) {
        dt_json_close(&h->j, '}');
        fputc('\n', h->out);
    }
    return DT_OK;
}

static dt_status_t prune(dt_store_t *store, const options_t *o, dt_error_t *err)
{
    uint64_t hours, calls;
    dt_status_t st = dt_store_begin(store, err);
    if (st == DT_OK)
        st = dt_store_prune(store, o->before, &hours, &calls, err);
    if (st == DT_OK)
        st = dt_store_commit(store, err);
    if (st) {
        dt_store_rollback(store);
        return st;
    }
    char before[DT_DATE_TEXT_MAX];
    dt_date_format(o->before, before, sizeof before);
    dt_cli_message("pruned %" PRIu64 " hours (%" PRIu64 " calls) before %s", hours, calls, before);
    return DT_OK;
}

int dt_cli_history(int argc, char **argv)
{
    options_t o = {.format = "text"};
    int rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    dt_error_t err = {{0}};
    dt_store_t *store = NULL;
    history_t h = {.json = strcmp(o.format, "json") == 0};
    dt_output_t out = {0};
    dt_status_t st = dt_store_open(&store, o.db, DT_STORE_READ, &err);
    if (st == DT_OK && o.prune)
        st = prune(store, &o, &err);
    if (st == DT_OK && (st = dt_output_open(&out, o.output, &err)) == DT_OK) {
        h.out = out.fp;
        st = write_history(&h, store, o.db, o.prune, &err);
        if (st == DT_OK)
            st = dt_stream_finish(out.fp, &err);
        if (st == DT_OK)
            st = dt_output_commit(&out, &err);
        else
            dt_output_abort(&out);
    }
    dt_store_close(store);
    free(h.missing);
    free(h.partial);
    return st ? dt_cli_error("%s", err.msg[0] ? err.msg : "out of memory") : DT_EXIT_OK;
}
