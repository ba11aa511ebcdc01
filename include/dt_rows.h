/* dt_rows.h - the drill-down writer (--rows): the input rows of the calls a
 * filter selects, written as one CSV (RFC 4180, CRLF), header first. Several
 * inputs make one CSV only when they share a layout: every later input must
 * have the first input's columns (the same header names, normalised as
 * dt_schema_normalise does, in any order); its rows are written in the first
 * input's column order. Cells are written as they were read (a faithful
 * extract) unless the rows go to a terminal, where they pass through the same
 * sanitiser as the text report. */
#ifndef DT_ROWS_H
#define DT_ROWS_H

#include <stdbool.h>
#include <stdio.h>

#include "dt_common.h"
#include "dt_reader.h"

typedef struct dt_rows dt_rows_t;

/* A writer of rows to out (not owned: the caller opens, commits or aborts
 * it). `terminal` says the rows end up on a terminal. NULL when out of memory. */
dt_rows_t *dt_rows_new(FILE *out, bool terminal);

/* Starts an input (path names it in messages; not copied) with its header
 * cells. The first input's header is written; a later input's header must
 * name the same columns, else DT_ERR_INPUT "PATH:1: ..." names the columns
 * that differ from the first input's. DT_ERR_OUTPUT when the stream fails,
 * DT_ERR_NOMEM. */
dt_status_t dt_rows_begin(dt_rows_t *rows, const char *path, const dt_record_t *header,
                          dt_error_t *err);

/* Writes one record of the current input (all its columns, in the input's
 * order) in the first input's column order. DT_ERR_OUTPUT when the stream
 * fails. */
dt_status_t dt_rows_write(dt_rows_t *rows, const dt_record_t *record, dt_error_t *err);

/* Rows written so far (the header not counted). */
uint64_t dt_rows_count(const dt_rows_t *rows);

/* A writer for a later part of the current input's rows, read apart (-j):
 * it writes them as rows would (the same column order and sanitising, no
 * header) into a buffer of its own, which dt_rows_append hands to rows.
 * rows must have begun the input, is only read (parts may be made while
 * other threads write into other parts) and must outlive the part. NULL
 * when out of memory. Free it with dt_rows_free. */
dt_rows_t *dt_rows_part(const dt_rows_t *rows);

/* Writes what part holds (made by dt_rows_part(rows)) to rows' stream, in
 * the order parts are appended, and counts its rows; part is emptied and
 * can be freed. DT_ERR_OUTPUT when a stream fails, DT_ERR_NOMEM. */
dt_status_t dt_rows_append(dt_rows_t *rows, dt_rows_t *part, dt_error_t *err);

void dt_rows_free(dt_rows_t *rows);

#endif
