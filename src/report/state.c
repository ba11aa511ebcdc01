/* state.c - an aggregate as bytes and back (dt_state.h; the layout is
 * docs/state.md, field by field in the order below). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_hash.h"
#include "dt_state.h"

#define CHECKSUM_BYTES 8
#define PATH_MAX_BYTES 4096     /* an input's path */
#define NOTE_MAX_BYTES 511      /* a note (dt_aggregate_note formats into 512 bytes) */
#define COLUMN_MAX_BYTES 1024   /* a --group-by column or count column name */
#define FILTER_KEY_MAX 32
/* The times dt_date_format writes as four-digit years: 0001-01-01 to 9999-12-31. */
#define TIME_MIN (-62135596800LL)
#define TIME_MAX 253402300799LL

/* ---- writing ---- */

typedef struct {
    unsigned char *data;
    size_t len, cap;
    bool failed;
} writer_t;

static void put_bytes(writer_t *w, const void *bytes, size_t n)
{
    if (w->failed)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n)
            cap *= 2;
        unsigned char *grown = realloc(w->data, cap);
        if (!grown) {
            w->failed = true;
            return;
        }
        w->data = grown;
        w->cap = cap;
    }
    memcpy(w->data + w->len, bytes, n);
    w->len += n;
}

static void put_u(writer_t *w, uint64_t v)
{
    unsigned char buf[10];
    size_t n = 0;
    do {
        buf[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        buf[n++] |= v ? 0x80 : 0;
    } while (v);
    put_bytes(w, buf, n);
}

static void put_i(writer_t *w, int64_t v)
{
    put_u(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); /* zigzag */
}

static void put_s(writer_t *w, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    put_u(w, n);
    put_bytes(w, text, n);
}

static void put_counts(writer_t *w, const dt_counts_t *c)
{
    put_u(w, c->calls);
    put_u(w, c->succeeded);
    put_u(w, c->failed);
    put_u(w, c->effective);
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        put_u(w, c->failed_by_origin[o]);
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        put_u(w, c->expected_by_origin[o]);
    put_u(w, c->unknown_codes);
    put_u(w, c->acd_calls);
    put_u(w, c->talk_seconds);
    put_u(w, c->short_calls);
}

/* A sketch: its coarse counters that are not 0, each as the gap from the
 * previous one and its count; then for each minute counted, whether it has
 * a page, and the page. */
static void put_sketch(writer_t *w, const dt_sketch_t *s)
{
    size_t n = 0;
    for (size_t i = 0; s->count && i < DT_SKETCH_COARSE; i++)
        n += s->coarse[i] != 0;
    put_u(w, n);
    for (size_t i = 0, next = 0; n && i < DT_SKETCH_COARSE; i++)
        if (s->coarse[i]) {
            put_u(w, i - next);
            put_u(w, s->coarse[i]);
            next = i + 1;
        }
    for (size_t m = 0; n && m < DT_SKETCH_MINUTES; m++) {
        if (!s->coarse[m])
            continue;
        put_u(w, s->pages[m] != NULL);
        for (size_t k = 0; s->pages[m] && k < DT_SKETCH_PAGE; k++)
            put_u(w, s->pages[m][k]);
    }
}

static void put_timeline(writer_t *w, const dt_timeline_t *t)
{
    put_u(w, t->n);
    if (t->n)
        put_i(w, t->first);
    for (size_t i = 0; i < t->n; i++)
        put_i(w, t->delta[i]);
    put_u(w, t->calls);
    put_u(w, t->dropped);
}

static void put_metrics(writer_t *w, const dt_row_metrics_t *m)
{
    put_sketch(w, &m->to_failure);
    put_timeline(w, &m->active);
}

static void put_samples(writer_t *w, const dt_sample_t *samples, size_t n)
{
    put_u(w, n);
    for (size_t i = 0; i < n; i++) {
        put_s(w, samples[i].correlation);
        put_s(w, samples[i].start);
        put_u(w, samples[i].has_time);
        if (samples[i].has_time)
            put_i(w, samples[i].time);
    }
}

static void put_table(writer_t *w, const dt_keyed_table_t *t)
{
    put_u(w, t->overflow);
    put_u(w, t->nrows);
    for (size_t i = 0; i < t->nrows; i++) {
        const dt_keyed_row_t *row = &t->rows[i];
        put_u(w, row->other);
        if (!row->other) {
            put_s(w, row->name);
            put_i(w, row->start);
        }
        put_counts(w, &row->counts);
        if (t->measured)
            put_metrics(w, &t->metrics[i]);
    }
}

static void put_head(writer_t *w, const dt_aggregate_t *agg, const dt_state_meta_t *meta)
{
    const dt_aggregate_options_t *o = &agg->options;
    put_bytes(w, DT_STATE_MAGIC, DT_STATE_MAGIC_LEN);
    put_u(w, DT_STATE_VERSION);
    put_s(w, meta->made_by);
    put_u(w, agg->rules->digest);
    put_u(w, agg->rules->nactions);
    put_u(w, agg->rules->ncodes);
    put_u(w, agg->code_index.cap);
    put_u(w, o->by_time);
    put_u(w, (uint64_t)o->bucket);
    put_u(w, meta->auto_series);
    put_u(w, o->samples);
    put_u(w, o->dedupe);
    put_u(w, o->metrics);
    put_u(w, o->concurrency);
    put_u(w, o->ngroup_columns);
    for (size_t i = 0; i < o->ngroup_columns; i++)
        put_s(w, o->group_columns[i]);
    put_u(w, meta->filter.n);
    for (size_t i = 0; i < meta->filter.n; i++) {
        put_s(w, dt_cond_key(meta->filter.conds[i].kind));
        put_s(w, meta->filter.conds[i].text);
    }
}

static void put_totals(writer_t *w, const dt_totals_t *t)
{
    put_u(w, t->rows);
    put_u(w, t->call_rows);
    put_u(w, t->rejected);
    put_u(w, t->excluded);
    for (int k = 0; k < DT_EXCLUDED_COUNT; k++)
        put_u(w, t->excluded_by[k]);
    put_u(w, t->excluded_calls);
    put_u(w, t->undated);
    put_u(w, t->duplicates);
    put_u(w, t->duplicate_calls);
    put_counts(w, &t->counts);
}

static void put_input(writer_t *w, const dt_input_stats_t *in)
{
    put_s(w, in->path);
    put_u(w, (uint64_t)in->family);
    put_u(w, (unsigned char)in->delimiter);
    const uint64_t counts[] = {in->rows, in->call_rows, in->calls, in->rejected, in->excluded,
                               in->duplicates};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
        put_u(w, counts[k]);
    put_u(w, (uint64_t)in->dates.order);
    put_u(w, (uint64_t)in->dates.from);
    put_u(w, in->dates.line);
    put_u(w, in->dates.conflicts);
    put_u(w, in->count_column != NULL);
    if (in->count_column)
        put_s(w, in->count_column);
    put_u(w, in->zero_rows);
    put_u(w, in->unchecked);
    put_u(w, in->has_time);
    if (in->has_time) {
        put_i(w, in->first);
        put_i(w, in->last);
    }
    put_u(w, in->content.total);
    for (int k = 0; k < 4; k++)
        put_u(w, in->content.lane[k]);
    put_u(w, in->content.nbuf);
    put_bytes(w, in->content.buf, in->content.nbuf);
}

static void put_code(writer_t *w, const dt_code_row_t *row)
{
    put_u(w, row->other);
    if (!row->other) {
        const dt_match_t *m = &row->match;
        put_u(w, row->key.has_sip);
        put_u(w, row->key.sip);
        put_u(w, row->key.has_ms);
        put_u(w, row->key.ms);
        put_u(w, (uint64_t)m->level);
        put_u(w, m->entry == SIZE_MAX ? 0 : (uint64_t)m->entry + 1);
        put_u(w, m->action == DT_NO_ACTION ? 0 : (uint64_t)m->action + 1);
        put_u(w, (uint64_t)m->origin);
        put_u(w, m->known);
        put_u(w, m->has_sbc_sip);
        put_u(w, m->sbc_sip);
        put_s(w, row->phrase);
    }
    put_u(w, row->failed);
    put_samples(w, row->samples, row->nsamples);
}

/* True when the aggregate counts the measures over all calls. */
static bool measured(const dt_aggregate_t *agg)
{
    return agg->options.metrics || agg->options.concurrency;
}

static void put_body(writer_t *w, const dt_aggregate_t *agg)
{
    size_t slots = agg->rules->nactions + 1;
    put_totals(w, &agg->totals);
    if (measured(agg))
        put_metrics(w, &agg->total_metrics);
    put_u(w, agg->ninputs);
    for (size_t i = 0; i < agg->ninputs; i++)
        put_input(w, &agg->inputs[i]);
    put_u(w, agg->nskipped);
    for (size_t i = 0; i < agg->nskipped; i++) {
        put_s(w, agg->skipped[i].path);
        put_s(w, agg->skipped[i].kind);
        put_s(w, agg->skipped[i].reason);
    }
    put_u(w, agg->nrejections);
    for (size_t i = 0; i < agg->nrejections; i++) {
        put_s(w, agg->rejections[i].path);
        put_u(w, agg->rejections[i].line);
        put_s(w, agg->rejections[i].reason);
    }
    put_u(w, agg->ncodes);
    for (size_t i = 0; i < agg->ncodes; i++)
        put_code(w, &agg->codes[i]);
    put_u(w, agg->code_overflow);
    put_u(w, agg->other_by_action != NULL);
    for (size_t a = 0; agg->other_by_action && a < slots; a++)
        put_u(w, agg->other_by_action[a]);
    put_table(w, &agg->sbcs);
    put_table(w, &agg->times);
    put_table(w, &agg->groups);
    put_table(w, &agg->group_times);
    put_u(w, agg->undated_in_series);
    for (size_t a = 0; a < slots; a++)
        put_u(w, agg->failed_by_action[a]);
    for (size_t a = 0; agg->options.samples && a < slots; a++)
        put_samples(w, agg->action_samples[a], agg->action_nsamples[a]);
    put_u(w, agg->ntallies);
    for (size_t i = 0; i < agg->ntallies; i++) {
        put_u(w, agg->tallies[i].held);
        put_table(w, &agg->tallies[i].values);
    }
    put_u(w, agg->drilled);
    put_u(w, agg->nnotes);
    for (size_t i = 0; i < agg->nnotes; i++)
        put_s(w, agg->notes[i]);
    put_u(w, agg->note_lost);
}

dt_status_t dt_state_encode(const dt_aggregate_t *agg, const dt_state_meta_t *meta,
                            unsigned char **out, size_t *len, dt_error_t *err)
{
    writer_t w = {0};
    put_head(&w, agg, meta);
    put_body(&w, agg);
    unsigned char sum[CHECKSUM_BYTES];
    uint64_t digest = w.failed ? 0 : dt_hash64(w.data, w.len, 0);
    for (int k = 0; k < CHECKSUM_BYTES; k++)
        sum[k] = (unsigned char)(digest >> (8 * k));
    put_bytes(&w, sum, sizeof sum);
    if (w.failed) {
        free(w.data);
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    }
    *out = w.data;
    *len = w.len;
    return DT_OK;
}

/* ---- reading ---- */

typedef struct {
    const unsigned char *data;
    size_t len, pos;
    const char *name;
    dt_aggregate_t *agg;
    dt_error_t *err;
    dt_status_t status; /* the first failure; reading stops there */
} reader_t;

static bool bad(reader_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first failure: the state is corrupt at this point. */
static bool bad(reader_t *r, const char *fmt, ...)
{
    if (r->status)
        return false;
    char what[DT_ERROR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    r->status = dt_fail(r->err, DT_ERR_INPUT, "%s: corrupt state: %s (at byte %zu)", r->name,
                        what, r->pos);
    return false;
}

static bool out_of_memory(reader_t *r)
{
    if (!r->status)
        r->status = dt_fail(r->err, DT_ERR_NOMEM, "%s: out of memory", r->name);
    return false;
}

/* Reads a varint of at most max; 0 once reading has failed. */
static uint64_t get_u(reader_t *r, uint64_t max, const char *what)
{
    uint64_t v = 0;
    for (unsigned shift = 0; !r->status; shift += 7) {
        if (r->pos >= r->len)
            return bad(r, "%s: the state ends inside it", what), 0;
        unsigned char byte = r->data[r->pos++];
        if (shift == 63 && byte > 1)
            return bad(r, "%s: a number too large", what), 0;
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return v <= max ? v : (bad(r, "%s: %llu is out of range", what,
                                       (unsigned long long)v), 0);
        if (shift == 63)
            return bad(r, "%s: a number too large", what), 0;
    }
    return 0;
}

static bool get_b(reader_t *r, const char *what)
{
    return get_u(r, 1, what) != 0;
}

/* Reads a signed varint (zigzag) in [min, max]; 0 once reading has failed. */
static int64_t get_i(reader_t *r, int64_t min, int64_t max, const char *what)
{
    uint64_t z = get_u(r, UINT64_MAX, what);
    int64_t v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    if (v < min || v > max)
        return bad(r, "%s: %lld is out of range", what, (long long)v), 0;
    return v;
}

static int64_t get_time(reader_t *r, const char *what)
{
    return get_i(r, TIME_MIN, TIME_MAX, what);
}

/* A count of items that take at least one byte each: never more than the
 * bytes left, so that a corrupt count cannot make a huge allocation. */
static size_t get_count(reader_t *r, size_t max, const char *what)
{
    size_t left = r->len - r->pos;
    return (size_t)get_u(r, max < left ? max : left, what);
}

/* Reads a string of at most max bytes (no NUL) into out (max + 1 bytes). */
static bool get_text(reader_t *r, char *out, size_t max, const char *what)
{
    size_t n = (size_t)get_u(r, max, what);
    out[0] = '\0';
    if (r->status)
        return false;
    if (n > r->len - r->pos)
        return bad(r, "%s: the state ends inside it", what);
    if (memchr(r->data + r->pos, '\0', n))
        return bad(r, "%s: a NUL byte in text", what);
    memcpy(out, r->data + r->pos, n);
    out[n] = '\0';
    r->pos += n;
    return true;
}

/* Reads a string of at most max bytes into the aggregate's arena. */
static const char *get_s(reader_t *r, size_t max, const char *what)
{
    size_t n = (size_t)get_u(r, max, what);
    if (r->status)
        return NULL;
    if (n > r->len - r->pos)
        return bad(r, "%s: the state ends inside it", what), NULL;
    if (memchr(r->data + r->pos, '\0', n))
        return bad(r, "%s: a NUL byte in text", what), NULL;
    char *copy = dt_arena_strndup(&r->agg->arena, (const char *)r->data + r->pos, n);
    if (!copy)
        return out_of_memory(r), NULL;
    r->pos += n;
    return copy;
}

/* Every count of a row adds up: no more succeeded and failed calls than
 * calls, failures by origin summing to the failures, no more expected
 * endings than failures of an origin. */
static bool check_counts(reader_t *r, const dt_counts_t *c, const char *what)
{
    uint64_t failed = 0;
    for (int o = 0; o < DT_ORIGIN_COUNT; o++) {
        failed += c->failed_by_origin[o];
        if (c->expected_by_origin[o] > c->failed_by_origin[o])
            return bad(r, "%s: more expected endings than failures", what);
    }
    if (c->succeeded + c->failed != c->calls || failed != c->failed ||
        c->effective > c->calls || c->unknown_codes > c->failed ||
        c->acd_calls > c->succeeded || c->short_calls > c->acd_calls)
        return bad(r, "%s: counts that do not add up", what);
    return true;
}

/* Every count is at most this: the sums of any number of parts stay below 2^64. */
#define COUNT_MAX (UINT64_MAX >> 8)

/* Reads a row's counts; checked: they must add up (check_counts). */
static dt_counts_t get_counts(reader_t *r, bool checked, const char *what)
{
    dt_counts_t c;
    memset(&c, 0, sizeof c);
    c.calls = get_u(r, COUNT_MAX, what);
    c.succeeded = get_u(r, COUNT_MAX, what);
    c.failed = get_u(r, COUNT_MAX, what);
    c.effective = get_u(r, COUNT_MAX, what);
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        c.failed_by_origin[o] = get_u(r, COUNT_MAX, what);
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        c.expected_by_origin[o] = get_u(r, COUNT_MAX, what);
    c.unknown_codes = get_u(r, COUNT_MAX, what);
    c.acd_calls = get_u(r, COUNT_MAX, what);
    c.talk_seconds = get_u(r, COUNT_MAX, what);
    c.short_calls = get_u(r, COUNT_MAX, what);
    if (!r->status && checked)
        check_counts(r, &c, what);
    return c;
}

/* The smallest value coarse counter i of a sketch holds (dt_sketch.h). */
static uint64_t coarse_value(size_t i)
{
    return i < DT_SKETCH_MINUTES ? (uint64_t)i * 60
                                 : (uint64_t)(i - DT_SKETCH_MINUTES + 1) * DT_SKETCH_EXACT;
}

/* Reads a sketch into an empty one, its pages taken from the aggregate's
 * budget, as counting its values would have: a minute without a page is
 * counted past a spent budget. */
static bool get_sketch(reader_t *r, dt_sketch_t *s, const char *what)
{
    size_t n = (size_t)get_u(r, DT_SKETCH_COARSE, what);
    uint64_t coarse[DT_SKETCH_COARSE] = {0}, sum = 0;
    for (size_t k = 0, next = 0; k < n && !r->status; k++) {
        next += (size_t)get_u(r, DT_SKETCH_COARSE - 1 - next, what);
        if (!r->status && !(coarse[next] = get_u(r, COUNT_MAX, what)))
            return bad(r, "%s: a sketch's counter of 0 written", what);
        sum += coarse[next++];
        if (k + 1 < n && next == DT_SKETCH_COARSE)
            return bad(r, "%s: more sketch counters than a sketch has", what);
    }
    if (!r->status && sum > COUNT_MAX)
        return bad(r, "%s: a sketch of too many values", what);
    if (!n || r->status)
        return !r->status;
    for (size_t i = 0; i < DT_SKETCH_COARSE && !r->status; i++) {
        dt_sketch_budget_t spent = {0};
        uint64_t page[DT_SKETCH_PAGE], in_page = 0;
        bool paged = i < DT_SKETCH_MINUTES && coarse[i] && get_b(r, what);
        for (size_t k = 0; paged && k < DT_SKETCH_PAGE; k++)
            in_page += page[k] = get_u(r, COUNT_MAX, what);
        if (r->status || !coarse[i])
            continue;
        if (!paged) {
            if (dt_sketch_add(s, i < DT_SKETCH_MINUTES ? &spent : NULL, coarse_value(i),
                              coarse[i]))
                return out_of_memory(r);
            continue;
        }
        if (in_page != coarse[i])
            return bad(r, "%s: a minute's seconds that are not its count", what);
        if (!r->agg->pages.pages_left)
            return bad(r, "%s: more per-second pages than a run keeps", what);
        for (size_t k = 0; k < DT_SKETCH_PAGE; k++)
            if (page[k] && dt_sketch_add(s, &r->agg->pages, coarse_value(i) + k, page[k]))
                return out_of_memory(r);
    }
    return !r->status;
}

/* Reads a timeline into an empty one, its cells taken from the aggregate's budget. */
static bool get_timeline(reader_t *r, dt_timeline_t *t, const char *what)
{
    dt_timeline_t read = {0};
    read.n = get_count(r, SIZE_MAX, what);
    if (read.n) {
        read.first = get_i(r, TIME_MIN / 60, TIME_MAX / 60, what); /* a minute */
        if (!r->status && !(read.delta = malloc(read.n * sizeof *read.delta)))
            return out_of_memory(r);
    }
    for (size_t i = 0; i < read.n && !r->status; i++) {
        read.delta[i] = (int32_t)get_i(r, INT32_MIN, INT32_MAX, what);
    }
    read.cap = read.n;
    read.calls = get_u(r, COUNT_MAX, what);
    read.dropped = get_u(r, COUNT_MAX, what);
    if (!r->status && !read.n && read.calls)
        bad(r, "%s: calls in progress in no minute", what);
    if (!r->status && dt_timeline_merge(t, &r->agg->cells, &read))
        out_of_memory(r);
    else if (!r->status && (t->calls != read.calls || t->dropped != read.dropped))
        bad(r, "%s: more minutes of concurrent calls than a run keeps", what);
    free(read.delta);
    return !r->status;
}

static bool get_metrics(reader_t *r, dt_row_metrics_t *m, const char *what)
{
    return get_sketch(r, &m->to_failure, what) && get_timeline(r, &m->active, what);
}

static bool get_samples(reader_t *r, dt_sample_t **list, size_t *n, const char *what)
{
    size_t count = get_count(r, r->agg->options.samples, what);
    char corr[DT_SAMPLE_CORRELATION_MAX + 1], start[DT_SAMPLE_START_MAX + 1];
    for (size_t i = 0; i < count && !r->status; i++) {
        dt_call_extra_t extra = {0};
        if (!get_text(r, corr, DT_SAMPLE_CORRELATION_MAX, what) ||
            !get_text(r, start, DT_SAMPLE_START_MAX, what))
            return false;
        extra.has_time = get_b(r, what);
        extra.time = extra.has_time ? get_time(r, what) : 0;
        extra.correlation = (dt_slice_t){corr, strlen(corr)};
        extra.start = (dt_slice_t){start, strlen(start)};
        if (!r->status && !extra.correlation.len)
            return bad(r, "%s: a sample without a correlation id", what);
        if (!r->status && dt_aggregate_keep_sample(r->agg, list, n, &extra))
            return out_of_memory(r);
    }
    return !r->status;
}

typedef enum {
    TABLE_CALLS, /* rows count calls of every kind (SBCs, groups) */
    TABLE_TIMES, /* and start a bucket of the series */
    TABLE_GROUP_TIMES, /* and start one, named by its start and a group */
    TABLE_TALLY, /* rows count calls alone (a filter condition's values) */
} table_kind_t;

/* Reads a keyed table's rows into an empty one (over its cap, as merged
 * states may be). */
static bool get_table(reader_t *r, dt_keyed_table_t *t, table_kind_t kind, const char *what)
{
    uint64_t overflow = get_u(r, COUNT_MAX, what);
    size_t n = get_count(r, SIZE_MAX, what), cap = t->index.cap;
    t->index.cap = 0;
    for (size_t i = 0; i < n && !r->status; i++) {
        bool other = get_b(r, what);
        dt_keyed_row_t *row = NULL;
        size_t before = t->nrows;
        if (other) {
            if (t->other != SIZE_MAX)
                bad(r, "%s: two overflow rows", what);
            else if (!(row = dt_keyed_table_other(t)))
                out_of_memory(r);
        } else {
            char name[DT_DATE_TEXT + DT_KEY_TEXT_MAX + 1];
            size_t max = kind == TABLE_GROUP_TIMES ? DT_DATE_TEXT + DT_KEY_TEXT_MAX
                                                   : DT_KEY_TEXT_MAX;
            int64_t start = 0;
            if (get_text(r, name, max, what))
                start = get_time(r, what);
            if (!r->status && !(row = dt_aggregate_keyed_row(r->agg, t, name, strlen(name))))
                out_of_memory(r);
            else if (row && t->nrows == before)
                bad(r, "%s: the key '%.64s' twice", what, name);
            else if (row && (kind == TABLE_TIMES || kind == TABLE_GROUP_TIMES) &&
                     start != dt_date_bucket(start, (dt_bucket_t)r->agg->options.bucket))
                bad(r, "%s: a time row that does not start its bucket", what);
            if (row)
                row->start = start;
        }
        dt_counts_t counts = get_counts(r, kind != TABLE_TALLY, what);
        if (row)
            row->counts = counts;
        if (row && t->measured)
            get_metrics(r, &t->metrics[row - t->rows], what);
    }
    t->index.cap = cap;
    t->last = SIZE_MAX;
    t->overflow = overflow;
    uint64_t in_other = t->other == SIZE_MAX ? 0 : t->rows[t->other].counts.calls;
    if (!r->status && overflow != in_other)
        return bad(r, "%s: the overflow count is not its overflow row's", what);
    return !r->status;
}

static void get_totals(reader_t *r, dt_totals_t *t)
{
    const char *what = "totals";
    t->rows = get_u(r, COUNT_MAX, what);
    t->call_rows = get_u(r, COUNT_MAX, what);
    t->rejected = get_u(r, COUNT_MAX, what);
    t->excluded = get_u(r, COUNT_MAX, what);
    uint64_t by = 0;
    for (int k = 0; k < DT_EXCLUDED_COUNT; k++)
        by += t->excluded_by[k] = get_u(r, COUNT_MAX, what);
    t->excluded_calls = get_u(r, COUNT_MAX, what);
    t->undated = get_u(r, COUNT_MAX, what);
    t->duplicates = get_u(r, COUNT_MAX, what);
    t->duplicate_calls = get_u(r, COUNT_MAX, what);
    t->counts = get_counts(r, true, what);
    if (!r->status && (t->rows != t->call_rows + t->rejected + t->excluded + t->duplicates ||
                       by != t->excluded))
        bad(r, "totals: rows that do not add up");
}

static bool get_input(reader_t *r, dt_input_stats_t *in)
{
    const char *what = "an input";
    memset(in, 0, sizeof *in);
    in->path = get_s(r, PATH_MAX_BYTES, what);
    in->family = (dt_family_t)get_u(r, DT_FAMILY_COUNT - 1, what);
    in->delimiter = (char)get_u(r, 255, what);
    uint64_t *counts[] = {&in->rows, &in->call_rows, &in->calls, &in->rejected, &in->excluded,
                          &in->duplicates};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
        *counts[k] = get_u(r, COUNT_MAX, what);
    in->dates.order = (dt_date_order_t)get_u(r, DT_ORDER_COUNT - 1, what);
    in->dates.from = (dt_order_source_t)get_u(r, DT_ORDER_FROM_COUNT - 1, what);
    in->dates.line = get_u(r, COUNT_MAX, what);
    in->dates.conflicts = get_u(r, COUNT_MAX, what);
    if (get_b(r, what))
        in->count_column = get_s(r, COLUMN_MAX_BYTES, what);
    in->zero_rows = get_u(r, COUNT_MAX, what);
    in->unchecked = get_u(r, COUNT_MAX, what);
    in->has_time = get_b(r, what);
    if (in->has_time) {
        in->first = get_time(r, what);
        in->last = get_time(r, what);
    }
    in->content.total = get_u(r, UINT64_MAX, what);
    for (int k = 0; k < 4; k++)
        in->content.lane[k] = get_u(r, UINT64_MAX, what);
    in->content.nbuf = (size_t)get_u(r, sizeof in->content.buf - 1, what);
    if (r->status)
        return false;
    if (in->content.nbuf > r->len - r->pos || in->content.nbuf != in->content.total % 32)
        return bad(r, "an input's content hash is inconsistent");
    memcpy(in->content.buf, r->data + r->pos, in->content.nbuf);
    r->pos += in->content.nbuf;
    if (in->rows != in->call_rows + in->rejected + in->excluded + in->duplicates ||
        (in->has_time && in->first > in->last) || in->zero_rows > in->call_rows)
        return bad(r, "input '%.64s': counts that do not add up", in->path);
    return true;
}

static bool get_skipped(reader_t *r)
{
    size_t n = get_count(r, SIZE_MAX, "the inputs skipped");
    char path[PATH_MAX_BYTES + 1], kind[COLUMN_MAX_BYTES + 1], reason[PATH_MAX_BYTES + 1];
    for (size_t i = 0; i < n && !r->status; i++)
        if (get_text(r, path, PATH_MAX_BYTES, "an input skipped") &&
            get_text(r, kind, COLUMN_MAX_BYTES, "an input skipped") &&
            get_text(r, reason, PATH_MAX_BYTES, "an input skipped") &&
            dt_aggregate_skip(r->agg, path, kind, reason))
            out_of_memory(r);
    return !r->status;
}

static bool get_code(reader_t *r, const dt_rules_t *rules)
{
    const char *what = "a code row";
    dt_aggregate_t *agg = r->agg;
    dt_code_row_t *row = NULL;
    if (get_b(r, what)) {
        if (agg->code_other != SIZE_MAX)
            return bad(r, "%s: two overflow rows", what);
        if (!(row = dt_aggregate_other_code(agg)))
            return out_of_memory(r);
    } else {
        dt_match_t m = {0};
        dt_call_t call = {.match = &m};
        char phrase[DT_PHRASE_KEEP];
        call.key.has_sip = get_b(r, what);
        call.key.sip = (unsigned)get_u(r, UINT32_MAX, what);
        call.key.has_ms = get_b(r, what);
        call.key.ms = get_u(r, UINT64_MAX, what);
        m.level = (dt_match_level_t)get_u(r, DT_MATCH_COUNT - 1, what);
        uint64_t entry = get_u(r, rules->ncodes, what);
        uint64_t action = get_u(r, rules->nactions, what);
        m.entry = entry ? (size_t)entry - 1 : SIZE_MAX;
        m.action = action ? (size_t)action - 1 : DT_NO_ACTION;
        m.origin = (dt_origin_t)get_u(r, DT_ORIGIN_COUNT - 1, what);
        m.known = get_b(r, what);
        m.has_sbc_sip = get_b(r, what);
        m.sbc_sip = (unsigned)get_u(r, UINT32_MAX, what);
        if (!get_text(r, phrase, DT_PHRASE_KEEP - 1, what))
            return false;
        if ((!call.key.has_sip && call.key.sip) || (!call.key.has_ms && call.key.ms))
            return bad(r, "%s: a value for a code it has not", what);
        call.phrase = (dt_slice_t){phrase, strlen(phrase)};
        size_t before = agg->ncodes;
        if (!(row = dt_aggregate_code_row(agg, &call)))
            return out_of_memory(r);
        if (agg->ncodes == before)
            return bad(r, "%s: the same codes twice", what);
    }
    row->failed = get_u(r, COUNT_MAX, what);
    return !r->status && get_samples(r, &row->samples, &row->nsamples, "a code row's samples");
}

/* Reads the options and filter into agg (initialised here) and meta. */
static bool get_head(reader_t *r, const dt_rules_t *rules, dt_state_meta_t *meta)
{
    uint64_t digest = get_u(r, UINT64_MAX, "the rules digest");
    uint64_t nactions = get_u(r, UINT64_MAX, "the rules' actions");
    uint64_t ncodes = get_u(r, UINT64_MAX, "the rules' codes");
    if (r->status)
        return false;
    meta->rules_digest = digest;
    if (digest != rules->digest || nactions != rules->nactions || ncodes != rules->ncodes) {
        r->status = dt_fail(r->err, DT_ERR_INPUT,
                            "%s: made with other rules (digest %016llx; the rules loaded have "
                            "%016llx): load the same rules files (--rules, $DRTRIAGE_RULES, "
                            "rules.d) as the run that wrote it, with the same drtriage version "
                            "(`drtriage --version` shows the digest of the rules in effect)",
                            r->name, (unsigned long long)digest,
                            (unsigned long long)rules->digest);
        return false;
    }
    uint64_t cap = get_u(r, UINT32_MAX, "the key cap");
    dt_aggregate_options_t o;
    memset(&o, 0, sizeof o);
    o.by_time = get_b(r, "the series");
    o.bucket = (int)get_u(r, DT_BUCKET_WEEK, "the series' bucket");
    meta->auto_series = get_b(r, "the series");
    o.samples = (size_t)get_u(r, DT_SAMPLES_MAX, "--samples");
    o.dedupe = get_b(r, "--dedupe");
    o.metrics = get_b(r, "the measures");
    o.concurrency = get_b(r, "--concurrency");
    o.ngroup_columns = (size_t)get_u(r, DT_GROUP_COLUMNS_MAX, "--group-by");
    if (r->status)
        return false;
    if (dt_aggregate_init(r->agg, rules, cap ? (size_t)cap : DT_AGGREGATE_UNCAPPED))
        return out_of_memory(r);
    for (size_t i = 0; i < o.ngroup_columns; i++)
        if (!(o.group_columns[i] = get_s(r, COLUMN_MAX_BYTES, "a --group-by column")))
            return false;
    if (dt_aggregate_configure(r->agg, &o))
        return out_of_memory(r);
    size_t nconds = (size_t)get_u(r, DT_FILTER_MAX, "the filters");
    for (size_t i = 0; i < nconds && !r->status; i++) {
        char key[FILTER_KEY_MAX + 1], text[DT_FILTER_TEXT];
        dt_error_t why;
        if (get_text(r, key, FILTER_KEY_MAX, "a filter") &&
            get_text(r, text, DT_FILTER_TEXT - 1, "a filter") &&
            dt_filter_add(&meta->filter, key, text, &why))
            bad(r, "%s", why.msg);
    }
    if (!r->status && dt_aggregate_tallies(r->agg, meta->filter.n))
        return out_of_memory(r);
    return !r->status;
}

static bool get_rejections(reader_t *r)
{
    dt_aggregate_t *agg = r->agg;
    agg->nrejections = get_count(r, DT_REJECTION_SAMPLES, "the rejected rows");
    for (size_t i = 0; i < agg->nrejections && !r->status; i++) {
        dt_rejection_t *rej = &agg->rejections[i];
        rej->path = get_s(r, PATH_MAX_BYTES, "a rejected row");
        rej->line = get_u(r, COUNT_MAX, "a rejected row");
        get_text(r, rej->reason, DT_REASON_MAX - 1, "a rejected row");
    }
    if (r->status)
        agg->nrejections = 0;
    return !r->status;
}

static bool get_actions(reader_t *r)
{
    dt_aggregate_t *agg = r->agg;
    size_t slots = agg->rules->nactions + 1;
    agg->code_overflow = get_u(r, COUNT_MAX, "the code overflow");
    if (get_b(r, "the overflow's actions"))
        for (size_t a = 0; a < slots && !r->status; a++) {
            uint64_t n = get_u(r, COUNT_MAX, "the overflow's actions");
            if (!r->status && n && dt_aggregate_other_action(agg, a, n))
                return out_of_memory(r);
        }
    bool series = agg->options.by_time;
    if (!get_table(r, &agg->sbcs, TABLE_CALLS, "the SBC table") ||
        !get_table(r, &agg->times, series ? TABLE_TIMES : TABLE_CALLS, "the time series") ||
        !get_table(r, &agg->groups, TABLE_CALLS, "the group table") ||
        !get_table(r, &agg->group_times, TABLE_GROUP_TIMES, "the groups' series"))
        return false;
    agg->undated_in_series = get_u(r, COUNT_MAX, "the series' undated calls");
    for (size_t a = 0; a < slots; a++)
        agg->failed_by_action[a] = get_u(r, COUNT_MAX, "the failures by action");
    for (size_t a = 0; agg->options.samples && a < slots && !r->status; a++)
        get_samples(r, &agg->action_samples[a], &agg->action_nsamples[a], "an action's samples");
    return !r->status;
}

static bool get_rest(reader_t *r)
{
    dt_aggregate_t *agg = r->agg;
    if (get_u(r, DT_FILTER_MAX, "the tallies") != agg->ntallies && !r->status)
        return bad(r, "tallies that are not the filters'");
    for (size_t i = 0; i < agg->ntallies && !r->status; i++) {
        agg->tallies[i].held = get_u(r, COUNT_MAX, "a tally");
        get_table(r, &agg->tallies[i].values, TABLE_TALLY, "a tally");
    }
    agg->drilled = get_u(r, COUNT_MAX, "the rows written");
    size_t nnotes = get_count(r, DT_NOTES_MAX, "the notes");
    char note[NOTE_MAX_BYTES + 1];
    for (size_t i = 0; i < nnotes && get_text(r, note, NOTE_MAX_BYTES, "a note"); i++)
        dt_aggregate_note(agg, "%s", note);
    if (agg->note_lost)
        return out_of_memory(r);
    agg->note_lost = get_b(r, "the notes");
    return !r->status;
}

/* The sums the report relies on: failures by action and by code row are
 * the failures, and the SBC rows' calls the calls. */
static bool check_sums(reader_t *r)
{
    const dt_aggregate_t *agg = r->agg;
    uint64_t by_action = 0, by_code = 0, by_sbc = 0, other = 0;
    for (size_t a = 0; a <= agg->rules->nactions; a++) {
        by_action += agg->failed_by_action[a];
        other += agg->other_by_action ? agg->other_by_action[a] : 0;
    }
    for (size_t i = 0; i < agg->ncodes; i++)
        by_code += agg->codes[i].failed;
    for (size_t i = 0; i < agg->sbcs.nrows; i++)
        by_sbc += agg->sbcs.rows[i].counts.calls;
    uint64_t in_other = agg->code_other == SIZE_MAX ? 0 : agg->codes[agg->code_other].failed;
    const dt_counts_t *c = &agg->totals.counts;
    if (by_action != c->failed || by_code != c->failed || by_sbc != c->calls ||
        other != in_other || agg->code_overflow != in_other)
        return bad(r, "tables that do not add up to the totals");
    return true;
}

/* The signature, the version and the checksum, before anything is parsed. */
static bool check_envelope(reader_t *r, dt_state_meta_t *meta)
{
    if (r->len < DT_STATE_MAGIC_LEN || memcmp(r->data, DT_STATE_MAGIC, DT_STATE_MAGIC_LEN)) {
        r->status = dt_fail(r->err, DT_ERR_INPUT,
                            "%s: not a drtriage state (states start with '%s'; "
                            "drtriage --format state writes them, drtriage report reads exports)",
                            r->name, DT_STATE_MAGIC);
        return false;
    }
    if (r->len > DT_STATE_MAX)
        return bad(r, "larger than %zu bytes", DT_STATE_MAX);
    r->pos = DT_STATE_MAGIC_LEN;
    meta->version = (unsigned)get_u(r, UINT32_MAX, "the version");
    if (r->status)
        return false;
    if (meta->version != DT_STATE_VERSION) {
        r->status = dt_fail(r->err, DT_ERR_INPUT,
                            "%s: a state of version %u; this drtriage reads version %d (%s)",
                            r->name, meta->version, DT_STATE_VERSION,
                            meta->version > DT_STATE_VERSION
                                ? "it was made by a newer drtriage"
                                : "make it again from its export");
        return false;
    }
    uint64_t want = 0, got;
    if (r->len < r->pos + CHECKSUM_BYTES)
        return bad(r, "truncated: no checksum");
    r->len -= CHECKSUM_BYTES;
    for (int k = 0; k < CHECKSUM_BYTES; k++)
        want |= (uint64_t)r->data[r->len + (size_t)k] << (8 * k);
    if ((got = dt_hash64(r->data, r->len, 0)) != want) {
        r->status = dt_fail(r->err, DT_ERR_INPUT,
                            "%s: truncated or corrupt state: its checksum does not match "
                            "(%zu bytes)", r->name, r->len + CHECKSUM_BYTES);
        return false;
    }
    return get_text(r, meta->made_by, DT_STATE_MADE_BY_MAX - 1, "the drtriage version");
}

dt_status_t dt_state_decode(const char *name, const unsigned char *data, size_t len,
                            const dt_rules_t *rules, dt_aggregate_t *agg, dt_state_meta_t *meta,
                            dt_error_t *err)
{
    reader_t r = {.data = data, .len = len, .name = name, .agg = agg, .err = err};
    memset(agg, 0, sizeof *agg);
    memset(meta, 0, sizeof *meta);
    if (!check_envelope(&r, meta) || !get_head(&r, rules, meta))
        return r.status;
    get_totals(&r, &agg->totals);
    if (measured(agg))
        get_metrics(&r, &agg->total_metrics, "the totals' measures");
    size_t ninputs = get_count(&r, SIZE_MAX, "the inputs");
    for (size_t i = 0; i < ninputs && !r.status; i++) {
        dt_input_stats_t in;
        if (get_input(&r, &in) && dt_aggregate_add_input(agg, &in))
            out_of_memory(&r);
    }
    get_skipped(&r);
    if (!r.status && get_rejections(&r)) {
        size_t ncodes = get_count(&r, SIZE_MAX, "the code rows"), cap = agg->code_index.cap;
        agg->code_index.cap = 0;
        for (size_t i = 0; i < ncodes && get_code(&r, rules); i++)
            ;
        agg->code_index.cap = cap;
    }
    if (!r.status && get_actions(&r) && get_rest(&r) && check_sums(&r) && r.pos != r.len)
        bad(&r, "%zu bytes after the state", r.len - r.pos);
    return r.status;
}

dt_status_t dt_state_compatible(const dt_state_meta_t *a, const dt_state_meta_t *b,
                                dt_error_t *err)
{
    bool same = a->filter.n == b->filter.n;
    for (size_t i = 0; same && i < a->filter.n; i++)
        same = a->filter.conds[i].kind == b->filter.conds[i].kind &&
               strcmp(a->filter.conds[i].text, b->filter.conds[i].text) == 0;
    if (same)
        return DT_OK;
    char x[DT_ERROR_MAX / 3], y[DT_ERROR_MAX / 3];
    dt_filter_describe(&a->filter, x, sizeof x);
    dt_filter_describe(&b->filter, y, sizeof y);
    return dt_fail(err, DT_ERR_USAGE, "different filters ('%s' and '%s')", x, y);
}

/* Reads every byte of fd (at most DT_STATE_MAX) into a malloc'd buffer. */
static dt_status_t read_all(int fd, const char *name, unsigned char **data, size_t *len,
                            dt_error_t *err)
{
    size_t cap = 64 * 1024, n = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", name);
        if (n == cap) {
            if (cap > DT_STATE_MAX) {
                free(buf);
                return dt_fail(err, DT_ERR_INPUT, "%s: larger than a state can be (%zu bytes)",
                               name, DT_STATE_MAX);
            }
            unsigned char *grown = realloc(buf, cap * 2);
            if (!grown)
                free(buf);
            buf = grown;
            cap *= 2;
            continue;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return dt_fail(err, DT_ERR_INPUT, "%s: cannot read: %s", name, strerror(e));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    *data = buf;
    *len = n;
    return DT_OK;
}

dt_status_t dt_state_load(const char *path, const dt_rules_t *rules, dt_aggregate_t *agg,
                          dt_state_meta_t *meta, dt_error_t *err)
{
    bool std_in = strcmp(path, "-") == 0;
    const char *name = std_in ? "<stdin>" : path;
    memset(agg, 0, sizeof *agg);
    int fd = std_in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return dt_fail(err, DT_ERR_INPUT, "%s: cannot open: %s", name, strerror(errno));
    struct stat sb;
    dt_status_t st = DT_OK;
    unsigned char *data = NULL;
    size_t len = 0;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode))
        st = dt_fail(err, DT_ERR_INPUT, "%s: is a directory, not a state", name);
    else
        st = read_all(fd, name, &data, &len, err);
    if (!std_in)
        close(fd);
    if (st == DT_OK)
        st = dt_state_decode(name, data, len, rules, agg, meta, err);
    free(data);
    return st;
}
