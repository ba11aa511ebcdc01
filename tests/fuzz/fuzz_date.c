/* fuzz_date.c - libFuzzer harness for the date parser and the per-input
 * order decision. The whole input is one value, copied to a buffer of
 * exactly its size (AddressSanitizer catches any read past len), read in
 * every order; then its lines are the start times of one input, fed to the
 * order tracker. Invariants:
 *   - a status that fits the order (AMBIGUOUS only undecided, CONFLICT only
 *     with an order), *out written only with OK, and a time in years 2..9999;
 *   - dt_date_format's output of every time read reads back to that time;
 *   - the orders agree: what reads undecided reads the same in the order it
 *     proves and conflicts with the other; an ambiguous value reads in dmy
 *     and mdy (differently unless day equals month) and conflicts with ymd;
 *     empty is empty in every order; invalid is never read in any;
 *   - the tracker never holds once the order is known, ends decided when it
 *     held anything, and its notes fit any buffer. */
#include <stdlib.h>
#include <string.h>

#include "dt_date.h"
#include "dt_date_order.h"
#include "fuzz_common.h"

#define SENTINEL_OUT 0x5a5a5a5a5a5aLL
#define YEAR_2 (-62104060800LL)     /* 0002-01-01T00:00:00Z */
#define YEAR_10000 253402300800LL   /* 10000-01-01T00:00:00Z */

static dt_date_status_t read_checked(const char *text, size_t len, dt_date_order_t order,
                                     int64_t *t, dt_date_shape_t *shape)
{
    *t = SENTINEL_OUT;
    dt_date_status_t st = dt_date_read(text, len, order, t, shape);
    CHECK(st <= DT_DATE_CONFLICT);
    CHECK(st != DT_DATE_AMBIGUOUS || order == DT_ORDER_NONE);
    CHECK(st != DT_DATE_CONFLICT || order != DT_ORDER_NONE);
    if (st != DT_DATE_OK) {
        CHECK(*t == SENTINEL_OUT);
        return st;
    }
    CHECK(*t >= YEAR_2 && *t < YEAR_10000);
    char iso[DT_DATE_TEXT_MAX];
    dt_date_format(*t, iso, sizeof iso);
    CHECK(strlen(iso) == DT_DATE_TEXT_MAX - 1);
    int64_t again;
    dt_date_shape_t iso_shape;
    CHECK(dt_date_read(iso, strlen(iso), DT_ORDER_NONE, &again, &iso_shape) == DT_DATE_OK);
    CHECK(again == *t && !iso_shape.culture);
    return st;
}

static void one_value(const char *text, size_t len)
{
    int64_t t[DT_ORDER_COUNT];
    dt_date_shape_t shape[DT_ORDER_COUNT];
    dt_date_status_t st[DT_ORDER_COUNT];
    for (int o = 0; o < DT_ORDER_COUNT; o++)
        st[o] = read_checked(text, len, (dt_date_order_t)o, &t[o], &shape[o]);
    for (int o = 1; o < DT_ORDER_COUNT; o++) /* the form is the same in every order */
        CHECK(memcmp(&shape[o], &shape[0], sizeof shape[0]) == 0);
    const dt_date_shape_t *s = &shape[0];
    CHECK(!s->year_first || s->culture);
    CHECK(s->proves == DT_ORDER_NONE || (s->culture && !s->year_first));
    CHECK((s->culture && !s->year_first) == (s->written_by != NULL));
    int64_t parsed;
    CHECK(dt_date_parse(text, len, &parsed) == st[0]);
    switch (st[0]) {
    case DT_DATE_OK:
        for (int o = 1; o < DT_ORDER_COUNT; o++)
            if (s->proves == DT_ORDER_NONE || (int)s->proves == o)
                CHECK(st[o] == DT_DATE_OK && t[o] == t[0]);
            else
                CHECK(st[o] == DT_DATE_CONFLICT);
        break;
    case DT_DATE_AMBIGUOUS:
        CHECK(s->culture && !s->year_first && s->proves == DT_ORDER_NONE);
        CHECK(s->likely == DT_ORDER_DMY || s->likely == DT_ORDER_MDY);
        CHECK(st[DT_ORDER_DMY] == DT_DATE_OK && st[DT_ORDER_MDY] == DT_DATE_OK);
        CHECK(st[DT_ORDER_YMD] == DT_DATE_CONFLICT);
        break;
    case DT_DATE_EMPTY:
        for (int o = 1; o < DT_ORDER_COUNT; o++)
            CHECK(st[o] == DT_DATE_EMPTY);
        break;
    default:
        for (int o = 1; o < DT_ORDER_COUNT; o++)
            CHECK(st[o] == DT_DATE_INVALID || st[o] == DT_DATE_CONFLICT);
        break;
    }
}

/* The input's lines as one input's start times, undecided and with each order. */
static void one_input(const char *text, size_t len)
{
    for (int given = 0; given < DT_ORDER_COUNT; given++) {
        dt_date_order_state_t state;
        dt_date_order_begin(&state, (dt_date_order_t)given);
        bool holding = false;
        uint64_t line = 2;
        for (const char *p = text, *end = text + len; p < end; line++) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            dt_date_order_t before = state.order;
            int64_t t;
            dt_date_status_t status;
            dt_date_step_t step = dt_date_order_read(&state, p, n, line, holding, &t, &status);
            CHECK(step == DT_DATE_USE || before == DT_ORDER_NONE);
            CHECK(step != DT_DATE_DECIDED || (holding && state.order != DT_ORDER_NONE));
            CHECK(status != DT_DATE_AMBIGUOUS || step == DT_DATE_HOLD);
            holding |= step == DT_DATE_HOLD;
            if (step == DT_DATE_DECIDED)
                holding = false; /* replayed */
            p += n + (nl != NULL);
        }
        dt_date_order_finish(&state);
        CHECK(!holding || state.order != DT_ORDER_NONE);
        dt_input_dates_t sum = dt_date_order_summary(&state);
        CHECK((sum.order == DT_ORDER_NONE) == (sum.from == DT_ORDER_FROM_NONE));
        CHECK(sum.line == 0 || sum.from == DT_ORDER_FROM_DATA);
        char note[DT_DATE_NOTE_MAX], tiny[8];
        bool said = dt_date_order_note(&state, "in.csv", note, sizeof note);
        CHECK(memchr(note, '\0', sizeof note) && (said || note[0] == '\0'));
        CHECK(said == (state.from == DT_ORDER_FROM_DATA || state.from == DT_ORDER_FROM_ASSUMPTION));
        dt_date_order_note(&state, "in.csv", tiny, sizeof tiny);
        CHECK(memchr(tiny, '\0', sizeof tiny));
        said = dt_date_order_conflict_note(&state, "in.csv", note, sizeof note);
        CHECK(memchr(note, '\0', sizeof note) && said == (state.conflicts > 0));
        dt_date_order_conflict_note(&state, "in.csv", tiny, sizeof tiny);
        CHECK(memchr(tiny, '\0', sizeof tiny));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    CHECK(text != NULL);
    if (size)
        memcpy(text, data, size);
    one_value(text, size);
    one_input(text, size);
    free(text);
    return 0;
}
