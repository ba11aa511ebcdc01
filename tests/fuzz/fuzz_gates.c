/* fuzz_gates.c - libFuzzer harness for --fail-if expressions: the input
 * (up to 255 bytes, cut at a NUL) is parsed with dt_gate_parse; a
 * condition that parses is judged with dt_gate_check against a small
 * fixed report (built once from a CSV through the real pipeline), with a
 * roomy and a tiny message buffer. */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dt_aggregate.h"
#include "dt_codes.h"
#include "dt_pipeline.h"
#include "dt_rules.h"
#include "fuzz_common.h"
#include "dt_gates.h"


static const char report_csv[] =
    "Final SIP code,Final Microsoft subcode,SBC FQDN,Final SIP Phrase\n"
    "200,0,sbc1.contoso.com,OK\n"
    "403,560403,sbc1.contoso.com,Forbidden\n"
    "504,569002,sbc2.contoso.com,\n"
    "487,540487,sbc2.contoso.com,Request Terminated\n"
    "486,560486,,Busy Here\n"
    "503,999999,sbc3.contoso.com,\n"
    "480,,sbc3.contoso.com,\n";

static dt_rules_t rules;
static dt_codes_t *codes;
static dt_aggregate_t agg;
static dt_report_t report;
static bool ready;

static void setup(void)
{
    dt_error_t err = {{0}};
    fuzz_builtin_rules(&rules, &codes, 0);
    CHECK(dt_aggregate_init(&agg, &rules, 0) == DT_OK);
    char path[64];
    int fd = fuzz_memory_file(report_csv, sizeof report_csv - 1, path, sizeof path);
    const char *paths[] = {path};
    dt_pipeline_options_t po = {.paths = paths, .npaths = 1};
    if (dt_pipeline_run(&po, &rules, codes, &agg, &err) != DT_OK) {
        fprintf(stderr, "fuzz_gates: %s\n", err.msg);
        abort();
    }
    close(fd);
    CHECK(agg.totals.counts.calls == 7);
    CHECK(dt_report_build(&report, &agg, NULL) == DT_OK);
    ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    char expr[256];
    fuzz_text(data, size, expr, sizeof expr);
    dt_gate_t t;
    dt_error_t err = {{0}};
    if (dt_gate_parse(expr, &t, &err) != DT_OK) {
        CHECK(err.msg[0] != '\0');
        return 0;
    }
    CHECK(memchr(t.text, '\0', sizeof t.text) != NULL);
    static const uint64_t min_calls[] = {0, 5, 100};
    for (size_t i = 0; i < 3; i++) {
        char why[512], tiny[8];
        memset(why, 'x', sizeof why);
        memset(tiny, 'x', sizeof tiny);
        bool a = dt_gate_check(&t, &report, min_calls[i], why, sizeof why);
        bool b = dt_gate_check(&t, &report, min_calls[i], tiny, sizeof tiny);
        CHECK(a == b);
        CHECK(memchr(why, '\0', sizeof why) != NULL);
        CHECK(memchr(tiny, '\0', sizeof tiny) != NULL);
        CHECK(!a || why[0] != '\0');
    }
    return 0;
}
