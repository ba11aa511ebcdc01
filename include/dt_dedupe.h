/* dt_dedupe.h - exact detection of repeated calls (--dedupe) in bounded memory.
 *
 * A call's key (dt_dedupe_key) is its correlation id, its start time as
 * written, its call type and its two codes. A row is a repeat only when a row
 * seen before had the same key, byte for byte: the table never drops a call
 * on a guess.
 *
 * How, for 10 million distinct calls within 128 MiB: the full keys (about 100
 * bytes each) go to a temporary file, unlinked as soon as it is created, and
 * memory keeps one 64-bit slot per distinct key: 32 bits of the key's hash as
 * a fingerprint and the key's place in the file. The slots are split by 8
 * further bits of the hash into 256 tables, each kept sorted by fingerprint
 * with linear probing from the position the fingerprint scales to (so a
 * lookup stops at the first larger fingerprint, and a table grows by 25% at a
 * time, one table at a time: 72-90% of the slots are in use, and growth never
 * doubles the memory; measured: 107.8 MiB peak RSS for 10,080,140 distinct
 * calls, `make bench`). A fingerprint hit is only a candidate: its key is
 * read back from the file (or the write buffer) and compared in full; only an
 * equal key makes a repeat. With 40 bits of hash deciding table and
 * fingerprint, a new key meets a false candidate about once in 2^40 / n
 * lookups, so the reads are almost all true repeats. */
#ifndef DT_DEDUPE_H
#define DT_DEDUPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dt_classify.h"
#include "dt_common.h"

/* The longest key dt_dedupe_key builds. */
#define DT_DEDUPE_KEY_MAX 320

typedef struct dt_dedupe dt_dedupe_t;

/* Creates an empty table whose temporary file lives in $TMPDIR or /tmp
 * (dt_temp_file: removed at once, it vanishes with the process). Fails with
 * DT_ERR_OUTPUT naming the directory when the file cannot be created,
 * DT_ERR_NOMEM. */
dt_status_t dt_dedupe_new(dt_dedupe_t **out, dt_error_t *err);

/* Builds the key of a call into buf (DT_DEDUPE_KEY_MAX bytes): the call's
 * codes, its correlation id and call type (trimmed of blanks, ASCII letters
 * lowercased: GUIDs and call types are case-insensitive) and its start time
 * (trimmed, as written). Returns its length, or 0 when the call cannot be
 * checked: an empty correlation id or start time, or one longer than a real
 * one can be (128 and 64 bytes; call type 64). */
size_t dt_dedupe_key(unsigned char *buf, const dt_call_t *call, dt_slice_t correlation,
                     dt_slice_t start, dt_slice_t call_type);

/* Looks key (len bytes, 1 to DT_DEDUPE_KEY_MAX) up: sets *repeat when an
 * equal key was seen before, else records it and clears *repeat. Fails with
 * DT_ERR_OUTPUT when the temporary file cannot be written or read back,
 * DT_ERR_NOMEM; the table then stays usable for what it holds. */
dt_status_t dt_dedupe_check(dt_dedupe_t *d, const void *key, size_t len, bool *repeat,
                            dt_error_t *err);

/* Distinct keys recorded. */
uint64_t dt_dedupe_distinct(const dt_dedupe_t *d);

/* Fingerprint hits checked against the full keys, repeats included. */
uint64_t dt_dedupe_verified(const dt_dedupe_t *d);

/* Bytes of memory the slots take. */
size_t dt_dedupe_memory(const dt_dedupe_t *d);

/* Test hook: keeps only the first `bits` bits (0 to 64) of every key's hash
 * (those that choose the table, then the fingerprint's), so that distinct
 * keys share fingerprints and only the comparison of the full keys tells
 * them apart; 0 gives every key the same table and fingerprint. Call before
 * the first check. */
void dt_dedupe_test_hash_bits(dt_dedupe_t *d, unsigned bits);

/* Releases the table and closes its file. NULL is allowed. */
void dt_dedupe_free(dt_dedupe_t *d);

#endif
