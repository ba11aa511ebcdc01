/* dt_explain.h - `drtriage explain`: what drtriage knows about a code, a code
 * pair or a phrase. A query is matched against every documented [code] entry;
 * codes with no entry are run through the real lookup (dt_codes_lookup) so the
 * answer is what a report would say, with a rules stub to paste. */
#ifndef DT_EXPLAIN_H
#define DT_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dt_codes.h"
#include "dt_common.h"
#include "dt_rules.h"

typedef enum {
    DT_QUERY_MS = 0, /* a Microsoft code: 560403 */
    DT_QUERY_SIP,    /* a SIP code: 403 (three digits from 100 to 699), or '*'/SIP */
    DT_QUERY_PAIR,   /* both: 510532/403, or "510532 403" as two arguments */
    DT_QUERY_PHRASE, /* text matched against the documented phrases and patterns */
} dt_query_kind_t;

#define DT_QUERY_TEXT_MAX 48

typedef struct {
    dt_query_kind_t kind;
    uint64_t ms;            /* DT_QUERY_MS, DT_QUERY_PAIR */
    unsigned sip;           /* DT_QUERY_SIP, DT_QUERY_PAIR */
    const char *phrase;     /* DT_QUERY_PHRASE: the argument (not owned) */
    bool forced_phrase;     /* given with -p: never an action id */
    char text[DT_QUERY_TEXT_MAX]; /* a code query as shown: "510532/403" */
    dt_family_t family;     /* the export family asked about; DT_FAMILY_ANY: the
                               rules for every family, with the origin of each
                               family that differs shown beside */
} dt_explain_query_t;

/* Reads the queries in args[0..nargs). An argument that starts with a digit,
 * '/' or '*' is a code, read by dt_code_parse (dt_code.h): three digits
 * 100-699 a SIP code, other digits a Microsoft code, MS/SIP a pair ('*' for
 * either part: '*'/503 is SIP 503); a Microsoft code followed by a SIP code
 * is one pair. Any other argument, and every args[i] with is_phrase[i] true
 * (is_phrase may be NULL; those are forced_phrase), is a phrase. queries must hold nargs entries and
 * keeps pointers into args; each query's family is DT_FAMILY_ANY. Stores the
 * count in *nqueries; returns DT_ERR_USAGE naming the argument when one is not
 * a code ("4x3", "403/"). */
dt_status_t dt_explain_parse(const char *const *args, const bool *is_phrase, size_t nargs,
                             dt_explain_query_t *queries, size_t *nqueries, dt_error_t *err);

/* The query as the user means it: the phrase, or the code text. */
const char *dt_explain_query_text(const dt_explain_query_t *query);

/* One answer to a query: a documented entry, or what the lookup falls back to. */
typedef struct {
    size_t entry;        /* index into rules->codes; SIZE_MAX when no entry applies */
    bool documented;     /* entry was found for the query itself, not by a fallback */
    dt_match_t match;    /* level, action and origin; for a documented entry, as
                            a call with its codes and first phrase would get */
    bool has_ms, has_sip;
    uint64_t ms;         /* the codes explained */
    unsigned sip;        /* for a 560NNN code alone, the SIP code the SBC sent */
} dt_explain_item_t;

/* One line of the summary an explanation leads with: an action the items
 * lead to, and how many documented entries and phrases lead there. */
typedef struct {
    size_t action;       /* index into rules->actions, or DT_NO_ACTION */
    size_t entries;      /* documented entries among the items (0: a fallback) */
    size_t phrases;      /* their documented phrases and patterns */
} dt_explain_summary_t;

typedef struct {
    const dt_explain_query_t *query;
    const dt_action_t *action; /* a phrase query that is an action id: the action */
    dt_explain_item_t *items;  /* nitems answers, owned; for an action, its entries */
    size_t nitems;
    dt_explain_summary_t *summary; /* one per distinct action of the items, most entries
                                      first (ties in rules order), owned */
    size_t nsummary;
    bool matched;        /* a documented entry, or a fallback with an action */
} dt_explanation_t;

/* Answers one query over finished rules and the code table compiled from them
 * (both must outlive the explanation; query too). Every documented entry that
 * matches is listed in rules order; a code query without one gets a single
 * fallback item from dt_codes_lookup. A phrase query that is an action id
 * (ASCII case ignored; not with forced_phrase) explains that action: out->action,
 * and its documented entries as the items. The summary groups the items by
 * action. Returns DT_OK, or DT_ERR_NOMEM with err filled (out is then
 * empty). Free with dt_explanation_free. */
dt_status_t dt_explain_run(const dt_rules_t *rules, dt_codes_t *codes,
                           const dt_explain_query_t *query, dt_explanation_t *out,
                           dt_error_t *err);

/* Releases the items and the summary. */
void dt_explanation_free(dt_explanation_t *explanation);

/* Write an explanation for a reader (text: the summary, one line per action,
 * then labelled lines, long values wrapped to width columns, 0 = 100; for an
 * action, the action and a line per code) or for a program (JSON: one
 * compact object {"query", "summary", "matches": [...]} on one line;
 * docs/json-format.md).
 * Return DT_OK, or DT_ERR_OUTPUT when the stream reports an error. */
dt_status_t dt_explain_write_text(FILE *out, const dt_rules_t *rules,
                                  const dt_explanation_t *explanation, unsigned width,
                                  dt_error_t *err);
dt_status_t dt_explain_write_json(FILE *out, const dt_rules_t *rules,
                                  const dt_explanation_t *explanation, dt_error_t *err);

/* Writes into buf (size bytes, truncated) why a Microsoft code has its
 * origin in files of the given family, from the [origin] rule
 * dt_rules_origin_for picks: "560 rule: the SBC sent SIP 403", "540 rule for
 * acs files: the SBC sent SIP 487", "Microsoft code not starting with 560: a
 * Microsoft service generated it". Without a code (has_ms false): "no
 * Microsoft code: the origin is unknown". Returns buf. */
const char *dt_explain_origin_reason(const dt_rules_t *rules, dt_family_t family, uint64_t ms,
                                     bool has_ms, char *buf, size_t size);

/* What an owner means for the admin: "SBC admin or vendor", ... */
const char *dt_owner_meaning(dt_owner_t owner);

#endif
