/* csv.c - one table of the report (--table, default codes) as RFC 4180 CSV:
 * UTF-8, CRLF line ends, a header row of the JSON keys, every row, numbers
 * as digits, text through dt_escape_csv (quoted where needed, neutralised
 * against formula injection). --excel adds a BOM and ';' separators. */
#include <stdio.h>
#include <string.h>

#include "dt_escape.h"
#include "dt_table.h"
#include "dt_writer.h"

#define UTF8_BOM "\xEF\xBB\xBF"
#define CRLF "\r\n"

static void put_field(FILE *out, const char *text, char separator)
{
    dt_escape_csv(out, text, strlen(text), separator);
}

dt_status_t dt_write_csv(FILE *out, const dt_report_t *report, const dt_write_options_t *options,
                         dt_error_t *err)
{
    bool excel = options && options->excel;
    char separator = excel ? ';' : ',';
    dt_table_t t;
    if (!dt_table_open(&t, report, options ? options->table : DT_TABLE_CODES) &&
        !dt_table_open(&t, report, DT_TABLE_CODES))
        return dt_fail(err, DT_ERR_USAGE, "no such table");
    if (excel)
        fputs(UTF8_BOM, out);
    for (size_t c = 0; c < t.ncolumns; c++) {
        if (c)
            putc(separator, out);
        put_field(out, dt_table_column(&t, c).key, separator);
    }
    fputs(CRLF, out);
    dt_cell_t cell;
    char num[DT_NUMBER_MAX];
    for (size_t r = 0; r < t.nrows; r++) {
        for (size_t c = 0; c < t.ncolumns; c++) {
            if (c)
                putc(separator, out);
            dt_table_cell(&t, r, c, &cell);
            const char *text = dt_cell_text(&cell, num);
            if (cell.kind == DT_CELL_TEXT)
                put_field(out, text, separator);
            else if (cell.kind == DT_CELL_FIXED && excel)
                for (const char *p = text; *p; p++) /* the decimal comma those locales read */
                    putc(*p == '.' ? ',' : *p, out);
            else
                fputs(text, out);
        }
        fputs(CRLF, out);
    }
    return dt_stream_finish(out, err);
}
