/* check_reader.c - records from bytes: chunking independence, delimiters,
 * physical line numbers, quoting, limits, kept columns and callback errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "check_suites.h"
#include "dt_reader.h"
#include "test_util.h"

/* ---- a callback that writes every record into a string ---- */

typedef struct {
    char *text;
    size_t len, cap;
    size_t records;
    dt_reader_t *reader;
    long stop_at;             /* index whose delivery fails, or -1 */
    const int *keep;          /* applied after the header when not NULL */
    size_t keep_columns, keep_slots;
    bool no_index;            /* leave record indexes out (a fork counts its own) */
} sink_t;

static void append(sink_t *s, const char *p, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        s->cap = (s->len + n + 1) * 2;
        s->text = realloc(s->text, s->cap);
        ck_assert_ptr_nonnull(s->text);
    }
    memcpy(s->text + s->len, p, n);
    s->len += n;
    s->text[s->len] = '\0';
}

static dt_status_t on_record(void *ctx, const dt_record_t *record, dt_error_t *err)
{
    sink_t *s = ctx;
    s->records++;
    if (s->stop_at >= 0 && (long)record->index == s->stop_at)
        return dt_fail(err, DT_ERR_USAGE, "stopped at record %llu",
                       (unsigned long long)record->index);
    char head[128];
    int n = s->no_index ? snprintf(head, sizeof head, "%llu:%zu:",
                                   (unsigned long long)record->line, record->nfields)
                        : snprintf(head, sizeof head, "%llu:%llu:%zu:",
                                   (unsigned long long)record->line,
                                   (unsigned long long)record->index, record->nfields);
    append(s, head, (size_t)n);
    if (record->malformed)
        append(s, "MALFORMED:", 10);
    for (size_t i = 0; i < record->ncells; i++) {
        if (i)
            append(s, "|", 1);
        if (record->cells[i].ptr)
            append(s, record->cells[i].ptr, record->cells[i].len);
        else
            append(s, "<null>", 6);
    }
    append(s, "\n", 1);
    if (record->index == 0 && s->keep)
        ck_assert(dt_reader_keep(s->reader, s->keep, s->keep_columns, s->keep_slots) == DT_OK);
    return DT_OK;
}

/* Feeds text in chunks: chunk 0 = all at once, 1 = byte by byte, otherwise
 * random sizes from 1 to chunk drawn with `seed`. Returns the status of the first
 * failing call (feed or finish); *out gets the records and the delimiter. */
static dt_status_t run(const char *text, size_t len, size_t chunk, unsigned seed, size_t max_field,
                       sink_t *sink, dt_error_t *err)
{
    dt_reader_t *r = dt_reader_new("t.csv", max_field, on_record, sink);
    ck_assert_ptr_nonnull(r);
    sink->reader = r;
    dt_status_t st = DT_OK;
    size_t pos = 0;
    unsigned state = seed * 2654435761u + 1;
    while (st == DT_OK && pos < len) {
        size_t n = len - pos;
        if (chunk == 1) {
            n = 1;
        } else if (chunk > 1) {
            state = state * 1103515245u + 12345u;
            size_t want = 1 + (state >> 16) % chunk;
            n = want < n ? want : n;
        }
        st = dt_reader_feed(r, (const unsigned char *)text + pos, n, err);
        pos += n;
    }
    if (st == DT_OK)
        st = dt_reader_finish(r, err);
    char tail[32];
    snprintf(tail, sizeof tail, "delimiter=%c\n", dt_reader_delimiter(r));
    append(sink, tail, strlen(tail));
    dt_reader_free(r);
    return st;
}

static char *records_of(const char *text, size_t len, size_t chunk, unsigned seed)
{
    sink_t sink = {.stop_at = -1};
    dt_error_t err = {{0}};
    dt_status_t st = run(text, len, chunk, seed, 1 << 20, &sink, &err);
    ck_assert_msg(st == DT_OK, "chunk %zu seed %u: %s", chunk, seed, err.msg);
    return sink.text;
}

typedef struct {
    const char *name;
    const char *text;
    const char *records;
} reader_case_t;

static const reader_case_t cases[] = {
    {"comma LF", "a,b,c\n1,2,3\n4,5,6\n", "1:0:3:a|b|c\n2:1:3:1|2|3\n3:2:3:4|5|6\ndelimiter=,\n"},
    {"semicolon CRLF", "a;b;c\r\n1;2,5;3\r\n", "1:0:3:a|b|c\n2:1:3:1|2,5|3\ndelimiter=;\n"},
    {"tab", "a\tb\n1\t2,3\n", "1:0:2:a|b\n2:1:2:1|2,3\ndelimiter=\t\n"},
    {"delimiter in quotes ignored", "\"a;x\",\"b;y\",c\n1,2,3\n",
     "1:0:3:a;x|b;y|c\n2:1:3:1|2|3\ndelimiter=,\n"},
    {"#TYPE line",
     "#TYPE System.Management.Automation.PSCustomObject\r\n\"a\",\"b\"\r\n\"1\",\"2\"\r\n",
     "2:0:2:a|b\n3:1:2:1|2\ndelimiter=,\n"},
    {"#TYPE line LF", "#TYPE X\n\"a\";\"b\"\n1;2\n", "2:0:2:a|b\n3:1:2:1|2\ndelimiter=;\n"},
    {"CRLF", "a,b\r\n1,2\r\n3,4\r\n", "1:0:2:a|b\n2:1:2:1|2\n3:2:2:3|4\ndelimiter=,\n"},
    {"CR only", "a,b\r1,2\r3,4\r", "1:0:2:a|b\n2:1:2:1|2\n3:2:2:3|4\ndelimiter=,\n"},
    {"CR only, no final break", "a;b\r1;2\r3;4", "1:0:2:a|b\n2:1:2:1|2\n3:2:2:3|4\ndelimiter=;\n"},
    {"quoted CRLF", "a,b\r\n\"x\r\ny\",2\r\n3,4\r\n",
     "1:0:2:a|b\n2:1:2:x\r\ny|2\n4:2:2:3|4\ndelimiter=,\n"},
    {"quoted LF", "a,b\n\"x\ny\nz\",2\n3,4\n", "1:0:2:a|b\n2:1:2:x\ny\nz|2\n5:2:2:3|4\ndelimiter=,\n"},
    {"blank lines", "a,b\n\n1,2\n\n\n3,4\n", "1:0:2:a|b\n3:1:2:1|2\n6:2:2:3|4\ndelimiter=,\n"},
    {"blank lines CRLF", "\r\na,b\r\n\r\n1,2\r\n", "2:0:2:a|b\n4:1:2:1|2\ndelimiter=,\n"},
    {"doubled quotes", "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n",
     "1:0:2:a|b\n2:1:2:say \"hi\"|\"\ndelimiter=,\n"},
    {"no final newline", "a,b\n1,2", "1:0:2:a|b\n2:1:2:1|2\ndelimiter=,\n"},
    {"header only, no newline", "a,b", "1:0:2:a|b\ndelimiter=,\n"},
    {"short and long rows", "a,b\n1\n1,2,3\n,\n", "1:0:2:a|b\n2:1:1:1\n3:2:3:1|2|3\n4:3:2:|\ndelimiter=,\n"},
    {"empty input", "", "delimiter=,\n"},
    /* Quotes libcsv's strict mode stops at: an ordinary character inside an
     * unquoted field, however many and wherever the blanks fall... */
    {"stray quotes in an unquoted field", "a,b\nx\" \"y,ab\"\"c\n1,2\n",
     "1:0:2:a|b\n2:1:2:x\" \"y|ab\"\"c\n3:2:2:1|2\ndelimiter=,\n"},
    {"stray quote after blanks", "a,b\nx \t\",2\n", "1:0:2:a|b\n2:1:2:x \t\"|2\ndelimiter=,\n"},
    /* ... but after a closing quote and blanks, text: the row is malformed and
     * reading resumes on the next line. */
    {"quote after a closing quote and blanks", "a,b\n\"x\"  \"y\",2\n3,4\n",
     "1:0:2:a|b\n2:1:0:MALFORMED:\n3:2:2:3|4\ndelimiter=,\n"},
    {"text after a closing quote", "a,b\n1,\"x\"y\n3,4\n",
     "1:0:2:a|b\n2:1:1:MALFORMED:1\n3:2:2:3|4\ndelimiter=,\n"},
    {"blanks after a closing quote are fine", "a,b\n\"x\"  ,\"y\"\t\n",
     "1:0:2:a|b\n2:1:2:x|y\ndelimiter=,\n"},
    /* A bare CR in a file of LF lines ends a record, not a line; a quoted
     * field may open after it, and its line breaks are still counted. */
    {"quoted field after a bare CR", "h\ns\r\"e\nabc\nxyz\"\nr\n",
     "1:0:1:h\n2:1:1:s\n2:2:1:e\nabc\nxyz\n5:3:1:r\ndelimiter=,\n"},
    {"malformed quoted field after a bare CR", "\r\ns\r\"e\n\"r\nr",
     "2:0:1:s\n2:1:0:MALFORMED:\n4:2:1:r\ndelimiter=,\n"},
};

START_TEST(test_expected_records)
{
    const reader_case_t *c = &cases[_i];
    char *got = records_of(c->text, strlen(c->text), 0, 0);
    ck_assert_msg(strcmp(got, c->records) == 0, "%s:\n got:\n%s\nexpected:\n%s", c->name, got,
                  c->records);
    free(got);
}
END_TEST

START_TEST(test_chunking)
{
    const reader_case_t *c = &cases[_i];
    size_t len = strlen(c->text);
    char *whole = records_of(c->text, len, 0, 0);
    char *bytes = records_of(c->text, len, 1, 0);
    ck_assert_msg(strcmp(whole, bytes) == 0, "%s: byte by byte:\n%s\nwhole:\n%s", c->name, bytes,
                  whole);
    for (unsigned seed = 1; seed <= 20; seed++) {
        char *random = records_of(c->text, len, seed % 2 ? 3 : 9, seed);
        ck_assert_msg(strcmp(whole, random) == 0, "%s: seed %u:\n%s\nwhole:\n%s", c->name, seed,
                      random, whole);
        free(random);
    }
    free(whole);
    free(bytes);
}
END_TEST

START_TEST(test_chunking_samples)
{
    static const char *const samples[] = {
        "samples/tac-directrouting.csv", "samples/graph-powershell.csv",
        "samples/cqd-powerbi.csv",       "samples/acs-loganalytics.csv",
        "samples/tac-semicolon-excel.csv",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        size_t len;
        char *text = tu_read_file(tu_repo_file(samples[i]), &len);
        size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        char *whole = records_of(text + skip, len - skip, 0, 0);
        char *bytes = records_of(text + skip, len - skip, 1, 0);
        char *random = records_of(text + skip, len - skip, 700, (unsigned)i + 1);
        ck_assert_msg(strcmp(whole, bytes) == 0, "%s differs fed byte by byte", samples[i]);
        ck_assert_msg(strcmp(whole, random) == 0, "%s differs fed in random blocks", samples[i]);
        ck_assert_msg(strstr(whole, ":100:") != NULL, "%s: fewer than 100 records", samples[i]);
        free(whole);
        free(bytes);
        free(random);
        free(text);
    }
}
END_TEST

/* ---- errors ---- */

START_TEST(test_unterminated_quote)
{
    const char *text = "a,b\n1,2\n3,\"open\n4,5\n6,7\n";
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        sink_t sink = {.stop_at = -1};
        dt_error_t err = {{0}};
        dt_status_t st = run(text, strlen(text), chunk, 0, 1 << 20, &sink, &err);
        ck_assert_int_eq(st, DT_ERR_INPUT);
        ck_assert_contains(err.msg, "t.csv:3:");
        ck_assert_contains(err.msg, "never closed");
        free(sink.text);
    }
    /* The open quote as the record's first field. */
    text = "a,b\n\n\"open,1\n";
    sink_t sink = {.stop_at = -1};
    dt_error_t err = {{0}};
    ck_assert_int_eq(run(text, strlen(text), 0, 0, 1 << 20, &sink, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "t.csv:3:");
    free(sink.text);
}
END_TEST

START_TEST(test_max_field_one_feed)
{
    const char *text = "a,b\n1,2\n12345678901,2\n";
    sink_t sink = {.stop_at = -1};
    dt_error_t err = {{0}};
    ck_assert_int_eq(run(text, strlen(text), 0, 0, 10, &sink, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "t.csv:3:");
    ck_assert_contains(err.msg, "10");
    free(sink.text);

    /* Exactly max_field bytes is fine. */
    text = "a,b\n1234567890,2\n";
    sink = (sink_t){.stop_at = -1};
    ck_assert_msg(run(text, strlen(text), 0, 0, 10, &sink, &err) == DT_OK, "%s", err.msg);
    ck_assert_contains(sink.text, "2:1:2:1234567890|2\n");
    free(sink.text);
}
END_TEST

START_TEST(test_max_field_many_feeds)
{
    /* A stray quote swallowing the rest of the input, fed in small blocks: the
     * reader must stop once the field passes max_field, not buffer everything. */
    size_t n = 5000;
    char *text = malloc(n + 32);
    ck_assert_ptr_nonnull(text);
    strcpy(text, "a,b\n1,2\n\"");
    size_t len = strlen(text);
    for (size_t i = 0; i < n; i++)
        text[len++] = i % 50 == 49 ? '\n' : 'x';
    for (size_t chunk = 1; chunk <= 7; chunk += 6) {
        sink_t sink = {.stop_at = -1};
        dt_error_t err = {{0}};
        dt_reader_t *r = dt_reader_new("t.csv", 100, on_record, &sink);
        dt_status_t st = DT_OK;
        size_t pos = 0;
        while (st == DT_OK && pos < len) {
            size_t k = len - pos < chunk ? len - pos : chunk;
            st = dt_reader_feed(r, (const unsigned char *)text + pos, k, &err);
            pos += k;
        }
        ck_assert_int_eq(st, DT_ERR_INPUT);
        ck_assert_msg(pos < 400, "stopped only after %zu bytes", pos);
        ck_assert_contains(err.msg, "t.csv:3:");
        dt_reader_free(r);
        free(sink.text);
    }
    /* An unquoted field without any line break, fed in blocks. */
    memset(text, 'y', n);
    sink_t sink = {.stop_at = -1};
    dt_error_t err = {{0}};
    dt_reader_t *r = dt_reader_new("t.csv", 100, on_record, &sink);
    ck_assert(dt_reader_feed(r, (const unsigned char *)"a,b\n1,", 6, &err) == DT_OK);
    dt_status_t st = DT_OK;
    for (size_t pos = 0; st == DT_OK && pos < n; pos += 10)
        st = dt_reader_feed(r, (const unsigned char *)text + pos, 10, &err);
    ck_assert_int_eq(st, DT_ERR_INPUT);
    ck_assert_contains(err.msg, "t.csv:2:");
    dt_reader_free(r);
    free(sink.text);
    free(text);
}
END_TEST

START_TEST(test_long_header)
{
    char text[300];
    memset(text, 'h', sizeof text);
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        sink_t sink = {.stop_at = -1};
        dt_error_t err = {{0}};
        ck_assert_int_eq(run(text, sizeof text, chunk, 0, 100, &sink, &err), DT_ERR_INPUT);
        ck_assert_contains(err.msg, "t.csv:1:");
        ck_assert_uint_eq(sink.records, 0);
        free(sink.text);
    }
}
END_TEST

START_TEST(test_callback_error)
{
    const char *text = "h\n1\n2\n3\n4\n";
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        sink_t sink = {.stop_at = 2};
        dt_error_t err = {{0}};
        ck_assert_int_eq(run(text, strlen(text), chunk, 0, 1 << 20, &sink, &err), DT_ERR_USAGE);
        ck_assert_str_eq(err.msg, "stopped at record 2");
        ck_assert_msg(sink.records == 3, "%zu records delivered after the error", sink.records);
        free(sink.text);
    }
    /* The last record, delivered by dt_reader_finish. */
    sink_t sink = {.stop_at = 2};
    dt_error_t err = {{0}};
    ck_assert_int_eq(run("h\n1\n2", 5, 0, 0, 1 << 20, &sink, &err), DT_ERR_USAGE);
    ck_assert_str_eq(err.msg, "stopped at record 2");
    free(sink.text);
}
END_TEST

/* ---- kept columns ---- */

START_TEST(test_keep)
{
    /* Column 3 -> slot 0, column 1 -> slot 1, slot 2 unused, columns 0 and 2 dropped. */
    static const int keep[] = {-1, 1, -1, 0};
    const char *text = "a,b,c,d\n1,2,3,4\n5,6\n7,8,9,10,11\n";
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        sink_t sink = {.stop_at = -1, .keep = keep, .keep_columns = 4, .keep_slots = 3};
        dt_error_t err = {{0}};
        ck_assert_msg(run(text, strlen(text), chunk, 0, 1 << 20, &sink, &err) == DT_OK, "%s",
                      err.msg);
        const char *want = "1:0:4:a|b|c|d\n"
                           "2:1:4:4|2|<null>\n"
                           "3:2:2:<null>|6|<null>\n"
                           "4:3:5:10|8|<null>\n"
                           "delimiter=,\n";
        ck_assert_msg(strcmp(sink.text, want) == 0, "got:\n%s", sink.text);
        free(sink.text);
    }
}
END_TEST

START_TEST(test_malformed_record)
{
    const char *text = "a,b\n\"x\"y,2\n3,4\n";
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        sink_t sink = {.stop_at = -1};
        dt_error_t err = {{0}};
        ck_assert_msg(run(text, strlen(text), chunk, 0, 1 << 20, &sink, &err) == DT_OK, "%s",
                      err.msg);
        ck_assert_msg(strstr(sink.text, "2:1:") && strstr(sink.text, "MALFORMED"),
                      "no malformed record at line 2:\n%s", sink.text);
        ck_assert_msg(strstr(sink.text, "3:2:2:3|4\n") != NULL, "reading resumes on line 3:\n%s",
                      sink.text);
        free(sink.text);
    }
}
END_TEST

/* ---- forks: reading on from a point between records ---- */

/* Reads text with the kept columns of keep (or all), cut at `at`: the first
 * reader reads text[0, at), and when it is between records there, a fork
 * reads the rest. Returns the records, or NULL when not between records. */
static char *forked_records(const char *text, size_t len, size_t at, const int *keep,
                            size_t nkeep, uint64_t *line)
{
    sink_t sink = {.stop_at = -1, .no_index = true, .keep = keep, .keep_columns = nkeep,
                   .keep_slots = nkeep};
    dt_error_t err = {{0}};
    dt_reader_t *r = dt_reader_new("t.csv", 1 << 20, on_record, &sink);
    ck_assert_ptr_nonnull(r);
    sink.reader = r;
    ck_assert(dt_reader_feed(r, (const unsigned char *)text, at, &err) == DT_OK);
    if (!dt_reader_between(r, line)) {
        dt_reader_free(r);
        free(sink.text);
        return NULL;
    }
    dt_reader_t *fork = dt_reader_fork(r, *line, on_record, &sink);
    ck_assert_ptr_nonnull(fork);
    dt_reader_free(r); /* the fork needs nothing of it */
    sink.reader = fork;
    ck_assert(dt_reader_feed(fork, (const unsigned char *)text + at, len - at, &err) == DT_OK);
    ck_assert_msg(dt_reader_finish(fork, &err) == DT_OK, "%s", err.msg);
    dt_reader_free(fork);
    return sink.text ? sink.text : strdup("");
}

/* At every byte where the reader says it is between records, a fork reads
 * the rest as the reader would have: the same records on the same lines. */
static size_t check_forks_at(const char *name, const char *text, const int *keep, size_t nkeep,
                             bool breaks_only)
{
    size_t len = strlen(text), points = 0;
    sink_t sink = {.stop_at = -1, .no_index = true, .keep = keep, .keep_columns = nkeep,
                   .keep_slots = nkeep};
    dt_error_t err = {{0}};
    ck_assert(run(text, len, 0, 0, 1 << 20, &sink, &err) == DT_OK);
    char *tail = strstr(sink.text, "delimiter=");
    ck_assert_ptr_nonnull(tail);
    *tail = '\0';
    for (size_t at = 0; at <= len; at++) {
        if (breaks_only && (at == 0 || text[at - 1] != '\n'))
            continue;
        uint64_t line;
        char *got = forked_records(text, len, at, keep, nkeep, &line);
        if (!got)
            continue;
        points++;
        ck_assert_msg(strcmp(got, sink.text) == 0, "%s: forked at byte %zu (line %llu):\n%s\n"
                      "whole:\n%s", name, at, (unsigned long long)line, got, sink.text);
        free(got);
    }
    free(sink.text);
    return points;
}

static size_t check_forks(const char *name, const char *text, const int *keep, size_t nkeep)
{
    return check_forks_at(name, text, keep, nkeep, false);
}

START_TEST(test_fork_cases)
{
    const reader_case_t *c = &cases[_i];
    check_forks(c->name, c->text, NULL, 0);
    static const int keep[] = {1, 0};
    check_forks(c->name, c->text, keep, 2);
}
END_TEST

/* The line break sniffed from an input's first bytes is the reader's, as
 * soon as it says it knows it. */
START_TEST(test_sniff_line_break)
{
    const reader_case_t *c = &cases[_i];
    size_t len = strlen(c->text);
    sink_t sink = {.stop_at = -1};
    dt_reader_t *r = dt_reader_new("t.csv", 1 << 20, on_record, &sink);
    dt_error_t err = {{0}};
    ck_assert(dt_reader_feed(r, (const unsigned char *)c->text, len, &err) == DT_OK);
    ck_assert(dt_reader_finish(r, &err) == DT_OK);
    char want = dt_reader_line_break(r), got;
    dt_reader_free(r);
    free(sink.text);
    ck_assert_msg(dt_reader_sniff_line_break((const unsigned char *)c->text, len, true, &got),
                  "%s: undecided at the end", c->name);
    ck_assert_msg(got == want, "%s: sniffed %d, reader %d", c->name, got, want);
    for (size_t n = 0; n < len; n++)
        if (dt_reader_sniff_line_break((const unsigned char *)c->text, n, false, &got))
            ck_assert_msg(got == want, "%s: after %zu bytes sniffed %d", c->name, n, got);
}
END_TEST

/* Where a fork may start, and where not. */
START_TEST(test_between)
{
    /* LF lines: after each data line's break, not after the header's before
     * it is read (it is read at once), never inside the quoted line break. */
    const char *text = "a,b\n1,2\n\"x\ny\",3\n4,5\n";
    ck_assert_uint_eq(check_forks("lf", text, NULL, 0), 4); /* after lines 1, 2, 4, 5 */
    uint64_t line;
    ck_assert_ptr_null(forked_records(text, strlen(text), 11, NULL, 0, &line)); /* in "x\ny" */
    ck_assert_ptr_null(forked_records(text, strlen(text), 6, NULL, 0, &line)); /* mid-line */
    free(forked_records(text, strlen(text), 8, NULL, 0, &line));
    ck_assert_uint_eq(line, 3);
    /* CRLF: after the LF, not between CR and LF. */
    text = "a,b\r\n1,2\r\n3,4\r\n";
    ck_assert_uint_eq(check_forks("crlf", text, NULL, 0), 3);
    ck_assert_ptr_null(forked_records(text, strlen(text), 9, NULL, 0, &line));
    /* A bare CR in an LF file ends a record, not a line: no fork there, nor
     * after the LF of a line whose CR opened a quoted field. */
    text = "a,b\n1,2\r\"3\n4\",5\n6,7\n";
    check_forks("bare cr", text, NULL, 0);
    ck_assert_ptr_null(forked_records(text, strlen(text), 13, NULL, 0, &line));
    /* Not right after a malformed record's skipped line. */
    text = "a,b\n\"x\"y,2\n3,4\n5,6\n";
    ck_assert_ptr_null(forked_records(text, strlen(text), 11, NULL, 0, &line));
    check_forks("malformed", text, NULL, 0);
    /* CR-only lines: the header is read once the byte after its CR is seen. */
    ck_assert_uint_eq(check_forks("cr", "a,b\r1,2\r3,4\r", NULL, 0), 2);
}
END_TEST

START_TEST(test_fork_samples)
{
    static const char *const samples[] = {"samples/graph-powershell.csv",
                                          "samples/tac-semicolon-excel.csv"};
    static const int keep[] = {-1, 2, 0, -1, 1};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        size_t len;
        char *text = tu_read_file(tu_repo_file(samples[i]), &len);
        size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        ck_assert_msg(check_forks_at(samples[i], text + skip, keep, 5, true) > 100, "%s",
                      samples[i]);
        free(text);
    }
}
END_TEST

/* A field longer than max_field is an error on its record's line, in a
 * dropped column too, however the lines were fed. */
START_TEST(test_long_dropped_field)
{
    static const int keep[] = {-1, 0};
    char text[200] = "a,b\n1,2\n3,4\n";
    size_t len = strlen(text);
    memset(text + len, 'x', 20);
    strcpy(text + len + 20, ",5\n6,7\n");
    for (size_t chunk = 0; chunk <= 1; chunk++) {
        sink_t sink = {.stop_at = -1, .keep = keep, .keep_columns = 2, .keep_slots = 1};
        dt_error_t err = {{0}};
        ck_assert_int_eq(run(text, strlen(text), chunk, 0, 10, &sink, &err), DT_ERR_INPUT);
        ck_assert_contains(err.msg, "t.csv:4: field 1 is 20 bytes");
        free(sink.text);
    }
}
END_TEST

/* The behaviour of libcsv's public API (csv.h, csv.3) that the reader relies on. */
static size_t contract_fields;
static void contract_field(void *data, size_t len, void *ctx)
{
    (void)data, (void)len, (void)ctx;
    contract_fields++;
}

START_TEST(test_libcsv_contract)
{
    struct csv_parser p;
    ck_assert_int_eq(csv_init(&p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI), 0);
    /* Strict mode stops AT the offending byte, with CSV_EPARSE. */
    ck_assert_uint_eq(csv_parse(&p, "ab\"c", 4, contract_field, NULL, NULL), 2);
    ck_assert_int_eq(csv_error(&p), CSV_EPARSE);
    /* Parsing goes on after an error (the status is not checked on entry);
     * in lenient mode the quote is an ordinary character. */
    csv_set_opts(&p, CSV_REPALL_NL | CSV_STRICT_FINI);
    ck_assert_uint_eq(csv_parse(&p, "\"", 1, contract_field, NULL, NULL), 1);
    csv_set_opts(&p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI);
    /* csv_fini without callbacks drops the partial record and resets the
     * parser; with CSV_STRICT_FINI it refuses a quoted field left open. */
    contract_fields = 0;
    ck_assert_int_eq(csv_fini(&p, NULL, NULL, NULL), 0);
    ck_assert_uint_eq(contract_fields, 0);
    ck_assert_uint_eq(csv_parse(&p, "\"x\"y", 4, contract_field, NULL, NULL), 3);
    ck_assert_int_eq(csv_fini(&p, NULL, NULL, NULL), 0);
    ck_assert_uint_eq(csv_parse(&p, "a,b\n", 4, contract_field, NULL, NULL), 4);
    ck_assert_uint_eq(contract_fields, 2);
    ck_assert_uint_eq(csv_parse(&p, "\"open", 5, contract_field, NULL, NULL), 5);
    ck_assert_int_ne(csv_fini(&p, contract_field, NULL, NULL), 0);
    /* The buffer grows by the block size, only when full. */
    csv_free(&p);
    ck_assert_int_eq(csv_init(&p, CSV_STRICT), 0);
    csv_set_blk_size(&p, 100);
    char field[250];
    memset(field, 'x', sizeof field);
    ck_assert_uint_eq(csv_parse(&p, field, 100, contract_field, NULL, NULL), 100);
    ck_assert_uint_eq(csv_get_buffer_size(&p), 100);
    ck_assert_uint_eq(csv_parse(&p, field, 1, contract_field, NULL, NULL), 1);
    ck_assert_uint_eq(csv_get_buffer_size(&p), 200);
    ck_assert_int_eq(csv_get_quote(&p), CSV_QUOTE);
    csv_free(&p);
}
END_TEST

Suite *dt_suite_reader(void)
{
    Suite *s = suite_create("reader");
    TCase *t = tcase_create("records");
    tcase_add_loop_test(t, test_expected_records, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_loop_test(t, test_chunking, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(t, test_chunking_samples);
    tcase_add_test(t, test_keep);
    tcase_add_loop_test(t, test_fork_cases, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(t, test_between);
    tcase_add_loop_test(t, test_sniff_line_break, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(t, test_fork_samples);
    suite_add_tcase(s, t);
    t = tcase_create("errors");
    tcase_add_test(t, test_unterminated_quote);
    tcase_add_test(t, test_max_field_one_feed);
    tcase_add_test(t, test_max_field_many_feeds);
    tcase_add_test(t, test_long_dropped_field);
    tcase_add_test(t, test_long_header);
    tcase_add_test(t, test_callback_error);
    tcase_add_test(t, test_malformed_record);
    tcase_add_test(t, test_libcsv_contract);
    suite_add_tcase(s, t);
    return s;
}
