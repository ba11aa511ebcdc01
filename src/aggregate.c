/* aggregate.c - counts calls into bounded tables. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_aggregate.h"
#include "dt_date.h"

void dt_counts_add(dt_counts_t *c, const dt_call_t *call, bool expected)
{
    uint64_t w = call->weight;
    c->calls += w;
    c->effective += call->effective ? w : 0;
    if (call->succeeded) {
        c->succeeded += w;
        return;
    }
    c->failed += w;
    c->failed_by_origin[call->origin] += w;
    c->expected_by_origin[call->origin] += expected ? w : 0;
    c->unknown_codes += call->match->known ? 0 : w;
}

void dt_counts_add_duration(dt_counts_t *c, uint64_t weight, uint64_t seconds)
{
    c->acd_calls += weight;
    c->talk_seconds += seconds * weight;
    c->short_calls += seconds < DT_SHORT_CALL_SECONDS ? weight : 0;
}

void dt_counts_merge(dt_counts_t *into, const dt_counts_t *from)
{
    into->calls += from->calls;
    into->succeeded += from->succeeded;
    into->failed += from->failed;
    into->effective += from->effective;
    into->unknown_codes += from->unknown_codes;
    into->acd_calls += from->acd_calls;
    into->talk_seconds += from->talk_seconds;
    into->short_calls += from->short_calls;
    for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
        into->failed_by_origin[o] += from->failed_by_origin[o];
        into->expected_by_origin[o] += from->expected_by_origin[o];
    }
}

uint64_t dt_counts_expected(const dt_counts_t *c)
{
    uint64_t n = 0;
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        n += c->expected_by_origin[o];
    return n;
}

uint64_t dt_counts_faults(const dt_counts_t *c, dt_origin_t origin)
{
    return c->failed_by_origin[origin] - c->expected_by_origin[origin];
}

static void init_table(dt_keyed_table_t *table, size_t cap)
{
    dt_map_init(&table->index, cap);
    table->other = table->last = SIZE_MAX;
}

dt_status_t dt_aggregate_init(dt_aggregate_t *agg, const dt_rules_t *rules, size_t key_cap)
{
    memset(agg, 0, sizeof *agg);
    agg->rules = rules;
    if (!key_cap)
        key_cap = DT_DEFAULT_KEY_CAP;
    else if (key_cap == DT_AGGREGATE_UNCAPPED)
        key_cap = 0; /* a map without a cap */
    dt_map_init(&agg->code_index, key_cap);
    agg->code_other = SIZE_MAX;
    agg->cells.cells_left = DT_CONCURRENCY_CELLS;
    agg->pages.pages_left = DT_SKETCH_PAGE_CAP;
    dt_keyed_table_t *tables[] = {&agg->sbcs, &agg->times, &agg->groups, &agg->group_times};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        init_table(tables[i], key_cap);
    agg->failed_by_action = calloc(rules->nactions + 1, sizeof *agg->failed_by_action);
    return agg->failed_by_action ? DT_OK : DT_ERR_NOMEM;
}

dt_status_t dt_aggregate_configure(dt_aggregate_t *agg, const dt_aggregate_options_t *options)
{
    agg->options = *options;
    bool measured = options->metrics || options->concurrency;
    agg->sbcs.measured = agg->times.measured = agg->groups.measured = measured;
    if (agg->options.samples > DT_SAMPLES_MAX)
        agg->options.samples = DT_SAMPLES_MAX;
    if (agg->options.hourly && !agg->hourly) {
        if (!(agg->hourly = malloc(sizeof *agg->hourly)))
            return DT_ERR_NOMEM;
        if (dt_hourly_init(agg->hourly))
            return DT_ERR_NOMEM;
    }
    if (!agg->options.samples)
        return DT_OK;
    size_t n = agg->rules->nactions + 1;
    agg->action_samples = calloc(n, sizeof *agg->action_samples);
    agg->action_nsamples = calloc(n, sizeof *agg->action_nsamples);
    return agg->action_samples && agg->action_nsamples ? DT_OK : DT_ERR_NOMEM;
}

static void free_metrics(dt_aggregate_t *agg, dt_row_metrics_t *m)
{
    dt_sketch_free(&m->to_failure, &agg->pages);
    dt_timeline_free(&m->active, &agg->cells);
}

static void free_table(dt_aggregate_t *agg, dt_keyed_table_t *table)
{
    if (table->metrics)
        for (size_t i = 0; i < table->nrows; i++)
            free_metrics(agg, &table->metrics[i]);
    free(table->metrics);
    free(table->rows);
    dt_map_free(&table->index);
}

void dt_aggregate_drop_series(dt_aggregate_t *agg)
{
    dt_keyed_table_t *tables[] = {&agg->times, &agg->group_times};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        size_t cap = tables[i]->index.cap;
        bool measured = tables[i]->measured;
        free_table(agg, tables[i]);
        memset(tables[i], 0, sizeof *tables[i]);
        init_table(tables[i], cap);
        tables[i]->measured = measured;
    }
    agg->undated_in_series = 0;
    agg->options.by_time = false;
}

void dt_aggregate_free(dt_aggregate_t *agg)
{
    free(agg->inputs);
    free(agg->skipped);
    free(agg->codes);
    free_table(agg, &agg->sbcs);
    free_table(agg, &agg->times);
    free_table(agg, &agg->groups);
    free_table(agg, &agg->group_times);
    free_metrics(agg, &agg->total_metrics);
    for (size_t i = 0; i < agg->ntallies; i++)
        free_table(agg, &agg->tallies[i].values);
    free(agg->tallies);
    free(agg->failed_by_action);
    free(agg->other_by_action);
    free(agg->action_samples);
    free(agg->action_nsamples);
    if (agg->hourly)
        dt_hourly_free(agg->hourly);
    free(agg->hourly);
    dt_map_free(&agg->code_index);
    dt_arena_free(&agg->arena);
    memset(agg, 0, sizeof *agg);
}

dt_status_t dt_aggregate_begin_input(dt_aggregate_t *agg, const char *path)
{
    if (!DT_GROW(agg->inputs, agg->ninputs, agg->inputs_cap))
        return DT_ERR_NOMEM;
    const char *copy = dt_arena_strndup(&agg->arena, path, strlen(path));
    if (!copy)
        return DT_ERR_NOMEM;
    dt_input_stats_t *in = &agg->inputs[agg->ninputs++];
    *in = (dt_input_stats_t){.path = copy, .family = DT_FAMILY_ANY, .delimiter = ','};
    dt_hash_init(&in->content, 0);
    return DT_OK;
}

dt_status_t dt_aggregate_skip(dt_aggregate_t *agg, const char *path, const char *kind,
                              const char *reason)
{
    if (!DT_GROW(agg->skipped, agg->nskipped, agg->skipped_cap))
        return DT_ERR_NOMEM;
    dt_skipped_t s = {dt_arena_strndup(&agg->arena, path, strlen(path)),
                      dt_arena_strndup(&agg->arena, kind, strlen(kind)),
                      dt_arena_strndup(&agg->arena, reason, strlen(reason))};
    if (!s.path || !s.kind || !s.reason)
        return DT_ERR_NOMEM;
    agg->skipped[agg->nskipped++] = s;
    return DT_OK;
}

dt_status_t dt_aggregate_skip_current(dt_aggregate_t *agg, const char *kind, const char *reason)
{
    if (!agg->ninputs)
        return DT_OK;
    const char *path = agg->inputs[--agg->ninputs].path; /* an arena copy: still valid */
    return dt_aggregate_skip(agg, path, kind, reason);
}

dt_status_t dt_aggregate_add_input(dt_aggregate_t *agg, const dt_input_stats_t *in)
{
    if (!DT_GROW(agg->inputs, agg->ninputs, agg->inputs_cap))
        return DT_ERR_NOMEM;
    dt_input_stats_t *copy = &agg->inputs[agg->ninputs];
    *copy = *in;
    if (!(copy->path = dt_arena_strndup(&agg->arena, in->path, strlen(in->path))) ||
        (in->count_column &&
         !(copy->count_column =
               dt_arena_strndup(&agg->arena, in->count_column, strlen(in->count_column)))))
        return DT_ERR_NOMEM;
    agg->ninputs++;
    return DT_OK;
}

void dt_aggregate_set_format(dt_aggregate_t *agg, dt_family_t family, char delimiter)
{
    if (agg->ninputs) {
        agg->inputs[agg->ninputs - 1].family = family;
        agg->inputs[agg->ninputs - 1].delimiter = delimiter;
    }
}

static dt_input_stats_t *current_input(dt_aggregate_t *agg)
{
    static dt_input_stats_t none;
    return agg->ninputs ? &agg->inputs[agg->ninputs - 1] : &none;
}

void dt_aggregate_set_dates(dt_aggregate_t *agg, const dt_input_dates_t *dates)
{
    if (agg->ninputs)
        agg->inputs[agg->ninputs - 1].dates = *dates;
}

dt_status_t dt_aggregate_set_count_column(dt_aggregate_t *agg, const char *name, size_t len)
{
    const char *copy = dt_arena_strndup(&agg->arena, name, len);
    if (!copy)
        return DT_ERR_NOMEM;
    current_input(agg)->count_column = copy;
    return DT_OK;
}

void dt_aggregate_input_bytes(dt_aggregate_t *agg, const void *data, size_t len)
{
    dt_hash_update(&current_input(agg)->content, data, len);
}

void dt_aggregate_input_time(dt_aggregate_t *agg, int64_t start)
{
    dt_input_stats_t *in = current_input(agg);
    if (!in->has_time || start < in->first)
        in->first = start;
    if (!in->has_time || start > in->last)
        in->last = start;
    in->has_time = true;
}

static const char *const exclusion_names[DT_EXCLUDED_COUNT] = {"filters", "non_pstn"};

const char *dt_exclusion_name(dt_exclusion_t why)
{
    return why < DT_EXCLUDED_COUNT ? exclusion_names[why] : "?";
}

void dt_aggregate_reject(dt_aggregate_t *agg, uint64_t line, const char *reason)
{
    dt_input_stats_t *in = current_input(agg);
    in->rows++;
    in->rejected++;
    agg->totals.rows++;
    agg->totals.rejected++;
    if (agg->nrejections < DT_REJECTION_SAMPLES) {
        dt_rejection_t *r = &agg->rejections[agg->nrejections++];
        r->path = in->path ? in->path : "";
        r->line = line;
        snprintf(r->reason, sizeof r->reason, "%s", reason);
    }
}

/* What find_row returns for a new key of a full table: its overflow row. */
#define OVERFLOW_ROW (-2)

/* Finds or adds key in a capped index, with value `count` when added (*added
 * then says so). Returns the row index, OVERFLOW_ROW when the key is new and
 * the index is full, or -1 when memory is exhausted. */
static long find_row(dt_map_t *index, const void *key, size_t len, size_t count, bool *added)
{
    uint32_t *slot;
    int rc = dt_map_upsert(index, key, len, (uint32_t)count, &slot);
    *added = rc == DT_MAP_ADDED;
    if (rc == DT_MAP_NOMEM)
        return -1;
    return rc == DT_MAP_FULL ? OVERFLOW_ROW : (long)*slot;
}

/* The length of a cell as a table keeps it: at most max bytes, and up to
 * its first NUL (what a C string of it shows). */
static size_t kept_length(dt_slice_t text, size_t max)
{
    size_t n = text.len < max ? text.len : max;
    const char *nul = n ? memchr(text.ptr, '\0', n) : NULL;
    return nul ? (size_t)(nul - text.ptr) : n;
}

/* Compares a kept string with len bytes of text (no NUL among them), bytewise. */
static int compare_kept(const char *kept, const char *text, size_t len)
{
    int c = strncmp(kept, text, len);
    return c ? c : kept[len] != '\0';
}

/* Keeps the least non-empty phrase a code row is seen with (dt_code_row_t). */
static void keep_phrase(dt_code_row_t *row, dt_slice_t phrase)
{
    size_t n = kept_length(phrase, DT_PHRASE_KEEP - 1);
    if (n && (!row->phrase[0] || compare_kept(row->phrase, phrase.ptr, n) > 0)) {
        memcpy(row->phrase, phrase.ptr, n);
        row->phrase[n] = '\0';
    }
}

dt_code_row_t *dt_aggregate_other_code(dt_aggregate_t *agg)
{
    if (agg->code_other == SIZE_MAX) {
        if (!DT_GROW(agg->codes, agg->ncodes, agg->codes_cap))
            return NULL;
        dt_code_row_t *row = &agg->codes[agg->ncodes];
        memset(row, 0, sizeof *row);
        row->other = true;
        row->match = (dt_match_t){.level = DT_MATCH_NONE, .entry = SIZE_MAX,
                                  .action = DT_NO_ACTION, .origin = DT_ORIGIN_UNKNOWN};
        agg->code_other = agg->ncodes++;
    }
    return &agg->codes[agg->code_other];
}

/* The bytes of a code row's key: which codes are present, the SIP code, the
 * Microsoft code, the documented entry matched, the level it was joined at
 * and the origin. Calls that joined the same entry by a documented phrase and
 * by the codes only, or got different origins (files of families whose origin
 * rules differ), are rows of their own, so the table shows both. The key is
 * made from the match alone, so that a merge and a state find the same row. */
#define CODE_KEY_BYTES 23

dt_code_row_t *dt_aggregate_code_row(dt_aggregate_t *agg, const dt_call_t *call)
{
    unsigned char key[CODE_KEY_BYTES];
    key[0] = (unsigned char)(call->key.has_sip | call->key.has_ms << 1);
    uint32_t sip = call->key.has_sip ? call->key.sip : 0;
    uint64_t ms = call->key.has_ms ? call->key.ms : 0;
    uint64_t entry = call->match->entry;
    memcpy(key + 1, &sip, 4);
    memcpy(key + 5, &ms, 8);
    memcpy(key + 13, &entry, 8);
    key[21] = (unsigned char)call->match->level;
    key[22] = (unsigned char)call->match->origin;
    bool added;
    long i = find_row(&agg->code_index, key, sizeof key, agg->ncodes, &added);
    if (i == -1)
        return NULL;
    if (i == OVERFLOW_ROW) {
        agg->code_overflow += call->weight;
        return dt_aggregate_other_code(agg);
    }
    if (added) {
        if (!DT_GROW(agg->codes, agg->ncodes, agg->codes_cap))
            return NULL;
        dt_code_row_t *row = &agg->codes[agg->ncodes++];
        memset(row, 0, sizeof *row);
        row->key = call->key;
        row->match = *call->match;
    }
    keep_phrase(&agg->codes[i], call->phrase);
    return &agg->codes[i];
}

/* Gives a measured table's metrics as many (zeroed) entries as it has rows. */
static bool grow_metrics(dt_keyed_table_t *table)
{
    if (!table->measured || table->metrics_cap >= table->rows_cap)
        return true;
    dt_row_metrics_t *m = realloc(table->metrics, table->rows_cap * sizeof *m);
    if (!m)
        return false;
    memset(m + table->metrics_cap, 0, (table->rows_cap - table->metrics_cap) * sizeof *m);
    table->metrics = m;
    table->metrics_cap = table->rows_cap;
    return true;
}

dt_keyed_row_t *dt_keyed_table_other(dt_keyed_table_t *table)
{
    if (table->other == SIZE_MAX) {
        if (!DT_GROW(table->rows, table->nrows, table->rows_cap) || !grow_metrics(table))
            return NULL;
        dt_keyed_row_t *row = &table->rows[table->nrows];
        memset(row, 0, sizeof *row);
        row->other = true;
        row->name = "";
        table->other = table->nrows++;
    }
    return &table->rows[table->other];
}

/* The bytes of a key a table keeps: a group-time key is its bucket's start
 * as text, then a group key. */
static size_t key_max(const dt_aggregate_t *agg, const dt_keyed_table_t *table)
{
    return table == &agg->group_times ? DT_DATE_TEXT + DT_KEY_TEXT_MAX : DT_KEY_TEXT_MAX;
}

dt_keyed_row_t *dt_aggregate_keyed_row(dt_aggregate_t *agg, dt_keyed_table_t *table,
                                       const char *key, size_t len)
{
    len = kept_length((dt_slice_t){key, len}, key_max(agg, table));
    if (table->last != SIZE_MAX && table->last_len == len &&
        memcmp(table->rows[table->last].name, key, len) == 0)
        return &table->rows[table->last];
    bool added;
    long i = find_row(&table->index, key, len, table->nrows, &added);
    if (i == -1)
        return NULL;
    if (i == OVERFLOW_ROW)
        return dt_keyed_table_other(table);
    if (added) {
        if (!DT_GROW(table->rows, table->nrows, table->rows_cap) || !grow_metrics(table))
            return NULL;
        dt_keyed_row_t *row = &table->rows[table->nrows++];
        memset(row, 0, sizeof *row);
        if (!(row->name = dt_arena_strndup(&agg->arena, key, len)))
            return NULL;
    }
    table->last = (size_t)i;
    table->last_len = len;
    return &table->rows[i];
}

/* Counts the call's measures into a row's counters and, when the table is
 * measured, its metrics (the timeline only for SBC rows and the totals). */
static dt_status_t measure(dt_aggregate_t *agg, dt_counts_t *counts, dt_row_metrics_t *m,
                           bool timeline, const dt_call_t *call, const dt_call_extra_t *extra)
{
    if (!extra)
        return DT_OK;
    if (extra->has_duration)
        dt_counts_add_duration(counts, call->weight, extra->duration);
    if (extra->talk) {
        counts->acd_calls += extra->talk->calls;
        counts->talk_seconds += extra->talk->seconds;
        counts->short_calls += extra->talk->short_calls;
    }
    if (!m)
        return DT_OK;
    if (extra->has_to_failure &&
        dt_sketch_add(&m->to_failure, &agg->pages, extra->to_failure, call->weight))
        return DT_ERR_NOMEM;
    for (size_t i = 0; i < extra->nfailures; i++)
        if (dt_sketch_add(&m->to_failure, &agg->pages, extra->failures[i].seconds,
                          extra->failures[i].calls))
            return DT_ERR_NOMEM;
    if (timeline && extra->has_span &&
        dt_timeline_add(&m->active, &agg->cells, extra->span_start, extra->span_end, call->weight))
        return DT_ERR_NOMEM;
    return DT_OK;
}

/* measure() on a row of a keyed table (the timeline only for SBC rows). */
static dt_status_t measure_row(dt_aggregate_t *agg, dt_keyed_table_t *table, dt_keyed_row_t *row,
                               const dt_call_t *call, const dt_call_extra_t *extra)
{
    dt_row_metrics_t *m = table->measured ? &table->metrics[row - table->rows] : NULL;
    return measure(agg, &row->counts, m, table == &agg->sbcs, call, extra);
}

static dt_keyed_row_t *count_keyed(dt_aggregate_t *agg, dt_keyed_table_t *table,
                                   const char *key, size_t len, const dt_call_t *call,
                                   bool expected, const dt_call_extra_t *extra)
{
    dt_keyed_row_t *row = dt_aggregate_keyed_row(agg, table, key, len);
    if (!row)
        return NULL;
    dt_counts_add(&row->counts, call, expected);
    table->overflow += row->other ? call->weight : 0;
    return measure_row(agg, table, row, call, extra) ? NULL : row;
}

int dt_sample_compare(const dt_sample_t *a, const dt_sample_t *b)
{
    if (a->has_time != b->has_time)
        return a->has_time ? -1 : 1;
    if (a->has_time && a->time != b->time)
        return a->time < b->time ? -1 : 1;
    int c = strcmp(a->correlation, b->correlation);
    return c ? c : strcmp(a->start, b->start);
}

/* Compares a kept sample with a call's, as dt_sample_compare does. */
static int compare_sample_extra(const dt_sample_t *s, const dt_call_extra_t *extra,
                                size_t corr_len, size_t start_len)
{
    if (s->has_time != extra->has_time)
        return s->has_time ? -1 : 1;
    if (s->has_time && s->time != extra->time)
        return s->time < extra->time ? -1 : 1;
    int c = compare_kept(s->correlation, extra->correlation.ptr, corr_len);
    return c ? c : compare_kept(s->start, extra->start.ptr, start_len);
}

/* Bytes of one sample's text: its correlation id and its start, each ended by a NUL. */
#define SAMPLE_TEXT (DT_SAMPLE_CORRELATION_MAX + 1 + DT_SAMPLE_START_MAX + 1)

/* A call that comes after every kept one of a full list is not kept; one
 * that comes before takes the last one's place and text buffer, so that a
 * list never holds more than options.samples buffers of SAMPLE_TEXT bytes,
 * whatever the order of the calls. */
dt_status_t dt_aggregate_keep_sample(dt_aggregate_t *agg, dt_sample_t **samples, size_t *n,
                                     const dt_call_extra_t *extra)
{
    size_t cap = agg->options.samples;
    if (!cap || !extra)
        return DT_OK;
    size_t corr_len = kept_length(extra->correlation, DT_SAMPLE_CORRELATION_MAX);
    size_t start_len = kept_length(extra->start, DT_SAMPLE_START_MAX);
    if (!corr_len ||
        (*n == cap && compare_sample_extra(&(*samples)[cap - 1], extra, corr_len, start_len) <= 0))
        return DT_OK;
    if (!*samples && !(*samples = dt_arena_alloc(&agg->arena, cap * sizeof **samples)))
        return DT_ERR_NOMEM;
    dt_sample_t *list = *samples;
    char *text;
    if (*n == cap) {
        text = (char *)list[cap - 1].correlation;
    } else if (!(text = dt_arena_alloc(&agg->arena, SAMPLE_TEXT))) {
        return DT_ERR_NOMEM;
    } else {
        (*n)++;
    }
    size_t at = *n - 1;
    for (; at > 0 && compare_sample_extra(&list[at - 1], extra, corr_len, start_len) > 0; at--)
        list[at] = list[at - 1];
    memcpy(text, extra->correlation.ptr, corr_len);
    text[corr_len] = '\0';
    char *start = text + DT_SAMPLE_CORRELATION_MAX + 1;
    memcpy(start, extra->start.ptr, start_len);
    start[start_len] = '\0';
    list[at] = (dt_sample_t){.correlation = text, .start = start, .has_time = extra->has_time,
                             .time = extra->has_time ? extra->time : 0};
    return DT_OK;
}

/* The group-time row of a call in the bucket named `bucket`: the bucket's
 * start as text, then the group values. */
static dt_keyed_row_t *count_group_time(dt_aggregate_t *agg, const char *bucket,
                                        const dt_call_t *call, bool expected,
                                        const dt_call_extra_t *extra)
{
    char key[DT_DATE_TEXT + DT_KEY_TEXT_MAX];
    size_t len = extra->group.len < DT_KEY_TEXT_MAX ? extra->group.len : DT_KEY_TEXT_MAX;
    memcpy(key, bucket, DT_DATE_TEXT);
    memcpy(key + DT_DATE_TEXT, extra->group.ptr, len);
    return count_keyed(agg, &agg->group_times, key, DT_DATE_TEXT + len, call, expected, extra);
}

static dt_status_t count_group(dt_aggregate_t *agg, const dt_call_t *call, bool expected,
                               const dt_call_extra_t *extra)
{
    if (agg->options.ngroup_columns && extra &&
        !count_keyed(agg, &agg->groups, extra->group.ptr, extra->group.len, call, expected,
                     extra))
        return DT_ERR_NOMEM;
    return DT_OK;
}

static dt_status_t count_extra(dt_aggregate_t *agg, const dt_call_t *call, bool expected,
                               const dt_call_extra_t *extra)
{
    if (agg->options.by_time && extra && extra->has_time) {
        int64_t start = dt_date_bucket(extra->time, (dt_bucket_t)agg->options.bucket);
        dt_keyed_table_t *times = &agg->times;
        dt_keyed_row_t *row;
        char name[32];
        const char *bucket = name;
        if (times->last != SIZE_MAX && times->rows[times->last].start == start) {
            /* the same period as the previous call (exports run in time order):
               no need to name it again */
            row = &times->rows[times->last];
            dt_counts_add(&row->counts, call, expected);
            if (measure_row(agg, times, row, call, extra))
                return DT_ERR_NOMEM;
            bucket = row->name;
        } else {
            dt_date_format(start, name, sizeof name);
            if (!(row = count_keyed(agg, times, name, strlen(name), call, expected, extra)))
                return DT_ERR_NOMEM;
            if (!row->other) /* the overflow row holds no one bucket */
                row->start = start;
        }
        if (agg->options.ngroup_columns && strlen(bucket) == DT_DATE_TEXT) {
            if (!(row = count_group_time(agg, bucket, call, expected, extra)))
                return DT_ERR_NOMEM;
            if (!row->other)
                row->start = start;
        }
    } else if (agg->options.by_time) {
        agg->undated_in_series += call->weight;
    }
    return count_group(agg, call, expected, extra);
}

/* True when the call failed with an action that is an expected ending. */
static bool is_expected(const dt_aggregate_t *agg, const dt_call_t *call)
{
    if (call->succeeded)
        return false;
    size_t action = call->match->action;
    return action != DT_NO_ACTION && agg->rules->actions[action].expected;
}

dt_status_t dt_aggregate_other_action(dt_aggregate_t *agg, size_t slot, uint64_t weight)
{
    if (!agg->other_by_action &&
        !(agg->other_by_action = calloc(agg->rules->nactions + 1, sizeof *agg->other_by_action)))
        return DT_ERR_NOMEM;
    agg->other_by_action[slot] += weight;
    return DT_OK;
}

dt_status_t dt_aggregate_call(dt_aggregate_t *agg, const dt_call_t *call,
                              const dt_call_extra_t *extra)
{
    dt_totals_t *t = &agg->totals;
    dt_input_stats_t *in = current_input(agg);
    in->rows++;
    in->call_rows++;
    in->calls += call->weight;
    t->rows++;
    t->call_rows++;
    if (!call->weight) { /* a group of no calls: nothing to count in any table */
        in->zero_rows++;
        return DT_OK;
    }
    bool expected = is_expected(agg, call);
    dt_counts_add(&t->counts, call, expected);
    bool measured = agg->options.metrics || agg->options.concurrency;
    if (measure(agg, &t->counts, measured ? &agg->total_metrics : NULL, true, call, extra) ||
        !count_keyed(agg, &agg->sbcs, call->sbc.ptr, call->sbc.len, call, expected, extra))
        return DT_ERR_NOMEM;
    dt_status_t st = count_extra(agg, call, expected, extra);
    if (st == DT_OK && agg->hourly) {
        dt_counts_t talked = {0};
        if (extra && extra->has_duration)
            dt_counts_add_duration(&talked, call->weight, extra->duration);
        dt_hourly_measures_t m = {.talk = {talked.acd_calls, talked.talk_seconds,
                                           talked.short_calls},
                                  .has_to_failure = extra && extra->has_to_failure,
                                  .to_failure = extra ? extra->to_failure : 0};
        st = dt_hourly_count(agg->hourly, call, in->family,
                             extra ? extra->direction : DT_DIRECTION_UNKNOWN,
                             extra && extra->has_time, extra ? extra->time : 0, &m);
    }
    if (st)
        return st;
    if (call->succeeded)
        return DT_OK;
    size_t action = call->match->action;
    size_t slot = action == DT_NO_ACTION ? agg->rules->nactions : action;
    agg->failed_by_action[slot] += call->weight;
    dt_code_row_t *code = dt_aggregate_code_row(agg, call);
    if (!code || (code->other && dt_aggregate_other_action(agg, slot, call->weight)))
        return DT_ERR_NOMEM;
    code->failed += call->weight;
    if (dt_aggregate_keep_sample(agg, &code->samples, &code->nsamples, extra))
        return DT_ERR_NOMEM;
    if (agg->action_samples && dt_aggregate_keep_sample(agg, &agg->action_samples[slot],
                                                        &agg->action_nsamples[slot], extra))
        return DT_ERR_NOMEM;
    return DT_OK;
}

dt_status_t dt_aggregate_tallies(dt_aggregate_t *agg, size_t n)
{
    if (!(agg->tallies = calloc(n ? n : 1, sizeof *agg->tallies)))
        return DT_ERR_NOMEM;
    agg->ntallies = n;
    for (size_t i = 0; i < n; i++)
        init_table(&agg->tallies[i].values, agg->code_index.cap ? DT_TALLY_VALUES_CAP : 0);
    return DT_OK;
}

dt_status_t dt_aggregate_tally(dt_aggregate_t *agg, size_t i, bool held, dt_slice_t value,
                               uint64_t weight)
{
    dt_tally_t *t = &agg->tallies[i];
    t->held += held ? weight : 0;
    if (!value.len)
        return DT_OK;
    dt_keyed_row_t *row = dt_aggregate_keyed_row(agg, &t->values, value.ptr, value.len);
    if (!row)
        return DT_ERR_NOMEM;
    row->counts.calls += weight;
    t->values.overflow += row->other ? weight : 0;
    return DT_OK;
}

dt_status_t dt_aggregate_tally_filter(dt_aggregate_t *agg, const dt_filter_t *filter,
                                      size_t first, const dt_rules_t *rules,
                                      const dt_filter_subject_t *subject, const bool *held)
{
    char buf[DT_FILTER_VALUE_MAX];
    for (size_t i = 0; i < filter->n; i++) {
        dt_slice_t value = dt_filter_value(&filter->conds[i], rules, subject, buf);
        if (dt_aggregate_tally(agg, first + i, held[i], value, subject->call->weight))
            return DT_ERR_NOMEM;
    }
    return DT_OK;
}

void dt_aggregate_drilled(dt_aggregate_t *agg)
{
    agg->drilled++;
}

void dt_aggregate_exclude(dt_aggregate_t *agg, const dt_call_t *call, dt_exclusion_t why,
                          bool undated)
{
    dt_input_stats_t *in = current_input(agg);
    in->rows++;
    in->excluded++;
    agg->totals.rows++;
    agg->totals.excluded++;
    agg->totals.excluded_by[why]++;
    agg->totals.excluded_calls += call->weight;
    agg->totals.undated += undated;
}

void dt_aggregate_duplicate(dt_aggregate_t *agg, const dt_call_t *call)
{
    dt_input_stats_t *in = current_input(agg);
    in->rows++;
    in->duplicates++;
    agg->totals.rows++;
    agg->totals.duplicates++;
    agg->totals.duplicate_calls += call->weight;
}

void dt_aggregate_unchecked(dt_aggregate_t *agg)
{
    current_input(agg)->unchecked++;
}

void dt_aggregate_note(dt_aggregate_t *agg, const char *fmt, ...)
{
    if (agg->nnotes == DT_NOTES_MAX) { /* one too many: the last note says so */
        agg->notes[DT_NOTES_MAX - 1] = DT_NOTES_OMITTED;
        return;
    }
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    const char *copy = dt_arena_strndup(&agg->arena, text, strlen(text));
    if (copy)
        agg->notes[agg->nnotes++] = copy;
    else
        agg->note_lost = true;
}

int dt_code_row_rank(const dt_code_row_t *x, const dt_code_row_t *y)
{
    if (x->other != y->other)
        return x->other ? 1 : -1;
    if (x->failed != y->failed)
        return x->failed > y->failed ? -1 : 1;
    if (x->key.ms != y->key.ms)
        return x->key.ms < y->key.ms ? -1 : 1;
    if (x->key.sip != y->key.sip)
        return x->key.sip < y->key.sip ? -1 : 1;
    if (x->key.has_ms != y->key.has_ms) /* an empty code before a zero */
        return x->key.has_ms ? 1 : -1;
    if (x->key.has_sip != y->key.has_sip)
        return x->key.has_sip ? 1 : -1;
    return (x->match.entry > y->match.entry) - (x->match.entry < y->match.entry);
}

int dt_keyed_row_rank(const dt_keyed_row_t *x, const dt_keyed_row_t *y)
{
    if (x->other != y->other)
        return x->other ? 1 : -1;
    if (x->counts.calls != y->counts.calls)
        return x->counts.calls > y->counts.calls ? -1 : 1;
    return strcmp(x->name, y->name);
}

double dt_ner_percent(uint64_t effective, uint64_t calls)
{
    return calls ? 100.0 * (double)effective / (double)calls : -1.0;
}

double dt_acd_seconds(const dt_counts_t *counts)
{
    return counts->acd_calls ? (double)counts->talk_seconds / (double)counts->acd_calls : -1.0;
}

uint32_t dt_aggregate_fields(const dt_aggregate_t *agg)
{
    uint32_t fields = 1u << DT_FIELD_SIP | 1u << DT_FIELD_MS | 1u << DT_FIELD_PHRASE |
                      1u << DT_FIELD_SUCCESS | 1u << DT_FIELD_SBC;
    if (agg->options.by_time || agg->options.samples || agg->options.hourly)
        fields |= 1u << DT_FIELD_START | 1u << DT_FIELD_INVITE;
    if (agg->options.hourly)
        fields |= 1u << DT_FIELD_DIRECTION | 1u << DT_FIELD_CALL_TYPE;
    if (agg->options.samples)
        fields |= 1u << DT_FIELD_CORRELATION;
    return fields;
}
