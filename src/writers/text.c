/* text.c - the default report format: sections a person reads top to
 * bottom in a terminal, in the report's reading order, led by a summary of at
 * most 12 lines. Every table has column headings; an id a user types back
 * (an action id, a code, an SBC name, a group value) is never cut, and free
 * text (titles, phrases, advice) wraps within the configured width instead.
 * Every piece of input text passes through dt_text_write_safe. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_trend.h"
#include "dt_writer.h"

#define DEFAULT_WIDTH 100
#define MIN_WIDTH 40
#define ACTION_CODES 5   /* codes listed under one action */
#define DETAIL_INDENT 6  /* advice, docs and codes under an action row */
#define GAP 2            /* spaces between table columns */
#define INDENT 2         /* tables and lists start here */
#define LABEL_MAX 512    /* a table cell built from several values */
#define TABLE_COLS 8
#define WRAP_MIN 20      /* a text column narrower than this goes below its row */
#define SUMMARY_LABEL 12 /* the summary's label column */
#define SUMMARY_ACTIONS 3
#define SPARK_MAX 200    /* points of a sparkline */
#define TREND_MAX (SPARK_MAX * DT_SPARK_BYTES + 96)
#define BY_ORIGIN "failed by origin" /* over the columns of failures by origin */

#define SGR_BOLD "1"
#define SGR_FAULT "31"
#define SGR_EXPECTED "32"
#define SGR_SBC "33"
#define SGR_MICROSOFT "36"
#define SGR_LOW "1;31" /* a low NER, a peak near its limit */

typedef struct {
    FILE *out;
    const dt_report_t *report;
    const dt_rules_t *rules;
    const dt_totals_t *totals;
    bool color;
    bool ascii;
    size_t width;
    bool *nomem;      /* set when memory ran out: the report is not written whole */
} text_t;

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

/* Writes untrusted text whole; returns the columns written. */
static size_t put_text(const text_t *w, const char *text)
{
    return dt_text_write_safe(w->out, text, strlen(text), 0);
}

static const char *u64_text(char buf[DT_NUMBER_MAX], uint64_t value)
{
    snprintf(buf, DT_NUMBER_MAX, "%" PRIu64, value);
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

static const char *ner_sgr(const text_t *w, const dt_counts_t *counts)
{
    return dt_report_ner_low(w->report, counts) ? SGR_LOW : NULL;
}

static bool action_expected(const text_t *w, size_t action)
{
    const dt_action_t *a = dt_report_action(w->report, action);
    return a && a->expected;
}

static uint64_t faults_of(const dt_counts_t *c)
{
    return c->failed - dt_counts_expected(c);
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

typedef enum {
    COL_ID,   /* typed back by users (ids, codes, names): never cut */
    COL_NUM,  /* right-aligned */
    COL_TEXT, /* free text, only as the last column: wraps */
} col_kind_t;

typedef struct {
    const char *title;
    col_kind_t kind;
    size_t width;
} column_t;

/* One row's cells, filled by a table's fill function. */
typedef struct {
    const char *text[TABLE_COLS];
    const char *sgr[TABLE_COLS];
    char buf[TABLE_COLS][LABEL_MAX];
} cells_t;

typedef struct table table_t;
struct table {
    const text_t *w;
    column_t cols[TABLE_COLS];
    size_t ncols;
    size_t nrows;
    const void *rows;
    void (*fill)(const table_t *t, size_t row, cells_t *cells);
    void (*after)(const table_t *t, size_t row); /* what follows a row, or NULL */
    const char *span;  /* a heading over columns span_col and after, or NULL */
    size_t span_col;
    size_t used;  /* columns before the last one */
    bool below;   /* the last (text) column goes on lines of its own */
};

static void put_cell(const text_t *w, const column_t *col, bool last, const char *text,
                     const char *sgr)
{
    size_t n = dt_text_width(text);
    if (col->kind == COL_NUM && n < col->width)
        spaces(w, col->width - n);
    sgr_on(w, sgr);
    put_text(w, text);
    sgr_off(w, sgr);
    if (!last && col->kind != COL_NUM && n < col->width)
        spaces(w, col->width - n);
    if (!last)
        spaces(w, GAP);
}

/* Sizes every column to its title and cells; a last text column gets what is
 * left of the line, or goes below its row when that is too little. */
static void layout(table_t *t)
{
    cells_t cells;
    for (size_t c = 0; c < t->ncols; c++)
        t->cols[c].width = strlen(t->cols[c].title);
    for (size_t r = 0; r < t->nrows; r++) {
        memset(cells.text, 0, sizeof cells.text);
        t->fill(t, r, &cells);
        for (size_t c = 0; c < t->ncols; c++)
            t->cols[c].width =
                max_size(t->cols[c].width, dt_text_width(cells.text[c] ? cells.text[c] : ""));
    }
    t->used = INDENT;
    for (size_t c = 0; c + 1 < t->ncols; c++)
        t->used += t->cols[c].width + GAP;
    column_t *last = &t->cols[t->ncols - 1];
    if (last->kind == COL_TEXT) {
        size_t room = t->w->width > t->used ? t->w->width - t->used : 0;
        t->below = room < WRAP_MIN && last->width > room;
    }
}

static void table_line(const table_t *t, const char *const *text, const char *const *sgr)
{
    const text_t *w = t->w;
    size_t inline_cols = t->below ? t->ncols - 1 : t->ncols;
    while (inline_cols > 1 && t->cols[inline_cols - 1].kind == COL_TEXT &&
           !(text[inline_cols - 1] && *text[inline_cols - 1]))
        inline_cols--; /* an empty last text cell: no gap before it */
    spaces(w, INDENT);
    for (size_t c = 0; c < inline_cols; c++) {
        bool last = c + 1 == inline_cols;
        const char *cell = text[c] ? text[c] : "";
        if (last && t->cols[c].kind == COL_TEXT) {
            sgr_on(w, sgr[c]);
            dt_text_wrap(w->out, cell, t->used, t->used, w->width);
            sgr_off(w, sgr[c]);
            return;
        }
        put_cell(w, &t->cols[c], last, cell, sgr[c]);
    }
    putc('\n', w->out);
    const char *below = text[t->ncols - 1];
    if (t->below && below && *below)
        wrap(w, INDENT + 2, false, below);
}

static void write_table(table_t *t)
{
    layout(t);
    const char *titles[TABLE_COLS] = {NULL}, *none[TABLE_COLS] = {NULL};
    for (size_t c = 0; c < t->ncols; c++)
        titles[c] = t->cols[c].title;
    if (t->span) {
        size_t at = INDENT;
        for (size_t c = 0; c < t->span_col; c++)
            at += t->cols[c].width + GAP;
        spaces(t->w, at);
        fprintf(t->w->out, "%s\n", t->span);
    }
    bool below = t->below;
    t->below = false; /* the heading names every column on one line */
    table_line(t, titles, none);
    t->below = below;
    cells_t cells;
    for (size_t r = 0; r < t->nrows; r++) {
        memset(cells.text, 0, sizeof cells.text);
        memset(cells.sgr, 0, sizeof cells.sgr);
        t->fill(t, r, &cells);
        table_line(t, cells.text, cells.sgr);
        if (t->after)
            t->after(t, r);
    }
}

/* ---- codes ---- */

/* A code as `explain` and --code read it: MS/SIP, MS or SIP alone, "-" for none. */
static const char *code_text(char buf[LABEL_MAX], const dt_code_row_t *row)
{
    if (row->other)
        return "(other)";
    if (row->key.has_ms && row->key.has_sip)
        snprintf(buf, LABEL_MAX, "%" PRIu64 "/%u", row->key.ms, row->key.sip);
    else if (row->key.has_ms)
        snprintf(buf, LABEL_MAX, "%" PRIu64, row->key.ms);
    else if (row->key.has_sip)
        snprintf(buf, LABEL_MAX, "%u", row->key.sip);
    else
        return "-";
    return buf;
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

/* ---- the summary ---- */

/* "  label       text", the text wrapped under itself. */
static void summary_line(const text_t *w, const char *label, const char *text, const char *sgr)
{
    fprintf(w->out, "%*s%-*s", INDENT, "", SUMMARY_LABEL, label);
    sgr_on(w, sgr);
    dt_text_wrap(w->out, text, INDENT + SUMMARY_LABEL, INDENT + SUMMARY_LABEL, w->width);
    sgr_off(w, sgr);
}

/* The buckets to a sparkline mark: at least `least`, rounded up to a span
 * people count in (6 hours, a day, a week...). */
static size_t nice_step(dt_bucket_t bucket, size_t least)
{
    static const size_t hours[] = {1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 168, 336, 720};
    static const size_t days[] = {1, 2, 3, 7, 14, 28, 91, 182, 364};
    static const size_t weeks[] = {1, 2, 4, 13, 26, 52};
    const size_t *steps = bucket == DT_BUCKET_HOUR ? hours : bucket == DT_BUCKET_DAY ? days : weeks;
    size_t n = bucket == DT_BUCKET_HOUR  ? sizeof hours / sizeof *hours
               : bucket == DT_BUCKET_DAY ? sizeof days / sizeof *days
                                         : sizeof weeks / sizeof *weeks;
    for (size_t i = 0; i < n; i++)
        if (steps[i] >= least)
            return steps[i];
    return least;
}

/* "day", "6 hours", "2 days" (from 24 hours), "2 weeks" (from 7 days). */
static const char *step_name(char *buf, size_t cap, dt_bucket_t bucket, size_t k)
{
    const char *unit = bucket == DT_BUCKET_HOUR ? "hour" : bucket == DT_BUCKET_DAY ? "day" : "week";
    if (bucket == DT_BUCKET_HOUR && k % 24 == 0)
        k /= 24, unit = "day", bucket = DT_BUCKET_DAY;
    if (bucket == DT_BUCKET_DAY && k % 7 == 0)
        k /= 7, unit = "week";
    if (k == 1)
        snprintf(buf, cap, "%s", unit);
    else
        snprintf(buf, cap, "%zu %ss", k, unit);
    return buf;
}

/* The time series as at most `room` points from the first bucket to the
 * last, empty buckets included, k consecutive buckets to a point so that
 * they fit: NER (or -1 without calls) and faults per point. Returns the
 * number of points; *k the buckets per point. */
static size_t series_points(const dt_report_t *r, size_t room, double *ner, double *faults,
                            size_t *k)
{
    int64_t size = dt_date_bucket_seconds(r->bucket), first = 0, last = 0;
    size_t dated = 0;
    for (size_t i = 0; i < r->ntimes; i++)
        if (!r->times[i]->other) {
            if (!dated++)
                first = r->times[i]->start;
            last = r->times[i]->start;
        }
    if (dated < 2 || !room)
        return 0;
    uint64_t buckets = (uint64_t)((last - first) / size) + 1;
    *k = nice_step(r->bucket, (size_t)((buckets + room - 1) / room));
    size_t n = (size_t)((buckets + *k - 1) / *k);
    uint64_t calls[SPARK_MAX] = {0}, effective[SPARK_MAX] = {0};
    for (size_t p = 0; p < n; p++)
        faults[p] = 0;
    for (size_t i = 0; i < r->ntimes; i++) {
        const dt_keyed_row_t *row = r->times[i];
        if (row->other)
            continue;
        size_t p = (size_t)((uint64_t)((row->start - first) / size) / *k);
        calls[p] += row->counts.calls;
        effective[p] += row->counts.effective;
        faults[p] += (double)faults_of(&row->counts);
    }
    for (size_t p = 0; p < n; p++) {
        ner[p] = dt_ner_percent(effective[p], calls[p]);
        if (!calls[p])
            faults[p] = -1; /* no calls: no data, not "no faults" */
    }
    return n;
}

/* Writes the sparkline of n values into buf (scaled from lo to hi). */
static const char *spark(const text_t *w, char *buf, size_t cap, const double *v, size_t n,
                         double lo, double hi)
{
    dt_text_sparkline(buf, cap, v, n, lo, hi, w->ascii);
    return buf;
}

/* The lowest and highest value with data. */
static void range_of(const double *v, size_t n, double *lo, double *hi)
{
    *lo = *hi = -1;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= 0) {
            if (*lo < 0 || v[i] < *lo)
                *lo = v[i];
            if (v[i] > *hi)
                *hi = v[i];
        }
}

/* The two trend lines of the time series: "NER ▆▇▅█ 85.48%..97.10%, a mark
 * per day" and "faults ▁▂▁█ 0..14", each sparkline as wide as a summary line
 * allows. False without a series of two buckets or more. */
static bool trend_lines(const text_t *w, char *ner_line, char *faults_line, size_t cap)
{
    const dt_report_t *r = w->report;
    size_t text = INDENT + SUMMARY_LABEL + 40; /* "faults " and ", 100.00%..100.00%, a mark per 24 hours" */
    size_t room = w->width > text + 8 ? w->width - text : 8;
    if (room > SPARK_MAX)
        room = SPARK_MAX;
    double ner[SPARK_MAX], faults[SPARK_MAX], nlo, nhi, flo, fhi;
    size_t k = 1, n = r->by_time ? series_points(r, room, ner, faults, &k) : 0;
    if (!n)
        return false;
    range_of(ner, n, &nlo, &nhi);
    range_of(faults, n, &flo, &fhi);
    char mark[SPARK_MAX * DT_SPARK_BYTES + 1], lo[DT_NUMBER_MAX], hi[DT_NUMBER_MAX], per[64];
    snprintf(ner_line, cap, "NER %s %s%%..%s%%, a mark per %s",
             spark(w, mark, sizeof mark, ner, n, nlo, nhi), dt_format_fixed(lo, nlo, 2),
             dt_format_fixed(hi, nhi, 2), step_name(per, sizeof per, r->bucket, k));
    snprintf(faults_line, cap, "faults %s 0..%.0f", spark(w, mark, sizeof mark, faults, n, 0, fhi),
             fhi);
    return true;
}

/* The trend lines, as built: never wrapped, since a space in a sparkline is
 * a bucket without calls. */
static void write_trend(const text_t *w)
{
    char ner_trend[TREND_MAX], faults_trend[TREND_MAX];
    if (trend_lines(w, ner_trend, faults_trend, TREND_MAX))
        fprintf(w->out, "%*s%-*s%s\n%*s%s\n", INDENT, "", SUMMARY_LABEL, "trend", ner_trend,
                INDENT + SUMMARY_LABEL, "", faults_trend);
}

static void summary_actions(const text_t *w)
{
    const dt_report_t *r = w->report;
    size_t shown = 0;
    for (size_t i = 0; i < r->nactions && shown < SUMMARY_ACTIONS; i++) {
        const dt_action_row_t *row = &r->actions[i];
        if (action_expected(w, row->action))
            continue;
        const dt_action_t *a = dt_report_action(r, row->action);
        char line[LABEL_MAX];
        snprintf(line, sizeof line, "%zu. %s (owner %s): %" PRIu64 " call%s", ++shown,
                 dt_report_action_id(r, row->action), a ? dt_owner_name(a->owner) : "-",
                 row->failed, row->failed == 1 ? "" : "s");
        summary_line(w, shown == 1 ? "act first" : "", line, NULL);
    }
    if (!shown)
        summary_line(w, "act first", "nothing: no call failed for a reason that needs fixing",
                     NULL);
}

static void summary_worst_sbc(const text_t *w)
{
    char line[DT_REPORT_LINE];
    if (dt_report_worst_sbc_line(w->report, line, sizeof line))
        summary_line(w, "worst SBC", line, ner_sgr(w, &w->report->worst_sbc->counts));
}

static void summary_durations(const text_t *w)
{
    char line[DT_REPORT_LINE];
    if (dt_report_durations_line(w->report, line, sizeof line))
        summary_line(w, "durations", line, NULL);
}

/* The SBC nearest its session limit, else the busiest. */
static void summary_peak(const text_t *w)
{
    char line[DT_REPORT_LINE];
    const dt_keyed_row_t *top = dt_report_peak_sbc(w->report, NULL);
    if (dt_report_peak_line(w->report, line, sizeof line))
        summary_line(w, "peak", line, top->stats->near_limit ? SGR_LOW : NULL);
}

static void summary_gates(const text_t *w)
{
    char line[DT_REPORT_LINE];
    size_t breached;
    dt_report_gate_counts(w->report, &breached, NULL);
    if (dt_report_gates_line(w->report, line, sizeof line))
        summary_line(w, "gates", line, breached ? SGR_LOW : NULL);
}

static void write_summary(const text_t *w)
{
    const dt_report_t *r = w->report;
    const dt_counts_t *c = &w->totals->counts;
    char line[LABEL_MAX], a[DT_NUMBER_MAX], from[DT_DATE_LABEL], to[DT_DATE_LABEL];
    sgr_on(w, SGR_BOLD);
    fputs(dt_sections[DT_SECTION_SUMMARY].title, w->out);
    sgr_off(w, SGR_BOLD);
    fprintf(w->out, ": %" PRIu64 " call%s", c->calls, c->calls == 1 ? "" : "s");
    if (r->has_span && c->calls) {
        dt_date_label(r->first, true, from, sizeof from);
        dt_date_label(r->last, true, to, sizeof to);
        fprintf(w->out, ", %s to %s UTC", from, to);
    }
    putc('\n', w->out);
    if (!c->calls) { /* a stale or empty export: what the gates made of it */
        summary_gates(w);
        return;
    }
    char why[64] = "";
    if (dt_report_ner_low(r, c))
        snprintf(why, sizeof why, ", under %.0f%%: low", DT_NER_LOW_PERCENT);
    else if (c->calls < r->rules->ner_min_calls)
        snprintf(why, sizeof why, DT_FEW_CALLS);
    snprintf(line, sizeof line, "%s of %" PRIu64 " call%s%s", ner_text(a, c->effective, c->calls),
             c->calls, c->calls == 1 ? "" : "s", why);
    summary_line(w, "NER", line, ner_sgr(w, c));
    int n = snprintf(line, sizeof line,
                     "%" PRIu64 ": sbc %" PRIu64 ", microsoft %" PRIu64 ", unknown %" PRIu64,
                     faults_of(c), dt_counts_faults(c, DT_ORIGIN_SBC),
                     dt_counts_faults(c, DT_ORIGIN_MICROSOFT),
                     dt_counts_faults(c, DT_ORIGIN_UNKNOWN));
    if (dt_counts_expected(c))
        snprintf(line + n, sizeof line - (size_t)n, " (and %" PRIu64 " expected ending%s)",
                 dt_counts_expected(c), dt_counts_expected(c) == 1 ? "" : "s");
    summary_line(w, "faults", line, NULL);
    write_trend(w);
    summary_actions(w);
    summary_worst_sbc(w);
    summary_durations(w);
    summary_peak(w);
    summary_gates(w);
}

/* ---- sections ---- */

static void fill_input(const table_t *t, size_t i, cells_t *cells)
{
    const dt_input_stats_t *in = &((const dt_input_stats_t *)t->rows)[i];
    cells->text[0] = dt_family_name(in->family);
    cells->text[1] = u64_text(cells->buf[1], in->rows);
    cells->text[2] = u64_text(cells->buf[2], in->rejected);
    cells->text[3] = in->path ? in->path : "";
}

static void write_inputs(const text_t *w)
{
    const dt_report_t *r = w->report;
    heading(w, dt_sections[DT_SECTION_INPUTS].title, NULL);
    if (!r->ninputs) {
        none_line(w);
        return;
    }
    table_t t = {.w = w, .ncols = 4, .nrows = r->ninputs, .rows = r->inputs, .fill = fill_input,
                 .cols = {{"family", COL_ID, 0}, {"rows", COL_NUM, 0}, {"rejected", COL_NUM, 0},
                          {"path", COL_ID, 0}}};
    write_table(&t);
    if (r->filters) {
        fputs("  filters: ", w->out);
        put_text(w, r->filters);
        putc('\n', w->out);
    }
}

static void total_line(const text_t *w, const char *label, const char *value, size_t value_w,
                       const char *comment, const char *sgr)
{
    fprintf(w->out, "  %-10s ", label);
    size_t n = strlen(value);
    spaces(w, value_w > n ? value_w - n : 0);
    sgr_on(w, sgr);
    fputs(value, w->out);
    sgr_off(w, sgr);
    if (comment)
        fprintf(w->out, "  %s", comment);
    putc('\n', w->out);
}

/* A comment of the totals, in parentheses, or NULL. */
static const char *paren(char *out, size_t cap, const char *text)
{
    if (!text)
        return NULL;
    snprintf(out, cap, "(%s)", text);
    return out;
}

static void write_totals(const text_t *w)
{
    const dt_report_t *r = w->report;
    const dt_totals_t *t = w->totals;
    enum { ROWS, CALL_ROWS, CALLS, SUCCEEDED, FAILED, REJECTED, EXCLUDED, DUPLICATES, NCOUNTS };
    char v[NCOUNTS + 1][DT_NUMBER_MAX], expected[80], line[DT_REPORT_LINE],
        identity[DT_REPORT_LINE + 2], excluded[DT_REPORT_LINE + 2], duplicates[DT_REPORT_LINE + 2];
    const char *ner = ner_text(v[NCOUNTS], t->counts.effective, t->counts.calls);
    uint64_t counts[NCOUNTS] = {t->rows, t->call_rows, t->counts.calls, t->counts.succeeded,
                                t->counts.failed, t->rejected, t->excluded, t->duplicates};
    size_t value_w = strlen(ner);
    for (size_t i = 0; i < NCOUNTS; i++)
        value_w = max_size(value_w, strlen(u64_text(v[i], counts[i])));
    snprintf(expected, sizeof expected, "(%" PRIu64 " of them expected endings, not faults)",
             dt_counts_expected(&t->counts));
    paren(identity, sizeof identity, dt_report_identity(r, line, sizeof line));
    paren(excluded, sizeof excluded, dt_report_excluded_line(r, line, sizeof line));
    paren(duplicates, sizeof duplicates, dt_report_duplicates_line(r, line, sizeof line));
    heading(w, dt_sections[DT_SECTION_TOTALS].title, NULL);
    total_line(w, "rows", v[ROWS], value_w, identity, NULL);
    if (dt_report_weighted(r))
        total_line(w, "call rows", v[CALL_ROWS], value_w,
                   "(summarised rows count as the calls in their count column)", NULL);
    total_line(w, "calls", v[CALLS], value_w, NULL, NULL);
    total_line(w, "succeeded", v[SUCCEEDED], value_w, NULL, NULL);
    total_line(w, "failed", v[FAILED], value_w,
               dt_counts_expected(&t->counts) ? expected : NULL, NULL);
    total_line(w, "rejected", v[REJECTED], value_w, NULL, NULL);
    if (t->excluded)
        total_line(w, "excluded", v[EXCLUDED], value_w, excluded, NULL);
    if (t->duplicates)
        total_line(w, "duplicates", v[DUPLICATES], value_w, duplicates, NULL);
    total_line(w, "NER", ner, value_w, t->counts.calls ? "(defined under By SBC)" : "(no calls)",
               ner_sgr(w, &t->counts));
}

#define VERDICT_WIDTH 10 /* "not judged" */

/* The gates' outcomes, breached first: one wrapped line each. */
static void write_gates(const text_t *w)
{
    static const struct {
        const char *sgr;
        bool breached, judged;
    } verdicts[] = {{SGR_LOW, true, true}, {NULL, false, false}, {SGR_EXPECTED, false, true}};
    const dt_report_t *r = w->report;
    size_t breached;
    if (!dt_report_gate_counts(r, &breached, NULL))
        return;
    char detail[80];
    snprintf(detail, sizeof detail, "%zu of %zu breached", breached, r->ngates);
    heading(w, dt_sections[DT_SECTION_GATES].title, detail);
    for (size_t v = 0; v < sizeof verdicts / sizeof verdicts[0]; v++)
        for (size_t i = 0; i < r->ngates; i++) {
            const dt_gate_result_t *g = &r->gates[i];
            if (g->breached != verdicts[v].breached || g->judged != verdicts[v].judged)
                continue;
            spaces(w, INDENT);
            sgr_on(w, verdicts[v].sgr);
            fprintf(w->out, "%-*s", VERDICT_WIDTH, dt_report_gate_verdict(g));
            sgr_off(w, verdicts[v].sgr);
            spaces(w, GAP);
            wrap(w, INDENT + VERDICT_WIDTH + GAP, true, g->why);
        }
}

static void fill_value(const table_t *t, size_t i, cells_t *cells)
{
    const dt_filter_match_t *m = t->rows;
    const dt_keyed_row_t *row = m->values[i];
    cells->text[0] = row->other ? DT_OTHER_VALUES : row->name;
    cells->text[1] = u64_text(cells->buf[1], row->counts.calls);
}

/* When the filters let no call through: which condition matched nothing, and
 * the values the input has for it instead (most calls first). */
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
        wrap(w, INDENT, false, DT_FILTERS_DISJOINT);
    for (size_t i = 0; i < r->nfilter_matches; i++) {
        const dt_filter_match_t *m = &r->filter_matches[i];
        char line[LABEL_MAX];
        dt_report_filter_line(m, line, sizeof line);
        wrap(w, INDENT, false, line);
        if (m->calls || !m->nvalues)
            continue;
        table_t t = {.w = w, .ncols = 2, .nrows = m->nvalues, .rows = m, .fill = fill_value,
                     .cols = {{"value", COL_ID, 0}, {"calls", COL_NUM, 0}}};
        write_table(&t);
        if (m->more)
            fprintf(w->out, "  ... and %zu more\n", m->more);
    }
}

static void fill_origin(const table_t *t, size_t o, cells_t *cells)
{
    const dt_counts_t *c = t->rows;
    cells->text[0] = dt_origin_name((dt_origin_t)o);
    cells->sgr[0] = origin_sgr((dt_origin_t)o);
    cells->text[1] = u64_text(cells->buf[1], c->failed_by_origin[o]);
    cells->text[2] = dt_format_share(cells->buf[2], c->failed_by_origin[o], c->failed, 1);
}

static void write_origins(const text_t *w)
{
    const dt_totals_t *t = w->totals;
    char detail[80];
    heading(w, dt_sections[DT_SECTION_ORIGINS].title,
            failed_detail(detail, sizeof detail, t->counts.failed));
    if (!t->counts.failed) {
        none_line(w);
        return;
    }
    table_t tab = {.w = w, .ncols = 3, .nrows = DT_ORIGIN_COUNT, .rows = &t->counts,
                   .fill = fill_origin,
                   .cols = {{"origin", COL_ID, 0}, {"failed", COL_NUM, 0}, {"%", COL_NUM, 0}}};
    write_table(&tab);
}

/* "      - 560403/403 (12): Forbidden", the phrase wrapped under itself */
static void action_code_line(const text_t *w, const dt_code_row_t *row)
{
    char code[LABEL_MAX], head[LABEL_MAX + 32];
    int n = row->other ? snprintf(head, sizeof head, "- (%" PRIu64 "): ", row->failed)
                       : snprintf(head, sizeof head, "- %s (%" PRIu64 "): ", code_text(code, row),
                                  row->failed);
    spaces(w, DETAIL_INDENT);
    fputs(head, w->out);
    dt_text_wrap(w->out, row_phrase(w, row), DETAIL_INDENT + (size_t)n, DETAIL_INDENT + 2,
                 w->width);
}

/* "      call 5f0c...  2026-11-01T08:00:00Z" */
static void sample_line(const text_t *w, const dt_sample_t *sample)
{
    fprintf(w->out, "%*scall ", DETAIL_INDENT, "");
    put_text(w, sample->correlation ? sample->correlation : "");
    if (sample->start && *sample->start) {
        fputs("  ", w->out);
        put_text(w, sample->start);
    }
    putc('\n', w->out);
}

static void action_details(const text_t *w, const dt_action_row_t *row)
{
    const dt_action_t *a = dt_report_action(w->report, row->action);
    if (a) {
        if (a->text && *a->text)
            wrap(w, DETAIL_INDENT, false, a->text);
        for (size_t i = 0; i < a->ndocs; i++) {
            fprintf(w->out, "%*sdocs: %s", DETAIL_INDENT, "", dt_doc_link_prefix(a->docs[i]));
            put_text(w, a->docs[i]);
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
        more_line(w, DETAIL_INDENT, row->ncodes - limit, rest);
    for (size_t i = 0; i < row->nsamples; i++)
        sample_line(w, &row->samples[i]);
}

/* The action rows one table shows: faults or expected endings. */
typedef struct {
    const dt_action_row_t **rows; /* the report's action rows, those shown */
    size_t n;
} action_list_t;

static void fill_action(const table_t *t, size_t i, cells_t *cells)
{
    const text_t *w = t->w;
    const dt_action_row_t *row = ((const action_list_t *)t->rows)->rows[i];
    const dt_action_t *a = dt_report_action(w->report, row->action);
    snprintf(cells->buf[0], LABEL_MAX, "%zu", i + 1);
    cells->text[0] = cells->buf[0];
    cells->text[1] = u64_text(cells->buf[1], row->failed);
    cells->text[2] = dt_format_share(cells->buf[2], row->failed, w->totals->counts.failed, 1);
    cells->text[3] = a ? dt_owner_name(a->owner) : "-";
    cells->text[4] = dt_report_action_id(w->report, row->action);
    cells->sgr[4] = action_expected(w, row->action) ? SGR_EXPECTED : SGR_FAULT;
    cells->text[5] = a && a->title ? a->title : "No action matched these codes";
}

static void after_action(const table_t *t, size_t i)
{
    action_details(t->w, ((const action_list_t *)t->rows)->rows[i]);
}

static void write_actions(const text_t *w, bool expected)
{
    const dt_report_t *r = w->report;
    char detail[80];
    heading(w, dt_sections[expected ? DT_SECTION_EXPECTED : DT_SECTION_ACTIONS].title,
            failed_detail(detail, sizeof detail, w->totals->counts.failed));
    action_list_t list = {calloc(r->nactions + 1, sizeof *list.rows), 0};
    if (!list.rows) {
        *w->nomem = true;
        return;
    }
    size_t more = 0;
    uint64_t more_failed = 0;
    for (size_t i = 0; i < r->nactions; i++) {
        const dt_action_row_t *row = &r->actions[i];
        if (action_expected(w, row->action) != expected)
            continue;
        if (r->top && list.n == r->top) {
            more++;
            more_failed += row->failed;
            continue;
        }
        list.rows[list.n++] = row;
    }
    if (!list.n) {
        none_line(w);
    } else {
        table_t t = {.w = w, .ncols = 6, .nrows = list.n, .rows = &list, .fill = fill_action,
                     .after = after_action,
                     .cols = {{"#", COL_NUM, 0}, {"failed", COL_NUM, 0}, {"%", COL_NUM, 0},
                              {"owner", COL_ID, 0}, {"action", COL_ID, 0}, {"title", COL_TEXT, 0}}};
        write_table(&t);
    }
    if (more)
        more_line(w, INDENT, more, more_failed);
    free(list.rows);
}

enum { CODE_CODE, CODE_ORIGIN, CODE_FAILED, CODE_ACTION, CODE_LEVEL, CODE_PHRASE, CODE_COLS };

static void fill_code(const table_t *t, size_t i, cells_t *cells)
{
    const text_t *w = t->w;
    const dt_code_row_t *row = w->report->codes[i];
    cells->text[CODE_CODE] = code_text(cells->buf[CODE_CODE], row);
    cells->text[CODE_ORIGIN] = row->other ? "-" : dt_origin_name(row->match.origin);
    cells->sgr[CODE_ORIGIN] = row->other ? NULL : origin_sgr(row->match.origin);
    cells->text[CODE_FAILED] = u64_text(cells->buf[CODE_FAILED], row->failed);
    cells->text[CODE_ACTION] = row->other ? "-" : dt_report_action_id(w->report, row->match.action);
    cells->text[CODE_LEVEL] = row->other ? "-" : dt_match_level_name(row->match.level);
    cells->text[CODE_PHRASE] = row->other ? other_phrase(w, cells->buf[CODE_PHRASE], LABEL_MAX)
                                          : row_phrase(w, row);
}

static void write_codes(const text_t *w)
{
    const dt_report_t *r = w->report;
    heading(w, dt_sections[DT_SECTION_CODES].title, NULL);
    if (!r->ncodes) {
        none_line(w);
        return;
    }
    size_t shown = shown_rows(w, r->ncodes);
    table_t t = {.w = w, .ncols = CODE_COLS, .nrows = shown, .fill = fill_code,
                 .cols = {{"code", COL_ID, 0}, {"origin", COL_ID, 0}, {"failed", COL_NUM, 0},
                          {"action", COL_ID, 0}, {"level", COL_ID, 0}, {"phrase", COL_TEXT, 0}}};
    write_table(&t);
    uint64_t more_failed = 0;
    for (size_t i = shown; i < r->ncodes; i++)
        more_failed += r->codes[i]->failed;
    if (r->ncodes > shown)
        more_line(w, INDENT, r->ncodes - shown, more_failed);
}

/* The codes no documented entry explains: how many, and with --stubs a
 * ready-to-paste rule for each, where the table has to grow. */
static void write_stubs(const text_t *w)
{
    const dt_report_t *r = w->report;
    if (!r->nunknown_codes)
        return;
    char detail[96];
    snprintf(detail, sizeof detail, "%zu code%s, %" PRIu64 " failed call%s", r->nunknown_codes,
             r->nunknown_codes == 1 ? "" : "s", r->unknown_failed,
             r->unknown_failed == 1 ? "" : "s");
    heading(w, dt_sections[DT_SECTION_STUBS].title, detail);
    if (!r->show_stubs) {
        wrap(w, INDENT, false,
             "--stubs shows a rule for each, to paste into a rules file (docs/rules.md)");
        return;
    }
    size_t shown = 0, more = 0;
    uint64_t more_failed = 0;
    for (size_t i = 0; i < r->ncodes; i++) {
        const char *stub = r->stubs[i];
        if (!stub)
            continue;
        if (r->top && shown == r->top) {
            more++;
            more_failed += r->codes[i]->failed;
            continue;
        }
        for (const char *line = stub; *line;) {
            size_t n = strcspn(line, "\n");
            spaces(w, INDENT);
            dt_text_write_safe(w->out, line, n, 0);
            putc('\n', w->out);
            line += n + (line[n] != '\0');
        }
        putc('\n', w->out);
        shown++;
    }
    if (more)
        more_line(w, 0, more, more_failed);
}

/* The NER definition, from the rules' effective SIP codes and minimum calls. */
static void ner_note(const text_t *w)
{
    char note[DT_REPORT_LINE * 2];
    wrap(w, INDENT, false, dt_report_ner_definition(w->report, note, sizeof note));
}

/* A keyed table: SBC, time or group rows with the same counts. */
typedef struct {
    const char *title, *detail, *name_title;
    const dt_keyed_row_t *const *rows;
    size_t nrows;
    bool ranked; /* `top` applies (the time series is always shown whole) */
    const char *(*label)(const text_t *w, const dt_keyed_row_t *row, char *buf);
} keyed_table_t;

static const char *sbc_label(const text_t *w, const dt_keyed_row_t *row, char *buf)
{
    (void)w, (void)buf;
    if (row->other)
        return "(other SBCs, beyond the table limit)";
    return row->name && *row->name ? row->name : "(no SBC)";
}

static const char *time_label(const text_t *w, const dt_keyed_row_t *row, char *buf)
{
    return dt_report_period_label(w->report, row, buf, LABEL_MAX);
}

/* Group values joined with " / " (the separator is a control character). */
static const char *group_label(const text_t *w, const dt_keyed_row_t *row, char *buf)
{
    (void)w;
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

enum { KEY_NAME, KEY_CALLS, KEY_FAILED, KEY_BY_SBC, KEY_BY_MS, KEY_NER, KEY_COLS };

static void fill_keyed(const table_t *t, size_t i, cells_t *cells)
{
    const keyed_table_t *k = t->rows;
    const dt_keyed_row_t *row = k->rows[i];
    const dt_counts_t *c = &row->counts;
    cells->text[KEY_NAME] = k->label(t->w, row, cells->buf[KEY_NAME]);
    cells->text[KEY_CALLS] = u64_text(cells->buf[KEY_CALLS], c->calls);
    cells->text[KEY_FAILED] = u64_text(cells->buf[KEY_FAILED], c->failed);
    cells->text[KEY_BY_SBC] = u64_text(cells->buf[KEY_BY_SBC], c->failed_by_origin[DT_ORIGIN_SBC]);
    cells->text[KEY_BY_MS] =
        u64_text(cells->buf[KEY_BY_MS], c->failed_by_origin[DT_ORIGIN_MICROSOFT]);
    cells->text[KEY_NER] = ner_text(cells->buf[KEY_NER], c->effective, c->calls);
    cells->sgr[KEY_NER] = ner_sgr(t->w, c);
}

enum { M_NAME, M_ANSWERED, M_ACD, M_SHORT, M_FAILURES, M_MEDIAN, M_P95, M_COLS };

static void fill_measures(const table_t *t, size_t i, cells_t *cells)
{
    const keyed_table_t *k = t->rows;
    const dt_keyed_row_t *row = k->rows[i];
    const dt_counts_t *c = &row->counts;
    const dt_row_stats_t *st = row->stats;
    cells->text[M_NAME] = k->label(t->w, row, cells->buf[M_NAME]);
    cells->text[M_ANSWERED] = u64_text(cells->buf[M_ANSWERED], c->acd_calls);
    cells->text[M_ACD] = dt_format_duration(cells->buf[M_ACD], dt_acd_seconds(c));
    cells->text[M_SHORT] = c->acd_calls ? dt_format_share(cells->buf[M_SHORT], c->short_calls,
                                                          c->acd_calls, 1)
                                        : "-";
    cells->text[M_FAILURES] = st ? u64_text(cells->buf[M_FAILURES], st->to_failure_calls) : "-";
    bool timed = st && st->to_failure_calls;
    cells->text[M_MEDIAN] =
        timed ? dt_format_duration(cells->buf[M_MEDIAN], (double)st->to_failure_median) : "-";
    cells->text[M_P95] = timed ? dt_format_duration(cells->buf[M_P95], (double)st->to_failure_p95) : "-";
}

enum { C_NAME, C_PEAK, C_AT, C_LIMIT, C_USE, C_NOTE, C_COLS };

static void fill_concurrency(const table_t *t, size_t i, cells_t *cells)
{
    const keyed_table_t *k = t->rows;
    const dt_keyed_row_t *row = k->rows[i];
    const dt_row_stats_t *st = row->stats;
    cells->text[C_NAME] = k->label(t->w, row, cells->buf[C_NAME]);
    cells->text[C_PEAK] = u64_text(cells->buf[C_PEAK], st->peak);
    if (st->peak) {
        dt_date_label(st->peak_at, true, cells->buf[C_AT], LABEL_MAX);
        cells->text[C_AT] = cells->buf[C_AT];
    } else {
        cells->text[C_AT] = "-";
    }
    cells->text[C_LIMIT] = st->limit ? u64_text(cells->buf[C_LIMIT], st->limit) : "-";
    cells->text[C_USE] = st->limit ? dt_format_share(cells->buf[C_USE], st->peak, st->limit, 1) : "-";
    cells->text[C_NOTE] = st->near_limit ? DT_NEAR_LIMIT : "";
    cells->sgr[C_NOTE] = cells->sgr[C_PEAK] = st->near_limit ? SGR_LOW : NULL;
}

/* The rows of a keyed table the report shows, and the "... and K more" line. */
static size_t keyed_shown(const text_t *w, const keyed_table_t *k)
{
    return k->ranked ? shown_rows(w, k->nrows) : k->nrows;
}

static void keyed_more(const text_t *w, const keyed_table_t *k, size_t shown)
{
    uint64_t more_failed = 0;
    for (size_t i = shown; i < k->nrows; i++)
        more_failed += k->rows[i]->counts.failed;
    if (k->nrows > shown)
        more_line(w, INDENT, k->nrows - shown, more_failed);
}

/* The Health Dashboard's measures of the same rows, in a table of their own
 * (when the inputs hold durations or failure times at all). */
static void write_measures(const text_t *w, const keyed_table_t *k)
{
    const dt_report_t *r = w->report;
    if (!r->measured || !k->nrows)
        return;
    if (!w->totals->counts.acd_calls && !r->total_stats.to_failure_calls) {
        if (k->rows == r->sbcs)
            wrap(w, INDENT, false,
                 "no ACD or time to failure: the inputs have no durations (nor start and end "
                 "times) of answered calls and no failure times of failed ones");
        return;
    }
    putc('\n', w->out);
    char intro[DT_REPORT_LINE];
    wrap(w, INDENT, false, dt_report_measures_intro(intro, sizeof intro));
    size_t shown = keyed_shown(w, k);
    table_t t = {.w = w, .ncols = M_COLS, .nrows = shown, .rows = k, .fill = fill_measures,
                 .cols = {{k->name_title, COL_ID, 0}, {"answered", COL_NUM, 0},
                          {"ACD", COL_NUM, 0}, {"short", COL_NUM, 0}, {"failures", COL_NUM, 0},
                          {"median", COL_NUM, 0}, {"p95", COL_NUM, 0}}};
    write_table(&t);
    keyed_more(w, k, shown);
}

static void write_concurrency(const text_t *w, const keyed_table_t *k)
{
    if (!w->report->concurrency || !k->nrows)
        return;
    putc('\n', w->out);
    wrap(w, INDENT, false, DT_CONCURRENCY_INTRO);
    size_t shown = keyed_shown(w, k);
    bool limits = false; /* the limit columns only when --max-concurrent gave one */
    for (size_t i = 0; i < shown; i++)
        limits |= k->rows[i]->stats && k->rows[i]->stats->limit;
    table_t t = {.w = w, .ncols = limits ? C_COLS : C_LIMIT, .nrows = shown, .rows = k,
                 .fill = fill_concurrency,
                 .cols = {{k->name_title, COL_ID, 0}, {"peak", COL_NUM, 0}, {"at", COL_ID, 0},
                          {"limit", COL_NUM, 0}, {"use", COL_NUM, 0}, {"note", COL_TEXT, 0}}};
    write_table(&t);
    keyed_more(w, k, shown);
}

static void write_keyed(const text_t *w, const keyed_table_t *k)
{
    heading(w, k->title, k->detail);
    if (!k->nrows) {
        none_line(w);
        return;
    }
    size_t shown = keyed_shown(w, k);
    table_t t = {.w = w, .ncols = KEY_COLS, .nrows = shown, .rows = k, .fill = fill_keyed,
                 .span = BY_ORIGIN, .span_col = KEY_BY_SBC,
                 .cols = {{k->name_title, COL_ID, 0}, {"calls", COL_NUM, 0},
                          {"failed", COL_NUM, 0}, {"sbc", COL_NUM, 0},
                          {"microsoft", COL_NUM, 0}, {"NER", COL_NUM, 0}}};
    write_table(&t);
    keyed_more(w, k, shown);
}

static void write_sbcs(const text_t *w)
{
    const keyed_table_t k = {dt_sections[DT_SECTION_SBCS].title, NULL, "SBC", w->report->sbcs,
                             w->report->nsbcs, true, sbc_label};
    write_keyed(w, &k);
    if (!w->report->nsbcs)
        return;
    ner_note(w);
    write_measures(w, &k);
    write_concurrency(w, &k);
}

static void write_times(const text_t *w)
{
    const dt_report_t *r = w->report;
    if (!r->by_time)
        return;
    char detail[64];
    snprintf(detail, sizeof detail, "per %s, UTC", dt_report_bucket_name(r));
    const keyed_table_t k = {dt_sections[DT_SECTION_TIMES].title, detail, "start", r->times,
                             r->ntimes, false, time_label};
    write_keyed(w, &k);
    char note[DT_REPORT_LINE];
    if (dt_report_partial_note(r, note, sizeof note))
        fprintf(w->out, "  %s\n", note);
    write_trend(w);
    if (dt_report_undated_note(r, note, sizeof note))
        fprintf(w->out, "  %s\n", note);
    write_measures(w, &k);
}

/* The --group-by column names, joined with " / ". */
static const char *group_detail(const dt_report_t *r, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->ngroup_columns && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? " / " : "", r->group_columns[i]);
    return buf;
}

static void write_groups(const text_t *w)
{
    const dt_report_t *r = w->report;
    if (!r->ngroup_columns)
        return;
    char detail[LABEL_MAX];
    const keyed_table_t k = {dt_sections[DT_SECTION_GROUPS].title,
                             group_detail(r, detail, sizeof detail), "group", r->groups,
                             r->ngroups, true, group_label};
    write_keyed(w, &k);
    write_measures(w, &k);
}

/* The group-time rows of the groups shown, each group named on its first row. */
typedef struct {
    const dt_keyed_row_t **rows;
    bool *first;
    size_t n;
} series_list_t;

static void fill_series(const table_t *t, size_t i, cells_t *cells)
{
    const series_list_t *s = t->rows;
    const dt_keyed_row_t *row = s->rows[i];
    const dt_counts_t *c = &row->counts;
    cells->text[0] = s->first[i] ? group_label(t->w, row, cells->buf[0]) : "";
    cells->text[1] = row->other ? "-" : time_label(t->w, row, cells->buf[1]);
    cells->text[2] = u64_text(cells->buf[2], c->calls);
    cells->text[3] = u64_text(cells->buf[3], c->failed);
    cells->text[4] = u64_text(cells->buf[4], c->failed_by_origin[DT_ORIGIN_SBC]);
    cells->text[5] = u64_text(cells->buf[5], c->failed_by_origin[DT_ORIGIN_MICROSOFT]);
    cells->text[6] = ner_text(cells->buf[6], c->effective, c->calls);
    cells->sgr[6] = ner_sgr(t->w, c);
}

static void write_group_times(const text_t *w)
{
    const dt_report_t *r = w->report;
    if (!r->by_time || !r->ngroup_columns)
        return;
    char cols[LABEL_MAX], detail[LABEL_MAX + 64];
    snprintf(detail, sizeof detail, "%s; per %s, UTC", group_detail(r, cols, sizeof cols),
             dt_report_bucket_name(r));
    heading(w, dt_sections[DT_SECTION_GROUP_TIMES].title, detail);
    series_list_t s = {calloc(r->ngroup_times + 1, sizeof *s.rows),
                       calloc(r->ngroup_times + 1, sizeof *s.first), 0};
    if (!s.rows || !s.first) {
        free(s.rows);
        free(s.first);
        *w->nomem = true;
        return;
    }
    size_t groups = 0, more = 0;
    uint64_t more_failed = 0;
    const char *name = NULL;
    for (size_t i = 0; i < r->ngroup_times; i++) {
        const dt_keyed_row_t *row = r->group_times[i];
        bool first = !name || row->other || strcmp(name, row->name) != 0;
        if (first && !row->other)
            groups++;
        name = row->name;
        if (r->top && groups > r->top) {
            more += first;
            more_failed += row->counts.failed;
            continue;
        }
        s.first[s.n] = first;
        s.rows[s.n++] = row;
    }
    if (!s.n) {
        none_line(w);
    } else {
        table_t t = {.w = w, .ncols = 7, .nrows = s.n, .rows = &s, .fill = fill_series,
                     .span = BY_ORIGIN, .span_col = 4,
                     .cols = {{"group", COL_ID, 0}, {"start", COL_ID, 0}, {"calls", COL_NUM, 0},
                              {"failed", COL_NUM, 0}, {"sbc", COL_NUM, 0},
                              {"microsoft", COL_NUM, 0}, {"NER", COL_NUM, 0}}};
        write_table(&t);
    }
    if (more)
        more_line(w, INDENT, more, more_failed);
    free(s.rows);
    free(s.first);
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
    heading(w, dt_sections[DT_SECTION_REJECTED].title, detail);
    for (size_t i = 0; i < r->nrejections; i++) {
        const dt_rejection_t *rej = &r->rejections[i];
        spaces(w, INDENT);
        size_t used = INDENT + put_text(w, rej->path ? rej->path : "");
        used += (size_t)fprintf(w->out, ":%" PRIu64 ": ", rej->line);
        dt_text_wrap(w->out, rej->reason, used, INDENT + 4, w->width);
    }
    if (rejected > r->nrejections)
        fprintf(w->out, "  ... and %" PRIu64 " more\n", rejected - r->nrejections);
}

static void write_notes(const text_t *w)
{
    if (!w->report->nnotes)
        return;
    heading(w, dt_sections[DT_SECTION_NOTES].title, NULL);
    for (size_t i = 0; i < w->report->nnotes; i++) {
        fputs("  - ", w->out);
        wrap(w, 4, true, w->report->notes[i]);
    }
}

/* ---- the trend (drtriage trend) ---- */


#define FAULTS_BY_ORIGIN "faults by origin" /* over the trend's columns of faults */

/* The window and the baseline: days, calls, NER and faults by origin. */
static void fill_period(const table_t *tab, size_t i, cells_t *cells)
{
    const dt_trend_t *t = tab->rows;
    const dt_counts_t *c = i ? &t->baseline : &t->window;
    cells->text[0] = i ? "baseline" : "window";
    cells->text[1] = dt_date_format_day(i ? t->baseline_since : t->window_since, cells->buf[1]);
    cells->text[2] =
        dt_date_format_day((i ? t->window_since : t->until) - DT_DAY_SECONDS, cells->buf[2]);
    cells->text[3] = u64_text(cells->buf[3], c->calls);
    cells->text[4] = ner_text(cells->buf[4], c->effective, c->calls);
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        cells->text[5 + o] =
            dt_format_share(cells->buf[5 + o], dt_counts_faults(c, (dt_origin_t)o), c->calls, 1);
}

static void trend_periods(const text_t *w, const dt_trend_t *t)
{
    table_t tab = {.w = w, .ncols = 5 + DT_ORIGIN_COUNT, .nrows = 2, .rows = t,
                   .fill = fill_period, .span = FAULTS_BY_ORIGIN, .span_col = 5,
                   .cols = {{"", COL_ID, 0}, {"from", COL_ID, 0}, {"to", COL_ID, 0},
                            {"calls", COL_NUM, 0}, {"NER", COL_NUM, 0}}};
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        tab.cols[5 + o] = (column_t){dt_origin_name((dt_origin_t)o), COL_NUM, 0};
    write_table(&tab);
}

static void change_line(const text_t *w, const dt_change_t *c, size_t rank)
{
    char line[DT_CHANGE_TEXT_MAX];
    dt_change_describe(w->report, c, line, sizeof line);
    fprintf(w->out, "%*s%2zu. ", INDENT, "", rank);
    wrap(w, DETAIL_INDENT, true, line);
}

static void trend_changes(const text_t *w, const dt_trend_t *t)
{
    char detail[160], alpha[DT_NUMBER_MAX];
    dt_format_trimmed(alpha, t->alpha * 100);
    snprintf(detail, sizeof detail, "significant at %s%% among %zu rises; ranked by faults beyond "
             "the baseline", alpha, t->tests);
    heading(w, "Changes that matter", detail);
    if (!t->nsignificant)
        fputs("  none: no rise beyond chance\n", w->out);
    size_t shown = shown_rows(w, t->nsignificant);
    for (size_t i = 0; i < shown; i++)
        change_line(w, &t->changes[i], i + 1);
    if (t->nsignificant > shown)
        fprintf(w->out, "  ... and %zu more\n", t->nsignificant - shown);
    if (t->nchanges > t->nsignificant)
        fprintf(w->out, "  %zu other rise%s within chance (listed in the JSON trend)\n",
                t->nchanges - t->nsignificant, t->nchanges - t->nsignificant == 1 ? "" : "s");
}

/* A day of the window: its calls, NER, faults by origin and largest actions. */
static void fill_day(const table_t *tab, size_t i, cells_t *cells)
{
    const dt_trend_t *t = tab->rows;
    const dt_trend_day_t *day = &t->days[t->baseline_days + i];
    const dt_counts_t *c = &day->counts;
    enum { ACTIONS = 4 + DT_ORIGIN_COUNT };
    cells->text[0] = dt_date_format_day(day->day, cells->buf[0]);
    if (!day->has_data) {
        for (size_t k = 1; k < ACTIONS; k++)
            cells->text[k] = "-";
        cells->text[ACTIONS] = day->before_history ? "no data: before the store's first day"
                                                   : "no data: no export covers this day";
        cells->sgr[ACTIONS] = SGR_FAULT;
        return;
    }
    cells->text[1] = u64_text(cells->buf[1], c->calls);
    cells->text[2] = ner_text(cells->buf[2], c->effective, c->calls);
    cells->sgr[2] = ner_sgr(tab->w, c);
    cells->text[3] = u64_text(cells->buf[3], faults_of(c));
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        cells->text[4 + o] = u64_text(cells->buf[4 + o], dt_counts_faults(c, (dt_origin_t)o));
    dt_trend_day_actions(tab->w->report, day, cells->buf[ACTIONS], LABEL_MAX);
    cells->text[ACTIONS] = cells->buf[ACTIONS];
}

static void trend_days(const text_t *w, const dt_trend_t *t)
{
    heading(w, "The window by day", "UTC; the actions with most faults last");
    table_t tab = {.w = w, .ncols = 5 + DT_ORIGIN_COUNT, .nrows = t->ndays - t->baseline_days,
                   .rows = t, .fill = fill_day, .span = FAULTS_BY_ORIGIN, .span_col = 4,
                   .cols = {{"day", COL_ID, 0}, {"calls", COL_NUM, 0}, {"NER", COL_NUM, 0},
                            {"faults", COL_NUM, 0}}};
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        tab.cols[4 + o] = (column_t){dt_origin_name((dt_origin_t)o), COL_NUM, 0};
    tab.cols[4 + DT_ORIGIN_COUNT] = (column_t){"largest faults by action", COL_TEXT, 0};
    write_table(&tab);
}

static void write_trend_section(const text_t *w)
{
    const dt_trend_t *t = w->report->trend;
    if (!t)
        return;
    char detail[128], ner[DT_NUMBER_MAX];
    snprintf(detail, sizeof detail, "the last %zu days against the %zu days before", t->window_days,
             t->baseline_days);
    heading(w, dt_sections[DT_SECTION_TREND].title, detail);
    trend_periods(w, t);
    if (t->ner_judged)
        fprintf(w->out, "  NER %s by %s points\n", t->ner_drop >= 0 ? "fell" : "rose",
                dt_format_fixed(ner, t->ner_drop >= 0 ? t->ner_drop : -t->ner_drop, 2));
    else
        fprintf(w->out, "  NER not compared: fewer than %" PRIu64 " calls in the window or the "
                        "baseline\n", t->min_calls);
    if (t->missing_days) {
        sgr_on(w, SGR_FAULT);
        fprintf(w->out, "  %zu day%s of the window %s no data (no export covers %s): a missing "
                        "nightly export?\n", t->missing_days, t->missing_days == 1 ? "" : "s",
                t->missing_days == 1 ? "has" : "have", t->missing_days == 1 ? "it" : "them");
        sgr_off(w, SGR_FAULT);
    }
    trend_changes(w, t);
    trend_days(w, t);
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
    [DT_SECTION_SUMMARY] = write_summary,   [DT_SECTION_INPUTS] = write_inputs,
    [DT_SECTION_TOTALS] = write_totals,     [DT_SECTION_ORIGINS] = write_origins,
    [DT_SECTION_GATES] = write_gates,       [DT_SECTION_FILTERS] = write_filter_matches,
    [DT_SECTION_ACTIONS] = write_faults,    [DT_SECTION_EXPECTED] = write_expected,
    [DT_SECTION_CODES] = write_codes,       [DT_SECTION_STUBS] = write_stubs,
    [DT_SECTION_SBCS] = write_sbcs,         [DT_SECTION_TIMES] = write_times,
    [DT_SECTION_GROUPS] = write_groups,     [DT_SECTION_GROUP_TIMES] = write_group_times,
    [DT_SECTION_TREND] = write_trend_section,
    [DT_SECTION_REJECTED] = write_rejections, [DT_SECTION_NOTES] = write_notes,
};

dt_status_t dt_write_text(FILE *out, const dt_report_t *report, const dt_write_options_t *options,
                          dt_error_t *err)
{
    unsigned width = options && options->width ? options->width : DEFAULT_WIDTH;
    bool nomem = false;
    text_t w = {.out = out,
                .nomem = &nomem,
                .report = report,
                .rules = report->rules,
                .totals = &report->totals,
                .color = options && options->color,
                .ascii = options && options->ascii,
                .width = width < MIN_WIDTH ? MIN_WIDTH : width};
    for (size_t i = 0; i < report->nsections && !nomem; i++)
        if (sections[report->order[i]])
            sections[report->order[i]](&w);
    if (nomem)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory writing the report");
    return dt_stream_finish(out, err);
}
