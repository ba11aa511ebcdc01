/* dt_utf8.h - UTF-8 decoding for the escapers: every text that comes from an
 * input file is untrusted and may hold invalid sequences. */
#ifndef DT_UTF8_H
#define DT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one well-formed UTF-8 sequence at s (len bytes available, at least
 * 1). RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
 * Returns its length (1-4) and stores the code point in *cp, or returns 0
 * when the byte at s does not start a valid sequence (*cp is then unset). */
size_t dt_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Code points no report shows: C0 controls, DEL, C1 controls, and the bidi
 * controls that can make a line display in a different order than it reads. */
bool dt_utf8_hidden(uint32_t cp);

#endif
