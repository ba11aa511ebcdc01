/* dt_writer.h - the output formats, one writer per format behind a dispatch
 * table. A writer renders a finished dt_report_t to a stream and reports
 * write errors; it never decides exit codes. Text from input files is
 * untrusted: writers escape it for their format. */
#ifndef DT_WRITER_H
#define DT_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "dt_common.h"
#include "dt_json.h"
#include "dt_num.h"
#include "dt_output.h"
#include "dt_report.h"
#include "dt_text.h"

/* The version of the JSON report format (docs/json-format.md). */
#define DT_JSON_SCHEMA_VERSION 2

typedef struct {
    bool color;          /* ANSI colour (text writer only) */
    unsigned width;      /* terminal width for the text writer; 0 = 100 */
} dt_write_options_t;

typedef dt_status_t (*dt_write_fn)(FILE *out, const dt_report_t *report,
                                   const dt_write_options_t *options, dt_error_t *err);

typedef struct {
    const char *name;        /* the --format value */
    const char *description; /* one line for --help */
    dt_write_fn write;
} dt_writer_t;

/* The writers, terminated by an entry whose name is NULL. */
extern const dt_writer_t dt_writers[];

/* The writer for a --format value, or NULL if there is none. */
const dt_writer_t *dt_writer_find(const char *name);

/* Each format's entry point (see dt_write_fn). Return DT_ERR_OUTPUT when the
 * stream reports an error. */
dt_status_t dt_write_text(FILE *out, const dt_report_t *report,
                          const dt_write_options_t *options, dt_error_t *err);
dt_status_t dt_write_json(FILE *out, const dt_report_t *report,
                          const dt_write_options_t *options, dt_error_t *err);

#endif
