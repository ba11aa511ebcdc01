/* dt_rules_check.h - `drtriage rules check` and `drtriage rules list`: every
 * problem of a rules file at once (syntax, keys, values, duplicates, action
 * references, PCRE2 patterns), and the effective rule table as TSV. */
#ifndef DT_RULES_CHECK_H
#define DT_RULES_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "dt_arena.h"
#include "dt_common.h"
#include "dt_rules.h"

typedef struct {
    const char *file;    /* NULL for a problem of the rule set as a whole */
    unsigned line;
    const char *message; /* without the "file:line: " prefix */
} dt_rules_problem_t;

typedef struct {
    dt_rules_problem_t *problems; /* nproblems, sorted by line */
    size_t nproblems, problems_cap;
    /* What the checked file defines. */
    size_t nactions, ncodes, nsips, nclasses, norigins, nheaders, nskips;
    dt_arena_t arena;    /* owns the problems' strings */
} dt_rules_check_t;

/* Check one rules file, or text held in memory under `name`, on top of
 * `rules`: a finished rule set (the built-in table and whatever else the file
 * may refer to), which the check loads the file into and so changes; free
 * it afterwards. Every problem found is stored in *out (initialised here;
 * free with dt_rules_check_free): what the parser reports, each action
 * referenced that no layer defines, each pattern PCRE2 refuses (with its
 * offset), and, when there is nothing else, what dt_rules_finish refuses.
 * Return DT_OK when the check ran, whatever it found; DT_ERR_INPUT when the
 * file cannot be read, DT_ERR_NOMEM, with err filled. */
dt_status_t dt_rules_check_file(dt_rules_t *rules, const char *path, dt_rules_check_t *out,
                                dt_error_t *err);
dt_status_t dt_rules_check_text(dt_rules_t *rules, const char *name, const char *text,
                                size_t len, dt_rules_check_t *out, dt_error_t *err);

/* Releases the problems. */
void dt_rules_check_free(dt_rules_check_t *check);

/* Writes each problem as "file:line: message", one per line, in line order.
 * Returns DT_OK, or DT_ERR_OUTPUT when the stream reports an error. */
dt_status_t dt_rules_check_write_problems(FILE *out, const dt_rules_check_t *check);

/* Writes "name: ok (N actions, M codes, ...)" for a file without problems;
 * the kinds the file does not define, other than actions and codes, are left
 * out. Returns DT_OK or DT_ERR_OUTPUT. */
dt_status_t dt_rules_check_write_summary(FILE *out, const char *name,
                                         const dt_rules_check_t *check);

/* Writes the effective rule table of finished rules as TSV: the header line
 * "kind key action owner origin phrase source file:line", then one row per
 * code entry (key MS/SIP, its phrases joined with " | ", the origin its
 * Microsoft code gets), action, SIP code, SIP class, origin rule, header
 * alias (key FIELD/FAMILY, the pattern as phrase) and [skip] rule (one row per
 * file name "name=GLOB" and header signature "headers=PATTERNS", as phrase;
 * key the rule's id), each kind sorted by key.
 * Tabs and control characters in values (C0, DEL, C1) become spaces. Returns DT_OK,
 * DT_ERR_NOMEM, or DT_ERR_OUTPUT when the stream reports an error. */
dt_status_t dt_rules_write_table(FILE *out, const dt_rules_t *rules, dt_error_t *err);

#endif
