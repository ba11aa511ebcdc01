/*
 * csv-baseline: the "bare libcsv parse" that scripts/bench compares drtriage against.
 *
 * Usage: csv-baseline [-d DELIM] [--format X] FILE
 *
 * Reads FILE in 64 KiB blocks with read(2) and feeds csv_parse (CSV_REPALL_NL) with callbacks
 * that only count fields and rows, then csv_fini. The counts go to stderr at the end (so the
 * work cannot be optimised away), with a histogram of fields per row so a quick look tells
 * whether every row of an export has the same number of fields. Rows without any field (the
 * LF of a CRLF pair under CSV_REPALL_NL, blank lines) are counted apart.
 * --format X is accepted and ignored, so this binary can stand in for drtriage in
 * scripts/bench (BENCH_DRTRIAGE=build/csv-baseline).
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (64 * 1024)
#define HIST_MAX 256

struct counts {
    unsigned long long fields, rows, empty_rows, bytes, field_bytes;
    unsigned long long row_fields; /* fields in the current row */
    unsigned long long hist[HIST_MAX + 1];
};

static void on_field(void *s, size_t len, void *data)
{
    struct counts *c = data;
    (void)s;
    c->fields++;
    c->row_fields++;
    c->field_bytes += len;
}

static void on_row(int term, void *data)
{
    struct counts *c = data;
    (void)term;
    if (c->row_fields == 0) {
        c->empty_rows++;
        return;
    }
    c->rows++;
    c->hist[c->row_fields < HIST_MAX ? c->row_fields : HIST_MAX]++;
    c->row_fields = 0;
}

static void usage(void)
{
    fputs("usage: csv-baseline [-d DELIM] [--format X] FILE\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    unsigned char delim = CSV_COMMA;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
            const char *d = argv[++i];
            if (strcmp(d, "\\t") == 0 || strcmp(d, "tab") == 0)
                delim = CSV_TAB;
            else if (strlen(d) == 1)
                delim = (unsigned char)d[0];
            else
                usage();
        } else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            i++; /* ignored: stand-in for drtriage */
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            usage();
        } else if (!path) {
            path = argv[i];
        } else {
            usage();
        }
    }
    if (!path)
        usage();

    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "csv-baseline: %s: %s\n", path, strerror(errno));
        return 1;
    }

    struct csv_parser p;
    if (csv_init(&p, CSV_REPALL_NL) != 0) {
        fputs("csv-baseline: csv_init failed\n", stderr);
        return 1;
    }
    csv_set_delim(&p, delim);

    static char buf[BLOCK];
    static struct counts c;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "csv-baseline: %s: %s\n", path, strerror(errno));
            return 1;
        }
        if (n == 0)
            break;
        c.bytes += (unsigned long long)n;
        if (csv_parse(&p, buf, (size_t)n, on_field, on_row, &c) != (size_t)n) {
            fprintf(stderr, "csv-baseline: %s: %s\n", path, csv_strerror(csv_error(&p)));
            return 1;
        }
    }
    close(fd);
    if (csv_fini(&p, on_field, on_row, &c) != 0) {
        fprintf(stderr, "csv-baseline: %s: %s\n", path, csv_strerror(csv_error(&p)));
        return 1;
    }
    csv_free(&p);

    fprintf(stderr, "csv-baseline: %s: bytes=%llu rows=%llu fields=%llu field_bytes=%llu empty_rows=%llu\n",
            path, c.bytes, c.rows, c.fields, c.field_bytes, c.empty_rows);
    fputs("csv-baseline: fields per row:", stderr);
    for (int k = 0; k <= HIST_MAX; k++)
        if (c.hist[k])
            fprintf(stderr, " %d%s x %llu", k, k == HIST_MAX ? "+" : "", c.hist[k]);
    fputc('\n', stderr);
    return 0;
}
