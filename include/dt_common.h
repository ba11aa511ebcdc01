/* dt_common.h - small types shared by every stage of the drtriage pipeline. */
#ifndef DT_COMMON_H
#define DT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The release, shown by --version and recorded in what drtriage writes to
 * last (the history store). */
#define DRTRIAGE_VERSION "0.2.0"

/* Outcome of a library call. Library code never exits and never prints:
 * it returns one of these and, on failure, fills a dt_error_t. */
typedef enum {
    DT_OK = 0,
    DT_ERR_USAGE,    /* the caller asked for something malformed (option value, expression) */
    DT_ERR_INPUT,    /* an input file or rules file is unreadable or malformed */
    DT_ERR_OUTPUT,   /* the report could not be written */
    DT_ERR_NOMEM,    /* an allocation failed */
} dt_status_t;

#define DT_ERROR_MAX 1024

/* A human-readable message, "file:line: what went wrong" where there is a place. */
typedef struct {
    char msg[DT_ERROR_MAX];
} dt_error_t;

/* A byte range that is not NUL-terminated and not owned. */
typedef struct {
    const char *ptr;
    size_t len;
} dt_slice_t;

/* Formats a message into err (if err is not NULL) and returns status, so that
 * callers can write `return dt_fail(err, DT_ERR_INPUT, "%s:%llu: ...", ...)`. */
dt_status_t dt_fail(dt_error_t *err, dt_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Who produced the final SIP response of a failed call. */
typedef enum {
    DT_ORIGIN_SBC = 0,
    DT_ORIGIN_MICROSOFT,
    DT_ORIGIN_UNKNOWN,
    DT_ORIGIN_COUNT
} dt_origin_t;

/* Finds text in a table of n names, case-insensitively; stores its index in
 * *out and returns true, or returns false (leaving *out alone). */
bool dt_name_lookup(const char *text, const char *const *names, size_t n, int *out);

#define DT_NAME_DISTANCE_MAX 255 /* bytes of a name compared; the rest is ignored */

/* The edit (Levenshtein) distance between two names: the fewest one-byte
 * insertions, deletions and substitutions that turn one into the other,
 * ASCII case ignored. Only the first DT_NAME_DISTANCE_MAX bytes of each are
 * compared. Uses no heap. */
size_t dt_name_distance(const char *a, size_t alen, const char *b, size_t blen);

/* How close a candidate name is to a name a user wrote, as a key to sort
 * candidates by (lower is closer): a candidate that contains the text (ASCII
 * case ignored) comes before every one that does not, the shorter first;
 * the others follow by dt_name_distance. */
size_t dt_name_rank(const char *text, size_t len, const char *name, size_t nlen);

/* The closest of several candidate names to a name a user wrote, for "did you
 * mean" messages: dt_name_closest_init, then dt_name_closest_add for each
 * candidate (ranked by dt_name_rank; ties keep the first), then
 * dt_name_closest_likely. The candidates must outlive it. */
typedef struct {
    const char *text;
    size_t len;
    const char *best;   /* NULL until a candidate is added */
    size_t best_len, rank;
} dt_name_closest_t;

void dt_name_closest_init(dt_name_closest_t *closest, const char *text, size_t len);
void dt_name_closest_add(dt_name_closest_t *closest, const char *name, size_t len);

/* The closest candidate when it is close enough to be what was meant (it
 * contains the text, of at least 3 bytes, or at most a third of the longer
 * name differs), else NULL. */
const char *dt_name_closest_likely(const dt_name_closest_t *closest);

/* Returns "sbc", "microsoft" or "unknown". */
const char *dt_origin_name(dt_origin_t origin);

/* Parses "sbc", "microsoft" or "unknown" (case-insensitive) into *out.
 * Returns false (leaving *out alone) for anything else. */
bool dt_origin_parse(const char *text, dt_origin_t *out);

/* The export family a file belongs to, decided from its header. */
typedef enum {
    DT_FAMILY_TAC = 0, /* Teams admin center, Direct Routing tab */
    DT_FAMILY_GRAPH,   /* Microsoft Graph getDirectRoutingCalls via PowerShell/CLI */
    DT_FAMILY_CQD,     /* Call Quality Dashboard / Power BI QER */
    DT_FAMILY_ACS,     /* Azure Communication Services Log Analytics */
    DT_FAMILY_ANY,     /* a header alias shared by several families */
    DT_FAMILY_COUNT
} dt_family_t;

/* Returns "tac", "graph", "cqd", "acs" or "any". */
const char *dt_family_name(dt_family_t family);

/* Parses a family name as written in rules files; false if unknown. */
bool dt_family_parse(const char *text, dt_family_t *out);

/* True when the slice is empty or holds only blanks (space, tab). */
bool dt_is_blank(const char *text, size_t len);

/* A numeric macro's value as a string literal: DT_STR(DT_SHORT_CALL_SECONDS) is "10". */
#define DT_STR_(x) #x
#define DT_STR(x) DT_STR_(x)

#endif
