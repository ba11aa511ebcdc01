/* xlsx.c - the report as an Excel workbook through libxlsxwriter: one sheet
 * per table (dt_table.h), every table in every workbook (an empty one has its
 * header row), with a bold, frozen header row, an autofilter,
 * column widths from the content, counts and ratios as numbers, times as
 * Excel dates, and native line charts of the time series. Text goes in as
 * strings (never formulas: libxlsxwriter's string cells are not evaluated),
 * cleaned to valid UTF-8 without control characters first. libxlsxwriter
 * writes the file it is given by name: options->path. */
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "dt_escape.h"
#include "dt_table.h"
#include "dt_writer.h"

#define MIN_WIDTH 8
#define MAX_WIDTH 60
#define CHART_ROWS 18        /* a chart's height in rows */
#define SHEET_NAME_MAX 32

typedef struct {
    lxw_workbook *book;
    lxw_format *header, *ratio, *time;
    lxw_error error;         /* the first error a call returned */
} book_t;

static void keep(book_t *b, lxw_error e)
{
    if (e != LXW_NO_ERROR && b->error == LXW_NO_ERROR)
        b->error = e;
}

/* Sheet names people read (31 characters at most, no []:*?/\), in the order
 * of the sheets. */
static const struct {
    dt_table_id_t table;
    const char *name;
} sheets[] = {
    {DT_TABLE_SUMMARY, "Summary"},
    {DT_TABLE_INPUTS, "Inputs"},
    {DT_TABLE_GATES, "Gates"},
    {DT_TABLE_TREND, "Trend by day"},
    {DT_TABLE_CHANGES, "Changes"},
    {DT_TABLE_ACTIONS, "Actions"},
    {DT_TABLE_CODES, "Codes"},
    {DT_TABLE_SBCS, "SBCs"},
    {DT_TABLE_SBC_METRICS, "SBC metrics"},
    {DT_TABLE_TIMES, "Time series"},
    {DT_TABLE_TIME_METRICS, "Time metrics"},
    {DT_TABLE_GROUPS, "Groups"},
    {DT_TABLE_GROUP_METRICS, "Group metrics"},
    {DT_TABLE_GROUP_TIMES, "Group series"},
    {DT_TABLE_NOTES, "Notes"},
};
#define NSHEETS (sizeof sheets / sizeof sheets[0])

static const char *sheet_name(dt_table_id_t table)
{
    for (size_t i = 0; i < NSHEETS; i++)
        if (sheets[i].table == table)
            return sheets[i].name;
    return NULL;
}

/* Writes one cell; returns the width its text takes, for the column width. */
static size_t write_cell(book_t *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                         const dt_cell_t *cell)
{
    char text[DT_CELL_TEXT_MAX], num[DT_NUMBER_MAX];
    switch (cell->kind) {
    case DT_CELL_NONE:
        return 0;
    case DT_CELL_UINT:
        keep(b, worksheet_write_number(ws, row, col, (double)cell->uint, NULL));
        break;
    case DT_CELL_FIXED:
        keep(b, worksheet_write_number(ws, row, col, cell->fixed, b->ratio));
        break;
    case DT_CELL_BOOL:
        keep(b, worksheet_write_boolean(ws, row, col, cell->boolean, NULL));
        break;
    case DT_CELL_TIME:
        keep(b, worksheet_write_unixtime(ws, row, col, cell->epoch, b->time));
        return 16;
    case DT_CELL_TEXT: {
        size_t len = dt_escape_clean(text, sizeof text, cell->text, strlen(cell->text));
        keep(b, worksheet_write_string(ws, row, col, text, NULL));
        return len;
    }
    }
    return strlen(dt_cell_text(cell, num));
}

/* A line chart of some columns of the time series sheet, placed at `at`. */
static void add_chart(book_t *b, lxw_worksheet *ws, const dt_table_t *t, const char *title,
                      const char *const *keys, size_t nkeys, lxw_row_t at_row, lxw_col_t at_col)
{
    lxw_chart *chart = workbook_add_chart(b->book, LXW_CHART_LINE);
    if (!chart) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    const char *sheet = sheet_name(t->id);
    lxw_row_t last = (lxw_row_t)t->nrows;
    for (size_t k = 0; k < nkeys; k++)
        for (size_t c = 0; c < t->ncolumns; c++) {
            dt_column_t col = dt_table_column(t, c);
            if (strcmp(col.key, keys[k]) != 0)
                continue;
            lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
            if (!series) {
                keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
                return;
            }
            chart_series_set_categories(series, sheet, 1, 0, last, 0);
            chart_series_set_values(series, sheet, 1, (lxw_col_t)c, last, (lxw_col_t)c);
            chart_series_set_name(series, col.title);
        }
    chart_title_set_name(chart, title);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    keep(b, worksheet_insert_chart(ws, at_row, at_col, chart));
}

static void write_sheet(book_t *b, const dt_report_t *r, dt_table_id_t table)
{
    dt_table_t t;
    if (!dt_table_open(&t, r, table))
        return;
    lxw_worksheet *ws = workbook_add_worksheet(b->book, sheet_name(table));
    if (!ws) {
        keep(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    size_t widths[64] = {0};
    size_t ncols = t.ncolumns < 64 ? t.ncolumns : 64;
    dt_cell_t cell;
    for (size_t c = 0; c < ncols; c++) {
        char title[DT_CELL_TEXT_MAX];
        dt_column_t col = dt_table_column(&t, c);
        widths[c] = dt_escape_clean(title, sizeof title, col.key, strlen(col.key));
        keep(b, worksheet_write_string(ws, 0, (lxw_col_t)c, title, b->header));
    }
    for (size_t row = 0; row < t.nrows; row++)
        for (size_t c = 0; c < ncols; c++) {
            dt_table_cell(&t, row, c, &cell);
            size_t w = write_cell(b, ws, (lxw_row_t)(row + 1), (lxw_col_t)c, &cell);
            if (w > widths[c])
                widths[c] = w;
        }
    for (size_t c = 0; c < ncols; c++) {
        size_t w = widths[c] + 2;
        w = w < MIN_WIDTH ? MIN_WIDTH : w > MAX_WIDTH ? MAX_WIDTH : w;
        keep(b, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL));
    }
    worksheet_freeze_panes(ws, 1, 0);
    keep(b, worksheet_autofilter(ws, 0, 0, (lxw_row_t)t.nrows, (lxw_col_t)(ncols - 1)));
    if (table == DT_TABLE_TIMES && t.nrows) {
        static const char *const counts[] = {"calls", "failed", "failed_sbc", "failed_microsoft"};
        static const char *const ner[] = {"ner"};
        add_chart(b, ws, &t, "Calls and failures over time (UTC)", counts, 4, 1,
                  (lxw_col_t)(ncols + 1));
        add_chart(b, ws, &t, "NER % over time (UTC)", ner, 1, 1 + CHART_ROWS,
                  (lxw_col_t)(ncols + 1));
    }
}

dt_status_t dt_write_xlsx(FILE *out, const dt_report_t *report, const dt_write_options_t *options,
                          dt_error_t *err)
{
    (void)out;
    if (!options || !options->path)
        return dt_fail(err, DT_ERR_OUTPUT, "the xlsx format needs a file: use -o FILE.xlsx");
    book_t b = {.book = workbook_new(options->path)};
    if (!b.book)
        return dt_fail(err, DT_ERR_OUTPUT, "cannot start the workbook");
    b.header = workbook_add_format(b.book);
    b.ratio = workbook_add_format(b.book);
    b.time = workbook_add_format(b.book);
    if (b.header && b.ratio && b.time) {
        format_set_bold(b.header);
        format_set_num_format(b.ratio, "0.00");
        format_set_num_format(b.time, "yyyy-mm-dd hh:mm");
        for (size_t i = 0; i < NSHEETS; i++)
            write_sheet(&b, report, sheets[i].table);
    } else {
        keep(&b, LXW_ERROR_MEMORY_MALLOC_FAILED);
    }
    lxw_error closed = workbook_close(b.book);
    keep(&b, closed);
    if (b.error != LXW_NO_ERROR)
        return dt_fail(err, DT_ERR_OUTPUT, "cannot write the workbook: %s", lxw_strerror(b.error));
    return DT_OK;
}

const char *dt_write_xlsx_library_version(void)
{
    return lxw_version();
}
