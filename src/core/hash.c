/* hash.c - XXH64, written from the published algorithm: four lanes of
 * multiply-rotate rounds over 32-byte stripes, merged and avalanched. */
#include <string.h>

#include "dt_hash.h"

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL
#define STRIPE 32

static inline uint64_t rotl(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

/* Little-endian reads whatever the host's byte order (memcpy compiles to one load). */
static inline uint64_t read64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline uint32_t read32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}

static inline uint64_t round64(uint64_t acc, uint64_t input)
{
    acc += input * P2;
    acc = rotl(acc, 31);
    return acc * P1;
}

static inline uint64_t merge_round(uint64_t acc, uint64_t lane)
{
    acc ^= round64(0, lane);
    return acc * P1 + P4;
}

static inline void stripe(uint64_t lane[4], const unsigned char *p)
{
    lane[0] = round64(lane[0], read64(p));
    lane[1] = round64(lane[1], read64(p + 8));
    lane[2] = round64(lane[2], read64(p + 16));
    lane[3] = round64(lane[3], read64(p + 24));
}

void dt_hash_init(dt_hash_t *h, uint64_t seed)
{
    memset(h, 0, sizeof *h);
    h->lane[0] = seed + P1 + P2;
    h->lane[1] = seed + P2;
    h->lane[2] = seed;
    h->lane[3] = seed - P1;
}

void dt_hash_update(dt_hash_t *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    h->total += len;
    if (h->nbuf) {
        size_t take = STRIPE - h->nbuf < len ? STRIPE - h->nbuf : len;
        memcpy(h->buf + h->nbuf, p, take);
        h->nbuf += take;
        p += take;
        len -= take;
        if (h->nbuf < STRIPE)
            return;
        stripe(h->lane, h->buf);
        h->nbuf = 0;
    }
    uint64_t lane[4] = {h->lane[0], h->lane[1], h->lane[2], h->lane[3]};
    for (; len >= STRIPE; p += STRIPE, len -= STRIPE)
        stripe(lane, p);
    memcpy(h->lane, lane, sizeof lane);
    if (len)
        memcpy(h->buf, p, len);
    h->nbuf = len;
}

uint64_t dt_hash_digest(const dt_hash_t *h)
{
    uint64_t acc;
    if (h->total >= STRIPE) {
        acc = rotl(h->lane[0], 1) + rotl(h->lane[1], 7) + rotl(h->lane[2], 12) +
              rotl(h->lane[3], 18);
        for (int i = 0; i < 4; i++)
            acc = merge_round(acc, h->lane[i]);
    } else {
        acc = h->lane[2] + P5; /* lane 2 holds the seed until a stripe is hashed */
    }
    acc += h->total;
    const unsigned char *p = h->buf;
    size_t len = h->nbuf;
    for (; len >= 8; p += 8, len -= 8)
        acc = rotl(acc ^ round64(0, read64(p)), 27) * P1 + P4;
    if (len >= 4) {
        acc = rotl(acc ^ (uint64_t)read32(p) * P1, 23) * P2 + P3;
        p += 4;
        len -= 4;
    }
    for (; len; p++, len--)
        acc = rotl(acc ^ *p * P5, 11) * P1;
    acc ^= acc >> 33;
    acc *= P2;
    acc ^= acc >> 29;
    acc *= P3;
    acc ^= acc >> 32;
    return acc;
}

uint64_t dt_hash64(const void *data, size_t len, uint64_t seed)
{
    dt_hash_t h;
    dt_hash_init(&h, seed);
    dt_hash_update(&h, data, len);
    return dt_hash_digest(&h);
}
