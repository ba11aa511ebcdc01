/* dt_codes.h - the code table compiled for lookups: joins a failed call's
 * (Microsoft code, SIP code, phrase) with the documented entries, most specific
 * first. Phrase patterns are compiled with PCRE2 once; each distinct key (the
 * codes and the whole phrase, of any length) is resolved once and cached, so
 * the per-row cost is one hash lookup.
 *
 * Threads: a dt_codes_t is one thread's lookups. The compiled table (entries,
 * patterns, indexes) is read-only once built and shared by every lookup made
 * from it with dt_codes_share; the cache, the match scratch and the counters
 * of patterns that gave up belong to each lookup. Nothing is global and
 * nothing is locked. */
#ifndef DT_CODES_H
#define DT_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_code.h"
#include "dt_common.h"
#include "dt_map.h"
#include "dt_rules.h"

/* How specific the match was; the order is the lookup order. */
typedef enum {
    DT_MATCH_PHRASE = 0, /* Microsoft code, SIP code and phrase */
    DT_MATCH_CODES,      /* Microsoft code and SIP code */
    DT_MATCH_MS,         /* Microsoft code alone */
    DT_MATCH_ORIGIN,     /* origin rule (560NNN: the SBC sent SIP NNN) */
    DT_MATCH_SIP_PHRASE, /* no Microsoft code: SIP code and a documented phrase */
    DT_MATCH_SIP_CODE,   /* the SIP code's own fallback action ([sip N] action) */
    DT_MATCH_SIP_CLASS,  /* only the SIP code's class is known */
    DT_MATCH_NONE,       /* nothing known */
    DT_MATCH_COUNT
} dt_match_level_t;

/* Returns "phrase", "codes", "ms", "origin-rule", "sip-phrase", "sip-code",
 * "sip-class" or "none". */
const char *dt_match_level_name(dt_match_level_t level);

typedef struct {
    dt_match_level_t level;
    size_t entry;        /* index into rules->codes, or SIZE_MAX */
    size_t action;       /* index into rules->actions, or DT_NO_ACTION */
    dt_origin_t origin;  /* from the origin rules; unknown when no Microsoft code */
    bool known;          /* a documented entry matched (phrase, codes, ms, sip-phrase) */
    unsigned sbc_sip;    /* the SIP code the SBC sent, under a sip-from-code rule */
    bool has_sbc_sip;
} dt_match_t;

typedef struct dt_codes dt_codes_t;

/* The bytes of cached keys (codes and phrase) a table keeps at most; keys
 * beyond it are resolved without caching, like those beyond cache_cap. */
#define DT_CODES_CACHE_BYTES ((size_t)4 << 20)

/* Compiles the lookup structures for a finished rule set. rules must outlive
 * the returned table. cache_cap bounds the number of distinct keys cached
 * (0: no bound but DT_CODES_CACHE_BYTES; further keys are resolved without
 * caching, with the same result). Returns NULL and fills err
 * (naming file:line and the pattern offset) when a PCRE2 pattern is bad or
 * memory is exhausted. */
dt_codes_t *dt_codes_new(const dt_rules_t *rules, size_t cache_cap, dt_error_t *err);

/* Another lookup on the same compiled table, for another thread: its own
 * empty cache (bounded like codes'), match scratch and counters. codes must
 * outlive it (free the share first). Returns NULL with err filled
 * (DT_ERR_NOMEM) when out of memory. Safe to call while other threads look
 * up through codes or other shares. */
dt_codes_t *dt_codes_share(const dt_codes_t *codes, dt_error_t *err);

/* Releases the lookup and its cache, and the compiled table when codes was
 * made by dt_codes_new. NULL is allowed. */
void dt_codes_free(dt_codes_t *codes);

/* Joins one call's codes and phrase (not NUL-terminated; may be empty) with
 * the table, for a file of the given export family (DT_FAMILY_ANY when it is
 * not known): the family picks the origin rule (dt_rules_origin_for), so the
 * origin, the SIP code a 560NNN code names and the origin rule's fallback
 * action can differ by family; the entries joined do not. The returned match
 * is owned by codes (the lookup) and stays valid until dt_codes_free (or, for uncached
 * keys, until the next lookup). An unmatched key yields level DT_MATCH_NONE.
 * A phrase pattern that gives up (dt_regex.h) does not match; it is counted
 * for dt_codes_limit_note. Returns NULL and fills err (DT_ERR_NOMEM) only
 * when PCRE2 ran out of memory matching a pattern: the result would not be
 * the documented one. A lookup with an empty phrase never fails. */
const dt_match_t *dt_codes_lookup(dt_codes_t *codes, dt_family_t family,
                                  const dt_code_key_t *key, const char *phrase,
                                  size_t phrase_len, dt_error_t *err);

/* Sets *matches to whether the phrase matches code entry `entry` (literal
 * phrases compared case-insensitively with blanks collapsed and a trailing
 * period ignored, or any of its PCRE2 patterns; a pattern that gives up does
 * not match and is counted). Returns DT_OK, or DT_ERR_NOMEM with err filled. */
dt_status_t dt_codes_phrase_matches(dt_codes_t *codes, size_t entry, const char *phrase,
                                    size_t phrase_len, bool *matches, dt_error_t *err);

/* Patterns that gave up (DT_REGEX_LIMIT) in a set of lookups: how many
 * times, and the first that did (an index into rules->codes, and of the
 * pattern in that entry; meaningful when hits > 0). Every lookup counts the
 * patterns that gave up for its key, cached or not, so the counts do not
 * depend on the cache: lookups of the same rows through several shares add
 * up (dt_codes_limits_add, in the rows' order) to what one lookup counts. */
typedef struct {
    uint64_t hits;
    size_t entry, pattern;
} dt_codes_limits_t;

/* Adds the limits of later lookups to into: the hits, and the first that
 * gave up when into has none. */
void dt_codes_limits_add(dt_codes_limits_t *into, const dt_codes_limits_t *later);

/* The limits counted by codes' lookups so far, and setting them (to take a
 * part's apart, or to leave lookups uncounted: a row looked up again). */
dt_codes_limits_t dt_codes_limits(const dt_codes_t *codes);
void dt_codes_set_limits(dt_codes_t *codes, const dt_codes_limits_t *limits);

/* When a phrase pattern gave up in a lookup so far, writes a note for the
 * report into note (cap bytes): the file:line and text of the first pattern
 * that did, and how many times patterns gave up in all; returns true.
 * Returns false, writing nothing, when none did. */
bool dt_codes_limit_note(const dt_codes_t *codes, char *note, size_t cap);

/* Number of distinct keys resolved so far, and how many could not be cached. */
size_t dt_codes_cached(const dt_codes_t *codes);
uint64_t dt_codes_uncached_lookups(const dt_codes_t *codes);

#endif
