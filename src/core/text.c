/* text.c - terminal-safe text: escape sequences and controls dropped (the
 * report) or shown escaped (messages), lines wrapped. */
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

/* The one walk over untrusted text. Dropping (the report): escape sequences
 * vanish whole, controls vanish, an invalid byte is '?'. Escaping (messages):
 * nothing vanishes, a control or invalid byte is shown as \xNN, a C1 or bidi
 * control as \uNNNN. Returns the columns written (or that would be, with out
 * NULL); stops before max_cols would be passed (0: no limit). */
static size_t write_text(FILE *out, const char *text, size_t len, size_t max_cols, bool escape)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t cols = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == 0x1B && !escape) {
            i = skip_escape(s, len, i + 1);
            continue;
        }
        uint32_t cp = 0;
        size_t n = dt_utf8_decode(s + i, len - i, &cp);
        char form[8];
        const char *show = (const char *)s + i; /* what is written */
        size_t w = n;                           /* its bytes; each is one column */
        if (n == 0 && !escape)
            show = "?", w = 1;
        else if (n == 0 || (escape && dt_utf8_hidden(cp) && cp < 0x80))
            w = (size_t)snprintf(form, sizeof form, "\\x%02x", s[i]), show = form;
        else if (escape && dt_utf8_hidden(cp))
            w = (size_t)snprintf(form, sizeof form, "\\u%04x", (unsigned)cp), show = form;
        else if (dt_utf8_hidden(cp))
            w = 0;
        size_t width = show == (const char *)s + i ? (w > 0) : w;
        if (max_cols && cols + width > max_cols)
            break;
        if (out && w)
            fwrite(show, 1, w, out);
        cols += width;
        i += n ? n : 1;
    }
    return cols;
}

size_t dt_text_write_safe(FILE *out, const char *text, size_t len, size_t max_cols)
{
    return write_text(out, text, len, max_cols, false);
}

void dt_text_write_escaped(FILE *out, const char *text, size_t len)
{
    write_text(out, text, len, 0, true);
}

void dt_text_vprintf_escaped(FILE *out, const char *fmt, va_list ap)
{
    char text[DT_TEXT_MESSAGE_MAX];
    int n = vsnprintf(text, sizeof text, fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
    dt_text_write_escaped(out, text, len);
    if (n >= 0 && (size_t)n >= sizeof text)
        fputs("...", out);
}

void dt_text_printf_escaped(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dt_text_vprintf_escaped(out, fmt, ap);
    va_end(ap);
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

size_t dt_text_sparkline(char *out, size_t cap, const double *values, size_t n, double lo,
                         double hi, bool ascii)
{
    static const char marks[] = "_.-:=+*#";
    size_t used = 0, i = 0;
    for (; i < n; i++) {
        size_t need = values[i] < 0 || ascii ? 1 : DT_SPARK_BYTES;
        if (used + need + 1 > cap)
            break;
        if (values[i] < 0) {
            out[used++] = ' ';
            continue;
        }
        int level = DT_SPARK_LEVELS / 2 - 1;
        if (hi > lo) {
            double x = (values[i] - lo) / (hi - lo);
            level = x <= 0 ? 0 : x >= 1 ? DT_SPARK_LEVELS - 1 : (int)(x * DT_SPARK_LEVELS);
            if (level >= DT_SPARK_LEVELS)
                level = DT_SPARK_LEVELS - 1;
        }
        if (ascii) {
            out[used++] = marks[level];
        } else { /* U+2581 + level: E2 96 81..88 */
            out[used++] = (char)0xE2;
            out[used++] = (char)0x96;
            out[used++] = (char)(0x81 + level);
        }
    }
    if (cap)
        out[used] = '\0';
    return i;
}
