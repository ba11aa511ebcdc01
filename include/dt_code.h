/* dt_code.h - a call's codes (the final SIP code and Microsoft's response
 * code) and the one way users write them: `explain`, `--code`, `--rows code=`
 * and `--fail-if code:` all read codes through dt_code_parse. */
#ifndef DT_CODE_H
#define DT_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_SIP_MIN 100 /* the lowest SIP response code */
#define DT_SIP_MAX 999
#define DT_SIP_QUERY_MIN 100 /* a code alone is a SIP code from here ... */
#define DT_SIP_QUERY_MAX 699 /* ... to here, with three digits */

/* A call's codes as read from one row; as a pattern (dt_code_key_matches), a
 * code it lacks matches any value or none. */
typedef struct {
    bool has_sip, has_ms;
    unsigned sip;        /* valid when has_sip; may exceed 999 in hostile input */
    uint64_t ms;         /* valid when has_ms */
} dt_code_key_t;

/* True when a call's codes `have` fit `want`: a code that want has must be
 * present in have with the same value; a code want lacks matches anything. */
bool dt_code_key_matches(const dt_code_key_t *want, const dt_code_key_t *have);

/* How users write codes, for messages. */
#define DT_CODE_SYNTAX                                                                       \
    "a SIP code (403: three digits from 100 to 699), a Microsoft code (560403, 510532), "   \
    "a pair MS/SIP (510532/403) or * for either part of a pair (*/503, 560403/*)"

/* Reads len bytes of text as a code pattern: three digits from 100 to 699 are
 * a SIP code (has_sip only), any other digits a Microsoft code (has_ms only,
 * at most 10^18), MS/SIP a pair, where a part written '*' means any value
 * or none ('*'/503: SIP 503 whatever the Microsoft code). Nothing else is
 * accepted: no blanks, signs or decimal points, and not a pair of two '*'
 * (it would match every code). Returns true and fills *out; returns
 * false (out unspecified) and, if why is not NULL, points *why at a static
 * reason. */
bool dt_code_parse(const char *text, size_t len, dt_code_key_t *out, const char **why);

#define DT_CODE_TEXT_MAX 48

/* Writes a pattern the way dt_code_parse reads it back ("403", "560403",
 * "510532/403"; '*'/SIP for a SIP code outside 100-699 and MS/'*' for a
 * Microsoft code that looks like a SIP code) into buf (DT_CODE_TEXT_MAX
 * bytes); "*" when the key has no code. Returns buf. */
const char *dt_code_format(const dt_code_key_t *key, char buf[DT_CODE_TEXT_MAX]);

#endif
