/* dt_cli_outputs.h - where `drtriage report` writes: every -o FILE with the
 * format its extension (or a FORMAT: prefix) selects, or standard output in
 * the --format format. All outputs come from one report and are committed
 * together: when one fails, none is left behind (dt_output_commit_all). */
#ifndef DT_CLI_OUTPUTS_H
#define DT_CLI_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "dt_aggregate.h"
#include "dt_common.h"
#include "dt_filter.h"
#include "dt_report.h"
#include "dt_writer.h"

#define DT_CLI_OUTPUTS_MAX 16

typedef struct {
    const char *path;          /* NULL or "-" for standard output */
    const dt_writer_t *writer; /* NULL until dt_cli_outputs_finish: --format's */
} dt_cli_output_t;

typedef struct {
    dt_cli_output_t list[DT_CLI_OUTPUTS_MAX];
    size_t n;
    const dt_writer_t *format; /* --format: standard output's format (default text) */
    const char *color;         /* --color: auto, always or never */
    dt_table_id_t table;       /* --table (CSV) */
    bool excel;                /* --excel (CSV) */
    bool ascii;                /* --ascii (text: sparklines in ASCII) */
    const char *command;       /* the command whose options these are, for messages */
} dt_cli_outputs_t;

#define DT_CLI_OUTPUTS_DEFAULT {.color = "auto", .table = DT_TABLE_CODES, .command = "report"}

/* The output options, as getopt_long entries returning `code` (pass what
 * they return to dt_cli_outputs_option); -f and -o are mapped by the caller. */
#define DT_CLI_OUTPUTS_LONG_OPTIONS(code)                 \
    {"format", required_argument, NULL, (code)},          \
    {"output", required_argument, NULL, (code)},          \
    {"color", required_argument, NULL, (code)},           \
    {"table", required_argument, NULL, (code)},           \
    {"excel", no_argument, NULL, (code)},                 \
    {"ascii", no_argument, NULL, (code)}

/* Handles one output option by its long name ("format", "output", "color",
 * "table", "excel", "ascii"). Returns -1 to go on, or an exit code after printing a
 * usage error (an unknown extension lists the formats). */
int dt_cli_outputs_option(dt_cli_outputs_t *o, const char *name, const char *arg);

/* After the last option: standard output when no -o was given, --format's
 * writer for names without an extension; refuses a binary or file-only
 * format on standard output and a path given twice. Returns -1 or an exit code. */
int dt_cli_outputs_finish(dt_cli_outputs_t *o);

/* True when some output is written in the named format. */
bool dt_cli_outputs_want(const dt_cli_outputs_t *o, const char *format);

/* When an output is in the state format, encodes agg (its filters, whether
 * its series is an automatic one) for it into *state, *len (malloc'd: free
 * it once the report is built from it); else sets *state to NULL. Returns
 * DT_OK or DT_ERR_NOMEM. */
dt_status_t dt_cli_outputs_state(const dt_cli_outputs_t *o, const dt_aggregate_t *agg,
                                 const dt_filter_t *filter, bool auto_series,
                                 unsigned char **state, size_t *len, dt_error_t *err);

/* Writes the report to every output: regular files under temporary names
 * first, then standard output and devices; renames the files into place
 * only when every writer succeeded. On failure returns DT_ERR_OUTPUT naming
 * the output, and no file is replaced. */
dt_status_t dt_cli_outputs_write(const dt_cli_outputs_t *o, const dt_report_t *report,
                                 dt_error_t *err);

#endif
