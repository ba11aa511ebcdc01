/* dt_json.h - JSON output (RFC 8259): string escaping and a streaming emitter
 * that tracks nesting, commas and (when pretty) indentation. One emitter serves
 * the JSON report, `explain --format json` and every other JSON drtriage
 * writes. Write errors are left on the stream (ferror) for the caller to
 * check once at the end (dt_stream_finish). */
#ifndef DT_JSON_H
#define DT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes text as a JSON string literal (quotes included), replacing invalid
 * UTF-8 with U+FFFD; NULL is written as "". */
void dt_json_write_string(FILE *out, const char *text, size_t len);

typedef struct {
    FILE *out;
    bool pretty;     /* newline and two-space indent per level, ": " after keys */
    unsigned depth;
    bool first;      /* nothing written yet in the innermost container */
    bool script_safe; /* < > & in strings as \u003c \u003e \u0026, so the document
                         can sit inside an HTML <script> element, and bidi controls,
                         U+2028 and U+2029 as escapes too (set after init) */
} dt_json_t;

/* Starts a document on out: compact (one line) or pretty. */
void dt_json_init(dt_json_t *j, FILE *out, bool pretty);

/* Each value function takes the key it has inside an object, or NULL inside
 * an array and at the top level. */

/* Opens an object ('{') or array ('['); close it with the matching bracket. */
void dt_json_open(dt_json_t *j, const char *key, char bracket);
void dt_json_close(dt_json_t *j, char bracket);

void dt_json_str(dt_json_t *j, const char *key, const char *text);  /* NULL: null */
void dt_json_strn(dt_json_t *j, const char *key, const char *text, size_t len);
void dt_json_u64(dt_json_t *j, const char *key, uint64_t value);
void dt_json_i64(dt_json_t *j, const char *key, int64_t value);
void dt_json_bool(dt_json_t *j, const char *key, bool value);
void dt_json_null(dt_json_t *j, const char *key);

/* A number with `decimals` digits after the point (dt_format_fixed), or null
 * when value is negative (the convention for "no value", as NER without calls). */
void dt_json_fixed(dt_json_t *j, const char *key, double value, unsigned decimals);

/* An epoch time as dt_date_format writes it, "YYYY-MM-DDTHH:MM:SSZ". */
void dt_json_time(dt_json_t *j, const char *key, int64_t epoch);

/* The day of an epoch time, "YYYY-MM-DD". */
void dt_json_day(dt_json_t *j, const char *key, int64_t epoch);

/* A value written by the caller: the emitter writes the separator and key,
 * the caller the raw JSON text right after (e.g. a number it formatted). */
void dt_json_raw(dt_json_t *j, const char *key, const char *json);

#endif
