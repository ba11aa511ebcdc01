/* check_escape.c - the escapers for HTML, Markdown, CSV, Prometheus labels and
 * spreadsheets, the link check, and the JSON emitter's script-safe strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_escape.h"
#include "dt_json.h"

typedef void (*escape_fn)(FILE *, const char *, size_t);

/* What escape(text) writes (free it). */
static char *escaped(escape_fn escape, const char *text, size_t len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(out);
    escape(out, text, len);
    fclose(out);
    return buf;
}

static void csv_comma(FILE *out, const char *text, size_t len)
{
    dt_escape_csv(out, text, len, ',');
}

static void csv_semicolon(FILE *out, const char *text, size_t len)
{
    dt_escape_csv(out, text, len, ';');
}

static void json_script(FILE *out, const char *text, size_t len)
{
    dt_json_t j;
    dt_json_init(&j, out, false);
    j.script_safe = true;
    dt_json_strn(&j, NULL, text, len);
}

#define S(literal) literal, sizeof literal - 1
#define RLO "\xE2\x80\xAE" /* U+202E RIGHT-TO-LEFT OVERRIDE */
#define LRI "\xE2\x81\xA6" /* U+2066 LEFT-TO-RIGHT ISOLATE */

static const struct {
    escape_fn escape;
    const char *in;
    size_t len;
    const char *out;
} cases[] = {
    {dt_escape_html, S("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;"},
    {dt_escape_html, S("\"><img src=x onerror='a'>&"),
     "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;"},
    {dt_escape_html, S("tab\there\r\nline"), "tab here  line"},
    {dt_escape_html, S("bidi " RLO "gnp.exe" LRI), "bidi gnp.exe"},
    {dt_escape_html, S("bad \xff\xfe utf-8 \x1b[31m"), "bad \xEF\xBF\xBD\xEF\xBF\xBD utf-8 [31m"},
    {dt_escape_html, S("caf\xC3\xA9"), "caf\xC3\xA9"},
    {dt_escape_markdown, S("a|b *c* _d_ `e` [f](g) <h>"), "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) \\<h\\>"},
    {dt_escape_markdown, S("http://x.example www.y.example WWW.z.org u@v.example"),
     "http\\://x.example www\\.y.example WWW\\.z.org u\\@v.example"},
    {dt_escape_markdown, S("~~s~~ &amp; \\"), "\\~\\~s\\~\\~ \\&amp; \\\\"},
    {dt_escape_markdown, S("sbc-1.contoso.com (2)"), "sbc-1.contoso.com (2)"},
    {csv_comma, S("plain"), "plain"},
    {csv_comma, S("a,b"), "\"a,b\""},
    {csv_comma, S("say \"hi\""), "\"say \"\"hi\"\"\""},
    {csv_comma, S("=1+1"), "\"'=1+1\""},
    {csv_comma, S("+44 20"), "\"'+44 20\""},
    {csv_comma, S("-2"), "\"'-2\""},
    {csv_comma, S("@SUM(A1)"), "\"'@SUM(A1)\""},
    {csv_comma, S("\t=1"), "\"' =1\""},
    {csv_comma, S("\r=1"), "\"' =1\""},
    {csv_comma, S("  =1"), "\"'  =1\""},
    {csv_comma, S("a-b=c"), "a-b=c"},
    {csv_comma, S(" edge "), "\" edge \""},
    {csv_comma, S("a;b"), "a;b"},
    {csv_semicolon, S("a;b"), "\"a;b\""},
    {csv_comma, S("two\nlines"), "two lines"},
    {dt_escape_prom_label, S("a\"b\\c\nd"), "a\\\"b\\\\c d"},
    {dt_escape_prom_label, S("sbc" RLO "x\xff"), "sbcx\xEF\xBF\xBD"},
    {json_script, S("</script><b>&"), "\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\""},
    {json_script, S("x" RLO "y\xE2\x80\xA8z\n"), "\"x\\u202ey\\u2028z\\u000a\""},
};

START_TEST(escape_case)
{
    char *got = escaped(cases[_i].escape, cases[_i].in, cases[_i].len);
    ck_assert_msg(strcmp(got, cases[_i].out) == 0, "case %d: got '%s', want '%s'", _i, got,
                  cases[_i].out);
    free(got);
}
END_TEST

START_TEST(formula_risk)
{
    ck_assert(dt_escape_formula_risk(S("=x")));
    ck_assert(dt_escape_formula_risk(S(" +x")));
    ck_assert(dt_escape_formula_risk(S("\tx")));
    ck_assert(!dt_escape_formula_risk(S("x=1")));
    ck_assert(!dt_escape_formula_risk(S("   ")));
    ck_assert(!dt_escape_formula_risk(S("")));
    ck_assert(!dt_escape_formula_risk(NULL, 0));
}
END_TEST

START_TEST(url_ok)
{
    ck_assert(dt_escape_url_ok("https://learn.microsoft.com/en-us/x#y?z=1&w=2"));
    ck_assert(!dt_escape_url_ok("http://learn.microsoft.com/"));
    ck_assert(!dt_escape_url_ok("javascript:alert(1)"));
    ck_assert(!dt_escape_url_ok("https://"));
    ck_assert(!dt_escape_url_ok("https://x/\"onmouseover=\"a"));
    ck_assert(!dt_escape_url_ok("https://x/ y"));
    ck_assert(!dt_escape_url_ok("https://x/(y)"));
    ck_assert(!dt_escape_url_ok("https://x/<y>"));
    ck_assert(!dt_escape_url_ok("https://x/\xC3\xA9"));
    ck_assert(!dt_escape_url_ok(NULL));
}
END_TEST

START_TEST(clean_cuts_at_characters)
{
    char buf[8];
    ck_assert_uint_eq(dt_escape_clean(buf, sizeof buf, S("a\tb" RLO "c")), 4);
    ck_assert_str_eq(buf, "a bc");
    /* "\xC3\xA9" is 2 bytes: 3 of them fit in 7 bytes, never half of one. */
    ck_assert_uint_eq(dt_escape_clean(buf, sizeof buf, S("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9")), 6);
    ck_assert_str_eq(buf, "\xC3\xA9\xC3\xA9\xC3\xA9");
}
END_TEST

Suite *dt_suite_escape(void)
{
    Suite *s = suite_create("escape");
    TCase *t = tcase_create("escape");
    tcase_add_loop_test(t, escape_case, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(t, formula_risk);
    tcase_add_test(t, url_ok);
    tcase_add_test(t, clean_cuts_at_characters);
    suite_add_tcase(s, t);
    return s;
}
