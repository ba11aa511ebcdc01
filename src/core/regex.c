/* regex.c - PCRE2 with the options every rules pattern shares. */
#include <stdio.h>

#include "dt_regex.h"

#define REGEX_OPTIONS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

pcre2_code *dt_regex_compile(const char *pattern, char *why, size_t why_len)
{
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, REGEX_OPTIONS,
                                   &code, &offset, NULL);
    if (!re && why && why_len) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(why, why_len, "%s at offset %zu", (const char *)msg, (size_t)offset);
    }
    return re;
}

bool dt_regex_match(const pcre2_code *re, const char *subject, size_t len,
                    pcre2_match_data *md)
{
    return pcre2_match(re, (PCRE2_SPTR)subject, len, 0, 0, md, NULL) >= 0;
}
