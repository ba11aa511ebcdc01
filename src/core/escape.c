/* escape.c - untrusted text made safe for HTML, Markdown, CSV, Prometheus
 * labels and spreadsheets; one walk over the code points serves them all. */
#include <stdint.h>
#include <string.h>

#include "dt_escape.h"
#include "dt_utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* What can start Markdown syntax inside a line: escapes, code, emphasis,
 * links and images, raw HTML and autolinks, table cells, strikethrough,
 * entities, and the ':' and '@' of URL and e-mail autolinks. Line-start
 * syntax (#, -, +, 1.) cannot occur: input is never first on a line. */
#define MARKDOWN_SPECIAL "\\`*_[]<>|~&:@"

/* Receives one code point to write: its value and its UTF-8 bytes. */
typedef void (*put_fn)(void *ctx, uint32_t cp, const char *bytes, size_t n);

/* Calls put for each code point of text as every escaper sees it. */
static void walk(const char *text, size_t len, put_fn put, void *ctx)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = dt_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            put(ctx, 0xFFFD, REPLACEMENT, sizeof REPLACEMENT - 1);
            i++;
            continue;
        }
        if (cp == '\t' || cp == '\n' || cp == '\r')
            put(ctx, ' ', " ", 1);
        else if (!dt_utf8_hidden(cp))
            put(ctx, cp, (const char *)s + i, n);
        i += n;
    }
}

static void put_html(void *ctx, uint32_t cp, const char *bytes, size_t n)
{
    FILE *out = ctx;
    switch (cp) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default: fwrite(bytes, 1, n, out);
    }
}

void dt_escape_html(FILE *out, const char *text, size_t len)
{
    walk(text, len, put_html, out);
}

typedef struct {
    FILE *out;
    char last[3]; /* the three ASCII characters before, lower case, for "www." */
} markdown_t;

static void put_markdown(void *ctx, uint32_t cp, const char *bytes, size_t n)
{
    markdown_t *m = ctx;
    bool www = cp == '.' && memcmp(m->last, "www", 3) == 0; /* an autolink's start */
    if (www || (cp && cp < 0x80 && strchr(MARKDOWN_SPECIAL, (int)cp)))
        putc('\\', m->out);
    fwrite(bytes, 1, n, m->out);
    memmove(m->last, m->last + 1, 2);
    m->last[2] = cp < 0x80 ? (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp) : '\0';
}

void dt_escape_markdown(FILE *out, const char *text, size_t len)
{
    markdown_t m = {out, {0}};
    walk(text, len, put_markdown, &m);
}

bool dt_escape_formula_risk(const char *text, size_t len)
{
    if (!text || !len)
        return false;
    if (text[0] == '\t' || text[0] == '\r')
        return true;
    size_t i = 0;
    while (i < len && text[i] == ' ')
        i++;
    return i < len && strchr("=+-@", text[i]) && text[i];
}

static void put_raw(void *ctx, uint32_t cp, const char *bytes, size_t n)
{
    (void)cp;
    fwrite(bytes, 1, n, ctx);
}

typedef struct {
    FILE *out;
    char separator;
    bool needs_quotes;
} csv_t;

static void put_csv_probe(void *ctx, uint32_t cp, const char *bytes, size_t n)
{
    csv_t *c = ctx;
    (void)bytes, (void)n;
    if (cp == (uint32_t)(unsigned char)c->separator || cp == '"')
        c->needs_quotes = true;
}

static void put_csv(void *ctx, uint32_t cp, const char *bytes, size_t n)
{
    csv_t *c = ctx;
    if (cp == '"')
        putc('"', c->out);
    fwrite(bytes, 1, n, c->out);
}

void dt_escape_csv(FILE *out, const char *text, size_t len, char separator)
{
    csv_t c = {out, separator, false};
    bool formula = dt_escape_formula_risk(text, len);
    walk(text, len, put_csv_probe, &c);
    bool blank_edge = len && (text[0] == ' ' || text[0] == '\t' || text[len - 1] == ' ' ||
                              text[len - 1] == '\t' || text[len - 1] == '\r' ||
                              text[len - 1] == '\n');
    bool quote = c.needs_quotes || formula || blank_edge;
    if (quote)
        putc('"', out);
    if (formula)
        putc('\'', out);
    walk(text, len, quote ? put_csv : put_raw, quote ? (void *)&c : (void *)out);
    if (quote)
        putc('"', out);
}

static void put_prom(void *ctx, uint32_t cp, const char *bytes, size_t n)
{
    FILE *out = ctx;
    if (cp == '\\' || cp == '"')
        putc('\\', out);
    fwrite(bytes, 1, n, out);
}

void dt_escape_prom_label(FILE *out, const char *text, size_t len)
{
    walk(text, len, put_prom, out);
}

typedef struct {
    char *buf;
    size_t cap, len;
    bool full;
} clean_t;

static void put_clean(void *ctx, uint32_t cp, const char *bytes, size_t n)
{
    clean_t *c = ctx;
    (void)cp;
    if (c->full || c->len + n >= c->cap) {
        c->full = true;
        return;
    }
    memcpy(c->buf + c->len, bytes, n);
    c->len += n;
}

size_t dt_escape_clean(char *buf, size_t cap, const char *text, size_t len)
{
    clean_t c = {buf, cap, 0, false};
    walk(text, len, put_clean, &c);
    buf[c.len] = '\0';
    return c.len;
}

bool dt_escape_url_ok(const char *url)
{
    static const char https[] = "https://";
    if (!url || strncmp(url, https, sizeof https - 1) != 0 || !url[sizeof https - 1])
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= ' ' || *p >= 0x7F || strchr("\"'<>\\()`", *p))
            return false;
    return true;
}
