/* report.c - ranks an aggregate into the self-contained report model. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dt_report.h"

const dt_section_info_t dt_sections[DT_SECTION_COUNT] = {
    [DT_SECTION_SUMMARY] = {NULL, "drtriage report"},
    [DT_SECTION_TOTALS] = {"totals", "Totals"},
    [DT_SECTION_INPUTS] = {"inputs", "Inputs"},
    [DT_SECTION_GATES] = {"gates", "Gates"},
    [DT_SECTION_FILTERS] = {"filter_matches", "No calls matched the filters"},
    [DT_SECTION_TREND] = {"trend", "Trend"},
    [DT_SECTION_CHANGES] = {NULL, "Changes against the baseline"},
    [DT_SECTION_ORIGINS] = {"by_origin", "Failed calls by origin"},
    [DT_SECTION_CODES] = {"by_code", "Failed calls by code"},
    [DT_SECTION_ACTIONS] = {"by_action", "What to do first"},
    [DT_SECTION_EXPECTED] = {NULL, "Expected endings (not faults)"},
    [DT_SECTION_STUBS] = {NULL, "Codes without a rule"},
    [DT_SECTION_SBCS] = {"by_sbc", "By SBC"},
    [DT_SECTION_TIMES] = {"by_time", "By time"},
    [DT_SECTION_GROUPS] = {"by_group", "By group"},
    [DT_SECTION_GROUP_TIMES] = {"by_group_time", "By group over time"},
    [DT_SECTION_REJECTED] = {"rejected_rows", "Rejected rows"},
    [DT_SECTION_NOTES] = {"notes", "Notes"},
};

/* The order people read a report in: the answer first, why the filters
 * matched nothing and the gates' verdict, then the tables they asked for,
 * then who has to act and the detail tables, then what was read and what was
 * left out. */
static const dt_section_t asked_order[] = {DT_SECTION_TIMES, DT_SECTION_GROUPS,
                                           DT_SECTION_GROUP_TIMES};
static const dt_section_t rest_order[] = {
    DT_SECTION_ACTIONS, DT_SECTION_EXPECTED, DT_SECTION_CODES,  DT_SECTION_STUBS,
    DT_SECTION_SBCS,    DT_SECTION_TIMES,    DT_SECTION_GROUPS, DT_SECTION_GROUP_TIMES,
    DT_SECTION_ORIGINS, DT_SECTION_TOTALS,   DT_SECTION_INPUTS, DT_SECTION_REJECTED,
    DT_SECTION_NOTES,
};

/* A table the user asked for (--by, --group-by; not a series a writer
 * added, which keeps its place among the rest) that holds something. */
static bool asked(const dt_report_t *r, dt_section_t section)
{
    switch (section) {
    case DT_SECTION_TIMES:
        return r->by_time && !r->auto_bucket;
    case DT_SECTION_GROUPS:
        return r->ngroup_columns > 0;
    case DT_SECTION_GROUP_TIMES:
        return r->by_time && !r->auto_bucket && r->ngroup_columns > 0;
    default:
        return false;
    }
}

/* The summary, the asked tables, then the rest in rest_order. */
static void set_order(dt_report_t *r)
{
    r->order[r->nsections++] = DT_SECTION_SUMMARY;
    r->order[r->nsections++] = DT_SECTION_FILTERS;
    r->order[r->nsections++] = DT_SECTION_GATES;
    for (size_t i = 0; i < sizeof asked_order / sizeof asked_order[0]; i++)
        if (asked(r, asked_order[i]))
            r->order[r->nsections++] = asked_order[i];
    for (size_t i = 0; i < sizeof rest_order / sizeof rest_order[0]; i++)
        if (!asked(r, rest_order[i]))
            r->order[r->nsections++] = rest_order[i];
}

/* ---- ranking ---- */

static int compare_codes(const void *a, const void *b)
{
    return dt_code_row_rank(*(const dt_code_row_t *const *)a, *(const dt_code_row_t *const *)b);
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
    return dt_keyed_row_rank(*(const dt_keyed_row_t *const *)a,
                             *(const dt_keyed_row_t *const *)b);
}

static int compare_by_failed(const void *a, const void *b)
{
    const dt_keyed_row_t *x = *(const dt_keyed_row_t *const *)a;
    const dt_keyed_row_t *y = *(const dt_keyed_row_t *const *)b;
    if (x->other == y->other && x->counts.failed != y->counts.failed)
        return x->counts.failed > y->counts.failed ? -1 : 1;
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

/* ---- copying into the report's arena ---- */

static char *copy_text(dt_report_t *r, const char *text)
{
    return dt_arena_strndup(&r->arena, text ? text : "", text ? strlen(text) : 0);
}

/* A copy of n elements of size bytes (never NULL for n == 0 unless out of memory). */
static void *copy_array(dt_report_t *r, const void *items, size_t n, size_t size)
{
    void *copy = dt_arena_alloc(&r->arena, n ? n * size : 1);
    if (copy && n)
        memcpy(copy, items, n * size);
    return copy;
}

static bool copy_samples(dt_report_t *r, const dt_sample_t **samples, size_t n)
{
    if (!n)
        return true;
    dt_sample_t *copy = copy_array(r, *samples, n, sizeof *copy);
    if (!copy)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(copy[i].correlation = copy_text(r, copy[i].correlation)) ||
            !(copy[i].start = copy_text(r, copy[i].start)))
            return false;
    *samples = copy;
    return true;
}

/* The measures of one row, from its metrics. */
static void fill_stats(dt_row_stats_t *st, const dt_row_metrics_t *m, bool concurrency)
{
    memset(st, 0, sizeof *st);
    st->to_failure_calls = m->to_failure.count;
    st->to_failure_median = dt_sketch_percentile(&m->to_failure, 50, NULL);
    st->to_failure_p95 = dt_sketch_percentile(&m->to_failure, 95, NULL);
    st->has_peak = concurrency;
    st->peak = dt_timeline_peak(&m->active, &st->peak_at);
    st->untracked = m->active.dropped;
}

/* Copies a keyed table's rows (with the measures of a measured table) and
 * ranks pointers to them; NULL when out of memory. *copy (when not NULL) is
 * the copy, in the table's order: row i of the copy is table row i. */
static const dt_keyed_row_t **rank_table(dt_report_t *r, const dt_keyed_table_t *table,
                                         size_t *n, int (*compare)(const void *, const void *),
                                         bool peaks, const dt_keyed_row_t **copy)
{
    dt_keyed_row_t *rows = copy_array(r, table->rows, table->nrows, sizeof *rows);
    if (copy)
        *copy = rows;
    const dt_keyed_row_t **ranked = dt_arena_alloc(&r->arena, (table->nrows + 1) * sizeof *ranked);
    dt_row_stats_t *stats =
        table->measured ? dt_arena_alloc(&r->arena, (table->nrows + 1) * sizeof *stats) : NULL;
    if (!rows || !ranked || (table->measured && !stats))
        return NULL;
    for (size_t i = 0; i < table->nrows; i++) {
        if (!(rows[i].name = copy_text(r, rows[i].name)))
            return NULL;
        if (stats) {
            fill_stats(&stats[i], &table->metrics[i], peaks && r->concurrency);
            rows[i].stats = &stats[i];
        }
        ranked[i] = &rows[i];
    }
    qsort(ranked, table->nrows, sizeof *ranked, compare);
    *n = table->nrows;
    return ranked;
}

static bool rank_codes(dt_report_t *r, const dt_aggregate_t *agg)
{
    dt_code_row_t *rows = copy_array(r, agg->codes, agg->ncodes, sizeof *rows);
    const dt_code_row_t **ranked = dt_arena_alloc(&r->arena, (agg->ncodes + 1) * sizeof *ranked);
    if (!rows || !ranked)
        return false;
    for (size_t i = 0; i < agg->ncodes; i++) {
        const dt_sample_t *samples = rows[i].samples;
        if (!copy_samples(r, &samples, rows[i].nsamples))
            return false;
        rows[i].samples = (dt_sample_t *)samples;
        ranked[i] = &rows[i];
    }
    qsort(ranked, agg->ncodes, sizeof *ranked, compare_codes);
    r->codes = ranked;
    r->ncodes = agg->ncodes;
    return true;
}

/* Every ranked code row's rules stub, into the report's arena. */
static bool make_stubs(dt_report_t *r)
{
    const char **stubs = dt_arena_alloc(&r->arena, (r->ncodes + 1) * sizeof *stubs);
    if (!stubs)
        return false;
    for (size_t i = 0; i < r->ncodes; i++) {
        char *stub;
        if (!dt_report_code_stub(r, r->codes[i], &stub))
            return false;
        stubs[i] = stub ? copy_text(r, stub) : NULL;
        bool copied = !stub || stubs[i];
        free(stub);
        if (!copied)
            return false;
    }
    r->stubs = stubs;
    return true;
}

/* The "other" code row's share of one action's failures, as a row of its own
 * for that action's code list; NULL when the action has none (or no memory,
 * which *ok then says). */
static const dt_code_row_t *other_share(dt_report_t *r, const dt_aggregate_t *agg, size_t slot,
                                        size_t action, bool *ok)
{
    if (!agg->other_by_action || !agg->other_by_action[slot])
        return NULL;
    dt_code_row_t *share = dt_arena_alloc(&r->arena, sizeof *share);
    if (!share) {
        *ok = false;
        return NULL;
    }
    memset(share, 0, sizeof *share);
    share->other = true;
    share->failed = agg->other_by_action[slot];
    share->match = (dt_match_t){.level = DT_MATCH_NONE, .entry = SIZE_MAX, .action = action,
                                .origin = DT_ORIGIN_UNKNOWN};
    return share;
}

static bool rank_actions(dt_report_t *r, const dt_aggregate_t *agg)
{
    size_t nall = agg->rules->nactions + 1;
    r->actions = dt_arena_alloc(&r->arena, nall * sizeof *r->actions);
    if (!r->actions)
        return false;
    for (size_t a = 0; a < nall; a++) {
        if (!agg->failed_by_action[a])
            continue;
        dt_action_row_t *row = &r->actions[r->nactions++];
        memset(row, 0, sizeof *row);
        row->action = a == agg->rules->nactions ? DT_NO_ACTION : a;
        row->failed = agg->failed_by_action[a];
    }
    qsort(r->actions, r->nactions, sizeof *r->actions, compare_actions);
    /* Each action's codes, in the codes' rank order: one pass per action over
     * the ranked codes keeps this simple; both lists are short. */
    for (size_t i = 0; i < r->nactions; i++) {
        dt_action_row_t *row = &r->actions[i];
        size_t slot = row->action == DT_NO_ACTION ? agg->rules->nactions : row->action;
        row->codes = dt_arena_alloc(&r->arena, (r->ncodes + 1) * sizeof *row->codes);
        if (!row->codes)
            return false;
        for (size_t c = 0; c < r->ncodes; c++)
            if (!r->codes[c]->other && r->codes[c]->match.action == row->action)
                row->codes[row->ncodes++] = r->codes[c];
        bool ok = true;
        const dt_code_row_t *share = other_share(r, agg, slot, row->action, &ok);
        if (!ok)
            return false;
        if (share)
            row->codes[row->ncodes++] = share;
        if (agg->action_samples) {
            row->samples = agg->action_samples[slot];
            row->nsamples = agg->action_nsamples[slot];
            if (!copy_samples(r, &row->samples, row->nsamples))
                return false;
        }
    }
    return true;
}

/* ---- notes ---- */

static bool add_note(dt_report_t *r, const char **notes, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool add_note(dt_report_t *r, const char **notes, size_t *n, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return (notes[(*n)++] = copy_text(r, text)) != NULL;
}

/* Gives each SBC row its --max-concurrent limit and flags a peak near it;
 * returns how many limits name no SBC of the report. */
static size_t apply_limits(dt_report_t *r, const dt_report_options_t *o)
{
    size_t unmatched = 0;
    for (size_t l = 0; o && l < o->nlimits; l++) {
        bool found = false;
        for (size_t i = 0; i < r->nsbcs; i++) {
            dt_row_stats_t *st = (dt_row_stats_t *)r->sbcs[i]->stats;
            if (r->sbcs[i]->other || strcasecmp(r->sbcs[i]->name, o->limits[l].sbc) != 0)
                continue;
            found = true;
            if (!st || !st->has_peak)
                continue;
            st->limit = o->limits[l].sessions;
            st->near_limit = st->peak * 100 >= st->limit * DT_CONCURRENCY_WARN_PERCENT;
        }
        unmatched += !found;
    }
    return unmatched;
}

/* Notes about pairs of inputs past this many are summed up in one line. */
#define PAIR_NOTES_MAX 8
/* Notes one input may add (summarised rows, counts of 0, unchecked rows). */
#define INPUT_NOTES 3

/* What the report says about each input: weighted rows, and rows --dedupe
 * could not check. */
static bool input_notes(dt_report_t *r, const dt_aggregate_t *agg, const char **notes, size_t *n)
{
    for (size_t i = 0; i < agg->ninputs; i++) {
        const dt_input_stats_t *in = &agg->inputs[i];
        if (in->count_column &&
            !add_note(r, notes, n,
                      "%s: a summarised export: each row counts as the number of calls in its "
                      "column '%s' (%llu call rows stand for %llu calls)",
                      in->path, in->count_column, (unsigned long long)in->call_rows,
                      (unsigned long long)in->calls))
            return false;
        if (in->zero_rows &&
            !add_note(r, notes, n, "%s: %llu %s a count of 0: no calls", in->path,
                      (unsigned long long)in->zero_rows, in->zero_rows == 1 ? "row has" : "rows have"))
            return false;
        if (in->unchecked &&
            !add_note(r, notes, n,
                      "%s: %llu %s without a correlation id or start time could not be "
                      "checked for repeats and %s counted as %s",
                      in->path, (unsigned long long)in->unchecked, in->unchecked == 1 ? "row" : "rows",
                      in->unchecked == 1 ? "was" : "were", in->unchecked == 1 ? "it is" : "they are"))
            return false;
    }
    return true;
}

static bool same_content(const dt_input_stats_t *a, const dt_input_stats_t *b)
{
    return a->content.total && a->content.total == b->content.total &&
           dt_hash_digest(&a->content) == dt_hash_digest(&b->content);
}

/* Whether two inputs can hold the same calls: Teams' exports (admin center,
 * Graph, CQD) all record the tenant's Direct Routing calls, while Azure
 * Communication Services records calls of its own. */
static bool may_share_calls(const dt_input_stats_t *a, const dt_input_stats_t *b)
{
    return (a->family == DT_FAMILY_ACS) == (b->family == DT_FAMILY_ACS);
}

/* Inputs given twice (the same content as an earlier one: one note, against
 * the first) and inputs whose time ranges overlap and can hold the same
 * calls: their common calls are counted twice unless --dedupe drops the
 * repeats. */
static bool pair_notes(dt_report_t *r, const dt_aggregate_t *agg, const char **notes, size_t *n)
{
    const char *twice = "calls in both are counted twice (--dedupe drops repeated calls)";
    size_t *first = dt_arena_alloc(&r->arena, (agg->ninputs + 1) * sizeof *first);
    if (!first)
        return false;
    for (size_t j = 0; j < agg->ninputs; j++) {
        first[j] = j;
        for (size_t i = 0; i < j && first[j] == j; i++)
            if (first[i] == i && same_content(&agg->inputs[i], &agg->inputs[j]))
                first[j] = i;
    }
    size_t pairs = 0;
    for (size_t j = 1; j < agg->ninputs; j++)
        for (size_t i = 0; i < j; i++) {
            const dt_input_stats_t *a = &agg->inputs[i], *b = &agg->inputs[j];
            bool same = first[j] == i;
            bool overlap = first[j] == j && first[i] == i && a->has_time && b->has_time &&
                           a->first <= b->last && b->first <= a->last && may_share_calls(a, b);
            if (!same && !overlap)
                continue;
            if (++pairs > PAIR_NOTES_MAX)
                continue;
            char from[32], to[32], advice[96];
            dt_date_format(a->first > b->first ? a->first : b->first, from, sizeof from);
            dt_date_format(a->last < b->last ? a->last : b->last, to, sizeof to);
            snprintf(advice, sizeof advice, "--dedupe dropped %llu repeated %s of the later one",
                     (unsigned long long)b->duplicates, b->duplicates == 1 ? "row" : "rows");
            const char *then = agg->options.dedupe ? advice : twice;
            bool ok = !same ? add_note(r, notes, n, "%s and %s overlap from %s to %s: %s",
                                       a->path, b->path, from, to, then)
                      : strcmp(a->path, b->path) == 0
                          ? add_note(r, notes, n, "%s is read twice: %s", b->path, then)
                          : add_note(r, notes, n, "%s has the same content as %s: %s", b->path,
                                     a->path, then);
            if (!ok)
                return false;
        }
    return pairs <= PAIR_NOTES_MAX ||
           add_note(r, notes, n, "%zu more pairs of inputs overlap or have the same content",
                    pairs - PAIR_NOTES_MAX);
}

/* Rows whose time-to-failure sketch counts some minute coarsely (the totals
 * included). */
static size_t inexact_rows(const dt_aggregate_t *agg)
{
    const dt_keyed_table_t *tables[] = {&agg->sbcs, &agg->times, &agg->groups};
    size_t n = agg->total_metrics.to_failure.inexact;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; tables[t]->measured && i < tables[t]->nrows; i++)
            n += tables[t]->metrics[i].to_failure.inexact;
    return n;
}

/* Inputs given twice or overlapping first (their calls may count twice), then
 * the aggregate's notes, the inputs', one for each table whose cap was
 * reached, for the sketches' and the concurrency cap, and for each
 * --max-concurrent that names no SBC: at most DT_NOTES_MAX in all. */
static bool copy_notes(dt_report_t *r, const dt_aggregate_t *agg, const dt_report_options_t *o)
{
    const struct {
        const dt_keyed_table_t *table;
        const char *what;
    } tables[] = {{&agg->sbcs, "SBC names"}, {&agg->groups, "--group-by values"},
                  {&agg->times, "time buckets"}, {&agg->group_times, "group-time rows"}};
    size_t ntables = sizeof tables / sizeof tables[0];
    if (agg->note_lost)
        return false;
    size_t unmatched = apply_limits(r, o);
    size_t most = agg->nnotes + 4 + ntables + INPUT_NOTES * agg->ninputs + PAIR_NOTES_MAX + 1 +
                  unmatched;
    const char **notes = dt_arena_alloc(&r->arena, most * sizeof *notes);
    if (!notes)
        return false;
    size_t n = 0;
    if (!pair_notes(r, agg, notes, &n))
        return false;
    for (size_t i = 0; i < agg->nnotes; i++)
        if (!(notes[n++] = copy_text(r, agg->notes[i])))
            return false;
    if (!input_notes(r, agg, notes, &n))
        return false;
    uint64_t streams = agg->totals.excluded_by[DT_EXCLUDED_NON_PSTN];
    if (streams &&
        !add_note(r, notes, &n,
                  "%llu %s non-PSTN streams (Teams VoIP audio or video: every PSTN field "
                  "empty), not calls: left out",
                  (unsigned long long)streams, streams == 1 ? "row holds" : "rows hold"))
        return false;
    if (agg->code_overflow &&
        !add_note(r, notes, &n,
                  "%llu failed calls had codes beyond the first %zu distinct ones and are "
                  "counted in an \"other\" row",
                  (unsigned long long)agg->code_overflow, agg->code_index.cap))
        return false;
    for (size_t i = 0; i < ntables; i++)
        if (tables[i].table->overflow &&
            !add_note(r, notes, &n,
                      "%llu calls fell beyond the first %zu distinct %s and are counted in an "
                      "\"other\" row",
                      (unsigned long long)tables[i].table->overflow,
                      tables[i].table->index.cap, tables[i].what))
            return false;
    size_t inexact = inexact_rows(agg);
    if (inexact && !add_note(r, notes, &n,
                             "the time to failure of %zu rows is to the minute only: the "
                             "sketches reached their cap of %u pages of seconds",
                             inexact, DT_SKETCH_PAGE_CAP))
        return false;
    if (r->concurrency && r->total_stats.untracked &&
        !add_note(r, notes, &n,
                  "%llu calls are not in the concurrency peaks: the timelines reached their cap of "
                  "%u SBC-minutes; peaks may be low",
                  (unsigned long long)r->total_stats.untracked, DT_CONCURRENCY_CELLS))
        return false;
    for (size_t l = 0; o && unmatched && l < o->nlimits; l++) {
        bool found = false;
        for (size_t i = 0; i < r->nsbcs && !found; i++)
            found = !r->sbcs[i]->other && strcasecmp(r->sbcs[i]->name, o->limits[l].sbc) == 0;
        if (!found && !add_note(r, notes, &n, "--max-concurrent %.300s: no calls through that SBC",
                                o->limits[l].sbc))
            return false;
    }
    if (n > DT_NOTES_MAX) { /* as the aggregate caps its own: the last note says so */
        n = DT_NOTES_MAX;
        notes[n - 1] = DT_NOTES_OMITTED;
    }
    r->notes = notes;
    r->nnotes = n;
    return true;
}


static bool copy_inputs(dt_report_t *r, const dt_aggregate_t *agg)
{
    dt_input_stats_t *inputs = copy_array(r, agg->inputs, agg->ninputs, sizeof *inputs);
    dt_rejection_t *rejections =
        copy_array(r, agg->rejections, agg->nrejections, sizeof *rejections);
    if (!inputs || !rejections)
        return false;
    for (size_t i = 0; i < agg->ninputs; i++)
        if (!(inputs[i].path = copy_text(r, inputs[i].path)) ||
            (inputs[i].count_column &&
             !(inputs[i].count_column = copy_text(r, inputs[i].count_column))))
            return false;
    for (size_t i = 0; i < agg->nrejections; i++)
        if (!(rejections[i].path = copy_text(r, rejections[i].path)))
            return false;
    dt_skipped_t *skipped = copy_array(r, agg->skipped, agg->nskipped, sizeof *skipped);
    if (!skipped)
        return false;
    for (size_t i = 0; i < agg->nskipped; i++)
        if (!(skipped[i].path = copy_text(r, skipped[i].path)) ||
            !(skipped[i].kind = copy_text(r, skipped[i].kind)) ||
            !(skipped[i].reason = copy_text(r, skipped[i].reason)))
            return false;
    r->inputs = inputs;
    r->ninputs = agg->ninputs;
    r->skipped = skipped;
    r->nskipped = agg->nskipped;
    r->rejections = rejections;
    r->nrejections = agg->nrejections;
    return true;
}

static bool copy_group_columns(dt_report_t *r, const dt_aggregate_options_t *o)
{
    const char **columns = dt_arena_alloc(&r->arena, (o->ngroup_columns + 1) * sizeof *columns);
    if (!columns)
        return false;
    for (size_t i = 0; i < o->ngroup_columns; i++)
        if (!(columns[i] = copy_text(r, o->group_columns[i])))
            return false;
    r->group_columns = columns;
    r->ngroup_columns = o->ngroup_columns;
    return true;
}

/* ---- what the tables mean together ---- */

/* A code row no documented entry matched that has a Microsoft code: one a
 * rules stub can document. */
static bool needs_rule(const dt_code_row_t *row)
{
    return !row->other && !row->match.known && row->key.has_ms;
}

static int compare_by_name(const void *a, const void *b)
{
    return strcmp((*(const dt_keyed_row_t *const *)a)->name,
                  (*(const dt_keyed_row_t *const *)b)->name);
}

/* A group-time row with the rank of its group, for sorting. */
typedef struct {
    const dt_keyed_row_t *row;
    size_t rank;
} ranked_row_t;

static int compare_group_times(const void *a, const void *b)
{
    const ranked_row_t *x = a, *y = b;
    if (x->row->other != y->row->other)
        return x->row->other ? 1 : -1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (x->row->start > y->row->start) - (x->row->start < y->row->start);
}

/* The group-time rows in the groups' order, each group's oldest first; their
 * names become the group's (the bucket's text prefix dropped). */
static bool rank_group_times(dt_report_t *r, const dt_keyed_table_t *table)
{
    size_t n = 0;
    const dt_keyed_row_t **rows = rank_table(r, table, &n, compare_by_time, false, NULL);
    const dt_keyed_row_t **by_name = dt_arena_alloc(&r->arena, (r->ngroups + 1) * sizeof *by_name);
    ranked_row_t *order = malloc((n + 1) * sizeof *order);
    if (!rows || !by_name || !order) {
        free(order);
        return false;
    }
    size_t named = 0;
    for (size_t g = 0; g < r->ngroups; g++)
        if (!r->groups[g]->other)
            by_name[named++] = r->groups[g];
    qsort(by_name, named, sizeof *by_name, compare_by_name);
    for (size_t i = 0; i < n; i++) {
        dt_keyed_row_t *row = (dt_keyed_row_t *)rows[i];
        if (!row->other && strlen(row->name) >= DT_DATE_TEXT)
            row->name += DT_DATE_TEXT;
        const dt_keyed_row_t *key = row, **group =
            row->other ? NULL : bsearch(&key, by_name, named, sizeof *by_name, compare_by_name);
        /* the group's rank in r->groups; a group in the groups' "other" row ranks last */
        order[i] = (ranked_row_t){row, SIZE_MAX};
        for (size_t g = 0; group && g < r->ngroups; g++)
            if (r->groups[g] == *group)
                order[i].rank = g;
    }
    qsort(order, n, sizeof *order, compare_group_times);
    for (size_t i = 0; i < n; i++)
        rows[i] = order[i].row;
    free(order);
    r->group_times = rows;
    r->ngroup_times = n;
    return true;
}

/* What the inputs cover: from the first start time any input holds to the
 * last, within the time filter's window. */
static void set_span(dt_report_t *r, const dt_aggregate_t *agg, const dt_report_options_t *o)
{
    for (size_t i = 0; i < agg->ninputs; i++) {
        const dt_input_stats_t *in = &agg->inputs[i];
        if (!in->has_time)
            continue;
        if (!r->has_span || in->first < r->first)
            r->first = in->first;
        if (!r->has_span || in->last > r->last)
            r->last = in->last;
        r->has_span = true;
    }
    if (r->has_span && o && o->has_since && r->first < o->since)
        r->first = o->since;
    if (r->has_span && o && o->has_until && r->last >= o->until)
        r->last = o->until - 1;
}

/* Marks the first and last time buckets that the inputs cover only in part:
 * more than 1/24 of the bucket (2.5 minutes of an hour, an hour of a day)
 * lies before the first start time or after the last, so that a quiet first
 * minute does not make a full day partial. */
static void mark_partial(dt_report_t *r, const dt_keyed_row_t **rows, size_t n)
{
    if (!r->has_span)
        return;
    int64_t size = dt_date_bucket_seconds(r->bucket), slack = size / 24;
    for (size_t i = 0; i < n; i++) {
        dt_keyed_row_t *row = (dt_keyed_row_t *)rows[i];
        if (!row->other && (r->first - row->start > slack || row->start + size - r->last > slack))
            row->partial = true;
    }
}

/* The SBC with the lowest NER among those with the rules' minimum of calls,
 * else among all; calls without an SBC name are no SBC (ties: the SBCs'
 * rank: more calls, then the name). */
static const dt_keyed_row_t *worst_sbc(const dt_report_t *r)
{
    const dt_keyed_row_t *worst = NULL;
    for (int pass = 0; pass < 2 && !worst; pass++)
        for (size_t i = 0; i < r->nsbcs; i++) {
            const dt_keyed_row_t *row = r->sbcs[i];
            if (row->other || !*row->name || !row->counts.calls ||
                (pass == 0 && row->counts.calls < r->rules->ner_min_calls))
                continue;
            /* compare effective/calls without floating point: a/b < c/d */
            if (!worst || row->counts.effective * worst->counts.calls <
                              worst->counts.effective * row->counts.calls)
                worst = row;
        }
    return worst;
}

/* A day's measures from its hours' sketches, merged (merged is freed). */
static bool close_day(dt_report_t *r, dt_keyed_row_t *day, dt_sketch_t *merged)
{
    dt_row_stats_t *stats = dt_arena_alloc(&r->arena, sizeof *stats);
    if (!stats) {
        dt_sketch_free(merged, NULL);
        return false;
    }
    dt_row_metrics_t m = {.to_failure = *merged};
    fill_stats(stats, &m, false);
    day->stats = stats;
    dt_sketch_free(merged, NULL);
    return true;
}

/* An automatic series that spans more than DT_SERIES_HOURLY_SPAN: its hourly
 * rows (oldest first, the overflow row last; copied from table's rows, which
 * start at base) merged into days, with their measures. */
static bool roll_up_days(dt_report_t *r, const dt_keyed_table_t *table, const dt_keyed_row_t *base)
{
    size_t dated = r->ntimes && r->times[r->ntimes - 1]->other ? r->ntimes - 1 : r->ntimes;
    if (!r->auto_bucket || !dated ||
        r->times[dated - 1]->start - r->times[0]->start < DT_SERIES_HOURLY_SPAN)
        return true;
    dt_keyed_row_t *days = dt_arena_alloc(&r->arena, r->ntimes * sizeof *days);
    if (!days)
        return false;
    dt_sketch_t merged = {0};
    size_t n = 0;
    for (size_t i = 0; i < r->ntimes; i++) {
        const dt_keyed_row_t *hour = r->times[i];
        int64_t day = hour->other ? hour->start : dt_date_bucket(hour->start, DT_BUCKET_DAY);
        bool same = n && !hour->other && !days[n - 1].other && days[n - 1].start == day;
        if (table->measured && n && !same && !close_day(r, &days[n - 1], &merged))
            return false;
        if (table->measured &&
            dt_sketch_merge(&merged, NULL, &table->metrics[hour - base].to_failure)) {
            dt_sketch_free(&merged, NULL);
            return false;
        }
        if (same) {
            dt_counts_merge(&days[n - 1].counts, &hour->counts);
            continue;
        }
        days[n] = *hour;
        days[n].start = day;
        if (!hour->other) {
            char name[32];
            dt_date_format(day, name, sizeof name);
            if (!(days[n].name = copy_text(r, name)))
                return false;
        }
        n++;
    }
    if (table->measured && n && !close_day(r, &days[n - 1], &merged))
        return false;
    for (size_t i = 0; i < n; i++)
        r->times[i] = &days[i];
    r->ntimes = n;
    r->bucket = DT_BUCKET_DAY;
    return true;
}

/* The conditions of one filter, from tally `first` on. */
static bool copy_matches(dt_report_t *r, const dt_aggregate_t *agg, const dt_filter_t *filter,
                         size_t first, dt_filter_match_t *out)
{
    for (size_t i = 0; filter && i < filter->n; i++) {
        const dt_tally_t *t = &agg->tallies[first + i];
        dt_filter_match_t *m = &out[i];
        char option[DT_FILTER_TEXT + 32], noun[DT_FILTER_TEXT + 16];
        dt_filter_describe_option(filter, i, option, sizeof option);
        size_t n = 0;
        m->calls = t->held;
        if (!(m->option = copy_text(r, option)) ||
            !(m->noun = copy_text(r, dt_filter_value_noun(&filter->conds[i], noun, sizeof noun))) ||
            !(m->values = rank_table(r, &t->values, &n, compare_by_calls, false, NULL)))
            return false;
        m->nvalues = n < DT_FILTER_VALUES_SHOWN ? n : DT_FILTER_VALUES_SHOWN;
        m->more = n - m->nvalues;
    }
    return true;
}

/* What each filter condition matched, from the tallies the pipeline kept. */
static bool copy_filter_matches(dt_report_t *r, const dt_aggregate_t *agg,
                                const dt_report_options_t *options)
{
    const dt_filter_t *filter = options ? options->filter : NULL;
    const dt_filter_t *rows = options ? options->rows : NULL;
    size_t nfilter = filter ? filter->n : 0, n = nfilter + (rows ? rows->n : 0);
    if (!n || agg->ntallies < n)
        return true;
    dt_filter_match_t *matches = dt_arena_alloc(&r->arena, n * sizeof *matches);
    if (!matches)
        return false;
    memset(matches, 0, n * sizeof *matches);
    if (!copy_matches(r, agg, filter, 0, matches) ||
        !copy_matches(r, agg, rows, nfilter, matches + nfilter))
        return false;
    r->filter_matches = matches;
    r->nfilter_matches = n;
    r->matched_nothing = rows ? agg->drilled == 0 : agg->totals.counts.calls == 0;
    return true;
}

static bool build(dt_report_t *r, const dt_aggregate_t *agg, const dt_report_options_t *options)
{
    r->rules = agg->rules;
    r->totals = agg->totals;
    r->top = options ? options->top : 0;
    r->show_stubs = options && options->show_stubs;
    r->by_time = agg->options.by_time;
    r->auto_bucket = options && options->auto_bucket;
    r->bucket = (dt_bucket_t)agg->options.bucket;
    r->undated_in_series = agg->undated_in_series;
    r->measured = agg->options.metrics || agg->options.concurrency;
    r->concurrency = agg->options.concurrency;
    if (r->measured)
        fill_stats(&r->total_stats, &agg->total_metrics, r->concurrency);
    if (options && options->filters && !(r->filters = copy_text(r, options->filters)))
        return false;
    if (options && options->state) {
        if (!(r->state = copy_array(r, options->state, options->state_len, 1)))
            return false;
        r->state_len = options->state_len;
    }
    const dt_keyed_row_t *hours = NULL;
    if (!copy_inputs(r, agg) || !copy_group_columns(r, &agg->options) || !rank_codes(r, agg) ||
        !make_stubs(r) || !rank_actions(r, agg) ||
        !(r->sbcs = rank_table(r, &agg->sbcs, &r->nsbcs, compare_by_calls, true, NULL)) ||
        !(r->times = rank_table(r, &agg->times, &r->ntimes, compare_by_time, false, &hours)) ||
        !roll_up_days(r, &agg->times, hours) ||
        !(r->groups = rank_table(r, &agg->groups, &r->ngroups, compare_by_failed, false, NULL)) ||
        !rank_group_times(r, &agg->group_times) || !copy_notes(r, agg, options) ||
        !copy_filter_matches(r, agg, options))
        return false;
    set_order(r);
    set_span(r, agg, options);
    mark_partial(r, r->times, r->ntimes);
    mark_partial(r, r->group_times, r->ngroup_times);
    r->worst_sbc = worst_sbc(r);
    for (size_t i = 0; i < r->ncodes; i++)
        if (needs_rule(r->codes[i])) {
            r->nunknown_codes++;
            r->unknown_failed += r->codes[i]->failed;
        }
    return true;
}

dt_status_t dt_report_build(dt_report_t *report, const dt_aggregate_t *agg,
                            const dt_report_options_t *options)
{
    memset(report, 0, sizeof *report);
    if (build(report, agg, options))
        return DT_OK;
    dt_report_free(report);
    return DT_ERR_NOMEM;
}

void dt_report_free(dt_report_t *report)
{
    dt_arena_free(&report->arena);
    memset(report, 0, sizeof *report);
}

/* ---- what writers ask of a report ---- */

bool dt_report_ner_low(const dt_report_t *report, const dt_counts_t *counts)
{
    return counts->calls && counts->calls >= report->rules->ner_min_calls &&
           dt_ner_percent(counts->effective, counts->calls) < DT_NER_LOW_PERCENT;
}

uint64_t dt_report_other_failed(const dt_action_row_t *row)
{
    /* The share is appended after the action's own codes. */
    return row->ncodes && row->codes[row->ncodes - 1]->other ? row->codes[row->ncodes - 1]->failed
                                                             : 0;
}

const char *dt_report_action_id(const dt_report_t *report, size_t action)
{
    return action == DT_NO_ACTION ? "unknown" : report->rules->actions[action].id;
}

const dt_action_t *dt_report_action(const dt_report_t *report, size_t action)
{
    if (action == DT_NO_ACTION || action >= report->rules->nactions)
        return dt_rules_action(report->rules, "unknown");
    return &report->rules->actions[action];
}

const char *dt_report_code_phrase(const dt_report_t *report, const dt_code_row_t *row)
{
    const dt_rules_t *rules = report->rules;
    if (row->other)
        return "";
    /* The documented wording when the phrase decided the match; otherwise
     * what the calls actually said, which the documented entry may not. */
    size_t entry = row->match.entry;
    bool phrase_matched =
        row->match.level == DT_MATCH_PHRASE || row->match.level == DT_MATCH_SIP_PHRASE;
    bool documented = entry < rules->ncodes && rules->codes[entry].nphrases > 0;
    if (documented && (phrase_matched || !row->phrase[0]))
        return rules->codes[entry].phrases[0];
    if (row->phrase[0])
        return row->phrase;
    const dt_sip_rule_t *sip = row->key.has_sip ? dt_rules_sip(rules, row->key.sip) : NULL;
    return sip && sip->phrase ? sip->phrase : "";
}

bool dt_report_code_stub(const dt_report_t *report, const dt_code_row_t *row, char **stub)
{
    *stub = NULL;
    if (!needs_rule(row))
        return true;
    const char *action =
        row->match.action == DT_NO_ACTION ? NULL : report->rules->actions[row->match.action].id;
    /* A phrase with control characters is garbage, not wording to document:
     * the stub then covers the code pair whatever the phrase. */
    size_t len = strlen(row->phrase);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)row->phrase[i] < 0x20 || row->phrase[i] == 0x7f)
            len = 0;
    *stub = dt_rules_stub(row->key.ms, row->key.has_ms, row->key.sip, row->key.has_sip,
                          row->phrase, len, action);
    return *stub != NULL;
}
