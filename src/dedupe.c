/* dedupe.c - the --dedupe table: fingerprints in memory, full keys in a
 * temporary file, every fingerprint hit verified (design: dt_dedupe.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dt_dedupe.h"
#include "dt_hash.h"
#include "dt_output.h"

#define FILE_TEMPLATE "drtriage-dedupe.XXXXXX"
#define TABLES 256            /* tables, chosen by the top 8 bits of the hash */
#define TABLE_SHIFT 56
#define FP_SHIFT 24           /* the next 32 bits are the fingerprint */
#define FIRST_HOMES 64        /* home positions of a new table */
#define TAIL_STEP 64          /* slots past the last home, added as runs need them */
#define LOAD_NUM 9            /* a table grows when more than 9/10 of its homes are used */
#define LOAD_DEN 10
#define HASH_SEED 0x6475706bULL
#define BUFFER_BYTES (64 * 1024)
#define RECORD_ALIGN 8        /* keys are stored at multiples of 8 bytes ... */
#define MAX_RECORD UINT32_MAX /* ... numbered 1.. in 32 bits (0 marks a free slot) */
#define CORRELATION_MAX 128
#define START_MAX 64
#define CALL_TYPE_MAX 64

/* Slots are (fingerprint << 32) | record, where record is the key's offset in
 * the file in RECORD_ALIGN units, plus 1. Within a table the used slots are
 * sorted by fingerprint, and each sits at or after its home. */
typedef struct {
    uint64_t *slots;
    size_t homes;    /* home positions: fingerprints scale to [0, homes) */
    size_t len;      /* slots allocated: homes + a tail for runs past the last home */
    size_t used;
} table_t;

struct dt_dedupe {
    table_t tables[TABLES];
    uint64_t hash_mask;
    uint64_t distinct, verified;
    int fd;                       /* the unlinked file of full keys */
    uint64_t flushed;             /* bytes of the file written */
    unsigned char buf[BUFFER_BYTES]; /* records not yet written, from offset `flushed` */
    size_t nbuf;
};

static inline uint32_t slot_fp(uint64_t slot)
{
    return (uint32_t)(slot >> 32);
}

static inline size_t home_of(uint32_t fp, size_t homes)
{
    return (size_t)(((uint64_t)fp * homes) >> 32);
}

dt_status_t dt_dedupe_new(dt_dedupe_t **out, dt_error_t *err)
{
    dt_dedupe_t *d = calloc(1, sizeof *d);
    if (!d)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    d->hash_mask = UINT64_MAX;
    if ((d->fd = dt_temp_file(FILE_TEMPLATE)) < 0) {
        dt_status_t st = dt_fail(err, DT_ERR_OUTPUT,
                                 "--dedupe: cannot create its temporary file in %s: %s (set "
                                 "TMPDIR to a writable directory)",
                                 dt_temp_dir(), strerror(errno));
        free(d);
        return st;
    }
    *out = d;
    return DT_OK;
}

void dt_dedupe_free(dt_dedupe_t *d)
{
    if (!d)
        return;
    for (size_t t = 0; t < TABLES; t++)
        free(d->tables[t].slots);
    close(d->fd);
    free(d);
}

void dt_dedupe_test_hash_bits(dt_dedupe_t *d, unsigned bits)
{
    d->hash_mask = bits >= 64 ? UINT64_MAX : bits == 0 ? 0 : UINT64_MAX << (64 - bits);
}

uint64_t dt_dedupe_distinct(const dt_dedupe_t *d)
{
    return d->distinct;
}

uint64_t dt_dedupe_verified(const dt_dedupe_t *d)
{
    return d->verified;
}

size_t dt_dedupe_memory(const dt_dedupe_t *d)
{
    size_t bytes = sizeof *d;
    for (size_t t = 0; t < TABLES; t++)
        bytes += d->tables[t].len * sizeof *d->tables[t].slots;
    return bytes;
}

/* ---- keys ---- */

static dt_slice_t trimmed(dt_slice_t s)
{
    while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
        s.ptr++, s.len--;
    while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
        s.len--;
    return s;
}

/* Appends a length byte and the text, ASCII-lowercased when `fold`. */
static unsigned char *put_text(unsigned char *p, dt_slice_t s, bool fold)
{
    *p++ = (unsigned char)s.len;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        *p++ = fold && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
    }
    return p;
}

size_t dt_dedupe_key(unsigned char *buf, const dt_call_t *call, dt_slice_t correlation,
                     dt_slice_t start, dt_slice_t call_type)
{
    correlation = trimmed(correlation);
    start = trimmed(start);
    call_type = trimmed(call_type);
    if (!correlation.len || !start.len || correlation.len > CORRELATION_MAX ||
        start.len > START_MAX || call_type.len > CALL_TYPE_MAX)
        return 0;
    unsigned char *p = buf;
    uint32_t sip = call->key.has_sip ? call->key.sip : 0;
    uint64_t ms = call->key.has_ms ? call->key.ms : 0;
    *p++ = (unsigned char)(call->key.has_sip | call->key.has_ms << 1);
    for (int i = 0; i < 4; i++)
        *p++ = (unsigned char)(sip >> 8 * i);
    for (int i = 0; i < 8; i++)
        *p++ = (unsigned char)(ms >> 8 * i);
    p = put_text(p, correlation, true);
    p = put_text(p, start, false);
    p = put_text(p, call_type, true);
    return (size_t)(p - buf);
}

/* ---- the file of full keys ---- */

static dt_status_t file_error(const char *what, dt_error_t *err)
{
    return dt_fail(err, DT_ERR_OUTPUT, "--dedupe: cannot %s its temporary file: %s", what,
                   errno ? strerror(errno) : "short transfer");
}

static dt_status_t flush(dt_dedupe_t *d, dt_error_t *err)
{
    size_t done = 0;
    while (done < d->nbuf) {
        ssize_t w = pwrite(d->fd, d->buf + done, d->nbuf - done, (off_t)(d->flushed + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return file_error("write", err);
        done += (size_t)w;
    }
    d->flushed += d->nbuf;
    d->nbuf = 0;
    return DT_OK;
}

static size_t record_bytes(size_t len)
{
    return (2 + len + RECORD_ALIGN - 1) / RECORD_ALIGN * RECORD_ALIGN;
}

/* Appends a record (2-byte length, key, padding) and returns its number. */
static dt_status_t append(dt_dedupe_t *d, const void *key, size_t len, uint32_t *record,
                          dt_error_t *err)
{
    size_t bytes = record_bytes(len);
    if (d->nbuf + bytes > sizeof d->buf) {
        dt_status_t st = flush(d, err);
        if (st)
            return st;
    }
    uint64_t offset = d->flushed + d->nbuf;
    if (offset / RECORD_ALIGN + 1 >= MAX_RECORD)
        return dt_fail(err, DT_ERR_INPUT,
                       "--dedupe: more distinct calls than its table holds (%llu)",
                       (unsigned long long)d->distinct);
    unsigned char *p = d->buf + d->nbuf;
    memset(p, 0, bytes);
    p[0] = (unsigned char)len;
    p[1] = (unsigned char)(len >> 8);
    memcpy(p + 2, key, len);
    d->nbuf += bytes;
    *record = (uint32_t)(offset / RECORD_ALIGN + 1);
    return DT_OK;
}

/* Reads record back and compares it with key in full. */
static dt_status_t same_key(dt_dedupe_t *d, uint32_t record, const void *key, size_t len,
                            bool *same, dt_error_t *err)
{
    uint64_t offset = (uint64_t)(record - 1) * RECORD_ALIGN;
    unsigned char stored[2 + DT_DEDUPE_KEY_MAX];
    const unsigned char *p = stored;
    size_t got = 0, want = 2 + len;
    d->verified++;
    if (offset >= d->flushed) { /* still in the buffer: the whole record is there */
        p = d->buf + (offset - d->flushed);
        got = want;
    } else {
        while (got < want) {
            errno = 0;
            ssize_t r = pread(d->fd, stored + got, want - got, (off_t)(offset + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                return file_error("read back", err);
            if (r == 0) /* the file ends: the stored key is shorter */
                break;
            got += (size_t)r;
        }
        if (got < 2)
            return dt_fail(err, DT_ERR_OUTPUT, "--dedupe: its temporary file lost a key");
    }
    size_t stored_len = (size_t)p[0] | (size_t)p[1] << 8;
    *same = stored_len == len && got == want && memcmp(p + 2, key, len) == 0;
    return DT_OK;
}

/* ---- the tables ---- */

/* Makes room for `more` slots past the table's end. */
static bool extend(table_t *t, size_t more)
{
    uint64_t *slots = realloc(t->slots, (t->len + more) * sizeof *slots);
    if (!slots)
        return false;
    memset(slots + t->len, 0, more * sizeof *slots);
    t->slots = slots;
    t->len += more;
    return true;
}

/* Moves every slot to a table with more homes, keeping the order. */
static bool grow(table_t *t)
{
    size_t homes = t->homes ? t->homes + t->homes / 4 : FIRST_HOMES;
    table_t bigger = {.homes = homes, .used = t->used};
    if (!extend(&bigger, homes + TAIL_STEP))
        return false;
    size_t next = 0;
    for (size_t i = 0; i < t->len; i++) {
        if (!t->slots[i])
            continue;
        size_t at = home_of(slot_fp(t->slots[i]), homes);
        if (at < next)
            at = next;
        if (at >= bigger.len && !extend(&bigger, TAIL_STEP)) {
            free(bigger.slots);
            return false;
        }
        bigger.slots[at] = t->slots[i];
        next = at + 1;
    }
    free(t->slots);
    *t = bigger;
    return true;
}

/* Puts slot at position `at` of t, shifting the run that starts there. */
static bool insert_at(table_t *t, size_t at, uint64_t slot)
{
    size_t free_at = at;
    while (free_at < t->len && t->slots[free_at])
        free_at++;
    if (free_at == t->len && !extend(t, TAIL_STEP))
        return false;
    memmove(t->slots + at + 1, t->slots + at, (free_at - at) * sizeof *t->slots);
    t->slots[at] = slot;
    t->used++;
    return true;
}

dt_status_t dt_dedupe_check(dt_dedupe_t *d, const void *key, size_t len, bool *repeat,
                            dt_error_t *err)
{
    *repeat = false;
    if (!len || len > DT_DEDUPE_KEY_MAX)
        return dt_fail(err, DT_ERR_INPUT, "--dedupe: a key of %zu bytes", len);
    uint64_t h = dt_hash64(key, len, HASH_SEED) & d->hash_mask;
    table_t *t = &d->tables[h >> TABLE_SHIFT];
    uint32_t fp = (uint32_t)(h >> FP_SHIFT);
    if (!t->slots && !grow(t))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    size_t at = home_of(fp, t->homes);
    for (; at < t->len && t->slots[at] && slot_fp(t->slots[at]) <= fp; at++) {
        if (slot_fp(t->slots[at]) < fp)
            continue;
        bool same = false;
        dt_status_t st = same_key(d, (uint32_t)t->slots[at], key, len, &same, err);
        if (st)
            return st;
        if (same) {
            *repeat = true;
            return DT_OK;
        }
    }
    uint32_t record = 0; /* set by append (GCC cannot tell under -fsanitize=thread) */
    dt_status_t st = append(d, key, len, &record, err);
    if (st)
        return st;
    if (!insert_at(t, at, (uint64_t)fp << 32 | record))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    d->distinct++;
    if (t->used * LOAD_DEN > t->homes * LOAD_NUM && !grow(t))
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    return DT_OK;
}
