/* dt_state.h - a run's complete aggregate as bytes (`--format state`), and
 * back, so that runs on several machines can be merged (dt_merge.h) and
 * reported as one (`drtriage merge`). The format is described in
 * docs/state.md: a signature, a version of its own (DT_STATE_VERSION, not
 * the JSON report's), the drtriage version and rules digest it was made
 * with, what shapes its tables (--by, --group-by, --samples, --dedupe, the
 * report filters), then every field of the aggregate, integers as LEB128
 * varints, strings with their length, and an XXH64 checksum of it all.
 * Nothing is lost: a state read back is the aggregate that was written,
 * field for field. */
#ifndef DT_STATE_H
#define DT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_aggregate.h"
#include "dt_common.h"
#include "dt_filter.h"
#include "dt_rules.h"

/* The version of the state format (docs/state.md), raised whenever its
 * layout changes; a state of another version is refused. */
#define DT_STATE_VERSION 1

/* The signature every state starts with. */
#define DT_STATE_MAGIC "DRTSTATE"
#define DT_STATE_MAGIC_LEN 8

/* The largest state read (a merge of many runs with many keys stays far below). */
#define DT_STATE_MAX ((size_t)1 << 30)

#define DT_STATE_MADE_BY_MAX 32

/* What a state says beside the aggregate. */
typedef struct {
    unsigned version;                 /* read: the state's format version */
    char made_by[DT_STATE_MADE_BY_MAX]; /* the drtriage version that wrote it */
    uint64_t rules_digest;            /* read: the digest of the rules it was made with */
    bool auto_series;                 /* its time series is hourly because an output (HTML,
                                         a state) wanted one, not because of --by */
    dt_filter_t filter;               /* the report filters the run applied; the
                                         aggregate's tallies are their conditions' */
} dt_state_meta_t;

/* Encodes agg with meta (made_by, auto_series, filter; the rules digest is
 * agg->rules') into a malloc'd buffer (*out, *len; the caller frees it).
 * agg's tallies must be meta->filter's conditions. Returns DT_OK, or
 * DT_ERR_NOMEM with err filled. */
dt_status_t dt_state_encode(const dt_aggregate_t *agg, const dt_state_meta_t *meta,
                            unsigned char **out, size_t *len, dt_error_t *err);

/* Decodes a state of len bytes (name: where it came from, for messages)
 * into agg, which it initialises for rules (freed by the caller with
 * dt_aggregate_free, also on failure), and meta. The rules must be those it
 * was made with (the same digest). Tables merged over their caps are read as
 * they are (dt_aggregate_fold applies the caps). Returns DT_OK;
 * DT_ERR_INPUT with "name: why" for what is not a state, a state of another
 * version, one made with other rules, and one truncated, corrupt or
 * inconsistent (its checksum does not match, a count or a value is
 * impossible); DT_ERR_NOMEM. Never reads outside data. */
dt_status_t dt_state_decode(const char *name, const unsigned char *data, size_t len,
                            const dt_rules_t *rules, dt_aggregate_t *agg, dt_state_meta_t *meta,
                            dt_error_t *err);

/* Checks that two states' meta allow merging them: the same report filters
 * (the same conditions, given the same way, in the same order). Returns
 * DT_OK, or DT_ERR_USAGE saying what differs. (The tables are checked by
 * dt_aggregate_compatible.) */
dt_status_t dt_state_compatible(const dt_state_meta_t *a, const dt_state_meta_t *b,
                                dt_error_t *err);

/* Reads the state in a file (path "-": standard input, named "<stdin>" in
 * messages) and decodes it as dt_state_decode does, into agg (freed by the
 * caller, also on failure) and meta. Returns DT_OK; DT_ERR_INPUT naming the
 * path for a file that cannot be read (missing, a directory, larger than
 * DT_STATE_MAX) and as dt_state_decode does; DT_ERR_NOMEM. */
dt_status_t dt_state_load(const char *path, const dt_rules_t *rules, dt_aggregate_t *agg,
                          dt_state_meta_t *meta, dt_error_t *err);

#endif
