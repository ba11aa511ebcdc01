/* write_json.c - the machine-readable report: one JSON object, 2-space
 * indented, format documented in docs/json-format.md (schema_version 1).
 * Unlike the text report it is never cut by `top`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_trend.h"
#include "dt_writer.h"

/* NER as a number with two decimals, or null without calls. */
static void j_ner(dt_json_t *j, const char *key, uint64_t effective, uint64_t calls)
{
    dt_json_fixed(j, key, dt_ner_percent(effective, calls), 2);
}

/* The Health Dashboard's measures of a row (null where not counted): ACD and
 * short calls from its counters, time to failure and the concurrency peak
 * from its stats. */
static void write_measures(dt_json_t *j, const dt_report_t *r, const dt_counts_t *c,
                           const dt_row_stats_t *st)
{
    if (!r->measured) {
        static const char *const keys[] = {"acd_calls", "acd", "short_calls", "to_failure_calls",
                                           "to_failure_median", "to_failure_p95"};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            dt_json_null(j, keys[i]);
        return;
    }
    dt_json_u64(j, "acd_calls", c->acd_calls);
    dt_json_fixed(j, "acd", dt_acd_seconds(c), 1);
    dt_json_u64(j, "short_calls", c->short_calls);
    if (st)
        dt_json_u64(j, "to_failure_calls", st->to_failure_calls);
    else
        dt_json_null(j, "to_failure_calls");
    if (st && st->to_failure_calls) {
        dt_json_u64(j, "to_failure_median", st->to_failure_median);
        dt_json_u64(j, "to_failure_p95", st->to_failure_p95);
    } else {
        dt_json_null(j, "to_failure_median");
        dt_json_null(j, "to_failure_p95");
    }
}

/* "concurrency": the peak of concurrent calls, or null where not counted. */
static void write_concurrency(dt_json_t *j, const dt_row_stats_t *st)
{
    if (!st || !st->has_peak) {
        dt_json_null(j, "concurrency");
        return;
    }
    dt_json_open(j, "concurrency", '{');
    dt_json_u64(j, "peak", st->peak);
    if (st->peak)
        dt_json_time(j, "at", st->peak_at);
    else
        dt_json_null(j, "at");
    if (st->limit)
        dt_json_u64(j, "limit", st->limit);
    else
        dt_json_null(j, "limit");
    dt_json_bool(j, "near_limit", st->near_limit);
    dt_json_u64(j, "untracked", st->untracked);
    dt_json_close(j, '}');
}

/* ---- sections ---- */

/* The JSON key of a section, from the one table every writer shares. */
#define KEY(section) (dt_sections[section].key)

static void write_totals(dt_json_t *j, const dt_report_t *r)
{
    const dt_totals_t *t = &r->totals;
    dt_json_open(j, KEY(DT_SECTION_TOTALS), '{');
    dt_json_u64(j, "rows", t->rows);
    dt_json_u64(j, "call_rows", t->call_rows);
    dt_json_u64(j, "calls", t->counts.calls);
    dt_json_u64(j, "succeeded", t->counts.succeeded);
    dt_json_u64(j, "failed", t->counts.failed);
    dt_json_u64(j, "rejected", t->rejected);
    dt_json_u64(j, "excluded", t->excluded);
    dt_json_open(j, "excluded_by_reason", '{');
    for (int why = 0; why < DT_EXCLUDED_COUNT; why++)
        dt_json_u64(j, dt_exclusion_name((dt_exclusion_t)why), t->excluded_by[why]);
    dt_json_close(j, '}');
    dt_json_u64(j, "excluded_calls", t->excluded_calls);
    dt_json_u64(j, "undated", t->undated);
    dt_json_u64(j, "duplicates", t->duplicates);
    dt_json_u64(j, "duplicate_calls", t->duplicate_calls);
    dt_json_u64(j, "effective", t->counts.effective);
    j_ner(j, "ner", t->counts.effective, t->counts.calls);
    dt_json_u64(j, "failed_expected", dt_counts_expected(&t->counts));
    if (r->has_span) {
        dt_json_time(j, "first_start", r->first);
        dt_json_time(j, "last_start", r->last);
    } else {
        dt_json_null(j, "first_start");
        dt_json_null(j, "last_start");
    }
    write_measures(j, r, &t->counts, r->measured ? &r->total_stats : NULL);
    write_concurrency(j, r->measured ? &r->total_stats : NULL);
    dt_json_close(j, '}');
}

/* An epoch time as "YYYY-MM-DDTHH:MM:SSZ", or null. */
static void write_time(dt_json_t *j, const char *key, bool has, int64_t epoch)
{
    if (has)
        dt_json_time(j, key, epoch);
    else
        dt_json_null(j, key);
}

void dt_write_json_skipped(dt_json_t *j, const dt_skipped_t *skipped, size_t n)
{
    dt_json_open(j, "skipped", '[');
    for (size_t i = 0; i < n; i++) {
        dt_json_open(j, NULL, '{');
        dt_json_str(j, "path", skipped[i].path);
        dt_json_str(j, "kind", skipped[i].kind);
        dt_json_str(j, "reason", skipped[i].reason);
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
}

static void write_inputs(dt_json_t *j, const dt_report_t *r)
{
    dt_json_open(j, KEY(DT_SECTION_INPUTS), '[');
    for (size_t i = 0; i < r->ninputs; i++) {
        const dt_input_stats_t *in = &r->inputs[i];
        char delimiter[2] = {in->delimiter, '\0'};
        dt_json_open(j, NULL, '{');
        dt_json_str(j, "path", in->path ? in->path : "");
        dt_json_str(j, "family", dt_family_name(in->family));
        dt_json_str(j, "delimiter", in->delimiter ? delimiter : NULL);
        dt_json_u64(j, "rows", in->rows);
        dt_json_u64(j, "call_rows", in->call_rows);
        dt_json_u64(j, "calls", in->calls);
        dt_json_u64(j, "rejected", in->rejected);
        dt_json_u64(j, "excluded", in->excluded);
        dt_json_u64(j, "duplicates", in->duplicates);
        dt_json_bool(j, "weighted", in->count_column != NULL);
        dt_json_str(j, "count_column", in->count_column);
        write_time(j, "first_start", in->has_time, in->first);
        write_time(j, "last_start", in->has_time, in->last);
        dt_json_str(j, "date_order", dt_date_order_name(in->dates.order));
        dt_json_str(j, "date_order_from", dt_order_source_name(in->dates.from));
        if (in->dates.line)
            dt_json_u64(j, "date_order_line", in->dates.line);
        else
            dt_json_null(j, "date_order_line");
        dt_json_u64(j, "date_conflicts", in->dates.conflicts);
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
    dt_write_json_skipped(j, r->skipped, r->nskipped);
    dt_json_str(j, "filters", r->filters);
}

/* One gate outcome: counts are whole numbers, percentages and means have two
 * decimals, limits are written as given. */
static void write_gate(dt_json_t *j, const dt_gate_result_t *g)
{
    bool count = strcmp(g->unit, "count") == 0;
    char limit[DT_NUMBER_MAX];
    dt_json_open(j, NULL, '{');
    dt_json_str(j, "expr", g->expr);
    dt_json_str(j, "metric", g->metric);
    dt_json_str(j, "sbc", g->sbc);
    dt_json_str(j, "unit", g->unit);
    if (g->has_value)
        dt_json_fixed(j, "value", g->value, count ? 0 : 2);
    else
        dt_json_null(j, "value");
    dt_json_raw(j, "limit", dt_format_trimmed(limit, g->limit));
    dt_json_u64(j, "denominator", g->denominator);
    dt_json_bool(j, "judged", g->judged);
    dt_json_bool(j, "breached", g->breached);
    dt_json_str(j, "why", g->why);
    dt_json_close(j, '}');
}

static void write_gates(dt_json_t *j, const dt_report_t *r)
{
    dt_json_open(j, KEY(DT_SECTION_GATES), '[');
    for (size_t i = 0; i < r->ngates; i++)
        write_gate(j, &r->gates[i]);
    dt_json_close(j, ']');
}

static void write_filter_matches(dt_json_t *j, const dt_report_t *r)
{
    dt_json_bool(j, "matched_nothing", r->matched_nothing);
    dt_json_open(j, KEY(DT_SECTION_FILTERS), '[');
    for (size_t i = 0; i < r->nfilter_matches; i++) {
        const dt_filter_match_t *m = &r->filter_matches[i];
        dt_json_open(j, NULL, '{');
        dt_json_str(j, "option", m->option);
        dt_json_u64(j, "calls", m->calls);
        dt_json_open(j, "values", '[');
        for (size_t v = 0; v < m->nvalues; v++) {
            dt_json_open(j, NULL, '{');
            dt_json_str(j, "value", m->values[v]->other ? NULL : m->values[v]->name);
            dt_json_u64(j, "calls", m->values[v]->counts.calls);
            dt_json_close(j, '}');
        }
        dt_json_close(j, ']');
        dt_json_u64(j, "more_values", m->more);
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
}

static void write_origins(dt_json_t *j, const dt_report_t *r)
{
    const dt_totals_t *t = &r->totals;
    dt_json_open(j, KEY(DT_SECTION_ORIGINS), '[');
    for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
        dt_json_open(j, NULL, '{');
        dt_json_str(j, "origin", dt_origin_name((dt_origin_t)o));
        dt_json_u64(j, "failed", t->counts.failed_by_origin[o]);
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
}

/* "sip" and "ms" of a code row: null when absent or for the overflow row. */
static void write_code_key(dt_json_t *j, const dt_code_row_t *row)
{
    if (row->other || !row->key.has_sip)
        dt_json_null(j, "sip");
    else
        dt_json_u64(j, "sip", row->key.sip);
    if (row->other || !row->key.has_ms)
        dt_json_null(j, "ms");
    else
        dt_json_u64(j, "ms", row->key.ms);
}

static void write_samples(dt_json_t *j, const dt_sample_t *samples, size_t n)
{
    dt_json_open(j, "samples", '[');
    for (size_t i = 0; i < n; i++) {
        dt_json_open(j, NULL, '{');
        dt_json_str(j, "correlation", samples[i].correlation);
        dt_json_str(j, "start", samples[i].start);
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
}

static void write_code_row(dt_json_t *j, const dt_report_t *r, const dt_code_row_t *row,
                           const char *stub)
{
    dt_json_open(j, NULL, '{');
    write_code_key(j, row);
    dt_json_str(j, "phrase", row->other ? NULL : dt_report_code_phrase(r, row));
    dt_json_str(j, "origin", row->other ? NULL : dt_origin_name(row->match.origin));
    dt_json_str(j, "action", row->other ? NULL : dt_report_action_id(r, row->match.action));
    dt_json_bool(j, "known", !row->other && row->match.known);
    dt_json_str(j, "level", row->other ? NULL : dt_match_level_name(row->match.level));
    dt_json_u64(j, "failed", row->failed);
    dt_json_bool(j, "other", row->other);
    write_samples(j, row->samples, row->nsamples);
    if (row->other) { /* the actions whose codes it holds */
        dt_json_open(j, "actions", '[');
        for (size_t i = 0; i < r->nactions; i++) {
            uint64_t failed = dt_report_other_failed(&r->actions[i]);
            if (!failed)
                continue;
            dt_json_open(j, NULL, '{');
            dt_json_str(j, "action", dt_report_action_id(r, r->actions[i].action));
            dt_json_u64(j, "failed", failed);
            dt_json_close(j, '}');
        }
        dt_json_close(j, ']');
    }
    dt_json_str(j, "stub", stub);
    dt_json_close(j, '}');
}

static void write_codes(dt_json_t *j, const dt_report_t *r)
{
    dt_json_open(j, KEY(DT_SECTION_CODES), '[');
    for (size_t i = 0; i < r->ncodes; i++)
        write_code_row(j, r, r->codes[i], r->stubs[i]);
    dt_json_close(j, ']');
}

static void write_action_row(dt_json_t *j, const dt_report_t *r, const dt_action_row_t *row)
{
    const dt_action_t *a = dt_report_action(r, row->action);
    dt_json_open(j, NULL, '{');
    dt_json_str(j, "action", dt_report_action_id(r, row->action));
    dt_json_str(j, "title", a ? a->title : NULL);
    dt_json_str(j, "owner", a ? dt_owner_name(a->owner) : NULL);
    dt_json_bool(j, "expected", a && a->expected);
    dt_json_u64(j, "failed", row->failed);
    dt_json_open(j, "codes", '[');
    for (size_t c = 0; c < row->ncodes; c++) {
        dt_json_open(j, NULL, '{');
        write_code_key(j, row->codes[c]);
        dt_json_u64(j, "failed", row->codes[c]->failed);
        dt_json_bool(j, "other", row->codes[c]->other);
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
    write_samples(j, row->samples, row->nsamples);
    dt_json_close(j, '}');
}

static void write_actions(dt_json_t *j, const dt_report_t *r)
{
    dt_json_open(j, KEY(DT_SECTION_ACTIONS), '[');
    for (size_t i = 0; i < r->nactions; i++)
        write_action_row(j, r, &r->actions[i]);
    dt_json_close(j, ']');
}

/* The row's key: "sbc" (null for no SBC), "start" or "group" (an array of
 * the group-by values), or both "group" and "start"; null for the overflow row. */
typedef enum { KEY_SBC, KEY_TIME, KEY_GROUP, KEY_GROUP_TIME } key_kind_t;

static void write_group_values(dt_json_t *j, const char *name)
{
    dt_json_open(j, "group", '[');
    for (const char *p = name;; p++) {
        const char *end = strchr(p, DT_GROUP_SEPARATOR);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        dt_json_strn(j, NULL, p, len);
        if (!end)
            break;
        p = end;
    }
    dt_json_close(j, ']');
}

static void write_key(dt_json_t *j, key_kind_t kind, const dt_keyed_row_t *row)
{
    static const char *const keys[] = {"sbc", "start", "group"};
    const char *name = row->name ? row->name : "";
    if (kind == KEY_GROUP_TIME) {
        write_key(j, KEY_GROUP, row);
        if (row->other)
            dt_json_null(j, "start");
        else
            dt_json_time(j, "start", row->start);
        return;
    }
    if (row->other || (kind == KEY_SBC && !*name))
        dt_json_null(j, keys[kind]);
    else if (kind == KEY_GROUP)
        write_group_values(j, name);
    else
        dt_json_str(j, keys[kind], name);
}

static void write_keyed_row(dt_json_t *j, const dt_report_t *r, key_kind_t kind,
                            const dt_keyed_row_t *row)
{
    static const char *const origin_keys[DT_ORIGIN_COUNT] = {"sbc", "microsoft", "unknown"};
    dt_json_open(j, NULL, '{');
    write_key(j, kind, row);
    dt_json_u64(j, "calls", row->counts.calls);
    dt_json_u64(j, "succeeded", row->counts.succeeded);
    dt_json_u64(j, "failed", row->counts.failed);
    dt_json_open(j, "failed_by_origin", '{');
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        dt_json_u64(j, origin_keys[o], row->counts.failed_by_origin[o]);
    dt_json_close(j, '}');
    dt_json_u64(j, "effective", row->counts.effective);
    j_ner(j, "ner", row->counts.effective, row->counts.calls);
    write_measures(j, r, &row->counts, row->stats);
    if (kind == KEY_SBC)
        write_concurrency(j, row->stats);
    if (kind == KEY_TIME || kind == KEY_GROUP_TIME)
        dt_json_bool(j, "partial", row->partial);
    dt_json_bool(j, "other", row->other);
    dt_json_close(j, '}');
}

static void write_keyed(dt_json_t *j, const dt_report_t *r, const char *name, key_kind_t kind,
                        const dt_keyed_row_t *const *rows, size_t n)
{
    dt_json_open(j, name, '[');
    for (size_t i = 0; i < n; i++)
        write_keyed_row(j, r, kind, rows[i]);
    dt_json_close(j, ']');
}

static void write_sbcs(dt_json_t *j, const dt_report_t *r)
{
    write_keyed(j, r, KEY(DT_SECTION_SBCS), KEY_SBC, r->sbcs, r->nsbcs);
}

static void write_times(dt_json_t *j, const dt_report_t *r)
{
    write_keyed(j, r, KEY(DT_SECTION_TIMES), KEY_TIME, r->times, r->ntimes);
    dt_json_u64(j, "undated_in_series", r->undated_in_series);
}

static void write_group_times(dt_json_t *j, const dt_report_t *r)
{
    write_keyed(j, r, KEY(DT_SECTION_GROUP_TIMES), KEY_GROUP_TIME, r->group_times,
                r->ngroup_times);
}

static void write_groups(dt_json_t *j, const dt_report_t *o)
{
    dt_json_open(j, "group_columns", '[');
    for (size_t i = 0; i < o->ngroup_columns; i++)
        dt_json_str(j, NULL, o->group_columns[i]);
    dt_json_close(j, ']');
    write_keyed(j, o, KEY(DT_SECTION_GROUPS), KEY_GROUP, o->groups, o->ngroups);
}

static void write_rejections(dt_json_t *j, const dt_report_t *r)
{
    dt_json_open(j, KEY(DT_SECTION_REJECTED), '[');
    for (size_t i = 0; i < r->nrejections; i++) {
        const dt_rejection_t *rej = &r->rejections[i];
        dt_json_open(j, NULL, '{');
        dt_json_str(j, "path", rej->path ? rej->path : "");
        dt_json_u64(j, "line", rej->line);
        dt_json_str(j, "reason", rej->reason);
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
}

static void write_notes(dt_json_t *j, const dt_report_t *r)
{
    dt_json_open(j, KEY(DT_SECTION_NOTES), '[');
    for (size_t i = 0; i < r->nnotes; i++)
        dt_json_str(j, NULL, r->notes[i]);
    dt_json_close(j, ']');
}

/* ---- the trend (drtriage trend) ---- */

/* A number that may be very small (a p-value), in %g form. */
static void j_real(dt_json_t *j, const char *key, double value)
{
    char text[32];
    snprintf(text, sizeof text, "%.3g", value);
    dt_json_raw(j, key, text);
}

static void j_faults_by_origin(dt_json_t *j, const dt_counts_t *c)
{
    dt_json_open(j, "faults_by_origin", '{');
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        dt_json_u64(j, dt_origin_name((dt_origin_t)o), dt_counts_faults(c, (dt_origin_t)o));
    dt_json_close(j, '}');
}

static void j_period(dt_json_t *j, const char *key, int64_t since, int64_t until, size_t days,
                     const dt_counts_t *c)
{
    dt_json_open(j, key, '{');
    dt_json_day(j, "since", since);
    dt_json_day(j, "until", until);
    dt_json_u64(j, "days", days);
    dt_json_u64(j, "calls", c->calls);
    dt_json_u64(j, "succeeded", c->succeeded);
    dt_json_u64(j, "failed", c->failed);
    dt_json_u64(j, "effective", c->effective);
    j_ner(j, "ner", c->effective, c->calls);
    j_faults_by_origin(j, c);
    dt_json_close(j, '}');
}

static void j_rate(dt_json_t *j, const char *key, const dt_trend_rate_t *rate)
{
    dt_json_open(j, key, '{');
    dt_json_u64(j, "count", rate->count);
    dt_json_u64(j, "calls", rate->calls);
    dt_json_fixed(j, "percent", rate->calls ? 100.0 * (double)rate->count / (double)rate->calls
                                            : -1, 4);
    dt_json_close(j, '}');
}

static void write_change(dt_json_t *j, const dt_report_t *r, const dt_change_t *c)
{
    dt_json_open(j, NULL, '{');
    dt_json_str(j, "kind", dt_change_kind_name(c->kind));
    dt_json_bool(j, "significant", c->significant);
    bool code = c->kind == DT_CHANGE_CODE || c->kind == DT_CHANGE_NEW_CODE;
    dt_json_str(j, "action", c->kind == DT_CHANGE_SBC ? NULL : dt_report_action_id(r, c->action));
    if (code && c->key.has_ms)
        dt_json_u64(j, "ms", c->key.ms);
    else
        dt_json_null(j, "ms");
    if (code && c->key.has_sip)
        dt_json_u64(j, "sip", c->key.sip);
    else
        dt_json_null(j, "sip");
    dt_json_str(j, "phrase", code ? c->phrase : NULL);
    dt_json_str(j, "sbc", c->kind == DT_CHANGE_SBC ? c->sbc : NULL);
    j_rate(j, "baseline", &c->baseline);
    j_rate(j, "window", &c->window);
    dt_json_fixed(j, "expected", c->expected, 1);
    dt_json_fixed(j, "excess", (double)c->window.count - c->expected, 1);
    double rise = dt_change_rise(c);
    if (rise == rise && rise < 1e300)
        dt_json_fixed(j, "rise_percent", rise, 1);
    else
        dt_json_null(j, "rise_percent");
    dt_json_fixed(j, "dispersion", c->dispersion, 2);
    j_real(j, "p_value", c->p_value);
    dt_json_day(j, "since", c->since);
    dt_json_day(j, "until", c->until);
    dt_json_bool(j, "ongoing", c->ongoing);
    dt_json_close(j, '}');
}

static void write_trend_days(dt_json_t *j, const dt_report_t *r, const dt_trend_t *t)
{
    size_t slots = r->rules->nactions + 1;
    dt_json_open(j, "days", '[');
    for (size_t d = 0; d < t->ndays; d++) {
        const dt_trend_day_t *day = &t->days[d];
        dt_json_open(j, NULL, '{');
        dt_json_day(j, "day", day->day);
        dt_json_bool(j, "window", day->window);
        dt_json_bool(j, "data", day->has_data);
        dt_json_u64(j, "calls", day->counts.calls);
        dt_json_u64(j, "failed", day->counts.failed);
        j_ner(j, "ner", day->counts.effective, day->counts.calls);
        j_faults_by_origin(j, &day->counts);
        dt_json_open(j, "faults_by_action", '{');
        for (size_t a = 0; a < slots; a++)
            if (day->faults_by_action[a])
                dt_json_u64(j, dt_report_action_id(r, a < r->rules->nactions ? a : DT_NO_ACTION),
                            day->faults_by_action[a]);
        dt_json_close(j, '}');
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
}

static void write_trend(dt_json_t *j, const dt_report_t *r)
{
    const dt_trend_t *t = r->trend;
    if (!t)
        return;
    dt_json_open(j, KEY(DT_SECTION_TREND), '{');
    j_period(j, "window", t->window_since, t->until, t->window_days, &t->window);
    j_period(j, "baseline", t->baseline_since, t->window_since, t->baseline_days, &t->baseline);
    if (t->ner_judged) { /* a rise is a negative drop (dt_json_fixed writes those as null) */
        char drop[DT_NUMBER_MAX + 1];
        drop[0] = '-';
        dt_format_fixed(drop + (t->ner_drop < 0), t->ner_drop < 0 ? -t->ner_drop : t->ner_drop, 2);
        dt_json_raw(j, "ner_drop", drop);
    } else {
        dt_json_null(j, "ner_drop");
    }
    dt_json_open(j, "missing_days", '[');
    for (size_t d = 0; d < t->ndays; d++)
        if (t->days[d].window && !t->days[d].has_data && !t->days[d].before_history)
            dt_json_day(j, NULL, t->days[d].day);
    dt_json_close(j, ']');
    dt_json_u64(j, "min_calls", t->min_calls);
    j_real(j, "alpha", t->alpha);
    dt_json_u64(j, "tests", t->tests);
    dt_json_u64(j, "significant", t->nsignificant);
    dt_json_u64(j, "new_codes", t->new_codes);
    dt_json_open(j, "changes", '[');
    for (size_t i = 0; i < t->nchanges; i++)
        write_change(j, r, &t->changes[i]);
    dt_json_close(j, ']');
    write_trend_days(j, r, t);
    dt_json_close(j, '}');
}

/* What writes each section (dt_report.h) that JSON has, in dt_section_t order;
 * expected endings are actions with "expected": true, stubs are in code rows. */
static void (*const sections[DT_SECTION_COUNT])(dt_json_t *, const dt_report_t *) = {
    [DT_SECTION_TOTALS] = write_totals,   [DT_SECTION_INPUTS] = write_inputs,
    [DT_SECTION_GATES] = write_gates,     [DT_SECTION_FILTERS] = write_filter_matches,
    [DT_SECTION_TREND] = write_trend,
    [DT_SECTION_ORIGINS] = write_origins, [DT_SECTION_CODES] = write_codes,
    [DT_SECTION_ACTIONS] = write_actions, [DT_SECTION_SBCS] = write_sbcs,
    [DT_SECTION_TIMES] = write_times,     [DT_SECTION_GROUPS] = write_groups,
    [DT_SECTION_GROUP_TIMES] = write_group_times,
    [DT_SECTION_REJECTED] = write_rejections, [DT_SECTION_NOTES] = write_notes,
};

void dt_write_json_report(dt_json_t *j, const dt_report_t *report)
{
    dt_json_open(j, NULL, '{');
    dt_json_u64(j, "schema_version", DT_JSON_SCHEMA_VERSION);
    for (int s = 0; s < DT_SECTION_COUNT; s++)
        if (sections[s])
            sections[s](j, report);
    dt_json_close(j, '}');
}

dt_status_t dt_write_json(FILE *out, const dt_report_t *report, const dt_write_options_t *options,
                          dt_error_t *err)
{
    (void)options;
    dt_json_t j;
    dt_json_init(&j, out, true);
    dt_write_json_report(&j, report);
    putc('\n', out);
    return dt_stream_finish(out, err);
}
