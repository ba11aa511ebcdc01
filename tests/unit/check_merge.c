/* check_merge.c - aggregates counted in parts and merged: in input order the
 * merge is exactly the whole count, split anywhere; in any order it is the
 * same whatever the order and grouping of the parts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_merge.h"
#include "dt_report.h"
#include "dt_writer.h"
#include "test_util.h"

/* Every field of the aggregate takes part in a merge. When one of these
 * fails, a field was added: merge it (src/merge.c), write and read it in the
 * state (src/report/state.c, docs/state.md), compare it in same_aggregate
 * below, then update the size here. */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(dt_counts_t) == 88, "dt_counts_t changed: see above");
_Static_assert(sizeof(dt_totals_t) == 168, "dt_totals_t changed: see above");
_Static_assert(sizeof(dt_input_stats_t) == 216, "dt_input_stats_t changed: see above");
_Static_assert(sizeof(dt_rejection_t) == 272, "dt_rejection_t changed: see above");
_Static_assert(sizeof(dt_code_row_t) == 248, "dt_code_row_t changed: see above");
_Static_assert(sizeof(dt_keyed_row_t) == 112, "dt_keyed_row_t changed: see above");
_Static_assert(sizeof(dt_keyed_table_t) == 112, "dt_keyed_table_t changed: see above");
_Static_assert(sizeof(dt_tally_t) == 120, "dt_tally_t changed: see above");
_Static_assert(sizeof(dt_aggregate_options_t) == 96, "dt_aggregate_options_t changed: see above");
_Static_assert(sizeof(dt_sample_t) == 32, "dt_sample_t changed: see above");
_Static_assert(sizeof(dt_input_dates_t) == 24, "dt_input_dates_t changed: see above");
_Static_assert(sizeof(dt_aggregate_t) == 3816, "dt_aggregate_t changed: see above");
#endif

/* ---- a stream of what the pipeline tells an aggregate ---- */

typedef enum {
    EV_INPUT,    /* begin an input (path), its format and count column */
    EV_CALL,
    EV_REJECT,
    EV_EXCLUDE,
    EV_DUPLICATE,
    EV_UNCHECKED,
    EV_NOTE,
    EV_TALLY,
    EV_TIME,     /* widen the input's time range */
    EV_DATES,    /* the input's date summary, at its end */
} ev_kind_t;

typedef struct {
    ev_kind_t kind;
    char path[32];
    int code;          /* index into codes[] */
    char sbc[16], group[16], corr[16], start[24], text[48];
    bool succeeded, has_time, held;
    int64_t time;
    uint64_t weight, line;
    size_t tally;
} ev_t;

static const struct {
    long long sip, ms;
    const char *phrase;
} codes[] = {{403, 560403, "Forbidden"}, {486, 560486, ""},    {403, 510560, "x"},
             {480, 560480, ""},           {503, 0, "Service"}, {500, 599999, "odd"},
             {404, -1, "Not Found"},      {-1, 999001, ""},    {403, 560403, "FORBIDDEN"}};
#define NCODES (sizeof codes / sizeof codes[0])

#define MAX_EVENTS 1200

typedef struct {
    ev_t ev[MAX_EVENTS];
    size_t n;
} stream_t;

static uint64_t rng_state;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng_state >> 33) % n;
}

static ev_t *push(stream_t *s, ev_kind_t kind)
{
    ck_assert_uint_lt(s->n, MAX_EVENTS);
    ev_t *e = &s->ev[s->n++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    return e;
}

/* A stream over `ninputs` inputs named in sorted order (part-0.csv ...), with
 * calls of every kind, weights of 0, 1 and 3, rejected rows past the kept
 * ones, notes past the cap (in sorted order within the stream), and tally
 * values, more than a tally keeps when `many_values`. */
static void make_stream(stream_t *s, unsigned ninputs, unsigned calls, bool many_values,
                        uint64_t seed)
{
    rng_state = seed;
    s->n = 0;
    int64_t t = 1700000000;
    unsigned note = 0;
    for (unsigned in = 0; in < ninputs; in++) {
        ev_t *e = push(s, EV_INPUT);
        snprintf(e->path, sizeof e->path, "part-%u.csv", in);
        e->weight = in == 1; /* a count column */
        uint64_t line = 1;
        for (unsigned k = 0; k < calls; k++) {
            unsigned what = rnd(20);
            line++;
            t += rnd(1500);
            if (what == 0) {
                e = push(s, EV_REJECT);
                e->line = line;
                snprintf(e->text, sizeof e->text, "bad row %u", rnd(5));
            } else if (what == 1) {
                e = push(s, EV_EXCLUDE);
                e->weight = 1 + rnd(2);
                e->held = rnd(2);
            } else if (what == 2) {
                e = push(s, EV_DUPLICATE);
                e->weight = 1;
            } else if (what == 3) {
                push(s, EV_UNCHECKED);
            } else if (what == 4) {
                e = push(s, EV_NOTE);
                snprintf(e->text, sizeof e->text, "part-%u.csv: note %03u", in, note++);
            } else if (what == 5) {
                e = push(s, EV_TIME);
                e->time = t;
            } else {
                e = push(s, EV_CALL);
                e->code = (int)rnd(NCODES);
                e->succeeded = rnd(3) == 0;
                e->weight = in != 1 ? 1 : rnd(10) == 0 ? 0 : rnd(5) == 0 ? 3 : 1;
                snprintf(e->sbc, sizeof e->sbc, "sbc%u", rnd(6));
                snprintf(e->group, sizeof e->group, "g%u", rnd(5));
                if (rnd(8))
                    snprintf(e->corr, sizeof e->corr, "c%05u", rnd(100000));
                e->has_time = rnd(10) != 0;
                e->time = e->has_time ? t : 0;
                snprintf(e->start, sizeof e->start, "%lld", (long long)t);
                e->tally = rnd(2);
                e->held = rnd(2);
            }
            e->line = line;
        }
        for (unsigned v = 0; many_values && v < DT_TALLY_VALUES_CAP / 2 + 20; v++) {
            e = push(s, EV_TALLY);
            e->tally = 1;
            e->weight = 1 + rnd(3);
            e->held = true;
            snprintf(e->text, sizeof e->text, "v%u-%u", in, v);
        }
        for (unsigned k = 0; k < 12; k++) { /* past the notes' and rejections' caps */
            e = push(s, k % 3 ? EV_NOTE : EV_REJECT);
            e->line = ++line;
            snprintf(e->text, sizeof e->text, "part-%u.csv: note %03u", in, note++);
        }
        push(s, EV_DATES)->line = in + 1;
    }
}

static dt_slice_t slice(const char *text)
{
    return (dt_slice_t){text, strlen(text)};
}

static dt_aggregate_options_t stream_options(void)
{
    static const char *const columns[] = {"Group"};
    dt_aggregate_options_t o = {.by_time = true, .bucket = DT_BUCKET_HOUR, .samples = 2,
                                .ngroup_columns = 1};
    o.group_columns[0] = columns[0];
    return o;
}

static void agg_init(dt_aggregate_t *agg, size_t cap)
{
    dt_aggregate_options_t o = stream_options();
    ck_assert_int_eq(dt_aggregate_init(agg, &tu_rules, cap), DT_OK);
    ck_assert_int_eq(dt_aggregate_configure(agg, &o), DT_OK);
    ck_assert_int_eq(dt_aggregate_tallies(agg, 2), DT_OK);
}

static void replay_call(dt_aggregate_t *agg, const ev_t *e)
{
    dt_call_t c;
    memset(&c, 0, sizeof c);
    c.weight = e->weight;
    c.key.has_sip = codes[e->code].sip >= 0;
    c.key.sip = c.key.has_sip ? (unsigned)codes[e->code].sip : 0;
    c.key.has_ms = codes[e->code].ms >= 0;
    c.key.ms = c.key.has_ms ? (uint64_t)codes[e->code].ms : 0;
    c.phrase = slice(codes[e->code].phrase);
    c.sbc = slice(e->sbc);
    c.succeeded = e->succeeded;
    if (!e->succeeded) {
        c.match = dt_codes_lookup(tu_codes, &c.key, c.phrase.ptr, c.phrase.len, NULL);
        ck_assert_ptr_nonnull(c.match);
        c.origin = c.match->origin;
    }
    c.effective = e->succeeded || (c.key.has_sip && tu_rules.ner_effective[c.key.sip]);
    dt_call_extra_t extra = {.has_time = e->has_time, .time = e->time,
                             .correlation = slice(e->corr), .start = slice(e->start),
                             .group = slice(e->group)};
    ck_assert_int_eq(dt_aggregate_call(agg, &c, &extra), DT_OK);
    if (e->has_time)
        dt_aggregate_input_time(agg, e->time);
    if (agg->ntallies)
        ck_assert_int_eq(dt_aggregate_tally(agg, e->tally, e->held, c.sbc, c.weight), DT_OK);
}

static void replay_event(dt_aggregate_t *agg, const ev_t *e)
{
    dt_call_t none = {.weight = e->weight};
    switch (e->kind) {
    case EV_INPUT:
        ck_assert_int_eq(dt_aggregate_begin_input(agg, e->path), DT_OK);
        dt_aggregate_set_format(agg, DT_FAMILY_TAC, e->weight ? ';' : ',');
        if (e->weight)
            ck_assert_int_eq(dt_aggregate_set_count_column(agg, "Count", 5), DT_OK);
        break;
    case EV_CALL:
        replay_call(agg, e);
        break;
    case EV_REJECT:
        dt_aggregate_reject(agg, e->line, e->text);
        break;
    case EV_EXCLUDE:
        dt_aggregate_exclude(agg, &none, e->held ? DT_EXCLUDED_FILTER : DT_EXCLUDED_NON_PSTN,
                             e->held);
        break;
    case EV_DUPLICATE:
        dt_aggregate_duplicate(agg, &none);
        break;
    case EV_UNCHECKED:
        dt_aggregate_unchecked(agg);
        break;
    case EV_NOTE:
        dt_aggregate_note(agg, "%s", e->text);
        break;
    case EV_TALLY:
        ck_assert_int_eq(dt_aggregate_tally(agg, e->tally, e->held, slice(e->text), e->weight),
                         DT_OK);
        break;
    case EV_TIME:
        dt_aggregate_input_time(agg, e->time);
        break;
    case EV_DATES: {
        dt_input_dates_t dates = {.order = DT_ORDER_DMY, .from = DT_ORDER_FROM_DATA,
                                  .line = e->line, .conflicts = e->line * 2};
        dt_aggregate_set_dates(agg, &dates);
        break;
    }
    }
}

/* Replays events [from, to) into agg; a part that starts inside an input
 * begins it again (a chunk of it), and *same says so. */
static void replay(dt_aggregate_t *agg, const stream_t *s, size_t from, size_t to, bool *same)
{
    *same = false;
    if (from < to && s->ev[from].kind != EV_INPUT) {
        size_t i = from;
        while (i > 0 && s->ev[i].kind != EV_INPUT)
            i--;
        ck_assert_int_eq(dt_aggregate_begin_input(agg, s->ev[i].path), DT_OK);
        *same = true;
    }
    for (size_t i = from; i < to; i++)
        replay_event(agg, &s->ev[i]);
}

/* ---- comparing aggregates field by field ---- */

static void same_samples(const dt_sample_t *a, size_t na, const dt_sample_t *b, size_t nb)
{
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++) {
        ck_assert_str_eq(a[i].correlation, b[i].correlation);
        ck_assert_str_eq(a[i].start, b[i].start);
        ck_assert_int_eq(a[i].has_time, b[i].has_time);
        ck_assert_int_eq(a[i].time, b[i].time);
    }
}

static void same_table(const dt_keyed_table_t *a, const dt_keyed_table_t *b)
{
    ck_assert_uint_eq(a->nrows, b->nrows);
    ck_assert_uint_eq(a->other, b->other);
    ck_assert_uint_eq(a->overflow, b->overflow);
    ck_assert_uint_eq(a->index.cap, b->index.cap);
    for (size_t i = 0; i < a->nrows; i++) {
        ck_assert_str_eq(a->rows[i].name, b->rows[i].name);
        ck_assert_int_eq(a->rows[i].start, b->rows[i].start);
        ck_assert_int_eq(a->rows[i].other, b->rows[i].other);
        ck_assert_msg(memcmp(&a->rows[i].counts, &b->rows[i].counts, sizeof a->rows[i].counts) == 0,
                      "row '%s' counts differ", a->rows[i].name);
    }
}

static uint64_t other_by(const dt_aggregate_t *agg, size_t a)
{
    return agg->other_by_action ? agg->other_by_action[a] : 0;
}

static void same_inputs(const dt_aggregate_t *a, const dt_aggregate_t *b)
{
    ck_assert_uint_eq(a->ninputs, b->ninputs);
    for (size_t i = 0; i < a->ninputs; i++) {
        const dt_input_stats_t *x = &a->inputs[i], *y = &b->inputs[i];
        ck_assert_str_eq(x->path, y->path);
        ck_assert_int_eq(x->family, y->family);
        ck_assert_int_eq(x->delimiter, y->delimiter);
        const uint64_t xs[] = {x->rows, x->call_rows, x->calls, x->rejected, x->excluded,
                               x->duplicates, x->zero_rows, x->unchecked, x->content.total};
        const uint64_t ys[] = {y->rows, y->call_rows, y->calls, y->rejected, y->excluded,
                               y->duplicates, y->zero_rows, y->unchecked, y->content.total};
        ck_assert_msg(memcmp(xs, ys, sizeof xs) == 0, "input %s counts differ", x->path);
        ck_assert_uint_eq(dt_hash_digest(&x->content), dt_hash_digest(&y->content));
        ck_assert_msg(memcmp(&x->dates, &y->dates, sizeof x->dates) == 0, "%s dates", x->path);
        ck_assert_int_eq(!x->count_column, !y->count_column);
        if (x->count_column)
            ck_assert_str_eq(x->count_column, y->count_column);
        ck_assert_int_eq(x->has_time, y->has_time);
        if (x->has_time) {
            ck_assert_int_eq(x->first, y->first);
            ck_assert_int_eq(x->last, y->last);
        }
    }
}

static void same_codes(const dt_aggregate_t *a, const dt_aggregate_t *b)
{
    ck_assert_uint_eq(a->ncodes, b->ncodes);
    ck_assert_uint_eq(a->code_other, b->code_other);
    ck_assert_uint_eq(a->code_overflow, b->code_overflow);
    ck_assert_uint_eq(a->code_index.cap, b->code_index.cap);
    for (size_t i = 0; i < a->ncodes; i++) {
        const dt_code_row_t *x = &a->codes[i], *y = &b->codes[i];
        ck_assert_int_eq(x->other, y->other);
        ck_assert_msg(x->key.has_sip == y->key.has_sip && x->key.sip == y->key.sip &&
                          x->key.has_ms == y->key.has_ms && x->key.ms == y->key.ms,
                      "code row %zu keys differ", i);
        ck_assert(x->match.level == y->match.level && x->match.entry == y->match.entry &&
                  x->match.action == y->match.action && x->match.origin == y->match.origin &&
                  x->match.known == y->match.known && x->match.sbc_sip == y->match.sbc_sip &&
                  x->match.has_sbc_sip == y->match.has_sbc_sip);
        ck_assert_uint_eq(x->failed, y->failed);
        ck_assert_str_eq(x->phrase, y->phrase);
        same_samples(x->samples, x->nsamples, y->samples, y->nsamples);
    }
}

/* Asserts that two aggregates hold the same, field by field, rows in order. */
static void same_aggregate(const dt_aggregate_t *a, const dt_aggregate_t *b)
{
    ck_assert_msg(memcmp(&a->totals, &b->totals, sizeof a->totals) == 0, "totals differ");
    same_inputs(a, b);
    ck_assert_uint_eq(a->nrejections, b->nrejections);
    for (size_t i = 0; i < a->nrejections; i++) {
        ck_assert_str_eq(a->rejections[i].path, b->rejections[i].path);
        ck_assert_uint_eq(a->rejections[i].line, b->rejections[i].line);
        ck_assert_str_eq(a->rejections[i].reason, b->rejections[i].reason);
    }
    same_codes(a, b);
    same_table(&a->sbcs, &b->sbcs);
    same_table(&a->times, &b->times);
    same_table(&a->groups, &b->groups);
    ck_assert_uint_eq(a->undated_in_series, b->undated_in_series);
    ck_assert(a->options.by_time == b->options.by_time && a->options.bucket == b->options.bucket &&
              a->options.samples == b->options.samples && a->options.dedupe == b->options.dedupe &&
              a->options.ngroup_columns == b->options.ngroup_columns);
    for (size_t s = 0; s <= a->rules->nactions; s++) {
        ck_assert_uint_eq(a->failed_by_action[s], b->failed_by_action[s]);
        ck_assert_uint_eq(other_by(a, s), other_by(b, s));
        if (a->action_samples)
            same_samples(a->action_samples[s], a->action_nsamples[s], b->action_samples[s],
                         b->action_nsamples[s]);
    }
    ck_assert_uint_eq(a->ntallies, b->ntallies);
    for (size_t i = 0; i < a->ntallies; i++) {
        ck_assert_uint_eq(a->tallies[i].held, b->tallies[i].held);
        same_table(&a->tallies[i].values, &b->tallies[i].values);
    }
    ck_assert_uint_eq(a->drilled, b->drilled);
    ck_assert_uint_eq(a->nnotes, b->nnotes);
    for (size_t i = 0; i < a->nnotes; i++)
        ck_assert_str_eq(a->notes[i], b->notes[i]);
    ck_assert_int_eq(a->note_lost, b->note_lost);
}

/* The JSON report of an aggregate (free it). */
static char *json_of(const dt_aggregate_t *agg)
{
    dt_report_t report;
    ck_assert_int_eq(dt_report_build(&report, agg, NULL), DT_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    dt_write_options_t wo = {0};
    dt_error_t err;
    ck_assert_int_eq(dt_write_json(out, &report, &wo, &err), DT_OK);
    fclose(out);
    dt_report_free(&report);
    return text;
}

/* Asserts two reports are the same, showing where they first differ. */
static void same_report(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    size_t from = i > 60 ? i - 60 : 0;
    ck_assert_msg(a[i] == b[i], "reports differ at byte %zu: '%.120s' and '%.120s'", i, a + from,
                  b + from);
}

static void merge_ok(dt_aggregate_t *dst, const dt_aggregate_t *src, dt_merge_mode_t mode)
{
    dt_error_t err = {{0}};
    ck_assert_msg(dt_aggregate_merge(dst, src, mode, &err) == DT_OK, "merge: %s", err.msg);
}

/* ---- in input order ---- */

#define SMALL_CAP 3

/* Split in two at every event: the first part capped as the whole run, the
 * second uncapped, merged in input order: exactly the whole. */
START_TEST(test_split_everywhere)
{
    static stream_t s;
    make_stream(&s, 3, 60, _i == 1, 42 + (uint64_t)_i);
    size_t cap = _i == 2 ? 0 : SMALL_CAP;
    dt_aggregate_t whole;
    agg_init(&whole, cap);
    bool same;
    replay(&whole, &s, 0, s.n, &same);
    ck_assert(whole.code_overflow > 0 || cap == 0);
    ck_assert(whole.tallies[1].values.overflow > 0 || _i != 1);
    ck_assert_uint_eq(whole.nnotes, DT_NOTES_MAX);
    ck_assert_uint_eq(whole.nrejections, DT_REJECTION_SAMPLES);
    tu_assert_totals(&whole);
    char *want = json_of(&whole);
    for (size_t k = 0; k <= s.n; k++) {
        dt_aggregate_t head, tail;
        agg_init(&head, cap);
        agg_init(&tail, DT_AGGREGATE_UNCAPPED);
        replay(&head, &s, 0, k, &same);
        replay(&tail, &s, k, s.n, &same);
        merge_ok(&head, &tail, same ? DT_MERGE_SAME_INPUT : DT_MERGE_NEXT_INPUT);
        same_aggregate(&whole, &head);
        if (k % 37 == 0) {
            char *got = json_of(&head);
            same_report(got, want);
            free(got);
        }
        dt_aggregate_free(&head);
        dt_aggregate_free(&tail);
    }
    free(want);
    dt_aggregate_free(&whole);
}
END_TEST

/* Chunks of every size merged one after the other into an empty aggregate,
 * as the parallel engine does. */
START_TEST(test_chunks_in_order)
{
    static stream_t s;
    make_stream(&s, 4, 40, true, 7);
    dt_aggregate_t whole;
    agg_init(&whole, SMALL_CAP);
    bool same;
    replay(&whole, &s, 0, s.n, &same);
    for (size_t size = 1; size < s.n; size += size < 16 ? 1 : 23) {
        dt_aggregate_t all;
        agg_init(&all, SMALL_CAP);
        for (size_t from = 0; from < s.n; from += size) {
            dt_aggregate_t chunk;
            agg_init(&chunk, DT_AGGREGATE_UNCAPPED);
            size_t to = from + size < s.n ? from + size : s.n;
            replay(&chunk, &s, from, to, &same);
            merge_ok(&all, &chunk, same ? DT_MERGE_SAME_INPUT : DT_MERGE_NEXT_INPUT);
            dt_aggregate_free(&chunk);
        }
        same_aggregate(&whole, &all);
        dt_aggregate_free(&all);
    }
    dt_aggregate_free(&whole);
}
END_TEST

/* Every counter of the totals and of dt_counts_t is added: a counter added
 * without being merged fails here. */
START_TEST(test_every_counter)
{
    dt_aggregate_t a, b;
    agg_init(&a, 0);
    agg_init(&b, 0);
    memset(&b.totals, 0x5a, sizeof b.totals);
    merge_ok(&a, &b, DT_MERGE_NEXT_INPUT);
    ck_assert_int_eq(memcmp(&a.totals, &b.totals, sizeof a.totals), 0);
    merge_ok(&a, &b, DT_MERGE_ANY_ORDER);
    dt_totals_t twice;
    memset(&twice, 0xb4, sizeof twice); /* 0x5a5a... + 0x5a5a... */
    ck_assert_int_eq(memcmp(&a.totals, &twice, sizeof a.totals), 0);
    dt_counts_t x = {0}, y;
    memset(&y, 0x21, sizeof y);
    dt_counts_merge(&x, &y);
    ck_assert_int_eq(memcmp(&x, &y, sizeof x), 0);
    dt_aggregate_free(&a);
    dt_aggregate_free(&b);
}
END_TEST

/* A continued input takes the hash of the part that hashed its bytes; both
 * hashing is refused, and so is merging aggregates of different tables. */
START_TEST(test_refused)
{
    dt_aggregate_t a, b;
    dt_error_t err;
    agg_init(&a, 0);
    agg_init(&b, 0);
    ck_assert_int_eq(dt_aggregate_begin_input(&a, "x.csv"), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&b, "x.csv"), DT_OK);
    dt_aggregate_input_bytes(&b, "abc", 3);
    merge_ok(&a, &b, DT_MERGE_SAME_INPUT);
    ck_assert_uint_eq(a.ninputs, 1);
    ck_assert_uint_eq(a.inputs[0].content.total, 3);
    ck_assert_int_eq(dt_aggregate_merge(&a, &b, DT_MERGE_SAME_INPUT, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "cannot be continued");
    merge_ok(&a, &b, DT_MERGE_NEXT_INPUT);
    ck_assert_uint_eq(a.ninputs, 2);
    dt_aggregate_free(&b);

    static const struct {
        dt_aggregate_options_t o;
        const char *says;
    } cases[] = {{{.by_time = true, .bucket = DT_BUCKET_DAY, .samples = 2, .ngroup_columns = 1,
                   .group_columns = {"Group"}}, "--by hour and --by day"},
                 {{.by_time = true, .samples = 3, .ngroup_columns = 1, .group_columns = {"Group"}},
                  "--samples (2 and 3)"},
                 {{.by_time = true, .samples = 2, .ngroup_columns = 1, .group_columns = {"G"}},
                  "--group-by"},
                 {{.by_time = true, .samples = 2, .dedupe = true, .ngroup_columns = 1,
                   .group_columns = {"Group"}}, "--dedupe"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(dt_aggregate_init(&b, &tu_rules, 0), DT_OK);
        ck_assert_int_eq(dt_aggregate_configure(&b, &cases[i].o), DT_OK);
        ck_assert_int_eq(dt_aggregate_tallies(&b, 2), DT_OK);
        ck_assert_int_eq(dt_aggregate_merge(&a, &b, DT_MERGE_ANY_ORDER, &err), DT_ERR_USAGE);
        ck_assert_contains(err.msg, cases[i].says);
        dt_aggregate_free(&b);
    }
    agg_init(&b, 0);
    dt_aggregate_t c;
    ck_assert_int_eq(dt_aggregate_init(&c, &tu_rules, 0), DT_OK);
    dt_aggregate_options_t o = stream_options();
    ck_assert_int_eq(dt_aggregate_configure(&c, &o), DT_OK);
    ck_assert_int_eq(dt_aggregate_merge(&b, &c, DT_MERGE_ANY_ORDER, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "different filters");
    dt_aggregate_free(&c);
    dt_rules_t other;
    tu_rules_embedded(&other);
    ck_assert_int_eq(dt_aggregate_init(&c, &other, 0), DT_OK);
    ck_assert_int_eq(dt_aggregate_merge(&b, &c, DT_MERGE_ANY_ORDER, &err), DT_ERR_USAGE);
    ck_assert_contains(err.msg, "different rules");
    dt_aggregate_free(&c);
    dt_rules_free(&other);
    dt_aggregate_free(&b);
    dt_aggregate_free(&a);
}
END_TEST

/* ---- in any order ---- */

#define NPARTS 4

/* The parts of a stream cut at its inputs, each counted as a run of its own. */
static void count_parts(const stream_t *s, size_t cap, dt_aggregate_t parts[NPARTS])
{
    size_t at[NPARTS + 1], n = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->ev[i].kind == EV_INPUT)
            at[n++] = i;
    ck_assert_uint_eq(n, NPARTS);
    at[n] = s->n;
    for (size_t p = 0; p < NPARTS; p++) {
        bool same;
        agg_init(&parts[p], cap);
        replay(&parts[p], s, at[p], at[p + 1], &same);
    }
}

/* Merges the parts in the order perm gives, grouped as a left fold, a right
 * fold or pairs, into a fresh aggregate, folds it, and returns its report. */
static char *merged_report(dt_aggregate_t parts[NPARTS], const size_t perm[NPARTS], int shape,
                           size_t cap)
{
    dt_aggregate_t all, pair[2];
    agg_init(&all, cap);
    if (shape == 0) {
        for (size_t p = 0; p < NPARTS; p++)
            merge_ok(&all, &parts[perm[p]], DT_MERGE_ANY_ORDER);
    } else if (shape == 1) {
        dt_aggregate_t acc;
        agg_init(&acc, cap);
        merge_ok(&acc, &parts[perm[NPARTS - 1]], DT_MERGE_ANY_ORDER);
        for (size_t p = NPARTS - 1; p-- > 0;) {
            dt_aggregate_t next;
            agg_init(&next, cap);
            merge_ok(&next, &parts[perm[p]], DT_MERGE_ANY_ORDER);
            merge_ok(&next, &acc, DT_MERGE_ANY_ORDER);
            dt_aggregate_free(&acc);
            acc = next;
        }
        merge_ok(&all, &acc, DT_MERGE_ANY_ORDER);
        dt_aggregate_free(&acc);
    } else {
        for (size_t h = 0; h < 2; h++) {
            agg_init(&pair[h], cap);
            merge_ok(&pair[h], &parts[perm[2 * h]], DT_MERGE_ANY_ORDER);
            merge_ok(&pair[h], &parts[perm[2 * h + 1]], DT_MERGE_ANY_ORDER);
        }
        merge_ok(&all, &pair[1], DT_MERGE_ANY_ORDER);
        merge_ok(&all, &pair[0], DT_MERGE_ANY_ORDER);
        dt_aggregate_free(&pair[0]);
        dt_aggregate_free(&pair[1]);
    }
    dt_error_t err;
    ck_assert_int_eq(dt_aggregate_fold(&all, &err), DT_OK);
    tu_assert_totals(&all);
    char *json = json_of(&all);
    dt_aggregate_free(&all);
    return json;
}

/* Every order and grouping of the parts gives the same report; within the
 * caps, the whole run's. */
START_TEST(test_any_order)
{
    static stream_t s;
    make_stream(&s, NPARTS, 50, _i == 1, 99 + (uint64_t)_i);
    size_t cap = _i == 2 ? SMALL_CAP : 0;
    dt_aggregate_t parts[NPARTS];
    count_parts(&s, cap, parts);
    dt_aggregate_t whole;
    agg_init(&whole, cap);
    bool same;
    replay(&whole, &s, 0, s.n, &same);
    char *want = json_of(&whole);
    static const size_t perms[][NPARTS] = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2},
                                           {2, 0, 3, 1}, {0, 2, 1, 3}, {3, 0, 1, 2}};
    char *first = NULL;
    for (size_t p = 0; p < sizeof perms / sizeof perms[0]; p++)
        for (int shape = 0; shape < 3; shape++) {
            char *got = merged_report(parts, perms[p], shape, cap);
            if (!first)
                first = got;
            else {
                same_report(got, first);
                free(got);
            }
        }
    if (cap == 0) /* nothing overflowed: the whole run's report */
        same_report(first, want);
    free(first);
    free(want);
    for (size_t p = 0; p < NPARTS; p++)
        dt_aggregate_free(&parts[p]);
    dt_aggregate_free(&whole);
}
END_TEST

/* One part merged into an empty aggregate is that part, in its order. */
START_TEST(test_any_order_neutral)
{
    static stream_t s;
    make_stream(&s, 3, 40, false, 5);
    dt_aggregate_t whole, copy, empty;
    agg_init(&whole, SMALL_CAP);
    bool same;
    replay(&whole, &s, 0, s.n, &same);
    agg_init(&copy, SMALL_CAP);
    merge_ok(&copy, &whole, DT_MERGE_ANY_ORDER);
    agg_init(&empty, SMALL_CAP);
    merge_ok(&copy, &empty, DT_MERGE_ANY_ORDER);
    same_aggregate(&whole, &copy);
    dt_error_t err;
    ck_assert_int_eq(dt_aggregate_fold(&copy, &err), DT_OK); /* within the caps already */
    same_aggregate(&whole, &copy);
    dt_aggregate_free(&whole);
    dt_aggregate_free(&copy);
    dt_aggregate_free(&empty);
}
END_TEST

/* Over a cap, the keys with most calls stay, ties by key; the rest (and
 * their failed calls by action, and their samples) go to "other". */
START_TEST(test_fold)
{
    dt_aggregate_t a, b;
    ck_assert_int_eq(dt_aggregate_init(&a, &tu_rules, 2), DT_OK);
    ck_assert_int_eq(dt_aggregate_init(&b, &tu_rules, 2), DT_OK);
    dt_aggregate_options_t o = {.samples = 1};
    ck_assert_int_eq(dt_aggregate_configure(&a, &o), DT_OK);
    ck_assert_int_eq(dt_aggregate_configure(&b, &o), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&a, "a.csv"), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&b, "b.csv"), DT_OK);
    ev_t e = {.kind = EV_CALL, .weight = 1, .has_time = true};
    const struct {
        dt_aggregate_t *agg;
        int code;
        const char *sbc;
        unsigned n;
    } calls[] = {{&a, 0, "s1", 1}, {&a, 1, "s2", 2}, {&b, 3, "s3", 3}, {&b, 0, "s2", 1},
                 {&b, 5, "s4", 1}};
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
        for (unsigned k = 0; k < calls[i].n; k++) {
            e.code = calls[i].code;
            snprintf(e.sbc, sizeof e.sbc, "%s", calls[i].sbc);
            snprintf(e.corr, sizeof e.corr, "c%zu-%u", i, k);
            e.time = (int64_t)(100 - i);
            replay_call(calls[i].agg, &e);
        }
    merge_ok(&a, &b, DT_MERGE_ANY_ORDER);
    ck_assert_uint_eq(a.sbcs.nrows, 4); /* over the cap of 2 */
    ck_assert_uint_eq(a.ncodes, 4);
    dt_error_t err;
    ck_assert_int_eq(dt_aggregate_fold(&a, &err), DT_OK);
    ck_assert_uint_eq(a.sbcs.nrows, 3);
    ck_assert_str_eq(a.sbcs.rows[0].name, "s2"); /* 3 calls, then s3 with 3: by name */
    ck_assert_str_eq(a.sbcs.rows[1].name, "s3");
    ck_assert(a.sbcs.rows[2].other);
    ck_assert_uint_eq(a.sbcs.rows[2].counts.calls, 2);
    ck_assert_uint_eq(a.sbcs.overflow, 2);
    ck_assert_uint_eq(a.ncodes, 3);
    ck_assert(a.codes[2].other);
    /* 560486 (2 failed calls) ties with 560403 and comes after it; 599999 has 1 */
    ck_assert_uint_eq(a.codes[0].key.ms, 560403);
    ck_assert_uint_eq(a.codes[1].key.ms, 560480);
    ck_assert_uint_eq(a.codes[2].failed, 3);
    ck_assert_uint_eq(a.code_overflow, 3);
    uint64_t shares = 0;
    for (size_t s = 0; s <= tu_rules.nactions; s++)
        shares += other_by(&a, s);
    ck_assert_uint_eq(shares, 3);
    ck_assert_uint_eq(a.codes[2].nsamples, 1);
    ck_assert(a.sbcs.index.count == 2 && a.code_index.count == 2);
    tu_assert_totals(&a);
    dt_aggregate_free(&a);
    dt_aggregate_free(&b);
}
END_TEST

Suite *dt_suite_merge(void)
{
    Suite *s = suite_create("merge");
    TCase *t = tcase_create("merge");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, tu_embedded_setup, tu_embedded_teardown);
    tcase_add_loop_test(t, test_split_everywhere, 0, 3);
    tcase_add_test(t, test_chunks_in_order);
    tcase_add_test(t, test_every_counter);
    tcase_add_test(t, test_refused);
    tcase_add_loop_test(t, test_any_order, 0, 3);
    tcase_add_test(t, test_any_order_neutral);
    tcase_add_test(t, test_fold);
    suite_add_tcase(s, t);
    return s;
}
