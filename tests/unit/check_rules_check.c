/* check_rules_check.c - `drtriage rules check` finds every problem of a file
 * with its line, on top of the built-in rules; `drtriage rules list` writes
 * the effective table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_rules_check.h"
#include "test_util.h"

/* Checks text as "site.rules" on top of the built-in rules. */
static void check_site(const char *text, dt_rules_check_t *check)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    tu_rules_embedded(&rules);
    ck_assert_msg(dt_rules_check_text(&rules, "site.rules", text, strlen(text), check, &err) ==
                      DT_OK,
                  "%s", err.msg);
    dt_rules_free(&rules);
}

/* The problems as "line: message" lines, for readable failures. */
static char *problems_text(const dt_rules_check_t *check)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(dt_rules_check_write_problems(out, check), DT_OK);
    fclose(out);
    return text;
}

static const char several[] = "[action my-fix]\n"            /* 1 */
                              "title = Fix it\n"             /* 2 */
                              "owner = boss\n"               /* 3: bad owner */
                              "expected = maybe\n"           /* 4: bad yes/no */
                              "text = Do it.\n"              /* 5 */
                              "\n"                           /* 6 */
                              "[action my-fix]\n"            /* 7: defined twice */
                              "title = Again\n"              /* 8 */
                              "owner = sbc\n"                /* 9 */
                              "text = t\n"                   /* 10 */
                              "\n"                           /* 11 */
                              "[code 599999/500]\n"          /* 12: action defined nowhere */
                              "phrase = Boom\n"              /* 13 */
                              "pattern = ^boom(\n"           /* 14: bad pattern */
                              "action = no-such-action\n"    /* 15 */
                              "source = here\n"              /* 16 */
                              "colour = red\n"               /* 17: unknown key */
                              "source = twice\n"             /* 18: key twice */
                              "[code 599999/500]\n"          /* 19: same MS/SIP + first phrase */
                              "phrase = boom\n"              /* 20 */
                              "action = tls-certificate\n"   /* 21 */
                              "source = again\n"             /* 22 */
                              "[bogus]\n"                    /* 23: unknown section */
                              "x = 1\n"                      /* 24: ignored */
                              "[header ms]\n"                /* 25 */
                              "tac = ^ok$\n"                 /* 26 */
                              "teams = ^x$\n"                /* 27: unknown family */
                              "any = ^bad[$\n"               /* 28: bad pattern */
                              "[origin 570]\n"               /* 29 */
                              "origin = carrier\n"           /* 30: bad origin */
                              "sip-from-code = perhaps\n"    /* 31: bad yes/no */
                              "[sip-class 4]\n"              /* 32: action defined nowhere */
                              "action = missing-too\n"       /* 33 */
                              "[action half]\n"              /* 34: lacks text */
                              "title = T\n"                  /* 35 */
                              "owner = sbc\n";               /* 36 */

static const struct {
    unsigned line;
    const char *what;
} several_want[] = {
    {3, "owner 'boss'"},
    {4, "expected must be yes or no, not 'maybe'"},
    {7, "action 'my-fix' defined twice"},
    {12, "no [action no-such-action] is defined"},
    {14, "[code 599999/500] pattern '^boom(': missing closing parenthesis at offset 6"},
    {17, "unknown key 'colour' in [code]"},
    {18, "key 'source' given twice"},
    {19, "same first phrase as line 12"},
    {23, "unknown section [bogus]"},
    {27, "unknown family 'teams'"},
    {28, "[header ms] any pattern '^bad[$'"},
    {30, "origin must be sbc, microsoft or unknown, not 'carrier'"},
    {31, "sip-from-code must be yes or no, not 'perhaps'"},
    {32, "no [action missing-too] is defined"},
    {34, "lacks required key 'text'"},
};

START_TEST(test_every_problem_with_its_line)
{
    dt_rules_check_t check;
    check_site(several, &check);
    char *text = problems_text(&check);
    size_t n = sizeof several_want / sizeof several_want[0];
    ck_assert_msg(check.nproblems == n, "%zu problems, want %zu:\n%s", check.nproblems, n, text);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(check.problems[i].file, "site.rules");
        ck_assert_msg(check.problems[i].line == several_want[i].line, "problem %zu at line %u:\n%s",
                      i, check.problems[i].line, text);
        ck_assert_contains(check.problems[i].message, several_want[i].what);
    }
    ck_assert_contains(text, "site.rules:14: [code 599999/500] pattern");
    ck_assert_msg(strncmp(text, "site.rules:3: owner", 19) == 0, "%s", text);
    free(text);
    dt_rules_check_free(&check);
}
END_TEST

START_TEST(test_clean_file)
{
    /* A file may use the built-in actions; the summary counts what it defines. */
    dt_rules_check_t check;
    check_site("[action site-fix]\ntitle = T\nowner = sbc\ntext = t\n"
               "[code 599999/500]\nphrase = Boom\naction = tls-certificate\nsource = s\n"
               "[code 599999/501]\naction = site-fix\nsource = s\n"
               "[header ms]\ntac = ^oursubcode$\n",
               &check);
    ck_assert_uint_eq(check.nproblems, 0);
    ck_assert_uint_eq(check.nactions, 1);
    ck_assert_uint_eq(check.ncodes, 2);
    ck_assert_uint_eq(check.nheaders, 1);
    ck_assert_uint_eq(check.nsips + check.nclasses + check.norigins, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_int_eq(dt_rules_check_write_summary(out, "site.rules", &check), DT_OK);
    fclose(out);
    ck_assert_str_eq(text, "site.rules: ok (1 action, 2 codes, 1 header alias)\n");
    free(text);
    dt_rules_check_free(&check);
}
END_TEST

START_TEST(test_override_of_builtin_is_clean)
{
    /* Replacing a built-in action or entry is what user files are for. */
    dt_rules_check_t check;
    check_site("[action tls-certificate]\ntitle = Ours\nowner = network\ntext = t\n"
               "[sip-class 4]\naction = tls-certificate\n",
               &check);
    ck_assert_uint_eq(check.nproblems, 0);
    ck_assert_uint_eq(check.nactions, 1);
    ck_assert_uint_eq(check.nclasses, 1);
    dt_rules_check_free(&check);
}
END_TEST

START_TEST(test_whole_set_problem)
{
    /* Without the built-in rules, a file lacking [origin *] is not usable. */
    dt_rules_t rules;
    dt_rules_check_t check;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    const char text[] = "[action a]\ntitle = T\nowner = sbc\ntext = t\n";
    ck_assert_int_eq(dt_rules_check_text(&rules, "a.rules", text, strlen(text), &check, &err),
                     DT_OK);
    ck_assert_uint_eq(check.nproblems, 1);
    ck_assert_ptr_null(check.problems[0].file);
    ck_assert_contains(check.problems[0].message, "[origin *]");
    char *out = problems_text(&check);
    ck_assert_msg(out[0] != ':' && strstr(out, "a.rules:0") == NULL, "%s", out);
    free(out);
    dt_rules_check_free(&check);
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_check_file)
{
    char *path = tu_temp_text("[action x]\ntitle = T\nowner = nobody\ntext = t\n");
    dt_rules_t rules;
    dt_rules_check_t check;
    dt_error_t err = {{0}};
    tu_rules_embedded(&rules);
    ck_assert_int_eq(dt_rules_check_file(&rules, path, &check, &err), DT_OK);
    ck_assert_uint_eq(check.nproblems, 1);
    ck_assert_str_eq(check.problems[0].file, path);
    ck_assert_uint_eq(check.problems[0].line, 3);
    dt_rules_check_free(&check);
    dt_rules_free(&rules);
    tu_temp_remove(path);

    tu_rules_embedded(&rules);
    ck_assert_int_eq(dt_rules_check_file(&rules, "/nonexistent/x.rules", &check, &err),
                     DT_ERR_INPUT);
    ck_assert_contains(err.msg, "/nonexistent/x.rules");
    dt_rules_check_free(&check);
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_checked_load_keeps_first_error)
{
    /* The plain loader still stops with the first problem's message. */
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert_int_eq(dt_rules_load_text(&rules, "site.rules", 0, several, strlen(several), &err),
                     DT_ERR_INPUT);
    ck_assert_msg(strncmp(err.msg, "site.rules:3: owner 'boss'", 26) == 0, "%s", err.msg);
    dt_rules_free(&rules);
}
END_TEST

/* ---- rules list ---- */

static char *table(const dt_rules_t *rules)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_rules_write_table(out, rules, &err), DT_OK);
    fclose(out);
    return text;
}

START_TEST(test_table)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    tu_rules_embedded(&rules);
    ck_assert(tu_rules_text(&rules, "site.rules", 1,
                            "[action tls-certificate]\ntitle = Ours\nowner = network\ntext = t\n"
                            "[code 1/403]\nphrase = A\tB\nphrase = C\naction = tls-certificate\n"
                            "source = s\n",
                            &err) == DT_OK);
    ck_assert_msg(dt_rules_finish(&rules, &err) == DT_OK, "%s", err.msg);
    char *text = table(&rules);
    ck_assert_msg(strncmp(text, "kind\tkey\taction\towner\torigin\tphrase\tsource\tfile:line\n", 52) ==
                      0,
                  "%.80s", text);
    ck_assert_contains(text, "\naction\ttls-certificate\ttls-certificate\tnetwork\t\tOurs\t\t"
                             "site.rules:1\n");
    ck_assert_contains(text, "\ncode\t1/403\ttls-certificate\tnetwork\tmicrosoft\tA B | C\ts\t"
                             "site.rules:5\n");
    ck_assert_contains(text, "\ncode\t560402/402\tcarrier-downstream\t");
    ck_assert_contains(text, "\nsip\t404\t\t\t\tNot Found\tRFC3261\t(built-in)/sip.rules:");
    ck_assert_contains(text, "\nsip-class\t4xx\tsip-4xx\t");
    ck_assert_contains(text, "\norigin\t560\tsbc-response\tsbc\tsbc\tsip-from-code\t\t");
    ck_assert_contains(text, "\nheader\tms/tac\t\t\t\t^finalmicrosoftsubcode$\t\t");
    ck_assert_contains(text, "\nskip\tparameters\t\t\t\tname=parameters.json\t");
    ck_assert_contains(text, "\nskip\tpstn-calls\t\t\t\theaders=^usageid$ ^charge$ ^capability$\t");

    /* Every row has eight cells; kinds come in blocks, codes sorted by MS then SIP. */
    size_t nlines = 0;
    dt_slice_t *lines = tu_split(text, '\n', &nlines);
    const char *kinds = "code action sip sip-class origin header skip";
    const char *last_kind = "code";
    unsigned long long last_ms = 0;
    for (size_t i = 1; i + 1 < nlines; i++) {
        size_t tabs = 0;
        for (size_t k = 0; k < lines[i].len; k++)
            tabs += lines[i].ptr[k] == '\t';
        ck_assert_msg(tabs == 7, "line %zu: %.*s", i, (int)lines[i].len, lines[i].ptr);
        char kind[16];
        snprintf(kind, sizeof kind, "%.*s", (int)strcspn(lines[i].ptr, "\t"), lines[i].ptr);
        ck_assert_msg(strstr(kinds, last_kind) <= strstr(kinds, kind), "%s after %s", kind,
                      last_kind);
        if (strcmp(kind, "code") == 0) {
            unsigned long long ms = strtoull(lines[i].ptr + 5, NULL, 10);
            ck_assert_msg(ms >= last_ms, "code %llu after %llu", ms, last_ms);
            last_ms = ms;
        }
        last_kind = strstr(kinds, kind);
    }
    free(lines);

    /* Deterministic. */
    char *again = table(&rules);
    ck_assert_str_eq(text, again);
    free(again);
    free(text);
    dt_rules_free(&rules);
}
END_TEST

Suite *dt_suite_rules_check(void)
{
    Suite *s = suite_create("rules_check");
    TCase *t = tcase_create("check");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, test_every_problem_with_its_line);
    tcase_add_test(t, test_clean_file);
    tcase_add_test(t, test_override_of_builtin_is_clean);
    tcase_add_test(t, test_whole_set_problem);
    tcase_add_test(t, test_check_file);
    tcase_add_test(t, test_checked_load_keeps_first_error);
    suite_add_tcase(s, t);
    t = tcase_create("list");
    tcase_add_test(t, test_table);
    suite_add_tcase(s, t);
    return s;
}
