/* check_main.c - runs every module's Check suite; exit status 0 only if all pass. */
#include <stdlib.h>

#include "check_suites.h"

int main(void)
{
    Suite *(*const suites[])(void) = {
        dt_suite_common,
        dt_suite_core,
        dt_suite_map,
        dt_suite_rules,
        dt_suite_codes,
        dt_suite_schema,
        dt_suite_source,
        dt_suite_reader,
        dt_suite_classify,
        dt_suite_aggregate,
        dt_suite_pipeline,
        dt_suite_writer,
        dt_suite_gates,
        dt_suite_output,
        dt_suite_date,
        dt_suite_spool,
        dt_suite_filter,
        dt_suite_explain,
        dt_suite_rules_check,
        dt_suite_escape,
        dt_suite_formats,
        dt_suite_dedupe,
        dt_suite_sketch,
        dt_suite_timeline,
        dt_suite_rows,
        dt_suite_merge,
        dt_suite_state,
        dt_suite_store,
        dt_suite_trend,
    };
    SRunner *runner = srunner_create(suites[0]());
    for (size_t i = 1; i < sizeof suites / sizeof suites[0]; i++)
        srunner_add_suite(runner, suites[i]());
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
