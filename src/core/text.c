/* text.c - terminal-safe text: escape sequences and controls dropped, lines wrapped. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dt_text.h"
#include "dt_utf8.h"

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
        size_t n = dt_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            if (out)
                putc('?', out);
            cols++;
            i++;
            continue;
        }
        if (!dt_utf8_hidden(cp)) {
            if (out)
                fwrite(s + i, 1, n, out);
            cols++;
        }
        i += n;
    }
    return cols;
}

size_t dt_text_width(const char *text)
{
    return dt_text_write_safe(NULL, text, strlen(text), 0);
}

void dt_text_wrap(FILE *out, const char *text, size_t col, size_t indent, size_t width)
{
    bool first = true;
    while (*text) {
        text += strspn(text, " ");
        size_t len = strcspn(text, " ");
        if (!len)
            break;
        size_t cols = dt_text_write_safe(NULL, text, len, 0);
        if (!first && col + 1 + cols > width) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = indent;
        } else if (!first) {
            putc(' ', out);
            col++;
        }
        col += dt_text_write_safe(out, text, len, 0);
        first = false;
        text += len;
    }
    putc('\n', out);
}
