/* dt_spool.h - records held back in a temporary file and read back in the
 * order they were written: the rows the pipeline cannot count until a
 * decision about their input is made (dt_date_order.h). The file is created
 * on the first record in $TMPDIR (or /tmp) and unlinked at once, so it never
 * outlives the process; memory stays at one record. */
#ifndef DT_SPOOL_H
#define DT_SPOOL_H

#include <stdint.h>

#include "dt_common.h"
#include "dt_reader.h"

typedef struct dt_spool dt_spool_t;

/* An empty spool; NULL when out of memory. No file is made yet. */
dt_spool_t *dt_spool_new(void);

/* Appends a copy of the record (its line, index, field count and kept cells,
 * telling a missing cell from an empty one; `malformed` is not kept).
 * Returns DT_ERR_OUTPUT, saying where and why, when the temporary file
 * cannot be made or written. */
dt_status_t dt_spool_append(dt_spool_t *spool, const dt_record_t *record, dt_error_t *err);

/* Records appended and not yet replayed. */
uint64_t dt_spool_count(const dt_spool_t *spool);

/* Calls fn with each record appended, in order, then empties the spool.
 * Each record (and its cells) lives until fn returns. Stops at the first
 * status fn returns other than DT_OK and returns it (the spool is emptied
 * all the same); DT_ERR_OUTPUT when the file cannot be read back. */
dt_status_t dt_spool_replay(dt_spool_t *spool, dt_record_fn fn, void *ctx, dt_error_t *err);

/* Closes the file and frees the spool; NULL is fine. */
void dt_spool_free(dt_spool_t *spool);

#endif
