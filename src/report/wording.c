/* wording.c - the phrases every writer for people says the same way: period
 * labels, gate verdicts, filter matches, the accounting of rows, the
 * measures' summary lines (dt_report.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dt_num.h"
#include "dt_report.h"

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

const char *dt_report_bucket_name(const dt_report_t *report)
{
    return report->bucket == DT_BUCKET_HOUR  ? "hour"
           : report->bucket == DT_BUCKET_DAY ? "day"
                                             : "week";
}

const char *dt_report_period_label(const dt_report_t *report, const dt_keyed_row_t *row,
                                   char *buf, size_t cap)
{
    if (row->other) {
        snprintf(buf, cap, "(other times)");
        return buf;
    }
    char date[DT_DATE_LABEL];
    dt_date_label(row->start, report->bucket == DT_BUCKET_HOUR, date, sizeof date);
    snprintf(buf, cap, "%s%s", date, row->partial ? " " DT_PARTIAL_MARK : "");
    return buf;
}

const char *dt_report_partial_note(const dt_report_t *report, char *buf, size_t cap)
{
    size_t n = report->ntimes; /* partial rows are the first or the last */
    if (!n || !(report->times[0]->partial || report->times[n - 1]->partial))
        return NULL;
    snprintf(buf, cap, "%s the inputs cover this %s only in part", DT_PARTIAL_MARK,
             dt_report_bucket_name(report));
    return buf;
}

const char *dt_report_undated_note(const dt_report_t *report, char *buf, size_t cap)
{
    uint64_t n = report->undated_in_series;
    if (!n)
        return NULL;
    snprintf(buf, cap, "%" PRIu64 " call%s without a readable start time %s not in the series", n,
             plural(n), n == 1 ? "is" : "are");
    return buf;
}

const char *dt_report_gate_verdict(const dt_gate_result_t *gate)
{
    return gate->breached ? "breached" : gate->judged ? "passed" : "not judged";
}

size_t dt_report_gate_counts(const dt_report_t *report, size_t *breached, size_t *judged)
{
    size_t b = 0, j = 0;
    for (size_t i = 0; i < report->ngates; i++) {
        b += report->gates[i].breached;
        j += report->gates[i].judged;
    }
    if (breached)
        *breached = b;
    if (judged)
        *judged = j;
    return report->ngates;
}

const char *dt_report_gates_line(const dt_report_t *report, char *buf, size_t cap)
{
    size_t breached, judged, n = dt_report_gate_counts(report, &breached, &judged);
    if (!n)
        return NULL;
    const dt_gate_result_t *first = NULL;
    for (size_t i = 0; i < n && !first; i++)
        if (report->gates[i].breached)
            first = &report->gates[i];
    if (first) {
        int len = snprintf(buf, cap, "%zu of %zu breached: %s%s%s", breached, n, first->expr,
                           first->sbc ? " on " : "", first->sbc ? first->sbc : "");
        if (breached > 1 && len > 0 && (size_t)len < cap)
            snprintf(buf + len, cap - (size_t)len, " and %zu more", breached - 1);
    } else if (judged == n) {
        snprintf(buf, cap, "%zu passed", judged);
    } else {
        snprintf(buf, cap, "%zu passed, %zu not judged (see Gates)", judged, n - judged);
    }
    return buf;
}

const char *dt_report_filter_line(const dt_filter_match_t *m, char *buf, size_t cap)
{
    if (m->calls)
        snprintf(buf, cap, "%s matched %" PRIu64 " call%s", m->option, m->calls, plural(m->calls));
    else if (m->nvalues)
        snprintf(buf, cap, "%s matched no call; the %s in the input, most calls first:",
                 m->option, m->noun);
    else
        snprintf(buf, cap, "%s matched no call; the input has no %s.", m->option, m->noun);
    return buf;
}

bool dt_report_weighted(const dt_report_t *report)
{
    for (size_t i = 0; i < report->ninputs; i++)
        if (report->inputs[i].count_column)
            return true;
    return false;
}

const char *dt_report_identity(const dt_report_t *report, char *buf, size_t cap)
{
    const dt_totals_t *t = &report->totals;
    snprintf(buf, cap, "rows = %s + rejected%s%s",
             dt_report_weighted(report) ? "call rows" : "calls", t->excluded ? " + excluded" : "",
             t->duplicates ? " + duplicates" : "");
    return buf;
}

const char *dt_report_excluded_line(const dt_report_t *report, char *buf, size_t cap)
{
    static const char *const why[DT_EXCLUDED_COUNT] = {"left out by filters",
                                                       "non-PSTN streams"};
    const dt_totals_t *t = &report->totals;
    if (!t->excluded)
        return NULL;
    size_t n = 0, reasons = 0;
    for (int k = 0; k < DT_EXCLUDED_COUNT; k++)
        reasons += t->excluded_by[k] != 0;
    buf[0] = '\0';
    for (int k = 0; k < DT_EXCLUDED_COUNT && n < cap; k++) {
        if (!t->excluded_by[k])
            continue;
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", why[k]);
        if (reasons > 1 && n < cap)
            n += (size_t)snprintf(buf + n, cap - n, ": %" PRIu64, t->excluded_by[k]);
    }
    if (t->undated && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, "%s%" PRIu64 " without a readable start time",
                              n ? "; " : "", t->undated);
    if (t->excluded_calls != t->excluded && n < cap)
        snprintf(buf + n, cap - n, "%s%" PRIu64 " calls", n ? "; " : "", t->excluded_calls);
    return buf;
}

const char *dt_report_duplicates_line(const dt_report_t *report, char *buf, size_t cap)
{
    const dt_totals_t *t = &report->totals;
    if (!t->duplicates)
        return NULL;
    int n = snprintf(buf, cap, "repeats of calls already counted, dropped by --dedupe");
    if (t->duplicate_calls != t->duplicates && n > 0 && (size_t)n < cap)
        snprintf(buf + n, cap - (size_t)n, "; %" PRIu64 " calls", t->duplicate_calls);
    return buf;
}

const char *dt_report_durations_line(const dt_report_t *report, char *buf, size_t cap)
{
    const dt_counts_t *c = &report->totals.counts;
    const dt_row_stats_t *st = &report->total_stats;
    char a[DT_NUMBER_MAX], b[DT_NUMBER_MAX];
    if (!report->measured || (!c->acd_calls && !st->to_failure_calls))
        return NULL;
    size_t n = 0;
    buf[0] = '\0';
    if (c->acd_calls)
        n += (size_t)snprintf(buf, cap, "ACD %s, %s under %d s",
                              dt_format_duration(a, dt_acd_seconds(c)),
                              dt_format_share(b, c->short_calls, c->acd_calls, 1), DT_SHORT_CALL_SECONDS);
    if (st->to_failure_calls && n < cap)
        snprintf(buf + n, cap - n, "%sfailures after %s median, %s p95", n ? "; " : "",
                 dt_format_duration(a, (double)st->to_failure_median),
                 dt_format_duration(b, (double)st->to_failure_p95));
    return buf;
}

const char *dt_report_measures_intro(char *buf, size_t cap)
{
    snprintf(buf, cap,
             "answered calls with a duration, their ACD and the share under %d s; failed calls "
             "with a time from INVITE to failure, its median and p95",
             DT_SHORT_CALL_SECONDS);
    return buf;
}

const dt_keyed_row_t *dt_report_peak_sbc(const dt_report_t *report, size_t *near)
{
    const dt_keyed_row_t *top = NULL;
    size_t n = 0;
    for (size_t i = 0; report->concurrency && i < report->nsbcs; i++) {
        const dt_row_stats_t *s = report->sbcs[i]->stats;
        if (!s || !s->has_peak || report->sbcs[i]->other)
            continue;
        n += s->near_limit;
        if (!top || (s->near_limit && !top->stats->near_limit) ||
            (s->near_limit == top->stats->near_limit && s->peak > top->stats->peak))
            top = report->sbcs[i];
    }
    if (near)
        *near = n;
    return top;
}

const char *dt_report_peak_line(const dt_report_t *report, char *buf, size_t cap)
{
    size_t near;
    const dt_keyed_row_t *top = dt_report_peak_sbc(report, &near);
    if (!top || !top->stats->peak)
        return NULL;
    char when[DT_DATE_LABEL], more[64] = "";
    dt_date_label(top->stats->peak_at, true, when, sizeof when);
    if (near > 1)
        snprintf(more, sizeof more, " (%zu SBCs near theirs)", near);
    snprintf(buf, cap, "%" PRIu64 " on %s at %s%s%s", top->stats->peak,
             *top->name ? top->name : "(no SBC)", when,
             top->stats->near_limit ? ", near its limit" : "", more);
    return buf;
}

const char *dt_report_worst_sbc_line(const dt_report_t *report, char *buf, size_t cap)
{
    const dt_keyed_row_t *sbc = report->worst_sbc;
    size_t named = 0;
    for (size_t i = 0; i < report->nsbcs; i++)
        named += !report->sbcs[i]->other && *report->sbcs[i]->name;
    if (!sbc || named < 2)
        return NULL;
    char ner[DT_NUMBER_MAX] = "-";
    double percent = dt_ner_percent(sbc->counts.effective, sbc->counts.calls);
    if (percent >= 0) {
        dt_format_fixed(ner, percent, 2);
        strcat(ner, "%");
    }
    snprintf(buf, cap, "%s: NER %s of %" PRIu64 " call%s%s", sbc->name, ner, sbc->counts.calls,
             plural(sbc->counts.calls),
             sbc->counts.calls < report->rules->ner_min_calls
                 ? DT_FEW_CALLS
                 : "");
    return buf;
}

const char *dt_report_ner_definition(const dt_report_t *report, char *buf, size_t cap)
{
    const dt_rules_t *rules = report->rules;
    char sips[DT_REPORT_LINE] = "";
    size_t len = 0;
    for (unsigned c = 0; c <= DT_SIP_MAX && len + 8 < sizeof sips; c++)
        if (rules->ner_effective[c])
            len += (size_t)snprintf(sips + len, sizeof sips - len, "%s%u", len ? "/" : "", c);
    snprintf(buf, cap,
             "NER = (succeeded + failures with SIP %s) / calls; below %" PRIu64
             " calls a low NER may be normal, under %.0f%% with more is low",
             len ? sips : "(none)", rules->ner_min_calls, DT_NER_LOW_PERCENT);
    return buf;
}
