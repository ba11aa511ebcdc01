/* dt_regex.h - the one place PCRE2 patterns from rules files are compiled and
 * matched: phrase patterns ([code] pattern =) and header aliases ([header]).
 * Every pattern gets the same options: caseless, UTF, invalid UTF-8 in the
 * subject tolerated (an export's bytes are untrusted), and JIT compilation
 * where PCRE2 offers it.
 *
 * Rules files are untrusted too: a pattern may backtrack catastrophically
 * (`^(a|a)*$`). Every match is therefore bounded: at most DT_REGEX_STEPS of
 * PCRE2's match steps (its match limit) for one subject, and at most
 * DT_REGEX_HEAP_KIB of backtracking memory. PCRE2 counts steps afresh at each
 * start position, so a pattern that is not anchored gets DT_REGEX_STEPS
 * shared among the subject's start positions, and none at all (it gives up
 * at once) when that share is below DT_REGEX_MIN_STEPS: such a pattern is
 * not tried on a subject longer than DT_REGEX_STEPS / DT_REGEX_MIN_STEPS
 * bytes. A match that gives up is DT_REGEX_LIMIT: the caller treats it as
 * no match and says so (docs/rules.md). One match so costs at most a few
 * milliseconds. */
#ifndef DT_REGEX_H
#define DT_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include <pcre2.h>

#define DT_REGEX_STEPS 100000
#define DT_REGEX_MIN_STEPS 10
#define DT_REGEX_HEAP_KIB 1024

typedef enum {
    DT_REGEX_NO_MATCH = 0,
    DT_REGEX_MATCH,
    DT_REGEX_LIMIT, /* gave up: too many steps, too deep or too much memory */
    DT_REGEX_NOMEM, /* PCRE2 could not allocate its backtracking memory */
} dt_regex_result_t;

/* What one matching thread needs: match data, a match context with the
 * limits, and a JIT stack of its own. */
typedef struct dt_regex_scratch dt_regex_scratch_t;

/* Compiles a NUL-terminated pattern, JIT-compiled when PCRE2 can (a failed
 * JIT compilation leaves the interpreter, with the same results). Returns
 * the code (free with pcre2_code_free), or NULL with PCRE2's message and the
 * error's offset in the pattern written to why ("missing closing parenthesis
 * at offset 4"; why_len bytes, truncated); "out of memory" when PCRE2 could
 * not allocate. */
pcre2_code *dt_regex_compile(const char *pattern, char *why, size_t why_len);

/* True when the pattern compiles; writes why as dt_regex_compile does when
 * not. Compiles without JIT and frees the code: for checking rules. */
bool dt_regex_valid(const char *pattern, char *why, size_t why_len);

/* A scratch for dt_regex_match, or NULL when out of memory. One per thread;
 * free with dt_regex_scratch_free (NULL is accepted). */
dt_regex_scratch_t *dt_regex_scratch_new(void);
void dt_regex_scratch_free(dt_regex_scratch_t *scratch);

/* Matches a compiled pattern against subject (len bytes, not NUL-terminated)
 * within the limits above. */
dt_regex_result_t dt_regex_match(const pcre2_code *re, const char *subject, size_t len,
                                 dt_regex_scratch_t *scratch);

/* PCRE2's version ("10.42 2022-12-11") into buf (cap bytes). */
void dt_regex_library_version(char *buf, size_t cap);

#endif
