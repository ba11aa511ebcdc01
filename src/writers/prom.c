/* prom.c - the report in the Prometheus text exposition format, for
 * node_exporter's textfile collector: gauges with a drtriage_ prefix and
 * base units (ratios 0-1, seconds), HELP and TYPE lines, label values through
 * dt_escape_prom_label. Label sets are bounded: at most DT_PROM_SBC_MAX SBC
 * labels, the rest (and the report's own overflow row) summed as
 * sbc="other"; actions and origins come from the rules. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dt_escape.h"
#include "dt_trend.h"
#include "dt_writer.h"

#define DT_PROM_SBC_MAX 50
#define LABEL_MAX 256
#define OTHER_LABEL "other"
#define RATIO_DECIMALS 4

typedef struct {
    char label[LABEL_MAX];
    dt_counts_t counts;
    const dt_keyed_row_t *row; /* the one row behind the series; NULL for several (its
                                  percentiles and peak cannot be summed) */
    size_t rows;
} sbc_series_t;

typedef struct {
    sbc_series_t rows[DT_PROM_SBC_MAX + 1]; /* the last one is "other" */
    size_t n;
} sbc_set_t;

static void metric_head(FILE *out, const char *name, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void put_label(FILE *out, const char *key, const char *value)
{
    fprintf(out, "%s=\"", key);
    dt_escape_prom_label(out, value, strlen(value));
    putc('"', out);
}

static void gauge(FILE *out, const char *name, const char *help, uint64_t value)
{
    metric_head(out, name, help);
    fprintf(out, "%s %" PRIu64 "\n", name, value);
}

/* Folds the SBC rows into at most DT_PROM_SBC_MAX labelled series and one
 * "other"; names equal once cleaned (or named "other") share a series. */
static void collect_sbcs(const dt_report_t *r, sbc_set_t *set)
{
    sbc_series_t *other = &set->rows[DT_PROM_SBC_MAX];
    memset(other, 0, sizeof *other);
    snprintf(other->label, sizeof other->label, "%s", OTHER_LABEL);
    set->n = 0;
    for (size_t i = 0; i < r->nsbcs; i++) {
        const dt_keyed_row_t *row = r->sbcs[i];
        char label[LABEL_MAX];
        dt_escape_clean(label, sizeof label, row->name, row->name ? strlen(row->name) : 0);
        sbc_series_t *into = NULL;
        if (!row->other && strcmp(label, OTHER_LABEL) != 0) {
            for (size_t k = 0; k < set->n && !into; k++)
                if (strcmp(set->rows[k].label, label) == 0)
                    into = &set->rows[k];
            if (!into && set->n < DT_PROM_SBC_MAX) {
                into = &set->rows[set->n++];
                memset(into, 0, sizeof *into);
                memcpy(into->label, label, sizeof label);
            }
        }
        if (!into)
            into = other;
        dt_counts_merge(&into->counts, &row->counts);
        into->row = into->rows++ ? NULL : row;
    }
}

/* The series of the set: the labelled ones, then "other" when it has calls. */
static size_t series_count(const sbc_set_t *set)
{
    return set->n + (set->rows[DT_PROM_SBC_MAX].rows ? 1 : 0);
}

static const sbc_series_t *series_at(const sbc_set_t *set, size_t i)
{
    return i < set->n ? &set->rows[i] : &set->rows[DT_PROM_SBC_MAX];
}

static void sbc_sample(FILE *out, const char *name, const sbc_series_t *s, const char *value)
{
    fprintf(out, "%s{", name);
    put_label(out, "sbc", s->label);
    fprintf(out, "} %s\n", value);
}

/* A per-SBC value of a series into num; false when the series has none. */
typedef bool (*series_value_fn)(const sbc_series_t *s, char num[DT_NUMBER_MAX]);

static bool answered_value(const sbc_series_t *s, char num[DT_NUMBER_MAX])
{
    snprintf(num, DT_NUMBER_MAX, "%" PRIu64, s->counts.acd_calls);
    return true;
}

static bool acd_value(const sbc_series_t *s, char num[DT_NUMBER_MAX])
{
    return s->counts.acd_calls && dt_format_fixed(num, dt_acd_seconds(&s->counts), 1);
}

static bool short_value(const sbc_series_t *s, char num[DT_NUMBER_MAX])
{
    const dt_counts_t *c = &s->counts;
    return c->acd_calls &&
           dt_format_fixed(num, (double)c->short_calls / (double)c->acd_calls, RATIO_DECIMALS);
}

/* A stat of the one row behind a series (percentiles and peaks do not add up
 * over "other"), when `has` says the row has it. */
#define STAT_VALUE(name, has, value)                                              \
    static bool name(const sbc_series_t *s, char num[DT_NUMBER_MAX])              \
    {                                                                             \
        const dt_row_stats_t *st = s->row ? s->row->stats : NULL;                 \
        if (!st || !(has))                                                        \
            return false;                                                         \
        snprintf(num, DT_NUMBER_MAX, "%" PRIu64, (uint64_t)(value));              \
        return true;                                                              \
    }
STAT_VALUE(median_value, st->to_failure_calls, st->to_failure_median)
STAT_VALUE(p95_value, st->to_failure_calls, st->to_failure_p95)
STAT_VALUE(peak_value, st->has_peak, st->peak)
STAT_VALUE(limit_value, st->limit, st->limit)
STAT_VALUE(near_value, st->limit, st->near_limit ? 1 : 0)
#undef STAT_VALUE

/* The Health Dashboard's measures per SBC: answered calls, ACD and short
 * calls (summed over "other" too), time to failure and the concurrency peak
 * (for an SBC of its own only). */
static void write_sbc_measures(FILE *out, const dt_report_t *r, const sbc_set_t *set)
{
    static const struct {
        const char *name, *help;
        series_value_fn value;
        bool concurrency; /* only when concurrency was counted */
    } families[] = {
        {"drtriage_sbc_answered_calls",
         "Answered calls with a known duration per SBC: what ACD is measured on.", answered_value,
         false},
        {"drtriage_acd_seconds", "Average call duration (ACD) of answered calls per SBC, in seconds.",
         acd_value, false},
        {"drtriage_short_calls_ratio",
         "Share of answered calls shorter than " DT_STR(DT_SHORT_CALL_SECONDS) " s per SBC, 0-1 "
         "(users hanging up on bad audio).", short_value, false},
        {"drtriage_time_to_failure_median_seconds",
         "Median time from INVITE to failure of failed calls per SBC, in seconds.", median_value,
         false},
        {"drtriage_time_to_failure_p95_seconds",
         "95th percentile of the time from INVITE to failure of failed calls per SBC, in seconds.",
         p95_value, false},
        {"drtriage_concurrent_calls_peak",
         "The most calls active in one minute per SBC (Health Dashboard's concurrent calls).",
         peak_value, true},
        {"drtriage_session_limit",
         "The SBC trunk's MaxConcurrentSessions, as given by --max-concurrent.", limit_value, true},
        {"drtriage_concurrency_near_limit",
         "1 when an SBC's peak reached " DT_STR(DT_CONCURRENCY_WARN_PERCENT) "% of its session "
         "limit, else 0.", near_value, true},
    };
    if (!r->measured)
        return;
    char num[DT_NUMBER_MAX];
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        if (families[f].concurrency && !r->concurrency)
            continue;
        metric_head(out, families[f].name, families[f].help);
        for (size_t i = 0; i < series_count(set); i++)
            if (families[f].value(series_at(set, i), num))
                sbc_sample(out, families[f].name, series_at(set, i), num);
    }
}

static void write_sbcs(FILE *out, const dt_report_t *r, sbc_set_t *set)
{
    collect_sbcs(r, set);
    size_t n = series_count(set);
    char help[128];
    snprintf(help, sizeof help, "Calls analysed per SBC (at most %d SBC labels, the rest in sbc=\"%s\").",
             DT_PROM_SBC_MAX, OTHER_LABEL);
    metric_head(out, "drtriage_sbc_calls", help);
    char num[DT_NUMBER_MAX];
    for (size_t i = 0; i < n; i++) {
        snprintf(num, sizeof num, "%" PRIu64, series_at(set, i)->counts.calls);
        sbc_sample(out, "drtriage_sbc_calls", series_at(set, i), num);
    }
    metric_head(out, "drtriage_ner_ratio",
                "Network Effectiveness Ratio per SBC, 0-1 (docs/formats.md; below the rules' minimum calls a low NER may be normal).");
    for (size_t i = 0; i < n; i++) {
        const dt_counts_t *c = &series_at(set, i)->counts;
        if (c->calls)
            sbc_sample(out, "drtriage_ner_ratio", series_at(set, i),
                       dt_format_fixed(num, (double)c->effective / (double)c->calls, RATIO_DECIMALS));
    }
    write_sbc_measures(out, r, set);
}

#define DT_PROM_GATE_SBCS DT_PROM_SBC_MAX /* per-SBC results of one gate written */

/* The gates: how many had each verdict, and per judged gate (and SBC of a
 * per-SBC gate, at most DT_PROM_GATE_SBCS of each) whether it was breached. */
static void write_gates(FILE *out, const dt_report_t *r)
{
    size_t breached, judged, n = dt_report_gate_counts(r, &breached, &judged);
    if (!n)
        return;
    metric_head(out, "drtriage_gates", "The --fail-if gates' results, by verdict.");
    static const char *const verdicts[] = {"breached", "passed", "not judged"};
    size_t counts[] = {breached, judged - breached, n - judged};
    for (size_t v = 0; v < 3; v++) {
        fputs("drtriage_gates{", out);
        put_label(out, "verdict", verdicts[v]);
        fprintf(out, "} %zu\n", counts[v]);
    }
    metric_head(out, "drtriage_gate_breached",
                "1 when a judged --fail-if gate was breached, 0 when it passed (per SBC for sbc= gates).");
    for (size_t i = 0; i < n; i++) {
        const dt_gate_result_t *g = &r->gates[i];
        size_t same = 0; /* earlier results of this gate */
        bool repeated = false; /* the same gate given twice: one series */
        for (size_t k = 0; k < i; k++)
            if (strcmp(r->gates[k].expr, g->expr) == 0) {
                same++;
                repeated |= !g->sbc || (r->gates[k].sbc && strcmp(r->gates[k].sbc, g->sbc) == 0);
            }
        if (!g->judged || repeated || same >= DT_PROM_GATE_SBCS)
            continue;
        fputs("drtriage_gate_breached{", out);
        put_label(out, "gate", g->expr);
        if (g->sbc) {
            putc(',', out);
            put_label(out, "sbc", g->sbc);
        }
        fprintf(out, "} %d\n", g->breached ? 1 : 0);
    }
}

/* What each filter condition let through, so that an alert sees a filter
 * that matched nothing. */
static void write_filter_matches(FILE *out, const dt_report_t *r)
{
    if (!r->nfilter_matches)
        return;
    metric_head(out, "drtriage_filter_matched_calls",
                "Calls each filter condition matched on its own (0: a filter that matched nothing).");
    for (size_t i = 0; i < r->nfilter_matches; i++) {
        fputs("drtriage_filter_matched_calls{", out);
        put_label(out, "filter", r->filter_matches[i].option);
        fprintf(out, "} %" PRIu64 "\n", r->filter_matches[i].calls);
    }
}

static void write_faults(FILE *out, const dt_report_t *r)
{
    metric_head(out, "drtriage_faults",
                "Failed calls that are faults (not expected endings such as busy or cancelled), by origin.");
    for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
        fputs("drtriage_faults{", out);
        put_label(out, "origin", dt_origin_name((dt_origin_t)o));
        fprintf(out, "} %" PRIu64 "\n", dt_counts_faults(&r->totals.counts, (dt_origin_t)o));
    }
    metric_head(out, "drtriage_action_faults",
                "Failed calls that are faults, by the recommended action and who has to act.");
    for (size_t i = 0; i < r->nactions; i++) {
        const dt_action_t *a = dt_report_action(r, r->actions[i].action);
        if (a && a->expected)
            continue;
        fputs("drtriage_action_faults{", out);
        put_label(out, "action", dt_report_action_id(r, r->actions[i].action));
        putc(',', out);
        put_label(out, "owner", a ? dt_owner_name(a->owner) : "unknown");
        fprintf(out, "} %" PRIu64 "\n", r->actions[i].failed);
    }
}

/* A trend report's verdicts: what its gates judge, and each significant
 * change's faults beyond the baseline rate (as many series as changes). */
static void write_trend(FILE *out, const dt_report_t *r)
{
    const dt_trend_t *t = r->trend;
    if (!t)
        return;
    char num[DT_NUMBER_MAX];
    gauge(out, "drtriage_trend_new_codes", "Codes new in the trend's window, significant ones.",
          t->new_codes);
    gauge(out, "drtriage_trend_window_without_data", "Days of the trend's window no export covers.",
          t->missing_days);
    gauge(out, "drtriage_trend_significant_changes",
          "Rises beyond chance against the baseline (codes, actions, SBCs).", t->nsignificant);
    if (t->ner_judged) {
        metric_head(out, "drtriage_trend_ner_drop_ratio",
                    "Baseline NER minus the window's, 0-1 (negative: NER rose).");
        double drop = t->ner_drop / 100.0;
        fprintf(out, "drtriage_trend_ner_drop_ratio %s%s\n", drop < 0 ? "-" : "",
                dt_format_fixed(num, drop < 0 ? -drop : drop, RATIO_DECIMALS + 2));
    }
    metric_head(out, "drtriage_trend_change_excess",
                "Faults (for an SBC: calls not effective) of a significant change beyond the "
                "baseline rate, over the window.");
    for (size_t i = 0; i < t->nsignificant; i++) {
        const dt_change_t *c = &t->changes[i];
        char code[48] = "", ms[DT_NUMBER_MAX] = "-", sip[DT_NUMBER_MAX] = "-";
        if (c->key.has_ms)
            snprintf(ms, sizeof ms, "%" PRIu64, c->key.ms);
        if (c->key.has_sip)
            snprintf(sip, sizeof sip, "%u", c->key.sip);
        if (c->kind == DT_CHANGE_CODE || c->kind == DT_CHANGE_NEW_CODE)
            snprintf(code, sizeof code, "%s/%s", ms, sip);
        fputs("drtriage_trend_change_excess{", out);
        put_label(out, "kind", dt_change_kind_name(c->kind));
        putc(',', out);
        put_label(out, "action", c->kind == DT_CHANGE_SBC ? "" : dt_report_action_id(r, c->action));
        putc(',', out);
        put_label(out, "code", code);
        putc(',', out);
        put_label(out, "sbc", c->kind == DT_CHANGE_SBC ? c->sbc : "");
        fprintf(out, "} %s\n", dt_format_fixed(num, (double)c->window.count - c->expected, 1));
    }
}

dt_status_t dt_write_prom(FILE *out, const dt_report_t *report, const dt_write_options_t *options,
                          dt_error_t *err)
{
    (void)options;
    const dt_totals_t *t = &report->totals;
    gauge(out, "drtriage_report_timestamp_seconds", "When drtriage wrote this report, Unix time.",
          (uint64_t)time(NULL));
    gauge(out, "drtriage_rows",
          "Data rows read (rows = call rows + rejected + excluded + duplicates).", t->rows);
    gauge(out, "drtriage_rows_calls",
          "Data rows counted as calls (a summarised row stands for its count of calls).",
          t->call_rows);
    gauge(out, "drtriage_rows_rejected", "Data rows rejected as malformed, not counted as calls.",
          t->rejected);
    gauge(out, "drtriage_rows_excluded",
          "Data rows left out by the report's filters or as non-PSTN stream rows.", t->excluded);
    gauge(out, "drtriage_rows_duplicates",
          "Data rows dropped by --dedupe as repeats of calls already counted.", t->duplicates);
    gauge(out, "drtriage_calls", "Calls analysed.", t->counts.calls);
    gauge(out, "drtriage_calls_failed", "Calls that failed, expected endings included.",
          t->counts.failed);
    gauge(out, "drtriage_inputs_skipped",
          "Input files named but not read: no call records (archive members, parameters).",
          report->nskipped);
    write_faults(out, report);
    write_gates(out, report);
    write_filter_matches(out, report);
    write_trend(out, report);
    sbc_set_t *set = malloc(sizeof *set); /* about 13 KiB */
    if (!set)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    write_sbcs(out, report, set);
    free(set);
    return dt_stream_finish(out, err);
}
