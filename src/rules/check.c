/* rules_check.c - `drtriage rules check`: loads a file with the parser in
 * checking mode, then looks for what only the whole rule set shows (action
 * references) and what only PCRE2 can tell (patterns). `drtriage rules list`:
 * the effective table as TSV. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dt_output.h"
#include "dt_rules_check.h"
#include "dt_text.h"
#include "dt_utf8.h"

/* ---- collecting problems ---- */

typedef struct {
    dt_rules_check_t *check;
    bool nomem;
} sink_t;

static void add_problem(sink_t *sink, const char *file, unsigned line, const char *message)
{
    dt_rules_check_t *c = sink->check;
    if (c->nproblems == c->problems_cap) {
        size_t n = c->problems_cap ? c->problems_cap * 2 : 16;
        dt_rules_problem_t *grown = realloc(c->problems, n * sizeof *grown);
        if (!grown) {
            sink->nomem = true;
            return;
        }
        c->problems = grown;
        c->problems_cap = n;
    }
    dt_rules_problem_t p = {NULL, line, dt_arena_strndup(&c->arena, message, strlen(message))};
    if (file)
        p.file = dt_arena_strndup(&c->arena, file, strlen(file));
    if (!p.message || (file && !p.file)) {
        sink->nomem = true;
        return;
    }
    c->problems[c->nproblems++] = p;
}

static void parser_problem(void *ctx, const char *file, unsigned line, const char *message)
{
    add_problem(ctx, file, line, message);
}

__attribute__((format(printf, 4, 5))) static void problemf(sink_t *sink, const char *file,
                                                           unsigned line, const char *fmt, ...)
{
    char message[DT_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    add_problem(sink, file, line, message);
}

/* ---- checks over the loaded file ---- */

static void check_reference(sink_t *sink, const dt_rules_t *rules, const char *id,
                            dt_rule_origin_t at, const char *file)
{
    if (id && at.file == file && !dt_rules_action(rules, id))
        problemf(sink, at.file, at.line,
                 "no [action %s] is defined (in this file, the built-in rules or --rules)", id);
}

static void check_references(sink_t *sink, const dt_rules_t *rules, const char *file)
{
    for (size_t i = 0; i < rules->ncodes; i++)
        check_reference(sink, rules, rules->codes[i].action_id, rules->codes[i].at, file);
    for (size_t i = 0; i < rules->nsips; i++)
        check_reference(sink, rules, rules->sips[i].action_id, rules->sips[i].at, file);
    for (size_t i = 0; i < rules->norigins; i++)
        check_reference(sink, rules, rules->origins[i].action_id, rules->origins[i].at, file);
    for (size_t n = 1; n <= 6; n++)
        check_reference(sink, rules, rules->class_action_id[n], rules->class_at[n], file);
}

/* A pattern PCRE2 refuses, with its offset. */
static void bad_pattern(void *ctx, dt_rule_origin_t at, const char *what, const char *pattern,
                        const char *why)
{
    problemf(ctx, at.file, at.line, "%s pattern '%s': %s", what, pattern, why);
}

static void count_defined(dt_rules_check_t *c, const dt_rules_t *rules, const char *file)
{
    for (size_t i = 0; i < rules->nactions; i++)
        c->nactions += rules->actions[i].at.file == file;
    for (size_t i = 0; i < rules->ncodes; i++)
        c->ncodes += rules->codes[i].at.file == file;
    for (size_t i = 0; i < rules->nsips; i++)
        c->nsips += rules->sips[i].at.file == file;
    for (size_t n = 1; n <= 6; n++)
        c->nclasses += rules->class_at[n].file == file;
    for (size_t i = 0; i < rules->norigins; i++)
        c->norigins += rules->origins[i].at.file == file;
    for (size_t i = 0; i < rules->nheaders; i++)
        c->nheaders += rules->headers[i].at.file == file;
    for (size_t i = 0; i < rules->nskips; i++)
        c->nskips += rules->skips[i].at.file == file;
}

/* A problem and the order it was found in. */
typedef struct {
    dt_rules_problem_t p;
    size_t seq;
} found_t;

/* Problems of the file by line, then those of the whole rule set; within a
 * line, in the order found. */
static int compare_found(const void *a, const void *b)
{
    const found_t *x = a, *y = b;
    if (!x->p.file != !y->p.file)
        return !x->p.file ? 1 : -1;
    if (x->p.line != y->p.line)
        return x->p.line > y->p.line ? 1 : -1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Each pass found its problems in line order: sorts them all, stably. */
static bool sort_problems(dt_rules_check_t *c)
{
    found_t *all = malloc((c->nproblems ? c->nproblems : 1) * sizeof *all);
    if (!all)
        return false;
    for (size_t i = 0; i < c->nproblems; i++)
        all[i] = (found_t){c->problems[i], i};
    qsort(all, c->nproblems, sizeof *all, compare_found);
    for (size_t i = 0; i < c->nproblems; i++)
        c->problems[i] = all[i].p;
    free(all);
    return true;
}

/* Everything after the parser has run over the file. */
static dt_status_t after_load(dt_rules_t *rules, dt_status_t loaded, sink_t *sink,
                              const char *file, dt_error_t *err)
{
    bool unreadable = loaded == DT_ERR_INPUT && sink->check->nproblems == 0 && !sink->nomem;
    if ((loaded != DT_OK && loaded != DT_ERR_INPUT) || unreadable)
        return loaded;
    check_references(sink, rules, file);
    if (file)
        dt_rules_bad_patterns(rules, file, bad_pattern, sink);
    if (sink->check->nproblems == 0 && dt_rules_finish(rules, err) != DT_OK)
        add_problem(sink, NULL, 0, err->msg);
    if (sink->nomem || !sort_problems(sink->check))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    count_defined(sink->check, rules, file);
    return DT_OK;
}

static void check_init(dt_rules_check_t *out, sink_t *sink, dt_rules_checker_t *checker)
{
    memset(out, 0, sizeof *out);
    *sink = (sink_t){out, false};
    *checker = (dt_rules_checker_t){parser_problem, sink, NULL};
}

dt_status_t dt_rules_check_file(dt_rules_t *rules, const char *path, dt_rules_check_t *out,
                                dt_error_t *err)
{
    sink_t sink;
    dt_rules_checker_t checker;
    check_init(out, &sink, &checker);
    dt_status_t st = dt_rules_load_path_checked(rules, path, rules->layers, &checker, err);
    return after_load(rules, st, &sink, checker.file, err);
}

dt_status_t dt_rules_check_text(dt_rules_t *rules, const char *name, const char *text,
                                size_t len, dt_rules_check_t *out, dt_error_t *err)
{
    sink_t sink;
    dt_rules_checker_t checker;
    check_init(out, &sink, &checker);
    dt_status_t st =
        dt_rules_load_text_checked(rules, name, rules->layers, text, len, &checker, err);
    return after_load(rules, st, &sink, checker.file, err);
}

void dt_rules_check_free(dt_rules_check_t *check)
{
    free(check->problems);
    dt_arena_free(&check->arena);
    memset(check, 0, sizeof *check);
}

dt_status_t dt_rules_check_write_problems(FILE *out, const dt_rules_check_t *check)
{
    for (size_t i = 0; i < check->nproblems; i++) {
        const dt_rules_problem_t *p = &check->problems[i];
        if (p->file)
            dt_text_printf_escaped(out, "%s:%u: %s", p->file, p->line, p->message);
        else
            dt_text_printf_escaped(out, "%s", p->message);
        putc('\n', out);
    }
    return dt_stream_finish(out, NULL);
}

dt_status_t dt_rules_check_write_summary(FILE *out, const char *name,
                                         const dt_rules_check_t *check)
{
    const struct {
        size_t n;
        const char *one, *many;
        bool always;
    } kinds[] = {
        {check->nactions, "action", "actions", true},
        {check->ncodes, "code", "codes", true},
        {check->nsips, "SIP code", "SIP codes", false},
        {check->nclasses, "SIP class", "SIP classes", false},
        {check->norigins, "origin rule", "origin rules", false},
        {check->nheaders, "header alias", "header aliases", false},
        {check->nskips, "skip rule", "skip rules", false},
    };
    dt_text_write_escaped(out, name, strlen(name));
    fputs(": ok (", out);
    const char *sep = "";
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!kinds[i].n && !kinds[i].always)
            continue;
        fprintf(out, "%s%zu %s", sep, kinds[i].n, kinds[i].n == 1 ? kinds[i].one : kinds[i].many);
        sep = ", ";
    }
    fputs(")\n", out);
    return dt_stream_finish(out, NULL);
}

/* ---- rules list ---- */

/* One TSV cell: tabs and control characters become spaces: C0, DEL and C1
 * (U+0080-U+009F, and a lone byte 0x80-0x9F, which an 8-bit terminal reads
 * as C1). Other text, invalid UTF-8 included, is written as it is. */
static void put_cell(FILE *out, const char *text, bool last)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    for (size_t i = 0, len = strlen((const char *)s); i < len;) {
        uint32_t cp;
        size_t n = dt_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            cp = s[i], n = 1;
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            putc(' ', out);
        else
            fwrite(s + i, 1, n, out);
        i += n;
    }
    putc(last ? '\n' : '\t', out);
}

typedef struct {
    const char *kind, *key, *action, *owner, *origin, *phrase, *source;
    dt_rule_origin_t at;
} row_t;

static void put_row(FILE *out, const dt_rules_t *rules, const row_t *r)
{
    const dt_action_t *a = r->action ? dt_rules_action(rules, r->action) : NULL;
    char at[512];
    snprintf(at, sizeof at, "%s:%u", r->at.file ? r->at.file : "", r->at.line);
    put_cell(out, r->kind, false);
    put_cell(out, r->key, false);
    put_cell(out, r->action, false);
    put_cell(out, a ? dt_owner_name(a->owner) : NULL, false);
    put_cell(out, r->origin, false);
    put_cell(out, r->phrase, false);
    put_cell(out, r->source, false);
    put_cell(out, at, true);
}

/* Each kind is sorted through an array of pointers into the rules; equal keys
 * keep load order by comparing the pointers. */
#define ORDER_BY_POINTER(x, y) (((x) > (y)) - ((x) < (y)))

static int compare_codes(const void *a, const void *b)
{
    const dt_code_rule_t *x = *(const dt_code_rule_t *const *)a;
    const dt_code_rule_t *y = *(const dt_code_rule_t *const *)b;
    if (x->has_ms != y->has_ms)
        return x->has_ms ? 1 : -1;
    if (x->ms != y->ms)
        return x->ms < y->ms ? -1 : 1;
    if (x->sip != y->sip)
        return x->sip < y->sip ? -1 : 1;
    int c = strcasecmp(x->nphrases ? x->phrases[0] : "", y->nphrases ? y->phrases[0] : "");
    return c ? c : ORDER_BY_POINTER(x, y);
}

static int compare_actions(const void *a, const void *b)
{
    const dt_action_t *x = *(const dt_action_t *const *)a;
    const dt_action_t *y = *(const dt_action_t *const *)b;
    return strcmp(x->id, y->id);
}

static int compare_origins(const void *a, const void *b)
{
    const dt_origin_rule_t *p = *(const dt_origin_rule_t *const *)a;
    const dt_origin_rule_t *q = *(const dt_origin_rule_t *const *)b;
    bool x_default = strcmp(p->prefix, "*") == 0, y_default = strcmp(q->prefix, "*") == 0;
    if (x_default != y_default)
        return x_default ? 1 : -1;
    int c = strcmp(p->prefix, q->prefix);
    if (c)
        return c;
    return (p->family > q->family) - (p->family < q->family);
}

static int compare_headers(const void *a, const void *b)
{
    const dt_header_rule_t *x = *(const dt_header_rule_t *const *)a;
    const dt_header_rule_t *y = *(const dt_header_rule_t *const *)b;
    if (x->field != y->field)
        return x->field < y->field ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return ORDER_BY_POINTER(x, y);
}

/* Pointers to the n elements of base (each size bytes) sorted with compare, in a
 * malloc'd array; NULL when out of memory. */
static const void **sorted(const void *base, size_t n, size_t size,
                           int (*compare)(const void *, const void *))
{
    const void **order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < n; i++)
        order[i] = (const char *)base + i * size;
    qsort(order, n, sizeof *order, compare);
    return order;
}

static void list_codes(FILE *out, const dt_rules_t *rules, const void **order)
{
    for (size_t k = 0; k < rules->ncodes; k++) {
        const dt_code_rule_t *c = order[k];
        char key[DT_CODE_KEY_MAX], phrases[4096] = "";
        dt_code_rule_key(c, key);
        for (size_t i = 0, n = 0; i < c->nphrases && n < sizeof phrases; i++)
            n += (size_t)snprintf(phrases + n, sizeof phrases - n, "%s%s", i ? " | " : "",
                                  c->phrases[i]);
        const dt_origin_rule_t *o =
            c->has_ms ? dt_rules_origin_for(rules, DT_FAMILY_ANY, c->ms) : NULL;
        put_row(out, rules,
                &(row_t){"code", key, c->action_id, NULL, o ? dt_origin_name(o->origin) : NULL,
                         phrases, c->source, c->at});
    }
}

static void list_actions(FILE *out, const dt_rules_t *rules, const void **order)
{
    for (size_t k = 0; k < rules->nactions; k++) {
        const dt_action_t *a = order[k];
        put_row(out, rules, &(row_t){"action", a->id, a->id, NULL, NULL, a->title, NULL, a->at});
    }
}

static void list_sips(FILE *out, const dt_rules_t *rules)
{
    for (size_t i = 0; i < rules->nsips; i++) {
        const dt_sip_rule_t *s = &rules->sips[i];
        char key[16];
        snprintf(key, sizeof key, "%u", s->code);
        put_row(out, rules,
                &(row_t){"sip", key, s->action_id, NULL, NULL, s->phrase, s->rfc, s->at});
    }
    for (unsigned n = 1; n <= 6; n++) {
        if (!rules->class_action_id[n])
            continue;
        char key[8];
        snprintf(key, sizeof key, "%uxx", n);
        put_row(out, rules,
                &(row_t){"sip-class", key, rules->class_action_id[n], NULL, NULL, NULL, NULL,
                         rules->class_at[n]});
    }
}

static void list_origins(FILE *out, const dt_rules_t *rules, const void **order)
{
    for (size_t k = 0; k < rules->norigins; k++) {
        const dt_origin_rule_t *o = order[k];
        char key[48];
        if (o->family == DT_FAMILY_ANY)
            snprintf(key, sizeof key, "%s", o->prefix);
        else
            snprintf(key, sizeof key, "%s/%s", o->prefix, dt_family_name(o->family));
        put_row(out, rules,
                &(row_t){"origin", key, o->action_id, NULL, dt_origin_name(o->origin),
                         o->sip_from_code ? "sip-from-code" : NULL, NULL, o->at});
    }
}

static void list_headers(FILE *out, const dt_rules_t *rules, const void **order)
{
    for (size_t k = 0; k < rules->nheaders; k++) {
        const dt_header_rule_t *h = order[k];
        char key[48];
        snprintf(key, sizeof key, "%s/%s", dt_field_name(h->field), dt_family_name(h->family));
        put_row(out, rules, &(row_t){"header", key, NULL, NULL, NULL, h->pattern, NULL, h->at});
    }
}

static int compare_skips(const void *a, const void *b)
{
    const dt_skip_rule_t *x = *(const dt_skip_rule_t *const *)a;
    const dt_skip_rule_t *y = *(const dt_skip_rule_t *const *)b;
    return strcmp(x->id, y->id);
}

static void list_skips(FILE *out, const dt_rules_t *rules, const void **order)
{
    for (size_t k = 0; k < rules->nskips; k++) {
        const dt_skip_rule_t *r = order[k];
        char what[1024];
        for (size_t i = 0; i < r->nnames; i++) {
            snprintf(what, sizeof what, "name=%s", r->names[i]);
            put_row(out, rules, &(row_t){"skip", r->id, NULL, NULL, NULL, what, r->source, r->at});
        }
        for (size_t g = 0; g < r->nsignatures; g++) {
            size_t n = (size_t)snprintf(what, sizeof what, "headers=");
            for (size_t p = 0; p < r->signatures[g].npatterns && n < sizeof what; p++)
                n += (size_t)snprintf(what + n, sizeof what - n, "%s%s", p ? " " : "",
                                      r->signatures[g].patterns[p]);
            put_row(out, rules,
                    &(row_t){"skip", r->id, NULL, NULL, NULL, what, r->source,
                             {r->at.file, r->signatures[g].line}});
        }
    }
}

dt_status_t dt_rules_write_table(FILE *out, const dt_rules_t *rules, dt_error_t *err)
{
    const void **codes = sorted(rules->codes, rules->ncodes, sizeof *rules->codes, compare_codes);
    const void **actions =
        sorted(rules->actions, rules->nactions, sizeof *rules->actions, compare_actions);
    const void **origins =
        sorted(rules->origins, rules->norigins, sizeof *rules->origins, compare_origins);
    const void **headers =
        sorted(rules->headers, rules->nheaders, sizeof *rules->headers, compare_headers);
    const void **skips = sorted(rules->skips, rules->nskips, sizeof *rules->skips, compare_skips);
    dt_status_t st = DT_OK;
    if (!codes || !actions || !origins || !headers || !skips) {
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    } else {
        fputs("kind\tkey\taction\towner\torigin\tphrase\tsource\tfile:line\n", out);
        list_codes(out, rules, codes);
        list_actions(out, rules, actions);
        list_sips(out, rules);
        list_origins(out, rules, origins);
        list_headers(out, rules, headers);
        list_skips(out, rules, skips);
        if (dt_stream_finish(out, NULL) != DT_OK)
            st = dt_fail(err, DT_ERR_OUTPUT, "write error");
    }
    free((void *)codes);
    free((void *)actions);
    free((void *)origins);
    free((void *)headers);
    free((void *)skips);
    return st;
}
