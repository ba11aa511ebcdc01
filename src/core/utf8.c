/* utf8.c - strict UTF-8 decoding (RFC 3629). */
#include "dt_utf8.h"

size_t dt_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
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

bool dt_utf8_hidden(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}
