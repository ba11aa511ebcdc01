/* check_formats.c - the tabular and machine formats on the fixture report:
 * the table model, CSV, Markdown, Prometheus and HTML, and the report's
 * automatic time series (hours rolled up into days beyond three days). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_table.h"
#include "dt_writer.h"
#include "report_fixture.h"
#include "test_util.h"

static const dt_write_options_t csv_codes = {.table = DT_TABLE_CODES};

static void some_calls(fixture_t *fx, const char *sbc)
{
    fixture_calls(fx, 6, 200, NO_CODE, "OK", sbc, true);
    fixture_calls(fx, 3, 403, 560403, "Forbidden by the SBC", sbc, false);
    fixture_calls(fx, 1, 486, 560486, "Busy | here *now*", "", false);
}

/* The fixture report of some_calls(sbc), rendered by write (free the text;
 * fixture_free(fx) when done). */
static char *render_calls(fixture_t *fx, const char *sbc, dt_write_fn write)
{
    fixture_init(fx, 0);
    some_calls(fx, sbc);
    fixture_build(fx, 0);
    return fixture_render(fx, write, &csv_codes);
}

START_TEST(table_columns_are_the_json_keys)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    some_calls(&fx, "sbc1.example.com");
    fixture_build(&fx, 0);
    dt_table_t t;
    ck_assert(dt_table_open(&t, &fx.report, DT_TABLE_CODES));
    ck_assert_str_eq(t.name, "codes");
    const char *keys[] = {"sip", "ms", "phrase", "origin", "action", "known", "level", "failed",
                          "samples"};
    ck_assert_uint_eq(t.ncolumns, 9);
    for (size_t c = 0; c < t.ncolumns; c++)
        ck_assert_str_eq(dt_table_column(&t, c).key, keys[c]);
    ck_assert(!dt_table_column_shown(&t, 8)); /* no samples asked for */
    ck_assert(dt_table_column(&t, 1).code);
    dt_cell_t cell;
    dt_table_cell(&t, 0, 7, &cell);
    ck_assert_int_eq(cell.kind, DT_CELL_UINT);
    ck_assert_uint_eq(cell.uint, 3);
    ck_assert(dt_table_open(&t, &fx.report, DT_TABLE_SBCS));
    ck_assert_uint_eq(t.nrows, 2);
    dt_table_cell(&t, 1, 0, &cell); /* the calls without an SBC: null */
    ck_assert_int_eq(cell.kind, DT_CELL_NONE);
    ck_assert_str_eq(dt_table_column(&t, 0).none, "(no SBC)");
    dt_table_cell(&t, 0, t.ncolumns - 1, &cell); /* NER 6/9, rounded as the JSON */
    ck_assert_int_eq(cell.kind, DT_CELL_FIXED);
    char num[DT_NUMBER_MAX];
    ck_assert_str_eq(dt_cell_text(&cell, num), "66.67");
    ck_assert(!dt_table_open(&t, &fx.report, DT_TABLE_COUNT));
    dt_table_id_t s;
    ck_assert(dt_table_parse("sbc", &s) && s == DT_TABLE_SBCS);
    ck_assert(!dt_table_parse("sbcs", &s));
    fixture_free(&fx);
}
END_TEST

/* The metrics, gates and notes tables, and how people read their cells. */
START_TEST(metrics_gates_and_notes_tables)
{
    fixture_t fx;
    fixture_init_measured(&fx);
    dt_call_extra_t talk = fixture_talk(125);
    fx.extra = &talk;
    fixture_calls(&fx, 3, 200, NO_CODE, "OK", "sbc1.example.com", true);
    fx.extra = NULL;
    fixture_calls(&fx, 1, 403, 560403, "Forbidden", "sbc1.example.com", false);
    fixture_build(&fx, 0);
    dt_table_t t;
    dt_cell_t cell;
    char label[DT_DATE_LABEL + 4], num[DT_NUMBER_MAX];
    ck_assert(dt_table_open(&t, &fx.report, DT_TABLE_SBC_METRICS));
    ck_assert_str_eq(t.name, "metrics");
    ck_assert_uint_eq(t.nrows, 1);
    ck_assert_str_eq(dt_table_column(&t, 0).key, "sbc");
    ck_assert_str_eq(dt_table_column(&t, 2).key, "acd");
    ck_assert_str_eq(dt_table_column(&t, 9).key, "concurrency.at");
    dt_table_cell(&t, 0, 2, &cell); /* ACD 125 s: a number for machines, 2m05s for people */
    ck_assert_int_eq(cell.kind, DT_CELL_FIXED);
    ck_assert_str_eq(dt_cell_text(&cell, num), "125.0");
    ck_assert_str_eq(dt_cell_label(&cell, label, sizeof label), "2m05s");
    dt_table_cell(&t, 0, 6, &cell); /* no failure time: no median */
    ck_assert_int_eq(cell.kind, DT_CELL_NONE);
    dt_table_cell(&t, 0, 8, &cell);
    ck_assert_uint_eq(cell.uint, 3); /* three calls in the same minute */
    dt_table_cell(&t, 0, 9, &cell);
    ck_assert_int_eq(cell.kind, DT_CELL_TIME);
    ck_assert_str_eq(cell.text, "2026-11-24T00:00:00Z");
    ck_assert_str_eq(dt_cell_label(&cell, label, sizeof label), "Tue 2026-11-24 00:00");
    dt_table_cell(&t, 0, 10, &cell); /* no --max-concurrent: no limit */
    ck_assert_int_eq(cell.kind, DT_CELL_NONE);
    ck_assert(!dt_table_column_shown(&t, 10));
    ck_assert(dt_table_column_shown(&t, 8));

    dt_gate_result_t gates[] = {
        {.expr = "faults>1%", .metric = "faults", .unit = "percent", .has_value = true,
         .value = 25.0, .limit = 1, .denominator = 4, .judged = true, .breached = true,
         .why = "faults>1%: 25.00% of 4 calls (limit 1%)"},
        {.expr = "sbc=*:acd<0.5", .metric = "acd", .sbc = "sbc1.example.com", .unit = "s",
         .limit = 0.5, .why = "not judged"},
    };
    fx.report.gates = gates;
    fx.report.ngates = 2;
    ck_assert(dt_table_open(&t, &fx.report, DT_TABLE_GATES));
    ck_assert_uint_eq(t.nrows, 2);
    dt_table_cell(&t, 0, 0, &cell);
    ck_assert_str_eq(cell.text, "breached");
    dt_table_cell(&t, 1, 0, &cell);
    ck_assert_str_eq(cell.text, "not judged");
    dt_table_cell(&t, 1, 4, &cell); /* no value */
    ck_assert_int_eq(cell.kind, DT_CELL_NONE);
    dt_table_cell(&t, 1, 5, &cell); /* the limit as written */
    ck_assert_str_eq(dt_cell_text(&cell, num), "0.5");
    dt_table_cell(&t, 0, 4, &cell);
    ck_assert_str_eq(dt_cell_text(&cell, num), "25.00");
    ck_assert(dt_table_column_shown(&t, 3)); /* a gate has an SBC */

    ck_assert(dt_table_open(&t, &fx.report, DT_TABLE_INPUTS));
    ck_assert_uint_eq(t.nrows, 1);
    dt_table_cell(&t, 0, 0, &cell);
    ck_assert_str_eq(cell.text, "calls.csv");
    dt_table_cell(&t, 0, 4, &cell);
    ck_assert_uint_eq(cell.uint, 4);
    ck_assert(!dt_table_column_shown(&t, 8)); /* nothing skipped */
    ck_assert(dt_table_open(&t, &fx.report, DT_TABLE_NOTES));
    ck_assert_uint_eq(t.nrows, fx.report.nnotes);
    dt_table_id_t id;
    ck_assert(dt_table_parse("group-time", &id) && id == DT_TABLE_GROUP_TIMES);
    ck_assert(dt_table_parse("notes", &id) && id == DT_TABLE_NOTES);
    fx.report.gates = NULL; /* the gates are the test's */
    fx.report.ngates = 0;
    fixture_free(&fx);
}
END_TEST

START_TEST(csv_tables_and_formulas)
{
    fixture_t fx;
    char *csv = render_calls(&fx, "=HYPERLINK(\"x\")", dt_write_csv);
    ck_assert_ptr_eq(strstr(csv, "sip,ms,phrase,origin,action,known,level,failed,samples\r\n"), csv);
    ck_assert_contains(csv, "\r\n403,560403,Forbidden by the SBC,sbc,fix-tls,true,");
    ck_assert_uint_eq(count_of(csv, "\r\n"), 1 + fx.report.ncodes);
    free(csv);
    dt_write_options_t sbc = {.table = DT_TABLE_SBCS};
    csv = fixture_render(&fx, dt_write_csv, &sbc);
    ck_assert_contains(csv, "\r\n\"'=HYPERLINK(\"\"x\"\")\",9,6,3,3,0,0,6,66.67\r\n");
    ck_assert_contains(csv, "\r\n,1,0,1,1,0,0,1,100.00\r\n");
    free(csv);
    sbc.excel = true;
    csv = fixture_render(&fx, dt_write_csv, &sbc);
    ck_assert_ptr_eq(strstr(csv, "\xEF\xBB\xBFsbc;calls;"), csv);
    ck_assert_contains(csv, ";6;66,67\r\n");
    free(csv);
    fixture_free(&fx);
}
END_TEST

START_TEST(markdown_escapes_input)
{
    fixture_t fx;
    char *md = render_calls(&fx, "sbc|[x](javascript:y)", dt_write_markdown);
    ck_assert_ptr_eq(strstr(md, "# drtriage report\n"), md);
    ck_assert_contains(md, "| sbc\\|\\[x\\](javascript\\:y) | 9 | 3 |");
    ck_assert_contains(md, "| (no SBC) | 1 |");
    ck_assert_contains(md, "| Calls analysed | 10 |");
    ck_assert_contains(md, "## Expected endings (not faults)\n");
    ck_assert_ptr_null(strstr(md, "](javascript:"));
    free(md);
    fixture_free(&fx);
}
END_TEST

START_TEST(prom_labels_capped_and_escaped)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    char name[32];
    for (int i = 0; i < 60; i++) {
        snprintf(name, sizeof name, "sbc%02d", i);
        fixture_calls(&fx, (unsigned)(100 - i), 200, NO_CODE, "OK", name, true);
    }
    fixture_calls(&fx, 1, 403, 560403, "Forbidden by the SBC", "a\"b\\c", false);
    fixture_build(&fx, 0);
    char *prom = fixture_render(&fx, dt_write_prom, &csv_codes);
    ck_assert_contains(prom, "# HELP drtriage_calls Calls analysed.\n# TYPE drtriage_calls gauge\n"
                             "drtriage_calls 4231\n");
    ck_assert_uint_eq(count_of(prom, "drtriage_sbc_calls{"), 51);
    ck_assert_contains(prom, "drtriage_sbc_calls{sbc=\"sbc00\"} 100\n");
    /* sbc50..sbc59 (50..41 calls) and a"b\c (1 call) are beyond the cap */
    ck_assert_contains(prom, "drtriage_sbc_calls{sbc=\"other\"} 456\n");
    ck_assert_contains(prom, "drtriage_ner_ratio{sbc=\"other\"} 0.9978\n");
    ck_assert_contains(prom, "drtriage_action_faults{action=\"fix-tls\",owner=\"sbc\"} 1\n");
    ck_assert_contains(prom, "drtriage_faults{origin=\"sbc\"} 1\n");
    free(prom);
    fixture_free(&fx);

    fixture_init(&fx, 0);
    fixture_calls(&fx, 1, 403, 560403, "Forbidden by the SBC", "a\"b\\c\nd", false);
    fixture_build(&fx, 0);
    prom = fixture_render(&fx, dt_write_prom, &csv_codes);
    ck_assert_contains(prom, "drtriage_sbc_calls{sbc=\"a\\\"b\\\\c d\"} 1\n");
    free(prom);
    fixture_free(&fx);
}
END_TEST

START_TEST(html_is_self_contained_and_escaped)
{
    fixture_t fx;
    char *html = render_calls(&fx, "<script>alert(1)</script>", dt_write_html);
    ck_assert_ptr_eq(strstr(html, "<!DOCTYPE html>"), html);
    ck_assert_contains(html, "content=\"default-src 'none'; style-src 'sha256-");
    ck_assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    ck_assert_contains(html, "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e");
    ck_assert_ptr_null(strstr(html, "<script>alert"));
    ck_assert_uint_eq(count_of(html, "<script"), 2); /* the data and the page's own script */
    ck_assert_ptr_null(strstr(html, "http://"));
    ck_assert_contains(html, "<data data-kpi=\"totals.calls\" value=\"10\">10</data>");
    ck_assert_contains(html, "<data data-kpi=\"totals.ner\" value=\"70.00\">70.00%</data>");
    free(html);
    fixture_free(&fx);
}
END_TEST

/* Calls at 08:00 on each of `days` days from 2023-11-14, through an hourly series. */
static void series_over(fixture_t *fx, int days, bool auto_bucket)
{
    fixture_init(fx, 0);
    dt_aggregate_options_t options = {.by_time = true, .bucket = DT_BUCKET_HOUR};
    ck_assert_int_eq(dt_aggregate_configure(&fx->agg, &options), DT_OK);
    dt_call_extra_t extra = {.has_time = true};
    fx->extra = &extra;
    for (int d = 0; d < days; d++)
        for (int h = 8; h < 10; h++) {
            extra.time = 1699920000 + d * 86400 + h * 3600; /* 2023-11-14T00:00:00Z + ... */
            fixture_calls(fx, 2, 200, NO_CODE, "OK", "sbc1", true);
        }
    fx->extra = NULL;
    dt_report_options_t ro = {.auto_bucket = auto_bucket};
    ck_assert_int_eq(dt_report_build(&fx->report, &fx->agg, &ro), DT_OK);
    fx->built = true;
}

START_TEST(auto_series_rolls_up_into_days)
{
    fixture_t fx;
    series_over(&fx, 3, true); /* 2023-11-14 08:00 to 11-16 09:00: within 3 days */
    ck_assert_uint_eq(fx.report.ntimes, 6);
    ck_assert_int_eq(fx.report.bucket, DT_BUCKET_HOUR);
    fixture_free(&fx);
    series_over(&fx, 5, true);
    ck_assert_uint_eq(fx.report.ntimes, 5);
    ck_assert_int_eq(fx.report.bucket, DT_BUCKET_DAY);
    ck_assert_str_eq(fx.report.times[1]->name, "2023-11-15T00:00:00Z");
    ck_assert_uint_eq(fx.report.times[1]->counts.calls, 4);
    fixture_free(&fx);
    series_over(&fx, 5, false); /* --by hour is kept whatever the span */
    ck_assert_uint_eq(fx.report.ntimes, 10);
    fixture_free(&fx);
}
END_TEST

Suite *dt_suite_formats(void)
{
    Suite *s = suite_create("formats");
    TCase *t = tcase_create("formats");
    tcase_add_test(t, table_columns_are_the_json_keys);
    tcase_add_test(t, csv_tables_and_formulas);
    tcase_add_test(t, metrics_gates_and_notes_tables);
    tcase_add_test(t, markdown_escapes_input);
    tcase_add_test(t, prom_labels_capped_and_escaped);
    tcase_add_test(t, html_is_self_contained_and_escaped);
    tcase_add_test(t, auto_series_rolls_up_into_days);
    suite_add_tcase(s, t);
    return s;
}
