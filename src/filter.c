/* filter.c - conditions on calls for report filters and drill-down. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dt_date.h"
#include "dt_filter.h"
#include "dt_num.h"

static const char *const cond_keys[DT_COND_COUNT] = {
    "since", "until",  "sbc",  "call-type", "direction", "origin",     "code",
    "ms",    "sip",    "action", "result",  "known",     "correlation", "where",
};

const char *dt_cond_key(dt_cond_kind_t kind)
{
    return kind < DT_COND_COUNT ? cond_keys[kind] : NULL;
}

#define WHERE_SYNTAX "COLUMN OP VALUE with OP one of = != ~ < <= > >= ('External Country=DE')"

/* The operators of where, longest first where one begins another. */
static const struct {
    const char *text;
    dt_where_op_t op;
} where_ops[] = {{"!=", DT_WHERE_NE}, {"<=", DT_WHERE_LE}, {">=", DT_WHERE_GE},
                 {"=", DT_WHERE_EQ},  {"~", DT_WHERE_GLOB}, {"<", DT_WHERE_LT},
                 {">", DT_WHERE_GT}};

static bool numeric_op(dt_where_op_t op)
{
    return op == DT_WHERE_LT || op == DT_WHERE_LE || op == DT_WHERE_GT || op == DT_WHERE_GE;
}

/* Copies text[0..len) without its outer blanks into out (DT_FILTER_TEXT). */
static void copy_trimmed(char *out, const char *text, size_t len)
{
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    snprintf(out, DT_FILTER_TEXT, "%.*s", (int)len, text);
}

/* "COLUMN OP VALUE": the operator is the first of them in the text. */
static bool parse_where(dt_cond_t *c, const char *expr, const char **expected, const char **why)
{
    *expected = WHERE_SYNTAX;
    size_t at = 0;
    for (;; at++) {
        at += strcspn(expr + at, "=!~<>");
        if (!expr[at])
            return *why = "no operator", false;
        if (expr[at] != '!' || expr[at + 1] == '=')
            break;
    }
    size_t k = 0;
    while (strncmp(expr + at, where_ops[k].text, strlen(where_ops[k].text)) != 0)
        k++;
    c->op = where_ops[k].op;
    copy_trimmed(c->column, expr, at);
    const char *value = expr + at + strlen(where_ops[k].text);
    copy_trimmed(c->value, value, strlen(value));
    if (!c->column[0])
        return *why = "no column name before the operator", false;
    if (numeric_op(c->op) && !dt_parse_number(c->value, strlen(c->value), &c->number))
        return *why = "< <= > >= compare numbers, and the value is not one", false;
    return true;
}

static dt_status_t bad_value(dt_error_t *err, const char *key, const char *value,
                             const char *why, const char *expected)
{
    return dt_fail(err, DT_ERR_USAGE, "filter %s='%s': %s%sexpected %s", key, value,
                   why ? why : "", why ? "; " : "", expected);
}

static bool parse_choice(const char *value, const char *yes, const char *no, bool *out)
{
    if (strcasecmp(value, yes) == 0)
        return *out = true, true;
    if (strcasecmp(value, no) == 0)
        return *out = false, true;
    return false;
}

/* Fills the kind-specific part of c from value; false when value is malformed,
 * with *expected saying what was wanted and *why, when set, what is wrong. */
static bool parse_value(dt_cond_t *c, const char *value, const char **expected,
                        const char **why)
{
    switch (c->kind) {
    case DT_COND_SINCE:
    case DT_COND_UNTIL:
        *expected = "a date or date-time (2026-11-01 or 2026-11-01T08:00:00Z)";
        return dt_date_parse(value, strlen(value), &c->time) == DT_DATE_OK;
    case DT_COND_DIRECTION:
        *expected = "in or out";
        return parse_choice(value, "in", "out", &c->flag);
    case DT_COND_ORIGIN:
        *expected = "sbc, microsoft or unknown";
        return dt_origin_parse(value, &c->origin);
    case DT_COND_CODE:
        *expected = DT_CODE_SYNTAX;
        return dt_code_parse(value, strlen(value), &c->code, why);
    case DT_COND_MS:
        *expected = "a Microsoft code: a whole number";
        c->code.has_ms = dt_parse_uint(value, strlen(value), DT_CODE_MAX, &c->code.ms);
        return c->code.has_ms;
    case DT_COND_SIP: {
        uint64_t sip = 0;
        *expected = "a SIP code from 0 to 999";
        c->code.has_sip = dt_parse_uint(value, strlen(value), DT_SIP_MAX, &sip);
        c->code.sip = (unsigned)sip;
        return c->code.has_sip;
    }
    case DT_COND_RESULT:
        *expected = "failed or succeeded";
        return parse_choice(value, "failed", "succeeded", &c->flag);
    case DT_COND_KNOWN:
        *expected = "yes or no";
        return parse_choice(value, "yes", "no", &c->flag);
    case DT_COND_WHERE:
        return parse_where(c, value, expected, why);
    default:
        *expected = "a value";
        return *value != '\0';
    }
}

dt_status_t dt_filter_add(dt_filter_t *filter, const char *key, const char *value,
                          dt_error_t *err)
{
    if (filter->n == DT_FILTER_MAX)
        return dt_fail(err, DT_ERR_USAGE, "too many filter conditions (at most %d)",
                       DT_FILTER_MAX);
    dt_cond_t c = {.kind = DT_COND_COUNT};
    for (size_t k = 0; k < DT_COND_COUNT; k++)
        if (strcasecmp(key, cond_keys[k]) == 0)
            c.kind = (dt_cond_kind_t)k;
    if (c.kind == DT_COND_COUNT)
        return dt_fail(err, DT_ERR_USAGE,
                       "filter key '%s' is unknown (since, until, sbc, call-type, direction, "
                       "origin, code, ms, sip, action, result, known, correlation)",
                       key);
    if (c.kind == DT_COND_WHERE && filter->nwhere == DT_WHERE_MAX)
        return dt_fail(err, DT_ERR_USAGE, "too many --where conditions (at most %d)",
                       DT_WHERE_MAX);
    if (strlen(value) >= sizeof c.text)
        return bad_value(err, key, value, NULL, "a shorter value");
    snprintf(c.text, sizeof c.text, "%s", value);
    const char *expected, *why = NULL;
    if (!parse_value(&c, value, &expected, &why))
        return bad_value(err, key, value, why, expected);
    if (c.kind == DT_COND_WHERE)
        c.where_index = filter->nwhere++;
    filter->conds[filter->n++] = c;
    return DT_OK;
}

dt_status_t dt_filter_parse(dt_filter_t *filter, const char *expr, dt_error_t *err)
{
    const char *p = expr;
    filter->from_rows = true;
    if (!*p)
        return dt_fail(err, DT_ERR_USAGE, "empty filter: expected key=value[,key=value...]");
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *eq = memchr(p, '=', n);
        char key[32], value[DT_FILTER_TEXT];
        if (!eq || eq == p || (size_t)(eq - p) >= sizeof key || n - (size_t)(eq - p) > sizeof value)
            return dt_fail(err, DT_ERR_USAGE,
                           "filter '%s': expected key=value[,key=value...] at '%.*s'", expr,
                           (int)n, p);
        snprintf(key, sizeof key, "%.*s", (int)(eq - p), p);
        snprintf(value, sizeof value, "%.*s", (int)(n - (size_t)(eq - p) - 1), eq + 1);
        if (strcasecmp(key, cond_keys[DT_COND_WHERE]) == 0)
            return dt_fail(err, DT_ERR_USAGE,
                           "filter '%s': 'where' is an option of its own (--where 'COLUMN OP "
                           "VALUE'); the rows written are those the report filters keep",
                           expr);
        dt_status_t st = dt_filter_add(filter, key, value, err);
        if (st)
            return st;
        p += n;
        if (*p == ',' && !*++p)
            return dt_fail(err, DT_ERR_USAGE, "filter '%s': trailing ','", expr);
    }
    return DT_OK;
}

uint32_t dt_cond_fields(const dt_cond_t *c)
{
    switch (c->kind) {
    case DT_COND_SINCE:
    case DT_COND_UNTIL:
        return 1u << DT_FIELD_START | 1u << DT_FIELD_INVITE;
    case DT_COND_SBC:
        return 1u << DT_FIELD_SBC;
    case DT_COND_CALL_TYPE:
        return 1u << DT_FIELD_CALL_TYPE;
    case DT_COND_DIRECTION:
        return 1u << DT_FIELD_DIRECTION | 1u << DT_FIELD_CALL_TYPE;
    case DT_COND_CORRELATION:
        return 1u << DT_FIELD_CORRELATION;
    default: /* codes, origin, action, result, known: from the classified call; where
                reads its own column */
        return 0;
    }
}

uint32_t dt_filter_fields(const dt_filter_t *filter)
{
    uint32_t fields = 0;
    for (size_t i = 0; i < filter->n; i++)
        fields |= dt_cond_fields(&filter->conds[i]);
    return fields;
}

size_t dt_filter_unjudgeable(const dt_filter_t *filter, uint32_t present)
{
    for (size_t i = 0; i < filter->n; i++) {
        uint32_t fields = dt_cond_fields(&filter->conds[i]);
        if (fields && !(fields & present))
            return i;
    }
    return SIZE_MAX;
}

void dt_filter_describe_option(const dt_filter_t *filter, size_t i, char *out, size_t cap)
{
    const dt_cond_t *c = &filter->conds[i];
    if (filter->from_rows)
        snprintf(out, cap, "--rows '%s=%s'", cond_keys[c->kind], c->text);
    else
        snprintf(out, cap, "--%s '%s'", cond_keys[c->kind], c->text);
}

/* What a condition's values are, in the plural, by kind. */
static const char *const value_nouns[DT_COND_COUNT] = {
    [DT_COND_SINCE] = "start times", [DT_COND_UNTIL] = "start times",
    [DT_COND_SBC] = "SBCs",          [DT_COND_CALL_TYPE] = "call types",
    [DT_COND_DIRECTION] = "directions", [DT_COND_ORIGIN] = "origins of failed calls",
    [DT_COND_CODE] = "codes of failed calls", [DT_COND_MS] = "codes of failed calls",
    [DT_COND_SIP] = "codes of failed calls", [DT_COND_ACTION] = "actions of failed calls",
    [DT_COND_RESULT] = "results",    [DT_COND_KNOWN] = "known values of failed calls",
    [DT_COND_CORRELATION] = "correlation ids",
};

const char *dt_filter_value_noun(const dt_cond_t *c, char *buf, size_t cap)
{
    if (c->kind != DT_COND_WHERE)
        return value_nouns[c->kind];
    snprintf(buf, cap, "values of '%s'", c->column);
    return buf;
}

static dt_slice_t text_slice(const char *text)
{
    return (dt_slice_t){text, strlen(text)};
}

static int subject_direction(const dt_rules_t *rules, const dt_filter_subject_t *s)
{
    return s->has_direction ? s->direction : dt_call_direction(rules, s->record);
}

dt_slice_t dt_filter_value(const dt_cond_t *c, const dt_rules_t *rules,
                           const dt_filter_subject_t *s, char buf[DT_FILTER_VALUE_MAX])
{
    static const char *const directions[] = {"unknown", "out", "in"};
    const dt_call_t *call = s->call;
    bool failed = !call->succeeded;
    switch (c->kind) {
    case DT_COND_SBC:
        return call->sbc;
    case DT_COND_CALL_TYPE:
        return dt_record_cell(s->record, DT_FIELD_CALL_TYPE);
    case DT_COND_DIRECTION:
        return text_slice(directions[subject_direction(rules, s) + 1]);
    case DT_COND_CORRELATION:
        return dt_record_cell(s->record, DT_FIELD_CORRELATION);
    case DT_COND_WHERE:
        return s->where ? s->where[c->where_index] : (dt_slice_t){"", 0};
    case DT_COND_RESULT:
        return text_slice(failed ? "failed" : "succeeded");
    default:
        break;
    }
    if (!failed)
        return (dt_slice_t){"", 0};
    size_t a = call->match->action;
    switch (c->kind) {
    case DT_COND_ORIGIN:
        return text_slice(dt_origin_name(call->origin));
    case DT_COND_CODE:
    case DT_COND_MS:
    case DT_COND_SIP:
        return text_slice(dt_code_format(&call->key, buf));
    case DT_COND_ACTION:
        return text_slice(a == DT_NO_ACTION ? "unknown" : rules->actions[a].id);
    case DT_COND_KNOWN:
        return text_slice(call->match->known ? "yes" : "no");
    default: /* since, until: a time is not a value to list */
        return (dt_slice_t){"", 0};
    }
}

bool dt_filter_has(const dt_filter_t *filter, dt_cond_kind_t kind)
{
    for (size_t i = 0; i < filter->n; i++)
        if (filter->conds[i].kind == kind)
            return true;
    return false;
}

bool dt_filter_uses_time(const dt_filter_t *filter)
{
    return dt_filter_has(filter, DT_COND_SINCE) || dt_filter_has(filter, DT_COND_UNTIL);
}

bool dt_glob_match(const char *pattern, const char *text, size_t len)
{
    size_t t = 0;
    const char *star = NULL;
    size_t star_t = 0;
    while (t < len) {
        if (*pattern == '*') {
            star = pattern++;
            star_t = t;
        } else if (*pattern && (*pattern == '?' ||
                                tolower((unsigned char)*pattern) ==
                                    tolower((unsigned char)text[t]))) {
            pattern++;
            t++;
        } else if (star) {
            pattern = star + 1;
            t = ++star_t;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

int dt_call_direction(const dt_rules_t *rules, const dt_record_t *record)
{
    dt_slice_t d = dt_record_cell(record, DT_FIELD_DIRECTION);
    if (d.len >= 2 && strncasecmp(d.ptr, "in", 2) == 0)
        return 1;
    if (d.len >= 3 && strncasecmp(d.ptr, "out", 3) == 0)
        return 0;
    dt_slice_t type = dt_record_cell(record, DT_FIELD_CALL_TYPE);
    return dt_rules_call_direction(rules, type.ptr, type.len);
}

const char *dt_filter_where_column(const dt_filter_t *filter, size_t k)
{
    for (size_t i = 0; i < filter->n; i++)
        if (filter->conds[i].kind == DT_COND_WHERE && filter->conds[i].where_index == k)
            return filter->conds[i].column;
    return "";
}

static bool where_holds(const dt_cond_t *c, dt_slice_t cell)
{
    size_t len = strlen(c->value);
    bool equal = cell.len == len && (len == 0 || strncasecmp(cell.ptr, c->value, len) == 0);
    double number;
    switch (c->op) {
    case DT_WHERE_EQ:
        return equal;
    case DT_WHERE_NE:
        return !equal;
    case DT_WHERE_GLOB:
        return dt_glob_match(c->value, cell.ptr, cell.len);
    default:
        break;
    }
    if (!cell.len || !dt_parse_number(cell.ptr, cell.len, &number))
        return false;
    switch (c->op) {
    case DT_WHERE_LT:
        return number < c->number;
    case DT_WHERE_LE:
        return number <= c->number;
    case DT_WHERE_GT:
        return number > c->number;
    default:
        return number >= c->number;
    }
}

static bool cond_holds(const dt_cond_t *c, const dt_rules_t *rules,
                       const dt_filter_subject_t *s)
{
    const dt_record_t *record = s->record;
    const dt_call_t *call = s->call;
    bool failed = !call->succeeded;
    switch (c->kind) {
    case DT_COND_SINCE:
        return s->time >= c->time;
    case DT_COND_UNTIL:
        return s->time < c->time;
    case DT_COND_SBC:
        return dt_glob_match(c->text, call->sbc.ptr, call->sbc.len);
    case DT_COND_CALL_TYPE: {
        dt_slice_t type = dt_record_cell(record, DT_FIELD_CALL_TYPE);
        return dt_glob_match(c->text, type.ptr, type.len);
    }
    case DT_COND_DIRECTION: {
        /* A call whose direction is unknown is kept: values nobody documents
         * (ACS) must not empty a whole file; the pipeline notes how many. */
        int direction = subject_direction(rules, s);
        return direction < 0 || direction == (c->flag ? 1 : 0);
    }
    case DT_COND_ORIGIN:
        return failed && call->origin == c->origin;
    case DT_COND_CODE:
    case DT_COND_MS:
    case DT_COND_SIP:
        return failed && dt_code_key_matches(&c->code, &call->key);
    case DT_COND_ACTION: {
        if (!failed)
            return false;
        size_t a = call->match->action;
        const char *id = a == DT_NO_ACTION ? "unknown" : rules->actions[a].id;
        return strcasecmp(id, c->text) == 0;
    }
    case DT_COND_RESULT:
        return failed == c->flag;
    case DT_COND_KNOWN:
        return failed && call->match->known == c->flag;
    case DT_COND_CORRELATION: {
        dt_slice_t id = dt_record_cell(record, DT_FIELD_CORRELATION);
        return id.len == strlen(c->text) && memcmp(id.ptr, c->text, id.len) == 0;
    }
    case DT_COND_WHERE:
        return where_holds(c, s->where ? s->where[c->where_index] : (dt_slice_t){NULL, 0});
    default:
        return false;
    }
}

dt_filter_result_t dt_filter_match(const dt_filter_t *filter, const dt_rules_t *rules,
                                   const dt_filter_subject_t *subject, bool *held)
{
    dt_filter_result_t verdict = DT_FILTER_PASS;
    for (size_t i = 0; i < filter->n; i++) {
        const dt_cond_t *c = &filter->conds[i];
        bool timed = c->kind == DT_COND_SINCE || c->kind == DT_COND_UNTIL;
        bool holds = !(timed && !subject->has_time) && cond_holds(c, rules, subject);
        if (held)
            held[i] = holds;
        if (!holds && verdict == DT_FILTER_PASS)
            verdict = timed && !subject->has_time ? DT_FILTER_UNDATED : DT_FILTER_EXCLUDE;
        if (verdict != DT_FILTER_PASS && !held)
            break;
    }
    return verdict;
}

void dt_filter_describe(const dt_filter_t *filter, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < filter->n && used < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s%s=%s", i ? ", " : "",
                         cond_keys[filter->conds[i].kind], filter->conds[i].text);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}
