/* aggregate.c - counts calls into bounded tables, then ranks them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_aggregate.h"
#include "dt_date.h"


dt_status_t dt_aggregate_init(dt_aggregate_t *agg, const dt_rules_t *rules, size_t key_cap)
{
    memset(agg, 0, sizeof *agg);
    agg->rules = rules;
    if (!key_cap)
        key_cap = DT_DEFAULT_KEY_CAP;
    dt_map_init(&agg->code_index, key_cap);
    agg->code_other = SIZE_MAX;
    dt_keyed_table_t *tables[] = {&agg->sbcs, &agg->times, &agg->groups};
    for (size_t i = 0; i < 3; i++) {
        dt_map_init(&tables[i]->index, key_cap);
        tables[i]->other = tables[i]->last = SIZE_MAX;
    }
    agg->failed_by_action = calloc(rules->nactions + 1, sizeof *agg->failed_by_action);
    return agg->failed_by_action ? DT_OK : DT_ERR_NOMEM;
}

dt_status_t dt_aggregate_configure(dt_aggregate_t *agg, const dt_aggregate_options_t *options)
{
    agg->options = *options;
    if (agg->options.samples > DT_SAMPLES_MAX)
        agg->options.samples = DT_SAMPLES_MAX;
    if (!agg->options.samples)
        return DT_OK;
    size_t n = agg->rules->nactions + 1;
    agg->action_samples = calloc(n, sizeof *agg->action_samples);
    agg->action_nsamples = calloc(n, sizeof *agg->action_nsamples);
    return agg->action_samples && agg->action_nsamples ? DT_OK : DT_ERR_NOMEM;
}

static void free_table(dt_keyed_table_t *table)
{
    free(table->rows);
    dt_map_free(&table->index);
}

void dt_aggregate_free(dt_aggregate_t *agg)
{
    free(agg->inputs);
    free(agg->codes);
    free_table(&agg->sbcs);
    free_table(&agg->times);
    free_table(&agg->groups);
    free(agg->failed_by_action);
    free(agg->action_samples);
    free(agg->action_nsamples);
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
    agg->inputs[agg->ninputs++] = (dt_input_stats_t){.path = copy, .family = DT_FAMILY_ANY,
                                                     .delimiter = ','};
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

/* Finds or adds the row for key in a capped table. A key that no longer fits
 * goes to the table's overflow row, created on demand at *other. Returns the
 * row index, or -1 when memory is exhausted; *added says a row was appended
 * at index `count` and *overflow that it is the overflow row. */
static long find_row(dt_map_t *index, size_t *other, const void *key, size_t len, size_t count,
                     bool *added, bool *overflow)
{
    uint32_t *slot;
    int rc = dt_map_upsert(index, key, len, (uint32_t)count, &slot);
    *overflow = rc == DT_MAP_FULL;
    *added = rc == DT_MAP_ADDED || (*overflow && *other == SIZE_MAX);
    if (rc == DT_MAP_NOMEM)
        return -1;
    if (!*overflow)
        return (long)*slot;
    if (*other == SIZE_MAX)
        *other = count;
    return (long)*other;
}

static dt_code_row_t *code_row(dt_aggregate_t *agg, const dt_call_t *call)
{
    unsigned char key[21];
    key[0] = (unsigned char)(call->key.has_sip | call->key.has_ms << 1);
    uint32_t sip = call->key.has_sip ? call->key.sip : 0;
    uint64_t ms = call->key.has_ms ? call->key.ms : 0;
    uint64_t entry = call->match->entry;
    memcpy(key + 1, &sip, 4);
    memcpy(key + 5, &ms, 8);
    memcpy(key + 13, &entry, 8);
    bool added, overflow;
    long i = find_row(&agg->code_index, &agg->code_other, key, sizeof key, agg->ncodes, &added,
                      &overflow);
    if (i < 0)
        return NULL;
    agg->code_overflow += overflow;
    if (added) {
        if (!DT_GROW(agg->codes, agg->ncodes, agg->codes_cap))
            return NULL;
        dt_code_row_t *row = &agg->codes[agg->ncodes++];
        memset(row, 0, sizeof *row);
        row->other = overflow;
        if (overflow) {
            row->match = (dt_match_t){.level = DT_MATCH_NONE, .entry = SIZE_MAX,
                                      .action = DT_NO_ACTION, .origin = DT_ORIGIN_UNKNOWN};
        } else {
            row->key = call->key;
            row->match = *call->match;
            size_t n = call->phrase.len < DT_PHRASE_KEEP - 1 ? call->phrase.len
                                                             : DT_PHRASE_KEEP - 1;
            memcpy(row->phrase, call->phrase.ptr, n);
            row->phrase[n] = '\0';
        }
    }
    return &agg->codes[i];
}

/* Bytes of a key kept (an SBC FQDN has at most 253): with the key cap, this
 * bounds a table's memory whatever the cells hold. Longer keys are cut, so
 * keys sharing their first KEY_TEXT_MAX bytes share a row. */
#define KEY_TEXT_MAX 256

/* The row for key in a keyed table, added if new (or the overflow row when
 * the table is full); NULL when out of memory. */
static dt_keyed_row_t *keyed_row(dt_aggregate_t *agg, dt_keyed_table_t *table, const char *key,
                                 size_t len)
{
    if (len > KEY_TEXT_MAX)
        len = KEY_TEXT_MAX;
    if (table->last != SIZE_MAX && table->last_len == len &&
        memcmp(table->rows[table->last].name, key, len) == 0)
        return &table->rows[table->last];
    bool added, overflow;
    long i = find_row(&table->index, &table->other, key, len, table->nrows, &added, &overflow);
    if (i < 0)
        return NULL;
    if (added) {
        if (!DT_GROW(table->rows, table->nrows, table->rows_cap))
            return NULL;
        dt_keyed_row_t *row = &table->rows[table->nrows++];
        memset(row, 0, sizeof *row);
        row->other = overflow;
        row->name = overflow ? "" : dt_arena_strndup(&agg->arena, key, len);
        if (!row->name)
            return NULL;
    }
    table->overflow += overflow;
    if (!overflow) {
        table->last = (size_t)i;
        table->last_len = len;
    }
    return &table->rows[i];
}

static dt_keyed_row_t *count_keyed(dt_aggregate_t *agg, dt_keyed_table_t *table,
                                   const char *key, size_t len, const dt_call_t *call)
{
    dt_keyed_row_t *row = keyed_row(agg, table, key, len);
    if (!row)
        return NULL;
    row->calls++;
    row->effective += call->effective;
    if (call->succeeded) {
        row->succeeded++;
    } else {
        row->failed++;
        row->failed_by_origin[call->origin]++;
    }
    return row;
}

/* Keeps the call as a sample in a list of at most options.samples. */
static dt_status_t keep_sample(dt_aggregate_t *agg, dt_sample_t **samples, size_t *n,
                               const dt_call_extra_t *extra)
{
    size_t cap = agg->options.samples;
    if (!cap || *n >= cap || !extra || extra->correlation.len == 0)
        return DT_OK;
    if (!*samples && !(*samples = dt_arena_alloc(&agg->arena, cap * sizeof **samples)))
        return DT_ERR_NOMEM;
    dt_sample_t *s = &(*samples)[*n];
    s->correlation = dt_arena_strndup(&agg->arena, extra->correlation.ptr,
                                      extra->correlation.len < 128 ? extra->correlation.len : 128);
    s->start = dt_arena_strndup(&agg->arena, extra->start.ptr,
                                extra->start.len < 64 ? extra->start.len : 64);
    if (!s->correlation || !s->start)
        return DT_ERR_NOMEM;
    (*n)++;
    return DT_OK;
}

static dt_status_t count_extra(dt_aggregate_t *agg, const dt_call_t *call,
                               const dt_call_extra_t *extra)
{
    if (agg->options.by_time && extra && extra->has_time) {
        int64_t start = dt_date_bucket(extra->time, (dt_bucket_t)agg->options.bucket);
        char name[32];
        dt_date_format(start, name, sizeof name);
        dt_keyed_row_t *row = count_keyed(agg, &agg->times, name, strlen(name), call);
        if (!row)
            return DT_ERR_NOMEM;
        row->start = start;
    } else if (agg->options.by_time) {
        agg->undated_in_series++;
    }
    if (agg->options.ngroup_columns && extra &&
        !count_keyed(agg, &agg->groups, extra->group.ptr, extra->group.len, call))
        return DT_ERR_NOMEM;
    return DT_OK;
}

dt_status_t dt_aggregate_call(dt_aggregate_t *agg, const dt_call_t *call,
                              const dt_call_extra_t *extra)
{
    dt_totals_t *t = &agg->totals;
    dt_input_stats_t *in = current_input(agg);
    in->rows++;
    t->rows++;
    t->calls++;
    t->effective += call->effective;
    if (!count_keyed(agg, &agg->sbcs, call->sbc.ptr, call->sbc.len, call) ||
        count_extra(agg, call, extra))
        return DT_ERR_NOMEM;
    if (call->succeeded) {
        t->succeeded++;
        return DT_OK;
    }
    t->failed++;
    t->failed_by_origin[call->origin]++;
    size_t action = call->match->action;
    if (action != DT_NO_ACTION && agg->rules->actions[action].expected)
        t->failed_expected++;
    size_t slot = action == DT_NO_ACTION ? agg->rules->nactions : action;
    agg->failed_by_action[slot]++;
    dt_code_row_t *code = code_row(agg, call);
    if (!code)
        return DT_ERR_NOMEM;
    code->failed++;
    if (keep_sample(agg, &code->samples, &code->nsamples, extra))
        return DT_ERR_NOMEM;
    if (agg->action_samples &&
        keep_sample(agg, &agg->action_samples[slot], &agg->action_nsamples[slot], extra))
        return DT_ERR_NOMEM;
    return DT_OK;
}

void dt_aggregate_exclude(dt_aggregate_t *agg, bool undated)
{
    dt_input_stats_t *in = current_input(agg);
    in->rows++;
    agg->totals.rows++;
    agg->totals.excluded++;
    agg->totals.undated += undated;
}

void dt_aggregate_note(dt_aggregate_t *agg, const char *fmt, ...)
{
    if (agg->nnotes == DT_NOTES_MAX) { /* one too many: the last note says so */
        agg->notes[DT_NOTES_MAX - 1] = "further notes omitted";
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
}

double dt_ner_percent(uint64_t effective, uint64_t calls)
{
    return calls ? 100.0 * (double)effective / (double)calls : -1.0;
}

/* ---- ranking ---- */

static int compare_codes(const void *a, const void *b)
{
    const dt_code_row_t *x = *(const dt_code_row_t *const *)a, *y = *(const dt_code_row_t *const *)b;
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

static int compare_actions(const void *a, const void *b)
{
    const dt_action_row_t *x = a, *y = b;
    if (x->failed != y->failed)
        return x->failed > y->failed ? -1 : 1;
    return (x->action > y->action) - (x->action < y->action);
}

static int compare_by_calls(const void *a, const void *b)
{
    const dt_keyed_row_t *x = *(const dt_keyed_row_t *const *)a;
    const dt_keyed_row_t *y = *(const dt_keyed_row_t *const *)b;
    if (x->other != y->other)
        return x->other ? 1 : -1;
    if (x->calls != y->calls)
        return x->calls > y->calls ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int compare_by_failed(const void *a, const void *b)
{
    const dt_keyed_row_t *x = *(const dt_keyed_row_t *const *)a;
    const dt_keyed_row_t *y = *(const dt_keyed_row_t *const *)b;
    if (x->other == y->other && x->failed != y->failed)
        return x->failed > y->failed ? -1 : 1;
    return compare_by_calls(a, b);
}

static int compare_by_time(const void *a, const void *b)
{
    const dt_keyed_row_t *x = *(const dt_keyed_row_t *const *)a;
    const dt_keyed_row_t *y = *(const dt_keyed_row_t *const *)b;
    if (x->other != y->other)
        return x->other ? 1 : -1;
    return (x->start > y->start) - (x->start < y->start);
}

/* Sorted pointers to a keyed table's rows; NULL when out of memory. */
static const dt_keyed_row_t **rank_table(const dt_keyed_table_t *table, size_t *n,
                                         int (*compare)(const void *, const void *))
{
    const dt_keyed_row_t **rows = calloc(table->nrows + 1, sizeof *rows);
    if (!rows)
        return NULL;
    for (size_t i = 0; i < table->nrows; i++)
        rows[i] = &table->rows[i];
    qsort(rows, table->nrows, sizeof *rows, compare);
    *n = table->nrows;
    return rows;
}

static dt_status_t rank_actions(dt_report_t *report)
{
    const dt_aggregate_t *agg = report->agg;
    size_t nall = agg->rules->nactions + 1;
    report->actions = calloc(nall, sizeof *report->actions);
    if (!report->actions)
        return DT_ERR_NOMEM;
    for (size_t a = 0; a < nall; a++) {
        if (!agg->failed_by_action[a])
            continue;
        dt_action_row_t *row = &report->actions[report->nactions++];
        row->action = a == agg->rules->nactions ? DT_NO_ACTION : a;
        row->failed = agg->failed_by_action[a];
    }
    qsort(report->actions, report->nactions, sizeof *report->actions, compare_actions);
    /* Each action's codes, in the codes' rank order: one pass per action over
     * the ranked codes keeps this simple; both lists are short. */
    for (size_t i = 0; i < report->nactions; i++) {
        dt_action_row_t *row = &report->actions[i];
        row->codes = calloc(report->ncodes + 1, sizeof *row->codes);
        if (!row->codes)
            return DT_ERR_NOMEM;
        for (size_t c = 0; c < report->ncodes; c++)
            if (report->codes[c]->match.action == row->action)
                row->codes[row->ncodes++] = report->codes[c];
        if (agg->action_samples) {
            size_t slot = row->action == DT_NO_ACTION ? agg->rules->nactions : row->action;
            row->samples = agg->action_samples[slot];
            row->nsamples = agg->action_nsamples[slot];
        }
    }
    return DT_OK;
}

dt_status_t dt_report_build(dt_report_t *report, const dt_aggregate_t *agg, size_t top)
{
    memset(report, 0, sizeof *report);
    report->agg = agg;
    report->rules = agg->rules;
    report->top = top;
    report->notes = agg->notes;
    report->nnotes = agg->nnotes;
    report->codes = calloc(agg->ncodes + 1, sizeof *report->codes);
    report->sbcs = rank_table(&agg->sbcs, &report->nsbcs, compare_by_calls);
    report->times = rank_table(&agg->times, &report->ntimes, compare_by_time);
    report->groups = rank_table(&agg->groups, &report->ngroups, compare_by_failed);
    if (!report->codes || !report->sbcs || !report->times || !report->groups)
        return DT_ERR_NOMEM;
    for (size_t i = 0; i < agg->ncodes; i++)
        report->codes[i] = &agg->codes[i];
    report->ncodes = agg->ncodes;
    qsort(report->codes, report->ncodes, sizeof *report->codes, compare_codes);
    return rank_actions(report);
}

void dt_report_free(dt_report_t *report)
{
    for (size_t i = 0; report->actions && i < report->nactions; i++)
        free(report->actions[i].codes);
    free(report->actions);
    free(report->codes);
    free(report->sbcs);
    free(report->times);
    free(report->groups);
    memset(report, 0, sizeof *report);
}

const char *dt_report_action_id(const dt_report_t *report, size_t action)
{
    return action == DT_NO_ACTION ? "unknown" : report->rules->actions[action].id;
}
