/* gates.c - parses --fail-if expressions and judges them against a report. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dt_gates.h"
#include "dt_num.h"

#define METRICS "failed, sbc, microsoft, unknown, ner, action:ID or code:MS/SIP"
#define MAX_DIGITS 18

/* ---- parsing ---- */

typedef struct {
    const char *expr; /* the whole expression, for messages */
    const char *p;    /* the next character to read */
    dt_error_t *err;
} parser_t;

static dt_status_t bad(const parser_t *ps, const char *what)
{
    return dt_fail(ps->err, DT_ERR_USAGE, "--fail-if '%s': %s", ps->expr, what);
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

static dt_status_t parse_code(parser_t *ps, dt_gate_t *t)
{
    size_t n = strspn(ps->p, "0123456789*/");
    const char *why = NULL;
    t->metric = DT_METRIC_CODE;
    if (!dt_code_parse(ps->p, n, &t->code, &why)) {
        char msg[DT_ERROR_MAX / 2];
        snprintf(msg, sizeof msg, "code:CODE: %s; CODE is %s", why, DT_CODE_SYNTAX);
        return bad(ps, msg);
    }
    ps->p += n;
    return DT_OK;
}

static dt_status_t parse_action(parser_t *ps, dt_gate_t *t)
{
    static const char id_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789-_.";
    size_t n = strspn(ps->p, id_chars);
    if (n == 0 || n >= sizeof t->action_id)
        return bad(ps, "expected an action id after 'action:' (letters, digits, '-', at most "
                       "63 characters)");
    memcpy(t->action_id, ps->p, n);
    t->action_id[n] = '\0';
    t->metric = DT_METRIC_ACTION;
    ps->p += n;
    return DT_OK;
}

static dt_status_t parse_metric(parser_t *ps, dt_gate_t *t)
{
    size_t n = strspn(ps->p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    char name[16];
    if (n == 0 || n >= sizeof name)
        return bad(ps, "expected a metric: " METRICS);
    memcpy(name, ps->p, n);
    name[n] = '\0';
    ps->p += n;
    if (ps->p[0] == ':' && strcasecmp(name, "action") == 0) {
        ps->p++;
        return parse_action(ps, t);
    }
    if (ps->p[0] == ':' && strcasecmp(name, "code") == 0) {
        ps->p++;
        return parse_code(ps, t);
    }
    if (strcasecmp(name, "failed") == 0)
        t->metric = DT_METRIC_FAILED;
    else if (strcasecmp(name, "ner") == 0)
        t->metric = DT_METRIC_NER;
    else if (dt_origin_parse(name, &t->origin))
        t->metric = DT_METRIC_ORIGIN;
    else
        return bad(ps, "unknown metric; expected " METRICS);
    return DT_OK;
}

static dt_status_t parse_cmp(parser_t *ps, dt_gate_t *t)
{
    char c = *ps->p;
    if (c != '<' && c != '>')
        return bad(ps, "expected a comparison (>, >=, <, <=) after the metric; metrics are "
                       METRICS);
    bool eq = ps->p[1] == '=';
    t->cmp = c == '>' ? (eq ? DT_CMP_GE : DT_CMP_GT) : (eq ? DT_CMP_LE : DT_CMP_LT);
    ps->p += eq ? 2 : 1;
    return DT_OK;
}

static const char *cmp_text(dt_cmp_t cmp)
{
    static const char *const text[] = {">", ">=", "<", "<="};
    return text[cmp];
}

/* A non-negative decimal number, optionally followed by '%'. */
static dt_status_t parse_limit(parser_t *ps, dt_gate_t *t)
{
    char msg[64];
    snprintf(msg, sizeof msg, "expected a number after '%s'", cmp_text(t->cmp));
    uint64_t whole = 0, frac = 0;
    double scale = 1.0;
    if (!read_digits(ps, MAX_DIGITS, &whole))
        return bad(ps, msg);
    if (*ps->p == '.') {
        ps->p++;
        const char *start = ps->p;
        if (!read_digits(ps, 9, &frac))
            return bad(ps, msg);
        for (; start < ps->p; start++)
            scale *= 10.0;
    }
    t->limit = (double)whole + (double)frac / scale;
    skip_blanks(ps);
    bool percent = *ps->p == '%';
    ps->p += percent;
    t->percent = percent || t->metric == DT_METRIC_NER;
    if (t->percent && t->limit > 100.0)
        return bad(ps, "a percentage cannot exceed 100");
    return DT_OK;
}

dt_status_t dt_gate_parse(const char *expr, dt_gate_t *out, dt_error_t *err)
{
    memset(out, 0, sizeof *out);
    parser_t ps = {.expr = expr ? expr : "", .p = expr ? expr : "", .err = err};
    if (strlen(ps.expr) >= sizeof out->text)
        return dt_fail(err, DT_ERR_USAGE, "--fail-if: expression longer than %zu characters",
                       sizeof out->text - 1);
    snprintf(out->text, sizeof out->text, "%s", ps.expr);
    dt_status_t st;
    skip_blanks(&ps);
    if ((st = parse_metric(&ps, out)) != DT_OK)
        return st;
    skip_blanks(&ps);
    if ((st = parse_cmp(&ps, out)) != DT_OK)
        return st;
    skip_blanks(&ps);
    if ((st = parse_limit(&ps, out)) != DT_OK)
        return st;
    skip_blanks(&ps);
    if (*ps.p)
        return bad(&ps, "unexpected text after the limit");
    return DT_OK;
}

/* ---- checking ---- */

/* The number of failed calls a count or percentage condition is about. */
static uint64_t failed_count(const dt_gate_t *t, const dt_report_t *r)
{
    uint64_t n = 0;
    switch (t->metric) {
    case DT_METRIC_FAILED:
        return r->totals.counts.failed;
    case DT_METRIC_ORIGIN:
        return r->totals.counts.failed_by_origin[t->origin];
    case DT_METRIC_ACTION:
        for (size_t i = 0; i < r->nactions; i++)
            if (strcmp(dt_report_action_id(r, r->actions[i].action), t->action_id) == 0)
                n += r->actions[i].failed;
        return n;
    case DT_METRIC_CODE:
        for (size_t i = 0; i < r->ncodes; i++)
            if (!r->codes[i]->other && dt_code_key_matches(&t->code, &r->codes[i]->key))
                n += r->codes[i]->failed;
        return n;
    case DT_METRIC_NER:
        break;
    }
    return 0;
}

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

/* An action id neither in the rules nor "unknown" can only ever count 0. */
static const char *missing_action_text(const dt_gate_t *t, const dt_report_t *r)
{
    if (t->metric != DT_METRIC_ACTION || strcmp(t->action_id, "unknown") == 0 ||
        dt_rules_action(r->rules, t->action_id))
        return "";
    return " (no such action in the rules)";
}

bool dt_gate_check(const dt_gate_t *gate, const dt_report_t *report,
                        uint64_t min_calls, char *why, size_t why_len)
{
    char scratch[1];
    if (!why || !why_len)
        why = scratch, why_len = sizeof scratch;
    why[0] = '\0';
    const dt_gate_t *t = gate;
    uint64_t calls = report->totals.counts.calls;
    if (t->percent && calls == 0) {
        snprintf(why, why_len, "%s: not judged: no calls", t->text);
        return false;
    }
    if (t->percent && calls < min_calls) {
        snprintf(why, why_len, "%s: not judged: %" PRIu64 " calls, fewer than --min-calls %" PRIu64,
                 t->text, calls, min_calls);
        return false;
    }
    uint64_t count = failed_count(t, report);
    double value = t->metric == DT_METRIC_NER ? dt_ner_percent(report->totals.counts.effective, calls)
                   : t->percent ? 100.0 * (double)count / (double)calls
                                : (double)count;
    if (!compare(t->cmp, value, t->limit))
        return false;
    char num[DT_NUMBER_MAX], limit[DT_NUMBER_MAX];
    dt_format_trimmed(limit, t->limit);
    if (t->metric == DT_METRIC_NER)
        snprintf(why, why_len, "%s: NER %s%% over %" PRIu64 " calls (limit %s%%)", t->text,
                 dt_format_fixed(num, value, 2), calls, limit);
    else if (t->percent)
        snprintf(why, why_len, "%s: %s%% of %" PRIu64 " calls failed (limit %s%%)%s", t->text,
                 dt_format_fixed(num, value, 2), calls, limit,
                 missing_action_text(t, report));
    else
        snprintf(why, why_len, "%s: %" PRIu64 " failed call%s (limit %s)%s", t->text, count,
                 count == 1 ? "" : "s", limit, missing_action_text(t, report));
    return true;
}
