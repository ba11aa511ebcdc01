/* dt_hash.h - XXH64 (Yann Collet's xxHash, 64-bit variant), one-shot and
 * streaming: fast enough to fingerprint every byte of an export (about 10
 * GB/s) and well mixed in every bit, so that its bits can be split into a
 * table position and a fingerprint. Values equal those of the reference
 * implementation (libxxhash's XXH64) for the same seed. Not cryptographic:
 * equal digests are taken as equal content only where a wrong guess costs a
 * note, never a count (the dedupe table verifies every fingerprint hit). */
#ifndef DT_HASH_H
#define DT_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The running state of a streaming hash; plain data, may be copied. */
typedef struct {
    uint64_t total;      /* bytes hashed so far */
    uint64_t lane[4];
    unsigned char buf[32]; /* bytes not yet consumed by the lanes */
    size_t nbuf;
} dt_hash_t;

/* Starts a streaming hash with seed. */
void dt_hash_init(dt_hash_t *h, uint64_t seed);

/* Adds len bytes (data may be NULL when len is 0). */
void dt_hash_update(dt_hash_t *h, const void *data, size_t len);

/* The digest of every byte added so far; h is unchanged and may go on. */
uint64_t dt_hash_digest(const dt_hash_t *h);

/* The digest of one buffer: dt_hash_init + dt_hash_update + dt_hash_digest. */
uint64_t dt_hash64(const void *data, size_t len, uint64_t seed);

#endif
