/* replay.c - stored history back into aggregates: each stored key is a
 * group of identical calls, classified again under the rules in effect for
 * its export's family and counted with its number of calls as weight and
 * its hour as start time, so that every report, gate and filter the keys
 * support works unchanged. */
#include <string.h>

#include "db.h"
#include "dt_date.h"
#include "dt_store_replay.h"

#define DAY_SECONDS 86400

dt_status_t dt_store_filter_check(const dt_filter_t *filter, int64_t *since, int64_t *until,
                                  dt_error_t *err)
{
    for (size_t i = 0; i < filter->n; i++) {
        const dt_cond_t *c = &filter->conds[i];
        switch (c->kind) {
        case DT_COND_SINCE:
        case DT_COND_UNTIL:
            if (c->time % DT_HOUR_SECONDS != 0)
                return dt_fail(err, DT_ERR_USAGE,
                               "--%s %s: the store keeps whole hours; give a time on the hour",
                               c->kind == DT_COND_SINCE ? "since" : "until", c->text);
            if (c->kind == DT_COND_SINCE && c->time > *since)
                *since = c->time;
            if (c->kind == DT_COND_UNTIL && c->time < *until)
                *until = c->time;
            break;
        case DT_COND_WHERE: {
            char option[DT_FILTER_TEXT + 32];
            dt_filter_describe_option(filter, i, option, sizeof option);
            return dt_fail(err, DT_ERR_USAGE,
                           "%s: the store does not keep the input's columns (it keeps the "
                           "hour, SBC, direction, success, codes and phrase of each call)",
                           option);
        }
        case DT_COND_CALL_TYPE:
        case DT_COND_CORRELATION:
            return dt_fail(err, DT_ERR_USAGE,
                           "--%s %s: the store does not keep %s (it keeps the hour, SBC, "
                           "direction, success, codes and phrase of each call)",
                           c->kind == DT_COND_CALL_TYPE ? "call-type" : "correlation", c->text,
                           c->kind == DT_COND_CALL_TYPE ? "call types" : "correlation ids");
        default:
            break;
        }
    }
    return DT_OK;
}

typedef struct {
    const dt_store_replay_t *options;
    dt_slice_t cells[DT_FIELD_COUNT]; /* the record a filter reads */
    dt_error_t *err;
} replay_t;

static dt_status_t count_into(dt_aggregate_t *agg, const dt_filter_t *filter,
                              const dt_rules_t *rules, const dt_store_row_t *row,
                              const dt_record_t *record, const dt_call_t *call,
                              const dt_call_extra_t *extra)
{
    dt_filter_subject_t subject = {.record = record, .call = call, .has_time = true,
                                   .time = extra->time};
    bool held[DT_FILTER_MAX], tally = filter && agg->tallies;
    dt_filter_result_t verdict =
        filter ? dt_filter_match(filter, rules, &subject, tally ? held : NULL) : DT_FILTER_PASS;
    if (tally && dt_aggregate_tally_filter(agg, filter, 0, rules, &subject, held))
        return DT_ERR_NOMEM;
    if (verdict != DT_FILTER_PASS) {
        dt_aggregate_exclude(agg, call, DT_EXCLUDED_FILTER, false);
        return DT_OK;
    }
    /* the input's time range: the first and last call, as far as the hour's view tells */
    dt_aggregate_input_time(agg, extra->time + row->covered_from);
    dt_aggregate_input_time(agg, extra->time + row->covered_until);
    return dt_aggregate_call(agg, call, extra);
}

dt_status_t dt_store_begin_input(dt_aggregate_t *agg, const char *path)
{
    if (dt_aggregate_begin_input(agg, path))
        return DT_ERR_NOMEM;
    return dt_aggregate_set_count_column(agg, DT_STORE_COUNT_COLUMN,
                                         sizeof DT_STORE_COUNT_COLUMN - 1);
}

static dt_status_t replay_row(void *ctx, const dt_store_row_t *row, dt_error_t *err)
{
    replay_t *r = ctx;
    const dt_store_replay_t *o = r->options;
    dt_call_t call = {.weight = row->calls, .succeeded = row->succeeded, .key = row->key,
                      .sbc = row->sbc, .phrase = row->phrase};
    if (dt_classify_outcome(o->rules, o->codes, row->family, &call, err))
        return DT_ERR_NOMEM;
    dt_call_extra_t extra = {.has_time = true, .time = row->hour, .direction = row->direction,
                             .talk = row->talk.calls ? &row->talk : NULL,
                             .failures = row->failures, .nfailures = row->nfailures};
    r->cells[DT_FIELD_SBC] = row->sbc;
    const char *dir = dt_direction_name(row->direction);
    r->cells[DT_FIELD_DIRECTION] = (dt_slice_t){dir, strlen(dir)};
    dt_record_t record = {.cells = r->cells, .ncells = DT_FIELD_COUNT, .nfields = DT_FIELD_COUNT};
    dt_status_t st = DT_OK;
    if (o->whole && row->hour < o->until)
        st = count_into(o->whole, o->filter, o->rules, row, &record, &call, &extra);
    if (st == DT_OK && o->days) {
        int64_t day = (row->hour - o->since) / DAY_SECONDS;
        if (day >= 0 && (size_t)day < o->ndays)
            st = count_into(o->days[day], o->filter, o->rules, row, &record, &call, &extra);
    }
    if (st)
        return dt_fail(err, st, st == DT_ERR_NOMEM ? "out of memory" : "the stored keys do "
                                                                       "not fit in memory");
    return DT_OK;
}

dt_status_t dt_store_replay(dt_store_t *store, const dt_store_replay_t *options, dt_error_t *err)
{
    replay_t r = {.options = options, .err = err};
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        r.cells[f] = (dt_slice_t){"", 0};
    int64_t until = options->until;
    if (options->days) {
        int64_t end = options->since + (int64_t)options->ndays * DAY_SECONDS;
        until = end > until ? end : until;
    }
    return dt_store_scan(store, options->since, until, replay_row, &r, err);
}

/* Hours with a view in [since, until): how much of the range the store covers. */
static dt_status_t count_views(dt_store_t *store, int64_t since, int64_t until, int64_t *views,
                               dt_error_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(store->db, "SELECT count(*) FROM hours WHERE hour >= ?1 AND hour < ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
    sqlite3_bind_int64(st, 1, since / DT_HOUR_SECONDS);
    sqlite3_bind_int64(st, 2, until / DT_HOUR_SECONDS);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    *views = ok ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return ok ? DT_OK : dt_store_fail(store, err, DT_ERR_INPUT, "cannot read the store");
}

dt_status_t dt_store_report(const char *path, const dt_filter_t *filter, const dt_rules_t *rules,
                            dt_codes_t *codes, dt_aggregate_t *agg, dt_error_t *err)
{
    int64_t first, last, since = INT64_MIN, until = INT64_MAX;
    dt_status_t st = dt_store_filter_check(filter, &since, &until, err);
    dt_store_t *store = NULL;
    if (st == DT_OK)
        st = dt_store_open(&store, path, DT_STORE_READ, err);
    if (st == DT_OK && (dt_store_begin_input(agg, path) ||
                        (filter->n && !agg->tallies && dt_aggregate_tallies(agg, filter->n))))
        st = dt_fail(err, DT_ERR_NOMEM, "out of memory");
    if (st) {
        dt_store_close(store);
        return st;
    }
    bool any;
    if ((st = dt_store_extent(store, &any, &first, &last, err)) || !any) {
        dt_store_close(store);
        if (st == DT_OK)
            dt_aggregate_note(agg, "%s: the store holds no calls yet", path);
        return st;
    }
    since = since > first ? since : first;
    until = until < last + DT_HOUR_SECONDS ? until : last + DT_HOUR_SECONDS;
    dt_store_replay_t r = {.since = since, .until = until, .rules = rules, .codes = codes,
                           .filter = filter, .whole = agg};
    int64_t views = 0;
    st = since < until ? dt_store_replay(store, &r, err) : DT_OK;
    if (st == DT_OK && since < until)
        st = count_views(store, since, until, &views, err);
    dt_store_close(store);
    if (st)
        return st;
    char from[DT_DATE_TEXT_MAX], to[DT_DATE_TEXT_MAX];
    int64_t hours = since < until ? (until - since) / DT_HOUR_SECONDS : 0;
    dt_date_format(since < until ? since : first, from, sizeof from);
    dt_date_format(since < until ? until : first, to, sizeof to);
    dt_aggregate_note(agg,
                      "%s: the store's hours from %s to %s (%lld of the %lld hours have data); "
                      "calls classified under the rules in effect now, at the hour's grain",
                      path, from, to, (long long)views, (long long)hours);
    return DT_OK;
}
