/* test_util.h - helpers shared by the unit suites: rule sets, temporary files,
 * header splitting and message assertions. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "dt_aggregate.h"
#include "dt_common.h"
#include "dt_rules.h"

/* Fails the test unless `hay` contains `needle`. */
#define ck_assert_contains(hay, needle)                                                     \
    ck_assert_msg(strstr((hay), (needle)) != NULL, "'%s' does not contain '%s'", (hay),     \
                  (needle))

/* A small complete rule set: actions a-one, a-two, sbc-fallback, class-4, an [origin 560]
 * sip-from-code rule with action sbc-fallback, [origin *], [sip-class 4] and [ner]. */
extern const char tu_base_rules[];

/* The built-in rules and their code table, for suites that use them as a
 * checked fixture: tcase_add_checked_fixture(tc, tu_embedded_setup,
 * tu_embedded_teardown). */
extern dt_rules_t tu_rules;
extern struct dt_codes *tu_codes;
void tu_embedded_setup(void);
void tu_embedded_teardown(void);

/* Initialises rules and loads the embedded table, then finishes it (asserting). */
void tu_rules_embedded(dt_rules_t *rules);

/* Loads a NUL-terminated rules text as layer `layer` under `name`. */
dt_status_t tu_rules_text(dt_rules_t *rules, const char *name, unsigned layer, const char *text,
                          dt_error_t *err);

/* Initialises rules, loads tu_base_rules (layer 0, "base.rules") and text
 * (layer 1, under name), asserting both load; does not finish them. */
void tu_rules_on_base(dt_rules_t *rules, const char *name, const char *text);

/* Writes len bytes to a new temporary file; returns its path (free with tu_temp_remove). */
char *tu_temp_file(const void *data, size_t len);

/* Same for a NUL-terminated string. */
char *tu_temp_text(const char *text);

/* Writes an archive (archive_fixture.h: kind and members) to a new temporary
 * file; returns its path (free with tu_temp_remove). */
struct ta_member;
char *tu_temp_archive(const char *kind, const struct ta_member *members, size_t n);

/* A new empty temporary directory (free with tu_temp_remove). */
char *tu_temp_dir(void);

/* Removes the file or empty directory and frees the path. */
void tu_temp_remove(char *path);

/* Path of a file given relative to the repository root (the tests run from the root;
 * parent directories are tried too). Returns a static buffer. */
const char *tu_repo_file(const char *relative);

/* Reads a whole file into a NUL-terminated malloc'd buffer (asserting). */
char *tu_read_file(const char *path, size_t *len);

/* Splits text on delim (no quoting) into slices pointing into text. *n gets the count;
 * free the array. */
dt_slice_t *tu_split(const char *text, char delim, size_t *n);

/* Asserts the sums a report relies on: rows = calls + rejected + excluded,
 * calls = succeeded + failed, and failed (calls, effective) summed over origins,
 * actions, code rows, SBC rows and inputs. */
void tu_assert_totals(const dt_aggregate_t *agg);

#endif
