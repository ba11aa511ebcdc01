/* gates.c - the metric table, parsing --fail-if expressions, and judging
 * them against a report. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dt_filter.h"
#include "dt_gates.h"
#include "dt_num.h"
#include "dt_text.h"
#include "dt_trend.h"

#define MAX_DIGITS 18       /* of a limit's whole part */
#define MAX_FRACTION 9      /* of its decimal part */
#define PERCENT_MAX 100.0
#define GRAMMAR_WIDTH 78
#define WHY_MAX 512
#define SBC_PREFIX "sbc"
#define RISE_SUFFIX "-rise" /* action:ID-rise, the trend metric action-rise */

/* ---- the metrics ---- */

static dt_gate_measure_t of_calls(uint64_t n, const dt_counts_t *c)
{
    return (dt_gate_measure_t){(double)n, c->calls};
}

static dt_gate_measure_t m_calls(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    (void)g, (void)r;
    return of_calls(c->calls, c);
}

static dt_gate_measure_t m_failed(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    (void)g, (void)r;
    return of_calls(c->failed, c);
}

static dt_gate_measure_t m_origin_failed(const dt_gate_t *g, const dt_report_t *r,
                                         const dt_counts_t *c)
{
    (void)r;
    return of_calls(c->failed_by_origin[g->metric->arg], c);
}

static dt_gate_measure_t m_faults(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    (void)g, (void)r;
    return of_calls(c->failed - dt_counts_expected(c), c);
}

static dt_gate_measure_t m_origin_faults(const dt_gate_t *g, const dt_report_t *r,
                                         const dt_counts_t *c)
{
    (void)r;
    return of_calls(dt_counts_faults(c, (dt_origin_t)g->metric->arg), c);
}

static dt_gate_measure_t m_unknown_codes(const dt_gate_t *g, const dt_report_t *r,
                                         const dt_counts_t *c)
{
    (void)g, (void)r;
    return of_calls(c->unknown_codes, c);
}

static dt_gate_measure_t m_ner(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    (void)g, (void)r;
    return of_calls(c->effective, c);
}

static dt_gate_measure_t m_rejected(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    (void)g, (void)c;
    return (dt_gate_measure_t){(double)r->totals.rejected, r->totals.rows};
}

static dt_gate_measure_t m_action(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->nactions; i++)
        if (strcasecmp(dt_report_action_id(r, r->actions[i].action), g->action_id) == 0)
            n += r->actions[i].failed;
    return of_calls(n, c);
}

static dt_gate_measure_t m_code(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->ncodes; i++)
        if (!r->codes[i]->other && dt_code_key_matches(&g->code, &r->codes[i]->key))
            n += r->codes[i]->failed;
    return of_calls(n, c);
}

/* The Health Dashboard's measures: ACD over the answered calls with a
 * duration, in seconds; the short ones among them. */
static dt_gate_measure_t m_acd(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    (void)g, (void)r;
    return (dt_gate_measure_t){(double)c->talk_seconds, c->acd_calls};
}

static dt_gate_measure_t m_short_calls(const dt_gate_t *g, const dt_report_t *r,
                                       const dt_counts_t *c)
{
    (void)g, (void)r;
    return (dt_gate_measure_t){(double)c->short_calls, c->acd_calls};
}

/* The peak of concurrent calls out of the session limit (--max-concurrent):
 * an SBC's own, or over the whole report the SBC nearest its limit. */
static const dt_keyed_row_t *nearest_limit(const dt_report_t *r, const dt_counts_t *c)
{
    const dt_keyed_row_t *nearest = NULL;
    for (size_t i = 0; i < r->nsbcs; i++) {
        const dt_row_stats_t *st = r->sbcs[i]->stats;
        if (!st || !st->limit || (c != &r->totals.counts && c != &r->sbcs[i]->counts))
            continue;
        const dt_row_stats_t *best = nearest ? nearest->stats : NULL;
        if (!best || st->peak * best->limit > best->peak * st->limit)
            nearest = r->sbcs[i];
    }
    return nearest;
}

static dt_gate_measure_t m_concurrency(const dt_gate_t *g, const dt_report_t *r,
                                       const dt_counts_t *c)
{
    (void)g;
    const dt_keyed_row_t *nearest = nearest_limit(r, c);
    return nearest ? (dt_gate_measure_t){(double)nearest->stats->peak, nearest->stats->limit}
                   : (dt_gate_measure_t){0, 0};
}

/* ---- the trend metrics: 0 without a trend (a report refuses them) ---- */

static dt_gate_measure_t m_new_codes(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    (void)g, (void)c;
    return (dt_gate_measure_t){r->trend ? (double)r->trend->new_codes : 0, 1};
}

static dt_gate_measure_t m_missing_days(const dt_gate_t *g, const dt_report_t *r,
                                        const dt_counts_t *c)
{
    (void)g, (void)c;
    return (dt_gate_measure_t){r->trend ? (double)r->trend->missing_days : 0, 1};
}

/* The drop in points, over the fewer calls of the baseline and the window
 * (so --min-calls guards both). */
static dt_gate_measure_t m_ner_drop(const dt_gate_t *g, const dt_report_t *r, const dt_counts_t *c)
{
    (void)g, (void)c;
    const dt_trend_t *t = r->trend;
    if (!t)
        return (dt_gate_measure_t){0, 0};
    uint64_t calls = t->baseline.calls < t->window.calls ? t->baseline.calls : t->window.calls;
    double drop = t->ner_baseline >= 0 && t->ner_window >= 0 ? t->ner_baseline - t->ner_window : 0;
    return (dt_gate_measure_t){drop * (double)calls, calls};
}

/* The rise of a significant change of the action, over the window's calls;
 * a rise from nothing is taken from half a call in the baseline. */
static dt_gate_measure_t m_action_rise(const dt_gate_t *g, const dt_report_t *r,
                                       const dt_counts_t *c)
{
    (void)c;
    const dt_change_t *ch = r->trend ? dt_trend_action(r->trend, r->rules, g->action_id) : NULL;
    if (!ch)
        return (dt_gate_measure_t){0, r->trend ? r->trend->window.calls : 0};
    double before = ch->baseline.calls ? (ch->baseline.count ? (double)ch->baseline.count : 0.5) /
                                             (double)ch->baseline.calls
                                       : 0;
    double after = ch->window.calls ? (double)ch->window.count / (double)ch->window.calls : 0;
    double rise = ch->significant && before > 0 ? after / before - 1.0 : 0;
    return (dt_gate_measure_t){rise * (double)ch->window.calls, ch->window.calls};
}

#define N_OR_P (DT_GATE_COUNT | DT_GATE_PERCENT)
#define ENDINGS ", expected endings included"
#define WHOLE false /* judged on the whole report only */
#define PER_SBC true
#define NONE DT_GATE_NO_PARAM
#define GUARDED false
#define UNGUARDED true
#define SECONDS_TEXT(n) #n " s"
#define SECONDS(n) SECONDS_TEXT(n)
#define TREND true   /* a trend metric (drtriage trend) */
#define REPORT false /* measured on any report */

const dt_gate_metric_t dt_gate_metrics[] = {
    /* name, what it measures, of what, unit, forms, per SBC, parameter, measure, arg,
       whether --min-calls applies, whether a trend metric */
    {"calls", "calls", NULL, NULL, DT_GATE_COUNT, PER_SBC, NONE, m_calls, 0, GUARDED, REPORT},
    {"failed", "failed calls" ENDINGS, "calls", NULL, N_OR_P, PER_SBC, NONE, m_failed, 0,
     GUARDED, REPORT},
    {"sbc", "SBC-origin failures" ENDINGS, "calls", NULL, N_OR_P, PER_SBC, NONE,
     m_origin_failed, DT_ORIGIN_SBC, GUARDED, REPORT},
    {"microsoft", "Microsoft-origin failures" ENDINGS, "calls", NULL, N_OR_P, PER_SBC, NONE,
     m_origin_failed, DT_ORIGIN_MICROSOFT, GUARDED, REPORT},
    {"unknown", "failures of unknown origin" ENDINGS, "calls", NULL, N_OR_P, PER_SBC, NONE,
     m_origin_failed, DT_ORIGIN_UNKNOWN, GUARDED, REPORT},
    {"faults", "faults (failures that are not expected endings)", "calls", NULL, N_OR_P, PER_SBC,
     NONE, m_faults, 0, GUARDED, REPORT},
    {"sbc-faults", "SBC-origin faults", "calls", NULL, N_OR_P, PER_SBC, NONE, m_origin_faults,
     DT_ORIGIN_SBC, GUARDED, REPORT},
    {"microsoft-faults", "Microsoft-origin faults", "calls", NULL, N_OR_P, PER_SBC, NONE,
     m_origin_faults, DT_ORIGIN_MICROSOFT, GUARDED, REPORT},
    {"unknown-faults", "faults of unknown origin", "calls", NULL, N_OR_P, PER_SBC, NONE,
     m_origin_faults, DT_ORIGIN_UNKNOWN, GUARDED, REPORT},
    {"unknown-codes", "failed calls whose codes no rule documents", "calls", NULL, N_OR_P,
     PER_SBC, NONE, m_unknown_codes, 0, GUARDED, REPORT},
    {"ner", "NER", "calls", NULL, DT_GATE_RATIO, PER_SBC, NONE, m_ner, 0, GUARDED, REPORT},
    {"rejected", "rejected rows", "rows", NULL, N_OR_P, WHOLE, NONE, m_rejected, 0, GUARDED, REPORT},
    {"action", "failed calls with action", "calls", NULL, N_OR_P, WHOLE, DT_GATE_ACTION_ID,
     m_action, 0, GUARDED, REPORT},
    {"code", "failed calls with code", "calls", NULL, N_OR_P, WHOLE, DT_GATE_CODE, m_code, 0,
     GUARDED, REPORT},
    {"acd", "ACD of answered calls", "answered calls with a duration", "s", DT_GATE_MEAN,
     PER_SBC, NONE, m_acd, 0, GUARDED, REPORT},
    {"short-calls", "answered calls shorter than " SECONDS(DT_SHORT_CALL_SECONDS),
     "answered calls with a duration", NULL, N_OR_P, PER_SBC, NONE, m_short_calls, 0, GUARDED, REPORT},
    {"concurrency", "peak concurrent calls",
     "sessions allowed by --max-concurrent", NULL, DT_GATE_PERCENT, PER_SBC, NONE, m_concurrency, 0,
     UNGUARDED, REPORT},
    {"new-codes", "significant new codes", NULL, NULL, DT_GATE_COUNT, WHOLE, NONE, m_new_codes, 0,
     GUARDED, TREND},
    {"missing-days", "missing days", NULL, NULL, DT_GATE_COUNT, WHOLE, NONE, m_missing_days, 0,
     GUARDED, TREND},
    {"ner-drop", "NER drop below the baseline", "calls", "points", DT_GATE_MEAN, WHOLE, NONE,
     m_ner_drop, 0, GUARDED, TREND},
    {"action-rise", "rise of the faults of action", "calls", NULL, DT_GATE_RISE, WHOLE,
     DT_GATE_ACTION_ID, m_action_rise, 0, GUARDED, TREND},
    {NULL, NULL, NULL, NULL, 0, WHOLE, NONE, NULL, 0, GUARDED, REPORT},
};

static bool is_rise(const dt_gate_metric_t *m)
{
    return m->forms == DT_GATE_RISE;
}

static const char *param_syntax(const dt_gate_metric_t *m)
{
    return is_rise(m)                     ? ":ID" RISE_SUFFIX
           : m->param == DT_GATE_ACTION_ID ? ":ID"
           : m->param == DT_GATE_CODE      ? ":CODE"
                                           : "";
}

/* The name a metric is written with: action-rise is action:ID-rise. */
static const char *written_name(const dt_gate_metric_t *m)
{
    return is_rise(m) ? "action" : m->name;
}

size_t dt_gate_metric_list(char *buf, size_t size, size_t indent, size_t width)
{
    size_t n = 0, col = indent;
    buf[0] = '\0';
    for (const dt_gate_metric_t *m = dt_gate_metrics; m->name && n < size; m++) {
        size_t w = strlen(written_name(m)) + strlen(param_syntax(m));
        bool first = m == dt_gate_metrics;
        if (!first && col + 1 + w > width) {
            n += (size_t)snprintf(buf + n, size - n, "\n%*s", (int)indent, "");
            col = indent;
            first = true;
        }
        if (n < size)
            n += (size_t)snprintf(buf + n, size - n, "%s%s%s", first ? "" : " ", written_name(m),
                                  param_syntax(m));
        col += w + !first;
    }
    return n < size ? n : size - 1;
}

void dt_gate_grammar(char *buf, size_t size, const char *indent)
{
    size_t n = (size_t)snprintf(buf, size,
                                "%sa gate is [sbc=GLOB:]METRIC OP VALUE: OP is >, >=, < or <=, "
                                "VALUE a count N\n%sor a percentage P%%, and METRIC one of\n%s  ",
                                indent, indent, indent);
    if (n < size)
        dt_gate_metric_list(buf + n, size - n, strlen(indent) + 2, GRAMMAR_WIDTH);
}

/* ---- parsing ---- */

typedef struct {
    const char *expr; /* the whole expression, for messages */
    const char *p;    /* the next character to read */
    dt_error_t *err;
} parser_t;

/* Fails with what is wrong, the expression with a caret under `at`, and the
 * grammar. */
static dt_status_t bad_at(const parser_t *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static dt_status_t bad_at(const parser_t *ps, const char *at, const char *fmt, ...)
{
    char what[DT_ERROR_MAX / 2], before[DT_GATE_TEXT], grammar[DT_ERROR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(before, sizeof before, "%.*s", (int)(at - ps->expr), ps->expr);
    dt_gate_grammar(grammar, sizeof grammar, "  ");
    return dt_fail(ps->err, DT_ERR_USAGE, "--fail-if '%s': %s\n    %s\n    %*s^\n%s", ps->expr,
                   what, ps->expr, (int)dt_text_width(before), "", grammar);
}

static void skip_blanks(parser_t *ps)
{
    ps->p += strspn(ps->p, " \t");
}

/* Reads 1 to max_digits decimal digits into *out; false if there are none or too many. */
static bool read_digits(parser_t *ps, size_t max_digits, uint64_t *out)
{
    size_t n = strspn(ps->p, "0123456789");
    if (n == 0 || n > max_digits)
        return false;
    *out = 0;
    for (size_t i = 0; i < n; i++)
        *out = *out * 10 + (uint64_t)(ps->p[i] - '0');
    ps->p += n;
    return true;
}

/* "sbc=GLOB:" before the metric: a per-SBC gate. */
static dt_status_t parse_scope(parser_t *ps, dt_gate_t *g)
{
    const char *eq = ps->p + strlen(SBC_PREFIX);
    if (strncasecmp(ps->p, SBC_PREFIX, strlen(SBC_PREFIX)) != 0)
        return DT_OK;
    eq += strspn(eq, " \t");
    if (*eq != '=')
        return DT_OK; /* the sbc metric */
    const char *glob = eq + 1 + strspn(eq + 1, " \t");
    size_t n = strcspn(glob, ":");
    while (n && (glob[n - 1] == ' ' || glob[n - 1] == '\t'))
        n--;
    if (n == 0 || !strchr(glob, ':'))
        return bad_at(ps, glob, "expected sbc=GLOB: and a metric (sbc=sbc-eu*:ner<95)");
    snprintf(g->sbc, sizeof g->sbc, "%.*s", (int)n, glob);
    ps->p = strchr(glob, ':') + 1;
    return DT_OK;
}

static dt_status_t parse_action(parser_t *ps, dt_gate_t *g)
{
    static const char id_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789-_.";
    size_t n = strspn(ps->p, id_chars);
    if (n == 0 || n >= sizeof g->action_id)
        return bad_at(ps, ps->p,
                      "expected an action id after 'action:' (letters, digits, '-', at most "
                      "%zu characters; drtriage rules list shows them)",
                      sizeof g->action_id - 1);
    memcpy(g->action_id, ps->p, n);
    g->action_id[n] = '\0';
    ps->p += n;
    return DT_OK;
}

static dt_status_t parse_code(parser_t *ps, dt_gate_t *g)
{
    size_t n = strspn(ps->p, "0123456789*/");
    const char *why = NULL;
    if (!dt_code_parse(ps->p, n, &g->code, &why))
        return bad_at(ps, ps->p, "code:CODE: %s; CODE is %s", why, DT_CODE_SYNTAX);
    ps->p += n;
    return DT_OK;
}

static const dt_gate_metric_t *find_metric(const char *name, size_t len)
{
    for (const dt_gate_metric_t *m = dt_gate_metrics; m->name; m++)
        if (strlen(m->name) == len && strncasecmp(m->name, name, len) == 0)
            return m;
    return NULL;
}

static dt_status_t unknown_metric(const parser_t *ps, size_t len)
{
    dt_name_closest_t closest;
    dt_name_closest_init(&closest, ps->p, len);
    for (const dt_gate_metric_t *m = dt_gate_metrics; m->name; m++)
        dt_name_closest_add(&closest, m->name, strlen(m->name));
    const char *likely = dt_name_closest_likely(&closest);
    if (!len)
        return bad_at(ps, ps->p, "expected a metric");
    if (likely)
        return bad_at(ps, ps->p, "unknown metric '%.*s'; did you mean '%s'?", (int)len, ps->p,
                      likely);
    return bad_at(ps, ps->p, "unknown metric '%.*s'", (int)len, ps->p);
}

static dt_status_t parse_metric(parser_t *ps, dt_gate_t *g)
{
    size_t n = strspn(ps->p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
    const dt_gate_metric_t *m = find_metric(ps->p, n);
    if (!m)
        return unknown_metric(ps, n);
    if (g->sbc[0] && !m->per_sbc)
        return bad_at(ps, ps->p,
                      "%s%s is not counted per SBC: judge it on the whole report (without "
                      "sbc=GLOB:)",
                      m->name, param_syntax(m));
    ps->p += n;
    g->metric = m;
    if (m->param == DT_GATE_NO_PARAM)
        return DT_OK;
    if (*ps->p != ':')
        return bad_at(ps, ps->p, "expected '%s%s'", m->name, param_syntax(m));
    ps->p++;
    if (m->param == DT_GATE_CODE)
        return parse_code(ps, g);
    dt_status_t st = parse_action(ps, g);
    size_t id = strlen(g->action_id), suffix = strlen(RISE_SUFFIX);
    if (st == DT_OK && id > suffix && strcasecmp(g->action_id + id - suffix, RISE_SUFFIX) == 0) {
        g->action_id[id - suffix] = '\0'; /* action:ID-rise */
        for (const dt_gate_metric_t *r = dt_gate_metrics; r->name; r++)
            if (is_rise(r))
                g->metric = r;
    }
    return st;
}

static dt_status_t parse_cmp(parser_t *ps, dt_gate_t *g)
{
    char c = *ps->p;
    if (c != '<' && c != '>')
        return bad_at(ps, ps->p, "expected a comparison (>, >=, <, <=) after the metric");
    bool eq = ps->p[1] == '=';
    g->cmp = c == '>' ? (eq ? DT_CMP_GE : DT_CMP_GT) : (eq ? DT_CMP_LE : DT_CMP_LT);
    ps->p += eq ? 2 : 1;
    return DT_OK;
}

static const char *cmp_text(dt_cmp_t cmp)
{
    static const char *const text[] = {">", ">=", "<", "<="};
    return text[cmp];
}

/* A limit with a fraction where a whole count is wanted, or one below 1 where
 * a percentage is: refused, suggesting what it likely means. */
static dt_status_t fraction_limit(const parser_t *ps, const dt_gate_t *g, const char *value)
{
    const dt_gate_metric_t *m = g->metric;
    char limit[DT_NUMBER_MAX], pct[DT_NUMBER_MAX];
    dt_format_trimmed(limit, g->limit);
    dt_format_trimmed(pct, g->limit * PERCENT_MAX);
    int head = (int)(value - ps->expr);
    if (g->form == DT_GATE_RATIO)
        return bad_at(ps, value, "%s looks like a fraction, but %s is a percentage: write '%.*s%s'",
                      limit, m->what, head, ps->expr, pct);
    if (!(m->forms & DT_GATE_PERCENT))
        return bad_at(ps, value, "%s counts %s: a count is a whole number", m->name,
                      m->of ? m->of : m->what);
    if (g->limit < 1.0)
        return bad_at(ps, value,
                      "%s looks like a fraction, but without '%%' %s counts %s: for a "
                      "percentage write '%.*s%s%%'",
                      limit, m->name, m->of, head, ps->expr, pct);
    return bad_at(ps, value, "a count is a whole number; for a percentage of %s write '%.*s%s%%'",
                  m->of, head, ps->expr, limit);
}

/* A limit without '%' for a metric that is only a percentage (concurrency):
 * the limit as it was meant, a fraction read as such. */
static dt_status_t percent_only(const parser_t *ps, const dt_gate_t *g, const char *value,
                                bool has_fraction)
{
    char limit[DT_NUMBER_MAX];
    int head = (int)(value - ps->expr);
    if (has_fraction && g->limit < 1.0) {
        char meant[DT_NUMBER_MAX];
        dt_format_trimmed(limit, g->limit);
        dt_format_trimmed(meant, g->limit * PERCENT_MAX);
        return bad_at(ps, value, "%s looks like a fraction, but %s is a percentage: write '%.*s%s%%'",
                      limit, g->metric->name, head, ps->expr, meant);
    }
    dt_format_trimmed(limit, g->limit);
    return bad_at(ps, ps->p, "%s is a percentage: write '%.*s%s%%'", g->metric->name, head,
                  ps->expr, limit);
}

/* Decides the form of the limit from the metric's forms and the '%'. */
static dt_status_t decide_form(const parser_t *ps, dt_gate_t *g, const char *value,
                               bool percent, bool has_fraction)
{
    unsigned forms = g->metric->forms;
    if (forms & DT_GATE_RISE) {
        if (!percent)
            return bad_at(ps, ps->p, "a rise is a percentage of the baseline rate: write P%%");
        g->form = DT_GATE_RISE;
        return DT_OK;
    }
    if (percent && (forms & DT_GATE_PERCENT))
        g->form = DT_GATE_PERCENT;
    else if (forms & DT_GATE_RATIO)
        g->form = DT_GATE_RATIO;
    else if (percent)
        return bad_at(ps, ps->p - 1, "%s is not a percentage: write the limit without '%%'",
                      g->metric->name);
    else if (forms & DT_GATE_COUNT)
        g->form = DT_GATE_COUNT;
    else if (forms & DT_GATE_MEAN)
        g->form = DT_GATE_MEAN;
    else
        return percent_only(ps, g, value, has_fraction);
    bool is_percentage = g->form == DT_GATE_PERCENT || g->form == DT_GATE_RATIO;
    if ((g->form == DT_GATE_COUNT && has_fraction) ||
        (g->form == DT_GATE_RATIO && !percent && has_fraction && g->limit < 1.0))
        return fraction_limit(ps, g, value);
    if (is_percentage && g->limit > PERCENT_MAX)
        return bad_at(ps, value, "a percentage cannot exceed 100");
    return DT_OK;
}

/* A non-negative decimal number, optionally followed by '%'. */
static dt_status_t parse_limit(parser_t *ps, dt_gate_t *g)
{
    const char *value = ps->p;
    uint64_t whole = 0, frac = 0;
    double scale = 1.0;
    if (!read_digits(ps, MAX_DIGITS, &whole))
        return bad_at(ps, ps->p, "expected a number after '%s'", cmp_text(g->cmp));
    bool has_fraction = *ps->p == '.';
    if (has_fraction) {
        ps->p++;
        const char *start = ps->p;
        if (!read_digits(ps, MAX_FRACTION, &frac))
            return bad_at(ps, ps->p, "expected a number after '%s'", cmp_text(g->cmp));
        for (; start < ps->p; start++)
            scale *= 10.0;
    }
    g->limit = (double)whole + (double)frac / scale;
    skip_blanks(ps);
    bool percent = *ps->p == '%';
    ps->p += percent;
    return decide_form(ps, g, value, percent, has_fraction && frac != 0);
}

dt_status_t dt_gate_parse(const char *expr, dt_gate_t *out, dt_error_t *err)
{
    memset(out, 0, sizeof *out);
    parser_t ps = {.expr = expr ? expr : "", .p = expr ? expr : "", .err = err};
    if (strlen(ps.expr) >= sizeof out->text)
        return dt_fail(err, DT_ERR_USAGE, "--fail-if: expression longer than %zu characters",
                       sizeof out->text - 1);
    snprintf(out->text, sizeof out->text, "%s", ps.expr);
    /* [sbc=GLOB:] METRIC OP VALUE, blanks allowed between the parts */
    static dt_status_t (*const parts[])(parser_t *, dt_gate_t *) = {parse_scope, parse_metric,
                                                                    parse_cmp, parse_limit};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        skip_blanks(&ps);
        dt_status_t st = parts[i](&ps, out);
        if (st != DT_OK)
            return st;
    }
    skip_blanks(&ps);
    if (*ps.p)
        return bad_at(&ps, ps.p, "unexpected text after the limit");
    return DT_OK;
}

/* ---- judging ---- */

static bool compare(dt_cmp_t cmp, double value, double limit)
{
    switch (cmp) {
    case DT_CMP_GT:
        return value > limit;
    case DT_CMP_GE:
        return value >= limit;
    case DT_CMP_LT:
        return value < limit;
    case DT_CMP_LE:
        return value <= limit;
    }
    return false;
}

/* head (the metric's name, or what it measures) and the parameter after sep:
 * "action:tls-certificate", "failed calls with action tls-certificate". */
static void with_param(const dt_gate_t *g, const char *head, char sep, char *buf, size_t size)
{
    char code[DT_CODE_TEXT_MAX];
    const char *param = g->metric->param == DT_GATE_ACTION_ID ? g->action_id
                        : g->metric->param == DT_GATE_CODE    ? dt_code_format(&g->code, code)
                                                              : NULL;
    if (param && is_rise(g->metric) && sep == ':')
        snprintf(buf, size, "%s%c%s%s", written_name(g->metric), sep, param, RISE_SUFFIX);
    else if (param)
        snprintf(buf, size, "%s%c%s", head, sep, param);
    else
        snprintf(buf, size, "%s", head);
}

/* An action id neither in the rules nor "unknown" can only ever count 0. */
static const char *missing_action_text(const dt_gate_t *g, const dt_report_t *r)
{
    if (g->metric->param != DT_GATE_ACTION_ID || strcmp(g->action_id, "unknown") == 0 ||
        dt_rules_action(r->rules, g->action_id))
        return "";
    return " (no such action in the rules)";
}

static const char *unit_text(const dt_gate_t *g)
{
    switch (g->form) {
    case DT_GATE_COUNT:
        return "count";
    case DT_GATE_MEAN:
        return g->metric->unit ? g->metric->unit : "";
    default: /* a percentage, a ratio, a rise */
        return "percent";
    }
}

/* Writes the result's one line: what was measured, against what. */
static void explain_result(const dt_gate_t *g, const dt_report_t *r, const dt_gate_result_t *res,
                           const char *scope, uint64_t min_calls, char *why, size_t size)
{
    char what[DT_GATE_TEXT * 2], value[DT_NUMBER_MAX], limit[DT_NUMBER_MAX];
    const char *of = g->metric->of ? g->metric->of : g->metric->what;
    int n = snprintf(why, size, "%s: %s%s", g->text, scope ? scope : "", scope ? ": " : "");
    size_t used = n > 0 && (size_t)n < size ? (size_t)n : size - 1;
    with_param(g, g->metric->what, ' ', what, sizeof what);
    dt_format_trimmed(limit, g->limit);
    if (!res->judged && res->denominator == 0)
        snprintf(why + used, size - used, "not judged: no %s", of);
    else if (!res->judged)
        snprintf(why + used, size - used, "not judged: %" PRIu64 " %s, fewer than --min-calls %" PRIu64,
                 res->denominator, of, min_calls);
    else if (g->form == DT_GATE_COUNT && !g->metric->of) /* "1 call", "2 calls" */
        snprintf(why + used, size - used, "%s %.*s (limit %s)",
                 dt_format_trimmed(value, res->value),
                 (int)(strlen(what) - (res->value == 1.0 && strlen(what) > 1)), what, limit);
    else if (g->form == DT_GATE_COUNT)
        snprintf(why + used, size - used, "%s: %s of %" PRIu64 " %s (limit %s)%s", what,
                 dt_format_trimmed(value, res->value), res->denominator, of, limit,
                 missing_action_text(g, r));
    else if (g->form == DT_GATE_PERCENT)
        snprintf(why + used, size - used, "%s: %s%% of %" PRIu64 " %s (limit %s%%)%s", what,
                 dt_format_fixed(value, res->value, 2), res->denominator, of, limit,
                 missing_action_text(g, r));
    else if (g->form == DT_GATE_RATIO)
        snprintf(why + used, size - used, "%s %s%% over %" PRIu64 " %s (limit %s%%)", what,
                 dt_format_fixed(value, res->value, 2), res->denominator, of, limit);
    else if (g->form == DT_GATE_RISE)
        snprintf(why + used, size - used, "%s: %s%% above the baseline rate over %" PRIu64
                 " %s of the window (limit %s%%; 0 unless the rise is significant)", what,
                 dt_format_fixed(value, res->value, 1), res->denominator, of, limit);
    else
        snprintf(why + used, size - used, "%s %s %s over %" PRIu64 " %s (limit %s %s)", what,
                 dt_format_fixed(value, res->value, 2), unit_text(g), res->denominator, of,
                 limit, unit_text(g));
}

/* Judges g on one set of counts; scope names the SBC (NULL: the whole report). */
static bool judge_one(dt_report_t *r, const dt_gate_t *g, const char *sbc, const char *scope,
                      const dt_counts_t *counts, uint64_t min_calls, dt_gate_result_t *res)
{
    char metric[DT_GATE_TEXT + DT_CODE_TEXT_MAX], why[WHY_MAX];
    dt_gate_measure_t m = g->metric->measure(g, r, counts);
    memset(res, 0, sizeof *res);
    res->denominator = m.denominator;
    res->limit = g->limit;
    if (g->form == DT_GATE_COUNT) {
        res->has_value = res->judged = true;
        res->value = m.numerator;
    } else {
        res->has_value = m.denominator > 0;
        res->judged = res->has_value && (g->metric->unguarded || m.denominator >= min_calls);
        double scale = g->form == DT_GATE_MEAN ? 1.0 : PERCENT_MAX;
        res->value = res->has_value ? scale * m.numerator / (double)m.denominator : 0.0;
    }
    res->breached = res->judged && compare(g->cmp, res->value, g->limit);
    with_param(g, g->metric->name, ':', metric, sizeof metric);
    explain_result(g, r, res, scope, min_calls, why, sizeof why);
    res->expr = dt_arena_strndup(&r->arena, g->text, strlen(g->text));
    res->metric = dt_arena_strndup(&r->arena, metric, strlen(metric));
    res->unit = unit_text(g);
    res->why = dt_arena_strndup(&r->arena, why, strlen(why));
    res->sbc = sbc ? dt_arena_strndup(&r->arena, sbc, strlen(sbc)) : NULL;
    return res->expr && res->metric && res->why && (!sbc || res->sbc);
}

static bool sbc_matches(const dt_gate_t *g, const dt_keyed_row_t *row)
{
    return !row->other && row->name && *row->name &&
           dt_glob_match(g->sbc, row->name, strlen(row->name));
}

/* The results a gate gives: one, or one per matching SBC (at least one). */
static size_t results_of(const dt_report_t *r, const dt_gate_t *g)
{
    size_t n = 0;
    for (size_t i = 0; g->sbc[0] && i < r->nsbcs; i++)
        n += sbc_matches(g, r->sbcs[i]);
    return n ? n : 1;
}

static bool judge_gate(dt_report_t *r, const dt_gate_t *g, uint64_t min_calls,
                       dt_gate_result_t *out, size_t *n)
{
    if (!g->sbc[0]) {
        /* concurrency over the whole report is the SBC nearest its limit: named */
        const dt_keyed_row_t *at =
            g->metric->measure == m_concurrency ? nearest_limit(r, &r->totals.counts) : NULL;
        return judge_one(r, g, NULL, at ? at->name : NULL, &r->totals.counts, min_calls,
                         &out[(*n)++]);
    }
    size_t matched = 0;
    for (size_t i = 0; i < r->nsbcs; i++) {
        if (!sbc_matches(g, r->sbcs[i]))
            continue;
        matched++;
        if (!judge_one(r, g, r->sbcs[i]->name, r->sbcs[i]->name, &r->sbcs[i]->counts, min_calls,
                       &out[(*n)++]))
            return false;
    }
    if (matched)
        return true;
    static const dt_counts_t none;
    char scope[DT_GATE_TEXT + 32];
    snprintf(scope, sizeof scope, "no SBC matches '%s'", g->sbc);
    return judge_one(r, g, g->sbc, scope, &none, min_calls, &out[(*n)++]);
}

dt_status_t dt_gates_judge(dt_report_t *report, const dt_gate_t *gates, size_t ngates,
                           uint64_t min_calls)
{
    report->gates = NULL;
    report->ngates = 0;
    size_t total = 0;
    for (size_t i = 0; i < ngates; i++)
        total += results_of(report, &gates[i]);
    dt_gate_result_t *results = dt_arena_alloc(&report->arena, (total + 1) * sizeof *results);
    if (!results)
        return DT_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < ngates; i++)
        if (!judge_gate(report, &gates[i], min_calls, results, &n))
            return DT_ERR_NOMEM;
    report->gates = results;
    report->ngates = n;
    return DT_OK;
}

size_t dt_gates_breached(const dt_report_t *report)
{
    size_t n = 0;
    for (size_t i = 0; i < report->ngates; i++)
        n += report->gates[i].breached;
    return n;
}
