/* check_explain.c - `drtriage explain` queries (parsing, matching over the
 * built-in rules, fallbacks through the real lookup), its text and JSON, and
 * the rules stub round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_explain.h"
#include "test_util.h"

/* ---- parsing ---- */

static const struct {
    const char *args[3];
    size_t nargs;
    dt_query_kind_t kind;
    uint64_t ms;
    unsigned sip;
    const char *text;
} good_queries[] = {
    {{"560403"}, 1, DT_QUERY_MS, 560403, 0, "560403"},
    {{"403"}, 1, DT_QUERY_SIP, 0, 403, "403"},
    {{"100"}, 1, DT_QUERY_SIP, 0, 100, "100"},
    {{"699"}, 1, DT_QUERY_SIP, 0, 699, "699"},
    {{"700"}, 1, DT_QUERY_MS, 700, 0, "700"},
    {{"099"}, 1, DT_QUERY_MS, 99, 0, "99"},
    {{"0"}, 1, DT_QUERY_MS, 0, 0, "0"},
    {{"510532/403"}, 1, DT_QUERY_PAIR, 510532, 403, "510532/403"},
    {{"540000/0"}, 1, DT_QUERY_PAIR, 540000, 0, "540000/0"},
    {{"510532", "403"}, 2, DT_QUERY_PAIR, 510532, 403, "510532/403"},
    {{"*/503"}, 1, DT_QUERY_SIP, 0, 503, "503"},
    {{"*/999"}, 1, DT_QUERY_SIP, 0, 999, "*/999"},
    {{"560403/*"}, 1, DT_QUERY_MS, 560403, 0, "560403"},
    {{"403/*"}, 1, DT_QUERY_MS, 403, 0, "403/*"},
    {{"TLS negotiation failed"}, 1, DT_QUERY_PHRASE, 0, 0, "TLS negotiation failed"},
};

START_TEST(test_parse_good)
{
    dt_explain_query_t q[3];
    size_t n = 99;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_explain_parse(good_queries[_i].args, NULL, good_queries[_i].nargs, q, &n,
                                   &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(q[0].kind, good_queries[_i].kind);
    ck_assert_uint_eq(q[0].ms, good_queries[_i].ms);
    ck_assert_uint_eq(q[0].sip, good_queries[_i].sip);
    ck_assert_str_eq(dt_explain_query_text(&q[0]), good_queries[_i].text);
}
END_TEST

static const char *const bad_queries[] = {"4x3", "403/", "/403", "510532/4o3", "510532/1000",
                                          "5604030000000000000000", "1/2/3", "*/*", "*", "   "};

START_TEST(test_parse_bad)
{
    dt_explain_query_t q[1];
    size_t n = 0;
    dt_error_t err = {{0}};
    const char *args[] = {bad_queries[_i]};
    ck_assert_int_eq(dt_explain_parse(args, NULL, 1, q, &n, &err), DT_ERR_USAGE);
    if (bad_queries[_i][0] != ' ')
        ck_assert_contains(err.msg, bad_queries[_i]);
}
END_TEST

START_TEST(test_parse_sequence)
{
    /* SIP then MS stays apart; MS then SIP pairs; two MS codes do not pair; a
     * forced phrase never pairs and may start with a digit. */
    const char *args[] = {"403", "560403", "510532", "403", "540000", "560403", "0x80090326",
                          "487"};
    bool is_phrase[] = {false, false, false, false, false, false, true, false};
    dt_explain_query_t q[8];
    size_t n = 0;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_explain_parse(args, is_phrase, 8, q, &n, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(n, 7);
    const char *want[] = {"403", "560403", "510532/403", "540000", "560403", "0x80090326", "487"};
    dt_query_kind_t kinds[] = {DT_QUERY_SIP, DT_QUERY_MS,     DT_QUERY_PAIR, DT_QUERY_MS,
                               DT_QUERY_MS,  DT_QUERY_PHRASE, DT_QUERY_SIP};
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(dt_explain_query_text(&q[i]), want[i]);
        ck_assert_int_eq(q[i].kind, kinds[i]);
    }
}
END_TEST

/* ---- answers over the built-in rules ---- */

typedef struct {
    dt_rules_t rules;
    dt_codes_t *codes;
    dt_explain_query_t query;
    dt_explanation_t e;
} fixture_t;

/* Loads the built-in rules (plus `extra` rules text when not NULL) and answers
 * one query given as command-line arguments, for files of `family`. */
static void explain_for(fixture_t *fx, dt_family_t family, const char *extra,
                        const char *const *args, size_t nargs)
{
    dt_error_t err = {{0}};
    tu_rules_embedded(&fx->rules);
    if (extra) {
        ck_assert_msg(tu_rules_text(&fx->rules, "extra.rules", 1, extra, &err) == DT_OK, "%s",
                      err.msg);
        ck_assert_msg(dt_rules_finish(&fx->rules, &err) == DT_OK, "%s", err.msg);
    }
    fx->codes = dt_codes_new(&fx->rules, 16, &err);
    ck_assert_msg(fx->codes != NULL, "%s", err.msg);
    size_t n = 0;
    ck_assert_msg(dt_explain_parse(args, NULL, nargs, &fx->query, &n, &err) == DT_OK, "%s",
                  err.msg);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(fx->query.family, DT_FAMILY_ANY);
    fx->query.family = family;
    ck_assert_int_eq(dt_explain_run(&fx->rules, fx->codes, &fx->query, &fx->e, &err), DT_OK);
}

static void explain(fixture_t *fx, const char *extra, const char *const *args, size_t nargs)
{
    explain_for(fx, DT_FAMILY_ANY, extra, args, nargs);
}

static void explain_one(fixture_t *fx, const char *arg)
{
    explain(fx, NULL, &arg, 1);
}

static void fixture_done(fixture_t *fx)
{
    dt_explanation_free(&fx->e);
    dt_codes_free(fx->codes);
    dt_rules_free(&fx->rules);
}

static const dt_code_rule_t *entry_of(const fixture_t *fx, size_t i)
{
    ck_assert_uint_lt(fx->e.items[i].entry, fx->rules.ncodes);
    return &fx->rules.codes[fx->e.items[i].entry];
}

static const char *action_of(const fixture_t *fx, size_t i)
{
    size_t a = fx->e.items[i].match.action;
    return a < fx->rules.nactions ? fx->rules.actions[a].id : NULL;
}

/* The text (width columns; 0: JSON) of the explanation, in a malloc'd string. */
static char *render_width(const fixture_t *fx, unsigned width)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    dt_error_t err = {{0}};
    dt_status_t st = width ? dt_explain_write_text(out, &fx->rules, &fx->e, width, &err)
                           : dt_explain_write_json(out, &fx->rules, &fx->e, &err);
    ck_assert_int_eq(st, DT_OK);
    fclose(out);
    return text;
}

/* Text without wrapping, or JSON. */
static char *render(const fixture_t *fx, bool json)
{
    return render_width(fx, json ? 0 : 10000);
}

START_TEST(test_pair_lists_every_phrase)
{
    fixture_t fx;
    explain_one(&fx, "569002/504");
    ck_assert(fx.e.matched);
    ck_assert_uint_ge(fx.e.nitems, 7);
    for (size_t i = 0; i < fx.e.nitems; i++) {
        ck_assert(fx.e.items[i].documented);
        ck_assert(fx.e.items[i].match.known);
        ck_assert_int_eq(fx.e.items[i].match.level, DT_MATCH_PHRASE);
        ck_assert_int_eq(fx.e.items[i].match.origin, DT_ORIGIN_MICROSOFT);
        ck_assert_uint_eq(entry_of(&fx, i)->ms, 569002);
        ck_assert_uint_eq(entry_of(&fx, i)->sip, 504);
    }
    char *text = render(&fx, false);
    for (size_t e = 0; e < fx.rules.ncodes; e++)
        if (fx.rules.codes[e].ms == 569002 && fx.rules.codes[e].sip == 504)
            ck_assert_contains(text, fx.rules.codes[e].phrases[0]);
    ck_assert_contains(text, "504 Server Time-out");
    ck_assert_contains(text, "tls-certificate");
    ck_assert_contains(text, "https://learn.microsoft.com/en-us/microsoftteams/");
    ck_assert_contains(text, "Microsoft code not starting with 560: a Microsoft service generated it");
    free(text);
    /* Wrapped: only a word longer than the width (a URL) overflows a line. */
    text = render_width(&fx, 60);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        ck_assert_msg(strlen(line) <= 60 || strchr(line + 20, ' ') == NULL, "too long: %s", line);
    free(text);
    fixture_done(&fx);
}
END_TEST

START_TEST(test_summary_leads)
{
    fixture_t fx;
    explain_one(&fx, "403");
    /* one row per distinct action, entries adding up to the documented items,
     * most entries first */
    ck_assert_uint_ge(fx.e.nsummary, 2);
    size_t entries = 0;
    for (size_t i = 0; i < fx.e.nsummary; i++) {
        entries += fx.e.summary[i].entries;
        ck_assert_uint_ge(fx.e.summary[i].phrases, fx.e.summary[i].entries);
        if (i)
            ck_assert_uint_ge(fx.e.summary[i - 1].entries, fx.e.summary[i].entries);
        for (size_t j = 0; j < i; j++)
            ck_assert_uint_ne(fx.e.summary[i].action, fx.e.summary[j].action);
    }
    ck_assert_uint_eq(entries, fx.e.nitems);
    char *text = render(&fx, false);
    const char *first = fx.rules.actions[fx.e.summary[0].action].id;
    char want[160];
    snprintf(want, sizeof want, "403: %zu documented entries, %zu actions\n  %s", fx.e.nitems,
             fx.e.nsummary, first);
    ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "%s", text);
    /* the summary comes before the first detail */
    ck_assert(strstr(text, first) < strstr(text, "\n\n"));
    free(text);
    text = render(&fx, true);
    ck_assert_contains(text, "\"summary\":[{\"action\":\"");
    ck_assert_contains(text, "\"entries\":");
    free(text);
    fixture_done(&fx);

    explain_one(&fx, "560499"); /* a fallback: one row, no documented entry */
    ck_assert_uint_eq(fx.e.nsummary, 1);
    ck_assert_uint_eq(fx.e.summary[0].entries, 0);
    text = render(&fx, false);
    ck_assert_contains(text, "not documented");
    free(text);
    fixture_done(&fx);
}
END_TEST

START_TEST(test_action_query)
{
    fixture_t fx;
    explain_one(&fx, "TLS-Certificate"); /* an action id, ASCII case ignored */
    ck_assert_ptr_nonnull(fx.e.action);
    ck_assert_str_eq(fx.e.action->id, "tls-certificate");
    ck_assert(fx.e.matched);
    size_t want = 0;
    for (size_t e = 0; e < fx.rules.ncodes; e++)
        want += fx.rules.codes[e].action < fx.rules.nactions &&
                strcmp(fx.rules.actions[fx.rules.codes[e].action].id, "tls-certificate") == 0;
    ck_assert_uint_eq(fx.e.nitems, want);
    ck_assert_uint_gt(want, 0);
    for (size_t i = 0; i < fx.e.nitems; i++)
        ck_assert_str_eq(action_of(&fx, i), "tls-certificate");
    ck_assert_uint_eq(fx.e.nsummary, 1);
    char *text = render(&fx, false);
    ck_assert_contains(text, "tls-certificate: an action;");
    ck_assert_contains(text, "  codes         569002/504");
    ck_assert_contains(text, "SBC admin or vendor");
    free(text);
    text = render(&fx, true);
    ck_assert_contains(text, "\"kind\":\"action\",\"family\":null,\"matched\":true,"
                             "\"action\":{\"id\":\"tls-certificate\"");
    free(text);
    fixture_done(&fx);

    /* -p makes it a phrase; an id no action has is a phrase */
    const char *args[] = {"tls-certificate"};
    bool forced[] = {true};
    dt_error_t err = {{0}};
    tu_rules_embedded(&fx.rules);
    fx.codes = dt_codes_new(&fx.rules, 16, &err);
    size_t n = 0;
    ck_assert_int_eq(dt_explain_parse(args, forced, 1, &fx.query, &n, &err), DT_OK);
    ck_assert(fx.query.forced_phrase);
    ck_assert_int_eq(dt_explain_run(&fx.rules, fx.codes, &fx.query, &fx.e, &err), DT_OK);
    ck_assert_ptr_null(fx.e.action);
    fixture_done(&fx);
    explain_one(&fx, "no-such-action");
    ck_assert_ptr_null(fx.e.action);
    ck_assert(!fx.e.matched);
    fixture_done(&fx);
}
END_TEST

START_TEST(test_two_arguments_are_a_pair)
{
    fixture_t fx;
    const char *args[] = {"510532", "403"};
    explain(&fx, NULL, args, 2);
    ck_assert_uint_eq(fx.e.nitems, 2);
    ck_assert_str_eq(action_of(&fx, 0), "trunk-config");
    ck_assert_str_eq(action_of(&fx, 1), "inbound-trunk-match");
    fixture_done(&fx);
}
END_TEST

START_TEST(test_ms_and_sip_alone)
{
    fixture_t fx;
    explain_one(&fx, "510532");
    ck_assert_uint_eq(fx.e.nitems, 2);
    fixture_done(&fx);

    explain_one(&fx, "403");
    ck_assert_uint_ge(fx.e.nitems, 10);
    for (size_t i = 0; i < fx.e.nitems; i++)
        ck_assert_uint_eq(entry_of(&fx, i)->sip, 403);
    fixture_done(&fx);
}
END_TEST

START_TEST(test_560_rule_fallback)
{
    fixture_t fx;
    explain_one(&fx, "560499");
    ck_assert(fx.e.matched);
    ck_assert_uint_eq(fx.e.nitems, 1);
    const dt_explain_item_t *item = &fx.e.items[0];
    ck_assert(!item->documented);
    ck_assert(!item->match.known);
    ck_assert_int_eq(item->match.level, DT_MATCH_ORIGIN);
    ck_assert_int_eq(item->match.origin, DT_ORIGIN_SBC);
    ck_assert(item->has_sip);
    ck_assert_uint_eq(item->sip, 499);
    ck_assert_str_eq(action_of(&fx, 0), "sbc-response");
    char *text = render(&fx, false);
    ck_assert_contains(text, "560499: not documented by Microsoft");
    ck_assert_contains(text, "560 rule: the SBC sent SIP 499");
    ck_assert_contains(text, "origin-rule");
    ck_assert_contains(text, "[origin 560]");
    ck_assert_contains(text, "[code 560499/499]");
    ck_assert_contains(text, "action = sbc-response");
    free(text);
    text = render(&fx, true);
    ck_assert_contains(text, "\"query\":\"560499\"");
    ck_assert_contains(text, "\"level\":\"origin-rule\"");
    ck_assert_contains(text, "\"known\":false");
    ck_assert_contains(text, "\"stub\":\"[code 560499/499]\\n");
    ck_assert_msg(text[strlen(text) - 1] == '\n' && !strchr(text, '\n')[1], "one line: %s", text);
    free(text);
    fixture_done(&fx);
}
END_TEST

START_TEST(test_other_fallbacks)
{
    fixture_t fx;
    /* An undocumented pair whose Microsoft code is documented alone. */
    explain_one(&fx, "540998/499");
    ck_assert_int_eq(fx.e.items[0].match.level, DT_MATCH_MS);
    ck_assert(fx.e.items[0].match.known && !fx.e.items[0].documented && fx.e.matched);
    fixture_done(&fx);

    /* A normal end documented with SIP 0 does not answer for SIP 499. */
    explain_one(&fx, "540000/499");
    ck_assert_int_eq(fx.e.items[0].match.level, DT_MATCH_SIP_CLASS);
    ck_assert_str_eq(action_of(&fx, 0), "sip-4xx");
    ck_assert(!fx.e.items[0].match.known);
    char *why = render(&fx, false);
    ck_assert_contains(why, "the pair is not documented by Microsoft and the entries for 540000 "
                            "apply to their own SIP codes only; drtriage uses the action of "
                            "[sip-class 4]");
    free(why);
    fixture_done(&fx);

    /* A SIP code alone: its class. */
    explain_one(&fx, "599");
    ck_assert_int_eq(fx.e.items[0].match.level, DT_MATCH_SIP_CLASS);
    ck_assert_str_eq(action_of(&fx, 0), "sip-5xx");
    char *text = render(&fx, false);
    ck_assert_contains(text, "[sip-class 5] ((built-in)/sip.rules:");
    ck_assert_msg(!strstr(text, "[code "), "no stub without a Microsoft code");
    free(text);
    fixture_done(&fx);

    /* A Microsoft code no rule gives an action: nothing matched. */
    explain_one(&fx, "123456");
    ck_assert_int_eq(fx.e.items[0].match.level, DT_MATCH_NONE);
    ck_assert(!fx.e.matched);
    text = render(&fx, true);
    ck_assert_contains(text, "\"matched\":false");
    ck_assert_contains(text, "\"id\":\"unknown\"");
    free(text);
    fixture_done(&fx);
}
END_TEST

START_TEST(test_phrases)
{
    fixture_t fx;
    explain_one(&fx, "tls   NEGOTIATION");
    ck_assert(fx.e.matched);
    ck_assert_uint_ge(fx.e.nitems, 5);
    for (size_t i = 0; i < fx.e.nitems; i++) {
        bool found = false;
        const dt_code_rule_t *c = entry_of(&fx, i);
        for (size_t p = 0; p < c->nphrases; p++)
            found |= strstr(c->phrases[p], "TLS negotiation") != NULL;
        ck_assert_msg(found, "entry %zu has no TLS negotiation phrase", i);
    }
    fixture_done(&fx);

    /* A trailing period in the query does not stop it matching a longer phrase. */
    explain_one(&fx, "Invalid number format.");
    ck_assert_uint_ge(fx.e.nitems, 1);
    fixture_done(&fx);

    /* Through a pattern only: 560402's phrase may vary after "Payment required". */
    explain_one(&fx, "payment required: insufficient funds");
    ck_assert_uint_eq(fx.e.nitems, 1);
    ck_assert_uint_eq(entry_of(&fx, 0)->ms, 560402);
    fixture_done(&fx);

    explain_one(&fx, "no documented phrase says this");
    ck_assert_uint_eq(fx.e.nitems, 0);
    ck_assert(!fx.e.matched);
    char *text = render(&fx, true);
    ck_assert_str_eq(text, "{\"query\":\"no documented phrase says this\",\"kind\":\"phrase\","
                           "\"family\":null,\"matched\":false,\"summary\":[],\"matches\":[]}\n");
    free(text);
    fixture_done(&fx);
}
END_TEST

START_TEST(test_user_override_and_origin)
{
    /* A user entry is found, and its documented origin shown when it differs. */
    fixture_t fx;
    explain(&fx,
            "[code 560777/777]\nphrase = Carrier said no\naction = carrier-downstream\n"
            "origin = microsoft\nsource = ours\n",
            (const char *[]){"560777"}, 1);
    ck_assert_uint_eq(fx.e.nitems, 1);
    ck_assert(fx.e.items[0].documented);
    char *text = render(&fx, false);
    ck_assert_contains(text, "documented    microsoft");
    ck_assert_contains(text, "rule          extra.rules:1");
    free(text);
    text = render(&fx, true);
    ck_assert_contains(text, "\"documented_origin\":\"microsoft\"");
    ck_assert_contains(text, "\"origin\":\"sbc\"");
    ck_assert_contains(text, "\"rule\":\"extra.rules:1\"");
    free(text);
    fixture_done(&fx);
}
END_TEST

/* The origin per export family: by default the rules for every family, with
 * each family whose origin differs beside; --family answers for one. */
START_TEST(test_family_origins)
{
    fixture_t fx;
    const char *arg = "540487/487";
    explain_for(&fx, DT_FAMILY_ANY, NULL, &arg, 1);
    ck_assert_uint_ge(fx.e.nitems, 2);
    ck_assert_int_eq(fx.e.items[0].match.origin, DT_ORIGIN_MICROSOFT);
    char *text = render(&fx, false);
    ck_assert_contains(text, "  origin        microsoft: Microsoft code not starting with 560: a "
                             "Microsoft service generated it\n"
                             "  acs files     sbc: 540 rule for acs files: the SBC sent SIP 487\n");
    ck_assert_msg(!strstr(text, "tac files"), "TAC files have the same origin:\n%s", text);
    free(text);
    text = render(&fx, true);
    ck_assert_contains(text, "\"family\":null");
    ck_assert_contains(text, "\"other_families\":[{\"family\":\"acs\",\"origin\":\"sbc\","
                             "\"origin_reason\":\"540 rule for acs files: the SBC sent SIP "
                             "487\"}]");
    free(text);
    fixture_done(&fx);

    explain_for(&fx, DT_FAMILY_ACS, NULL, &arg, 1);
    ck_assert_int_eq(fx.e.items[0].match.origin, DT_ORIGIN_SBC);
    text = render(&fx, false);
    ck_assert_contains(text, "  origin        sbc: 540 rule for acs files: the SBC sent SIP 487\n");
    ck_assert_msg(!strstr(text, " files     "), "no other family beside --family:\n%s", text);
    free(text);
    text = render(&fx, true);
    ck_assert_contains(text, "\"family\":\"acs\"");
    ck_assert_contains(text, "\"other_families\":[]");
    free(text);
    fixture_done(&fx);

    /* An undocumented 540NNN code: the ACS rule's action only for ACS files. */
    arg = "540499/499";
    explain_for(&fx, DT_FAMILY_ACS, NULL, &arg, 1);
    ck_assert_int_eq(fx.e.items[0].match.level, DT_MATCH_ORIGIN);
    ck_assert_str_eq(action_of(&fx, 0), "sbc-response");
    text = render(&fx, false);
    ck_assert_contains(text, "[origin 540]");
    free(text);
    fixture_done(&fx);
    explain_for(&fx, DT_FAMILY_TAC, NULL, &arg, 1);
    ck_assert_int_eq(fx.e.items[0].match.level, DT_MATCH_SIP_CLASS);
    fixture_done(&fx);

    /* 560NNN and other codes: the same in every family, nothing beside. */
    explain_one(&fx, "560403/403");
    text = render(&fx, false);
    ck_assert_msg(!strstr(text, " files     "), "%s", text);
    free(text);
    fixture_done(&fx);
}
END_TEST

START_TEST(test_origin_reasons)
{
    dt_rules_t rules;
    char buf[256];
    tu_rules_embedded(&rules);
    ck_assert_str_eq(dt_explain_origin_reason(&rules, DT_FAMILY_ANY, 560403, true, buf, sizeof buf),
                     "560 rule: the SBC sent SIP 403");
    ck_assert_str_eq(dt_explain_origin_reason(&rules, DT_FAMILY_ANY, 510532, true, buf, sizeof buf),
                     "Microsoft code not starting with 560: a Microsoft service generated it");
    ck_assert_str_eq(dt_explain_origin_reason(&rules, DT_FAMILY_ANY, 0, false, buf, sizeof buf),
                     "no Microsoft code: the origin is unknown");
    ck_assert_str_eq(dt_explain_origin_reason(&rules, DT_FAMILY_ACS, 540000, true, buf,
                                              sizeof buf),
                     "540 rule for acs files: the SBC generated it");
    ck_assert_str_eq(dt_explain_origin_reason(&rules, DT_FAMILY_ACS, 510532, true, buf,
                                              sizeof buf),
                     "Microsoft code not starting with 560 or 540: a Microsoft service "
                     "generated it");
    ck_assert_str_eq(dt_explain_origin_reason(&rules, DT_FAMILY_TAC, 540000, true, buf,
                                              sizeof buf),
                     "Microsoft code not starting with 560: a Microsoft service generated it");
    dt_rules_free(&rules);

    /* Derived from the rules, not fixed: another prefix shows up. */
    dt_error_t err = {{0}};
    tu_rules_embedded(&rules);
    ck_assert(tu_rules_text(&rules, "o.rules", 1, "[origin 540]\norigin = sbc\n", &err) ==
              DT_OK);
    ck_assert_msg(dt_rules_finish(&rules, &err) == DT_OK, "%s", err.msg);
    ck_assert_str_eq(dt_explain_origin_reason(&rules, DT_FAMILY_ANY, 540998, true, buf, sizeof buf),
                     "540 rule: the SBC generated it");
    ck_assert_str_eq(dt_explain_origin_reason(&rules, DT_FAMILY_ANY, 510532, true, buf, sizeof buf),
                     "Microsoft code not starting with 560 or 540: a Microsoft service "
                     "generated it");
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_wording_helpers)
{
    ck_assert_str_eq(dt_doc_link_prefix("/microsoftteams/x"), "https://learn.microsoft.com/en-us");
    ck_assert_str_eq(dt_doc_link_prefix("https://example.com/x"), "");
    ck_assert_str_eq(dt_owner_meaning(DT_OWNER_SBC), "SBC admin or vendor");
    ck_assert_str_eq(dt_owner_meaning(DT_OWNER_COUNT), "?");
}
END_TEST

START_TEST(test_write_error)
{
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        return;
    fixture_t fx;
    explain_one(&fx, "569002/504");
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_explain_write_text(full, &fx.rules, &fx.e, 0, &err), DT_ERR_OUTPUT);
    ck_assert_int_eq(dt_explain_write_json(full, &fx.rules, &fx.e, &err), DT_ERR_OUTPUT);
    fclose(full);
    fixture_done(&fx);
}
END_TEST

/* ---- rules stubs ---- */

static char *stub(uint64_t ms, bool has_ms, unsigned sip, bool has_sip, const char *phrase,
                  const char *action)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(dt_rules_write_stub(out, ms, has_ms, sip, has_sip, phrase,
                                         phrase ? strlen(phrase) : 0, action),
                     DT_OK);
    fclose(out);
    return text;
}

static const struct {
    uint64_t ms;
    bool has_ms;
    unsigned sip;
    bool has_sip;
    const char *phrase;
    dt_match_level_t level; /* of a call with these codes and phrase, once loaded */
} stubs[] = {
    {599999, true, 500, true, "Carrier\tsaid  no.", DT_MATCH_PHRASE},
    {599999, true, 500, true, NULL, DT_MATCH_CODES},
    {599998, true, 0, false, NULL, DT_MATCH_MS},
    {0, false, 599, true, "Odd failure", DT_MATCH_SIP_PHRASE},
    {560499, true, 499, true, "   ", DT_MATCH_CODES},
};

START_TEST(test_stub_round_trip)
{
    /* The stub loads on top of the built-in rules and makes the code known. */
    char *text = stub(stubs[_i].ms, stubs[_i].has_ms, stubs[_i].sip, stubs[_i].has_sip,
                      stubs[_i].phrase, "tls-certificate");
    ck_assert_contains(text, "# choose an action: drtriage rules list\naction = tls-certificate\n");
    ck_assert_contains(text, "source = local: seen in call records\n");
    dt_rules_t rules;
    dt_error_t err = {{0}};
    tu_rules_embedded(&rules);
    ck_assert_msg(tu_rules_text(&rules, "stub.rules", 1, text, &err) == DT_OK, "%s\n%s", err.msg,
                  text);
    ck_assert_msg(dt_rules_finish(&rules, &err) == DT_OK, "%s", err.msg);
    dt_codes_t *codes = dt_codes_new(&rules, 0, &err);
    ck_assert_ptr_nonnull(codes);
    dt_code_key_t key = {.has_ms = stubs[_i].has_ms, .ms = stubs[_i].ms,
                         .has_sip = stubs[_i].has_sip, .sip = stubs[_i].sip};
    const char *phrase = stubs[_i].phrase ? stubs[_i].phrase : "";
    const dt_match_t *m = dt_codes_lookup(codes, DT_FAMILY_ANY, &key, phrase, strlen(phrase), NULL);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(m->known, "stub did not make the code known:\n%s", text);
    ck_assert_int_eq(m->level, stubs[_i].level);
    ck_assert_str_eq(rules.actions[m->action].id, "tls-certificate");
    dt_codes_free(codes);
    dt_rules_free(&rules);
    free(text);
}
END_TEST

START_TEST(test_stub_text)
{
    char *text = stub(560499, true, 499, true, "Bad\x01thing\r\nhere\x7f", NULL);
    ck_assert_str_eq(text, "[code 560499/499]\n"
                           "phrase = Bad\\x01thing  here\\x7F\n"
                           "# choose an action: drtriage rules list\n"
                           "action = unknown\n"
                           "source = local: seen in call records\n");
    free(text);
    text = stub(7, true, 1000, true, NULL, "x");
    ck_assert_contains(text, "# no SIP code");
    ck_assert_contains(text, "[code 7/0]\n");
    free(text);
    text = stub(0, false, 404, true, "", "x");
    ck_assert_contains(text, "# no Microsoft code");
    ck_assert_contains(text, "[code -/404]\n");
    ck_assert_msg(!strstr(text, "phrase ="), "an empty phrase gets no line");
    free(text);
}
END_TEST

Suite *dt_suite_explain(void)
{
    Suite *s = suite_create("explain");
    TCase *t = tcase_create("parse");
    tcase_add_loop_test(t, test_parse_good, 0, (int)(sizeof good_queries / sizeof good_queries[0]));
    tcase_add_loop_test(t, test_parse_bad, 0, (int)(sizeof bad_queries / sizeof bad_queries[0]));
    tcase_add_test(t, test_parse_sequence);
    suite_add_tcase(s, t);
    t = tcase_create("answers");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, test_pair_lists_every_phrase);
    tcase_add_test(t, test_two_arguments_are_a_pair);
    tcase_add_test(t, test_summary_leads);
    tcase_add_test(t, test_action_query);
    tcase_add_test(t, test_ms_and_sip_alone);
    tcase_add_test(t, test_560_rule_fallback);
    tcase_add_test(t, test_other_fallbacks);
    tcase_add_test(t, test_phrases);
    tcase_add_test(t, test_user_override_and_origin);
    tcase_add_test(t, test_family_origins);
    tcase_add_test(t, test_origin_reasons);
    tcase_add_test(t, test_wording_helpers);
    tcase_add_test(t, test_write_error);
    suite_add_tcase(s, t);
    t = tcase_create("stub");
    tcase_add_loop_test(t, test_stub_round_trip, 0, (int)(sizeof stubs / sizeof stubs[0]));
    tcase_add_test(t, test_stub_text);
    suite_add_tcase(s, t);
    return s;
}
