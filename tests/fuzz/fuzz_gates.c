/* fuzz_gates.c - libFuzzer harness for --fail-if gates: the input (up to
 * 255 bytes, cut at a NUL) is parsed with dt_gate_parse; a refused gate must
 * come with a message that marks the position and shows the grammar; a gate
 * that parses is judged with dt_gates_judge against a small fixed report
 * (built once from a CSV through the real pipeline) with several --min-calls,
 * and every outcome must be consistent. */
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
    dt_gate_t g;
    dt_error_t err = {{0}};
    if (dt_gate_parse(expr, &g, &err) != DT_OK) {
        CHECK(err.msg[0] != '\0');
        CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL);
        CHECK(strlen(expr) >= sizeof g.text || strstr(err.msg, "^\n"));
        CHECK(strlen(expr) >= sizeof g.text || strstr(err.msg, "a gate is"));
        return 0;
    }
    CHECK(memchr(g.text, '\0', sizeof g.text) != NULL);
    CHECK(g.metric && g.metric->name && (g.metric->forms & g.form));
    CHECK(!g.sbc[0] || g.metric->per_sbc);
    static const uint64_t min_calls[] = {0, 5, 100};
    for (size_t i = 0; i < 3; i++) {
        CHECK(dt_gates_judge(&report, &g, 1, min_calls[i]) == DT_OK);
        CHECK(report.ngates >= 1 && report.ngates <= report.nsbcs + 1);
        for (size_t k = 0; k < report.ngates; k++) {
            const dt_gate_result_t *res = &report.gates[k];
            CHECK(res->why && res->why[0] && res->expr && res->metric && res->unit);
            CHECK(!res->breached || res->judged);
            CHECK(!res->judged || res->has_value);
            CHECK((res->sbc != NULL) == (g.sbc[0] != '\0'));
            CHECK(strcmp(res->unit, "count") == 0 || !res->judged ||
                  res->denominator >= min_calls[i]);
        }
        CHECK(dt_gates_breached(&report) <= report.ngates);
    }
    return 0;
}
