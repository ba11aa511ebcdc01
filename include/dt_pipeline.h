/* dt_pipeline.h - runs the stages over a list of inputs:
 * sources -> reader -> schema -> classify -> aggregate. The caller owns the
 * rules, the code table and the aggregate; the pipeline only fills the latter. */
#ifndef DT_PIPELINE_H
#define DT_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "dt_aggregate.h"
#include <stdio.h>

#include "dt_codes.h"
#include "dt_common.h"
#include "dt_date.h"
#include "dt_dedupe.h"
#include "dt_filter.h"
#include "dt_rows.h"
#include "dt_rules.h"
#include "dt_schema.h"

#define DT_DEFAULT_MAX_FIELD (1024 * 1024)

/* Progress of the current input: path, bytes read so far, its size (0 when
 * unknown, as for a pipe) and the rows counted so far over all inputs. */
typedef void (*dt_progress_fn)(void *ctx, const char *path, uint64_t bytes, uint64_t size,
                               uint64_t rows);

/* How the inputs were read with workers (-j): chunks cut, and of those the
 * ones whose worker's counts were taken, and the ones the calling thread
 * read itself (the first of each input, and any whose start or dates a
 * worker could not know; docs/parallel.md). */
typedef struct {
    uint64_t chunks, by_workers, by_caller;
} dt_pipeline_stats_t;

typedef struct {
    const char *const *paths;       /* "-" is standard input */
    size_t npaths;
    dt_schema_overrides_t overrides;
    size_t max_field;               /* 0: DT_DEFAULT_MAX_FIELD */
    bool strict;                    /* a rejected row is an input error */
    dt_date_order_t date_order;     /* --date-order; DT_ORDER_NONE: decided per input */
    dt_filter_t filter;             /* calls outside it are excluded (counted, not reported) */
    const dt_filter_t *rows;        /* drill-down: write the rows of calls matching it ... */
    dt_rows_t *rows_out;            /* ... through this writer (NULL: no drill-down) */
    dt_dedupe_t *dedupe;            /* --dedupe: drop calls whose key it has seen (NULL: keep all) */
    bool hash_content;              /* hash each input's bytes even when it is the only one
                                       (a state is compared with other runs' inputs; the
                                       history store records an export's digest) */
    unsigned jobs;                  /* -j: worker threads (0 or 1: none; dt_parallel.h) */
    size_t chunk_bytes;             /* their chunks' size (0: DT_CHUNK_BYTES) */
    dt_pipeline_stats_t *stats;     /* filled in when not NULL */
    dt_progress_fn progress;        /* called after each block read, or NULL */
    void *progress_ctx;
} dt_pipeline_options_t;

/* Reads every input into agg, which must be configured (dt_aggregate_configure)
 * for the optional tables wanted. Returns DT_OK; DT_ERR_INPUT with "file:line:
 * why" for an unreadable or malformed input (or, with strict, the first
 * rejected row; or a --group-by column the file lacks); DT_ERR_OUTPUT when
 * drill-down rows cannot be written, or the temporary file that holds calls
 * while an input's date order is undecided (dt_date_order.h) cannot be made,
 * written or read, or the dedupe table's file fails; DT_ERR_NOMEM. Every row
 * is counted once: as a call, rejected, excluded (by a filter, or as a
 * non-PSTN stream row of a family the rules' [non-pstn] names) or, with a
 * dedupe table, as a duplicate. On error agg holds what was counted so far.
 * Each input's date order, and the notes about it, are in agg once the input
 * is read. */
dt_status_t dt_pipeline_run(const dt_pipeline_options_t *options, const dt_rules_t *rules,
                            dt_codes_t *codes, dt_aggregate_t *agg, dt_error_t *err);

#endif
