/* check_writer.c - the writer dispatch table, the escaping helpers and the
 * text and JSON reports built from a real rule set and aggregate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_date.h"
#include "dt_writer.h"
#include "report_fixture.h"
#include "test_util.h"

/* ---- helpers ---- */

static char *json_string(const char *text, size_t len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(out);
    dt_json_write_string(out, text, len);
    fclose(out);
    return buf;
}

static char *safe_text(const char *text, size_t len, size_t max_cols, size_t *cols)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(out);
    *cols = dt_text_write_safe(out, text, len, max_cols);
    fclose(out);
    return buf;
}

/* Brackets balance outside strings, strings close, escapes are JSON escapes,
 * and no raw control character appears inside a string. */
static void assert_json_shape(const char *json)
{
    int depth = 0;
    bool in_string = false;
    for (const char *p = json; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (in_string) {
            ck_assert_msg(c >= 0x20, "raw control 0x%02x in a JSON string", c);
            if (c == '\\') {
                p++;
                ck_assert_msg(*p && strchr("\"\\/bfnrtu", *p), "bad escape \\%c", *p);
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"')
            in_string = true;
        else if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']')
            ck_assert_int_ge(--depth, 0);
    }
    ck_assert(!in_string);
    ck_assert_int_eq(depth, 0);
}

static void assert_ascii_printable(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        ck_assert_msg(*p == '\n' || (*p >= 0x20 && *p < 0x7f), "byte 0x%02x at offset %td",
                      *p, (const char *)p - text);
}

/* The fixture's usual mix: 20 calls, 8 failed, 3 rows without an SBC. */
static void usual_calls(fixture_t *fx)
{
    fixture_calls(fx, 12, 200, NO_CODE, "OK", "sbc1.example.com", true);
    fixture_calls(fx, 4, 403, 560403, "Forbidden by the SBC", "sbc1.example.com", false);
    fixture_calls(fx, 2, 486, 560486, "The called number was busy", "sbc2.example.com", false);
    fixture_calls(fx, 1, 500, 599999, "", "", false);
    fixture_calls(fx, 1, 486, NO_CODE, "", "", false);
}

static const dt_write_options_t plain = {.color = false, .width = 100};

/* ck_assert_contains, showing the text when the needle is missing. */
#define assert_has(text, needle)                                                            \
    do {                                                                                    \
        if (!strstr((text), (needle)))                                                      \
            fprintf(stderr, "--- missing:\n%s\n--- in:\n%s\n", (needle), (text));          \
        ck_assert_contains((text), (needle));                                               \
    } while (0)

/* Fails unless text starts with prefix, showing the text where it differs. */
static void assert_starts(const char *text, const char *prefix)
{
    size_t n = strlen(prefix), i = 0;
    while (i < n && text[i] == prefix[i])
        i++;
    if (i != n)
        fprintf(stderr, "--- want:\n%s\n--- have:\n%.*s\n", prefix, (int)n + 200, text);
    ck_assert_msg(i == n, "differs at %zu: want \"%.80s\", have \"%.200s\"", i, prefix + i, text + i);
}

/* ---- dispatch ---- */

START_TEST(test_writer_find)
{
    ck_assert_ptr_eq(dt_writer_find("text")->write, dt_write_text);
    ck_assert_ptr_eq(dt_writer_find("json")->write, dt_write_json);
    ck_assert_ptr_null(dt_writer_find("xml"));
    ck_assert_ptr_null(dt_writer_find("JSON"));
    ck_assert_ptr_null(dt_writer_find(""));
    ck_assert_ptr_null(dt_writer_find(NULL));
    size_t n = 0;
    for (const dt_writer_t *w = dt_writers; w->name; w++, n++)
        ck_assert(w->description && *w->description);
    ck_assert_uint_eq(n, 8);
}
END_TEST

START_TEST(test_writer_for_path)
{
    ck_assert_str_eq(dt_writer_for_path("report.html")->name, "html");
    ck_assert_str_eq(dt_writer_for_path("dir.v2/REPORT.HTM")->name, "html");
    ck_assert_str_eq(dt_writer_for_path("a.b.xlsx")->name, "xlsx");
    ck_assert_str_eq(dt_writer_for_path("notes.markdown")->name, "md");
    ck_assert_str_eq(dt_writer_for_path("/var/lib/node/drtriage.prom")->name, "prom");
    ck_assert_str_eq(dt_writer_for_path("x.txt")->name, "text");
    ck_assert_ptr_null(dt_writer_for_path("report"));
    ck_assert_ptr_null(dt_writer_for_path("dir.d/report"));
    ck_assert_ptr_null(dt_writer_for_path("report."));
    ck_assert_ptr_null(dt_writer_for_path("report.pdf"));
    ck_assert_ptr_null(dt_writer_for_path(NULL));
    ck_assert(dt_writer_find("xlsx")->flags & DT_WRITER_FILE);
    ck_assert(dt_writer_find("xlsx")->flags & DT_WRITER_BINARY);
    ck_assert(!(dt_writer_find("html")->flags & DT_WRITER_BINARY));
    ck_assert_str_eq(dt_writer_for_path("day.state")->name, "state");
    ck_assert(dt_writer_find("state")->flags & DT_WRITER_BINARY);
    char names[128];
    ck_assert_str_eq(dt_writer_names(names, sizeof names, ", "),
                     "text, json, html, xlsx, md, csv, prom, state");
}
END_TEST

/* ---- JSON strings ---- */

#define S(literal) literal, sizeof literal - 1

static const struct {
    const char *in;
    size_t len;
    const char *out;
} json_cases[] = {
    {S("plain"), "\"plain\""},
    {S(""), "\"\""},
    {S("a\"b\\c/"), "\"a\\\"b\\\\c/\""},
    {S("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\""},
    {S("\x01\x0b\x1f\x7f"), "\"\\u0001\\u000b\\u001f\\u007f\""},
    {S("\x1b[2J"), "\"\\u001b[2J\""},
    {S("nul\0x"), "\"nul\\u0000x\""},
    {S("<script>"), "\"<script>\""},
    {S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
    {S("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\""},                   /* U+10FFFF */
    {S("\xc2\x85"), "\"\xc2\x85\""},                                   /* C1 is valid JSON */
    {S("a\xff" "b"), "\"a\\ufffdb\""},                                 /* invalid byte */
    {S("\xc0\xaf"), "\"\\ufffd\\ufffd\""},                             /* overlong '/' */
    {S("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\""},                  /* overlong 3-byte */
    {S("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\""},                  /* lone surrogate */
    {S("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},       /* above U+10FFFF */
    {S("\xe2\x82"), "\"\\ufffd\\ufffd\""},                             /* truncated */
    {S("\x80x"), "\"\\ufffdx\""},                                      /* lone continuation */
};

START_TEST(test_json_string)
{
    char *got = json_string(json_cases[_i].in, json_cases[_i].len);
    ck_assert_str_eq(got, json_cases[_i].out);
    free(got);
}
END_TEST

/* ---- terminal text ---- */

static const struct {
    const char *in;
    size_t len;
    const char *out;
} text_cases[] = {
    {S("plain"), "plain"},
    {S("\x1b[2Jclear"), "clear"},
    {S("\x1b[1;31mred\x1b[0m"), "red"},
    {S("\x1b]0;title\x07" "after"), "after"},
    {S("\x1b]8;;http://x\x1b\\link"), "link"},
    {S("\x1bPdcs\x1b\\ok"), "ok"},
    {S("\x1b(Bcharset"), "charset"},
    {S("\x1b[2"), ""},                             /* cut-off CSI */
    {S("\x1b]unterminated"), ""},                 /* cut-off OSC swallows the rest */
    {S("a\tb\nc\rd\x07" "e\x7f" "f"), "abcdef"},
    {S("x\xc2\x9b" "31my"), "x31my"},             /* C1 CSI dropped */
    {S("\xc2\x85" "nel"), "nel"},
    {S("\xe2\x80\xae" "evil"), "evil"},            /* bidi override */
    {S("<script>\"\\"), "<script>\"\\"},
    {S("caf\xc3\xa9"), "caf\xc3\xa9"},
    {S("a\xff" "b"), "a?b"},
    {S("\xc0\xaf"), "??"},
    {S("\xed\xa0\x80"), "???"},
    {S("\x9b" "2J"), "?2J"},                       /* raw 8-bit CSI is invalid UTF-8 */
};

START_TEST(test_text_safe)
{
    size_t cols;
    char *got = safe_text(text_cases[_i].in, text_cases[_i].len, 0, &cols);
    ck_assert_str_eq(got, text_cases[_i].out);
    free(got);
}
END_TEST

START_TEST(test_text_safe_columns)
{
    size_t cols;
    char *got = safe_text("h\xc3\xa9llo world", 12, 3, &cols);
    ck_assert_str_eq(got, "h\xc3\xa9l");
    ck_assert_uint_eq(cols, 3);
    free(got);
    got = safe_text("\x1b[2Jab", 6, 1, &cols);
    ck_assert_str_eq(got, "a");
    ck_assert_uint_eq(cols, 1);
    free(got);
    /* Measuring: nothing written, width in code points, controls not counted. */
    ck_assert_uint_eq(dt_text_write_safe(NULL, "h\xc3\xa9\x1b[0m\xff", 8, 0), 3);
    ck_assert_uint_eq(dt_text_write_safe(NULL, "abcdef", 6, 4), 4);
}
END_TEST

START_TEST(test_format_fixed)
{
    char buf[DT_NUMBER_MAX];
    ck_assert_str_eq(dt_format_fixed(buf, 91.3, 2), "91.30");
    ck_assert_str_eq(dt_format_fixed(buf, 0.0, 2), "0.00");
    ck_assert_str_eq(dt_format_fixed(buf, 100.0, 1), "100.0");
    ck_assert_str_eq(dt_format_fixed(buf, 7.199, 2), "7.20");
    ck_assert_str_eq(dt_format_fixed(buf, 2.5, 0), "3");
    ck_assert_str_eq(dt_format_fixed(buf, 0.05, 4), "0.0500");
}
END_TEST

/* ---- JSON report ---- */

START_TEST(test_json_report)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    usual_calls(&fx);
    dt_aggregate_reject(&fx.agg, 7, "9 fields, the header has 10");
    dt_aggregate_note(&fx.agg, "a note for the reader");
    ck_assert_int_eq(dt_aggregate_skip(&fx.agg, "x.zip:parameters.json", "parameters",
                                       "export parameters"),
                     DT_OK);
    fixture_build(&fx, 1); /* top must not cut the JSON */
    char *json = fixture_render(&fx, dt_write_json, &plain);
    assert_json_shape(json);
    assert_ascii_printable(json);
    ck_assert_ptr_eq(strstr(json, "{\n  \"schema_version\": 2,\n  \"totals\": {\n"), json);
    ck_assert_contains(json, "\"rows\": 21,\n    \"call_rows\": 20,\n    \"calls\": 20,\n"
                             "    \"succeeded\": 12,\n    \"failed\": 8,\n    \"rejected\": 1,\n"
                             "    \"excluded\": 0,\n    \"excluded_by_reason\": {\n"
                             "      \"filters\": 0,\n      \"non_pstn\": 0\n    },\n"
                             "    \"excluded_calls\": 0,\n    \"undated\": 0,\n"
                             "    \"duplicates\": 0,\n    \"duplicate_calls\": 0,\n"
                             "    \"effective\": 15,\n    \"ner\": 75.00,\n"
                             "    \"failed_expected\": 2,\n"
                             "    \"first_start\": null,\n    \"last_start\": null,\n"
                             "    \"acd_calls\": null,\n");
    ck_assert_contains(json, "\"concurrency\": null\n  },\n"); /* measures off */
    ck_assert_contains(json, "\"family\": \"tac\",\n      \"delimiter\": \";\"");
    /* by_origin: all three, in order. */
    const char *sbc = strstr(json, "\"origin\": \"sbc\",\n      \"failed\": 6");
    const char *ms = strstr(json, "\"origin\": \"microsoft\",\n      \"failed\": 1");
    const char *unknown = strstr(json, "\"origin\": \"unknown\",\n      \"failed\": 1");
    ck_assert(sbc && ms && unknown && sbc < ms && ms < unknown);
    /* Every code row, documented phrase, ms null when absent. */
    ck_assert_uint_eq(count_of(strstr(json, "\"by_code\""), "\"level\""), 4);
    ck_assert_contains(json, "\"sip\": 403,\n      \"ms\": 560403,\n"
                             "      \"phrase\": \"Forbidden by the SBC\",\n"
                             "      \"origin\": \"sbc\",\n      \"action\": \"fix-tls\",\n"
                             "      \"known\": true,\n");
    ck_assert_contains(json, "\"sip\": 486,\n      \"ms\": null,\n"
                             "      \"phrase\": \"Busy Here\"");
    ck_assert_contains(json, "\"phrase\": \"Server Internal Error\"");
    ck_assert_contains(json, "\"action\": \"fix-tls\",\n      \"title\": "
                             "\"SBC certificate rejected\",\n      \"owner\": \"sbc\",\n"
                             "      \"expected\": false,\n      \"failed\": 4,\n");
    ck_assert_contains(json, "\"expected\": true");
    ck_assert_contains(json, "\"sbc\": null,");
    ck_assert_contains(json, "\"sbc\": \"sbc1.example.com\",\n      \"calls\": 16,");
    ck_assert_contains(json, "\"path\": \"calls.csv\",\n      \"line\": 7,\n"
                             "      \"reason\": \"9 fields, the header has 10\"");
    ck_assert_contains(json, "\"notes\": [\n    \"a note for the reader\"\n  ]\n}\n");
    ck_assert_contains(json, "\"filters\": null,");
    ck_assert_contains(json, "],\n  \"skipped\": [\n    {\n      \"path\": \"x.zip:parameters.json\",\n"
                             "      \"kind\": \"parameters\",\n"
                             "      \"reason\": \"export parameters\"\n    }\n  ],\n  \"filters\"");
    ck_assert_contains(json, "\"samples\": []");
    ck_assert_contains(json, "\"by_time\": [],\n  \"undated_in_series\": 0,\n"
                             "  \"group_columns\": [],\n  \"by_group\": [],");
    free(json);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_json_empty)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    fixture_build(&fx, 0);
    char *json = fixture_render(&fx, dt_write_json, &plain);
    assert_json_shape(json);
    ck_assert_contains(json, "\"ner\": null");
    ck_assert_contains(json, "\"by_code\": [],");
    ck_assert_contains(json, "\"skipped\": [],");
    ck_assert_contains(json, "\"rejected_rows\": [],\n  \"notes\": []\n}\n");
    ck_assert_uint_eq(count_of(json, "\"origin\": "), 3);
    free(json);
    fixture_free(&fx);
}
END_TEST

/* Untrusted phrase and SBC name through both writers. */
#define HOSTILE_PHRASE "\x1b[2J<script>\"q\\\xff\xc0\xaf\xed\xa0\x80"
#define HOSTILE_SBC "sbc\x1b]0;pwned\x07.example\x1b[31m"

START_TEST(test_hostile_text)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    fixture_calls(&fx, 2, 500, 599999, HOSTILE_PHRASE, HOSTILE_SBC, false);
    fixture_build(&fx, 0);

    char *json = fixture_render(&fx, dt_write_json, &plain);
    assert_json_shape(json);
    assert_ascii_printable(json);
    ck_assert_contains(json, "\"phrase\": \"\\u001b[2J<script>\\\"q\\\\\\ufffd\\ufffd"
                             "\\ufffd\\ufffd\\ufffd\\ufffd\"");
    ck_assert_contains(json, "\"sbc\": \"sbc\\u001b]0;pwned\\u0007.example\\u001b[31m\"");
    free(json);

    char *text = fixture_render(&fx, dt_write_text, &plain);
    assert_ascii_printable(text);
    ck_assert_contains(text, "<script>\"q\\??????");
    ck_assert_contains(text, "  sbc.example  ");
    ck_assert_ptr_null(strstr(text, "pwned"));
    ck_assert_ptr_null(strstr(text, "[2J"));
    free(text);
    fixture_free(&fx);
}
END_TEST

/* ---- text report ---- */

START_TEST(test_text_report)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    usual_calls(&fx);
    dt_aggregate_note(&fx.agg, "a note for the reader");
    fixture_build(&fx, 0);
    char *text = fixture_render(&fx, dt_write_text, &plain);
    assert_ascii_printable(text); /* no colour without options->color */
    /* The summary leads: calls, NER, faults by origin, the top actions, the worst SBC. */
    assert_starts(text, "drtriage report: 20 calls\n"
                                  "  NER         75.00% of 20 calls, under 95%: low\n"
                                  "  faults      6: sbc 4, microsoft 1, unknown 1 "
                                  "(and 2 expected endings)\n"
                                  "  act first   1. fix-tls (owner sbc): 4 calls\n"
                                  "              2. unknown (owner tenant): 2 calls\n"
                                  "  worst SBC   sbc1.example.com: NER 75.00% of 16 calls\n\n");
    ck_assert_contains(text, "  family  rows  rejected  path\n  tac       20         0  calls.csv\n");
    ck_assert_contains(text, " 20  (rows = calls + rejected)\n");
    ck_assert_contains(text, " 8  (2 of them expected endings, not faults)\n");
    ck_assert_contains(text, "  NER        75.00%  (defined under By SBC)\n");
    ck_assert_contains(text, "Failed calls by origin  (% of 8 failed calls)");
    ck_assert_contains(text, "  origin     failed      %\n  sbc             6  75.0%\n");
    /* The reading order: the answer, who acts, the details, what was read. */
    const char *order[] = {"drtriage report: ", "\nWhat to do first", "\nExpected endings (not faults)",
                           "\nFailed calls by code", "\nBy SBC", "\nFailed calls by origin",
                           "\nTotals\n", "\nInputs\n", "\nNotes\n"};
    const char *at = text;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *next = strstr(text, order[i]);
        ck_assert_msg(next && next >= at, "section %s missing or out of order", order[i]);
        at = next;
    }
    ck_assert_ptr_null(strstr(text, "Rejected rows")); /* only when there are some */
    const char *faults = strstr(text, "What to do first");
    const char *expected = strstr(text, "Expected endings");
    /* Headings on every table; the owner column is "owner". */
    ck_assert_contains(faults, "  #  failed      %  owner   action   title\n");
    const char *tls = strstr(text, "  1       4  50.0%  sbc     fix-tls  SBC certificate rejected\n");
    const char *busy = strstr(text, "  1       2  25.0%  user   busy    Called party busy\n");
    ck_assert(tls && tls > faults && tls < expected);
    ck_assert(busy && busy > expected);
    ck_assert_contains(text, "      Install a certificate from a supported public CA.\n");
    ck_assert_contains(text, "docs: https://learn.microsoft.com/en-us/microsoftteams/"
                             "direct-routing-plan#public-trusted-certificate-for-the-sbc\n");
    ck_assert_contains(text, "docs: https://example.com/tls\n");
    ck_assert_contains(text, "      - 560403/403 (4): Forbidden by the SBC\n");
    ck_assert_contains(text, "      - 486 (1): Busy Here\n");
    assert_has(text, "  code        origin     failed  action   level   phrase\n");
    assert_has(text, "  599999/500  microsoft       1  unknown  none    Server Internal Error\n");
    /* Stubs only with --stubs: the report says how many codes have no rule. */
    ck_assert_contains(text, "\nCodes without a rule  (1 code, 1 failed call)\n"
                             "  --stubs shows a rule for each");
    ck_assert_ptr_null(strstr(text, "[code 599999/500]"));
    ck_assert_contains(text, "(no SBC)");
    ck_assert_contains(text, "NER = (succeeded + failures with SIP 486/487) / calls; "
                             "below 10 calls a low NER may be normal");
    ck_assert_contains(text, "  - a note for the reader\n");
    ck_assert_ptr_null(strstr(text, "... and"));
    free(text);
    fx.report.show_stubs = true;
    text = fixture_render(&fx, dt_write_text, &plain);
    ck_assert_contains(text, "\nCodes without a rule  (1 code, 1 failed call)\n"
                             "  [code 599999/500]\n");
    free(text);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_text_empty)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    fixture_build(&fx, 0);
    char *text = fixture_render(&fx, dt_write_text, &plain);
    ck_assert_ptr_eq(strstr(text, "drtriage report: 0 calls\n\nWhat to do first"), text);
    ck_assert_contains(text, "  NER        -  (no calls)\n");
    ck_assert_uint_eq(count_of(text, "\n  none\n"), 5);
    free(text);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_text_color)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    usual_calls(&fx);
    fixture_build(&fx, 0);
    dt_write_options_t color = {.color = true, .width = 100};
    char *text = fixture_render(&fx, dt_write_text, &color);
    ck_assert_contains(text, "\x1b[31mfix-tls\x1b[0m");  /* fault */
    ck_assert_contains(text, "\x1b[32mbusy\x1b[0m");     /* expected ending */
    ck_assert_contains(text, "\x1b[33msbc\x1b[0m");      /* origin sbc */
    ck_assert_contains(text, "\x1b[36mmicrosoft\x1b[0m"); /* origin microsoft */
    free(text);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_text_top)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    fixture_calls(&fx, 5, 500, 599001, "a", "sbc1", false);
    fixture_calls(&fx, 3, 500, 599002, "b", "sbc2", false);
    fixture_calls(&fx, 2, 500, 599003, "c", "sbc3", false);
    fixture_calls(&fx, 1, 403, 560403, "Forbidden by the SBC", "sbc3", false);
    fixture_build(&fx, 1);
    char *text = fixture_render(&fx, dt_write_text, &plain);
    /* Codes: 1 shown, 3 more with 6 calls; SBCs: 1 shown, 2 more with 6 calls;
     * actions: unknown shown, fix-tls cut; codes under unknown: 1 shown, 2 more. */
    ck_assert_contains(text, "  ... and 3 more (6 failed calls)\n");
    ck_assert_contains(text, "  ... and 2 more (6 failed calls)\n");
    ck_assert_contains(text, "  ... and 1 more (1 failed call)\n");
    ck_assert_contains(text, "      ... and 2 more (5 failed calls)\n");
    ck_assert_ptr_null(strstr(text, "599003"));
    free(text);
    /* --stubs: one stub, and the rest's failed calls (599002 and 599003) */
    fx.report.show_stubs = true;
    text = fixture_render(&fx, dt_write_text, &plain);
    assert_has(text, "Codes without a rule  (3 codes, 10 failed calls)\n  [code 599001/500]\n");
    assert_has(text, "\n... and 2 more (5 failed calls)\n");
    ck_assert_ptr_null(strstr(text, "[code 599002/500]"));
    free(text);
    char *json = fixture_render(&fx, dt_write_json, &plain);
    ck_assert_contains(json, "\"ms\": 599003");
    ck_assert_uint_eq(count_of(json, "\"level\""), 4);
    ck_assert_uint_eq(count_of(json, "\"calls\""), 5); /* totals + the input + 3 SBCs */
    free(json);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_overflow_rows)
{
    fixture_t fx;
    fixture_init(&fx, 1); /* one key per table: the rest goes to "other" */
    fixture_calls(&fx, 2, 403, 560403, "Forbidden by the SBC", "sbc1", false);
    fixture_calls(&fx, 1, 500, 599001, "x", "sbc2", false);
    fixture_build(&fx, 0);
    char *json = fixture_render(&fx, dt_write_json, &plain);
    assert_json_shape(json);
    ck_assert_contains(json, "\"sip\": null,\n      \"ms\": null,\n      \"phrase\": null");
    ck_assert_uint_eq(count_of(json, "\"other\": true"), 3); /* code row, its action's code, SBC */
    free(json);
    char *text = fixture_render(&fx, dt_write_text, &plain);
    ck_assert_contains(text, "(other codes");
    ck_assert_contains(text, "(other SBCs");
    free(text);
    fixture_free(&fx);
}
END_TEST

START_TEST(test_text_rejections)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    fixture_calls(&fx, 1, 200, NO_CODE, "", "sbc1", true);
    for (unsigned line = 2; line < 14; line++)
        dt_aggregate_reject(&fx.agg, line, "bad \x1b[2Jcode");
    fixture_build(&fx, 0);
    char *text = fixture_render(&fx, dt_write_text, &plain);
    ck_assert_contains(text, "Rejected rows  (12 rows not counted as calls)\n");
    ck_assert_contains(text, "  calls.csv:2: bad code\n");
    ck_assert_contains(text, "  calls.csv:11: bad code\n  ... and 2 more\n");
    ck_assert_uint_eq(count_of(text, "calls.csv:"), DT_REJECTION_SAMPLES);
    ck_assert_contains(text, " 13  (rows = calls + rejected)\n");
    free(text);
    char *json = fixture_render(&fx, dt_write_json, &plain);
    ck_assert_uint_eq(count_of(json, "\"line\": "), DT_REJECTION_SAMPLES);
    ck_assert_contains(json, "\"reason\": \"bad \\u001b[2Jcode\"");
    free(json);
    fixture_free(&fx);
}
END_TEST

/* The 80-column rule: no id a user types back is cut, free text wraps. */
START_TEST(test_text_width)
{
    static const char sbc[] = "sbc-primary-01.emea-west.fabrikam.net"; /* 37 characters */
    static const char phrase[] =
        "Unable to deliver INVITE because the remote party refused the connection after the "
        "TLS session had been set up, ENDWORD";
    fixture_t fx;
    fixture_init(&fx, 0);
    fixture_calls(&fx, 3, 500, 599001, phrase, sbc, false);
    fixture_calls(&fx, 1, 403, 560403, "Forbidden by the SBC", "short", false);
    fixture_build(&fx, 0);
    static const unsigned widths[] = {80, 40};
    for (size_t i = 0; i < 2; i++) {
        dt_write_options_t narrow = {.color = false, .width = widths[i]};
        char *text = fixture_render(&fx, dt_write_text, &narrow);
        ck_assert_ptr_null(strstr(text, "..."));
        ck_assert_contains(text, sbc);
        ck_assert_contains(text, "599001/500");
        ck_assert_contains(text, "560403/403");
        ck_assert_contains(text, "fix-tls");
        ck_assert_contains(text, "ENDWORD"); /* the phrase wrapped, not cut */
        size_t lines = 0;
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
            size_t cols = dt_text_width(line);
            /* a table row of ids may not fit 40 columns; prose always wraps */
            bool prose = strncmp(line, "      ", 6) == 0 && line[6] != ' ' &&
                         !strstr(line, "docs: ");
            if (widths[i] == 80 || prose)
                ck_assert_msg(cols <= widths[i] || strstr(line, "docs: "),
                              "line longer than %u: %s", widths[i], line);
        }
        ck_assert_uint_gt(lines, 20);
        free(text);
    }
    fixture_free(&fx);
}
END_TEST

/* --by, --group-by, --samples and filters: the optional parts of a report. */
START_TEST(test_optional_tables)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    dt_aggregate_options_t options = {.by_time = true, .bucket = DT_BUCKET_DAY, .samples = 2,
                                      .group_columns = {"Call type", "Direction"},
                                      .ngroup_columns = 2};
    ck_assert_int_eq(dt_aggregate_configure(&fx.agg, &options), DT_OK);
    const char group[] = "dr_out\x1f" "Outbound";
    dt_call_extra_t extra = {.has_time = true, .time = 1700000000, /* 2023-11-14T22:13:20Z */
                             .correlation = {"corr-1", 6}, .start = {"2023-11-14T22:13:20Z", 20},
                             .group = {group, sizeof group - 1}};
    fx.extra = &extra;
    fixture_calls(&fx, 3, 403, 560403, "Forbidden by the SBC", "sbc1", false);
    fixture_calls(&fx, 2, 200, NO_CODE, "", "sbc1", true);
    extra.has_time = false;
    fixture_calls(&fx, 1, 200, NO_CODE, "", "sbc1", true);
    dt_aggregate_exclude(&fx.agg, &(dt_call_t){.weight = 1}, DT_EXCLUDED_FILTER, true);
    fixture_build(&fx, 0);
    fx.report.filters = "sbc=x*";

    char *text = fixture_render(&fx, dt_write_text, &plain);
    assert_has(text, "\n  filters: sbc=x*\n");
    assert_has(text, " 7  (rows = calls + rejected + excluded)\n");
    assert_has(text, " 1  (left out by filters; 1 without a readable start time)\n");
    assert_has(text, "\nBy time  (per day, UTC)\n");
    assert_has(text, "  Tue 2023-11-14      5       3");
    assert_has(text, "1 call without a readable start time is not in the series\n");
    assert_has(text, "\nBy group  (Call type / Direction)\n");
    assert_has(text, "  dr_out / Outbound      6       3");
    /* --by with --group-by: each group's series, the group named once */
    assert_has(text, "\nBy group over time  (Call type / Direction; per day, UTC)\n");
    assert_has(text, "  group              start           calls  failed  sbc");
    assert_has(text, "  dr_out / Outbound  Tue 2023-11-14      5       3");
    /* the tables asked for come right after the summary */
    const char *series = strstr(text, "\nBy time"), *actions = strstr(text, "\nWhat to do first");
    ck_assert(series && actions && series < actions);
    assert_has(text, "      call corr-1  2023-11-14T22:13:20Z\n");
    ck_assert_uint_eq(count_of(text, "call corr-1"), 2); /* at most --samples per action */
    free(text);

    char *json = fixture_render(&fx, dt_write_json, &plain);
    assert_json_shape(json);
    ck_assert_contains(json, "\"filters\": \"sbc=x*\",");
    ck_assert_contains(json, "\"excluded\": 1,\n    \"excluded_by_reason\": {\n"
                             "      \"filters\": 1,\n      \"non_pstn\": 0\n    },\n"
                             "    \"excluded_calls\": 1,\n    \"undated\": 1,");
    ck_assert_contains(json, "\"start\": \"2023-11-14T00:00:00Z\",\n      \"calls\": 5,");
    ck_assert_contains(json, "\"undated_in_series\": 1,");
    ck_assert_contains(json, "\"group_columns\": [\n    \"Call type\",\n    \"Direction\"\n  ],");
    ck_assert_contains(json, "\"group\": [\n        \"dr_out\",\n        \"Outbound\"\n      ],");
    ck_assert_contains(json, "\"samples\": [\n        {\n          \"correlation\": \"corr-1\",\n"
                             "          \"start\": \"2023-11-14T22:13:20Z\"\n        },");
    ck_assert_uint_eq(count_of(json, "\"correlation\""), 4); /* 2 per code row, 2 per action */
    free(json);
    fixture_free(&fx);
}
END_TEST

/* The Health Dashboard's measures in both formats. */
START_TEST(test_measures_rendered)
{
    fixture_t fx;
    fixture_init_measured(&fx);
    dt_call_extra_t talk = fixture_talk(125);
    dt_call_extra_t fail = {.has_to_failure = true, .to_failure = 7};
    fx.extra = &talk;
    fixture_calls(&fx, 3, 200, NO_CODE, "OK", "sbc1.example.com", true);
    talk.duration = 4;
    fixture_calls(&fx, 1, 200, NO_CODE, "OK", "sbc1.example.com", true);
    fx.extra = &fail;
    fixture_calls(&fx, 2, 403, 560403, "Forbidden by the SBC", "sbc1.example.com", false);
    fixture_build(&fx, 0);
    char *text = fixture_render(&fx, dt_write_text, &plain);
    /* (3 x 125 + 4) / 4 = 94.75 s; 1 of 4 under 10 s */
    assert_has(text, "  durations   ACD 1m35s, 25.0% under 10 s; failures after 7s median, 7s p95\n");
    assert_has(text, "  peak        4 on sbc1.example.com at Tue 2026-11-24 00:00\n");
    assert_has(text, "  SBC               answered    ACD  short  failures  median  p95\n"
                     "  sbc1.example.com         4  1m35s  25.0%         2      7s   7s\n");
    /* no --max-concurrent: no limit columns */
    assert_has(text, "  SBC               peak  at\n"
                     "  sbc1.example.com     4  Tue 2026-11-24 00:00\n");
    free(text);
    char *json = fixture_render(&fx, dt_write_json, &plain);
    assert_has(json, "\"acd_calls\": 4,\n      \"acd\": 94.8,\n      \"short_calls\": 1,\n"
                     "      \"to_failure_calls\": 2,\n      \"to_failure_median\": 7,\n"
                     "      \"to_failure_p95\": 7,\n      \"concurrency\": {\n"
                     "        \"peak\": 4,\n        \"at\": \"2026-11-24T00:00:00Z\",\n"
                     "        \"limit\": null,\n        \"near_limit\": false,\n"
                     "        \"untracked\": 0\n      },");
    free(json);
    fixture_free(&fx);
}
END_TEST

/* The phrases every writer shares (src/report/wording.c), on a report whose
 * fields are set by hand. */
START_TEST(test_wording)
{
    char buf[DT_REPORT_LINE];
    dt_gate_result_t gates[3] = {
        {.expr = "faults>1%", .judged = true},
        {.expr = "sbc=*:ner<95", .sbc = "sbc2.example.com", .judged = true, .breached = true},
        {.expr = "calls<1"},
    };
    dt_report_t r = {.gates = gates, .ngates = 3};
    size_t breached, judged;
    ck_assert_uint_eq(dt_report_gate_counts(&r, &breached, &judged), 3);
    ck_assert_uint_eq(breached, 1);
    ck_assert_uint_eq(judged, 2);
    ck_assert_str_eq(dt_report_gate_verdict(&gates[0]), "passed");
    ck_assert_str_eq(dt_report_gate_verdict(&gates[1]), "breached");
    ck_assert_str_eq(dt_report_gate_verdict(&gates[2]), "not judged");
    ck_assert_str_eq(dt_report_gates_line(&r, buf, sizeof buf),
                     "1 of 3 breached: sbc=*:ner<95 on sbc2.example.com");
    gates[0].breached = true;
    ck_assert_str_eq(dt_report_gates_line(&r, buf, sizeof buf),
                     "2 of 3 breached: faults>1% and 1 more");
    gates[0].breached = gates[1].breached = false;
    ck_assert_str_eq(dt_report_gates_line(&r, buf, sizeof buf),
                     "2 passed, 1 not judged (see Gates)");
    r.ngates = 2;
    ck_assert_str_eq(dt_report_gates_line(&r, buf, sizeof buf), "2 passed");
    r.ngates = 0;
    ck_assert_ptr_null(dt_report_gates_line(&r, buf, sizeof buf));

    dt_filter_match_t m = {.option = "--sbc 'sbc9'", .noun = "SBCs", .calls = 1};
    ck_assert_str_eq(dt_report_filter_line(&m, buf, sizeof buf), "--sbc 'sbc9' matched 1 call");
    m.calls = 0;
    ck_assert_str_eq(dt_report_filter_line(&m, buf, sizeof buf),
                     "--sbc 'sbc9' matched no call; the input has no SBCs.");
    m.nvalues = 2;
    ck_assert_str_eq(dt_report_filter_line(&m, buf, sizeof buf),
                     "--sbc 'sbc9' matched no call; the SBCs in the input, most calls first:");

    r.totals = (dt_totals_t){.rows = 10, .excluded = 3, .excluded_by = {2, 1}, .undated = 1,
                             .excluded_calls = 3, .duplicates = 2, .duplicate_calls = 5};
    ck_assert_str_eq(dt_report_identity(&r, buf, sizeof buf),
                     "rows = calls + rejected + excluded + duplicates");
    ck_assert_str_eq(dt_report_excluded_line(&r, buf, sizeof buf),
                     "left out by filters: 2, non-PSTN streams: 1; 1 without a readable start time");
    ck_assert_str_eq(dt_report_duplicates_line(&r, buf, sizeof buf),
                     "repeats of calls already counted, dropped by --dedupe; 5 calls");
    r.totals = (dt_totals_t){.rows = 4};
    ck_assert_str_eq(dt_report_identity(&r, buf, sizeof buf), "rows = calls + rejected");
    ck_assert_ptr_null(dt_report_excluded_line(&r, buf, sizeof buf));
    ck_assert_ptr_null(dt_report_duplicates_line(&r, buf, sizeof buf));
    ck_assert_ptr_null(dt_report_durations_line(&r, buf, sizeof buf)); /* not measured */

    dt_keyed_row_t first = {.start = 1795478400, .partial = true}, last = {.start = 1795482000};
    const dt_keyed_row_t *times[] = {&first, &last};
    r.bucket = DT_BUCKET_HOUR;
    r.times = times;
    r.ntimes = 2;
    ck_assert_str_eq(dt_report_period_label(&r, &first, buf, sizeof buf), "Tue 2026-11-24 00:00 *");
    ck_assert_str_eq(dt_report_partial_note(&r, buf, sizeof buf),
                     "* the inputs cover this hour only in part");
    first.partial = false;
    ck_assert_ptr_null(dt_report_partial_note(&r, buf, sizeof buf));
    r.bucket = DT_BUCKET_DAY;
    ck_assert_str_eq(dt_report_period_label(&r, &last, buf, sizeof buf), "Tue 2026-11-24");
    ck_assert_str_eq(dt_report_bucket_name(&r), "day");
    r.undated_in_series = 1;
    ck_assert_str_eq(dt_report_undated_note(&r, buf, sizeof buf),
                     "1 call without a readable start time is not in the series");
}
END_TEST

START_TEST(test_wording_peak)
{
    dt_row_stats_t busy = {.has_peak = true, .peak = 9, .peak_at = 1795478400},
                   near = {.has_peak = true, .peak = 4, .peak_at = 1795482000, .limit = 4,
                           .near_limit = true};
    dt_keyed_row_t a = {.name = "busy.example.com", .stats = &busy},
                   b = {.name = "near.example.com", .stats = &near};
    const dt_keyed_row_t *sbcs[] = {&a, &b};
    dt_report_t r = {.concurrency = true, .sbcs = sbcs, .nsbcs = 2};
    size_t n;
    char buf[DT_REPORT_LINE];
    ck_assert_ptr_eq(dt_report_peak_sbc(&r, &n), &b); /* near its limit beats busier */
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(dt_report_peak_line(&r, buf, sizeof buf),
                     "4 on near.example.com at Tue 2026-11-24 01:00, near its limit");
    dt_rules_t rules = {.ner_min_calls = 10};
    a.counts = (dt_counts_t){.calls = 4, .effective = 3};
    r.rules = &rules;
    r.worst_sbc = &a;
    ck_assert_str_eq(dt_report_worst_sbc_line(&r, buf, sizeof buf),
                     "busy.example.com: NER 75.00% of 4 calls (few calls: a low NER may be normal)");
    r.nsbcs = 1; /* one SBC: no worst one to name */
    ck_assert_ptr_null(dt_report_worst_sbc_line(&r, buf, sizeof buf));
    r.nsbcs = 2;
    near.near_limit = false;
    ck_assert_ptr_eq(dt_report_peak_sbc(&r, NULL), &a);
    r.concurrency = false;
    ck_assert_ptr_null(dt_report_peak_line(&r, buf, sizeof buf));
}
END_TEST

static void assert_write_fails(dt_write_fn write)
{
    fixture_t fx;
    fixture_init(&fx, 0);
    usual_calls(&fx);
    fixture_build(&fx, 0);
    FILE *full = fopen("/dev/full", "w");
    ck_assert_ptr_nonnull(full);
    dt_error_t err = {{0}};
    ck_assert_int_eq(write(full, &fx.report, &plain, &err), DT_ERR_OUTPUT);
    ck_assert_contains(err.msg, "cannot write the report");
    fclose(full);
    fixture_free(&fx);
}

START_TEST(test_write_error)
{
    assert_write_fails(dt_write_text);
    assert_write_fails(dt_write_json);
}
END_TEST

Suite *dt_suite_writer(void)
{
    Suite *s = suite_create("writer");
    TCase *t = tcase_create("helpers");
    tcase_add_test(t, test_writer_find);
    tcase_add_test(t, test_writer_for_path);
    tcase_add_loop_test(t, test_json_string, 0, (int)(sizeof json_cases / sizeof json_cases[0]));
    tcase_add_loop_test(t, test_text_safe, 0, (int)(sizeof text_cases / sizeof text_cases[0]));
    tcase_add_test(t, test_text_safe_columns);
    tcase_add_test(t, test_format_fixed);
    suite_add_tcase(s, t);
    t = tcase_create("reports");
    tcase_add_test(t, test_json_report);
    tcase_add_test(t, test_json_empty);
    tcase_add_test(t, test_hostile_text);
    tcase_add_test(t, test_text_report);
    tcase_add_test(t, test_text_empty);
    tcase_add_test(t, test_text_color);
    tcase_add_test(t, test_text_top);
    tcase_add_test(t, test_overflow_rows);
    tcase_add_test(t, test_text_rejections);
    tcase_add_test(t, test_text_width);
    tcase_add_test(t, test_optional_tables);
    tcase_add_test(t, test_write_error);
    tcase_add_test(t, test_measures_rendered);
    tcase_add_test(t, test_wording);
    tcase_add_test(t, test_wording_peak);
    suite_add_tcase(s, t);
    return s;
}
