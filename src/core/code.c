/* code.c - a call's codes and the patterns users write for them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dt_code.h"
#include "dt_num.h"

#define ANY '*'

bool dt_code_key_matches(const dt_code_key_t *want, const dt_code_key_t *have)
{
    if (want->has_ms && (!have->has_ms || have->ms != want->ms))
        return false;
    return !want->has_sip || (have->has_sip && have->sip == want->sip);
}

static bool fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return false;
}

static bool looks_like_sip(uint64_t value, size_t digits)
{
    return digits == 3 && value >= DT_SIP_QUERY_MIN && value <= DT_SIP_QUERY_MAX;
}

/* One part of a pair: digits up to max, or '*' (absent). */
static bool read_part(const char *text, size_t len, uint64_t max, uint64_t *value, bool *has)
{
    *has = !(len == 1 && text[0] == ANY);
    return !*has || dt_parse_uint(text, len, max, value);
}

bool dt_code_parse(const char *text, size_t len, dt_code_key_t *out, const char **why)
{
    memset(out, 0, sizeof *out);
    const char *slash = memchr(text, '/', len);
    if (!slash) {
        uint64_t value;
        if (!dt_parse_uint(text, len, DT_CODE_MAX, &value))
            return fail(why, len ? "not a code" : "empty");
        if (looks_like_sip(value, len)) {
            out->has_sip = true;
            out->sip = (unsigned)value;
        } else {
            out->has_ms = true;
            out->ms = value;
        }
        return true;
    }
    size_t ms_len = (size_t)(slash - text), sip_len = len - ms_len - 1;
    uint64_t sip = 0;
    if (!read_part(text, ms_len, DT_CODE_MAX, &out->ms, &out->has_ms))
        return fail(why, "the Microsoft code before '/' is not digits or *");
    if (!read_part(slash + 1, sip_len, DT_SIP_MAX, &sip, &out->has_sip))
        return fail(why, "the SIP code after '/' is not a number from 0 to 999 or *");
    if (!out->has_ms && !out->has_sip)
        return fail(why, "*/* would match every code");
    out->sip = (unsigned)sip;
    return true;
}

const char *dt_code_format(const dt_code_key_t *key, char buf[DT_CODE_TEXT_MAX])
{
    char ms[24];
    snprintf(ms, sizeof ms, "%" PRIu64, key->ms);
    bool ms_as_sip = key->has_ms && looks_like_sip(key->ms, strlen(ms));
    if (key->has_ms && key->has_sip)
        snprintf(buf, DT_CODE_TEXT_MAX, "%s/%u", ms, key->sip);
    else if (key->has_ms)
        snprintf(buf, DT_CODE_TEXT_MAX, "%s%s", ms, ms_as_sip ? "/*" : "");
    else if (key->has_sip)
        snprintf(buf, DT_CODE_TEXT_MAX, "%s%u", looks_like_sip(key->sip, 3) ? "" : "*/",
                 key->sip);
    else
        snprintf(buf, DT_CODE_TEXT_MAX, "*");
    return buf;
}
