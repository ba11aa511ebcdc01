/* fuzz_pipeline.c - libFuzzer harness for the whole report pipeline.
 *
 * Input: one flags byte, then the bytes of a CSV export.
 *   1. Reader differential: the bytes are fed to dt_reader in one call and
 *      again in chunks of pseudo-random sizes (seeded by the input); both runs
 *      must deliver the same records (line, index, fields, kept cells,
 *      malformed flag) and agree on success or failure (except at the
 *      --max-field limit, see reader_differential). Block boundaries must
 *      never change what is read.
 *   2. Pipeline: the bytes become a file (memfd) that dt_pipeline_run reads
 *      with the built-in rules (input -> reader -> schema -> classify ->
 *      aggregate), then dt_report_build and every writer in dt_writers[]:
 *      once to /dev/null with colour, once to memory without colour. The
 *      accounting must add up, and every report must be valid UTF-8 with no
 *      control character but '\n' (JSON escapes them; the text writer drops
 *      them).
 * Any violation aborts, which libFuzzer reports as a crash. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dt_aggregate.h"
#include "dt_codes.h"
#include "dt_pipeline.h"
#include "dt_rows.h"
#include "dt_reader.h"
#include "dt_rules.h"
#include "dt_state.h"
#include "fuzz_common.h"
#include "dt_writer.h"


static dt_rules_t rules;
static dt_codes_t *codes;
static FILE *devnull;

static void setup(void)
{
    fuzz_builtin_rules(&rules, &codes, 4096);
    CHECK((devnull = fopen("/dev/null", "w")) != NULL);
}

/* ---- 1. reader differential ---- */

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

typedef struct {
    uint64_t digest;
    uint64_t records;
    bool keep_after_header; /* narrow the kept columns after the header, like the pipeline */
    dt_reader_t *reader;
} trace_t;

static dt_status_t trace_record(void *ctx, const dt_record_t *rec, dt_error_t *err)
{
    (void)err;
    trace_t *t = ctx;
    uint64_t h = t->digest;
    h = mix(h, &rec->line, sizeof rec->line);
    h = mix(h, &rec->index, sizeof rec->index);
    h = mix(h, &rec->nfields, sizeof rec->nfields);
    h = mix(h, &rec->ncells, sizeof rec->ncells);
    bool malformed = rec->malformed != NULL;
    h = mix(h, &malformed, sizeof malformed);
    for (size_t i = 0; i < rec->ncells; i++) {
        bool present = rec->cells[i].ptr != NULL;
        h = mix(h, &present, sizeof present);
        if (present) {
            h = mix(h, &rec->cells[i].len, sizeof rec->cells[i].len);
            h = mix(h, rec->cells[i].ptr, rec->cells[i].len);
        }
    }
    t->digest = h;
    t->records++;
    if (rec->index == 0 && t->keep_after_header) {
        int slots[4] = {1, -1, 0, 2}; /* column 0 -> slot 1, column 2 -> slot 0, ... */
        size_t n = rec->nfields < 4 ? rec->nfields : 4;
        if (dt_reader_keep(t->reader, slots, n, 3) != DT_OK)
            return DT_ERR_NOMEM;
    }
    return DT_OK;
}

static dt_status_t read_all(const uint8_t *data, size_t size, size_t max_field, uint64_t seed,
                            bool keep, trace_t *t, char *why)
{
    dt_error_t err = {{0}};
    memset(t, 0, sizeof *t);
    t->digest = 0xcbf29ce484222325ULL;
    t->keep_after_header = keep;
    t->reader = dt_reader_new("fuzz.csv", max_field, trace_record, t);
    CHECK(t->reader != NULL);
    dt_status_t st = DT_OK;
    size_t off = 0;
    while (st == DT_OK && off < size) {
        size_t n = size - off;
        if (seed) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            n = 1 + (size_t)((seed >> 33) % (1 + (seed >> 60 & 7) * 37));
            if (n > size - off)
                n = size - off;
        }
        st = dt_reader_feed(t->reader, data + off, n, &err);
        off += n;
    }
    if (st == DT_OK)
        st = dt_reader_finish(t->reader, &err);
    dt_reader_free(t->reader);
    memcpy(why, err.msg, sizeof err.msg);
    return st;
}

static void reader_differential(const uint8_t *data, size_t size, uint8_t flags)
{
    size_t max_field = 16 + (size_t)(flags & 0x0F) * 64;
    bool keep = flags & 0x10;
    uint64_t seed = mix(0x9e3779b97f4a7c15ULL, data, size < 64 ? size : 64) | 1;
    trace_t whole, chunked;
    char why_whole[DT_ERROR_MAX], why_chunked[DT_ERROR_MAX];
    dt_status_t a = read_all(data, size, max_field, 0, keep, &whole, why_whole);
    dt_status_t b = read_all(data, size, max_field, seed, keep, &chunked, why_chunked);
    if (a == DT_OK && b == DT_OK) {
        CHECK(whole.records == chunked.records);
        CHECK(whole.digest == chunked.digest);
        return;
    }
    /* A failed input yields no report, so the records read before the error
     * do not matter. The outcome may differ only at the --max-field limit:
     * the raw bytes of an unfinished field (quotes and padding included) are
     * checked where a block ends, a finished field's value when it ends. */
    if ((a == DT_OK) != (b == DT_OK)) {
        const char *why = a != DT_OK ? why_whole : why_chunked;
        if (!strstr(why, "--max-field")) {
            fprintf(stderr, "reader outcome depends on block boundaries: %s\n", why);
            abort();
        }
    }
}

/* ---- 2. pipeline, report, writers ---- */

static bool valid_report_text(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c < 0x80) {
            /* CR only as part of a CRLF line end (CSV writes RFC 4180's) */
            bool crlf = c == '\r' && i + 1 < n && s[i + 1] == '\n';
            if ((c < 0x20 && c != '\n' && !crlf) || c == 0x7F)
                return false;
            i++;
            continue;
        }
        size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
        if (len == 0 || (len == 3 && c > 0xEF) || i + len > n)
            return false;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return false;
        i += len;
    }
    return true;
}

static void check_report(const dt_aggregate_t *agg)
{
    const dt_totals_t *tt = &agg->totals;
    const dt_counts_t *t = &tt->counts;
    CHECK(tt->rows == tt->call_rows + tt->rejected + tt->excluded + tt->duplicates);
    CHECK(tt->excluded == tt->excluded_by[DT_EXCLUDED_FILTER] + tt->excluded_by[DT_EXCLUDED_NON_PSTN]);
    CHECK(t->calls == t->succeeded + t->failed);
    CHECK(t->failed == t->failed_by_origin[0] + t->failed_by_origin[1] + t->failed_by_origin[2]);
    uint64_t rows = 0, rejected = 0, calls = 0;
    for (size_t i = 0; i < agg->ninputs; i++) {
        const dt_input_stats_t *in = &agg->inputs[i];
        CHECK(in->rows == in->call_rows + in->rejected + in->excluded + in->duplicates);
        CHECK(in->count_column || in->calls == in->call_rows);
        rows += in->rows, rejected += in->rejected, calls += in->calls;
    }
    CHECK(rows == tt->rows);
    CHECK(rejected == tt->rejected);
    CHECK(calls == t->calls);
    uint64_t by_action = 0;
    for (size_t a = 0; a <= rules.nactions; a++)
        by_action += agg->failed_by_action[a];
    CHECK(by_action == t->failed);
    uint64_t by_code = 0;
    for (size_t c = 0; c < agg->ncodes; c++)
        by_code += agg->codes[c].failed;
    CHECK(by_code == t->failed);
}

/* A writer that needs a file (xlsx) writes one in /tmp: it must succeed. */
static void write_to_file(const dt_writer_t *w, const dt_report_t *report)
{
    char path[] = "/tmp/fuzz-report-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *out = fdopen(fd, "w");
    CHECK(out != NULL);
    dt_error_t err;
    dt_write_options_t options = {.path = path};
    CHECK(w->write(out, report, &options, &err) == DT_OK);
    CHECK(fclose(out) == 0);
    unlink(path);
}

static void write_all(const dt_report_t *report)
{
    for (const dt_writer_t *w = dt_writers; w->name; w++) {
        if (w->flags & DT_WRITER_FILE) {
            write_to_file(w, report);
            continue;
        }
        dt_error_t err;
        dt_write_options_t color = {.color = true, .width = 60};
        CHECK(w->write(devnull, report, &color, &err) == DT_OK);
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        CHECK(mem != NULL);
        dt_write_options_t plain = {.color = false, .width = 0};
        CHECK(w->write(mem, report, &plain, &err) == DT_OK);
        CHECK(fclose(mem) == 0);
        if (!(w->flags & DT_WRITER_BINARY) && !valid_report_text((const unsigned char *)text, len)) {
            fprintf(stderr, "writer %s: control character or invalid UTF-8 in:\n%.*s\n",
                    w->name, (int)(len > 4000 ? 4000 : len), text);
            abort();
        }
        free(text);
    }
}

/* The aggregate as a state (for the state writer), read back and written
 * again to the same bytes; filter: the conditions its tallies count. */
static bool state_round_trip(const dt_aggregate_t *agg, const dt_filter_t *filter,
                             unsigned char **state, size_t *len)
{
    static dt_state_meta_t meta, back;
    meta.filter = *filter;
    dt_error_t err = {{0}};
    dt_aggregate_t again;
    unsigned char *bytes;
    size_t n;
    CHECK(dt_state_encode(agg, &meta, state, len, &err) == DT_OK);
    CHECK(dt_state_decode("fuzz.state", *state, *len, &rules, &again, &back, &err) == DT_OK);
    CHECK(dt_state_encode(&again, &back, &bytes, &n, &err) == DT_OK);
    bool same = n == *len && memcmp(bytes, *state, n) == 0;
    free(bytes);
    dt_aggregate_free(&again);
    return same;
}

static void pipeline(const uint8_t *data, size_t size, uint8_t flags)
{
    char path[64];
    int fd = fuzz_memory_file(data, size, path, sizeof path);
    const char *paths[2] = {path, path};
    dt_pipeline_options_t po = {.paths = paths, .npaths = (flags & 0x20) ? 2 : 1,
                                .max_field = (flags & 0x40) ? 64 : 0,
                                .strict = (flags & 0x80) != 0};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    CHECK(dt_aggregate_init(&agg, &rules, (flags & 0x01) ? 3 : 0) == DT_OK);
    /* --rows: the failed calls' rows, one CRLF-ended line or quoted record each */
    dt_filter_t drill = {0};
    char *rows_text = NULL;
    size_t rows_len = 0;
    FILE *rows_mem = NULL;
    if (flags & 0x04) {
        CHECK(dt_filter_parse(&drill, "result=failed", &err) == DT_OK);
        CHECK((rows_mem = open_memstream(&rows_text, &rows_len)) != NULL);
        CHECK((po.rows_out = dt_rows_new(rows_mem, (flags & 0x08) != 0)) != NULL);
        po.rows = &drill;
    }
    dt_status_t st = dt_pipeline_run(&po, &rules, codes, &agg, &err);
    CHECK(st == DT_OK || st == DT_ERR_INPUT);
    CHECK(st == DT_OK || err.msg[0] != '\0');
    if (po.rows_out) {
        CHECK(st != DT_OK || dt_rows_count(po.rows_out) == agg.drilled);
        dt_rows_free(po.rows_out);
        CHECK(fclose(rows_mem) == 0);
        CHECK(rows_len == 0 || (rows_len >= 2 && memcmp(rows_text + rows_len - 2, "\r\n", 2) == 0));
        free(rows_text);
    }
    if (st == DT_OK) {
        check_report(&agg);
        dt_report_t report;
        dt_report_options_t ro = {.top = (flags & 0x02) ? 2 : 0};
        unsigned char *state;
        CHECK(state_round_trip(&agg, &drill, &state, &ro.state_len));
        ro.state = state;
        CHECK(dt_report_build(&report, &agg, &ro) == DT_OK);
        free(state);
        write_all(&report);
        dt_report_free(&report);
    }
    dt_aggregate_free(&agg);
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!devnull)
        setup();
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    reader_differential(data + 1, size - 1, flags);
    pipeline(data + 1, size - 1, flags);
    return 0;
}
