/* date_order.c - the per-input decision of day/month order and its notes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dt_date_order.h"

void dt_date_order_begin(dt_date_order_state_t *state, dt_date_order_t given)
{
    memset(state, 0, sizeof *state);
    state->order = given;
    state->from = given == DT_ORDER_NONE ? DT_ORDER_FROM_NONE : DT_ORDER_FROM_OPTION;
}

static void remember(dt_date_example_t *example, const char *text, size_t len, uint64_t line,
                     const dt_date_shape_t *shape)
{
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    if (len >= sizeof example->text)
        len = sizeof example->text - 1;
    memcpy(example->text, text, len);
    example->text[len] = '\0';
    example->line = line;
    example->shape = *shape;
}

dt_date_step_t dt_date_order_read(dt_date_order_state_t *state, const char *text, size_t len,
                                  uint64_t line, bool holding, int64_t *out,
                                  dt_date_status_t *status)
{
    dt_date_shape_t shape;
    *status = dt_date_read(text, len, state->order, out, &shape);
    state->year_last |= shape.culture && !shape.year_first;
    if (shape.year_first && !state->year_first_line && *status == DT_DATE_OK)
        state->year_first_line = line;
    if (state->order != DT_ORDER_NONE) {
        if (*status == DT_DATE_CONFLICT && state->conflicts++ == 0)
            remember(&state->conflict, text, len, line, &shape);
        return DT_DATE_USE;
    }
    if (*status == DT_DATE_AMBIGUOUS) {
        /* the assumption follows the first ambiguous value, or the first one
         * whose zero padding hints at its order */
        if (state->ambiguous++ == 0 || (shape.padding_hint && !state->example.shape.padding_hint))
            remember(&state->example, text, len, line, &shape);
        return DT_DATE_HOLD;
    }
    if (*status == DT_DATE_OK && shape.proves != DT_ORDER_NONE) {
        state->order = shape.proves;
        state->from = DT_ORDER_FROM_DATA;
        remember(&state->decider, text, len, line, &shape);
        return holding ? DT_DATE_DECIDED : DT_DATE_USE;
    }
    return holding ? DT_DATE_HOLD : DT_DATE_USE;
}

void dt_date_order_finish(dt_date_order_state_t *state)
{
    if (state->order == DT_ORDER_NONE && state->ambiguous) {
        state->order = state->example.shape.likely;
        state->from = DT_ORDER_FROM_ASSUMPTION;
    }
}

bool dt_date_order_merge(dt_date_order_state_t *into, const dt_date_order_state_t *part)
{
    bool given = part->from == DT_ORDER_FROM_OPTION;
    if (given ? part->order != into->order
              : into->order != DT_ORDER_NONE && part->order != DT_ORDER_NONE &&
                    part->order != into->order)
        return false;
    if (!given && into->order == DT_ORDER_NONE) {
        /* the part's doubts and its decision are the input's */
        if (part->ambiguous && (!into->ambiguous || (part->example.shape.padding_hint &&
                                                     !into->example.shape.padding_hint)))
            into->example = part->example;
        into->ambiguous += part->ambiguous;
        if (part->order != DT_ORDER_NONE) {
            into->order = part->order;
            into->from = DT_ORDER_FROM_DATA;
            into->decider = part->decider;
        }
    }
    if (part->conflicts && !into->conflicts)
        into->conflict = part->conflict;
    into->conflicts += part->conflicts;
    into->year_last |= part->year_last;
    if (!into->year_first_line)
        into->year_first_line = part->year_first_line;
    return true;
}

dt_input_dates_t dt_date_order_summary(const dt_date_order_state_t *state)
{
    dt_input_dates_t s = {.conflicts = state->conflicts};
    if (state->year_last) {
        s.order = state->order;
        s.from = state->from;
        if (state->from == DT_ORDER_FROM_DATA)
            s.line = state->decider.line;
    } else if (state->year_first_line) {
        s.order = DT_ORDER_YMD;
        s.from = DT_ORDER_FROM_DATA;
        s.line = state->year_first_line;
    }
    return s;
}

static const char *order_words(dt_date_order_t order)
{
    return order == DT_ORDER_DMY ? "day first" : order == DT_ORDER_MDY ? "month first"
                                                                       : "year first";
}

/* Appends formatted text to the NUL-terminated out (cap bytes), cutting what
 * does not fit. */
static void append(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void append(char *out, size_t cap, const char *fmt, ...)
{
    size_t used = strlen(out);
    if (used + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + used, cap - used, fmt, ap);
    va_end(ap);
}

bool dt_date_order_note(const dt_date_order_state_t *state, const char *path, char *out,
                        size_t cap)
{
    out[0] = '\0';
    unsigned long long n = state->ambiguous;
    if (state->from == DT_ORDER_FROM_DATA) {
        append(out, cap, "dates in %s are read %s: '%s' at line %llu is the first with a day "
               "above 12", path, order_words(state->order), state->decider.text,
               (unsigned long long)state->decider.line);
        if (n)
            append(out, cap, "; the %llu ambiguous date%s before it %s read the same way", n,
                   n == 1 ? "" : "s", n == 1 ? "is" : "are");
        return true;
    }
    if (state->from != DT_ORDER_FROM_ASSUMPTION)
        return false;
    const dt_date_example_t *e = &state->example;
    if (n == 1)
        append(out, cap, "1 date in %s is ambiguous ('%s' at line %llu: day and month 12 or "
               "less)", path, e->text, (unsigned long long)e->line);
    else
        append(out, cap, "%llu dates in %s are ambiguous (every day and month 12 or less, e.g. "
               "'%s' at line %llu)", n, path, e->text, (unsigned long long)e->line);
    dt_date_order_t other = state->order == DT_ORDER_DMY ? DT_ORDER_MDY : DT_ORDER_DMY;
    append(out, cap, ": read %s, as %s write them; say --date-order %s if this export was "
           "saved %s", order_words(state->order), e->shape.written_by,
           dt_date_order_name(other), order_words(other));
    return true;
}

bool dt_date_order_conflict_note(const dt_date_order_state_t *state, const char *path,
                                 char *out, size_t cap)
{
    out[0] = '\0';
    unsigned long long n = state->conflicts;
    if (!n)
        return false;
    append(out, cap, "%llu date%s in %s cannot be read %s (", n, n == 1 ? "" : "s", path,
           order_words(state->order));
    if (state->from == DT_ORDER_FROM_OPTION)
        append(out, cap, "--date-order %s", dt_date_order_name(state->order));
    else
        append(out, cap, "as line %llu decided", (unsigned long long)state->decider.line);
    append(out, cap, "), e.g. '%s' at line %llu: %s as undated", state->conflict.text,
           (unsigned long long)state->conflict.line, n == 1 ? "it counts" : "they count");
    return true;
}

const char *dt_order_source_name(dt_order_source_t from)
{
    static const char *const names[DT_ORDER_FROM_COUNT] = {NULL, "option", "data", "assumed"};
    return from < DT_ORDER_FROM_COUNT ? names[from] : NULL;
}
