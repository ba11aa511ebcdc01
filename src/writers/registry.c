/* registry.c - the format dispatch table. */
#include <string.h>

#include "dt_writer.h"

const dt_writer_t dt_writers[] = {
    {"text", "readable report for a terminal (default)", dt_write_text},
    {"json", "one JSON object, schema_version 1 (docs/json-format.md)", dt_write_json},
    {NULL, NULL, NULL},
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
