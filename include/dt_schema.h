/* dt_schema.h - maps an export's header row to the fields drtriage reads,
 * using the header aliases from the rules (PCRE2 over the normalised header:
 * lowercased, whitespace removed) and the user's --FIELD-column overrides. */
#ifndef DT_SCHEMA_H
#define DT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "dt_common.h"
#include "dt_rules.h"

#define DT_NO_COLUMN ((size_t)-1)

typedef struct {
    size_t column[DT_FIELD_COUNT]; /* header position of each field, or DT_NO_COLUMN */
    size_t ncolumns;               /* fields in the header row */
    dt_family_t family;            /* decided by the alias that found the ms (else sip) column */
    char duplicate_note[256];      /* "" or a note about a header name given twice */
    char limit_note[256];          /* "" or a note about a header pattern that gave up */
    /* Set when the build fails for a header without a code column (none
     * found by the aliases, none named by --sip-column/--ms-column): */
    bool no_code_columns;
    const dt_skip_rule_t *skip;    /* ... and the [skip] rule the header matches, or NULL */
} dt_schema_t;

/* User overrides: column header names for fields (NULL = use the aliases). */
typedef struct {
    const char *column[DT_FIELD_COUNT];
} dt_schema_overrides_t;

/* Writes the normalised form of a header name into out (NUL-terminated,
 * truncated to cap) and returns its length: a leading UTF-8 BOM and all
 * whitespace removed, lowercased, and a final time-zone marker "[UTC]" (Log
 * Analytics: "CallStartTime [UTC]") or "(UTC)" (the admin center's table:
 * "Start time (UTC)") dropped when a name remains before it. */
size_t dt_schema_normalise(const char *name, size_t len, char *out, size_t cap);

/* The column whose header is `name` as a user writes it (compared
 * normalised, as dt_schema_normalise does), the first if several are;
 * DT_NO_COLUMN when none is. */
size_t dt_schema_find(const dt_slice_t *headers, size_t nheaders, const char *name);

#define DT_SCHEMA_SUGGEST_MAX 1000 /* headers ranked for a suggestion; the rest follow */

/* For a column `name` the header lacks: writes the header names into out
 * (NUL-terminated, cut with "..." to fit cap), quoted, comma-separated, the
 * closest to name first (dt_name_rank over the normalised names; of a
 * header with more than DT_SCHEMA_SUGGEST_MAX columns, only the first that
 * many are ranked), "(none)" for an empty header. */
void dt_schema_suggest(const dt_slice_t *headers, size_t nheaders, const char *name, char *out,
                       size_t cap);

/* Decides the schema of a file from its header cells. `path` names the file in
 * messages. Fails with DT_ERR_INPUT when neither code column is found (the
 * message lists the headers found), an override names a missing column (the
 * message lists the headers, closest first), or
 * two fields map to one column (the message names both); DT_ERR_INPUT also
 * for a bad alias pattern in the rules. An alias that gives up on a header
 * name (dt_regex.h) does not match it, and limit_note says so. When the
 * header has no code column, no_code_columns and skip say so: a file the
 * rules know to hold no call records can be skipped instead of refused.
 * DT_ERR_NOMEM when memory runs out. */
dt_status_t dt_schema_build(dt_schema_t *schema, const dt_rules_t *rules,
                            const dt_schema_overrides_t *overrides, const char *path,
                            const dt_slice_t *headers, size_t nheaders, dt_error_t *err);

#define DT_SCHEMA_NOTE_MAX 640

/* When --by needs a start time and the schema has neither a start nor an
 * invite column, writes into out (cap bytes, truncated) a note for the report
 * saying so, what happens to the file's calls and which option names a
 * column, with the header cells ranked as dt_schema_suggest ranks them for
 * "start"; returns true. Returns false and leaves out alone when a column was
 * found. (A filter that needs a missing column is an input error instead:
 * dt_filter_unjudgeable.) */
bool dt_schema_start_note(const dt_schema_t *schema, const dt_slice_t *headers, size_t nheaders,
                          char *out, size_t cap);

#endif
