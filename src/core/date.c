/* date.c - timestamps in the forms exports write them. No locale, no libc
 * time zone: every conversion is done here on UTC civil dates. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dt_date.h"


/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

typedef struct {
    const char *p, *end;
} cursor_t;

/* Reads between min and max digits; false if fewer than min. */
static bool digits(cursor_t *c, unsigned min, unsigned max, unsigned *out)
{
    unsigned n = 0, v = 0;
    while (c->p < c->end && n < max && *c->p >= '0' && *c->p <= '9')
        v = v * 10 + (unsigned)(*c->p++ - '0'), n++;
    *out = v;
    return n >= min;
}

static bool accept(cursor_t *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static void skip_blanks(cursor_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* hh:mm[:ss[.fraction]] */
static bool time_of_day(cursor_t *c, unsigned *h, unsigned *mi, unsigned *s)
{
    *s = 0;
    if (!digits(c, 1, 2, h) || !accept(c, ':') || !digits(c, 2, 2, mi))
        return false;
    if (accept(c, ':')) {
        if (!digits(c, 2, 2, s))
            return false;
        if (accept(c, '.') || accept(c, ',')) {
            unsigned fraction;
            if (!digits(c, 1, 9, &fraction))
                return false;
        }
    }
    return *h < 24 && *mi < 60 && *s < 61;
}

/* YYYY-MM-DD[(T| )time[Z|+hh:mm|-hh:mm]] */
static bool iso(cursor_t *c, int64_t *y, unsigned *mo, unsigned *d, int64_t *secs)
{
    unsigned yy, h = 0, mi = 0, s = 0;
    if (!digits(c, 4, 4, &yy) || !accept(c, '-') || !digits(c, 2, 2, mo) || !accept(c, '-') ||
        !digits(c, 2, 2, d))
        return false;
    *y = yy;
    int64_t offset = 0;
    if (accept(c, 'T') || accept(c, ' ')) {
        if (!time_of_day(c, &h, &mi, &s))
            return false;
        if (!accept(c, 'Z') && c->p < c->end && (*c->p == '+' || *c->p == '-')) {
            int sign = *c->p++ == '-' ? -1 : 1;
            unsigned oh, om = 0;
            if (!digits(c, 2, 2, &oh))
                return false;
            accept(c, ':');
            digits(c, 0, 2, &om);
            offset = sign * (int64_t)(oh * 3600 + om * 60);
        }
    }
    *secs = (int64_t)h * 3600 + mi * 60 + s - offset;
    return true;
}

/* M/D/YYYY[,] h:mm[:ss[.fff]] [AM|PM] */
static bool us_locale(cursor_t *c, int64_t *y, unsigned *mo, unsigned *d, int64_t *secs)
{
    unsigned yy, h = 0, mi = 0, s = 0;
    if (!digits(c, 1, 2, mo) || !accept(c, '/') || !digits(c, 1, 2, d) || !accept(c, '/') ||
        !digits(c, 4, 4, &yy))
        return false;
    *y = yy;
    accept(c, ',');
    skip_blanks(c);
    if (c->p < c->end) {
        if (!time_of_day(c, &h, &mi, &s))
            return false;
        skip_blanks(c);
        if (c->end - c->p >= 2 && (c->p[1] == 'M' || c->p[1] == 'm')) {
            bool pm = c->p[0] == 'P' || c->p[0] == 'p';
            if (!pm && c->p[0] != 'A' && c->p[0] != 'a')
                return false;
            if (h < 1 || h > 12)
                return false;
            h = h % 12 + (pm ? 12 : 0);
            c->p += 2;
        }
    }
    *secs = (int64_t)h * 3600 + mi * 60 + s;
    return true;
}

dt_date_status_t dt_date_parse(const char *text, size_t len, int64_t *out)
{
    cursor_t c = {text, text + len};
    skip_blanks(&c);
    while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
        c.end--;
    if (c.p == c.end)
        return DT_DATE_EMPTY;
    int64_t y = 0, secs = 0;
    unsigned mo = 0, d = 0;
    cursor_t start = c;
    bool ok = iso(&c, &y, &mo, &d, &secs);
    if (!ok) {
        c = start;
        ok = us_locale(&c, &y, &mo, &d, &secs);
    }
    if (!ok || c.p != c.end || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return DT_DATE_INVALID;
    if (y <= 1)
        return DT_DATE_EMPTY;
    *out = days_from_civil(y, mo, d) * 86400 + secs;
    return DT_DATE_OK;
}

void dt_date_format(int64_t epoch, char *out, size_t cap)
{
    int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
    int64_t rem = epoch - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, cap, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
             (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

int64_t dt_date_bucket(int64_t epoch, dt_bucket_t bucket)
{
    int64_t size = bucket == DT_BUCKET_HOUR ? 3600 : 86400;
    int64_t start = epoch - ((epoch % size) + size) % size;
    if (bucket == DT_BUCKET_WEEK) {
        int64_t days = start / 86400;
        int64_t weekday = ((days % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
        start -= weekday * 86400;
    }
    return start;
}
