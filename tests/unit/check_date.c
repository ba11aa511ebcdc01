/* check_date.c - every timestamp form the exports write, in every order; the
 * per-input order decision and its notes; the buckets. */
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "dt_date.h"
#include "dt_date_order.h"

static dt_date_status_t read_in(const char *text, dt_date_order_t order, int64_t *t,
                                dt_date_shape_t *shape)
{
    return dt_date_read(text, strlen(text), order, t, shape);
}

static int64_t read_ok(const char *text, dt_date_order_t order)
{
    int64_t t = -1;
    dt_date_status_t st = read_in(text, order, &t, NULL);
    ck_assert_msg(st == DT_DATE_OK, "'%s' (order %d) should read, got status %d", text, order,
                  st);
    return t;
}

/* text read in order gives want (an ISO time), and formatting it reads back. */
static void assert_reads(const char *text, dt_date_order_t order, const char *want)
{
    char got[DT_DATE_TEXT_MAX];
    int64_t t = read_ok(text, order);
    dt_date_format(t, got, sizeof got);
    ck_assert_msg(strcmp(got, want) == 0, "'%s' read as %s, want %s", text, got, want);
    ck_assert_int_eq(read_ok(got, DT_ORDER_NONE), t);
}

static void assert_status(const char *text, dt_date_order_t order, dt_date_status_t want)
{
    int64_t t = 42;
    dt_date_status_t got = read_in(text, order, &t, NULL);
    ck_assert_msg(got == want, "'%s' (order %d): status %d, want %d", text, order, got, want);
    if (got != DT_DATE_OK)
        ck_assert_msg(t == 42, "'%s': *out written with status %d", text, got);
}

START_TEST(iso_forms)
{
    assert_reads("2026-11-01T08:00:00Z", DT_ORDER_NONE, "2026-11-01T08:00:00Z");
    assert_reads("2026-11-01T08:00:00.123Z", DT_ORDER_NONE, "2026-11-01T08:00:00Z");
    assert_reads("2026-11-01T08:00:00.1234567Z", DT_ORDER_NONE, "2026-11-01T08:00:00Z");
    assert_reads("2026-11-01T08:00:00.1Z", DT_ORDER_NONE, "2026-11-01T08:00:00Z");
    assert_reads("2026-11-01T08:00:00", DT_ORDER_NONE, "2026-11-01T08:00:00Z");
    assert_reads("2026-11-01T08:00Z", DT_ORDER_NONE, "2026-11-01T08:00:00Z");
    assert_reads("2026-11-01T08:00:00+01:00", DT_ORDER_NONE, "2026-11-01T07:00:00Z");
    assert_reads("2026-11-01T23:30:00-02:00", DT_ORDER_NONE, "2026-11-02T01:30:00Z");
    assert_reads("2026-11-01", DT_ORDER_NONE, "2026-11-01T00:00:00Z");
    assert_reads("  2024-02-29T12:00:00Z ", DT_ORDER_NONE, "2024-02-29T12:00:00Z");
    assert_reads("2020-02-06 20:57:53.1750000", DT_ORDER_NONE, "2020-02-06T20:57:53Z"); /* CQD */
    assert_reads("2016-12-31T23:59:60Z", DT_ORDER_NONE, "2017-01-01T00:00:00Z"); /* leap second */
    ck_assert_int_eq(read_ok("1970-01-01T00:00:00Z", DT_ORDER_NONE), 0);
    /* a fixed form reads the same in every order */
    for (int o = DT_ORDER_NONE; o < DT_ORDER_COUNT; o++)
        ck_assert_int_eq(read_ok("2024-03-01T08:00:05Z", (dt_date_order_t)o), 1709280005);
}
END_TEST

START_TEST(offsets)
{
    assert_reads("2024-03-01T08:00:05+14:00", DT_ORDER_NONE, "2024-02-29T18:00:05Z");
    assert_reads("2024-03-01T08:00:05-14:00", DT_ORDER_NONE, "2024-03-01T22:00:05Z");
    assert_reads("2024-03-01T08:00:05+0530", DT_ORDER_NONE, "2024-03-01T02:30:05Z");
    assert_reads("2024-03-01T08:00:05+05", DT_ORDER_NONE, "2024-03-01T03:00:05Z");
    assert_reads("2024-03-01T08:00:05-00:00", DT_ORDER_NONE, "2024-03-01T08:00:05Z");
    static const char *const bad[] = {
        "2024-03-01T08:00:05+99:99", "2024-03-01T08:00:05+14:01", "2024-03-01T08:00:05-15:00",
        "2024-03-01T08:00:05+05:60", "2024-03-01T08:00:05+9999",  "2024-03-01T08:00:05+05:",
        "2024-03-01T08:00:05+053",   "2024-03-01T08:00:05+5",     "2024-03-01T08:00:05+",
        "2024-03-01T08:00:05Z+01:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        for (int o = DT_ORDER_NONE; o < DT_ORDER_COUNT; o++)
            assert_status(bad[i], (dt_date_order_t)o, DT_DATE_INVALID);
}
END_TEST

typedef struct {
    const char *text;
    dt_date_order_t order; /* the culture's order */
    const char *want;
} culture_case_t;

/* 2024-03-01 08:00:05 UTC as each culture writes it (exports.md), and a
 * value of each with a day above 12, read in the culture's order. */
static const culture_case_t cultures[] = {
    {"3/1/2024 8:00:05 AM", DT_ORDER_MDY, "2024-03-01T08:00:05Z"},          /* en-US */
    {"3/14/2024 8:00:05 PM", DT_ORDER_MDY, "2024-03-14T20:00:05Z"},
    {"01/03/2024 08:00:05", DT_ORDER_DMY, "2024-03-01T08:00:05Z"},          /* en-GB, fr-FR */
    {"14/03/2024 20:00:05", DT_ORDER_DMY, "2024-03-14T20:00:05Z"},
    {"01.03.2024 08:00:05", DT_ORDER_DMY, "2024-03-01T08:00:05Z"},          /* de-DE */
    {"14.03.2024 20:00:05", DT_ORDER_DMY, "2024-03-14T20:00:05Z"},
    {"1-3-2024 08:00:05", DT_ORDER_DMY, "2024-03-01T08:00:05Z"},            /* nl-NL */
    {"01-03-2024 08:00:05", DT_ORDER_DMY, "2024-03-01T08:00:05Z"},
    {"14-3-2024 20:00:05", DT_ORDER_DMY, "2024-03-14T20:00:05Z"},
    {"1/03/2024 8:00:05 AM", DT_ORDER_DMY, "2024-03-01T08:00:05Z"},         /* en-AU */
    {"14/03/2024 8:00:05 PM", DT_ORDER_DMY, "2024-03-14T20:00:05Z"},
    {"03/01/2024 08:00:05", DT_ORDER_MDY, "2024-03-01T08:00:05Z"},          /* invariant */
    {"03/14/2024 20:00:05", DT_ORDER_MDY, "2024-03-14T20:00:05Z"},
    {"3/1/2024, 8:00:05.123 AM", DT_ORDER_MDY, "2024-03-01T08:00:05Z"},     /* Log Analytics */
    {"6/11/2023, 10:15:30.123 PM", DT_ORDER_MDY, "2023-06-11T22:15:30Z"},
    {"3/1/2024 8:00:05\xe2\x80\xaf" "AM", DT_ORDER_MDY, "2024-03-01T08:00:05Z"}, /* U+202F */
    {"3/1/2024 8:00:05\xc2\xa0PM", DT_ORDER_MDY, "2024-03-01T20:00:05Z"},      /* U+00A0 */
    {"12/31/2023 12:00:00 AM", DT_ORDER_MDY, "2023-12-31T00:00:00Z"},
    {"12/31/2023 12:59:59 PM", DT_ORDER_MDY, "2023-12-31T12:59:59Z"},
    {"1/2/2024 3:04:05 am", DT_ORDER_MDY, "2024-01-02T03:04:05Z"},
    {"01/03/2024 08:00", DT_ORDER_DMY, "2024-03-01T08:00:00Z"},             /* Excel: no seconds */
    {"01/03/2024", DT_ORDER_DMY, "2024-03-01T00:00:00Z"},
    {"29/02/2024 08:00:05", DT_ORDER_DMY, "2024-02-29T08:00:05Z"},
};

START_TEST(culture_forms)
{
    const culture_case_t *c = &cultures[_i];
    assert_reads(c->text, c->order, c->want);
}
END_TEST

START_TEST(year_first_forms)
{
    /* ja-JP and Log Analytics yyyy/MM/dd: year first reads in every order */
    static const char *const forms[] = {"2024/03/01 8:00:05", "2024/03/01 8:00:05.123",
                                        "2024/3/1 8:00:05", "2024.03.01 08:00:05"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        for (int o = DT_ORDER_NONE; o < DT_ORDER_COUNT; o++)
            assert_reads(forms[i], (dt_date_order_t)o, "2024-03-01T08:00:05Z");
    dt_date_shape_t shape;
    int64_t t;
    ck_assert_int_eq(read_in("2024/03/01 8:00:05", DT_ORDER_NONE, &t, &shape), DT_DATE_OK);
    ck_assert(shape.culture && shape.year_first);
    ck_assert_int_eq(shape.proves, DT_ORDER_NONE);
    ck_assert_int_eq(read_in("2024-03-01 08:00:05", DT_ORDER_NONE, &t, &shape), DT_DATE_OK);
    ck_assert(!shape.culture && !shape.year_first);
}
END_TEST

START_TEST(sentinels)
{
    static const char *const empty[] = {"0001-01-01T00:00:00Z", "1/1/0001 12:00:00 AM",
                                        "01/01/0001 00:00:00",  "01.01.0001 00:00:00",
                                        "0001/01/01 0:00:00",   "1-1-0001 00:00:00",
                                        "",                     "   "};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        for (int o = DT_ORDER_NONE; o < DT_ORDER_COUNT; o++)
            assert_status(empty[i], (dt_date_order_t)o, DT_DATE_EMPTY);
}
END_TEST

typedef struct {
    const char *text;
    dt_date_order_t proves, likely;
    bool hint;
    const char *written_by;
} shape_case_t;

static const shape_case_t shapes[] = {
    {"01/03/2024 08:00:05", DT_ORDER_NONE, DT_ORDER_DMY, false, "en-GB and fr-FR exports"},
    {"3/1/2024 8:00:05 AM", DT_ORDER_NONE, DT_ORDER_MDY, false, "en-US exports"},
    {"3/1/2024, 8:00:05.123 AM", DT_ORDER_NONE, DT_ORDER_MDY, false, "Log Analytics"},
    {"1/03/2024 8:00:05 AM", DT_ORDER_NONE, DT_ORDER_DMY, true, "en-AU exports"},
    {"10/03/2024 8:00:05 AM", DT_ORDER_NONE, DT_ORDER_MDY, false, "en-US exports"},
    {"01.03.2024 08:00:05", DT_ORDER_NONE, DT_ORDER_DMY, false, "de-DE exports"},
    {"1-3-2024 08:00:05", DT_ORDER_NONE, DT_ORDER_DMY, false, "nl-NL exports"},
    {"13/03/2024 08:00:05", DT_ORDER_DMY, DT_ORDER_DMY, false, "en-GB"},
    {"03/13/2024 08:00:05", DT_ORDER_MDY, DT_ORDER_DMY, false, "en-GB"},
    {"3/13/2024 8:00:05 PM", DT_ORDER_MDY, DT_ORDER_MDY, false, "en-US"},
    {"31.12.2024 08:00:05", DT_ORDER_DMY, DT_ORDER_DMY, false, "de-DE"},
};

/* What one value proves and suggests, and how each order reads it. */
START_TEST(ambiguity)
{
    const shape_case_t *c = &shapes[_i];
    dt_date_shape_t shape;
    int64_t t = 42;
    dt_date_status_t st = read_in(c->text, DT_ORDER_NONE, &t, &shape);
    ck_assert_msg(st == (c->proves == DT_ORDER_NONE ? DT_DATE_AMBIGUOUS : DT_DATE_OK),
                  "'%s': status %d", c->text, st);
    ck_assert(shape.culture && !shape.year_first);
    ck_assert_int_eq(shape.proves, c->proves);
    ck_assert_int_eq(shape.likely, c->likely);
    ck_assert_int_eq(shape.padding_hint, c->hint);
    ck_assert_msg(strstr(shape.written_by, c->written_by), "'%s': written by '%s'", c->text,
                  shape.written_by);
    if (c->proves == DT_ORDER_NONE) {
        /* both orders read it, to different days; year first cannot */
        ck_assert_int_ne(read_ok(c->text, DT_ORDER_DMY), read_ok(c->text, DT_ORDER_MDY));
        assert_status(c->text, DT_ORDER_YMD, DT_DATE_CONFLICT);
    } else {
        dt_date_order_t other = c->proves == DT_ORDER_DMY ? DT_ORDER_MDY : DT_ORDER_DMY;
        ck_assert_int_eq(read_ok(c->text, c->proves), t);
        assert_status(c->text, other, DT_DATE_CONFLICT);
        assert_status(c->text, DT_ORDER_YMD, DT_DATE_CONFLICT);
    }
}
END_TEST

START_TEST(invalid_forms)
{
    static const char *const bad[] = {
        "yesterday", "2026-13-01", "2026-02-30", "2023-02-29", "2026-11-01T25:00:00Z",
        "2026-11-01T08:00Zjunk", "2026-11-01T", "13/40/2023 10:00 AM", "6/11/2023 13:00:00 PM",
        "6/11/2023 0:00:00 AM", "6/11/23 10:00 AM", "13/13/2024 08:00:05", "31/02/2024",
        "00/01/2024", "01/00/2024", "2024/13/01 8:00:05", "2024/02/30", "01/03-2024",
        "01.03/2024", "01/03/2024 8:00:05 XM", "01/03/202408:00:05", "01/03/2024 8:0:05",
        "01/03/2024 24:00:00", "01/03/2024 08:60:00", "01/03/2024 08:00:61", "001/03/2024",
        "01/003/2024", "01/03/20245", "1/3/2024 8:00:05 AM PM", "01/03/2024 08:00:05Z",
        "01/03/2024 08:00:05.", "2024-03-01T08:00:05.1234567890Z", "2024-03-01 AM", "/03/2024",
        "2024", "2024-03", "9999-12-31T23:00:00-14:00", "0002-01-01T00:00:00+01:00",
        "2024-03-01T08:00:05 PM"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        for (int o = DT_ORDER_NONE; o < DT_ORDER_COUNT; o++)
            assert_status(bad[i], (dt_date_order_t)o, DT_DATE_INVALID);
}
END_TEST

START_TEST(range)
{
    assert_reads("9999-12-31T23:59:59Z", DT_ORDER_NONE, "9999-12-31T23:59:59Z");
    assert_reads("31/12/9999 23:59:59", DT_ORDER_DMY, "9999-12-31T23:59:59Z");
    assert_reads("0002-01-01T00:00:00Z", DT_ORDER_NONE, "0002-01-01T00:00:00Z");
    assert_reads("0002-01-01T00:00:00-14:00", DT_ORDER_NONE, "0002-01-01T14:00:00Z");
}
END_TEST

START_TEST(never_reads_past_len)
{
    int64_t t;
    /* "2026-11-01T08..." cut after the date: only the date is seen */
    ck_assert_int_eq(dt_date_read("2026-11-01T08:00:00Z", 10, DT_ORDER_NONE, &t, NULL),
                     DT_DATE_OK);
    char got[DT_DATE_TEXT_MAX];
    dt_date_format(t, got, sizeof got);
    ck_assert_str_eq(got, "2026-11-01T00:00:00Z");
    /* "13/03/2024 08:00:05 PM" cut before PM: a 24-hour time */
    ck_assert_int_eq(dt_date_read("13/03/2024 08:00:05 PM", 19, DT_ORDER_NONE, &t, NULL),
                     DT_DATE_OK);
    dt_date_format(t, got, sizeof got);
    ck_assert_str_eq(got, "2024-03-13T08:00:05Z");
    /* the wide spaces cut in the middle are not spaces */
    ck_assert_int_eq(dt_date_read("3/1/2024 8:00:05\xe2\x80\xaf" "AM", 18, DT_ORDER_MDY, &t,
                                  NULL),
                     DT_DATE_INVALID);
}
END_TEST

START_TEST(order_names)
{
    dt_date_order_t o = DT_ORDER_NONE;
    ck_assert(dt_date_order_parse("DMY", &o) && o == DT_ORDER_DMY);
    ck_assert(dt_date_order_parse("mdy", &o) && o == DT_ORDER_MDY);
    ck_assert(dt_date_order_parse("ymd", &o) && o == DT_ORDER_YMD);
    ck_assert(!dt_date_order_parse("ydm", &o) && o == DT_ORDER_YMD);
    ck_assert(!dt_date_order_parse("", &o));
    ck_assert_str_eq(dt_date_order_name(DT_ORDER_MDY), "mdy");
    ck_assert_ptr_null(dt_date_order_name(DT_ORDER_NONE));
    ck_assert_str_eq(dt_order_source_name(DT_ORDER_FROM_ASSUMPTION), "assumed");
    ck_assert_ptr_null(dt_order_source_name(DT_ORDER_FROM_NONE));
}
END_TEST

START_TEST(buckets)
{
    int64_t t = read_ok("2026-11-01T08:45:10Z", DT_ORDER_NONE); /* a Sunday */
    char got[DT_DATE_TEXT_MAX];
    dt_date_format(dt_date_bucket(t, DT_BUCKET_HOUR), got, sizeof got);
    ck_assert_str_eq(got, "2026-11-01T08:00:00Z");
    dt_date_format(dt_date_bucket(t, DT_BUCKET_DAY), got, sizeof got);
    ck_assert_str_eq(got, "2026-11-01T00:00:00Z");
    dt_date_format(dt_date_bucket(t, DT_BUCKET_WEEK), got, sizeof got);
    ck_assert_str_eq(got, "2026-10-26T00:00:00Z"); /* ISO weeks start on Monday */
    t = read_ok("2026-10-26T00:00:00Z", DT_ORDER_NONE);
    ck_assert_int_eq(dt_date_bucket(t, DT_BUCKET_WEEK), t);
    t = read_ok("1969-12-31T23:59:59Z", DT_ORDER_NONE);
    dt_date_format(dt_date_bucket(t, DT_BUCKET_DAY), got, sizeof got);
    ck_assert_str_eq(got, "1969-12-31T00:00:00Z");
}
END_TEST

/* ---- the per-input decision ---- */

/* One start time fed to the tracker, and what must come of it. */
typedef struct {
    const char *text;
    uint64_t line;
    bool holding;
    dt_date_step_t step;
    dt_date_status_t status;
} feed_t;

/* Feeds one input's start times to a fresh tracker (given: --date-order),
 * checking each step, then ends the input. */
static void feed(dt_date_order_state_t *s, dt_date_order_t given, const feed_t *f, size_t n)
{
    dt_date_order_begin(s, given);
    for (size_t i = 0; i < n; i++) {
        int64_t t;
        dt_date_status_t st;
        dt_date_step_t step =
            dt_date_order_read(s, f[i].text, strlen(f[i].text), f[i].line, f[i].holding, &t, &st);
        ck_assert_msg(step == f[i].step && st == f[i].status,
                      "'%s' at line %llu: step %d status %d, want %d %d", f[i].text,
                      (unsigned long long)f[i].line, step, st, f[i].step, f[i].status);
    }
    dt_date_order_finish(s);
}

#define FEED(s, given, f) feed((s), (given), (f), sizeof(f) / sizeof((f)[0]))

/* The summary, the note and the conflict note (NULL: none) the input ends with. */
static void assert_outcome(const dt_date_order_state_t *s, dt_input_dates_t want,
                           const char *note, const char *conflict_note)
{
    dt_input_dates_t got = dt_date_order_summary(s);
    ck_assert_int_eq(got.order, want.order);
    ck_assert_int_eq(got.from, want.from);
    ck_assert_uint_eq(got.line, want.line);
    ck_assert_uint_eq(got.conflicts, want.conflicts);
    char text[DT_DATE_NOTE_MAX];
    ck_assert_int_eq(dt_date_order_note(s, "x.csv", text, sizeof text), note != NULL);
    ck_assert_str_eq(text, note ? note : "");
    ck_assert_int_eq(dt_date_order_conflict_note(s, "x.csv", text, sizeof text),
                     conflict_note != NULL);
    ck_assert_str_eq(text, conflict_note ? conflict_note : "");
}

START_TEST(decided_by_a_late_row)
{
    static const feed_t f[] = {
        {"2024-03-01T08:00:00Z", 2, false, DT_DATE_USE, DT_DATE_OK},
        {"01/03/2024 08:00:05", 3, false, DT_DATE_HOLD, DT_DATE_AMBIGUOUS},
        /* once rows are held, every row follows them, whatever its date */
        {"2024-03-01T08:00:00Z", 4, true, DT_DATE_HOLD, DT_DATE_OK},
        {"not a date", 5, true, DT_DATE_HOLD, DT_DATE_INVALID},
        {"02/03/2024 08:00:05", 6, true, DT_DATE_HOLD, DT_DATE_AMBIGUOUS},
        {"13/03/2024 08:00:05", 7, true, DT_DATE_DECIDED, DT_DATE_OK},
        /* the replay reads the held values in the decided order */
        {"01/03/2024 08:00:05", 3, true, DT_DATE_USE, DT_DATE_OK},
        {"03/13/2024 08:00:05", 8, false, DT_DATE_USE, DT_DATE_CONFLICT},
    };
    dt_date_order_state_t s;
    FEED(&s, DT_ORDER_NONE, f);
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_DMY, DT_ORDER_FROM_DATA, 7, 1},
                   "dates in x.csv are read day first: '13/03/2024 08:00:05' at line 7 is the "
                   "first with a day above 12; the 2 ambiguous dates before it are read the same "
                   "way",
                   "1 date in x.csv cannot be read day first (as line 7 decided), e.g. "
                   "'03/13/2024 08:00:05' at line 8: it counts as undated");
}
END_TEST

START_TEST(decided_before_any_doubt)
{
    static const feed_t f[] = {
        {"3/14/2024 8:00:05 AM", 2, false, DT_DATE_USE, DT_DATE_OK},
        {"3/1/2024 8:00:05 AM", 3, false, DT_DATE_USE, DT_DATE_OK},
    };
    dt_date_order_state_t s;
    FEED(&s, DT_ORDER_NONE, f);
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_MDY, DT_ORDER_FROM_DATA, 2, 0},
                   "dates in x.csv are read month first: '3/14/2024 8:00:05 AM' at line 2 is the "
                   "first with a day above 12",
                   NULL);
}
END_TEST

START_TEST(ambiguous_to_the_end)
{
    static const feed_t us[] = {
        {"10/03/2024 8:00:05 AM", 2, false, DT_DATE_HOLD, DT_DATE_AMBIGUOUS},
        {"11/03/2024 8:00:05 AM", 3, true, DT_DATE_HOLD, DT_DATE_AMBIGUOUS},
    };
    dt_date_order_state_t s;
    FEED(&s, DT_ORDER_NONE, us); /* slashes with AM/PM: en-US */
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_MDY, DT_ORDER_FROM_ASSUMPTION, 0, 0},
                   "2 dates in x.csv are ambiguous (every day and month 12 or less, e.g. "
                   "'10/03/2024 8:00:05 AM' at line 2): read month first, as en-US exports and "
                   "the Log Analytics portal write them; say --date-order dmy if this export was "
                   "saved day first",
                   NULL);

    /* a later value padded d/MM (en-AU) outweighs the form alone */
    static const feed_t au[] = {
        {"10/03/2024 8:00:05 AM", 2, false, DT_DATE_HOLD, DT_DATE_AMBIGUOUS},
        {"9/03/2024 8:00:05 AM", 3, true, DT_DATE_HOLD, DT_DATE_AMBIGUOUS},
        {"11/03/2024 8:00:05 AM", 4, true, DT_DATE_HOLD, DT_DATE_AMBIGUOUS},
    };
    FEED(&s, DT_ORDER_NONE, au);
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_DMY, DT_ORDER_FROM_ASSUMPTION, 0, 0},
                   "3 dates in x.csv are ambiguous (every day and month 12 or less, e.g. "
                   "'9/03/2024 8:00:05 AM' at line 3): read day first, as en-AU exports write "
                   "them; say --date-order mdy if this export was saved month first",
                   NULL);

    static const feed_t one[] = {{"01.03.2024", 9, false, DT_DATE_HOLD, DT_DATE_AMBIGUOUS}};
    FEED(&s, DT_ORDER_NONE, one);
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_DMY, DT_ORDER_FROM_ASSUMPTION, 0, 0},
                   "1 date in x.csv is ambiguous ('01.03.2024' at line 9: day and month 12 or "
                   "less): read day first, as de-DE exports write them; say --date-order mdy if "
                   "this export was saved month first",
                   NULL);
}
END_TEST

START_TEST(given_order)
{
    static const feed_t f[] = {
        {"01/03/2024 08:00:05", 2, false, DT_DATE_USE, DT_DATE_OK},
        {"13/03/2024 08:00:05", 3, false, DT_DATE_USE, DT_DATE_CONFLICT},
        {"14/03/2024 08:00:05", 4, false, DT_DATE_USE, DT_DATE_CONFLICT},
    };
    dt_date_order_state_t s;
    FEED(&s, DT_ORDER_MDY, f); /* the user said it: no note on the order */
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_MDY, DT_ORDER_FROM_OPTION, 0, 2}, NULL,
                   "2 dates in x.csv cannot be read month first (--date-order mdy), e.g. "
                   "'13/03/2024 08:00:05' at line 3: they count as undated");

    /* an order given for an input without culture dates is not reported */
    static const feed_t iso[] = {{"2024-03-01T08:00:05Z", 2, false, DT_DATE_USE, DT_DATE_OK}};
    FEED(&s, DT_ORDER_DMY, iso);
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_NONE, DT_ORDER_FROM_NONE, 0, 0}, NULL, NULL);
}
END_TEST

START_TEST(year_first_input)
{
    static const feed_t f[] = {
        {"0001/01/01 0:00:00", 2, false, DT_DATE_USE, DT_DATE_EMPTY},
        {"2024/03/01 8:00:05", 3, false, DT_DATE_USE, DT_DATE_OK},
    };
    dt_date_order_state_t s;
    FEED(&s, DT_ORDER_NONE, f); /* nothing was in doubt: no note */
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_YMD, DT_ORDER_FROM_DATA, 3, 0}, NULL, NULL);

    /* fixed forms only: nothing to report */
    static const feed_t iso[] = {{"2024-03-01T08:00:05Z", 2, false, DT_DATE_USE, DT_DATE_OK}};
    FEED(&s, DT_ORDER_NONE, iso);
    assert_outcome(&s, (dt_input_dates_t){DT_ORDER_NONE, DT_ORDER_FROM_NONE, 0, 0}, NULL, NULL);
}
END_TEST

START_TEST(weekdays_and_labels)
{
    int64_t t = 0;
    ck_assert_int_eq(dt_date_parse("2026-11-24T10:15:59Z", 20, &t), DT_DATE_OK);
    ck_assert_int_eq(dt_date_weekday(t), 1); /* a Tuesday */
    ck_assert_int_eq(dt_date_weekday(0), 3); /* 1970-01-01 was a Thursday */
    ck_assert_int_eq(dt_date_weekday(-1), 2); /* and the day before a Wednesday */
    char label[DT_DATE_LABEL];
    dt_date_label(t, false, label, sizeof label);
    ck_assert_str_eq(label, "Tue 2026-11-24");
    dt_date_label(t, true, label, sizeof label);
    ck_assert_str_eq(label, "Tue 2026-11-24 10:15");
    dt_date_label(dt_date_bucket(t, DT_BUCKET_WEEK), false, label, sizeof label);
    ck_assert_str_eq(label, "Mon 2026-11-23");
    ck_assert_int_eq(dt_date_bucket_seconds(DT_BUCKET_HOUR), 3600);
    ck_assert_int_eq(dt_date_bucket_seconds(DT_BUCKET_DAY), 86400);
    ck_assert_int_eq(dt_date_bucket_seconds(DT_BUCKET_WEEK), 7 * 86400);
}
END_TEST

/* ---- parts of an input read apart ---- */

static const char *const merge_inputs[][10] = {
    {"2024-03-01T08:00:00Z", "01/03/2024 08:00:05", "2/03/2024 08:00:05", "junk",
     "13/03/2024 08:00:05", "01/03/2024 08:00:05", "03/13/2024 08:00:05", "03/14/2024 08:00:05",
     "2024/03/01 8:00:05", NULL},
    {"10/03/2024 8:00:05 AM", "11/03/2024 8:00:05 AM", "9/03/2024 8:00:05 AM",
     "8/03/2024 8:00:05 AM", "2024-03-01T08:00:00Z", NULL},
    {"2024/03/01 8:00:05", "01.03.2024 08:00:05", "3/14/2024 8:00:05 AM", "15.03.2024", NULL},
    {"2024-03-01T08:00:00Z", "2024-03-02T08:00:00Z", NULL},
};

/* Reads values [from, to) of an input into s (line = index + 2). */
static void read_values(dt_date_order_state_t *s, const char *const *values, size_t from,
                        size_t to)
{
    for (size_t i = from; i < to; i++) {
        int64_t t;
        dt_date_status_t st;
        dt_date_order_read(s, values[i], strlen(values[i]), i + 2, false, &t, &st);
    }
}

static void notes_of(const dt_date_order_state_t *s, char *out, size_t cap)
{
    dt_input_dates_t d = dt_date_order_summary(s);
    char note[DT_DATE_NOTE_MAX], conflict[DT_DATE_NOTE_MAX];
    dt_date_order_note(s, "x.csv", note, sizeof note);
    dt_date_order_conflict_note(s, "x.csv", conflict, sizeof conflict);
    snprintf(out, cap, "%d %d %llu %llu | %s | %s", d.order, d.from, (unsigned long long)d.line,
             (unsigned long long)d.conflicts, note, conflict);
}

/* Split at every one or two points, each part begun with the order decided
 * by then (as the parallel reader plans a part), the parts merged give the
 * whole input's summary and notes; begun undecided, a part either merges to
 * the same or is refused. */
START_TEST(merged_parts)
{
    const char *const *values = merge_inputs[_i];
    size_t n = 0;
    while (values[n])
        n++;
    dt_date_order_state_t whole;
    dt_date_order_begin(&whole, DT_ORDER_NONE);
    read_values(&whole, values, 0, n);
    dt_date_order_finish(&whole);
    char want[2 * DT_DATE_NOTE_MAX + 64], got[sizeof want];
    notes_of(&whole, want, sizeof want);
    for (int planned = 0; planned <= 1; planned++)
        for (size_t a = 0; a <= n; a++)
            for (size_t b = a; b <= n; b++) {
                size_t cuts[] = {0, a, b, n};
                dt_date_order_state_t into;
                dt_date_order_begin(&into, DT_ORDER_NONE);
                bool refused = false;
                for (size_t k = 0; k < 3 && !refused; k++) {
                    dt_date_order_state_t part;
                    dt_date_order_begin(&part, planned ? into.order : DT_ORDER_NONE);
                    read_values(&part, values, cuts[k], cuts[k + 1]);
                    refused = !dt_date_order_merge(&into, &part);
                }
                ck_assert_msg(!(planned && refused), "input %d cut %zu %zu: refused", _i, a, b);
                if (refused)
                    continue;
                dt_date_order_finish(&into);
                notes_of(&into, got, sizeof got);
                ck_assert_msg(strcmp(got, want) == 0, "input %d cut %zu %zu (%s):\n%s\nwhole:\n%s",
                              _i, a, b, planned ? "planned" : "undecided", got, want);
            }
}
END_TEST

Suite *dt_suite_date(void)
{
    Suite *s = suite_create("date");
    TCase *tc = tcase_create("date");
    tcase_add_test(tc, iso_forms);
    tcase_add_test(tc, offsets);
    tcase_add_loop_test(tc, culture_forms, 0, sizeof cultures / sizeof cultures[0]);
    tcase_add_test(tc, year_first_forms);
    tcase_add_test(tc, sentinels);
    tcase_add_loop_test(tc, ambiguity, 0, sizeof shapes / sizeof shapes[0]);
    tcase_add_test(tc, invalid_forms);
    tcase_add_test(tc, range);
    tcase_add_test(tc, never_reads_past_len);
    tcase_add_test(tc, order_names);
    tcase_add_test(tc, buckets);
    tcase_add_test(tc, weekdays_and_labels);
    suite_add_tcase(s, tc);
    TCase *order = tcase_create("order");
    tcase_add_test(order, decided_by_a_late_row);
    tcase_add_test(order, decided_before_any_doubt);
    tcase_add_test(order, ambiguous_to_the_end);
    tcase_add_test(order, given_order);
    tcase_add_test(order, year_first_input);
    tcase_add_loop_test(order, merged_parts, 0, sizeof merge_inputs / sizeof merge_inputs[0]);
    suite_add_tcase(s, order);
    return s;
}
