/* dt_input.h - the first stage: opens a file or standard input and yields its
 * bytes in fixed-size blocks, with a UTF-8 byte-order mark removed. Detects
 * encodings drtriage cannot read (UTF-16/32) and says how to convert them. */
#ifndef DT_INPUT_H
#define DT_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "dt_common.h"

#define DT_INPUT_BLOCK (64 * 1024)

typedef struct {
    int fd;
    bool owns_fd;
    const char *path;      /* display name ("-" shows as "<stdin>") */
    unsigned char *block;  /* DT_INPUT_BLOCK bytes */
    bool started;          /* the first block (encoding checks) has been read */
    bool eof;
    uint64_t bytes;        /* bytes read so far, BOM included */
    uint64_t size;         /* file size when known (regular file), else 0 */
} dt_input_t;

/* Opens path ("-" for standard input). Rejects directories and unreadable
 * files with DT_ERR_INPUT and a message naming the path. */
dt_status_t dt_input_open(dt_input_t *in, const char *path, dt_error_t *err);

/* Reads the next block. On success stores a pointer to the bytes (owned by
 * `in`, valid until the next call) and their count in *len; *len == 0 means
 * end of input. The first block is checked: a UTF-8 BOM is skipped, and a
 * UTF-16/UTF-32 byte-order mark or NUL-interleaved text fails with
 * DT_ERR_INPUT and a conversion hint. Read errors fail with DT_ERR_INPUT. */
dt_status_t dt_input_read(dt_input_t *in, const unsigned char **data, size_t *len,
                          dt_error_t *err);

/* Closes the file (not standard input) and frees the block. */
void dt_input_close(dt_input_t *in);

#endif
