/* check_codes.c - the join of (Microsoft code, SIP code, phrase) with the code
 * table, its lookup order and cache, and the reference tables of documented codes. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_codes.h"
#include "test_util.h"

static dt_rules_t rules;
static dt_codes_t *codes;

static void embedded_setup(void)
{
    tu_rules_embedded(&rules);
    dt_error_t err = {{0}};
    codes = dt_codes_new(&rules, 0, &err);
    ck_assert_msg(codes != NULL, "dt_codes_new: %s", err.msg);
}

static void embedded_teardown(void)
{
    dt_codes_free(codes);
    codes = NULL;
    dt_rules_free(&rules);
}

static dt_code_key_t key_of(long long ms, long long sip)
{
    dt_code_key_t k = {.has_ms = ms >= 0, .has_sip = sip >= 0};
    if (ms >= 0)
        k.ms = (uint64_t)ms;
    if (sip >= 0)
        k.sip = (unsigned)sip;
    return k;
}

#define NONE (-1)

static const dt_match_t *lookup(dt_codes_t *table, long long ms, long long sip,
                                const char *phrase)
{
    dt_code_key_t k = key_of(ms, sip);
    dt_error_t err = {{0}};
    const dt_match_t *m =
        dt_codes_lookup(table, DT_FAMILY_ANY, &k, phrase ? phrase : "",
                        phrase ? strlen(phrase) : 0, &err);
    ck_assert_msg(m != NULL, "%s", err.msg);
    return m;
}

static const char *action_id(const dt_rules_t *r, const dt_match_t *m)
{
    return m->action == DT_NO_ACTION ? "(none)" : r->actions[m->action].id;
}

/* Looks the codes up, asserting the match level; returns the match. */
static const dt_match_t *expect_level(dt_codes_t *table, long long ms, long long sip,
                                      const char *phrase, dt_match_level_t level)
{
    const dt_match_t *m = lookup(table, ms, sip, phrase);
    ck_assert_msg(m->level == level, "%lld/%lld '%s': level %s, not %s", ms, sip,
                  phrase ? phrase : "", dt_match_level_name(m->level),
                  dt_match_level_name(level));
    return m;
}

/* ---- the documented 569002/504 phrases ---- */

typedef struct {
    const char *phrase;
    const char *action;
} phrase_case_t;

static const phrase_case_t tls_cases[] = {
    {"Unable to deliver INVITE: A connection attempt failed because the connected party did not "
     "properly respond after a period of time, or established connection failed because "
     "connected host has failed to respond",
     "sbc-reachability"},
    {"Unable to deliver INVITE: No connection could be made because the target machine actively "
     "refused it",
     "sbc-reachability"},
    {"Unable to deliver INVITE: outgoing TLS negotiation failed; HRESULT=0x80096004",
     "tls-certificate"},
    {"Unable to deliver INVITE: outgoing TLS negotiation failed; Wrong target principal name "
     "configured. HRESULT=0x80090322 CERT_E_WRONG_USAGE",
     "tls-certificate"},
    {"Unable to deliver INVITE: TLS decryption failed; HRESULT=590615", "tls-session-expired"},
    {"Unable to deliver ACK: outgoing TLS negotiation failed; Wrong target principal name "
     "configured. HRESULT=0x80090322 CERT_E_WRONG_USAGE",
     "tls-certificate"},
    {"Unable to deliver ACK: No connection could be made because the target machine actively "
     "refused it",
     "sbc-reachability"},
    {"Unable to deliver INVITE: TlsTransport is not connected, State=Disconnected",
     "sbc-reachability"},
};

START_TEST(test_569002_phrases)
{
    const phrase_case_t *c = &tls_cases[_i];
    const dt_match_t *m = lookup(codes, 569002, 504, c->phrase);
    ck_assert_msg(m->level == DT_MATCH_PHRASE, "'%s': level %s", c->phrase,
                  dt_match_level_name(m->level));
    ck_assert_uint_lt(m->entry, rules.ncodes);
    const dt_code_rule_t *e = &rules.codes[m->entry];
    ck_assert_uint_eq(e->ms, 569002);
    ck_assert_uint_eq(e->sip, 504);
    ck_assert_msg(strcmp(e->phrases[0], c->phrase) == 0, "joined '%s' with entry '%s'", c->phrase,
                  e->phrases[0]);
    ck_assert_str_eq(action_id(&rules, m), c->action);
    ck_assert(m->known);
    ck_assert_int_eq(m->origin, DT_ORIGIN_MICROSOFT);
    ck_assert(!m->has_sbc_sip);
}
END_TEST

START_TEST(test_phrase_normalisation)
{
    const char *variants[] = {
        "unable to deliver invite: no connection could be made because the target machine "
        "actively refused it",
        "Unable to deliver INVITE: No connection could be made because the target machine "
        "actively refused it.",
        "  Unable  to deliver INVITE:\tNo connection could be made because the target machine "
        "actively   refused it.  ",
        "UNABLE TO DELIVER INVITE: NO CONNECTION COULD BE MADE BECAUSE THE TARGET MACHINE "
        "ACTIVELY REFUSED IT",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        const dt_match_t *m = lookup(codes, 569002, 504, variants[i]);
        ck_assert_msg(m->level == DT_MATCH_PHRASE, "'%s': level %s", variants[i],
                      dt_match_level_name(m->level));
        ck_assert_str_eq(rules.codes[m->entry].phrases[0], tls_cases[1].phrase);
        ck_assert_str_eq(action_id(&rules, m), "sbc-reachability");
    }
    /* A trailing period in the documented phrase and none in the row. */
    const dt_match_t *m = lookup(codes, 0, 0, "Call ended successfully by local participant");
    ck_assert_int_eq(m->level, DT_MATCH_PHRASE);
    /* Two periods are not one. */
    m = lookup(codes, 0, 0, "Call ended successfully by local participant..");
    ck_assert_int_ne(m->level, DT_MATCH_PHRASE);
}
END_TEST

START_TEST(test_pattern_phrase)
{
    /* 560402/402 has a pattern accepting any phrase starting with "Payment required". */
    const dt_match_t *m = lookup(codes, 560402, 402, "Payment Required - account 12 suspended");
    ck_assert_int_eq(m->level, DT_MATCH_PHRASE);
    ck_assert_str_eq(action_id(&rules, m), "carrier-downstream");
    size_t entry = m->entry;
    static const struct {
        const char *phrase;
        bool matches;
    } cases[] = {{"payment required", true}, {"no payment required", false},
                 {"Payment required.", true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool hit = !cases[i].matches;
        ck_assert_int_eq(dt_codes_phrase_matches(codes, entry, cases[i].phrase,
                                                 strlen(cases[i].phrase), &hit, NULL),
                         DT_OK);
        ck_assert_msg(hit == cases[i].matches, "%s", cases[i].phrase);
    }
}
END_TEST

START_TEST(test_level_codes)
{
    const dt_match_t *m = lookup(codes, 569002, 504, "Something nobody documented");
    ck_assert_msg(m->level == DT_MATCH_CODES, "level %s", dt_match_level_name(m->level));
    ck_assert_uint_eq(rules.codes[m->entry].ms, 569002);
    ck_assert_uint_eq(rules.codes[m->entry].sip, 504);
    ck_assert(m->known);
    ck_assert(m->action != DT_NO_ACTION);
    /* An empty phrase joins on the codes too. */
    m = lookup(codes, 569002, 504, "");
    ck_assert_int_eq(m->level, DT_MATCH_CODES);
}
END_TEST

START_TEST(test_level_ms)
{
    const dt_match_t *m = lookup(codes, 531000, 999, "SdpParsingFailure");
    ck_assert_msg(m->level == DT_MATCH_MS, "level %s", dt_match_level_name(m->level));
    ck_assert_uint_eq(rules.codes[m->entry].ms, 531000);
    ck_assert(m->known);
    ck_assert_int_eq(m->origin, DT_ORIGIN_MICROSOFT);
    m = lookup(codes, 531000, NONE, NULL);
    ck_assert_int_eq(m->level, DT_MATCH_MS);
}
END_TEST

/* A Microsoft code's entries never turn an undocumented SIP code into an
 * expected ending: 0, 540000 and 560000 are documented with SIP 0 (200 in
 * Graph) and their own pairs; any other SIP code falls through to its own
 * fallbacks. */
/* 560403/403 is one documented phrase: "Forbidden; Call rejected" (the SIP 403
 * article's heading and the 2022 overview's error message), not two. */
START_TEST(test_560403_one_phrase)
{
    const dt_match_t *m = lookup(codes, 560403, 403, "Forbidden; Call rejected");
    ck_assert_msg(m->level == DT_MATCH_PHRASE, "level %s", dt_match_level_name(m->level));
    const dt_code_rule_t *e = &rules.codes[m->entry];
    ck_assert_str_eq(e->phrases[0], "Forbidden; Call rejected");
    ck_assert_msg(strncmp(e->source, "Teams article SIP 403", 21) == 0, "joined %s", e->source);
    ck_assert_str_eq(action_id(&rules, m), "sbc-forbidden");
    ck_assert_int_eq(m->origin, DT_ORIGIN_SBC);
    /* The ACS wordings still join their own entry. */
    m = lookup(codes, 560403, 403, "Call rejected.");
    ck_assert_int_eq(m->level, DT_MATCH_PHRASE);
    ck_assert_msg(strncmp(rules.codes[m->entry].source, "Azure", 5) == 0, "joined %s",
                  rules.codes[m->entry].source);
}
END_TEST

START_TEST(test_ms_catch_all)
{
    const dt_match_t *m = expect_level(codes, 0, 500, "Internal Server Error", DT_MATCH_SIP_CLASS);
    ck_assert_str_eq(action_id(&rules, m), "sip-5xx");
    ck_assert(!m->known);
    ck_assert_int_eq(m->origin, DT_ORIGIN_MICROSOFT);

    m = expect_level(codes, 560000, 404, "Not Found", DT_MATCH_SIP_CLASS);
    ck_assert_str_eq(action_id(&rules, m), "sip-4xx");
    ck_assert_int_eq(m->origin, DT_ORIGIN_SBC);
    ck_assert_msg(!m->has_sbc_sip, "560000 names no SIP code the SBC sent");

    static const struct {
        long long ms, sip;
        const char *phrase;
        dt_match_level_t level;
        const char *action;
    } cases[] = {
        {540000, 503, NULL, DT_MATCH_SIP_CLASS, "sip-5xx"},
        /* the SIP code's own meaning, not the Microsoft code's normal end */
        {560000, 487, NULL, DT_MATCH_SIP_CODE, "caller-cancelled"},
        {0, 486, NULL, DT_MATCH_SIP_CODE, "callee-busy"},
        /* an expected entry does not stand for another SIP code either */
        {540487, 500, NULL, DT_MATCH_SIP_CLASS, "sip-5xx"},
        /* their own pairs still join */
        {0, 408, "Establishment timeout", DT_MATCH_PHRASE, "client-media-timeout"},
        {560000, 0, "BYE", DT_MATCH_CODES, "normal-end"},
        /* a failed call without a SIP code whose 560NNN code names it */
        {560486, NONE, NULL, DT_MATCH_MS, "callee-busy"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_str_eq(action_id(&rules, expect_level(codes, cases[i].ms, cases[i].sip,
                                                        cases[i].phrase, cases[i].level)),
                         cases[i].action);
}
END_TEST

/* The invariant over the whole built-in table: for every Microsoft code and
 * every SIP code none of its entries documents, a match at level ms is never
 * an expected ending and never a pair-only entry. */
START_TEST(test_ms_level_invariant)
{
    char report[1024] = "";
    size_t checked = 0, wrong = 0;
    for (size_t e = 0; e < rules.ncodes; e++) {
        uint64_t ms = rules.codes[e].ms;
        for (long long sip = -1; sip <= 699; sip++) {
            if (sip > 0 && sip < 100)
                continue;
            bool documented = false;
            for (size_t d = 0; d < rules.ncodes && !documented; d++)
                documented = rules.codes[d].ms == ms && rules.codes[d].sip == sip;
            if (documented)
                continue;
            const dt_match_t *m = lookup(codes, (long long)ms, sip, NULL);
            checked++;
            if (m->level != DT_MATCH_MS)
                continue;
            const dt_code_rule_t *entry = &rules.codes[m->entry];
            bool expected = rules.actions[m->action].expected;
            bool implied = sip < 0 && m->has_sbc_sip && m->sbc_sip == entry->sip;
            if ((expected || entry->pair_only) && !implied && wrong++ < 16) {
                size_t used = strlen(report);
                snprintf(report + used, sizeof report - used, "\n  %llu/%lld -> %llu/%u %s",
                         (unsigned long long)ms, sip, (unsigned long long)entry->ms, entry->sip,
                         action_id(&rules, m));
            }
        }
    }
    ck_assert_uint_gt(checked, 1000);
    ck_assert_msg(wrong == 0, "%zu ms-level matches read as an expected ending:%s", wrong,
                  report);
}
END_TEST

/* Advice Microsoft has changed (the reference tables' corrections of
 * 2026-12-01): each documented pair joins an action that says what the
 * current page says, with the owner it gives. */
START_TEST(test_changed_advice)
{
    static const struct {
        long long ms, sip;
        const char *phrase, *action;
        dt_owner_t owner;
        const char *says; /* in the advice, or in a doc link when it starts with '/' */
    } cases[] = {
        /* 2024-12-04: ask the callee to sign in again, then contact support; no
         * longer an expected ending for users long signed out */
        {10037, 480, "No callee endpoints were found", "callee-not-signed-in", DT_OWNER_TENANT,
         "sign out and back in"},
        /* 2024-12-04: the only step is to contact support: Microsoft's to fix */
        {10140, 480, "Call to bot is rejected due to null user settings or user app settings",
         "microsoft-support", DT_OWNER_MICROSOFT, "open a support case"},
        /* hold is signalled with a=inactive only */
        {531052, 488, "Cannot negotiate a new modality with blackhole media",
         "sdp-blackhole-hold", DT_OWNER_SBC, "hold with a=inactive"},
        /* the cmdlet's page is under the teams module, not skype */
        {500001, 408, "Gateway (SBC) failover timer expired", "failover-timer", DT_OWNER_SBC,
         "/powershell/module/teams/set-csonlinepstngateway"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dt_match_t *m =
            expect_level(codes, cases[i].ms, cases[i].sip, cases[i].phrase, DT_MATCH_PHRASE);
        ck_assert_str_eq(action_id(&rules, m), cases[i].action);
        const dt_action_t *a = &rules.actions[m->action];
        ck_assert_int_eq(a->owner, cases[i].owner);
        ck_assert_msg(!a->expected, "%s is an expected ending", a->id);
        if (cases[i].says[0] != '/') {
            ck_assert_contains(a->text, cases[i].says);
            continue;
        }
        bool linked = false;
        for (size_t d = 0; d < a->ndocs && !linked; d++)
            linked = strstr(a->docs[d], cases[i].says) != NULL;
        ck_assert_msg(linked, "%s links no %s", a->id, cases[i].says);
        for (size_t d = 0; d < a->ndocs; d++)
            ck_assert_msg(!strstr(a->docs[d], "/module/skype/"), "%s links %s", a->id,
                          a->docs[d]);
    }
}
END_TEST

/* The origin rules per export family: 540NNN is SBC-generated in ACS files,
 * Microsoft-generated in TAC, Graph and CQD files; 560NNN is the SBC's in all. */
START_TEST(test_family_origin)
{
    dt_code_key_t k = key_of(540487, 487);
    const char *phrase = "The caller terminated the call request.";
    size_t len = strlen(phrase);
    const dt_match_t *acs = dt_codes_lookup(codes, DT_FAMILY_ACS, &k, phrase, len, NULL);
    const dt_match_t *tac = dt_codes_lookup(codes, DT_FAMILY_TAC, &k, phrase, len, NULL);
    ck_assert_ptr_ne(acs, tac);
    ck_assert_int_eq(acs->origin, DT_ORIGIN_SBC);
    ck_assert(acs->has_sbc_sip && acs->sbc_sip == 487);
    ck_assert_int_eq(tac->origin, DT_ORIGIN_MICROSOFT);
    ck_assert(!tac->has_sbc_sip);
    /* The same entry either way: the family decides the origin, not the join. */
    ck_assert_uint_eq(acs->entry, tac->entry);
    ck_assert_int_eq(acs->level, DT_MATCH_PHRASE);
    ck_assert_uint_eq(dt_codes_cached(codes), 2);
    ck_assert_int_eq(dt_codes_lookup(codes, DT_FAMILY_ANY, &k, phrase, len, NULL)->origin,
                     DT_ORIGIN_MICROSOFT);
    ck_assert_uint_eq(dt_codes_cached(codes), 3);

    /* An undocumented 540NNN code: the ACS 540 rule's action, the SIP class elsewhere. */
    k = key_of(540499, 499);
    const dt_match_t *m = dt_codes_lookup(codes, DT_FAMILY_ACS, &k, "", 0, NULL);
    ck_assert_int_eq(m->level, DT_MATCH_ORIGIN);
    ck_assert_str_eq(action_id(&rules, m), "sbc-response");
    ck_assert_int_eq(m->origin, DT_ORIGIN_SBC);
    for (dt_family_t f = DT_FAMILY_TAC; f <= DT_FAMILY_ANY; f++) {
        if (f == DT_FAMILY_ACS)
            continue;
        m = dt_codes_lookup(codes, f, &k, "", 0, NULL);
        ck_assert_msg(m->level == DT_MATCH_SIP_CLASS, "%s: level %s", dt_family_name(f),
                      dt_match_level_name(m->level));
        ck_assert_int_eq(m->origin, DT_ORIGIN_MICROSOFT);
    }
    k = key_of(560486, 486);
    for (dt_family_t f = DT_FAMILY_TAC; f <= DT_FAMILY_ANY; f++)
        ck_assert_int_eq(dt_codes_lookup(codes, f, &k, "", 0, NULL)->origin, DT_ORIGIN_SBC);
}
END_TEST

START_TEST(test_level_origin)
{
    const dt_match_t *m = lookup(codes, 560499, 499, "Whatever the SBC said");
    ck_assert_msg(m->level == DT_MATCH_ORIGIN, "level %s", dt_match_level_name(m->level));
    ck_assert_int_eq(m->origin, DT_ORIGIN_SBC);
    ck_assert(m->has_sbc_sip);
    ck_assert_uint_eq(m->sbc_sip, 499);
    ck_assert(!m->known);
    ck_assert_msg(m->entry == SIZE_MAX, "no entry for an origin-rule match");
    ck_assert_str_eq(action_id(&rules, m), "sbc-response");
}
END_TEST

START_TEST(test_level_sip_fallbacks)
{
    const dt_match_t *m = lookup(codes, 12345, 403, "Forbidden");
    ck_assert_msg(m->level == DT_MATCH_SIP_CLASS || m->level == DT_MATCH_SIP_CODE, "level %s",
                  dt_match_level_name(m->level));
    ck_assert_int_eq(m->origin, DT_ORIGIN_MICROSOFT);
    ck_assert(!m->known);
    ck_assert(!m->has_sbc_sip);
    ck_assert(m->action != DT_NO_ACTION);
    ck_assert_msg(m->level != DT_MATCH_SIP_CLASS || strcmp(action_id(&rules, m), "sip-4xx") == 0,
                  "class fallback %s", action_id(&rules, m));

    m = lookup(codes, NONE, 408, "Gateway (SBC) failover timer expired");
    ck_assert_msg(m->level == DT_MATCH_SIP_PHRASE, "level %s", dt_match_level_name(m->level));
    ck_assert_str_eq(action_id(&rules, m), "failover-timer");
    ck_assert(m->known);
    ck_assert_int_eq(m->origin, DT_ORIGIN_UNKNOWN);

    m = lookup(codes, NONE, 487, NULL);
    ck_assert_msg(m->level == DT_MATCH_SIP_CODE, "level %s", dt_match_level_name(m->level));
    ck_assert_str_eq(action_id(&rules, m), "caller-cancelled");
    ck_assert(!m->known);
    ck_assert_int_eq(m->origin, DT_ORIGIN_UNKNOWN);

    m = lookup(codes, NONE, 503, "An undocumented phrase");
    ck_assert_int_eq(m->level, DT_MATCH_SIP_CLASS);
    ck_assert_str_eq(action_id(&rules, m), "sip-5xx");

    /* SIP from the Microsoft code when the SIP cell is empty. */
    m = lookup(codes, 560486, NONE, NULL);
    ck_assert_int_eq(m->origin, DT_ORIGIN_SBC);
    ck_assert_uint_eq(m->sbc_sip, 486);
}
END_TEST

START_TEST(test_level_none)
{
    const dt_match_t *m = lookup(codes, NONE, NONE, NULL);
    ck_assert_int_eq(m->level, DT_MATCH_NONE);
    ck_assert_msg(m->action == DT_NO_ACTION, "no action");
    ck_assert_msg(m->entry == SIZE_MAX, "no entry");
    ck_assert(!m->known);
    ck_assert_int_eq(m->origin, DT_ORIGIN_UNKNOWN);
    m = lookup(codes, NONE, NONE, "A phrase alone");
    ck_assert_int_eq(m->level, DT_MATCH_NONE);
    m = lookup(codes, NONE, 4030, NULL); /* hostile SIP value */
    ck_assert_int_eq(m->level, DT_MATCH_NONE);
    m = lookup(codes, NONE, 0, NULL);
    ck_assert_int_eq(m->level, DT_MATCH_NONE);
}
END_TEST

START_TEST(test_level_names)
{
    static const char *const names[] = {"phrase",     "codes",    "ms",        "origin-rule",
                                         "sip-phrase", "sip-code", "sip-class", "none"};
    for (int i = 0; i < DT_MATCH_COUNT; i++)
        ck_assert_str_eq(dt_match_level_name((dt_match_level_t)i), names[i]);
    ck_assert_str_eq(dt_match_level_name(DT_MATCH_COUNT), "none");
}
END_TEST

/* ---- cache ---- */

START_TEST(test_cache)
{
    ck_assert_uint_eq(dt_codes_cached(codes), 0);
    const dt_match_t *a = lookup(codes, 560403, 403, "Forbidden");
    const dt_match_t *b = lookup(codes, 560403, 403, "Forbidden");
    ck_assert_ptr_eq(a, b);
    ck_assert_uint_eq(dt_codes_cached(codes), 1);
    const dt_match_t *c = lookup(codes, 560403, 403, "Call rejected");
    ck_assert_ptr_ne(a, c);
    ck_assert_uint_eq(dt_codes_cached(codes), 2);
    /* Flags are part of the key: no SIP differs from SIP 0. */
    lookup(codes, 560403, NONE, "Forbidden");
    lookup(codes, 560403, 0, "Forbidden");
    ck_assert_uint_eq(dt_codes_cached(codes), 4);
    for (int i = 0; i < 50; i++)
        lookup(codes, 560403, 403, "Forbidden");
    ck_assert_uint_eq(dt_codes_cached(codes), 4);
    ck_assert_ptr_eq(lookup(codes, 560403, 403, "Forbidden"), a);
    ck_assert_uint_eq(dt_codes_uncached_lookups(codes), 0);
}
END_TEST

/* Lookups shared across threads: each share has its own cache over the one
 * compiled table, and joins as the lookup it came from does. */
START_TEST(test_share)
{
    dt_error_t err = {{0}};
    dt_codes_t *share = dt_codes_share(codes, &err);
    ck_assert_msg(share != NULL, "%s", err.msg);
    const dt_match_t *a = lookup(codes, 569002, 504, tls_cases[2].phrase);
    ck_assert_uint_eq(dt_codes_cached(share), 0);
    const dt_match_t *b = lookup(share, 569002, 504, tls_cases[2].phrase);
    ck_assert_ptr_ne(a, b);
    ck_assert_uint_eq(a->entry, b->entry);
    ck_assert_uint_eq(a->action, b->action);
    ck_assert_uint_eq(dt_codes_cached(codes), 1);
    ck_assert_uint_eq(dt_codes_cached(share), 1);
    dt_codes_free(share);
    /* the table stays with the lookup that compiled it */
    ck_assert_ptr_eq(lookup(codes, 569002, 504, tls_cases[2].phrase), a);
}
END_TEST

#define SHARE_THREADS 4
#define SHARE_ROUNDS 200

typedef struct {
    dt_codes_t *codes;
    size_t entries[sizeof tls_cases / sizeof tls_cases[0]];
    bool failed;
} share_run_t;

static void *share_thread(void *arg)
{
    share_run_t *run = arg;
    for (int r = 0; r < SHARE_ROUNDS; r++)
        for (size_t i = 0; i < sizeof tls_cases / sizeof tls_cases[0]; i++) {
            dt_code_key_t k = key_of(569002, 504);
            char phrase[512];
            /* distinct phrases each round, so that patterns run, not only the cache */
            snprintf(phrase, sizeof phrase, "%s%*s", tls_cases[i].phrase, r % 3, "");
            const dt_match_t *m =
                dt_codes_lookup(run->codes, DT_FAMILY_ANY, &k, phrase, strlen(phrase), NULL);
            if (!m || (r && m->entry != run->entries[i]))
                run->failed = true;
            else
                run->entries[i] = m->entry;
        }
    return NULL;
}

/* Several threads look up at once, each through its own share: every one
 * joins every phrase with the same entry (and TSan sees no race). */
START_TEST(test_share_threads)
{
    share_run_t runs[SHARE_THREADS];
    pthread_t threads[SHARE_THREADS];
    dt_error_t err = {{0}};
    for (int t = 0; t < SHARE_THREADS; t++) {
        runs[t] = (share_run_t){.codes = dt_codes_share(codes, &err)};
        ck_assert_msg(runs[t].codes != NULL, "%s", err.msg);
    }
    for (int t = 0; t < SHARE_THREADS; t++)
        ck_assert_int_eq(pthread_create(&threads[t], NULL, share_thread, &runs[t]), 0);
    for (int t = 0; t < SHARE_THREADS; t++)
        pthread_join(threads[t], NULL);
    for (int t = 0; t < SHARE_THREADS; t++) {
        ck_assert(!runs[t].failed);
        for (size_t i = 0; i < sizeof tls_cases / sizeof tls_cases[0]; i++)
            ck_assert_uint_eq(runs[t].entries[i], lookup(codes, 569002, 504,
                                                         tls_cases[i].phrase)->entry);
        dt_codes_free(runs[t].codes);
    }
}
END_TEST

START_TEST(test_cache_cap)
{
    dt_error_t err = {{0}};
    dt_codes_t *small = dt_codes_new(&rules, 1, &err);
    ck_assert_ptr_nonnull(small);
    const dt_match_t *first = lookup(small, 569002, 504, tls_cases[2].phrase);
    dt_match_t copy = *first;
    ck_assert_uint_eq(dt_codes_cached(small), 1);
    ck_assert_uint_eq(dt_codes_uncached_lookups(small), 0);

    const dt_match_t *m = lookup(small, 569002, 504, tls_cases[4].phrase);
    ck_assert_int_eq(m->level, DT_MATCH_PHRASE);
    ck_assert_str_eq(action_id(&rules, m), "tls-session-expired");
    ck_assert_uint_eq(dt_codes_uncached_lookups(small), 1);
    m = lookup(small, NONE, 487, NULL);
    ck_assert_str_eq(action_id(&rules, m), "caller-cancelled");
    ck_assert_uint_eq(dt_codes_uncached_lookups(small), 2);
    ck_assert_uint_eq(dt_codes_cached(small), 1);

    /* The cached entry did not move or change. */
    ck_assert_ptr_eq(lookup(small, 569002, 504, tls_cases[2].phrase), first);
    ck_assert_int_eq(first->level, copy.level);
    ck_assert_uint_eq(first->entry, copy.entry);
    ck_assert_uint_eq(first->action, copy.action);
    ck_assert_uint_eq(dt_codes_uncached_lookups(small), 2);
    dt_codes_free(small);
}
END_TEST

START_TEST(test_cache_stable_pointers)
{
    /* Many distinct keys: the first results keep their address and content. */
    const dt_match_t *first = lookup(codes, 569002, 504, tls_cases[0].phrase);
    dt_match_t copy = *first;
    char phrase[64];
    for (int i = 0; i < 3000; i++) {
        snprintf(phrase, sizeof phrase, "phrase %d", i);
        lookup(codes, 560000 + (i % 600), 400 + (i % 200), phrase);
    }
    ck_assert_uint_eq(dt_codes_cached(codes), 3001);
    ck_assert_ptr_eq(lookup(codes, 569002, 504, tls_cases[0].phrase), first);
    ck_assert_mem_eq(first, &copy, sizeof copy);
}
END_TEST

START_TEST(test_long_phrase)
{
    char phrase[2000];
    snprintf(phrase, sizeof phrase, "%s", tls_cases[4].phrase);
    size_t n = strlen(phrase);
    memset(phrase + n, ' ', sizeof phrase - n - 1);
    phrase[sizeof phrase - 1] = '\0';
    uint64_t before = dt_codes_uncached_lookups(codes);
    size_t cached = dt_codes_cached(codes);
    const dt_match_t *m = lookup(codes, 569002, 504, phrase);
    ck_assert_int_eq(m->level, DT_MATCH_PHRASE);
    ck_assert_str_eq(action_id(&rules, m), "tls-session-expired");
    ck_assert_ptr_eq(lookup(codes, 569002, 504, phrase), m);
    /* A different long phrase with the same first bytes must not share the result. */
    memcpy(phrase + 1500, "x", 1);
    const dt_match_t *other = lookup(codes, 569002, 504, phrase);
    ck_assert_int_eq(other->level, DT_MATCH_CODES);
    ck_assert_ptr_ne(other, m);
    ck_assert_ptr_eq(lookup(codes, 569002, 504, phrase), other);
    ck_assert_msg(dt_codes_uncached_lookups(codes) == before &&
                      dt_codes_cached(codes) == cached + 2,
                  "a long phrase is cached like a short one");
}
END_TEST

/* Cached keys take at most DT_CODES_CACHE_BYTES: beyond, lookups go uncached
 * with the same result. */
START_TEST(test_cache_bytes_bounded)
{
    size_t len = 256 * 1024;
    char *phrase = malloc(len + 1);
    ck_assert_ptr_nonnull(phrase);
    memset(phrase, 'p', len);
    phrase[len] = '\0';
    size_t fit = DT_CODES_CACHE_BYTES / (len + 13);
    for (size_t i = 0; i < fit + 3; i++) {
        snprintf(phrase, len, "%zu", i);
        phrase[strlen(phrase)] = 'p';
        const dt_match_t *m = lookup(codes, 569002, 504, phrase);
        ck_assert_int_eq(m->level, DT_MATCH_CODES);
    }
    ck_assert_uint_eq(dt_codes_cached(codes), fit);
    ck_assert_uint_eq(dt_codes_uncached_lookups(codes), 3);
    free(phrase);
}
END_TEST

/* ---- user layers ---- */

static dt_codes_t *codes_from(dt_rules_t *r, const char *site)
{
    dt_error_t err = {{0}};
    dt_rules_init(r);
    ck_assert(tu_rules_text(r, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert_msg(tu_rules_text(r, "site.rules", 1, site, &err) == DT_OK, "%s", err.msg);
    ck_assert_msg(dt_rules_finish(r, &err) == DT_OK, "%s", err.msg);
    dt_codes_t *made = dt_codes_new(r, 0, &err);
    ck_assert_msg(made != NULL, "%s", err.msg);
    return made;
}

/* A pattern that does not compile fails dt_rules_finish (every command loads
 * the rules through it), and dt_codes_new too, naming the pattern's line. */
START_TEST(test_bad_pattern)
{
    dt_rules_t r;
    dt_error_t err = {{0}};
    tu_rules_on_base(&r, "site.rules",
                     "# site\n"
                     "[code 1/403]\nphrase = P\naction = a-one\nsource = s\n"
                     "\n"
                     "[code 2/403]\npattern = ^fine$\npattern = ^(unclosed\n"
                     "action = a-one\nsource = s\n");
    ck_assert_int_eq(dt_rules_finish(&r, &err), DT_ERR_INPUT);
    ck_assert_str_eq(err.msg, "site.rules:9: [code 2/403] pattern '^(unclosed': missing closing "
                              "parenthesis at offset 10");
    memset(&err, 0, sizeof err);
    ck_assert_ptr_null(dt_codes_new(&r, 0, &err));
    ck_assert_contains(err.msg, "site.rules:9:");
    ck_assert_contains(err.msg, "offset");
    dt_rules_free(&r);
}
END_TEST

/* A pattern that backtracks catastrophically on a long phrase gives up: the
 * phrase does not match it (the call joins at the codes level), and the note
 * names the pattern. The phrase's result is cached like any other, and every
 * lookup of it counts the pattern that gave up, so that the count is that of
 * the rows, whatever was cached. */
START_TEST(test_catastrophic_pattern)
{
    dt_rules_t r;
    dt_codes_t *c = codes_from(&r,
                               "[code 5/403]\npattern = ^(a|a)*$\naction = a-one\nsource = s\n"
                               "[code 5/403]\naction = a-two\nsource = s\n");
    char note[DT_ERROR_MAX];
    ck_assert(!dt_codes_limit_note(c, note, sizeof note));
    const dt_match_t *m = lookup(c, 5, 403, "aaaa");
    ck_assert_int_eq(m->level, DT_MATCH_PHRASE);
    ck_assert_str_eq(action_id(&r, m), "a-one");
    char phrase[1001];
    memset(phrase, 'a', 999);
    phrase[999] = '!';
    phrase[1000] = '\0';
    for (int i = 0; i < 2; i++) {
        m = lookup(c, 5, 403, phrase);
        ck_assert_int_eq(m->level, DT_MATCH_CODES);
        ck_assert_str_eq(action_id(&r, m), "a-two");
    }
    ck_assert(dt_codes_limit_note(c, note, sizeof note));
    ck_assert_contains(note, "site.rules:2: pattern '^(a|a)*$' of [code 5/403] gave up");
    ck_assert_contains(note, "gave up 2 times in all");
    ck_assert_uint_eq(dt_codes_cached(c), 2);

    /* A share counts its own lookups; added in order, they make one count. */
    dt_error_t err = {{0}};
    dt_codes_t *share = dt_codes_share(c, &err);
    ck_assert_msg(share != NULL, "%s", err.msg);
    m = lookup(share, 5, 403, phrase);
    ck_assert_int_eq(m->level, DT_MATCH_CODES);
    dt_codes_limits_t total = dt_codes_limits(c), part = dt_codes_limits(share);
    ck_assert_uint_eq(part.hits, 1);
    dt_codes_limits_add(&total, &part);
    ck_assert_uint_eq(total.hits, 3);
    ck_assert_uint_eq(total.entry, dt_codes_limits(c).entry);
    dt_codes_free(share);

    /* Limits can be set aside: a row looked up again is not counted twice. */
    dt_codes_limits_t saved = dt_codes_limits(c);
    lookup(c, 5, 403, phrase);
    dt_codes_set_limits(c, &saved);
    ck_assert_uint_eq(dt_codes_limits(c).hits, 2);
    dt_codes_free(c);
    dt_rules_free(&r);
}
END_TEST

START_TEST(test_pair_prefers_generic_entry)
{
    /* Step 2: the entry for the pair without phrases, else the pair's first entry. */
    dt_rules_t r;
    dt_codes_t *c = codes_from(&r,
                               "[code 1/403]\npattern = ^only this$\naction = a-one\nsource = s\n"
                               "[code 1/403]\nphrase = Other\naction = a-one\nsource = s\n"
                               "[code 1/403]\naction = a-two\nsource = generic\n"
                               "[code 2/403]\nphrase = X\naction = a-one\nsource = s\n"
                               "[code 2/403]\nphrase = Y\naction = a-two\nsource = s\n");
    const dt_match_t *m = lookup(c, 1, 403, "Only this");
    ck_assert_int_eq(m->level, DT_MATCH_PHRASE);
    ck_assert_str_eq(action_id(&r, m), "a-one");
    m = lookup(c, 1, 403, "something else");
    ck_assert_int_eq(m->level, DT_MATCH_CODES);
    ck_assert_msg(strcmp(r.codes[m->entry].source, "generic") == 0,
                  "fallback joined the entry from '%s', not the generic one",
                  r.codes[m->entry].source);
    ck_assert_str_eq(action_id(&r, m), "a-two");
    /* Without a generic entry the pair's first entry is the fallback. */
    m = lookup(c, 2, 403, "Z");
    ck_assert_int_eq(m->level, DT_MATCH_CODES);
    ck_assert_str_eq(r.codes[m->entry].phrases[0], "X");
    dt_codes_free(c);
    dt_rules_free(&r);
}
END_TEST

START_TEST(test_pair_only_entry)
{
    dt_rules_t r;
    dt_codes_t *c = codes_from(&r,
                               "[code 7/480]\nphrase = Only this pair\naction = a-one\n"
                               "pair-only = yes\nsource = s\n"
                               "[code 7/486]\nphrase = Other pair\naction = a-two\nsource = s\n"
                               "[code 8/480]\nphrase = Pair\naction = a-one\npair-only = yes\n"
                               "source = s\n");
    ck_assert_str_eq(action_id(&r, expect_level(c, 7, 480, "something else", DT_MATCH_CODES)),
                     "a-one");
    /* 7/404: the pair-only 7/480 is passed over, 7/486 stands for the code. */
    ck_assert_str_eq(action_id(&r, expect_level(c, 7, 404, NULL, DT_MATCH_MS)), "a-two");
    /* 8/404: nothing may stand for 8, so the SIP code decides. */
    const dt_match_t *m = expect_level(c, 8, 404, NULL, DT_MATCH_SIP_CLASS);
    ck_assert_str_eq(action_id(&r, m), "class-4");
    ck_assert(!m->known);
    dt_codes_free(c);
    dt_rules_free(&r);
}
END_TEST

/* "[code -/SIP]": documented without a Microsoft code; found by calls that have
 * none (level sip-phrase), never by Microsoft code 0. */
START_TEST(test_entry_without_ms)
{
    dt_rules_t r;
    dt_codes_t *c = codes_from(&r,
                               "[code 0/404]\nphrase = Zero\naction = a-one\nsource = zero\n"
                               "[code -/404]\nphrase = Call not found.\naction = a-two\n"
                               "source = none\n");
    const dt_match_t *m = expect_level(c, NONE, 404, "Call not found", DT_MATCH_SIP_PHRASE);
    ck_assert_str_eq(r.codes[m->entry].source, "none");
    ck_assert(m->known);
    m = expect_level(c, 0, 404, "Call not found", DT_MATCH_CODES);
    ck_assert_str_eq(r.codes[m->entry].source, "zero");
    expect_level(c, 7, 404, "Call not found", DT_MATCH_SIP_CLASS); /* 7 has no entry */
    /* A call without a Microsoft code tries the entries without one first. */
    m = expect_level(c, NONE, 404, "Zero", DT_MATCH_SIP_PHRASE);
    ck_assert_str_eq(r.codes[m->entry].source, "zero");
    dt_codes_free(c);
    dt_rules_free(&r);
}
END_TEST

/* ACS exports have no phrase column: a call there without a subcode joins the
 * call end table's entry for its SIP code ([code -/SIP], one message per SIP
 * code) by the code alone. In a file of another family the same codes are
 * not documented: those entries are the ACS table's. */
START_TEST(test_acs_sip_only)
{
    static const struct {
        unsigned sip;
        const char *action;
    } cases[] = {{404, "call-not-found"},         {408, "endpoint-lost"},
                 {480, "acs-callee-unavailable"}, {490, "client-network"},
                 {503, "microsoft-support"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dt_code_key_t k = key_of(NONE, cases[i].sip);
        const dt_match_t *m = dt_codes_lookup(codes, DT_FAMILY_ACS, &k, "", 0, NULL);
        ck_assert_msg(m->level == DT_MATCH_SIP_PHRASE, "-/%u: level %s", cases[i].sip,
                      dt_match_level_name(m->level));
        ck_assert(m->known);
        ck_assert(!rules.codes[m->entry].has_ms);
        ck_assert_uint_eq(rules.codes[m->entry].sip, cases[i].sip);
        ck_assert_str_eq(action_id(&rules, m), cases[i].action);
        for (dt_family_t f = DT_FAMILY_TAC; f <= DT_FAMILY_ANY; f++) {
            if (f == DT_FAMILY_ACS)
                continue;
            m = dt_codes_lookup(codes, f, &k, "", 0, NULL);
            ck_assert_msg(!m->known, "%s -/%u: joined %s", dt_family_name(f), cases[i].sip,
                          dt_match_level_name(m->level));
        }
    }
    /* A Microsoft code, 0 included, is never passed over for the SIP-only entry. */
    dt_code_key_t k = key_of(0, 404);
    ck_assert(!dt_codes_lookup(codes, DT_FAMILY_ACS, &k, "", 0, NULL)->known);
}
END_TEST

START_TEST(test_later_layer_first)
{
    dt_rules_t r;
    dt_error_t err = {{0}};
    dt_rules_init(&r);
    ck_assert(tu_rules_text(&r, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert(tu_rules_text(&r, "codes.rules", 0,
                            "[code 560403/403]\nphrase = Forbidden\naction = a-one\nsource = b\n",
                            &err) == DT_OK);
    ck_assert(tu_rules_text(&r, "site.rules", 1,
                            "[code 560403/403]\npattern = ^forbidden\\b\naction = a-two\n"
                            "source = site\n",
                            &err) == DT_OK);
    ck_assert_msg(dt_rules_finish(&r, &err) == DT_OK, "%s", err.msg);
    dt_codes_t *c = dt_codes_new(&r, 0, &err);
    ck_assert_ptr_nonnull(c);
    const dt_match_t *m = lookup(c, 560403, 403, "Forbidden");
    ck_assert_int_eq(m->level, DT_MATCH_PHRASE);
    ck_assert_str_eq(action_id(&r, m), "a-two");
    ck_assert_int_eq(m->origin, DT_ORIGIN_SBC);
    /* The class fallback of the base rules. */
    m = lookup(c, NONE, 404, NULL);
    ck_assert_int_eq(m->level, DT_MATCH_SIP_CLASS);
    ck_assert_str_eq(action_id(&r, m), "class-4");
    dt_codes_free(c);
    dt_rules_free(&r);
}
END_TEST

/* ---- the reference tables ---- */

/* How the rows of one reference table are read and judged. */
typedef struct {
    const char *file;
    dt_family_t family;      /* the export family whose origin rules apply */
    bool split_pstn_tables;  /* ACS PSTN-table rows list alternatives, "; "-separated */
    const char *origin_skip; /* rows whose provenance has this text state an origin
                                their family's rule does not follow (or NULL) */
} reference_t;

/* Checks that (ms, sip, phrase) joins at level phrase with an entry of the same
 * codes, or, for a row documented without a Microsoft code (has_ms false), at
 * level sip-phrase with such an entry, and that the call gets the documented
 * origin (unless `origin` is DT_ORIGIN_COUNT); appends a line to report
 * otherwise. */
static bool joins(dt_codes_t *table, const dt_rules_t *r, const reference_t *ref, bool has_ms,
                  uint64_t ms, unsigned sip, const char *phrase, size_t len, dt_origin_t origin,
                  size_t row, char *report, size_t cap)
{
    dt_code_key_t k = {.has_ms = has_ms, .has_sip = true, .ms = ms, .sip = sip};
    const dt_match_t *m = dt_codes_lookup(table, ref->family, &k, phrase, len, NULL);
    ck_assert_ptr_nonnull(m);
    const dt_code_rule_t *e = m->entry < r->ncodes ? &r->codes[m->entry] : NULL;
    bool ok = e && m->level == (has_ms ? DT_MATCH_PHRASE : DT_MATCH_SIP_PHRASE) &&
              e->has_ms == has_ms && e->ms == ms && e->sip == sip &&
              (origin == DT_ORIGIN_COUNT || m->origin == origin);
    if (!ok) {
        size_t used = strlen(report);
        snprintf(report + used, cap - used, "\n  %s row %zu: %s%llu/%u '%.*s' -> %s, origin %s",
                 ref->file, row, has_ms ? "" : "(no MS) ", (unsigned long long)ms, sip, (int)len,
                 phrase, dt_match_level_name(m->level), dt_origin_name(m->origin));
    }
    return ok;
}

/* The tab-separated cell `column` (0-based) of a row, as a slice. */
static dt_slice_t tsv_cell(const char *row, size_t column)
{
    for (size_t c = 0; c < column && row; c++) {
        row = strchr(row, '\t');
        row = row ? row + 1 : NULL;
    }
    if (!row)
        return (dt_slice_t){"", 0};
    return (dt_slice_t){row, strcspn(row, "\t")};
}

#define TSV_PROVENANCE 6

#define TSV_ORIGIN 3

/* Joins every row of a reference table (ms_code, sip_code, phrase, origin, ...).
 * Only the rows of the ACS PSTN tables list alternative phrases, separated by
 * "; "; everywhere else "; " is part of one phrase, as in Teams' "Forbidden;
 * Call rejected". */
static size_t check_reference(const reference_t *ref, char *report, size_t cap)
{
    char *text = tu_read_file(tu_repo_file(ref->file), NULL);
    size_t rows = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "ms_code\t", 8) == 0 || !*line)
            continue;
        rows++;
        char *ms_end, *sip_end;
        bool has_ms = line[0] != '\t'; /* an empty ms_code: documented without one */
        unsigned long long ms = has_ms ? strtoull(line, &ms_end, 10) : 0;
        if (!has_ms)
            ms_end = line;
        ck_assert_msg(*ms_end == '\t', "%s: bad row '%s'", ref->file, line);
        unsigned long sip = strtoul(ms_end + 1, &sip_end, 10);
        ck_assert_msg(*sip_end == '\t', "%s: bad row '%s'", ref->file, line);
        dt_slice_t phrase = tsv_cell(line, 2);
        char source[256], documented[16];
        dt_slice_t provenance = tsv_cell(line, TSV_PROVENANCE), o = tsv_cell(line, TSV_ORIGIN);
        snprintf(source, sizeof source, "%.*s", (int)provenance.len, provenance.ptr);
        snprintf(documented, sizeof documented, "%.*s", (int)o.len, o.ptr);
        dt_origin_t origin = DT_ORIGIN_COUNT;
        if (has_ms && !(ref->origin_skip && strstr(source, ref->origin_skip)))
            ck_assert_msg(dt_origin_parse(documented, &origin), "%s row %zu: origin '%s'",
                          ref->file, rows, documented);
        if (!(ref->split_pstn_tables && strstr(source, "PSTN table"))) {
            joins(codes, &rules, ref, has_ms, ms, (unsigned)sip, phrase.ptr, phrase.len, origin,
                  rows, report, cap);
            continue;
        }
        const char *p = phrase.ptr, *end = phrase.ptr + phrase.len;
        while (p < end) {
            const char *sep = strstr(p, "; ");
            size_t n = sep && sep < end ? (size_t)(sep - p) : (size_t)(end - p);
            joins(codes, &rules, ref, has_ms, ms, (unsigned)sip, p, n, origin, rows, report, cap);
            p += n + 2;
        }
    }
    free(text);
    return rows;
}

START_TEST(test_reference_tables)
{
    /* Each table is read as a file of the family whose pages it comes from:
     * Teams and Graph follow the Teams origin rule (560 = SBC), the ACS pages
     * from 2024 on call 540 and 560 SBC-generated; the 2023 ACS page used the
     * 560 rule only, so its rows' origin is not the ACS rule's. */
    static const reference_t tables[] = {
        {"tests/reference/teams-dr-codes.tsv", DT_FAMILY_TAC, false, NULL},
        {"tests/reference/acs-pstn-codes.tsv", DT_FAMILY_ACS, true, "(2023-11)"},
        {"tests/reference/graph-call-end-codes.tsv", DT_FAMILY_GRAPH, false, NULL},
    };
    static const size_t least[] = {68, 95, 33};
    char report[8192] = "";
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        size_t rows = check_reference(&tables[t], report, sizeof report);
        ck_assert_msg(rows >= least[t], "only %zu rows read from %s", rows, tables[t].file);
    }
    ck_assert_msg(report[0] == '\0',
                  "documented codes that do not join at level phrase with their origin:%s",
                  report);
}
END_TEST

Suite *dt_suite_codes(void)
{
    Suite *s = suite_create("codes");
    TCase *t = tcase_create("levels");
    tcase_add_checked_fixture(t, embedded_setup, embedded_teardown);
    tcase_add_loop_test(t, test_569002_phrases, 0, (int)(sizeof tls_cases / sizeof tls_cases[0]));
    tcase_add_test(t, test_phrase_normalisation);
    tcase_add_test(t, test_pattern_phrase);
    tcase_add_test(t, test_level_codes);
    tcase_add_test(t, test_level_ms);
    tcase_add_test(t, test_560403_one_phrase);
    tcase_add_test(t, test_ms_catch_all);
    tcase_add_test(t, test_ms_level_invariant);
    tcase_add_test(t, test_changed_advice);
    tcase_add_test(t, test_family_origin);
    tcase_add_test(t, test_acs_sip_only);
    tcase_add_test(t, test_level_origin);
    tcase_add_test(t, test_level_sip_fallbacks);
    tcase_add_test(t, test_level_none);
    tcase_add_test(t, test_level_names);
    suite_add_tcase(s, t);
    t = tcase_create("cache");
    tcase_add_checked_fixture(t, embedded_setup, embedded_teardown);
    tcase_add_test(t, test_cache);
    tcase_add_test(t, test_cache_cap);
    tcase_add_test(t, test_share);
    tcase_add_test(t, test_share_threads);
    tcase_add_test(t, test_cache_stable_pointers);
    tcase_add_test(t, test_long_phrase);
    tcase_add_test(t, test_cache_bytes_bounded);
    suite_add_tcase(s, t);
    t = tcase_create("layers");
    tcase_add_test(t, test_bad_pattern);
    tcase_add_test(t, test_catastrophic_pattern);
    tcase_add_test(t, test_pair_prefers_generic_entry);
    tcase_add_test(t, test_pair_only_entry);
    tcase_add_test(t, test_entry_without_ms);
    tcase_add_test(t, test_later_layer_first);
    suite_add_tcase(s, t);
    t = tcase_create("reference");
    tcase_add_checked_fixture(t, embedded_setup, embedded_teardown);
    tcase_add_test(t, test_reference_tables);
    suite_add_tcase(s, t);
    return s;
}
