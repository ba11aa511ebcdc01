/* check_rows.c - the drill-down writer: one CSV, faithful cells, one layout. */
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_rows.h"

#define MAX_CELLS 4

typedef struct {
    char *text;
    size_t len;
    FILE *out;
    dt_rows_t *rows;
    dt_error_t err;
} sink_t;

static void sink_open(sink_t *s, bool terminal)
{
    memset(s, 0, sizeof *s);
    s->out = open_memstream(&s->text, &s->len);
    ck_assert_ptr_nonnull(s->out);
    s->rows = dt_rows_new(s->out, terminal);
    ck_assert_ptr_nonnull(s->rows);
}

static const char *sink_close(sink_t *s)
{
    dt_rows_free(s->rows);
    fclose(s->out);
    return s->text;
}

/* A record of NUL-terminated cells (a NULL ends the list). */
static dt_record_t record_of(dt_slice_t cells[MAX_CELLS], const char *const *texts)
{
    size_t n = 0;
    for (; texts[n] && n < MAX_CELLS; n++)
        cells[n] = (dt_slice_t){texts[n], strlen(texts[n])};
    return (dt_record_t){.line = 1, .cells = cells, .ncells = n, .nfields = n};
}

static void begin(sink_t *s, const char *path, const char *const *texts, dt_status_t want)
{
    dt_slice_t cells[MAX_CELLS];
    dt_record_t header = record_of(cells, texts);
    ck_assert_int_eq(dt_rows_begin(s->rows, path, &header, &s->err), want);
}

static void write_row(sink_t *s, const char *const *texts)
{
    dt_slice_t cells[MAX_CELLS];
    dt_record_t record = record_of(cells, texts);
    ck_assert_int_eq(dt_rows_write(s->rows, &record, &s->err), DT_OK);
}

START_TEST(test_cells_as_read)
{
    sink_t s;
    sink_open(&s, false);
    begin(&s, "a.csv", (const char *[]){"SBC", "Phrase", "Note", NULL}, DT_OK);
    write_row(&s, (const char *[]){"sbc1", "Busy, here", "say \"hi\"", NULL});
    write_row(&s, (const char *[]){" pad", "two\nlines", "=1+1", NULL});
    ck_assert_uint_eq(dt_rows_count(s.rows), 2);
    ck_assert_str_eq(sink_close(&s), "SBC,Phrase,Note\r\n"
                                     "sbc1,\"Busy, here\",\"say \"\"hi\"\"\"\r\n"
                                     "\" pad\",\"two\nlines\",=1+1\r\n");
    free(s.text);
}
END_TEST

START_TEST(test_later_input_reordered)
{
    sink_t s;
    sink_open(&s, false);
    begin(&s, "a.csv", (const char *[]){"SBC FQDN", "SIP", "MS", NULL}, DT_OK);
    write_row(&s, (const char *[]){"s1", "503", "560503", NULL});
    /* the same columns, spelt as the schema normalises them, in another order */
    begin(&s, "b.csv", (const char *[]){"ms", "sbc fqdn", "Sip", NULL}, DT_OK);
    write_row(&s, (const char *[]){"560486", "s2", "486", NULL});
    ck_assert_str_eq(sink_close(&s), "SBC FQDN,SIP,MS\r\ns1,503,560503\r\ns2,486,560486\r\n");
    free(s.text);
}
END_TEST

/* Parts of an input written apart and appended in order give the rows one
 * writer gives, in the current input's column order. */
START_TEST(test_parts_appended)
{
    sink_t s;
    sink_open(&s, false);
    begin(&s, "a.csv", (const char *[]){"SBC FQDN", "SIP", "MS", NULL}, DT_OK);
    write_row(&s, (const char *[]){"s1", "503", "560503", NULL});
    begin(&s, "b.csv", (const char *[]){"ms", "sbc fqdn", "Sip", NULL}, DT_OK);
    dt_rows_t *one = dt_rows_part(s.rows), *two = dt_rows_part(s.rows);
    ck_assert_ptr_nonnull(one);
    ck_assert_ptr_nonnull(two);
    dt_slice_t cells[MAX_CELLS];
    dt_record_t later = record_of(cells, (const char *[]){"560487", "s3, b", "487", NULL});
    ck_assert_int_eq(dt_rows_write(two, &later, &s.err), DT_OK);
    dt_record_t first = record_of(cells, (const char *[]){"560486", "s2", "486", NULL});
    ck_assert_int_eq(dt_rows_write(one, &first, &s.err), DT_OK);
    ck_assert_int_eq(dt_rows_append(s.rows, one, &s.err), DT_OK);
    ck_assert_int_eq(dt_rows_append(s.rows, two, &s.err), DT_OK);
    ck_assert_uint_eq(dt_rows_count(s.rows), 3);
    dt_rows_free(one);
    dt_rows_free(two);
    ck_assert_str_eq(sink_close(&s), "SBC FQDN,SIP,MS\r\ns1,503,560503\r\ns2,486,560486\r\n"
                                     "\"s3, b\",487,560487\r\n");
    free(s.text);
}
END_TEST

START_TEST(test_other_layout_refused)
{
    sink_t s;
    sink_open(&s, false);
    begin(&s, "a.csv", (const char *[]){"SBC", "SIP", "MS", NULL}, DT_OK);
    begin(&s, "b.csv", (const char *[]){"SBC", "SIP", "Trunk", NULL}, DT_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(s.err.msg, "b.csv:1:"));
    ck_assert_ptr_nonnull(strstr(s.err.msg, "missing 'MS'"));
    ck_assert_ptr_nonnull(strstr(s.err.msg, "not in the first: 'Trunk'"));
    ck_assert_str_eq(sink_close(&s), "SBC,SIP,MS\r\n");
    free(s.text);
}
END_TEST

START_TEST(test_terminal_sanitised)
{
    sink_t s;
    sink_open(&s, true);
    begin(&s, "a.csv", (const char *[]){"SBC", NULL}, DT_OK);
    write_row(&s, (const char *[]){"evil\x1b[2J\"x\"", NULL});
    const char *text = sink_close(&s);
    ck_assert_ptr_null(strchr(text, '\x1b'));
    ck_assert_ptr_nonnull(strstr(text, "\"\"x\"\""));
    free(s.text);
}
END_TEST

Suite *dt_suite_rows(void)
{
    Suite *s = suite_create("rows");
    TCase *tc = tcase_create("rows");
    tcase_add_test(tc, test_cells_as_read);
    tcase_add_test(tc, test_later_input_reordered);
    tcase_add_test(tc, test_parts_appended);
    tcase_add_test(tc, test_other_layout_refused);
    tcase_add_test(tc, test_terminal_sanitised);
    suite_add_tcase(s, tc);
    return s;
}
