/* check_spool.c - records held in a temporary file come back whole, in order. */
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_spool.h"
#include "test_util.h"

#define NRECORDS 50
#define BIG_CELL (1024 * 1024 + 7)

typedef struct {
    size_t seen;
    size_t stop_at;           /* return DT_ERR_INPUT at this record (SIZE_MAX: never) */
    const char *big;
} replay_t;

/* Record i: line 10 + i, cells "r<i>", a missing cell, an empty cell, bytes
 * with a NUL, and every 10th one a cell of BIG_CELL bytes. */
static dt_record_t make_record(size_t i, dt_slice_t cells[5], char text[32], const char *big)
{
    snprintf(text, 32, "r%zu", i);
    cells[0] = (dt_slice_t){text, strlen(text)};
    cells[1] = (dt_slice_t){NULL, 0};
    cells[2] = (dt_slice_t){"", 0};
    cells[3] = (dt_slice_t){"a\0b", 3};
    cells[4] = i % 10 == 0 ? (dt_slice_t){big, BIG_CELL} : (dt_slice_t){"x", 1};
    return (dt_record_t){.line = 10 + i, .index = i + 1, .nfields = 9, .cells = cells,
                         .ncells = 5};
}

static dt_status_t check_record(void *ctx, const dt_record_t *got, dt_error_t *err)
{
    replay_t *r = ctx;
    if (r->seen == r->stop_at)
        return dt_fail(err, DT_ERR_INPUT, "stopped at %zu", r->seen);
    dt_slice_t cells[5];
    char text[32];
    dt_record_t want = make_record(r->seen, cells, text, r->big);
    ck_assert_uint_eq(got->line, want.line);
    ck_assert_uint_eq(got->index, want.index);
    ck_assert_uint_eq(got->nfields, want.nfields);
    ck_assert_uint_eq(got->ncells, want.ncells);
    ck_assert_ptr_null(got->malformed);
    for (size_t c = 0; c < want.ncells; c++) {
        ck_assert_uint_eq(got->cells[c].len, want.cells[c].len);
        ck_assert_msg((got->cells[c].ptr == NULL) == (want.cells[c].ptr == NULL),
                      "record %zu cell %zu: a missing cell must stay missing", r->seen, c);
        if (want.cells[c].len)
            ck_assert(memcmp(got->cells[c].ptr, want.cells[c].ptr, want.cells[c].len) == 0);
    }
    r->seen++;
    return DT_OK;
}

static char *big_cell(void)
{
    char *big = malloc(BIG_CELL);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < BIG_CELL; i++)
        big[i] = (char)('a' + i % 26);
    return big;
}

static void append_all(dt_spool_t *spool, size_t from, size_t to, const char *big)
{
    for (size_t i = from; i < to; i++) {
        dt_slice_t cells[5];
        char text[32];
        dt_record_t record = make_record(i, cells, text, big);
        dt_error_t err = {{0}};
        ck_assert_msg(dt_spool_append(spool, &record, &err) == DT_OK, "%s", err.msg);
    }
}

START_TEST(replays_in_order)
{
    char *big = big_cell();
    dt_spool_t *spool = dt_spool_new();
    ck_assert_ptr_nonnull(spool);
    dt_error_t err = {{0}};
    replay_t r = {.stop_at = SIZE_MAX, .big = big};
    ck_assert_int_eq(dt_spool_replay(spool, check_record, &r, &err), DT_OK);
    ck_assert_uint_eq(r.seen, 0);
    append_all(spool, 0, NRECORDS, big);
    ck_assert_uint_eq(dt_spool_count(spool), NRECORDS);
    ck_assert_int_eq(dt_spool_replay(spool, check_record, &r, &err), DT_OK);
    ck_assert_uint_eq(r.seen, NRECORDS);
    ck_assert_uint_eq(dt_spool_count(spool), 0);
    /* used again, it holds only what came after */
    append_all(spool, 0, 3, big);
    r.seen = 0;
    ck_assert_int_eq(dt_spool_replay(spool, check_record, &r, &err), DT_OK);
    ck_assert_uint_eq(r.seen, 3);
    dt_spool_free(spool);
    dt_spool_free(NULL);
    free(big);
}
END_TEST

START_TEST(callback_error_stops)
{
    char *big = big_cell();
    dt_spool_t *spool = dt_spool_new();
    append_all(spool, 0, 20, big);
    replay_t r = {.stop_at = 5, .big = big};
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_spool_replay(spool, check_record, &r, &err), DT_ERR_INPUT);
    ck_assert_str_eq(err.msg, "stopped at 5");
    ck_assert_uint_eq(r.seen, 5);
    ck_assert_uint_eq(dt_spool_count(spool), 0);
    dt_spool_free(spool);
    free(big);
}
END_TEST

START_TEST(unusable_tmpdir)
{
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", "/nonexistent/drtriage-test", 1);
    dt_spool_t *spool = dt_spool_new();
    dt_slice_t cells[5];
    char text[32];
    dt_record_t record = make_record(1, cells, text, "");
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_spool_append(spool, &record, &err), DT_ERR_OUTPUT);
    ck_assert_contains(err.msg, "cannot create the temporary file in /nonexistent/drtriage-test");
    ck_assert_contains(err.msg, "No such file or directory");
    ck_assert_uint_eq(dt_spool_count(spool), 0);
    dt_spool_free(spool);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
}
END_TEST

Suite *dt_suite_spool(void)
{
    Suite *s = suite_create("spool");
    TCase *tc = tcase_create("spool");
    tcase_add_test(tc, replays_in_order);
    tcase_add_test(tc, callback_error_stops);
    tcase_add_test(tc, unusable_tmpdir);
    suite_add_tcase(s, tc);
    return s;
}
