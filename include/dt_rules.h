/* dt_rules.h - the knowledge drtriage works from, loaded from plain-text
 * rules files (format: docs/rules.md): actions, documented code entries, SIP
 * reason phrases, origin rules, header aliases, success values, call types and
 * the NER classes. The embedded table is loaded first; user files on top of it,
 * later files winning for the same key. */
#ifndef DT_RULES_H
#define DT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dt_arena.h"
#include "dt_code.h"
#include "dt_common.h"
#include "dt_map.h"

/* The fields drtriage reads from an export, found by header name. */
typedef enum {
    DT_FIELD_SIP = 0,   /* final SIP code (CallEndReason) */
    DT_FIELD_MS,        /* Microsoft response code (CallEndSubReason) */
    DT_FIELD_PHRASE,    /* final SIP phrase */
    DT_FIELD_SUCCESS,   /* success flag, where the family has one */
    DT_FIELD_SBC,       /* SBC / trunk FQDN */
    DT_FIELD_CORRELATION,
    DT_FIELD_START,     /* call start time */
    DT_FIELD_INVITE,    /* invite time */
    DT_FIELD_CALL_TYPE,
    DT_FIELD_DIRECTION,
    DT_FIELD_USER,
    DT_FIELD_CALLER,
    DT_FIELD_CALLEE,
    DT_FIELD_DURATION,  /* answered call's duration, seconds */
    DT_FIELD_WEIGHT,    /* an aggregated export's count: the calls one row stands for */
    DT_FIELD_FAILURE,   /* failure time (failed calls) */
    DT_FIELD_END,       /* end time (answered calls) */
    DT_FIELD_ENDPOINT,  /* endpoint type of a participant row (ACS EndpointType) */
    DT_FIELD_COUNT
} dt_field_t;

/* Returns the rules-file name of a field ("sip", "ms", "call-type", ...). */
const char *dt_field_name(dt_field_t field);

/* Parses a field name; false if unknown. */
bool dt_field_parse(const char *name, dt_field_t *out);

/* Who has to act on a failure. */
typedef enum {
    DT_OWNER_SBC = 0,   /* SBC admin or vendor */
    DT_OWNER_TENANT,    /* Teams admin: policies, licences, routing */
    DT_OWNER_NETWORK,   /* firewall, DNS, certificates */
    DT_OWNER_MICROSOFT, /* open a support case */
    DT_OWNER_USER,      /* expected behaviour, nothing to fix */
    DT_OWNER_COUNT
} dt_owner_t;

const char *dt_owner_name(dt_owner_t owner);

/* Where a rule came from, for messages and `rules list`. */
typedef struct {
    const char *file; /* owned by the rules arena */
    unsigned line;
} dt_rule_origin_t;

typedef struct {
    const char *id;
    const char *title;
    const char *text;
    dt_owner_t owner;
    bool expected;        /* a normal ending (busy, cancelled...), not a fault */
    const char **docs;    /* ndocs links, site-relative or absolute */
    size_t ndocs;
    dt_rule_origin_t at;
} dt_action_t;

/* One documented (Microsoft code, SIP code, phrase...) entry. */
typedef struct {
    bool has_ms;           /* false for "[code -/SIP]": documented without a Microsoft code */
    uint64_t ms;           /* 0 when !has_ms */
    unsigned sip;
    const char **phrases;  /* nphrases literal phrases; [0] is the display phrase */
    size_t nphrases;
    const char **patterns; /* npatterns PCRE2 patterns */
    const unsigned *pattern_lines; /* the line of each pattern, for messages */
    size_t npatterns;
    const char *action_id;
    size_t action;         /* index into rules->actions, set by dt_rules_finish */
    const char *documented_origin; /* "sbc", "microsoft" or NULL */
    bool pair_only;        /* applies to calls with exactly these codes, never to the
                              Microsoft code with another SIP code (level ms) */
    const char *source;
    const char *note;
    unsigned layer;        /* 0 = embedded, 1.. = user files in load order */
    dt_rule_origin_t at;
} dt_code_rule_t;

typedef struct {
    unsigned code;
    const char *phrase;
    const char *rfc;
    bool obsolete;
    const char *action_id; /* fallback action for this SIP code, or NULL */
    size_t action;         /* resolved by dt_rules_finish, else DT_NO_ACTION */
    dt_rule_origin_t at;
} dt_sip_rule_t;

/* "[origin PREFIX]": Microsoft codes starting with prefix ("*" = any other),
 * in files of one export family (family key) or of every family. */
typedef struct {
    const char *prefix;
    dt_family_t family;    /* DT_FAMILY_ANY: applies to every family */
    dt_origin_t origin;
    bool sip_from_code;    /* the last three digits are the SIP code the SBC sent */
    const char *action_id; /* fallback action, or NULL */
    size_t action;
    dt_rule_origin_t at;
} dt_origin_rule_t;

typedef struct {
    dt_field_t field;
    dt_family_t family;
    const char *pattern;   /* anchored PCRE2 over the normalised header */
    dt_rule_origin_t at;
} dt_header_rule_t;

/* "[skip ID]": files that hold no call records (a Calling Plans export,
 * export metadata), named in the report as skipped instead of read. A file
 * matches by its name, or, when its header has no code column, by a header
 * signature: every pattern of the signature matches one header name. */
typedef struct {
    const char **patterns;     /* anchored PCRE2 over normalised header names */
    size_t npatterns;
    unsigned line;
} dt_skip_signature_t;

typedef struct {
    const char *id;
    const char *reason;        /* why the file is skipped, as the report says it */
    const char **names;        /* nnames file-name globs (fnmatch), case-insensitive */
    size_t nnames;
    dt_skip_signature_t *signatures;
    size_t nsignatures;
    const char *source;
    dt_rule_origin_t at;
} dt_skip_rule_t;

#define DT_NO_ACTION SIZE_MAX

typedef struct {
    dt_arena_t arena;      /* owns every string and array below */

    dt_action_t *actions;
    size_t nactions, actions_cap;
    dt_map_t action_index; /* id -> index */

    dt_code_rule_t *codes;
    size_t ncodes, codes_cap;
    dt_map_t code_index;   /* (MS, SIP, first phrase as matched) -> index */

    dt_sip_rule_t *sips;   /* sorted by code after dt_rules_finish */
    size_t nsips, sips_cap;

    const char *class_action_id[7]; /* [sip-class N] */
    size_t class_action[7];
    dt_rule_origin_t class_at[7];

    dt_origin_rule_t *origins;
    size_t norigins, origins_cap;
    dt_map_t origin_index; /* "prefix/family" -> index */

    dt_header_rule_t *headers;
    size_t nheaders, headers_cap;

    dt_skip_rule_t *skips;
    size_t nskips, skips_cap;

    dt_map_t success_true, success_false; /* normalised values */
    dt_map_t endpoint_pstn;               /* [values endpoint] pstn: a call's PSTN leg */
    dt_map_t call_type_in, call_type_out; /* whole call-type values */
    const char **call_type_services;      /* [call-type service] names, lowercased */
    size_t ncall_type_services, call_type_services_cap;
    dt_map_t call_type_in_after, call_type_out_after; /* what may follow a service name */

    bool non_pstn[DT_FAMILY_COUNT]; /* [non-pstn]: exports that hold non-PSTN stream rows */
    bool sip_only[DT_FAMILY_COUNT]; /* [sip-only]: exports whose calls without a Microsoft
                                       code join [code -/SIP] by the SIP code alone */

    bool ner_effective[DT_SIP_MAX + 1];
    uint64_t ner_min_calls;

    unsigned layers;       /* number of layers loaded */
    bool finished;
    uint64_t digest;       /* XXH64 chained over the text of each rules file loaded, in
                              load order: the same digest, the same rules (a state is
                              read only with the rules it was made with, dt_state.h) */
} dt_rules_t;

/* Prepares an empty rule set. */
void dt_rules_init(dt_rules_t *rules);

/* Releases everything the rule set owns. */
void dt_rules_free(dt_rules_t *rules);

/* Parses one rules file held in memory (text need not be NUL-terminated) and
 * merges it into rules: an action, a code entry (same MS/SIP and same first
 * phrase) or a [sip]/[sip-class]/[origin]/[ner] section with the same key
 * replaces the earlier one; header aliases and values add up. `name` is used
 * in messages and copied. `layer` is 0 for the embedded table, then rises
 * with each user file. Returns DT_OK, or DT_ERR_INPUT with "name:line: why". */
dt_status_t dt_rules_load_text(dt_rules_t *rules, const char *name, unsigned layer,
                               const char *text, size_t len, dt_error_t *err);

/* Reads a rules file, or every *.rules file of a directory in name order, and
 * loads it as dt_rules_load_text does. */
dt_status_t dt_rules_load_path(dt_rules_t *rules, const char *path, unsigned layer,
                               dt_error_t *err);

/* Receives every problem a checked load finds, for `drtriage rules check`. */
typedef struct {
    /* Called once per problem: file is the rules' copy of the name, message
     * has no "file:line: " prefix. Both are valid only during the call. */
    void (*problem)(void *ctx, const char *file, unsigned line, const char *message);
    void *ctx;
    const char *file; /* set by the load: the name every rule from the last file
                         loaded has in its dt_rule_origin_t (owned by the rules) */
} dt_rules_checker_t;

/* Load text or a path as dt_rules_load_text and dt_rules_load_path do, but
 * without stopping at the first problem: each one is passed to checker (not
 * NULL) and the section is skipped when it cannot be merged. Return DT_OK
 * when there was none, DT_ERR_INPUT when any was reported (err untouched);
 * DT_ERR_INPUT with err filled and nothing reported when the file cannot be
 * read; DT_ERR_NOMEM with err filled. */
dt_status_t dt_rules_load_text_checked(dt_rules_t *rules, const char *name, unsigned layer,
                                       const char *text, size_t len,
                                       dt_rules_checker_t *checker, dt_error_t *err);
dt_status_t dt_rules_load_path_checked(dt_rules_t *rules, const char *path, unsigned layer,
                                       dt_rules_checker_t *checker, dt_error_t *err);

/* Loads the table compiled into the binary from rules/ at build time. */
dt_status_t dt_rules_load_embedded(dt_rules_t *rules, dt_error_t *err);

#define DT_RULES_VERSION_MAX 96

/* Writes the version of a loaded rule set into out (cap bytes, at least
 * DT_RULES_VERSION_MAX): "built-in" when builtin says the embedded table was
 * loaded, else "no built-in rules"; then " + N user rules layers" when user
 * layers were loaded on top (a layer is a file or a directory of files); then
 * ", digest 0123456789abcdef": rules->digest, the one a state carries and
 * `merge` names when it refuses a state made with other rules. */
void dt_rules_version(const dt_rules_t *rules, bool builtin, char *out, size_t cap);

/* Resolves action references and checks that the set is usable (every
 * referenced action exists, an [origin *] rule exists, every PCRE2 pattern
 * compiles). Call once after the last load. Returns DT_ERR_INPUT naming the
 * file:line of the first problem. */
dt_status_t dt_rules_finish(dt_rules_t *rules, dt_error_t *err);

/* Called for a pattern PCRE2 refuses: at is the pattern's own line, what
 * names its section ("[code 560403/403]", "[header ms] tac"), why is PCRE2's
 * message with the offset. The strings live only during the call. */
typedef void dt_rules_pattern_fn(void *ctx, dt_rule_origin_t at, const char *what,
                                 const char *pattern, const char *why);

/* Compiles every PCRE2 pattern of the rules (phrase patterns, header
 * aliases, then [skip] header signatures, each in load order) that came from `file` (the rules' copy of the
 * name, as in dt_rule_origin_t; NULL: from any file) and calls refused for
 * each one that does not compile. Returns how many did not. */
size_t dt_rules_bad_patterns(const dt_rules_t *rules, const char *file,
                             dt_rules_pattern_fn *refused, void *ctx);

/* Which of two word sets a cell's value belongs to ([values success] true
 * and false, [call-type in] and out): the value is trimmed of blanks and
 * lowercased as the sets are. Returns 1 for `yes`, 0 for `no`, -1 for an
 * empty value or one in neither. */
int dt_rules_word_set(const dt_map_t *yes, const dt_map_t *no, const char *text, size_t len);

/* The direction a call-type value means: 1 inbound, 0 outbound, -1 unknown
 * (an empty value too). A value is known when it is one of the [call-type in]
 * or [call-type out] values, or when it is a [call-type service] name (CQD's
 * "byot", "ucap", ...) followed, after an optional '_', by one of their
 * after-service words ("ByotIn", "UcapOut_transfer", "Emergency_Out").
 * Compared lowercased, blanks around the value ignored. */
int dt_rules_call_direction(const dt_rules_t *rules, const char *text, size_t len);

/* Whether an endpoint-type value (ACS EndpointType) is one of the [values
 * endpoint] pstn values: the participant row of a call's PSTN leg. Compared
 * lowercased, blanks around the value ignored; an empty value is not. */
bool dt_rules_pstn_endpoint(const dt_rules_t *rules, const char *text, size_t len);

/* The RFC reason phrase of a SIP code, or NULL if the code is not registered. */
const dt_sip_rule_t *dt_rules_sip(const dt_rules_t *rules, unsigned code);

/* What goes before a documentation link from the rules to make it a URL:
 * "https://learn.microsoft.com/en-us" for a site-relative link ("/..."),
 * "" for an absolute one. */
const char *dt_doc_link_prefix(const char *link);

/* The action with this id, or NULL. */
const dt_action_t *dt_rules_action(const dt_rules_t *rules, const char *id);

/* The [skip] rule whose name globs match a file name (without directories),
 * case-insensitively, or NULL. */
const dt_skip_rule_t *dt_rules_skip_by_name(const dt_rules_t *rules, const char *name);

/* The origin rule that applies to Microsoft code ms in a file of the given
 * family: of the rules for that family and those for every family, the one
 * with the longest matching prefix, a family's own rule before a rule for
 * every family with the same prefix, "*" last. With DT_FAMILY_ANY (a file
 * whose family is not known) only the rules for every family count. NULL
 * when none applies (finished rules always have a "*" for every family). */
const dt_origin_rule_t *dt_rules_origin_for(const dt_rules_t *rules, dt_family_t family,
                                            uint64_t ms);

#define DT_CODE_KEY_MAX 32

/* Writes an entry's key as rules files write it, "560403/403" or "-/404"
 * (no Microsoft code), into buf (DT_CODE_KEY_MAX bytes) and returns buf. */
const char *dt_code_rule_key(const dt_code_rule_t *rule, char *buf);

/* The SIP code a Microsoft code names under its origin rule (rule may be
 * NULL): with sip-from-code, the last three digits of a code longer than
 * three digits, when they form a SIP code (560403 -> 403; 560000 names none).
 * Returns true and stores it in *sip, else false. */
bool dt_origin_sip_from_code(const dt_origin_rule_t *rule, uint64_t ms, unsigned *sip);

/* Writes a ready-to-paste rules section for a code drtriage has no entry for:
 * "[code MS/SIP]" (a missing code is written as 0, with a comment saying so),
 * a phrase line when phrase (len bytes, not NUL-terminated, may be NULL) has
 * any text, with control characters replaced (blanks by a space, others by
 * \xNN), the action line with action_id (NULL: "unknown") under a
 * "# choose an action: drtriage rules list" comment, and
 * "source = local: seen in call records". Loaded on top of the rules it was
 * made from, the stub makes the code known. Returns DT_OK, or DT_ERR_OUTPUT
 * when the stream reports an error. */
dt_status_t dt_rules_write_stub(FILE *out, uint64_t ms, bool has_ms, unsigned sip, bool has_sip,
                                const char *phrase, size_t len, const char *action_id);

/* The same stub as a malloc'd NUL-terminated string the caller frees, or
 * NULL when memory ran out. */
char *dt_rules_stub(uint64_t ms, bool has_ms, unsigned sip, bool has_sip, const char *phrase,
                    size_t len, const char *action_id);

#endif
