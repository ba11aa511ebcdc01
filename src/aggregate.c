/* aggregate.c - counts calls into bounded tables, then ranks them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_aggregate.h"

#define GROW(array, n, cap) grow_array((void **)&(array), &(cap), (n), sizeof *(array))

static bool grow_array(void **items, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 16;
    void *p = realloc(*items, n * size);
    if (!p)
        return false;
    *items = p;
    *cap = n;
    return true;
}

dt_status_t dt_aggregate_init(dt_aggregate_t *agg, const dt_rules_t *rules, size_t key_cap)
{
    memset(agg, 0, sizeof *agg);
    agg->rules = rules;
    if (!key_cap)
        key_cap = DT_DEFAULT_KEY_CAP;
    dt_map_init(&agg->code_index, key_cap);
    dt_map_init(&agg->sbc_index, key_cap);
    agg->code_other = agg->sbc_other = SIZE_MAX;
    agg->failed_by_action = calloc(rules->nactions + 1, sizeof *agg->failed_by_action);
    return agg->failed_by_action ? DT_OK : DT_ERR_NOMEM;
}

void dt_aggregate_free(dt_aggregate_t *agg)
{
    free(agg->inputs);
    free(agg->codes);
    free(agg->sbcs);
    free(agg->failed_by_action);
    dt_map_free(&agg->code_index);
    dt_map_free(&agg->sbc_index);
    dt_arena_free(&agg->arena);
    memset(agg, 0, sizeof *agg);
}

dt_status_t dt_aggregate_begin_input(dt_aggregate_t *agg, const char *path)
{
    if (!GROW(agg->inputs, agg->ninputs, agg->inputs_cap))
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
        if (!GROW(agg->codes, agg->ncodes, agg->codes_cap))
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

static dt_sbc_row_t *sbc_row(dt_aggregate_t *agg, dt_slice_t name)
{
    bool added, overflow;
    long i = find_row(&agg->sbc_index, &agg->sbc_other, name.ptr, name.len, agg->nsbcs, &added,
                      &overflow);
    if (i < 0)
        return NULL;
    agg->sbc_overflow += overflow;
    if (added) {
        if (!GROW(agg->sbcs, agg->nsbcs, agg->sbcs_cap))
            return NULL;
        dt_sbc_row_t *row = &agg->sbcs[agg->nsbcs++];
        memset(row, 0, sizeof *row);
        row->other = overflow;
        row->name = overflow ? "" : dt_arena_strndup(&agg->arena, name.ptr, name.len);
        if (!row->name)
            return NULL;
    }
    return &agg->sbcs[i];
}

dt_status_t dt_aggregate_call(dt_aggregate_t *agg, const dt_call_t *call)
{
    dt_totals_t *t = &agg->totals;
    dt_input_stats_t *in = current_input(agg);
    in->rows++;
    t->rows++;
    t->calls++;
    t->effective += call->effective;
    dt_sbc_row_t *sbc = sbc_row(agg, call->sbc);
    if (!sbc)
        return DT_ERR_NOMEM;
    sbc->calls++;
    sbc->effective += call->effective;
    if (call->succeeded) {
        t->succeeded++;
        sbc->succeeded++;
        return DT_OK;
    }
    t->failed++;
    t->failed_by_origin[call->origin]++;
    sbc->failed++;
    sbc->failed_by_origin[call->origin]++;
    size_t action = call->match->action;
    if (action != DT_NO_ACTION && agg->rules->actions[action].expected)
        t->failed_expected++;
    agg->failed_by_action[action == DT_NO_ACTION ? agg->rules->nactions : action]++;
    dt_code_row_t *code = code_row(agg, call);
    if (!code)
        return DT_ERR_NOMEM;
    code->failed++;
    return DT_OK;
}

void dt_aggregate_note(dt_aggregate_t *agg, const char *fmt, ...)
{
    if (agg->nnotes == DT_NOTES_MAX)
        return;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (agg->nnotes == DT_NOTES_MAX - 1)
        snprintf(text, sizeof text, "further notes omitted");
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
    return (x->match.entry > y->match.entry) - (x->match.entry < y->match.entry);
}

static int compare_actions(const void *a, const void *b)
{
    const dt_action_row_t *x = a, *y = b;
    if (x->failed != y->failed)
        return x->failed > y->failed ? -1 : 1;
    return (x->action > y->action) - (x->action < y->action);
}

static int compare_sbcs(const void *a, const void *b)
{
    const dt_sbc_row_t *x = *(const dt_sbc_row_t *const *)a, *y = *(const dt_sbc_row_t *const *)b;
    if (x->other != y->other)
        return x->other ? 1 : -1;
    if (x->calls != y->calls)
        return x->calls > y->calls ? -1 : 1;
    return strcmp(x->name, y->name);
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
    report->sbcs = calloc(agg->nsbcs + 1, sizeof *report->sbcs);
    if (!report->codes || !report->sbcs)
        return DT_ERR_NOMEM;
    for (size_t i = 0; i < agg->ncodes; i++)
        report->codes[i] = &agg->codes[i];
    for (size_t i = 0; i < agg->nsbcs; i++)
        report->sbcs[i] = &agg->sbcs[i];
    report->ncodes = agg->ncodes;
    report->nsbcs = agg->nsbcs;
    qsort(report->codes, report->ncodes, sizeof *report->codes, compare_codes);
    qsort(report->sbcs, report->nsbcs, sizeof *report->sbcs, compare_sbcs);
    return rank_actions(report);
}

void dt_report_free(dt_report_t *report)
{
    for (size_t i = 0; report->actions && i < report->nactions; i++)
        free(report->actions[i].codes);
    free(report->actions);
    free(report->codes);
    free(report->sbcs);
    memset(report, 0, sizeof *report);
}

const char *dt_report_action_id(const dt_report_t *report, size_t action)
{
    return action == DT_NO_ACTION ? "unknown" : report->rules->actions[action].id;
}
