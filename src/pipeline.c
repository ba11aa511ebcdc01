/* pipeline.c - drives input -> reader -> schema -> classify -> aggregate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_classify.h"
#include "dt_input.h"
#include "dt_pipeline.h"
#include "dt_reader.h"

typedef struct {
    const dt_pipeline_options_t *options;
    const dt_rules_t *rules;
    dt_codes_t *codes;
    dt_aggregate_t *agg;
    dt_reader_t *reader;
    const char *path;
    dt_schema_t schema;
    bool have_header;
} run_t;

/* The header decides the schema; from then on the reader keeps only the
 * columns of known fields, each in the slot numbered by its dt_field_t. */
static dt_status_t on_header(run_t *run, const dt_record_t *record, dt_error_t *err)
{
    dt_status_t st = dt_schema_build(&run->schema, run->rules, &run->options->overrides,
                                     run->path, record->cells, record->ncells, err);
    if (st)
        return st;
    run->have_header = true;
    dt_aggregate_set_format(run->agg, run->schema.family, dt_reader_delimiter(run->reader));
    if (run->schema.duplicate_note[0])
        dt_aggregate_note(run->agg, "%s: %s", run->path, run->schema.duplicate_note);
    size_t ncolumns = run->schema.ncolumns;
    int *slot_of_column = malloc((ncolumns ? ncolumns : 1) * sizeof *slot_of_column);
    if (!slot_of_column)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    for (size_t c = 0; c < ncolumns; c++)
        slot_of_column[c] = -1;
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        if (run->schema.column[f] != DT_NO_COLUMN)
            slot_of_column[run->schema.column[f]] = (int)f;
    st = dt_reader_keep(run->reader, slot_of_column, ncolumns, DT_FIELD_COUNT);
    free(slot_of_column);
    return st ? dt_fail(err, st, "out of memory") : DT_OK;
}

static dt_status_t on_record(void *ctx, const dt_record_t *record, dt_error_t *err)
{
    run_t *run = ctx;
    if (!run->have_header)
        return on_header(run, record, err);
    dt_call_t call;
    char reason[DT_REASON_MAX];
    if (dt_classify_record(run->rules, run->codes, record, run->schema.ncolumns, &call, reason))
        return dt_aggregate_call(run->agg, &call) ? dt_fail(err, DT_ERR_NOMEM, "out of memory")
                                                   : DT_OK;
    if (run->options->strict)
        return dt_fail(err, DT_ERR_INPUT, "%s:%llu: rejected row (--strict): %s", run->path,
                       (unsigned long long)record->line, reason);
    dt_aggregate_reject(run->agg, record->line, reason);
    return DT_OK;
}

static dt_status_t run_input(run_t *run, dt_input_t *in, dt_error_t *err)
{
    for (;;) {
        const unsigned char *data;
        size_t len;
        dt_status_t st = dt_input_read(in, &data, &len, err);
        if (st)
            return st;
        if (len == 0)
            break;
        if ((st = dt_reader_feed(run->reader, data, len, err)))
            return st;
    }
    dt_status_t st = dt_reader_finish(run->reader, err);
    if (st == DT_OK && !run->have_header)
        st = dt_fail(err, DT_ERR_INPUT, "%s: empty file: no header line", run->path);
    return st;
}

static dt_status_t run_one(const dt_pipeline_options_t *options, const dt_rules_t *rules,
                           dt_codes_t *codes, dt_aggregate_t *agg, const char *path,
                           dt_error_t *err)
{
    dt_input_t in;
    dt_status_t st = dt_input_open(&in, path, err);
    if (st)
        return st;
    run_t run = {.options = options, .rules = rules, .codes = codes, .agg = agg,
                 .path = in.path};
    size_t max_field = options->max_field ? options->max_field : DT_DEFAULT_MAX_FIELD;
    run.reader = dt_reader_new(in.path, max_field, on_record, &run);
    if (!run.reader)
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (st == DT_OK && dt_aggregate_begin_input(agg, in.path))
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (st == DT_OK)
        st = run_input(&run, &in, err);
    dt_reader_free(run.reader);
    dt_input_close(&in);
    return st;
}

dt_status_t dt_pipeline_run(const dt_pipeline_options_t *options, const dt_rules_t *rules,
                            dt_codes_t *codes, dt_aggregate_t *agg, dt_error_t *err)
{
    for (size_t i = 0; i < options->npaths; i++) {
        dt_status_t st = run_one(options, rules, codes, agg, options->paths[i], err);
        if (st)
            return st;
    }
    if (agg->code_overflow)
        dt_aggregate_note(agg,
                          "%llu failed calls had codes beyond the first %zu distinct ones and "
                          "are counted in an \"other\" row",
                          (unsigned long long)agg->code_overflow, agg->code_index.cap);
    if (agg->sbc_overflow)
        dt_aggregate_note(agg,
                          "%llu calls came from SBCs beyond the first %zu distinct names and "
                          "are counted in an \"other\" row",
                          (unsigned long long)agg->sbc_overflow, agg->sbc_index.cap);
    return DT_OK;
}
