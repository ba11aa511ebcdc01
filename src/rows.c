/* rows.c - the drill-down writer: selected input rows as one CSV. */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "dt_rows.h"
#include "dt_schema.h"
#include "dt_text.h"

#define NAME_MAX_BYTES 256 /* of a normalised header name, as the schema compares them */
#define LABEL_MAX 40       /* bytes of a header name as a message quotes it */
#define LIST_MORE ", ..."  /* ends a list of names cut short */

struct dt_rows {
    FILE *out;
    bool terminal;
    bool started;           /* the first input's header is written */
    char (*names)[NAME_MAX_BYTES]; /* the first input's normalised header names */
    char (*labels)[LABEL_MAX + 1]; /* the same as written (cut), for messages */
    size_t ncolumns;
    size_t *source_of;      /* output column -> column of the current input */
    uint64_t written;
    bool part;              /* made by dt_rows_part: out is its own buffer, ... */
    char *buffer;           /* ... its bytes (once out is closed) */
    size_t buffer_len;
};

dt_rows_t *dt_rows_new(FILE *out, bool terminal)
{
    dt_rows_t *rows = calloc(1, sizeof *rows);
    if (rows) {
        rows->out = out;
        rows->terminal = terminal;
    }
    return rows;
}

void dt_rows_free(dt_rows_t *rows)
{
    if (!rows)
        return;
    if (rows->part && rows->out)
        fclose(rows->out);
    if (rows->part)
        free(rows->buffer);
    else
        free(rows->names), free(rows->labels);
    free(rows->source_of);
    free(rows);
}

dt_rows_t *dt_rows_part(const dt_rows_t *rows)
{
    dt_rows_t *part = calloc(1, sizeof *part);
    size_t n = rows->ncolumns ? rows->ncolumns : 1;
    if (!part || !(part->source_of = malloc(n * sizeof *part->source_of))) {
        free(part);
        return NULL;
    }
    memcpy(part->source_of, rows->source_of, rows->ncolumns * sizeof *part->source_of);
    part->terminal = rows->terminal;
    part->started = true;
    part->names = rows->names; /* borrowed, never compared: no header comes */
    part->ncolumns = rows->ncolumns;
    part->part = true;
    if (!(part->out = open_memstream(&part->buffer, &part->buffer_len))) {
        dt_rows_free(part);
        return NULL;
    }
    return part;
}

dt_status_t dt_rows_append(dt_rows_t *rows, dt_rows_t *part, dt_error_t *err)
{
    bool ok = fclose(part->out) == 0;
    part->out = NULL;
    if (!ok)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (part->buffer_len && fwrite(part->buffer, 1, part->buffer_len, rows->out) != part->buffer_len)
        return dt_fail(err, DT_ERR_OUTPUT, "cannot write the selected rows");
    rows->written += part->written;
    part->written = 0;
    free(part->buffer);
    part->buffer = NULL;
    part->buffer_len = 0;
    return DT_OK;
}

uint64_t dt_rows_count(const dt_rows_t *rows)
{
    return rows->written;
}

static bool needs_quotes(const dt_slice_t *cell)
{
    return cell->len && (memchr(cell->ptr, ',', cell->len) || memchr(cell->ptr, '"', cell->len) ||
                         memchr(cell->ptr, '\n', cell->len) || memchr(cell->ptr, '\r', cell->len) ||
                         cell->ptr[0] == ' ' || cell->ptr[cell->len - 1] == ' ');
}

static void put_cell(const dt_rows_t *rows, const dt_slice_t *cell)
{
    if (rows->terminal) { /* what a terminal shows: no controls, no escape sequences */
        bool quote = needs_quotes(cell);
        if (quote)
            putc('"', rows->out);
        for (size_t i = 0; i < cell->len;) {
            const char *quote_at = memchr(cell->ptr + i, '"', cell->len - i);
            size_t n = quote_at ? (size_t)(quote_at - cell->ptr) - i : cell->len - i;
            dt_text_write_safe(rows->out, cell->ptr + i, n, 0);
            i += n;
            if (quote_at) {
                fputs("\"\"", rows->out);
                i++;
            }
        }
        if (quote)
            putc('"', rows->out);
    } else if (needs_quotes(cell)) {
        csv_fwrite(rows->out, cell->ptr, cell->len);
    } else if (cell->len) {
        fwrite(cell->ptr, 1, cell->len, rows->out);
    }
}

/* Writes the cells in the given order (order[i]: the record's column). */
static dt_status_t put_row(dt_rows_t *rows, const dt_record_t *record, const size_t *order,
                           dt_error_t *err)
{
    for (size_t c = 0; c < rows->ncolumns; c++) {
        if (c)
            putc(',', rows->out);
        dt_slice_t cell = dt_record_cell(record, order ? order[c] : c);
        put_cell(rows, &cell);
    }
    fputs("\r\n", rows->out);
    return ferror(rows->out) ? dt_fail(err, DT_ERR_OUTPUT, "cannot write the selected rows")
                             : DT_OK;
}

/* The first input: its header names are the CSV's columns. */
static dt_status_t first_header(dt_rows_t *rows, const dt_record_t *header, dt_error_t *err)
{
    rows->ncolumns = header->ncells;
    rows->names = calloc(header->ncells ? header->ncells : 1, sizeof *rows->names);
    rows->labels = calloc(header->ncells ? header->ncells : 1, sizeof *rows->labels);
    rows->source_of = calloc(header->ncells ? header->ncells : 1, sizeof *rows->source_of);
    if (!rows->names || !rows->labels || !rows->source_of)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < header->ncells; c++) {
        dt_schema_normalise(header->cells[c].ptr, header->cells[c].len, rows->names[c],
                            NAME_MAX_BYTES);
        size_t len = header->cells[c].len < LABEL_MAX ? header->cells[c].len : LABEL_MAX;
        memcpy(rows->labels[c], header->cells[c].ptr, len);
        rows->source_of[c] = c;
    }
    rows->started = true;
    return put_row(rows, header, NULL, err);
}

/* Appends "'NAME'" (cut) to a list in buf; when it does not fit, the list
 * ends in ", ..." (room for which is kept). */
static void list_name(char *buf, size_t cap, const char *name, size_t len)
{
    size_t used = strlen(buf), shown = len > LABEL_MAX ? LABEL_MAX : len;
    if (used >= sizeof LIST_MORE - 1 && strcmp(buf + used - (sizeof LIST_MORE - 1), LIST_MORE) == 0)
        return;
    if (used + shown + sizeof ", ''" + sizeof LIST_MORE <= cap)
        snprintf(buf + used, cap - used, "%s'%.*s'", used ? ", " : "", (int)shown, name);
    else
        snprintf(buf + used, cap - used, "%s", LIST_MORE);
}

/* A later input: maps each of the first input's columns to one of its
 * columns with the same name (the k-th of a repeated name to the k-th). */
static dt_status_t later_header(dt_rows_t *rows, const char *path, const dt_record_t *header,
                                dt_error_t *err)
{
    size_t n = header->ncells;
    char (*names)[NAME_MAX_BYTES] = calloc(n ? n : 1, sizeof *names);
    bool *used = calloc(n ? n : 1, sizeof *used);
    if (!names || !used) {
        free(names);
        free(used);
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    }
    for (size_t c = 0; c < n; c++)
        dt_schema_normalise(header->cells[c].ptr, header->cells[c].len, names[c], NAME_MAX_BYTES);
    char missing[DT_ERROR_MAX / 3] = "", extra[DT_ERROR_MAX / 3] = "";
    for (size_t k = 0; k < rows->ncolumns; k++) {
        size_t found = SIZE_MAX;
        for (size_t c = 0; c < n && found == SIZE_MAX; c++)
            if (!used[c] && strcmp(names[c], rows->names[k]) == 0)
                found = c;
        if (found == SIZE_MAX)
            list_name(missing, sizeof missing, rows->labels[k], strlen(rows->labels[k]));
        else
            used[found] = true, rows->source_of[k] = found;
    }
    for (size_t c = 0; c < n; c++)
        if (!used[c])
            list_name(extra, sizeof extra, header->cells[c].ptr, header->cells[c].len);
    free(names);
    free(used);
    if (!missing[0] && !extra[0])
        return DT_OK;
    return dt_fail(err, DT_ERR_INPUT,
                   "%s:1: --rows writes one CSV, and this input's columns differ from the "
                   "first input's (%s%s%s%s%s); give --rows inputs of one layout",
                   path, missing[0] ? "missing " : "", missing, missing[0] && extra[0] ? "; " : "",
                   extra[0] ? "not in the first: " : "", extra);
}

dt_status_t dt_rows_begin(dt_rows_t *rows, const char *path, const dt_record_t *header,
                          dt_error_t *err)
{
    return rows->started ? later_header(rows, path, header, err)
                         : first_header(rows, header, err);
}

dt_status_t dt_rows_write(dt_rows_t *rows, const dt_record_t *record, dt_error_t *err)
{
    dt_status_t st = put_row(rows, record, rows->source_of, err);
    rows->written += st == DT_OK;
    return st;
}
