/* dt_num.h - numbers as exports write them and as reports show them: one
 * reader for code cells, one for whole-number option values, and
 * locale-independent formatting. */
#ifndef DT_NUM_H
#define DT_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest code an export can carry (10^18). */
#define DT_CODE_MAX 1000000000000000000ULL

/* Reads an unsigned decimal code the way call-record exports write it.
 * Accepts surrounding blanks, plain digits, and the two forms Excel produces
 * for whole numbers: a zero decimal part ("403.0") and scientific notation
 * that lands on a whole number ("5.60403E+05"). Rejects an empty value,
 * a sign, inner blanks, a non-zero fraction and values above 10^18.
 * Returns true and stores the value in *out on success; on failure returns
 * false and, if why is not NULL, points *why at a static reason. */
bool dt_parse_code(const char *text, size_t len, uint64_t *out, const char **why);

/* As dt_parse_code, with ',' read as a decimal mark too ("5,60403E+05",
 * "403,0"), as Excel writes numbers in comma-decimal locales. Only for cells
 * of ';'-separated files: where ',' separates fields, a comma inside a code
 * could as well be a thousands separator, and dt_parse_code refuses it. */
bool dt_parse_code_comma(const char *text, size_t len, uint64_t *out, const char **why);

/* Reads len bytes of plain decimal digits (at least one, nothing else: no
 * blanks, sign or point) as a value no larger than max. Returns true and
 * stores it in *out, false otherwise (*out untouched). */
bool dt_parse_uint(const char *text, size_t len, uint64_t max, uint64_t *out);

/* Reads a decimal number as exports and users write one, whatever the
 * locale: surrounding blanks, an optional sign, digits with an optional
 * '.' fraction (at least one digit in all), an optional exponent (e-3,
 * E+05). Rejects everything else: thousands separators, a ',' decimal
 * point, hex, inf and nan. The same text always gives the same value, so a
 * cell and a limit written alike compare equal. Returns true and stores the
 * value in *out, false otherwise (*out untouched). */
bool dt_parse_number(const char *text, size_t len, double *out);

#define DT_NUMBER_MAX 32

/* Formats a non-negative value with `decimals` (0-4) digits after a '.',
 * whatever the locale ("91.30"), into buf (DT_NUMBER_MAX bytes); returns buf. */
const char *dt_format_fixed(char *buf, double value, unsigned decimals);

/* part as a percentage of whole (100 * part / whole), or -1 when whole is 0:
 * a share of nothing is no value, not 0%. */
double dt_percent(uint64_t part, uint64_t whole);

/* Seconds as people read a duration, into buf (DT_NUMBER_MAX bytes), rounded
 * to the second: "42s", "4m21s", and from an hour on the whole hours "2h"
 * ("24h+" from a day: the measures round such values down); "-" for a
 * negative value (none). Returns buf. */
const char *dt_format_duration(char *buf, double seconds);

/* part as a percentage of whole with `decimals` digits and a '%' ("3.1%"),
 * "0.0%" when whole is 0, into buf (DT_NUMBER_MAX bytes); returns buf. */
const char *dt_format_share(char *buf, uint64_t part, uint64_t whole, unsigned decimals);

/* As dt_format_fixed with 4 decimals, then trailing zeros and a trailing '.'
 * removed, as a limit is written ("5", "0.5", "95.25"); returns buf. */
const char *dt_format_trimmed(char *buf, double value);

#endif
