/* dt_date.h - reads the timestamps call-record exports carry. Every form is
 * a UTC clock time (the culture forms drop the zone marker; Log Analytics
 * moves it into the header as " [UTC]").
 *
 * Fixed forms, read the same whatever the order:
 *   2024-03-01T08:00:05Z          ISO 8601: 0-9 fraction digits, Z or an offset
 *   2024-03-01T09:00:05+01:00     from -14:00 to +14:00 (+hh:mm, +hhmm or +hh)
 *   2024-03-01 08:00:05.1230000   CQD (no zone: UTC)
 *   2024-03-01                    a date alone is midnight
 * Culture forms, as PowerShell 7 Export-Csv and the Log Analytics portal
 * write them in the culture of the machine or browser:
 *   3/1/2024 8:00:05 AM           en-US (month first, AM/PM)
 *   01/03/2024 08:00:05           en-GB, fr-FR (day first)
 *   03/01/2024 08:00:05           PowerShell's invariant form (month first)
 *   01.03.2024 08:00:05           de-DE
 *   1-3-2024 08:00:05             nl-NL (also 01-03-2024)
 *   1/03/2024 8:00:05 AM          en-AU (day first AND AM/PM)
 *   2024/03/01 8:00:05            ja-JP
 *   3/1/2024, 8:00:05.123 AM      Log Analytics, en-US browser
 *   2024/03/01 8:00:05.123        Log Analytics, yyyy/MM/dd locales
 * The separator is '/', '.' or '-' (the same twice); the year has four
 * digits; the time may lack seconds or be missing (midnight); the blank
 * before AM/PM may be U+00A0 or U+202F (ICU 72+ formatters write that).
 * Year 1 (0001-01-01T00:00:00Z, 1/1/0001 12:00:00 AM, 01.01.0001 00:00:00,
 * 0001/01/01 0:00:00) is the sentinel for "no value".
 *
 * The order. A culture date with its year first is year, month, day: no
 * culture writes it otherwise. With its year last, the first two numbers are
 * the day and the month in an order only a number above 12 shows: 01/03/2024
 * is 1 March in en-GB and 3 January in the invariant form. The caller
 * decides the order for a whole input (dt_date_order.h does it from the
 * data) and passes it in; the value then reads in that order or, where it
 * cannot be, says so. */
#ifndef DT_DATE_H
#define DT_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The order of the numbers in a culture date with its year last. */
typedef enum {
    DT_ORDER_NONE = 0, /* not decided yet: an ambiguous value is reported as such */
    DT_ORDER_DMY,      /* day first (en-GB, fr-FR, de-DE, nl-NL, en-AU) */
    DT_ORDER_MDY,      /* month first (en-US, the invariant form) */
    DT_ORDER_YMD,      /* year first only: a value with its year last is impossible */
    DT_ORDER_COUNT
} dt_date_order_t;

typedef enum {
    DT_DATE_OK = 0,
    DT_DATE_EMPTY,     /* blank cell or a year-1 sentinel */
    DT_DATE_INVALID,   /* not one of the forms, or no such date, time or offset */
    DT_DATE_AMBIGUOUS, /* order NONE only: day and month both 12 or less */
    DT_DATE_CONFLICT,  /* a date in some order, impossible in the one given */
} dt_date_status_t;

/* What a value's form says, whatever the order it was read in. */
typedef struct {
    bool culture;            /* a culture form (not ISO 8601 or CQD) */
    bool year_first;         /* a culture form with its year first */
    dt_date_order_t proves;  /* year last: DMY when the first number is above 12,
                                MDY when the second is; else NONE */
    dt_date_order_t likely;  /* year last: the order this form is usually written
                                in (see dt_date_read); else NONE */
    bool padding_hint;       /* likely comes from zero padding ("1/03/2024": d/MM,
                                en-AU), a stronger hint than the form alone */
    const char *written_by;  /* year last: who writes this form in the likely
                                order ("en-GB and fr-FR exports"); static */
} dt_date_shape_t;

/* Parses text (not NUL-terminated; blanks around it ignored) into seconds
 * since 1970-01-01T00:00:00Z, reading culture dates with their year last in
 * `order`. Never reads past len. Returns
 *   DT_DATE_OK         and sets *out: a fixed form, a year-first culture
 *                      date, or a year-last one that reads in `order` (with
 *                      order NONE: whose numbers prove the order);
 *   DT_DATE_EMPTY      blank, or a year-1 sentinel in any form;
 *   DT_DATE_AMBIGUOUS  order NONE and a year-last date whose day and month
 *                      are both 12 or less: call again with an order;
 *   DT_DATE_CONFLICT   a year-last date that exists in the other day/month
 *                      order but not in `order` (or any year-last date with
 *                      order YMD);
 *   DT_DATE_INVALID    anything else: no such form, month, day or time, an
 *                      offset outside -14:00..+14:00 or with minutes >= 60,
 *                      or a result outside years 2..9999.
 * *out is written only with DT_DATE_OK. shape may be NULL; otherwise it is
 * filled for every status (all zero when the text is not a culture form).
 * The likely order of a year-last form: day first for '.' and '-' (de-DE,
 * nl-NL) and for '/' with a 24-hour time (en-GB, fr-FR); month first for '/'
 * with AM/PM (en-US, Log Analytics), unless the second number is zero-padded
 * and the first is not, as en-AU's d/MM/yyyy writes it. */
dt_date_status_t dt_date_read(const char *text, size_t len, dt_date_order_t order, int64_t *out,
                              dt_date_shape_t *shape);

/* dt_date_read with order NONE and no shape: for values whose reading must
 * not depend on a guess, such as a --since argument. */
dt_date_status_t dt_date_parse(const char *text, size_t len, int64_t *out);

#define DT_CUTOFF_DAYS_MAX 100000

/* Reads a point in time given as a date or date-time (dt_date_parse), or as
 * an age "Nd": the start of the UTC day N days before `now` (0d: today's
 * start; N at most DT_CUTOFF_DAYS_MAX). text is NUL-terminated. Returns
 * false (*out untouched) for anything else. */
bool dt_date_parse_cutoff(const char *text, int64_t now, int64_t *out);

/* "dmy", "mdy", "ymd", or NULL for NONE. */
const char *dt_date_order_name(dt_date_order_t order);

/* Parses "dmy", "mdy" or "ymd" (case-insensitive) into *out; false for
 * anything else (*out untouched). */
bool dt_date_order_parse(const char *text, dt_date_order_t *out);

/* The longest text dt_date_format writes, with its NUL. */
#define DT_DATE_TEXT_MAX 21

#define DT_DATE_TEXT (DT_DATE_TEXT_MAX - 1) /* the length of "YYYY-MM-DDTHH:MM:SSZ" */
#define DT_DATE_DAY_LEN 10 /* the length of its day, "YYYY-MM-DD" */

/* Writes an epoch time as "YYYY-MM-DDTHH:MM:SSZ" into out (cap bytes, at
 * least DT_DATE_TEXT_MAX for every time dt_date_read returns). */
void dt_date_format(int64_t epoch, char *out, size_t cap);

/* Writes the day of an epoch time, "YYYY-MM-DD", into out (at least
 * DT_DATE_TEXT_MAX bytes, as dt_date_format takes); returns out. */
const char *dt_date_format_day(int64_t epoch, char out[DT_DATE_TEXT_MAX]);

typedef enum { DT_BUCKET_HOUR, DT_BUCKET_DAY, DT_BUCKET_WEEK } dt_bucket_t;

/* The start of the hour, day or ISO week (Monday 00:00 UTC) holding epoch. */
int64_t dt_date_bucket(int64_t epoch, dt_bucket_t bucket);

/* The length of a bucket in seconds (a week is 7 days). */
int64_t dt_date_bucket_seconds(dt_bucket_t bucket);

/* The day of the week of epoch, 0 = Monday ... 6 = Sunday (UTC). */
int dt_date_weekday(int64_t epoch);

#define DT_DATE_LABEL 32

/* Writes a time as people read it in a table, with the weekday: the minute
 * "Tue 2026-11-24 10:15" (with_time), else the day "Tue 2026-11-24"; into out
 * (at least DT_DATE_LABEL bytes). */
void dt_date_label(int64_t epoch, bool with_time, char *out, size_t cap);

#endif
