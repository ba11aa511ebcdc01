/* rules.c - parses rules files (docs/rules.md) into a dt_rules_t.
 *
 * A file is a list of sections, "[kind args]" followed by "key = value" lines.
 * Each section is collected whole, checked, then merged: a section with the
 * key of an earlier one replaces it (later files win), except header aliases
 * and value lists, which add up. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dt_embedded.h"
#include "dt_hash.h"
#include "dt_regex.h"
#include "dt_rules.h"

#define RULES_FILE_MAX (16 * 1024 * 1024)
#define NO_MS_CODE "-" /* [code -/SIP]: an entry documented without a Microsoft code */
#define SECTION_VALUES_MAX 64

static const char *const field_names[DT_FIELD_COUNT] = {
    "sip",       "ms",        "phrase", "success", "sbc",    "correlation", "start",
    "invite",    "call-type", "direction", "user", "caller", "callee",      "duration",
    "count",     "failure",   "end",       "endpoint",
};

static const char *const owner_names[DT_OWNER_COUNT] = {"sbc", "tenant", "network", "microsoft",
                                                        "user"};

const char *dt_field_name(dt_field_t field)
{
    return field < DT_FIELD_COUNT ? field_names[field] : "?";
}

bool dt_field_parse(const char *name, dt_field_t *out)
{
    int i;
    if (!dt_name_lookup(name, field_names, DT_FIELD_COUNT, &i))
        return false;
    *out = (dt_field_t)i;
    return true;
}

const char *dt_owner_name(dt_owner_t owner)
{
    return owner < DT_OWNER_COUNT ? owner_names[owner] : "?";
}

static bool owner_parse(const char *text, dt_owner_t *out)
{
    int i;
    if (!dt_name_lookup(text, owner_names, DT_OWNER_COUNT, &i))
        return false;
    *out = (dt_owner_t)i;
    return true;
}

void dt_rules_init(dt_rules_t *rules)
{
    memset(rules, 0, sizeof *rules);
    dt_map_init(&rules->action_index, 0);
    dt_map_init(&rules->code_index, 0);
    dt_map_init(&rules->origin_index, 0);
    dt_map_init(&rules->success_true, 0);
    dt_map_init(&rules->endpoint_pstn, 0);
    dt_map_init(&rules->success_false, 0);
    dt_map_init(&rules->call_type_in, 0);
    dt_map_init(&rules->call_type_out, 0);
    dt_map_init(&rules->call_type_in_after, 0);
    dt_map_init(&rules->call_type_out_after, 0);
    for (size_t i = 0; i < 7; i++)
        rules->class_action[i] = DT_NO_ACTION;
    rules->ner_min_calls = 100;
}

void dt_rules_free(dt_rules_t *rules)
{
    free(rules->actions);
    free(rules->codes);
    free(rules->sips);
    free(rules->origins);
    free(rules->headers);
    free(rules->skips);
    dt_map_free(&rules->action_index);
    dt_map_free(&rules->code_index);
    dt_map_free(&rules->origin_index);
    dt_map_free(&rules->success_true);
    dt_map_free(&rules->endpoint_pstn);
    dt_map_free(&rules->success_false);
    dt_map_free(&rules->call_type_in);
    dt_map_free(&rules->call_type_out);
    dt_map_free(&rules->call_type_in_after);
    dt_map_free(&rules->call_type_out_after);
    free(rules->call_type_services);
    dt_arena_free(&rules->arena);
    dt_rules_init(rules);
}


/* ---- the section being parsed ---- */

typedef enum {
    SEC_NONE,
    SEC_ACTION,
    SEC_CODE,
    SEC_SIP,
    SEC_SIP_CLASS,
    SEC_ORIGIN,
    SEC_HEADER,
    SEC_VALUES,
    SEC_CALL_TYPE,
    SEC_NER,
    SEC_NON_PSTN,
    SEC_SIP_ONLY,
    SEC_SKIP_FILE,
    SEC_SKIP, /* a section that failed to open: its lines are ignored */
} section_kind_t;

typedef struct {
    const char *key;
    const char *value; /* arena copy */
    unsigned line;
} kv_t;

typedef struct {
    section_kind_t kind;
    const char *arg;     /* arena copy of the section argument */
    unsigned line;
    kv_t values[SECTION_VALUES_MAX];
    size_t nvalues;
} section_t;

typedef struct {
    dt_rules_t *rules;
    const char *file;   /* arena copy of the file name */
    unsigned layer;
    dt_error_t *err;
    size_t first_code;  /* codes[first_code..] came from this file */
    dt_rules_checker_t *checker; /* NULL: stop at the first problem */
    size_t nproblems;
} parse_t;

/* Reports a problem at line; returns DT_ERR_INPUT. A caller that can still
 * merge the section (a bad value, an unknown key) ignores the result: the
 * problem is counted and the load fails when the file ends, so a checked load
 * also sees the section's later problems (duplicates, references, patterns). */
__attribute__((format(printf, 3, 4))) static dt_status_t fail_at(parse_t *ps, unsigned line,
                                                                  const char *fmt, ...)
{
    char what[DT_ERROR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (ps->checker)
        ps->checker->problem(ps->checker->ctx, ps->file, line, what);
    else if (ps->nproblems == 0)
        dt_fail(ps->err, DT_ERR_INPUT, "%s:%u: %s", ps->file, line, what);
    ps->nproblems++;
    return DT_ERR_INPUT;
}

static dt_status_t no_memory(parse_t *ps)
{
    return dt_fail(ps->err, DT_ERR_NOMEM, "%s: out of memory", ps->file);
}

static size_t count_key(const section_t *sec, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; i < sec->nvalues; i++)
        n += strcmp(sec->values[i].key, key) == 0;
    return n;
}

static const kv_t *find_key(const section_t *sec, const char *key)
{
    for (size_t i = 0; i < sec->nvalues; i++)
        if (strcmp(sec->values[i].key, key) == 0)
            return &sec->values[i];
    return NULL;
}

/* Collects every value of a repeatable key into an arena array, and their line
 * numbers into *lines unless lines is NULL. */
static const char **collect(parse_t *ps, const section_t *sec, const char *key, size_t *n,
                            const unsigned **lines)
{
    *n = count_key(sec, key);
    const char **list = dt_arena_alloc(&ps->rules->arena, (*n ? *n : 1) * sizeof *list);
    unsigned *at = lines ? dt_arena_alloc(&ps->rules->arena, (*n ? *n : 1) * sizeof *at) : NULL;
    if (!list || (lines && !at))
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < sec->nvalues; i++)
        if (strcmp(sec->values[i].key, key) == 0) {
            if (at)
                at[j] = sec->values[i].line;
            list[j++] = sec->values[i].value;
        }
    if (lines)
        *lines = at;
    return list;
}

/* Checks that every key is allowed, that single keys appear once and that
 * required keys are present. `spec` lists "key", "key+" (repeatable),
 * "key!" (required), "key!+" (required, repeatable). */
static dt_status_t check_keys(parse_t *ps, const section_t *sec, const char *const *spec,
                              const char *kind)
{
    dt_status_t st = DT_OK; /* only a missing key stops the section */
    for (size_t i = 0; i < sec->nvalues; i++) {
        const char *key = sec->values[i].key;
        bool known = false, repeatable = false;
        for (const char *const *s = spec; *s; s++) {
            size_t n = strcspn(*s, "!+");
            if (strlen(key) == n && strncmp(*s, key, n) == 0) {
                known = true;
                repeatable = strchr(*s, '+') != NULL;
            }
        }
        if (!known)
            fail_at(ps, sec->values[i].line, "unknown key '%s' in [%s] section", key, kind);
        else if (!repeatable && count_key(sec, key) > 1 && find_key(sec, key) != &sec->values[i])
            fail_at(ps, sec->values[i].line, "key '%s' given twice in [%s] section", key, kind);
    }
    for (const char *const *s = spec; *s; s++) {
        if (!strchr(*s, '!'))
            continue;
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)strcspn(*s, "!+"), *s);
        if (!find_key(sec, key))
            st = fail_at(ps, sec->line, "[%s] section lacks required key '%s'", kind, key);
    }
    return st;
}

static bool parse_uint(const char *text, uint64_t max, uint64_t *out)
{
    if (!*text)
        return false;
    uint64_t v = 0;
    for (const char *p = text; *p; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (!isdigit((unsigned char)*p) || d > max || v > (max - d) / 10)
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return true;
}

static bool parse_yes_no(const char *text, bool *out)
{
    if (strcmp(text, "yes") == 0 || strcmp(text, "true") == 0)
        return *out = true, true;
    if (strcmp(text, "no") == 0 || strcmp(text, "false") == 0)
        return *out = false, true;
    return false;
}

static dt_rule_origin_t here(parse_t *ps, unsigned line)
{
    return (dt_rule_origin_t){ps->file, line};
}

/* Reads an optional yes/no key into *out (left alone when the key is absent);
 * a bad value is reported and the section still merges. */
static void read_yes_no(parse_t *ps, const section_t *sec, const char *key, bool *out)
{
    const kv_t *kv = find_key(sec, key);
    if (kv && !parse_yes_no(kv->value, out))
        fail_at(ps, kv->line, "%s must be yes or no, not '%s'", key, kv->value);
}

/* ---- one merge function per section kind ---- */

static dt_status_t merge_action(parse_t *ps, const section_t *sec)
{
    static const char *const spec[] = {"title!", "owner!", "text!", "expected", "doc+", NULL};
    dt_status_t st = check_keys(ps, sec, spec, "action");
    if (st)
        return st;
    dt_rules_t *r = ps->rules;
    dt_action_t a = {.id = sec->arg, .at = here(ps, sec->line)};
    a.title = find_key(sec, "title")->value;
    a.text = find_key(sec, "text")->value;
    const kv_t *owner = find_key(sec, "owner");
    if (!owner_parse(owner->value, &a.owner))
        fail_at(ps, owner->line, "owner '%s' is not one of sbc, tenant, network, microsoft, user",
                owner->value);
    read_yes_no(ps, sec, "expected", &a.expected);
    if (!(a.docs = collect(ps, sec, "doc", &a.ndocs, NULL)))
        return no_memory(ps);

    if (!DT_GROW(r->actions, r->nactions, r->actions_cap))
        return no_memory(ps); /* room first: the index must not name a missing action */
    uint32_t *slot;
    int rc = dt_map_upsert(&r->action_index, a.id, strlen(a.id), (uint32_t)r->nactions, &slot);
    if (rc == DT_MAP_NOMEM)
        return no_memory(ps);
    if (rc == DT_MAP_FOUND) {
        dt_action_t *old = &r->actions[*slot];
        if (old->at.file == ps->file)
            return fail_at(ps, sec->line, "action '%s' defined twice in this file", a.id);
        *old = a;
        return DT_OK;
    }
    r->actions[r->nactions++] = a;
    return DT_OK;
}

/* The next character of a phrase as codes.c compares phrases: lowercased,
 * a blank run as one space, leading and trailing blanks and one trailing
 * period dropped. Returns '\0' at the end. */
static char phrase_char(const char **p)
{
    const char *s = *p;
    bool blank = false;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++, blank = true;
    const char *rest = s + (*s == '.');
    while (*rest == ' ' || *rest == '\t' || *rest == '\r' || *rest == '\n')
        rest++;
    if (!*s || (*s == '.' && !*rest)) {
        *p = s + strlen(s);
        return '\0';
    }
    if (blank) {
        *p = s;
        return ' ';
    }
    *p = s + 1;
    return (char)tolower((unsigned char)*s);
}

/* Phrases are equal when they match alike (docs/rules.md). */
static bool same_phrase(const char *a, const char *b)
{
    while (*a == ' ' || *a == '\t')
        a++;
    while (*b == ' ' || *b == '\t')
        b++;
    for (;;) {
        char x = phrase_char(&a), y = phrase_char(&b);
        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

/* The key under which an entry replaces an earlier one: its codes and its
 * first phrase as same_phrase compares it, or its codes alone for a generic
 * entry (no phrase, no pattern). An entry with patterns but no phrase has no
 * key: it is always added. Returns a malloc'd key and its length in *len, or
 * NULL with *len 0 for no key, NULL with *len 1 when out of memory. */
static unsigned char *entry_key(const dt_code_rule_t *c, size_t *len)
{
    *len = 0;
    if (c->nphrases == 0 && c->npatterns > 0)
        return NULL;
    const char *p = c->nphrases ? c->phrases[0] : "";
    unsigned char *key = malloc(14 + strlen(p) + 1);
    if (!key) {
        *len = 1;
        return NULL;
    }
    uint32_t sip = c->sip;
    memcpy(key, &c->ms, 8);
    memcpy(key + 8, &sip, 4);
    size_t n = 12;
    key[n++] = c->has_ms ? 'm' : '-'; /* [code -/404] is not [code 0/404] */
    key[n++] = c->nphrases ? 'p' : 'g';
    while (*p == ' ' || *p == '\t')
        p++;
    for (char ch; (ch = phrase_char(&p)) != '\0';)
        key[n++] = (unsigned char)ch;
    *len = n;
    return key;
}

static dt_status_t merge_code(parse_t *ps, const section_t *sec)
{
    static const char *const spec[] = {"phrase+", "pattern+", "action!",   "origin",
                                       "source!", "note",     "pair-only", NULL};
    dt_status_t st = check_keys(ps, sec, spec, "code");
    if (st)
        return st;
    dt_rules_t *r = ps->rules;
    dt_code_rule_t c = {.layer = ps->layer, .at = here(ps, sec->line)};

    const char *slash = strchr(sec->arg, '/');
    char ms_text[32];
    uint64_t sip;
    if (!slash || (size_t)(slash - sec->arg) >= sizeof ms_text)
        return fail_at(ps, sec->line, "[code %s]: expected [code MS/SIP], e.g. [code 560403/403]",
                       sec->arg);
    snprintf(ms_text, sizeof ms_text, "%.*s", (int)(slash - sec->arg), sec->arg);
    c.has_ms = strcmp(ms_text, NO_MS_CODE) != 0;
    if ((c.has_ms && !parse_uint(ms_text, UINT64_MAX / 10, &c.ms)) ||
        !parse_uint(slash + 1, DT_SIP_MAX, &sip))
        return fail_at(ps, sec->line,
                       "[code %s]: MS and SIP must be whole numbers (SIP up to 999), MS may be "
                       "'-' for none",
                       sec->arg);
    c.sip = (unsigned)sip;
    c.action_id = find_key(sec, "action")->value;
    c.source = find_key(sec, "source")->value;
    const kv_t *note = find_key(sec, "note");
    c.note = note ? note->value : NULL;
    read_yes_no(ps, sec, "pair-only", &c.pair_only);
    const kv_t *origin = find_key(sec, "origin");
    if (origin) {
        dt_origin_t o = DT_ORIGIN_UNKNOWN;
        if (!dt_origin_parse(origin->value, &o) || o == DT_ORIGIN_UNKNOWN)
            fail_at(ps, origin->line, "origin must be sbc or microsoft, not '%s'", origin->value);
        else
            c.documented_origin = dt_origin_name(o);
    }
    if (!(c.phrases = collect(ps, sec, "phrase", &c.nphrases, NULL)) ||
        !(c.patterns = collect(ps, sec, "pattern", &c.npatterns, &c.pattern_lines)))
        return no_memory(ps);
    if (!c.has_ms && c.nphrases == 0 && c.npatterns == 0)
        return fail_at(ps, sec->line,
                       "[code %s]: an entry without a Microsoft code needs a phrase or a "
                       "pattern (for the SIP code alone, give [sip %u] an action)",
                       sec->arg, c.sip);
    for (size_t i = 0; i < c.nphrases; i++)
        for (size_t j = 0; j < i; j++)
            if (same_phrase(c.phrases[i], c.phrases[j]))
                fail_at(ps, sec->line, "[code %s]: phrase '%s' listed twice", sec->arg,
                        c.phrases[i]);

    size_t key_len;
    unsigned char *key = entry_key(&c, &key_len);
    if ((!key && key_len) || !DT_GROW(r->codes, r->ncodes, r->codes_cap)) {
        free(key);
        return no_memory(ps);
    }
    uint32_t *slot = NULL;
    int rc = key ? dt_map_upsert(&r->code_index, key, key_len, (uint32_t)r->ncodes, &slot)
                 : DT_MAP_ADDED;
    free(key);
    if (rc == DT_MAP_NOMEM)
        return no_memory(ps);
    if (rc == DT_MAP_FOUND) {
        dt_code_rule_t *old = &r->codes[*slot];
        if (*slot >= ps->first_code || old->at.file == ps->file)
            return fail_at(ps, sec->line, "[code %s] with the same first phrase as line %u",
                           sec->arg, old->at.line);
        *old = c;
        return DT_OK;
    }
    r->codes[r->ncodes++] = c; /* room was made before the index named it */
    return DT_OK;
}

static dt_status_t merge_sip(parse_t *ps, const section_t *sec)
{
    static const char *const spec[] = {"phrase!", "rfc", "obsolete", "action", NULL};
    dt_status_t st = check_keys(ps, sec, spec, "sip");
    if (st)
        return st;
    uint64_t code;
    if (!parse_uint(sec->arg, DT_SIP_MAX, &code) || code < 100)
        return fail_at(ps, sec->line, "[sip %s]: expected a SIP code from 100 to 999", sec->arg);
    dt_sip_rule_t s = {.code = (unsigned)code, .phrase = find_key(sec, "phrase")->value,
                       .action = DT_NO_ACTION, .at = here(ps, sec->line)};
    const kv_t *rfc = find_key(sec, "rfc");
    const kv_t *action = find_key(sec, "action");
    s.rfc = rfc ? rfc->value : NULL;
    s.action_id = action ? action->value : NULL;
    read_yes_no(ps, sec, "obsolete", &s.obsolete);
    dt_rules_t *r = ps->rules;
    for (size_t i = 0; i < r->nsips; i++)
        if (r->sips[i].code == s.code) {
            r->sips[i] = s;
            return DT_OK;
        }
    if (!DT_GROW(r->sips, r->nsips, r->sips_cap))
        return no_memory(ps);
    r->sips[r->nsips++] = s;
    return DT_OK;
}

static dt_status_t merge_sip_class(parse_t *ps, const section_t *sec)
{
    static const char *const spec[] = {"action!", NULL};
    dt_status_t st = check_keys(ps, sec, spec, "sip-class");
    if (st)
        return st;
    uint64_t n;
    if (!parse_uint(sec->arg, 6, &n) || n < 1)
        return fail_at(ps, sec->line, "[sip-class %s]: expected a class from 1 to 6", sec->arg);
    ps->rules->class_action_id[n] = find_key(sec, "action")->value;
    ps->rules->class_at[n] = here(ps, sec->line);
    return DT_OK;
}

static dt_status_t merge_origin(parse_t *ps, const section_t *sec)
{
    static const char *const spec[] = {"origin!", "sip-from-code", "action", "family", NULL};
    dt_status_t st = check_keys(ps, sec, spec, "origin");
    if (st)
        return st;
    uint64_t ignored;
    if (strcmp(sec->arg, "*") != 0 && !parse_uint(sec->arg, UINT64_MAX / 10, &ignored))
        return fail_at(ps, sec->line, "[origin %s]: expected digits or *", sec->arg);
    dt_origin_rule_t o = {.prefix = sec->arg, .family = DT_FAMILY_ANY, .action = DT_NO_ACTION,
                          .at = here(ps, sec->line)};
    const kv_t *origin = find_key(sec, "origin");
    if (!dt_origin_parse(origin->value, &o.origin))
        fail_at(ps, origin->line, "origin must be sbc, microsoft or unknown, not '%s'",
                origin->value);
    const kv_t *family = find_key(sec, "family");
    if (family && !dt_family_parse(family->value, &o.family))
        fail_at(ps, family->line, "family must be tac, graph, cqd, acs or any, not '%s'",
                family->value);
    read_yes_no(ps, sec, "sip-from-code", &o.sip_from_code);
    const kv_t *action = find_key(sec, "action");
    o.action_id = action ? action->value : NULL;
    dt_rules_t *r = ps->rules;
    if (!DT_GROW(r->origins, r->norigins, r->origins_cap))
        return no_memory(ps);
    /* A later section for the same prefix and family replaces the earlier one. */
    size_t key_len = strlen(o.prefix) + 1;
    char *key = malloc(key_len);
    if (!key)
        return no_memory(ps);
    memcpy(key, o.prefix, key_len - 1);
    key[key_len - 1] = (char)('0' + o.family);
    uint32_t *slot;
    int rc = dt_map_upsert(&r->origin_index, key, key_len, (uint32_t)r->norigins, &slot);
    free(key);
    if (rc == DT_MAP_NOMEM)
        return no_memory(ps);
    if (rc == DT_MAP_FOUND) {
        r->origins[*slot] = o;
        return DT_OK;
    }
    r->origins[r->norigins++] = o;
    return DT_OK;
}

static dt_status_t merge_header(parse_t *ps, const section_t *sec)
{
    dt_field_t field;
    if (!dt_field_parse(sec->arg, &field))
        return fail_at(ps, sec->line, "[header %s]: unknown field '%s'", sec->arg, sec->arg);
    dt_rules_t *r = ps->rules;
    for (size_t i = 0; i < sec->nvalues; i++) {
        const kv_t *kv = &sec->values[i];
        dt_header_rule_t h = {.field = field, .pattern = kv->value, .at = here(ps, kv->line)};
        if (!dt_family_parse(kv->key, &h.family)) {
            fail_at(ps, kv->line, "unknown family '%s' in [header] (tac, graph, cqd, acs or any)",
                    kv->key);
            continue;
        }
        if (!DT_GROW(r->headers, r->nheaders, r->headers_cap))
            return no_memory(ps);
        r->headers[r->nheaders++] = h;
    }
    return DT_OK;
}

/* Adds each blank-separated word of a value to map, lowercased. */
static dt_status_t add_words(parse_t *ps, dt_map_t *map, const kv_t *kv)
{
    const char *p = kv->value;
    while (*p) {
        p += strspn(p, " \t");
        size_t n = strcspn(p, " \t");
        if (!n)
            break;
        char word[256];
        if (n >= sizeof word)
            return fail_at(ps, kv->line, "value '%.40s...' is longer than %zu bytes", p,
                           sizeof word - 1);
        for (size_t i = 0; i < n; i++)
            word[i] = (char)tolower((unsigned char)p[i]);
        uint32_t *slot;
        if (dt_map_upsert(map, word, n, 1, &slot) == DT_MAP_NOMEM)
            return no_memory(ps);
        p += n;
    }
    return DT_OK;
}

static dt_status_t merge_values(parse_t *ps, const section_t *sec)
{
    if (strcmp(sec->arg, "endpoint") == 0) {
        static const char *const spec[] = {"pstn!", NULL};
        dt_status_t st = check_keys(ps, sec, spec, "values");
        return st ? st : add_words(ps, &ps->rules->endpoint_pstn, find_key(sec, "pstn"));
    }
    if (strcmp(sec->arg, "success") != 0)
        return fail_at(ps, sec->line,
                       "[values %s]: only [values success] and [values endpoint] are known",
                       sec->arg);
    static const char *const spec[] = {"true+", "false+", NULL};
    dt_status_t st = check_keys(ps, sec, spec, "values");
    for (size_t i = 0; st == DT_OK && i < sec->nvalues; i++) {
        const kv_t *kv = &sec->values[i];
        dt_map_t *map = strcmp(kv->key, "true") == 0 ? &ps->rules->success_true
                                                     : &ps->rules->success_false;
        st = add_words(ps, map, kv);
    }
    return st;
}

/* Adds each blank-separated word of value, lowercased, to the service names. */
static dt_status_t add_services(parse_t *ps, const char *value)
{
    dt_rules_t *r = ps->rules;
    for (const char *p = value; *(p += strspn(p, " \t"));) {
        size_t n = strcspn(p, " \t");
        char *word = dt_arena_strndup(&r->arena, p, n);
        if (!word || !DT_GROW(r->call_type_services, r->ncall_type_services,
                              r->call_type_services_cap))
            return no_memory(ps);
        for (char *c = word; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        r->call_type_services[r->ncall_type_services++] = word;
        p += n;
    }
    return DT_OK;
}

static dt_status_t merge_call_type(parse_t *ps, const section_t *sec)
{
    bool in = strcmp(sec->arg, "in") == 0, service = strcmp(sec->arg, "service") == 0;
    if (!in && !service && strcmp(sec->arg, "out") != 0)
        return fail_at(ps, sec->line, "[call-type %s]: expected in, out or service", sec->arg);
    static const char *const direction_spec[] = {"values+", "after-service+", NULL};
    static const char *const service_spec[] = {"values!+", NULL};
    dt_status_t st = check_keys(ps, sec, service ? service_spec : direction_spec, "call-type");
    dt_rules_t *r = ps->rules;
    for (size_t i = 0; st == DT_OK && i < sec->nvalues; i++) {
        const kv_t *kv = &sec->values[i];
        if (service)
            st = add_services(ps, kv->value);
        else if (strcmp(kv->key, "values") == 0)
            st = add_words(ps, in ? &r->call_type_in : &r->call_type_out, kv);
        else
            st = add_words(ps, in ? &r->call_type_in_after : &r->call_type_out_after, kv);
    }
    return st;
}

/* Takes the next word of a list separated by blanks or commas off *p: copies
 * it into word (cap bytes, cut to fit, NUL-terminated) and returns its full
 * length, 0 at the end of the list. */
static size_t next_list_word(const char **p, char *word, size_t cap)
{
    *p += strspn(*p, " \t,");
    size_t n = strcspn(*p, " \t,");
    snprintf(word, cap, "%.*s", (int)(n < cap - 1 ? n : cap - 1), *p);
    *p += n;
    return n;
}

static dt_status_t merge_ner(parse_t *ps, const section_t *sec)
{
    static const char *const spec[] = {"effective-sip", "min-calls", NULL};
    dt_status_t st = check_keys(ps, sec, spec, "ner");
    if (st)
        return st;
    dt_rules_t *r = ps->rules;
    const kv_t *sips = find_key(sec, "effective-sip"), *min = find_key(sec, "min-calls");
    if (sips) {
        bool set[DT_SIP_MAX + 1] = {false};
        char word[8];
        for (const char *p = sips->value;;) {
            size_t n = next_list_word(&p, word, sizeof word);
            if (!n)
                break;
            uint64_t code;
            if (n > 3 || !parse_uint(word, DT_SIP_MAX, &code) || code < 100)
                return fail_at(ps, sips->line, "effective-sip: '%s' is not a SIP code", word);
            set[code] = true;
        }
        memcpy(r->ner_effective, set, sizeof set);
    }
    if (min && !parse_uint(min->value, UINT64_MAX / 10, &r->ner_min_calls))
        return fail_at(ps, min->line, "min-calls must be a whole number, not '%s'", min->value);
    return DT_OK;
}

/* A section whose one key, `families`, lists export families: the list
 * replaces `set` (a later section replaces an earlier one's list). */
static dt_status_t merge_families(parse_t *ps, const section_t *sec, const char *what,
                                  bool set[DT_FAMILY_COUNT])
{
    static const char *const spec[] = {"families!", NULL};
    dt_status_t st = check_keys(ps, sec, spec, what);
    if (st)
        return st;
    const kv_t *families = find_key(sec, "families");
    bool listed[DT_FAMILY_COUNT] = {false};
    char word[16];
    for (const char *p = families->value;;) {
        size_t n = next_list_word(&p, word, sizeof word);
        if (!n)
            break;
        dt_family_t family;
        if (n >= sizeof word || !dt_family_parse(word, &family) || family == DT_FAMILY_ANY)
            return fail_at(ps, families->line,
                           "families: '%s' is not an export family (tac, graph, cqd, acs)", word);
        listed[family] = true;
    }
    memcpy(set, listed, sizeof listed);
    return DT_OK;
}

/* [non-pstn]: the families whose exports hold rows of non-PSTN streams. */
static dt_status_t merge_non_pstn(parse_t *ps, const section_t *sec)
{
    return merge_families(ps, sec, "non-pstn", ps->rules->non_pstn);
}

/* [sip-only]: the families whose exports have no phrase column, so that a call
 * without a Microsoft code joins the [code -/SIP] entry of its SIP code. */
static dt_status_t merge_sip_only(parse_t *ps, const section_t *sec)
{
    return merge_families(ps, sec, "sip-only", ps->rules->sip_only);
}

/* Splits a blank-separated list into an arena array. */
static const char **split_words(parse_t *ps, const char *value, size_t *n)
{
    size_t count = 0;
    for (const char *p = value + strspn(value, " \t"); *p; p += strspn(p, " \t"))
        count++, p += strcspn(p, " \t");
    const char **words = dt_arena_alloc(&ps->rules->arena, (count ? count : 1) * sizeof *words);
    if (!words)
        return NULL;
    *n = 0;
    for (const char *p = value + strspn(value, " \t"); *p; p += strspn(p, " \t")) {
        size_t len = strcspn(p, " \t");
        if (!(words[(*n)++] = dt_arena_strndup(&ps->rules->arena, p, len)))
            return NULL;
        p += len;
    }
    return words;
}

static dt_status_t merge_skip(parse_t *ps, const section_t *sec)
{
    static const char *const spec[] = {"reason!", "name+", "headers+", "source", NULL};
    dt_status_t st = check_keys(ps, sec, spec, "skip");
    if (st)
        return st;
    dt_rules_t *r = ps->rules;
    dt_skip_rule_t k = {.id = sec->arg, .reason = find_key(sec, "reason")->value,
                        .at = here(ps, sec->line)};
    const kv_t *source = find_key(sec, "source");
    k.source = source ? source->value : NULL;
    if (!(k.names = collect(ps, sec, "name", &k.nnames, NULL)))
        return no_memory(ps);
    k.nsignatures = count_key(sec, "headers");
    if (!k.nnames && !k.nsignatures)
        return fail_at(ps, sec->line, "[skip %s] needs a 'name' or a 'headers' key", sec->arg);
    k.signatures = dt_arena_alloc(&r->arena, (k.nsignatures ? k.nsignatures : 1) *
                                                 sizeof *k.signatures);
    if (!k.signatures)
        return no_memory(ps);
    for (size_t i = 0, j = 0; i < sec->nvalues; i++) {
        const kv_t *kv = &sec->values[i];
        if (strcmp(kv->key, "headers") != 0)
            continue;
        dt_skip_signature_t *sig = &k.signatures[j++];
        sig->line = kv->line;
        if (!(sig->patterns = split_words(ps, kv->value, &sig->npatterns)))
            return no_memory(ps);
    }
    for (size_t i = 0; i < r->nskips; i++)
        if (strcmp(r->skips[i].id, k.id) == 0) {
            if (r->skips[i].at.file == ps->file)
                return fail_at(ps, sec->line, "[skip %s] defined twice in this file", k.id);
            r->skips[i] = k;
            return DT_OK;
        }
    if (!DT_GROW(r->skips, r->nskips, r->skips_cap))
        return no_memory(ps);
    r->skips[r->nskips++] = k;
    return DT_OK;
}

static const struct {
    const char *name;
    section_kind_t kind;
    bool takes_arg;
    dt_status_t (*merge)(parse_t *, const section_t *);
} section_kinds[] = {
    {"action", SEC_ACTION, true, merge_action},
    {"code", SEC_CODE, true, merge_code},
    {"sip", SEC_SIP, true, merge_sip},
    {"sip-class", SEC_SIP_CLASS, true, merge_sip_class},
    {"origin", SEC_ORIGIN, true, merge_origin},
    {"header", SEC_HEADER, true, merge_header},
    {"values", SEC_VALUES, true, merge_values},
    {"call-type", SEC_CALL_TYPE, true, merge_call_type},
    {"ner", SEC_NER, false, merge_ner},
    {"non-pstn", SEC_NON_PSTN, false, merge_non_pstn},
    {"sip-only", SEC_SIP_ONLY, false, merge_sip_only},
    {"skip", SEC_SKIP_FILE, true, merge_skip},
};

static dt_status_t end_section(parse_t *ps, const section_t *sec)
{
    for (size_t i = 0; i < sizeof section_kinds / sizeof section_kinds[0]; i++)
        if (section_kinds[i].kind == sec->kind)
            return section_kinds[i].merge(ps, sec);
    return DT_OK; /* SEC_NONE: nothing collected */
}

static dt_status_t begin_section(parse_t *ps, section_t *sec, const char *line, size_t len,
                                 unsigned lineno)
{
    if (len < 2 || line[len - 1] != ']')
        return fail_at(ps, lineno, "section header must end with ']'");
    const char *p = line + 1;
    size_t rest = len - 2;
    size_t name_len = 0;
    while (name_len < rest && p[name_len] != ' ' && p[name_len] != '\t')
        name_len++;
    const char *arg = p + name_len;
    size_t arg_len = rest - name_len;
    while (arg_len && (*arg == ' ' || *arg == '\t'))
        arg++, arg_len--;
    while (arg_len && (arg[arg_len - 1] == ' ' || arg[arg_len - 1] == '\t'))
        arg_len--;

    memset(sec, 0, sizeof *sec);
    sec->kind = SEC_SKIP;
    sec->line = lineno;
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(name_len < 31 ? name_len : 31), p);
    for (size_t i = 0; i < sizeof section_kinds / sizeof section_kinds[0]; i++) {
        if (strlen(section_kinds[i].name) != name_len || strncmp(section_kinds[i].name, p, name_len))
            continue;
        if (section_kinds[i].takes_arg != (arg_len > 0))
            return fail_at(ps, lineno,
                           section_kinds[i].takes_arg ? "[%s] needs an argument"
                                                      : "[%s] takes no argument",
                           name);
        sec->kind = section_kinds[i].kind;
        sec->arg = dt_arena_strndup(&ps->rules->arena, arg, arg_len);
        return sec->arg ? DT_OK : no_memory(ps);
    }
    return fail_at(ps, lineno,
                   "unknown section [%s] (action, code, sip, sip-class, origin, header, values, "
                   "call-type, ner, non-pstn, sip-only, skip)",
                   name);
}

static dt_status_t add_value(parse_t *ps, section_t *sec, const char *line, size_t len,
                             unsigned lineno)
{
    const char *eq = memchr(line, '=', len);
    if (!eq)
        return fail_at(ps, lineno, "expected 'key = value' or a [section]");
    if (sec->kind == SEC_NONE)
        return fail_at(ps, lineno, "'key = value' before any [section]");
    if (sec->kind == SEC_SKIP)
        return DT_OK;
    if (sec->nvalues == SECTION_VALUES_MAX)
        return fail_at(ps, lineno, "more than 64 keys in one section");
    size_t key_len = (size_t)(eq - line);
    while (key_len && (line[key_len - 1] == ' ' || line[key_len - 1] == '\t'))
        key_len--;
    const char *value = eq + 1;
    size_t value_len = len - (size_t)(value - line);
    while (value_len && (*value == ' ' || *value == '\t'))
        value++, value_len--;
    if (key_len == 0)
        return fail_at(ps, lineno, "missing key before '='");
    if (value_len == 0)
        return fail_at(ps, lineno, "key '%.*s' has no value", (int)key_len, line);
    kv_t *kv = &sec->values[sec->nvalues];
    kv->key = dt_arena_strndup(&ps->rules->arena, line, key_len);
    kv->value = dt_arena_strndup(&ps->rules->arena, value, value_len);
    kv->line = lineno;
    if (!kv->key || !kv->value)
        return no_memory(ps);
    sec->nvalues++;
    return DT_OK;
}

/* Handles one line: a comment, a section header or a setting. */
static dt_status_t parse_line(parse_t *ps, section_t *sec, const char *line, size_t line_len,
                              unsigned lineno)
{
    if (memchr(line, '\0', line_len))
        return fail_at(ps, lineno, "NUL byte in rules file");
    while (line_len && (line[line_len - 1] == '\r' || line[line_len - 1] == ' ' ||
                        line[line_len - 1] == '\t'))
        line_len--;
    while (line_len && (*line == ' ' || *line == '\t'))
        line++, line_len--;
    if (line_len == 0 || *line == '#')
        return DT_OK;
    if (*line != '[')
        return add_value(ps, sec, line, line_len, lineno);
    dt_status_t ended = end_section(ps, sec);
    if (ended != DT_OK && (!ps->checker || ended != DT_ERR_INPUT))
        return ended;
    dt_status_t begun = begin_section(ps, sec, line, line_len, lineno);
    return ended != DT_OK ? ended : begun;
}

/* The parser behind both entry points: without a checker it stops at the first
 * problem, with one it reports each and goes on with the next line or section. */
static dt_status_t load_text(dt_rules_t *rules, const char *name, unsigned layer,
                             const char *text, size_t len, dt_rules_checker_t *checker,
                             dt_error_t *err)
{
    parse_t ps = {.rules = rules, .layer = layer, .err = err, .first_code = rules->ncodes,
                  .checker = checker};
    if (!(ps.file = dt_arena_strndup(&rules->arena, name, strlen(name))))
        return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", name);
    if (checker)
        checker->file = ps.file;
    if (layer + 1 > rules->layers)
        rules->layers = layer + 1;
    rules->finished = false;
    rules->digest = dt_hash64(text, len, rules->digest);

    section_t sec = {.kind = SEC_NONE};
    unsigned lineno = 0;
    size_t pos = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - line) : len - pos;
        pos += line_len + (nl != NULL);
        dt_status_t st = parse_line(&ps, &sec, line, line_len, ++lineno);
        if (st != DT_OK && (!checker || st != DT_ERR_INPUT))
            return st;
    }
    dt_status_t st = end_section(&ps, &sec);
    if (st != DT_OK && st != DT_ERR_INPUT)
        return st;
    return ps.nproblems ? DT_ERR_INPUT : DT_OK;
}

dt_status_t dt_rules_load_text(dt_rules_t *rules, const char *name, unsigned layer,
                               const char *text, size_t len, dt_error_t *err)
{
    return load_text(rules, name, layer, text, len, NULL, err);
}

dt_status_t dt_rules_load_text_checked(dt_rules_t *rules, const char *name, unsigned layer,
                                       const char *text, size_t len,
                                       dt_rules_checker_t *checker, dt_error_t *err)
{
    return load_text(rules, name, layer, text, len, checker, err);
}

/* Reads a regular file's bytes (fd open on it, size from fstat) into a
 * malloc'd buffer; DT_ERR_INPUT when there are RULES_FILE_MAX or more. */
static dt_status_t read_rules(int fd, const char *path, off_t size, char **text, size_t *len,
                              dt_error_t *err)
{
    if (size >= RULES_FILE_MAX)
        return dt_fail(err, DT_ERR_INPUT, "rules '%s' is larger than 16 MiB", path);
    size_t cap = (size_t)(size > 0 ? size : 0) + 1, got = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf && got == cap) { /* the file grew since fstat */
            char *grown = cap < RULES_FILE_MAX ? realloc(buf, RULES_FILE_MAX) : NULL;
            if (!grown && cap == RULES_FILE_MAX) {
                free(buf);
                return dt_fail(err, DT_ERR_INPUT, "rules '%s' is larger than 16 MiB", path);
            }
            if (!grown)
                free(buf);
            buf = grown;
            cap = RULES_FILE_MAX;
        }
        if (!buf)
            return dt_fail(err, DT_ERR_NOMEM, "%s: out of memory", path);
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            return dt_fail(err, DT_ERR_INPUT, "cannot read rules '%s': %s", path, strerror(e));
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    *text = buf;
    *len = got;
    return DT_OK;
}

/* Opens a rules path without waiting (a FIFO nobody writes to must not hang
 * the run) and tells what it is. Returns the descriptor, or -1 with err
 * filled for a path that cannot be opened or is neither a regular file nor a
 * directory (a FIFO, a device, a socket). */
static int open_rules(const char *path, struct stat *sb, dt_error_t *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        dt_fail(err, DT_ERR_INPUT, "cannot read rules '%s': %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, sb) != 0) {
        dt_fail(err, DT_ERR_INPUT, "cannot read rules '%s': %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(sb->st_mode) && !S_ISDIR(sb->st_mode)) {
        dt_fail(err, DT_ERR_INPUT,
                "rules '%s' is not a regular file or a directory (a FIFO or a device?)", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Loads the regular file open on fd, then closes it. */
static dt_status_t load_fd(dt_rules_t *rules, int fd, const struct stat *sb, const char *path,
                           unsigned layer, dt_rules_checker_t *checker, dt_error_t *err)
{
    char *text = NULL;
    size_t len = 0;
    dt_status_t st = read_rules(fd, path, sb->st_size, &text, &len, err);
    close(fd);
    if (st == DT_OK)
        st = load_text(rules, path, layer, text, len, checker, err);
    free(text);
    return st;
}

static int rules_file_filter(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 6 && strcmp(e->d_name + n - 6, ".rules") == 0;
}

/* A file, or the *.rules files of a directory; a directory inside one
 * (in_directory) is not followed. */
static dt_status_t load_path(dt_rules_t *rules, const char *path, unsigned layer,
                             dt_rules_checker_t *checker, bool in_directory, dt_error_t *err)
{
    struct stat sb;
    int fd = open_rules(path, &sb, err);
    if (fd < 0)
        return DT_ERR_INPUT;
    if (!S_ISDIR(sb.st_mode))
        return load_fd(rules, fd, &sb, path, layer, checker, err);
    close(fd);
    if (in_directory)
        return dt_fail(err, DT_ERR_INPUT, "rules '%s' is a directory", path);
    struct dirent **names;
    int n = scandir(path, &names, rules_file_filter, alphasort);
    if (n < 0)
        return dt_fail(err, DT_ERR_INPUT, "cannot list rules directory '%s': %s", path,
                       strerror(errno));
    dt_status_t st = DT_OK, worst = DT_OK;
    for (int i = 0; i < n; i++) {
        if (st == DT_OK || (checker && st == DT_ERR_INPUT)) {
            char file[4096];
            snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
            st = load_path(rules, file, layer, checker, true, err);
            if (st != DT_OK)
                worst = st;
        }
        free(names[i]);
    }
    free(names);
    return worst;
}

dt_status_t dt_rules_load_path(dt_rules_t *rules, const char *path, unsigned layer,
                               dt_error_t *err)
{
    return load_path(rules, path, layer, NULL, false, err);
}

dt_status_t dt_rules_load_path_checked(dt_rules_t *rules, const char *path, unsigned layer,
                                       dt_rules_checker_t *checker, dt_error_t *err)
{
    return load_path(rules, path, layer, checker, false, err);
}

dt_status_t dt_rules_load_embedded(dt_rules_t *rules, dt_error_t *err)
{
    for (const dt_embedded_file_t *f = dt_embedded_rules; f->name; f++) {
        char name[256];
        snprintf(name, sizeof name, "(built-in)/%s", f->name);
        dt_status_t st = dt_rules_load_text(rules, name, 0, (const char *)f->data, f->len, err);
        if (st)
            return st;
    }
    return DT_OK;
}

void dt_rules_version(const dt_rules_t *rules, bool builtin, char *out, size_t cap)
{
    unsigned user = rules->layers > 1 ? rules->layers - 1 : 0;
    char layers[48] = "";
    if (user)
        snprintf(layers, sizeof layers, " + %u user rules layer%s", user, user == 1 ? "" : "s");
    snprintf(out, cap, "%s%s, digest %016llx", builtin ? "built-in" : "no built-in rules",
             layers, (unsigned long long)rules->digest);
}

static dt_status_t resolve_action(const dt_rules_t *rules, const char *id, dt_rule_origin_t at,
                                  size_t *out, dt_error_t *err)
{
    uint32_t *index = dt_map_get(&rules->action_index, id, strlen(id));
    if (!index)
        return dt_fail(err, DT_ERR_INPUT, "%s:%u: no [action %s] is defined", at.file, at.line,
                       id);
    *out = *index;
    return DT_OK;
}

size_t dt_rules_bad_patterns(const dt_rules_t *rules, const char *file,
                             dt_rules_pattern_fn *refused, void *ctx)
{
    size_t bad = 0;
    char what[64], why[320];
    for (size_t i = 0; i < rules->ncodes; i++) {
        const dt_code_rule_t *c = &rules->codes[i];
        if (file && c->at.file != file)
            continue;
        char code[DT_CODE_KEY_MAX];
        snprintf(what, sizeof what, "[code %s]", dt_code_rule_key(c, code));
        for (size_t p = 0; p < c->npatterns; p++)
            if (!dt_regex_valid(c->patterns[p], why, sizeof why)) {
                dt_rule_origin_t at = {c->at.file, c->pattern_lines ? c->pattern_lines[p]
                                                                    : c->at.line};
                refused(ctx, at, what, c->patterns[p], why);
                bad++;
            }
    }
    for (size_t i = 0; i < rules->nheaders; i++) {
        const dt_header_rule_t *h = &rules->headers[i];
        if ((file && h->at.file != file) || dt_regex_valid(h->pattern, why, sizeof why))
            continue;
        snprintf(what, sizeof what, "[header %s] %s", dt_field_name(h->field),
                 dt_family_name(h->family));
        refused(ctx, h->at, what, h->pattern, why);
        bad++;
    }
    for (size_t i = 0; i < rules->nskips; i++) {
        const dt_skip_rule_t *k = &rules->skips[i];
        if (file && k->at.file != file)
            continue;
        snprintf(what, sizeof what, "[skip %.40s] headers", k->id);
        for (size_t g = 0; g < k->nsignatures; g++)
            for (size_t p = 0; p < k->signatures[g].npatterns; p++)
                if (!dt_regex_valid(k->signatures[g].patterns[p], why, sizeof why)) {
                    refused(ctx, (dt_rule_origin_t){k->at.file, k->signatures[g].line}, what,
                            k->signatures[g].patterns[p], why);
                    bad++;
                }
    }
    return bad;
}

/* Keeps the first refused pattern as the error of dt_rules_finish. */
static void first_bad_pattern(void *ctx, dt_rule_origin_t at, const char *what,
                              const char *pattern, const char *why)
{
    dt_error_t *err = ctx;
    if (!err->msg[0])
        dt_fail(err, DT_ERR_INPUT, "%s:%u: %s pattern '%s': %s", at.file, at.line, what,
                pattern, why);
}

static int compare_sip(const void *a, const void *b)
{
    const dt_sip_rule_t *x = a, *y = b;
    return (x->code > y->code) - (x->code < y->code);
}

dt_status_t dt_rules_finish(dt_rules_t *rules, dt_error_t *err)
{
    dt_status_t st = DT_OK;
    for (size_t i = 0; st == DT_OK && i < rules->ncodes; i++)
        st = resolve_action(rules, rules->codes[i].action_id, rules->codes[i].at,
                            &rules->codes[i].action, err);
    bool has_default = false;
    for (size_t i = 0; st == DT_OK && i < rules->norigins; i++) {
        dt_origin_rule_t *o = &rules->origins[i];
        has_default |= strcmp(o->prefix, "*") == 0 && o->family == DT_FAMILY_ANY;
        if (o->action_id)
            st = resolve_action(rules, o->action_id, o->at, &o->action, err);
    }
    for (size_t i = 0; st == DT_OK && i < rules->nsips; i++)
        if (rules->sips[i].action_id)
            st = resolve_action(rules, rules->sips[i].action_id, rules->sips[i].at,
                                &rules->sips[i].action, err);
    for (size_t n = 1; st == DT_OK && n <= 6; n++)
        if (rules->class_action_id[n])
            st = resolve_action(rules, rules->class_action_id[n], rules->class_at[n],
                                &rules->class_action[n], err);
    if (st)
        return st;
    if (!has_default)
        return dt_fail(err, DT_ERR_INPUT,
                       "rules: no [origin *] rule for every family gives the default origin");
    dt_error_t first = {.msg = ""};
    if (dt_rules_bad_patterns(rules, NULL, first_bad_pattern, &first)) {
        if (err)
            *err = first;
        return DT_ERR_INPUT;
    }
    if (rules->nsips) /* sips is NULL when no [sip] section was loaded */
        qsort(rules->sips, rules->nsips, sizeof *rules->sips, compare_sip);
    rules->finished = true;
    return DT_OK;
}

int dt_rules_word_set(const dt_map_t *yes, const dt_map_t *no, const char *text, size_t len)
{
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    char lower[64];
    if (len == 0 || len >= sizeof lower)
        return -1;
    for (size_t i = 0; i < len; i++)
        lower[i] = (char)tolower((unsigned char)text[i]);
    if (dt_map_get(yes, lower, len))
        return 1;
    return dt_map_get(no, lower, len) ? 0 : -1;
}

bool dt_rules_pstn_endpoint(const dt_rules_t *rules, const char *text, size_t len)
{
    return dt_rules_word_set(&rules->endpoint_pstn, &rules->endpoint_pstn, text, len) == 1;
}

int dt_rules_call_direction(const dt_rules_t *rules, const char *text, size_t len)
{
    int whole = dt_rules_word_set(&rules->call_type_in, &rules->call_type_out, text, len);
    if (whole >= 0)
        return whole;
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    for (size_t i = 0; i < rules->ncall_type_services; i++) {
        const char *service = rules->call_type_services[i];
        size_t n = strlen(service);
        if (len <= n || strncasecmp(text, service, n) != 0)
            continue;
        size_t skip = n + (text[n] == '_');
        int d = dt_rules_word_set(&rules->call_type_in_after, &rules->call_type_out_after,
                                  text + skip, len - skip);
        if (d >= 0)
            return d;
    }
    return -1;
}

const dt_sip_rule_t *dt_rules_sip(const dt_rules_t *rules, unsigned code)
{
    dt_sip_rule_t key = {.code = code};
    if (!rules->nsips)
        return NULL;
    return bsearch(&key, rules->sips, rules->nsips, sizeof key, compare_sip);
}

const char *dt_doc_link_prefix(const char *link)
{
    return link[0] == '/' ? "https://learn.microsoft.com/en-us" : "";
}

const dt_action_t *dt_rules_action(const dt_rules_t *rules, const char *id)
{
    uint32_t *index = dt_map_get(&rules->action_index, id, strlen(id));
    return index ? &rules->actions[*index] : NULL;
}

/* Lowercases text into out (cap bytes, NUL-terminated); false when it does not fit. */
static bool lowercase(const char *text, char *out, size_t cap)
{
    size_t n = strlen(text);
    if (n >= cap)
        return false;
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)tolower((unsigned char)text[i]);
    return true;
}

const dt_skip_rule_t *dt_rules_skip_by_name(const dt_rules_t *rules, const char *name)
{
    char lower_name[1024], lower_glob[256];
    if (!lowercase(name, lower_name, sizeof lower_name))
        return NULL;
    for (size_t i = 0; i < rules->nskips; i++)
        for (size_t j = 0; j < rules->skips[i].nnames; j++)
            if (lowercase(rules->skips[i].names[j], lower_glob, sizeof lower_glob) &&
                fnmatch(lower_glob, lower_name, 0) == 0)
                return &rules->skips[i];
    return NULL;
}

const dt_origin_rule_t *dt_rules_origin_for(const dt_rules_t *rules, dt_family_t family,
                                            uint64_t ms)
{
    char ms_text[24];
    snprintf(ms_text, sizeof ms_text, "%" PRIu64, ms);
    const dt_origin_rule_t *best = NULL, *fallback = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < rules->norigins; i++) {
        const dt_origin_rule_t *o = &rules->origins[i];
        bool own = o->family != DT_FAMILY_ANY;
        if (own && o->family != family)
            continue;
        if (strcmp(o->prefix, "*") == 0) {
            if (!fallback || own)
                fallback = o;
            continue;
        }
        size_t n = strlen(o->prefix);
        if (strncmp(ms_text, o->prefix, n) == 0 &&
            (n > best_len || (n == best_len && own)))
            best = o, best_len = n;
    }
    return best ? best : fallback;
}

bool dt_origin_sip_from_code(const dt_origin_rule_t *rule, uint64_t ms, unsigned *sip)
{
    if (!rule || !rule->sip_from_code || ms < 1000 || ms % 1000 < DT_SIP_MIN)
        return false;
    *sip = (unsigned)(ms % 1000);
    return true;
}

const char *dt_code_rule_key(const dt_code_rule_t *rule, char *buf)
{
    if (rule->has_ms)
        snprintf(buf, DT_CODE_KEY_MAX, "%" PRIu64 "/%u", rule->ms, rule->sip);
    else
        snprintf(buf, DT_CODE_KEY_MAX, NO_MS_CODE "/%u", rule->sip);
    return buf;
}
