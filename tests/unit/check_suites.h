/* check_suites.h - one Check suite per pipeline module; check_main.c runs them all. */
#ifndef CHECK_SUITES_H
#define CHECK_SUITES_H

#include <check.h>

Suite *dt_suite_common(void);
Suite *dt_suite_core(void);
Suite *dt_suite_map(void);
Suite *dt_suite_rules(void);
Suite *dt_suite_codes(void);
Suite *dt_suite_schema(void);
Suite *dt_suite_source(void);
Suite *dt_suite_reader(void);
Suite *dt_suite_classify(void);
Suite *dt_suite_aggregate(void);
Suite *dt_suite_writer(void);
Suite *dt_suite_gates(void);
Suite *dt_suite_output(void);
Suite *dt_suite_pipeline(void);
Suite *dt_suite_date(void);
Suite *dt_suite_spool(void);
Suite *dt_suite_filter(void);
Suite *dt_suite_explain(void);
Suite *dt_suite_rules_check(void);
Suite *dt_suite_escape(void);
Suite *dt_suite_formats(void);
Suite *dt_suite_dedupe(void);
Suite *dt_suite_sketch(void);
Suite *dt_suite_timeline(void);
Suite *dt_suite_rows(void);
Suite *dt_suite_merge(void);
Suite *dt_suite_state(void);
Suite *dt_suite_store(void);
Suite *dt_suite_trend(void);

#endif
