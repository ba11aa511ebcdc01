/* common.c - errors, names of the shared enums, and the code-number reader. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dt_common.h"
#include "dt_embedded.h"

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

const dt_embedded_file_t *dt_embedded_find(const dt_embedded_file_t *table, const char *name)
{
    for (const dt_embedded_file_t *f = table; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}
