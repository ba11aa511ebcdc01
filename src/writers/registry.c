/* registry.c - the format dispatch table and the report helpers every writer
 * shares: the display phrase of a code row, its rules stub, its action. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_writer.h"

const dt_writer_t dt_writers[] = {
    {"text", "readable report for a terminal (default)", dt_write_text},
    {"json", "one JSON object, schema_version 1 (docs/json-format.md)", dt_write_json},
    {NULL, NULL, NULL},
};

const dt_writer_t *dt_writer_find(const char *name)
{
    if (!name)
        return NULL;
    for (const dt_writer_t *w = dt_writers; w->name; w++)
        if (strcmp(w->name, name) == 0)
            return w;
    return NULL;
}

/* ---- shared report helpers ---- */

const char *dt_writer_code_phrase(const dt_report_t *report, const dt_code_row_t *row)
{
    const dt_rules_t *rules = report->rules;
    if (row->other)
        return "";
    /* The documented wording when the phrase decided the match; otherwise
     * what the calls actually said, which the documented entry may not. */
    size_t entry = row->match.entry;
    bool phrase_matched =
        row->match.level == DT_MATCH_PHRASE || row->match.level == DT_MATCH_SIP_PHRASE;
    bool documented = entry < rules->ncodes && rules->codes[entry].nphrases > 0;
    if (documented && (phrase_matched || !row->phrase[0]))
        return rules->codes[entry].phrases[0];
    if (row->phrase[0])
        return row->phrase;
    const dt_sip_rule_t *sip = row->key.has_sip ? dt_rules_sip(rules, row->key.sip) : NULL;
    return sip && sip->phrase ? sip->phrase : "";
}

char *dt_writer_code_stub(const dt_report_t *report, const dt_code_row_t *row)
{
    if (row->other || row->match.known || !row->key.has_ms)
        return NULL;
    const char *action =
        row->match.action == DT_NO_ACTION ? NULL : report->rules->actions[row->match.action].id;
    /* A phrase with control characters is garbage, not wording to document:
     * the stub then covers the code pair whatever the phrase. */
    size_t len = strlen(row->phrase);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)row->phrase[i] < 0x20 || row->phrase[i] == 0x7f)
            len = 0;
    return dt_rules_stub(row->key.ms, row->key.has_ms, row->key.sip, row->key.has_sip,
                         row->phrase, len, action);
}

const dt_action_t *dt_writer_action(const dt_report_t *report, size_t action)
{
    if (action == DT_NO_ACTION || action >= report->rules->nactions)
        return dt_rules_action(report->rules, "unknown");
    return &report->rules->actions[action];
}
