/* dt_writer.h - the output formats, one writer per format behind a dispatch
 * table. A writer renders a finished dt_report_t to a stream and reports
 * write errors; it never decides exit codes. Text from input files is
 * untrusted: writers escape it for their format (dt_escape.h). */
#ifndef DT_WRITER_H
#define DT_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "dt_common.h"
#include "dt_json.h"
#include "dt_num.h"
#include "dt_output.h"
#include "dt_report.h"
#include "dt_table.h"
#include "dt_text.h"

/* The version of the JSON report format (docs/json-format.md). */
#define DT_JSON_SCHEMA_VERSION 2

typedef struct {
    bool color;          /* ANSI colour (text writer only) */
    unsigned width;      /* terminal width for the text writer; 0 = 100 */
    const char *path;    /* the regular file behind the stream (its temporary
                            name), or NULL; DT_WRITER_FILE writers write there */
    dt_table_id_t table; /* the CSV writer's table (--table), not DT_TABLE_SUMMARY */
    bool excel;          /* CSV for Excel (--excel): a BOM and ';' separators */
    bool ascii;          /* sparklines and marks in ASCII, not Unicode (text writer) */
} dt_write_options_t;

typedef dt_status_t (*dt_write_fn)(FILE *out, const dt_report_t *report,
                                   const dt_write_options_t *options, dt_error_t *err);

/* What a writer needs of its destination. */
#define DT_WRITER_BINARY 1u /* bytes, not text: never written to a terminal */
#define DT_WRITER_FILE 2u   /* needs a regular, seekable file named by options->path */

typedef struct {
    const char *name;        /* the --format value and the FORMAT: prefix of -o */
    const char *extensions;  /* file name endings that select it, space-separated, with the dot */
    const char *description; /* one line for --help */
    unsigned flags;          /* DT_WRITER_* */
    dt_write_fn write;
} dt_writer_t;

/* The writers, terminated by an entry whose name is NULL. */
extern const dt_writer_t dt_writers[];

/* The writer for a --format value, or NULL if there is none. */
const dt_writer_t *dt_writer_find(const char *name);

/* The writer a file name's extension selects (".html", case-insensitive), or
 * NULL when the name has no extension the registry knows. */
const dt_writer_t *dt_writer_for_path(const char *path);

/* Writes the formats' names separated by sep ("text, json, ...") into buf
 * (cut to size); returns buf. */
const char *dt_writer_names(char *buf, size_t size, const char *sep);

/* Each format's entry point (see dt_write_fn). Return DT_ERR_OUTPUT when the
 * stream reports an error. The formats are described in docs/formats.md. */
dt_status_t dt_write_text(FILE *out, const dt_report_t *report,
                          const dt_write_options_t *options, dt_error_t *err);
dt_status_t dt_write_json(FILE *out, const dt_report_t *report,
                          const dt_write_options_t *options, dt_error_t *err);
dt_status_t dt_write_csv(FILE *out, const dt_report_t *report,
                         const dt_write_options_t *options, dt_error_t *err);
dt_status_t dt_write_markdown(FILE *out, const dt_report_t *report,
                              const dt_write_options_t *options, dt_error_t *err);
dt_status_t dt_write_prom(FILE *out, const dt_report_t *report,
                          const dt_write_options_t *options, dt_error_t *err);
dt_status_t dt_write_html(FILE *out, const dt_report_t *report,
                          const dt_write_options_t *options, dt_error_t *err);
/* Writes report->state, which the caller made (dt_report_options_t.state):
 * DT_ERR_OUTPUT when there is none. */
dt_status_t dt_write_state(FILE *out, const dt_report_t *report,
                           const dt_write_options_t *options, dt_error_t *err);
/* Writes options->path itself (libxlsxwriter names its file); out is left empty. */
dt_status_t dt_write_xlsx(FILE *out, const dt_report_t *report,
                          const dt_write_options_t *options, dt_error_t *err);

/* libxlsxwriter's version ("1.1.4"). */
const char *dt_write_xlsx_library_version(void);

/* The JSON report's body as dt_write_json writes it, through an emitter the
 * caller opened (the HTML page embeds it). */
void dt_write_json_report(dt_json_t *j, const dt_report_t *report);

/* Writes the array "skipped" of n inputs skipped (path, kind, reason), as
 * the JSON report's inputs name them, into the object j has open (the
 * history JSON lists each export's so). */
void dt_write_json_skipped(dt_json_t *j, const dt_skipped_t *skipped, size_t n);

#endif
