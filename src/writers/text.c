/* write_text.c - the default report format: sections a person reads top to
 * bottom in a terminal, lines kept within the configured width, every piece
 * of input text passed through dt_text_write_safe. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_writer.h"

#define DEFAULT_WIDTH 100
#define MIN_WIDTH 40
#define ACTION_CODES 5   /* codes listed under one action */
#define ACTION_INDENT 6  /* "  NN. " */
#define ELLIPSIS "..."
#define GAP 2            /* spaces between table columns */
#define LABEL_MAX 512    /* a table cell built from several values */

#define SGR_BOLD "1"
#define SGR_FAULT "31"
#define SGR_EXPECTED "32"
#define SGR_SBC "33"
#define SGR_MICROSOFT "36"

typedef struct {
    FILE *out;
    const dt_report_t *report;
    const dt_rules_t *rules;
    const dt_totals_t *totals;
    bool color;
    size_t width;
} text_t;

typedef struct {
    const char *title;
    size_t width;
    bool right;
} column_t;

/* ---- low-level helpers ---- */

static void sgr_on(const text_t *w, const char *sgr)
{
    if (w->color && sgr)
        fprintf(w->out, "\x1b[%sm", sgr);
}

static void sgr_off(const text_t *w, const char *sgr)
{
    if (w->color && sgr)
        fputs("\x1b[0m", w->out);
}

static void spaces(const text_t *w, size_t n)
{
    while (n--)
        putc(' ', w->out);
}

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* Writes untrusted text in at most max columns (0: no limit), marking a cut
 * with "..."; returns the columns written. */
static size_t put_text(const text_t *w, const char *text, size_t max)
{
    size_t len = strlen(text), keep = sizeof ELLIPSIS - 1;
    if (max == 0 || max <= keep || dt_text_width(text) <= max)
        return dt_text_write_safe(w->out, text, len, max);
    size_t n = dt_text_write_safe(w->out, text, len, max - keep);
    fputs(ELLIPSIS, w->out);
    return n + keep;
}

static const char *u64_text(char buf[DT_NUMBER_MAX], uint64_t value)
{
    snprintf(buf, DT_NUMBER_MAX, "%" PRIu64, value);
    return buf;
}

static const char *percent_text(char buf[DT_NUMBER_MAX], uint64_t part, uint64_t whole)
{
    dt_format_fixed(buf, whole ? 100.0 * (double)part / (double)whole : 0.0, 1);
    strcat(buf, "%");
    return buf;
}

static const char *ner_text(char buf[DT_NUMBER_MAX], uint64_t effective, uint64_t calls)
{
    double ner = dt_ner_percent(effective, calls);
    if (ner < 0)
        return "-";
    dt_format_fixed(buf, ner, 2);
    strcat(buf, "%");
    return buf;
}

static const char *origin_sgr(dt_origin_t origin)
{
    return origin == DT_ORIGIN_SBC ? SGR_SBC : origin == DT_ORIGIN_MICROSOFT ? SGR_MICROSOFT : NULL;
}

static bool action_expected(const text_t *w, size_t action)
{
    const dt_action_t *a = dt_report_action(w->report, action);
    return a && a->expected;
}

/* Rows of a table of n that the report shows. */
static size_t shown_rows(const text_t *w, size_t n)
{
    return w->report->top && w->report->top < n ? w->report->top : n;
}

static void heading(const text_t *w, const char *title, const char *detail)
{
    putc('\n', w->out);
    sgr_on(w, SGR_BOLD);
    fputs(title, w->out);
    sgr_off(w, SGR_BOLD);
    if (detail)
        fprintf(w->out, "  (%s)", detail);
    putc('\n', w->out);
}

static const char *failed_detail(char *buf, size_t size, uint64_t failed)
{
    snprintf(buf, size, "%% of %" PRIu64 " failed call%s", failed, failed == 1 ? "" : "s");
    return buf;
}

static void none_line(const text_t *w)
{
    fputs("  none\n", w->out);
}

static void more_line(const text_t *w, size_t indent, size_t more, uint64_t failed)
{
    spaces(w, indent);
    fprintf(w->out, "... and %zu more (%" PRIu64 " failed call%s)\n", more, failed,
            failed == 1 ? "" : "s");
}

/* Writes text word by word, starting at column indent (already reached when
 * `started`) and breaking lines before the width. */
static void wrap(const text_t *w, size_t indent, bool started, const char *text)
{
    if (!started)
        spaces(w, indent);
    dt_text_wrap(w->out, text, indent, indent, w->width);
}

/* ---- tables ---- */

/* One cell: right-aligned, or left-aligned and padded unless it ends the line. */
static void put_cell(const text_t *w, const column_t *col, bool last, const char *text,
                     const char *sgr)
{
    size_t n = dt_text_width(text);
    if (col->right && n < col->width)
        spaces(w, col->width - n);
    sgr_on(w, sgr);
    n = put_text(w, text, col->width);
    sgr_off(w, sgr);
    if (!col->right && !last && n < col->width)
        spaces(w, col->width - n);
    if (!last)
        spaces(w, GAP);
}

static void table_header(const text_t *w, const column_t *cols, size_t ncols)
{
    spaces(w, 2);
    for (size_t i = 0; i < ncols; i++)
        put_cell(w, &cols[i], i + 1 == ncols, cols[i].title, NULL);
    putc('\n', w->out);
}

/* Sets each column's width to at least its title's, then gives column
 * `flex` what is left of the line (at least min_flex, at most its content). */
static void fit_columns(const text_t *w, column_t *cols, size_t ncols, size_t flex,
                        size_t min_flex)
{
    size_t used = 2;
    for (size_t i = 0; i < ncols; i++) {
        cols[i].width = max_size(cols[i].width, strlen(cols[i].title));
        if (i != flex)
            used += cols[i].width + GAP;
    }
    size_t room = max_size(w->width > used ? w->width - used : 0, min_flex);
    if (cols[flex].width > room)
        cols[flex].width = room;
    /* Still too wide: the widest other text columns give way, down to their
     * title or 8 characters. */
    size_t total = used + cols[flex].width;
    while (total > w->width) {
        size_t widest = ncols;
        for (size_t i = 0; i < ncols; i++) {
            size_t floor = max_size(strlen(cols[i].title), 8);
            if (i != flex && !cols[i].right && cols[i].width > floor &&
                (widest == ncols || cols[i].width > cols[widest].width))
                widest = i;
        }
        if (widest == ncols)
            break;
        size_t floor = max_size(strlen(cols[widest].title), 8);
        size_t cut = total - w->width;
        if (cut > cols[widest].width - floor)
            cut = cols[widest].width - floor;
        cols[widest].width -= cut;
        total -= cut;
    }
}

/* ---- sections ---- */

static void write_inputs(const text_t *w)
{
    const dt_report_t *r = w->report;
    sgr_on(w, SGR_BOLD);
    fputs("drtriage report", w->out);
    sgr_off(w, SGR_BOLD);
    putc('\n', w->out);
    if (!r->ninputs) {
        fputs("  inputs: none\n", w->out);
        return;
    }
    size_t rows_w = 1, rej_w = 1;
    for (size_t i = 0; i < r->ninputs; i++) {
        char buf[DT_NUMBER_MAX];
        rows_w = max_size(rows_w, strlen(u64_text(buf, r->inputs[i].rows)));
        rej_w = max_size(rej_w, strlen(u64_text(buf, r->inputs[i].rejected)));
    }
    for (size_t i = 0; i < r->ninputs; i++) {
        const dt_input_stats_t *in = &r->inputs[i];
        fprintf(w->out, "  %-5s  %*" PRIu64 " rows  %*" PRIu64 " rejected  ",
                dt_family_name(in->family), (int)rows_w, in->rows, (int)rej_w, in->rejected);
        put_text(w, in->path ? in->path : "", 0);
        putc('\n', w->out);
    }
    if (w->report->filters) {
        fputs("  filters: ", w->out);
        put_text(w, w->report->filters, 0);
        putc('\n', w->out);
    }
}

static void total_line(const text_t *w, const char *label, const char *value, size_t value_w,
                       const char *comment)
{
    fprintf(w->out, "  %-10s %*s", label, (int)value_w, value);
    if (comment)
        fprintf(w->out, "  %s", comment);
    putc('\n', w->out);
}

/* Whether some input was a summarised export: its call rows are not its calls. */
static bool weighted(const dt_report_t *r)
{
    for (size_t i = 0; i < r->ninputs; i++)
        if (r->inputs[i].count_column)
            return true;
    return false;
}

/* "(rows = calls + rejected + excluded + duplicates)", naming only the
 * parts this report has. */
static void identity_text(const dt_totals_t *t, bool rows_differ, char *out, size_t cap)
{
    snprintf(out, cap, "(rows = %s + rejected%s%s)", rows_differ ? "call rows" : "calls",
             t->excluded ? " + excluded" : "", t->duplicates ? " + duplicates" : "");
}

/* Why rows were excluded: "filters: 3, non-PSTN streams: 2", the undated ones,
 * and the calls they stand for when that differs. */
static void excluded_text(const dt_totals_t *t, char *out, size_t cap)
{
    static const char *const why[DT_EXCLUDED_COUNT] = {"left out by filters",
                                                       "non-PSTN streams"};
    size_t n = 0, reasons = 0;
    for (int k = 0; k < DT_EXCLUDED_COUNT; k++)
        reasons += t->excluded_by[k] != 0;
    out[0] = '\0';
    for (int k = 0; k < DT_EXCLUDED_COUNT && n < cap; k++) {
        if (!t->excluded_by[k])
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "(", why[k]);
        if (reasons > 1 && n < cap)
            n += (size_t)snprintf(out + n, cap - n, ": %" PRIu64, t->excluded_by[k]);
    }
    if (t->undated && n < cap)
        n += (size_t)snprintf(out + n, cap - n, "; %" PRIu64 " without a readable start time",
                              t->undated);
    if (t->excluded_calls != t->excluded && n < cap)
        n += (size_t)snprintf(out + n, cap - n, "; %" PRIu64 " calls", t->excluded_calls);
    if (n < cap)
        snprintf(out + n, cap - n, ")");
}

static void write_totals(const text_t *w)
{
    const dt_totals_t *t = w->totals;
    enum { ROWS, CALL_ROWS, CALLS, SUCCEEDED, FAILED, REJECTED, EXCLUDED, DUPLICATES, NCOUNTS };
    char v[NCOUNTS + 1][DT_NUMBER_MAX], expected[80], identity[80], excluded[192],
        duplicates[128];
    const char *ner = ner_text(v[NCOUNTS], t->counts.effective, t->counts.calls);
    uint64_t counts[NCOUNTS] = {t->rows, t->call_rows, t->counts.calls, t->counts.succeeded,
                                t->counts.failed, t->rejected, t->excluded, t->duplicates};
    size_t value_w = strlen(ner);
    for (size_t i = 0; i < NCOUNTS; i++)
        value_w = max_size(value_w, strlen(u64_text(v[i], counts[i])));
    bool rows_differ = weighted(w->report);
    snprintf(expected, sizeof expected, "(%" PRIu64 " of them expected endings, not faults)",
             dt_counts_expected(&t->counts));
    identity_text(t, rows_differ, identity, sizeof identity);
    excluded_text(t, excluded, sizeof excluded);
    int n = snprintf(duplicates, sizeof duplicates,
                     "(repeats of calls already counted, dropped by --dedupe");
    if (t->duplicate_calls != t->duplicates)
        n += snprintf(duplicates + n, sizeof duplicates - (size_t)n, "; %" PRIu64 " calls",
                      t->duplicate_calls);
    snprintf(duplicates + n, sizeof duplicates - (size_t)n, ")");
    heading(w, "Totals", NULL);
    total_line(w, "rows", v[ROWS], value_w, identity);
    if (rows_differ)
        total_line(w, "call rows", v[CALL_ROWS], value_w,
                   "(summarised rows count as the calls in their count column)");
    total_line(w, "calls", v[CALLS], value_w, NULL);
    total_line(w, "succeeded", v[SUCCEEDED], value_w, NULL);
    total_line(w, "failed", v[FAILED], value_w, dt_counts_expected(&t->counts) ? expected : NULL);
    total_line(w, "rejected", v[REJECTED], value_w, NULL);
    if (t->excluded)
        total_line(w, "excluded", v[EXCLUDED], value_w, excluded);
    if (t->duplicates)
        total_line(w, "duplicates", v[DUPLICATES], value_w, duplicates);
    total_line(w, "NER", ner, value_w, t->counts.calls ? "(defined under By SBC)" : "(no calls)");
}

#define VERDICT_WIDTH 10 /* "not judged" */
#define OTHER_VALUES "(other values, beyond the table limit)"

/* The gates' outcomes, breached first: one wrapped line each. */
static void write_gates(const text_t *w)
{
    static const struct {
        const char *label, *sgr;
    } verdicts[] = {{"breached", SGR_FAULT}, {"not judged", NULL}, {"passed", SGR_EXPECTED}};
    const dt_report_t *r = w->report;
    if (!r->ngates)
        return;
    size_t breached = 0;
    for (size_t i = 0; i < r->ngates; i++)
        breached += r->gates[i].breached;
    char detail[80];
    snprintf(detail, sizeof detail, "%zu of %zu breached", breached, r->ngates);
    heading(w, dt_sections[DT_SECTION_GATES].title, detail);
    for (size_t v = 0; v < sizeof verdicts / sizeof verdicts[0]; v++)
        for (size_t i = 0; i < r->ngates; i++) {
            const dt_gate_result_t *g = &r->gates[i];
            if ((g->breached ? 0 : g->judged ? 2 : 1) != v)
                continue;
            spaces(w, 2);
            sgr_on(w, verdicts[v].sgr);
            fprintf(w->out, "%-*s", VERDICT_WIDTH, verdicts[v].label);
            sgr_off(w, verdicts[v].sgr);
            spaces(w, GAP);
            wrap(w, 2 + VERDICT_WIDTH + GAP, true, g->why);
        }
}

/* The values an input has for a filter condition, most calls first. */
static void value_list(const text_t *w, const dt_filter_match_t *m)
{
    size_t name_w = 0, room = w->width > 2 * DT_NUMBER_MAX ? w->width - DT_NUMBER_MAX : 0;
    char num[DT_NUMBER_MAX];
    for (size_t v = 0; v < m->nvalues; v++)
        name_w = max_size(name_w, dt_text_width(m->values[v]->other ? OTHER_VALUES
                                                                     : m->values[v]->name));
    if (room && name_w > room)
        name_w = room;
    for (size_t v = 0; v < m->nvalues; v++) {
        spaces(w, 4);
        size_t used = put_text(w, m->values[v]->other ? OTHER_VALUES : m->values[v]->name,
                               name_w);
        spaces(w, name_w - used + GAP);
        fprintf(w->out, "%s\n", u64_text(num, m->values[v]->counts.calls));
    }
    if (m->more)
        fprintf(w->out, "    ... and %zu more\n", m->more);
}

/* When the filters let no call through: which condition matched nothing, and
 * the values the input has for it instead. */
static void write_filter_matches(const text_t *w)
{
    const dt_report_t *r = w->report;
    if (!r->matched_nothing)
        return;
    heading(w, dt_sections[DT_SECTION_FILTERS].title, NULL);
    size_t empty = 0;
    for (size_t i = 0; i < r->nfilter_matches; i++)
        empty += r->filter_matches[i].calls == 0;
    if (!empty)
        wrap(w, 2, false, "Each condition matched calls on its own, but no call matched all of "
                          "them:");
    for (size_t i = 0; i < r->nfilter_matches; i++) {
        const dt_filter_match_t *m = &r->filter_matches[i];
        char line[LABEL_MAX];
        if (m->calls)
            snprintf(line, sizeof line, "%s matched %" PRIu64 " call%s", m->option, m->calls,
                     m->calls == 1 ? "" : "s");
        else if (m->nvalues)
            snprintf(line, sizeof line, "%s matched no call; the %s in the input, most calls "
                     "first:", m->option, m->noun);
        else
            snprintf(line, sizeof line, "%s matched no call; the input has no %s.", m->option,
                     m->noun);
        wrap(w, 2, false, line);
        if (!m->calls)
            value_list(w, m);
    }
}

static void write_origins(const text_t *w)
{
    const dt_totals_t *t = w->totals;
    char detail[80], num[DT_NUMBER_MAX], pct[DT_NUMBER_MAX];
    heading(w, "Failed calls by origin", failed_detail(detail, sizeof detail, t->counts.failed));
    if (!t->counts.failed) {
        none_line(w);
        return;
    }
    column_t cols[] = {{"origin", 9, false},
                       {"failed", strlen(u64_text(num, t->counts.failed)), true},
                       {"%", 6, true}};
    fit_columns(w, cols, 3, 0, 9);
    table_header(w, cols, 3);
    for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
        spaces(w, 2);
        put_cell(w, &cols[0], false, dt_origin_name((dt_origin_t)o), origin_sgr((dt_origin_t)o));
        put_cell(w, &cols[1], false, u64_text(num, t->counts.failed_by_origin[o]), NULL);
        put_cell(w, &cols[2], true,
                 percent_text(pct, t->counts.failed_by_origin[o], t->counts.failed), NULL);
        putc('\n', w->out);
    }
}

static const char *sip_text(char buf[DT_NUMBER_MAX], const dt_code_row_t *row)
{
    if (row->other || !row->key.has_sip)
        return "-";
    snprintf(buf, DT_NUMBER_MAX, "%u", row->key.sip);
    return buf;
}

static const char *ms_text(char buf[DT_NUMBER_MAX], const dt_code_row_t *row)
{
    return row->other || !row->key.has_ms ? "-" : u64_text(buf, row->key.ms);
}

#define OTHER_CODES "(other codes, beyond the table limit)"

/* The code table's "other" row names the actions its failures belong to. */
static const char *other_phrase(const text_t *w, char *buf, size_t cap)
{
    const dt_report_t *r = w->report;
    size_t n = (size_t)snprintf(buf, cap, "%s", OTHER_CODES);
    for (size_t i = 0; i < r->nactions && n < cap; i++) {
        uint64_t failed = dt_report_other_failed(&r->actions[i]);
        if (failed)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s %" PRIu64,
                                  n == sizeof OTHER_CODES - 1 ? ": " : ", ",
                                  dt_report_action_id(r, r->actions[i].action), failed);
    }
    return buf;
}

static const char *row_phrase(const text_t *w, const dt_code_row_t *row)
{
    return row->other ? OTHER_CODES : dt_report_code_phrase(w->report, row);
}

/* "      - 560403/403 Forbidden (12)" */
static void action_code_line(const text_t *w, const dt_code_row_t *row)
{
    char ms[DT_NUMBER_MAX], sip[DT_NUMBER_MAX], tail[DT_NUMBER_MAX + 4];
    int head = row->other ? fprintf(w->out, "%*s- ", ACTION_INDENT, "")
                          : fprintf(w->out, "%*s- %s/%s ", ACTION_INDENT, "", ms_text(ms, row),
                                    sip_text(sip, row));
    int tail_len = snprintf(tail, sizeof tail, " (%" PRIu64 ")", row->failed);
    size_t used = (size_t)(head > 0 ? head : 0) + (size_t)tail_len;
    put_text(w, row_phrase(w, row), w->width > used + 10 ? w->width - used : 10);
    fputs(tail, w->out);
    putc('\n', w->out);
}

/* "      call 5f0c...  2026-11-01T08:00:00Z" */
static void sample_line(const text_t *w, const dt_sample_t *sample)
{
    fprintf(w->out, "%*scall ", ACTION_INDENT, "");
    size_t used = ACTION_INDENT + 5 + put_text(w, sample->correlation ? sample->correlation : "", 0);
    if (sample->start && *sample->start) {
        fputs("  ", w->out);
        put_text(w, sample->start, w->width > used + 12 ? w->width - used - 2 : 10);
    }
    putc('\n', w->out);
}

static void action_details(const text_t *w, const dt_action_row_t *row)
{
    const dt_action_t *a = dt_report_action(w->report, row->action);
    if (a) {
        if (a->text && *a->text)
            wrap(w, ACTION_INDENT, false, a->text);
        for (size_t i = 0; i < a->ndocs; i++) {
            fprintf(w->out, "%*sdocs: %s", ACTION_INDENT, "",
                    dt_doc_link_prefix(a->docs[i]));
            put_text(w, a->docs[i], 0);
            putc('\n', w->out);
        }
    }
    size_t limit = shown_rows(w, row->ncodes);
    if (limit > ACTION_CODES)
        limit = ACTION_CODES;
    uint64_t rest = 0;
    for (size_t i = 0; i < row->ncodes; i++) {
        if (i < limit)
            action_code_line(w, row->codes[i]);
        else
            rest += row->codes[i]->failed;
    }
    if (row->ncodes > limit)
        more_line(w, ACTION_INDENT, row->ncodes - limit, rest);
    for (size_t i = 0; i < row->nsamples; i++)
        sample_line(w, &row->samples[i]);
}

static void action_line(const text_t *w, const dt_action_row_t *row, size_t rank,
                        size_t count_w)
{
    const dt_action_t *a = dt_report_action(w->report, row->action);
    const char *id = dt_report_action_id(w->report, row->action);
    char pct[DT_NUMBER_MAX];
    int head = fprintf(w->out, "  %2zu. %*" PRIu64 "  %6s  %-9s  ", rank, (int)count_w,
                       row->failed, percent_text(pct, row->failed, w->totals->counts.failed),
                       a ? dt_owner_name(a->owner) : "-");
    const char *sgr = action_expected(w, row->action) ? SGR_EXPECTED : SGR_FAULT;
    sgr_on(w, sgr);
    size_t used = (size_t)(head > 0 ? head : 0) + put_text(w, id, 0);
    sgr_off(w, sgr);
    fputs("  ", w->out);
    used += 2;
    put_text(w, a && a->title ? a->title : "No action matched these codes",
             w->width > used + 10 ? w->width - used : 10);
    putc('\n', w->out);
}

static void write_actions(const text_t *w, bool expected)
{
    const dt_report_t *r = w->report;
    char detail[80], num[DT_NUMBER_MAX];
    heading(w, expected ? "Expected endings (not faults)" : "What to do first",
            failed_detail(detail, sizeof detail, w->totals->counts.failed));
    size_t shown = 0, more = 0, count_w = 0;
    uint64_t more_failed = 0;
    for (size_t i = 0; i < r->nactions; i++) {
        const dt_action_row_t *row = &r->actions[i];
        if (action_expected(w, row->action) != expected)
            continue;
        if (!count_w) /* rows are ranked: the first is the widest */
            count_w = strlen(u64_text(num, row->failed));
        if (r->top && shown == r->top) {
            more++;
            more_failed += row->failed;
            continue;
        }
        action_line(w, row, ++shown, count_w);
        action_details(w, row);
    }
    if (!shown)
        none_line(w);
    if (more)
        more_line(w, 2, more, more_failed);
}

enum { CODE_SIP, CODE_MS, CODE_ORIGIN, CODE_COUNT, CODE_KNOWN, CODE_ACTION, CODE_PHRASE,
       CODE_LEVEL, CODE_COLS };

static void code_row_line(const text_t *w, const column_t *cols, const dt_code_row_t *row)
{
    char sip[DT_NUMBER_MAX], ms[DT_NUMBER_MAX], count[DT_NUMBER_MAX], other[LABEL_MAX];
    const char *cells[CODE_COLS] = {
        sip_text(sip, row), ms_text(ms, row),
        row->other ? "-" : dt_origin_name(row->match.origin), u64_text(count, row->failed),
        row->other ? "-" : row->match.known ? "yes" : "no",
        row->other ? "-" : dt_report_action_id(w->report, row->match.action),
        row->other ? other_phrase(w, other, sizeof other) : row_phrase(w, row),
        row->other ? "-" : dt_match_level_name(row->match.level)};
    spaces(w, 2);
    for (size_t c = 0; c < CODE_COLS; c++)
        put_cell(w, &cols[c], c + 1 == CODE_COLS, cells[c],
                 c == CODE_ORIGIN && !row->other ? origin_sgr(row->match.origin) : NULL);
    putc('\n', w->out);
}

static void write_codes(const text_t *w)
{
    const dt_report_t *r = w->report;
    char num[DT_NUMBER_MAX];
    heading(w, "Failed calls by code", NULL);
    if (!r->ncodes) {
        none_line(w);
        return;
    }
    size_t shown = shown_rows(w, r->ncodes);
    column_t cols[CODE_COLS] = {{"SIP", 0, true},    {"MS", 0, true},     {"origin", 9, false},
                                {"count", 0, true},  {"known", 5, false}, {"action", 0, false},
                                {"phrase", 0, false}, {"level", 11, false}};
    for (size_t i = 0; i < shown; i++) {
        const dt_code_row_t *row = r->codes[i];
        cols[CODE_SIP].width = max_size(cols[CODE_SIP].width, strlen(sip_text(num, row)));
        cols[CODE_MS].width = max_size(cols[CODE_MS].width, strlen(ms_text(num, row)));
        cols[CODE_COUNT].width =
            max_size(cols[CODE_COUNT].width, strlen(u64_text(num, row->failed)));
        cols[CODE_ACTION].width = max_size(cols[CODE_ACTION].width,
                                           dt_text_width(dt_report_action_id(r, row->match.action)));
        cols[CODE_PHRASE].width = max_size(cols[CODE_PHRASE].width, dt_text_width(row_phrase(w, row)));
    }
    if (cols[CODE_ACTION].width > 24)
        cols[CODE_ACTION].width = 24;
    fit_columns(w, cols, CODE_COLS, CODE_PHRASE, 12);
    table_header(w, cols, CODE_COLS);
    uint64_t more_failed = 0;
    for (size_t i = 0; i < r->ncodes; i++) {
        if (i < shown)
            code_row_line(w, cols, r->codes[i]);
        else
            more_failed += r->codes[i]->failed;
    }
    if (r->ncodes > shown)
        more_line(w, 2, r->ncodes - shown, more_failed);
}

/* Ready-to-paste rules for the codes no documented entry explains: where the
 * table has to grow. */
static void write_stubs(const text_t *w)
{
    const dt_report_t *r = w->report;
    size_t shown = 0, unknown = 0;
    for (size_t i = 0; i < r->ncodes; i++) {
        const char *stub = r->stubs[i];
        if (!stub)
            continue;
        if (unknown++ == 0)
            heading(w, "Codes without a rule",
                    "to paste into a rules file, docs/rules.md");
        if (!w->report->top || shown < w->report->top) {
            for (const char *line = stub; *line;) {
                size_t n = strcspn(line, "\n");
                spaces(w, 2);
                dt_text_write_safe(w->out, line, n, 0);
                putc('\n', w->out);
                line += n + (line[n] != '\0');
            }
            putc('\n', w->out);
            shown++;
        }
    }
    if (unknown > shown)
        more_line(w, 0, unknown - shown, 0);
}

/* The NER definition, from the rules' effective SIP codes and minimum calls. */
static void ner_note(const text_t *w)
{
    char sips[512] = "";
    size_t len = 0;
    for (unsigned c = 0; c <= DT_SIP_MAX && len + 8 < sizeof sips; c++)
        if (w->rules->ner_effective[c])
            len += (size_t)snprintf(sips + len, sizeof sips - len, "%s%u", len ? "/" : "", c);
    char note[700];
    snprintf(note, sizeof note,
             "NER = (succeeded + failures with SIP %s) / calls; below %" PRIu64
             " calls a low NER may be normal",
             len ? sips : "(none)", w->rules->ner_min_calls);
    wrap(w, 2, false, note);
}

enum { KEY_NAME, KEY_CALLS, KEY_FAILED, KEY_BY_SBC, KEY_BY_MS, KEY_NER, KEY_COLS };

/* A keyed table: SBC, time or group rows with the same counts. */
typedef struct {
    const char *title, *detail, *name_title;
    const dt_keyed_row_t *const *rows;
    size_t nrows;
    bool ranked; /* `top` applies (the time series is always shown whole) */
    const char *(*label)(const dt_keyed_row_t *row, char *buf);
} keyed_table_t;

static const char *sbc_label(const dt_keyed_row_t *row, char *buf)
{
    (void)buf;
    if (row->other)
        return "(other SBCs, beyond the table limit)";
    return row->name && *row->name ? row->name : "(no SBC)";
}

static const char *time_label(const dt_keyed_row_t *row, char *buf)
{
    (void)buf;
    return row->other ? "(other times)" : row->name;
}

/* Group values joined with " / " (the separator is a control character). */
static const char *group_label(const dt_keyed_row_t *row, char *buf)
{
    if (row->other)
        return "(other groups, beyond the table limit)";
    size_t n = 0;
    for (const char *p = row->name; *p && n + 4 < LABEL_MAX; p++) {
        if (*p == DT_GROUP_SEPARATOR) {
            memcpy(buf + n, " / ", 3);
            n += 3;
        } else {
            buf[n++] = *p;
        }
    }
    buf[n] = '\0';
    return n ? buf : "(empty)";
}

static void keyed_row_line(const text_t *w, const keyed_table_t *t, const column_t *cols,
                           const dt_keyed_row_t *row)
{
    char v[KEY_COLS][DT_NUMBER_MAX], label[LABEL_MAX];
    const char *cells[KEY_COLS] = {
        t->label(row, label), u64_text(v[1], row->counts.calls),
        u64_text(v[2], row->counts.failed),
        u64_text(v[3], row->counts.failed_by_origin[DT_ORIGIN_SBC]),
        u64_text(v[4], row->counts.failed_by_origin[DT_ORIGIN_MICROSOFT]),
        ner_text(v[5], row->counts.effective, row->counts.calls)};
    spaces(w, 2);
    for (size_t c = 0; c < KEY_COLS; c++)
        put_cell(w, &cols[c], c + 1 == KEY_COLS, cells[c], NULL);
    putc('\n', w->out);
}

static void write_keyed(const text_t *w, const keyed_table_t *t)
{
    heading(w, t->title, t->detail);
    if (!t->nrows) {
        none_line(w);
        return;
    }
    size_t shown = t->ranked ? shown_rows(w, t->nrows) : t->nrows;
    char num[DT_NUMBER_MAX], label[LABEL_MAX];
    column_t cols[KEY_COLS] = {{t->name_title, 0, false},     {"calls", 0, true},
                               {"failed", 0, true},           {"sbc-origin", 0, true},
                               {"microsoft-origin", 0, true}, {"NER", 7, true}};
    for (size_t i = 0; i < shown; i++) {
        cols[KEY_NAME].width =
            max_size(cols[KEY_NAME].width, dt_text_width(t->label(t->rows[i], label)));
        cols[KEY_CALLS].width =
            max_size(cols[KEY_CALLS].width, strlen(u64_text(num, t->rows[i]->counts.calls)));
    }
    fit_columns(w, cols, KEY_COLS, KEY_NAME, 16);
    table_header(w, cols, KEY_COLS);
    uint64_t more_failed = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        if (i < shown)
            keyed_row_line(w, t, cols, t->rows[i]);
        else
            more_failed += t->rows[i]->counts.failed;
    }
    if (t->nrows > shown)
        more_line(w, 2, t->nrows - shown, more_failed);
}

static void write_sbcs(const text_t *w)
{
    const keyed_table_t t = {"By SBC", NULL, "SBC", w->report->sbcs, w->report->nsbcs, true,
                             sbc_label};
    write_keyed(w, &t);
    if (w->report->nsbcs)
        ner_note(w);
}

static void write_times(const text_t *w)
{
    static const char *const buckets[] = {"hour", "day", "week"};
    const dt_report_t *r = w->report;
    if (!r->by_time)
        return;
    int b = (int)r->bucket;
    char detail[64];
    snprintf(detail, sizeof detail, "per %s, UTC", b >= 0 && b < 3 ? buckets[b] : "bucket");
    const keyed_table_t t = {"By time", detail, "start", w->report->times, w->report->ntimes,
                             false, time_label};
    write_keyed(w, &t);
    if (r->undated_in_series)
        fprintf(w->out, "  %" PRIu64 " call%s without a readable start time %s not in the series\n",
                r->undated_in_series, r->undated_in_series == 1 ? "" : "s",
                r->undated_in_series == 1 ? "is" : "are");
}

static void write_groups(const text_t *w)
{
    const dt_report_t *o = w->report;
    if (!o->ngroup_columns)
        return;
    char detail[LABEL_MAX] = "";
    size_t n = 0;
    for (size_t i = 0; i < o->ngroup_columns && n < sizeof detail; i++)
        n += (size_t)snprintf(detail + n, sizeof detail - n, "%s%s", i ? " / " : "",
                              o->group_columns[i]);
    const keyed_table_t t = {"By group", detail, "group", w->report->groups, w->report->ngroups,
                             true, group_label};
    write_keyed(w, &t);
}

static void write_rejections(const text_t *w)
{
    const dt_report_t *r = w->report;
    uint64_t rejected = w->totals->rejected;
    if (!rejected)
        return;
    char detail[80];
    snprintf(detail, sizeof detail, "%" PRIu64 " row%s not counted as calls", rejected,
             rejected == 1 ? "" : "s");
    heading(w, "Rejected rows", detail);
    for (size_t i = 0; i < r->nrejections; i++) {
        const dt_rejection_t *rej = &r->rejections[i];
        spaces(w, 2);
        size_t used = 2 + put_text(w, rej->path ? rej->path : "", 0);
        used += (size_t)fprintf(w->out, ":%" PRIu64 ": ", rej->line);
        put_text(w, rej->reason, w->width > used + 20 ? w->width - used : 20);
        putc('\n', w->out);
    }
    if (rejected > r->nrejections)
        fprintf(w->out, "  ... and %" PRIu64 " more\n", rejected - r->nrejections);
}

static void write_notes(const text_t *w)
{
    if (!w->report->nnotes)
        return;
    heading(w, "Notes", NULL);
    for (size_t i = 0; i < w->report->nnotes; i++) {
        fputs("  - ", w->out);
        wrap(w, 4, true, w->report->notes[i]);
    }
}

static void write_faults(const text_t *w)
{
    write_actions(w, false);
}

static void write_expected(const text_t *w)
{
    write_actions(w, true);
}

/* What renders each section (dt_report.h), in the report's order. */
static void (*const sections[DT_SECTION_COUNT])(const text_t *) = {
    [DT_SECTION_INPUTS] = write_inputs,     [DT_SECTION_TOTALS] = write_totals,
    [DT_SECTION_GATES] = write_gates,       [DT_SECTION_FILTERS] = write_filter_matches,
    [DT_SECTION_ORIGINS] = write_origins,   [DT_SECTION_ACTIONS] = write_faults,
    [DT_SECTION_EXPECTED] = write_expected, [DT_SECTION_CODES] = write_codes,
    [DT_SECTION_STUBS] = write_stubs,       [DT_SECTION_SBCS] = write_sbcs,
    [DT_SECTION_TIMES] = write_times,       [DT_SECTION_GROUPS] = write_groups,
    [DT_SECTION_REJECTED] = write_rejections, [DT_SECTION_NOTES] = write_notes,
};

dt_status_t dt_write_text(FILE *out, const dt_report_t *report, const dt_write_options_t *options,
                          dt_error_t *err)
{
    unsigned width = options && options->width ? options->width : DEFAULT_WIDTH;
    text_t w = {.out = out,
                .report = report,
                .rules = report->rules,
                .totals = &report->totals,
                .color = options && options->color,
                .width = width < MIN_WIDTH ? MIN_WIDTH : width};
    for (size_t i = 0; i < report->nsections; i++)
        if (sections[report->order[i]])
            sections[report->order[i]](&w);
    return dt_stream_finish(out, err);
}
