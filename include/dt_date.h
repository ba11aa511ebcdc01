/* dt_date.h - reads the timestamps call-record exports carry, all as UTC:
 *   ISO 8601       2026-11-01T08:00:00Z, with 0-7 fraction digits, Z or +hh:mm
 *   CQD            2020-02-06 20:57:53.1750000          (no zone: UTC)
 *   US locale      6/11/2023 10:15:30 AM, 6/11/2023, 10:15:30.123 AM
 *   date only      2026-11-01                           (midnight)
 * The sentinel 0001-01-01T00:00:00Z (and any year-1 date) means "no value". */
#ifndef DT_DATE_H
#define DT_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    DT_DATE_OK = 0,
    DT_DATE_EMPTY,   /* blank cell or the 0001-01-01 sentinel */
    DT_DATE_INVALID, /* text that is not one of the forms above */
} dt_date_status_t;

/* Parses text (not NUL-terminated) into seconds since 1970-01-01T00:00:00Z.
 * Never reads past len. Returns DT_DATE_OK and sets *out, or says why not. */
dt_date_status_t dt_date_parse(const char *text, size_t len, int64_t *out);

/* Writes an epoch time as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void dt_date_format(int64_t epoch, char *out, size_t cap);

typedef enum { DT_BUCKET_HOUR, DT_BUCKET_DAY, DT_BUCKET_WEEK } dt_bucket_t;

/* The start of the hour, day or ISO week (Monday 00:00 UTC) holding epoch. */
int64_t dt_date_bucket(int64_t epoch, dt_bucket_t bucket);

#endif
