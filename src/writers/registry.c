/* registry.c - the format dispatch table: names, file extensions and what
 * each writer needs of its destination. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dt_writer.h"

const dt_writer_t dt_writers[] = {
    {"text", ".txt", "readable report for a terminal (default)", 0, dt_write_text},
    {"json", ".json", "one JSON object, schema_version 2 (docs/json-format.md)", 0, dt_write_json},
    {"html", ".html .htm", "one self-contained page with charts (docs/formats.md)", 0,
     dt_write_html},
    {"xlsx", ".xlsx", "Excel workbook, a sheet per table, with a chart", DT_WRITER_BINARY | DT_WRITER_FILE,
     dt_write_xlsx},
    {"md", ".md .markdown", "GitHub-flavoured Markdown for tickets and wikis", 0, dt_write_markdown},
    {"csv", ".csv", "one table (--table) as RFC 4180 CSV", 0, dt_write_csv},
    {"prom", ".prom", "Prometheus text format for node_exporter's textfile collector", 0,
     dt_write_prom},
    {"state", ".state", "the complete counts, for drtriage merge (docs/state.md)",
     DT_WRITER_BINARY, dt_write_state},
    {NULL, NULL, NULL, 0, NULL},
};

const dt_writer_t *dt_writer_find(const char *name)
{
    if (!name)
        return NULL;
    for (const dt_writer_t *w = dt_writers; w->name; w++)
        if (strcmp(w->name, name) == 0)
            return w;
    return NULL;
}

/* True when the space-separated list holds word (case-insensitive). */
static bool list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p; p += strspn(p, " ")) {
        size_t len = strcspn(p, " ");
        if (len == n && strncasecmp(p, word, n) == 0)
            return true;
        p += len;
    }
    return false;
}

const dt_writer_t *dt_writer_for_path(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    const char *dot = path ? strrchr(slash ? slash : path, '.') : NULL;
    if (!dot || dot[1] == '\0')
        return NULL;
    for (const dt_writer_t *w = dt_writers; w->name; w++)
        if (list_has(w->extensions, dot))
            return w;
    return NULL;
}

const char *dt_writer_names(char *buf, size_t size, const char *sep)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const dt_writer_t *w = dt_writers; w->name && n < size; w++) {
        int k = snprintf(buf + n, size - n, "%s%s", w == dt_writers ? "" : sep, w->name);
        n += k > 0 ? (size_t)k : 0;
    }
    return buf;
}
