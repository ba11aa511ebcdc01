/* num.c - reading code cells and option values, formatting numbers. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dt_common.h"
#include "dt_num.h"

static bool is_blank_char(char c)
{
    return dt_is_blank(&c, 1);
}


static bool fail_code(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return false;
}

/* Appends one decimal digit to *value, refusing values above DT_CODE_MAX. */
static bool push_digit(uint64_t *value, char digit)
{
    unsigned d = (unsigned)(digit - '0');
    if (*value > (DT_CODE_MAX - d) / 10)
        return false;
    *value = *value * 10 + d;
    return true;
}

/* dt_parse_code, with `point` (and '.') as the decimal mark. */
static bool parse_code(const char *text, size_t len, char point, uint64_t *out, const char **why)
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
    if (i < len && (text[i] == '.' || text[i] == point)) {
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

bool dt_parse_code(const char *text, size_t len, uint64_t *out, const char **why)
{
    return parse_code(text, len, '.', out, why);
}

bool dt_parse_code_comma(const char *text, size_t len, uint64_t *out, const char **why)
{
    return parse_code(text, len, ',', out, why);
}

bool dt_parse_uint(const char *text, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        unsigned d = (unsigned)(text[i] - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

#define EXPONENT_MAX 400 /* beyond this a double is 0 or infinite anyway */

/* Reads digits from text[*i], adding them to *value; returns how many. */
static size_t read_number_digits(const char *text, size_t len, size_t *i, double *value,
                                 double *scale)
{
    size_t n = 0;
    for (; *i < len && isdigit((unsigned char)text[*i]); (*i)++, n++) {
        if (scale) { /* fraction digits */
            *scale /= 10.0;
            *value += (text[*i] - '0') * *scale;
        } else {
            *value = *value * 10.0 + (text[*i] - '0');
        }
    }
    return n;
}

bool dt_parse_number(const char *text, size_t len, double *out)
{
    while (len > 0 && is_blank_char(text[0]))
        text++, len--;
    while (len > 0 && is_blank_char(text[len - 1]))
        len--;
    size_t i = 0;
    bool negative = i < len && text[i] == '-';
    if (i < len && (text[i] == '-' || text[i] == '+'))
        i++;
    double value = 0.0, scale = 1.0;
    size_t digits = read_number_digits(text, len, &i, &value, NULL);
    if (i < len && text[i] == '.') {
        i++;
        digits += read_number_digits(text, len, &i, &value, &scale);
    }
    if (digits == 0)
        return false;
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        bool down = i < len && text[i] == '-';
        if (i < len && (text[i] == '-' || text[i] == '+'))
            i++;
        double exponent = 0.0;
        if (read_number_digits(text, len, &i, &exponent, NULL) == 0)
            return false;
        for (int e = 0; e < exponent && e < EXPONENT_MAX; e++)
            value = down ? value / 10.0 : value * 10.0;
    }
    if (i != len)
        return false;
    *out = negative ? -value : value;
    return true;
}

const char *dt_format_fixed(char *buf, double value, unsigned decimals)
{
    static const uint64_t scale[] = {1, 10, 100, 1000, 10000};
    if (decimals > 4)
        decimals = 4;
    if (!(value >= 0.0) || value >= 1e14) {
        snprintf(buf, DT_NUMBER_MAX, "%.0f", value); /* no decimal point: locale-safe */
        return buf;
    }
    uint64_t units = (uint64_t)(value * (double)scale[decimals] + 0.5);
    if (decimals == 0)
        snprintf(buf, DT_NUMBER_MAX, "%" PRIu64, units);
    else
        snprintf(buf, DT_NUMBER_MAX, "%" PRIu64 ".%0*" PRIu64, units / scale[decimals],
                 (int)decimals, units % scale[decimals]);
    return buf;
}

const char *dt_format_trimmed(char *buf, double value)
{
    dt_format_fixed(buf, value, 4);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot && (end[-1] == '0' || end[-1] == '.'))
            *--end = '\0';
    }
    return buf;
}

double dt_percent(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : -1.0;
}

const char *dt_format_duration(char *buf, double seconds)
{
    uint64_t s = (uint64_t)(seconds + 0.5);
    if (seconds < 0)
        snprintf(buf, DT_NUMBER_MAX, "-");
    else if (s < 60)
        snprintf(buf, DT_NUMBER_MAX, "%" PRIu64 "s", s);
    else if (s < 3600)
        snprintf(buf, DT_NUMBER_MAX, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
    else
        snprintf(buf, DT_NUMBER_MAX, "%" PRIu64 "h%s", s / 3600, s >= 86400 ? "+" : "");
    return buf;
}

const char *dt_format_share(char *buf, uint64_t part, uint64_t whole, unsigned decimals)
{
    double p = dt_percent(part, whole);
    dt_format_fixed(buf, p < 0 ? 0.0 : p, decimals);
    strcat(buf, "%");
    return buf;
}
