/* check_schema.c - finding the fields of every export family by header name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "check_suites.h"
#include "dt_schema.h"
#include "test_util.h"

static dt_rules_t rules;

static void setup(void)
{
    tu_rules_embedded(&rules);
}

static void teardown(void)
{
    dt_rules_free(&rules);
}

#define NO (-1)

/* The fields every family test checks, in this order. */
static const dt_field_t checked[] = {DT_FIELD_SIP,         DT_FIELD_MS,   DT_FIELD_PHRASE,
                                     DT_FIELD_SUCCESS,     DT_FIELD_SBC,  DT_FIELD_CORRELATION,
                                     DT_FIELD_START};
#define NCHECKED (sizeof checked / sizeof checked[0])

typedef struct {
    const char *name;
    const char *header;
    dt_family_t family;
    int column[NCHECKED]; /* sip, ms, phrase, success, sbc, correlation, start */
    int user;             /* DT_FIELD_USER */
} family_case_t;

static const family_case_t families[] = {
    {"TAC 2022",
     "CorrelationId,AAD ObjectId,UPN,Display Name,User country,Invite time,Start time,Failure "
     "time,End time,Duration (seconds),Success,Caller Number,Callee Number,Call type,Azure region "
     "for Media,Azure region for Signaling,Final SIP code,Final Microsoft subcode,Final SIP "
     "Phrase,SBC FQDN,Media bypass,Shared correlation ID",
     DT_FAMILY_TAC,
     {16, 17, 18, 10, 19, 0, 6},
     2},
    {"TAC before 2022 (SIP Address)",
     "CorrelationId,SIP Address,Display Name,User country,Invite time,Start time,Failure time,End "
     "time,Duration (seconds),Success,Caller Number,Callee Number,Call type,Azure region for "
     "Media,Azure region for Signaling,Final SIP code,Final Microsoft subcode,Final SIP "
     "Phrase,SBC FQDN,Media bypass",
     DT_FAMILY_TAC,
     {15, 16, 17, 9, 18, 0, 5},
     1},
    {"TAC 2023 with 'Final SIP phrase'",
     "CorrelationId,AAD ObjectId,UPN,Display Name,User country,External Country,Invite "
     "time,Start time,Failure time,End time,Duration (seconds),Success,Caller Number,Callee "
     "Number,Call type,Call Direction,Azure region for Media,Azure region for Signaling,Final SIP "
     "code,Final Microsoft subcode,Final SIP phrase,SBC FQDN,Media bypass,Shared correlation ID",
     DT_FAMILY_TAC,
     {18, 19, 20, 11, 21, 0, 7},
     2},
    {"Graph",
     "id,correlationId,userId,userPrincipalName,userDisplayName,startDateTime,inviteDateTime,"
     "failureDateTime,endDateTime,duration,callType,successfulCall,callerNumber,calleeNumber,"
     "mediaPathLocation,signalingLocation,finalSipCode,callEndSubReason,finalSipCodePhrase,"
     "trunkFullyQualifiedDomainName,mediaBypassEnabled",
     DT_FAMILY_GRAPH,
     {16, 17, 18, 11, 19, 1, 5},
     3},
    {"CQD",
     "PSTN Call End Reason,PSTN Call End Sub Reason,PSTN Final SIP Code Phrase,PSTN Trunk "
     "FQDN,PSTN Call Type,PSTN Connectivity Type,PSTN Event Type,PSTN Event Info Time,PSTN MP "
     "Location,PSTN Carrier Name,First PSTN Country Region,Second PSTN Country Region",
     DT_FAMILY_CQD,
     {0, 1, 2, NO, 3, NO, 7},
     NO},
    {"CQD API (AllStreams.)",
     "AllStreams.PSTN Event Info Time,AllStreams.PSTN Trunk FQDN,AllStreams.PSTN Call End "
     "Reason,AllStreams.PSTN Call End Sub Reason,AllStreams.PSTN Final SIP Code "
     "Phrase,AllStreams.PSTN Call Type",
     DT_FAMILY_CQD,
     {2, 3, 4, NO, 1, NO, 0},
     NO},
    {"ACS",
     "CorrelationId,CallStartTime,ParticipantEndReason,ParticipantEndSubCode,ResultCategory,"
     "PstnParticipantCallType,ParticipantId",
     DT_FAMILY_ACS,
     {2, 3, NO, NO, NO, 0, 1},
     NO},
    {"ACS with BOM",
     "\xEF\xBB\xBF"
     "CorrelationId,CallStartTime,ParticipantEndReason,ParticipantEndSubCode",
     DT_FAMILY_ACS,
     {2, 3, NO, NO, NO, 0, 1},
     NO},
    {"ACS from the Log Analytics portal ([UTC] on time columns)",
     "TimeGenerated [UTC],CorrelationId,CallStartTime [UTC],ParticipantStartTime [UTC],"
     "ParticipantEndReason,ParticipantEndSubCode,ResultCategory,PstnParticipantCallType,"
     "EndpointType,ParticipantDuration,CallDuration",
     DT_FAMILY_ACS,
     {4, 5, NO, NO, NO, 1, 2},
     NO},
    {"ACS with the participant's start only",
     "ParticipantStartTime [UTC],ParticipantEndReason,ParticipantEndSubCode,ResultCategory",
     DT_FAMILY_ACS,
     {1, 2, NO, NO, NO, NO, 0},
     NO},
    {"TAC admin center on-screen table",
     "Time stamp (UTC),Display name,Username,Caller number,Callee number,Call type,Number type,"
     "Event type,Start time (UTC),Invite time (UTC),Failure time (UTC),End time (UTC),Duration,"
     "Final SIP code,Final Microsoft subcode,Final SIP phrase,Coorelation ID",
     DT_FAMILY_TAC,
     {13, 14, 15, 7, NO, 16, 8},
     2},
    {"TAC columns reordered, BOM on the SIP code",
     "\xEF\xBB\xBF"
     "Final SIP code,SBC FQDN,final microsoft SUBCODE,Success,Start time",
     DT_FAMILY_TAC,
     {0, 2, NO, 3, 1, NO, 4},
     NO},
};

START_TEST(test_families)
{
    const family_case_t *c = &families[_i];
    size_t n;
    dt_slice_t *headers = tu_split(c->header, ',', &n);
    dt_schema_t schema;
    dt_error_t err = {{0}};
    dt_status_t st = dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err);
    ck_assert_msg(st == DT_OK, "%s: %s", c->name, err.msg);
    ck_assert_uint_eq(schema.ncolumns, n);
    ck_assert_msg(schema.family == c->family, "%s: family %s", c->name,
                  dt_family_name(schema.family));
    for (size_t i = 0; i < NCHECKED; i++) {
        size_t want = c->column[i] == NO ? DT_NO_COLUMN : (size_t)c->column[i];
        ck_assert_msg(schema.column[checked[i]] == want, "%s: field %s in column %zd, expected %zd",
                      c->name, dt_field_name(checked[i]), (ssize_t)schema.column[checked[i]],
                      (ssize_t)want);
    }
    size_t user = c->user == NO ? DT_NO_COLUMN : (size_t)c->user;
    ck_assert_msg(schema.column[DT_FIELD_USER] == user, "%s: user column %zd", c->name,
                  (ssize_t)schema.column[DT_FIELD_USER]);
    ck_assert_str_eq(schema.duplicate_note, "");
    free(headers);
}
END_TEST

typedef struct {
    const char *header;
    int column; /* of the count field, or NO */
} count_case_t;

/* The count column of summarised exports, the first pattern in rules order winning. */
static const count_case_t count_cases[] = {
    {"PSTN Call End Reason,PSTN Call End Sub Reason,Total Call Count", 2},
    {"AllStreams.PSTN Call End Reason,AllStreams.PSTN Call End Sub Reason,Measures.Total Call Count", 2},
    {"PSTN Call End Reason,Measures.Total Stream Count,Measures.Total Call Count", 2},
    {"PSTN Call End Reason,Total Stream Count", 1},
    {"PSTN Total Attempts Count,PSTN Call End Reason,Total Call Count", 0},
    {"PSTN Call End Reason,PSTN Total Connected Count", NO}, /* connected calls: not all calls */
    {"ParticipantEndReason,ParticipantEndSubCode,count_", 2},
    {"ParticipantEndReason,ParticipantEndSubCode,n", NO},     /* a named count: --count-column */
    {"Final SIP code,Final Microsoft subcode,Count of CorrelationId", 2},
    {"Final SIP code,Final Microsoft subcode,Count", 2},
    {"Final SIP code,Final Microsoft subcode,Account", NO},
};

START_TEST(test_count_column)
{
    const count_case_t *c = &count_cases[_i];
    size_t n;
    dt_slice_t *headers = tu_split(c->header, ',', &n);
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK,
                  "%s", err.msg);
    size_t want = c->column == NO ? DT_NO_COLUMN : (size_t)c->column;
    ck_assert_msg(schema.column[DT_FIELD_WEIGHT] == want, "%s: count in column %zd", c->header,
                  (ssize_t)schema.column[DT_FIELD_WEIGHT]);
    free(headers);
}
END_TEST

START_TEST(test_sip_only_family)
{
    /* Without a Microsoft code column the SIP alias decides. */
    size_t n;
    dt_slice_t *headers = tu_split("x,PSTN Call End Reason", ',', &n);
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK);
    ck_assert_int_eq(schema.family, DT_FAMILY_CQD);
    ck_assert_uint_eq(schema.column[DT_FIELD_SIP], 1);
    ck_assert(schema.column[DT_FIELD_MS] == DT_NO_COLUMN);
    free(headers);
    headers = tu_split("Final SIP code", ',', &n);
    ck_assert(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK);
    ck_assert_int_eq(schema.family, DT_FAMILY_ANY);
    free(headers);
}
END_TEST

START_TEST(test_normalise)
{
    char out[64];
    const char *in = "\xEF\xBB\xBF  Final SIP\tcode ";
    ck_assert_uint_eq(dt_schema_normalise(in, strlen(in), out, sizeof out), 12);
    ck_assert_str_eq(out, "finalsipcode");
    in = "AllStreams.PSTN Call End Reason";
    dt_schema_normalise(in, strlen(in), out, sizeof out);
    ck_assert_str_eq(out, "allstreams.pstncallendreason");
    ck_assert_uint_eq(dt_schema_normalise("ABCDEFGH", 8, out, 4), 3);
    ck_assert_str_eq(out, "abc");
    ck_assert_uint_eq(dt_schema_normalise("ABC", 2, out, sizeof out), 2);
    ck_assert_str_eq(out, "ab");
    /* The time-zone marker of Log Analytics and of the admin center's table. */
    static const struct {
        const char *in, *out;
    } zones[] = {
        {"CallStartTime [UTC]", "callstarttime"}, {"Start time (UTC)", "starttime"},
        {"TimeGenerated [utc]", "timegenerated"}, {"Invite time(UTC) ", "invitetime"},
        {"(UTC)", "(utc)"},                       {"[UTC]", "[utc]"},
        {"Start time [UTC] x", "starttime[utc]x"}, {"UTC", "utc"},
    };
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        size_t len = dt_schema_normalise(zones[i].in, strlen(zones[i].in), out, sizeof out);
        ck_assert_msg(strcmp(out, zones[i].out) == 0, "'%s' -> '%s'", zones[i].in, out);
        ck_assert_uint_eq(len, strlen(zones[i].out));
    }
}
END_TEST

/* The other fields of the admin center's on-screen table and of ACS. */
START_TEST(test_more_fields)
{
    size_t n;
    dt_slice_t *headers = tu_split(families[10].header, ',', &n);
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK);
    ck_assert_uint_eq(schema.column[DT_FIELD_INVITE], 9);
    ck_assert_uint_eq(schema.column[DT_FIELD_DURATION], 12);
    ck_assert_uint_eq(schema.column[DT_FIELD_CALL_TYPE], 5);
    ck_assert_uint_eq(schema.column[DT_FIELD_CALLER], 3);
    free(headers);

    headers = tu_split(families[8].header, ',', &n);
    ck_assert(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK);
    ck_assert_uint_eq(schema.column[DT_FIELD_DURATION], 9); /* ParticipantDuration first */
    ck_assert_uint_eq(schema.column[DT_FIELD_ENDPOINT], 8);
    ck_assert_uint_eq(schema.column[DT_FIELD_CALL_TYPE], 7);
    /* ResultCategory is no success flag: 560486/486 (busy) is filed under Success. */
    ck_assert(schema.column[DT_FIELD_SUCCESS] == DT_NO_COLUMN);
    free(headers);
    headers = tu_split("CallDuration,ParticipantEndReason", ',', &n);
    ck_assert(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK);
    ck_assert_uint_eq(schema.column[DT_FIELD_DURATION], 0);
    free(headers);
}
END_TEST

/* --by without a start or invite column: a note naming the closest headers. */
START_TEST(test_start_note)
{
    size_t n;
    dt_slice_t *headers = tu_split("Caller Number,Final SIP code,Final Microsoft subcode,"
                                   "StartTimeLocal,Start Tme",
                                   ',', &n);
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK);
    char note[DT_SCHEMA_NOTE_MAX];
    ck_assert(dt_schema_start_note(&schema, headers, n, note, sizeof note));
    ck_assert_contains(note, "no start time column, which --by needs");
    ck_assert_contains(note, "left out of the time series");
    ck_assert_contains(note, "--start-column");
    ck_assert_contains(note, "closest first: 'Start Tme', 'StartTimeLocal', 'Caller Number'");
    free(headers);

    /* Found: no note. An invite time stands in for the start. */
    headers = tu_split("Final SIP code,Invite time (UTC),Call type", ',', &n);
    ck_assert(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK);
    strcpy(note, "untouched");
    ck_assert(!dt_schema_start_note(&schema, headers, n, note, sizeof note));
    ck_assert_str_eq(note, "untouched");
    free(headers);
}
END_TEST

START_TEST(test_overrides)
{
    size_t n;
    dt_slice_t *headers = tu_split("When,Code,Sub Code,Text,Final SIP code", ',', &n);
    dt_schema_overrides_t o = {{NULL}};
    o.column[DT_FIELD_SIP] = "code";
    o.column[DT_FIELD_MS] = "SUB CODE";
    o.column[DT_FIELD_PHRASE] = "Text";
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_schema_build(&schema, &rules, &o, "x.csv", headers, n, &err) == DT_OK, "%s",
                  err.msg);
    ck_assert_msg(schema.column[DT_FIELD_SIP] == 1, "the override beats the alias");
    ck_assert_uint_eq(schema.column[DT_FIELD_MS], 2);
    ck_assert_uint_eq(schema.column[DT_FIELD_PHRASE], 3);

    o.column[DT_FIELD_SBC] = "Gateway";
    ck_assert_int_eq(dt_schema_build(&schema, &rules, &o, "in/x.csv", headers, n, &err),
                     DT_ERR_INPUT);
    ck_assert_contains(err.msg, "in/x.csv:1:");
    ck_assert_contains(err.msg, "--sbc-column 'Gateway'");
    ck_assert_contains(err.msg, "no such column");
    ck_assert_contains(err.msg, "the headers, closest first: 'Text', 'When', 'Code'");
    free(headers);
}
END_TEST

START_TEST(test_find_and_suggest)
{
    size_t n;
    dt_slice_t *headers = tu_split("\xEF\xBB\xBF" "CorrelationId,User country,External Country,"
                                   "Call type,Final SIP code", ',', &n);
    ck_assert_uint_eq(dt_schema_find(headers, n, "correlation id"), 0); /* BOM, case, blanks */
    ck_assert_uint_eq(dt_schema_find(headers, n, "EXTERNAL COUNTRY"), 2);
    ck_assert_uint_eq(dt_schema_find(headers, n, "Country"), DT_NO_COLUMN);
    char out[256];
    /* containing first (the shorter first), then by edit distance */
    dt_schema_suggest(headers, n, "Country", out, sizeof out);
    ck_assert_str_eq(out, "'User country', 'External Country', 'Call type', "
                          "'\xEF\xBB\xBF" "CorrelationId', 'Final SIP code'");
    dt_schema_suggest(headers, n, "Extrnal Country", out, sizeof out);
    ck_assert_uint_eq(strncmp(out, "'External Country', 'User country'", 34), 0);
    dt_schema_suggest(headers, n, "x", out, 20);
    ck_assert_uint_lt(strlen(out), 20);
    ck_assert_contains(out, "...");
    dt_schema_suggest(NULL, 0, "x", out, sizeof out);
    ck_assert_str_eq(out, "(none)");
    free(headers);
}
END_TEST

START_TEST(test_no_code_columns)
{
    size_t n;
    dt_slice_t *headers = tu_split("Name,Start time,SBC FQDN", ',', &n);
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_schema_build(&schema, &rules, NULL, "calls.csv", headers, n, &err),
                     DT_ERR_INPUT);
    ck_assert_contains(err.msg, "calls.csv:1:");
    ck_assert_contains(err.msg, "no SIP code or Microsoft code column");
    ck_assert_contains(err.msg, "--sip-column");
    ck_assert_contains(err.msg, "'Name', 'Start time', 'SBC FQDN'");
    ck_assert(schema.no_code_columns);
    ck_assert_ptr_null(schema.skip);
    free(headers);

    ck_assert_int_eq(dt_schema_build(&schema, &rules, NULL, "e.csv", NULL, 0, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "(none)");
}
END_TEST

START_TEST(test_skip_signatures)
{
    /* Known files without call records are named by the [skip] rule they match. */
    static const struct {
        const char *header;
        const char *skip;     /* NULL: not a file to skip */
        bool no_codes;
    } cases[] = {
        {"UsageId,Call ID,UPN,Start Time,Charge,Currency,Capability", "pstn-calls", true},
        {"id,callId,charge,licenseCapability,operator,callDurationSource", "pstn-calls", true},
        {"Id,CalleeNumber,CallerNumber,StartDateTime", "m365-cli-default", true},
        {"UsageId,Charge", NULL, true},           /* a signature is matched whole */
        {"UsageId,Charge,Capability,Final SIP code", NULL, false}, /* codes: read it */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        dt_slice_t *headers = tu_split(cases[i].header, ',', &n);
        dt_schema_t schema;
        dt_error_t err = {{0}};
        dt_status_t st = dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err);
        ck_assert_msg((st == DT_OK) != cases[i].no_codes, "%s: %s", cases[i].header, err.msg);
        ck_assert_msg(schema.no_code_columns == cases[i].no_codes, "%s", cases[i].header);
        if (cases[i].skip)
            ck_assert_msg(schema.skip && strcmp(schema.skip->id, cases[i].skip) == 0, "%s",
                          cases[i].header);
        else
            ck_assert_msg(!schema.skip, "%s", cases[i].header);
        free(headers);
    }

    /* An override that names a column of the header makes it a call-record file;
     * one that names nothing there does not stop the recognition. */
    size_t n;
    dt_slice_t *headers = tu_split("UsageId,Charge,Capability,Cause", ',', &n);
    dt_schema_overrides_t o = {{NULL}};
    o.column[DT_FIELD_SIP] = "Cause";
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert(dt_schema_build(&schema, &rules, &o, "x.csv", headers, n, &err) == DT_OK);
    ck_assert(!schema.no_code_columns);
    o.column[DT_FIELD_SIP] = "Final SIP code";
    ck_assert_int_eq(dt_schema_build(&schema, &rules, &o, "x.csv", headers, n, &err),
                     DT_ERR_INPUT);
    ck_assert_contains(err.msg, "--sip-column 'Final SIP code': no such column");
    ck_assert(schema.no_code_columns);
    ck_assert_str_eq(schema.skip->id, "pstn-calls");
    free(headers);
}
END_TEST

START_TEST(test_many_headers_message)
{
    /* Hundreds of long headers: the message is cut, not overflowed. */
    char text[40000] = "";
    for (int i = 0; i < 400; i++) {
        char cell[80];
        snprintf(cell, sizeof cell, "%sa-rather-long-column-name-number-%03d", i ? "," : "", i);
        strcat(text, cell);
    }
    size_t n;
    dt_slice_t *headers = tu_split(text, ',', &n);
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_schema_build(&schema, &rules, NULL, "w.csv", headers, n, &err),
                     DT_ERR_INPUT);
    ck_assert_contains(err.msg, "'a-rather-long-column-name-number-000'");
    ck_assert_uint_lt(strlen(err.msg), DT_ERROR_MAX);
    free(headers);
}
END_TEST

START_TEST(test_duplicate_header)
{
    size_t n;
    dt_slice_t *headers =
        tu_split("Final SIP code,Final Microsoft subcode,x,Final SIP Code", ',', &n);
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert(dt_schema_build(&schema, &rules, NULL, "x.csv", headers, n, &err) == DT_OK);
    ck_assert_uint_eq(schema.column[DT_FIELD_SIP], 0);
    ck_assert_contains(schema.duplicate_note, "'Final SIP code'");
    ck_assert_contains(schema.duplicate_note, "columns 1 and 4");
    ck_assert_contains(schema.duplicate_note, "column 1 is used");
    free(headers);
}
END_TEST

START_TEST(test_bad_alias_pattern)
{
    dt_rules_t r;
    dt_error_t err = {{0}};
    dt_rules_init(&r);
    ck_assert(tu_rules_text(&r, "base.rules", 0, tu_base_rules, &err) == DT_OK);
    ck_assert(tu_rules_text(&r, "h.rules", 1, "[header sip]\nany = ^(broken\n", &err) == DT_OK);
    ck_assert_int_eq(dt_rules_finish(&r, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "h.rules:2: [header sip] any pattern '^(broken'");
    size_t n;
    dt_slice_t *headers = tu_split("a,b", ',', &n);
    dt_schema_t schema;
    ck_assert_int_eq(dt_schema_build(&schema, &r, NULL, "x.csv", headers, n, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "h.rules:2:");
    ck_assert_contains(err.msg, "offset");
    free(headers);
    dt_rules_free(&r);
}
END_TEST

/* An alias that backtracks catastrophically on a header name gives up: it does
 * not match that header, and the schema's note says so. */
START_TEST(test_catastrophic_alias)
{
    dt_rules_t r;
    dt_error_t err = {{0}};
    tu_rules_on_base(&r, "h.rules",
                     "[header sip]\nany = ^finalsipcode$\n[header phrase]\nany = ^(a|a)*$\n");
    ck_assert_msg(dt_rules_finish(&r, &err) == DT_OK, "%s", err.msg);
    char header[300];
    snprintf(header, sizeof header, "Final SIP code,%0250d!,aaaa", 0);
    memset(header + 15, 'a', 250);
    size_t n;
    dt_slice_t *headers = tu_split(header, ',', &n);
    dt_schema_t schema;
    ck_assert_msg(dt_schema_build(&schema, &r, NULL, "x.csv", headers, n, &err) == DT_OK, "%s",
                  err.msg);
    ck_assert_uint_eq(schema.column[DT_FIELD_PHRASE], 2);
    ck_assert_contains(schema.limit_note, "h.rules:4: header pattern '^(a|a)*$' gave up");
    free(headers);
    dt_rules_free(&r);
}
END_TEST

/* Two fields read from one column: an error naming both, never a silent loss. */
START_TEST(test_two_fields_one_column)
{
    size_t n;
    dt_slice_t *headers = tu_split("Final SIP code,Final Microsoft subcode,SBC FQDN", ',', &n);
    dt_schema_overrides_t o = {{0}};
    o.column[DT_FIELD_SBC] = "Final SIP code";
    dt_schema_t schema;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_schema_build(&schema, &rules, &o, "x.csv", headers, n, &err),
                     DT_ERR_INPUT);
    ck_assert_str_eq(err.msg, "x.csv:1: fields 'sip' and 'sbc' both map to column 1 ('Final "
                              "SIP code'); give each its own column (--sip-column, "
                              "--sbc-column or the [header] aliases)");
    free(headers);

    dt_rules_t r;
    tu_rules_on_base(&r, "h.rules", "[header sip]\nany = ^finalsipcode$\n[header ms]\nany = sip\n");
    ck_assert(dt_rules_finish(&r, &err) == DT_OK);
    headers = tu_split("Final SIP code,Other", ',', &n);
    ck_assert_int_eq(dt_schema_build(&schema, &r, NULL, "x.csv", headers, n, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "fields 'sip' and 'ms' both map to column 1");
    free(headers);
    dt_rules_free(&r);
}
END_TEST

Suite *dt_suite_schema(void)
{
    Suite *s = suite_create("schema");
    TCase *t = tcase_create("schema");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_loop_test(t, test_families, 0, (int)(sizeof families / sizeof families[0]));
    tcase_add_test(t, test_sip_only_family);
    tcase_add_loop_test(t, test_count_column, 0, (int)(sizeof count_cases / sizeof count_cases[0]));
    tcase_add_test(t, test_normalise);
    tcase_add_test(t, test_more_fields);
    tcase_add_test(t, test_start_note);
    tcase_add_test(t, test_overrides);
    tcase_add_test(t, test_find_and_suggest);
    tcase_add_test(t, test_no_code_columns);
    tcase_add_test(t, test_skip_signatures);
    tcase_add_test(t, test_many_headers_message);
    tcase_add_test(t, test_duplicate_header);
    tcase_add_test(t, test_bad_alias_pattern);
    tcase_add_test(t, test_catastrophic_alias);
    tcase_add_test(t, test_two_fields_one_column);
    suite_add_tcase(s, t);
    return s;
}
