/* table.c - the report's sections as tables of typed cells (dt_table.h):
 * one column list per table, shared by every tabular writer. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dt_table.h"
#include "dt_trend.h"


/* ---- cells ---- */

static void set_text(dt_cell_t *c, const char *text)
{
    c->kind = text ? DT_CELL_TEXT : DT_CELL_NONE;
    c->text = text;
}

static void set_uint(dt_cell_t *c, uint64_t value)
{
    c->kind = DT_CELL_UINT;
    c->uint = value;
}

/* A percentage rounded to `decimals` digits, as the JSON report writes it
 * (so a spreadsheet holds the same number); none when negative (no calls). */
static void set_fixed(dt_cell_t *c, double value, unsigned decimals)
{
    double scale = pow(10, decimals);
    c->kind = value < 0 ? DT_CELL_NONE : DT_CELL_FIXED;
    c->fixed = round(value * scale) / scale;
    c->decimals = decimals;
}

static void set_bool(dt_cell_t *c, bool value)
{
    c->kind = DT_CELL_BOOL;
    c->boolean = value;
}

const char *dt_cell_text(const dt_cell_t *cell, char buf[DT_NUMBER_MAX])
{
    switch (cell->kind) {
    case DT_CELL_TEXT:
    case DT_CELL_TIME: return cell->text ? cell->text : "";
    case DT_CELL_UINT: snprintf(buf, DT_NUMBER_MAX, "%" PRIu64, cell->uint); return buf;
    case DT_CELL_FIXED: return dt_format_fixed(buf, cell->fixed, cell->decimals);
    case DT_CELL_BOOL: return cell->boolean ? "true" : "false";
    case DT_CELL_NONE: break;
    }
    return "";
}

const char *dt_cell_label(const dt_cell_t *cell, char *buf, size_t cap)
{
    if (cell->kind == DT_CELL_TIME) {
        char date[DT_DATE_LABEL];
        dt_date_label(cell->epoch, !cell->day, date, sizeof date);
        snprintf(buf, cap, "%s%s", date, cell->partial ? " " DT_PARTIAL_MARK : "");
        return buf;
    }
    if (!cell->seconds || (cell->kind != DT_CELL_UINT && cell->kind != DT_CELL_FIXED))
        return NULL;
    char num[DT_NUMBER_MAX];
    snprintf(buf, cap, "%s",
             dt_format_duration(num, cell->kind == DT_CELL_UINT ? (double)cell->uint : cell->fixed));
    return buf;
}

/* ---- the summary: one row per figure, keyed by its place in the JSON ---- */

typedef struct {
    const char *key, *title;
    void (*get)(const dt_report_t *r, dt_cell_t *c);
    dt_show_t show; /* for people: always, never (the detail), or when not 0 */
} figure_t;

#define TOTAL(name, field)                                                 \
    static void name(const dt_report_t *r, dt_cell_t *c)                   \
    {                                                                      \
        set_uint(c, r->totals.field);                                      \
    }
TOTAL(get_rows, rows)
TOTAL(get_call_rows, call_rows)
TOTAL(get_duplicates, duplicates)
TOTAL(get_calls, counts.calls)
TOTAL(get_succeeded, counts.succeeded)
TOTAL(get_failed, counts.failed)
TOTAL(get_rejected, rejected)
TOTAL(get_excluded, excluded)
TOTAL(get_excluded_calls, excluded_calls)
TOTAL(get_undated, undated)
TOTAL(get_duplicate_calls, duplicate_calls)
TOTAL(get_failed_sbc, counts.failed_by_origin[DT_ORIGIN_SBC])
TOTAL(get_failed_microsoft, counts.failed_by_origin[DT_ORIGIN_MICROSOFT])
TOTAL(get_failed_unknown, counts.failed_by_origin[DT_ORIGIN_UNKNOWN])
#undef TOTAL

static void get_expected(const dt_report_t *r, dt_cell_t *c)
{
    set_uint(c, dt_counts_expected(&r->totals.counts));
}

static void get_ner(const dt_report_t *r, dt_cell_t *c)
{
    set_fixed(c, dt_ner_percent(r->totals.counts.effective, r->totals.counts.calls), 2);
}

/* The first and last dated bucket of the time series. */
static const dt_keyed_row_t *series_end(const dt_report_t *r, bool last)
{
    for (size_t i = 0; i < r->ntimes; i++) {
        const dt_keyed_row_t *row = r->times[last ? r->ntimes - 1 - i : i];
        if (!row->other)
            return row;
    }
    return NULL;
}

static void get_first(const dt_report_t *r, dt_cell_t *c)
{
    const dt_keyed_row_t *row = series_end(r, false);
    set_text(c, row ? row->name : NULL);
}

static void get_last(const dt_report_t *r, dt_cell_t *c)
{
    const dt_keyed_row_t *row = series_end(r, true);
    set_text(c, row ? row->name : NULL);
}

static void get_filters(const dt_report_t *r, dt_cell_t *c)
{
    set_text(c, r->filters);
}

static void set_time(dt_cell_t *c, bool has, int64_t epoch)
{
    c->kind = DT_CELL_NONE;
    if (!has)
        return;
    dt_date_format(epoch, c->buf, sizeof c->buf);
    c->kind = DT_CELL_TIME;
    c->text = c->buf;
    c->epoch = epoch;
}

static void get_first_start(const dt_report_t *r, dt_cell_t *c)
{
    set_time(c, r->has_span, r->first);
}

static void get_last_start(const dt_report_t *r, dt_cell_t *c)
{
    set_time(c, r->has_span, r->last);
}

static void get_faults(const dt_report_t *r, dt_cell_t *c)
{
    set_uint(c, r->totals.counts.failed - dt_counts_expected(&r->totals.counts));
}

static void get_skipped(const dt_report_t *r, dt_cell_t *c)
{
    set_uint(c, r->nskipped);
}

static void get_gates_breached(const dt_report_t *r, dt_cell_t *c)
{
    size_t breached;
    if (dt_report_gate_counts(r, &breached, NULL))
        set_uint(c, breached);
}

static void get_gates_judged(const dt_report_t *r, dt_cell_t *c)
{
    size_t judged;
    if (dt_report_gate_counts(r, NULL, &judged))
        set_uint(c, judged);
}

/* The measures over all calls: none when they were not counted. */
static void measure_cell(const dt_report_t *r, const dt_counts_t *k, const dt_row_stats_t *st,
                         size_t col, dt_cell_t *c);
enum { MEASURE_ACD_CALLS, MEASURE_ACD, MEASURE_SHORT_CALLS, MEASURE_SHORT_SHARE,
       MEASURE_TO_FAILURE_CALLS, MEASURE_TO_FAILURE_MEDIAN, MEASURE_TO_FAILURE_P95,
       MEASURE_PEAK, MEASURE_PEAK_AT, MEASURE_LIMIT, MEASURE_USE, MEASURE_NEAR_LIMIT,
       MEASURE_UNTRACKED, NMEASURES };
#define NDURATION_MEASURES MEASURE_PEAK /* the columns before the concurrency's */

#define TOTAL_MEASURE(name, col)                                                     \
    static void name(const dt_report_t *r, dt_cell_t *c)                             \
    {                                                                                \
        measure_cell(r, &r->totals.counts, &r->total_stats, col, c);                 \
    }
TOTAL_MEASURE(get_acd_calls, MEASURE_ACD_CALLS)
TOTAL_MEASURE(get_acd, MEASURE_ACD)
TOTAL_MEASURE(get_short_calls, MEASURE_SHORT_CALLS)
TOTAL_MEASURE(get_to_failure_calls, MEASURE_TO_FAILURE_CALLS)
TOTAL_MEASURE(get_to_failure_median, MEASURE_TO_FAILURE_MEDIAN)
TOTAL_MEASURE(get_to_failure_p95, MEASURE_TO_FAILURE_P95)
TOTAL_MEASURE(get_peak, MEASURE_PEAK)
#undef TOTAL_MEASURE

static const figure_t figures[] = {
    {"totals.rows", "Rows read", get_rows, DT_SHOW_ALWAYS},
    {"totals.call_rows", "Rows counted as calls", get_call_rows, DT_SHOW_DETAIL},
    {"totals.calls", "Calls analysed", get_calls, DT_SHOW_ALWAYS},
    {"totals.succeeded", "Succeeded", get_succeeded, DT_SHOW_ALWAYS},
    {"totals.failed", "Failed", get_failed, DT_SHOW_ALWAYS},
    {"totals.failed_expected", "Expected endings (not faults)", get_expected, DT_SHOW_ALWAYS},
    {"totals.ner", "NER %", get_ner, DT_SHOW_ALWAYS},
    {"by_origin.sbc", "Failed, SBC origin", get_failed_sbc, DT_SHOW_ALWAYS},
    {"by_origin.microsoft", "Failed, Microsoft origin", get_failed_microsoft, DT_SHOW_ALWAYS},
    {"by_origin.unknown", "Failed, unknown origin", get_failed_unknown, DT_SHOW_ALWAYS},
    {"totals.rejected", "Rows rejected", get_rejected, DT_SHOW_ALWAYS},
    {"totals.excluded", "Rows excluded (filters, non-PSTN streams)", get_excluded, DT_SHOW_PRESENT},
    {"totals.duplicates", "Duplicate rows dropped (--dedupe)", get_duplicates, DT_SHOW_PRESENT},
    {"by_time.first", "First period (UTC)", get_first, DT_SHOW_DETAIL},
    {"by_time.last", "Last period (UTC)", get_last, DT_SHOW_DETAIL},
    {"filters", "Filters", get_filters, DT_SHOW_ALWAYS},
    {"totals.first_start", "First call (UTC)", get_first_start, DT_SHOW_DETAIL},
    {"totals.last_start", "Last call (UTC)", get_last_start, DT_SHOW_DETAIL},
    {"faults", "Faults (failed, not expected endings)", get_faults, DT_SHOW_ALWAYS},
    {"totals.excluded_calls", "Calls in the excluded rows", get_excluded_calls, DT_SHOW_DETAIL},
    {"totals.undated", "Excluded rows without a readable start time", get_undated, DT_SHOW_DETAIL},
    {"totals.duplicate_calls", "Calls in the duplicate rows", get_duplicate_calls, DT_SHOW_DETAIL},
    {"skipped", "Files skipped (no call records)", get_skipped, DT_SHOW_PRESENT},
    {"totals.acd_calls", "Answered calls with a duration", get_acd_calls, DT_SHOW_DETAIL},
    {"totals.acd", "ACD", get_acd, DT_SHOW_ALWAYS},
    {"totals.short_calls", "Short calls (under " DT_STR(DT_SHORT_CALL_SECONDS) " s)", get_short_calls, DT_SHOW_DETAIL},
    {"totals.to_failure_calls", "Failed calls with a time to failure", get_to_failure_calls, DT_SHOW_DETAIL},
    {"totals.to_failure_median", "Time to failure, median", get_to_failure_median, DT_SHOW_ALWAYS},
    {"totals.to_failure_p95", "Time to failure, p95", get_to_failure_p95, DT_SHOW_ALWAYS},
    {"totals.concurrency.peak", "Peak concurrent calls", get_peak, DT_SHOW_ALWAYS},
    {"gates.breached", "Gates breached", get_gates_breached, DT_SHOW_ALWAYS},
    {"gates.judged", "Gates judged", get_gates_judged, DT_SHOW_DETAIL},
};
#define NFIGURES (sizeof figures / sizeof figures[0])

static const dt_column_t summary_columns[] = {
    {"key", "Key", DT_CELL_TEXT, DT_SHOW_DETAIL, false, NULL},
    {"metric", "Metric", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"value", "Value", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
};

static void summary_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    if (col == 0)
        set_text(c, figures[row].key);
    else if (col == 1)
        set_text(c, figures[row].title);
    else
        figures[row].get(t->report, c);
}

/* ---- actions ---- */

static const dt_column_t action_columns[] = {
    {"action", "Action", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"title", "What to do", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"owner", "Owner", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"expected", "Expected ending", DT_CELL_BOOL, DT_SHOW_DETAIL, false, NULL},
    {"failed", "Failed calls", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"share", "% of failed", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
};

static void action_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    const dt_report_t *r = t->report;
    const dt_action_row_t *a = &r->actions[row];
    const dt_action_t *rule = dt_report_action(r, a->action);
    switch (col) {
    case 0: set_text(c, dt_report_action_id(r, a->action)); break;
    case 1: set_text(c, rule ? rule->title : NULL); break;
    case 2: set_text(c, rule ? dt_owner_name(rule->owner) : NULL); break;
    case 3: set_bool(c, rule && rule->expected); break;
    case 4: set_uint(c, a->failed); break;
    default: set_fixed(c, dt_percent(a->failed, r->totals.counts.failed), 1);
    }
}

/* ---- codes ---- */

static const dt_column_t code_columns[] = {
    {"sip", "SIP", DT_CELL_UINT, DT_SHOW_ALWAYS, true, NULL},
    {"ms", "Microsoft code", DT_CELL_UINT, DT_SHOW_ALWAYS, true, NULL},
    {"phrase", "Phrase", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"origin", "Origin", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"action", "Action", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"known", "Documented", DT_CELL_BOOL, DT_SHOW_DETAIL, false, NULL},
    {"level", "Matched by", DT_CELL_TEXT, DT_SHOW_DETAIL, false, NULL},
    {"failed", "Failed calls", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"samples", "Sample correlation ids", DT_CELL_TEXT, DT_SHOW_PRESENT, false, NULL},
};

#define OTHER_CODES_LABEL "(other codes, beyond the table limit)"

/* The row's sample correlation ids, separated by spaces. */
static void join_samples(const dt_code_row_t *row, dt_cell_t *c)
{
    size_t n = 0;
    c->buf[0] = '\0';
    for (size_t i = 0; i < row->nsamples && n + 1 < sizeof c->buf; i++) {
        int k = snprintf(c->buf + n, sizeof c->buf - n, "%s%s", i ? " " : "",
                         row->samples[i].correlation ? row->samples[i].correlation : "");
        n += k > 0 ? (size_t)k : 0;
    }
    set_text(c, row->nsamples ? c->buf : NULL);
}

static void code_cell(const dt_table_t *t, size_t row_index, size_t col, dt_cell_t *c)
{
    const dt_report_t *r = t->report;
    const dt_code_row_t *row = r->codes[row_index];
    c->kind = DT_CELL_NONE;
    switch (col) {
    case 0: if (!row->other && row->key.has_sip) set_uint(c, row->key.sip); break;
    case 1: if (!row->other && row->key.has_ms) set_uint(c, row->key.ms); break;
    case 2: set_text(c, row->other ? OTHER_CODES_LABEL : dt_report_code_phrase(r, row)); break;
    case 3: if (!row->other) set_text(c, dt_origin_name(row->match.origin)); break;
    case 4: if (!row->other) set_text(c, dt_report_action_id(r, row->match.action)); break;
    case 5: set_bool(c, !row->other && row->match.known); break;
    case 6: if (!row->other) set_text(c, dt_match_level_name(row->match.level)); break;
    case 7: set_uint(c, row->failed); break;
    default: join_samples(row, c);
    }
}

/* ---- the Health Dashboard's measures: keyed rows' ACD, short calls, time
 * to failure and (SBC rows) concurrency ---- */

static const dt_column_t measure_columns[NMEASURES] = {
    {"acd_calls", "Answered", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"acd", "ACD", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
    {"short_calls", "Short calls", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"short_share", "Short %", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
    {"to_failure_calls", "Failures timed", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"to_failure_median", "To failure, median", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"to_failure_p95", "To failure, p95", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"concurrency.peak", "Peak calls", DT_CELL_UINT, DT_SHOW_PRESENT, false, NULL},
    {"concurrency.at", "Peak at (UTC)", DT_CELL_TIME, DT_SHOW_PRESENT, false, NULL},
    {"concurrency.limit", "Session limit", DT_CELL_UINT, DT_SHOW_PRESENT, false, NULL},
    {"concurrency.use", "Peak % of limit", DT_CELL_FIXED, DT_SHOW_PRESENT, false, NULL},
    {"concurrency.near_limit", "Near the limit", DT_CELL_BOOL, DT_SHOW_PRESENT, false, NULL},
    {"concurrency.untracked", "Calls beyond the cap", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
};

/* Column col of measure_columns for a row's counters and stats; none where
 * the JSON report has null (not measured, no answered or timed call, no
 * peak). */
static void measure_cell(const dt_report_t *r, const dt_counts_t *k, const dt_row_stats_t *st,
                         size_t col, dt_cell_t *c)
{
    c->kind = DT_CELL_NONE;
    if (!r->measured)
        return;
    bool timed = st && st->to_failure_calls, peak = st && st->has_peak;
    switch (col) {
    case MEASURE_ACD_CALLS: set_uint(c, k->acd_calls); break;
    case MEASURE_ACD: if (k->acd_calls) set_fixed(c, dt_acd_seconds(k), 1); break;
    case MEASURE_SHORT_CALLS: set_uint(c, k->short_calls); break;
    case MEASURE_SHORT_SHARE: set_fixed(c, dt_percent(k->short_calls, k->acd_calls), 1); break;
    case MEASURE_TO_FAILURE_CALLS: if (st) set_uint(c, st->to_failure_calls); break;
    case MEASURE_TO_FAILURE_MEDIAN: if (timed) set_uint(c, st->to_failure_median); break;
    case MEASURE_TO_FAILURE_P95: if (timed) set_uint(c, st->to_failure_p95); break;
    case MEASURE_PEAK: if (peak) set_uint(c, st->peak); break;
    case MEASURE_PEAK_AT: set_time(c, peak && st->peak, peak ? st->peak_at : 0); break;
    case MEASURE_LIMIT: if (peak && st->limit) set_uint(c, st->limit); break;
    case MEASURE_USE: if (peak && st->limit) set_fixed(c, dt_percent(st->peak, st->limit), 1); break;
    case MEASURE_NEAR_LIMIT: if (peak) set_bool(c, st->near_limit); break;
    default: if (peak) set_uint(c, st->untracked);
    }
    c->seconds = col == MEASURE_ACD || col == MEASURE_TO_FAILURE_MEDIAN ||
                 col == MEASURE_TO_FAILURE_P95;
}

static size_t nmeasures(const dt_table_t *t)
{
    return t->id == DT_TABLE_SBC_METRICS ? NMEASURES : NDURATION_MEASURES;
}

/* ---- SBCs, times, groups: keyed rows with the same counts ---- */

static const dt_column_t count_columns[] = {
    {"calls", "Calls", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"succeeded", "Succeeded", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"failed", "Failed", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"failed_sbc", "Failed (SBC)", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"failed_microsoft", "Failed (Microsoft)", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"failed_unknown", "Failed (unknown)", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"effective", "Effective", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"ner", "NER %", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
};
#define NCOUNTS (sizeof count_columns / sizeof count_columns[0])

static void count_cell(const dt_keyed_row_t *row, size_t col, dt_cell_t *c)
{
    const dt_counts_t *k = &row->counts;
    switch (col) {
    case 0: set_uint(c, k->calls); break;
    case 1: set_uint(c, k->succeeded); break;
    case 2: set_uint(c, k->failed); break;
    case 3: set_uint(c, k->failed_by_origin[DT_ORIGIN_SBC]); break;
    case 4: set_uint(c, k->failed_by_origin[DT_ORIGIN_MICROSOFT]); break;
    case 5: set_uint(c, k->failed_by_origin[DT_ORIGIN_UNKNOWN]); break;
    case 6: set_uint(c, k->effective); break;
    default: set_fixed(c, dt_ner_percent(k->effective, k->calls), 2);
    }
}

/* What a keyed table's rows are keyed by. */
typedef enum { BY_SBC, BY_TIME, BY_GROUP, BY_GROUP_TIME } key_kind_t;

static key_kind_t key_kind(dt_table_id_t id)
{
    switch (id) {
    case DT_TABLE_SBCS:
    case DT_TABLE_SBC_METRICS: return BY_SBC;
    case DT_TABLE_TIMES:
    case DT_TABLE_TIME_METRICS: return BY_TIME;
    case DT_TABLE_GROUP_TIMES: return BY_GROUP_TIME;
    default: return BY_GROUP;
    }
}

static const dt_keyed_row_t *const *keyed_rows(const dt_report_t *r, dt_table_id_t id)
{
    switch (id) {
    case DT_TABLE_SBCS:
    case DT_TABLE_SBC_METRICS: return r->sbcs;
    case DT_TABLE_TIMES:
    case DT_TABLE_TIME_METRICS: return r->times;
    case DT_TABLE_GROUP_TIMES: return r->group_times;
    default: return r->groups;
    }
}

/* Key columns before the values: one for SBCs and times, one per --group-by
 * column, and the start after them for group times. */
static size_t key_columns(const dt_table_t *t)
{
    key_kind_t k = key_kind(t->id);
    return k == BY_GROUP ? t->report->ngroup_columns
           : k == BY_GROUP_TIME ? t->report->ngroup_columns + 1
                                : 1;
}

/* Value columns after the keys: the counts (and a time row's partial), or the measures. */
static size_t value_columns(const dt_table_t *t)
{
    switch (t->id) {
    case DT_TABLE_SBC_METRICS:
    case DT_TABLE_TIME_METRICS:
    case DT_TABLE_GROUP_METRICS: return nmeasures(t);
    case DT_TABLE_TIMES:
    case DT_TABLE_GROUP_TIMES: return NCOUNTS + 1;
    default: return NCOUNTS;
    }
}

static bool is_metrics(const dt_table_t *t)
{
    return t->id == DT_TABLE_SBC_METRICS || t->id == DT_TABLE_TIME_METRICS ||
           t->id == DT_TABLE_GROUP_METRICS;
}

static const dt_column_t partial_column = {"partial", "Partial period", DT_CELL_BOOL,
                                           DT_SHOW_DETAIL, false, NULL};

/* The group row's value for column `col`: the col-th field of its name. */
static void group_value(const dt_keyed_row_t *row, size_t col, dt_cell_t *c)
{
    const char *p = row->name ? row->name : "";
    for (size_t i = 0; i < col && p; i++) {
        p = strchr(p, DT_GROUP_SEPARATOR);
        p = p ? p + 1 : NULL;
    }
    if (!p) {
        set_text(c, "");
        return;
    }
    size_t len = strcspn(p, (char[]){DT_GROUP_SEPARATOR, '\0'});
    if (len >= sizeof c->buf)
        len = sizeof c->buf - 1;
    memcpy(c->buf, p, len);
    c->buf[len] = '\0';
    set_text(c, c->buf);
}

static void keyed_cell(const dt_table_t *t, size_t row_index, size_t col, dt_cell_t *c)
{
    const dt_keyed_row_t *row = keyed_rows(t->report, t->id)[row_index];
    size_t keys = key_columns(t);
    key_kind_t kind = key_kind(t->id);
    if (col >= keys && is_metrics(t))
        measure_cell(t->report, &row->counts, row->stats, col - keys, c);
    else if (col >= keys + NCOUNTS)
        set_bool(c, row->partial);
    else if (col >= keys)
        count_cell(row, col - keys, c);
    else if (row->other)
        set_text(c, col == 0 ? "(other, beyond the table limit)" : "");
    else if (kind == BY_TIME || (kind == BY_GROUP_TIME && col == keys - 1)) {
        set_time(c, true, row->start);
        c->day = t->report->bucket != DT_BUCKET_HOUR;
        c->partial = row->partial;
    }
    else if (kind == BY_GROUP || kind == BY_GROUP_TIME)
        group_value(row, col, c);
    else if (!*row->name)
        set_text(c, NULL);
    else
        set_text(c, row->name);
}

/* ---- the gates ---- */

static const dt_column_t gate_columns[] = {
    {"verdict", "Verdict", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"expr", "Gate", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"metric", "Metric", DT_CELL_TEXT, DT_SHOW_DETAIL, false, NULL},
    {"sbc", "SBC", DT_CELL_TEXT, DT_SHOW_PRESENT, false, NULL},
    {"value", "Value", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
    {"limit", "Limit", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
    {"unit", "Unit", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"denominator", "Out of", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"judged", "Judged", DT_CELL_BOOL, DT_SHOW_DETAIL, false, NULL},
    {"breached", "Breached", DT_CELL_BOOL, DT_SHOW_DETAIL, false, NULL},
    {"why", "What was measured", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
};

/* The fewest decimals (up to 4) that write a limit exactly, as the JSON does. */
static unsigned limit_decimals(double v)
{
    unsigned d = 0;
    while (d < 4 && fabs(v * pow(10, d) - round(v * pow(10, d))) > 1e-9)
        d++;
    return d;
}

static void gate_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    const dt_gate_result_t *g = &t->report->gates[row];
    bool count = strcmp(g->unit, "count") == 0;
    switch (col) {
    case 0: set_text(c, dt_report_gate_verdict(g)); break;
    case 1: set_text(c, g->expr); break;
    case 2: set_text(c, g->metric); break;
    case 3: set_text(c, g->sbc); break;
    case 4: if (g->has_value) set_fixed(c, g->value, count ? 0 : 2); break;
    case 5: set_fixed(c, g->limit, limit_decimals(g->limit)); break;
    case 6: set_text(c, g->unit); break;
    case 7: set_uint(c, g->denominator); break;
    case 8: set_bool(c, g->judged); break;
    case 9: set_bool(c, g->breached); break;
    default: set_text(c, g->why);
    }
}

/* ---- notes: the filters' matches, the rejected rows, the notes ---- */

static const dt_column_t note_columns[] = {
    {"section", "Section", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"text", "Text", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"calls", "Calls", DT_CELL_UINT, DT_SHOW_PRESENT, false, NULL},
};

static size_t filter_rows(const dt_report_t *r)
{
    return r->nfilter_matches;
}

static void note_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    const dt_report_t *r = t->report;
    size_t filters = filter_rows(r), rejected = r->nrejections;
    dt_section_t section;
    if (row < filters) {
        const dt_filter_match_t *m = &r->filter_matches[row];
        section = DT_SECTION_FILTERS;
        if (col == 1)
            set_text(c, dt_report_filter_line(m, c->buf, sizeof c->buf));
        else if (col == 2)
            set_uint(c, m->calls);
    } else if (row < filters + rejected) {
        const dt_rejection_t *rej = &r->rejections[row - filters];
        section = DT_SECTION_REJECTED;
        if (col == 1) {
            snprintf(c->buf, sizeof c->buf, "%s:%" PRIu64 ": %s", rej->path ? rej->path : "",
                     rej->line, rej->reason);
            set_text(c, c->buf);
        }
    } else {
        section = DT_SECTION_NOTES;
        if (col == 1)
            set_text(c, r->notes[row - filters - rejected]);
    }
    if (col == 0)
        set_text(c, dt_sections[section].key);
}

/* ---- inputs: those read, then those skipped ---- */

static const dt_column_t input_columns[] = {
    {"path", "Input", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"family", "Export", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"rows", "Rows", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"call_rows", "Call rows", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"calls", "Calls", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"rejected", "Rejected", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"excluded", "Excluded", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"duplicates", "Duplicates", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"skipped", "Skipped because", DT_CELL_TEXT, DT_SHOW_PRESENT, false, NULL},
};

static void input_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    const dt_report_t *r = t->report;
    if (row >= r->ninputs) {
        const dt_skipped_t *sk = &r->skipped[row - r->ninputs];
        if (col == 0)
            set_text(c, sk->path);
        else if (col == 8) {
            snprintf(c->buf, sizeof c->buf, "%s: %s", sk->kind, sk->reason);
            set_text(c, c->buf);
        }
        return;
    }
    const dt_input_stats_t *in = &r->inputs[row];
    const uint64_t counts[] = {in->rows, in->call_rows, in->calls, in->rejected, in->excluded,
                               in->duplicates};
    if (col == 0)
        set_text(c, in->path ? in->path : "");
    else if (col == 1)
        set_text(c, dt_family_name(in->family));
    else if (col < 8)
        set_uint(c, counts[col - 2]);
}

/* ---- the trend: its days, and the rises tested (drtriage trend) ---- */

static void set_day(dt_cell_t *c, int64_t day)
{
    set_text(c, dt_date_format_day(day, c->buf));
}

static const dt_column_t trend_columns[] = {
    {"day", "Day (UTC)", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"window", "In the window", DT_CELL_BOOL, DT_SHOW_ALWAYS, false, NULL},
    {"data", "Has data", DT_CELL_BOOL, DT_SHOW_ALWAYS, false, NULL},
    {"calls", "Calls", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"failed", "Failed", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"ner", "NER %", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
    {"faults_sbc", "Faults (SBC)", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"faults_microsoft", "Faults (Microsoft)", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"faults_unknown", "Faults (unknown)", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"most_faults", "Most faults", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
};

static void trend_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    const dt_trend_day_t *day = &t->report->trend->days[row];
    const dt_counts_t *k = &day->counts;
    switch (col) {
    case 0: set_day(c, day->day); break;
    case 1: set_bool(c, day->window); break;
    case 2: set_bool(c, day->has_data); break;
    case 3: set_uint(c, k->calls); break;
    case 4: set_uint(c, k->failed); break;
    case 5: set_fixed(c, dt_ner_percent(k->effective, k->calls), 2); break;
    case 6: set_uint(c, dt_counts_faults(k, DT_ORIGIN_SBC)); break;
    case 7: set_uint(c, dt_counts_faults(k, DT_ORIGIN_MICROSOFT)); break;
    case 8: set_uint(c, dt_counts_faults(k, DT_ORIGIN_UNKNOWN)); break;
    default:
        dt_trend_day_actions(t->report, day, c->buf, sizeof c->buf);
        set_text(c, c->buf);
    }
}

static const dt_column_t change_columns[] = {
    {"kind", "Change", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"significant", "Significant", DT_CELL_BOOL, DT_SHOW_ALWAYS, false, NULL},
    {"action", "Action", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"ms", "Microsoft code", DT_CELL_UINT, DT_SHOW_ALWAYS, true, NULL},
    {"sip", "SIP", DT_CELL_UINT, DT_SHOW_ALWAYS, true, NULL},
    {"phrase", "Phrase", DT_CELL_TEXT, DT_SHOW_DETAIL, false, NULL},
    {"sbc", "SBC", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"baseline_count", "Baseline count", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"baseline_percent", "Baseline % of calls", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
    {"window_count", "Window count", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"window_percent", "Window % of calls", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
    {"excess", "Beyond the baseline rate", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
    {"p_value", "p-value", DT_CELL_TEXT, DT_SHOW_DETAIL, false, NULL},
    {"since", "Since", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"until", "Until", DT_CELL_TEXT, DT_SHOW_DETAIL, false, NULL},
    {"ongoing", "Ongoing", DT_CELL_BOOL, DT_SHOW_ALWAYS, false, NULL},
};

static void change_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    const dt_report_t *r = t->report;
    const dt_change_t *ch = &r->trend->changes[row];
    bool code = ch->kind == DT_CHANGE_CODE || ch->kind == DT_CHANGE_NEW_CODE;
    switch (col) {
    case 0: set_text(c, dt_change_kind_name(ch->kind)); break;
    case 1: set_bool(c, ch->significant); break;
    case 2: if (ch->kind != DT_CHANGE_SBC) set_text(c, dt_report_action_id(r, ch->action)); break;
    case 3: if (code && ch->key.has_ms) set_uint(c, ch->key.ms); break;
    case 4: if (code && ch->key.has_sip) set_uint(c, ch->key.sip); break;
    case 5: if (code) set_text(c, ch->phrase); break;
    case 6: if (ch->kind == DT_CHANGE_SBC) set_text(c, ch->sbc); break;
    case 7: set_uint(c, ch->baseline.count); break;
    case 8: set_fixed(c, dt_percent(ch->baseline.count, ch->baseline.calls), 4); break;
    case 9: set_uint(c, ch->window.count); break;
    case 10: set_fixed(c, dt_percent(ch->window.count, ch->window.calls), 4); break;
    case 11: set_fixed(c, (double)ch->window.count - ch->expected, 1); break;
    case 12:
        snprintf(c->buf, sizeof c->buf, "%.3g", ch->p_value);
        set_text(c, c->buf);
        break;
    case 13: set_day(c, ch->since); break;
    case 14: set_day(c, ch->until); break;
    default: set_bool(c, ch->ongoing);
    }
}

/* ---- the tables ---- */

typedef struct {
    dt_table_id_t id;
    dt_section_t section;
    const char *name;
    const dt_column_t *columns; /* NULL for keyed tables: key columns + count_columns */
    size_t ncolumns;
    void (*cell)(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c);
} table_def_t;

#define COLUMNS(list) list, sizeof list / sizeof list[0]
static const table_def_t tables[] = {
    {DT_TABLE_SUMMARY, DT_SECTION_TOTALS, "summary", COLUMNS(summary_columns), summary_cell},
    {DT_TABLE_ACTIONS, DT_SECTION_ACTIONS, "actions", COLUMNS(action_columns), action_cell},
    {DT_TABLE_CODES, DT_SECTION_CODES, "codes", COLUMNS(code_columns), code_cell},
    {DT_TABLE_SBCS, DT_SECTION_SBCS, "sbc", NULL, 0, keyed_cell},
    {DT_TABLE_TIMES, DT_SECTION_TIMES, "time", NULL, 0, keyed_cell},
    {DT_TABLE_GROUPS, DT_SECTION_GROUPS, "group", NULL, 0, keyed_cell},
    {DT_TABLE_GATES, DT_SECTION_GATES, "gates", COLUMNS(gate_columns), gate_cell},
    {DT_TABLE_SBC_METRICS, DT_SECTION_SBCS, "metrics", NULL, 0, keyed_cell},
    {DT_TABLE_TIME_METRICS, DT_SECTION_TIMES, "time-metrics", NULL, 0, keyed_cell},
    {DT_TABLE_GROUP_METRICS, DT_SECTION_GROUPS, "group-metrics", NULL, 0, keyed_cell},
    {DT_TABLE_GROUP_TIMES, DT_SECTION_GROUP_TIMES, "group-time", NULL, 0, keyed_cell},
    {DT_TABLE_NOTES, DT_SECTION_NOTES, "notes", COLUMNS(note_columns), note_cell},
    {DT_TABLE_INPUTS, DT_SECTION_INPUTS, "inputs", COLUMNS(input_columns), input_cell},
    {DT_TABLE_TREND, DT_SECTION_TREND, "trend", COLUMNS(trend_columns), trend_cell},
    {DT_TABLE_CHANGES, DT_SECTION_CHANGES, "changes", COLUMNS(change_columns), change_cell},
};
#undef COLUMNS
#define NTABLES (sizeof tables / sizeof tables[0])

_Static_assert(NTABLES == DT_TABLE_COUNT, "one definition per table, in dt_table_id_t order");

static const table_def_t *find_def(dt_table_id_t id)
{
    return (unsigned)id < NTABLES ? &tables[id] : NULL;
}

const char *dt_table_name(dt_table_id_t id)
{
    const table_def_t *def = find_def(id);
    return def ? def->name : NULL;
}

bool dt_table_parse(const char *name, dt_table_id_t *id)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (strcmp(tables[i].name, name) == 0) {
            *id = tables[i].id;
            return true;
        }
    return false;
}

bool dt_table_open(dt_table_t *t, const dt_report_t *report, dt_table_id_t id)
{
    const table_def_t *def = find_def(id);
    if (!def || ((id == DT_TABLE_TREND || id == DT_TABLE_CHANGES) && !report->trend))
        return false;
    *t = (dt_table_t){.report = report, .id = id, .section = def->section, .name = def->name,
                      .title = dt_sections[def->section].title};
    switch (id) {
    case DT_TABLE_SUMMARY: t->nrows = NFIGURES; break;
    case DT_TABLE_TREND: t->nrows = report->trend->ndays; break;
    case DT_TABLE_CHANGES: t->nrows = report->trend->nchanges; break;
    case DT_TABLE_ACTIONS: t->nrows = report->nactions; break;
    case DT_TABLE_CODES: t->nrows = report->ncodes; break;
    case DT_TABLE_SBCS: t->nrows = report->nsbcs; break;
    case DT_TABLE_TIMES:
    case DT_TABLE_TIME_METRICS: t->nrows = report->ntimes; break;
    case DT_TABLE_GATES: t->nrows = report->ngates; break;
    case DT_TABLE_SBC_METRICS: t->nrows = report->nsbcs; break;
    case DT_TABLE_GROUP_TIMES: t->nrows = report->ngroup_times; break;
    case DT_TABLE_INPUTS: t->nrows = report->ninputs + report->nskipped; break;
    case DT_TABLE_NOTES:
        t->nrows = filter_rows(report) + report->nrejections + report->nnotes;
        break;
    default: t->nrows = report->ngroups; break;
    }
    t->ncolumns = def->columns ? def->ncolumns : key_columns(t) + value_columns(t);
    return true;
}

dt_column_t dt_table_column(const dt_table_t *t, size_t col)
{
    const table_def_t *def = find_def(t->id);
    if (def->columns)
        return def->columns[col];
    size_t keys = key_columns(t);
    if (col >= keys && is_metrics(t))
        return measure_columns[col - keys];
    if (col >= keys + NCOUNTS)
        return partial_column;
    if (col >= keys)
        return count_columns[col - keys];
    switch (key_kind(t->id)) {
    case BY_SBC: return (dt_column_t){"sbc", "SBC", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, "(no SBC)"};
    case BY_TIME: return (dt_column_t){"start", "Period start (UTC)", DT_CELL_TIME, DT_SHOW_ALWAYS, false, NULL};
    default: {
        if (col == t->report->ngroup_columns) /* a group time's start */
            return (dt_column_t){"start", "Period start (UTC)", DT_CELL_TIME, DT_SHOW_ALWAYS, false, NULL};
        const char *name = t->report->group_columns[col];
        return (dt_column_t){name, name, DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL};
    }
    }
}

bool dt_table_row_shown(const dt_table_t *t, size_t row)
{
    if (t->id != DT_TABLE_SUMMARY)
        return true;
    dt_cell_t cell;
    dt_table_cell(t, row, 2, &cell);
    switch (figures[row].show) {
    case DT_SHOW_DETAIL: return false;
    case DT_SHOW_PRESENT: return cell.kind != DT_CELL_NONE && !(cell.kind == DT_CELL_UINT && !cell.uint);
    default: return cell.kind != DT_CELL_NONE;
    }
}

bool dt_table_column_shown(const dt_table_t *t, size_t col)
{
    dt_column_t column = dt_table_column(t, col);
    if (column.show != DT_SHOW_PRESENT)
        return column.show == DT_SHOW_ALWAYS;
    dt_cell_t cell;
    for (size_t row = 0; row < t->nrows; row++) {
        dt_table_cell(t, row, col, &cell);
        if (cell.kind != DT_CELL_NONE)
            return true;
    }
    return false;
}

void dt_table_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *cell)
{
    cell->kind = DT_CELL_NONE;
    cell->text = NULL;
    cell->seconds = cell->day = cell->partial = false;
    find_def(t->id)->cell(t, row, col, cell);
}
