/* dt_embedded.h - files compiled into the binary by scripts/embed.c: the
 * rules/ directory and the HTML report's assets/. */
#ifndef DT_EMBEDDED_H
#define DT_EMBEDDED_H

#include <stddef.h>

typedef struct {
    const char *name;   /* file name within its directory, e.g. "codes-teams.rules" */
    const unsigned char *data; /* len bytes, followed by a NUL */
    size_t len;
    const char *sha256; /* base64 SHA-256 of the bytes, as a CSP hash source wants */
} dt_embedded_file_t;

/* The embedded rules files in name order, ending with a NULL name. */
extern const dt_embedded_file_t dt_embedded_rules[];

/* The HTML report's assets (assets/), ending with a NULL name. */
extern const dt_embedded_file_t dt_embedded_assets[];

/* The file called name in a table, or NULL. */
const dt_embedded_file_t *dt_embedded_find(const dt_embedded_file_t *table, const char *name);

#endif
