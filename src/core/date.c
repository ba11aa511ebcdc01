/* date.c - timestamps in the forms exports write them. No locale, no libc
 * time zone: every conversion is done here on UTC civil dates. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

#define SECONDS_PER_DAY 86400
#define YEAR_FIRST_VALUE 2     /* year 1 (and 0) is the "no value" sentinel */
#define YEAR_PAST_LAST 10000   /* four-digit years only */
#define OFFSET_MAX_MINUTES (14 * 60)
#define MONTHS 12

typedef struct {
    const char *p, *end;
} cursor_t;

/* Reads up to max digits into *out; returns how many were read (0: none). */
static unsigned digits(cursor_t *c, unsigned max, unsigned *out)
{
    unsigned n = 0, v = 0;
    while (c->p < c->end && n < max && *c->p >= '0' && *c->p <= '9')
        v = v * 10 + (unsigned)(*c->p++ - '0'), n++;
    *out = v;
    return n;
}

static bool accept(cursor_t *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Skips blanks between the parts of a date: space, tab, U+00A0 (no-break
 * space) and U+202F (narrow no-break space, which ICU 72+ puts before AM/PM).
 * Returns how many were skipped. */
static unsigned space(cursor_t *c)
{
    static const struct {
        const char *bytes;
        size_t len;
    } wide[] = {{"\xc2\xa0", 2}, {"\xe2\x80\xaf", 3}};
    unsigned n = 0;
    for (;;) {
        if (c->p < c->end && is_blank(*c->p)) {
            c->p++, n++;
            continue;
        }
        size_t i = 0;
        while (i < sizeof wide / sizeof wide[0] &&
               !((size_t)(c->end - c->p) >= wide[i].len &&
                 memcmp(c->p, wide[i].bytes, wide[i].len) == 0))
            i++;
        if (i == sizeof wide / sizeof wide[0])
            return n;
        c->p += wide[i].len, n++;
    }
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned days[MONTHS] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static bool is_date(unsigned y, unsigned m, unsigned d)
{
    return m >= 1 && m <= MONTHS && d >= 1 && d <= days_in_month(y, m);
}

/* h:mm[:ss[(.|,)fraction]], the hour in one or two digits, up to nine
 * fraction digits (ignored). Ranges are checked by the caller. */
static bool time_of_day(cursor_t *c, unsigned *h, unsigned *mi, unsigned *s)
{
    unsigned fraction;
    *s = 0;
    if (!digits(c, 2, h) || !accept(c, ':') || digits(c, 2, mi) != 2)
        return false;
    if (!accept(c, ':'))
        return true;
    if (digits(c, 2, s) != 2)
        return false;
    if (accept(c, '.') || accept(c, ','))
        return digits(c, 9, &fraction) > 0;
    return true;
}

/* Z, or +hh[[:]mm] / -hh[[:]mm] within -14:00..+14:00, as seconds east of
 * UTC; nothing at all is UTC. */
static bool zone(cursor_t *c, int64_t *offset)
{
    *offset = 0;
    if (accept(c, 'Z') || c->p == c->end || (*c->p != '+' && *c->p != '-'))
        return true;
    int sign = *c->p++ == '-' ? -1 : 1;
    unsigned oh, om = 0;
    if (digits(c, 2, &oh) != 2)
        return false;
    bool colon = accept(c, ':');
    unsigned n = digits(c, 2, &om);
    if ((colon || n) && n != 2)
        return false;
    if (om >= 60 || oh * 60 + om > OFFSET_MAX_MINUTES)
        return false;
    *offset = sign * (int64_t)(oh * 3600 + om * 60);
    return true;
}

/* AM or PM in any case; *pm says which. */
static bool meridiem(cursor_t *c, bool *pm)
{
    if (c->end - c->p < 2 || (c->p[1] != 'M' && c->p[1] != 'm'))
        return false;
    char ch = c->p[0];
    if (ch != 'A' && ch != 'a' && ch != 'P' && ch != 'p')
        return false;
    *pm = ch == 'P' || ch == 'p';
    c->p += 2;
    return true;
}

/* The order a year-last culture form is usually written in, and by whom. */
static void likely_order(dt_date_shape_t *shape, char sep, bool ampm, unsigned first_width,
                         unsigned second_width, unsigned second)
{
    shape->likely = DT_ORDER_DMY;
    if (sep == '.') {
        shape->written_by = "de-DE exports";
    } else if (sep == '-') {
        shape->written_by = "nl-NL exports";
    } else if (!ampm) {
        shape->written_by = "en-GB and fr-FR exports";
    } else if (first_width == 1 && second_width == 2 && second < 10) {
        shape->padding_hint = true; /* d/MM/yyyy: en-US never pads the day */
        shape->written_by = "en-AU exports";
    } else {
        shape->likely = DT_ORDER_MDY;
        shape->written_by = "en-US exports and the Log Analytics portal";
    }
}

dt_date_status_t dt_date_read(const char *text, size_t len, dt_date_order_t order, int64_t *out,
                              dt_date_shape_t *shape)
{
    dt_date_shape_t unused;
    if (!shape)
        shape = &unused;
    memset(shape, 0, sizeof *shape);
    cursor_t c = {text, text + len};
    while (c.p < c.end && is_blank(*c.p))
        c.p++;
    while (c.end > c.p && is_blank(c.end[-1]))
        c.end--;
    if (c.p == c.end)
        return DT_DATE_EMPTY;

    /* three numbers with one separator: yyyy?m?d or d?m?yyyy / m?d?yyyy */
    unsigned n1, n2, n3;
    unsigned w1 = digits(&c, 4, &n1);
    if (!w1 || c.p == c.end || (*c.p != '/' && *c.p != '.' && *c.p != '-'))
        return DT_DATE_INVALID;
    char sep = *c.p++;
    unsigned w2 = digits(&c, 2, &n2);
    if (!w2 || !accept(&c, sep))
        return DT_DATE_INVALID;
    unsigned w3 = digits(&c, 4, &n3);
    bool year_first = w1 == 4;
    if (!w3 || (year_first ? w3 > 2 : w1 > 2 || w3 != 4))
        return DT_DATE_INVALID;
    bool fixed = year_first && sep == '-' && w2 == 2 && w3 == 2; /* ISO 8601, CQD */

    unsigned h = 0, mi = 0, s = 0;
    int64_t offset = 0;
    bool ampm = false, pm = false;
    if (c.p < c.end) {
        if (!(fixed && accept(&c, 'T'))) {
            if (!fixed)
                accept(&c, ','); /* Log Analytics: "3/1/2024, 8:00:05.123 AM" */
            if (!space(&c))
                return DT_DATE_INVALID;
        }
        if (!time_of_day(&c, &h, &mi, &s))
            return DT_DATE_INVALID;
        if (fixed) {
            if (!zone(&c, &offset))
                return DT_DATE_INVALID;
        } else {
            space(&c);
            ampm = meridiem(&c, &pm);
        }
        if (c.p != c.end)
            return DT_DATE_INVALID;
    }
    if (ampm ? h < 1 || h > 12 : h > 23)
        return DT_DATE_INVALID;
    if (ampm)
        h = h % 12 + (pm ? 12 : 0);
    if (mi > 59 || s > 60) /* 60: a leap second */
        return DT_DATE_INVALID;

    unsigned y, m, d;
    if (year_first) {
        shape->culture = shape->year_first = !fixed;
        y = n1, m = n2, d = n3;
        if (!is_date(y, m, d))
            return DT_DATE_INVALID;
        if (y < YEAR_FIRST_VALUE)
            return DT_DATE_EMPTY;
    } else {
        shape->culture = true;
        likely_order(shape, sep, ampm, w1, w2, n2);
        y = n3;
        bool dmy = is_date(y, n2, n1), mdy = is_date(y, n1, n2);
        if (!dmy && !mdy)
            return DT_DATE_INVALID;
        shape->proves = dmy == mdy ? DT_ORDER_NONE : dmy ? DT_ORDER_DMY : DT_ORDER_MDY;
        if (y < YEAR_FIRST_VALUE)
            return DT_DATE_EMPTY;
        dt_date_order_t use = order == DT_ORDER_NONE ? shape->proves : order;
        if (use == DT_ORDER_NONE)
            return DT_DATE_AMBIGUOUS;
        if (use == DT_ORDER_YMD || (use == DT_ORDER_DMY ? !dmy : !mdy))
            return DT_DATE_CONFLICT;
        d = use == DT_ORDER_DMY ? n1 : n2;
        m = use == DT_ORDER_DMY ? n2 : n1;
    }
    int64_t t = days_from_civil(y, m, d) * SECONDS_PER_DAY + (int64_t)h * 3600 + mi * 60 + s -
                offset;
    if (t < days_from_civil(YEAR_FIRST_VALUE, 1, 1) * SECONDS_PER_DAY ||
        t >= days_from_civil(YEAR_PAST_LAST, 1, 1) * SECONDS_PER_DAY)
        return DT_DATE_INVALID;
    *out = t;
    return DT_DATE_OK;
}

dt_date_status_t dt_date_parse(const char *text, size_t len, int64_t *out)
{
    return dt_date_read(text, len, DT_ORDER_NONE, out, NULL);
}

bool dt_date_parse_cutoff(const char *text, int64_t now, int64_t *out)
{
    size_t len = strlen(text);
    if (len >= 2 && (text[len - 1] == 'd' || text[len - 1] == 'D')) {
        uint64_t days = 0;
        for (size_t i = 0; i + 1 < len; i++) {
            if (text[i] < '0' || text[i] > '9' || days > DT_CUTOFF_DAYS_MAX)
                return false;
            days = days * 10 + (uint64_t)(text[i] - '0');
        }
        if (days > DT_CUTOFF_DAYS_MAX)
            return false;
        *out = dt_date_bucket(now, DT_BUCKET_DAY) - (int64_t)days * 86400;
        return true;
    }
    return dt_date_parse(text, len, out) == DT_DATE_OK;
}

static const char *const order_names[DT_ORDER_COUNT] = {NULL, "dmy", "mdy", "ymd"};

const char *dt_date_order_name(dt_date_order_t order)
{
    return order < DT_ORDER_COUNT ? order_names[order] : NULL;
}

bool dt_date_order_parse(const char *text, dt_date_order_t *out)
{
    for (int o = DT_ORDER_DMY; o < DT_ORDER_COUNT; o++)
        if (strcasecmp(text, order_names[o]) == 0) {
            *out = (dt_date_order_t)o;
            return true;
        }
    return false;
}

/* Days since 1970-01-01 of epoch, rounded down. */
static int64_t day_of(int64_t epoch)
{
    return epoch >= 0 ? epoch / SECONDS_PER_DAY
                      : -((-epoch + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
}

void dt_date_format(int64_t epoch, char *out, size_t cap)
{
    int64_t days = day_of(epoch);
    int64_t rem = epoch - days * SECONDS_PER_DAY;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, cap, "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
             (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

const char *dt_date_format_day(int64_t epoch, char out[DT_DATE_TEXT_MAX])
{
    dt_date_format(epoch, out, DT_DATE_TEXT_MAX);
    out[DT_DATE_DAY_LEN] = '\0';
    return out;
}

int dt_date_weekday(int64_t epoch)
{
    return (int)(((day_of(epoch) % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday: Monday = 0 */
}

int64_t dt_date_bucket(int64_t epoch, dt_bucket_t bucket)
{
    int64_t size = bucket == DT_BUCKET_HOUR ? 3600 : SECONDS_PER_DAY;
    int64_t start = epoch - ((epoch % size) + size) % size;
    if (bucket == DT_BUCKET_WEEK)
        start -= dt_date_weekday(start) * SECONDS_PER_DAY;
    return start;
}

int64_t dt_date_bucket_seconds(dt_bucket_t bucket)
{
    return bucket == DT_BUCKET_HOUR ? 3600 : bucket == DT_BUCKET_DAY ? SECONDS_PER_DAY
                                                                    : 7 * SECONDS_PER_DAY;
}

void dt_date_label(int64_t epoch, bool with_time, char *out, size_t cap)
{
    static const char weekdays[7][4] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    char iso[DT_DATE_LABEL];
    dt_date_format(epoch, iso, sizeof iso); /* YYYY-MM-DDTHH:MM:SSZ */
    snprintf(out, cap, "%s %.10s%s%.*s", weekdays[dt_date_weekday(epoch)], iso,
             with_time ? " " : "", with_time ? 5 : 0, iso + 11);
}
