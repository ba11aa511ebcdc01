/* regex.c - PCRE2 with the options and limits every rules pattern shares. */
#include <stdio.h>
#include <stdlib.h>

#include "dt_regex.h"

#define REGEX_OPTIONS (PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

/* PCRE2's JIT runs on a stack of this size: the 32 KiB it takes from the
 * machine stack when none is given, so that limits stay as they were. */
#define JIT_STACK_BYTES (32 * 1024)

struct dt_regex_scratch {
    pcre2_match_data *md;
    pcre2_match_context *mc;
    pcre2_jit_stack *jit;
};

static pcre2_code *compile(const char *pattern, char *why, size_t why_len)
{
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, REGEX_OPTIONS,
                                   &code, &offset, NULL);
    if (!re && why && why_len) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        if (code == PCRE2_ERROR_HEAPLIMIT || code == PCRE2_ERROR_NOMEMORY)
            snprintf(why, why_len, "out of memory");
        else
            snprintf(why, why_len, "%s at offset %zu", (const char *)msg, (size_t)offset);
    }
    return re;
}

pcre2_code *dt_regex_compile(const char *pattern, char *why, size_t why_len)
{
    pcre2_code *re = compile(pattern, why, why_len);
    if (re)
        (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* else the interpreter */
    return re;
}

bool dt_regex_valid(const char *pattern, char *why, size_t why_len)
{
    pcre2_code *re = compile(pattern, why, why_len);
    pcre2_code_free(re);
    return re != NULL;
}

dt_regex_scratch_t *dt_regex_scratch_new(void)
{
    dt_regex_scratch_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->md = pcre2_match_data_create(1, NULL);
    s->mc = pcre2_match_context_create(NULL);
    s->jit = pcre2_jit_stack_create(JIT_STACK_BYTES, JIT_STACK_BYTES, NULL);
    if (!s->md || !s->mc) {
        dt_regex_scratch_free(s);
        return NULL;
    }
    if (s->jit) /* NULL without JIT support: the interpreter ignores it */
        pcre2_jit_stack_assign(s->mc, NULL, s->jit);
    pcre2_set_heap_limit(s->mc, DT_REGEX_HEAP_KIB);
    return s;
}

void dt_regex_scratch_free(dt_regex_scratch_t *scratch)
{
    if (!scratch)
        return;
    pcre2_match_data_free(scratch->md);
    pcre2_match_context_free(scratch->mc);
    pcre2_jit_stack_free(scratch->jit);
    free(scratch);
}

dt_regex_result_t dt_regex_match(const pcre2_code *re, const char *subject, size_t len,
                                 dt_regex_scratch_t *scratch)
{
    uint32_t options = 0;
    pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &options);
    /* PCRE2 counts its match limit afresh at each start position. */
    size_t positions = (options & PCRE2_ANCHORED) ? 1 : len + 1;
    size_t steps = DT_REGEX_STEPS / (positions < DT_REGEX_STEPS ? positions : DT_REGEX_STEPS);
    if (steps < DT_REGEX_MIN_STEPS)
        return DT_REGEX_LIMIT;
    pcre2_set_match_limit(scratch->mc, (uint32_t)steps);
    pcre2_set_depth_limit(scratch->mc, (uint32_t)steps);
    int rc = pcre2_match(re, (PCRE2_SPTR)subject, len, 0, 0, scratch->md, scratch->mc);
    if (rc >= 0)
        return DT_REGEX_MATCH;
    switch (rc) {
    case PCRE2_ERROR_NOMATCH:
        return DT_REGEX_NO_MATCH;
    case PCRE2_ERROR_NOMEMORY:
        return DT_REGEX_NOMEM;
    default: /* match, depth, heap or JIT stack limit */
        return DT_REGEX_LIMIT;
    }
}

void dt_regex_library_version(char *buf, size_t cap)
{
    char version[64];
    if (pcre2_config(PCRE2_CONFIG_VERSION, version) < 0)
        snprintf(version, sizeof version, "%d.%02d", PCRE2_MAJOR, PCRE2_MINOR);
    snprintf(buf, cap, "%s", version);
}
