/* cli_report.c - `drtriage [report] [OPTIONS] FILE...`: options, the
 * pipeline, the report, and the --fail-if verdict as an exit code. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dt_aggregate.h"
#include "dt_cli.h"
#include "dt_cli_outputs.h"
#include "dt_cli_progress.h"
#include "dt_cli_verdict.h"
#include "dt_codes.h"
#include "dt_filter.h"
#include "dt_output.h"
#include "dt_parallel.h"
#include "dt_pipeline.h"
#include "dt_rules.h"
#include "dt_store_replay.h"
#include "dt_writer.h"

#define CODE_CACHE_CAP 16384

typedef struct {
    dt_cli_outputs_t outputs;      /* -o, --format, --color, --table, --excel */
    size_t top;
    bool strict;
    dt_date_order_t date_order;
    bool quiet;                    /* stderr only when the run fails */
    size_t max_field;
    unsigned jobs;                 /* -j; 0: the default */
    dt_cli_rules_t rules;
    dt_cli_gates_t gates;          /* --fail-if, --min-calls */
    dt_schema_overrides_t overrides;
    dt_filter_t filter;            /* --since, --until, --sbc, ... */
    dt_filter_t rows;              /* --rows */
    bool rows_set;
    dt_aggregate_options_t tables; /* --by, --group-by, --samples, --concurrency */
    const char *db;                /* --db: the history store instead of exports */
    const char *input_option;      /* the last option that reads exports, for --db's error */
    char group_spec[512];          /* --group-by's value, split in place */
    bool stubs;                    /* --stubs */
    dt_cli_limits_t limits;        /* --max-concurrent */
} options_t;

#define USAGE_TEXT \
    "Usage: drtriage [report] [OPTIONS] FILE...\n" \
    "       drtriage [report] --db STORE [OPTIONS]\n" \
    "\n" \
    "Reads Teams Direct Routing call-record exports (CSV from the Teams admin center,\n" \
    "Graph/PowerShell, Call Quality Dashboard/Power BI or Azure Communication Services)\n" \
    "and reports failed calls by origin (SBC or Microsoft), by recommended action and\n" \
    "by code, with per-SBC NER. FILE may be - for standard input; several files make\n" \
    "one report. A zip or tar archive, or a file compressed with gzip, bzip2, xz or\n" \
    "zstd, is read as it is (recognised by its bytes, also on standard input): each\n" \
    "export in it is an input, ARCHIVE:MEMBER in messages. Files without call records\n" \
    "(the PSTN.calls CSV and parameters.json of an admin center download) are named\n" \
    "in the report as skipped. With --db, the report is made from the history store\n" \
    "instead (see drtriage ingest), at the hour's grain, under the rules in effect.\n" \
    "\n" \
    "Output (docs/formats.md):\n" \
    "  -f, --format FORMAT    one of: %s\n" \
    "                         (standard output's format; default text)\n" \
    "  -o, --output FILE      write the report to FILE instead of standard output, in the\n" \
    "                         format of its extension:\n" \
    "                         %s;\n" \
    "                         -o FORMAT:FILE names it; repeatable: one pass writes them\n" \
    "                         all, atomically, and a failure leaves none half-written;\n" \
    "                         a symlink is written through; FILE may not be an input\n" \
    "      --top N|all        rows per table in the text and Markdown reports\n" \
    "                         (default 10)\n" \
    "      --stubs            show a rules stub for each code no rule documents\n" \
    "      --color WHEN       auto, always or never (default auto: on a terminal, unless\n" \
    "                         NO_COLOR is set or TERM is dumb)\n" \
    "      --ascii            sparklines in ASCII rather than Unicode blocks\n" \
    "      --table TABLE      the table the csv format writes: actions, codes (default),\n" \
    "                         sbc, time, group, gates, metrics (per SBC: ACD, short\n" \
    "                         calls, time to failure, peak concurrency), time-metrics,\n" \
    "                         group-metrics, group-time (each group over time) or\n" \
    "                         notes (filter matches, rejected rows, notes) or inputs\n" \
    "                         (those read and those skipped)\n" \
    "      --excel            csv for Excel in locales that expect ';': a BOM, ';' between\n" \
    "                         fields and a decimal comma\n" \
    "  -q, --quiet            nothing on stderr unless the run fails (exit 1 or 2), for\n" \
    "                         cron; the report still lists rejected rows\n" \
    "\n" \
    "CI gate:\n" \
    "      --fail-if GATE     exit 1 when GATE holds; repeatable. GATE is\n" \
    "                         [sbc=GLOB:]METRIC OP VALUE with OP one of > >= < <=,\n" \
    "                         VALUE a count N or a percentage P%% of calls (of rows\n" \
    "                         for rejected; NER is a percentage), METRIC one of\n" \
    "                         %s\n" \
    "                         faults are failures that are not expected endings\n" \
    "                         (busy, no answer, cancelled); sbc, microsoft, unknown\n" \
    "                         and failed count both. acd is in seconds (acd<60),\n" \
    "                         short-calls a percentage of the answered calls,\n" \
    "                         concurrency>P%% the peak of an SBC's --max-concurrent.\n" \
    "                         sbc=GLOB: judges each matching SBC on its own calls.\n" \
    "                         The report's Gates section shows every outcome\n" \
    "      --min-calls N      judge percentages and NER only with at least N calls\n" \
    "                         (per SBC with sbc=GLOB:; default: the rules' NER\n" \
    "                         minimum, 100)\n" \
    "\n" \
    "Filters (they compose; the report says how many calls they excluded):\n" \
    "      --since TIME       calls that started at or after TIME (2026-11-01 or\n" \
    "                         2026-11-01T08:00:00Z, UTC)\n" \
    "      --until TIME       calls that started before TIME\n" \
    "      --sbc GLOB         calls through matching SBCs (* and ?, case-insensitive)\n" \
    "      --call-type GLOB   calls of matching call types (dr_out, ByotIn, ...)\n" \
    "      --direction in|out inbound or outbound calls (calls of unknown direction are\n" \
    "                         kept, and counted in a note)\n" \
    "      --origin ORIGIN    failed calls of that origin: sbc, microsoft or unknown\n" \
    "      --code CODE        failed calls with that code, read as explain reads it:\n" \
    "                         403 (SIP), 560403 (Microsoft), 510532/403, */503\n" \
    "      --where 'COLUMN OP VALUE'  calls whose input column COLUMN (a header name)\n" \
    "                         compares so: = and != (case-insensitive), ~ (glob), or\n" \
    "                         < <= > >= (numbers); repeatable, all must hold, e.g.\n" \
    "                         --where 'External Country=DE'\n" \
    "\n" \
    "Investigation:\n" \
    "      --by hour|day|week add a time series of calls, failures by origin and NER\n" \
    "      --group-by COLS    add failures grouped by input columns (header names,\n" \
    "                         comma-separated), e.g. --group-by 'Callee Number';\n" \
    "                         with --by, also each group's series over time\n" \
    "      --concurrency      add the peak of concurrent calls per SBC (per minute)\n" \
    "      --max-concurrent SBC=N  the SBC's session limit (MaxConcurrentSessions):\n" \
    "                         flags a peak of 90%% of it; repeatable, implies\n" \
    "                         --concurrency\n" \
    "      --samples N        list up to N correlation ids (and start times) of affected\n" \
    "                         calls for each code and action, those that started first\n" \
    "                         (at most 20)\n" \
    "      --rows FILTER      write the matching input rows as CSV (header first) instead\n" \
    "                         of the report; FILTER is key=value[,key=value...] with keys\n" \
    "                         since until sbc call-type direction origin code ms sip\n" \
    "                         action result known correlation, e.g.\n" \
    "                         --rows 'origin=sbc,sbc=sbc1.contoso.com'\n" \
    "\n" \
    "Input:\n" \
    "      --db STORE         report from the history store STORE (drtriage ingest):\n" \
    "                         --since and --until in whole hours (default: all of it);\n" \
    "                         --call-type, --where, --group-by, --samples, --rows,\n" \
    "                         --concurrency and --max-concurrent need columns the\n" \
    "                         store does not keep\n" \
    "      --strict           treat any rejected row as an input error\n" \
    "      --dedupe           count a call given twice (same correlation id, start time,\n" \
    "                         call type and codes) once: for overlapping exports; its\n" \
    "                         keys go to a temporary file in $TMPDIR (default /tmp)\n" \
    "      --max-field BYTES  longest field accepted (default 1048576)\n" \
    "  -j, --jobs N           read each input with N worker threads (default: the\n" \
    "                         online CPUs, at most 16); the report is the same for any\n" \
    "                         N, byte for byte (--dedupe and --concurrency read\n" \
    "                         with one)\n" \
    "      --date-order dmy|mdy|ymd  read dates like 01/03/2024 day first (dmy), month\n" \
    "                         first (mdy) or allow only year first (ymd); by default\n" \
    "                         each input's own dates decide, and a note says how\n" \
    "      --FIELD-column NAME  read FIELD from the column with header NAME; FIELD is one\n" \
    "                         of: %s\n" \
    "\n" \
    DT_CLI_RULES_HELP \
    "\n" \
    "  -h, --help             show this help\n" \
    "      --version          show the version\n" \
    "\n" \
    "Other commands: drtriage explain QUERY..., drtriage rules check FILE...,\n" \
    "                drtriage rules list, drtriage merge STATE...,\n" \
    "                drtriage ingest --db STORE EXPORT..., drtriage trend --db STORE,\n" \
    "                drtriage history --db STORE; drtriage help [COMMAND] shows each\n" \
    "                one's help\n" \
    "\n" \
    "Exit status:\n" \
    "  0  report written, no --fail-if gate breached\n" \
    "  1  report written, a --fail-if gate breached or the filters matched no call\n" \
    "  2  usage, input or output error (message on stderr, no report written)\n" \
    "  128+N  ended by signal N (TERM, INT, HUP): no report written\n" \
    "\n" \
    "Examples:\n" \
    "  drtriage DirectRouting.calls.2026-11-01.csv\n" \
    "  drtriage Calls.Export.4f2c9e1a-77d0-4b6e-a1c3-5e8d2b9f0c11.zip\n" \
    "  drtriage --format json -o report.json exports/*.csv\n" \
    "  drtriage -o report.html -o report.xlsx -o metrics.prom calls.csv\n" \
    "  drtriage --quiet --fail-if 'calls<1' --fail-if 'sbc=*:faults>30%%' nightly.csv\n" \
    "      (a nightly gate: passes on healthy days, fails on an SBC whose faults pass\n" \
    "      30%% of its calls, as when its certificate expires, and on an empty export)\n"

#define HELP_INDENT 25
#define HELP_WIDTH 80

static void print_usage(FILE *out)
{
    char formats[256], extensions[256] = "", fields[512], metrics[512];
    dt_writer_names(formats, sizeof formats, ", ");
    dt_gate_metric_list(metrics, sizeof metrics, HELP_INDENT, HELP_WIDTH);
    for (const dt_writer_t *w = dt_writers; w->name; w++)
        snprintf(extensions + strlen(extensions), sizeof extensions - strlen(extensions), "%s%.*s",
                 w == dt_writers ? "" : " ", (int)strcspn(w->extensions, " "), w->extensions);
    dt_cli_field_list(fields, sizeof fields);
    fprintf(out, USAGE_TEXT, formats, extensions, metrics, fields);
}

static bool parse_size(const char *text, uint64_t max, uint64_t *out)
{
    return dt_parse_uint(text, strlen(text), max, out);
}

enum {
    OPT_TOP = 256,
    OPT_OUTPUTS,
    OPT_GATES,
    OPT_STRICT,
    OPT_MAX_FIELD,
    OPT_RULES,
    OPT_VERSION,
    OPT_FILTER,
    OPT_BY,
    OPT_GROUP_BY,
    OPT_SAMPLES,
    OPT_ROWS,
    OPT_DATE_ORDER,
    OPT_DEDUPE,
    OPT_STUBS,
    OPT_CONCURRENCY,
    OPT_MAX_CONCURRENT,
    OPT_DB,
    OPT_COLUMN, /* OPT_COLUMN + field */
};

static int parse_by(options_t *o, const char *arg)
{
    static const char *const names[] = {"hour", "day", "week"};
    for (int b = 0; b < 3; b++)
        if (strcmp(arg, names[b]) == 0) {
            o->tables.by_time = true;
            o->tables.bucket = b;
            return -1;
        }
    return dt_cli_usage_error("report", "--by '%s': expected hour, day or week", arg);
}

/* Splits "COL[,COL...]" into o->tables.group_columns (pointing into o->group_spec). */
static int parse_group_by(options_t *o, const char *arg)
{
    if (strlen(arg) >= sizeof o->group_spec)
        return dt_cli_usage_error("report", "--group-by: the column list is too long");
    snprintf(o->group_spec, sizeof o->group_spec, "%s", arg);
    o->tables.ngroup_columns = 0;
    char *save = NULL;
    for (char *col = strtok_r(o->group_spec, ",", &save); col; col = strtok_r(NULL, ",", &save)) {
        if (o->tables.ngroup_columns == DT_GROUP_COLUMNS_MAX)
            return dt_cli_usage_error("report", "--group-by: at most %d columns",
                                      DT_GROUP_COLUMNS_MAX);
        o->tables.group_columns[o->tables.ngroup_columns++] = col;
    }
    if (!o->tables.ngroup_columns)
        return dt_cli_usage_error("report", "--group-by '%s': expected column names", arg);
    return -1;
}

/* Builds the long option table, with one --FIELD-column per field. */
static void build_long_options(struct option *opts, char names[][DT_CLI_OPTION_NAME_MAX])
{
    static const struct option fixed[] = {
        DT_CLI_OUTPUTS_LONG_OPTIONS(OPT_OUTPUTS),
        {"help", no_argument, NULL, 'h'},
        {"top", required_argument, NULL, OPT_TOP},
        DT_CLI_GATES_LONG_OPTIONS(OPT_GATES),
        {"strict", no_argument, NULL, OPT_STRICT},
        {"quiet", no_argument, NULL, 'q'},
        {"max-field", required_argument, NULL, OPT_MAX_FIELD},
        DT_CLI_RULES_LONG_OPTIONS(OPT_RULES),
        {"version", no_argument, NULL, OPT_VERSION},
        {"since", required_argument, NULL, OPT_FILTER},
        {"until", required_argument, NULL, OPT_FILTER},
        {"sbc", required_argument, NULL, OPT_FILTER},
        {"call-type", required_argument, NULL, OPT_FILTER},
        {"direction", required_argument, NULL, OPT_FILTER},
        {"origin", required_argument, NULL, OPT_FILTER},
        {"code", required_argument, NULL, OPT_FILTER},
        {"where", required_argument, NULL, OPT_FILTER},
        {"by", required_argument, NULL, OPT_BY},
        {"group-by", required_argument, NULL, OPT_GROUP_BY},
        {"samples", required_argument, NULL, OPT_SAMPLES},
        {"rows", required_argument, NULL, OPT_ROWS},
        {"date-order", required_argument, NULL, OPT_DATE_ORDER},
        {"dedupe", no_argument, NULL, OPT_DEDUPE},
        {"stubs", no_argument, NULL, OPT_STUBS},
        {"concurrency", no_argument, NULL, OPT_CONCURRENCY},
        {"max-concurrent", required_argument, NULL, OPT_MAX_CONCURRENT},
        {"jobs", required_argument, NULL, 'j'},
        {"db", required_argument, NULL, OPT_DB},
    };
    size_t n = sizeof fixed / sizeof fixed[0];
    memcpy(opts, fixed, sizeof fixed);
    dt_cli_column_options(opts + n, names, OPT_COLUMN);
    opts[n + DT_FIELD_COUNT] = (struct option){NULL, 0, NULL, 0};
}

/* Returns -1 to go on, or an exit code. */
static int parse_option(void *ctx, int c, const char *name, const char *arg)
{
    options_t *o = ctx;
    uint64_t n;
    dt_error_t err;
    if (c == OPT_STRICT || c == OPT_MAX_FIELD || c == OPT_DATE_ORDER || c == OPT_DEDUPE ||
        c == 'j' || c >= OPT_COLUMN)
        o->input_option = c == 'j' ? "jobs" : name;
    if (c == OPT_RULES) {
        int rc = -1;
        dt_cli_rules_option(&o->rules, name, arg, &rc);
        return rc;
    }
    switch (c) {
    case 'f':
        return dt_cli_outputs_option(&o->outputs, "format", arg);
    case 'o':
        return dt_cli_outputs_option(&o->outputs, "output", arg);
    case OPT_OUTPUTS:
        return dt_cli_outputs_option(&o->outputs, name, arg);
    case 'h':
        print_usage(stdout);
        return DT_EXIT_OK;
    case OPT_VERSION:
        return dt_cli_version(&o->rules);
    case OPT_TOP:
        return dt_cli_top_option(&o->top, "report", arg);
    case OPT_STUBS:
        o->stubs = true;
        return -1;
    case OPT_CONCURRENCY:
        o->tables.concurrency = true;
        return -1;
    case OPT_MAX_CONCURRENT: /* the trunk's MaxConcurrentSessions: concurrency counted */
        o->tables.concurrency = true;
        return dt_cli_limit_option(&o->limits, "report", (char *)arg);
    case OPT_GATES: {
        int rc = dt_cli_gates_option(&o->gates, "report", name, arg);
        /* a gate on the peak needs it counted */
        o->tables.concurrency |= dt_cli_gates_judge_metric(&o->gates, "concurrency");
        return rc;
    }
    case 'q':
        o->quiet = true;
        return -1;
    case OPT_STRICT:
        o->strict = true;
        return -1;
    case OPT_DATE_ORDER:
        return dt_cli_date_order_option(&o->date_order, "report", arg);
    case OPT_DEDUPE:
        o->tables.dedupe = true;
        return -1;
    case OPT_FILTER:
        if (dt_filter_add(&o->filter, name, arg, &err))
            return dt_cli_usage_error("report", "--%s: %s", name, err.msg);
        return -1;
    case OPT_DB:
        o->db = arg;
        return -1;
    case OPT_ROWS:
        if (dt_filter_parse(&o->rows, arg, &err))
            return dt_cli_usage_error("report", "--rows: %s", err.msg);
        o->rows_set = true;
        return -1;
    case OPT_BY:
        return parse_by(o, arg);
    case OPT_GROUP_BY:
        return parse_group_by(o, arg);
    case OPT_SAMPLES:
        if (!parse_size(arg, DT_SAMPLES_MAX, &n))
            return dt_cli_usage_error("report", "--samples '%s': expected a whole number from 0 to %d",
                                      arg, DT_SAMPLES_MAX);
        o->tables.samples = (size_t)n;
        return -1;
    case 'j':
        if (!parse_size(arg, DT_JOBS_MAX, &n) || n < 1)
            return dt_cli_usage_error("report", "--jobs '%s': expected a whole number from 1 to %d",
                                      arg, DT_JOBS_MAX);
        o->jobs = (unsigned)n;
        return -1;
    case OPT_MAX_FIELD:
        return dt_cli_max_field_option(&o->max_field, "report", arg);
    default:
        if (c >= OPT_COLUMN && c < OPT_COLUMN + DT_FIELD_COUNT) {
            o->overrides.column[c - OPT_COLUMN] = arg;
            return -1;
        }
        return dt_cli_usage_error("report", "invalid option");
    }
}

static int parse_args(options_t *o, int argc, char **argv)
{
    struct option longopts[40 + DT_FIELD_COUNT];
    char names[DT_FIELD_COUNT][DT_CLI_OPTION_NAME_MAX];
    build_long_options(longopts, names);
    return dt_cli_parse_options("report", argc, argv, "f:o:hqj:", longopts, parse_option, o);
}

static void print_error(const dt_error_t *err)
{
    dt_cli_error("%s", err->msg[0] ? err->msg : "out of memory");
}

/* Copies the held rows to standard output once the run succeeded. */
static dt_status_t release_rows(FILE *held, dt_error_t *err)
{
    char buf[64 * 1024];
    size_t n;
    if (fflush(held) != 0 || fseek(held, 0, SEEK_SET) != 0)
        return dt_fail(err, DT_ERR_OUTPUT, "cannot read back the selected rows");
    while ((n = fread(buf, 1, sizeof buf, held)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            break;
    if (ferror(held))
        return dt_fail(err, DT_ERR_OUTPUT, "cannot read back the selected rows");
    return dt_stream_finish(stdout, err);
}

/* Drill-down: the pipeline writes the matching rows as it reads them, to the
 * -o file (atomically, as a report) or, for standard output, to a temporary
 * file copied out when the run succeeded: exit 2 never leaves part of an
 * extract behind, wherever it goes. */
static dt_exit_t run_rows(const options_t *o, dt_pipeline_options_t *po, const dt_rules_t *rules,
                          dt_codes_t *codes, dt_aggregate_t *agg)
{
    dt_output_t out = {0};
    dt_error_t err = {{0}};
    const char *path = o->outputs.n ? o->outputs.list[0].path : NULL;
    bool to_stdout = !path || strcmp(path, "-") == 0;
    FILE *held = NULL;
    if (to_stdout) {
        int fd = dt_temp_file("drtriage-rows-XXXXXX");
        if (fd < 0 || !(held = fdopen(fd, "w+"))) {
            if (fd >= 0)
                close(fd);
            dt_cli_error("cannot hold the selected rows in a temporary file: %s",
                         strerror(errno));
            return DT_EXIT_ERROR;
        }
    } else if (dt_output_open(&out, path, &err)) {
        print_error(&err);
        return DT_EXIT_ERROR;
    }
    dt_rows_t *rows = dt_rows_new(held ? held : out.fp, to_stdout && isatty(STDOUT_FILENO));
    dt_status_t st = rows ? DT_OK : dt_fail(&err, DT_ERR_NOMEM, "out of memory");
    po->rows = &o->rows;
    po->rows_out = rows;
    if (st == DT_OK)
        st = dt_pipeline_run(po, rules, codes, agg, &err);
    dt_cli_progress_done(po->progress_ctx);
    if (st == DT_OK)
        st = held ? release_rows(held, &err) : dt_output_commit(&out, &err);
    dt_rows_free(rows);
    if (held)
        fclose(held);
    if (st) {
        if (!held)
            dt_output_abort(&out);
        print_error(&err);
        return DT_EXIT_ERROR;
    }
    dt_report_t report = {0};
    dt_report_options_t ro = {.filter = &o->filter, .rows = &o->rows};
    if (dt_report_build(&report, agg, &ro) != DT_OK) {
        dt_fail(&err, DT_ERR_NOMEM, "out of memory");
        print_error(&err);
        return DT_EXIT_ERROR;
    }
    dt_exit_t rc = report.matched_nothing ? DT_EXIT_BREACH : DT_EXIT_OK;
    if (!o->quiet || rc != DT_EXIT_OK) {
        dt_cli_warn_rejections(&report);
        if (report.matched_nothing)
            dt_cli_report_no_match(&report);
    }
    dt_report_free(&report);
    return rc;
}

static dt_exit_t run_summary(const options_t *o, const dt_pipeline_options_t *po,
                             const dt_rules_t *rules, dt_codes_t *codes, dt_aggregate_t *agg)
{
    dt_report_t report = {0};
    dt_error_t err = {{0}};
    char filters[1024] = "";
    dt_filter_describe(&o->filter, filters, sizeof filters);
    dt_status_t st = o->db ? dt_store_report(o->db, &o->filter, rules, codes, agg, &err)
                           : dt_pipeline_run(po, rules, codes, agg, &err);
    dt_cli_progress_done(po->progress_ctx);
    dt_report_options_t ro = {.top = o->top, .filters = filters[0] ? filters : NULL,
                              .auto_bucket = !o->tables.by_time && agg->options.by_time,
                              .filter = &o->filter, .show_stubs = o->stubs,
                              .limits = o->limits.list, .nlimits = o->limits.n};
    dt_cli_filter_window(&o->filter, &ro);
    unsigned char *state = NULL;
    if (st == DT_OK)
        st = dt_cli_outputs_state(&o->outputs, agg, &o->filter, ro.auto_bucket, &state,
                                  &ro.state_len, &err);
    ro.state = state;
    if (st == DT_OK && dt_report_build(&report, agg, &ro) != DT_OK)
        st = dt_fail(&err, DT_ERR_NOMEM, "out of memory");
    free(state);
    dt_exit_t rc = DT_EXIT_ERROR;
    if (st == DT_OK)
        rc = dt_cli_publish(&o->outputs, &o->gates, rules, &report, o->quiet);
    else
        print_error(&err);
    dt_report_free(&report);
    return rc;
}

/* Gates and filters on action ids the rules lack are refused before reading. */
static bool check_action_ids(const options_t *o, const dt_rules_t *rules)
{
    char what[DT_FILTER_TEXT + 32];
    if (!dt_cli_gates_known(&o->gates, rules, "report", false))
        return false;
    const dt_filter_t *filters[] = {&o->filter, &o->rows};
    for (size_t f = 0; f < 2; f++)
        for (size_t i = 0; i < filters[f]->n; i++) {
            dt_filter_describe_option(filters[f], i, what, sizeof what);
            if (filters[f]->conds[i].kind == DT_COND_ACTION &&
                !dt_cli_known_action(rules, "report", what, filters[f]->conds[i].text))
                return false;
        }
    return true;
}

/* -j's default: the online CPUs, at most DT_JOBS_DEFAULT_MAX. */
static unsigned default_jobs(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > DT_JOBS_DEFAULT_MAX ? DT_JOBS_DEFAULT_MAX : (unsigned)cpus;
}

/* DRTRIAGE_CHUNK_BYTES, for tests: small chunks, so that small files make
 * many (0: the default). */
static size_t chunk_bytes(void)
{
    const char *text = getenv("DRTRIAGE_CHUNK_BYTES");
    uint64_t n;
    return text && parse_size(text, (uint64_t)1 << 40, &n) ? (size_t)n : 0;
}

static dt_exit_t run_report(const options_t *o, char **paths, size_t npaths)
{
    dt_rules_t rules;
    dt_codes_t *codes = NULL;
    dt_aggregate_t agg = {0};
    dt_error_t err = {{0}};
    dt_exit_t rc = DT_EXIT_ERROR;
    dt_rules_init(&rules);
    dt_aggregate_options_t tables = o->tables;
    if (!tables.by_time &&
        (dt_cli_outputs_want(&o->outputs, "html") || dt_cli_outputs_want(&o->outputs, "state"))) {
        tables.by_time = true; /* the page charts a series: hourly, rolled up into days
                                  by dt_report_build when the export spans more (a state
                                  keeps it for a page made from it) */
        tables.bucket = DT_BUCKET_HOUR;
    }

    dt_cli_progress_t progress;
    dt_cli_progress_init(&progress);
    dt_pipeline_stats_t stats = {0};
    dt_pipeline_options_t po = {.paths = (const char *const *)paths, .npaths = npaths,
                                .overrides = o->overrides, .max_field = o->max_field,
                                .strict = o->strict, .date_order = o->date_order,
                                .filter = o->filter,
                                .hash_content = dt_cli_outputs_want(&o->outputs, "state"),
                                .jobs = o->jobs ? o->jobs : default_jobs(),
                                .chunk_bytes = chunk_bytes(),
                                .stats = &stats,
                                .progress = o->quiet ? NULL : dt_cli_progress_update,
                                .progress_ctx = &progress};
    if (!dt_cli_load_rules(&o->rules, &rules) || !check_action_ids(o, &rules)) {
        dt_rules_free(&rules);
        return DT_EXIT_ERROR;
    }
    if (!(codes = dt_codes_new(&rules, CODE_CACHE_CAP, &err)) ||
        dt_aggregate_init(&agg, &rules, 0) || dt_aggregate_configure(&agg, &tables) ||
        (tables.dedupe && dt_dedupe_new(&po.dedupe, &err)))
        print_error(&err);
    else if (o->rows_set)
        rc = run_rows(o, &po, &rules, codes, &agg);
    else
        rc = run_summary(o, &po, &rules, codes, &agg);
    dt_dedupe_free(po.dedupe);
    if (getenv("DRTRIAGE_CHUNK_STATS")) /* for tests (docs/drtriage.1) */
        fprintf(stderr, "drtriage: chunks %" PRIu64 ", by workers %" PRIu64 ", by the reader %" PRIu64 "\n",
                stats.chunks, stats.by_workers, stats.by_caller);
    if (agg.rules)
        dt_aggregate_free(&agg);
    dt_codes_free(codes);
    dt_rules_free(&rules);
    return rc;
}

/* With --db, the options that need exports or columns the store lacks. */
static int check_store_options(const options_t *o, int nfiles)
{
    if (nfiles)
        return dt_cli_usage_error("report", "--db reports from the store: no FILE operands");
    const char *why = o->rows_set               ? "--rows writes input rows"
                      : o->tables.ngroup_columns ? "--group-by reads input columns"
                      : o->tables.samples        ? "--samples needs correlation ids"
                      : o->tables.concurrency    ? "--concurrency and --max-concurrent need each "
                                                   "call's start and end"
                                                 : NULL;
    if (why)
        return dt_cli_usage_error("report", "--db: %s, which the store does not keep", why);
    if (o->input_option)
        return dt_cli_usage_error("report", "--db: --%s applies to exports, not to the store",
                                  o->input_option);
    return -1;
}

int dt_cli_report(int argc, char **argv)
{
    options_t *o = calloc(1, sizeof *o);
    if (!o)
        return dt_cli_error("out of memory");
    *o = (options_t){.outputs = DT_CLI_OUTPUTS_DEFAULT, .rules = DT_CLI_RULES_DEFAULT,
                     .top = DT_DEFAULT_TOP, .tables = {.metrics = true}};
    optind = 1;
    int rc = parse_args(o, argc, argv);
    if (rc < 0 && o->db)
        rc = check_store_options(o, argc - optind);
    if (rc < 0 && !o->db && optind >= argc)
        rc = dt_cli_usage_error("report", "no input files (use - to read standard input)");
    if (rc < 0)
        rc = dt_cli_stdin_once("report", argc, argv);
    for (size_t k = 0; k < o->outputs.n; k++)
        for (int i = optind; rc < 0 && i < argc; i++)
            if (dt_output_same_file(o->outputs.list[k].path, argv[i]))
                rc = dt_cli_usage_error("report", "-o '%s' is also the input '%s': the report "
                                        "would replace what it reads",
                                        o->outputs.list[k].path, argv[i]);
    if (rc < 0 && o->rows_set && o->gates.n)
        rc = dt_cli_usage_error("report", "--fail-if judges a report; --rows writes rows instead");
    if (rc < 0 && o->rows_set &&
        (o->outputs.n > 1 ||
         (o->outputs.n && o->outputs.list[0].writer && strcmp(o->outputs.list[0].writer->name, "csv"))))
        rc = dt_cli_usage_error("report", "--rows writes CSV rows to one file: -o FILE.csv");
    if (rc < 0)
        rc = dt_cli_outputs_finish(&o->outputs);
    if (rc < 0)
        rc = (int)run_report(o, argv + optind, (size_t)(argc - optind));
    free(o);
    return rc;
}
