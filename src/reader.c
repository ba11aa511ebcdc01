/* reader.c - records from bytes, with libcsv doing the CSV grammar.
 *
 * Before libcsv sees anything, the reader collects the first line(s): a
 * PowerShell "#TYPE ..." line is skipped, and the delimiter is the most
 * frequent of ',' ';' and tab outside quotes on the header line.
 *
 * Line numbers: a line break inside a quoted field reaches the reader only as
 * field text, so where a quote could open such a field, libcsv is fed one
 * physical line at a time (cut again after a bare CR, which ends a record
 * but not a line) and the reader counts the line itself. Lines with
 * no quote character at all cannot hold one: a run of them, starting between
 * records, goes to libcsv in one call and on_row_end counts its line breaks
 * (libcsv runs with CSV_REPALL_NL, so blank lines are reported too). Either
 * way a record starts on the line after the previous terminator.
 *
 * Only libcsv's public API is used (csv.h, csv.3). Strict mode stops libcsv
 * at a quote problem; which problem it was is told from the bytes the reader
 * fed, never from the parser's internals (see feed_csv). */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_reader.h"

/* Strict mode stops libcsv at each quote problem so that the reader decides
 * (see feed_csv); strict fini reports a quoted field still open at the end. */
#define LIBCSV_OPTIONS (CSV_REPALL_NL | CSV_STRICT | CSV_STRICT_FINI)
#define LIBCSV_BLOCK 4096
#define STR_(x) #x
#define STR(x) STR_(x)

struct dt_reader {
    const char *path;
    size_t max_field;
    dt_record_fn on_record;
    void *ctx;

    struct csv_parser parser;
    bool parsing;            /* libcsv has been set up (prelude done) */
    unsigned char *prelude;  /* bytes held until the header line is complete */
    size_t prelude_len, prelude_cap;
    char delimiter;
    unsigned char quote;     /* libcsv's quote character */
    size_t block;            /* libcsv's buffer growth step */
    unsigned char line_break; /* '\n', or '\r' in a file whose lines end with a bare CR */

    uint64_t line;           /* physical line being parsed (1-based) */
    bool between_records;    /* the last byte fed to libcsv ended a record (or none was fed) */
    uint64_t fed;            /* bytes fed to libcsv so far */
    uint64_t stray_at;       /* 1 + the offset (in bytes fed) of the last quote libcsv was
                                made to take as an ordinary character; 0: none */
    uint64_t tail_quote_at;  /* 1 + the offset of the last non-blank byte fed when it was a
                                quote, with tail_blanks blanks fed after it; else 0 */
    size_t tail_blanks;
    bool counting_breaks;    /* feeding a quote-free span: on_row_end counts lines */
    bool row_ended;          /* the last row end libcsv reported in this feed was at a line
                                break (see dt_reader_between) */
    bool line_ended;         /* the last byte parsed was a line break */
    uint64_t next_record_line; /* where the next record starts */
    bool in_record;
    bool skip_line;          /* skipping the rest of a malformed record's line */
    const char *malformed;   /* why the current record is malformed, or NULL */
    char malformed_text[96];
    uint64_t record_line;
    uint64_t index;
    size_t nfields;
    size_t nkept;             /* keep_all: cells 0..nkept-1 of this record are set */

    bool keep_all;
    int *slot_of_column;
    size_t ncolumns;
    size_t nfast;            /* columns below this that are dropped take the fast path;
                                0 while every field needs the full path */
    size_t nslots;

    dt_slice_t *cells;       /* by slot; ptr set from offsets when delivered */
    size_t *offsets;
    size_t cells_cap;
    char *buf;               /* kept cell bytes of the current record */
    size_t buf_len, buf_cap;

    dt_status_t status;      /* first failure inside a libcsv callback */
    dt_error_t error;
};

dt_reader_t *dt_reader_new(const char *path, size_t max_field, dt_record_fn on_record,
                           void *ctx)
{
    dt_reader_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->path = path;
    r->max_field = max_field;
    r->on_record = on_record;
    r->ctx = ctx;
    r->delimiter = ',';
    r->line = 1;
    r->next_record_line = 1;
    r->between_records = true;
    r->keep_all = true;
    return r;
}

void dt_reader_free(dt_reader_t *r)
{
    if (!r)
        return;
    if (r->parsing)
        csv_free(&r->parser);
    free(r->prelude);
    free(r->slot_of_column);
    free(r->cells);
    free(r->offsets);
    free(r->buf);
    free(r);
}

static bool ensure_cells(dt_reader_t *r, size_t n)
{
    if (n <= r->cells_cap)
        return true;
    size_t cap = r->cells_cap ? r->cells_cap : 16;
    while (cap < n)
        cap *= 2;
    dt_slice_t *cells = realloc(r->cells, cap * sizeof *cells);
    if (cells)
        r->cells = cells;
    size_t *offsets = cells ? realloc(r->offsets, cap * sizeof *offsets) : NULL;
    if (!offsets)
        return false;
    r->offsets = offsets;
    r->cells_cap = cap;
    return true;
}

dt_status_t dt_reader_keep(dt_reader_t *r, const int *slot_of_column, size_t ncolumns,
                           size_t nslots)
{
    int *copy = malloc((ncolumns ? ncolumns : 1) * sizeof *copy);
    if (!copy || !ensure_cells(r, nslots)) {
        free(copy);
        return DT_ERR_NOMEM;
    }
    if (ncolumns)
        memcpy(copy, slot_of_column, ncolumns * sizeof *copy);
    free(r->slot_of_column);
    r->slot_of_column = copy;
    r->ncolumns = ncolumns;
    r->nslots = nslots;
    r->keep_all = false;
    r->nfast = ncolumns;
    return DT_OK;
}

static void stop(dt_reader_t *r, dt_status_t status)
{
    if (r->status == DT_OK)
        r->status = status;
    r->nfast = 0; /* every field now takes the full path, which checks status */
}

static void begin_record(dt_reader_t *r)
{
    r->in_record = true;
    r->record_line = r->next_record_line;
    r->nfields = 0;
    r->nkept = 0;
    r->buf_len = 0;
    r->malformed = NULL;
    if (!r->keep_all)
        for (size_t s = 0; s < r->nslots; s++)
            r->cells[s].ptr = NULL, r->cells[s].len = 0;
}

/* The most bytes one record keeps while every column is kept (drill-down):
 * DT_READER_RECORD_MAX, or more when --max-field allows longer fields. */
static size_t record_max(const dt_reader_t *r)
{
    return r->max_field > DT_READER_RECORD_MAX / 2 ? 2 * r->max_field : DT_READER_RECORD_MAX;
}

static bool keep_cell(dt_reader_t *r, size_t slot, const char *s, size_t len)
{
    if (!r->buf || r->buf_len + len > r->buf_cap) { /* a buffer even for empty cells:
                                                       its address marks them present */
        size_t cap = r->buf_cap ? r->buf_cap : 1024;
        while (cap < r->buf_len + len)
            cap *= 2;
        char *buf = realloc(r->buf, cap);
        if (!buf)
            return false;
        r->buf = buf;
        r->buf_cap = cap;
    }
    if (len)
        memcpy(r->buf + r->buf_len, s, len);
    r->offsets[slot] = r->buf_len;
    r->cells[slot].len = len;
    r->cells[slot].ptr = r->buf; /* marks the slot present; fixed up on delivery */
    r->buf_len += len;
    return true;
}

/* Marks the current record as one the caller must reject ("field N WHAT");
 * the first reason wins. */
static void set_malformed(dt_reader_t *r, size_t field, const char *what)
{
    if (r->malformed)
        return;
    snprintf(r->malformed_text, sizeof r->malformed_text, "field %zu %s", field, what);
    r->malformed = r->malformed_text;
}

/* Every field that is not simply dropped: record starts, kept cells, the
 * header, and everything after a failure. Never inlined: inside on_field
 * its register saves would cost every dropped field too. */
__attribute__((noinline)) static void on_field_full(dt_reader_t *r, void *data, size_t len)
{
    if (r->status)
        return;
    if (!r->in_record)
        begin_record(r);
    size_t column = r->nfields++;
    if (len > r->max_field) {
        stop(r, dt_fail(&r->error, DT_ERR_INPUT,
                        "%s:%llu: field %zu is %zu bytes, longer than --max-field %zu "
                        "(a stray quote?)",
                        r->path, (unsigned long long)r->record_line, column + 1, len,
                        r->max_field));
        return;
    }
    size_t slot;
    if (!r->keep_all) {
        if (column >= r->ncolumns || r->slot_of_column[column] < 0)
            return;
        slot = (size_t)r->slot_of_column[column];
    } else if (column >= DT_READER_MAX_COLUMNS && r->index == 0) {
        stop(r, dt_fail(&r->error, DT_ERR_INPUT,
                        "%s:%llu: the header has more than %d fields; is this a call-record "
                        "export?",
                        r->path, (unsigned long long)r->record_line, DT_READER_MAX_COLUMNS));
        return;
    } else if (r->malformed) { /* a rejected row keeps no more cells */
        return;
    } else if (column >= DT_READER_MAX_COLUMNS) { /* a data row: rejected, its cells dropped */
        if (column == DT_READER_MAX_COLUMNS)
            set_malformed(r, column + 1,
                          "is past the most fields a row may have (" STR(DT_READER_MAX_COLUMNS) ")");
        return;
    } else if (r->buf_len + len > record_max(r)) {
        set_malformed(r, column + 1,
                      "makes the row longer than one row may be (16 MiB, or twice --max-field)");
        return;
    } else if (ensure_cells(r, column + 1)) {
        slot = column;
    } else {
        stop(r, dt_fail(&r->error, DT_ERR_NOMEM, "%s: out of memory", r->path));
        return;
    }
    if (!keep_cell(r, slot, data, len))
        stop(r, dt_fail(&r->error, DT_ERR_NOMEM, "%s: out of memory", r->path));
    else if (r->keep_all)
        r->nkept = column + 1;
}

/* Called by libcsv for each field, about 25 times a row: a column nobody
 * asked for, inside a record, costs three comparisons (a field too long is
 * an error wherever it is, on the line of its record). Its memory is bounded
 * by the line-sized chunks libcsv is fed (see parse). */
static void on_field(void *data, size_t len, void *ctx)
{
    dt_reader_t *r = ctx;
    size_t column = r->nfields;
    if (column < r->nfast && r->slot_of_column[column] < 0 && len <= r->max_field) {
        r->nfields++;
        return;
    }
    on_field_full(r, data, len);
}

/* A NUL byte in a kept cell makes the record malformed: one scan of the
 * record's kept bytes, then (rarely) a search for the cell it is in. */
static void check_nul(dt_reader_t *r, size_t ncells)
{
    const char *nul = r->buf_len ? memchr(r->buf, '\0', r->buf_len) : NULL;
    if (!nul || r->malformed)
        return;
    size_t at = (size_t)(nul - r->buf), slot = 0, column = 0;
    for (size_t s = 0; s < ncells; s++)
        if (r->cells[s].ptr && r->offsets[s] <= at && at < r->offsets[s] + r->cells[s].len)
            slot = s;
    column = slot;
    for (size_t c = 0; !r->keep_all && c < r->ncolumns; c++)
        if (r->slot_of_column[c] == (int)slot)
            column = c;
    set_malformed(r, column + 1, "contains a NUL byte (binary data?)");
}

static void deliver(dt_reader_t *r)
{
    size_t ncells = r->keep_all ? r->nkept : r->nslots;
    check_nul(r, ncells);
    for (size_t s = 0; s < ncells; s++)
        if (r->cells[s].ptr)
            r->cells[s].ptr = r->buf + r->offsets[s];
    dt_record_t record = {.line = r->record_line, .index = r->index++, .nfields = r->nfields,
                          .cells = r->cells, .ncells = ncells, .malformed = r->malformed};
    r->in_record = false;
    if (record.malformed && record.index == 0) {
        stop(r, dt_fail(&r->error, DT_ERR_INPUT, "%s:%llu: malformed header line: %s", r->path,
                        (unsigned long long)record.line, record.malformed));
        return;
    }
    dt_status_t st = r->on_record(r->ctx, &record, &r->error);
    if (st)
        stop(r, st);
    /* After the callback, which may have called dt_reader_keep: the next
     * record's first field must take the full path. */
    r->nfields = r->nfast;
}

static void on_row_end(int c, void *ctx)
{
    dt_reader_t *r = ctx;
    if (r->status)
        return;
    r->between_records = true;
    r->row_ended = c == r->line_break;
    if (r->in_record)
        deliver(r);
    /* Only the file's line break ends a physical line: a bare CR in a file of
     * LF lines ends the record (CSV says so) but not the line. */
    if (c == r->line_break) {
        r->next_record_line = r->line + 1;
        r->line += r->counting_breaks;
    }
}

/* Finds the end of the first line (outside quotes) from `from`; returns its
 * offset or SIZE_MAX when the line is not complete yet. */
static size_t line_end(const unsigned char *p, size_t from, size_t len)
{
    bool quoted = false;
    for (size_t i = from; i < len; i++) {
        if (p[i] == '"')
            quoted = !quoted;
        else if (!quoted && (p[i] == '\n' || p[i] == '\r'))
            return i;
    }
    return SIZE_MAX;
}

static char sniff_delimiter(const unsigned char *p, size_t len)
{
    static const char candidates[] = {',', ';', '\t'};
    size_t counts[3] = {0, 0, 0};
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"')
            quoted = !quoted;
        for (size_t k = 0; !quoted && k < 3; k++)
            counts[k] += p[i] == (unsigned char)candidates[k];
    }
    size_t best = 0;
    for (size_t k = 1; k < 3; k++)
        if (counts[k] > counts[best])
            best = k;
    return candidates[best];
}

static bool is_type_line(const unsigned char *p, size_t len)
{
    return len >= 5 && memcmp(p, "#TYPE", 5) == 0;
}

static bool is_blank_byte(unsigned char c)
{
    return c == CSV_SPACE || c == CSV_TAB; /* libcsv's default spaces */
}

/* Remembers how the bytes fed so far end: after a quote and blanks, or not. */
static void note_tail(dt_reader_t *r, const unsigned char *data, size_t len)
{
    size_t i = len;
    while (i > 0 && is_blank_byte(data[i - 1]))
        i--;
    if (i == 0) {
        r->tail_blanks += len; /* all blanks: the earlier tail still holds */
        return;
    }
    bool quote = data[i - 1] == r->quote;
    r->tail_quote_at = quote ? r->fed - len + i : 0;
    r->tail_blanks = len - i;
}

/* libcsv stopped in strict mode at the quote data[pos]. It did so either for a
 * quote inside an unquoted field (`ab"c`) or for a quote after the closing
 * quote of a field and blanks (`"ab" "`). The second has a quote, then one or
 * more blanks, right before it, and that quote is not one the reader already
 * let through as an ordinary character: in an unquoted field every quote is. */
static bool after_closing_quote(const dt_reader_t *r, const unsigned char *data, size_t pos)
{
    size_t i = pos;
    while (i > 0 && is_blank_byte(data[i - 1]))
        i--;
    uint64_t at;
    if (i > 0) {
        if (i == pos || data[i - 1] != r->quote)
            return false;
        at = r->fed + i; /* 1 + the offset of data[i - 1] */
    } else {
        if (!r->tail_quote_at || (pos == 0 && r->tail_blanks == 0))
            return false;
        at = r->tail_quote_at;
    }
    return at != r->stray_at;
}

/* Runs libcsv over one chunk (a line or less). Strict mode stops libcsv at
 * a quote problem, and the reader decides like this: a quote inside an
 * unquoted field is an ordinary character (the byte is given to libcsv in
 * lenient mode); text after the closing quote of a field makes the record
 * malformed, and the rest of its physical line is skipped (lenient libcsv
 * would instead reopen the field and swallow the following lines, rows and
 * all). The partial record is dropped from libcsv by csv_fini without
 * callbacks, which also readies the parser for the next line. Returns false
 * when libcsv ran out of memory. */
static bool feed_csv(dt_reader_t *r, const unsigned char *data, size_t len)
{
    size_t pos = 0;
    r->between_records = false;
    r->row_ended = false;
    while (pos < len && !r->status) {
        pos += csv_parse(&r->parser, data + pos, len - pos, on_field, on_row_end, r);
        if (pos >= len || r->status)
            break;
        if (csv_error(&r->parser) != CSV_EPARSE) {
            r->fed += pos;
            return false;
        }
        if (data[pos] != r->quote || after_closing_quote(r, data, pos)) {
            if (!r->in_record)
                begin_record(r);
            set_malformed(r, r->nfields + 1, "has text after its closing quote");
            csv_set_opts(&r->parser, LIBCSV_OPTIONS & ~CSV_STRICT_FINI);
            csv_fini(&r->parser, NULL, NULL, NULL);
            csv_set_opts(&r->parser, LIBCSV_OPTIONS);
            r->fed += pos;
            r->tail_quote_at = 0;
            r->skip_line = true;
            return true;
        }
        csv_set_opts(&r->parser, LIBCSV_OPTIONS & ~CSV_STRICT);
        size_t one = csv_parse(&r->parser, data + pos, 1, on_field, on_row_end, r);
        csv_set_opts(&r->parser, LIBCSV_OPTIONS);
        if (one != 1) {
            r->fed += pos;
            return r->status != DT_OK;
        }
        r->stray_at = r->fed + pos + 1;
        pos++;
    }
    r->fed += len;
    note_tail(r, data, len);
    return true;
}

/* Ends a malformed record at the line break that ends its line. */
static void end_skipped_line(dt_reader_t *r)
{
    r->skip_line = false;
    deliver(r);
    r->next_record_line = r->line + 1;
}

/* The longest run of whole lines from data that holds no quote character,
 * when libcsv is between records (so none of it can be inside a quoted
 * field); 0 when there is none. */
static size_t quote_free_span(const dt_reader_t *r, const unsigned char *data,
                              const unsigned char *end)
{
    if (r->skip_line || !r->between_records)
        return 0;
    const unsigned char *quote = memchr(data, r->quote, (size_t)(end - data));
    const unsigned char *limit = quote ? quote : end;
    size_t span = 0;
    for (const unsigned char *p = data;
         p < limit && (p = memchr(p, r->line_break, (size_t)(limit - p))) != NULL; p++)
        span = (size_t)(p + 1 - data);
    return span;
}

/* The length of the chunk that starts at data outside a quote-free span:
 * up to and with its first CR or LF (and the LF after a CR in a file of LF
 * lines), else all of it. libcsv can end a record only at a CR or LF, so
 * every record end in a chunk is its last byte (or, for CRLF, its last two)
 * and between_records tells whether libcsv is between records when the
 * chunk has been fed: a bare CR ends a record in the middle of a line, and
 * what follows it may open a quoted field. */
static size_t chunk_length(const dt_reader_t *r, const unsigned char *data,
                           const unsigned char *end)
{
    const unsigned char *lf = memchr(data, '\n', (size_t)(end - data));
    const unsigned char *stop = lf ? lf : end;
    const unsigned char *cr = memchr(data, '\r', (size_t)(stop - data));
    if (cr && r->line_break == '\n' && cr + 1 == lf)
        cr = lf;
    const unsigned char *last = cr ? cr : lf;
    return last ? (size_t)(last - data) + 1 : (size_t)(end - data);
}

static dt_status_t parse(dt_reader_t *r, const unsigned char *data, size_t len, dt_error_t *err)
{
    const unsigned char *end = data + len;
    while (data < end) {
        size_t span = quote_free_span(r, data, end);
        size_t chunk = span ? span : chunk_length(r, data, end);
        bool ends_line = data[chunk - 1] == r->line_break;
        r->counting_breaks = span > 0;
        bool fed = r->skip_line || feed_csv(r, data, chunk);
        r->counting_breaks = false;
        if (r->skip_line && ends_line && !r->status)
            end_skipped_line(r);
        if (r->status) {
            *err = r->error;
            return r->status;
        }
        if (!fed)
            return dt_fail(err, DT_ERR_NOMEM, "%s:%llu: out of memory reading a field",
                           r->path, (unsigned long long)r->line);
        /* libcsv's buffer holds the field being read; it grows a block at a
         * time, and only when full, so this is a field past max_field. */
        if (csv_get_buffer_size(&r->parser) > r->max_field + r->block)
            return dt_fail(err, DT_ERR_INPUT,
                           "%s:%llu: a field grows past --max-field %zu bytes (a stray quote "
                           "swallowing the rest of the file?)",
                           r->path, (unsigned long long)(r->in_record ? r->record_line
                                                                      : r->next_record_line),
                           r->max_field);
        r->line += !span && ends_line;
        r->line_ended = ends_line;
        data += chunk;
    }
    return DT_OK;
}

/* Where an input's first lines lie: a "#TYPE" line skipped (skipped = 1)
 * up to start, the header line from start to end (SIZE_MAX: no line break
 * seen yet), and the line break the header line ends with. */
typedef struct {
    size_t start, end;
    uint64_t skipped;
    unsigned char line_break;
} prelude_t;

/* Reads the prelude from the first len bytes of an input; false when the
 * bytes that follow could still change it (at_end: none follow). */
static bool read_prelude(const unsigned char *p, size_t len, bool at_end, prelude_t *out)
{
    *out = (prelude_t){.end = line_end(p, 0, len), .line_break = '\n'};
    if (out->end != SIZE_MAX && is_type_line(p, out->end)) {
        out->start = out->end + 1;
        if (p[out->end] == '\r' && out->start < len && p[out->start] == '\n')
            out->start++;
        out->skipped = 1;
        if (p[out->end] == '\r' && out->start == len && !at_end) {
            out->end = SIZE_MAX;
            return false; /* need the byte after the CR */
        }
        out->end = line_end(p, out->start, len);
    }
    if (out->end == SIZE_MAX)
        return at_end;
    if (p[out->end] == '\r' && out->end + 1 == len && !at_end)
        return false; /* CR or CRLF? The next block says. */
    bool cr_only = p[out->end] == '\r' && (out->end + 1 == len || p[out->end + 1] != '\n');
    out->line_break = cr_only ? '\r' : '\n';
    return true;
}

bool dt_reader_sniff_line_break(const unsigned char *data, size_t len, bool at_end,
                                char *line_break)
{
    prelude_t prelude;
    if (!read_prelude(data, len, at_end, &prelude))
        return false;
    *line_break = (char)prelude.line_break;
    return true;
}

/* True when the line from start to end (SIZE_MAX: not ended yet) is longer
 * than max_field: an error wherever the input's blocks happen to end. */
static bool line_too_long(const dt_reader_t *r, size_t start, size_t end)
{
    return (end == SIZE_MAX ? r->prelude_len : end) - start > r->max_field;
}

/* Sets up libcsv once the header line is complete (or the input ended).
 * Nothing is committed (line numbers included) until then: this runs again
 * after every block while the header line is incomplete. */
static dt_status_t start_parsing(dt_reader_t *r, bool at_end, dt_error_t *err)
{
    if (r->prelude_len == 0)
        return DT_OK; /* an empty input has no records (and prelude may be NULL) */
    prelude_t pre;
    bool decided = read_prelude(r->prelude, r->prelude_len, at_end, &pre);
    if (line_too_long(r, 0, pre.skipped ? pre.start : pre.end) ||
        line_too_long(r, pre.start, pre.end))
        return dt_fail(err, DT_ERR_INPUT,
                       "%s:%llu: the header line is longer than --max-field %zu bytes (no line "
                       "break?)",
                       r->path, (unsigned long long)(r->line + pre.skipped), r->max_field);
    if (!decided)
        return DT_OK;
    size_t start = pre.start, end = pre.end == SIZE_MAX ? r->prelude_len : pre.end;
    r->line += pre.skipped;
    r->next_record_line += pre.skipped;
    r->line_break = pre.line_break;
    r->delimiter = sniff_delimiter(r->prelude + start, end - start);

    if (csv_init(&r->parser, LIBCSV_OPTIONS) != 0)
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", r->path);
    csv_set_delim(&r->parser, (unsigned char)r->delimiter);
    /* The growth step is at most max_field, so that a field is caught within
     * a few max_fields of its limit (see parse). */
    r->block = r->max_field < LIBCSV_BLOCK ? r->max_field : LIBCSV_BLOCK;
    csv_set_blk_size(&r->parser, r->block);
    r->quote = csv_get_quote(&r->parser);
    r->parsing = true;
    dt_status_t st = parse(r, r->prelude + start, r->prelude_len - start, err);
    free(r->prelude);
    r->prelude = NULL;
    r->prelude_len = r->prelude_cap = 0;
    return st;
}

dt_status_t dt_reader_feed(dt_reader_t *r, const unsigned char *data, size_t len,
                           dt_error_t *err)
{
    if (r->parsing)
        return parse(r, data, len, err);
    if (r->prelude_len + len > r->prelude_cap) {
        size_t cap = r->prelude_cap ? r->prelude_cap : 64 * 1024;
        while (cap < r->prelude_len + len)
            cap *= 2;
        unsigned char *p = realloc(r->prelude, cap);
        if (!p)
            return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", r->path);
        r->prelude = p;
        r->prelude_cap = cap;
    }
    if (len) /* (nothing may be held yet: a feed of no bytes) */
        memcpy(r->prelude + r->prelude_len, data, len);
    r->prelude_len += len;
    return start_parsing(r, false, err);
}

dt_status_t dt_reader_finish(dt_reader_t *r, dt_error_t *err)
{
    if (!r->parsing) {
        dt_status_t st = start_parsing(r, true, err);
        if (st)
            return st;
        if (!r->parsing)
            return DT_OK;
    }
    if (r->skip_line) {
        end_skipped_line(r);
        if (r->status) {
            *err = r->error;
            return r->status;
        }
    }
    if (csv_fini(&r->parser, on_field, on_row_end, r) != 0)
        return dt_fail(err, DT_ERR_INPUT,
                       "%s:%llu: a quoted field opened on this line is never closed (the file "
                       "ends inside it)",
                       r->path,
                       (unsigned long long)(r->in_record ? r->record_line : r->next_record_line));
    if (r->status) {
        *err = r->error;
        return r->status;
    }
    return DT_OK;
}

dt_slice_t dt_record_cell(const dt_record_t *record, size_t slot)
{
    if (slot < record->ncells && record->cells[slot].ptr)
        return record->cells[slot];
    return (dt_slice_t){"", 0};
}

char dt_reader_delimiter(const dt_reader_t *r)
{
    return r->delimiter;
}

uint64_t dt_reader_lines(const dt_reader_t *r)
{
    return r->line;
}

dt_reader_t *dt_reader_fork(const dt_reader_t *from, uint64_t line, dt_record_fn on_record,
                            void *ctx)
{
    dt_reader_t *r = dt_reader_new(from->path, from->max_field, on_record, ctx);
    if (!r)
        return NULL;
    r->delimiter = from->delimiter;
    r->quote = from->quote;
    r->block = from->block;
    r->line_break = from->line_break;
    r->line = r->next_record_line = line;
    r->index = 1; /* past the header */
    if (!from->keep_all && dt_reader_keep(r, from->slot_of_column, from->ncolumns,
                                          from->nslots) != DT_OK) {
        dt_reader_free(r);
        return NULL;
    }
    r->nfields = r->nfast; /* the first field takes the full path */
    if (csv_init(&r->parser, LIBCSV_OPTIONS) != 0) {
        dt_reader_free(r);
        return NULL;
    }
    csv_set_delim(&r->parser, (unsigned char)r->delimiter);
    csv_set_blk_size(&r->parser, r->block);
    r->parsing = true;
    return r;
}

bool dt_reader_between(const dt_reader_t *r, uint64_t *line)
{
    *line = r->line;
    return r->parsing && r->index > 0 && r->status == DT_OK && r->line_ended && r->row_ended &&
           r->between_records && !r->in_record && !r->skip_line;
}

void dt_reader_retarget(dt_reader_t *r, dt_record_fn on_record, void *ctx)
{
    r->on_record = on_record;
    r->ctx = ctx;
}

char dt_reader_line_break(const dt_reader_t *r)
{
    return r->parsing ? (char)r->line_break : '\n';
}

void dt_reader_library_version(char *buf, size_t cap)
{
    snprintf(buf, cap, "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
}
