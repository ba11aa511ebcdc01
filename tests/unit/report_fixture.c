/* report_fixture.c - see report_fixture.h. */
#include "report_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static const char fixture_rules[] =
    "[action fix-tls]\n"
    "title = SBC certificate rejected\n"
    "owner = sbc\n"
    "text = Install a certificate from a supported public CA.\n"
    "doc = /microsoftteams/direct-routing-plan#public-trusted-certificate-for-the-sbc\n"
    "doc = https://example.com/tls\n"
    "\n"
    "[action busy]\n"
    "title = Called party busy\n"
    "owner = user\n"
    "expected = yes\n"
    "text = Nothing to fix.\n"
    "\n"
    "[action unknown]\n"
    "title = No rule for this code\n"
    "owner = tenant\n"
    "text = Add a rule.\n"
    "\n"
    "[code 560403/403]\n"
    "phrase = Forbidden by the SBC\n"
    "action = fix-tls\n"
    "source = test\n"
    "\n"
    "[code 560486/486]\n"
    "phrase = The called number was busy\n"
    "action = busy\n"
    "source = test\n"
    "\n"
    "[sip 486]\n"
    "phrase = Busy Here\n"
    "rfc = RFC3261\n"
    "\n"
    "[sip 500]\n"
    "phrase = Server Internal Error\n"
    "rfc = RFC3261\n"
    "\n"
    "[origin 560]\n"
    "origin = sbc\n"
    "sip-from-code = yes\n"
    "\n"
    "[origin *]\n"
    "origin = microsoft\n"
    "\n"
    "[ner]\n"
    "effective-sip = 486 487\n"
    "min-calls = 10\n";

void fixture_init_measured(fixture_t *fx)
{
    fixture_init(fx, 0);
    dt_aggregate_options_t options = {.metrics = true, .concurrency = true};
    ck_assert_int_eq(dt_aggregate_configure(&fx->agg, &options), DT_OK);
}

dt_call_extra_t fixture_talk(uint64_t seconds)
{
    return (dt_call_extra_t){.has_duration = true, .duration = seconds, .has_span = true,
                             .span_start = FIXTURE_START,
                             .span_end = FIXTURE_START + (int64_t)seconds};
}

void fixture_init(fixture_t *fx, size_t key_cap)
{
    dt_error_t err = {{0}};
    memset(fx, 0, sizeof *fx);
    dt_rules_init(&fx->rules);
    ck_assert_msg(tu_rules_text(&fx->rules, "fixture.rules", 1, fixture_rules, &err) == DT_OK,
                  "%s", err.msg);
    ck_assert_msg(dt_rules_finish(&fx->rules, &err) == DT_OK, "%s", err.msg);
    fx->codes = dt_codes_new(&fx->rules, 0, &err);
    ck_assert_msg(fx->codes != NULL, "%s", err.msg);
    ck_assert_int_eq(dt_aggregate_init(&fx->agg, &fx->rules, key_cap), DT_OK);
    ck_assert_int_eq(dt_aggregate_begin_input(&fx->agg, "calls.csv"), DT_OK);
    dt_aggregate_set_format(&fx->agg, DT_FAMILY_TAC, ';');
}

void fixture_calls(fixture_t *fx, unsigned n, long long sip, long long ms, const char *phrase,
                   const char *sbc, bool succeeded)
{
    dt_call_t call = {.weight = 1, .succeeded = succeeded};
    call.key.has_sip = sip != NO_CODE;
    call.key.sip = call.key.has_sip ? (unsigned)sip : 0;
    call.key.has_ms = ms != NO_CODE;
    call.key.ms = call.key.has_ms ? (uint64_t)ms : 0;
    call.sbc = (dt_slice_t){sbc, strlen(sbc)};
    call.phrase = (dt_slice_t){phrase, strlen(phrase)};
    if (succeeded) {
        call.effective = true;
    } else {
        call.match =
            dt_codes_lookup(fx->codes, DT_FAMILY_ANY, &call.key, phrase, strlen(phrase), NULL);
        ck_assert_ptr_nonnull(call.match);
        call.origin = call.match->origin;
        call.effective = call.key.has_sip && call.key.sip <= DT_SIP_MAX &&
                         fx->rules.ner_effective[call.key.sip];
    }
    for (unsigned i = 0; i < n; i++)
        ck_assert_int_eq(dt_aggregate_call(&fx->agg, &call, fx->extra), DT_OK);
}

void fixture_build(fixture_t *fx, size_t top)
{
    dt_report_options_t options = {.top = top};
    ck_assert_int_eq(dt_report_build(&fx->report, &fx->agg, &options), DT_OK);
    fx->built = true;
}

char *fixture_render(fixture_t *fx, dt_write_fn write, const dt_write_options_t *options)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    dt_error_t err = {{0}};
    ck_assert_msg(write(out, &fx->report, options, &err) == DT_OK, "%s", err.msg);
    ck_assert_int_eq(fclose(out), 0);
    ck_assert_uint_eq(strlen(text), len); /* no NUL byte in the output */
    return text;
}

void fixture_free(fixture_t *fx)
{
    if (fx->built)
        dt_report_free(&fx->report);
    dt_aggregate_free(&fx->agg);
    dt_codes_free(fx->codes);
    dt_rules_free(&fx->rules);
}

size_t count_of(const char *text, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(text, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}
