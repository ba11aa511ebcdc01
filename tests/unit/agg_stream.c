/* agg_stream.c - a generated call stream for aggregates (agg_stream.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "agg_stream.h"
#include "dt_report.h"
#include "dt_writer.h"
#include "test_util.h"

/* ---- a stream of what the pipeline tells an aggregate ---- */

static const struct {
    long long sip, ms;
    const char *phrase;
} codes[] = {{403, 560403, "Forbidden"}, {486, 560486, ""},    {403, 510560, "x"},
             {480, 560480, ""},           {503, 0, "Service"}, {500, 599999, "odd"},
             {404, -1, "Not Found"},      {-1, 999001, ""},    {403, 560403, "FORBIDDEN"}};
#define NCODES (sizeof codes / sizeof codes[0])

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

void st_make(stream_t *s, unsigned ninputs, unsigned calls, bool many_values, uint64_t seed)
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
        if (in % 2) {
            e = push(s, EV_SKIP);
            snprintf(e->path, sizeof e->path, "skip-%u.bin", in);
            snprintf(e->text, sizeof e->text, "%s", in % 4 == 1 ? "binary" : "pstn");
        }
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
                /* drawn from the time, not rnd(), so that the other draws stay */
                uint64_t h = ((uint64_t)t + k) * 0x9E3779B97F4A7C15ULL;
                e->has_seconds = h >> 60 != 0;
                e->seconds = (h >> 56) % 4 ? (h >> 20) % 300 : (h >> 20) % 100000; /* hours too */
                e->span = (int64_t)((h >> 8) % 900);
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

dt_aggregate_options_t st_options(void)
{
    static const char *const columns[] = {"Group"};
    dt_aggregate_options_t o = {.by_time = true, .bucket = DT_BUCKET_HOUR, .samples = 2,
                                .ngroup_columns = 1, .metrics = true, .concurrency = true};
    o.group_columns[0] = columns[0];
    return o;
}

void st_agg_init(dt_aggregate_t *agg, size_t cap)
{
    dt_aggregate_options_t o = st_options();
    ck_assert_int_eq(dt_aggregate_init(agg, &tu_rules, cap), DT_OK);
    ck_assert_int_eq(dt_aggregate_configure(agg, &o), DT_OK);
    ck_assert_int_eq(dt_aggregate_tallies(agg, 2), DT_OK);
}

void st_call(dt_aggregate_t *agg, const ev_t *e)
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
        c.match = dt_codes_lookup(tu_codes, DT_FAMILY_ANY, &c.key, c.phrase.ptr, c.phrase.len,
                                  NULL);
        ck_assert_ptr_nonnull(c.match);
        c.origin = c.match->origin;
    }
    c.effective = e->succeeded || (c.key.has_sip && tu_rules.ner_effective[c.key.sip]);
    dt_call_extra_t extra = {.has_time = e->has_time, .time = e->time,
                             .correlation = slice(e->corr), .start = slice(e->start),
                             .group = slice(e->group),
                             .has_duration = e->succeeded && e->has_seconds,
                             .duration = e->seconds,
                             .has_to_failure = !e->succeeded && e->has_seconds,
                             .to_failure = e->seconds,
                             .has_span = e->has_time, .span_start = e->time,
                             .span_end = e->time + e->span};
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
        st_call(agg, e);
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
    case EV_SKIP:
        ck_assert_int_eq(dt_aggregate_skip(agg, e->path, e->text, "not a call export"), DT_OK);
        break;
    case EV_DATES: {
        dt_input_dates_t dates = {.order = DT_ORDER_DMY, .from = DT_ORDER_FROM_DATA,
                                  .line = e->line, .conflicts = e->line * 2};
        dt_aggregate_set_dates(agg, &dates);
        break;
    }
    }
}

void st_replay(dt_aggregate_t *agg, const stream_t *s, size_t from, size_t to, bool *same)
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

void st_agg_whole(dt_aggregate_t *agg, unsigned ninputs, unsigned calls, uint64_t seed)
{
    static stream_t s;
    st_make(&s, ninputs, calls, false, seed);
    st_agg_init(agg, 0);
    bool same;
    st_replay(agg, &s, 0, s.n, &same);
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

static void same_sketch(const dt_sketch_t *a, const dt_sketch_t *b)
{
    ck_assert_uint_eq(a->count, b->count);
    ck_assert_int_eq(a->inexact, b->inexact);
    ck_assert_int_eq(!a->coarse, !b->coarse);
    for (size_t i = 0; a->coarse && i < DT_SKETCH_COARSE; i++)
        ck_assert_uint_eq(a->coarse[i], b->coarse[i]);
    for (size_t m = 0; a->pages && m < DT_SKETCH_MINUTES; m++) {
        ck_assert_int_eq(!a->pages[m], !b->pages[m]);
        if (a->pages[m])
            ck_assert(memcmp(a->pages[m], b->pages[m], DT_SKETCH_PAGE_BYTES) == 0);
    }
}

/* The same measures (the cells a timeline allocated aside). */
static void same_metrics(const dt_row_metrics_t *a, const dt_row_metrics_t *b)
{
    same_sketch(&a->to_failure, &b->to_failure);
    const dt_timeline_t *x = &a->active, *y = &b->active;
    ck_assert_uint_eq(x->n, y->n);
    ck_assert_uint_eq(x->calls, y->calls);
    ck_assert_uint_eq(x->dropped, y->dropped);
    if (x->n) {
        ck_assert_int_eq(x->first, y->first);
        ck_assert(memcmp(x->delta, y->delta, x->n * sizeof *x->delta) == 0);
    }
}

static void same_table(const dt_keyed_table_t *a, const dt_keyed_table_t *b)
{
    ck_assert_int_eq(a->measured, b->measured);
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
        if (a->measured)
            same_metrics(&a->metrics[i], &b->metrics[i]);
    }
}

uint64_t st_other_by(const dt_aggregate_t *agg, size_t a)
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

void st_same_aggregate(const dt_aggregate_t *a, const dt_aggregate_t *b)
{
    ck_assert_msg(memcmp(&a->totals, &b->totals, sizeof a->totals) == 0, "totals differ");
    same_metrics(&a->total_metrics, &b->total_metrics);
    same_inputs(a, b);
    ck_assert_uint_eq(a->nskipped, b->nskipped);
    for (size_t i = 0; i < a->nskipped; i++) {
        ck_assert_str_eq(a->skipped[i].path, b->skipped[i].path);
        ck_assert_str_eq(a->skipped[i].kind, b->skipped[i].kind);
        ck_assert_str_eq(a->skipped[i].reason, b->skipped[i].reason);
    }
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
    same_table(&a->group_times, &b->group_times);
    ck_assert_uint_eq(a->undated_in_series, b->undated_in_series);
    ck_assert(a->options.by_time == b->options.by_time && a->options.bucket == b->options.bucket &&
              a->options.samples == b->options.samples && a->options.dedupe == b->options.dedupe &&
              a->options.ngroup_columns == b->options.ngroup_columns &&
              a->options.metrics == b->options.metrics &&
              a->options.concurrency == b->options.concurrency);
    for (size_t s = 0; s <= a->rules->nactions; s++) {
        ck_assert_uint_eq(a->failed_by_action[s], b->failed_by_action[s]);
        ck_assert_uint_eq(st_other_by(a, s), st_other_by(b, s));
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

char *st_json(const dt_aggregate_t *agg)
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

void st_same_report(const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    size_t from = i > 60 ? i - 60 : 0;
    ck_assert_msg(a[i] == b[i], "reports differ at byte %zu: '%.120s' and '%.120s'", i, a + from,
                  b + from);
}

