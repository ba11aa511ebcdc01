/* schema.c - finds the columns drtriage needs by header name. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dt_regex.h"
#include "dt_schema.h"

/* Time-zone markers exports append to the names of time columns, as they
 * read once normalised. */
static const char *const zone_suffixes[] = {"[utc]", "(utc)"};

#define ZONE_SUFFIX_LEN 5
#define NORMAL_MAX 256  /* normalised header names are kept this long */

size_t dt_schema_normalise(const char *name, size_t len, char *out, size_t cap)
{
    if (len >= 3 && memcmp(name, "\xEF\xBB\xBF", 3) == 0)
        name += 3, len -= 3;
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isspace(c))
            out[n++] = (char)tolower(c);
    }
    for (size_t i = 0; n > ZONE_SUFFIX_LEN && i < sizeof zone_suffixes / sizeof *zone_suffixes;
         i++)
        if (memcmp(out + n - ZONE_SUFFIX_LEN, zone_suffixes[i], ZONE_SUFFIX_LEN) == 0)
            n -= ZONE_SUFFIX_LEN;
    if (cap)
        out[n] = '\0';
    return n;
}

#define QUOTED_MAX 40 /* bytes of one header name a message quotes */

#define MORE ", ..."

/* Lists the header names headers[order[0..n)], for messages; a list that
 * does not fit in cap ends with MORE. */
static void list_headers(const dt_slice_t *headers, const size_t *order, size_t n, char *out,
                         size_t cap)
{
    size_t used = 0, room = cap > sizeof MORE ? cap - sizeof MORE : 0;
    out[0] = '\0';
    if (n == 0)
        snprintf(out, cap, "(none)");
    for (size_t i = 0; i < n; i++) {
        const dt_slice_t *h = &headers[order ? order[i] : i];
        int w = snprintf(out + used, cap - used, "%s'%.*s'", i ? ", " : "",
                         (int)(h->len > QUOTED_MAX ? QUOTED_MAX : h->len), h->ptr);
        if (w < 0 || used + (size_t)w > room) {
            snprintf(out + used, cap - used, "%s...", i ? ", " : "");
            return;
        }
        used += (size_t)w;
    }
}

/* Lists the header names found, for the "no code columns" message. */
static void describe_headers(const dt_slice_t *headers, size_t n, char *out, size_t cap)
{
    list_headers(headers, NULL, n, out, cap);
}

size_t dt_schema_find(const dt_slice_t *headers, size_t nheaders, const char *name)
{
    char want[256], have[256];
    dt_schema_normalise(name, strlen(name), want, sizeof want);
    for (size_t c = 0; c < nheaders; c++) {
        dt_schema_normalise(headers[c].ptr, headers[c].len, have, sizeof have);
        if (strcmp(want, have) == 0)
            return c;
    }
    return DT_NO_COLUMN;
}

typedef struct {
    size_t column, rank;
} ranked_t;

static int compare_ranked(const void *a, const void *b)
{
    const ranked_t *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return (x->column > y->column) - (x->column < y->column);
}

void dt_schema_suggest(const dt_slice_t *headers, size_t nheaders, const char *name, char *out,
                       size_t cap)
{
    size_t n = nheaders < DT_SCHEMA_SUGGEST_MAX ? nheaders : DT_SCHEMA_SUGGEST_MAX;
    ranked_t *ranked = malloc((n ? n : 1) * sizeof *ranked);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!ranked || !order) { /* no room to rank: in header order */
        free(ranked);
        free(order);
        describe_headers(headers, nheaders, out, cap);
        return;
    }
    char want[256], have[256];
    size_t want_len = dt_schema_normalise(name, strlen(name), want, sizeof want);
    for (size_t c = 0; c < n; c++) {
        size_t len = dt_schema_normalise(headers[c].ptr, headers[c].len, have, sizeof have);
        ranked[c] = (ranked_t){c, dt_name_rank(want, want_len, have, len)};
    }
    qsort(ranked, n, sizeof *ranked, compare_ranked);
    for (size_t c = 0; c < n; c++)
        order[c] = ranked[c].column;
    list_headers(headers, order, n, out, cap);
    free(ranked);
    free(order);
}

/* An alias that gave up on a header name does not match it; the first time
 * is noted. */
static void note_limit(dt_schema_t *schema, const dt_header_rule_t *alias, const char *header)
{
    if (schema->limit_note[0])
        return;
    snprintf(schema->limit_note, sizeof schema->limit_note,
             "%s:%u: header pattern '%.60s' gave up on header '%.60s' after PCRE2's match "
             "limit and was taken as not matching it",
             alias->at.file, alias->at.line, alias->pattern, header);
}

/* Finds each field's column through the aliases in rules order; the first
 * column a field's aliases match wins. Records which family found it. */
static dt_status_t apply_aliases(dt_schema_t *schema, const dt_rules_t *rules, size_t n,
                                 char (*normal)[NORMAL_MAX],
                                 dt_family_t family_of[DT_FIELD_COUNT], dt_error_t *err)
{
    dt_regex_scratch_t *md = dt_regex_scratch_new();
    if (!md)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    dt_status_t st = DT_OK;
    for (size_t r = 0; st == DT_OK && r < rules->nheaders; r++) {
        const dt_header_rule_t *alias = &rules->headers[r];
        if (schema->column[alias->field] != DT_NO_COLUMN)
            continue;
        char why[320];
        pcre2_code *re = dt_regex_compile(alias->pattern, why, sizeof why);
        if (!re) {
            st = dt_fail(err, DT_ERR_INPUT, "%s:%u: header pattern '%s': %s", alias->at.file,
                         alias->at.line, alias->pattern, why);
            break;
        }
        for (size_t c = 0; c < n; c++) {
            dt_regex_result_t hit = dt_regex_match(re, normal[c], strlen(normal[c]), md);
            if (hit == DT_REGEX_LIMIT)
                note_limit(schema, alias, normal[c]);
            if (hit == DT_REGEX_NOMEM)
                st = dt_fail(err, DT_ERR_NOMEM, "out of memory matching header patterns");
            if (hit == DT_REGEX_MATCH) {
                schema->column[alias->field] = c;
                family_of[alias->field] = alias->family;
            }
            if (hit == DT_REGEX_MATCH || hit == DT_REGEX_NOMEM)
                break;
        }
        pcre2_code_free(re);
    }
    dt_regex_scratch_free(md);
    return st;
}

static dt_status_t apply_overrides(dt_schema_t *schema, const dt_schema_overrides_t *overrides,
                                   const char *path, const dt_slice_t *headers, size_t n,
                                   dt_error_t *err)
{
    for (size_t f = 0; overrides && f < DT_FIELD_COUNT; f++) {
        const char *want = overrides->column[f];
        if (!want)
            continue;
        schema->column[f] = dt_schema_find(headers, n, want);
        if (schema->column[f] == DT_NO_COLUMN) {
            char found[DT_ERROR_MAX / 2];
            dt_schema_suggest(headers, n, want, found, sizeof found);
            return dt_fail(err, DT_ERR_INPUT,
                           "%s:1: --%s-column '%s': no such column; the headers, closest first: %s",
                           path, dt_field_name((dt_field_t)f), want, found);
        }
    }
    return DT_OK;
}

/* Two fields read from one column would silently lose one of them. */
static dt_status_t check_distinct(const dt_schema_t *schema, const char *path,
                                  const dt_slice_t *headers, dt_error_t *err)
{
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        for (size_t g = f + 1; g < DT_FIELD_COUNT; g++) {
            size_t c = schema->column[f];
            if (c == DT_NO_COLUMN || c != schema->column[g])
                continue;
            return dt_fail(err, DT_ERR_INPUT,
                           "%s:1: fields '%s' and '%s' both map to column %zu ('%.*s'); give "
                           "each its own column (--%s-column, --%s-column or the [header] "
                           "aliases)",
                           path, dt_field_name((dt_field_t)f), dt_field_name((dt_field_t)g),
                           c + 1, (int)(headers[c].len > 60 ? 60 : headers[c].len),
                           headers[c].ptr, dt_field_name((dt_field_t)f),
                           dt_field_name((dt_field_t)g));
        }
    return DT_OK;
}

static void note_duplicates(dt_schema_t *schema, const dt_slice_t *headers, size_t n,
                            char (*normal)[NORMAL_MAX])
{
    for (size_t f = 0; f < DT_FIELD_COUNT; f++) {
        size_t c = schema->column[f];
        if (c == DT_NO_COLUMN)
            continue;
        for (size_t d = c + 1; d < n; d++)
            if (strcmp(normal[c], normal[d]) == 0) {
                snprintf(schema->duplicate_note, sizeof schema->duplicate_note,
                         "header '%.*s' appears in columns %zu and %zu; column %zu is used",
                         (int)(headers[c].len > 60 ? 60 : headers[c].len), headers[c].ptr, c + 1,
                         d + 1, c + 1);
                return;
            }
    }
}

/* Whether --sip-column or --ms-column names a column of this header. */
static bool override_names_code(const dt_schema_overrides_t *overrides, const dt_slice_t *headers,
                                size_t n)
{
    const dt_field_t codes[] = {DT_FIELD_SIP, DT_FIELD_MS};
    for (size_t i = 0; overrides && i < sizeof codes / sizeof codes[0]; i++) {
        const char *want = overrides->column[codes[i]];
        if (want && dt_schema_find(headers, n, want) != DT_NO_COLUMN)
            return true;
    }
    return false;
}

/* Whether every pattern of the signature matches one of the n headers (a
 * pattern that gives up matches none). */
static dt_status_t signature_matches(const dt_skip_rule_t *rule, const dt_skip_signature_t *sig,
                                     char (*normal)[256], size_t n, dt_regex_scratch_t *md,
                                     bool *matches, dt_error_t *err)
{
    *matches = true;
    for (size_t p = 0; *matches && p < sig->npatterns; p++) {
        char why[320];
        pcre2_code *re = dt_regex_compile(sig->patterns[p], why, sizeof why);
        if (!re)
            return dt_fail(err, DT_ERR_INPUT, "%s:%u: header pattern '%s': %s", rule->at.file,
                           sig->line, sig->patterns[p], why);
        dt_regex_result_t hit = DT_REGEX_NO_MATCH;
        for (size_t c = 0; c < n && hit != DT_REGEX_MATCH && hit != DT_REGEX_NOMEM; c++)
            hit = dt_regex_match(re, normal[c], strlen(normal[c]), md);
        pcre2_code_free(re);
        if (hit == DT_REGEX_NOMEM)
            return dt_fail(err, DT_ERR_NOMEM, "out of memory matching header patterns");
        *matches = hit == DT_REGEX_MATCH;
    }
    return DT_OK;
}

/* The [skip] rule one of whose header signatures the header matches, or NULL. */
static dt_status_t find_skip(const dt_rules_t *rules, char (*normal)[256], size_t n,
                             const dt_skip_rule_t **out, dt_error_t *err)
{
    *out = NULL;
    dt_regex_scratch_t *md = dt_regex_scratch_new();
    if (!md)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    dt_status_t st = DT_OK;
    for (size_t r = 0; st == DT_OK && !*out && r < rules->nskips; r++)
        for (size_t s = 0; st == DT_OK && !*out && s < rules->skips[r].nsignatures; s++) {
            bool matches;
            st = signature_matches(&rules->skips[r], &rules->skips[r].signatures[s], normal, n,
                                   md, &matches, err);
            if (st == DT_OK && matches)
                *out = &rules->skips[r];
        }
    dt_regex_scratch_free(md);
    return st;
}

dt_status_t dt_schema_build(dt_schema_t *schema, const dt_rules_t *rules,
                            const dt_schema_overrides_t *overrides, const char *path,
                            const dt_slice_t *headers, size_t nheaders, dt_error_t *err)
{
    memset(schema, 0, sizeof *schema);
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        schema->column[f] = DT_NO_COLUMN;
    schema->ncolumns = nheaders;
    schema->family = DT_FAMILY_ANY;

    char (*normal)[NORMAL_MAX] = calloc(nheaders ? nheaders : 1, sizeof *normal);
    if (!normal)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory reading the header of %s", path);
    for (size_t c = 0; c < nheaders; c++)
        dt_schema_normalise(headers[c].ptr, headers[c].len, normal[c], sizeof normal[c]);

    dt_family_t family_of[DT_FIELD_COUNT];
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        family_of[f] = DT_FAMILY_ANY;
    dt_status_t st = apply_aliases(schema, rules, nheaders, normal, family_of, err);
    bool alias_codes = schema->column[DT_FIELD_SIP] != DT_NO_COLUMN ||
                       schema->column[DT_FIELD_MS] != DT_NO_COLUMN;
    if (st == DT_OK && !alias_codes && !override_names_code(overrides, headers, nheaders)) {
        schema->no_code_columns = true;
        st = find_skip(rules, normal, nheaders, &schema->skip, err);
    }
    if (st == DT_OK)
        st = apply_overrides(schema, overrides, path, headers, nheaders, err);
    if (st == DT_OK)
        st = check_distinct(schema, path, headers, err);
    if (st == DT_OK && schema->column[DT_FIELD_SIP] == DT_NO_COLUMN &&
        schema->column[DT_FIELD_MS] == DT_NO_COLUMN) {
        char found[DT_ERROR_MAX / 2];
        describe_headers(headers, nheaders, found, sizeof found);
        st = dt_fail(err, DT_ERR_INPUT,
                     "%s:1: no SIP code or Microsoft code column found (use --sip-column and "
                     "--ms-column to name them); headers found: %s",
                     path, found);
    }
    if (st == DT_OK) {
        schema->family = family_of[DT_FIELD_MS] != DT_FAMILY_ANY ? family_of[DT_FIELD_MS]
                                                                 : family_of[DT_FIELD_SIP];
        note_duplicates(schema, headers, nheaders, normal);
    }
    free(normal);
    return st;
}

/* ---- what the time series needs but the header lacks ---- */

bool dt_schema_start_note(const dt_schema_t *schema, const dt_slice_t *headers, size_t nheaders,
                          char *out, size_t cap)
{
    if (schema->column[DT_FIELD_START] != DT_NO_COLUMN ||
        schema->column[DT_FIELD_INVITE] != DT_NO_COLUMN)
        return false;
    char found[DT_SCHEMA_NOTE_MAX / 2];
    dt_schema_suggest(headers, nheaders, dt_field_name(DT_FIELD_START), found, sizeof found);
    snprintf(out, cap,
             "no start time column, which --by needs: its calls are left out of the time series "
             "(--start-column NAME names one); the headers, closest first: %s",
             found);
    return true;
}
