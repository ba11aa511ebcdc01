/* dt_embedded.h - the rules files compiled into the binary by scripts/embed.c. */
#ifndef DT_EMBEDDED_H
#define DT_EMBEDDED_H

#include <stddef.h>

typedef struct {
    const char *name; /* file name within rules/, e.g. "codes-teams.rules" */
    const unsigned char *data;
    size_t len;
} dt_embedded_file_t;

/* The embedded rules files in name order, ending with a NULL name. */
extern const dt_embedded_file_t dt_embedded_rules[];

#endif
