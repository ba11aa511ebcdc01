/* check_aggregate.c - counting into bounded tables and ranking the report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_aggregate.h"
#include "dt_report.h"
#include "test_util.h"


#define NONE (-1)

static dt_slice_t slice(const char *text)
{
    return (dt_slice_t){text ? text : "", text ? strlen(text) : 0};
}

/* A call as classify would make it. */
static dt_call_t call_of(long long sip, long long ms, const char *phrase, const char *sbc,
                         bool succeeded)
{
    dt_call_t c;
    memset(&c, 0, sizeof c);
    c.weight = 1;
    c.key.has_sip = sip >= 0;
    c.key.sip = sip >= 0 ? (unsigned)sip : 0;
    c.key.has_ms = ms >= 0;
    c.key.ms = ms >= 0 ? (uint64_t)ms : 0;
    c.sbc = slice(sbc);
    c.phrase = slice(phrase);
    c.succeeded = succeeded;
    if (succeeded) {
        c.effective = true;
        c.origin = DT_ORIGIN_UNKNOWN;
        return c;
    }
    c.match = dt_codes_lookup(tu_codes, DT_FAMILY_ANY, &c.key, c.phrase.ptr, c.phrase.len, NULL);
    ck_assert_ptr_nonnull(c.match);
    c.origin = c.match->origin;
    c.effective = c.key.has_sip && c.key.sip <= DT_SIP_MAX && tu_rules.ner_effective[c.key.sip];
    return c;
}

static void add(dt_aggregate_t *agg, unsigned n, long long sip, long long ms, const char *phrase,
                const char *sbc, bool succeeded)
{
    dt_call_t c = call_of(sip, ms, phrase, sbc, succeeded);
    for (unsigned i = 0; i < n; i++)
        ck_assert_int_eq(dt_aggregate_call(agg, &c, NULL), DT_OK);
}

START_TEST(test_tallies)
{
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
    ck_assert_int_eq(dt_aggregate_tallies(&agg, 2), DT_OK);
    ck_assert_int_eq(dt_aggregate_tally(&agg, 0, true, slice("sbc1"), 3), DT_OK);
    ck_assert_int_eq(dt_aggregate_tally(&agg, 0, false, slice("sbc2"), 1), DT_OK);
    ck_assert_int_eq(dt_aggregate_tally(&agg, 0, false, slice("sbc1"), 1), DT_OK);
    ck_assert_int_eq(dt_aggregate_tally(&agg, 1, false, slice(""), 5), DT_OK); /* no value */
    ck_assert_uint_eq(agg.tallies[0].held, 3);
    ck_assert_uint_eq(agg.tallies[0].values.nrows, 2);
    ck_assert_uint_eq(agg.tallies[0].values.rows[0].counts.calls, 4);
    ck_assert_uint_eq(agg.tallies[1].held, 0);
    ck_assert_uint_eq(agg.tallies[1].values.nrows, 0);
    /* capped: values past DT_TALLY_VALUES_CAP share one "other" row */
    for (int i = 0; i < DT_TALLY_VALUES_CAP + 10; i++) {
        char value[16];
        snprintf(value, sizeof value, "v%d", i);
        ck_assert_int_eq(dt_aggregate_tally(&agg, 1, true, slice(value), 1), DT_OK);
    }
    ck_assert_uint_eq(agg.tallies[1].values.nrows, DT_TALLY_VALUES_CAP + 1);
    ck_assert_uint_eq(agg.tallies[1].values.overflow, 10);
    ck_assert_uint_eq(agg.drilled, 0);
    dt_aggregate_drilled(&agg);
    ck_assert_uint_eq(agg.drilled, 1);
    dt_aggregate_free(&agg);
}
END_TEST

START_TEST(test_totals)
{
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&agg, "a.csv"), DT_OK);
    dt_aggregate_set_format(&agg, DT_FAMILY_TAC, ';');
    add(&agg, 10, 0, 540000, "BYE", "sbc1", true);
    add(&agg, 3, 486, 560486, "", "sbc1", false);        /* sbc, effective, expected */
    add(&agg, 2, 504, 569002, "x", "sbc2", false);       /* microsoft */
    add(&agg, 1, 503, NONE, "", "", false);              /* unknown origin */
    dt_aggregate_reject(&agg, 7, "has 3 fields, the header has 5");
    ck_assert_int_eq(dt_aggregate_begin_input(&agg, "b.csv"), DT_OK);
    add(&agg, 4, NONE, NONE, "", "sbc2", false);         /* nothing known */
    dt_aggregate_reject(&agg, 2, "SIP code 'x' is not a number");
    dt_aggregate_reject(&agg, 3, "SIP code 'y' is not a number");
    dt_aggregate_exclude(&agg, &(dt_call_t){.weight = 1}, DT_EXCLUDED_FILTER, true);

    const dt_totals_t *t = &agg.totals;
    ck_assert_uint_eq(t->rows, 24);
    ck_assert_uint_eq(t->counts.calls, 20);
    ck_assert_uint_eq(t->counts.succeeded, 10);
    ck_assert_uint_eq(t->counts.failed, 10);
    ck_assert_uint_eq(t->rejected, 3);
    ck_assert_uint_eq(t->excluded, 1);
    ck_assert_uint_eq(t->undated, 1);
    ck_assert_uint_eq(t->counts.effective, 13);
    ck_assert_uint_eq(t->counts.failed_by_origin[DT_ORIGIN_SBC], 3);
    ck_assert_uint_eq(t->counts.failed_by_origin[DT_ORIGIN_MICROSOFT], 2);
    ck_assert_uint_eq(t->counts.failed_by_origin[DT_ORIGIN_UNKNOWN], 5);
    ck_assert_uint_eq(dt_counts_expected(&t->counts), 3);
    /* undocumented: 503 without a Microsoft code (sip-code level is not "known") and the
     * four calls without codes; 569002/504 with phrase "x" still joins the pair */
    uint64_t unknown = 0;
    for (size_t i = 0; i < agg.ncodes; i++)
        unknown += agg.codes[i].match.known ? 0 : agg.codes[i].failed;
    ck_assert_uint_eq(t->counts.unknown_codes, unknown);
    ck_assert_uint_ge(t->counts.unknown_codes, 5);
    ck_assert_uint_eq(agg.failed_by_action[tu_rules.nactions], 4);
    ck_assert_uint_eq(agg.ninputs, 2);
    ck_assert_str_eq(agg.inputs[0].path, "a.csv");
    ck_assert_int_eq(agg.inputs[0].family, DT_FAMILY_TAC);
    ck_assert_int_eq(agg.inputs[0].delimiter, ';');
    ck_assert_uint_eq(agg.inputs[0].rows, 17);
    ck_assert_uint_eq(agg.inputs[0].rejected, 1);
    ck_assert_int_eq(agg.inputs[1].family, DT_FAMILY_ANY);
    ck_assert_uint_eq(agg.inputs[1].rows, 7);
    ck_assert_uint_eq(agg.ncodes, 4);
    ck_assert_uint_eq(agg.sbcs.nrows, 3); /* sbc1, sbc2 and the empty name */
    tu_assert_totals(&agg);
    ck_assert_double_eq_tol(dt_ner_percent(t->counts.effective, t->counts.calls), 65.0, 1e-9);
    ck_assert_double_eq(dt_ner_percent(0, 0), -1.0);
    dt_aggregate_free(&agg);
}
END_TEST

START_TEST(test_sbc_cap)
{
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 3), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&agg, "a.csv"), DT_OK);
    static const char *const names[] = {"s1", "s2", "s3", "s4", "s5", "s6"};
    for (unsigned i = 0; i < 6; i++)
        add(&agg, i + 1, 403, 560403, "Forbidden", names[i], i % 2 == 0);
    add(&agg, 5, 403, 560403, "Forbidden", "s1", false); /* a known key after the cap */
    ck_assert_uint_eq(agg.sbcs.nrows, 4);
    size_t others = 0;
    const dt_keyed_row_t *other = NULL;
    for (size_t i = 0; i < agg.sbcs.nrows; i++)
        if (agg.sbcs.rows[i].other)
            others++, other = &agg.sbcs.rows[i];
    ck_assert_uint_eq(others, 1);
    ck_assert_uint_eq(other->counts.calls, 4 + 5 + 6);
    ck_assert_uint_eq(other->counts.succeeded, 5);
    ck_assert_uint_eq(agg.sbcs.overflow, 15);
    ck_assert_uint_eq(agg.sbcs.rows[0].counts.calls, 6);
    tu_assert_totals(&agg);

    dt_report_t report;
    ck_assert_int_eq(dt_report_build(&report, &agg, NULL), DT_OK);
    ck_assert_uint_eq(report.nsbcs, 4);
    ck_assert_msg(report.sbcs[3]->other, "the other row ranks last");
    ck_assert_str_eq(report.sbcs[0]->name, "s1");
    ck_assert_str_eq(report.sbcs[1]->name, "s3");
    ck_assert_str_eq(report.sbcs[2]->name, "s2");
    dt_report_free(&report);
    dt_aggregate_free(&agg);
}
END_TEST

START_TEST(test_code_cap)
{
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 3), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&agg, "a.csv"), DT_OK);
    for (unsigned i = 0; i < 6; i++)
        add(&agg, i + 1, 400 + i, 560400 + i, "", "sbc", false);
    add(&agg, 2, 400, 560400, "", "sbc", false);
    ck_assert_uint_eq(agg.ncodes, 4);
    ck_assert_uint_ne(agg.code_other, SIZE_MAX);
    const dt_code_row_t *other = &agg.codes[agg.code_other];
    ck_assert(other->other);
    ck_assert_uint_eq(other->failed, 4 + 5 + 6);
    ck_assert_uint_eq(agg.code_overflow, 15);
    ck_assert_uint_eq(agg.codes[0].failed, 3);
    size_t others = 0;
    for (size_t i = 0; i < agg.ncodes; i++)
        others += agg.codes[i].other;
    ck_assert_uint_eq(others, 1);
    tu_assert_totals(&agg);

    dt_report_t report;
    ck_assert_int_eq(dt_report_build(&report, &agg, NULL), DT_OK);
    ck_assert_msg(report.codes[report.ncodes - 1]->other, "the other row ranks last");
    /* 560400 and 560402 have 3 failures each (ties by MS code), 560401 has 2. */
    ck_assert_uint_eq(report.codes[0]->key.ms, 560400);
    ck_assert_uint_eq(report.codes[1]->key.ms, 560402);
    ck_assert_uint_eq(report.codes[2]->key.ms, 560401);
    dt_report_free(&report);
    dt_aggregate_free(&agg);
}
END_TEST

START_TEST(test_ranking)
{
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&agg, "a.csv"), DT_OK);
    add(&agg, 2, 403, 560403, "Forbidden", "b", false);
    add(&agg, 5, 486, 560486, "", "a", false);
    add(&agg, 2, 403, 510560, "User is not Enterprise Voice enabled", "c", false);
    add(&agg, 2, 480, 560480, "", "d", false);
    add(&agg, 2, 404, 560404, "", "d", true);
    add(&agg, 1, 403, 560403, "FORBIDDEN", "e", false); /* same entry */

    dt_report_t report;
    ck_assert_int_eq(dt_report_build(&report, &agg, &(dt_report_options_t){.top = 5}), DT_OK);
    ck_assert_uint_eq(report.top, 5);
    /* Codes: most failed first; ties by MS code then SIP code. */
    ck_assert_uint_eq(report.ncodes, 4);
    ck_assert_uint_eq(report.codes[0]->key.ms, 560486);
    ck_assert_uint_eq(report.codes[1]->key.ms, 560403);
    ck_assert_uint_eq(report.codes[1]->failed, 3);
    ck_assert_str_eq(report.codes[1]->phrase, "FORBIDDEN"); /* the least phrase seen */
    ck_assert_uint_eq(report.codes[2]->key.ms, 510560);
    ck_assert_uint_eq(report.codes[3]->key.ms, 560480);
    for (size_t i = 1; i < report.ncodes; i++)
        ck_assert(report.codes[i - 1]->failed >= report.codes[i]->failed);
    /* SBCs: most calls first, ties by name. */
    ck_assert_uint_eq(report.nsbcs, 5);
    ck_assert_str_eq(report.sbcs[0]->name, "a");
    ck_assert_str_eq(report.sbcs[1]->name, "d");
    ck_assert_str_eq(report.sbcs[2]->name, "b");
    ck_assert_str_eq(report.sbcs[3]->name, "c");
    ck_assert_str_eq(report.sbcs[4]->name, "e");
    /* Actions: most failed first, each with its own tu_codes in rank order. */
    ck_assert_uint_gt(report.nactions, 0);
    ck_assert_str_eq(dt_report_action_id(&report, report.actions[0].action), "callee-busy");
    uint64_t sum = 0;
    for (size_t i = 0; i < report.nactions; i++) {
        const dt_action_row_t *a = &report.actions[i];
        if (i)
            ck_assert(report.actions[i - 1].failed >= a->failed);
        uint64_t codes_sum = 0;
        for (size_t c = 0; c < a->ncodes; c++) {
            ck_assert_uint_eq(a->codes[c]->match.action, a->action);
            codes_sum += a->codes[c]->failed;
        }
        ck_assert_uint_eq(codes_sum, a->failed);
        sum += a->failed;
    }
    ck_assert_uint_eq(sum, agg.totals.counts.failed);
    ck_assert_str_eq(dt_report_action_id(&report, DT_NO_ACTION), "unknown");
    dt_report_free(&report);
    dt_aggregate_free(&agg);
}
END_TEST

/* The ranked code rows of an aggregate as "has_sip/sip/has_ms/ms;..." text. */
static void ranked_keys(const dt_aggregate_t *agg, char *out, size_t cap)
{
    dt_report_t report;
    ck_assert_int_eq(dt_report_build(&report, agg, NULL), DT_OK);
    out[0] = '\0';
    for (size_t i = 0; i < report.ncodes; i++) {
        const dt_code_key_t *k = &report.codes[i]->key;
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%d/%u/%d/%llu;", k->has_sip, k->sip, k->has_ms,
                 (unsigned long long)k->ms);
    }
    dt_report_free(&report);
}

START_TEST(test_tie_break_stable)
{
    /* The same calls counted in two orders rank alike, including rows that
     * differ only in an empty code versus a zero code. */
    struct {
        long long sip, ms;
    } keys[] = {{NONE, 12345}, {0, 12345}, {403, 777}, {403, NONE}, {NONE, NONE}, {0, NONE},
                {499, 560499}, {498, 560499}};
    size_t n = sizeof keys / sizeof keys[0];
    char first[1024], second[1024];
    for (int pass = 0; pass < 2; pass++) {
        dt_aggregate_t agg;
        ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
        ck_assert_int_eq(dt_aggregate_begin_input(&agg, "a.csv"), DT_OK);
        for (size_t i = 0; i < n; i++) {
            size_t j = pass ? n - 1 - i : i;
            add(&agg, 2, keys[j].sip, keys[j].ms, "", "sbc", false);
        }
        ranked_keys(&agg, pass ? second : first, sizeof first);
        dt_aggregate_free(&agg);
    }
    ck_assert_msg(strcmp(first, second) == 0, "ranking depends on input order:\n%s\n%s", first,
                  second);
}
END_TEST

START_TEST(test_rejections)
{
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&agg, "in/calls.csv"), DT_OK);
    char reason[64];
    for (unsigned i = 1; i <= 15; i++) {
        snprintf(reason, sizeof reason, "reason %u", i);
        dt_aggregate_reject(&agg, 100 + i, reason);
    }
    ck_assert_uint_eq(agg.totals.rejected, 15);
    ck_assert_uint_eq(agg.totals.rows, 15);
    ck_assert_uint_eq(agg.nrejections, DT_REJECTION_SAMPLES);
    for (unsigned i = 0; i < DT_REJECTION_SAMPLES; i++) {
        snprintf(reason, sizeof reason, "reason %u", i + 1);
        ck_assert_str_eq(agg.rejections[i].reason, reason);
        ck_assert_uint_eq(agg.rejections[i].line, 101 + i);
        ck_assert_str_eq(agg.rejections[i].path, "in/calls.csv");
    }
    char long_reason[1000];
    memset(long_reason, 'r', sizeof long_reason - 1);
    long_reason[sizeof long_reason - 1] = '\0';
    dt_aggregate_t agg2;
    ck_assert_int_eq(dt_aggregate_init(&agg2, &tu_rules, 0), DT_OK);
    dt_aggregate_reject(&agg2, 1, long_reason); /* before any input: no crash */
    ck_assert_uint_eq(strlen(agg2.rejections[0].reason), DT_REASON_MAX - 1);
    ck_assert_str_eq(agg2.rejections[0].path, "");
    dt_aggregate_free(&agg2);
    dt_aggregate_free(&agg);
}
END_TEST

START_TEST(test_notes)
{
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
    char text[32] = "note 0";
    dt_aggregate_note(&agg, "%s and %d", text, 42);
    strcpy(text, "changed");
    ck_assert_uint_eq(agg.nnotes, 1);
    ck_assert_str_eq(agg.notes[0], "note 0 and 42");

    for (int i = 1; i < DT_NOTES_MAX; i++)
        dt_aggregate_note(&agg, "note %d", i);
    ck_assert_uint_eq(agg.nnotes, DT_NOTES_MAX);
    ck_assert_msg(strcmp(agg.notes[DT_NOTES_MAX - 1], "note 31") == 0,
                  "with exactly %d notes none is dropped, last is '%s'", DT_NOTES_MAX,
                  agg.notes[DT_NOTES_MAX - 1]);
    for (int i = DT_NOTES_MAX; i < 40; i++)
        dt_aggregate_note(&agg, "note %d", i);
    ck_assert_uint_eq(agg.nnotes, DT_NOTES_MAX);
    ck_assert_str_eq(agg.notes[DT_NOTES_MAX - 2], "note 30");
    ck_assert_contains(agg.notes[DT_NOTES_MAX - 1], "omitted");

    dt_report_t report;
    ck_assert_int_eq(dt_report_build(&report, &agg, NULL), DT_OK);
    ck_assert_uint_eq(report.nnotes, DT_NOTES_MAX);
    ck_assert_str_eq(report.notes[0], "note 0 and 42");
    dt_report_free(&report);
    dt_aggregate_free(&agg);
}
END_TEST

/* Counts one failed call of code 560486 with a correlation id and a start. */
static void add_sample(dt_aggregate_t *agg, const char *id, const char *start, long long time)
{
    dt_call_t c = call_of(486, 560486, "", "sbc", false);
    dt_call_extra_t extra = {.correlation = slice(id), .start = slice(start),
                             .has_time = time >= 0, .time = time};
    ck_assert_int_eq(dt_aggregate_call(agg, &c, &extra), DT_OK);
}

/* The samples kept are the calls that come first by start time, then
 * correlation id: the same in whatever order the calls are counted. */
START_TEST(test_samples)
{
    static const struct {
        const char *id, *start;
        long long time;
    } calls[] = {{"id-3", "2024-03-01", 300}, {"id-2", "2024-03-01", 300}, {"id-9", "", -1},
                 {"id-1", "2024-03-02", 400}, {"id-0", "2024-02-29", 200}};
    size_t n = sizeof calls / sizeof calls[0];
    for (size_t rotate = 0; rotate < 2 * n; rotate++) {
        dt_aggregate_t agg;
        ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
        dt_aggregate_options_t options = {.samples = 3};
        ck_assert_int_eq(dt_aggregate_configure(&agg, &options), DT_OK);
        ck_assert_int_eq(dt_aggregate_begin_input(&agg, "a.csv"), DT_OK);
        for (size_t k = 0; k < n; k++) { /* rotated, then reversed */
            size_t i = (k + rotate) % n;
            i = rotate < n ? i : n - 1 - i;
            add_sample(&agg, calls[i].id, calls[i].start, calls[i].time);
        }
        ck_assert_uint_eq(agg.ncodes, 1);
        ck_assert_uint_eq(agg.codes[0].nsamples, 3);
        ck_assert_str_eq(agg.codes[0].samples[0].correlation, "id-0");
        ck_assert_str_eq(agg.codes[0].samples[1].correlation, "id-2");
        ck_assert_str_eq(agg.codes[0].samples[2].correlation, "id-3");
        ck_assert_str_eq(agg.codes[0].samples[2].start, "2024-03-01");
        size_t slot = agg.codes[0].match.action == DT_NO_ACTION ? tu_rules.nactions
                                                                : agg.codes[0].match.action;
        ck_assert_uint_eq(agg.action_nsamples[slot], 3);
        ck_assert_str_eq(agg.action_samples[slot][0].correlation, "id-0");
        dt_aggregate_free(&agg);
    }
}
END_TEST

/* A sample without a start time comes after every dated one; a call with no
 * correlation id is none; long cells are cut. */
START_TEST(test_samples_undated_and_cut)
{
    dt_aggregate_t agg;
    ck_assert_int_eq(dt_aggregate_init(&agg, &tu_rules, 0), DT_OK);
    dt_aggregate_options_t options = {.samples = 2};
    ck_assert_int_eq(dt_aggregate_configure(&agg, &options), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&agg, "a.csv"), DT_OK);
    char id[300];
    memset(id, 'x', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    add_sample(&agg, "b", "", -1);
    add_sample(&agg, "", "2024-01-01", 10);
    add_sample(&agg, id, "2024-01-02", 20);
    add_sample(&agg, "a", "", -1);
    ck_assert_uint_eq(agg.codes[0].nsamples, 2);
    ck_assert_uint_eq(strlen(agg.codes[0].samples[0].correlation), DT_SAMPLE_CORRELATION_MAX);
    ck_assert_str_eq(agg.codes[0].samples[1].correlation, "a");
    dt_aggregate_free(&agg);
}
END_TEST

/* An empty aggregate with options, counting into input "a.csv". */
static void start(dt_aggregate_t *agg, const dt_aggregate_options_t *options)
{
    ck_assert_int_eq(dt_aggregate_init(agg, &tu_rules, 0), DT_OK);
    if (options)
        ck_assert_int_eq(dt_aggregate_configure(agg, options), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(agg, "a.csv"), DT_OK);
}

/* A call with the extra facts of the measures: a duration for an answered
 * call, a time to failure for a failed one, a session span for both. */
static void add_measured(dt_aggregate_t *agg, unsigned n, bool succeeded, const char *sbc,
                         long long seconds, int64_t start, int64_t end)
{
    dt_call_t c = succeeded ? call_of(0, 540000, "BYE", sbc, true)
                            : call_of(503, 560503, "", sbc, false);
    dt_call_extra_t extra = {.has_time = true, .time = start};
    if (seconds >= 0 && succeeded) {
        extra.has_duration = true;
        extra.duration = (uint64_t)seconds;
    } else if (seconds >= 0) {
        extra.has_to_failure = true;
        extra.to_failure = (uint64_t)seconds;
    }
    if (end >= start) {
        extra.has_span = true;
        extra.span_start = start;
        extra.span_end = end;
    }
    for (unsigned i = 0; i < n; i++) {
        dt_aggregate_input_time(agg, start);
        ck_assert_int_eq(dt_aggregate_call(agg, &c, &extra), DT_OK);
    }
}

#define T0 1795478400 /* 2026-11-24T00:00:00Z, a Tuesday */

const dt_keyed_row_t *find_sbc(const dt_report_t *r, const char *name)
{
    for (size_t i = 0; i < r->nsbcs; i++)
        if (!r->sbcs[i]->other && strcmp(r->sbcs[i]->name, name) == 0)
            return r->sbcs[i];
    ck_abort_msg("no SBC %s", name);
    return NULL;
}

/* ACD, short calls, time to failure and concurrency, counted by hand. */
START_TEST(test_measures)
{
    dt_aggregate_t agg;
    dt_aggregate_options_t o = {.metrics = true, .concurrency = true};
    start(&agg, &o);
    /* sbc1: answered 5 s, 9 s, 10 s, 300 s (ACD 81 s, 2 short); one answered
     * without a duration; failures after 1, 2, 2, 30 s and one untimed */
    int64_t t = T0 + 10 * 3600;
    add_measured(&agg, 1, true, "sbc1", 5, t, t + 5);
    add_measured(&agg, 1, true, "sbc1", 9, t + 20, t + 29);
    add_measured(&agg, 1, true, "sbc1", 10, t + 70, t + 80);
    add_measured(&agg, 1, true, "sbc1", 300, t + 30, t + 330); /* 10:00:30 - 10:05:30 */
    add_measured(&agg, 1, true, "sbc1", -1, t + 40, t + 40);
    add_measured(&agg, 1, false, "sbc1", 1, t + 100, t + 101);
    add_measured(&agg, 2, false, "sbc1", 2, t + 200, t + 202);
    add_measured(&agg, 1, false, "sbc1", 30, t + 300, t + 330);
    add_measured(&agg, 1, false, "sbc1", -1, t + 400, t - 1); /* no time to failure, no span */
    /* sbc2: 3 answered calls of 60 s, all at once */
    add_measured(&agg, 3, true, "sbc2", 60, t + 600, t + 660);
    const dt_keyed_row_t *row = &agg.sbcs.rows[0];
    ck_assert_str_eq(row->name, "sbc1");
    ck_assert_uint_eq(row->counts.acd_calls, 4);
    ck_assert_uint_eq(row->counts.talk_seconds, 324);
    ck_assert_uint_eq(row->counts.short_calls, 2); /* 5 s and 9 s; 10 s is not short */
    ck_assert_double_eq_tol(dt_acd_seconds(&row->counts), 81.0, 1e-9);
    ck_assert_uint_eq(agg.sbcs.metrics[0].to_failure.count, 4);
    ck_assert_uint_eq(agg.totals.counts.acd_calls, 7);
    ck_assert_uint_eq(agg.totals.counts.talk_seconds, 324 + 180);

    dt_session_limit_t limits[] = {{"SBC2", 3}, {"sbc1", 10}, {"sbc9", 5}};
    dt_report_options_t ro = {.limits = limits, .nlimits = 3};
    dt_report_t r;
    ck_assert_int_eq(dt_report_build(&r, &agg, &ro), DT_OK);
    ck_assert(r.measured && r.concurrency);
    const dt_row_stats_t *s1 = find_sbc(&r, "sbc1")->stats, *s2 = find_sbc(&r, "sbc2")->stats;
    /* failures 1, 2, 2, 30: median (2nd of 4) 2 s, p95 (4th) 30 s */
    ck_assert_uint_eq(s1->to_failure_calls, 4);
    ck_assert_uint_eq(s1->to_failure_median, 2);
    ck_assert_uint_eq(s1->to_failure_p95, 30);
    /* 10:00 holds the calls from +0, +20, +30 (to 10:05) and +40 s: 4; 10:01
     * the one from +70, the one to 10:05 and the failure at +100: 3 */
    ck_assert_uint_eq(s1->peak, 4);
    ck_assert_int_eq(s1->peak_at, t);
    ck_assert_uint_eq(s1->limit, 10);
    ck_assert(!s1->near_limit);
    ck_assert_uint_eq(s2->peak, 3); /* 3 of 3: at the limit */
    ck_assert_int_eq(s2->peak_at, t + 600);
    ck_assert(s2->near_limit);
    ck_assert_uint_eq(s2->to_failure_calls, 0);
    ck_assert_uint_eq(r.total_stats.to_failure_calls, 4);
    ck_assert_uint_eq(r.total_stats.peak, 4);
    bool noted = false;
    for (size_t i = 0; i < r.nnotes; i++)
        noted |= strstr(r.notes[i], "--max-concurrent sbc9: no calls through that SBC") != NULL;
    ck_assert(noted);
    /* the report owns its measures: the aggregate may go */
    dt_aggregate_free(&agg);
    ck_assert_uint_eq(s1->to_failure_p95, 30);
    dt_report_free(&r);
}
END_TEST

/* Without the measures rows carry no metrics and the report no stats. */
START_TEST(test_measures_off)
{
    dt_aggregate_t agg;
    start(&agg, NULL);
    add_measured(&agg, 2, false, "sbc1", 4, T0, T0 + 4);
    ck_assert_ptr_null(agg.sbcs.metrics);
    ck_assert_uint_eq(agg.totals.counts.acd_calls, 0);
    dt_report_t r;
    ck_assert_int_eq(dt_report_build(&r, &agg, NULL), DT_OK);
    ck_assert(!r.measured);
    ck_assert_ptr_null(r.sbcs[0]->stats);
    dt_report_free(&r);
    dt_aggregate_free(&agg);
}
END_TEST

/* The concurrency cap: timelines that outgrow it drop calls, and the report says so. */
START_TEST(test_concurrency_cap)
{
    dt_aggregate_t agg;
    dt_aggregate_options_t o = {.concurrency = true};
    start(&agg, &o);
    agg.cells.cells_left = 100; /* a small cap instead of DT_CONCURRENCY_CELLS */
    add_measured(&agg, 1, true, "sbc1", 60, T0, T0 + 60);
    add_measured(&agg, 2, true, "sbc1", 60, T0 + 86400, T0 + 86460); /* a day later */
    dt_report_t r;
    ck_assert_int_eq(dt_report_build(&r, &agg, NULL), DT_OK);
    ck_assert_uint_eq(r.sbcs[0]->stats->peak, 1);
    ck_assert_uint_eq(r.sbcs[0]->stats->untracked, 2);
    ck_assert_uint_eq(r.total_stats.untracked, 2);
    bool noted = false;
    for (size_t i = 0; i < r.nnotes; i++)
        noted |= strstr(r.notes[i], "2 calls are not in the concurrency peaks") != NULL;
    ck_assert(noted);
    dt_report_free(&r);
    dt_aggregate_free(&agg);
}
END_TEST

/* Partial first and last buckets, and each group's series in the groups' order. */
START_TEST(test_series)
{
    dt_aggregate_t agg;
    dt_aggregate_options_t o = {.by_time = true, .bucket = DT_BUCKET_DAY,
                                .group_columns = {"Callee"}, .ngroup_columns = 1};
    start(&agg, &o);
    struct {
        const char *group;
        int64_t at;
        bool failed;
    } calls[] = {
        {"+1", T0 + 14 * 3600, true},          /* day 1 from 14:00: partial */
        {"+2", T0 + 15 * 3600, false},
        {"+2", T0 + 86400 + 3600, true},       /* day 2: whole */
        {"+2", T0 + 86400 + 5 * 3600, true},
        {"+1", T0 + 2 * 86400 + 23 * 3600 + 1800, false}, /* day 3 to 23:30: whole */
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        dt_call_t c = calls[i].failed ? call_of(503, 560503, "", "sbc", false)
                                      : call_of(0, 540000, "BYE", "sbc", true);
        dt_call_extra_t extra = {.has_time = true, .time = calls[i].at,
                                 .group = {calls[i].group, 2}};
        dt_aggregate_input_time(&agg, calls[i].at);
        ck_assert_int_eq(dt_aggregate_call(&agg, &c, &extra), DT_OK);
    }
    dt_report_t r;
    ck_assert_int_eq(dt_report_build(&r, &agg, NULL), DT_OK);
    ck_assert_uint_eq(r.ntimes, 3);
    ck_assert(r.times[0]->partial);
    ck_assert(!r.times[1]->partial);
    ck_assert(!r.times[2]->partial); /* half an hour short of the end: within 1/24 */
    ck_assert(r.has_span);
    ck_assert_int_eq(r.first, T0 + 14 * 3600);
    /* "+2" has 2 failures and ranks first; its rows oldest first, then "+1"'s */
    ck_assert_uint_eq(r.ngroups, 2);
    ck_assert_str_eq(r.groups[0]->name, "+2");
    ck_assert_uint_eq(r.ngroup_times, 4);
    const char *names[] = {"+2", "+2", "+1", "+1"};
    int64_t starts[] = {T0, T0 + 86400, T0, T0 + 2 * 86400};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(r.group_times[i]->name, names[i]);
        ck_assert_int_eq(r.group_times[i]->start, starts[i]);
    }
    ck_assert(r.group_times[2]->partial); /* +1 on day 1 */
    ck_assert_uint_eq(r.group_times[1]->counts.failed, 2);
    /* the answer, why no call matched and the gates, then the asked tables */
    static const dt_section_t order[] = {DT_SECTION_SUMMARY,  DT_SECTION_FILTERS,
                                         DT_SECTION_GATES,    DT_SECTION_TIMES,
                                         DT_SECTION_GROUPS,   DT_SECTION_GROUP_TIMES,
                                         DT_SECTION_ACTIONS};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        ck_assert_int_eq(r.order[i], order[i]);
    ck_assert_uint_eq(r.nsections, DT_SECTION_COUNT - 2); /* all but the trend's two */
    dt_report_free(&r);

    /* a --until window that ends the export early makes the last day partial */
    dt_report_options_t ro = {.has_until = true, .until = T0 + 2 * 86400 + 12 * 3600};
    ck_assert_int_eq(dt_report_build(&r, &agg, &ro), DT_OK);
    ck_assert(r.times[2]->partial);
    dt_report_free(&r);
    dt_aggregate_free(&agg);
}
END_TEST

/* An automatic series rolled up into days keeps its measures: the hours'
 * sketches merged. */
START_TEST(test_rolled_up_measures)
{
    dt_aggregate_t agg;
    dt_aggregate_options_t o = {.by_time = true, .bucket = DT_BUCKET_HOUR, .metrics = true};
    start(&agg, &o);
    /* day 1: failures after 1 s (08:00), 3 s and 40 s (09:00); day 5: 7 s */
    add_measured(&agg, 1, false, "sbc1", 1, T0 + 8 * 3600, T0 - 1);
    add_measured(&agg, 1, false, "sbc1", 3, T0 + 9 * 3600, T0 - 1);
    add_measured(&agg, 1, false, "sbc1", 40, T0 + 9 * 3600 + 60, T0 - 1);
    add_measured(&agg, 1, false, "sbc1", 7, T0 + 4 * 86400, T0 - 1);
    dt_report_options_t ro = {.auto_bucket = true};
    dt_report_t r;
    ck_assert_int_eq(dt_report_build(&r, &agg, &ro), DT_OK);
    ck_assert_int_eq(r.bucket, DT_BUCKET_DAY);
    ck_assert_uint_eq(r.ntimes, 2);
    ck_assert_uint_eq(r.times[0]->counts.failed, 3);
    ck_assert_uint_eq(r.times[0]->stats->to_failure_calls, 3);
    ck_assert_uint_eq(r.times[0]->stats->to_failure_median, 3);
    ck_assert_uint_eq(r.times[0]->stats->to_failure_p95, 40);
    ck_assert_uint_eq(r.times[1]->stats->to_failure_median, 7);
    dt_report_free(&r);
    dt_aggregate_free(&agg);
}
END_TEST

/* The worst SBC: lowest NER among those with the rules' minimum of calls. */
START_TEST(test_worst_sbc)
{
    dt_aggregate_t agg;
    start(&agg, NULL);
    add(&agg, 90, 0, 540000, "BYE", "big", true);
    add(&agg, 20, 503, 560503, "", "big", false);  /* 110 calls, NER 81.8% */
    add(&agg, 5, 503, 560503, "", "tiny", false);  /* 0%, but only 5 calls */
    add(&agg, 200, 0, 540000, "BYE", "good", true);
    dt_report_t r;
    ck_assert_int_eq(dt_report_build(&r, &agg, NULL), DT_OK);
    ck_assert_str_eq(r.worst_sbc->name, "big");
    ck_assert(dt_report_ner_low(&r, &r.worst_sbc->counts));
    ck_assert(!dt_report_ner_low(&r, &find_sbc(&r, "tiny")->counts)); /* too few calls */
    ck_assert(!dt_report_ner_low(&r, &find_sbc(&r, "good")->counts));
    dt_report_free(&r);
    dt_aggregate_free(&agg);
}
END_TEST

Suite *dt_suite_aggregate(void)
{
    Suite *s = suite_create("aggregate");
    TCase *t = tcase_create("aggregate");
    tcase_add_checked_fixture(t, tu_embedded_setup, tu_embedded_teardown);
    tcase_add_test(t, test_totals);
    tcase_add_test(t, test_tallies);
    tcase_add_test(t, test_sbc_cap);
    tcase_add_test(t, test_code_cap);
    tcase_add_test(t, test_ranking);
    tcase_add_test(t, test_tie_break_stable);
    tcase_add_test(t, test_rejections);
    tcase_add_test(t, test_notes);
    tcase_add_test(t, test_samples);
    tcase_add_test(t, test_measures);
    tcase_add_test(t, test_measures_off);
    tcase_add_test(t, test_concurrency_cap);
    tcase_add_test(t, test_series);
    tcase_add_test(t, test_worst_sbc);
    tcase_add_test(t, test_rolled_up_measures);
    tcase_add_test(t, test_samples_undated_and_cut);
    suite_add_tcase(s, t);
    return s;
}
