/* dt_reader.h - turns blocks of bytes into records with libcsv. Skips a
 * PowerShell "#TYPE ..." first line, detects the delimiter (',' ';' or tab)
 * from the header line, tracks the physical line each record starts on, and
 * keeps only the columns the caller asked for. Memory is bounded by the
 * longest field allowed (max_field). */
#ifndef DT_READER_H
#define DT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_common.h"

typedef struct {
    uint64_t line;       /* physical line (1-based) where the record starts */
    uint64_t index;      /* 0 for the header, then 1, 2, ... */
    size_t nfields;      /* fields the record had */
    const dt_slice_t *cells; /* ncells kept values by slot; a slot whose column
                                the record lacks has ptr == NULL */
    size_t ncells;
    const char *malformed;   /* NULL, or why the record cannot be read faithfully
                                (text after a closing quote, a NUL byte in a kept
                                field): the caller rejects it */
} dt_record_t;

/* The record's value in `slot`, or an empty slice (never NULL) when the slot
 * is past ncells or its column was missing from the record. */
dt_slice_t dt_record_cell(const dt_record_t *record, size_t slot);

/* Called once per record. Return DT_OK to go on; anything else stops the
 * reader, which returns that status (the callback fills the error). */
typedef dt_status_t (*dt_record_fn)(void *ctx, const dt_record_t *record, dt_error_t *err);

typedef struct dt_reader dt_reader_t;

/* Creates a reader for one input. `path` names it in messages (not copied:
 * it must outlive the reader). Until dt_reader_keep is called every column
 * is kept (slot i = column i); the header arrives that way. max_field bounds
 * one field's size in bytes. Returns NULL when out of memory. */
dt_reader_t *dt_reader_new(const char *path, size_t max_field, dt_record_fn on_record,
                           void *ctx);

/* Keeps only some columns from now on: slot_of_column[c] is the slot that
 * column c fills, or -1 to drop it; columns past ncolumns are dropped.
 * nslots is the number of slots. The array is copied. */
dt_status_t dt_reader_keep(dt_reader_t *reader, const int *slot_of_column, size_t ncolumns,
                           size_t nslots);

/* Most fields a record may have while every column is kept (the header):
 * bounds the memory a hostile header line of delimiters can take. */
#define DT_READER_MAX_COLUMNS 16384

/* Most bytes of one record kept while every column is kept (drill-down); with
 * --max-field above half of it, twice --max-field. A data record past either
 * limit is delivered `malformed` (rejected), with the cells it got so far. */
#define DT_READER_RECORD_MAX (16 * 1024 * 1024)

/* Feeds the next bytes. Returns DT_OK, the callback's status, or
 * DT_ERR_INPUT naming file:line (a field longer than max_field, a header
 * line longer than max_field, a header with more than DT_READER_MAX_COLUMNS
 * fields or a malformed one). A malformed data record (text after the
 * closing quote of a field) is delivered with `malformed` set, and reading
 * resumes at the next line. */
dt_status_t dt_reader_feed(dt_reader_t *reader, const unsigned char *data, size_t len,
                           dt_error_t *err);

/* Ends the input: delivers a last record that lacks a final line break.
 * Fails with DT_ERR_INPUT for a quoted field still open at end of input. */
dt_status_t dt_reader_finish(dt_reader_t *reader, dt_error_t *err);

/* The delimiter in use (',' until the header line has been seen). */
char dt_reader_delimiter(const dt_reader_t *reader);

/* Physical lines consumed so far (for progress and messages). */
uint64_t dt_reader_lines(const dt_reader_t *reader);

/* The byte that ends a physical line: '\n', or '\r' in a file whose lines
 * end with a bare CR ('\n' until the header line has been seen). */
char dt_reader_line_break(const dt_reader_t *reader);

/* The line break the reader will take for an input that starts with data
 * (len bytes; at_end: nothing follows), as dt_reader_line_break will tell
 * once the header line is read: stores it and returns true, or returns false
 * when the bytes that follow could still change it. */
bool dt_reader_sniff_line_break(const unsigned char *data, size_t len, bool at_end,
                                char *line_break);

/* Whether the bytes fed so far end exactly between two data records, in a
 * state dt_reader_fork reproduces: the header has been read, the last byte
 * was a line break at which libcsv ended a row, no record or skipped line is
 * pending, and the next bytes would be read as after any record. Sets *line
 * to the physical line the next record would start on (the line after that
 * break). False after a failure, or anywhere else (inside a quoted field, a
 * record or a line, right after a malformed record's skipped line). */
bool dt_reader_between(const dt_reader_t *reader, uint64_t *line);

/* A new reader that goes on where `from` would after a point at which
 * dt_reader_between holds: the same input, delimiter, line break, columns
 * kept and limits, reading data records from physical line `line` on, into
 * on_record(ctx). Fed the bytes that follow that point, it delivers the
 * records `from` would, line numbers included. `from` is only read (several
 * threads may fork one reader that nobody feeds) and may be freed first;
 * the path it was made with must outlive the fork.
 * Returns NULL when out of memory. */
dt_reader_t *dt_reader_fork(const dt_reader_t *from, uint64_t line, dt_record_fn on_record,
                            void *ctx);

/* Sends the records still to come to on_record(ctx) instead (a record in
 * progress included). */
void dt_reader_retarget(dt_reader_t *reader, dt_record_fn on_record, void *ctx);

void dt_reader_free(dt_reader_t *reader);

/* libcsv's version, as its header gives it ("3.0.3"; libcsv has no run-time
 * version), into buf (cap bytes). */
void dt_reader_library_version(char *buf, size_t cap);

#endif
