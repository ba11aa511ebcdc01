/* common.c - errors, names of the shared enums, and the code-number reader. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dt_common.h"

dt_status_t dt_fail(dt_error_t *err, dt_status_t status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

static const char *const origin_names[DT_ORIGIN_COUNT] = {"sbc", "microsoft", "unknown"};
static const char *const family_names[DT_FAMILY_COUNT] = {"tac", "graph", "cqd", "acs", "any"};

bool dt_name_lookup(const char *text, const char *const *names, size_t n, int *out)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(text, names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    return false;
}

const char *dt_origin_name(dt_origin_t origin)
{
    return origin < DT_ORIGIN_COUNT ? origin_names[origin] : "unknown";
}

bool dt_origin_parse(const char *text, dt_origin_t *out)
{
    int i;
    if (!dt_name_lookup(text, origin_names, DT_ORIGIN_COUNT, &i))
        return false;
    *out = (dt_origin_t)i;
    return true;
}

const char *dt_family_name(dt_family_t family)
{
    return family < DT_FAMILY_COUNT ? family_names[family] : "any";
}

bool dt_family_parse(const char *text, dt_family_t *out)
{
    int i;
    if (!dt_name_lookup(text, family_names, DT_FAMILY_COUNT, &i))
        return false;
    *out = (dt_family_t)i;
    return true;
}

static bool is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

bool dt_is_blank(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_blank_char(text[i]))
            return false;
    return true;
}

#define CODE_MAX 1000000000000000000ULL /* 10^18 */

static bool fail_code(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return false;
}

/* Appends one decimal digit to *value, refusing values above CODE_MAX. */
static bool push_digit(uint64_t *value, char digit)
{
    unsigned d = (unsigned)(digit - '0');
    if (*value > (CODE_MAX - d) / 10)
        return false;
    *value = *value * 10 + d;
    return true;
}

bool dt_parse_code(const char *text, size_t len, uint64_t *out, const char **why)
{
    while (len > 0 && is_blank_char(text[0]))
        text++, len--;
    while (len > 0 && is_blank_char(text[len - 1]))
        len--;
    if (len == 0)
        return fail_code(why, "is empty");
    if (len <= 18) { /* the usual case: plain digits, no overflow possible */
        uint64_t value = 0;
        size_t i = 0;
        while (i < len && text[i] >= '0' && text[i] <= '9')
            value = value * 10 + (uint64_t)(text[i++] - '0');
        if (i == len) {
            *out = value;
            return true;
        }
    }
    if (text[0] == '-')
        return fail_code(why, "is negative");

    /* digits [. digits] [e [+|-] digits], as Excel writes whole numbers */
    size_t i = 0;
    const char *mantissa = text;
    size_t int_digits = 0, frac_digits = 0;
    while (i < len && isdigit((unsigned char)text[i]))
        i++, int_digits++;
    const char *frac = text + i + 1;
    if (i < len && text[i] == '.') {
        i++;
        while (i < len && isdigit((unsigned char)text[i]))
            i++, frac_digits++;
    }
    if (int_digits + frac_digits == 0)
        return fail_code(why, "is not a number");
    long exponent = 0;
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        bool negative = false;
        if (i < len && (text[i] == '+' || text[i] == '-'))
            negative = text[i++] == '-';
        size_t exp_digits = 0;
        while (i < len && isdigit((unsigned char)text[i]) && exp_digits < 4)
            exponent = exponent * 10 + (text[i++] - '0'), exp_digits++;
        if (exp_digits == 0)
            return fail_code(why, "is not a number");
        if (negative)
            exponent = -exponent;
    }
    if (i < len) {
        for (size_t j = i; j < len; j++)
            if (is_blank_char(text[j]))
                return fail_code(why, "contains blanks");
        return fail_code(why, "is not a whole number");
    }

    /* value = (int_digits . frac_digits) * 10^exponent, which must be whole */
    long shift = exponent - (long)frac_digits; /* power of ten applied to all digits */
    uint64_t value = 0;
    size_t ndigits = int_digits + frac_digits;
    size_t keep = ndigits;
    if (shift < 0) {
        if ((size_t)-shift > ndigits)
            keep = 0;
        else
            keep = ndigits - (size_t)-shift;
    }
    for (size_t d = 0; d < ndigits; d++) {
        char c = d < int_digits ? mantissa[d] : frac[d - int_digits];
        if (d >= keep) {
            if (c != '0')
                return fail_code(why, "is not a whole number");
            continue;
        }
        if (!push_digit(&value, c))
            return fail_code(why, "is out of range");
    }
    for (long s = 0; s < shift; s++)
        if (value != 0 && !push_digit(&value, '0'))
            return fail_code(why, "is out of range");
    *out = value;
    return true;
}
