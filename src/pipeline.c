/* pipeline.c - drives sources -> reader -> schema -> classify -> aggregate.
 *
 * The reader keeps a record's cells in slots: slot f holds field f, and
 * slots from DT_FIELD_COUNT on hold the --group-by columns, then the --where
 * columns (a column already kept for a field shares its slot). For drill-down
 * (--rows) every column is kept instead, and a view by field is built per
 * record, so the original row can be written out.
 *
 * Every input's start times are read: they give its time range (the report
 * names inputs that overlap), and the time filters and --by use them. The
 * order of day and month in an input's culture dates is decided from its
 * data (dt_date_order.h). Where dates matter to the counts (a time filter,
 * --by, --concurrency, --samples), from the first ambiguous date until a
 * value decides, calls are held back in a spool file and replayed in order
 * once the order is known, or at the end of the input, so that they count
 * exactly as if it had been known from the start. Otherwise nothing waits:
 * the range is kept for each order an ambiguous date could be read in, and
 * the input's order picks one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_classify.h"
#include "dt_date_order.h"
#include "dt_merge.h"
#include "dt_num.h"
#include "dt_parallel.h"
#include "dt_pipeline.h"
#include "dt_reader.h"
#include "dt_rows.h"
#include "dt_source.h"
#include "dt_spool.h"

#define GROUP_KEY_MAX 1024
#define DURATION_MAX (31 * 86400) /* a longer "duration" is not one a call can have */
#define SKIP_NOTES_MAX 8 /* skipped inputs named one by one; more are counted by kind */
#define EXAMPLE_MAX 48 /* bytes of a cell value quoted in a note */
#define SENTINEL_YEAR "0001" /* the year of the "no value" date */
#define SENTINEL_YEAR_LEN (sizeof SENTINEL_YEAR - 1)

/* The earliest and latest start time seen. */
typedef struct {
    bool has;
    int64_t first, last;
} span_t;

typedef struct {
    const dt_pipeline_options_t *options;
    const dt_rules_t *rules;
    dt_codes_t *codes;
    dt_aggregate_t *agg;
    dt_reader_t *reader;
    const char *path;
    dt_schema_t schema;
    bool have_header;
    bool keep_all;                  /* drill-down: all columns kept, slot = column */
    bool need_time;
    char delimiter;                 /* the input's, known from its header */
    dt_date_order_state_t dates;    /* the input's day/month order (learnt from every input) */
    span_t span[DT_ORDER_COUNT];    /* its start times, if its culture dates are read in that order */
    dt_spool_t *held;               /* calls held until that order is known (or NULL) */
    dt_rows_t *rows_out;            /* drill-down rows go here (a chunk's: a part of its own) */
    uint32_t stream_fields;         /* [non-pstn] family: a row blank in all of these is no call */
    uint32_t measure_fields;        /* the fields the Health Dashboard's measures read here */
    bool duration_column;           /* a duration column (else end - start) */
    bool in_archive;                /* the source is an archive member */
    bool header_seen;               /* the reader delivered the header line */
    const char *skip_kind;          /* set when the source turns out to be a file to skip ... */
    const char *skip_reason;        /* ... and why */
    char skip_text[DT_ERROR_MAX + 32]; /* a reason made up here */
    bool need_direction;            /* a report filter has --direction */
    uint64_t undirected;            /* calls --direction kept: direction unknown */
    char undirected_example[EXAMPLE_MAX]; /* the first such call's call type */
    uint64_t participants;          /* calls counted from rows of participants that are
                                       not a PSTN leg ([values endpoint]) */
    char participant_example[EXAMPLE_MAX]; /* the first such row's endpoint type */
    char endpoint_column[EXAMPLE_MAX];     /* the endpoint type's header name */
    size_t group_slot[DT_GROUP_COLUMNS_MAX];
    size_t where_slot[DT_WHERE_MAX];
    dt_slice_t view[DT_FIELD_COUNT];
    char group_key[GROUP_KEY_MAX];
} run_t;

/* Keeps a cell's value, cut to fit, as the example a note quotes. */
static void example(char out[EXAMPLE_MAX], dt_slice_t cell)
{
    snprintf(out, EXAMPLE_MAX, "%.*s", (int)(cell.len < EXAMPLE_MAX - 1 ? cell.len : EXAMPLE_MAX - 1),
             cell.ptr);
}

/* Finds each of the columns an option names in the header; DT_ERR_INPUT
 * naming a missing one and the headers there are, closest first. */
static dt_status_t find_columns(const run_t *run, const dt_record_t *header, const char *option,
                                const char *const *names, size_t n, size_t *column,
                                dt_error_t *err)
{
    for (size_t k = 0; k < n; k++) {
        column[k] = dt_schema_find(header->cells, header->ncells, names[k]);
        if (column[k] == DT_NO_COLUMN) {
            char found[DT_ERROR_MAX / 2];
            dt_schema_suggest(header->cells, header->ncells, names[k], found, sizeof found);
            return dt_fail(err, DT_ERR_INPUT,
                           "%s:1: %s column '%s' is not in the header; the headers, closest "
                           "first: %s",
                           run->path, option, names[k], found);
        }
    }
    return DT_OK;
}

/* A filter condition that reads fields this input lacks cannot match any of
 * its calls: DT_ERR_INPUT naming the condition and the fields. */
static dt_status_t check_judgeable(const run_t *run, const dt_record_t *header,
                                   const dt_filter_t *filter, dt_error_t *err)
{
    uint32_t present = 0;
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        if (run->schema.column[f] != DT_NO_COLUMN)
            present |= 1u << f;
    size_t i = dt_filter_unjudgeable(filter, present);
    if (i == SIZE_MAX)
        return DT_OK;
    char option[DT_FILTER_TEXT + 32], fields[128] = "", names[160] = "", found[DT_ERROR_MAX / 2];
    uint32_t want = dt_cond_fields(&filter->conds[i]);
    const char *first = NULL;
    size_t n = 0, m = 0;
    for (size_t f = 0; f < DT_FIELD_COUNT; f++) {
        if (!(want & 1u << f))
            continue;
        const char *name = dt_field_name((dt_field_t)f);
        first = first ? first : name;
        n += (size_t)snprintf(fields + n, sizeof fields - n, "%s%s", n ? " or " : "", name);
        m += (size_t)snprintf(names + m, sizeof names - m, "%s--%s-column", m ? " or " : "",
                              name);
    }
    dt_filter_describe_option(filter, i, option, sizeof option);
    dt_schema_suggest(header->cells, header->ncells, first, found, sizeof found);
    return dt_fail(err, DT_ERR_INPUT,
                   "%s:1: %s cannot be judged: the file has no %s column (%s NAME names one); "
                   "the headers, closest first: %s",
                   run->path, option, fields, names, found);
}

/* Whether a field's column has to be kept: the fields the aggregate's tables
 * and the filters read, and for drill-down what the row filter reads. Every
 * dropped column is a field libcsv's callback can skip at once, which is most
 * of the per-row cost. */
static bool field_needed(const run_t *run, dt_field_t field)
{
    const dt_pipeline_options_t *o = run->options;
    uint32_t fields = dt_aggregate_fields(run->agg) | dt_filter_fields(&o->filter) |
                      (o->rows ? dt_filter_fields(o->rows) : 0);
    /* Always: the count, the start time (an input's time range, the filters,
     * the series), the non-PSTN test, the endpoint type (which participants
     * are counted); with --dedupe, a call's key. */
    fields |= 1u << DT_FIELD_WEIGHT | 1u << DT_FIELD_START | 1u << DT_FIELD_INVITE |
              1u << DT_FIELD_ENDPOINT | run->stream_fields;
    if (o->dedupe)
        fields |= 1u << DT_FIELD_CORRELATION | 1u << DT_FIELD_CALL_TYPE;
    return (fields | run->measure_fields) & 1u << field;
}

#define FIELD_BIT(f) (1u << (f))

/* Decides once per input, from its header, where the measures come from: the
 * duration column, else end - start; time to failure = failure - invite
 * (else start); a session from invite (else start) to end (else failure,
 * else start + duration). Sets the fields to keep for them. */
static void plan_measures(run_t *run)
{
    const dt_aggregate_options_t *o = &run->agg->options;
    const size_t *column = run->schema.column;
    run->duration_column = column[DT_FIELD_DURATION] != DT_NO_COLUMN;
    /* a call's first time: the invite column, else the start column */
    uint32_t begin = column[DT_FIELD_INVITE] != DT_NO_COLUMN ? FIELD_BIT(DT_FIELD_INVITE)
                                                              : FIELD_BIT(DT_FIELD_START);
    uint32_t f = 0;
    if (o->metrics || o->concurrency)
        f |= run->duration_column ? FIELD_BIT(DT_FIELD_DURATION)
                                  : FIELD_BIT(DT_FIELD_START) | FIELD_BIT(DT_FIELD_END);
    if (o->metrics)
        f |= FIELD_BIT(DT_FIELD_FAILURE) | begin;
    if (o->concurrency)
        f |= begin | FIELD_BIT(DT_FIELD_END) | FIELD_BIT(DT_FIELD_FAILURE);
    run->measure_fields = f;
}

/* Gives each of n extra columns a slot: the slot its column already has, or
 * the next free one from *next. */
static void extra_slots(int *slot_of_column, const size_t *column, size_t n, size_t *slot,
                        size_t *next)
{
    for (size_t k = 0; k < n; k++) {
        int used = slot_of_column[column[k]];
        slot[k] = used >= 0 ? (size_t)used : (*next)++;
        slot_of_column[column[k]] = (int)slot[k];
    }
}

/* Tells the reader which columns to keep, in which slots. */
static dt_status_t keep_columns(run_t *run, const size_t group_column[],
                                const size_t where_column[], dt_error_t *err)
{
    size_t ncolumns = run->schema.ncolumns;
    size_t ngroups = run->agg->options.ngroup_columns, nwhere = run->options->filter.nwhere;
    if (run->keep_all) {
        memcpy(run->group_slot, group_column, ngroups * sizeof *group_column);
        memcpy(run->where_slot, where_column, nwhere * sizeof *where_column);
        return DT_OK;
    }
    int *slot_of_column = malloc((ncolumns ? ncolumns : 1) * sizeof *slot_of_column);
    if (!slot_of_column)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < ncolumns; c++)
        slot_of_column[c] = -1;
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        if (run->schema.column[f] != DT_NO_COLUMN && field_needed(run, (dt_field_t)f))
            slot_of_column[run->schema.column[f]] = (int)f;
    size_t next = DT_FIELD_COUNT;
    extra_slots(slot_of_column, group_column, ngroups, run->group_slot, &next);
    extra_slots(slot_of_column, where_column, nwhere, run->where_slot, &next);
    dt_status_t st = dt_reader_keep(run->reader, slot_of_column, ncolumns, next);
    free(slot_of_column);
    return st ? dt_fail(err, st, "out of memory") : DT_OK;
}

/* What the schema means for the rows to come: a count column weights them,
 * a [non-pstn] family has stream rows to leave out, and --dedupe needs a
 * correlation id. */
static dt_status_t note_schema(run_t *run, const dt_record_t *header)
{
    const dt_schema_t *schema = &run->schema;
    size_t count = schema->column[DT_FIELD_WEIGHT];
    if (count != DT_NO_COLUMN &&
        dt_aggregate_set_count_column(run->agg, header->cells[count].ptr, header->cells[count].len))
        return DT_ERR_NOMEM;
    size_t endpoint = schema->column[DT_FIELD_ENDPOINT];
    run->endpoint_column[0] = '\0';
    if (endpoint != DT_NO_COLUMN)
        example(run->endpoint_column, header->cells[endpoint]);
    run->stream_fields = 0;
    if (schema->family < DT_FAMILY_COUNT && run->rules->non_pstn[schema->family])
        for (size_t f = 0; f < DT_FIELD_COUNT; f++)
            if (f != DT_FIELD_WEIGHT && schema->column[f] != DT_NO_COLUMN)
                run->stream_fields |= 1u << f;
    if (run->options->dedupe && schema->column[DT_FIELD_CORRELATION] == DT_NO_COLUMN)
        dt_aggregate_note(run->agg,
                          "%s: no correlation id column, so --dedupe cannot tell a repeated call "
                          "from another with the same codes: none of its rows was checked",
                          run->path);
    return DT_OK;
}

/* Whether a header without code columns belongs to a file to skip rather
 * than refuse: one the rules know to hold no call records, or any file
 * packed in an archive next to the export. Sets run->skip_kind and _reason. */
static bool header_skipped(run_t *run)
{
    const dt_schema_t *schema = &run->schema;
    if (!schema->no_code_columns)
        return false;
    if (schema->skip) {
        run->skip_kind = schema->skip->id;
        run->skip_reason = schema->skip->reason;
    } else if (run->in_archive) {
        run->skip_kind = "unrecognised";
        run->skip_reason = "no SIP or Microsoft code column: not a call-record export";
    }
    return run->skip_kind != NULL;
}

/* The header decides the schema; from then on the reader keeps only the
 * columns it needs. */
static dt_status_t on_header(run_t *run, const dt_record_t *record, dt_error_t *err)
{
    run->header_seen = true;
    dt_status_t st = dt_schema_build(&run->schema, run->rules, &run->options->overrides,
                                     run->path, record->cells, record->ncells, err);
    if (st && header_skipped(run))
        return st; /* stops the reader; run_source records the skip */
    const dt_aggregate_options_t *tables = &run->agg->options;
    const dt_filter_t *filter = &run->options->filter;
    const char *where_names[DT_WHERE_MAX];
    size_t group_column[DT_GROUP_COLUMNS_MAX], where_column[DT_WHERE_MAX];
    for (size_t k = 0; k < filter->nwhere; k++)
        where_names[k] = dt_filter_where_column(filter, k);
    if (st == DT_OK)
        st = check_judgeable(run, record, filter, err);
    if (st == DT_OK && run->options->rows)
        st = check_judgeable(run, record, run->options->rows, err);
    if (st == DT_OK)
        st = find_columns(run, record, "--group-by", tables->group_columns,
                          tables->ngroup_columns, group_column, err);
    if (st == DT_OK)
        st = find_columns(run, record, "--where", where_names, filter->nwhere, where_column, err);
    if (st)
        return st;
    run->have_header = true;
    dt_date_order_begin(&run->dates, run->options->date_order);
    run->delimiter = dt_reader_delimiter(run->reader);
    dt_aggregate_set_format(run->agg, run->schema.family, run->delimiter);
    if (run->schema.duplicate_note[0])
        dt_aggregate_note(run->agg, "%s: %s", run->path, run->schema.duplicate_note);
    if (run->schema.limit_note[0])
        dt_aggregate_note(run->agg, "%s: %s", run->path, run->schema.limit_note);
    if ((st = note_schema(run, record)))
        return st;
    char note[DT_SCHEMA_NOTE_MAX];
    if (run->agg->options.by_time &&
        dt_schema_start_note(&run->schema, record->cells, record->ncells, note, sizeof note))
        dt_aggregate_note(run->agg, "%s: %s", run->path, note);
    if (run->keep_all && (st = dt_rows_begin(run->options->rows_out, run->path, record, err)))
        return st;
    plan_measures(run);
    return keep_columns(run, group_column, where_column, err);
}

/* In drill-down mode, a record viewed by field slot. */
static dt_record_t field_view(run_t *run, const dt_record_t *record)
{
    for (size_t f = 0; f < DT_FIELD_COUNT; f++) {
        size_t c = run->schema.column[f];
        run->view[f] = c < record->ncells ? record->cells[c] : (dt_slice_t){NULL, 0};
    }
    dt_record_t view = *record;
    view.cells = run->view;
    view.ncells = DT_FIELD_COUNT;
    return view;
}

/* Joins the --group-by values of a record into run->group_key. */
static dt_slice_t group_key(run_t *run, const dt_record_t *record)
{
    size_t n = 0;
    for (size_t k = 0; k < run->agg->options.ngroup_columns; k++) {
        dt_slice_t v = dt_record_cell(record, run->group_slot[k]);
        if (k && n < GROUP_KEY_MAX)
            run->group_key[n++] = DT_GROUP_SEPARATOR;
        for (size_t i = 0; i < v.len && n < GROUP_KEY_MAX; i++)
            run->group_key[n++] = v.ptr[i] == DT_GROUP_SEPARATOR ? ' ' : v.ptr[i];
    }
    return (dt_slice_t){run->group_key, n};
}

/* Reads the time in a field's cell in the input's date order; false when it
 * is empty or unreadable. While the order is unknown (the run does not track
 * it: no time filter, --by or --concurrency) an ambiguous culture date is
 * read in its form's likely order: the measures that read only these cells
 * take differences of two times of one call, which do not depend on it. */
static bool cell_time(const run_t *run, const dt_record_t *fields, dt_field_t field,
                      int64_t *out)
{
    dt_slice_t cell = dt_record_cell(fields, field);
    if (!cell.len)
        return false;
    dt_date_shape_t shape;
    dt_date_status_t st = dt_date_read(cell.ptr, cell.len, run->dates.order, out, &shape);
    if (st == DT_DATE_AMBIGUOUS)
        st = dt_date_read(cell.ptr, cell.len, shape.likely, out, NULL);
    return st == DT_DATE_OK;
}

/* The call's first time: its INVITE, else its start. */
static bool begin_time(const run_t *run, const dt_record_t *fields, int64_t *out)
{
    return cell_time(run, fields, DT_FIELD_INVITE, out) ||
           cell_time(run, fields, DT_FIELD_START, out);
}

/* An answered call's duration: the duration column, else end - start. */
static bool talk_time(const run_t *run, const dt_record_t *fields, uint64_t *seconds)
{
    if (run->duration_column) {
        dt_slice_t cell = dt_record_cell(fields, DT_FIELD_DURATION);
        return dt_parse_code(cell.ptr, cell.len, seconds, NULL) && *seconds <= DURATION_MAX;
    }
    int64_t start, end;
    if (!cell_time(run, fields, DT_FIELD_START, &start) ||
        !cell_time(run, fields, DT_FIELD_END, &end) ||
        end < start || end - start > DURATION_MAX)
        return false;
    *seconds = (uint64_t)(end - start);
    return true;
}

/* The Health Dashboard's measures of a call, as far as its cells tell them;
 * each time is read only when a measure needs it. */
static void call_measures(const run_t *run, const dt_record_t *fields, const dt_call_t *call,
                          dt_call_extra_t *extra)
{
    const dt_aggregate_options_t *o = &run->agg->options;
    if (call->succeeded)
        extra->has_duration = talk_time(run, fields, &extra->duration);
    int64_t begin = 0, failure = 0;
    bool has_failure = !call->succeeded && cell_time(run, fields, DT_FIELD_FAILURE, &failure);
    bool has_begin = (has_failure || o->concurrency) && begin_time(run, fields, &begin);
    if (o->metrics && has_failure && has_begin && failure >= begin) {
        extra->has_to_failure = true;
        extra->to_failure = (uint64_t)(failure - begin);
    }
    if (!o->concurrency || !has_begin)
        return;
    extra->has_span = true;
    extra->span_start = extra->span_end = begin;
    if (cell_time(run, fields, DT_FIELD_END, &extra->span_end))
        return;
    if (has_failure)
        extra->span_end = failure;
    else if (extra->has_duration)
        extra->span_end = begin + (int64_t)extra->duration;
}

static bool holding(const run_t *run)
{
    return run->held && dt_spool_count(run->held) > 0;
}

static void widen(span_t *span, int64_t t)
{
    if (!span->has || t < span->first)
        span->first = t;
    if (!span->has || t > span->last)
        span->last = t;
    span->has = true;
}

/* A start time read whatever the order (a fixed form, or the order known). */
static void widen_all(run_t *run, int64_t t)
{
    for (int order = DT_ORDER_DMY; order < DT_ORDER_COUNT; order++)
        widen(&run->span[order], t);
}

/* Where no count depends on dates: the order is learnt all the same (for the
 * range, the notes and the summary), but no row waits for it; a date the
 * order is not known for yet widens the span of each order it reads in. */
static void learn_time(run_t *run, dt_slice_t start, uint64_t line)
{
    int64_t t;
    dt_date_status_t status;
    if (dt_date_order_read(&run->dates, start.ptr, start.len, line, false, &t, &status) ==
        DT_DATE_USE) {
        if (status == DT_DATE_OK)
            widen_all(run, t);
        return;
    }
    for (int order = DT_ORDER_DMY; order < DT_ORDER_COUNT; order++)
        if (dt_date_read(start.ptr, start.len, (dt_date_order_t)order, &t, NULL) == DT_DATE_OK)
            widen(&run->span[order], t);
}

/* Whether a cell holds a year-1 date, the sentinel Graph writes for a time it
 * has not (0001-01-01T00:00:00Z; 1/1/0001 12:00:00 AM once PowerShell 7 wrote
 * it in a culture). Only a cell with "0001" in it is parsed. */
static bool sentinel_date(dt_slice_t cell)
{
    for (size_t i = 0; i + SENTINEL_YEAR_LEN <= cell.len; i++)
        if (memcmp(cell.ptr + i, SENTINEL_YEAR, SENTINEL_YEAR_LEN) == 0) {
            int64_t t;
            return dt_date_read(cell.ptr, cell.len, DT_ORDER_NONE, &t, NULL) == DT_DATE_EMPTY;
        }
    return false;
}

/* The call's start time as written: the start column, else, when that is
 * empty or the sentinel (a failed call has no start), the INVITE column. */
static dt_slice_t start_cell(const run_t *run, const dt_record_t *fields)
{
    dt_slice_t start = dt_record_cell(fields, DT_FIELD_START);
    if (start.len && (run->schema.column[DT_FIELD_INVITE] == DT_NO_COLUMN || !sentinel_date(start)))
        return start;
    return dt_record_cell(fields, DT_FIELD_INVITE);
}

/* Fills what the optional tables need; where dates matter, reads the start
 * time in the input's order, or says to hold the call back. */
static dt_date_step_t call_extra(run_t *run, const dt_record_t *all, const dt_record_t *fields,
                                 const dt_call_t *call, dt_call_extra_t *extra)
{
    memset(extra, 0, sizeof *extra);
    extra->correlation = dt_record_cell(fields, DT_FIELD_CORRELATION);
    extra->start = start_cell(run, fields);
    if (run->need_time) {
        dt_date_status_t status;
        dt_date_step_t step = dt_date_order_read(&run->dates, extra->start.ptr, extra->start.len,
                                                 all->line, holding(run), &extra->time, &status);
        if (step != DT_DATE_USE)
            return step;
        extra->has_time = status == DT_DATE_OK;
        if (extra->has_time)
            widen_all(run, extra->time);
    } else {
        learn_time(run, extra->start, all->line);
    }
    if (run->agg->options.ngroup_columns)
        extra->group = group_key(run, all);
    if (run->measure_fields)
        call_measures(run, fields, call, extra);
    return DT_DATE_USE;
}

static dt_status_t hold(run_t *run, const dt_record_t *record, dt_error_t *err)
{
    if (!run->held && !(run->held = dt_spool_new()))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    return dt_spool_append(run->held, record, err);
}

static dt_status_t on_data(run_t *run, const dt_record_t *record, dt_error_t *err);

static dt_status_t replay_record(void *ctx, const dt_record_t *record, dt_error_t *err)
{
    return on_data(ctx, record, err);
}

/* Counts the held calls, classifying each again: the patterns that give up
 * on them were counted when they were first read. */
static dt_status_t replay_held(run_t *run, dt_error_t *err)
{
    dt_codes_limits_t limits = dt_codes_limits(run->codes);
    dt_status_t st = dt_spool_replay(run->held, replay_record, run, err);
    dt_codes_set_limits(run->codes, &limits);
    return st;
}

/* With --dedupe: whether the call repeats one already seen (a row that
 * cannot be checked is counted as such and kept). */
static dt_status_t is_repeat(run_t *run, const dt_record_t *fields, const dt_call_t *call,
                             const dt_call_extra_t *extra, bool *repeat, dt_error_t *err)
{
    *repeat = false;
    if (!run->options->dedupe || run->schema.column[DT_FIELD_CORRELATION] == DT_NO_COLUMN)
        return DT_OK;
    unsigned char key[DT_DEDUPE_KEY_MAX];
    size_t len = dt_dedupe_key(key, call, extra->correlation, extra->start,
                               dt_record_cell(fields, DT_FIELD_CALL_TYPE));
    if (!len) {
        dt_aggregate_unchecked(run->agg);
        return DT_OK;
    }
    return dt_dedupe_check(run->options->dedupe, key, len, repeat, err);
}

/* A classified row: a non-PSTN stream row is left out; a call's time widens
 * the input's range, then come --dedupe, the filters and the tables. */
static dt_status_t on_call(run_t *run, const dt_record_t *record, const dt_record_t *fields,
                           const dt_call_t *call, dt_error_t *err)
{
    const dt_pipeline_options_t *o = run->options;
    if (run->stream_fields && dt_classify_blank_fields(fields, run->stream_fields)) {
        dt_aggregate_exclude(run->agg, call, DT_EXCLUDED_NON_PSTN, false);
        return DT_OK;
    }
    dt_call_extra_t extra;
    dt_date_step_t step = call_extra(run, record, fields, call, &extra);
    if (step != DT_DATE_USE) {
        dt_status_t st = hold(run, record, err);
        if (st == DT_OK && step == DT_DATE_DECIDED)
            st = replay_held(run, err);
        return st;
    }
    bool repeat;
    dt_status_t st = is_repeat(run, fields, call, &extra, &repeat, err);
    if (st || repeat) {
        if (repeat)
            dt_aggregate_duplicate(run->agg, call);
        return st;
    }
    dt_slice_t where[DT_WHERE_MAX];
    for (size_t k = 0; k < o->filter.nwhere; k++)
        where[k] = dt_record_cell(record, run->where_slot[k]);
    bool hourly = run->agg->options.hourly;
    int direction = run->need_direction || hourly ? dt_call_direction(run->rules, fields) : 0;
    if (hourly)
        extra.direction = dt_direction_from_call(direction);
    dt_filter_subject_t subject = {.record = fields, .call = call, .has_time = extra.has_time,
                                   .time = extra.time, .where = where,
                                   .has_direction = run->need_direction, .direction = direction};
    bool held[DT_FILTER_MAX], tally = run->agg->tallies != NULL;
    dt_filter_result_t verdict =
        dt_filter_match(&o->filter, run->rules, &subject, tally ? held : NULL);
    if (tally && dt_aggregate_tally_filter(run->agg, &o->filter, 0, run->rules, &subject, held))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (verdict != DT_FILTER_PASS) {
        dt_aggregate_exclude(run->agg, call, DT_EXCLUDED_FILTER, verdict == DT_FILTER_UNDATED);
        return DT_OK;
    }
    if (subject.has_direction && subject.direction < 0 &&
        run->undirected++ == 0)
        example(run->undirected_example, dt_record_cell(fields, DT_FIELD_CALL_TYPE));
    dt_slice_t endpoint = dt_record_cell(fields, DT_FIELD_ENDPOINT);
    if (endpoint.len && !dt_rules_pstn_endpoint(run->rules, endpoint.ptr, endpoint.len) &&
        (run->participants += call->weight) == call->weight)
        example(run->participant_example, endpoint);
    st = dt_aggregate_call(run->agg, call, &extra);
    if (st == DT_ERR_INPUT)
        return dt_fail(err, st, "%s:%llu: more than %u distinct hours and keys in one input",
                       run->path, (unsigned long long)record->line, DT_HOURLY_ROWS_MAX);
    if (st)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (!o->rows)
        return DT_OK;
    verdict = dt_filter_match(o->rows, run->rules, &subject, tally ? held : NULL);
    if (tally &&
        dt_aggregate_tally_filter(run->agg, o->rows, o->filter.n, run->rules, &subject, held))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (verdict != DT_FILTER_PASS)
        return DT_OK;
    dt_aggregate_drilled(run->agg);
    return dt_rows_write(run->rows_out, record, err);
}

/* A data record: a call, or a rejected row. */
static dt_status_t on_data(run_t *run, const dt_record_t *record, dt_error_t *err)
{
    dt_record_t view;
    const dt_record_t *fields = record;
    if (run->keep_all) {
        view = field_view(run, record);
        fields = &view;
    }
    dt_call_t call;
    char reason[DT_REASON_MAX];
    dt_classify_result_t verdict =
        dt_classify_record(run->rules, run->codes, run->schema.family, fields,
                           run->schema.ncolumns, run->delimiter, &call, reason, err);
    if (verdict == DT_CLASSIFY_FAILED)
        return DT_ERR_NOMEM;
    if (verdict == DT_CLASSIFY_CALL)
        return on_call(run, record, fields, &call, err);
    if (run->options->strict)
        return dt_fail(err, DT_ERR_INPUT, "%s:%llu: rejected row (--strict): %s", run->path,
                       (unsigned long long)record->line, reason);
    dt_aggregate_reject(run->agg, record->line, reason);
    return DT_OK;
}

static dt_status_t on_record(void *ctx, const dt_record_t *record, dt_error_t *err)
{
    run_t *run = ctx;
    if (!run->have_header)
        return on_header(run, record, err);
    return on_data(run, record, err);
}

/* The end of an input: the calls still held are read in the assumed order,
 * and the report learns how its dates were read and, in that order, its
 * time range. */
static dt_status_t finish_dates(run_t *run, dt_error_t *err)
{
    if (!run->have_header)
        return DT_OK;
    dt_date_order_finish(&run->dates);
    dt_status_t st = run->held ? replay_held(run, err) : DT_OK;
    if (st)
        return st;
    char note[DT_DATE_NOTE_MAX];
    if (dt_date_order_note(&run->dates, run->path, note, sizeof note))
        dt_aggregate_note(run->agg, "%s", note);
    if (dt_date_order_conflict_note(&run->dates, run->path, note, sizeof note))
        dt_aggregate_note(run->agg, "%s", note);
    dt_input_dates_t summary = dt_date_order_summary(&run->dates);
    dt_aggregate_set_dates(run->agg, &summary);
    /* No culture date with its year last: every span is the same. */
    dt_date_order_t order = summary.order == DT_ORDER_NONE ? DT_ORDER_DMY : summary.order;
    if (run->span[order].has) {
        dt_aggregate_input_time(run->agg, run->span[order].first);
        dt_aggregate_input_time(run->agg, run->span[order].last);
    }
    return DT_OK;
}

/* A member of an archive whose first line the reader cannot take for a
 * header (malformed, too long, too many fields) is not a CSV export: it is
 * skipped, not refused. Returns st. */
static dt_status_t not_csv(run_t *run, dt_status_t st, const dt_error_t *err)
{
    if (st != DT_ERR_INPUT || !run->in_archive || run->header_seen)
        return st;
    const char *why = err->msg;
    size_t n = strlen(run->path);
    if (strncmp(why, run->path, n) == 0 && why[n] == ':') /* "NAME:LINE: why" */
        why += n + 1 + strspn(why + n + 1, "0123456789:") + strspn(why + n + 1, " ");
    snprintf(run->skip_text, sizeof run->skip_text, "not a CSV export: %s", why);
    run->skip_kind = "unreadable";
    run->skip_reason = run->skip_text;
    return st;
}

/* The next block of the source (len 0 at its end), hashed when other inputs
 * could have the same content. */
static dt_status_t next_block(run_t *run, dt_source_t *src, const unsigned char **data,
                              size_t *len, dt_error_t *err)
{
    dt_status_t st = dt_source_read(src, data, len, err);
    /* what an input could have the same content as */
    if (st == DT_OK && *len && (run->options->npaths > 1 || run->options->hash_content))
        dt_aggregate_input_bytes(run->agg, *data, *len);
    return st;
}

static void progress(run_t *run, const dt_source_t *src)
{
    if (run->options->progress)
        run->options->progress(run->options->progress_ctx, run->path, dt_source_bytes(src),
                               dt_source_size(src), run->agg->totals.rows);
}

/* The end of a source read without failing: one without a header line is
 * refused, or skipped when an archive holds it. */
static dt_status_t finish_input(run_t *run, dt_error_t *err)
{
    if (!run->have_header && run->in_archive) {
        run->skip_kind = "empty";
        run->skip_reason = "an empty file: no header line";
    } else if (!run->have_header) {
        return dt_fail(err, DT_ERR_INPUT, "%s: empty file: no header line", run->path);
    }
    return DT_OK;
}

static dt_status_t run_input(run_t *run, dt_source_t *src, dt_error_t *err)
{
    dt_status_t st;
    for (;;) {
        const unsigned char *data;
        size_t len;
        if ((st = next_block(run, src, &data, &len, err)))
            return st;
        if (len == 0)
            break;
        if ((st = dt_reader_feed(run->reader, data, len, err)))
            return not_csv(run, st, err);
        progress(run, src);
    }
    if ((st = dt_reader_finish(run->reader, err)))
        return not_csv(run, st, err);
    return finish_input(run, err);
}

/* ---- reading an input in chunks, on worker threads (-j) ----
 *
 * The input's run (run_t) stays the state of a sequential reading of every
 * chunk folded so far. A chunk given to a worker is read by a reader forked
 * at its first line into a copy of that run taken when the chunk was
 * planned, counting into an aggregate of its own; its date order is the
 * input's if known by then, else the chunk decides its own. The fold takes
 * a chunk's result only when it is what the sequential reading would have
 * counted: the chunk started where the previous one ended between records,
 * on the line it was told; its dates were read in the input's order (or
 * the chunk decided it, the input having no order yet); and no call of it
 * waits for an order still unknown. Otherwise the fold reads the chunk
 * itself, going on with the input's own reader (docs/parallel.md). */

/* A worker's own state. */
typedef struct {
    dt_codes_t *codes;              /* a lookup of its own on the shared code table */
} worker_t;

/* One input read in chunks. */
typedef struct {
    run_t *run;
    dt_source_t *src;
    const worker_t *workers;
    dt_reader_t *tmpl;              /* configured like the input's reader, for forks */
    bool read_failed;               /* the source could not be read */
    bool solo;                      /* no more jobs: a part could not hold a chunk's counts */
    bool clean;                     /* the last chunk folded ended between records ... */
    uint64_t next_line;             /* ... and the next record starts on this line */
} chunked_t;

/* A chunk given to a worker, and what it found. */
typedef struct {
    run_t run;                      /* the input's run as planned, counting into agg */
    dt_aggregate_t agg;
    dt_date_order_t order;          /* the order its dates are read in (NONE: it decides) */
    const dt_reader_t *tmpl;
    dt_reader_t *reader;
    dt_rows_t *rows;                /* drill-down: its rows, written apart */
    dt_codes_limits_t limits;       /* the patterns that gave up on its rows */
    dt_status_t status;
    dt_error_t error;
    bool clean;                     /* it ended between records ... */
    uint64_t next_line;             /* ... with the next record on this line */
    bool holding;                   /* calls of it wait for the input's order */
} chunk_job_t;

static dt_status_t chunk_block(void *ctx, const unsigned char **data, size_t *len,
                               dt_error_t *err)
{
    chunked_t *c = ctx;
    dt_status_t st = next_block(c->run, c->src, data, len, err);
    if (st == DT_OK)
        progress(c->run, c->src);
    c->read_failed = st != DT_OK;
    return st;
}

/* Feeds a chunk in the pieces the input's blocks make of it (the reader then
 * sees what it sees reading the input whole), and ends the input with the
 * last chunk. */
static dt_status_t feed_chunk(dt_reader_t *reader, const dt_chunk_t *chunk, dt_error_t *err)
{
    size_t at = 0;
    for (size_t i = 0; i <= chunk->nsplits; i++) {
        size_t end = i < chunk->nsplits ? chunk->splits[i] : chunk->len;
        dt_status_t st = end > at ? dt_reader_feed(reader, chunk->data + at, end - at, err)
                                  : DT_OK;
        if (st)
            return st;
        at = end;
    }
    return chunk->last ? dt_reader_finish(reader, err) : DT_OK;
}

static void release_job(chunk_job_t *job)
{
    if (!job)
        return;
    dt_reader_free(job->reader);
    dt_spool_free(job->run.held);
    dt_rows_free(job->rows);
    if (job->agg.rules)
        dt_aggregate_free(&job->agg);
    free(job);
}

static void discard_chunk(void *ctx, void *job)
{
    (void)ctx;
    release_job(job);
}

/* A chunk goes to a worker when its start can be between records and the
 * input's header has been read, unless calls wait for the input's date
 * order (then the chunk's calls would have to wait too) or an earlier
 * chunk's counts did not fit a part (dt_aggregate_part). */
static dt_status_t plan_chunk(void *ctx, const dt_chunk_t *chunk, void **out, dt_error_t *err)
{
    chunked_t *c = ctx;
    run_t *run = c->run;
    *out = NULL;
    if (c->solo || chunk->continues || !chunk->len || !run->have_header ||
        (run->need_time && run->dates.order == DT_ORDER_NONE && holding(run)))
        return DT_OK;
    if (!c->tmpl && !(c->tmpl = dt_reader_fork(run->reader, 1, NULL, NULL)))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    chunk_job_t *job = calloc(1, sizeof *job);
    if (!job)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    job->run = *run;
    job->order = run->dates.order;
    job->tmpl = c->tmpl;
    if (dt_aggregate_part(&job->agg, run->agg) ||
        (run->keep_all && !(job->rows = dt_rows_part(run->rows_out)))) {
        release_job(job);
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    }
    job->run.agg = &job->agg;
    job->run.held = NULL;
    job->run.rows_out = job->rows;
    memset(job->run.span, 0, sizeof job->run.span);
    job->run.undirected = 0;
    job->run.participants = 0;
    dt_date_order_begin(&job->run.dates, job->order);
    *out = job;
    return DT_OK;
}

static void work_chunk(void *ctx, unsigned worker, const dt_chunk_t *chunk, void *p)
{
    const chunked_t *c = ctx;
    chunk_job_t *job = p;
    run_t *run = &job->run;
    static const dt_codes_limits_t none;
    run->codes = c->workers[worker].codes;
    dt_codes_set_limits(run->codes, &none);
    job->reader = dt_reader_fork(job->tmpl, chunk->first_line, on_record, run);
    run->reader = job->reader;
    job->status = job->reader ? feed_chunk(job->reader, chunk, &job->error)
                              : dt_fail(&job->error, DT_ERR_NOMEM, "out of memory");
    job->clean = job->status == DT_OK && !chunk->last &&
                 dt_reader_between(job->reader, &job->next_line);
    job->holding = holding(run);
    job->limits = dt_codes_limits(run->codes);
}

/* Whether the job counted what the input's run would have, and if so, its
 * dates merged into the run's. A job that failed is not taken: the chunk is
 * read again, and fails there as it would have in one reading (or not: a
 * worker that ran out of memory). */
static bool job_agrees(run_t *run, const chunk_job_t *job)
{
    dt_date_order_state_t dates = run->dates;
    if (job->status || job->holding || !dt_date_order_merge(&dates, &job->run.dates))
        return false;
    /* calls the run holds come before the chunk's: only its decision frees them */
    if (holding(run) && (job->order != DT_ORDER_NONE || job->run.dates.order == DT_ORDER_NONE))
        return false;
    run->dates = dates;
    return true;
}

/* Takes a worker's counts for the chunk into the input's run. */
static dt_status_t take_job(chunked_t *c, chunk_job_t *job, dt_error_t *err)
{
    run_t *run = c->run;
    dt_status_t st = holding(run) ? replay_held(run, err) : DT_OK;
    if (st)
        return st;
    for (int order = DT_ORDER_DMY; order < DT_ORDER_COUNT; order++)
        if (job->run.span[order].has) {
            widen(&run->span[order], job->run.span[order].first);
            widen(&run->span[order], job->run.span[order].last);
        }
    if ((st = dt_aggregate_merge(run->agg, &job->agg, DT_MERGE_SAME_INPUT, err)))
        return st;
    if (job->run.undirected && !run->undirected)
        memcpy(run->undirected_example, job->run.undirected_example,
               sizeof run->undirected_example);
    run->undirected += job->run.undirected;
    if (job->run.participants && !run->participants)
        memcpy(run->participant_example, job->run.participant_example,
               sizeof run->participant_example);
    run->participants += job->run.participants;
    if (job->rows && (st = dt_rows_append(run->rows_out, job->rows, err)))
        return st;
    dt_codes_limits_t limits = dt_codes_limits(run->codes);
    dt_codes_limits_add(&limits, &job->limits);
    dt_codes_set_limits(run->codes, &limits);
    /* the chunk's reader is where the input's reading goes on */
    dt_reader_free(run->reader);
    run->reader = job->reader;
    job->reader = NULL;
    dt_reader_retarget(run->reader, on_record, run);
    c->clean = job->clean;
    c->next_line = job->next_line;
    return DT_OK;
}

static dt_status_t fold_chunk(void *ctx, const dt_chunk_t *chunk, void *p, dt_error_t *err)
{
    chunked_t *c = ctx;
    run_t *run = c->run;
    chunk_job_t *job = p;
    bool starts = !chunk->continues && c->clean && c->next_line == chunk->first_line;
    bool fits = job && !job->status && dt_aggregate_merge_exact(run->agg, &job->agg);
    if (job && !job->status && !fits)
        c->solo = true; /* its rows need more than a part holds: read the rest on one thread */
    dt_status_t st;
    dt_pipeline_stats_t *stats = run->options->stats;
    if (stats)
        stats->chunks++;
    if (fits && starts && job_agrees(run, job)) {
        st = take_job(c, job, err);
        if (stats)
            stats->by_workers++;
    } else {
        if (stats)
            stats->by_caller++;
        /* read on, as one reader reading the input whole would */
        st = feed_chunk(run->reader, chunk, err);
        c->clean = st == DT_OK && !chunk->last && dt_reader_between(run->reader, &c->next_line);
    }
    release_job(job);
    return st;
}

static dt_status_t run_chunked(run_t *run, dt_source_t *src, dt_pool_t *pool,
                               const worker_t *workers, size_t chunk_bytes, dt_error_t *err)
{
    static const dt_parallel_ops_t ops = {.plan = plan_chunk, .work = work_chunk,
                                          .fold = fold_chunk, .discard = discard_chunk};
    chunked_t c = {.run = run, .src = src, .workers = workers};
    dt_status_t st = dt_parallel_run(pool, chunk_bytes, chunk_block, &c, &ops, &c, err);
    dt_reader_free(c.tmpl);
    if (st) /* the reader's failures as run_input meets them */
        return c.read_failed ? st : not_csv(run, st, err);
    return finish_input(run, err);
}

/* The worker threads of a run, and their state (none with -j1). */
typedef struct {
    dt_pool_t *pool;
    worker_t *workers;
    unsigned n;
} crew_t;

static void crew_free(crew_t *crew)
{
    dt_pool_free(crew->pool);
    for (unsigned i = 0; i < crew->n; i++)
        dt_codes_free(crew->workers[i].codes);
    free(crew->workers);
}

/* Starts the workers -j asks for; none for one job, with --dedupe, whose
 * table sees every call in input order, with --concurrency, whose
 * timelines take cells in the order calls come (dt_aggregate_merge_exact),
 * or with the hourly table of an ingest, which a merge does not carry. */
static dt_status_t crew_start(crew_t *crew, const dt_pipeline_options_t *options,
                              const dt_aggregate_t *agg, const dt_codes_t *codes, dt_error_t *err)
{
    *crew = (crew_t){0};
    if (options->jobs <= 1 || options->dedupe || agg->options.concurrency || agg->options.hourly)
        return DT_OK;
    dt_status_t st = dt_pool_new(&crew->pool, options->jobs, err);
    unsigned n = st == DT_OK ? dt_pool_workers(crew->pool) : 0;
    if (st == DT_OK && !(crew->workers = calloc(n, sizeof *crew->workers)))
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    for (; st == DT_OK && crew->n < n; crew->n++)
        if (!(crew->workers[crew->n].codes = dt_codes_share(codes, err)))
            st = DT_ERR_NOMEM;
    if (st) {
        crew_free(crew);
        *crew = (crew_t){0};
    }
    return st;
}

/* The end of an input filtered by --direction: how many calls it kept
 * although their direction is not known. */
static void note_undirected(const run_t *run)
{
    if (run->undirected)
        dt_aggregate_note(run->agg,
                          "%s: --direction kept %llu call%s whose direction is not known (the "
                          "first has call type '%s'); a [call-type in] or [call-type out] rules "
                          "section can teach drtriage its values",
                          run->path, (unsigned long long)run->undirected,
                          run->undirected == 1 ? "" : "s", run->undirected_example);
}

/* The end of an input whose rows are participants (ACS): how many of the
 * calls counted are rows of participants other than a PSTN leg. */
static void note_participants(const run_t *run)
{
    if (run->participants)
        dt_aggregate_note(run->agg,
                          "%s: its rows are participants, not calls: %llu of the calls counted "
                          "%s not a PSTN leg (endpoint type '%s' first), so a call can count "
                          "more than once; --where '%s=PSTN' counts the PSTN legs only",
                          run->path, (unsigned long long)run->participants,
                          run->participants == 1 ? "is the row of a participant that is"
                                                 : "are rows of participants that are",
                          run->participant_example, run->endpoint_column);
}

/* Reads one source into the aggregate: one input of the report, or one it
 * names as skipped. */
static dt_status_t run_source(const dt_pipeline_options_t *options, const dt_rules_t *rules,
                              dt_codes_t *codes, dt_aggregate_t *agg, const crew_t *crew,
                              dt_source_t *src, dt_error_t *err)
{
    const char *name = dt_source_name(src);
    run_t *run = calloc(1, sizeof *run);
    if (!run)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    *run = (run_t){.options = options, .rules = rules, .codes = codes, .agg = agg,
                   .path = name, .keep_all = options->rows_out != NULL,
                   .rows_out = options->rows_out, .in_archive = dt_source_in_archive(src),
                   /* concurrency places calls in absolute minutes, samples are chosen by
                      start time: their date order matters */
                   .need_time = agg->options.by_time || agg->options.concurrency ||
                                agg->options.samples || agg->options.hourly ||
                                dt_filter_uses_time(&options->filter) ||
                                (options->rows && dt_filter_uses_time(options->rows)),
                   .need_direction = dt_filter_has(&options->filter, DT_COND_DIRECTION)};
    size_t max_field = options->max_field ? options->max_field : DT_DEFAULT_MAX_FIELD;
    dt_status_t st = DT_OK;
    run->reader = dt_reader_new(name, max_field, on_record, run);
    if (!run->reader)
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (st == DT_OK && dt_aggregate_begin_input(agg, name))
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (st == DT_OK)
        st = crew->pool ? run_chunked(run, src, crew->pool, crew->workers, options->chunk_bytes,
                                      err)
                        : run_input(run, src, err);
    if (st == DT_OK)
        st = finish_dates(run, err);
    if (st == DT_OK) {
        note_undirected(run);
        note_participants(run);
    }
    dt_spool_free(run->held);
    if (run->skip_kind && dt_aggregate_skip_current(agg, run->skip_kind, run->skip_reason))
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    else if (run->skip_kind)
        st = DT_OK;
    dt_reader_free(run->reader);
    free(run);
    return st;
}

/* Why a source is skipped before it is read, or NULL: a file the rules
 * know by name, or a binary or JSON file packed in an archive. */
static const char *skipped_unread(const dt_rules_t *rules, dt_source_t *src, const char **kind)
{
    const dt_skip_rule_t *rule = dt_rules_skip_by_name(rules, dt_source_leaf(src));
    if (rule) {
        *kind = rule->id;
        return rule->reason;
    }
    if (dt_source_in_archive(src) && dt_source_is_binary(src)) {
        *kind = "binary";
        return "binary data, not CSV text";
    }
    if (dt_source_in_archive(src) && dt_source_is_json(src)) {
        *kind = "json";
        return "JSON, not CSV text";
    }
    return NULL;
}

/* A JSON file given on its own (a Graph response saved as it came) holds call
 * records drtriage cannot read as they are: an input error that says how to
 * make the CSV. */
static dt_status_t refuse_json(dt_source_t *src, dt_error_t *err)
{
    return dt_fail(err, DT_ERR_INPUT,
                   "%s:1: the file is JSON, not CSV; drtriage reads CSV exports. Convert the "
                   "records first, e.g. in PowerShell: (Get-Content FILE.json -Raw | "
                   "ConvertFrom-Json).value | Export-Csv calls.csv -NoTypeInformation (a Graph "
                   "response; for an array of rows leave out .value)",
                   dt_source_name(src));
}

/* The part list every Office Open XML file (.xlsx, .docx) holds, as its first
 * member when Excel or libxlsxwriter writes it. */
#define OFFICE_CONTENT_TYPES "[Content_Types].xml"

/* Whether src, the first member of the archive set names, is an Office
 * document's part list: the path is a workbook, not an archive of exports. */
static bool office_document(const dt_sources_t *set, const dt_source_t *src)
{
    const char *outer = dt_sources_name(set), *name = dt_source_name(src);
    size_t n = strlen(outer);
    return strncmp(name, outer, n) == 0 && name[n] == ':' &&
           strcmp(name + n + 1, OFFICE_CONTENT_TYPES) == 0;
}

/* Reads every source a path yields. */
static dt_status_t run_one(const dt_pipeline_options_t *options, const dt_rules_t *rules,
                           dt_codes_t *codes, dt_aggregate_t *agg, const crew_t *crew,
                           const char *path, dt_error_t *err)
{
    dt_sources_t *set;
    dt_status_t st = dt_sources_open(&set, path, err);
    size_t nsources = 0;
    dt_source_t *src;
    while (st == DT_OK && (st = dt_sources_next(set, &src, err)) == DT_OK && src) {
        if (nsources++ == 0 && office_document(set, src)) {
            st = dt_fail(err, DT_ERR_INPUT,
                         "%s: an Excel workbook (.xlsx) or other Office document, not CSV: "
                         "drtriage reads CSV exports. In Excel, save the sheet as \"CSV UTF-8\" "
                         "and give drtriage that file",
                         dt_sources_name(set));
            break;
        }
        const char *kind, *reason = skipped_unread(rules, src, &kind);
        if (!reason && !dt_source_in_archive(src) && dt_source_is_json(src))
            st = refuse_json(src, err);
        else if (!reason)
            st = run_source(options, rules, codes, agg, crew, src, err);
        else if (dt_aggregate_skip(agg, dt_source_name(src), kind, reason))
            st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    }
    if (st == DT_OK && nsources == 0 &&
        dt_aggregate_skip(agg, dt_sources_name(set), "empty-archive",
                          "an archive with no files in it"))
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    dt_sources_close(set);
    return st;
}

/* How many skipped inputs have the kind of the i-th when it is the first of
 * its kind, else 0: skipped inputs beyond SKIP_NOTES_MAX are told by kind. */
static size_t first_of_kind(const dt_aggregate_t *agg, size_t i)
{
    const char *kind = agg->skipped[i].kind;
    for (size_t j = 0; j < i; j++)
        if (strcmp(agg->skipped[j].kind, kind) == 0)
            return 0;
    size_t count = 0;
    for (size_t j = i; j < agg->nskipped; j++)
        count += strcmp(agg->skipped[j].kind, kind) == 0;
    return count;
}

/* Every input skipped: nothing to report on. */
static dt_status_t no_call_records(const dt_aggregate_t *agg, dt_error_t *err)
{
    if (agg->nskipped == 1)
        return dt_fail(err, DT_ERR_INPUT, "%s: no call records: %s", agg->skipped[0].path,
                       agg->skipped[0].reason);
    bool by_kind = agg->nskipped > SKIP_NOTES_MAX;
    char list[DT_ERROR_MAX];
    size_t used = 0;
    for (size_t i = 0; i < agg->nskipped && used < sizeof list; i++) {
        const dt_skipped_t *skip = &agg->skipped[i];
        size_t count = by_kind ? first_of_kind(agg, i) : 1;
        int n = 0;
        if (count == 1)
            n = snprintf(list + used, sizeof list - used, "%s%s (%s)", used ? "; " : "",
                         skip->path, skip->reason);
        else if (count > 1)
            n = snprintf(list + used, sizeof list - used, "%s%zu inputs skipped (%s), e.g. %s (%s)",
                         used ? "; " : "", count, skip->kind, skip->path, skip->reason);
        used += n > 0 ? (size_t)n : 0;
    }
    return dt_fail(err, DT_ERR_INPUT, "no call records in any input: %s", list);
}

/* Names the skipped inputs in notes: each one while they are few, else how
 * many of each kind (the JSON report lists them all). */
static void note_skipped(dt_aggregate_t *agg)
{
    if (agg->nskipped <= SKIP_NOTES_MAX) {
        for (size_t i = 0; i < agg->nskipped; i++)
            dt_aggregate_note(agg, "%s: skipped: %s", agg->skipped[i].path,
                              agg->skipped[i].reason);
        return;
    }
    for (size_t i = 0; i < agg->nskipped; i++) {
        const dt_skipped_t *first = &agg->skipped[i];
        size_t count = first_of_kind(agg, i);
        if (!count)
            continue;
        dt_aggregate_note(agg, "%zu inputs skipped (%s), e.g. %s: %s", count, first->kind,
                              first->path, first->reason);
    }
}

dt_status_t dt_pipeline_run(const dt_pipeline_options_t *options, const dt_rules_t *rules,
                            dt_codes_t *codes, dt_aggregate_t *agg, dt_error_t *err)
{
    size_t nconds = options->filter.n + (options->rows ? options->rows->n : 0);
    if (nconds && !agg->tallies && dt_aggregate_tallies(agg, nconds))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    crew_t crew;
    dt_status_t st = crew_start(&crew, options, agg, codes, err);
    for (size_t i = 0; st == DT_OK && i < options->npaths; i++)
        st = run_one(options, rules, codes, agg, &crew, options->paths[i], err);
    crew_free(&crew);
    if (st)
        return st;
    if (agg->ninputs == 0 && agg->nskipped)
        return no_call_records(agg, err);
    note_skipped(agg);
    char note[DT_ERROR_MAX];
    if (dt_codes_limit_note(codes, note, sizeof note))
        dt_aggregate_note(agg, "%s", note);
    return DT_OK;
}
