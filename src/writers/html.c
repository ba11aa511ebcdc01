/* html.c - one self-contained page a manager can open from an e-mail: the
 * frame, style and script come from assets/ (embedded at build time), the
 * body is generated here from the report: KPIs, what to do first, inline
 * SVG charts each with a title and a table of its numbers, and the tables.
 * A Content-Security-Policy allows only the page's own inline style and
 * script (by hash) and no request at all. Every text from the input goes
 * through dt_escape_html; links come only from the rules, only https. The
 * report's JSON is embedded for the script, with < > & escaped. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_embedded.h"
#include "dt_escape.h"
#include "dt_table.h"
#include "dt_trend.h"
#include "dt_writer.h"

#define TEMPLATE "report.html"
#define STYLE "report.css"
#define SCRIPT "report.js"
#define MARK '@'

/* Chart geometry, in SVG user units (the chart scales to the page width). */
#define CHART_W 860
#define PAD_LEFT 64
#define PAD_RIGHT 40     /* room for the last time label */
#define PAD_TOP 14
#define PAD_BOTTOM 40
#define SERIES_H 200
#define BAR_ROW 26      /* one horizontal bar */
#define BAR_LABEL_W 300 /* labels left of horizontal bars */
#define X_LABELS 12     /* at most this many time labels */
#define SLOTS_MAX 2000  /* periods a time axis spreads out, gaps included */
#define Y_TICKS 4
#define LABEL_CUT 48    /* characters of a bar label before "..." */
#define BARS_MAX 12     /* bars in a horizontal chart; the table has every row */
#define ACTIONS_SHOWN 5 /* actions in full before "N more actions" (without --top) */
#define ACTION_CODES 8  /* codes named under an action */
#define NO_ACTION_TITLE "No action matched these codes"
#define ORIGIN_LEGEND                                                                     \
    "<p class=\"legend\"><span><i class=\"sbc\"></i>SBC origin</span><span><i class=\"microsoft\">" \
    "</i>Microsoft origin</span><span><i class=\"unknown\"></i>unknown origin</span></p>\n"
#define NER_LEGEND                                                                        \
    "<p class=\"legend\"><span><i class=\"ner\"></i>NER</span><span><i class=\"few\"></i>fewer " \
    "calls than the rules' minimum</span></p>\n"

typedef struct {
    FILE *out;
    const dt_report_t *r;
    const dt_embedded_file_t *style, *script; /* assets/report.css, assets/report.js */
    unsigned charts;  /* charts written, for unique ids */
} page_t;

/* ---- text ---- */

static void put(page_t *p, const char *text)
{
    fputs(text, p->out);
}

static void esc(page_t *p, const char *text)
{
    dt_escape_html(p->out, text, text ? strlen(text) : 0);
}

/* A count with thousands separators: 12,345. */
static const char *grouped(char buf[DT_NUMBER_MAX], uint64_t n)
{
    char digits[DT_NUMBER_MAX];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

static void count(page_t *p, uint64_t n)
{
    char buf[DT_NUMBER_MAX];
    put(p, grouped(buf, n));
}

static const char *percent(char buf[DT_NUMBER_MAX], uint64_t part, uint64_t whole, unsigned decimals)
{
    double share = dt_percent(part, whole);
    return dt_format_fixed(buf, share < 0 ? 0.0 : share, decimals);
}

/* A link from the rules, only when it is a plain https URL; else the text. */
static void doc_link(page_t *p, const char *doc)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", dt_doc_link_prefix(doc), doc);
    if (dt_escape_url_ok(url)) {
        put(p, "<a href=\"");
        esc(p, url);
        put(p, "\" rel=\"noreferrer\">");
        esc(p, url);
        put(p, "</a>");
    } else {
        put(p, "<span class=\"mono\">");
        esc(p, url);
        put(p, "</span>");
    }
}

/* ---- tables from dt_table.h ---- */

static bool numeric(dt_cell_kind_t kind)
{
    return kind == DT_CELL_UINT || kind == DT_CELL_FIXED;
}

/* The CSS class of a table row, or NULL. */
typedef const char *(*row_class_fn)(const page_t *p, const dt_table_t *t, size_t row);

static void cell_td(page_t *p, const dt_column_t *col, const dt_cell_t *cell)
{
    char num[DT_NUMBER_MAX], label[DT_DATE_LABEL + 4];
    const char *text = dt_cell_text(cell, num);
    if (numeric(col->kind))
        fprintf(p->out, "<td class=\"n\" data-v=\"%s\">", cell->kind == DT_CELL_NONE ? "" : text);
    else
        put(p, strcmp(col->key, "samples") == 0 ? "<td class=\"ids\">" : "<td>");
    if (cell->kind == DT_CELL_NONE && col->none)
        esc(p, col->none);
    else if (cell->kind == DT_CELL_NONE)
        put(p, "&ndash;");
    else if (dt_cell_label(cell, label, sizeof label))
        put(p, label);
    else if (cell->kind == DT_CELL_UINT && !col->code)
        count(p, cell->uint);
    else if (cell->kind == DT_CELL_BOOL)
        put(p, cell->boolean ? "yes" : "no");
    else
        esc(p, text);
    put(p, "</td>");
}

/* A sortable table of the section: the columns people read, or all of them. */
static void write_table(page_t *p, dt_table_id_t table, const char *id, bool all,
                        row_class_fn row_class)
{
    dt_table_t t;
    if (!dt_table_open(&t, p->r, table))
        return;
    bool show[64];
    size_t ncols = t.ncolumns < 64 ? t.ncolumns : 64;
    for (size_t c = 0; c < ncols; c++)
        show[c] = all || dt_table_column_shown(&t, c);
    fprintf(p->out, "<div class=\"table-wrap\"><table class=\"sortable\" id=\"%s\" data-table=\"%s\">"
                    "<thead><tr>", id, t.name);
    for (size_t c = 0; c < ncols; c++) {
        dt_column_t col = dt_table_column(&t, c);
        if (!show[c])
            continue;
        fprintf(p->out, "<th scope=\"col\"%s data-key=\"", numeric(col.kind) ? " class=\"n\"" : "");
        esc(p, col.key);
        put(p, "\">");
        esc(p, col.title);
        put(p, "</th>");
    }
    put(p, "</tr></thead><tbody>\n");
    dt_cell_t cell;
    for (size_t row = 0; row < t.nrows; row++) {
        const char *cls = row_class ? row_class(p, &t, row) : NULL;
        put(p, cls ? "<tr class=\"" : "<tr>");
        if (cls) {
            put(p, cls);
            put(p, "\">");
        }
        for (size_t c = 0; c < ncols; c++) {
            dt_column_t col = dt_table_column(&t, c);
            if (!show[c])
                continue;
            dt_table_cell(&t, row, c, &cell);
            cell_td(p, &col, &cell);
        }
        put(p, "</tr>\n");
    }
    put(p, "</tbody></table></div>\n");
    if (!t.nrows)
        put(p, "<p class=\"note\">None.</p>\n");
}

/* ---- charts ---- */

/* The top of a count axis at or above v: Y_TICKS steps of a whole 1, 2 or 5
 * times a power of ten, so every tick is a whole number. */
static double nice_max(double v)
{
    double want = v / Y_TICKS, step = 1;
    while (step < want) {
        if (step * 2 >= want)
            return step * 2 * Y_TICKS;
        if (step * 5 >= want)
            return step * 5 * Y_TICKS;
        step *= 10;
    }
    return step * Y_TICKS;
}

/* Opens a chart: <figure> with a visible heading, an <svg> labelled by its
 * <title> and <desc>. */
static unsigned chart_open(page_t *p, const char *title, const char *desc, const char *legend,
                           int height)
{
    unsigned id = ++p->charts;
    put(p, "<figure><h3>");
    esc(p, title);
    put(p, "</h3>\n");
    if (legend)
        put(p, legend);
    fprintf(p->out, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"chart%u-t chart%u-d\">"
                    "<title id=\"chart%u-t\">", CHART_W, height, id, id, id);
    esc(p, title);
    fprintf(p->out, "</title><desc id=\"chart%u-d\">", id);
    esc(p, desc);
    put(p, "</desc>\n");
    return id;
}

static void chart_close(page_t *p, const char *caption)
{
    put(p, "</svg><figcaption>");
    esc(p, caption);
    put(p, "</figcaption></figure>\n");
}

/* A bar or point that shows `tip` on hover and focus (JS) or as a native
 * tooltip (<title>, without JS). */
static void tip_open(page_t *p, const char *tip)
{
    put(p, "<g tabindex=\"0\" data-tip=\"");
    esc(p, tip);
    put(p, "\"><title>");
    esc(p, tip);
    put(p, "</title>");
}

static void y_axis(page_t *p, double lo, double hi, int height, const char *unit)
{
    int plot_h = height - PAD_TOP - PAD_BOTTOM;
    for (int i = 0; i <= Y_TICKS; i++) {
        double v = lo + (hi - lo) * i / Y_TICKS;
        double y = PAD_TOP + plot_h - (double)plot_h * i / Y_TICKS;
        char num[DT_NUMBER_MAX];
        fprintf(p->out, "<line class=\"%s\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                        "<text class=\"label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s%s</text>\n",
                i ? "grid" : "axis", PAD_LEFT, CHART_W - PAD_RIGHT, y, y, PAD_LEFT - 6, y + 4,
                v == floor(v) ? (snprintf(num, sizeof num, "%.0f", v), num) : dt_format_fixed(num, v, 1),
                unit);
    }
}

/* The time axis: one slot per period between the first and the last, empty
 * ones included, so a quiet hour shows as a gap; the overflow row, if any,
 * in a last slot. Beyond SLOTS_MAX periods one slot per row. */
typedef struct {
    int64_t first, step; /* step 0: slots are row indexes */
    size_t nslots;
    double width;        /* of one slot */
} axis_t;

static axis_t time_axis(const dt_report_t *r)
{
    axis_t a = {0, 0, r->ntimes, 0};
    size_t dated = r->ntimes && r->times[r->ntimes - 1]->other ? r->ntimes - 1 : r->ntimes;
    int64_t step = dt_date_bucket_seconds(r->bucket);
    if (dated) {
        int64_t span = (r->times[dated - 1]->start - r->times[0]->start) / step + 1;
        if (span > 0 && span <= SLOTS_MAX) {
            a.first = r->times[0]->start;
            a.step = step;
            a.nslots = (size_t)span + (r->ntimes - dated);
        }
    }
    a.width = (double)(CHART_W - PAD_LEFT - PAD_RIGHT) / (double)(a.nslots ? a.nslots : 1);
    return a;
}

/* The slot of row i, and its centre. */
static size_t slot_of(const dt_report_t *r, const axis_t *a, size_t i)
{
    if (!a->step)
        return i;
    return r->times[i]->other ? a->nslots - 1 : (size_t)((r->times[i]->start - a->first) / a->step);
}

static double slot_x(const axis_t *a, size_t slot)
{
    return PAD_LEFT + a->width * ((double)slot + 0.5);
}

/* A period as people read it: "11-01 08:00" per hour, "2026-11-01" per day or week. */
static void period_label(const dt_report_t *r, int64_t start, char *buf, size_t cap)
{
    char iso[32];
    dt_date_format(start, iso, sizeof iso);
    if (r->bucket == DT_BUCKET_HOUR)
        snprintf(buf, cap, "%.5s %.5s", iso + 5, iso + 11);
    else
        snprintf(buf, cap, "%.10s", iso);
}

static void row_label(const dt_report_t *r, const dt_keyed_row_t *row, char *buf, size_t cap)
{
    if (row->other) {
        snprintf(buf, cap, "other");
        return;
    }
    period_label(r, row->start, buf, cap);
    if (row->partial && strlen(buf) + 2 < cap)
        strcat(buf, " " DT_PARTIAL_MARK);
}

static void x_labels(page_t *p, const axis_t *a, int height)
{
    const dt_report_t *r = p->r;
    size_t every = (a->nslots + X_LABELS - 1) / X_LABELS;
    for (size_t slot = 0; slot < a->nslots; slot += every ? every : 1) {
        char label[32];
        if (a->step && (slot + 1 < a->nslots || !r->times[r->ntimes - 1]->other))
            period_label(r, a->first + (int64_t)slot * a->step, label, sizeof label);
        else if (!a->step)
            row_label(r, r->times[slot], label, sizeof label);
        else
            snprintf(label, sizeof label, "other");
        fprintf(p->out, "<text class=\"label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                slot_x(a, slot), height - PAD_BOTTOM + 16, label);
    }
}

/* Stacked columns over time: the series in `origins` (failed calls by those
 * origins), or all calls when norigins is 0. */
static void series_bars(page_t *p, const char *title, const dt_origin_t *origins, size_t norigins)
{
    const dt_report_t *r = p->r;
    double max = 0;
    for (size_t i = 0; i < r->ntimes; i++) {
        const dt_counts_t *c = &r->times[i]->counts;
        double v = norigins ? (double)c->failed : (double)c->calls;
        if (v > max)
            max = v;
    }
    max = nice_max(max);
    axis_t axis = time_axis(r);
    char desc[256];
    snprintf(desc, sizeof desc, "%s per %s, UTC, %zu periods; the table below has the numbers.",
             title, dt_report_bucket_name(r), axis.nslots);
    chart_open(p, title, desc, norigins ? ORIGIN_LEGEND : NULL, SERIES_H);
    y_axis(p, 0, max, SERIES_H, "");
    int plot_h = SERIES_H - PAD_TOP - PAD_BOTTOM;
    double bar = axis.width > 3 ? axis.width * 0.8 : axis.width;
    for (size_t i = 0; i < r->ntimes; i++) {
        const dt_keyed_row_t *row = r->times[i];
        char label[32], tip[256], num[DT_NUMBER_MAX];
        row_label(r, row, label, sizeof label);
        double x = slot_x(&axis, slot_of(r, &axis, i)) - bar / 2, base = PAD_TOP + plot_h;
        if (!norigins) {
            snprintf(tip, sizeof tip, "%s: %s calls", label, grouped(num, row->counts.calls));
            tip_open(p, tip);
            double h = plot_h * (double)row->counts.calls / max;
            fprintf(p->out, "<rect class=\"calls\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></g>\n",
                    x, base - h, bar, h);
            continue;
        }
        int n = snprintf(tip, sizeof tip, "%s: %s failed", label, grouped(num, row->counts.failed));
        for (size_t k = 0; k < norigins && n > 0 && (size_t)n < sizeof tip; k++)
            n += snprintf(tip + n, sizeof tip - (size_t)n, "\n%s origin: %s", dt_origin_name(origins[k]),
                          grouped(num, row->counts.failed_by_origin[origins[k]]));
        tip_open(p, tip);
        for (size_t k = 0; k < norigins; k++) {
            double h = plot_h * (double)row->counts.failed_by_origin[origins[k]] / max;
            fprintf(p->out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                    dt_origin_name(origins[k]), x, base - h, bar, h);
            base -= h;
        }
        put(p, "</g>\n");
    }
    x_labels(p, &axis, SERIES_H);
    chart_close(p, desc);
}

/* NER over time: a line through consecutive periods (broken where one had no
 * calls); periods below the rules' minimum calls as grey points. */
static void series_ner(page_t *p)
{
    const dt_report_t *r = p->r;
    double lo = 100;
    for (size_t i = 0; i < r->ntimes; i++) {
        double ner = dt_ner_percent(r->times[i]->counts.effective, r->times[i]->counts.calls);
        if (ner >= 0 && ner < lo)
            lo = ner;
    }
    lo = lo >= 100 ? 90 : floor((lo - 1) / 5) * 5;
    if (lo < 0)
        lo = 0;
    axis_t axis = time_axis(r);
    char desc[320];
    snprintf(desc, sizeof desc,
             "NER in percent per %s, UTC, from %.0f%% to 100%%; grey points had fewer than %" PRIu64
             " calls, where a low NER may be normal.",
             dt_report_bucket_name(r), lo, r->rules->ner_min_calls);
    chart_open(p, "NER over time", desc, NER_LEGEND, SERIES_H);
    y_axis(p, lo, 100, SERIES_H, "%");
    int plot_h = SERIES_H - PAD_TOP - PAD_BOTTOM;
    size_t previous = SIZE_MAX;
    for (size_t i = 0; i < r->ntimes; i++) {
        double ner = dt_ner_percent(r->times[i]->counts.effective, r->times[i]->counts.calls);
        size_t slot = slot_of(r, &axis, i);
        if (ner < 0 || r->times[i]->other)
            continue;
        if (previous == SIZE_MAX || slot != previous + 1)
            put(p, previous == SIZE_MAX ? "<polyline class=\"line\" points=\""
                                        : "\"/>\n<polyline class=\"line\" points=\"");
        fprintf(p->out, "%.1f,%.1f ", slot_x(&axis, slot),
                PAD_TOP + plot_h - plot_h * (ner - lo) / (100 - lo));
        previous = slot;
    }
    if (previous != SIZE_MAX)
        put(p, "\"/>\n");
    for (size_t i = 0; i < r->ntimes; i++) {
        const dt_counts_t *c = &r->times[i]->counts;
        double ner = dt_ner_percent(c->effective, c->calls);
        if (ner < 0)
            continue;
        char label[32], tip[128], num[DT_NUMBER_MAX], calls[DT_NUMBER_MAX];
        row_label(r, r->times[i], label, sizeof label);
        snprintf(tip, sizeof tip, "%s: NER %s%% of %s calls", label, dt_format_fixed(num, ner, 2),
                 grouped(calls, c->calls));
        tip_open(p, tip);
        fprintf(p->out, "<circle class=\"dot%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/></g>\n",
                c->calls < r->rules->ner_min_calls ? " few" : "", slot_x(&axis, slot_of(r, &axis, i)),
                PAD_TOP + plot_h - plot_h * (ner - lo) / (100 - lo), axis.width > 8 ? 3.5 : 2.0);
    }
    x_labels(p, &axis, SERIES_H);
    chart_close(p, desc);
}

/* One horizontal bar with its label on the left and value on the right. */
typedef struct {
    const char *label;  /* from the input or the rules: escaped */
    double value;
    const char *value_text;
    const char *cls;
    const char *tip;
} hbar_t;

static void hbars(page_t *p, const char *title, const char *desc, const char *legend,
                  const hbar_t *bars, size_t n, double max)
{
    int height = PAD_TOP + (int)n * BAR_ROW + 8;
    chart_open(p, title, desc, legend, height);
    double w = CHART_W - BAR_LABEL_W - PAD_RIGHT - 70;
    for (size_t i = 0; i < n; i++) {
        double y = PAD_TOP + (double)i * BAR_ROW;
        double len = max > 0 ? w * bars[i].value / max : 0;
        char label[LABEL_CUT * 4 + 4];
        size_t cut = dt_escape_clean(label, sizeof label, bars[i].label, strlen(bars[i].label));
        if (dt_text_width(label) > LABEL_CUT) { /* cut at a character, then mark it */
            size_t keep = 0, chars = 0;
            while (keep < cut && chars < LABEL_CUT - 1) {
                keep++;
                while (keep < cut && ((unsigned char)label[keep] & 0xC0) == 0x80)
                    keep++;
                chars++;
            }
            memcpy(label + keep, "\xE2\x80\xA6", 4); /* U+2026 */
        }
        fprintf(p->out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", BAR_LABEL_W - 8, y + 16);
        esc(p, label);
        put(p, "</text>");
        tip_open(p, bars[i].tip);
        fprintf(p->out, "<rect class=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"2\"/></g>"
                        "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">",
                bars[i].cls, BAR_LABEL_W, y + 4, len, BAR_ROW - 8, BAR_LABEL_W + len + 6, y + 16);
        esc(p, bars[i].value_text);
        put(p, "</text>\n");
    }
    chart_close(p, desc);
}

/* ---- sections ---- */

static void write_inputs(page_t *p)
{
    const dt_report_t *r = p->r;
    put(p, "<header><h1>Direct Routing call report</h1>\n<div class=\"meta\">");
    dt_table_t t;
    dt_cell_t first = {.kind = DT_CELL_NONE}, last = {.kind = DT_CELL_NONE};
    dt_table_open(&t, r, DT_TABLE_SUMMARY);
    for (size_t i = 0; i < t.nrows; i++) {
        dt_cell_t key;
        dt_table_cell(&t, i, 0, &key);
        if (strcmp(key.text, "by_time.first") == 0)
            dt_table_cell(&t, i, 2, &first);
        else if (strcmp(key.text, "by_time.last") == 0)
            dt_table_cell(&t, i, 2, &last);
    }
    if (first.kind == DT_CELL_TEXT) {
        char from[32], to[32];
        const dt_keyed_row_t *end = r->times[r->ntimes - 1]->other && r->ntimes > 1
                                        ? r->times[r->ntimes - 2] : r->times[r->ntimes - 1];
        period_label(r, r->times[0]->start, from, sizeof from);
        period_label(r, end->start, to, sizeof to);
        put(p, "Calls in the periods from <data data-kpi=\"by_time.first\" value=\"");
        esc(p, first.text);
        fprintf(p->out, "\">%s</data> to <data data-kpi=\"by_time.last\" value=\"", from);
        esc(p, last.text);
        fprintf(p->out, "\">%s</data> (UTC), charted per %s.", to, dt_report_bucket_name(r));
    }
    if (r->has_span) {
        char iso[DT_DATE_LABEL], label[DT_DATE_LABEL];
        put(p, "<p>Calls from ");
        for (int end = 0; end < 2; end++) {
            int64_t at = end ? r->last : r->first;
            dt_date_format(at, iso, sizeof iso);
            dt_date_label(at, true, label, sizeof label);
            fprintf(p->out, "%s<data data-kpi=\"totals.%s_start\" value=\"%s\">%s</data>",
                    end ? " to " : "", end ? "last" : "first", iso, label);
        }
        put(p, " UTC.</p>");
    }
    put(p, "<ul>");
    for (size_t i = 0; i < r->ninputs; i++) {
        const dt_input_stats_t *in = &r->inputs[i];
        put(p, "<li><span class=\"mono\">");
        esc(p, in->path);
        fprintf(p->out, "</span>: %s export, ", dt_family_name(in->family));
        count(p, in->rows);
        put(p, " rows, ");
        count(p, in->rejected);
        put(p, " rejected</li>");
    }
    put(p, "</ul>");
    if (r->filters) {
        put(p, "Filters: <span class=\"mono\" data-kpi=\"filters\">");
        esc(p, r->filters);
        put(p, "</span>");
    }
    put(p, "</div></header>\n<main>\n");
}

/* One sentence a reader takes away: calls, failures, faults by origin. */
static void write_lead(page_t *p)
{
    const dt_counts_t *c = &p->r->totals.counts;
    uint64_t expected = dt_counts_expected(c);
    char num[DT_NUMBER_MAX];
    put(p, "<p class=\"lead\">");
    count(p, c->failed);
    put(p, " of ");
    count(p, c->calls);
    fprintf(p->out, " calls failed (%s%%). ", percent(num, c->failed, c->calls, 1));
    count(p, c->failed - expected);
    put(p, " were faults to act on: ");
    for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
        fprintf(p->out, "%s<span class=\"%s\">", o ? ", " : "", dt_origin_name((dt_origin_t)o));
        count(p, dt_counts_faults(c, (dt_origin_t)o));
        fprintf(p->out, "</span> %s origin", dt_origin_name((dt_origin_t)o));
    }
    put(p, "; ");
    count(p, expected);
    put(p, " were expected endings (busy, no answer, cancelled...).</p>\n");
}

/* How NER is counted, from the rules' [ner] section. */
static void write_ner_note(page_t *p)
{
    char note[DT_REPORT_LINE * 2];
    put(p, "<p class=\"note\">");
    esc(p, dt_report_ner_definition(p->r, note, sizeof note));
    put(p, ".</p>\n");
}

/* A phrase of the report (dt_report.h) as a list item, escaped; nothing for NULL. */
static void line_item(page_t *p, const char *label, const char *text, const char *cls)
{
    if (!text)
        return;
    fprintf(p->out, "<li%s%s%s><strong>%s</strong> ", cls ? " class=\"" : "", cls ? cls : "",
            cls ? "\"" : "", label);
    esc(p, text);
    put(p, "</li>\n");
}

/* The summary's lines beyond the lead, as the text report words them: the
 * worst SBC, the measures, the peak and the gates' outcome. */
static void write_summary_lines(page_t *p)
{
    const dt_report_t *r = p->r;
    char line[DT_REPORT_LINE];
    size_t breached;
    dt_report_gate_counts(r, &breached, NULL);
    const dt_keyed_row_t *peak = dt_report_peak_sbc(r, NULL);
    put(p, "<ul class=\"summary-lines\">\n");
    line_item(p, "Worst SBC:", dt_report_worst_sbc_line(r, line, sizeof line), NULL);
    line_item(p, "Durations:", dt_report_durations_line(r, line, sizeof line), NULL);
    line_item(p, "Peak concurrent calls:", dt_report_peak_line(r, line, sizeof line),
              peak && peak->stats->near_limit ? "near" : NULL);
    line_item(p, "Gates:", dt_report_gates_line(r, line, sizeof line),
              breached ? "breached" : "passed");
    put(p, "</ul>\n");
}

/* Every row accounted for: the identity and why rows were left out. */
static void write_accounting(page_t *p)
{
    const dt_report_t *r = p->r;
    char line[DT_REPORT_LINE];
    put(p, "<p class=\"note\" id=\"accounting\">Every row is counted once: ");
    esc(p, dt_report_identity(r, line, sizeof line));
    put(p, ".");
    if (dt_report_excluded_line(r, line, sizeof line)) {
        put(p, " Excluded: ");
        esc(p, line);
        put(p, ".");
    }
    if (dt_report_duplicates_line(r, line, sizeof line)) {
        put(p, " Duplicates: ");
        esc(p, line);
        put(p, ".");
    }
    put(p, "</p>\n");
}

/* The figures on cards; the rest of the summary table's numbers are listed
 * under them. */
static const char *const card_keys[] = {
    "totals.calls", "totals.failed", "faults", "totals.ner", "by_origin.sbc",
    "by_origin.microsoft", "by_origin.unknown", "totals.acd", "totals.concurrency.peak",
    "gates.breached", "totals.rejected",
};

#define NCARDS (sizeof card_keys / sizeof card_keys[0])

/* The card's place among card_keys, or NCARDS for a figure of the list. */
static size_t card_of(const char *key)
{
    size_t i = 0;
    while (i < NCARDS && strcmp(card_keys[i], key) != 0)
        i++;
    return i;
}

/* One figure of the summary table: a card, or a row of the list under them. */
static void write_figure(page_t *p, const dt_cell_t *key, const dt_cell_t *title,
                         const dt_cell_t *value, bool card)
{
    const char *dot = strchr(key->text, '.');
    char num[DT_NUMBER_MAX], shown[DT_DATE_LABEL + 4];
    const char *text = dt_cell_text(value, num);
    if (card)
        fprintf(p->out, "<div class=\"kpi %s\"><dt>%s</dt><dd>", dot ? dot + 1 : key->text,
                title->text);
    else
        fprintf(p->out, "<div><dt>%s</dt><dd>", title->text);
    fprintf(p->out, "<data data-kpi=\"%s\" value=\"%s\">", key->text, text);
    if (dt_cell_label(value, shown, sizeof shown))
        put(p, shown);
    else if (value->kind == DT_CELL_UINT)
        count(p, value->uint);
    else if (value->kind == DT_CELL_FIXED)
        fprintf(p->out, "%s%%", text);
    else
        put(p, "&ndash;");
    put(p, "</data></dd></div>\n");
}

/* The KPI cards and the other figures with a number, the summary's lines,
 * the accounting of rows. */
static void write_totals(page_t *p)
{
    dt_table_t t;
    dt_table_open(&t, p->r, DT_TABLE_SUMMARY);
    put(p, "<section id=\"summary\" aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">Summary</h2>\n");
    write_lead(p);
    write_summary_lines(p);
    for (size_t card = 0; card <= NCARDS; card++) { /* the cards in their order, then the list */
        if (card == 0)
            put(p, "<dl class=\"kpis\">\n");
        else if (card == NCARDS)
            put(p, "</dl>\n<details><summary>Every figure</summary><dl class=\"figures\">\n");
        for (size_t i = 0; i < t.nrows; i++) {
            dt_cell_t key, title, value;
            dt_table_cell(&t, i, 0, &key);
            dt_table_cell(&t, i, 1, &title);
            dt_table_cell(&t, i, 2, &value);
            bool number = value.kind == DT_CELL_UINT || value.kind == DT_CELL_FIXED ||
                          strcmp(key.text, "totals.ner") == 0;
            if (number && card_of(key.text) == card)
                write_figure(p, &key, &title, &value, card < NCARDS);
        }
    }
    put(p, "</dl></details>\n");
    write_accounting(p);
    write_ner_note(p);
    put(p, "</section>\n");
}

/* One action people act on: failures, owner, advice, links, codes, samples. */
static void action_card(page_t *p, const dt_action_row_t *row)
{
    const dt_report_t *r = p->r;
    const dt_action_t *a = dt_report_action(r, row->action);
    const char *id = dt_report_action_id(r, row->action);
    char num[DT_NUMBER_MAX];
    put(p, "<li><div class=\"act-head\"><span class=\"count\" data-action=\"");
    esc(p, id);
    fprintf(p->out, "\" data-v=\"%" PRIu64 "\">", row->failed);
    count(p, row->failed);
    fprintf(p->out, "</span> failed calls (%s%%) <span class=\"owner\">",
            percent(num, row->failed, r->totals.counts.failed, 1));
    esc(p, a ? dt_owner_name(a->owner) : "unknown");
    put(p, "</span> <strong>");
    esc(p, a && a->title ? a->title : NO_ACTION_TITLE);
    put(p, "</strong> <code>");
    esc(p, id);
    put(p, "</code></div>\n");
    if (a && a->text && *a->text) {
        put(p, "<p>");
        esc(p, a->text);
        put(p, "</p>\n");
    }
    for (size_t d = 0; a && d < a->ndocs; d++) {
        put(p, "<p class=\"docs\">Docs: ");
        doc_link(p, a->docs[d]);
        put(p, "</p>\n");
    }
    put(p, "<p class=\"note\">Codes: ");
    for (size_t c = 0; c < row->ncodes && c < ACTION_CODES; c++) {
        const dt_code_row_t *code = row->codes[c];
        char ms[DT_NUMBER_MAX] = "-", sip[DT_NUMBER_MAX] = "-";
        if (!code->other && code->key.has_ms)
            snprintf(ms, sizeof ms, "%" PRIu64, code->key.ms);
        if (!code->other && code->key.has_sip)
            snprintf(sip, sizeof sip, "%u", code->key.sip);
        fprintf(p->out, "%s<code>%s%s%s</code> ", c ? ", " : "", code->other ? "other codes" : ms,
                code->other ? "" : "/", code->other ? "" : sip);
        esc(p, code->other ? "" : dt_report_code_phrase(r, code));
        fprintf(p->out, " (%" PRIu64 ")", code->failed);
    }
    if (row->ncodes > ACTION_CODES)
        fprintf(p->out, " and %zu more", row->ncodes - ACTION_CODES);
    put(p, "</p>\n");
    for (size_t i = 0; i < row->nsamples; i++) {
        put(p, i ? ", " : "<p class=\"note\">Sample calls: <span class=\"mono\">");
        esc(p, row->samples[i].correlation);
    }
    if (row->nsamples)
        put(p, "</span></p>\n");
    put(p, "</li>\n");
}

static bool is_fault(const dt_report_t *r, const dt_action_row_t *row)
{
    const dt_action_t *a = dt_report_action(r, row->action);
    return !(a && a->expected);
}

/* The faults-by-action chart: the first BARS_MAX actions with faults. */
static void action_chart(page_t *p)
{
    const dt_report_t *r = p->r;
    hbar_t bars[BARS_MAX];
    char tips[BARS_MAX][160], values[BARS_MAX][DT_NUMBER_MAX];
    size_t n = 0;
    double max = 0;
    for (size_t i = 0; i < r->nactions && n < BARS_MAX; i++) {
        const dt_action_row_t *row = &r->actions[i];
        if (!is_fault(r, row))
            continue;
        const dt_action_t *a = dt_report_action(r, row->action);
        char num[DT_NUMBER_MAX];
        snprintf(tips[n], sizeof tips[n], "%s: %" PRIu64 " failed calls (%s%%)",
                 dt_report_action_id(r, row->action), row->failed,
                 percent(num, row->failed, r->totals.counts.failed, 1));
        snprintf(values[n], sizeof values[n], "%" PRIu64, row->failed);
        bars[n] = (hbar_t){a && a->title ? a->title : NO_ACTION_TITLE, (double)row->failed, values[n],
                           "fault", tips[n]};
        if ((double)row->failed > max)
            max = (double)row->failed;
        n++;
    }
    size_t faults = 0;
    for (size_t i = 0; i < r->nactions; i++)
        faults += is_fault(r, &r->actions[i]);
    char title[80];
    if (faults > n)
        snprintf(title, sizeof title, "Faults by action (the %zu largest of %zu)", n, faults);
    else
        snprintf(title, sizeof title, "Faults by action");
    if (n)
        hbars(p, title,
              "Failed calls that are faults, per recommended action, most first; the table below has "
              "every action.", NULL, bars, n, max);
}

/* The first actions (ACTIONS_SHOWN, or --top) in full, the rest folded away. */
static void write_actions(page_t *p)
{
    const dt_report_t *r = p->r;
    size_t first = r->top ? r->top : ACTIONS_SHOWN, shown = 0, faults = 0;
    for (size_t i = 0; i < r->nactions; i++)
        faults += is_fault(r, &r->actions[i]);
    put(p, "<section id=\"actions\" aria-labelledby=\"actions-h\"><h2 id=\"actions-h\">What to do first</h2>\n");
    if (!faults) {
        put(p, "<p>No faults: every failed call ended in an expected way.</p></section>\n");
        return;
    }
    action_chart(p);
    put(p, "<ol class=\"actions\">\n");
    for (size_t i = 0; i < r->nactions; i++) {
        if (!is_fault(r, &r->actions[i]))
            continue;
        if (shown++ == first)
            fprintf(p->out, "</ol>\n<details><summary>%zu more actions</summary>\n"
                            "<ol class=\"actions\" start=\"%zu\">\n", faults - first, first + 1);
        action_card(p, &r->actions[i]);
    }
    put(p, shown > first ? "</ol></details>\n" : "</ol>\n");
    put(p, "<details><summary>Numbers: failed calls by action</summary>\n");
    write_table(p, DT_TABLE_ACTIONS, "table-actions", false, NULL);
    put(p, "</details>\n</section>\n");
}

static void write_expected(page_t *p)
{
    const dt_report_t *r = p->r;
    bool any = false;
    for (size_t i = 0; i < r->nactions; i++) {
        const dt_action_t *a = dt_report_action(r, r->actions[i].action);
        if (!a || !a->expected)
            continue;
        if (!any)
            put(p, "<section id=\"expected\"><h2>Expected endings (not faults)</h2><ul>\n");
        any = true;
        put(p, "<li>");
        count(p, r->actions[i].failed);
        put(p, " &mdash; ");
        esc(p, a->title);
        put(p, " <code>");
        esc(p, a->id);
        put(p, "</code></li>\n");
    }
    if (any)
        put(p, "</ul></section>\n");
}

static void write_codes(page_t *p)
{
    put(p, "<section id=\"codes\" aria-labelledby=\"codes-h\"><h2 id=\"codes-h\">Failed calls by code</h2>\n"
           "<div class=\"filter\"><label>Filter codes <input type=\"search\" data-filter=\"table-codes\" "
           "data-count=\"codes-count\" placeholder=\"code, phrase, action...\"></label> "
           "<span class=\"note\" id=\"codes-count\"></span></div>\n");
    write_table(p, DT_TABLE_CODES, "table-codes", false, NULL);
    put(p, "</section>\n");
}

static void write_stubs(page_t *p)
{
    const dt_report_t *r = p->r;
    size_t n = 0;
    for (size_t i = 0; i < r->ncodes; i++) {
        const char *stub = r->stubs[i];
        if (!stub)
            continue;
        if (!n++)
            put(p, "<details id=\"stubs\"><summary>Codes without a rule: sections to paste into a rules "
                   "file (docs/rules.md)</summary><pre>");
        esc(p, stub);
        put(p, "\n\n");
    }
    if (n)
        put(p, "</pre></details>\n");
}

static const char *sbc_row_class(const page_t *p, const dt_table_t *t, size_t row)
{
    (void)t;
    return p->r->sbcs[row]->counts.calls < p->r->rules->ner_min_calls ? "few" : NULL;
}

static const char *metrics_row_class(const page_t *p, const dt_table_t *t, size_t row)
{
    (void)t;
    const dt_row_stats_t *st = p->r->sbcs[row]->stats;
    return st && st->near_limit ? "near-limit" : NULL;
}

/* ACD per SBC, and the peak of concurrent calls against the session limit. */
static void sbc_measure_charts(page_t *p)
{
    const dt_report_t *r = p->r;
    hbar_t bars[BARS_MAX];
    char tips[BARS_MAX][320], values[BARS_MAX][DT_NUMBER_MAX], labels[BARS_MAX][320];
    for (int peaks = 0; peaks < 2; peaks++) {
        size_t n = 0;
        double max = 0;
        for (size_t i = 0; i < r->nsbcs && n < BARS_MAX; i++) {
            const dt_keyed_row_t *row = r->sbcs[i];
            const dt_row_stats_t *st = row->stats;
            const char *name = row->other ? "(other SBCs)" : *row->name ? row->name : "(no SBC)";
            char num[DT_NUMBER_MAX], use[DT_NUMBER_MAX];
            double v;
            if (peaks) {
                if (!st || !st->has_peak)
                    continue;
                v = (double)st->peak;
                snprintf(values[n], sizeof values[n], "%" PRIu64, st->peak);
                snprintf(labels[n], sizeof labels[n], "%s", name);
                snprintf(tips[n], sizeof tips[n], "%s: %" PRIu64 " calls at once%s%s%s%s", name,
                         st->peak, st->limit ? ", " : "",
                         st->limit ? dt_format_share(use, st->peak, st->limit, 1) : "",
                         st->limit ? " of its session limit" : "",
                         st->near_limit ? " (" DT_NEAR_LIMIT ")" : "");
            } else {
                if (!row->counts.acd_calls)
                    continue;
                v = dt_acd_seconds(&row->counts);
                dt_format_duration(values[n], v);
                snprintf(labels[n], sizeof labels[n], "%s (%s answered)", name,
                         grouped(num, row->counts.acd_calls));
                snprintf(tips[n], sizeof tips[n], "%s: ACD %s of %s answered calls, %s under %d s",
                         name, values[n], num,
                         dt_format_share(use, row->counts.short_calls, row->counts.acd_calls, 1),
                         DT_SHORT_CALL_SECONDS);
            }
            bars[n] = (hbar_t){labels[n], v, values[n], peaks && st->near_limit ? "fault" : "calls",
                               tips[n]};
            if (v > max)
                max = v;
            n++;
        }
        if (!n)
            continue;
        if (peaks)
            hbars(p, "Peak concurrent calls by SBC", DT_CONCURRENCY_INTRO "; red bars are "
                  DT_NEAR_LIMIT ".", NULL, bars, n, max);
        else
            hbars(p, "ACD by SBC", "Average duration of answered calls per SBC, with the calls "
                  "it is measured on; the table below has the numbers.", NULL, bars, n, max);
    }
}

/* The measures of the rows of a keyed table, when they were counted. */
static void write_measures(page_t *p, dt_table_id_t table, const char *id, row_class_fn cls)
{
    const dt_report_t *r = p->r;
    char intro[DT_REPORT_LINE];
    dt_table_t t;
    if (!r->measured || !dt_table_open(&t, r, table) || !t.nrows)
        return;
    put(p, "<h3>ACD, short calls and time to failure</h3>\n<p class=\"note\">");
    esc(p, dt_report_measures_intro(intro, sizeof intro));
    if (table == DT_TABLE_SBC_METRICS && r->concurrency) {
        put(p, "; ");
        esc(p, DT_CONCURRENCY_INTRO);
    }
    put(p, ".</p>\n");
    write_table(p, table, id, false, cls);
}

static const char *gate_row_class(const page_t *p, const dt_table_t *t, size_t row)
{
    (void)t;
    const dt_gate_result_t *g = &p->r->gates[row];
    return g->breached ? "breached" : g->judged ? "passed" : "not-judged";
}

/* The gates' outcomes: the summary line and a table, each verdict coloured. */
static void write_gates(page_t *p)
{
    char line[DT_REPORT_LINE];
    size_t breached;
    if (!dt_report_gate_counts(p->r, &breached, NULL))
        return;
    put(p, "<section id=\"gates\" aria-labelledby=\"gates-h\"><h2 id=\"gates-h\">Gates</h2>\n");
    fprintf(p->out, "<p class=\"lead\"><span class=\"%s\">", breached ? "breached" : "passed");
    esc(p, dt_report_gates_line(p->r, line, sizeof line));
    put(p, "</span></p>\n");
    write_table(p, DT_TABLE_GATES, "table-gates", false, gate_row_class);
    put(p, "</section>\n");
}

/* When the filters let no call through: what each condition matched, and
 * the values the input has instead. */
static void write_filter_matches(page_t *p)
{
    const dt_report_t *r = p->r;
    if (!r->matched_nothing)
        return;
    put(p, "<section id=\"filters\"><h2>");
    esc(p, dt_sections[DT_SECTION_FILTERS].title);
    put(p, "</h2>\n");
    size_t empty = 0;
    for (size_t i = 0; i < r->nfilter_matches; i++)
        empty += r->filter_matches[i].calls == 0;
    if (!empty)
        fprintf(p->out, "<p>%s</p>\n", DT_FILTERS_DISJOINT);
    for (size_t i = 0; i < r->nfilter_matches; i++) {
        const dt_filter_match_t *m = &r->filter_matches[i];
        char line[DT_REPORT_LINE];
        put(p, "<p>");
        esc(p, dt_report_filter_line(m, line, sizeof line));
        put(p, "</p>\n");
        if (m->calls || !m->nvalues)
            continue;
        put(p, "<ul class=\"values\">\n");
        for (size_t v = 0; v < m->nvalues; v++) {
            put(p, "<li><span class=\"mono\">");
            esc(p, m->values[v]->other ? DT_OTHER_VALUES : m->values[v]->name);
            put(p, "</span>: ");
            count(p, m->values[v]->counts.calls);
            put(p, " calls</li>\n");
        }
        if (m->more)
            fprintf(p->out, "<li>... and %zu more</li>\n", m->more);
        put(p, "</ul>\n");
    }
    put(p, "</section>\n");
}

static void write_sbcs(page_t *p)
{
    const dt_report_t *r = p->r;
    uint64_t min = r->rules->ner_min_calls;
    put(p, "<section id=\"sbcs\" aria-labelledby=\"sbcs-h\"><h2 id=\"sbcs-h\">By SBC</h2>\n");
    hbar_t bars[BARS_MAX];
    char tips[BARS_MAX][320], values[BARS_MAX][48], labels[BARS_MAX][320];
    size_t n = 0;
    for (size_t i = 0; i < r->nsbcs && n < BARS_MAX; i++) {
        const dt_keyed_row_t *row = r->sbcs[i];
        double ner = dt_ner_percent(row->counts.effective, row->counts.calls);
        if (ner < 0)
            continue;
        char num[DT_NUMBER_MAX], calls[DT_NUMBER_MAX];
        const char *name = row->other ? "(other SBCs)" : *row->name ? row->name : "(no SBC)";
        snprintf(labels[n], sizeof labels[n], "%s (%s calls)", name, grouped(calls, row->counts.calls));
        snprintf(values[n], sizeof values[n], "%s%%", dt_format_fixed(num, ner, 2));
        snprintf(tips[n], sizeof tips[n], "%s: NER %s of %s calls%s", name, values[n], calls,
                 row->counts.calls < min ? DT_FEW_CALLS : "");
        bars[n] = (hbar_t){labels[n], ner, values[n], row->counts.calls < min ? "ner few" : "ner", tips[n]};
        n++;
    }
    if (n) {
        char desc[256];
        snprintf(desc, sizeof desc,
                 "NER per SBC, 0 to 100%%, with the calls analysed; grey bars had fewer than %" PRIu64
                 " calls, where a low NER may be normal.", min);
        hbars(p, "NER by SBC", desc, NER_LEGEND, bars, n, 100);
    }
    write_table(p, DT_TABLE_SBCS, "table-sbcs", false, sbc_row_class);
    char num[DT_NUMBER_MAX];
    fprintf(p->out, "<p class=\"caveat\">* fewer than %s calls: a low NER may be normal.</p>\n",
            grouped(num, min));
    sbc_measure_charts(p);
    write_measures(p, DT_TABLE_SBC_METRICS, "table-sbc-metrics", metrics_row_class);
    put(p, "</section>\n");
}

static void write_times(page_t *p)
{
    const dt_report_t *r = p->r;
    if (!r->by_time)
        return;
    put(p, "<section id=\"time\" aria-labelledby=\"time-h\"><h2 id=\"time-h\">Over time</h2>\n");
    if (!r->ntimes) {
        put(p, "<p>No call had a readable start time.</p></section>\n");
        return;
    }
    static const dt_origin_t origins[] = {DT_ORIGIN_SBC, DT_ORIGIN_MICROSOFT, DT_ORIGIN_UNKNOWN};
    series_bars(p, "Calls", NULL, 0);
    series_bars(p, "Failed calls by origin", origins, 3);
    series_ner(p);
    char note[DT_REPORT_LINE];
    for (int i = 0; i < 2; i++)
        if (i ? dt_report_undated_note(r, note, sizeof note)
              : dt_report_partial_note(r, note, sizeof note)) {
            put(p, "<p class=\"note\">");
            esc(p, note);
            put(p, ".</p>\n");
        }
    put(p, "<details><summary>Numbers: calls, failures and NER per period</summary>\n");
    write_table(p, DT_TABLE_TIMES, "table-time", false, NULL);
    write_measures(p, DT_TABLE_TIME_METRICS, "table-time-metrics", NULL);
    put(p, "</details></section>\n");
}

/* ---- the trend (drtriage trend) ---- */

#define TREND_CHARTS 3 /* changes charted day by day */
#define WEEK_DAYS 7

/* The days' axis: one slot a day, the window shaded, a label each week. */
static axis_t day_axis(const dt_trend_t *t)
{
    return (axis_t){t->days[0].day, DT_DAY_SECONDS, t->ndays,
                    (double)(CHART_W - PAD_LEFT - PAD_RIGHT) / (double)t->ndays};
}

static void day_label(int64_t day, char *buf, size_t cap)
{
    char iso[DT_DATE_TEXT_MAX];
    dt_date_format(day, iso, sizeof iso);
    snprintf(buf, cap, "%.10s", iso);
}

static void day_frame(page_t *p, const dt_trend_t *t, const axis_t *a, int height)
{
    double x = slot_x(a, t->baseline_days) - a->width / 2;
    fprintf(p->out, "<rect class=\"window\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n", x,
            PAD_TOP, CHART_W - PAD_RIGHT - x, height - PAD_TOP - PAD_BOTTOM);
    for (size_t d = 0; d < t->ndays; d += WEEK_DAYS) {
        char label[32];
        day_label(t->days[d].day, label, sizeof label);
        fprintf(p->out, "<text class=\"label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                slot_x(a, d), height - PAD_BOTTOM + 16, label);
    }
}

/* NER per day, with the baseline's NER as a dashed line. */
static void trend_ner_chart(page_t *p, const dt_trend_t *t)
{
    double lo = 100;
    for (size_t d = 0; d < t->ndays; d++) {
        double ner = dt_ner_percent(t->days[d].counts.effective, t->days[d].counts.calls);
        if (ner >= 0 && ner < lo)
            lo = ner;
    }
    lo = lo >= 100 ? 90 : floor((lo - 1) / 5) * 5;
    lo = lo < 0 ? 0 : lo;
    axis_t a = day_axis(t);
    char desc[320], num[DT_NUMBER_MAX];
    snprintf(desc, sizeof desc, "NER in percent per UTC day, the recent window shaded, the "
             "baseline's NER (%s%%) dashed; days without data leave a gap.",
             t->ner_baseline >= 0 ? dt_format_fixed(num, t->ner_baseline, 2) : "-");
    chart_open(p, "NER per day", desc, NER_LEGEND, SERIES_H);
    day_frame(p, t, &a, SERIES_H);
    y_axis(p, lo, 100, SERIES_H, "%");
    int plot_h = SERIES_H - PAD_TOP - PAD_BOTTOM;
    if (t->ner_baseline >= 0) {
        double y = PAD_TOP + plot_h - plot_h * (t->ner_baseline - lo) / (100 - lo);
        fprintf(p->out, "<line class=\"base\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
                PAD_LEFT, CHART_W - PAD_RIGHT, y, y);
    }
    bool open = false;
    for (size_t d = 0; d < t->ndays; d++) {
        double ner = dt_ner_percent(t->days[d].counts.effective, t->days[d].counts.calls);
        if (ner < 0) {
            if (open)
                put(p, "\"/>\n");
            open = false;
            continue;
        }
        if (!open)
            put(p, "<polyline class=\"line\" points=\"");
        open = true;
        fprintf(p->out, "%.1f,%.1f ", slot_x(&a, d), PAD_TOP + plot_h - plot_h * (ner - lo) / (100 - lo));
    }
    if (open)
        put(p, "\"/>\n");
    for (size_t d = 0; d < t->ndays; d++) {
        const dt_counts_t *c = &t->days[d].counts;
        double ner = dt_ner_percent(c->effective, c->calls);
        if (ner < 0)
            continue;
        char label[32], tip[128], calls[DT_NUMBER_MAX];
        day_label(t->days[d].day, label, sizeof label);
        snprintf(tip, sizeof tip, "%s: NER %s%% of %s calls", label, dt_format_fixed(num, ner, 2),
                 grouped(calls, c->calls));
        tip_open(p, tip);
        fprintf(p->out, "<circle class=\"dot%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/></g>\n",
                c->calls < t->min_calls ? " few" : "", slot_x(&a, d),
                PAD_TOP + plot_h - plot_h * (ner - lo) / (100 - lo));
    }
    chart_close(p, desc);
}

/* Columns per day: faults stacked by origin, or one change's count. */
static void trend_bars(page_t *p, const dt_trend_t *t, const char *title, const dt_change_t *c)
{
    double max = 0;
    for (size_t d = 0; d < t->ndays; d++) {
        const dt_counts_t *k = &t->days[d].counts;
        double v = c ? (double)c->daily[d] : (double)(k->failed - dt_counts_expected(k));
        max = v > max ? v : max;
    }
    max = nice_max(max > 0 ? max : 1);
    axis_t a = day_axis(t);
    char desc[DT_CHANGE_TEXT_MAX + 128];
    if (c) {
        char what[DT_CHANGE_TEXT_MAX];
        dt_change_describe(p->r, c, what, sizeof what);
        snprintf(desc, sizeof desc, "Per UTC day, the recent window shaded: %s.", what);
    } else {
        snprintf(desc, sizeof desc, "Faults (failures that are not expected endings) per UTC day "
                 "by origin, the recent window shaded.");
    }
    chart_open(p, title, desc, c ? NULL : ORIGIN_LEGEND, SERIES_H);
    day_frame(p, t, &a, SERIES_H);
    y_axis(p, 0, max, SERIES_H, "");
    int plot_h = SERIES_H - PAD_TOP - PAD_BOTTOM;
    double bar = a.width * 0.8;
    for (size_t d = 0; d < t->ndays; d++) {
        const dt_counts_t *k = &t->days[d].counts;
        char label[32], tip[256], num[DT_NUMBER_MAX];
        day_label(t->days[d].day, label, sizeof label);
        double x = slot_x(&a, d) - bar / 2, base = PAD_TOP + plot_h;
        if (c) {
            snprintf(tip, sizeof tip, "%s: %s", label, grouped(num, c->daily[d]));
            tip_open(p, tip);
            double h = plot_h * (double)c->daily[d] / max;
            fprintf(p->out, "<rect class=\"fault\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></g>\n",
                    x, base - h, bar, h);
            continue;
        }
        int n = snprintf(tip, sizeof tip, "%s: %s faults", label,
                         grouped(num, k->failed - dt_counts_expected(k)));
        for (int o = 0; o < DT_ORIGIN_COUNT && n > 0 && (size_t)n < sizeof tip; o++)
            n += snprintf(tip + n, sizeof tip - (size_t)n, "\n%s origin: %s",
                          dt_origin_name((dt_origin_t)o), grouped(num, dt_counts_faults(k, (dt_origin_t)o)));
        tip_open(p, tip);
        for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
            double h = plot_h * (double)dt_counts_faults(k, (dt_origin_t)o) / max;
            fprintf(p->out, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                    dt_origin_name((dt_origin_t)o), x, base - h, bar, h);
            base -= h;
        }
        put(p, "</g>\n");
    }
    chart_close(p, desc);
}

static void trend_days_table(page_t *p, const dt_trend_t *t)
{
    put(p, "<details><summary>Numbers: the days</summary><div class=\"table-wrap\"><table>"
           "<thead><tr><th>day</th><th>period</th><th class=\"n\">calls</th><th class=\"n\">NER</th>"
           "<th class=\"n\">SBC faults</th><th class=\"n\">Microsoft faults</th>"
           "<th class=\"n\">unknown faults</th><th>most faults</th></tr></thead><tbody>\n");
    for (size_t d = 0; d < t->ndays; d++) {
        const dt_trend_day_t *day = &t->days[d];
        const dt_counts_t *c = &day->counts;
        char label[32], num[DT_NUMBER_MAX], actions[512];
        day_label(day->day, label, sizeof label);
        dt_trend_day_actions(p->r, day, actions, sizeof actions);
        double ner = dt_ner_percent(c->effective, c->calls);
        fprintf(p->out, "<tr><td>%s</td><td>%s</td>", label, day->window ? "window" : "baseline");
        if (!day->has_data) {
            fprintf(p->out, "<td colspan=\"6\">no data%s</td></tr>\n",
                    day->before_history ? " (before the store's first day)" : ": no export covers it");
            continue;
        }
        put(p, "<td class=\"n\">");
        count(p, c->calls);
        fprintf(p->out, "</td><td class=\"n\">%s</td>", ner >= 0 ? dt_format_fixed(num, ner, 2) : "&ndash;");
        for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
            put(p, "<td class=\"n\">");
            count(p, dt_counts_faults(c, (dt_origin_t)o));
            put(p, "</td>");
        }
        put(p, "<td>");
        esc(p, actions);
        put(p, "</td></tr>\n");
    }
    put(p, "</tbody></table></div></details>\n");
}

static void write_trend(page_t *p)
{
    const dt_trend_t *t = p->r->trend;
    if (!t || !t->ndays)
        return;
    char num[DT_NUMBER_MAX], from[32], to[32];
    put(p, "<section id=\"trend\" aria-labelledby=\"trend-h\"><h2 id=\"trend-h\">Trend</h2>\n"
           "<p class=\"lead\">");
    day_label(t->window_since, from, sizeof from);
    day_label(t->until - DT_DAY_SECONDS, to, sizeof to);
    fprintf(p->out, "The %zu days from %s to %s against the %zu days before: ", t->window_days,
            from, to, t->baseline_days);
    if (t->ner_judged)
        fprintf(p->out, "NER %s by %s points, ", t->ner_drop >= 0 ? "fell" : "rose",
                dt_format_fixed(num, t->ner_drop >= 0 ? t->ner_drop : -t->ner_drop, 2));
    fprintf(p->out, "%zu change%s beyond chance.", t->nsignificant, t->nsignificant == 1 ? "" : "s");
    if (t->missing_days)
        fprintf(p->out, " <strong>%zu day%s of the window %s no data</strong>: a missing export?",
                t->missing_days, t->missing_days == 1 ? "" : "s", t->missing_days == 1 ? "has" : "have");
    put(p, "</p>\n");
    if (t->nsignificant) {
        put(p, "<h3>Changes that matter</h3>\n<ol class=\"actions\">\n");
        for (size_t i = 0; i < t->nsignificant; i++) {
            char what[DT_CHANGE_TEXT_MAX];
            dt_change_describe(p->r, &t->changes[i], what, sizeof what);
            put(p, "<li>");
            esc(p, what);
            put(p, "</li>\n");
        }
        put(p, "</ol>\n");
    }
    fprintf(p->out, "<p class=\"note\">A change is listed when a test against the baseline puts it "
                    "beyond chance (at %s%% for the %zu rises tested together) over at least %s "
                    "calls; the day it started is the first of the days whose counts fit a raised "
                    "rate best.</p>\n", dt_format_trimmed(num, t->alpha * 100), t->tests,
            grouped(from, t->min_calls));
    trend_ner_chart(p, t);
    trend_bars(p, t, "Faults per day by origin", NULL);
    for (size_t i = 0; i < t->nsignificant && i < TREND_CHARTS; i++) {
        char title[256];
        const dt_change_t *c = &t->changes[i];
        if (c->kind == DT_CHANGE_SBC)
            snprintf(title, sizeof title, "Calls not effective per day through %s", c->sbc);
        else if (c->kind == DT_CHANGE_ACTION)
            snprintf(title, sizeof title, "Faults per day: %s", dt_report_action_id(p->r, c->action));
        else
            snprintf(title, sizeof title, "Faults per day with code %s/%s",
                     c->key.has_ms ? (snprintf(from, sizeof from, "%" PRIu64, c->key.ms), from) : "-",
                     c->key.has_sip ? (snprintf(to, sizeof to, "%u", c->key.sip), to) : "-");
        trend_bars(p, t, title, c);
    }
    trend_days_table(p, t);
    put(p, "</section>\n");
}

static void write_groups(page_t *p)
{
    if (!p->r->ngroup_columns)
        return;
    put(p, "<section id=\"groups\" aria-labelledby=\"groups-h\"><h2 id=\"groups-h\">By group</h2>\n");
    write_table(p, DT_TABLE_GROUPS, "table-groups", false, NULL);
    write_measures(p, DT_TABLE_GROUP_METRICS, "table-group-metrics", NULL);
    put(p, "</section>\n");
}

static void write_group_times(page_t *p)
{
    if (!p->r->by_time || !p->r->ngroup_columns)
        return;
    put(p, "<section id=\"group-times\" aria-labelledby=\"group-times-h\"><h2 id=\"group-times-h\">");
    esc(p, dt_sections[DT_SECTION_GROUP_TIMES].title);
    fprintf(p->out, "</h2>\n<details><summary>Numbers: each group per %s</summary>\n",
            dt_report_bucket_name(p->r));
    write_table(p, DT_TABLE_GROUP_TIMES, "table-group-times", false, NULL);
    put(p, "</details></section>\n");
}

static void write_rejections(page_t *p)
{
    const dt_report_t *r = p->r;
    if (!r->totals.rejected)
        return;
    put(p, "<section id=\"rejected\"><h2>Rejected rows</h2><p>");
    count(p, r->totals.rejected);
    put(p, " rows were not counted as calls. The first:</p><ul>\n");
    for (size_t i = 0; i < r->nrejections; i++) {
        put(p, "<li><span class=\"mono\">");
        esc(p, r->rejections[i].path);
        fprintf(p->out, ":%" PRIu64 "</span>: ", r->rejections[i].line);
        esc(p, r->rejections[i].reason);
        put(p, "</li>\n");
    }
    put(p, "</ul></section>\n");
}

static void write_notes(page_t *p)
{
    const dt_report_t *r = p->r;
    if (r->nnotes) {
        put(p, "<section id=\"notes\"><h2>Notes</h2><ul>\n");
        for (size_t i = 0; i < r->nnotes; i++) {
            put(p, "<li>");
            esc(p, r->notes[i]);
            put(p, "</li>\n");
        }
        put(p, "</ul></section>\n");
    }
    put(p, "</main>\n<footer>Written by drtriage from the exports listed above. Codes and advice: "
           "Microsoft's Direct Routing documentation, as drtriage's rules hold it. "
           "The data of this page is embedded as JSON (docs/json-format.md).</footer>\n");
}

/* The page opens with what was read and the figures: the report's summary. */
static void write_summary(page_t *p)
{
    write_inputs(p);
    write_totals(p);
}

/* What renders each section (dt_report.h), in the report's order; the
 * inputs and totals are in the summary. */
static void (*const sections[DT_SECTION_COUNT])(page_t *) = {
    [DT_SECTION_SUMMARY] = write_summary,   [DT_SECTION_TREND] = write_trend,
    [DT_SECTION_ACTIONS] = write_actions,   [DT_SECTION_EXPECTED] = write_expected,
    [DT_SECTION_CODES] = write_codes,       [DT_SECTION_STUBS] = write_stubs,
    [DT_SECTION_SBCS] = write_sbcs,         [DT_SECTION_TIMES] = write_times,
    [DT_SECTION_GROUPS] = write_groups,     [DT_SECTION_REJECTED] = write_rejections,
    [DT_SECTION_NOTES] = write_notes,       [DT_SECTION_GATES] = write_gates,
    [DT_SECTION_FILTERS] = write_filter_matches, [DT_SECTION_GROUP_TIMES] = write_group_times,
};

/* ---- the frame ---- */

static void write_csp(page_t *p)
{
    fprintf(p->out, "default-src 'none'; style-src 'sha256-%s'; script-src 'sha256-%s'; "
                    "img-src 'none'; base-uri 'none'; form-action 'none'",
            p->style->sha256, p->script->sha256);
}

static void write_title(page_t *p)
{
    const dt_totals_t *t = &p->r->totals;
    char num[DT_NUMBER_MAX];
    put(p, "drtriage report: ");
    count(p, t->counts.calls);
    put(p, " calls");
    double ner = dt_ner_percent(t->counts.effective, t->counts.calls);
    if (ner >= 0)
        fprintf(p->out, ", NER %s%%", dt_format_fixed(num, ner, 2));
}

/* The style and script exactly as embedded: their hashes are in the CSP. */
static void write_style(page_t *p)
{
    fwrite(p->style->data, 1, p->style->len, p->out);
}

static void write_script(page_t *p)
{
    fwrite(p->script->data, 1, p->script->len, p->out);
}

static void write_body(page_t *p)
{
    for (size_t i = 0; i < p->r->nsections; i++)
        if (sections[p->r->order[i]])
            sections[p->r->order[i]](p);
}

static void write_data(page_t *p)
{
    dt_json_t j;
    dt_json_init(&j, p->out, false);
    j.script_safe = true;
    dt_write_json_report(&j, p->r);
}

/* The template's @NAME@ markers and what replaces them. */
static const struct {
    const char *name;
    void (*write)(page_t *p);
} markers[] = {
    {"CSP", write_csp},   {"TITLE", write_title}, {"CSS", write_style},
    {"BODY", write_body}, {"JSON", write_data},   {"JS", write_script},
};

dt_status_t dt_write_html(FILE *out, const dt_report_t *report, const dt_write_options_t *options,
                          dt_error_t *err)
{
    (void)options;
    const dt_embedded_file_t *frame = dt_embedded_find(dt_embedded_assets, TEMPLATE);
    page_t p = {.out = out, .r = report, .style = dt_embedded_find(dt_embedded_assets, STYLE),
                .script = dt_embedded_find(dt_embedded_assets, SCRIPT)};
    if (!frame || !p.style || !p.script)
        return dt_fail(err, DT_ERR_OUTPUT, "the HTML assets are missing from this build");
    const char *s = (const char *)frame->data, *end = s + frame->len;
    while (s < end) {
        const char *mark = memchr(s, MARK, (size_t)(end - s));
        const char *close = mark ? memchr(mark + 1, MARK, (size_t)(end - mark - 1)) : NULL;
        if (!close) {
            fwrite(s, 1, (size_t)(end - s), out);
            break;
        }
        fwrite(s, 1, (size_t)(mark - s), out);
        size_t len = (size_t)(close - mark - 1), m = 0;
        while (m < sizeof markers / sizeof markers[0] &&
               !(strlen(markers[m].name) == len && memcmp(markers[m].name, mark + 1, len) == 0))
            m++;
        if (m < sizeof markers / sizeof markers[0])
            markers[m].write(&p);
        else
            fwrite(mark, 1, len + 2, out); /* not a marker: as it is */
        s = close + 1;
    }
    return dt_stream_finish(out, err);
}
