/* stub.c - the ready-to-paste [code] section for a code no rule documents,
 * offered by `explain` and by the report's "Codes without a rule". */
#include <ctype.h>
#include <stdlib.h>

#include "dt_rules.h"

static bool has_text(const char *phrase, size_t len)
{
    for (size_t i = 0; phrase && i < len; i++)
        if (!isspace((unsigned char)phrase[i]))
            return true;
    return false;
}

static void put_rules_value(FILE *out, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (isspace(c))
            putc(' ', out);
        else if (c < 0x20 || c == 0x7f)
            fprintf(out, "\\x%02X", c);
        else
            putc(c, out);
    }
}

dt_status_t dt_rules_write_stub(FILE *out, uint64_t ms, bool has_ms, unsigned sip, bool has_sip,
                                const char *phrase, size_t len, const char *action_id)
{
    has_sip = has_sip && sip <= DT_SIP_MAX;
    if (!has_ms)
        fputs("# no Microsoft code: calls without one match this entry by SIP code and "
              "phrase\n",
              out);
    if (!has_sip)
        fputs("# no SIP code: 0 stands in; calls with this Microsoft code match it\n", out);
    dt_code_rule_t key = {.has_ms = has_ms, .ms = ms, .sip = has_sip ? sip : 0};
    char code[DT_CODE_KEY_MAX];
    fprintf(out, "[code %s]\n", dt_code_rule_key(&key, code));
    if (has_text(phrase, len)) {
        fputs("phrase = ", out);
        put_rules_value(out, phrase, len);
        putc('\n', out);
    }
    fprintf(out, "# choose an action: drtriage rules list\naction = %s\n",
            action_id ? action_id : "unknown");
    fputs("source = local: seen in call records\n", out);
    return ferror(out) ? DT_ERR_OUTPUT : DT_OK;
}

char *dt_rules_stub(uint64_t ms, bool has_ms, unsigned sip, bool has_sip, const char *phrase,
                    size_t len, const char *action_id)
{
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (!mem)
        return NULL;
    dt_status_t st = dt_rules_write_stub(mem, ms, has_ms, sip, has_sip, phrase, len, action_id);
    if (fclose(mem) != 0 || st != DT_OK) {
        free(text);
        return NULL;
    }
    return text;
}
