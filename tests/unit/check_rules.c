/* check_rules.c - the rules parser: sections, messages with file:line, layers,
 * dt_rules_finish, and the embedded table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suites.h"
#include "dt_embedded.h"
#include "dt_rules.h"
#include "test_util.h"

/* Loads text into a fresh rule set (layer 0, name "t.rules") and returns the status. */
static dt_status_t load_one(dt_rules_t *rules, const char *text, dt_error_t *err)
{
    dt_rules_init(rules);
    return tu_rules_text(rules, "t.rules", 0, text, err);
}

/* Loads text alone and finishes the rules, asserting both; `n` origin rules. */
static void load_origins(dt_rules_t *rules, const char *text, size_t n)
{
    dt_error_t err = {{0}};
    ck_assert_msg(load_one(rules, text, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(rules->norigins, n);
    ck_assert_msg(dt_rules_finish(rules, &err) == DT_OK, "%s", err.msg);
}

/* Asserts that text fails to load with DT_ERR_INPUT and a message starting with
 * "t.rules:LINE:" and containing `what`. */
static void expect_error(const char *text, unsigned line, const char *what)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_status_t st = load_one(&rules, text, &err);
    ck_assert_msg(st == DT_ERR_INPUT, "expected DT_ERR_INPUT, got %d (%s) for:\n%s", st, err.msg,
                  text);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "t.rules:%u:", line);
    ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0, "'%s' does not start with '%s'",
                  err.msg, prefix);
    ck_assert_contains(err.msg, what);
    dt_rules_free(&rules);
}

static size_t count_codes(const dt_rules_t *rules, uint64_t ms, unsigned sip)
{
    size_t n = 0;
    for (size_t i = 0; i < rules->ncodes; i++)
        n += rules->codes[i].ms == ms && rules->codes[i].sip == sip;
    return n;
}

static const dt_code_rule_t *find_code(const dt_rules_t *rules, uint64_t ms, unsigned sip,
                                       const char *first_phrase)
{
    for (size_t i = 0; i < rules->ncodes; i++) {
        const dt_code_rule_t *c = &rules->codes[i];
        if (c->ms == ms && c->sip == sip && c->nphrases > 0 &&
            strcmp(c->phrases[0], first_phrase) == 0)
            return c;
    }
    return NULL;
}

/* ---- each section kind ---- */

/* The digest follows the texts loaded and their order, not the names. */
START_TEST(test_digest)
{
    const char *extra = "[action x]\ntitle = X\nowner = sbc\ntext = x\n";
    dt_rules_t a, b, c;
    tu_rules_on_base(&a, "one.rules", extra);
    tu_rules_on_base(&b, "/elsewhere/two.rules", extra);
    tu_rules_on_base(&c, "one.rules", "[action y]\ntitle = Y\nowner = sbc\ntext = y\n");
    ck_assert_uint_ne(a.digest, 0);
    ck_assert_uint_eq(a.digest, b.digest);
    ck_assert_uint_ne(a.digest, c.digest);
    dt_rules_free(&a);
    dt_rules_free(&b);
    dt_rules_free(&c);
}
END_TEST

/* [values endpoint] pstn: which ACS endpoint types are a call's PSTN leg;
 * the built-in rules know PSTN, in any case, and no other type. */
START_TEST(test_values_endpoint)
{
    dt_rules_t a;
    tu_rules_embedded(&a);
    ck_assert(dt_rules_pstn_endpoint(&a, "PSTN", 4));
    ck_assert(dt_rules_pstn_endpoint(&a, " pstn ", 6));
    ck_assert(!dt_rules_pstn_endpoint(&a, "VoIP", 4));
    ck_assert(!dt_rules_pstn_endpoint(&a, "", 0));
    dt_rules_free(&a);
    tu_rules_on_base(&a, "ep.rules", "[values endpoint]\npstn = Gateway pstn\n");
    ck_assert(dt_rules_pstn_endpoint(&a, "gateway", 7));
    ck_assert(!dt_rules_pstn_endpoint(&a, "bot", 3));
    dt_rules_free(&a);
}
END_TEST

/* The version names the layers and the digest a state carries. */
START_TEST(test_version)
{
    dt_rules_t a;
    char out[DT_RULES_VERSION_MAX], want[DT_RULES_VERSION_MAX];
    tu_rules_on_base(&a, "one.rules", "[action x]\ntitle = X\nowner = sbc\ntext = x\n");
    dt_rules_version(&a, true, out, sizeof out);
    snprintf(want, sizeof want, "built-in + 1 user rules layer, digest %016llx",
             (unsigned long long)a.digest);
    ck_assert_str_eq(out, want);
    dt_rules_version(&a, false, out, sizeof out);
    ck_assert_ptr_nonnull(strstr(out, "no built-in rules + 1 user rules layer, digest "));
    dt_error_t err = {{0}};
    ck_assert_int_eq(tu_rules_text(&a, "two.rules", 2, "[action y]\ntitle = Y\nowner = sbc\n"
                                                      "text = y\n", &err), DT_OK);
    dt_rules_version(&a, true, out, sizeof out);
    ck_assert_ptr_nonnull(strstr(out, "built-in + 2 user rules layers, digest "));
    dt_rules_free(&a);
    dt_rules_init(&a);
    dt_rules_version(&a, true, out, sizeof out);
    ck_assert_str_eq(out, "built-in, digest 0000000000000000");
    dt_rules_free(&a);
}
END_TEST

START_TEST(test_action_section)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    ck_assert_msg(load_one(&rules,
                           "# comment\n"
                           "  # indented comment\n"
                           "[action tls]\n"
                           "title = Certificate\n"
                           "owner=network\n"
                           "expected = no\n"
                           "text = Renew it. # not a comment   \n"
                           "doc = /a\n"
                           "doc = https://example.com/b\n"
                           "\n"
                           "[action busy]\r\n"
                           "title = Busy\r\n"
                           "owner = user\r\n"
                           "expected = yes\r\n"
                           "text = Nothing.\r\n",
                           &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(rules.nactions, 2);
    const dt_action_t *a = dt_rules_action(&rules, "tls");
    ck_assert_ptr_nonnull(a);
    ck_assert_str_eq(a->title, "Certificate");
    ck_assert_int_eq(a->owner, DT_OWNER_NETWORK);
    ck_assert(!a->expected);
    ck_assert_str_eq(a->text, "Renew it. # not a comment");
    ck_assert_uint_eq(a->ndocs, 2);
    ck_assert_str_eq(a->docs[0], "/a");
    ck_assert_str_eq(a->docs[1], "https://example.com/b");
    ck_assert_str_eq(a->at.file, "t.rules");
    ck_assert_uint_eq(a->at.line, 3);
    const dt_action_t *b = dt_rules_action(&rules, "busy");
    ck_assert_ptr_nonnull(b);
    ck_assert_msg(b->expected, "expected = yes");
    ck_assert_int_eq(b->owner, DT_OWNER_USER);
    ck_assert_str_eq(b->title, "Busy");
    ck_assert_uint_eq(b->ndocs, 0);
    ck_assert_ptr_null(dt_rules_action(&rules, "nope"));
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_code_section)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    ck_assert_msg(load_one(&rules,
                           "[code 569002/504]\n"
                           "phrase = First phrase\n"
                           "phrase = Second phrase\n"
                           "pattern = ^third\n"
                           "action = tls\n"
                           "origin = microsoft\n"
                           "source = test page\n"
                           "note = a note\n"
                           "[code 0/408]\n"
                           "action = other\n"
                           "pair-only = yes\n"
                           "source = s\n"
                           "[code -/404]\n"
                           "phrase = Call not found.\n"
                           "action = other\n"
                           "source = s\n"
                           "[code 0/404]\n"
                           "phrase = Call not found.\n"
                           "action = other\n"
                           "source = s\n",
                           &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(rules.ncodes, 4);
    const dt_code_rule_t *c = &rules.codes[0];
    ck_assert_uint_eq(c->ms, 569002);
    ck_assert_uint_eq(c->sip, 504);
    ck_assert_uint_eq(c->nphrases, 2);
    ck_assert_str_eq(c->phrases[0], "First phrase");
    ck_assert_str_eq(c->phrases[1], "Second phrase");
    ck_assert_uint_eq(c->npatterns, 1);
    ck_assert_str_eq(c->patterns[0], "^third");
    ck_assert_str_eq(c->action_id, "tls");
    ck_assert_str_eq(c->documented_origin, "microsoft");
    ck_assert_str_eq(c->source, "test page");
    ck_assert_str_eq(c->note, "a note");
    ck_assert_uint_eq(c->layer, 0);
    ck_assert_uint_eq(c->at.line, 1);
    const dt_code_rule_t *d = &rules.codes[1];
    ck_assert_uint_eq(d->ms, 0);
    ck_assert_uint_eq(d->sip, 408);
    ck_assert_uint_eq(d->nphrases, 0);
    ck_assert_ptr_null(d->note);
    ck_assert_ptr_null(d->documented_origin);
    ck_assert(d->has_ms && d->pair_only && !c->pair_only);
    /* "-" is no Microsoft code, a different entry from Microsoft code 0. */
    const dt_code_rule_t *e = &rules.codes[2], *f = &rules.codes[3];
    ck_assert(!e->has_ms && f->has_ms);
    ck_assert_uint_eq(e->sip, 404);
    char key[DT_CODE_KEY_MAX];
    ck_assert_str_eq(dt_code_rule_key(e, key), "-/404");
    ck_assert_str_eq(dt_code_rule_key(f, key), "0/404");
    ck_assert_str_eq(dt_code_rule_key(c, key), "569002/504");
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_sip_sections)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    ck_assert_msg(load_one(&rules,
                           "[action busy]\ntitle = B\nowner = user\ntext = t\n"
                           "[action c4]\ntitle = C\nowner = tenant\ntext = t\n"
                           "[sip 486]\nphrase = Busy Here\nrfc = RFC3261\naction = busy\n"
                           "[sip 409]\nphrase = Conflict\nobsolete = yes\n"
                           "[sip 100]\nphrase = Trying\n"
                           "[sip-class 4]\naction = c4\n"
                           "[origin *]\norigin = microsoft\n",
                           &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(rules.nsips, 3);
    ck_assert_msg(dt_rules_finish(&rules, &err) == DT_OK, "%s", err.msg);
    const dt_sip_rule_t *s = dt_rules_sip(&rules, 486);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s->phrase, "Busy Here");
    ck_assert_str_eq(s->rfc, "RFC3261");
    ck_assert(!s->obsolete);
    ck_assert_uint_eq(s->action, 0);
    s = dt_rules_sip(&rules, 409);
    ck_assert_ptr_nonnull(s);
    ck_assert(s->obsolete);
    ck_assert_ptr_null(s->rfc);
    ck_assert_msg(s->action == DT_NO_ACTION, "a [sip] without action has none");
    ck_assert_ptr_nonnull(dt_rules_sip(&rules, 100));
    ck_assert_ptr_null(dt_rules_sip(&rules, 404));
    ck_assert_str_eq(rules.class_action_id[4], "c4");
    ck_assert_uint_eq(rules.class_action[4], 1);
    ck_assert_msg(rules.class_action[5] == DT_NO_ACTION, "class 5 has no action");
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_origin_sections)
{
    dt_rules_t rules;
    load_origins(&rules,
                 "[action fb]\ntitle = F\nowner = sbc\ntext = t\n"
                 "[origin 560]\norigin = sbc\nsip-from-code = yes\naction = fb\n"
                 "[origin 5601]\norigin = microsoft\n"
                 "[origin *]\norigin = microsoft\n",
                 3);
    const dt_origin_rule_t *o = dt_rules_origin_for(&rules, DT_FAMILY_ANY, 560403);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->prefix, "560");
    ck_assert_int_eq(o->origin, DT_ORIGIN_SBC);
    ck_assert(o->sip_from_code);
    ck_assert_uint_eq(o->action, 0);
    o = dt_rules_origin_for(&rules, DT_FAMILY_ANY, 560123);
    ck_assert_msg(strcmp(o->prefix, "5601") == 0, "the longest prefix wins, got %s", o->prefix);
    o = dt_rules_origin_for(&rules, DT_FAMILY_ANY, 540000);
    ck_assert_str_eq(o->prefix, "*");
    ck_assert_int_eq(o->origin, DT_ORIGIN_MICROSOFT);
    ck_assert(!o->sip_from_code);
    ck_assert_msg(o->action == DT_NO_ACTION, "[origin *] has no action");
    o = dt_rules_origin_for(&rules, DT_FAMILY_ANY, 56);
    ck_assert_str_eq(o->prefix, "*");
    dt_rules_free(&rules);
}
END_TEST

/* [origin] with a family key: that family's files consult it first. */
START_TEST(test_origin_family)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    load_origins(&rules,
                 "[action fb]\ntitle = F\nowner = sbc\ntext = t\n"
                 "[origin 560]\norigin = sbc\nsip-from-code = yes\naction = fb\n"
                 "[origin 540]\nfamily = acs\norigin = sbc\nsip-from-code = yes\n"
                 "[origin 560]\nfamily = cqd\norigin = unknown\n"
                 "[origin *]\norigin = microsoft\n"
                 "[origin *]\nfamily = graph\norigin = unknown\n",
                 5);
    const dt_origin_rule_t *o = dt_rules_origin_for(&rules, DT_FAMILY_ACS, 540487);
    ck_assert_str_eq(o->prefix, "540");
    ck_assert_int_eq(o->family, DT_FAMILY_ACS);
    ck_assert_int_eq(o->origin, DT_ORIGIN_SBC);
    unsigned sip = 0;
    ck_assert(dt_origin_sip_from_code(o, 540487, &sip) && sip == 487);
    /* Other families and an unknown one: the rules for every family. */
    for (dt_family_t f = DT_FAMILY_TAC; f <= DT_FAMILY_ANY; f++) {
        if (f == DT_FAMILY_ACS)
            continue;
        o = dt_rules_origin_for(&rules, f, 540487);
        ck_assert_str_eq(o->prefix, "*");
        ck_assert_int_eq(o->origin, f == DT_FAMILY_GRAPH ? DT_ORIGIN_UNKNOWN : DT_ORIGIN_MICROSOFT);
    }
    /* The same prefix: the family's own rule first. */
    ck_assert_int_eq(dt_rules_origin_for(&rules, DT_FAMILY_CQD, 560403)->origin,
                     DT_ORIGIN_UNKNOWN);
    ck_assert_int_eq(dt_rules_origin_for(&rules, DT_FAMILY_TAC, 560403)->origin, DT_ORIGIN_SBC);
    ck_assert_int_eq(dt_rules_origin_for(&rules, DT_FAMILY_ACS, 560403)->origin, DT_ORIGIN_SBC);
    dt_rules_free(&rules);

    /* A later [origin PREFIX] for the same family replaces the earlier one. */
    ck_assert(load_one(&rules,
                       "[origin 540]\nfamily = acs\norigin = sbc\n"
                       "[origin 540]\nfamily = acs\norigin = microsoft\n"
                       "[origin 540]\norigin = unknown\n",
                       &err) == DT_OK);
    ck_assert_uint_eq(rules.norigins, 2);
    ck_assert_int_eq(rules.origins[0].origin, DT_ORIGIN_MICROSOFT);
    /* Only a family's own "*": no default for every family. */
    dt_rules_free(&rules);
    ck_assert(load_one(&rules, "[origin *]\nfamily = acs\norigin = sbc\n", &err) == DT_OK);
    ck_assert_int_eq(dt_rules_finish(&rules, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "no [origin *] rule for every family");
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_header_values_calltype_ner)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    ck_assert_msg(load_one(&rules,
                           "[header ms]\n"
                           "tac = ^finalmicrosoftsubcode$\n"
                           "graph = ^callendsubreason$\n"
                           "[header call-type]\n"
                           "any = ^calltype$\n"
                           "[values success]\n"
                           "true = Yes  true\t1\n"
                           "false = no\n"
                           "false = false 0\n"
                           "[call-type in]\n"
                           "values = dr_in ByotIn\n"
                           "[call-type out]\n"
                           "values = dr_out\n"
                           "after-service = out OUT_transfer\n"
                           "[call-type service]\n"
                           "values = Byot ucap\n"
                           "[call-type in]\n"
                           "after-service = in\n"
                           "[ner]\n"
                           "effective-sip = 486, 487 600\n"
                           "min-calls = 25\n"
                           "[non-pstn]\n"
                           "families = tac, ACS\n",
                           &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(rules.nheaders, 3);
    ck_assert_int_eq(rules.headers[0].field, DT_FIELD_MS);
    ck_assert_int_eq(rules.headers[0].family, DT_FAMILY_TAC);
    ck_assert_str_eq(rules.headers[0].pattern, "^finalmicrosoftsubcode$");
    ck_assert_int_eq(rules.headers[1].family, DT_FAMILY_GRAPH);
    ck_assert_int_eq(rules.headers[2].field, DT_FIELD_CALL_TYPE);
    ck_assert_int_eq(rules.headers[2].family, DT_FAMILY_ANY);
    ck_assert_uint_eq(rules.headers[2].at.line, 5);
    ck_assert_uint_eq(rules.success_true.count, 3);
    ck_assert_ptr_nonnull(dt_map_get(&rules.success_true, "yes", 3));
    ck_assert_msg(dt_map_get(&rules.success_true, "Yes", 3) == NULL, "values are lowercased");
    ck_assert_ptr_nonnull(dt_map_get(&rules.success_true, "1", 1));
    ck_assert_uint_eq(rules.success_false.count, 3);
    ck_assert_ptr_nonnull(dt_map_get(&rules.success_false, "0", 1));
    ck_assert_ptr_nonnull(dt_map_get(&rules.call_type_in, "byotin", 6));
    ck_assert_ptr_nonnull(dt_map_get(&rules.call_type_out, "dr_out", 6));
    ck_assert_uint_eq(rules.call_type_in.count, 2);
    ck_assert_uint_eq(rules.ncall_type_services, 2);
    ck_assert_str_eq(rules.call_type_services[0], "byot");
    static const struct {
        const char *value;
        int direction;
    } types[] = {{"dr_in", 1},       {"DR_OUT", 0},         {"UcapIn", 1},
                 {"ucap_out", 0},    {"ByotOut_Transfer", 0}, {"byotout_forward", -1},
                 {"conf_in", -1},    {"byot", -1},          {"byot_", -1},
                 {"", -1},           {"  ucapin  ", 1}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        ck_assert_msg(dt_rules_call_direction(&rules, types[i].value, strlen(types[i].value)) ==
                          types[i].direction,
                      "'%s'", types[i].value);
    for (unsigned code = 0; code <= DT_SIP_MAX; code++)
        ck_assert_msg(rules.ner_effective[code] == (code == 486 || code == 487 || code == 600),
                      "NER effective set wrong at %u", code);
    ck_assert_uint_eq(rules.ner_min_calls, 25);
    ck_assert(rules.non_pstn[DT_FAMILY_TAC] && rules.non_pstn[DT_FAMILY_ACS]);
    ck_assert(!rules.non_pstn[DT_FAMILY_CQD] && !rules.non_pstn[DT_FAMILY_GRAPH]);
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_field_owner_names)
{
    for (int f = 0; f < DT_FIELD_COUNT; f++) {
        dt_field_t parsed = DT_FIELD_COUNT;
        ck_assert(dt_field_parse(dt_field_name((dt_field_t)f), &parsed));
        ck_assert_int_eq(parsed, f);
    }
    ck_assert_str_eq(dt_field_name(DT_FIELD_CALL_TYPE), "call-type");
    dt_field_t out;
    ck_assert(!dt_field_parse("nope", &out));
    ck_assert_str_eq(dt_owner_name(DT_OWNER_NETWORK), "network");
    ck_assert_str_eq(dt_owner_name(DT_OWNER_USER), "user");
}
END_TEST

/* ---- messages ---- */

typedef struct {
    const char *text;
    unsigned line;
    const char *what;
} bad_rules_t;

static const bad_rules_t bad_rules[] = {
    {"# c\n[bogus x]\n", 2, "unknown section [bogus]"},
    {"[non-pstn]\nfamilies = cqd voip\n", 2, "families: 'voip' is not an export family"},
    {"[non-pstn]\nfamilies = any\n", 2, "families: 'any' is not an export family"},
    {"[non-pstn]\nfamilies = cqdcqdcqdcqdcqdcqd\n", 2, "is not an export family"},
    {"[non-pstn cqd]\nfamilies = cqd\n", 1, "[non-pstn] takes no argument"},
    {"[non-pstn]\n", 1, "lacks required key 'families'"},
    {"[header count]\ncqd = ^n$\n[header counts]\nany = x\n", 3, "unknown field 'counts'"},
    {"[action a]\ntitle = T\nowner = sbc\ntext = t\ncolour = red\n", 5,
     "unknown key 'colour' in [action]"},
    {"[action a]\ntitle = T\nowner = sbc\n", 1, "lacks required key 'text'"},
    {"\n[code 1/403]\nphrase = p\nsource = s\n", 2, "lacks required key 'action'"},
    {"[action a]\ntitle = T\nowner = boss\ntext = t\n", 3, "owner 'boss'"},
    {"[action a]\ntitle = T\ntitle = U\nowner = sbc\ntext = t\n", 3,
     "key 'title' given twice"},
    {"[code 560403]\naction = a\nsource = s\n", 1, "expected [code MS/SIP]"},
    {"[code 56x403/403]\naction = a\nsource = s\n", 1, "must be whole numbers"},
    {"[code 560403/1000]\naction = a\nsource = s\n", 1, "SIP up to 999"},
    {"[code 560403/]\naction = a\nsource = s\n", 1, "must be whole numbers"},
    {"[code -/404]\naction = a\nsource = s\n", 1, "needs a phrase or a pattern"},
    {"[code --/404]\nphrase = P\naction = a\nsource = s\n", 1, "MS may be '-' for none"},
    {"[code -/404]\nphrase = P\naction = a\nsource = s\n[code -/404]\nphrase = p.\n"
     "action = a\nsource = s\n",
     5, "same first phrase as line 1"},
    {"[code 1/403]\nphrase = P\naction = a\npair-only = sometimes\nsource = s\n", 4,
     "pair-only must be yes or no"},
    {"[code 1/403]\nphrase = P\naction = a\nsource = s\n\n[code 1/403]\nphrase = p\naction = "
     "b\nsource = s\n",
     6, "line 1"},
    {"title = T\n[action a]\n", 1, "before any [section]"},
    {"[action a]\ntitle = T\nowner sbc\n", 3, "expected 'key = value'"},
    {"[action]\n", 1, "needs an argument"},
    {"[ner 1]\n", 1, "takes no argument"},
    {"[action a\n", 1, "must end with ']'"},
    {"[sip 99]\nphrase = x\n", 1, "from 100 to 999"},
    {"[sip-class 7]\naction = a\n", 1, "from 1 to 6"},
    {"[origin 5x]\norigin = sbc\n", 1, "expected digits or *"},
    {"[origin 560]\norigin = carrier\n", 2, "origin must be"},
    {"[origin 540]\nfamily = teams\norigin = sbc\n", 2, "family must be tac, graph, cqd, acs"},
    {"[call-type sideways]\nvalues = x\n", 1, "expected in, out or service"},
    {"[call-type service]\nafter-service = x\n", 2, "unknown key 'after-service'"},
    {"[header nope]\nany = ^x$\n", 1, "unknown field 'nope'"},
    {"[header sip]\nteams = ^x$\n", 2, "unknown family 'teams'"},
    {"[skip x]\nname = a.json\n", 1, "lacks required key 'reason'"},
    {"[skip x]\nreason = r\n", 1, "needs a 'name' or a 'headers' key"},
    {"[skip x]\nreason = r\nname = a\nsize = 3\n", 4, "unknown key 'size' in [skip]"},
    {"[skip x]\nreason = r\nname = a\n[skip x]\nreason = s\nname = b\n", 4,
     "[skip x] defined twice"},
    {"[values colour]\ntrue = x\n", 1, "only [values success]"},
    {"[values endpoint]\ntrue = x\n", 2, "unknown key 'true'"},
    {"[ner]\neffective-sip = 486 4860\n", 2, "is not a SIP code"},
    {"[code 1/403]\nphrase = P\nphrase = p\naction = a\nsource = s\n", 1, "listed twice"},
    {"[action a]\ntitle = T\nowner = sbc\ntext = t\n[action a]\ntitle = T\nowner = sbc\ntext = "
     "t\n",
     5, "defined twice"},
    {"[action a]\ntitle =\n", 2, "has no value"},
    {"[values success]\ntrue = yes\nfalse = no "
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
     3, "longer than 255 bytes"},
    {"[call-type in]\nvalues = a\n\nvalues = "
     "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
     "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
     "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n",
     4, "longer than 255 bytes"},
    {"[action a]\n= x\n", 2, "missing key"},
};

START_TEST(test_errors)
{
    expect_error(bad_rules[_i].text, bad_rules[_i].line, bad_rules[_i].what);
}
END_TEST

START_TEST(test_nul_byte)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    const char text[] = "[ner]\nmin-calls = 1\0\n";
    ck_assert_int_eq(dt_rules_load_text(&rules, "t.rules", 0, text, sizeof text - 1, &err),
                     DT_ERR_INPUT);
    ck_assert_contains(err.msg, "t.rules:2:");
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_not_terminated_and_bom)
{
    /* The text is a slice: nothing past len is read; a leading BOM is skipped. */
    const char text[] = "\xEF\xBB\xBF[ner]\nmin-calls = 7GARBAGE";
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert_msg(dt_rules_load_text(&rules, "t.rules", 0, text, sizeof text - 1 - 7, &err) ==
                      DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(rules.ner_min_calls, 7);
    dt_rules_free(&rules);
}
END_TEST

/* ---- layers ---- */

START_TEST(test_layer_overrides)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert_msg(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK, "%s",
                  err.msg);
    ck_assert_msg(tu_rules_text(&rules, "base-codes.rules", 0,
                                "[code 560403/403]\nphrase = Forbidden\naction = a-one\n"
                                "source = base\n"
                                "[code 560403/403]\nphrase = Call rejected\naction = a-one\n"
                                "source = base\n",
                                &err) == DT_OK,
                  "%s", err.msg);
    size_t nactions = rules.nactions, ncodes = rules.ncodes;
    ck_assert_msg(tu_rules_text(&rules, "site.rules", 1,
                                "[action a-one]\n"
                                "title = Site version\n"
                                "owner = network\n"
                                "text = Call the voice team.\n"
                                "[code 560403/403]\n"
                                "phrase = FORBIDDEN\n"
                                "phrase = Denied\n"
                                "action = a-two\n"
                                "source = site\n"
                                "[ner]\n"
                                "effective-sip = 603\n",
                                &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(rules.layers, 2);
    ck_assert_msg(rules.nactions == nactions, "an action override must not add an action");
    const dt_action_t *a = dt_rules_action(&rules, "a-one");
    ck_assert_str_eq(a->title, "Site version");
    ck_assert_int_eq(a->owner, DT_OWNER_NETWORK);
    ck_assert_str_eq(a->at.file, "site.rules");
    ck_assert_msg(rules.ncodes == ncodes, "a code override must replace, not add (%zu -> %zu)",
                  ncodes, rules.ncodes);
    const dt_code_rule_t *c = find_code(&rules, 560403, 403, "FORBIDDEN");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->action_id, "a-two");
    ck_assert_uint_eq(c->layer, 1);
    ck_assert_uint_eq(c->nphrases, 2);
    ck_assert_ptr_nonnull(find_code(&rules, 560403, 403, "Call rejected"));
    ck_assert(rules.ner_effective[603]);
    ck_assert_msg(!rules.ner_effective[486], "a later [ner] replaces the effective set");
    ck_assert_msg(dt_rules_finish(&rules, &err) == DT_OK, "%s", err.msg);
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_code_identity_like_matching)
{
    /* docs/rules.md: a code entry is identified by MS/SIP plus its first phrase,
     * "compared the way phrases are matched" (case, blank runs, a trailing period). */
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert(tu_rules_text(&rules, "codes.rules", 0,
                            "[code 560403/403]\nphrase = Call  rejected\naction = a-one\n"
                            "source = base\n",
                            &err) == DT_OK);
    ck_assert_msg(tu_rules_text(&rules, "site.rules", 1,
                                "[code 560403/403]\nphrase = call rejected.\naction = a-two\n"
                                "source = site\n",
                                &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_msg(count_codes(&rules, 560403, 403) == 1,
                  "'call rejected.' must replace 'Call  rejected', have %zu entries",
                  count_codes(&rules, 560403, 403));
    dt_rules_free(&rules);

    /* ... and within one file the two spellings are a duplicate. */
    expect_error("[code 1/403]\nphrase = Call rejected\naction = a\nsource = s\n"
                 "[code 1/403]\nphrase = call rejected.\naction = a\nsource = s\n",
                 5, "same first phrase");
    expect_error("[code 1/403]\nphrase = Call rejected\nphrase = call  rejected.\naction = a\n"
                 "source = s\n",
                 1, "listed twice");
}
END_TEST

START_TEST(test_duplicate_code_after_override)
{
    /* A file that overrides an earlier layer's entry and then repeats the same
     * entry still holds a duplicate. */
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert(tu_rules_text(&rules, "codes.rules", 0,
                            "[code 1/403]\nphrase = P\naction = a-one\nsource = base\n",
                            &err) == DT_OK);
    dt_status_t st = tu_rules_text(&rules, "site.rules", 1,
                                   "[code 1/403]\nphrase = P\naction = a-two\nsource = s\n"
                                   "\n"
                                   "[code 1/403]\nphrase = P\naction = a-one\nsource = s\n",
                                   &err);
    ck_assert_msg(st == DT_ERR_INPUT, "duplicate [code] in site.rules accepted");
    ck_assert_contains(err.msg, "site.rules:6:");
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_duplicates_across_files_replace)
{
    /* The same [code] in two files of one layer: the later file wins, no error. */
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert(tu_rules_text(&rules, "a.rules", 1,
                            "[code 1/403]\nphrase = P\naction = a-one\nsource = a\n", &err) ==
              DT_OK);
    ck_assert_msg(tu_rules_text(&rules, "b.rules", 1,
                                "[code 1/403]\nphrase = P\naction = a-two\nsource = b\n",
                                &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(count_codes(&rules, 1, 403), 1);
    ck_assert_str_eq(find_code(&rules, 1, 403, "P")->source, "b");
    dt_rules_free(&rules);
}
END_TEST

/* Duplicates are found through an index, not by comparing each section with
 * every earlier one: a generated file of 100,000 entries for one pair loads
 * with the same outcome as a small one (bench-free: correctness only). */
START_TEST(test_many_sections_one_pair)
{
    enum { N = 100000 };
    size_t cap = (size_t)N * 96 + 4096, n = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(text + n, cap - n,
                              "[code 560403/403]\nphrase = Phrase number %d\naction = a-one\n"
                              "source = gen\n\n",
                              i);
    /* Entries with a pattern and no phrase are never the same: both stay. */
    n += (size_t)snprintf(text + n, cap - n,
                          "[code 560403/403]\npattern = ^x\naction = a-one\nsource = gen\n\n"
                          "[code 560403/403]\npattern = ^x\naction = a-one\nsource = gen\n\n"
                          "[code 560403/403]\naction = a-one\nsource = generic\n\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(text + n, cap - n, "[origin 7%d]\norigin = sbc\n\n", i);
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert_msg(dt_rules_load_text(&rules, "gen.rules", 0, text, n, &err) == DT_OK, "%s",
                  err.msg);
    ck_assert_uint_eq(count_codes(&rules, 560403, 403), N + 3);
    size_t origins = rules.norigins;

    /* A later layer replaces exactly the entry its first phrase matches alike,
     * the generic entry and an origin rule, in place. */
    const char *site = "[code 560403/403]\nphrase = PHRASE  number 4242.\naction = a-two\n"
                       "source = site\n\n"
                       "[code 560403/403]\naction = a-two\nsource = site generic\n\n"
                       "[origin 7299]\norigin = microsoft\n";
    ck_assert_msg(tu_rules_text(&rules, "site.rules", 1, site, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(count_codes(&rules, 560403, 403), N + 3);
    ck_assert_uint_eq(rules.norigins, origins);
    ck_assert_ptr_null(find_code(&rules, 560403, 403, "Phrase number 4242"));
    const dt_code_rule_t *c = find_code(&rules, 560403, 403, "PHRASE  number 4242.");
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->source, "site");
    ck_assert_ptr_eq(c, &rules.codes[rules.ncodes - N - 3 + 4242]);
    ck_assert_str_eq(find_code(&rules, 560403, 403, "Phrase number 4243")->source, "gen");
    ck_assert_int_eq(dt_rules_origin_for(&rules, DT_FAMILY_ANY, 72991)->origin,
                     DT_ORIGIN_MICROSOFT);
    size_t generic = 0;
    for (size_t i = 0; i < rules.ncodes; i++)
        if (rules.codes[i].ms == 560403 && !rules.codes[i].nphrases && !rules.codes[i].npatterns)
            generic += strcmp(rules.codes[i].source, "site generic") == 0 ? 1 : 100;
    ck_assert_uint_eq(generic, 1);
    ck_assert_msg(dt_rules_finish(&rules, &err) == DT_OK, "%s", err.msg);
    dt_rules_free(&rules);

    /* A duplicate at the very end of the big file names the first entry's line. */
    n += (size_t)snprintf(text + n, cap - n,
                          "[code 560403/403]\nphrase = phrase number 99999\naction = a-one\n"
                          "source = again\n");
    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert_int_eq(dt_rules_load_text(&rules, "gen.rules", 0, text, n, &err), DT_ERR_INPUT);
    char want[128];
    snprintf(want, sizeof want, "with the same first phrase as line %d", 99999 * 5 + 1);
    ck_assert_contains(err.msg, want);
    dt_rules_free(&rules);
    free(text);
}
END_TEST

/* ---- dt_rules_finish ---- */

START_TEST(test_finish_undefined_action)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert(tu_rules_text(&rules, "site.rules", 1,
                            "# site\n\n[code 1/403]\nphrase = P\naction = no-such-action\n"
                            "source = s\n",
                            &err) == DT_OK);
    ck_assert_int_eq(dt_rules_finish(&rules, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "site.rules:3:");
    ck_assert_contains(err.msg, "no-such-action");
    ck_assert(!rules.finished);
    dt_rules_free(&rules);

    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert(tu_rules_text(&rules, "sip.rules", 1, "[sip 486]\nphrase = Busy\naction = gone\n",
                            &err) == DT_OK);
    ck_assert_int_eq(dt_rules_finish(&rules, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "sip.rules:1:");
    ck_assert_contains(err.msg, "gone");
    dt_rules_free(&rules);

    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert(tu_rules_text(&rules, "o.rules", 1, "\n[origin 12]\norigin = sbc\naction = gone\n",
                            &err) == DT_OK);
    ck_assert_int_eq(dt_rules_finish(&rules, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "o.rules:2:");
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_finish_no_default_origin)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    ck_assert(load_one(&rules,
                       "[action a]\ntitle = T\nowner = sbc\ntext = t\n"
                       "[origin 560]\norigin = sbc\n",
                       &err) == DT_OK);
    ck_assert_int_eq(dt_rules_finish(&rules, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "[origin *]");
    ck_assert(!rules.finished);
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_load_path)
{
    char *dir = tu_temp_dir();
    char a[4200], b[4200], skipped[4200];
    snprintf(a, sizeof a, "%s/10-base.rules", dir);
    snprintf(b, sizeof b, "%s/20-site.rules", dir);
    snprintf(skipped, sizeof skipped, "%s/notes.txt", dir);
    FILE *f = fopen(a, "w");
    ck_assert_ptr_nonnull(f);
    fputs(tu_base_rules, f);
    fclose(f);
    f = fopen(b, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[action a-one]\ntitle = From 20\nowner = sbc\ntext = t\n", f);
    fclose(f);
    f = fopen(skipped, "w");
    ck_assert_ptr_nonnull(f);
    fputs("not a rules file\n", f);
    fclose(f);

    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert_msg(dt_rules_load_path(&rules, dir, 1, &err) == DT_OK, "%s", err.msg);
    ck_assert_msg(strcmp(dt_rules_action(&rules, "a-one")->title, "From 20") == 0,
                  "files load in name order, the later winning");
    ck_assert_msg(dt_rules_finish(&rules, &err) == DT_OK, "%s", err.msg);
    dt_rules_free(&rules);

    dt_rules_init(&rules);
    char missing[4200];
    snprintf(missing, sizeof missing, "%s/missing.rules", dir);
    ck_assert_int_eq(dt_rules_load_path(&rules, missing, 1, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, missing);
    dt_rules_free(&rules);

    /* A FIFO (as the path, or in the directory) and a directory named *.rules
     * are refused at once, never waited on. */
    char fifo[4200], sub[4200];
    snprintf(fifo, sizeof fifo, "%s/30-fifo.rules", dir);
    snprintf(sub, sizeof sub, "%s/40-dir.rules", dir);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    dt_rules_init(&rules);
    ck_assert_int_eq(dt_rules_load_path(&rules, fifo, 1, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "is not a regular file or a directory");
    ck_assert_int_eq(dt_rules_load_path(&rules, dir, 1, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "30-fifo.rules' is not a regular file");
    dt_rules_free(&rules);
    unlink(fifo);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    dt_rules_init(&rules);
    ck_assert_int_eq(dt_rules_load_path(&rules, dir, 1, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "40-dir.rules' is a directory");
    dt_rules_free(&rules);
    rmdir(sub);

    unlink(a);
    unlink(b);
    unlink(skipped);
    tu_temp_remove(dir);
}
END_TEST

/* ---- the embedded table ---- */

START_TEST(test_embedded)
{
    dt_rules_t rules;
    tu_rules_embedded(&rules);
    ck_assert(rules.finished);
    ck_assert_msg(rules.ncodes >= 100, "only %zu code entries", rules.ncodes);

    /* Every [code] section of the embedded files is an entry of its own: none
     * silently replaces another. */
    size_t sections = 0;
    for (const dt_embedded_file_t *f = dt_embedded_rules; f->name; f++)
        for (size_t i = 0; i + 6 <= f->len; i++)
            sections += (i == 0 || f->data[i - 1] == '\n') && memcmp(f->data + i, "[code ", 6) == 0;
    ck_assert_uint_eq(rules.ncodes, sections);

    ck_assert_msg(rules.non_pstn[DT_FAMILY_CQD] && !rules.non_pstn[DT_FAMILY_TAC],
                  "built in: only CQD exports have non-PSTN stream rows");
    ck_assert_ptr_nonnull(dt_rules_action(&rules, "tls-certificate"));
    ck_assert_int_eq(dt_rules_action(&rules, "tls-certificate")->owner, DT_OWNER_SBC);
    ck_assert(dt_rules_action(&rules, "caller-cancelled")->expected);
    for (size_t i = 0; i < rules.ncodes; i++)
        ck_assert_msg(rules.codes[i].action < rules.nactions, "code %zu unresolved", i);

    const dt_origin_rule_t *o = dt_rules_origin_for(&rules, DT_FAMILY_ANY, 560403);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(o->prefix, "560");
    ck_assert_int_eq(o->origin, DT_ORIGIN_SBC);
    ck_assert(o->sip_from_code);
    o = dt_rules_origin_for(&rules, DT_FAMILY_ANY, 540000);
    ck_assert_int_eq(o->origin, DT_ORIGIN_MICROSOFT);

    for (unsigned code = 0; code <= DT_SIP_MAX; code++) {
        bool want = code == 480 || code == 486 || code == 487 || code == 600 || code == 603 ||
                    code == 607 || code == 608;
        ck_assert_msg(rules.ner_effective[code] == want, "NER effective[%u] is %d", code,
                      rules.ner_effective[code]);
    }
    ck_assert_uint_eq(rules.ner_min_calls, 100);

    /* TAC Yes/No, Graph True/False, the admin center's on-screen Event type. */
    static const char *const yes[] = {"yes", "true", "1", "success"},
                             *const no[] = {"no", "false", "0", "attempt"};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_msg(dt_map_get(&rules.success_true, yes[i], strlen(yes[i])), "%s", yes[i]);
        ck_assert_msg(dt_map_get(&rules.success_false, no[i], strlen(no[i])), "%s", no[i]);
    }
    ck_assert_uint_eq(rules.success_true.count, 4);
    ck_assert_uint_eq(rules.success_false.count, 4);

    /* SIP registry and class fallbacks. */
    ck_assert_ptr_nonnull(dt_rules_sip(&rules, 486));
    ck_assert_str_eq(dt_rules_sip(&rules, 404)->phrase, "Not Found");
    for (unsigned n = 3; n <= 6; n++)
        ck_assert_msg(rules.class_action[n] != DT_NO_ACTION, "no [sip-class %u]", n);
    for (size_t i = 1; i < rules.nsips; i++)
        ck_assert_msg(rules.sips[i - 1].code < rules.sips[i].code, "sips not sorted/unique");
    dt_rules_free(&rules);
}
END_TEST

START_TEST(test_skip_sections)
{
    dt_rules_t rules;
    dt_error_t err = {{0}};
    dt_rules_init(&rules);
    ck_assert(tu_rules_text(&rules, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert_msg(tu_rules_text(&rules, "a.rules", 1,
                                "[skip meta]\nreason = metadata\nname = parameters.json\n"
                                "name = *.XML\nheaders = ^usageid$  ^charge$\n"
                                "headers = ^x$\nsource = s\n",
                                &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(rules.nskips, 1);
    const dt_skip_rule_t *k = &rules.skips[0];
    ck_assert_str_eq(k->id, "meta");
    ck_assert_str_eq(k->reason, "metadata");
    ck_assert_str_eq(k->source, "s");
    ck_assert_uint_eq(k->nnames, 2);
    ck_assert_uint_eq(k->nsignatures, 2);
    ck_assert_uint_eq(k->signatures[0].npatterns, 2);
    ck_assert_str_eq(k->signatures[0].patterns[1], "^charge$");
    ck_assert_uint_eq(k->signatures[0].line, 5);
    ck_assert_uint_eq(k->signatures[1].npatterns, 1);

    /* Names match as globs, case-insensitively, the whole name. */
    ck_assert_ptr_eq(dt_rules_skip_by_name(&rules, "Parameters.JSON"), k);
    ck_assert_ptr_eq(dt_rules_skip_by_name(&rules, "export.xml"), k);
    ck_assert_ptr_null(dt_rules_skip_by_name(&rules, "parameters.json.bak"));
    ck_assert_ptr_null(dt_rules_skip_by_name(&rules, "calls.csv"));

    /* A later file's [skip] with the same id replaces it. */
    ck_assert(tu_rules_text(&rules, "b.rules", 2, "[skip meta]\nreason = other\nname = m\n",
                            &err) == DT_OK);
    ck_assert_uint_eq(rules.nskips, 1);
    ck_assert_str_eq(rules.skips[0].reason, "other");
    ck_assert_ptr_null(dt_rules_skip_by_name(&rules, "parameters.json"));
    dt_rules_free(&rules);

    /* The built-in ones. */
    tu_rules_embedded(&rules);
    ck_assert_ptr_nonnull(dt_rules_skip_by_name(&rules, "parameters.json"));
    const char *const ids[] = {"pstn-calls", "parameters", "m365-cli-default"};
    for (size_t i = 0; i < 3; i++) {
        bool found = false;
        for (size_t j = 0; j < rules.nskips; j++)
            found |= strcmp(rules.skips[j].id, ids[i]) == 0;
        ck_assert_msg(found, "no built-in [skip %s]", ids[i]);
    }
    dt_rules_free(&rules);
}
END_TEST

Suite *dt_suite_rules(void)
{
    Suite *s = suite_create("rules");
    TCase *t = tcase_create("sections");
    tcase_add_test(t, test_action_section);
    tcase_add_test(t, test_digest);
    tcase_add_test(t, test_version);
    tcase_add_test(t, test_values_endpoint);
    tcase_add_test(t, test_code_section);
    tcase_add_test(t, test_sip_sections);
    tcase_add_test(t, test_origin_sections);
    tcase_add_test(t, test_origin_family);
    tcase_add_test(t, test_header_values_calltype_ner);
    tcase_add_test(t, test_field_owner_names);
    tcase_add_test(t, test_skip_sections);
    suite_add_tcase(s, t);
    t = tcase_create("errors");
    tcase_add_loop_test(t, test_errors, 0, (int)(sizeof bad_rules / sizeof bad_rules[0]));
    tcase_add_test(t, test_nul_byte);
    tcase_add_test(t, test_not_terminated_and_bom);
    suite_add_tcase(s, t);
    t = tcase_create("layers");
    tcase_add_test(t, test_layer_overrides);
    tcase_add_test(t, test_code_identity_like_matching);
    tcase_add_test(t, test_duplicate_code_after_override);
    tcase_add_test(t, test_duplicates_across_files_replace);
    tcase_add_test(t, test_many_sections_one_pair);
    tcase_add_test(t, test_finish_undefined_action);
    tcase_add_test(t, test_finish_no_default_origin);
    tcase_add_test(t, test_load_path);
    /* 100,000 sections load in a quarter second; a quadratic load takes
     * minutes. The margin is for a loaded machine under the sanitizers. */
    tcase_set_timeout(t, 30);
    suite_add_tcase(s, t);
    t = tcase_create("embedded");
    tcase_add_test(t, test_embedded);
    suite_add_tcase(s, t);
    return s;
}
