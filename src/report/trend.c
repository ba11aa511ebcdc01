/* trend.c - the recent window of days against the baseline before it: the
 * daily series, the rises tested for significance, and the days each
 * change spans (dt_trend.h has the method). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_date.h"
#include "dt_map.h"
#include "dt_num.h"
#include "dt_stats.h"
#include "dt_trend.h"

#define PSEUDO_COUNT 0.5 /* for where a change started: a baseline that never saw a
                           code is taken as having half a call of it */

static const char *const kind_names[DT_CHANGE_KIND_COUNT] = {"new-code", "code", "action",
                                                             "sbc"};

const char *dt_change_kind_name(dt_change_kind_t kind)
{
    return kind < DT_CHANGE_KIND_COUNT ? kind_names[kind] : "";
}

double dt_change_rise(const dt_change_t *c)
{
    if (!c->baseline.count || !c->baseline.calls)
        return INFINITY;
    double before = (double)c->baseline.count / (double)c->baseline.calls;
    double after = c->window.calls ? (double)c->window.count / (double)c->window.calls : 0;
    return 100.0 * (after / before - 1.0);
}

/* One series being built: a daily count over daily calls. */
typedef struct {
    dt_change_t change;
    uint64_t *daily, *daily_calls;
} series_t;

typedef struct {
    dt_report_t *report;
    const dt_trend_options_t *o;
    size_t ndays;
    series_t *series;
    size_t nseries, series_cap;
    dt_map_t index;     /* code or SBC key -> series */
    dt_trend_t *trend;
} build_t;

/* The series for a key (kind byte + key bytes), added on first sight. */
static series_t *series_for(build_t *b, dt_change_kind_t kind, const void *key, size_t len)
{
    unsigned char packed[300];
    if (len > sizeof packed - 1)
        len = sizeof packed - 1;
    packed[0] = (unsigned char)kind;
    memcpy(packed + 1, key, len);
    uint32_t *slot;
    if (!DT_GROW(b->series, b->nseries, b->series_cap))
        return NULL;
    int rc = dt_map_upsert(&b->index, packed, len + 1, (uint32_t)b->nseries, &slot);
    if (rc == DT_MAP_NOMEM || rc == DT_MAP_FULL)
        return NULL;
    if (rc == DT_MAP_FOUND)
        return &b->series[*slot];
    series_t *s = &b->series[b->nseries++];
    memset(s, 0, sizeof *s);
    s->change.kind = kind;
    s->change.action = DT_NO_ACTION;
    s->daily = dt_arena_alloc(&b->report->arena, b->ndays * sizeof *s->daily);
    s->daily_calls = dt_arena_alloc(&b->report->arena, b->ndays * sizeof *s->daily_calls);
    if (!s->daily || !s->daily_calls)
        return NULL;
    memset(s->daily, 0, b->ndays * sizeof *s->daily);
    memset(s->daily_calls, 0, b->ndays * sizeof *s->daily_calls);
    return s;
}

static bool is_expected(const dt_rules_t *rules, size_t action)
{
    return action != DT_NO_ACTION && rules->actions[action].expected;
}

/* The code rows of one day into their series (faults only, the overflow row
 * left out: it is no one code). */
static bool add_codes(build_t *b, const dt_aggregate_t *agg, size_t day, uint64_t calls)
{
    const dt_rules_t *rules = b->report->rules;
    for (size_t i = 0; i < agg->ncodes; i++) {
        const dt_code_row_t *row = &agg->codes[i];
        if (row->other || is_expected(rules, row->match.action))
            continue;
        unsigned char key[24];
        uint32_t sip = row->key.has_sip ? row->key.sip : 0;
        uint64_t ms = row->key.has_ms ? row->key.ms : 0, entry = row->match.entry;
        key[0] = (unsigned char)(row->key.has_sip | row->key.has_ms << 1);
        memcpy(key + 1, &sip, 4);
        memcpy(key + 5, &ms, 8);
        memcpy(key + 13, &entry, 8);
        series_t *s = series_for(b, DT_CHANGE_CODE, key, 21);
        if (!s)
            return false;
        if (!s->change.phrase) {
            s->change.key = row->key;
            s->change.match = row->match;
            s->change.action = row->match.action;
            dt_report_t *r = b->report;
            const char *phrase = dt_report_code_phrase(r, row);
            s->change.phrase = dt_arena_strndup(&r->arena, phrase, strlen(phrase));
            if (!s->change.phrase)
                return false;
        }
        s->daily[day] += row->failed;
        (void)calls;
    }
    return true;
}

static bool add_sbcs(build_t *b, const dt_aggregate_t *agg, size_t day)
{
    for (size_t i = 0; i < agg->sbcs.nrows; i++) {
        const dt_keyed_row_t *row = &agg->sbcs.rows[i];
        if (row->other)
            continue;
        series_t *s = series_for(b, DT_CHANGE_SBC, row->name, strlen(row->name));
        if (!s)
            return false;
        if (!s->change.sbc &&
            !(s->change.sbc = dt_arena_strndup(&b->report->arena, row->name, strlen(row->name))))
            return false;
        s->daily[day] += row->counts.calls - row->counts.effective;
        s->daily_calls[day] += row->counts.calls;
    }
    return true;
}

/* The days: counts, faults by action, and the action and code series. */
static bool add_days(build_t *b, const dt_aggregate_t *const *aggs, const bool *has_data)
{
    dt_report_t *r = b->report;
    const dt_rules_t *rules = r->rules;
    size_t slots = rules->nactions + 1;
    dt_trend_day_t *days = dt_arena_alloc(&r->arena, b->ndays * sizeof *days);
    if (!days)
        return false;
    for (size_t a = 0; a < slots; a++) /* the action series first: one per action */
        if (!is_expected(rules, a < rules->nactions ? a : DT_NO_ACTION) &&
            !series_for(b, DT_CHANGE_ACTION, &a, sizeof a))
            return false;
    for (size_t d = 0; d < b->ndays; d++) {
        const dt_aggregate_t *agg = aggs[d];
        uint64_t *faults = dt_arena_alloc(&r->arena, slots * sizeof *faults);
        if (!faults)
            return false;
        for (size_t a = 0; a < slots; a++) {
            size_t action = a < rules->nactions ? a : DT_NO_ACTION;
            faults[a] = is_expected(rules, action) ? 0 : agg->failed_by_action[a];
        }
        days[d] = (dt_trend_day_t){.day = b->o->first_day + (int64_t)d * DT_DAY_SECONDS,
                                   .window = d >= b->o->baseline_days,
                                   .has_data = has_data[d],
                                   .before_history = b->o->first_day +
                                                         (int64_t)d * DT_DAY_SECONDS <
                                                     b->o->history_since,
                                   .counts = agg->totals.counts,
                                   .faults_by_action = faults};
        uint64_t calls = agg->totals.counts.calls;
        for (size_t a = 0, k = 0; a < slots; a++) {
            if (is_expected(rules, a < rules->nactions ? a : DT_NO_ACTION))
                continue;
            series_t *s = &b->series[k++];
            s->change.action = a < rules->nactions ? a : DT_NO_ACTION;
            s->daily[d] = faults[a];
        }
        if (!add_codes(b, agg, d, calls) || !add_sbcs(b, agg, d))
            return false;
    }
    /* codes and actions are over all calls of each day */
    for (size_t i = 0; i < b->nseries; i++)
        if (b->series[i].change.kind != DT_CHANGE_SBC)
            for (size_t d = 0; d < b->ndays; d++)
                b->series[i].daily_calls[d] = days[d].counts.calls;
    b->trend->days = days;
    b->trend->ndays = b->ndays;
    return true;
}

/* ---- the test of one series ---- */

/* The maximum-likelihood run of raised days against the baseline rate p0:
 * the window days [a, b] maximising X ln(X / E) - (X - E). */
static void change_point(const build_t *b, series_t *s, double p0)
{
    size_t first = b->o->baseline_days, last = b->ndays - 1;
    double best = 0;
    size_t from = first, to = last;
    for (size_t a = first; a <= last; a++) {
        double x = 0, n = 0;
        for (size_t e = a; e <= last; e++) {
            x += (double)s->daily[e];
            n += (double)s->daily_calls[e];
            double expected = p0 * n;
            if (x <= expected || expected <= 0)
                continue;
            double gain = x * log(x / expected) - (x - expected);
            if (gain > best) {
                best = gain;
                from = a;
                to = e;
            }
        }
    }
    s->change.since = b->trend->days[from].day;
    s->change.until = b->trend->days[to].day;
    s->change.ongoing = to == last;
}

/* Tests a series for a rise; false when it is not one (or not judged). */
static bool test_series(build_t *b, series_t *s)
{
    dt_change_t *c = &s->change;
    uint64_t min_calls = b->o->min_calls;
    size_t split = b->o->baseline_days;
    for (size_t d = 0; d < b->ndays; d++) {
        dt_trend_rate_t *rate = d < split ? &c->baseline : &c->window;
        rate->count += s->daily[d];
        rate->calls += s->daily_calls[d];
    }
    if (c->baseline.calls < min_calls || c->window.calls < min_calls || !c->window.count)
        return false;
    double base_rate = (double)c->baseline.count / (double)c->baseline.calls;
    double window_rate = (double)c->window.count / (double)c->window.calls;
    if (window_rate <= base_rate)
        return false;
    if (c->kind == DT_CHANGE_CODE && !c->baseline.count)
        c->kind = DT_CHANGE_NEW_CODE;
    double p0 = c->baseline.count ? base_rate : PSEUDO_COUNT / (double)c->baseline.calls;
    /* the baseline days' spread around their rate beyond Poisson's */
    double chi = 0;
    size_t days = 0;
    for (size_t d = 0; d < split && c->baseline.count; d++) {
        double n = (double)s->daily_calls[d];
        if (n <= 0)
            continue;
        double e = base_rate * n, dev = (double)s->daily[d] - e;
        chi += dev * dev / e;
        days++;
    }
    c->dispersion = days > 1 && chi / (double)(days - 1) > 1 ? chi / (double)(days - 1) : 1;
    c->expected = base_rate * (double)c->window.calls;
    /* given every count of both periods, the share in the window at equal rates */
    double q = (double)c->window.calls / (double)(c->window.calls + c->baseline.calls);
    double total = (double)(c->window.count + c->baseline.count);
    c->p_value = dt_binomial_upper((double)c->window.count / c->dispersion,
                                   total / c->dispersion, q);
    c->daily = s->daily;
    c->daily_calls = s->daily_calls;
    change_point(b, s, p0);
    return true;
}

static double excess(const dt_change_t *c)
{
    return (double)c->window.count - c->expected;
}

static int compare_changes(const void *x, const void *y)
{
    const dt_change_t *a = x, *b = y;
    if (a->significant != b->significant)
        return a->significant ? -1 : 1;
    if (excess(a) != excess(b))
        return excess(a) > excess(b) ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->action != b->action)
        return a->action < b->action ? -1 : 1;
    if (a->key.ms != b->key.ms)
        return a->key.ms < b->key.ms ? -1 : 1;
    if (a->key.sip != b->key.sip)
        return a->key.sip < b->key.sip ? -1 : 1;
    if (a->sbc && b->sbc)
        return strcmp(a->sbc, b->sbc);
    return (a->match.entry > b->match.entry) - (a->match.entry < b->match.entry);
}

static bool test_all(build_t *b)
{
    dt_trend_t *t = b->trend;
    dt_change_t *changes = dt_arena_alloc(&b->report->arena,
                                          (b->nseries ? b->nseries : 1) * sizeof *changes);
    if (!changes)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < b->nseries; i++)
        if (test_series(b, &b->series[i]))
            changes[n++] = b->series[i].change;
    t->tests = n;
    double cut = t->alpha / (double)(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        changes[i].significant = changes[i].p_value < cut;
        t->nsignificant += changes[i].significant;
        t->new_codes += changes[i].significant && changes[i].kind == DT_CHANGE_NEW_CODE;
    }
    qsort(changes, n, sizeof *changes, compare_changes);
    t->changes = changes;
    t->nchanges = n;
    return true;
}

static void totals(dt_trend_t *t)
{
    for (size_t d = 0; d < t->ndays; d++) {
        const dt_trend_day_t *day = &t->days[d];
        dt_counts_merge(day->window ? &t->window : &t->baseline, &day->counts);
        t->missing_days += day->window && !day->has_data && !day->before_history;
    }
    t->ner_baseline = dt_ner_percent(t->baseline.effective, t->baseline.calls);
    t->ner_window = dt_ner_percent(t->window.effective, t->window.calls);
    t->ner_judged = t->baseline.calls >= t->min_calls && t->window.calls >= t->min_calls;
    t->ner_drop = t->ner_judged ? t->ner_baseline - t->ner_window : 0;
}

/* A trend report is read as: the window's summary, the gates' outcomes, the
 * trend (and its changes, a table of their own for tabular formats), then
 * the window's actions and SBCs and what was read (its other sections stay
 * in the machine formats). */
static void trend_order(dt_report_t *r)
{
    static const dt_section_t order[] = {DT_SECTION_SUMMARY, DT_SECTION_GATES,
                                         DT_SECTION_TREND,   DT_SECTION_CHANGES,
                                         DT_SECTION_ACTIONS, DT_SECTION_SBCS,
                                         DT_SECTION_INPUTS,  DT_SECTION_NOTES};
    r->nsections = sizeof order / sizeof order[0];
    memcpy(r->order, order, sizeof order);
}

dt_status_t dt_trend_build(dt_report_t *report, const dt_aggregate_t *const *days,
                           const bool *has_data, const dt_trend_options_t *options)
{
    dt_trend_t *t = dt_arena_alloc(&report->arena, sizeof *t);
    if (!t)
        return DT_ERR_NOMEM;
    memset(t, 0, sizeof *t);
    size_t ndays = options->baseline_days + options->window_days;
    t->baseline_days = options->baseline_days;
    t->window_days = options->window_days;
    t->baseline_since = options->first_day;
    t->window_since = options->first_day + (int64_t)options->baseline_days * DT_DAY_SECONDS;
    t->until = options->first_day + (int64_t)ndays * DT_DAY_SECONDS;
    t->min_calls = options->min_calls ? options->min_calls : 1;
    t->alpha = options->alpha > 0 ? options->alpha : DT_TREND_ALPHA;
    build_t b = {.report = report, .o = options, .ndays = ndays, .trend = t};
    dt_map_init(&b.index, 0);
    bool ok = ndays > 0 && options->window_days > 0 && add_days(&b, days, has_data);
    if (ok) {
        totals(t);
        ok = test_all(&b);
    }
    free(b.series);
    dt_map_free(&b.index);
    if (!ok)
        return DT_ERR_NOMEM;
    report->trend = t;
    trend_order(report);
    return DT_OK;
}

const dt_change_t *dt_trend_action(const dt_trend_t *trend, const dt_rules_t *rules,
                                   const char *id)
{
    for (size_t i = 0; i < trend->nchanges; i++) {
        const dt_change_t *c = &trend->changes[i];
        if (c->kind == DT_CHANGE_ACTION &&
            strcmp(c->action == DT_NO_ACTION ? "unknown" : rules->actions[c->action].id, id) == 0)
            return c;
    }
    return NULL;
}


static const char *rate_text(char buf[DT_NUMBER_MAX], const dt_trend_rate_t *rate)
{
    dt_format_fixed(buf, rate->calls ? 100.0 * (double)rate->count / (double)rate->calls : 0, 1);
    strcat(buf, "%");
    return buf;
}

void dt_change_describe(const dt_report_t *r, const dt_change_t *c, char *out, size_t cap)
{
    char a[DT_NUMBER_MAX], b[DT_NUMBER_MAX], since[DT_DATE_TEXT_MAX], until[DT_DATE_TEXT_MAX];
    size_t n = 0;
    const char *action = dt_report_action_id(r, c->action);
    double extra = (double)c->window.count - c->expected;
    if (c->kind == DT_CHANGE_SBC) {
        char drop[DT_NUMBER_MAX];
        double before = 100.0 - 100.0 * (double)c->baseline.count / (double)c->baseline.calls;
        double after = 100.0 - 100.0 * (double)c->window.count / (double)c->window.calls;
        dt_format_fixed(a, before, 2);
        dt_format_fixed(b, after, 2);
        dt_format_fixed(drop, before - after, 2);
        n = (size_t)snprintf(out, cap, "SBC %s: NER %s%% -> %s%% (%s points lower), %.0f more "
                             "calls not effective", c->sbc[0] ? c->sbc : "(no SBC)", a, b, drop,
                             extra);
    } else if (c->kind == DT_CHANGE_ACTION) {
        n = (size_t)snprintf(out, cap, "action %s: %s -> %s of calls, %.0f faults beyond the "
                             "baseline rate", action, rate_text(a, &c->baseline),
                             rate_text(b, &c->window), extra);
    } else {
        char ms[DT_NUMBER_MAX] = "-", sip[DT_NUMBER_MAX] = "-";
        if (c->key.has_ms)
            snprintf(ms, sizeof ms, "%" PRIu64, c->key.ms);
        if (c->key.has_sip)
            snprintf(sip, sizeof sip, "%u", c->key.sip);
        if (c->kind == DT_CHANGE_NEW_CODE)
            n = (size_t)snprintf(out, cap, "new code %s/%s %s: %" PRIu64 " faults, none in the "
                                 "baseline [%s]", ms, sip, c->phrase, c->window.count, action);
        else
            n = (size_t)snprintf(out, cap, "code %s/%s %s: %s -> %s of calls, %.0f faults beyond "
                                 "the baseline rate [%s]", ms, sip, c->phrase,
                                 rate_text(a, &c->baseline), rate_text(b, &c->window), extra,
                                 action);
    }
    if (n >= cap)
        return;
    if (c->ongoing)
        snprintf(out + n, cap - n, "; since %s", dt_date_format_day(c->since, since));
    else
        snprintf(out + n, cap - n, "; from %s to %s", dt_date_format_day(c->since, since),
                 dt_date_format_day(c->until, until));
}

void dt_trend_day_actions(const dt_report_t *r, const dt_trend_day_t *day, char *out, size_t cap)
{
    size_t slots = r->rules->nactions + 1, used = 0, picked[DT_TREND_DAY_ACTIONS];
    out[0] = '\0';
    for (size_t k = 0; k < DT_TREND_DAY_ACTIONS; k++) {
        size_t best = SIZE_MAX;
        for (size_t a = 0; a < slots; a++) {
            bool taken = false;
            for (size_t j = 0; j < k; j++)
                taken |= picked[j] == a;
            if (!taken && day->faults_by_action[a] &&
                (best == SIZE_MAX || day->faults_by_action[a] > day->faults_by_action[best]))
                best = a;
        }
        if (best == SIZE_MAX)
            break;
        picked[k] = best;
        int n = snprintf(out + used, cap - used, "%s%s %" PRIu64, k ? ", " : "",
                         dt_report_action_id(r, best < r->rules->nactions ? best : DT_NO_ACTION),
                         day->faults_by_action[best]);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
}
