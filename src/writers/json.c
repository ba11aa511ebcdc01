/* write_json.c - the machine-readable report: one JSON object, 2-space
 * indented, format documented in docs/json-format.md (schema_version 1).
 * Unlike the text report it is never cut by `top`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_writer.h"

/* A streaming emitter that tracks nesting for commas and indentation. */
typedef struct {
    FILE *out;
    unsigned depth;
    bool first; /* nothing written yet in the innermost container */
} json_t;

/* Starts a value: separator, newline, indentation and, inside an object, the key. */
static void j_begin(json_t *j, const char *key)
{
    if (j->depth > 0) {
        fputs(j->first ? "\n" : ",\n", j->out);
        fprintf(j->out, "%*s", (int)(2 * j->depth), "");
    }
    j->first = false;
    if (key) {
        dt_json_write_string(j->out, key, strlen(key));
        fputs(": ", j->out);
    }
}

static void j_open(json_t *j, const char *key, char bracket)
{
    j_begin(j, key);
    putc(bracket, j->out);
    j->depth++;
    j->first = true;
}

static void j_close(json_t *j, char bracket)
{
    j->depth--;
    if (!j->first)
        fprintf(j->out, "\n%*s", (int)(2 * j->depth), "");
    putc(bracket, j->out);
    j->first = false;
}

static void j_u64(json_t *j, const char *key, uint64_t value)
{
    j_begin(j, key);
    fprintf(j->out, "%" PRIu64, value);
}

static void j_null(json_t *j, const char *key)
{
    j_begin(j, key);
    fputs("null", j->out);
}

static void j_bool(json_t *j, const char *key, bool value)
{
    j_begin(j, key);
    fputs(value ? "true" : "false", j->out);
}

/* A string, or null when text is NULL. */
static void j_str(json_t *j, const char *key, const char *text)
{
    if (!text) {
        j_null(j, key);
        return;
    }
    j_begin(j, key);
    dt_json_write_string(j->out, text, strlen(text));
}

/* NER as a number with two decimals, or null without calls. */
static void j_ner(json_t *j, const char *key, uint64_t effective, uint64_t calls)
{
    double ner = dt_ner_percent(effective, calls);
    char buf[DT_NUMBER_MAX];
    if (ner < 0) {
        j_null(j, key);
        return;
    }
    j_begin(j, key);
    fputs(dt_format_fixed(buf, ner, 2), j->out);
}

/* ---- sections ---- */

static void write_totals(json_t *j, const dt_totals_t *t)
{
    j_open(j, "totals", '{');
    j_u64(j, "rows", t->rows);
    j_u64(j, "calls", t->calls);
    j_u64(j, "succeeded", t->succeeded);
    j_u64(j, "failed", t->failed);
    j_u64(j, "rejected", t->rejected);
    j_u64(j, "excluded", t->excluded);
    j_u64(j, "undated", t->undated);
    j_u64(j, "effective", t->effective);
    j_ner(j, "ner", t->effective, t->calls);
    j_u64(j, "failed_expected", t->failed_expected);
    j_close(j, '}');
}

static void write_inputs(json_t *j, const dt_aggregate_t *agg)
{
    j_open(j, "inputs", '[');
    for (size_t i = 0; i < agg->ninputs; i++) {
        const dt_input_stats_t *in = &agg->inputs[i];
        char delimiter[2] = {in->delimiter, '\0'};
        j_open(j, NULL, '{');
        j_str(j, "path", in->path ? in->path : "");
        j_str(j, "format", dt_family_name(in->family));
        j_str(j, "delimiter", in->delimiter ? delimiter : NULL);
        j_u64(j, "rows", in->rows);
        j_u64(j, "rejected", in->rejected);
        j_close(j, '}');
    }
    j_close(j, ']');
}

static void write_origins(json_t *j, const dt_totals_t *t)
{
    j_open(j, "by_origin", '[');
    for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
        j_open(j, NULL, '{');
        j_str(j, "origin", dt_origin_name((dt_origin_t)o));
        j_u64(j, "failed", t->failed_by_origin[o]);
        j_close(j, '}');
    }
    j_close(j, ']');
}

/* "sip" and "ms" of a code row: null when absent or for the overflow row. */
static void write_code_key(json_t *j, const dt_code_row_t *row)
{
    if (row->other || !row->key.has_sip)
        j_null(j, "sip");
    else
        j_u64(j, "sip", row->key.sip);
    if (row->other || !row->key.has_ms)
        j_null(j, "ms");
    else
        j_u64(j, "ms", row->key.ms);
}

static void write_samples(json_t *j, const dt_sample_t *samples, size_t n)
{
    j_open(j, "samples", '[');
    for (size_t i = 0; i < n; i++) {
        j_open(j, NULL, '{');
        j_str(j, "correlation", samples[i].correlation);
        j_str(j, "start", samples[i].start);
        j_close(j, '}');
    }
    j_close(j, ']');
}

static void write_code_row(json_t *j, const dt_report_t *r, const dt_code_row_t *row)
{
    j_open(j, NULL, '{');
    write_code_key(j, row);
    j_str(j, "phrase", row->other ? NULL : dt_writer_code_phrase(r, row));
    j_str(j, "origin", row->other ? NULL : dt_origin_name(row->match.origin));
    j_str(j, "action", row->other ? NULL : dt_report_action_id(r, row->match.action));
    j_bool(j, "known", !row->other && row->match.known);
    j_str(j, "level", row->other ? NULL : dt_match_level_name(row->match.level));
    j_u64(j, "failed", row->failed);
    j_bool(j, "other", row->other);
    write_samples(j, row->samples, row->nsamples);
    char *stub = dt_writer_code_stub(r, row);
    j_str(j, "stub", stub);
    free(stub);
    j_close(j, '}');
}

static void write_codes(json_t *j, const dt_report_t *r)
{
    j_open(j, "by_code", '[');
    for (size_t i = 0; i < r->ncodes; i++)
        write_code_row(j, r, r->codes[i]);
    j_close(j, ']');
}

static void write_action_row(json_t *j, const dt_report_t *r, const dt_action_row_t *row)
{
    const dt_action_t *a = dt_writer_action(r, row->action);
    j_open(j, NULL, '{');
    j_str(j, "action", dt_report_action_id(r, row->action));
    j_str(j, "title", a ? a->title : NULL);
    j_str(j, "owner", a ? dt_owner_name(a->owner) : NULL);
    j_bool(j, "expected", a && a->expected);
    j_u64(j, "failed", row->failed);
    j_open(j, "codes", '[');
    for (size_t c = 0; c < row->ncodes; c++) {
        j_open(j, NULL, '{');
        write_code_key(j, row->codes[c]);
        j_u64(j, "failed", row->codes[c]->failed);
        j_bool(j, "other", row->codes[c]->other);
        j_close(j, '}');
    }
    j_close(j, ']');
    write_samples(j, row->samples, row->nsamples);
    j_close(j, '}');
}

static void write_actions(json_t *j, const dt_report_t *r)
{
    j_open(j, "by_action", '[');
    for (size_t i = 0; i < r->nactions; i++)
        write_action_row(j, r, &r->actions[i]);
    j_close(j, ']');
}

/* The row's key: "sbc" (null for no SBC), "start" or "group" (an array of
 * the group-by values); null for the overflow row. */
typedef enum { KEY_SBC, KEY_TIME, KEY_GROUP } key_kind_t;

static void write_group_values(json_t *j, const char *name)
{
    j_open(j, "group", '[');
    for (const char *p = name;; p++) {
        const char *end = strchr(p, DT_GROUP_SEPARATOR);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        j_begin(j, NULL);
        dt_json_write_string(j->out, p, len);
        if (!end)
            break;
        p = end;
    }
    j_close(j, ']');
}

static void write_key(json_t *j, key_kind_t kind, const dt_keyed_row_t *row)
{
    static const char *const keys[] = {"sbc", "start", "group"};
    const char *name = row->name ? row->name : "";
    if (row->other || (kind == KEY_SBC && !*name))
        j_null(j, keys[kind]);
    else if (kind == KEY_GROUP)
        write_group_values(j, name);
    else
        j_str(j, keys[kind], name);
}

static void write_keyed_row(json_t *j, key_kind_t kind, const dt_keyed_row_t *row)
{
    static const char *const origin_keys[DT_ORIGIN_COUNT] = {"sbc", "microsoft", "unknown"};
    j_open(j, NULL, '{');
    write_key(j, kind, row);
    j_u64(j, "calls", row->calls);
    j_u64(j, "succeeded", row->succeeded);
    j_u64(j, "failed", row->failed);
    j_open(j, "failed_by_origin", '{');
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        j_u64(j, origin_keys[o], row->failed_by_origin[o]);
    j_close(j, '}');
    j_u64(j, "effective", row->effective);
    j_ner(j, "ner", row->effective, row->calls);
    j_bool(j, "other", row->other);
    j_close(j, '}');
}

static void write_keyed(json_t *j, const char *name, key_kind_t kind,
                        const dt_keyed_row_t *const *rows, size_t n)
{
    j_open(j, name, '[');
    for (size_t i = 0; i < n; i++)
        write_keyed_row(j, kind, rows[i]);
    j_close(j, ']');
}

static void write_group_columns(json_t *j, const dt_aggregate_options_t *o)
{
    j_open(j, "group_columns", '[');
    for (size_t i = 0; i < o->ngroup_columns; i++)
        j_str(j, NULL, o->group_columns[i]);
    j_close(j, ']');
}

static void write_rejections(json_t *j, const dt_aggregate_t *agg)
{
    j_open(j, "rejected_rows", '[');
    for (size_t i = 0; i < agg->nrejections; i++) {
        const dt_rejection_t *rej = &agg->rejections[i];
        j_open(j, NULL, '{');
        j_str(j, "path", rej->path ? rej->path : "");
        j_u64(j, "line", rej->line);
        j_str(j, "reason", rej->reason);
        j_close(j, '}');
    }
    j_close(j, ']');
}

static void write_notes(json_t *j, const dt_report_t *r)
{
    j_open(j, "notes", '[');
    for (size_t i = 0; i < r->nnotes; i++)
        j_str(j, NULL, r->notes[i]);
    j_close(j, ']');
}

dt_status_t dt_write_json(FILE *out, const dt_report_t *report, const dt_write_options_t *options,
                          dt_error_t *err)
{
    (void)options;
    json_t j = {.out = out, .depth = 0, .first = true};
    const dt_aggregate_t *agg = report->agg;
    j_open(&j, NULL, '{');
    j_u64(&j, "schema_version", DT_SCHEMA_VERSION);
    write_totals(&j, &agg->totals);
    write_inputs(&j, agg);
    j_str(&j, "filters", report->filters);
    write_origins(&j, &agg->totals);
    write_codes(&j, report);
    write_actions(&j, report);
    write_keyed(&j, "by_sbc", KEY_SBC, report->sbcs, report->nsbcs);
    write_keyed(&j, "by_time", KEY_TIME, report->times, report->ntimes);
    j_u64(&j, "undated_in_series", agg->undated_in_series);
    write_group_columns(&j, &agg->options);
    write_keyed(&j, "by_group", KEY_GROUP, report->groups, report->ngroups);
    write_rejections(&j, agg);
    write_notes(&j, report);
    j_close(&j, '}');
    putc('\n', out);
    return dt_writer_finish(out, err);
}
