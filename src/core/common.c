/* common.c - errors, names of the shared enums and how close two names are. */
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

size_t dt_name_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t row[DT_NAME_DISTANCE_MAX + 1];
    if (alen > DT_NAME_DISTANCE_MAX)
        alen = DT_NAME_DISTANCE_MAX;
    if (blen > DT_NAME_DISTANCE_MAX)
        blen = DT_NAME_DISTANCE_MAX;
    for (size_t j = 0; j <= blen; j++)
        row[j] = j;
    for (size_t i = 1; i <= alen; i++) {
        size_t diagonal = row[0]; /* the previous row's value at j - 1 */
        row[0] = i;
        for (size_t j = 1; j <= blen; j++) {
            size_t above = row[j];
            bool same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diagonal + !same;
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[blen];
}

static bool contains_name(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++)
        if (strncasecmp(hay + i, needle, nlen) == 0)
            return true;
    return false;
}

/* Ranks past every containing candidate: DT_NAME_DISTANCE_MAX bounds how
 * much longer one can be. */
#define NOT_CONTAINED (DT_NAME_DISTANCE_MAX + 1)

size_t dt_name_rank(const char *text, size_t len, const char *name, size_t nlen)
{
    if (len && contains_name(name, nlen, text, len))
        return nlen - len < DT_NAME_DISTANCE_MAX ? nlen - len : DT_NAME_DISTANCE_MAX;
    return NOT_CONTAINED + dt_name_distance(text, len, name, nlen);
}

void dt_name_closest_init(dt_name_closest_t *closest, const char *text, size_t len)
{
    *closest = (dt_name_closest_t){.text = text, .len = len};
}

void dt_name_closest_add(dt_name_closest_t *closest, const char *name, size_t len)
{
    size_t rank = dt_name_rank(closest->text, closest->len, name, len);
    if (!closest->best || rank < closest->rank) {
        closest->best = name;
        closest->best_len = len;
        closest->rank = rank;
    }
}

const char *dt_name_closest_likely(const dt_name_closest_t *closest)
{
    if (!closest->best)
        return NULL;
    if (closest->rank < NOT_CONTAINED)
        return closest->len >= 3 ? closest->best : NULL;
    size_t distance = closest->rank - NOT_CONTAINED;
    size_t longer = closest->len > closest->best_len ? closest->len : closest->best_len;
    return distance < longer && 3 * distance <= longer ? closest->best : NULL;
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
