/* merge.c - folds one aggregate into another, in input order or in any order
 * (dt_merge.h). */
#include <stdlib.h>
#include <string.h>

#include "dt_merge.h"

static dt_status_t nomem(dt_error_t *err)
{
    return dt_fail(err, DT_ERR_NOMEM, "out of memory");
}

static const char *bucket_name(const dt_aggregate_options_t *o)
{
    static const char *const names[] = {"hour", "day", "week"};
    return !o->by_time ? "none" : o->bucket >= 0 && o->bucket < 3 ? names[o->bucket] : "?";
}

dt_status_t dt_aggregate_compatible(const dt_aggregate_t *dst, const dt_aggregate_t *src,
                                    dt_error_t *err)
{
    const dt_aggregate_options_t *a = &dst->options, *b = &src->options;
    if (dst->rules != src->rules)
        return dt_fail(err, DT_ERR_USAGE, "counted with different rules");
    if (a->by_time != b->by_time || (a->by_time && a->bucket != b->bucket))
        return dt_fail(err, DT_ERR_USAGE, "different time series (--by %s and --by %s)",
                       bucket_name(a), bucket_name(b));
    if (a->samples != b->samples)
        return dt_fail(err, DT_ERR_USAGE, "different --samples (%zu and %zu)", a->samples,
                       b->samples);
    if (a->dedupe != b->dedupe)
        return dt_fail(err, DT_ERR_USAGE, "one with --dedupe, one without");
    if (a->metrics != b->metrics)
        return dt_fail(err, DT_ERR_USAGE, "one with the Health Dashboard measures, one without");
    if (a->concurrency != b->concurrency)
        return dt_fail(err, DT_ERR_USAGE, "one with --concurrency, one without");
    bool same_groups = a->ngroup_columns == b->ngroup_columns;
    for (size_t i = 0; same_groups && i < a->ngroup_columns; i++)
        same_groups = strcmp(a->group_columns[i], b->group_columns[i]) == 0;
    if (!same_groups)
        return dt_fail(err, DT_ERR_USAGE, "different --group-by columns");
    if (dst->ntallies != src->ntallies)
        return dt_fail(err, DT_ERR_USAGE, "different filters (%zu and %zu conditions)",
                       dst->ntallies, src->ntallies);
    return DT_OK;
}

/* Nothing counted, read or noted: the neutral element of an any-order merge. */
static bool is_empty(const dt_aggregate_t *agg)
{
    return agg->ninputs == 0 && agg->nskipped == 0 && agg->totals.rows == 0 && agg->nnotes == 0 &&
           !agg->note_lost;
}

static const char *copy_text(dt_aggregate_t *dst, const char *text)
{
    return dt_arena_strndup(&dst->arena, text, strlen(text));
}

static void merge_totals(dt_totals_t *into, const dt_totals_t *from)
{
    into->rows += from->rows;
    into->call_rows += from->call_rows;
    into->rejected += from->rejected;
    into->excluded += from->excluded;
    for (int w = 0; w < DT_EXCLUDED_COUNT; w++)
        into->excluded_by[w] += from->excluded_by[w];
    into->excluded_calls += from->excluded_calls;
    into->undated += from->undated;
    into->duplicates += from->duplicates;
    into->duplicate_calls += from->duplicate_calls;
    dt_counts_merge(&into->counts, &from->counts);
}

/* ---- inputs ---- */

/* The rest of an input (more) after what `in` counted of it. */
static dt_status_t continue_input(dt_aggregate_t *dst, dt_input_stats_t *in,
                                  const dt_input_stats_t *more)
{
    in->rows += more->rows;
    in->call_rows += more->call_rows;
    in->calls += more->calls;
    in->rejected += more->rejected;
    in->excluded += more->excluded;
    in->duplicates += more->duplicates;
    in->zero_rows += more->zero_rows;
    in->unchecked += more->unchecked;
    if (more->dates.order != DT_ORDER_NONE || more->dates.from != DT_ORDER_FROM_NONE)
        in->dates = more->dates;
    if (!in->count_column && more->count_column &&
        !(in->count_column = copy_text(dst, more->count_column)))
        return DT_ERR_NOMEM;
    if (more->has_time) {
        in->first = !in->has_time || more->first < in->first ? more->first : in->first;
        in->last = !in->has_time || more->last > in->last ? more->last : in->last;
        in->has_time = true;
    }
    if (more->content.total)
        in->content = more->content;
    return DT_OK;
}

static int compare_u64(uint64_t a, uint64_t b)
{
    return (a > b) - (a < b);
}

static int compare_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

/* A total order of inputs on what a report shows of them. */
static int compare_inputs(const void *pa, const void *pb)
{
    const dt_input_stats_t *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    if (c || (c = (int)b->has_time - (int)a->has_time) ||
        (a->has_time && ((c = compare_i64(a->first, b->first)) ||
                         (c = compare_i64(a->last, b->last)))))
        return c;
    const uint64_t x[] = {a->rows, a->call_rows, a->calls, a->rejected, a->excluded,
                          a->duplicates, a->zero_rows, a->unchecked, a->content.total,
                          dt_hash_digest(&a->content), a->dates.line, a->dates.conflicts};
    const uint64_t y[] = {b->rows, b->call_rows, b->calls, b->rejected, b->excluded,
                          b->duplicates, b->zero_rows, b->unchecked, b->content.total,
                          dt_hash_digest(&b->content), b->dates.line, b->dates.conflicts};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        if ((c = compare_u64(x[i], y[i])))
            return c;
    if ((c = (int)a->family - (int)b->family) || (c = a->delimiter - b->delimiter) ||
        (c = (int)a->dates.order - (int)b->dates.order) ||
        (c = (int)a->dates.from - (int)b->dates.from))
        return c;
    if (!a->count_column || !b->count_column)
        return (a->count_column != NULL) - (b->count_column != NULL);
    return strcmp(a->count_column, b->count_column);
}

static dt_status_t merge_inputs(dt_aggregate_t *dst, const dt_aggregate_t *src,
                                dt_merge_mode_t mode, bool sort)
{
    size_t first = 0;
    if (mode == DT_MERGE_SAME_INPUT && dst->ninputs && src->ninputs) {
        if (continue_input(dst, &dst->inputs[dst->ninputs - 1], &src->inputs[0]))
            return DT_ERR_NOMEM;
        first = 1;
    }
    for (size_t i = first; i < src->ninputs; i++)
        if (dt_aggregate_add_input(dst, &src->inputs[i]))
            return DT_ERR_NOMEM;
    if (sort && dst->ninputs > 1)
        qsort(dst->inputs, dst->ninputs, sizeof *dst->inputs, compare_inputs);
    return DT_OK;
}

static int compare_skipped(const void *pa, const void *pb)
{
    const dt_skipped_t *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    return c ? c : (c = strcmp(a->kind, b->kind)) ? c : strcmp(a->reason, b->reason);
}

/* The inputs skipped: src's after dst's, or all sorted. */
static dt_status_t merge_skipped(dt_aggregate_t *dst, const dt_aggregate_t *src, bool sort)
{
    for (size_t i = 0; i < src->nskipped; i++) {
        const dt_skipped_t *s = &src->skipped[i];
        if (dt_aggregate_skip(dst, s->path, s->kind, s->reason))
            return DT_ERR_NOMEM;
    }
    if (sort && dst->nskipped > 1)
        qsort(dst->skipped, dst->nskipped, sizeof *dst->skipped, compare_skipped);
    return DT_OK;
}

/* ---- rejected rows and notes ---- */

static int compare_rejections(const void *pa, const void *pb)
{
    const dt_rejection_t *a = pa, *b = pb;
    int c = strcmp(a->path, b->path);
    return c ? c : a->line != b->line ? compare_u64(a->line, b->line) : strcmp(a->reason, b->reason);
}

static dt_status_t merge_rejections(dt_aggregate_t *dst, const dt_aggregate_t *src, bool sort)
{
    dt_rejection_t all[2 * DT_REJECTION_SAMPLES];
    size_t n = dst->nrejections;
    memcpy(all, dst->rejections, n * sizeof *all);
    for (size_t i = 0; i < src->nrejections; i++) {
        all[n] = src->rejections[i];
        if (!(all[n++].path = copy_text(dst, src->rejections[i].path)))
            return DT_ERR_NOMEM;
    }
    if (sort)
        qsort(all, n, sizeof *all, compare_rejections);
    dst->nrejections = n < DT_REJECTION_SAMPLES ? n : DT_REJECTION_SAMPLES;
    memcpy(dst->rejections, all, dst->nrejections * sizeof *all);
    return DT_OK;
}

/* True when an aggregate's last note says that notes were dropped. */
static bool notes_omitted(const dt_aggregate_t *agg)
{
    return agg->nnotes == DT_NOTES_MAX &&
           strcmp(agg->notes[DT_NOTES_MAX - 1], DT_NOTES_OMITTED) == 0;
}

static int compare_notes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Any order: both sides' notes sorted, the first DT_NOTES_MAX - 1 and the
 * "omitted" note when there are more or a side dropped some. */
static dt_status_t sort_notes(dt_aggregate_t *dst, const dt_aggregate_t *src)
{
    const char *all[2 * DT_NOTES_MAX];
    bool omitted = notes_omitted(dst) || notes_omitted(src);
    size_t n = 0;
    for (size_t i = 0; i < dst->nnotes - notes_omitted(dst); i++)
        all[n++] = dst->notes[i];
    for (size_t i = 0; i < src->nnotes - notes_omitted(src); i++)
        if (!(all[n++] = copy_text(dst, src->notes[i])))
            return DT_ERR_NOMEM;
    qsort(all, n, sizeof *all, compare_notes);
    if (omitted || n > DT_NOTES_MAX) {
        n = n < DT_NOTES_MAX - 1 ? n : DT_NOTES_MAX - 1;
        all[n++] = DT_NOTES_OMITTED;
    }
    memcpy(dst->notes, all, n * sizeof *all);
    dst->nnotes = n;
    return DT_OK;
}

static dt_status_t merge_notes(dt_aggregate_t *dst, const dt_aggregate_t *src, bool sort)
{
    bool lost = dst->note_lost;
    dt_status_t st = DT_OK;
    if (sort)
        st = sort_notes(dst, src);
    for (size_t i = 0; !sort && i < src->nnotes; i++)
        dt_aggregate_note(dst, "%s", src->notes[i]);
    if (dst->note_lost && !lost)
        st = DT_ERR_NOMEM;
    dst->note_lost |= src->note_lost;
    return st;
}

/* ---- tables ---- */

/* The facts of a kept sample, as a call would give them. */
static dt_call_extra_t sample_extra(const dt_sample_t *s)
{
    return (dt_call_extra_t){.has_time = s->has_time, .time = s->time,
                             .correlation = {s->correlation, strlen(s->correlation)},
                             .start = {s->start, strlen(s->start)}};
}

static dt_status_t merge_samples(dt_aggregate_t *dst, dt_sample_t **list, size_t *n,
                                 const dt_sample_t *from, size_t nfrom)
{
    for (size_t i = 0; i < nfrom; i++) {
        dt_call_extra_t extra = sample_extra(&from[i]);
        if (dt_aggregate_keep_sample(dst, list, n, &extra))
            return DT_ERR_NOMEM;
    }
    return DT_OK;
}

/* A row's measures, or NULL when its table has none. */
static dt_row_metrics_t *metrics_of(dt_keyed_table_t *table, const dt_keyed_row_t *row)
{
    return table->measured ? &table->metrics[row - table->rows] : NULL;
}

/* Adds the measures of `from` to `into`, cells and pages from dst's budgets. */
static dt_status_t merge_metrics(dt_aggregate_t *dst, dt_row_metrics_t *into,
                                 const dt_row_metrics_t *from)
{
    if (dt_sketch_merge(&into->to_failure, &dst->pages, &from->to_failure) ||
        dt_timeline_merge(&into->active, &dst->cells, &from->active))
        return DT_ERR_NOMEM;
    return DT_OK;
}

/* Adds a keyed table's rows (in the order they were met) to another's; with
 * uncapped set, over its cap. */
static dt_status_t merge_table(dt_aggregate_t *dst, dt_keyed_table_t *into,
                               const dt_keyed_table_t *from, bool uncapped)
{
    size_t cap = into->index.cap;
    dt_status_t st = DT_OK;
    if (uncapped)
        into->index.cap = 0;
    for (size_t i = 0; i < from->nrows && st == DT_OK; i++) {
        const dt_keyed_row_t *row = &from->rows[i];
        dt_keyed_row_t *to = row->other ? dt_keyed_table_other(into)
                                        : dt_aggregate_keyed_row(dst, into, row->name,
                                                                 strlen(row->name));
        if (!to) {
            st = DT_ERR_NOMEM;
            break;
        }
        dt_counts_merge(&to->counts, &row->counts);
        if (to->other)
            into->overflow += row->counts.calls;
        else
            to->start = row->start;
        if (into->measured && from->measured)
            st = merge_metrics(dst, metrics_of(into, to), &from->metrics[i]);
    }
    into->index.cap = cap;
    into->last = SIZE_MAX;
    return st;
}

static size_t action_slot(const dt_aggregate_t *agg, size_t action)
{
    return action == DT_NO_ACTION ? agg->rules->nactions : action;
}

/* Counts a code row of another aggregate (or of this one, being folded) in
 * `to`: its failures, and its samples. */
static dt_status_t add_code_row(dt_aggregate_t *dst, dt_code_row_t *to, const dt_code_row_t *row)
{
    to->failed += row->failed;
    return merge_samples(dst, &to->samples, &to->nsamples, row->samples, row->nsamples);
}

/* Counts a code row in the overflow code row: its failures in code_overflow
 * and, for a row of its own key, in its action's share of the overflow (an
 * overflow row's shares are added as they are). Returns the overflow row. */
static dt_code_row_t *to_other(dt_aggregate_t *dst, const dt_code_row_t *row)
{
    dst->code_overflow += row->failed;
    dt_code_row_t *to = dt_aggregate_other_code(dst);
    if (to && !row->other &&
        dt_aggregate_other_action(dst, action_slot(dst, row->match.action), row->failed))
        return NULL;
    return to;
}

/* The row a code row of another aggregate is counted in: its key's, or the
 * overflow row (to_other) when the code table is full or it is one. */
static dt_code_row_t *code_row_for(dt_aggregate_t *dst, const dt_code_row_t *row)
{
    if (row->other)
        return to_other(dst, row);
    dt_call_t call = {.key = row->key, .match = &row->match,
                      .phrase = {row->phrase, strlen(row->phrase)}};
    dt_code_row_t *to = dt_aggregate_code_row(dst, &call);
    return to && to->other ? to_other(dst, row) : to;
}

static dt_status_t merge_codes(dt_aggregate_t *dst, const dt_aggregate_t *src, bool uncapped)
{
    size_t cap = dst->code_index.cap;
    dt_status_t st = DT_OK;
    if (uncapped)
        dst->code_index.cap = 0;
    for (size_t i = 0; i < src->ncodes && st == DT_OK; i++) {
        dt_code_row_t *to = code_row_for(dst, &src->codes[i]);
        st = to ? add_code_row(dst, to, &src->codes[i]) : DT_ERR_NOMEM;
    }
    dst->code_index.cap = cap;
    for (size_t a = 0; st == DT_OK && src->other_by_action && a <= src->rules->nactions; a++)
        if (src->other_by_action[a])
            st = dt_aggregate_other_action(dst, a, src->other_by_action[a]);
    return st;
}

static dt_status_t merge_actions(dt_aggregate_t *dst, const dt_aggregate_t *src)
{
    for (size_t a = 0; a <= src->rules->nactions; a++) {
        dst->failed_by_action[a] += src->failed_by_action[a];
        if (src->action_samples &&
            merge_samples(dst, &dst->action_samples[a], &dst->action_nsamples[a],
                          src->action_samples[a], src->action_nsamples[a]))
            return DT_ERR_NOMEM;
    }
    return DT_OK;
}

static dt_status_t merge_tables(dt_aggregate_t *dst, const dt_aggregate_t *src, bool uncapped)
{
    dt_keyed_table_t *into[] = {&dst->sbcs, &dst->times, &dst->groups, &dst->group_times};
    const dt_keyed_table_t *from[] = {&src->sbcs, &src->times, &src->groups, &src->group_times};
    for (size_t t = 0; t < sizeof into / sizeof into[0]; t++)
        if (merge_table(dst, into[t], from[t], uncapped))
            return DT_ERR_NOMEM;
    for (size_t i = 0; i < src->ntallies; i++) {
        dst->tallies[i].held += src->tallies[i].held;
        if (merge_table(dst, &dst->tallies[i].values, &src->tallies[i].values, uncapped))
            return DT_ERR_NOMEM;
    }
    if (merge_codes(dst, src, uncapped) || merge_actions(dst, src) ||
        merge_metrics(dst, &dst->total_metrics, &src->total_metrics))
        return DT_ERR_NOMEM;
    dst->undated_in_series += src->undated_in_series;
    dst->drilled += src->drilled;
    return DT_OK;
}

dt_status_t dt_aggregate_merge(dt_aggregate_t *dst, const dt_aggregate_t *src,
                               dt_merge_mode_t mode, dt_error_t *err)
{
    dt_status_t st = dt_aggregate_compatible(dst, src, err);
    if (st)
        return st;
    if (mode == DT_MERGE_SAME_INPUT && dst->ninputs && src->ninputs &&
        dst->inputs[dst->ninputs - 1].content.total && src->inputs[0].content.total)
        return dt_fail(err, DT_ERR_USAGE,
                       "%s: both parts hashed the input's bytes; a hash cannot be continued",
                       src->inputs[0].path);
    bool any = mode == DT_MERGE_ANY_ORDER;
    if (any && is_empty(src))
        return DT_OK;
    /* In any order, an empty side is neutral: src is taken as it is. */
    bool sort = any && !is_empty(dst);
    merge_totals(&dst->totals, &src->totals);
    if (merge_inputs(dst, src, mode, sort) || merge_skipped(dst, src, sort) ||
        merge_rejections(dst, src, sort) ||
        merge_notes(dst, src, sort) || merge_tables(dst, src, any))
        return nomem(err);
    return DT_OK;
}

/* ---- parts of an input counted apart ---- */

dt_status_t dt_aggregate_part(dt_aggregate_t *part, const dt_aggregate_t *whole)
{
    dt_status_t st = dt_aggregate_init(part, whole->rules, DT_PART_KEY_CAP);
    part->pages.pages_left = DT_PART_PAGES;
    const dt_input_stats_t *in = whole->ninputs ? &whole->inputs[whole->ninputs - 1] : NULL;
    if (st == DT_OK)
        st = dt_aggregate_configure(part, &whole->options);
    if (st == DT_OK && whole->tallies)
        st = dt_aggregate_tallies(part, whole->ntallies);
    if (st == DT_OK && in)
        st = dt_aggregate_begin_input(part, in->path);
    return st;
}

bool dt_aggregate_merge_exact(const dt_aggregate_t *agg, const dt_aggregate_t *part)
{
    const dt_keyed_table_t *tables[] = {&part->sbcs, &part->times, &part->groups,
                                        &part->group_times};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        if (tables[t]->other != SIZE_MAX)
            return false;
    for (size_t i = 0; i < part->ntallies; i++)
        if (part->tallies[i].values.other != SIZE_MAX)
            return false;
    size_t pages = DT_PART_PAGES - part->pages.pages_left;
    return part->code_other == SIZE_MAX && !part->options.concurrency &&
           pages < DT_PART_PAGES && pages <= agg->pages.pages_left;
}

/* ---- applying the caps ---- */

static int rank_keyed(const void *a, const void *b)
{
    return dt_keyed_row_rank(*(const dt_keyed_row_t *const *)a,
                             *(const dt_keyed_row_t *const *)b);
}

static int rank_codes(const void *a, const void *b)
{
    return dt_code_row_rank(*(const dt_code_row_t *const *)a, *(const dt_code_row_t *const *)b);
}

/* Marks in keep[] the rows that stay: the first `cap` of n rows (of size
 * bytes each) in rank order, overflow rows excepted (they rank last). */
static bool choose_kept(const void *rows, size_t n, size_t size, size_t cap,
                        int (*rank)(const void *, const void *), bool *keep)
{
    const char **ranked = malloc((n ? n : 1) * sizeof *ranked);
    if (!ranked)
        return false;
    for (size_t i = 0; i < n; i++)
        ranked[i] = (const char *)rows + i * size;
    qsort(ranked, n, sizeof *ranked, rank);
    memset(keep, 0, n * sizeof *keep);
    for (size_t i = 0; i < cap && i < n; i++)
        keep[(size_t)(ranked[i] - (const char *)rows) / size] = true;
    free(ranked);
    return true;
}

/* The number of rows of a table that are not its overflow row. */
static size_t keyed_rows(const dt_keyed_table_t *t)
{
    return t->nrows - (t->other != SIZE_MAX);
}

static dt_status_t fold_table(dt_aggregate_t *agg, dt_keyed_table_t *table)
{
    size_t cap = table->index.cap, n = table->nrows;
    if (!cap || keyed_rows(table) <= cap)
        return DT_OK;
    bool *keep = malloc(n * sizeof *keep);
    if (!keep || !choose_kept(table->rows, n, sizeof *table->rows, cap, rank_keyed, keep)) {
        free(keep);
        return DT_ERR_NOMEM;
    }
    /* The table again from empty: the kept rows in their order, the others
     * in the overflow row. */
    dt_keyed_row_t *rows = table->rows;
    dt_row_metrics_t *metrics = table->metrics;
    table->rows = NULL;
    table->metrics = NULL;
    table->nrows = table->rows_cap = table->metrics_cap = 0;
    table->other = table->last = SIZE_MAX;
    dt_map_free(&table->index);
    dt_map_init(&table->index, cap);
    dt_status_t st = DT_OK;
    for (int pass = 0; pass < 2; pass++) /* the kept rows, then the others */
        for (size_t i = 0; i < n && st == DT_OK; i++) {
            if (keep[i] != (pass == 0))
                continue;
            dt_keyed_row_t *to = keep[i] ? dt_aggregate_keyed_row(agg, table, rows[i].name,
                                                                  strlen(rows[i].name))
                                         : dt_keyed_table_other(table);
            if (!to) {
                st = DT_ERR_NOMEM;
            } else if (keep[i]) {
                *to = rows[i];
                if (metrics) { /* moved */
                    *metrics_of(table, to) = metrics[i];
                    memset(&metrics[i], 0, sizeof metrics[i]);
                }
            } else {
                dt_counts_merge(&to->counts, &rows[i].counts);
                table->overflow += rows[i].other ? 0 : rows[i].counts.calls;
                if (metrics)
                    st = merge_metrics(agg, metrics_of(table, to), &metrics[i]);
            }
        }
    table->last = SIZE_MAX;
    for (size_t i = 0; metrics && i < n; i++) {
        dt_sketch_free(&metrics[i].to_failure, &agg->pages);
        dt_timeline_free(&metrics[i].active, &agg->cells);
    }
    free(metrics);
    free(rows);
    free(keep);
    return st;
}

static dt_status_t fold_codes(dt_aggregate_t *agg)
{
    size_t cap = agg->code_index.cap, n = agg->ncodes;
    if (!cap || n - (agg->code_other != SIZE_MAX) <= cap)
        return DT_OK;
    bool *keep = malloc(n * sizeof *keep);
    if (!keep || !choose_kept(agg->codes, n, sizeof *agg->codes, cap, rank_codes, keep)) {
        free(keep);
        return DT_ERR_NOMEM;
    }
    dt_code_row_t *rows = agg->codes;
    agg->codes = NULL;
    agg->ncodes = agg->codes_cap = 0;
    agg->code_other = SIZE_MAX;
    dt_map_free(&agg->code_index);
    dt_map_init(&agg->code_index, cap);
    dt_status_t st = DT_OK;
    for (int pass = 0; pass < 2; pass++) /* the kept rows, then the others */
        for (size_t i = 0; i < n && st == DT_OK; i++) {
            dt_code_row_t *to;
            if (keep[i] != (pass == 0))
                continue;
            if (keep[i]) {
                to = dt_aggregate_code_row(agg, &(dt_call_t){.key = rows[i].key,
                                                             .match = &rows[i].match});
                if (to)
                    *to = rows[i];
            } else { /* an overflow row is in code_overflow and by action already */
                to = rows[i].other ? dt_aggregate_other_code(agg) : to_other(agg, &rows[i]);
                if (to)
                    st = add_code_row(agg, to, &rows[i]);
            }
            st = to ? st : DT_ERR_NOMEM;
        }
    free(rows);
    free(keep);
    return st;
}

dt_status_t dt_aggregate_fold(dt_aggregate_t *agg, dt_error_t *err)
{
    dt_keyed_table_t *tables[] = {&agg->sbcs, &agg->times, &agg->groups, &agg->group_times};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        if (fold_table(agg, tables[t]))
            return nomem(err);
    for (size_t i = 0; i < agg->ntallies; i++)
        if (fold_table(agg, &agg->tallies[i].values))
            return nomem(err);
    return fold_codes(agg) ? nomem(err) : DT_OK;
}
