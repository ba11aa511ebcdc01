/* cli/ingest.c - `drtriage ingest --db FILE EXPORT...`: each export read
 * into the hourly key table and recorded in the history store, all of them
 * in one transaction. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dt_aggregate.h"
#include "dt_cli.h"
#include "dt_cli_progress.h"
#include "dt_codes.h"
#include "dt_date.h"
#include "dt_num.h"
#include "dt_pipeline.h"
#include "dt_store.h"
#include "dt_text.h"

#define CODE_CACHE_CAP 16384

#define INGEST_TEXT \
    "Usage: drtriage ingest --db FILE [OPTIONS] EXPORT...\n" \
    "\n" \
    "Records call-record exports in the history store FILE (created on first use):\n" \
    "per UTC hour, SBC, direction and code key, the calls every report, trend and\n" \
    "gate needs, and what was ingested (content hash, name, rows, time range).\n" \
    "Ingesting the same export twice changes nothing and says so; exports whose time\n" \
    "ranges overlap (nightly 7-day downloads) count each call once. All EXPORTs are\n" \
    "recorded in one transaction: on any error none is, and the store stays as it\n" \
    "was. An EXPORT is read as a report reads it: a file or - (standard input),\n" \
    "plain, compressed or an archive; members that hold no call records are skipped,\n" \
    "named in a note and recorded. Design and overlap rules: docs/store.md.\n" \
    "\n" \
    "Options:\n" \
    "      --db FILE          the history store (required)\n" \
    "  -q, --quiet            print nothing unless the ingest fails\n" \
    "      --strict           treat any rejected row as an input error\n" \
    "      --max-field BYTES  longest field accepted (default 1048576)\n" \
    "      --date-order dmy|mdy|ymd  read dates like 01/03/2024 day first (dmy), month\n" \
    "                         first (mdy) or allow only year first (ymd); by default\n" \
    "                         each export's own dates decide\n" \
    "      --FIELD-column NAME  read FIELD from the column with header NAME; FIELD is one\n" \
    "                         of: %s\n" \
    "\n" \
    DT_CLI_RULES_HELP \
    "  -h, --help             show this help\n" \
    "\n" \
    "The store keeps what the rules cannot change (hour, SBC, direction, success,\n" \
    "codes, phrase); reports and trends classify it under the rules in effect when\n" \
    "they run. A call without a readable start time cannot be placed in an hour and\n" \
    "is not stored: each export's line says how many.\n" \
    "\n" \
    "Exit status:\n" \
    "  0  every EXPORT recorded (or found already recorded)\n" \
    "  2  usage, input or store error (message on stderr, nothing recorded)\n" \
    "\n" \
    "Examples:\n" \
    "  drtriage ingest --db /var/lib/drtriage/history.db DirectRouting.2026-11-30.csv\n" \
    "  drtriage ingest --db history.db exports/*.csv\n" \
    "  drtriage ingest --db history.db Calls.Export.zip\n"

enum { OPT_DB = 256, OPT_STRICT, OPT_MAX_FIELD, OPT_DATE_ORDER, OPT_RULES, OPT_COLUMN };

typedef struct {
    const char *db;
    bool quiet;
    bool strict;
    size_t max_field;
    dt_date_order_t date_order;
    dt_schema_overrides_t overrides;
    dt_cli_rules_t rules;
} options_t;

static void print_usage(void)
{
    char fields[512];
    dt_cli_field_list(fields, sizeof fields);
    printf(INGEST_TEXT, fields);
}

/* Returns -1 to go on, or an exit code. */
static int parse_option(void *ctx, int c, const char *name, const char *arg)
{
    options_t *o = ctx;
    int rc = -1;
    switch (c) {
    case OPT_DB:
        o->db = arg;
        return -1;
    case 'q':
        o->quiet = true;
        return -1;
    case 'h':
        print_usage();
        return DT_EXIT_OK;
    case OPT_STRICT:
        o->strict = true;
        return -1;
    case OPT_MAX_FIELD:
        return dt_cli_max_field_option(&o->max_field, "ingest", arg);
    case OPT_DATE_ORDER:
        return dt_cli_date_order_option(&o->date_order, "ingest", arg);
    case OPT_RULES:
        dt_cli_rules_option(&o->rules, name, arg, &rc);
        return rc;
    default:
        if (c >= OPT_COLUMN && c < OPT_COLUMN + DT_FIELD_COUNT) {
            o->overrides.column[c - OPT_COLUMN] = arg;
            return -1;
        }
        return dt_cli_usage_error("ingest", "unknown option or missing value: '%s'", name);
    }
}

static int parse_args(options_t *o, int argc, char **argv)
{
    static const struct option fixed[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"max-field", required_argument, NULL, OPT_MAX_FIELD},
        {"date-order", required_argument, NULL, OPT_DATE_ORDER},
        DT_CLI_RULES_LONG_OPTIONS(OPT_RULES),
    };
    enum { NFIXED = sizeof fixed / sizeof fixed[0] };
    struct option longopts[NFIXED + DT_FIELD_COUNT + 1];
    char names[DT_FIELD_COUNT][DT_CLI_OPTION_NAME_MAX];
    memcpy(longopts, fixed, sizeof fixed);
    dt_cli_column_options(longopts + NFIXED, names, OPT_COLUMN);
    longopts[NFIXED + DT_FIELD_COUNT] = (struct option){NULL, 0, NULL, 0};
    int rc = dt_cli_parse_options("ingest", argc, argv, "qh", longopts, parse_option, o);
    if (rc >= 0)
        return rc;
    if (!o->db)
        return dt_cli_usage_error("ingest", "--db FILE is required");
    if (optind >= argc)
        return dt_cli_usage_error("ingest", "no exports to ingest (use - for standard input)");
    return dt_cli_stdin_once("ingest", argc, argv);
}

typedef struct {
    const options_t *options;
    dt_store_t *store;
    const dt_rules_t *rules;
    dt_codes_t *codes;
    char rules_version[DT_RULES_VERSION_MAX];
    dt_cli_progress_t progress;
} ingest_t;

/* Paths and names come from the command line and the store: written escaped. */
static void say_outcome(const char *path, const dt_aggregate_t *agg, const dt_hourly_t *t,
                        const dt_store_ingest_t *r)
{
    char first[DT_DATE_TEXT_MAX], last[DT_DATE_TEXT_MAX];
    if (r->already) {
        dt_date_format(r->previous_at, first, sizeof first);
        dt_text_printf_escaped(stdout, "%s: already ingested on %s as %s: nothing changed", path,
                               first, r->previous);
        putchar('\n');
        return;
    }
    const dt_totals_t *tot = &agg->totals;
    bool weighted = false;
    for (size_t i = 0; i < agg->ninputs; i++)
        weighted |= agg->inputs[i].count_column != NULL;
    char excluded[64] = "";
    if (tot->excluded)
        snprintf(excluded, sizeof excluded, " + %" PRIu64 " excluded (non-PSTN streams)",
                 tot->excluded);
    if (weighted) /* a summarised export: rows add up apart from the calls they stand for */
        dt_text_printf_escaped(stdout, "%s: %" PRIu64 " rows = %" PRIu64 " call rows + %" PRIu64
                               " rejected%s; %" PRIu64 " calls = %" PRIu64 " stored + %" PRIu64
                               " without a start time (not stored)",
                               path, tot->rows, tot->call_rows, tot->rejected, excluded,
                               tot->counts.calls, t->calls, t->undated);
    else
        dt_text_printf_escaped(stdout, "%s: %" PRIu64 " rows = %" PRIu64 " calls stored + %" PRIu64
                               " rejected + %" PRIu64 " without a start time (not stored)%s",
                               path, tot->rows, t->calls, tot->rejected, t->undated, excluded);
    if (t->has_time) {
        dt_date_format(t->first, first, sizeof first);
        dt_date_format(t->last, last, sizeof last);
        printf("; calls from %s to %s", first, last);
    }
    if (agg->nskipped)
        printf("; %zu input%s skipped (no call records: named in a note)", agg->nskipped,
               agg->nskipped == 1 ? "" : "s");
    printf("\n  hours: %" PRIu64 " added, %" PRIu64 " replaced (more calls), %" PRIu64
           " merged (other parts of the hour), %" PRIu64 " kept (as many calls stored); "
           "stored calls in them: %" PRIu64 " -> %" PRIu64 "\n",
           r->hours_added, r->hours_replaced, r->hours_merged, r->hours_kept, r->calls_before,
           r->calls_after);
}

/* Warnings that go to stderr even when stdout is quiet: data the store
 * could not keep as it was. */
static void warn(const options_t *o, const char *path, const dt_aggregate_t *agg,
                 const dt_hourly_t *t, const dt_store_ingest_t *r)
{
    if (o->quiet || r->already)
        return;
    if (agg->totals.rejected)
        dt_cli_message("warning: %s: %" PRIu64 " rows rejected; first at line %" PRIu64 ": %s", path,
                       agg->totals.rejected, agg->rejections[0].line, agg->rejections[0].reason);
    if (r->hours_uncertain)
        dt_cli_message("warning: %s: in %" PRIu64 " hours the stored export and this one each "
                       "cover a part of the hour the other lacks: the one with more calls was "
                       "kept, calls only the other holds are missing (docs/store.md)",
                       path, r->hours_uncertain);
    if (t->unnamed)
        dt_cli_message("warning: %s: %" PRIu64 " calls have an SBC name or phrase beyond the "
                       "first %d distinct ones, stored without it", path, t->unnamed,
                       DT_HOURLY_NAMES_MAX);
    if (t->cut)
        dt_cli_message("warning: %s: %" PRIu64 " calls have a phrase longer than %d bytes, "
                       "stored cut", path, t->cut, DT_HOURLY_PHRASE_MAX);
    if (t->untimed)
        dt_cli_message("warning: %s: %" PRIu64 " failed calls took a time to failure beyond the "
                       "first %u distinct ones of their keys, stored without it",
                       path, t->untimed, DT_HOURLY_FAILURES_MAX);
    for (size_t i = 0; i < agg->nnotes; i++)
        dt_cli_message("note: %s", agg->notes[i]);
}

/* The digest of an export read from standard input, from its inputs' (an
 * archive's members skipped unread are not in it, so such an archive from
 * standard input is not known as the same file given by name). */
static dt_status_t stdin_digest(const dt_aggregate_t *agg, dt_store_export_t *e, dt_error_t *err)
{
    uint64_t *digests = malloc((agg->ninputs ? agg->ninputs : 1) * sizeof *digests);
    if (!digests)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    e->bytes = 0;
    for (size_t i = 0; i < agg->ninputs; i++) {
        digests[i] = dt_hash_digest(&agg->inputs[i].content);
        e->bytes += agg->inputs[i].content.total;
    }
    dt_store_digest_text(dt_store_digest_of(digests, agg->ninputs), e->digest);
    free(digests);
    return DT_OK;
}

static dt_status_t ingest_one(ingest_t *in, const char *path, dt_error_t *err)
{
    const options_t *o = in->options;
    dt_store_export_t e = {.name = path, .drtriage = DRTRIAGE_VERSION,
                           .rules = in->rules_version, .ingested = (int64_t)time(NULL)};
    dt_store_ingest_t result = {0};
    bool digested = strcmp(path, "-") != 0;
    dt_status_t st = digested ? dt_store_digest_file(path, e.digest, &e.bytes, err) : DT_OK;
    if (st == DT_OK && digested)
        st = dt_store_find(in->store, e.digest, &result, err);
    if (st || result.already) {
        if (st == DT_OK && !o->quiet)
            say_outcome(path, NULL, NULL, &result);
        return st;
    }
    dt_aggregate_t agg;
    dt_aggregate_options_t tables = {.hourly = true, .metrics = true};
    if (dt_aggregate_init(&agg, in->rules, 0) || dt_aggregate_configure(&agg, &tables)) {
        dt_aggregate_free(&agg);
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    }
    const char *paths[] = {path};
    dt_pipeline_options_t po = {.paths = paths, .npaths = 1, .overrides = o->overrides,
                                .max_field = o->max_field, .strict = o->strict,
                                .date_order = o->date_order, .hash_content = true,
                                .progress = dt_cli_progress_update,
                                .progress_ctx = &in->progress};
    st = dt_pipeline_run(&po, in->rules, in->codes, &agg, err);
    dt_cli_progress_done(&in->progress);
    if (st == DT_OK && !digested)
        st = stdin_digest(&agg, &e, err);
    if (st == DT_OK) {
        e.skipped = agg.skipped;
        e.nskipped = agg.nskipped;
        e.family = dt_family_name(agg.ninputs ? agg.inputs[0].family : DT_FAMILY_ANY);
        e.rows = agg.totals.rows;
        e.rejected = agg.totals.rejected;
        st = dt_store_ingest(in->store, &e, agg.hourly, &result, err);
    }
    if (st == DT_OK && !o->quiet)
        say_outcome(path, &agg, agg.hourly, &result);
    if (st == DT_OK)
        warn(o, path, &agg, agg.hourly, &result);
    dt_aggregate_free(&agg);
    return st;
}

static int run(const options_t *o, char **paths, size_t npaths)
{
    ingest_t in = {.options = o};
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    if (!dt_cli_load_rules(&o->rules, &rules)) {
        dt_rules_free(&rules);
        return DT_EXIT_ERROR;
    }
    in.rules = &rules;
    dt_rules_version(&rules, o->rules.builtin, in.rules_version, sizeof in.rules_version);
    dt_cli_progress_init(&in.progress);
    dt_status_t st = DT_OK;
    if (!(in.codes = dt_codes_new(&rules, CODE_CACHE_CAP, &err)))
        st = DT_ERR_INPUT;
    if (st == DT_OK)
        st = dt_store_open(&in.store, o->db, DT_STORE_CREATE, &err);
    if (st == DT_OK)
        st = dt_store_begin(in.store, &err);
    for (size_t i = 0; st == DT_OK && i < npaths; i++)
        st = ingest_one(&in, paths[i], &err);
    if (st == DT_OK)
        st = dt_store_commit(in.store, &err);
    if (st) {
        dt_store_rollback(in.store);
        dt_cli_error("%s%s", err.msg[0] ? err.msg : "out of memory",
                     in.store ? " (nothing was recorded)" : "");
    }
    dt_store_close(in.store);
    dt_codes_free(in.codes);
    dt_rules_free(&rules);
    return st ? DT_EXIT_ERROR : DT_EXIT_OK;
}

int dt_cli_ingest(int argc, char **argv)
{
    options_t o = {.rules = DT_CLI_RULES_DEFAULT};
    int rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    return run(&o, argv + optind, (size_t)(argc - optind));
}
