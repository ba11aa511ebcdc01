/* dt_writer.h - the output formats, one writer per format behind a dispatch
 * table. A writer renders a finished dt_report_t to a stream and reports
 * write errors; it never decides exit codes. Text from input files is
 * untrusted: writers escape it for their format. */
#ifndef DT_WRITER_H
#define DT_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "dt_aggregate.h"
#include "dt_common.h"
#include "dt_json.h"
#include "dt_num.h"
#include "dt_output.h"
#include "dt_text.h"

#define DT_SCHEMA_VERSION 1

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

/* The phrase a report shows for a code row: the documented canonical phrase
 * when the phrase decided the match (or none was seen), else the phrase seen
 * in the export, else the RFC reason phrase of its SIP code, else "". */
const char *dt_writer_code_phrase(const dt_report_t *report, const dt_code_row_t *row);

/* For a code row no documented entry matched (and that has a Microsoft
 * code), a ready-to-paste [code] section for a rules file, as a malloc'd
 * string the caller frees; NULL for other rows or when out of memory. */
char *dt_writer_code_stub(const dt_report_t *report, const dt_code_row_t *row);

/* The action an action row or code match refers to; for DT_NO_ACTION the
 * rules' "unknown" action when there is one, else NULL. */
const dt_action_t *dt_writer_action(const dt_report_t *report, size_t action);

#endif
