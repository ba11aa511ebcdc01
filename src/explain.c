/* explain.c - `drtriage explain`: queries (codes, pairs, phrases) answered
 * from the rules, with the real lookup for codes no entry documents, and the
 * rules stub that would make such a code known. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dt_explain.h"
#include "dt_json.h"
#include "dt_num.h"
#include "dt_output.h"
#include "dt_text.h"

#define LABEL_WIDTH 14
#define REASON_MAX 256
#define LEAD_MAX 160  /* the start of a fallback's description */
#define LEVEL_MAX 768 /* a match description: the lead, a rule and its file:line */

/* ---- queries ---- */

/* One argument that starts like a code: MS, SIP, MS/SIP or a pair with '*'. */
static bool read_code_query(const char *arg, dt_explain_query_t *q)
{
    dt_code_key_t key;
    memset(q, 0, sizeof *q);
    if (!dt_code_parse(arg, strlen(arg), &key, NULL))
        return false;
    q->kind = key.has_ms && key.has_sip ? DT_QUERY_PAIR
              : key.has_ms              ? DT_QUERY_MS
                                        : DT_QUERY_SIP;
    q->ms = key.ms;
    q->sip = key.sip;
    return true;
}

static void set_code_text(dt_explain_query_t *q)
{
    dt_code_key_t key = {.has_ms = q->kind != DT_QUERY_SIP, .has_sip = q->kind != DT_QUERY_MS,
                         .ms = q->ms, .sip = q->sip};
    char text[DT_CODE_TEXT_MAX];
    snprintf(q->text, sizeof q->text, "%s", dt_code_format(&key, text));
}

static bool taken_as_phrase(const char *const *args, const bool *is_phrase, size_t i)
{
    return (is_phrase && is_phrase[i]) ||
           !(isdigit((unsigned char)args[i][0]) || args[i][0] == '/' || args[i][0] == '*');
}

dt_status_t dt_explain_parse(const char *const *args, const bool *is_phrase, size_t nargs,
                             dt_explain_query_t *queries, size_t *nqueries, dt_error_t *err)
{
    size_t n = 0;
    for (size_t i = 0; i < nargs; i++) {
        dt_explain_query_t *q = &queries[n++];
        if (taken_as_phrase(args, is_phrase, i)) {
            if (dt_is_blank(args[i], strlen(args[i])))
                return dt_fail(err, DT_ERR_USAGE, "empty phrase: give some words to look for");
            memset(q, 0, sizeof *q);
            q->kind = DT_QUERY_PHRASE;
            q->phrase = args[i];
            q->forced_phrase = is_phrase && is_phrase[i];
            q->family = DT_FAMILY_ANY;
            continue;
        }
        if (!read_code_query(args[i], q))
            return dt_fail(err, DT_ERR_USAGE,
                           "'%s' is not a code: expected " DT_CODE_SYNTAX ", or a phrase",
                           args[i]);
        q->family = DT_FAMILY_ANY;
        dt_explain_query_t next;
        if (q->kind == DT_QUERY_MS && i + 1 < nargs && !taken_as_phrase(args, is_phrase, i + 1) &&
            read_code_query(args[i + 1], &next) && next.kind == DT_QUERY_SIP) {
            q->kind = DT_QUERY_PAIR;
            q->sip = next.sip;
            i++;
        }
        set_code_text(q);
    }
    *nqueries = n;
    return DT_OK;
}

const char *dt_explain_query_text(const dt_explain_query_t *query)
{
    return query->kind == DT_QUERY_PHRASE ? query->phrase : query->text;
}

/* ---- matching ---- */

static bool is_blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* True when needle matches hay from its start: ASCII case is ignored and a run
 * of blanks matches a run of blanks. */
static bool loosely_at(const char *hay, const char *needle, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (is_blank_byte(needle[i])) {
            if (!is_blank_byte(*hay))
                return false;
            while (i < len && is_blank_byte(needle[i]))
                i++;
            while (is_blank_byte(*hay))
                hay++;
        } else if (!*hay || tolower((unsigned char)*hay) != tolower((unsigned char)needle[i])) {
            return false;
        } else {
            hay++, i++;
        }
    }
    return true;
}

static bool contains_loosely(const char *hay, const char *needle, size_t len)
{
    for (; *hay; hay++)
        if (loosely_at(hay, needle, len))
            return true;
    return false;
}

/* The words of a phrase query: no outer blanks and no final period, so that
 * "Invalid number format." finds the phrase that goes on after the period. */
static dt_slice_t query_words(const char *phrase)
{
    dt_slice_t s = {phrase, strlen(phrase)};
    while (s.len && is_blank_byte(*s.ptr))
        s.ptr++, s.len--;
    while (s.len && is_blank_byte(s.ptr[s.len - 1]))
        s.len--;
    if (s.len > 1 && s.ptr[s.len - 1] == '.')
        s.len--;
    return s;
}

/* Sets *hit to whether entry e answers the query; DT_ERR_NOMEM when a
 * pattern could not be matched. */
static dt_status_t entry_matches(const dt_rules_t *rules, dt_codes_t *codes, size_t e,
                                 const dt_explain_query_t *q, bool *hit, dt_error_t *err)
{
    const dt_code_rule_t *rule = &rules->codes[e];
    *hit = true;
    switch (q->kind) {
    case DT_QUERY_MS:
        *hit = rule->has_ms && rule->ms == q->ms;
        return DT_OK;
    case DT_QUERY_SIP:
        *hit = rule->sip == q->sip;
        return DT_OK;
    case DT_QUERY_PAIR:
        *hit = rule->has_ms && rule->ms == q->ms && rule->sip == q->sip;
        return DT_OK;
    case DT_QUERY_PHRASE:
        break;
    }
    dt_slice_t words = query_words(q->phrase);
    for (size_t i = 0; i < rule->nphrases; i++)
        if (contains_loosely(rule->phrases[i], words.ptr, words.len))
            return DT_OK;
    return dt_codes_phrase_matches(codes, e, q->phrase, strlen(q->phrase), hit, err);
}

static bool add_item(dt_explanation_t *e, size_t *cap, const dt_explain_item_t *item)
{
    if (e->nitems == *cap) {
        size_t n = *cap ? *cap * 2 : 8;
        dt_explain_item_t *grown = realloc(e->items, n * sizeof *grown);
        if (!grown)
            return false;
        e->items = grown;
        *cap = n;
    }
    e->items[e->nitems++] = *item;
    return true;
}

/* A documented entry, with the origin a call with its codes gets. */
static dt_explain_item_t documented_item(const dt_rules_t *rules, dt_codes_t *codes,
                                         dt_family_t family, size_t e)
{
    const dt_code_rule_t *rule = &rules->codes[e];
    dt_code_key_t key = {.has_ms = rule->has_ms, .has_sip = true, .ms = rule->ms,
                         .sip = rule->sip};
    dt_explain_item_t item = {.entry = e, .documented = true, .has_ms = rule->has_ms,
                              .has_sip = true, .ms = rule->ms, .sip = rule->sip};
    item.match = *dt_codes_lookup(codes, family, &key, "", 0, NULL); /* no phrase: cannot fail */
    item.match.level = !rule->has_ms                         ? DT_MATCH_SIP_PHRASE
                       : rule->nphrases || rule->npatterns ? DT_MATCH_PHRASE
                                                           : DT_MATCH_CODES;
    item.match.entry = e;
    item.match.action = rule->action;
    item.match.known = true;
    return item;
}

/* What the lookup does with the codes of a query no entry documents. */
static dt_explain_item_t fallback_item(dt_codes_t *codes, const dt_explain_query_t *q)
{
    dt_code_key_t key = {.has_ms = q->kind != DT_QUERY_SIP, .has_sip = q->kind != DT_QUERY_MS,
                         .ms = q->ms, .sip = q->sip};
    const dt_match_t *m = dt_codes_lookup(codes, q->family, &key, "", 0, NULL); /* cannot fail */
    dt_explain_item_t item = {.entry = m->entry, .match = *m, .has_ms = key.has_ms,
                              .ms = key.ms};
    item.has_sip = key.has_sip || m->has_sbc_sip;
    item.sip = key.has_sip ? key.sip : m->sbc_sip;
    return item;
}

/* The action a phrase query names, when it is an action id. */
static const dt_action_t *query_action(const dt_rules_t *rules, const dt_explain_query_t *q)
{
    if (q->kind != DT_QUERY_PHRASE || q->forced_phrase)
        return NULL;
    for (size_t a = 0; a < rules->nactions; a++)
        if (strcasecmp(rules->actions[a].id, q->phrase) == 0)
            return &rules->actions[a];
    return NULL;
}

/* Groups the items by action: entries and phrases per action, most entries
 * first, ties in the order the actions first appear. */
static bool summarise(const dt_rules_t *rules, dt_explanation_t *e)
{
    if (!e->nitems)
        return true;
    if (!(e->summary = calloc(e->nitems, sizeof *e->summary)))
        return false;
    for (size_t i = 0; i < e->nitems; i++) {
        const dt_explain_item_t *item = &e->items[i];
        size_t s = 0;
        while (s < e->nsummary && e->summary[s].action != item->match.action)
            s++;
        if (s == e->nsummary)
            e->summary[e->nsummary++].action = item->match.action;
        if (item->documented) {
            const dt_code_rule_t *rule = &rules->codes[item->entry];
            e->summary[s].entries++;
            e->summary[s].phrases += rule->nphrases + rule->npatterns;
        }
    }
    for (size_t i = 1; i < e->nsummary; i++) /* stable: insertion sort, few rows */
        for (size_t j = i; j > 0 && e->summary[j].entries > e->summary[j - 1].entries; j--) {
            dt_explain_summary_t t = e->summary[j];
            e->summary[j] = e->summary[j - 1];
            e->summary[j - 1] = t;
        }
    return true;
}

dt_status_t dt_explain_run(const dt_rules_t *rules, dt_codes_t *codes,
                           const dt_explain_query_t *query, dt_explanation_t *out,
                           dt_error_t *err)
{
    memset(out, 0, sizeof *out);
    out->query = query;
    out->action = query_action(rules, query);
    size_t cap = 0;
    for (size_t e = 0; e < rules->ncodes; e++) {
        bool hit;
        if (out->action) {
            size_t a = rules->codes[e].action;
            hit = a < rules->nactions && &rules->actions[a] == out->action;
        } else if (entry_matches(rules, codes, e, query, &hit, err) != DT_OK) {
            dt_explanation_free(out);
            return DT_ERR_NOMEM;
        }
        if (!hit)
            continue;
        dt_explain_item_t item = documented_item(rules, codes, query->family, e);
        if (!add_item(out, &cap, &item))
            goto nomem;
    }
    out->matched = out->nitems > 0 || out->action;
    if (!out->nitems && query->kind != DT_QUERY_PHRASE) {
        dt_explain_item_t item = fallback_item(codes, query);
        if (!add_item(out, &cap, &item))
            goto nomem;
        out->matched = item.match.action != DT_NO_ACTION;
    }
    if (summarise(rules, out))
        return DT_OK;
nomem:
    dt_explanation_free(out);
    return dt_fail(err, DT_ERR_NOMEM, "out of memory");
}

void dt_explanation_free(dt_explanation_t *explanation)
{
    free(explanation->items);
    free(explanation->summary);
    explanation->items = NULL;
    explanation->summary = NULL;
    explanation->nitems = explanation->nsummary = 0;
}

/* ---- shared wording ---- */

static const char *const owner_meanings[DT_OWNER_COUNT] = {
    "SBC admin or vendor",
    "Teams admin: policies, licences, routing",
    "network: firewall, DNS, certificates outside the SBC",
    "Microsoft: open a support case",
    "nobody: expected behaviour, nothing to fix",
};

const char *dt_owner_meaning(dt_owner_t owner)
{
    return owner < DT_OWNER_COUNT ? owner_meanings[owner] : "?";
}


static const char *actor(dt_origin_t origin)
{
    switch (origin) {
    case DT_ORIGIN_SBC:
        return "the SBC";
    case DT_ORIGIN_MICROSOFT:
        return "a Microsoft service";
    default:
        return "an unknown party";
    }
}

/* The prefixes of every [origin] rule but "*" that applies to files of the
 * family, as "560" or "560 or 540". */
static void other_prefixes(const dt_rules_t *rules, dt_family_t family, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < rules->norigins && n < size; i++) {
        const dt_origin_rule_t *o = &rules->origins[i];
        if (strcmp(o->prefix, "*") != 0 && (o->family == DT_FAMILY_ANY || o->family == family))
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " or " : "", o->prefix);
    }
}

const char *dt_explain_origin_reason(const dt_rules_t *rules, dt_family_t family, uint64_t ms,
                                     bool has_ms, char *buf, size_t size)
{
    const dt_origin_rule_t *rule = has_ms ? dt_rules_origin_for(rules, family, ms) : NULL;
    char name[48] = "";
    if (rule && rule->family != DT_FAMILY_ANY)
        snprintf(name, sizeof name, " for %s files", dt_family_name(rule->family));
    unsigned sip;
    if (!has_ms)
        snprintf(buf, size, "no Microsoft code: the origin is unknown");
    else if (!rule)
        snprintf(buf, size, "no [origin] rule applies: the origin is unknown");
    else if (strcmp(rule->prefix, "*") != 0 && dt_origin_sip_from_code(rule, ms, &sip))
        snprintf(buf, size, "%s rule%s: %s sent SIP %u", rule->prefix, name, actor(rule->origin),
                 sip);
    else if (strcmp(rule->prefix, "*") != 0)
        snprintf(buf, size, "%s rule%s: %s generated it", rule->prefix, name,
                 actor(rule->origin));
    else {
        char others[128];
        other_prefixes(rules, family, others, sizeof others);
        if (others[0])
            snprintf(buf, size, "Microsoft code not starting with %s: %s generated it", others,
                     actor(rule->origin));
        else
            snprintf(buf, size, "any Microsoft code: %s generated it", actor(rule->origin));
    }
    return buf;
}

/* True when a call with the item's Microsoft code gets another origin in files
 * of family f than the item shows (the query's family was DT_FAMILY_ANY):
 * the origin rules differ by family (540NNN is SBC-generated in ACS files). */
static bool origin_differs(const dt_rules_t *rules, dt_family_t asked,
                           const dt_explain_item_t *item, dt_family_t f, dt_origin_t *origin)
{
    if (asked != DT_FAMILY_ANY || !item->has_ms)
        return false;
    const dt_origin_rule_t *rule = dt_rules_origin_for(rules, f, item->ms);
    *origin = rule ? rule->origin : DT_ORIGIN_UNKNOWN;
    return *origin != item->match.origin;
}

/* The action a report shows for an item: the rules' "unknown" when none applies. */
static const dt_action_t *item_action(const dt_rules_t *rules, const dt_explain_item_t *item)
{
    if (item->match.action < rules->nactions)
        return &rules->actions[item->match.action];
    return dt_rules_action(rules, "unknown");
}

/* How a fallback begins: that the code is not documented, and when its
 * Microsoft code has entries, that they apply to their own SIP codes only
 * (pair-only, or an expected ending documented with another SIP code). */
static const char *fallback_lead(const dt_rules_t *rules, const dt_explain_item_t *item,
                                 char *buf, size_t size)
{
    for (size_t e = 0; item->has_ms && e < rules->ncodes; e++)
        if (rules->codes[e].has_ms && rules->codes[e].ms == item->ms) {
            snprintf(buf, size,
                     "the pair is not documented by Microsoft and the entries for %" PRIu64
                     " apply to their own SIP codes only; drtriage uses the action of",
                     item->ms);
            return buf;
        }
    return "not documented by Microsoft; drtriage uses the action of";
}

/* Writes how drtriage reaches the item's action, e.g. "origin-rule: not
 * documented by Microsoft; drtriage uses the action of [origin 560] (file:line)". */
static void describe_level(const dt_rules_t *rules, dt_family_t family,
                           const dt_explain_item_t *item, char *buf, size_t size)
{
    const char *level = dt_match_level_name(item->match.level);
    const dt_code_rule_t *entry = item->entry < rules->ncodes ? &rules->codes[item->entry] : NULL;
    const dt_origin_rule_t *origin = dt_rules_origin_for(rules, family, item->ms);
    const dt_sip_rule_t *sip = item->has_sip ? dt_rules_sip(rules, item->sip) : NULL;
    char lead[LEAD_MAX];
    const char *fallback = fallback_lead(rules, item, lead, sizeof lead);
    if (item->documented)
        snprintf(buf, size, "%s: documented; %s", level,
                 item->match.level == DT_MATCH_PHRASE
                     ? "calls with these codes and one of these phrases get this entry"
                 : item->match.level == DT_MATCH_SIP_PHRASE
                     ? "calls without a Microsoft code, with this SIP code and one of these "
                       "phrases get this entry"
                     : "calls with these codes get this entry");
    else if (item->match.level == DT_MATCH_MS && entry)
        snprintf(buf, size,
                 "%s: the pair is not documented by Microsoft; drtriage uses the entry for "
                 "%" PRIu64 "/%u (%s:%u)",
                 level, entry->ms, entry->sip, entry->at.file, entry->at.line);
    else if (item->match.level == DT_MATCH_ORIGIN && origin)
        snprintf(buf, size, "%s: %s [origin %s] (%s:%u)", level, fallback, origin->prefix,
                 origin->at.file, origin->at.line);
    else if (item->match.level == DT_MATCH_SIP_CODE && sip)
        snprintf(buf, size, "%s: %s [sip %u] (%s:%u)", level, fallback, sip->code, sip->at.file,
                 sip->at.line);
    else if (item->match.level == DT_MATCH_SIP_CLASS)
        snprintf(buf, size, "%s: %s [sip-class %u] (%s:%u)", level, fallback, item->sip / 100,
                 rules->class_at[item->sip / 100].file, rules->class_at[item->sip / 100].line);
    else
        snprintf(buf, size,
                 "%s: not documented by Microsoft and no rule applies; reports list it under "
                 "'unknown'",
                 level);
}

/* Sets *stub to the rules stub for a fallback item with a Microsoft code, in
 * a malloc'd string, or to NULL when it has none; false when memory ran out. */
static bool item_stub(const dt_rules_t *rules, const dt_explain_item_t *item, char **stub)
{
    *stub = NULL;
    if (item->documented || !item->has_ms)
        return true;
    const dt_action_t *action = item_action(rules, item);
    *stub = dt_rules_stub(item->ms, true, item->sip, item->has_sip, NULL, 0,
                          action ? action->id : NULL);
    return *stub != NULL;
}

static const char *sip_phrase(const dt_rules_t *rules, const dt_explain_item_t *item)
{
    const dt_sip_rule_t *sip = item->has_sip ? dt_rules_sip(rules, item->sip) : NULL;
    return sip ? sip->phrase : NULL;
}

/* ---- text ---- */

typedef struct {
    FILE *out;
    const dt_rules_t *rules;
    size_t width;
    dt_family_t family; /* of the query */
} text_t;

static void put_field(text_t *w, const char *label, const char *value)
{
    if (!value)
        return;
    fprintf(w->out, "  %-*s", LABEL_WIDTH, label);
    dt_text_wrap(w->out, value, 2 + LABEL_WIDTH, 2 + LABEL_WIDTH, w->width);
}

static void put_fieldf(text_t *w, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put_fieldf(text_t *w, const char *label, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put_field(w, label, buf);
}

static void text_action(text_t *w, const dt_action_t *a)
{
    if (!a) {
        put_field(w, "action", "none");
        return;
    }
    put_fieldf(w, "action", "%s: %s", a->id, a->title);
    put_fieldf(w, "owner", "%s (%s); %s", dt_owner_name(a->owner), dt_owner_meaning(a->owner),
               a->expected ? "an expected ending, not a fault" : "a fault to fix");
    put_field(w, "advice", a->text);
    for (size_t i = 0; i < a->ndocs; i++)
        put_fieldf(w, "docs", "%s%s", dt_doc_link_prefix(a->docs[i]), a->docs[i]);
}

static void text_entry(text_t *w, const dt_code_rule_t *entry, dt_origin_t origin)
{
    for (size_t i = 0; i < entry->nphrases; i++)
        put_field(w, i ? "variant" : "phrase", entry->phrases[i]);
    for (size_t i = 0; i < entry->npatterns; i++)
        put_field(w, "pattern", entry->patterns[i]);
    if (entry->documented_origin && strcmp(entry->documented_origin, dt_origin_name(origin)) != 0)
        put_fieldf(w, "documented", "%s (as Microsoft documents it; the origin rule decides)",
                   entry->documented_origin);
}

/* False when the item's stub could not be made (out of memory). */
static bool text_item(text_t *w, const dt_explain_item_t *item)
{
    const dt_rules_t *rules = w->rules;
    const dt_code_rule_t *entry = item->entry < rules->ncodes ? &rules->codes[item->entry] : NULL;
    char reason[REASON_MAX], level[LEVEL_MAX];
    if (item->has_ms && item->has_sip)
        fprintf(w->out, "%" PRIu64 "/%u\n", item->ms, item->sip);
    else if (item->has_ms)
        fprintf(w->out, "%" PRIu64 "\n", item->ms);
    else
        fprintf(w->out, "SIP %u\n", item->sip);
    if (item->has_sip) {
        const char *phrase = sip_phrase(rules, item);
        put_fieldf(w, "SIP code", "%u %s", item->sip, phrase ? phrase : "(not a registered SIP code)");
    }
    if (item->has_ms)
        put_fieldf(w, "Microsoft", "%" PRIu64, item->ms);
    if (entry && item->documented)
        text_entry(w, entry, item->match.origin);
    put_fieldf(w, "origin", "%s: %s", dt_origin_name(item->match.origin),
               dt_explain_origin_reason(rules, w->family, item->ms, item->has_ms, reason,
                                        sizeof reason));
    dt_origin_t other;
    for (dt_family_t f = 0; f < DT_FAMILY_ANY; f++)
        if (origin_differs(rules, w->family, item, f, &other)) {
            char label[LABEL_WIDTH + 1];
            snprintf(label, sizeof label, "%s files", dt_family_name(f));
            put_fieldf(w, label, "%s: %s", dt_origin_name(other),
                       dt_explain_origin_reason(rules, f, item->ms, true, reason, sizeof reason));
        }
    describe_level(rules, w->family, item, level, sizeof level);
    put_field(w, "match", level);
    text_action(w, item_action(rules, item));
    if (entry) {
        put_field(w, "source", entry->source);
        put_field(w, "note", entry->note);
        put_fieldf(w, "rule", "%s:%u", entry->at.file, entry->at.line);
    }
    char *stub;
    if (!item_stub(rules, item, &stub))
        return false;
    if (stub) {
        put_field(w, "rules stub", "to make it known, add this to a rules file and run "
                                   "drtriage rules check FILE:");
        for (char *line = strtok(stub, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(w->out, "%*s%s\n", 2 + LABEL_WIDTH + 2, "", line);
        free(stub);
    }
    return true;
}

/* The action a summary line is about: the rules' "unknown" when none applies. */
static const dt_action_t *summary_action(const dt_rules_t *rules, const dt_explain_summary_t *row)
{
    return row->action < rules->nactions ? &rules->actions[row->action]
                                         : dt_rules_action(rules, "unknown");
}

/* One line per action the items lead to: id, documented entries and
 * phrases, owner and title (wrapped within the width). */
static void summary_counts(const dt_explain_summary_t *row, char *buf, size_t size)
{
    if (row->entries)
        snprintf(buf, size, "%zu entr%s, %zu phrase%s", row->entries,
                 row->entries == 1 ? "y" : "ies", row->phrases, row->phrases == 1 ? "" : "s");
    else
        snprintf(buf, size, "not documented");
}

#define TITLE_MIN 20 /* columns a title needs beside the counts, else it goes below */

static void text_summary(text_t *w, const dt_explanation_t *e)
{
    size_t id_w = 0, counts_w = 0;
    char counts[64];
    for (size_t i = 0; i < e->nsummary; i++) {
        const dt_action_t *a = summary_action(w->rules, &e->summary[i]);
        size_t n = strlen(a ? a->id : "none");
        id_w = id_w > n ? id_w : n;
        summary_counts(&e->summary[i], counts, sizeof counts);
        counts_w = counts_w > strlen(counts) ? counts_w : strlen(counts);
    }
    for (size_t i = 0; i < e->nsummary; i++) {
        const dt_action_t *a = summary_action(w->rules, &e->summary[i]);
        summary_counts(&e->summary[i], counts, sizeof counts);
        int n = fprintf(w->out, "  %-*s  %-*s  %-9s", (int)id_w, a ? a->id : "none",
                        (int)counts_w, counts, a ? dt_owner_name(a->owner) : "-");
        size_t col = n > 0 ? (size_t)n + 2 : 0;
        if (col + TITLE_MIN > w->width) {
            fprintf(w->out, "\n    ");
            col = 4;
        } else {
            fputs("  ", w->out);
        }
        dt_text_wrap(w->out, a && a->title ? a->title : "no action", col, col, w->width);
    }
}

/* "569002/504  Unable to deliver INVITE: ..." for each entry of an action. */
static void text_action_codes(text_t *w, const dt_explanation_t *e)
{
    if (!e->nitems) {
        put_field(w, "codes", "no documented entry leads to this action; a report gives it to "
                              "codes no rule documents or that only a fallback rule covers");
        return;
    }
    for (size_t i = 0; i < e->nitems; i++) {
        const dt_code_rule_t *rule = &w->rules->codes[e->items[i].entry];
        char key[DT_CODE_TEXT_MAX + 2];
        snprintf(key, sizeof key, "%" PRIu64 "/%u", rule->ms, rule->sip);
        const char *phrase = rule->nphrases ? rule->phrases[0]
                             : rule->npatterns ? rule->patterns[0]
                                               : "(any phrase)";
        int used = fprintf(w->out, "  %-*s%-12s  ", LABEL_WIDTH, i ? "" : "codes", key);
        size_t col = used > 0 ? (size_t)used : 0;
        dt_text_wrap(w->out, phrase, col, col, w->width);
    }
}

dt_status_t dt_explain_write_text(FILE *out, const dt_rules_t *rules,
                                  const dt_explanation_t *explanation, unsigned width,
                                  dt_error_t *err)
{
    const dt_explain_query_t *q = explanation->query;
    text_t w = {out, rules, width ? width : 100, q->family};
    size_t documented = 0;
    for (size_t i = 0; i < explanation->nitems; i++)
        documented += explanation->items[i].documented;
    if (explanation->action) {
        fprintf(out, "%s: an action; %zu documented entr%s lead%s to it\n", explanation->action->id,
                documented, documented == 1 ? "y" : "ies", documented == 1 ? "s" : "");
        text_action(&w, explanation->action);
        put_fieldf(&w, "rule", "%s:%u", explanation->action->at.file, explanation->action->at.line);
        text_action_codes(&w, explanation);
        return dt_stream_finish(out, err);
    }
    if (q->kind == DT_QUERY_PHRASE) {
        putc('"', out);
        dt_text_write_safe(out, q->phrase, strlen(q->phrase), 0);
        putc('"', out);
    } else {
        fputs(q->text, out);
    }
    if (documented)
        fprintf(out, ": %zu documented entr%s, %zu action%s\n", documented,
                documented == 1 ? "y" : "ies", explanation->nsummary,
                explanation->nsummary == 1 ? "" : "s");
    else if (explanation->nitems)
        fputs(": not documented by Microsoft\n", out);
    else
        fputs(": no documented phrase or pattern matches\n", out);
    text_summary(&w, explanation);
    for (size_t i = 0; i < explanation->nitems; i++) {
        putc('\n', out);
        if (!text_item(&w, &explanation->items[i]))
            return dt_fail(err, DT_ERR_NOMEM, "out of memory writing a rules stub");
    }
    return dt_stream_finish(out, err);
}

/* ---- JSON ---- */

/* A list of strings; doc links are written as full URLs. */
static void json_strings(dt_json_t *j, const char *key, const char *const *list, size_t n,
                         bool doc_links)
{
    dt_json_open(j, key, '[');
    for (size_t i = 0; i < n; i++) {
        if (doc_links) {
            char url[2048];
            snprintf(url, sizeof url, "%s%s", dt_doc_link_prefix(list[i]), list[i]);
            dt_json_str(j, NULL, url);
        } else {
            dt_json_str(j, NULL, list[i]);
        }
    }
    dt_json_close(j, ']');
}

static void json_action(dt_json_t *j, const dt_action_t *a)
{
    if (!a) {
        dt_json_null(j, "action");
        return;
    }
    dt_json_open(j, "action", '{');
    dt_json_str(j, "id", a->id);
    dt_json_str(j, "title", a->title);
    dt_json_str(j, "owner", dt_owner_name(a->owner));
    dt_json_bool(j, "expected", a->expected);
    dt_json_str(j, "text", a->text);
    json_strings(j, "docs", a->docs, a->ndocs, true);
    dt_json_close(j, '}');
}

/* A code that may be absent. */
static void json_code(dt_json_t *j, const char *key, bool present, uint64_t value)
{
    if (present)
        dt_json_u64(j, key, value);
    else
        dt_json_null(j, key);
}

/* False when the item's stub could not be made (out of memory). */
static bool json_item(dt_json_t *j, const dt_rules_t *rules, dt_family_t family,
                      const dt_explain_item_t *item)
{
    const dt_code_rule_t *entry = item->entry < rules->ncodes ? &rules->codes[item->entry] : NULL;
    const dt_code_rule_t *shown = item->documented ? entry : NULL;
    char reason[REASON_MAX], at[512];
    dt_json_open(j, NULL, '{');
    json_code(j, "ms", item->has_ms, item->ms);
    json_code(j, "sip", item->has_sip, item->sip);
    dt_json_str(j, "sip_phrase", sip_phrase(rules, item));
    json_strings(j, "phrases", shown ? shown->phrases : NULL, shown ? shown->nphrases : 0, false);
    json_strings(j, "patterns", shown ? shown->patterns : NULL, shown ? shown->npatterns : 0,
                 false);
    dt_json_str(j, "origin", dt_origin_name(item->match.origin));
    dt_json_str(j, "origin_reason", dt_explain_origin_reason(rules, family, item->ms,
                                                             item->has_ms, reason, sizeof reason));
    dt_json_open(j, "other_families", '[');
    dt_origin_t other;
    for (dt_family_t f = 0; f < DT_FAMILY_ANY; f++)
        if (origin_differs(rules, family, item, f, &other)) {
            dt_json_open(j, NULL, '{');
            dt_json_str(j, "family", dt_family_name(f));
            dt_json_str(j, "origin", dt_origin_name(other));
            dt_json_str(j, "origin_reason", dt_explain_origin_reason(rules, f, item->ms, true,
                                                                     reason, sizeof reason));
            dt_json_close(j, '}');
        }
    dt_json_close(j, ']');
    dt_json_str(j, "documented_origin", shown ? shown->documented_origin : NULL);
    json_action(j, item_action(rules, item));
    dt_json_str(j, "source", entry ? entry->source : NULL);
    dt_json_str(j, "note", entry ? entry->note : NULL);
    dt_json_str(j, "level", dt_match_level_name(item->match.level));
    dt_json_bool(j, "known", item->match.known);
    if (entry)
        snprintf(at, sizeof at, "%s:%u", entry->at.file, entry->at.line);
    dt_json_str(j, "rule", entry ? at : NULL);
    char *stub;
    bool made = item_stub(rules, item, &stub);
    dt_json_str(j, "stub", stub);
    free(stub);
    dt_json_close(j, '}');
    return made;
}

static const char *const query_kinds[] = {"ms", "sip", "pair", "phrase"};

static void json_summary(dt_json_t *j, const dt_rules_t *rules, const dt_explanation_t *e)
{
    dt_json_open(j, "summary", '[');
    for (size_t i = 0; i < e->nsummary; i++) {
        const dt_action_t *a = summary_action(rules, &e->summary[i]);
        dt_json_open(j, NULL, '{');
        dt_json_str(j, "action", a ? a->id : NULL);
        dt_json_str(j, "title", a ? a->title : NULL);
        dt_json_str(j, "owner", a ? dt_owner_name(a->owner) : NULL);
        dt_json_bool(j, "expected", a && a->expected);
        dt_json_u64(j, "entries", e->summary[i].entries);
        dt_json_u64(j, "phrases", e->summary[i].phrases);
        dt_json_close(j, '}');
    }
    dt_json_close(j, ']');
}

dt_status_t dt_explain_write_json(FILE *out, const dt_rules_t *rules,
                                  const dt_explanation_t *explanation, dt_error_t *err)
{
    dt_json_t j;
    dt_json_init(&j, out, false);
    dt_json_open(&j, NULL, '{');
    dt_json_str(&j, "query", dt_explain_query_text(explanation->query));
    dt_json_str(&j, "kind", explanation->action ? "action" : query_kinds[explanation->query->kind]);
    dt_json_str(&j, "family", explanation->query->family == DT_FAMILY_ANY
                                  ? NULL
                                  : dt_family_name(explanation->query->family));
    dt_json_bool(&j, "matched", explanation->matched);
    if (explanation->action)
        json_action(&j, explanation->action);
    json_summary(&j, rules, explanation);
    dt_json_open(&j, "matches", '[');
    bool whole = true;
    for (size_t i = 0; i < explanation->nitems; i++)
        whole &= json_item(&j, rules, explanation->query->family, &explanation->items[i]);
    dt_json_close(&j, ']');
    dt_json_close(&j, '}');
    putc('\n', out);
    if (!whole)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory writing a rules stub");
    return dt_stream_finish(out, err);
}
