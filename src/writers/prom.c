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
#include "dt_writer.h"

#define DT_PROM_SBC_MAX 50
#define LABEL_MAX 256
#define OTHER_LABEL "other"
#define RATIO_DECIMALS 4

typedef struct {
    char label[LABEL_MAX];
    uint64_t calls, effective;
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
        into->calls += row->counts.calls;
        into->effective += row->counts.effective;
    }
}

static void write_sbcs(FILE *out, const dt_report_t *r, sbc_set_t *set)
{
    collect_sbcs(r, set);
    const sbc_series_t *other = &set->rows[DT_PROM_SBC_MAX];
    size_t n = set->n + (other->calls ? 1 : 0);
    char help[128];
    snprintf(help, sizeof help, "Calls analysed per SBC (at most %d SBC labels, the rest in sbc=\"%s\").",
             DT_PROM_SBC_MAX, OTHER_LABEL);
    metric_head(out, "drtriage_sbc_calls", help);
    for (size_t i = 0; i < n; i++) {
        const sbc_series_t *s = i < set->n ? &set->rows[i] : other;
        fputs("drtriage_sbc_calls{", out);
        put_label(out, "sbc", s->label);
        fprintf(out, "} %" PRIu64 "\n", s->calls);
    }
    metric_head(out, "drtriage_ner_ratio",
                "Network Effectiveness Ratio per SBC, 0-1 (docs/formats.md; below the rules' minimum calls a low NER may be normal).");
    for (size_t i = 0; i < n; i++) {
        const sbc_series_t *s = i < set->n ? &set->rows[i] : other;
        if (!s->calls)
            continue;
        char num[DT_NUMBER_MAX];
        fputs("drtriage_ner_ratio{", out);
        put_label(out, "sbc", s->label);
        fprintf(out, "} %s\n",
                dt_format_fixed(num, (double)s->effective / (double)s->calls, RATIO_DECIMALS));
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
    write_faults(out, report);
    sbc_set_t *set = malloc(sizeof *set); /* about 13 KiB */
    if (!set)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    write_sbcs(out, report, set);
    free(set);
    return dt_stream_finish(out, err);
}
