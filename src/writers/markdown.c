/* markdown.c - GitHub-flavoured Markdown for tickets, wikis and chat: the
 * summary and the main tables (their detail columns left out, cut to --top
 * rows), each action's advice with its documentation links. Input text goes
 * through dt_escape_markdown, so it cannot open a link, emphasis, HTML or a
 * table cell; only https links from the rules become links. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dt_escape.h"
#include "dt_table.h"
#include "dt_writer.h"

#define NONE_MARK "-"

static void put_md(FILE *out, const char *text)
{
    dt_escape_markdown(out, text, text ? strlen(text) : 0);
}

static void put_cell(FILE *out, const dt_column_t *col, const dt_cell_t *cell)
{
    char num[DT_NUMBER_MAX], label[DT_DATE_LABEL + 4];
    if (cell->kind == DT_CELL_NONE)
        put_md(out, col->none ? col->none : NONE_MARK);
    else if (cell->kind == DT_CELL_BOOL)
        fputs(cell->boolean ? "yes" : "no", out);
    else if (dt_cell_label(cell, label, sizeof label))
        fputs(label, out);
    else if (cell->kind == DT_CELL_TEXT)
        put_md(out, cell->text);
    else
        fputs(dt_cell_text(cell, num), out);
}

static bool right_aligned(dt_cell_kind_t kind)
{
    return kind == DT_CELL_UINT || kind == DT_CELL_FIXED;
}

/* Which rows of a table to show (NULL: all). */
typedef bool (*keep_fn)(const dt_report_t *r, size_t row);

static bool is_fault(const dt_report_t *r, size_t row)
{
    const dt_action_t *a = dt_report_action(r, r->actions[row].action);
    return !(a && a->expected);
}

static bool is_expected(const dt_report_t *r, size_t row)
{
    return !is_fault(r, row);
}

/* A table of the columns people read (dt_table_column_shown), at most `top`
 * rows (0: all) of those `keep` keeps. */
static void write_table(FILE *out, const dt_report_t *r, dt_table_id_t table, size_t top,
                        keep_fn keep)
{
    dt_table_t t;
    if (!dt_table_open(&t, r, table))
        return;
    size_t kept = 0;
    for (size_t row = 0; row < t.nrows; row++)
        kept += !keep || keep(r, row);
    if (!kept) {
        fputs("None.\n\n", out);
        return;
    }
    size_t shown = top && top < kept ? top : kept, written = 0;
    bool show[64];
    size_t ncols = t.ncolumns < 64 ? t.ncolumns : 64;
    for (size_t c = 0; c < ncols; c++)
        show[c] = dt_table_column_shown(&t, c);
    dt_cell_t cell;
    putc('|', out);
    for (size_t c = 0; c < ncols; c++) {
        dt_column_t col = dt_table_column(&t, c);
        if (!show[c])
            continue;
        putc(' ', out);
        put_md(out, col.title);
        fputs(" |", out);
    }
    fputs("\n|", out);
    for (size_t c = 0; c < ncols; c++)
        if (show[c])
            fputs(right_aligned(dt_table_column(&t, c).kind) ? " ---: |" : " --- |", out);
    putc('\n', out);
    for (size_t row = 0; row < t.nrows && written < shown; row++) {
        if (keep && !keep(r, row))
            continue;
        written++;
        if (!dt_table_row_shown(&t, row))
            continue;
        putc('|', out);
        for (size_t c = 0; c < ncols; c++) {
            if (!show[c])
                continue;
            dt_column_t col = dt_table_column(&t, c);
            dt_table_cell(&t, row, c, &cell);
            putc(' ', out);
            put_cell(out, &col, &cell);
            fputs(" |", out);
        }
        putc('\n', out);
    }
    if (shown < kept)
        fprintf(out, "\n... and %zu more rows (the JSON, CSV or Excel report has them all).\n",
                kept - shown);
    putc('\n', out);
}

static void heading(FILE *out, dt_section_t section)
{
    fprintf(out, "## %s\n\n", dt_sections[section].title);
}

/* "- **label** text", the text escaped; nothing for NULL. */
static void line_item(FILE *out, const char *label, const char *text)
{
    if (!text)
        return;
    fprintf(out, "- **%s** ", label);
    put_md(out, text);
    putc('\n', out);
}

/* A phrase of the report as a paragraph of its own; nothing for NULL. */
static void paragraph(FILE *out, const char *text)
{
    if (!text)
        return;
    put_md(out, text);
    fputs(".\n\n", out);
}

/* The summary's lines as the text report words them, and the accounting. */
static void write_summary_lines(FILE *out, const dt_report_t *r)
{
    char line[DT_REPORT_LINE];
    if (r->has_span) {
        char from[DT_DATE_LABEL], to[DT_DATE_LABEL];
        dt_date_label(r->first, true, from, sizeof from);
        dt_date_label(r->last, true, to, sizeof to);
        fprintf(out, "- **Calls from** %s to %s UTC\n", from, to);
    }
    line_item(out, "Worst SBC:", dt_report_worst_sbc_line(r, line, sizeof line));
    line_item(out, "Durations:", dt_report_durations_line(r, line, sizeof line));
    line_item(out, "Peak concurrent calls:", dt_report_peak_line(r, line, sizeof line));
    line_item(out, "Gates:", dt_report_gates_line(r, line, sizeof line));
    line_item(out, "Rows:", dt_report_identity(r, line, sizeof line));
    line_item(out, "Excluded:", dt_report_excluded_line(r, line, sizeof line));
    line_item(out, "Duplicates:", dt_report_duplicates_line(r, line, sizeof line));
    putc('\n', out);
}

static void write_summary(FILE *out, const dt_report_t *r)
{
    fputs("# drtriage report\n\n", out);
    for (size_t i = 0; i < r->ninputs; i++) {
        const dt_input_stats_t *in = &r->inputs[i];
        fputs("- input ", out);
        put_md(out, in->path);
        fprintf(out, " (%s, %" PRIu64 " rows, %" PRIu64 " rejected)\n", dt_family_name(in->family),
                in->rows, in->rejected);
    }
    if (r->ninputs)
        putc('\n', out);
    write_summary_lines(out, r);
    write_table(out, r, DT_TABLE_SUMMARY, 0, NULL);
    char note[DT_REPORT_LINE * 2];
    paragraph(out, dt_report_ner_definition(r, note, sizeof note));
}

static void write_gates(FILE *out, const dt_report_t *r)
{
    if (!r->ngates)
        return;
    heading(out, DT_SECTION_GATES);
    write_table(out, r, DT_TABLE_GATES, 0, NULL);
}

static void write_filter_matches(FILE *out, const dt_report_t *r)
{
    if (!r->matched_nothing)
        return;
    heading(out, DT_SECTION_FILTERS);
    size_t empty = 0;
    for (size_t i = 0; i < r->nfilter_matches; i++)
        empty += r->filter_matches[i].calls == 0;
    if (!empty)
        fprintf(out, "%s\n\n", DT_FILTERS_DISJOINT);
    for (size_t i = 0; i < r->nfilter_matches; i++) {
        const dt_filter_match_t *m = &r->filter_matches[i];
        char line[DT_REPORT_LINE];
        put_md(out, dt_report_filter_line(m, line, sizeof line));
        fputs("\n\n", out);
        if (m->calls || !m->nvalues)
            continue;
        for (size_t v = 0; v < m->nvalues; v++) {
            fputs("- ", out);
            put_md(out, m->values[v]->other ? DT_OTHER_VALUES
                                            : m->values[v]->name);
            fprintf(out, ": %" PRIu64 " calls\n", m->values[v]->counts.calls);
        }
        if (m->more)
            fprintf(out, "- ... and %zu more\n", m->more);
        putc('\n', out);
    }
}

/* The measures of a keyed table's rows, when they were counted. */
static void write_measures(FILE *out, const dt_report_t *r, dt_table_id_t table, size_t top)
{
    char intro[DT_REPORT_LINE];
    dt_table_t t;
    if (!r->measured || !dt_table_open(&t, r, table) || !t.nrows)
        return;
    fputs("### ACD, short calls and time to failure\n\n", out);
    put_md(out, dt_report_measures_intro(intro, sizeof intro));
    if (table == DT_TABLE_SBC_METRICS && r->concurrency) {
        fputs("; ", out);
        put_md(out, DT_CONCURRENCY_INTRO);
    }
    fputs(".\n\n", out);
    write_table(out, r, table, top, NULL);
}

static void write_series_notes(FILE *out, const dt_report_t *r)
{
    char note[DT_REPORT_LINE];
    paragraph(out, dt_report_partial_note(r, note, sizeof note));
    paragraph(out, dt_report_undated_note(r, note, sizeof note));
}

static void write_rejections(FILE *out, const dt_report_t *r)
{
    uint64_t rejected = r->totals.rejected;
    if (!rejected)
        return;
    heading(out, DT_SECTION_REJECTED);
    fprintf(out, "%" PRIu64 " row%s not counted as calls; the first:\n\n", rejected,
            rejected == 1 ? "" : "s");
    for (size_t i = 0; i < r->nrejections; i++) {
        fputs("- ", out);
        put_md(out, r->rejections[i].path ? r->rejections[i].path : "");
        fprintf(out, ":%" PRIu64 ": ", r->rejections[i].line);
        put_md(out, r->rejections[i].reason);
        putc('\n', out);
    }
    if (rejected > r->nrejections)
        fprintf(out, "- ... and %" PRIu64 " more\n", rejected - r->nrejections);
    putc('\n', out);
}

/* How many codes no rule documents; with --stubs each rule to paste, as an
 * indented code block (which input text cannot leave). */
static void write_stubs(FILE *out, const dt_report_t *r)
{
    if (!r->nunknown_codes)
        return;
    heading(out, DT_SECTION_STUBS);
    fprintf(out, "%zu code%s, %" PRIu64 " failed call%s", r->nunknown_codes,
            r->nunknown_codes == 1 ? "" : "s", r->unknown_failed, r->unknown_failed == 1 ? "" : "s");
    if (!r->show_stubs) {
        fputs(": --stubs shows a rule for each, to paste into a rules file (docs/rules.md).\n\n", out);
        return;
    }
    fputs(":\n\n", out);
    for (size_t i = 0; i < r->ncodes; i++)
        for (const char *line = r->stubs[i]; line && *line;) {
            size_t n = strcspn(line, "\n");
            char clean[DT_REPORT_LINE];
            dt_escape_clean(clean, sizeof clean, line, n);
            fprintf(out, "    %s\n", clean);
            line += n + (line[n] != '\0');
            if (!*line)
                fputs("\n", out);
        }
}

static void write_advice(FILE *out, const dt_report_t *r, size_t top)
{
    size_t shown = 0;
    for (size_t i = 0; i < r->nactions && (!top || shown < top); i++) {
        const dt_action_t *a = dt_report_action(r, r->actions[i].action);
        if (!a || a->expected)
            continue;
        shown++;
        fputs("- **", out);
        put_md(out, dt_report_action_id(r, r->actions[i].action));
        fputs("** (", out);
        put_md(out, dt_owner_name(a->owner));
        fputs("): ", out);
        put_md(out, a->text ? a->text : a->title);
        for (size_t d = 0; d < a->ndocs; d++) {
            char url[1024];
            snprintf(url, sizeof url, "%s%s", dt_doc_link_prefix(a->docs[d]), a->docs[d]);
            if (dt_escape_url_ok(url))
                fprintf(out, " [docs](%s)", url);
        }
        putc('\n', out);
    }
    if (shown)
        putc('\n', out);
}

static void write_notes(FILE *out, const dt_report_t *r)
{
    if (!r->nnotes)
        return;
    heading(out, DT_SECTION_NOTES);
    for (size_t i = 0; i < r->nnotes; i++) {
        fputs("- ", out);
        put_md(out, r->notes[i]);
        putc('\n', out);
    }
    putc('\n', out);
}

static void write_actions(FILE *out, const dt_report_t *r)
{
    heading(out, DT_SECTION_ACTIONS);
    write_table(out, r, DT_TABLE_ACTIONS, r->top, is_fault);
    write_advice(out, r, r->top);
}

static void write_expected(FILE *out, const dt_report_t *r)
{
    heading(out, DT_SECTION_EXPECTED);
    write_table(out, r, DT_TABLE_ACTIONS, r->top, is_expected);
}

static void write_codes(FILE *out, const dt_report_t *r)
{
    heading(out, DT_SECTION_CODES);
    write_table(out, r, DT_TABLE_CODES, r->top, NULL);
}

static void write_sbcs(FILE *out, const dt_report_t *r)
{
    heading(out, DT_SECTION_SBCS);
    write_table(out, r, DT_TABLE_SBCS, r->top, NULL);
    write_measures(out, r, DT_TABLE_SBC_METRICS, r->top);
}

/* The time series, whole (it is not ranked). */
static void write_times(FILE *out, const dt_report_t *r)
{
    if (!r->by_time)
        return;
    heading(out, DT_SECTION_TIMES);
    write_table(out, r, DT_TABLE_TIMES, 0, NULL);
    write_series_notes(out, r);
    write_measures(out, r, DT_TABLE_TIME_METRICS, 0);
}

static void write_groups(FILE *out, const dt_report_t *r)
{
    if (!r->ngroup_columns)
        return;
    heading(out, DT_SECTION_GROUPS);
    write_table(out, r, DT_TABLE_GROUPS, r->top, NULL);
    write_measures(out, r, DT_TABLE_GROUP_METRICS, r->top);
}

static void write_group_times(FILE *out, const dt_report_t *r)
{
    if (!r->by_time || !r->ngroup_columns)
        return;
    heading(out, DT_SECTION_GROUP_TIMES);
    write_table(out, r, DT_TABLE_GROUP_TIMES, 0, NULL);
}

/* drtriage trend: the days of the baseline and the window, whole */
static void write_trend(FILE *out, const dt_report_t *r)
{
    heading(out, DT_SECTION_TREND);
    write_table(out, r, DT_TABLE_TREND, 0, NULL);
}

static void write_changes(FILE *out, const dt_report_t *r)
{
    heading(out, DT_SECTION_CHANGES);
    write_table(out, r, DT_TABLE_CHANGES, r->top, NULL);
}

/* What renders each section (dt_report.h), in the report's order; the
 * inputs, totals and origins are in the summary. */
static void (*const sections[DT_SECTION_COUNT])(FILE *, const dt_report_t *) = {
    [DT_SECTION_SUMMARY] = write_summary,     [DT_SECTION_GATES] = write_gates,
    [DT_SECTION_FILTERS] = write_filter_matches, [DT_SECTION_ACTIONS] = write_actions,
    [DT_SECTION_EXPECTED] = write_expected,   [DT_SECTION_CODES] = write_codes,
    [DT_SECTION_STUBS] = write_stubs,         [DT_SECTION_SBCS] = write_sbcs,
    [DT_SECTION_TIMES] = write_times,         [DT_SECTION_GROUPS] = write_groups,
    [DT_SECTION_GROUP_TIMES] = write_group_times, [DT_SECTION_REJECTED] = write_rejections,
    [DT_SECTION_NOTES] = write_notes,         [DT_SECTION_TREND] = write_trend,
    [DT_SECTION_CHANGES] = write_changes,
};

dt_status_t dt_write_markdown(FILE *out, const dt_report_t *report,
                              const dt_write_options_t *options, dt_error_t *err)
{
    (void)options;
    for (size_t i = 0; i < report->nsections; i++)
        if (sections[report->order[i]])
            sections[report->order[i]](out, report);
    return dt_stream_finish(out, err);
}
