/* report_fixture.h - a small rule set and a report built through the real
 * rules, codes and aggregate modules, shared by the writer and gates suites. */
#ifndef REPORT_FIXTURE_H
#define REPORT_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "dt_aggregate.h"
#include "dt_codes.h"
#include "dt_rules.h"
#include "dt_writer.h"

typedef struct {
    dt_rules_t rules;
    dt_codes_t *codes;
    dt_aggregate_t agg;
    dt_report_t report;
    bool built;
    const dt_call_extra_t *extra; /* passed with every call (NULL: none) */
} fixture_t;

#define NO_CODE (-1)

/* Loads the fixture rules (min-calls 10, effective SIP 486 487) and starts
 * one input "calls.csv". key_cap bounds distinct codes and SBCs (0: default). */
void fixture_init(fixture_t *fx, size_t key_cap);

/* As fixture_init (default caps), with the Health Dashboard's measures and
 * concurrency counted. */
void fixture_init_measured(fixture_t *fx);

#define FIXTURE_START 1795478400 /* Tue 2026-11-24 00:00 UTC */

/* What an answered call of `seconds` from FIXTURE_START brings (for fx->extra). */
dt_call_extra_t fixture_talk(uint64_t seconds);

/* Counts n identical calls; sip or ms NO_CODE means the cell was empty. */
void fixture_calls(fixture_t *fx, unsigned n, long long sip, long long ms, const char *phrase,
                   const char *sbc, bool succeeded);

/* Ranks the aggregate into fx->report. */
void fixture_build(fixture_t *fx, size_t top);

/* Renders the report with a writer into a NUL-terminated string (free it). */
char *fixture_render(fixture_t *fx, dt_write_fn write, const dt_write_options_t *options);

void fixture_free(fixture_t *fx);

/* Number of non-overlapping occurrences of needle in text. */
size_t count_of(const char *text, const char *needle);

#endif
