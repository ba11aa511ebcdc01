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
    char num[DT_NUMBER_MAX];
    if (cell->kind == DT_CELL_NONE)
        put_md(out, col->none ? col->none : NONE_MARK);
    else if (cell->kind == DT_CELL_BOOL)
        fputs(cell->boolean ? "yes" : "no", out);
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
        if (table == DT_TABLE_SUMMARY) { /* the summary lists the figures that exist */
            dt_table_cell(&t, row, t.ncolumns - 1, &cell);
            if (cell.kind == DT_CELL_NONE)
                continue;
        }
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
    write_table(out, r, DT_TABLE_SUMMARY, 0, NULL);
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

dt_status_t dt_write_markdown(FILE *out, const dt_report_t *report,
                              const dt_write_options_t *options, dt_error_t *err)
{
    (void)options;
    size_t top = report->top;
    for (size_t i = 0; i < report->nsections; i++) {
        dt_section_t s = report->order[i];
        switch (s) {
        case DT_SECTION_SUMMARY: /* the inputs and the totals lead */
            write_summary(out, report);
            break;
        case DT_SECTION_ACTIONS:
            heading(out, s);
            write_table(out, report, DT_TABLE_ACTIONS, top, is_fault);
            write_advice(out, report, top);
            break;
        case DT_SECTION_EXPECTED:
            heading(out, s);
            write_table(out, report, DT_TABLE_ACTIONS, top, is_expected);
            break;
        case DT_SECTION_CODES:
            heading(out, s);
            write_table(out, report, DT_TABLE_CODES, top, NULL);
            break;
        case DT_SECTION_SBCS:
            heading(out, s);
            write_table(out, report, DT_TABLE_SBCS, top, NULL);
            break;
        case DT_SECTION_TIMES:
        case DT_SECTION_GROUPS:
            if (s == DT_SECTION_TIMES ? report->by_time : report->ngroup_columns > 0) {
                heading(out, s);
                write_table(out, report, s == DT_SECTION_TIMES ? DT_TABLE_TIMES : DT_TABLE_GROUPS,
                            s == DT_SECTION_TIMES ? 0 : top, NULL);
            }
            break;
        case DT_SECTION_NOTES:
            write_notes(out, report);
            break;
        default:
            break;
        }
    }
    return dt_stream_finish(out, err);
}
