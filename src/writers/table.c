/* table.c - the report's sections as tables of typed cells (dt_table.h):
 * one column list per table, shared by every tabular writer. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dt_table.h"

/* ---- cells ---- */

static void set_text(dt_cell_t *c, const char *text)
{
    c->kind = text ? DT_CELL_TEXT : DT_CELL_NONE;
    c->text = text;
}

static void set_uint(dt_cell_t *c, uint64_t value)
{
    c->kind = DT_CELL_UINT;
    c->uint = value;
}

/* A percentage rounded to `decimals` digits, as the JSON report writes it
 * (so a spreadsheet holds the same number); none when negative (no calls). */
static void set_fixed(dt_cell_t *c, double value, unsigned decimals)
{
    double scale = pow(10, decimals);
    c->kind = value < 0 ? DT_CELL_NONE : DT_CELL_FIXED;
    c->fixed = round(value * scale) / scale;
    c->decimals = decimals;
}

static void set_bool(dt_cell_t *c, bool value)
{
    c->kind = DT_CELL_BOOL;
    c->boolean = value;
}

static double share(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : -1.0;
}

const char *dt_cell_text(const dt_cell_t *cell, char buf[DT_NUMBER_MAX])
{
    switch (cell->kind) {
    case DT_CELL_TEXT:
    case DT_CELL_TIME: return cell->text ? cell->text : "";
    case DT_CELL_UINT: snprintf(buf, DT_NUMBER_MAX, "%" PRIu64, cell->uint); return buf;
    case DT_CELL_FIXED: return dt_format_fixed(buf, cell->fixed, cell->decimals);
    case DT_CELL_BOOL: return cell->boolean ? "true" : "false";
    case DT_CELL_NONE: break;
    }
    return "";
}

/* ---- the summary: one row per figure, keyed by its place in the JSON ---- */

typedef struct {
    const char *key, *title;
    void (*get)(const dt_report_t *r, dt_cell_t *c);
} figure_t;

#define TOTAL(name, field)                                                 \
    static void name(const dt_report_t *r, dt_cell_t *c)                   \
    {                                                                      \
        set_uint(c, r->totals.field);                                      \
    }
TOTAL(get_rows, rows)
TOTAL(get_call_rows, call_rows)
TOTAL(get_duplicates, duplicates)
TOTAL(get_calls, counts.calls)
TOTAL(get_succeeded, counts.succeeded)
TOTAL(get_failed, counts.failed)
TOTAL(get_rejected, rejected)
TOTAL(get_excluded, excluded)
TOTAL(get_failed_sbc, counts.failed_by_origin[DT_ORIGIN_SBC])
TOTAL(get_failed_microsoft, counts.failed_by_origin[DT_ORIGIN_MICROSOFT])
TOTAL(get_failed_unknown, counts.failed_by_origin[DT_ORIGIN_UNKNOWN])
#undef TOTAL

static void get_expected(const dt_report_t *r, dt_cell_t *c)
{
    set_uint(c, dt_counts_expected(&r->totals.counts));
}

static void get_ner(const dt_report_t *r, dt_cell_t *c)
{
    set_fixed(c, dt_ner_percent(r->totals.counts.effective, r->totals.counts.calls), 2);
}

/* The first and last dated bucket of the time series. */
static const dt_keyed_row_t *series_end(const dt_report_t *r, bool last)
{
    for (size_t i = 0; i < r->ntimes; i++) {
        const dt_keyed_row_t *row = r->times[last ? r->ntimes - 1 - i : i];
        if (!row->other)
            return row;
    }
    return NULL;
}

static void get_first(const dt_report_t *r, dt_cell_t *c)
{
    const dt_keyed_row_t *row = series_end(r, false);
    set_text(c, row ? row->name : NULL);
}

static void get_last(const dt_report_t *r, dt_cell_t *c)
{
    const dt_keyed_row_t *row = series_end(r, true);
    set_text(c, row ? row->name : NULL);
}

static void get_filters(const dt_report_t *r, dt_cell_t *c)
{
    set_text(c, r->filters);
}

static const figure_t figures[] = {
    {"totals.rows", "Rows read", get_rows},
    {"totals.call_rows", "Rows counted as calls", get_call_rows},
    {"totals.calls", "Calls analysed", get_calls},
    {"totals.succeeded", "Succeeded", get_succeeded},
    {"totals.failed", "Failed", get_failed},
    {"totals.failed_expected", "Expected endings (not faults)", get_expected},
    {"totals.ner", "NER %", get_ner},
    {"by_origin.sbc", "Failed, SBC origin", get_failed_sbc},
    {"by_origin.microsoft", "Failed, Microsoft origin", get_failed_microsoft},
    {"by_origin.unknown", "Failed, unknown origin", get_failed_unknown},
    {"totals.rejected", "Rows rejected", get_rejected},
    {"totals.excluded", "Rows excluded (filters, non-PSTN streams)", get_excluded},
    {"totals.duplicates", "Duplicate rows dropped (--dedupe)", get_duplicates},
    {"by_time.first", "First period (UTC)", get_first},
    {"by_time.last", "Last period (UTC)", get_last},
    {"filters", "Filters", get_filters},
};
#define NFIGURES (sizeof figures / sizeof figures[0])

static const dt_column_t summary_columns[] = {
    {"key", "Key", DT_CELL_TEXT, DT_SHOW_DETAIL, false, NULL},
    {"metric", "Metric", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"value", "Value", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
};

static void summary_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    if (col == 0)
        set_text(c, figures[row].key);
    else if (col == 1)
        set_text(c, figures[row].title);
    else
        figures[row].get(t->report, c);
}

/* ---- actions ---- */

static const dt_column_t action_columns[] = {
    {"action", "Action", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"title", "What to do", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"owner", "Owner", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"expected", "Expected ending", DT_CELL_BOOL, DT_SHOW_DETAIL, false, NULL},
    {"failed", "Failed calls", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"share", "% of failed", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
};

static void action_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c)
{
    const dt_report_t *r = t->report;
    const dt_action_row_t *a = &r->actions[row];
    const dt_action_t *rule = dt_report_action(r, a->action);
    switch (col) {
    case 0: set_text(c, dt_report_action_id(r, a->action)); break;
    case 1: set_text(c, rule ? rule->title : NULL); break;
    case 2: set_text(c, rule ? dt_owner_name(rule->owner) : NULL); break;
    case 3: set_bool(c, rule && rule->expected); break;
    case 4: set_uint(c, a->failed); break;
    default: set_fixed(c, share(a->failed, r->totals.counts.failed), 1);
    }
}

/* ---- codes ---- */

static const dt_column_t code_columns[] = {
    {"sip", "SIP", DT_CELL_UINT, DT_SHOW_ALWAYS, true, NULL},
    {"ms", "Microsoft code", DT_CELL_UINT, DT_SHOW_ALWAYS, true, NULL},
    {"phrase", "Phrase", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"origin", "Origin", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"action", "Action", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL},
    {"known", "Documented", DT_CELL_BOOL, DT_SHOW_DETAIL, false, NULL},
    {"level", "Matched by", DT_CELL_TEXT, DT_SHOW_DETAIL, false, NULL},
    {"failed", "Failed calls", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"samples", "Sample correlation ids", DT_CELL_TEXT, DT_SHOW_PRESENT, false, NULL},
};

#define OTHER_CODES_LABEL "(other codes, beyond the table limit)"

/* The row's sample correlation ids, separated by spaces. */
static void join_samples(const dt_code_row_t *row, dt_cell_t *c)
{
    size_t n = 0;
    c->buf[0] = '\0';
    for (size_t i = 0; i < row->nsamples && n + 1 < sizeof c->buf; i++) {
        int k = snprintf(c->buf + n, sizeof c->buf - n, "%s%s", i ? " " : "",
                         row->samples[i].correlation ? row->samples[i].correlation : "");
        n += k > 0 ? (size_t)k : 0;
    }
    set_text(c, row->nsamples ? c->buf : NULL);
}

static void code_cell(const dt_table_t *t, size_t row_index, size_t col, dt_cell_t *c)
{
    const dt_report_t *r = t->report;
    const dt_code_row_t *row = r->codes[row_index];
    c->kind = DT_CELL_NONE;
    switch (col) {
    case 0: if (!row->other && row->key.has_sip) set_uint(c, row->key.sip); break;
    case 1: if (!row->other && row->key.has_ms) set_uint(c, row->key.ms); break;
    case 2: set_text(c, row->other ? OTHER_CODES_LABEL : dt_report_code_phrase(r, row)); break;
    case 3: if (!row->other) set_text(c, dt_origin_name(row->match.origin)); break;
    case 4: if (!row->other) set_text(c, dt_report_action_id(r, row->match.action)); break;
    case 5: set_bool(c, !row->other && row->match.known); break;
    case 6: if (!row->other) set_text(c, dt_match_level_name(row->match.level)); break;
    case 7: set_uint(c, row->failed); break;
    default: join_samples(row, c);
    }
}

/* ---- SBCs, times, groups: keyed rows with the same counts ---- */

static const dt_column_t count_columns[] = {
    {"calls", "Calls", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"succeeded", "Succeeded", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"failed", "Failed", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"failed_sbc", "Failed (SBC)", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"failed_microsoft", "Failed (Microsoft)", DT_CELL_UINT, DT_SHOW_ALWAYS, false, NULL},
    {"failed_unknown", "Failed (unknown)", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"effective", "Effective", DT_CELL_UINT, DT_SHOW_DETAIL, false, NULL},
    {"ner", "NER %", DT_CELL_FIXED, DT_SHOW_ALWAYS, false, NULL},
};
#define NCOUNTS (sizeof count_columns / sizeof count_columns[0])

static void count_cell(const dt_keyed_row_t *row, size_t col, dt_cell_t *c)
{
    const dt_counts_t *k = &row->counts;
    switch (col) {
    case 0: set_uint(c, k->calls); break;
    case 1: set_uint(c, k->succeeded); break;
    case 2: set_uint(c, k->failed); break;
    case 3: set_uint(c, k->failed_by_origin[DT_ORIGIN_SBC]); break;
    case 4: set_uint(c, k->failed_by_origin[DT_ORIGIN_MICROSOFT]); break;
    case 5: set_uint(c, k->failed_by_origin[DT_ORIGIN_UNKNOWN]); break;
    case 6: set_uint(c, k->effective); break;
    default: set_fixed(c, dt_ner_percent(k->effective, k->calls), 2);
    }
}

static const dt_keyed_row_t *const *keyed_rows(const dt_report_t *r, dt_table_id_t id)
{
    return id == DT_TABLE_SBCS ? r->sbcs : id == DT_TABLE_TIMES ? r->times : r->groups;
}

/* Key columns before the counts: one for SBCs and times, one per --group-by column. */
static size_t key_columns(const dt_table_t *t)
{
    return t->id == DT_TABLE_GROUPS ? t->report->ngroup_columns : 1;
}

/* The group row's value for column `col`: the col-th field of its name. */
static void group_value(const dt_keyed_row_t *row, size_t col, dt_cell_t *c)
{
    const char *p = row->name ? row->name : "";
    for (size_t i = 0; i < col && p; i++) {
        p = strchr(p, DT_GROUP_SEPARATOR);
        p = p ? p + 1 : NULL;
    }
    if (!p) {
        set_text(c, "");
        return;
    }
    size_t len = strcspn(p, (char[]){DT_GROUP_SEPARATOR, '\0'});
    if (len >= sizeof c->buf)
        len = sizeof c->buf - 1;
    memcpy(c->buf, p, len);
    c->buf[len] = '\0';
    set_text(c, c->buf);
}

static void keyed_cell(const dt_table_t *t, size_t row_index, size_t col, dt_cell_t *c)
{
    const dt_keyed_row_t *row = keyed_rows(t->report, t->id)[row_index];
    size_t keys = key_columns(t);
    if (col >= keys) {
        count_cell(row, col - keys, c);
        return;
    }
    if (row->other)
        set_text(c, col == 0 ? "(other, beyond the table limit)" : "");
    else if (t->id == DT_TABLE_GROUPS)
        group_value(row, col, c);
    else if (t->id == DT_TABLE_SBCS && !*row->name)
        set_text(c, NULL);
    else
        set_text(c, row->name);
    if (t->id == DT_TABLE_TIMES && !row->other) {
        c->kind = DT_CELL_TIME;
        c->epoch = row->start;
    }
}

/* ---- the tables ---- */

typedef struct {
    dt_table_id_t id;
    dt_section_t section;
    const char *name;
    const dt_column_t *columns; /* NULL for keyed tables: key columns + count_columns */
    size_t ncolumns;
    void (*cell)(const dt_table_t *t, size_t row, size_t col, dt_cell_t *c);
} table_def_t;

#define COLUMNS(list) list, sizeof list / sizeof list[0]
static const table_def_t tables[] = {
    {DT_TABLE_SUMMARY, DT_SECTION_TOTALS, "summary", COLUMNS(summary_columns), summary_cell},
    {DT_TABLE_ACTIONS, DT_SECTION_ACTIONS, "actions", COLUMNS(action_columns), action_cell},
    {DT_TABLE_CODES, DT_SECTION_CODES, "codes", COLUMNS(code_columns), code_cell},
    {DT_TABLE_SBCS, DT_SECTION_SBCS, "sbc", NULL, 0, keyed_cell},
    {DT_TABLE_TIMES, DT_SECTION_TIMES, "time", NULL, 0, keyed_cell},
    {DT_TABLE_GROUPS, DT_SECTION_GROUPS, "group", NULL, 0, keyed_cell},
};
#undef COLUMNS
#define NTABLES (sizeof tables / sizeof tables[0])

_Static_assert(NTABLES == DT_TABLE_COUNT, "one definition per table, in dt_table_id_t order");

static const table_def_t *find_def(dt_table_id_t id)
{
    return (unsigned)id < NTABLES ? &tables[id] : NULL;
}

const char *dt_table_name(dt_table_id_t id)
{
    const table_def_t *def = find_def(id);
    return def ? def->name : NULL;
}

bool dt_table_parse(const char *name, dt_table_id_t *id)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (strcmp(tables[i].name, name) == 0) {
            *id = tables[i].id;
            return true;
        }
    return false;
}

bool dt_table_open(dt_table_t *t, const dt_report_t *report, dt_table_id_t id)
{
    const table_def_t *def = find_def(id);
    if (!def)
        return false;
    *t = (dt_table_t){.report = report, .id = id, .section = def->section, .name = def->name,
                      .title = dt_sections[def->section].title};
    switch (id) {
    case DT_TABLE_SUMMARY: t->nrows = NFIGURES; break;
    case DT_TABLE_ACTIONS: t->nrows = report->nactions; break;
    case DT_TABLE_CODES: t->nrows = report->ncodes; break;
    case DT_TABLE_SBCS: t->nrows = report->nsbcs; break;
    case DT_TABLE_TIMES: t->nrows = report->ntimes; break;
    default: t->nrows = report->ngroups; break;
    }
    t->ncolumns = def->columns ? def->ncolumns : key_columns(t) + NCOUNTS;
    return true;
}

dt_column_t dt_table_column(const dt_table_t *t, size_t col)
{
    const table_def_t *def = find_def(t->id);
    if (def->columns)
        return def->columns[col];
    size_t keys = key_columns(t);
    if (col >= keys)
        return count_columns[col - keys];
    switch (t->id) {
    case DT_TABLE_SBCS: return (dt_column_t){"sbc", "SBC", DT_CELL_TEXT, DT_SHOW_ALWAYS, false, "(no SBC)"};
    case DT_TABLE_TIMES: return (dt_column_t){"start", "Period start (UTC)", DT_CELL_TIME, DT_SHOW_ALWAYS, false, NULL};
    default: {
        const char *name = t->report->group_columns[col];
        return (dt_column_t){name, name, DT_CELL_TEXT, DT_SHOW_ALWAYS, false, NULL};
    }
    }
}

bool dt_table_column_shown(const dt_table_t *t, size_t col)
{
    dt_column_t column = dt_table_column(t, col);
    if (column.show != DT_SHOW_PRESENT)
        return column.show == DT_SHOW_ALWAYS;
    dt_cell_t cell;
    for (size_t row = 0; row < t->nrows; row++) {
        dt_table_cell(t, row, col, &cell);
        if (cell.kind != DT_CELL_NONE)
            return true;
    }
    return false;
}

void dt_table_cell(const dt_table_t *t, size_t row, size_t col, dt_cell_t *cell)
{
    cell->kind = DT_CELL_NONE;
    cell->text = NULL;
    find_def(t->id)->cell(t, row, col, cell);
}
