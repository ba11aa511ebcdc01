/* json.c - JSON string escaping and the streaming emitter. */
#include <inttypes.h>
#include <string.h>

#include "dt_date.h"
#include "dt_json.h"
#include "dt_num.h"
#include "dt_utf8.h"

static void put_char(FILE *out, const unsigned char *s, size_t n, uint32_t cp, bool script_safe)
{
    static const char short_forms[] = "btn\0fr"; /* \b \t \n (\v) \f \r */
    if (script_safe && (cp == '<' || cp == '>' || cp == '&' || dt_utf8_hidden(cp) || cp == 0x2028 ||
                        cp == 0x2029)) {
        fprintf(out, "\\u%04" PRIx32, cp);
    } else if (cp == '"' || cp == '\\') {
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

static void write_string(FILE *out, const char *text, size_t len, bool script_safe)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    putc('"', out);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = dt_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            fputs("\\ufffd", out);
            i++;
            continue;
        }
        put_char(out, s + i, n, cp, script_safe);
        i += n;
    }
    putc('"', out);
}

void dt_json_write_string(FILE *out, const char *text, size_t len)
{
    write_string(out, text, len, false);
}

void dt_json_init(dt_json_t *j, FILE *out, bool pretty)
{
    *j = (dt_json_t){.out = out, .pretty = pretty, .first = true};
}

/* Starts a value: separator, newline and indentation, and the key. */
static void begin(dt_json_t *j, const char *key)
{
    if (j->depth > 0) {
        if (!j->first)
            putc(',', j->out);
        if (j->pretty)
            fprintf(j->out, "\n%*s", (int)(2 * j->depth), "");
    }
    j->first = false;
    if (key) {
        write_string(j->out, key, strlen(key), j->script_safe);
        fputs(j->pretty ? ": " : ":", j->out);
    }
}

void dt_json_open(dt_json_t *j, const char *key, char bracket)
{
    begin(j, key);
    putc(bracket, j->out);
    j->depth++;
    j->first = true;
}

void dt_json_close(dt_json_t *j, char bracket)
{
    j->depth--;
    if (!j->first && j->pretty)
        fprintf(j->out, "\n%*s", (int)(2 * j->depth), "");
    putc(bracket, j->out);
    j->first = false;
}

void dt_json_strn(dt_json_t *j, const char *key, const char *text, size_t len)
{
    begin(j, key);
    write_string(j->out, text, len, j->script_safe);
}

void dt_json_str(dt_json_t *j, const char *key, const char *text)
{
    if (!text) {
        dt_json_null(j, key);
        return;
    }
    dt_json_strn(j, key, text, strlen(text));
}

void dt_json_u64(dt_json_t *j, const char *key, uint64_t value)
{
    begin(j, key);
    fprintf(j->out, "%" PRIu64, value);
}

void dt_json_i64(dt_json_t *j, const char *key, int64_t value)
{
    begin(j, key);
    fprintf(j->out, "%" PRId64, value);
}

void dt_json_bool(dt_json_t *j, const char *key, bool value)
{
    dt_json_raw(j, key, value ? "true" : "false");
}

void dt_json_null(dt_json_t *j, const char *key)
{
    dt_json_raw(j, key, "null");
}

void dt_json_fixed(dt_json_t *j, const char *key, double value, unsigned decimals)
{
    char buf[DT_NUMBER_MAX];
    dt_json_raw(j, key, value < 0 ? "null" : dt_format_fixed(buf, value, decimals));
}

void dt_json_time(dt_json_t *j, const char *key, int64_t epoch)
{
    char text[DT_DATE_LABEL];
    dt_date_format(epoch, text, sizeof text);
    dt_json_str(j, key, text);
}

void dt_json_day(dt_json_t *j, const char *key, int64_t epoch)
{
    char text[DT_DATE_TEXT_MAX];
    dt_json_str(j, key, dt_date_format_day(epoch, text));
}

void dt_json_raw(dt_json_t *j, const char *key, const char *json)
{
    begin(j, key);
    fputs(json, j->out);
}
