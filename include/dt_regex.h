/* dt_regex.h - the one place PCRE2 patterns from rules files are compiled and
 * matched: phrase patterns ([code] pattern =) and header aliases ([header]).
 * Every pattern gets the same options: caseless, UTF, invalid UTF-8 in the
 * subject tolerated (an export's bytes are untrusted). */
#ifndef DT_REGEX_H
#define DT_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include <pcre2.h>

/* Compiles a NUL-terminated pattern. Returns the code (free with
 * pcre2_code_free), or NULL with PCRE2's message and the error's offset in
 * the pattern written to why ("missing closing parenthesis at offset 4";
 * why_len bytes, truncated). */
pcre2_code *dt_regex_compile(const char *pattern, char *why, size_t why_len);

/* True when the compiled pattern matches subject (len bytes, not
 * NUL-terminated). md is match data the caller owns (one per thread), made by
 * pcre2_match_data_create(1, NULL). */
bool dt_regex_match(const pcre2_code *re, const char *subject, size_t len,
                    pcre2_match_data *md);

#endif
