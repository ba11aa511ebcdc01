/* dt_escape.h - text from input files (SBC names, phrases, group values, file
 * names, correlation ids) made safe for each output format. Every escaper
 * writes valid UTF-8 (an invalid byte becomes U+FFFD), turns tabs and line
 * breaks into spaces and drops the code points no report shows
 * (dt_utf8_hidden: controls, bidi overrides). Write errors are left on the
 * stream for dt_stream_finish. NULL text is written as "". */
#ifndef DT_ESCAPE_H
#define DT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* HTML text or a quoted attribute value: & < > " ' become character references. */
void dt_escape_html(FILE *out, const char *text, size_t len);

/* GitHub-flavoured Markdown inline text, also safe inside a table cell: the
 * characters that open emphasis, code, links, raw HTML, autolinks (':', '@',
 * the '.' of "www."), entities or a new cell are backslash-escaped. For text
 * that never starts a line (line-start syntax such as # or - is not escaped). */
void dt_escape_markdown(FILE *out, const char *text, size_t len);

/* One RFC 4180 field: quoted (quotes doubled) when it holds the separator,
 * a quote or leading/trailing blanks. A text a spreadsheet would read as a
 * formula (dt_escape_formula_risk) gets a leading apostrophe, inside quotes. */
void dt_escape_csv(FILE *out, const char *text, size_t len, char separator);

/* True when a spreadsheet would evaluate the text: its first byte is a tab
 * or CR, or its first non-blank character is one of = + - @. */
bool dt_escape_formula_risk(const char *text, size_t len);

/* A Prometheus label value, without the quotes: \ " become \\ \". */
void dt_escape_prom_label(FILE *out, const char *text, size_t len);

/* True when url may be written as a link: it starts with "https://" and
 * holds only characters that need no escaping in an HTML attribute or a
 * Markdown link (no blank, quote, angle bracket, backslash, parenthesis or
 * control). Input text never becomes a link; only rules' documentation does. */
bool dt_escape_url_ok(const char *url);

/* The text cleaned as every escaper cleans it, into buf (cap > 0 bytes),
 * NUL-terminated and cut at a character boundary; returns its length. For
 * writers whose library escapes the syntax itself (xlsx) but not bad bytes. */
size_t dt_escape_clean(char *buf, size_t cap, const char *text, size_t len);

#endif
