/* dt_table.h - the report's tables as rows of typed cells, for the writers
 * that lay tables out (CSV, Excel, Markdown, HTML). Each table is one
 * section of the report (dt_report.h); its columns are named by the JSON
 * report's keys, so a reader can compare a cell with the JSON. A new column
 * is one entry in a column list in src/writers/table.c. */
#ifndef DT_TABLE_H
#define DT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_num.h"
#include "dt_report.h"

typedef enum {
    DT_CELL_NONE = 0, /* no value (JSON null): a missing code, NER without calls */
    DT_CELL_TEXT,     /* text, possibly from an input file: the writer escapes it */
    DT_CELL_UINT,     /* a count */
    DT_CELL_FIXED,    /* a number with `decimals` digits after the point (NER, shares) */
    DT_CELL_BOOL,
    DT_CELL_TIME,     /* a UTC time: epoch seconds, and text "YYYY-MM-DDTHH:MM:SSZ" */
} dt_cell_kind_t;

#define DT_CELL_TEXT_MAX 4096

typedef struct {
    dt_cell_kind_t kind;
    const char *text;  /* TEXT, TIME: NUL-terminated, valid until the next dt_table_cell */
    int64_t epoch;     /* TIME */
    uint64_t uint;
    double fixed;
    unsigned decimals;
    bool boolean;
    bool seconds;      /* UINT, FIXED: a duration in seconds, which people read as
                          "4m21s" (dt_format_duration) and machines as the number */
    bool day;          /* TIME: a day or week, which people read without the hour */
    bool partial;      /* TIME: a period the inputs cover only in part */
    char buf[DT_CELL_TEXT_MAX]; /* room for text the table builds (joined values) */
} dt_cell_t;

typedef enum {
    DT_SHOW_ALWAYS = 0, /* every writer shows it */
    DT_SHOW_DETAIL,     /* machine formats only (CSV, Excel); people can do without */
    DT_SHOW_PRESENT,    /* for people only when some row has a value (samples) */
} dt_show_t;

typedef struct {
    const char *key;   /* machine name: the JSON key, a CSV header, a Prometheus label */
    const char *title; /* heading for people */
    dt_cell_kind_t kind; /* the kind of every cell but DT_CELL_NONE ones */
    dt_show_t show;
    bool code;         /* a number that names something (SIP or Microsoft code): written
                          as plain digits, never grouped */
    const char *none;  /* what people read for a DT_CELL_NONE cell, or NULL for a dash */
} dt_column_t;

/* The tables, each of one section of the report. */
typedef enum {
    DT_TABLE_SUMMARY = 0, /* the figures of the summary and totals (DT_SECTION_TOTALS) */
    DT_TABLE_ACTIONS,
    DT_TABLE_CODES,
    DT_TABLE_SBCS,
    DT_TABLE_TIMES,
    DT_TABLE_GROUPS,
    DT_TABLE_GATES,         /* the --fail-if gates' outcomes (DT_SECTION_GATES) */
    DT_TABLE_SBC_METRICS,   /* the Health Dashboard's measures and concurrency per SBC */
    DT_TABLE_TIME_METRICS,  /* the measures per period of the time series */
    DT_TABLE_GROUP_METRICS, /* the measures per --group-by group */
    DT_TABLE_GROUP_TIMES,   /* each group's series over time */
    DT_TABLE_NOTES,         /* what the report says beside its tables: what each filter
                               matched, the rejected rows, the notes */
    DT_TABLE_INPUTS,        /* the inputs read, then those skipped */
    DT_TABLE_TREND,         /* drtriage trend: the days of the baseline and the window */
    DT_TABLE_CHANGES,       /* drtriage trend: the rises tested, ranked */
    DT_TABLE_COUNT
} dt_table_id_t;

typedef struct {
    const dt_report_t *report;
    dt_table_id_t id;
    dt_section_t section; /* the section the table belongs to */
    const char *name;   /* the --table name ("codes") */
    const char *title;  /* the section's title ("Failed calls by code") */
    size_t ncolumns, nrows;
} dt_table_t;

/* Opens table id over report (which must outlive t); false for an id out of
 * range, and for the trend's tables in a report that is not a trend's. */
bool dt_table_open(dt_table_t *t, const dt_report_t *report, dt_table_id_t id);

/* The --table name of a table ("actions", "codes", "sbc", "time", "group",
 * "gates", "metrics", "time-metrics", "group-metrics", "group-time",
 * "notes", "inputs", "summary", "trend", "changes"), or NULL. */
const char *dt_table_name(dt_table_id_t id);

/* Parses a --table name into *id; false for anything else. */
bool dt_table_parse(const char *name, dt_table_id_t *id);

/* Column col (< t->ncolumns). The group table's first columns are the
 * --group-by names, from the input: escape them too. */
dt_column_t dt_table_column(const dt_table_t *t, size_t col);

/* True when a writer for people (Markdown) lists row `row`: every row but the
 * summary's detail figures (calls in excluded rows, answered calls...), its
 * figures without a value, and its counts of what did not happen (no
 * duplicates, nothing skipped). */
bool dt_table_row_shown(const dt_table_t *t, size_t row);

/* True when a writer for people (HTML, Markdown) shows column col. */
bool dt_table_column_shown(const dt_table_t *t, size_t col);

/* Fills *cell with the value at (row, col), row < t->nrows. */
void dt_table_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *cell);

/* A TIME, UINT or FIXED cell as people read it, into buf (cap bytes,
 * DT_DATE_LABEL + 4 is enough): "Tue 2024-03-01 10:00" (without the hour
 * for a day, " *" after a partial period), "4m21s" for seconds; NULL for
 * the other cells, which the writer renders its own way. */
const char *dt_cell_label(const dt_cell_t *cell, char *buf, size_t cap);

/* A cell as plain text: "" for none, digits, the fixed number, "true" or
 * "false", or the (unescaped) text (also for TIME); buf holds DT_NUMBER_MAX bytes. */
const char *dt_cell_text(const dt_cell_t *cell, char buf[DT_NUMBER_MAX]);

#endif
