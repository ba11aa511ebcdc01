/* codes.c - the join of a call's codes with the documented entries.
 *
 * Lookup order, most specific first:
 *   1. entries for (Microsoft code, SIP code) whose phrase matches;
 *   2. the entry for that pair without phrases, else the pair's first entry;
 *   3. the first entry for the Microsoft code that may stand for it with
 *      another SIP code (see may_stand_for);
 *   4. for a Microsoft code no entry documents: the origin rule's fallback
 *      action (560NNN: the SBC sent SIP NNN);
 *   5. with no Microsoft code: an entry for the SIP code whose phrase matches;
 *      with no phrase either, in a [sip-only] family (ACS, whose exports have
 *      no phrase column), the SIP code's entry without a Microsoft code;
 *   6. the SIP code's own fallback action, then its class's.
 * Within a step, entries from later rules layers come first, then file order.
 * Each distinct (codes, phrase) key is resolved once and cached. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_codes.h"
#include "dt_regex.h"

#define PAIR_KEY_LEN 12
#define CACHE_KEY_HEAD 14 /* family, flags, SIP code, Microsoft code; then the phrase */

typedef struct {
    pcre2_code **patterns;  /* npatterns compiled patterns */
    char **phrases;         /* nphrases normalised literal phrases */
} compiled_entry_t;

/* What dt_codes_new compiles from the rules: read-only once built, and
 * shared by every lookup made from it (dt_codes_share), on any thread. */
typedef struct {
    const dt_rules_t *rules;
    compiled_entry_t *entries;  /* one per rules->codes entry */
    size_t *order;              /* entry indices by (ms, sip, layer desc, index) */
    dt_map_t pairs;             /* (ms, sip) -> first position in order */
    dt_map_t by_ms;             /* ms -> first position in order */
    size_t normal_cap;          /* longest normalised literal phrase + 4 */
} code_table_t;

/* A cached match, and the patterns that gave up while resolving it: each
 * lookup of its key counts them again. */
typedef struct {
    dt_match_t match;
    dt_codes_limits_t limits;
} cached_t;

/* One thread's lookups: the shared table, and this lookup's own cache and
 * scratch. */
struct dt_codes {
    code_table_t *table;        /* owned by the lookup dt_codes_new made */
    bool owns_table;
    dt_map_t cache;             /* key bytes (whole phrase) -> index into matches */
    size_t cache_bytes;         /* bytes of the cached keys, up to DT_CODES_CACHE_BYTES */
    dt_arena_t arena;           /* cached matches: stable addresses */
    cached_t **matches;         /* by cache value */
    size_t nmatches, matches_cap;
    dt_match_t scratch;         /* result of an uncached lookup */
    uint64_t uncached;
    unsigned char *key;         /* the cache key being looked up */
    size_t key_cap;
    dt_regex_scratch_t *regex;
    char *normal;               /* an input phrase normalised, if it fits (table->normal_cap) */
    bool nomem;                 /* the lookup under way ran out of memory */
    dt_codes_limits_t limits;   /* patterns that gave up (DT_REGEX_LIMIT) in the lookups */
    dt_codes_limits_t resolving; /* ... and in the one under way */
};

static const char *const level_names[DT_MATCH_COUNT] = {
    "phrase", "codes", "ms", "origin-rule", "sip-phrase", "sip-code", "sip-class", "none"};

const char *dt_match_level_name(dt_match_level_t level)
{
    return level < DT_MATCH_COUNT ? level_names[level] : "none";
}

/* Lowercases ASCII, collapses blank runs to one space, trims, and drops one
 * trailing period. Writes at most cap bytes to out, the NUL included; returns
 * the new length, or SIZE_MAX when the result does not fit (out holds len + 1
 * bytes: it always fits). */
static size_t normalise_phrase(const char *in, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    bool pending_space = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            pending_space = n > 0;
            continue;
        }
        if (n + 2 + pending_space > cap)
            return SIZE_MAX;
        if (pending_space)
            out[n++] = ' ';
        pending_space = false;
        out[n++] = (char)tolower(c);
    }
    if (n > 0 && out[n - 1] == '.')
        n--;
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n;
}

static void pack_pair(unsigned char key[PAIR_KEY_LEN], uint64_t ms, unsigned sip)
{
    uint32_t s = sip;
    memcpy(key, &ms, 8);
    memcpy(key + 8, &s, 4);
}

typedef struct {
    bool has_ms;
    uint64_t ms;
    unsigned sip, layer;
    size_t index;
} order_key_t;

/* Entries without a Microsoft code first (step 5 tries them before the
 * others), then by codes, later layers first, file order. */
static int compare_order(const void *a, const void *b)
{
    const order_key_t *x = a, *y = b;
    if (x->has_ms != y->has_ms)
        return x->has_ms ? 1 : -1;
    if (x->ms != y->ms)
        return x->ms < y->ms ? -1 : 1;
    if (x->sip != y->sip)
        return x->sip < y->sip ? -1 : 1;
    if (x->layer != y->layer)
        return x->layer > y->layer ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static bool compile_entry(code_table_t *table, size_t e, dt_error_t *err)
{
    const dt_code_rule_t *rule = &table->rules->codes[e];
    compiled_entry_t *c = &table->entries[e];
    c->phrases = calloc(rule->nphrases + 1, sizeof *c->phrases);
    c->patterns = calloc(rule->npatterns + 1, sizeof *c->patterns);
    if (!c->phrases || !c->patterns) {
        dt_fail(err, DT_ERR_NOMEM, "out of memory compiling the code table");
        return false;
    }
    for (size_t i = 0; i < rule->nphrases; i++) {
        size_t len = strlen(rule->phrases[i]);
        if (!(c->phrases[i] = malloc(len + 1))) {
            dt_fail(err, DT_ERR_NOMEM, "out of memory compiling the code table");
            return false;
        }
        size_t n = normalise_phrase(rule->phrases[i], len, c->phrases[i], len + 1);
        /* An input phrase longer than this (normalised) + 2 cannot equal it. */
        if (n + 4 > table->normal_cap)
            table->normal_cap = n + 4;
    }
    for (size_t i = 0; i < rule->npatterns; i++) {
        char why[320];
        if (!(c->patterns[i] = dt_regex_compile(rule->patterns[i], why, sizeof why))) {
            char code[DT_CODE_KEY_MAX];
            dt_fail(err, DT_ERR_INPUT, "%s:%u: [code %s] pattern '%s': %s", rule->at.file,
                    rule->pattern_lines ? rule->pattern_lines[i] : rule->at.line,
                    dt_code_rule_key(rule, code), rule->patterns[i], why);
            return false;
        }
    }
    return true;
}

static bool index_entries(code_table_t *table)
{
    const dt_rules_t *rules = table->rules;
    order_key_t *keys = calloc(rules->ncodes + 1, sizeof *keys);
    if (!keys)
        return false;
    for (size_t i = 0; i < rules->ncodes; i++)
        keys[i] = (order_key_t){rules->codes[i].has_ms, rules->codes[i].ms, rules->codes[i].sip,
                                rules->codes[i].layer, i};
    qsort(keys, rules->ncodes, sizeof *keys, compare_order);
    for (size_t i = 0; i < rules->ncodes; i++)
        table->order[i] = keys[i].index;
    free(keys);
    for (size_t pos = 0; pos < rules->ncodes; pos++) {
        const dt_code_rule_t *rule = &rules->codes[table->order[pos]];
        if (!rule->has_ms)
            continue;
        unsigned char key[PAIR_KEY_LEN];
        pack_pair(key, rule->ms, rule->sip);
        uint32_t *slot;
        if (dt_map_upsert(&table->pairs, key, sizeof key, (uint32_t)pos, &slot) == DT_MAP_NOMEM ||
            dt_map_upsert(&table->by_ms, &rule->ms, sizeof rule->ms, (uint32_t)pos, &slot) ==
                DT_MAP_NOMEM)
            return false;
    }
    return true;
}

static void free_table(code_table_t *table)
{
    if (!table)
        return;
    for (size_t e = 0; table->entries && e < table->rules->ncodes; e++) {
        compiled_entry_t *c = &table->entries[e];
        for (size_t i = 0; c->phrases && c->phrases[i]; i++)
            free(c->phrases[i]);
        for (size_t i = 0; c->patterns && c->patterns[i]; i++)
            pcre2_code_free(c->patterns[i]);
        free(c->phrases);
        free(c->patterns);
    }
    free(table->entries);
    free(table->order);
    dt_map_free(&table->pairs);
    dt_map_free(&table->by_ms);
    free(table);
}

/* The compiled table, or NULL with err filled. */
static code_table_t *compile_table(const dt_rules_t *rules, dt_error_t *err)
{
    code_table_t *table = calloc(1, sizeof *table);
    if (!table) {
        dt_fail(err, DT_ERR_NOMEM, "out of memory");
        return NULL;
    }
    table->rules = rules;
    dt_map_init(&table->pairs, 0);
    dt_map_init(&table->by_ms, 0);
    table->entries = calloc(rules->ncodes + 1, sizeof *table->entries);
    table->order = calloc(rules->ncodes + 1, sizeof *table->order);
    table->normal_cap = 4;
    if (!table->entries || !table->order) {
        dt_fail(err, DT_ERR_NOMEM, "out of memory");
        free_table(table);
        return NULL;
    }
    for (size_t e = 0; e < rules->ncodes; e++)
        if (!compile_entry(table, e, err)) {
            free_table(table);
            return NULL;
        }
    if (!index_entries(table)) {
        dt_fail(err, DT_ERR_NOMEM, "out of memory");
        free_table(table);
        return NULL;
    }
    return table;
}

/* A lookup with an empty cache on table, or NULL when out of memory. */
static dt_codes_t *new_lookup(code_table_t *table, size_t cache_cap)
{
    dt_codes_t *codes = calloc(1, sizeof *codes);
    if (!codes)
        return NULL;
    codes->table = table;
    dt_map_init(&codes->cache, cache_cap);
    codes->regex = dt_regex_scratch_new();
    codes->normal = malloc(table->normal_cap);
    if (!codes->regex || !codes->normal) {
        dt_codes_free(codes);
        return NULL;
    }
    return codes;
}

dt_codes_t *dt_codes_new(const dt_rules_t *rules, size_t cache_cap, dt_error_t *err)
{
    code_table_t *table = compile_table(rules, err);
    if (!table)
        return NULL;
    dt_codes_t *codes = new_lookup(table, cache_cap);
    if (!codes) {
        dt_fail(err, DT_ERR_NOMEM, "out of memory");
        free_table(table);
        return NULL;
    }
    codes->owns_table = true;
    return codes;
}

dt_codes_t *dt_codes_share(const dt_codes_t *codes, dt_error_t *err)
{
    dt_codes_t *copy = new_lookup(codes->table, codes->cache.cap);
    if (!copy)
        dt_fail(err, DT_ERR_NOMEM, "out of memory");
    return copy;
}

void dt_codes_free(dt_codes_t *codes)
{
    if (!codes)
        return;
    if (codes->owns_table)
        free_table(codes->table);
    free(codes->matches);
    dt_arena_free(&codes->arena);
    free(codes->normal);
    free(codes->key);
    dt_regex_scratch_free(codes->regex);
    dt_map_free(&codes->cache);
    free(codes);
}

/* normal is the phrase normalised, or NULL when too long to equal any literal
 * phrase. A pattern that gives up is counted and does not match; one that
 * runs out of memory sets codes->nomem (the lookup then fails). */
static bool phrase_matches(dt_codes_t *codes, size_t e, const char *phrase, size_t len,
                           const char *normal)
{
    const dt_code_rule_t *rule = &codes->table->rules->codes[e];
    const compiled_entry_t *c = &codes->table->entries[e];
    for (size_t i = 0; normal && i < rule->nphrases; i++)
        if (strcmp(c->phrases[i], normal) == 0)
            return true;
    for (size_t i = 0; i < rule->npatterns; i++) {
        dt_regex_result_t r = dt_regex_match(c->patterns[i], phrase, len, codes->regex);
        if (r == DT_REGEX_MATCH)
            return true;
        if (r == DT_REGEX_NOMEM)
            codes->nomem = true;
        if (r == DT_REGEX_LIMIT) {
            dt_codes_limits_t one = {.hits = 1, .entry = e, .pattern = i};
            dt_codes_limits_add(&codes->resolving, &one);
        }
    }
    return false;
}

/* The input phrase normalised into codes->normal, or NULL when it is too
 * long to equal any literal phrase. */
static const char *normal_phrase(dt_codes_t *codes, const char *phrase, size_t len)
{
    return normalise_phrase(phrase, len, codes->normal, codes->table->normal_cap) == SIZE_MAX
               ? NULL
               : codes->normal;
}

static dt_status_t fail_nomem(dt_codes_t *codes, dt_error_t *err)
{
    codes->nomem = false;
    return dt_fail(err, DT_ERR_NOMEM, "out of memory matching phrase patterns");
}

dt_status_t dt_codes_phrase_matches(dt_codes_t *codes, size_t entry, const char *phrase,
                                    size_t phrase_len, bool *matches, dt_error_t *err)
{
    codes->resolving = (dt_codes_limits_t){0};
    *matches = phrase_matches(codes, entry, phrase, phrase_len,
                              normal_phrase(codes, phrase, phrase_len));
    dt_codes_limits_add(&codes->limits, &codes->resolving);
    return codes->nomem ? fail_nomem(codes, err) : DT_OK;
}

void dt_codes_limits_add(dt_codes_limits_t *into, const dt_codes_limits_t *later)
{
    if (!into->hits) {
        into->entry = later->entry;
        into->pattern = later->pattern;
    }
    into->hits += later->hits;
}

dt_codes_limits_t dt_codes_limits(const dt_codes_t *codes)
{
    return codes->limits;
}

void dt_codes_set_limits(dt_codes_t *codes, const dt_codes_limits_t *limits)
{
    codes->limits = *limits;
}

bool dt_codes_limit_note(const dt_codes_t *codes, char *note, size_t cap)
{
    if (!codes->limits.hits)
        return false;
    const dt_code_rule_t *rule = &codes->table->rules->codes[codes->limits.entry];
    size_t i = codes->limits.pattern;
    snprintf(note, cap,
             "%s:%u: pattern '%.80s' of [code %" PRIu64 "/%u] gave up after PCRE2's match "
             "limit (%d steps) and was taken as not matching; phrase patterns gave up %" PRIu64
             " times in all (catastrophic backtracking? see docs/rules.md)",
             rule->at.file, rule->pattern_lines ? rule->pattern_lines[i] : rule->at.line,
             rule->patterns[i], rule->ms, rule->sip, DT_REGEX_STEPS, codes->limits.hits);
    return true;
}

static void set_entry(dt_match_t *m, const dt_rules_t *rules, size_t e, dt_match_level_t level)
{
    m->level = level;
    m->entry = e;
    m->action = rules->codes[e].action;
    m->known = true;
}

/* Steps 1 and 2: the entries documented for the pair. */
static bool match_pair(dt_codes_t *codes, const dt_code_key_t *key, const char *phrase,
                       size_t len, const char *normal, dt_match_t *m)
{
    unsigned char pk[PAIR_KEY_LEN];
    pack_pair(pk, key->ms, key->sip);
    uint32_t *first = dt_map_get(&codes->table->pairs, pk, sizeof pk);
    if (!first)
        return false;
    const dt_rules_t *rules = codes->table->rules;
    size_t fallback = SIZE_MAX;
    for (size_t pos = *first; pos < rules->ncodes; pos++) {
        size_t e = codes->table->order[pos];
        const dt_code_rule_t *rule = &rules->codes[e];
        if (rule->ms != key->ms || rule->sip != key->sip)
            break;
        if (len > 0 && phrase_matches(codes, e, phrase, len, normal)) {
            set_entry(m, rules, e, DT_MATCH_PHRASE);
            return true;
        }
        bool generic = rule->nphrases == 0 && rule->npatterns == 0;
        if (fallback == SIZE_MAX || (generic && (rules->codes[fallback].nphrases > 0 ||
                                                 rules->codes[fallback].npatterns > 0)))
            fallback = e;
    }
    set_entry(m, rules, fallback, DT_MATCH_CODES);
    return true;
}

/* Whether entry e may answer, at level ms, for a call whose codes it does not
 * document. Never when it is pair-only, and never with an expected ending: a
 * normal end, a cancel or a busy documented with one SIP code says nothing
 * about a failure with another (0/500, 560000/404, 540487/500), so such a
 * call falls through to its SIP code. The one SIP code an entry documents is
 * its own, given by the call or implied by a sip-from-code origin rule. */
static bool may_stand_for(const dt_rules_t *rules, size_t e, const dt_code_key_t *key,
                          const dt_match_t *m)
{
    const dt_code_rule_t *rule = &rules->codes[e];
    bool own_sip = key->has_sip ? key->sip == rule->sip : m->has_sbc_sip && m->sbc_sip == rule->sip;
    return own_sip || (!rule->pair_only && !rules->actions[rule->action].expected);
}

/* Step 3: returns true when the Microsoft code has entries at all (then the
 * origin rule's action does not apply), and sets *m when one may stand for
 * the call's codes. */
static bool match_ms(dt_codes_t *codes, const dt_code_key_t *key, dt_match_t *m)
{
    uint32_t *first = dt_map_get(&codes->table->by_ms, &key->ms, sizeof key->ms);
    if (!first)
        return false;
    const dt_rules_t *rules = codes->table->rules;
    for (size_t pos = *first; pos < rules->ncodes && rules->codes[codes->table->order[pos]].ms == key->ms;
         pos++)
        if (may_stand_for(rules, codes->table->order[pos], key, m)) {
            set_entry(m, rules, codes->table->order[pos], DT_MATCH_MS);
            break;
        }
    return true;
}

/* Step 5: a row without a Microsoft code, but with a documented phrase. */
static bool match_sip_phrase(dt_codes_t *codes, unsigned sip, const char *phrase, size_t len,
                             const char *normal, dt_match_t *m)
{
    const dt_rules_t *rules = codes->table->rules;
    for (size_t pos = 0; pos < rules->ncodes; pos++) {
        size_t e = codes->table->order[pos];
        if (rules->codes[e].sip == sip && phrase_matches(codes, e, phrase, len, normal)) {
            set_entry(m, rules, e, DT_MATCH_SIP_PHRASE);
            return true;
        }
    }
    return false;
}

/* Step 5 in a [sip-only] family, whose exports carry no phrase: the first
 * entry documented without a Microsoft code for the SIP code. */
static bool match_sip_only(dt_codes_t *codes, unsigned sip, dt_match_t *m)
{
    const dt_rules_t *rules = codes->table->rules;
    for (size_t pos = 0; pos < rules->ncodes; pos++) {
        size_t e = codes->table->order[pos];
        if (!rules->codes[e].has_ms && rules->codes[e].sip == sip) {
            set_entry(m, rules, e, DT_MATCH_SIP_PHRASE);
            return true;
        }
    }
    return false;
}

/* Sets codes->nomem when a pattern ran out of memory: m is then not to be used. */
static void resolve(dt_codes_t *codes, dt_family_t family, const dt_code_key_t *key,
                    const char *phrase, size_t len, dt_match_t *m)
{
    const dt_rules_t *rules = codes->table->rules;
    *m = (dt_match_t){.level = DT_MATCH_NONE, .entry = SIZE_MAX, .action = DT_NO_ACTION,
                      .origin = DT_ORIGIN_UNKNOWN};
    const dt_origin_rule_t *origin_rule = NULL;
    if (key->has_ms) {
        origin_rule = dt_rules_origin_for(rules, family, key->ms);
        if (origin_rule) {
            m->origin = origin_rule->origin;
            m->has_sbc_sip = dt_origin_sip_from_code(origin_rule, key->ms, &m->sbc_sip);
        }
    }
    const char *normal = len > 0 ? normal_phrase(codes, phrase, len) : NULL;
    if (key->has_ms && key->has_sip && match_pair(codes, key, phrase, len, normal, m))
        return;
    if (key->has_ms) {
        if (match_ms(codes, key, m)) {
            if (m->level == DT_MATCH_MS)
                return;
        } else if (origin_rule && origin_rule->action != DT_NO_ACTION) {
            m->level = DT_MATCH_ORIGIN;
            m->action = origin_rule->action;
            return;
        }
    }
    if (!key->has_ms && key->has_sip && len > 0 &&
        match_sip_phrase(codes, key->sip, phrase, len, normal, m))
        return;
    if (!key->has_ms && key->has_sip && len == 0 && family < DT_FAMILY_COUNT &&
        rules->sip_only[family] && match_sip_only(codes, key->sip, m))
        return;
    unsigned sip = key->has_sip ? key->sip : m->sbc_sip;
    if (!(key->has_sip || m->has_sbc_sip) || sip < DT_SIP_MIN || sip > DT_SIP_MAX)
        return;
    const dt_sip_rule_t *sip_rule = dt_rules_sip(rules, sip);
    if (sip_rule && sip_rule->action != DT_NO_ACTION) {
        m->level = DT_MATCH_SIP_CODE;
        m->action = sip_rule->action;
    } else if (sip / 100 < sizeof rules->class_action / sizeof rules->class_action[0] &&
               rules->class_action[sip / 100] != DT_NO_ACTION) { /* no class 7xx-9xx */
        m->level = DT_MATCH_SIP_CLASS;
        m->action = rules->class_action[sip / 100];
    }
}

/* Cache key: family, flags, codes, then the whole raw phrase, in codes->key.
 * The family decides the origin rule, so it is part of the key. Returns its
 * length, or 0 when the buffer cannot grow (the lookup goes uncached). */
static size_t pack_cache_key(dt_codes_t *codes, dt_family_t family, const dt_code_key_t *key,
                             const char *phrase, size_t len)
{
    if (len > SIZE_MAX - CACHE_KEY_HEAD)
        return 0;
    if (CACHE_KEY_HEAD + len > codes->key_cap) {
        size_t cap = codes->key_cap ? codes->key_cap : 256;
        while (cap < CACHE_KEY_HEAD + len)
            cap = cap > SIZE_MAX / 2 ? CACHE_KEY_HEAD + len : cap * 2;
        unsigned char *grown = realloc(codes->key, cap);
        if (!grown)
            return 0;
        codes->key = grown;
        codes->key_cap = cap;
    }
    unsigned char *buf = codes->key;
    buf[0] = (unsigned char)family;
    buf[1] = (unsigned char)(key->has_sip | key->has_ms << 1);
    uint32_t sip = key->has_sip ? key->sip : 0;
    uint64_t ms = key->has_ms ? key->ms : 0;
    memcpy(buf + 2, &sip, 4);
    memcpy(buf + 6, &ms, 8);
    if (len)
        memcpy(buf + CACHE_KEY_HEAD, phrase, len);
    return CACHE_KEY_HEAD + len;
}

/* Stores a resolved match under its key; NULL when the cache is full (in keys
 * or bytes) or memory ran out (the caller then returns an uncached result). */
static const dt_match_t *cache_match(dt_codes_t *codes, size_t n, const dt_match_t *m)
{
    if (n > DT_CODES_CACHE_BYTES - codes->cache_bytes ||
        (codes->cache.cap && codes->cache.count >= codes->cache.cap))
        return NULL;
    if (codes->nmatches == codes->matches_cap) {
        size_t cap = codes->matches_cap ? codes->matches_cap * 2 : 64;
        cached_t **grown = realloc(codes->matches, cap * sizeof *grown);
        if (!grown)
            return NULL;
        codes->matches = grown;
        codes->matches_cap = cap;
    }
    cached_t *copy = dt_arena_alloc(&codes->arena, sizeof *copy);
    uint32_t *slot;
    if (!copy || dt_map_upsert(&codes->cache, codes->key, n, (uint32_t)codes->nmatches,
                               &slot) != DT_MAP_ADDED)
        return NULL;
    *copy = (cached_t){.match = *m, .limits = codes->resolving};
    codes->matches[codes->nmatches++] = copy;
    codes->cache_bytes += n;
    return &copy->match;
}

const dt_match_t *dt_codes_lookup(dt_codes_t *codes, dt_family_t family,
                                  const dt_code_key_t *key, const char *phrase, size_t phrase_len,
                                  dt_error_t *err)
{
    size_t n = pack_cache_key(codes, family, key, phrase, phrase_len);
    uint32_t *slot = n ? dt_map_get(&codes->cache, codes->key, n) : NULL;
    if (slot) {
        cached_t *hit = codes->matches[*slot];
        dt_codes_limits_add(&codes->limits, &hit->limits);
        return &hit->match;
    }

    dt_match_t m;
    codes->resolving = (dt_codes_limits_t){0};
    resolve(codes, family, key, phrase, phrase_len, &m);
    if (codes->nomem) {
        fail_nomem(codes, err);
        return NULL;
    }
    dt_codes_limits_add(&codes->limits, &codes->resolving);
    const dt_match_t *kept = n ? cache_match(codes, n, &m) : NULL;
    if (kept)
        return kept;
    codes->uncached++;
    codes->scratch = m;
    return &codes->scratch;
}

size_t dt_codes_cached(const dt_codes_t *codes)
{
    return codes->nmatches;
}

uint64_t dt_codes_uncached_lookups(const dt_codes_t *codes)
{
    return codes->uncached;
}
