/* check_pipeline.c - the whole chain over the bundled samples and small files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_fixture.h"
#include "check_suites.h"
#include "dt_pipeline.h"
#include "dt_report.h"
#include "test_util.h"


/* Runs the pipeline over paths into a fresh aggregate (free it). */
static dt_status_t run(const char *const *paths, size_t n, bool strict, size_t key_cap,
                       dt_aggregate_t *agg, dt_error_t *err)
{
    dt_pipeline_options_t options;
    memset(&options, 0, sizeof options);
    options.paths = paths;
    options.npaths = n;
    options.strict = strict;
    ck_assert_int_eq(dt_aggregate_init(agg, &tu_rules, key_cap), DT_OK);
    dt_aggregate_options_t none;
    memset(&none, 0, sizeof none);
    ck_assert_int_eq(dt_aggregate_configure(agg, &none), DT_OK);
    return dt_pipeline_run(&options, &tu_rules, tu_codes, agg, err);
}

typedef struct {
    const char *path;
    dt_family_t family;
    char delimiter;
    uint64_t rows;
} sample_t;

static const sample_t samples[] = {
    {"samples/tac-directrouting.csv", DT_FAMILY_TAC, ',', 400},
    {"samples/graph-powershell.csv", DT_FAMILY_GRAPH, ',', 300},
    {"samples/cqd-powerbi.csv", DT_FAMILY_CQD, ',', 300},
    {"samples/acs-loganalytics.csv", DT_FAMILY_ACS, ',', 200},
    {"samples/tac-semicolon-excel.csv", DT_FAMILY_TAC, ';', 150},
};

START_TEST(test_sample)
{
    const sample_t *s = &samples[_i];
    char path[4096];
    snprintf(path, sizeof path, "%s", tu_repo_file(s->path));
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 1, false, 0, &agg, &err) == DT_OK, "%s: %s", s->path, err.msg);
    tu_assert_totals(&agg);
    ck_assert_uint_eq(agg.ninputs, 1);
    ck_assert_str_eq(agg.inputs[0].path, path);
    ck_assert_msg(agg.inputs[0].family == s->family, "%s: family %s", s->path,
                  dt_family_name(agg.inputs[0].family));
    ck_assert_msg(agg.inputs[0].delimiter == s->delimiter, "%s: delimiter '%c'", s->path,
                  agg.inputs[0].delimiter);
    ck_assert_msg(agg.totals.rows == s->rows, "%s: %llu rows", s->path,
                  (unsigned long long)agg.totals.rows);
    ck_assert_msg(agg.totals.rejected == 0, "%s: %llu rejected, first: %s", s->path,
                  (unsigned long long)agg.totals.rejected,
                  agg.nrejections ? agg.rejections[0].reason : "");
    ck_assert_uint_gt(agg.totals.counts.succeeded, 0);
    ck_assert_uint_gt(agg.totals.counts.failed, 0);
    ck_assert_msg(agg.failed_by_action[tu_rules.nactions] < agg.totals.counts.failed,
                  "%s: no failure joined an action", s->path);
    dt_aggregate_free(&agg);
}
END_TEST

START_TEST(test_all_samples)
{
    char paths_buf[5][4096];
    const char *paths[5];
    uint64_t rows = 0;
    for (size_t i = 0; i < 5; i++) {
        snprintf(paths_buf[i], sizeof paths_buf[i], "%s", tu_repo_file(samples[i].path));
        paths[i] = paths_buf[i];
        rows += samples[i].rows;
    }
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 5, true, 0, &agg, &err) == DT_OK, "%s", err.msg);
    tu_assert_totals(&agg);
    ck_assert_uint_eq(agg.ninputs, 5);
    ck_assert_uint_eq(agg.totals.rows, rows);
    for (size_t i = 0; i < 5; i++)
        ck_assert_uint_eq(agg.inputs[i].rows, samples[i].rows);
    dt_aggregate_free(&agg);
}
END_TEST

static const char small_csv[] =
    "Final SIP code,Final Microsoft subcode,Final SIP Phrase,Success,SBC FQDN\r\n"
    "0,540000,BYE,Yes,sbc1\r\n"
    "486,560486,Busy Here,No,sbc1\r\n"
    "504,569002,\"Unable to deliver INVITE: TLS decryption failed; HRESULT=590615\",No,sbc2\r\n"
    "abc,1,x,No,sbc2\r\n"
    "403,560403,Forbidden,No\r\n";

/* One report over an ACS and a TAC file: 540487 is SBC-generated in the first,
 * Microsoft-generated in the second, and each origin gets its own code row. */
START_TEST(test_origin_per_family)
{
    char *acs = tu_temp_text("CorrelationId,ParticipantEndReason,ParticipantEndSubCode\n"
                             "a1,487,540487\na2,487,540487\n");
    char *tac = tu_temp_text("Final SIP code,Final Microsoft subcode,Success\n487,540487,No\n");
    const char *paths[] = {acs, tac};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 2, true, 0, &agg, &err) == DT_OK, "%s", err.msg);
    tu_assert_totals(&agg);
    ck_assert_int_eq(agg.inputs[0].family, DT_FAMILY_ACS);
    ck_assert_int_eq(agg.inputs[1].family, DT_FAMILY_TAC);
    ck_assert_uint_eq(agg.totals.counts.failed_by_origin[DT_ORIGIN_SBC], 2);
    ck_assert_uint_eq(agg.totals.counts.failed_by_origin[DT_ORIGIN_MICROSOFT], 1);
    ck_assert_uint_eq(agg.ncodes, 2);
    for (size_t i = 0; i < agg.ncodes; i++)
        ck_assert_uint_eq(agg.codes[i].failed, agg.codes[i].match.origin == DT_ORIGIN_SBC ? 2 : 1);
    dt_aggregate_free(&agg);
    tu_temp_remove(acs);
    tu_temp_remove(tac);
}
END_TEST

START_TEST(test_small_file)
{
    char *path = tu_temp_text(small_csv);
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 1, false, 0, &agg, &err) == DT_OK, "%s", err.msg);
    tu_assert_totals(&agg);
    const dt_totals_t *t = &agg.totals;
    ck_assert_uint_eq(t->rows, 5);
    ck_assert_uint_eq(t->counts.calls, 3);
    ck_assert_uint_eq(t->rejected, 2);
    ck_assert_uint_eq(t->counts.succeeded, 1);
    ck_assert_uint_eq(t->counts.failed, 2);
    ck_assert_uint_eq(t->counts.effective, 2);
    ck_assert_uint_eq(t->counts.failed_by_origin[DT_ORIGIN_SBC], 1);
    ck_assert_uint_eq(t->counts.failed_by_origin[DT_ORIGIN_MICROSOFT], 1);
    ck_assert_int_eq(agg.inputs[0].family, DT_FAMILY_TAC);
    ck_assert_uint_eq(agg.nrejections, 2);
    ck_assert_uint_eq(agg.rejections[0].line, 5);
    ck_assert_contains(agg.rejections[0].reason, "SIP code 'abc'");
    ck_assert_str_eq(agg.rejections[0].path, path);
    ck_assert_uint_eq(agg.rejections[1].line, 6);
    ck_assert_contains(agg.rejections[1].reason, "has 4 fields, the header has 5");
    const dt_action_t *tls = dt_rules_action(&tu_rules, "tls-session-expired");
    ck_assert_ptr_nonnull(tls);
    ck_assert_uint_eq(agg.failed_by_action[tls - tu_rules.actions], 1);
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_strict)
{
    char *path = tu_temp_text(small_csv);
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_int_eq(run(paths, 1, true, 0, &agg, &err), DT_ERR_INPUT);
    char want[4200];
    snprintf(want, sizeof want, "%s:5:", path);
    ck_assert_contains(err.msg, want);
    ck_assert_contains(err.msg, "'abc'");
    ck_assert_uint_eq(agg.totals.rejected, 0);
    ck_assert_uint_eq(agg.totals.counts.calls, 3);
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_empty_file)
{
    char *path = tu_temp_text("");
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, path);
    ck_assert_contains(err.msg, "empty");
    dt_aggregate_free(&agg);
    tu_temp_remove(path);

    path = tu_temp_text("\xEF\xBB\xBF\r\n\r\n");
    paths[0] = path;
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "empty");
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_header_only)
{
    char *path = tu_temp_text("PSTN Call End Reason;PSTN Call End Sub Reason;PSTN Trunk FQDN");
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 1, false, 0, &agg, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(agg.totals.rows, 0);
    ck_assert_uint_eq(agg.totals.counts.calls, 0);
    ck_assert_uint_eq(agg.ninputs, 1);
    ck_assert_int_eq(agg.inputs[0].family, DT_FAMILY_CQD);
    ck_assert_int_eq(agg.inputs[0].delimiter, ';');
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_input_errors)
{
    const char *paths[] = {"/nonexistent/drtriage.csv"};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "/nonexistent/drtriage.csv");
    dt_aggregate_free(&agg);

    char *path = tu_temp_text("Name,Start time\nx,y\n");
    paths[0] = path;
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "no SIP code or Microsoft code column");
    dt_aggregate_free(&agg);
    tu_temp_remove(path);

    path = tu_temp_text("Final SIP code,x\n403,\"open\n");
    paths[0] = path;
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    char want[4200];
    snprintf(want, sizeof want, "%s:2:", path);
    ck_assert_contains(err.msg, want);
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_overflow_notes)
{
    char *path = tu_temp_text("Final SIP code,Final Microsoft subcode,SBC FQDN\n"
                              "403,560403,a\n404,560404,b\n480,560480,c\n486,560486,d\n"
                              "503,560503,e\n");
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 1, false, 2, &agg, &err) == DT_OK, "%s", err.msg);
    tu_assert_totals(&agg);
    ck_assert_uint_eq(agg.code_overflow, 3);
    ck_assert_uint_eq(agg.sbcs.overflow, 3);
    dt_report_t report;
    ck_assert_int_eq(dt_report_build(&report, &agg, NULL), DT_OK);
    ck_assert_uint_eq(report.nnotes, 2);
    ck_assert_contains(report.notes[0], "other");
    ck_assert_contains(report.notes[1], "SBC");
    /* Codes that overflowed still count in their action: an action's codes,
     * its share of the "other" row included, add up to its failures. */
    for (size_t i = 0; i < report.nactions; i++) {
        uint64_t sum = 0;
        for (size_t c = 0; c < report.actions[i].ncodes; c++)
            sum += report.actions[i].codes[c]->failed;
        ck_assert_uint_eq(sum, report.actions[i].failed);
    }
    dt_aggregate_free(&agg); /* the report owns what it shows */
    ck_assert_str_eq(report.inputs[0].path, path);
    ck_assert_str_eq(report.sbcs[0]->name, "a");
    ck_assert_msg(report.codes[report.ncodes - 1]->other, "the other row ranks last");
    dt_report_free(&report);
    tu_temp_remove(path);
}
END_TEST

/* Runs the pipeline over one file with the measures (and concurrency) on. */
static void run_measured(const char *csv, dt_aggregate_t *agg)
{
    char *path = tu_temp_text(csv);
    const char *paths[] = {path};
    dt_pipeline_options_t options;
    memset(&options, 0, sizeof options);
    options.paths = paths;
    options.npaths = 1;
    ck_assert_int_eq(dt_aggregate_init(agg, &tu_rules, 0), DT_OK);
    dt_aggregate_options_t o = {.metrics = true, .concurrency = true};
    ck_assert_int_eq(dt_aggregate_configure(agg, &o), DT_OK);
    dt_error_t err = {{0}};
    ck_assert_msg(dt_pipeline_run(&options, &tu_rules, tu_codes, agg, &err) == DT_OK, "%s",
                  err.msg);
    tu_temp_remove(path);
}

/* Where each measure comes from: the duration column (else end - start),
 * failure - invite, and a session from invite to end or failure. */
START_TEST(test_measures_from_cells)
{
    dt_aggregate_t agg;
    run_measured("Invite time,Start time,Failure time,End time,Duration (seconds),Success,"
                 "Final SIP code,Final Microsoft subcode,SBC FQDN\n"
                 /* answered: 65 s by the column (the times would say 70) */
                 "2026-11-24T10:00:00Z,2026-11-24T10:00:05Z,,2026-11-24T10:01:15Z,65,Yes,0,540000,s\n"
                 /* answered, duration unreadable: not in ACD, still a session */
                 "2026-11-24T10:00:30Z,2026-11-24T10:00:31Z,,2026-11-24T10:00:50Z,x,Yes,0,540000,s\n"
                 /* failed 12 s after the INVITE (fractions ignored) */
                 "2026-11-24T10:00:40.9Z,,2026-11-24T10:00:52.1Z,,0,No,408,560408,s\n"
                 /* failed without a failure time */
                 "2026-11-24T11:00:00Z,,,,0,No,503,560503,s\n",
                 &agg);
    const dt_counts_t *c = &agg.totals.counts;
    ck_assert_uint_eq(c->acd_calls, 1);
    ck_assert_uint_eq(c->talk_seconds, 65);
    ck_assert_uint_eq(agg.total_metrics.to_failure.count, 1);
    ck_assert_uint_eq(dt_sketch_percentile(&agg.total_metrics.to_failure, 50, NULL), 12);
    int64_t when;
    /* 10:00 has all three first calls; 10:01 only the first; 11:00 the last */
    ck_assert_uint_eq(dt_timeline_peak(&agg.total_metrics.active, &when), 3);
    ck_assert_uint_eq(agg.total_metrics.active.calls, 4);
    dt_aggregate_free(&agg);

    /* Graph: no duration of 0001-01-01 sentinels; ACD from end - start without a duration column */
    run_measured("startDateTime,inviteDateTime,failureDateTime,endDateTime,successfulCall,"
                 "finalSipCode,callEndSubReason,trunkFullyQualifiedDomainName\n"
                 "2026-11-24T10:00:05Z,2026-11-24T10:00:00Z,0001-01-01T00:00:00Z,"
                 "2026-11-24T10:00:09Z,True,0,540000,s\n"
                 "2026-11-24T10:00:00Z,2026-11-24T10:00:00Z,2026-11-24T10:00:03Z,"
                 "0001-01-01T00:00:00Z,False,486,560486,s\n",
                 &agg);
    ck_assert_uint_eq(agg.totals.counts.acd_calls, 1);
    ck_assert_uint_eq(agg.totals.counts.talk_seconds, 4);
    ck_assert_uint_eq(agg.totals.counts.short_calls, 1);
    ck_assert_uint_eq(agg.total_metrics.to_failure.count, 1);
    ck_assert_uint_eq(dt_sketch_percentile(&agg.total_metrics.to_failure, 95, NULL), 3);
    ck_assert_uint_eq(dt_timeline_peak(&agg.total_metrics.active, NULL), 2);
    dt_aggregate_free(&agg);
}
END_TEST

/* ---- archives and files without call records ---- */

#define PSTN_CALLS                                                                          \
    "UsageId,Call ID,Conference ID,User Location,AAD ObjectId,UPN,User Display Name,"     \
    "Caller ID,Call Type,Number Type,Domestic/International,Destination Dialed,"          \
    "Destination Number,Start Time,End Time,Duration Seconds,Connection Fee,Charge,"      \
    "Currency,Capability\n"                                                               \
    "u1,c1,,US,o1,a@contoso.com,A,+15550100,user_out,toll,Domestic,US,+15550199,"          \
    "2026-11-01T08:00:00Z,2026-11-01T08:01:00Z,60,0,0.02,USD,MCOPSTN1\n"
#define DR_CALLS "Final SIP code,Final Microsoft subcode\n403,560403\n0,540000\n"

START_TEST(test_admin_center_zip)
{
    const ta_member_t members[] = {
        TA_TEXT("DirectRouting.calls.2026-11-01.csv", DR_CALLS),
        TA_TEXT("PSTN.calls.2026-11-01.csv", PSTN_CALLS),
        TA_TEXT("parameters.json", "{\"from\": \"2026-10-04\", \"to\": \"2026-11-01\"}\n"),
        TA_TEXT("readme.txt", "Exported by the Teams admin center.\n"),
        TA_TEXT("notes.json", "{\"a\":1,\"b\":2}\n"),
        TA_TEXT("broken.csv", "a,\"b\"c\n1,2\n"),
    };
    char *path = tu_temp_archive("zip", members, 6);
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 1, false, 0, &agg, &err) == DT_OK, "%s", err.msg);
    tu_assert_totals(&agg);
    char want[4200];
    ck_assert_uint_eq(agg.ninputs, 1);
    snprintf(want, sizeof want, "%s:DirectRouting.calls.2026-11-01.csv", path);
    ck_assert_str_eq(agg.inputs[0].path, want);
    ck_assert_uint_eq(agg.totals.rows, 2);
    ck_assert_uint_eq(agg.nskipped, 5);
    const char *const kinds[] = {"pstn-calls", "parameters", "unrecognised", "json",
                                 "unreadable"};
    const char *const names[] = {"PSTN.calls.2026-11-01.csv", "parameters.json", "readme.txt",
                                 "notes.json", "broken.csv"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(want, sizeof want, "%s:%s", path, names[i]);
        ck_assert_str_eq(agg.skipped[i].path, want);
        ck_assert_str_eq(agg.skipped[i].kind, kinds[i]);
    }
    ck_assert_contains(agg.skipped[0].reason, "Calling Plans");
    ck_assert_contains(agg.skipped[3].reason, "JSON, not CSV");
    ck_assert_contains(agg.skipped[4].reason, "not a CSV export");
    ck_assert_uint_eq(agg.nnotes, 5);
    snprintf(want, sizeof want, "%s:PSTN.calls.2026-11-01.csv: skipped: Calling Plans", path);
    ck_assert_contains(agg.notes[0], want);
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_rejected_row_in_member)
{
    const ta_member_t members[] = {TA_TEXT("a.csv", DR_CALLS), TA_TEXT("b.csv", DR_CALLS "4x3,1\n")};
    char *path = tu_temp_archive("tar.gz", members, 2);
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 1, false, 0, &agg, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(agg.ninputs, 2);
    ck_assert_uint_eq(agg.totals.rejected, 1);
    char want[4200];
    snprintf(want, sizeof want, "%s:b.csv", path);
    ck_assert_str_eq(agg.rejections[0].path, want);
    ck_assert_uint_eq(agg.rejections[0].line, 4);
    dt_aggregate_free(&agg);

    /* --strict names the member and line. */
    ck_assert_int_eq(run(paths, 1, true, 0, &agg, &err), DT_ERR_INPUT);
    snprintf(want, sizeof want, "%s:b.csv:4: rejected row (--strict)", path);
    ck_assert_contains(err.msg, want);
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_everything_skipped)
{
    const ta_member_t members[] = {TA_TEXT("PSTN.calls.2026-11-01.csv", PSTN_CALLS),
                                   TA_TEXT("parameters.json", "{}\n")};
    char *zip = tu_temp_archive("zip", members, 2);
    const char *paths[] = {zip};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "no call records in any input: ");
    ck_assert_contains(err.msg, "PSTN.calls.2026-11-01.csv (Calling Plans");
    ck_assert_contains(err.msg, "parameters.json (export parameters");
    dt_aggregate_free(&agg);

    /* The same files unzipped are recognised too. */
    char *pstn = tu_temp_text(PSTN_CALLS);
    paths[0] = pstn;
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    char want[4200];
    snprintf(want, sizeof want, "%s: no call records: Calling Plans", pstn);
    ck_assert_contains(err.msg, want);
    dt_aggregate_free(&agg);

    /* Graph's getPstnCalls and the CLI for Microsoft 365's default columns. */
    const char *const others[] = {
        "id,callId,userPrincipalName,startDateTime,charge,licenseCapability,operator,"
        "callDurationSource\n1,c,a@b,2026-11-01T08:00:00Z,0,MCOPSTN1,Microsoft,microsoft\n",
        "id,calleeNumber,callerNumber,startDateTime\n1,+1555,+1556,2026-11-01T08:00:00Z\n"};
    const char *const kinds[] = {"pstn-calls", "m365-cli-default"};
    for (size_t i = 0; i < 2; i++) {
        char *other = tu_temp_text(others[i]);
        const char *both[] = {other, tu_repo_file("samples/tac-directrouting.csv")};
        ck_assert_msg(run(both, 2, false, 0, &agg, &err) == DT_OK, "%s", err.msg);
        ck_assert_uint_eq(agg.ninputs, 1);
        ck_assert_uint_eq(agg.nskipped, 1);
        ck_assert_str_eq(agg.skipped[0].kind, kinds[i]);
        dt_aggregate_free(&agg);
        tu_temp_remove(other);
    }

    /* An empty archive. */
    char *empty = tu_temp_archive("zip", NULL, 0);
    paths[0] = empty;
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "no call records: an archive with no files in it");
    dt_aggregate_free(&agg);
    tu_temp_remove(empty);
    tu_temp_remove(pstn);
    tu_temp_remove(zip);
}
END_TEST

START_TEST(test_codes_with_skip_headers)
{
    /* A skip signature applies only to a header without code columns. */
    char *path = tu_temp_text("UsageId,Charge,Capability,Final SIP code\nu,0,c,403\n");
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 1, false, 0, &agg, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(agg.ninputs, 1);
    ck_assert_uint_eq(agg.nskipped, 0);
    ck_assert_uint_eq(agg.totals.counts.failed, 1);
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_many_skipped_notes)
{
    /* More skipped inputs than are named one by one: counted by kind. */
    ta_member_t members[21];
    char names[20][32];
    for (size_t i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "day%02zu/parameters.json", i);
        members[i] = (ta_member_t)TA_TEXT(names[i], "{}\n");
    }
    members[20] = (ta_member_t)TA_TEXT("calls.csv", DR_CALLS);
    char *path = tu_temp_archive("zip", members, 21);
    const char *paths[] = {path};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_msg(run(paths, 1, false, 0, &agg, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(agg.nskipped, 20);
    ck_assert_uint_eq(agg.nnotes, 1);
    ck_assert_contains(agg.notes[0], "20 inputs skipped (parameters), e.g. ");
    dt_aggregate_free(&agg);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_archive_errors_name_the_member)
{
    static char text[30000];
    uint32_t x = 88172645u;
    size_t n = (size_t)snprintf(text, sizeof text, "%s", DR_CALLS);
    while (n + 20 < sizeof text) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        n += (size_t)snprintf(text + n, sizeof text - n, "403,%u\n", 560000 + x % 999);
    }
    const ta_member_t members[] = {{.name = "DirectRouting.calls.csv", .data = text, .len = n}};
    char *path = tu_temp_archive("zip", members, 1);
    size_t len;
    char *bytes = tu_read_file(path, &len);
    char *cut = tu_temp_file(bytes, len / 2);
    const char *paths[] = {cut};
    dt_aggregate_t agg;
    dt_error_t err = {{0}};
    ck_assert_int_eq(run(paths, 1, false, 0, &agg, &err), DT_ERR_INPUT);
    char want[4200];
    snprintf(want, sizeof want, "%s:DirectRouting.calls.csv: damaged or truncated archive", cut);
    ck_assert_contains(err.msg, want);
    dt_aggregate_free(&agg);
    free(bytes);
    tu_temp_remove(cut);
    tu_temp_remove(path);
}
END_TEST

Suite *dt_suite_pipeline(void)
{
    Suite *s = suite_create("pipeline");
    TCase *t = tcase_create("pipeline");
    tcase_add_checked_fixture(t, tu_embedded_setup, tu_embedded_teardown);
    tcase_add_loop_test(t, test_sample, 0, (int)(sizeof samples / sizeof samples[0]));
    tcase_add_test(t, test_all_samples);
    tcase_add_test(t, test_small_file);
    tcase_add_test(t, test_measures_from_cells);
    tcase_add_test(t, test_origin_per_family);
    tcase_add_test(t, test_strict);
    tcase_add_test(t, test_empty_file);
    tcase_add_test(t, test_header_only);
    tcase_add_test(t, test_input_errors);
    tcase_add_test(t, test_overflow_notes);
    tcase_add_test(t, test_admin_center_zip);
    tcase_add_test(t, test_rejected_row_in_member);
    tcase_add_test(t, test_everything_skipped);
    tcase_add_test(t, test_codes_with_skip_headers);
    tcase_add_test(t, test_many_skipped_notes);
    tcase_add_test(t, test_archive_errors_name_the_member);
    suite_add_tcase(s, t);
    return s;
}
