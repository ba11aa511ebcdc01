/* dt_date_order.h - decides, for one input, the order of day and month in
 * its culture dates (dt_date.h), from its data or from the user's word, and
 * keeps what the report must say about it.
 *
 * The rule. The earliest value whose numbers prove an order (a first number
 * above 12: day first; a second one above 12: month first) decides for the
 * whole input. An input ambiguous from end to end (every day and month 12 or
 * less) is read in the order its form is usually written in (shape.likely:
 * day first for en-GB/fr-FR, de-DE and nl-NL forms, month first for slashes
 * with AM/PM unless padded like en-AU's d/MM), and the report says so and how
 * to override it. Once decided, a value impossible in that order is not
 * read (it counts as undated) and the report counts such values. With
 * --date-order the order is known from the start. Values in a fixed form
 * (ISO 8601, CQD) and culture dates with their year first need no order.
 *
 * The rows before the deciding one. While the order is undecided an
 * ambiguous value cannot be read, yet its row must end up counted exactly as
 * if the order had been known from the first row: filtered by --since or
 * --until, put in its --by bucket, and kept in its place among the samples,
 * the tables' first-come rows and the --rows output. So from the first
 * ambiguous value on, the caller holds back every call (dt_date_order_read
 * says DT_DATE_HOLD), in a spool file (dt_spool.h) rather than in memory;
 * when a value decides the order (DT_DATE_DECIDED) the caller holds that row
 * too and replays the spool in order, reading each held value again, now in
 * the decided order; at the end of the input (dt_date_order_finish) it
 * replays what is still held in the assumed order. The sequence of calls the
 * aggregate sees is then the one a run with --date-order gives, so the report
 * is the same byte for byte, notes aside. Memory stays one record; the spool
 * holds only the cells the run keeps, and only until the order is known.
 *
 * Every input is tracked: its start times give its time range, which the
 * report compares across inputs, as well as the time filters and --by. */
#ifndef DT_DATE_ORDER_H
#define DT_DATE_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_date.h"

typedef enum {
    DT_ORDER_FROM_NONE = 0,   /* no culture date was read */
    DT_ORDER_FROM_OPTION,     /* --date-order */
    DT_ORDER_FROM_DATA,       /* a value proved it (or the dates were year first) */
    DT_ORDER_FROM_ASSUMPTION, /* ambiguous from end to end: the form's likely order */
    DT_ORDER_FROM_COUNT
} dt_order_source_t;

/* What the report shows about one input's dates. */
typedef struct {
    dt_date_order_t order;     /* the order its culture dates were read in; NONE: none read */
    dt_order_source_t from;
    uint64_t line;             /* FROM_DATA: the line of the value that showed it */
    uint64_t conflicts;        /* values impossible in that order, left unread */
} dt_input_dates_t;

#define DT_DATE_EXAMPLE_MAX 48

/* A value as written (cut to fit, NUL-terminated), where, and its form. */
typedef struct {
    uint64_t line;
    char text[DT_DATE_EXAMPLE_MAX];
    dt_date_shape_t shape;
} dt_date_example_t;

typedef struct {
    dt_date_order_t order;     /* in force; NONE while undecided */
    dt_order_source_t from;
    uint64_t ambiguous;        /* ambiguous values met before the order was decided */
    uint64_t conflicts;
    bool year_last;            /* a culture date with its year last was seen */
    uint64_t year_first_line;  /* first year-first culture date, 0 if none */
    dt_date_example_t decider; /* FROM_DATA: the value that decided */
    dt_date_example_t example; /* the ambiguous value the assumption follows */
    dt_date_example_t conflict; /* the first value impossible in the order */
} dt_date_order_state_t;

/* Starts an input; given is --date-order's order, or NONE to decide from the data. */
void dt_date_order_begin(dt_date_order_state_t *state, dt_date_order_t given);

typedef enum {
    DT_DATE_USE,     /* *status (and *out when OK) are the value's reading: count the row */
    DT_DATE_HOLD,    /* hold the row back: the order is not known yet */
    DT_DATE_DECIDED, /* this value decided the order: hold the row too, then replay
                        every held row in order (each is read again) */
} dt_date_step_t;

/* Reads one start time (text, len: the cell; line: where, for the notes) in
 * the order in force and learns from it. holding says the caller holds rows
 * back already, so that this one must follow them. Sets *status always and
 * *out with DT_DATE_OK when the step is DT_DATE_USE. */
dt_date_step_t dt_date_order_read(dt_date_order_state_t *state, const char *text, size_t len,
                                  uint64_t line, bool holding, int64_t *out,
                                  dt_date_status_t *status);

/* Parts of an input read apart (-j). A part begun with the order the input
 * had decided by then (or --date-order's) reads every value as the whole
 * would; a part begun undecided (DT_ORDER_NONE, the input's order not known
 * when it was begun) decides at its own first value that proves an order,
 * which is the input's decision when nothing before the part decided one.
 * Adds what part learnt (the values read after the rows into has learnt
 * from, without dt_date_order_finish) to into, so that into ends as if it
 * had read them itself: ambiguous values before the decision, the example,
 * the decider, conflicts and the forms seen. Returns false, changing
 * nothing, when the part cannot have read its values as the whole would: it
 * was begun with another order than into's, or decided one other than
 * into's. (The rows held back meanwhile are the caller's: a part begun
 * undecided that held rows at its end, or decided while into held rows,
 * needs them replayed in order.) */
bool dt_date_order_merge(dt_date_order_state_t *into, const dt_date_order_state_t *part);

/* Ends the input: an order still undecided after ambiguous values becomes
 * the assumed one. The caller then replays what it holds. */
void dt_date_order_finish(dt_date_order_state_t *state);

/* The input's summary for the report. */
dt_input_dates_t dt_date_order_summary(const dt_date_order_state_t *state);

#define DT_DATE_NOTE_MAX 480

/* Writes into out (cap bytes) the note saying how the dates of the input
 * named path were read (which value decided, or the assumption and how to
 * override it); returns false, with out empty, when there is nothing to say
 * (no year-last culture date, or the order was given). */
bool dt_date_order_note(const dt_date_order_state_t *state, const char *path, char *out,
                        size_t cap);

/* The same for the values left unread as impossible in the order; false
 * when there were none. */
bool dt_date_order_conflict_note(const dt_date_order_state_t *state, const char *path,
                                 char *out, size_t cap);

/* "option", "data", "assumed", or NULL for FROM_NONE. */
const char *dt_order_source_name(dt_order_source_t from);

#endif
