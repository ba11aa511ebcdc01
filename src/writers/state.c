/* state.c - the state format: the aggregate behind the report, as
 * dt_state_encode made it (dt_state.h, docs/state.md), for drtriage merge. */
#include <stdio.h>

#include "dt_writer.h"

dt_status_t dt_write_state(FILE *out, const dt_report_t *report,
                           const dt_write_options_t *options, dt_error_t *err)
{
    (void)options;
    if (!report->state)
        return dt_fail(err, DT_ERR_OUTPUT, "no state was made for this report");
    fwrite(report->state, 1, report->state_len, out);
    return dt_stream_finish(out, err);
}
