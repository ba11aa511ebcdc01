/* writer.c - the format dispatch table and the helpers every writer shares:
 * UTF-8 validation, JSON string escaping, terminal-safe text, the display
 * phrase of a code row and locale-independent number formatting. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dt_explain.h"
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

/* Decodes one well-formed UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). Returns its length and stores the code
 * point, or returns 0 when the byte at s does not start a valid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (len < n)
        return 0;
    uint32_t v = c & (0x7Fu >> n);
    for (size_t k = 1; k < n; k++, lo = 0x80, hi = 0xBF) {
        if (s[k] < lo || s[k] > hi)
            return 0;
        v = v << 6 | (s[k] & 0x3Fu);
    }
    *cp = v;
    return n;
}

/* ---- JSON ---- */

static void json_put_char(FILE *out, const unsigned char *s, size_t n, uint32_t cp)
{
    static const char short_forms[] = "btn\0fr"; /* \b \t \n (\v) \f \r */
    if (cp == '"' || cp == '\\') {
        putc('\\', out);
        putc((int)cp, out);
    } else if (cp >= 0x08 && cp <= 0x0D && short_forms[cp - 0x08]) {
        putc('\\', out);
        putc(short_forms[cp - 0x08], out);
    } else if (cp < 0x20 || cp == 0x7F) {
        fprintf(out, "\\u%04" PRIx32, cp);
    } else {
        fwrite(s, 1, n, out);
    }
}

void dt_json_write_string(FILE *out, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    putc('"', out);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            fputs("\\ufffd", out);
            i++;
            continue;
        }
        json_put_char(out, s + i, n, cp);
        i += n;
    }
    putc('"', out);
}

/* ---- terminal text ---- */

/* Skips the rest of an escape sequence whose ESC was at i - 1: CSI
 * (ESC [ params final), string sequences (OSC ESC ], DCS ESC P, SOS ESC X,
 * PM ESC ^, APC ESC _) up to BEL or ST (ESC \), and two-byte escapes
 * (ESC intermediates final). Returns the index after the sequence. */
static size_t skip_escape(const unsigned char *s, size_t len, size_t i)
{
    if (i >= len)
        return len;
    if (s[i] == '[') {
        for (i++; i < len && s[i] >= 0x20 && s[i] <= 0x3F; i++)
            ;
        return i < len && s[i] >= 0x40 && s[i] <= 0x7E ? i + 1 : i;
    }
    if (strchr("]PX^_", s[i])) {
        for (i++; i < len; i++) {
            if (s[i] == 0x07)
                return i + 1;
            if (s[i] == 0x1B)
                return i + 1 < len && s[i + 1] == '\\' ? i + 2 : i;
        }
        return len;
    }
    for (; i < len && s[i] >= 0x20 && s[i] <= 0x2F; i++)
        ;
    return i < len && s[i] >= 0x30 && s[i] <= 0x7E ? i + 1 : i;
}

/* Code points never shown: C0 controls, DEL, C1 controls, and the bidi
 * controls that can make a line display in a different order than it reads. */
static bool text_dropped(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t dt_text_write_safe(FILE *out, const char *text, size_t len, size_t max_cols)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t cols = 0;
    for (size_t i = 0; i < len && (max_cols == 0 || cols < max_cols);) {
        if (s[i] == 0x1B) {
            i = skip_escape(s, len, i + 1);
            continue;
        }
        uint32_t cp = 0;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            if (out)
                putc('?', out);
            cols++;
            i++;
            continue;
        }
        if (!text_dropped(cp)) {
            if (out)
                fwrite(s + i, 1, n, out);
            cols++;
        }
        i += n;
    }
    return cols;
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
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (!mem)
        return NULL;
    const char *action =
        row->match.action == DT_NO_ACTION ? NULL : report->rules->actions[row->match.action].id;
    /* A phrase with control characters is garbage, not wording to document:
     * the stub then covers the code pair whatever the phrase. */
    size_t len = strlen(row->phrase);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)row->phrase[i] < 0x20 || row->phrase[i] == 0x7f)
            len = 0;
    dt_status_t st = dt_rules_write_stub(mem, row->key.ms, row->key.has_ms, row->key.sip,
                                         row->key.has_sip, row->phrase, len, action);
    if (fclose(mem) != 0 || st != DT_OK) {
        free(text);
        return NULL;
    }
    return text;
}

const dt_action_t *dt_writer_action(const dt_report_t *report, size_t action)
{
    if (action == DT_NO_ACTION || action >= report->rules->nactions)
        return dt_rules_action(report->rules, "unknown");
    return &report->rules->actions[action];
}

const char *dt_format_fixed(char *buf, double value, unsigned decimals)
{
    static const uint64_t scale[] = {1, 10, 100, 1000, 10000};
    if (decimals > 4)
        decimals = 4;
    if (!(value >= 0.0) || value >= 1e14) {
        snprintf(buf, DT_NUMBER_MAX, "%.0f", value); /* no decimal point: locale-safe */
        return buf;
    }
    uint64_t units = (uint64_t)(value * (double)scale[decimals] + 0.5);
    if (decimals == 0)
        snprintf(buf, DT_NUMBER_MAX, "%" PRIu64, units);
    else
        snprintf(buf, DT_NUMBER_MAX, "%" PRIu64 ".%0*" PRIu64, units / scale[decimals],
                 (int)decimals, units % scale[decimals]);
    return buf;
}

dt_status_t dt_writer_finish(FILE *out, dt_error_t *err)
{
    errno = 0;
    if (fflush(out) != 0)
        return dt_fail(err, DT_ERR_OUTPUT, "cannot write the report: %s",
                       strerror(errno ? errno : EIO));
    if (ferror(out))
        return dt_fail(err, DT_ERR_OUTPUT, "cannot write the report: %s", strerror(EIO));
    return DT_OK;
}
