/* outputs.c - the report's outputs: -o FILE / -o FORMAT:FILE / --format for
 * standard output, and writing them all from one report, all or none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dt_cli.h"
#include "dt_cli_outputs.h"
#include "dt_num.h"
#include "dt_output.h"
#include "dt_state.h"
#include "dt_table.h"

#define DEFAULT_WIDTH 100
#define MAX_WIDTH 1000

static bool is_stdout(const char *path)
{
    return !path || strcmp(path, "-") == 0;
}

/* True when the file name (after the last '/') has an extension. */
static bool has_extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    return dot && dot[1] && dot != (slash ? slash + 1 : path);
}

/* "unknown --format 'xml'" or "-o 'x.pdf': unknown extension", and the formats. */
static int unknown_format(const dt_cli_outputs_t *o, const char *what, const char *arg)
{
    char names[256];
    dt_writer_names(names, sizeof names, ", ");
    if (strcmp(what, "-o") == 0)
        return dt_cli_usage_error(o->command,
                                  "-o '%s': unknown extension; the formats are %s (or name one: "
                                  "-o FORMAT:FILE)", arg, names);
    return dt_cli_usage_error(o->command, "unknown %s '%s'; the formats are %s", what, arg, names);
}

static int add_output(dt_cli_outputs_t *o, const char *arg)
{
    if (o->n == DT_CLI_OUTPUTS_MAX)
        return dt_cli_usage_error(o->command, "too many -o outputs (at most %d)", DT_CLI_OUTPUTS_MAX);
    dt_cli_output_t *out = &o->list[o->n];
    const char *colon = strchr(arg, ':');
    out->writer = NULL;
    out->path = arg;
    if (colon) { /* FORMAT:FILE when FORMAT names a format */
        char name[32];
        size_t len = (size_t)(colon - arg);
        if (len < sizeof name) {
            memcpy(name, arg, len);
            name[len] = '\0';
            if ((out->writer = dt_writer_find(name)))
                out->path = colon + 1;
        }
    }
    if (!*out->path)
        return dt_cli_usage_error(o->command, "-o '%s': no file name", arg);
    if (!out->writer && !is_stdout(out->path) && has_extension(out->path) &&
        !(out->writer = dt_writer_for_path(out->path)))
        return unknown_format(o, "-o", arg);
    o->n++;
    return -1;
}

int dt_cli_outputs_option(dt_cli_outputs_t *o, const char *name, const char *arg)
{
    if (strcmp(name, "format") == 0) {
        if (!(o->format = dt_writer_find(arg)))
            return unknown_format(o, "--format", arg);
        return -1;
    }
    if (strcmp(name, "output") == 0)
        return add_output(o, arg);
    if (strcmp(name, "color") == 0) {
        if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never"))
            return dt_cli_usage_error(o->command, "--color '%s': expected auto, always or never", arg);
        o->color = arg;
        return -1;
    }
    if (strcmp(name, "table") == 0) {
        if (!dt_table_parse(arg, &o->table) || o->table == DT_TABLE_SUMMARY)
            return dt_cli_usage_error(o->command,
                                      "--table '%s': expected actions, codes, sbc, time, group, "
                                      "gates, metrics, time-metrics, group-metrics, group-time, notes, "
                                      "inputs, or (drtriage trend) trend or changes",
                                      arg);
        return -1;
    }
    if (strcmp(name, "ascii") == 0) {
        o->ascii = true;
        return -1;
    }
    o->excel = true; /* --excel */
    return -1;
}

int dt_cli_outputs_finish(dt_cli_outputs_t *o)
{
    if (!o->format)
        o->format = dt_writer_find("text");
    if (o->n == 0)
        o->list[o->n++] = (dt_cli_output_t){NULL, o->format};
    for (size_t i = 0; i < o->n; i++) {
        dt_cli_output_t *out = &o->list[i];
        if (!out->writer)
            out->writer = o->format;
        if (is_stdout(out->path) && (out->writer->flags & DT_WRITER_FILE))
            return dt_cli_usage_error(o->command, "the %s format needs a file: use -o FILE%.*s",
                                      out->writer->name,
                                      (int)strcspn(out->writer->extensions, " "),
                                      out->writer->extensions);
        for (size_t k = 0; k < i; k++)
            if (is_stdout(out->path) ? is_stdout(o->list[k].path)
                                     : !is_stdout(o->list[k].path) &&
                                           strcmp(out->path, o->list[k].path) == 0)
                return dt_cli_usage_error(o->command, "-o '%s' is given twice",
                                          is_stdout(out->path) ? "-" : out->path);
    }
    return -1;
}

bool dt_cli_outputs_want(const dt_cli_outputs_t *o, const char *format)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->list[i].writer && strcmp(o->list[i].writer->name, format) == 0)
            return true;
    return false;
}

dt_status_t dt_cli_outputs_state(const dt_cli_outputs_t *o, const dt_aggregate_t *agg,
                                 const dt_filter_t *filter, bool auto_series,
                                 unsigned char **state, size_t *len, dt_error_t *err)
{
    *state = NULL;
    *len = 0;
    if (!dt_cli_outputs_want(o, "state"))
        return DT_OK;
    dt_state_meta_t *meta = calloc(1, sizeof *meta);
    if (!meta)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    snprintf(meta->made_by, sizeof meta->made_by, "%s", DRTRIAGE_VERSION);
    meta->auto_series = auto_series;
    meta->filter = *filter;
    dt_status_t st = dt_state_encode(agg, meta, state, len, err);
    free(meta);
    return st;
}

static bool want_color(const dt_cli_outputs_t *o, const dt_cli_output_t *out)
{
    if (!is_stdout(out->path) || strcmp(o->color, "never") == 0)
        return false;
    if (strcmp(o->color, "always") == 0)
        return true;
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    return !(no_color && *no_color) && !(term && strcmp(term, "dumb") == 0) &&
           isatty(STDOUT_FILENO);
}

/* Tables fit the terminal: its width when the report goes to one, else
 * $COLUMNS when set, else DEFAULT_WIDTH columns (files and pipes stay stable). */
static unsigned report_width(const dt_cli_output_t *out)
{
    struct winsize ws;
    if (is_stdout(out->path) && isatty(STDOUT_FILENO) &&
        ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *columns = getenv("COLUMNS");
    uint64_t n;
    if (columns && dt_parse_uint(columns, strlen(columns), MAX_WIDTH, &n) && n > 0)
        return (unsigned)n;
    return DEFAULT_WIDTH;
}

/* Writes one output; on failure prefixes the message with its name. */
static dt_status_t write_one(const dt_cli_outputs_t *o, const dt_cli_output_t *out,
                             dt_output_t *dest, const dt_report_t *report, dt_error_t *err)
{
    const char *name = is_stdout(out->path) ? "<stdout>" : out->path;
    dt_status_t st = DT_OK;
    if ((out->writer->flags & DT_WRITER_FILE) && !dt_output_is_file(dest))
        st = dt_fail(err, DT_ERR_OUTPUT, "the %s format needs a regular file", out->writer->name);
    else if ((out->writer->flags & DT_WRITER_BINARY) && isatty(fileno(dest->fp)))
        st = dt_fail(err, DT_ERR_OUTPUT, "the %s format is binary: not written to a terminal",
                     out->writer->name);
    if (st == DT_OK) {
        dt_write_options_t wo = {.color = want_color(o, out), .width = report_width(out),
                                 .path = dest->tmp_path, .table = o->table, .excel = o->excel,
                                 .ascii = o->ascii};
        st = out->writer->write(dest->fp, report, &wo, err);
    }
    if (st) {
        char what[DT_ERROR_MAX];
        snprintf(what, sizeof what, "%s", err->msg);
        dt_fail(err, st, "%s: %s", name, what);
    }
    return st;
}

dt_status_t dt_cli_outputs_write(const dt_cli_outputs_t *o, const dt_report_t *report,
                                 dt_error_t *err)
{
    dt_output_t dest[DT_CLI_OUTPUTS_MAX];
    dt_status_t st = DT_OK;
    size_t opened = 0;
    for (; opened < o->n && st == DT_OK; opened++)
        st = dt_output_open(&dest[opened], o->list[opened].path, err);
    if (st)
        opened--; /* the failed one released itself */
    /* Files (temporary, can be taken back) first; standard output and devices last. */
    for (int pass = 0; pass < 2 && st == DT_OK; pass++)
        for (size_t i = 0; i < opened && st == DT_OK; i++)
            if (dt_output_is_file(&dest[i]) == (pass == 0))
                st = write_one(o, &o->list[i], &dest[i], report, err);
    if (st == DT_OK)
        return dt_output_commit_all(dest, opened, err);
    for (size_t i = 0; i < opened; i++)
        dt_output_abort(&dest[i]);
    return st;
}
