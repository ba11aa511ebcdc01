/* dt_text.h - text for a terminal. Text from input files is untrusted: it may
 * carry escape sequences that recolour, move the cursor or retitle a
 * terminal, bidi controls that make a line read differently than it displays,
 * or invalid UTF-8. Everything drtriage shows on a terminal goes through here. */
#ifndef DT_TEXT_H
#define DT_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes text for a terminal: control characters and escape sequences are
 * dropped, invalid UTF-8 bytes become '?'. At most max_cols characters are
 * written (0: no limit); returns the number written. With out NULL nothing is
 * written and the return value is the width the text would take. */
size_t dt_text_write_safe(FILE *out, const char *text, size_t len, size_t max_cols);

/* Writes text for a message (stderr): nothing is dropped silently, and
 * nothing reaches the terminal raw but printable UTF-8. A C0 control, DEL or
 * a byte that is not UTF-8 is shown as \xNN (ESC as \x1b, so an escape
 * sequence shows as text), a C1 control (U+0080-U+009F) or a bidi control
 * as \uNNNN (\u202e). */
void dt_text_write_escaped(FILE *out, const char *text, size_t len);

/* Formats a message (printf) and writes it through dt_text_write_escaped.
 * The formatted text is cut at DT_TEXT_MESSAGE_MAX bytes, then ends in "...". */
#define DT_TEXT_MESSAGE_MAX 2048
void dt_text_printf_escaped(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dt_text_vprintf_escaped(FILE *out, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The columns a NUL-terminated text takes once made safe. */
size_t dt_text_width(const char *text);

/* Writes text word by word (words are separated by spaces) through
 * dt_text_write_safe, the cursor being at column `col`: a word that would
 * pass `width` starts a new line indented by `indent` spaces. Ends the last
 * line with a newline. */
void dt_text_wrap(FILE *out, const char *text, size_t col, size_t indent, size_t width);

#define DT_SPARK_LEVELS 8
#define DT_SPARK_BYTES 3 /* the most bytes one mark takes (a Unicode block in UTF-8) */

/* Writes a sparkline of n values into out (NUL-terminated, at most cap
 * bytes): one mark per value, scaled from lo (the lowest of DT_SPARK_LEVELS
 * marks) to hi (the highest), Unicode blocks U+2581..U+2588 or, with ascii,
 * the characters "_.-:=+*#". A negative value has no data and is a space;
 * with hi <= lo every value with data gets the middle mark. Returns the
 * number of values written, fewer than n when cap is too short. */
size_t dt_text_sparkline(char *out, size_t cap, const double *values, size_t n, double lo,
                         double hi, bool ascii);

#endif
