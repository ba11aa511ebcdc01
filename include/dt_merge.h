/* dt_merge.h - folds one aggregate into another, so that a run can be
 * counted in parts (chunks of an input on several threads, exports on several
 * machines) and reported as one.
 *
 * Two semantics:
 *
 * In input order (DT_MERGE_NEXT_INPUT, DT_MERGE_SAME_INPUT), for a run cut
 * into consecutive parts: src holds the calls that come after dst's. The
 * result is exactly what counting src's calls after dst's would have given,
 * provided src's tables never overflowed (count the parts with
 * DT_AGGREGATE_UNCAPPED, dt_aggregate.h; a key src counted in its "other"
 * row stays in dst's): a keyed table (codes, SBCs, time buckets, groups, groups by
 * time bucket, a filter condition's values) takes src's keys in the order
 * src met them while dst's cap lets it, the rest going to dst's "other" row;
 * a row's measures (dt_row_metrics_t) and the totals' add; the samples and
 * code phrases are those counting would keep (they do not depend on the
 * order); the inputs skipped, the first DT_REJECTION_SAMPLES rejected rows
 * and the notes (at most DT_NOTES_MAX, the last saying when more were
 * dropped) follow dst's in order. With NEXT_INPUT src's inputs follow
 * dst's; with SAME_INPUT src's first input is the rest of dst's last one (a
 * chunk of the same input): its row counts add up, its time range widens,
 * its family, delimiter and count column stay dst's (the chunk that read the
 * header) unless dst has no count column, its date summary becomes src's
 * when src read dates, and its content hash is whichever side hashed bytes
 * (both is refused: a hash cannot be continued).
 *
 * In any order (DT_MERGE_ANY_ORDER), for `drtriage merge`: every count adds
 * up, so the counts are associative and commutative; the rest is chosen by a
 * total order of its own, so that merging the same parts in any order and
 * any grouping gives the same aggregate, and one whose report (once
 * dt_aggregate_fold has applied the caps) is the same:
 *   - keyed tables keep every key of both sides, over their caps ("other"
 *     rows add up); dt_aggregate_fold then keeps, per table, the keys with
 *     most calls (codes: most failed calls), ties by key, and folds the rest
 *     into "other";
 *   - samples and code phrases as counting keeps them (dt_aggregate.h);
 *   - the measures add (time-to-failure sketches, concurrency timelines);
 *   - merging into or from an aggregate that holds nothing (no input, row or
 *     note) gives the other one unchanged; otherwise inputs are sorted by
 *     path, then by their time range, then by their counts and content, the
 *     inputs skipped by path, kind and reason; the rejected rows kept are the first DT_REJECTION_SAMPLES of both sides by
 *     (path, line, reason); the notes are sorted bytewise, at most
 *     DT_NOTES_MAX with the last saying when more were dropped (a side that
 *     dropped notes makes the merge say so too).
 *
 * The measures' pages and cells are taken from dst's budgets
 * (DT_SKETCH_PAGE_CAP, DT_CONCURRENCY_CELLS) as the merge goes: while they
 * last, every count is exact; past them a merge, like counting, keeps a
 * minute's failures to the minute only or drops an SBC's calls from its
 * peak (and says so), though not necessarily the same minutes or calls as
 * one run would, since the budget is spent in another order.
 *
 * Both sides must have been counted with the same rules and the same
 * tables (dt_aggregate_configure options, tallies). */
#ifndef DT_MERGE_H
#define DT_MERGE_H

#include "dt_aggregate.h"
#include "dt_common.h"

typedef enum {
    DT_MERGE_NEXT_INPUT = 0, /* in input order: src's inputs follow dst's */
    DT_MERGE_SAME_INPUT,     /* in input order: src's first input continues dst's last */
    DT_MERGE_ANY_ORDER,      /* in any order: associative and commutative */
} dt_merge_mode_t;

/* Checks that src can be merged into dst: the same rules (the same
 * dt_rules_t), the same time series (--by and its bucket), --group-by
 * columns, --samples, --dedupe, measures and --concurrency, and as many
 * filter tallies. Returns DT_OK,
 * or DT_ERR_USAGE with a message saying what differs. */
dt_status_t dt_aggregate_compatible(const dt_aggregate_t *dst, const dt_aggregate_t *src,
                                    dt_error_t *err);

/* Adds everything src counted to dst, as `mode` says (above). src is not
 * changed; every string dst takes from it is copied into dst's arena, so src
 * may be freed afterwards. Returns DT_OK; DT_ERR_USAGE (dst untouched) when
 * the aggregates are not compatible (dt_aggregate_compatible) or, with
 * SAME_INPUT, both hashed the continued input's bytes; DT_ERR_NOMEM with dst
 * partly merged (free it). */
dt_status_t dt_aggregate_merge(dt_aggregate_t *dst, const dt_aggregate_t *src,
                               dt_merge_mode_t mode, dt_error_t *err);

/* ---- parts of an input counted apart (-j) ---- */

/* A part's bounds: distinct keys per table, and time-to-failure pages. */
#define DT_PART_KEY_CAP 1024
#define DT_PART_PAGES 1024

/* Prepares part to count a later part of whole's current input apart (on
 * another thread), to be merged into whole with DT_MERGE_SAME_INPUT: the
 * same rules, tables and tallies, its input begun with the same path, and
 * memory bounded whatever the rows: at most DT_PART_KEY_CAP keys per table
 * (filter tallies: DT_TALLY_VALUES_CAP) and DT_PART_PAGES time-to-failure
 * pages (dt_aggregate_merge_exact says whether they sufficed). whole is only
 * read (several threads may make parts of it at once); its rules must
 * outlive part. Returns DT_ERR_NOMEM (free part with dt_aggregate_free). */
dt_status_t dt_aggregate_part(dt_aggregate_t *part, const dt_aggregate_t *whole);

/* Whether dt_aggregate_merge(agg, part, DT_MERGE_SAME_INPUT) gives exactly
 * what agg would hold had it counted part's rows itself; part was made by
 * dt_aggregate_part from agg. True when no table of part overflowed its cap
 * and the measures' budgets cannot have made a difference: part counted no
 * concurrency (timelines take cells in the order calls come), was never
 * refused a time-to-failure page, and agg's pages left cover every page part
 * took. When false, count the rows into agg instead. */
bool dt_aggregate_merge_exact(const dt_aggregate_t *agg, const dt_aggregate_t *part);

/* Applies the caps to tables that any-order merges left over them: per
 * table, the keys with most calls (code rows: most failed calls), ties by
 * key (the report's order), keep their rows; the others are counted in the
 * table's "other" row (code rows: their failed calls by action too, and their
 * samples among the "other" row's). Tables within their caps are unchanged.
 * Returns DT_OK, or DT_ERR_NOMEM with agg partly folded (free it). */
dt_status_t dt_aggregate_fold(dt_aggregate_t *agg, dt_error_t *err);

#endif
