/*
 * gen-export: deterministic generator of synthetic Teams Direct Routing call-record exports.
 *
 * Usage: gen-export [--family tac|graph|cqd|acs] [--rows N | --bytes N] [--seed S]
 *                   [--tricky] [--start YYYY-MM-DD] [--culture NAME] [--days N] [--skip N]
 *                   [--repeat P] [--aggregated] [--incident] [--quote-names P]
 *                   [--quote-phrases] [-o FILE]
 *
 * The output depends only on the arguments: the generator uses its own PRNG (splitmix64) and
 * integer arithmetic only (no libm, no locale, no rand()), so it is byte-identical on any
 * machine. Everything it writes is synthetic: fictional number ranges, invented names,
 * contoso/fabrikam domains.
 *
 * Shapes per family (see samples/README.md):
 *   tac    Teams admin center Direct Routing export (2022 order + 2023 External Country and
 *          Call Direction), CRLF, no BOM, quotes only where needed.
 *   graph  PowerShell 5.1 Export-Csv of getDirectRoutingCalls: UTF-8 BOM, #TYPE line, every
 *          field quoted, CRLF, True/False, 0001-01-01T00:00:00Z for missing timestamps.
 *   cqd    Power BI / CQD PSTN fields: UTF-8 BOM, CRLF, no success column.
 *   acs    Log Analytics ACSCallSummary: UTF-8 BOM, LF, locale timestamps (quoted),
 *          ParticipantDuration (talk time, 0 for a failed call) and CallDuration (from the
 *          start of the call, ringing included), in seconds.
 *
 * --culture en-US|en-GB|fr-FR|de-DE|nl-NL|ja-JP|en-AU|invariant writes the timestamps as a
 * machine or browser of that culture does (exports.md, "Dates by culture"):
 *   graph  PowerShell 7 Export-Csv: no BOM, no #TYPE line, every field quoted, each time
 *          (the 0001-01-01 sentinel too) in the culture's "G" pattern, no fraction:
 *          en-US 3/1/2024 8:00:05 AM, en-GB and fr-FR 01/03/2024 08:00:05, de-DE
 *          01.03.2024 08:00:05, nl-NL 1-3-2024 08:00:05 (Windows culture data), ja-JP
 *          2024/03/01 8:00:05, en-AU 1/03/2024 8:00:05 AM, invariant 03/01/2024 08:00:05
 *          (PowerShell's own string conversion, month first).
 *   acs    Log Analytics portal: en-US 3/1/2024, 8:00:05.123 AM (the default) and ja-JP
 *          2024/03/01 8:00:05.123 as documented; other cultures (inferred: the portal
 *          follows the browser) the culture's pattern with milliseconds.
 *
 * Overlapping and repeated exports: the calls are one stream per seed, from --start. --days N
 * spreads the whole stream (the calls --skip leaves out and the rows written) over N days in
 * business-hours shape and stops at their end; without it the calls are spread over about a
 * month. --skip N leaves out the first N calls of the stream, so two runs with the same seed,
 * the same days per call and --skip 0 / --skip K are consecutive downloads whose windows
 * overlap: their common calls are written identically. --repeat P writes, in place of P percent of the
 * rows, an exact copy of one of the last 256 rows (a paged export read twice).
 *
 * --aggregated (cqd, acs): one row per group with a count, as summarised queries return them;
 * --rows N is then the number of calls the groups add up to.
 *   cqd    the PSTN dimensions, Media Type and Total Call Count, plus rows of non-PSTN streams
 *          (every PSTN field empty) that a query not filtered to PSTN returns.
 *   acs    summarize count() by ParticipantEndReason, ParticipantEndSubCode: count_.

 * Quoting mix (tac, graph): --quote-names P writes the display name of P percent of the rows in
 * the directory form "Last, First" (quoted, for its comma, as the admin center writes it) and
 * the others as "First Last"; the users and calls are the same as without it (the choice has a
 * stream of its own). --quote-phrases quotes every SIP phrase. Real admin-center exports of
 * tenants whose directory names people "Doe, Jane" quote most rows.
 *
 * --incident: the certificate of INCIDENT_SBC (sbc1.contoso.com) expires at noon of the first
 * day. From then on every outbound call through it fails in the TLS handshake Microsoft starts
 * (569008/504 certificate expired, and 569002/504 outgoing TLS negotiation failed), and its
 * inbound calls are missing: Microsoft refuses the TLS connection the SBC opens, so no call
 * record is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------------------------ */
/* PRNG: splitmix64. Bounded draws use the multiply-shift reduction (deterministic).           */

static uint64_t rng_state;

static inline uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform in [0, n), n < 2^32 */
static inline uint32_t below(uint32_t n)
{
    return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* uniform in [lo, hi] */
static inline uint64_t between(uint64_t lo, uint64_t hi)
{
    return lo + (rnd() % (hi - lo + 1));
}

/* stateless hash for per-user attributes (independent of the row stream) */
static inline uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ------------------------------------------------------------------------------------------ */
/* Output buffer                                                                               */

#define OBUF_SIZE (4u << 20)
#define ROW_MAX 16384u /* no row comes close to this */

static char *obuf;
static size_t olen;
static uint64_t oflushed;
static int ofd = 1;

static void die(const char *msg)
{
    fprintf(stderr, "gen-export: %s\n", msg);
    exit(1);
}

static void flush_out(void)
{
    size_t off = 0;
    while (off < olen) {
        ssize_t w = write(ofd, obuf + off, olen - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            perror("gen-export: write");
            exit(1);
        }
        off += (size_t)w;
    }
    oflushed += olen;
    olen = 0;
}

static inline char *room(void)
{
    if (olen + ROW_MAX > OBUF_SIZE)
        flush_out();
    return obuf + olen;
}

static inline char *put_mem(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

#define PUT_LIT(p, lit) put_mem((p), (lit), sizeof(lit) - 1)

static inline char *put_u(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static inline char *put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

static inline char *put_digits(char *p, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

static const char hexd[] = "0123456789abcdef";

static char *put_guid(char *p)
{
    uint64_t a = rnd(), b = rnd();
    /* version 4, variant 10xx: looks like a real random GUID */
    a = (a & ~0xf000ULL) | 0x4000ULL;
    b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
    static const int groups[5] = {8, 4, 4, 4, 12};
    int nib = 0;
    for (int g = 0; g < 5; g++) {
        if (g)
            *p++ = '-';
        for (int i = 0; i < groups[g]; i++, nib++) {
            uint64_t w = nib < 16 ? a : b;
            int sh = 60 - 4 * (nib & 15);
            *p++ = hexd[(w >> sh) & 15];
        }
    }
    return p;
}

/* ------------------------------------------------------------------------------------------ */
/* Quoting. g_qall: every field quoted (PowerShell Export-Csv).                                */

static int g_qall;
static int g_quote_phrases; /* --quote-phrases */

typedef struct {
    const char *p;
    unsigned n;
} str_t;

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        die("out of memory");
    return p;
}

/* Format a constant text as a complete CSV field (quoted and escaped when needed, or always). */
static str_t mkfield_as(const char *raw, int quote)
{
    size_t n = strlen(raw);
    int need = quote || strpbrk(raw, ",\"\r\n") != NULL;
    if (!need)
        return (str_t){raw, (unsigned)n};
    char *o = xmalloc(2 * n + 3);
    size_t k = 0;
    o[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (raw[i] == '"')
            o[k++] = '"';
        o[k++] = raw[i];
    }
    o[k++] = '"';
    return (str_t){o, (unsigned)k};
}

static str_t mkfield(const char *raw)
{
    return mkfield_as(raw, g_qall);
}

static inline char *put_str(char *p, str_t s)
{
    return put_mem(p, s.p, s.n);
}

/* open/close a field whose content never needs escaping */
#define FB(p)                 \
    do {                      \
        if (g_qall)           \
            *(p)++ = '"';     \
    } while (0)
#define FE(p)                 \
    do {                      \
        if (g_qall)           \
            *(p)++ = '"';     \
        *(p)++ = ',';         \
    } while (0)
#define FEMPTY(p) \
    do {          \
        FB(p);    \
        FE(p);    \
    } while (0)

/* ------------------------------------------------------------------------------------------ */
/* Dates. Time is kept in 100 ns ticks since 1970-01-01T00:00:00Z.                             */

#define TICKS_PER_SEC 10000000LL
#define TICKS_PER_DAY (86400LL * TICKS_PER_SEC)

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, unsigned *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (unsigned)(yy + (*m <= 2));
}

/* cached date of the last formatted day */
static int64_t dc_day = INT64_MIN;
static unsigned dc_y, dc_m, dc_d;

static inline void day_parts(int64_t day)
{
    if (day != dc_day) {
        civil_from_days(day, &dc_y, &dc_m, &dc_d);
        dc_day = day;
    }
}

/* YYYY-MM-DD<sep>HH:MM:SS.fffffff */
static char *put_time7(char *p, int64_t t, char sep)
{
    int64_t day = t / TICKS_PER_DAY;
    int64_t rem = t % TICKS_PER_DAY;
    day_parts(day);
    unsigned sod = (unsigned)(rem / TICKS_PER_SEC);
    unsigned frac = (unsigned)(rem % TICKS_PER_SEC);
    p = put_digits(p, dc_y, 4);
    *p++ = '-';
    p = put2(p, dc_m);
    *p++ = '-';
    p = put2(p, dc_d);
    *p++ = sep;
    p = put2(p, sod / 3600);
    *p++ = ':';
    p = put2(p, sod / 60 % 60);
    *p++ = ':';
    p = put2(p, sod % 60);
    *p++ = '.';
    return put_digits(p, frac, 7);
}

/* ISO 8601 with 7 fraction digits and Z */
static inline char *put_iso(char *p, int64_t t)
{
    p = put_time7(p, t, 'T');
    *p++ = 'Z';
    return p;
}

/* A culture's date and time pattern: which number comes first, the separator, which
 * numbers are zero-padded, 12- or 24-hour clock. */
typedef struct {
    const char *name;
    char first;      /* 'm' month first, 'd' day first, 'y' year first */
    char sep;
    int pad_day, pad_month, pad_hour, h12;
} culture_t;

static const culture_t cultures[] = {
    {"en-US", 'm', '/', 0, 0, 0, 1},     /* M/d/yyyy h:mm:ss tt */
    {"en-GB", 'd', '/', 1, 1, 1, 0},     /* dd/MM/yyyy HH:mm:ss */
    {"fr-FR", 'd', '/', 1, 1, 1, 0},     /* dd/MM/yyyy HH:mm:ss */
    {"de-DE", 'd', '.', 1, 1, 1, 0},     /* dd.MM.yyyy HH:mm:ss */
    {"nl-NL", 'd', '-', 0, 0, 1, 0},     /* d-M-yyyy HH:mm:ss (Windows culture data) */
    {"ja-JP", 'y', '/', 1, 1, 0, 0},     /* yyyy/MM/dd H:mm:ss */
    {"en-AU", 'd', '/', 0, 1, 0, 1},     /* d/MM/yyyy h:mm:ss tt */
    {"invariant", 'm', '/', 1, 1, 1, 0}, /* MM/dd/yyyy HH:mm:ss */
};

static const culture_t *g_culture; /* --culture, or NULL */

static inline char *put_num(char *p, unsigned v, int pad)
{
    return pad ? put2(p, v) : put_u(p, v);
}

/* A civil date and second of day in culture c; ms >= 0 adds milliseconds; comma puts
 * ", " between date and time (the Log Analytics en-US form). */
static char *put_culture_parts(char *p, const culture_t *c, unsigned y, unsigned m, unsigned d,
                               unsigned sod, int ms, int comma)
{
    if (c->first == 'y') {
        p = put_digits(p, y, 4);
        *p++ = c->sep;
        p = put_num(p, m, c->pad_month);
        *p++ = c->sep;
        p = put_num(p, d, c->pad_day);
    } else {
        p = c->first == 'm' ? put_num(p, m, c->pad_month) : put_num(p, d, c->pad_day);
        *p++ = c->sep;
        p = c->first == 'm' ? put_num(p, d, c->pad_day) : put_num(p, m, c->pad_month);
        *p++ = c->sep;
        p = put_digits(p, y, 4);
    }
    p = comma ? PUT_LIT(p, ", ") : PUT_LIT(p, " ");
    unsigned h = sod / 3600;
    p = put_num(p, c->h12 ? (h % 12 ? h % 12 : 12) : h, c->pad_hour);
    *p++ = ':';
    p = put2(p, sod / 60 % 60);
    *p++ = ':';
    p = put2(p, sod % 60);
    if (ms >= 0) {
        *p++ = '.';
        p = put_digits(p, (uint64_t)ms, 3);
    }
    if (c->h12)
        p = h < 12 ? PUT_LIT(p, " AM") : PUT_LIT(p, " PM");
    return p;
}

static char *put_culture(char *p, const culture_t *c, int64_t t, int with_ms, int comma)
{
    day_parts(t / TICKS_PER_DAY);
    int64_t rem = t % TICKS_PER_DAY;
    int ms = with_ms ? (int)(rem % TICKS_PER_SEC / 10000) : -1;
    return put_culture_parts(p, c, dc_y, dc_m, dc_d, (unsigned)(rem / TICKS_PER_SEC), ms, comma);
}

/* Log Analytics portal times, quoted by the caller: en-US 6/11/2023, 10:15:30.123 AM by
 * default, or --culture's form with milliseconds. */
static char *put_locale(char *p, int64_t t)
{
    const culture_t *c = g_culture ? g_culture : &cultures[0];
    return put_culture(p, c, t, 1, c == &cultures[0]);
}

/* ------------------------------------------------------------------------------------------ */
/* Tables                                                                                      */

enum { OK = 1, NOUSER = 2 };

/* delay classes from invite to the final response, in ms */
#define D_FAST 50, 1500      /* configuration / policy rejections */
#define D_SBC 100, 3000      /* SBC answers quickly */
#define D_BUSY 400, 5000     /* busy */
#define D_RING 3000, 45000   /* rang, then cancelled / declined */
#define D_NOANS 15000, 60000 /* rang out */
#define D_FAILOVER 10000, 10600
#define D_TIMEOUT 8000, 32000
#define D_TLS 20, 900
#define D_SETUP 1000, 25000 /* successful: ring time before answer */

typedef struct {
    const char *ms;     /* Microsoft code */
    unsigned short sip; /* final SIP code */
    const char *phrase; /* final SIP phrase (tac/graph/cqd); unused for acs */
    unsigned weight;    /* parts per million, normal mode */
    unsigned tweight;   /* added with --tricky */
    char dir;           /* 'i' inbound, 'o' outbound, 'b' both */
    unsigned char flags;
    unsigned min_ms, max_ms;
} outcome_t;

/* an outcome with its fields pre-formatted for the chosen family */
typedef struct {
    const outcome_t *d;
    str_t f_ms, f_phrase;
    char sipbuf[4];
    unsigned siplen;
} ocf_t;

/*
 * Teams Direct Routing outcomes (tac, graph, cqd). Documented combinations use the exact
 * phrase of teams-dr-codes.tsv; marked entries are deliberately not in that table.
 * Weights: ~84% successful before the SBC TLS cluster is added (ends at ~82%).
 */
static const outcome_t teams_outcomes[] = {
    /* normal completions */
    {"540000", 0, "BYE", 475000, 0, 'b', OK, D_SETUP},
    {"560000", 0, "BYE", 355000, 0, 'b', OK, D_SETUP},
    {"0", 200, "OK", 30000, 0, 'b', OK, D_SETUP}, /* not in table: the "200" form */
    /* expected endings (user actions) */
    {"560487", 487, "Request Terminated", 30000, 0, 'b', 0, D_RING},             /* not in table */
    {"560487", 487, "Request terminated with normal call clearing", 8000, 0, 'b', 0, D_RING},
    {"560486", 486, "Busy Here", 25000, 0, 'b', 0, D_BUSY},                     /* not in table */
    {"560480", 480, "Temporarily Unavailable", 20000, 0, 'o', 0, D_NOANS},      /* ACS only */
    {"540200", 487, "Call completed elsewhere", 15000, 0, 'i', 0, D_RING},
    {"560603", 603, "Decline", 10000, 0, 'b', 0, D_RING},                       /* not in table */
    {"10037", 480, "No callee endpoints were found", 5000, 0, 'i', 0, D_FAST},
    {"10191", 480, "Routing to voicemail is disabled in policy", 1500, 0, 'i', 0, D_NOANS},
    /* long tail of faults, documented */
    {"0", 408, "Establishment timeout", 6000, 0, 'b', 0, D_TIMEOUT},
    {"500001", 408, "Gateway (SBC) failover timer expired", 5000, 0, 'o', 0, D_FAILOVER},
    {"560408", 408, "SBC indicated that the user did not respond (request timeout)", 6000, 0, 'o', 0,
     D_TIMEOUT},
    {"560503", 503, "Service unavailable. SBC undergoing maintenance or temporarily overloaded", 4000,
     0, 'o', 0, D_SBC},
    {"510532", 403, "Get Inbound Direct Routing - RuntimeApi trunk config not found for customer",
     1500, 0, 'i', NOUSER, D_FAST},
    {"510532", 403, "Get Inbound Direct routing - RuntimeApi trunk config not found for customer",
     300, 0, 'i', NOUSER, D_FAST},
    {"510532", 403, "No trunk config was found", 800, 0, 'i', NOUSER, D_FAST},
    {"510534", 403, "Get Inbound Direct Routing - blocked calling number for customer", 400, 0, 'i',
     NOUSER, D_FAST},
    {"511404", 404, "Getting user info by number from RuntimeAPI failed", 3000, 0, 'i', NOUSER,
     D_FAST},
    {"531004", 410, "IceConnectivityChecksFailed", 2500, 0, 'b', 0, D_TIMEOUT},
    {"531005", 410, "MediaConnectivityFailure", 400, 0, 'b', 0, D_TIMEOUT},
    {"540998", 503, "Service Unavailable - Service state: Inactive/DrainingTransactions", 1500, 0,
     'i', 0, D_FAST},
    {"560484", 484, "Invalid number format. SBC rejected the call", 2500, 0, 'o', 0, D_SBC},
    {"560403", 403, "Forbidden; Call rejected", 2000, 0, 'o', 0, D_SBC},
    {"569002", 504,
     "Unable to deliver INVITE: A connection attempt failed because the connected party did not "
     "properly respond after a period of time, or established connection failed because connected "
     "host has failed to respond",
     1500, 0, 'o', 0, D_FAILOVER},
    {"569002", 504,
     "Unable to deliver INVITE: No connection could be made because the target machine actively "
     "refused it",
     1000, 0, 'o', 0, D_FAST},
    {"569002", 504,
     "Unable to deliver INVITE: outgoing TLS negotiation failed; Wrong target principal name "
     "configured. HRESULT=0x80090322 CERT_E_WRONG_USAGE",
     300, 0, 'o', 0, D_TLS},
    {"549002", 504, "Unable to deliver INVITE: TlsTransport is not connected, State=Disconnected", 500,
     0, 'o', 0, D_FAST},
    {"569015", 504, "Unable to deliver INVITE: No such host is known", 200, 0, 'o', 0, D_FAST},
    {"569008", 504,
     "Unable to deliver INVITE: Outgoing TLS negotiation failed. Remote certificate expired; "
     "HRESULT=0x80090328 SEC_E_CERT_EXPIRED",
     200, 0, 'o', 0, D_TLS},
    {"510562", 403, "User is not allowed to make outbound PSTN Calls", 800, 0, 'o', 0, D_FAST},
    {"510563", 403, "User is only allowed to make domestic calls. This is an international call", 600,
     0, 'o', 0, D_FAST},
    {"510560", 403, "User is not Enterprise Voice enabled", 400, 0, 'o', 0, D_FAST},
    {"510546", 403, "Get Outbound Direct Routing - no trunk config found by LBR selection criteria",
     300, 0, 'o', 0, D_FAST},
    {"510559", 403, "Get Outbound routing - No viable path (Forbidden)", 300, 0, 'o', 0, D_FAST},
    {"531000", 488,
     "InternalDiagCode: SrtpEncryptionRequired, InternalErrorPhrase: Remote participant did not "
     "offer required SRTP support",
     300, 0, 'b', 0, D_SBC},
    {"531027", 488, "There are no ICE candidates in the SDP. Non-ice endpoints cannot use bypass", 200,
     0, 'b', 0, D_SBC},
    {"540500", 500, "Internal Server Error - Duplicate CreateCallAsync request", 100, 0, 'o', 0,
     D_FAST},
    {"1106", 408, "An acknowledgement was not received for the call acceptance in the allotted time",
     400, 0, 'i', 0, D_TIMEOUT},
    {"10199", 403, "Call rejected as private calling is disabled for the callee", 200, 0, 'i', 0,
     D_FAST},
    {"10553", 403,
     "Participant call leg has been canceled because an invite to a required recorder failed", 200,
     0, 'b', 0, D_FAST},
    {"10553", 403,
     "Participant call leg has been cancelled because an invite to a required recorder failed", 100,
     0, 'b', 0, D_FAST},
    {"510544", 500, "Get Outbound Direct routing - no trunk config found", 200, 0, 'o', 0, D_FAST},
    {"540400", 400, "Bad Request", 200, 0, 'b', 0, D_FAST},
    {"560402", 402, "Payment required", 100, 0, 'o', 0, D_SBC},
    {"10320", 503, "Bot is unreachable or unable to answer before timeout", 200, 0, 'i', 0,
     D_TIMEOUT},
    /* 560NNN not in the Teams table (SBC-generated by the origin rule) */
    {"560502", 502, "Bad Gateway", 1500, 0, 'o', 0, D_SBC},
    {"560410", 410, "Gone", 500, 0, 'o', 0, D_SBC},
    {"560404", 404, "Not Found", 1500, 0, 'o', 0, D_SBC},
    {"560500", 500, "Server Internal Error", 800, 0, 'o', 0, D_SBC},
    {"560488", 488, "Not Acceptable Here", 400, 0, 'b', 0, D_SBC},
    /* undocumented Microsoft codes (~0.5%): "unknown" */
    {"599999", 500, "Internal Server Error", 2500, 0, 'b', 0, D_FAST},
    {"12345", 403, "Forbidden", 1500, 0, 'o', 0, D_FAST},
    {"520999", 503, "Service Unavailable", 1000, 0, 'b', 0, D_FAST},
    /* --tricky only: phrase spelled as seen in the wild, a 7-digit Microsoft code */
    {"560484", 484, "Invalid number format. SBC rejected the call.", 0, 3000, 'o', 0, D_SBC},
    {"1000307", 500, "Internal Server Error", 0, 1000, 'b', 0, D_FAST},
};

/* The TLS certificate cluster on the bad SBC (outbound calls only). */
static const outcome_t tls_outcomes[] = {
    {"569002", 504,
     "Unable to deliver INVITE: outgoing TLS negotiation failed; Wrong target principal name "
     "configured. HRESULT=0x80090322 CERT_E_WRONG_USAGE",
     500, 0, 'o', 0, D_TLS},
    {"569002", 504,
     "Unable to deliver ACK: outgoing TLS negotiation failed; Wrong target principal name "
     "configured. HRESULT=0x80090322 CERT_E_WRONG_USAGE",
     100, 0, 'o', 0, D_TLS},
    {"569008", 504,
     "Unable to deliver INVITE: Outgoing TLS negotiation failed. Remote certificate expired; "
     "HRESULT=0x80090328 SEC_E_CERT_EXPIRED",
     250, 0, 'o', 0, D_TLS},
    {"569009", 504,
     "Unable to deliver INVITE: outgoing TLS negotiation failed; HRESULT=0x80090325 "
     "SEC_E_UNTRUSTED_ROOT",
     100, 0, 'o', 0, D_TLS},
    {"569002", 504, "Unable to deliver INVITE: TLS decryption failed; HRESULT=590615", 50, 0, 'o', 0,
     D_TLS},
};

/* --incident: what an expired SBC certificate does to the calls Microsoft sends it. */
static const outcome_t incident_outcomes[] = {
    {"569008", 504,
     "Unable to deliver INVITE: Outgoing TLS negotiation failed. Remote certificate expired; "
     "HRESULT=0x80090328 SEC_E_CERT_EXPIRED",
     800, 0, 'o', 0, D_TLS},
    {"569002", 504, "Unable to deliver INVITE: outgoing TLS negotiation failed; HRESULT=0x80096004",
     120, 0, 'o', 0, D_TLS},
    {"569002", 504, "Unable to deliver INVITE: TlsTransport is not connected, State=Disconnected",
     80, 0, 'o', 0, D_FAST},
};

/* ACS outcomes: code pairs of acs-pstn-codes.tsv (the export has no phrase column). */
static const outcome_t acs_outcomes[] = {
    {"540000", 0, "Normal PSTN call end: User ended the call.", 400000, 0, 'b', OK, D_SETUP},
    {"560000", 0, "Normal PSTN call end: User ended the call.", 350000, 0, 'b', OK, D_SETUP},
    {"0", 0, "Call ended successfully by local participant.", 90000, 0, 'b', OK, D_SETUP},
    {"560487", 487, "The caller terminated the call request.", 40000, 0, 'b', 0, D_RING},
    {"540487", 487, "The caller terminated the call request.", 10000, 0, 'o', 0, D_RING},
    {"560486", 486, "The called number was busy", 25000, 0, 'b', 0, D_BUSY},
    {"540486", 486, "The called number was busy", 5000, 0, 'i', 0, D_BUSY},
    {"560480", 480, "No answer from the called user.", 20000, 0, 'o', 0, D_NOANS},
    {"560603", 603, "Call declined by the recipient.", 10000, 0, 'b', 0, D_RING},
    {"560408", 408, "The called party didn't respond", 6000, 0, 'o', 0, D_TIMEOUT},
    {"500001", 408, "User gateway timeout", 5000, 0, 'o', 0, D_FAILOVER},
    {"560503", 503, "Unexpected server error", 4000, 0, 'o', 0, D_SBC},
    {"510403", 403, "Call blocked", 3000, 0, 'o', 0, D_FAST},
    {"560403", 403, "Call forbidden", 3000, 0, 'o', 0, D_SBC},
    {"511532", 403, "Resource SIP trunk configuration not found.", 1500, 0, 'o', 0, D_FAST},
    {"560404", 404, "Phone number not found.", 2500, 0, 'o', 0, D_SBC},
    {"511404", 404, "Phone number not found.", 2500, 0, 'i', 0, D_FAST},
    {"531004", 410, "ICE checks failed.", 2500, 0, 'b', 0, D_TIMEOUT},
    {"560484", 484, "Incomplete or invalid callee address.", 2500, 0, 'o', 0, D_SBC},
    {"560500", 500, "Server Internal Error", 1500, 0, 'o', 0, D_SBC},
    /* not in the ACS table */
    {"560502", 502, "Bad Gateway", 1500, 0, 'o', 0, D_SBC},
    {"560410", 410, "Gone", 500, 0, 'o', 0, D_SBC},
    /* undocumented */
    {"599999", 500, "", 2500, 0, 'b', 0, D_FAST},
    {"12345", 403, "", 1500, 0, 'o', 0, D_FAST},
    {"520999", 503, "", 1000, 0, 'b', 0, D_FAST},
    {"1000307", 500, "", 0, 1000, 'b', 0, D_FAST},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    const char *tac, *byot; /* TAC value, Graph/CQD value */
    char dir;
    unsigned weight;
    int shared; /* forward/transfer leg: has a Shared correlation ID */
} calltype_t;

static const calltype_t calltypes[] = {
    {"dr_in", "ByotIn", 'i', 900, 0},
    {"dr_in_bot", "ByotInUcap", 'i', 100, 0},
    {"dr_out", "ByotOut", 'o', 860, 0},
    {"dr_out_user_forwarding", "ByotOutUserForwarding", 'o', 50, 1},
    {"dr_out_user_transfer", "ByotOutUserTransfer", 'o', 40, 1},
    {"dr_out_user_conf", "ByotOut", 'o', 30, 0},
    {"dr_out_bot", "ByotOut", 'o', 15, 0},
    {"user_out_transfer", "ByotOutUserTransfer", 'o', 3, 1},
    {"dr_emergency_out", "ByotOut", 'o', 2, 0},
};
enum { CT_DR_IN = 0, CT_EMERGENCY = 8 };

typedef struct {
    const char *fqdn;
    const char *bypass; /* Media bypass Yes/No */
    str_t f_fqdn;
} sbc_t;

static sbc_t sbcs[] = {
    {"sbc1.contoso.com", "Yes", {0, 0}},      {"sbc2.contoso.com", "Yes", {0, 0}},
    {"sbc3.contoso.com", "No", {0, 0}},       {"sbc-eu.fabrikam.net", "No", {0, 0}},
    {"sbc-apac.fabrikam.net", "No", {0, 0}},
};
#define BAD_SBC 3
#define BAD_SBC_TLS_PERCENT 20 /* of its outbound calls */
#define INCIDENT_SBC 0          /* --incident: its certificate expires ... */
#define INCIDENT_HOUR 12        /* ... at noon of the first day */

/* Sites: where a user lives decides country, number range, SBCs and Azure regions. */
typedef struct {
    unsigned user_weight;
    const char *countries[3];
    unsigned country_weight[3];
    unsigned sbc_weight[NELEM(sbcs)];
    const char *media[2], *signaling[2];
} site_t;

static const site_t sites[] = {
    {60, {"US", "US", "US"}, {1, 0, 0}, {45, 40, 15, 0, 0}, {"USWE", "USEA"}, {"USWE", "USEA"}},
    {30, {"GB", "DE", "FR"}, {40, 35, 25}, {0, 15, 0, 85, 0}, {"EUWE", "EUNO"}, {"EUNO", "EUWE"}},
    {10, {"AU", "AU", "AU"}, {1, 0, 0}, {10, 0, 0, 0, 90}, {"APSE", "APEA"}, {"APSE", "APEA"}},
};

/* Fictional number ranges per country: prefix + random digits. */
typedef struct {
    const char *cc;
    const char *prefix;
    int digits;
    const char *emergency;
} numplan_t;

static const numplan_t numplans[] = {
    {"US", "+1206555", 4, "911"},     /* external US numbers */
    {"GB", "+442079460", 3, "112"},   /* 020 7946 0xxx, reserved for drama */
    {"DE", "+493023125", 3, "112"},   /* 030 23125 xxx, reserved for drama */
    {"FR", "+3319900", 4, "112"},     /* 01 99 00 xx xx, reserved for fiction */
    {"AU", "+6125550", 4, "000"},     /* 02 5550 xxxx, reserved for fiction */
};

static int numplan_of(const char *cc)
{
    for (size_t i = 0; i < NELEM(numplans); i++)
        if (strcmp(numplans[i].cc, cc) == 0)
            return (int)i;
    return 0;
}

static const char *first_names[48] = {
    "Jane",    "John",   "Maria",  "Ahmed",   "Wei",    "Olivia",  "Liam",   "Sofia",
    "Noah",    "Emma",   "Lucas",  "Mia",     "Ethan",  "Hannah",  "Mateo",  "Aisha",
    "Daniel",  "Chloe",  "Ravi",   "Elena",   "Kenji",  "Fatima",  "Oscar",  "Grace",
    "Tomas",   "Ingrid", "Pedro",  "Yuki",    "Samuel", "Nadia",   "Felix",  "Leah",
    "Marco",   "Priya",  "Jonas",  "Clara",   "Omar",   "Zoe",     "Victor", "Lena",
    "Andre",   "Julia",  "Hugo",   "Sara",    "Ivan",   "Nora",    "Diego",  "Amira",
};

static const char *last_names[48] = {
    "Doe",      "Smith",    "Garcia",   "Khan",     "Chen",     "Johnson",  "Brown",
    "Rossi",    "Miller",   "Davis",    "Martin",   "Wilson",   "Taylor",   "Anderson",
    "Thomas",   "Moore",    "Jackson",  "White",    "Harris",   "Clark",    "Lewis",
    "Walker",   "Hall",     "Young",    "King",     "Wright",   "Lopez",    "Hill",
    "Scott",    "Green",    "Adams",    "Baker",    "Nelson",   "Carter",   "Mitchell",
    "Perez",    "Roberts",  "Turner",   "Phillips", "Campbell", "Parker",   "Evans",
    "Edwards",  "Collins",  "Stewart",  "Morris",   "Murphy",   "Cook",
};

static const char *nicknames[6] = {"JJ", "Sam", "Bear", "Doc", "Ace", "Mo"};

/* directory-style suffixes many tenants put into display names */
static const char *name_suffixes[12] = {
    " (Sales)",       " (Finance)",    " (Customer Support)", " (IT Operations)",
    " (Facilities)",  " (Reception)",  " (Contractor)",       " (Marketing)",
    " (Engineering)", " (Legal)",      " (Procurement)",      " (Human Resources)",
};

/* --tricky display names: line breaks, delimiter + doubled quotes, non-ASCII */
static const struct {
    const char *name, *upn;
} tricky_users[] = {
    {"Front Desk\nBuilding 2", "frontdesk.b2@contoso.com"},
    {"Garc\xc3\xad" "a, Jos\xc3\xa9 \"Pepe\"", "jose.garcia@contoso.com"},
    {"M\xc3\xbcller, J\xc3\xbcrgen", "juergen.mueller@contoso.com"},
    {"Conference Room\r\nLevel 3, East", "confroom.l3@contoso.com"},
    {"O'Brien, Siobh\xc3\xa1n \"Shiv\"", "siobhan.obrien@contoso.com"},
};

#define NUSERS (48 * 48)

typedef struct {
    str_t f_upn, f_name;
    str_t f_name_comma, f_name_plain; /* --quote-names: "Last, First" and First Last */
    char objid[36];
    char number[16];
    unsigned char numlen;
    unsigned char site;
    const char *country;
} user_t;

static user_t users[NUSERS + NELEM(tricky_users)];

/* ------------------------------------------------------------------------------------------ */
/* Weighted choice over cumulative integer weights                                             */

typedef struct {
    unsigned n;
    uint32_t total;
    uint32_t *cum;
} wtab_t;

static wtab_t wtab_make(const unsigned *w, unsigned n)
{
    wtab_t t = {n, 0, xmalloc(n * sizeof(uint32_t))};
    for (unsigned i = 0; i < n; i++) {
        t.total += w[i];
        t.cum[i] = t.total;
    }
    if (!t.total)
        die("internal: empty weight table");
    return t;
}

static inline unsigned wpick(const wtab_t *t)
{
    uint32_t r = below(t->total);
    unsigned lo = 0, hi = t->n - 1;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (t->cum[mid] > r)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* ------------------------------------------------------------------------------------------ */
/* Options and derived state                                                                   */

enum fam { F_TAC, F_GRAPH, F_CQD, F_ACS };

static enum fam g_family = F_TAC;
static int g_tricky;
static const char *g_eol = "\r\n";
static unsigned g_eollen = 2;

static ocf_t *g_out, *g_tls, *g_incident; /* outcome tables for this family */
static int g_incident_on;         /* --incident */
static int64_t g_incident_at;     /* when the certificate expires, ticks */
static int64_t g_end;             /* --days: the end of the period, ticks */
static const ocf_t *g_comma_phrase; /* first outcome whose phrase holds a comma */
static const ocf_t *g_period_phrase; /* first phrase ending in '.' (a --tricky variant) */
static const ocf_t *g_long_code;     /* first Microsoft code longer than 6 digits */
static wtab_t wt_out, wt_tls, wt_incident, wt_ct_in, wt_ct_out, wt_sbc[NELEM(sites)];
static unsigned ct_in_idx[NELEM(calltypes)], ct_out_idx[NELEM(calltypes)];
static str_t f_calltype_tac[NELEM(calltypes)], f_calltype_byot[NELEM(calltypes)];
static str_t f_bypass[NELEM(sbcs)];

static ocf_t *setup_outcomes(const outcome_t *o, unsigned n, wtab_t *wt)
{
    ocf_t *f = xmalloc(n * sizeof *f);
    unsigned *w = xmalloc(n * sizeof(unsigned));
    for (unsigned i = 0; i < n; i++) {
        f[i].d = &o[i];
        f[i].f_ms = mkfield(o[i].ms);
        f[i].f_phrase = mkfield_as(o[i].phrase, g_qall || g_quote_phrases);
        char *e = put_u(f[i].sipbuf, o[i].sip);
        f[i].siplen = (unsigned)(e - f[i].sipbuf);
        w[i] = o[i].weight + (g_tricky ? o[i].tweight : 0);
    }
    *wt = wtab_make(w, n);
    free(w);
    return f;
}

static void setup_users(void)
{
    unsigned sw[NELEM(sites)];
    for (unsigned i = 0; i < NELEM(sites); i++)
        sw[i] = sites[i].user_weight;
    wtab_t site_tab = wtab_make(sw, NELEM(sites));
    char buf[256];
    for (unsigned u = 0; u < NUSERS + NELEM(tricky_users); u++) {
        user_t *us = &users[u];
        uint64_t h = mix64(0x5eedULL * 31 + u);
        /* site and country: deterministic per user, independent of the seed */
        uint64_t saved = rng_state;
        rng_state = h;
        us->site = (unsigned char)wpick(&site_tab);
        const site_t *s = &sites[us->site];
        unsigned cw = (unsigned)below(s->country_weight[0] + s->country_weight[1] +
                                      s->country_weight[2]);
        us->country = cw < s->country_weight[0]                          ? s->countries[0]
                      : cw < s->country_weight[0] + s->country_weight[1] ? s->countries[1]
                                                                         : s->countries[2];
        char *p = put_guid(us->objid);
        (void)p;
        /* own number: a fictional range per country, unique per user */
        if (strcmp(us->country, "US") == 0) {
            p = PUT_LIT(us->number, "+1425555");
            p = put_digits(p, u % 10000, 4);
        } else {
            const numplan_t *np = &numplans[numplan_of(us->country)];
            p = put_mem(us->number, np->prefix, strlen(np->prefix));
            p = put_digits(p, u, np->digits);
        }
        us->numlen = (unsigned char)(p - us->number);

        if (u >= NUSERS) {
            us->f_name = us->f_name_comma = us->f_name_plain =
                mkfield(tricky_users[u - NUSERS].name);
            us->f_upn = mkfield(tricky_users[u - NUSERS].upn);
            rng_state = saved;
            continue;
        }
        /* bijection u -> (first, last): every UPN is unique */
        unsigned fi = u % 48, li = (u / 48 + 17 * fi) % 48;
        const char *fn = first_names[fi], *ln = last_names[li];
        unsigned style = below(100);
        const char *sfx = below(100) < 45 ? name_suffixes[below(12)] : "";
        if (style < 25)
            snprintf(buf, sizeof buf, "%s, %s%s", ln, fn, sfx);
        else if (style < 28)
            snprintf(buf, sizeof buf, "%s \"%s\" %s%s", fn, nicknames[below(6)], ln, sfx);
        else
            snprintf(buf, sizeof buf, "%s %s%s", fn, ln, sfx);
        char *name = xmalloc(strlen(buf) + 1);
        strcpy(name, buf);
        us->f_name = mkfield(name);
        if (us->f_name.p != name)
            free(name);
        snprintf(buf, sizeof buf, "%s, %s%s", ln, fn, sfx);
        us->f_name_comma = mkfield(buf);
        snprintf(buf, sizeof buf, "%s %s%s", fn, ln, sfx);
        name = xmalloc(strlen(buf) + 1);
        strcpy(name, buf);
        us->f_name_plain = mkfield(name);
        if (us->f_name_plain.p != name)
            free(name);
        snprintf(buf, sizeof buf, "%s.%s@contoso.com", fn, ln);
        for (char *q = buf; *q; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q - 'A' + 'a');
        char *upn = xmalloc(strlen(buf) + 1);
        strcpy(upn, buf);
        us->f_upn = mkfield(upn);
        if (us->f_upn.p != upn)
            free(upn);
        rng_state = saved;
    }
    free(site_tab.cum);
}

static void setup(void)
{
    if (g_family == F_GRAPH)
        g_qall = 1;
    if (g_family == F_ACS) {
        g_out = setup_outcomes(acs_outcomes, NELEM(acs_outcomes), &wt_out);
        g_eol = "\n";
        g_eollen = 1;
    } else {
        g_out = setup_outcomes(teams_outcomes, NELEM(teams_outcomes), &wt_out);
    }
    g_tls = setup_outcomes(tls_outcomes, NELEM(tls_outcomes), &wt_tls);
    g_incident = setup_outcomes(incident_outcomes, NELEM(incident_outcomes), &wt_incident);
    for (unsigned i = wt_out.n; i-- > 0;) {
        const outcome_t *o = g_out[i].d;
        size_t pl = strlen(o->phrase);
        if (strchr(o->phrase, ','))
            g_comma_phrase = &g_out[i];
        if (pl && o->phrase[pl - 1] == '.' && !(o->flags & OK) && o->tweight)
            g_period_phrase = &g_out[i];
        if (strlen(o->ms) > 6)
            g_long_code = &g_out[i];
    }

    unsigned wi[NELEM(calltypes)], wo[NELEM(calltypes)];
    unsigned ni = 0, no = 0;
    for (unsigned i = 0; i < NELEM(calltypes); i++) {
        f_calltype_tac[i] = mkfield(calltypes[i].tac);
        f_calltype_byot[i] = mkfield(calltypes[i].byot);
        if (calltypes[i].dir == 'i') {
            ct_in_idx[ni] = i;
            wi[ni++] = calltypes[i].weight;
        } else {
            ct_out_idx[no] = i;
            wo[no++] = calltypes[i].weight;
        }
    }
    wt_ct_in = wtab_make(wi, ni);
    wt_ct_out = wtab_make(wo, no);

    for (unsigned i = 0; i < NELEM(sbcs); i++) {
        sbcs[i].f_fqdn = mkfield(sbcs[i].fqdn);
        f_bypass[i] = mkfield(sbcs[i].bypass);
    }
    for (unsigned i = 0; i < NELEM(sites); i++) {
        wt_sbc[i] = wtab_make(sites[i].sbc_weight, NELEM(sbcs));
    }
    setup_users();
}

/* ------------------------------------------------------------------------------------------ */
/* One call                                                                                    */

typedef struct {
    const user_t *user;
    int nouser;
    unsigned sbc;
    const ocf_t *oc;
    int ms_empty;
    int inbound;
    unsigned ct;
    int64_t invite, start, failure, end; /* 0 = none */
    unsigned duration;
    char ext[20];
    unsigned extlen;
    const char *ext_country;
    const char *media, *signaling;
    int shared; /* has a Shared correlation ID */
} call_t;

static int64_t g_now;         /* current invite time */
static int64_t g_gap_mean;    /* mean gap between invites, ticks */
static uint64_t g_row;        /* row index */
static int g_empty_ms_forced; /* --tricky: one empty Microsoft code guaranteed */

/* Business-hours shape of the call rate (multiplier of the gap, in eighths), UTC hours. */
static const unsigned char gap_shape[24] = {24, 28, 32, 32, 28, 20, 14, 10, 8,  6, 5, 5,
                                            5,  5,  5,  5,  5,  6,  7,  8,  10, 12, 16, 20};

/* est_rows times the mean gap that makes est_rows calls fill one day. */
static int64_t day_capacity(void)
{
    int64_t sum = 0;
    for (unsigned h = 0; h < 24; h++)
        sum += 8 * 3600 * TICKS_PER_SEC / gap_shape[h];
    return sum;
}

static unsigned pick_user(void)
{
    if (g_tricky && g_row % 29 == 3)
        return NUSERS + (unsigned)((g_row / 29) % NELEM(tricky_users));
    /* skewed: a few heavy callers (front desks, sales) and a long tail */
    if (below(4) == 0)
        return below(NUSERS);
    uint32_t a = below(NUSERS), b = below(NUSERS);
    return (unsigned)(((uint64_t)a * b) / NUSERS);
}

static void make_external(call_t *c, const char *home_cc, int emergency)
{
    const char *cc = home_cc;
    unsigned r = below(100);
    if (r >= 85)
        cc = r < 93 ? "US" : r < 97 ? "GB" : "DE";
    const numplan_t *np = &numplans[numplan_of(cc)];
    char *p = c->ext;
    c->ext_country = np->cc;
    if (emergency) {
        np = &numplans[numplan_of(home_cc)];
        c->ext_country = np->cc;
        p = put_mem(p, np->emergency, strlen(np->emergency));
    } else if (c->inbound && below(200) == 0) {
        p = PUT_LIT(p, "Anonymous");
        c->ext_country = "";
    } else {
        p = put_mem(p, np->prefix, strlen(np->prefix));
        uint64_t lim = 1;
        for (int i = 0; i < np->digits; i++)
            lim *= 10;
        p = put_digits(p, rnd() % lim, np->digits);
        if (below(40) == 0) /* masked by the report */
            memcpy(p - 3, "***", 3);
    }
    c->extlen = (unsigned)(p - c->ext);
}

/* Whether the export has a record of the call: not an inbound call through
 * the SBC whose certificate expired (Microsoft refuses its TLS connection). */
static int recorded(const call_t *c)
{
    return !(g_incident_on && c->sbc == INCIDENT_SBC && c->inbound && c->invite >= g_incident_at);
}

static void gen_call(call_t *c)
{
    /* time advances by a business-hours-shaped uniform gap */
    unsigned hour = (unsigned)((g_now / (3600 * TICKS_PER_SEC)) % 24);
    int64_t mean = g_gap_mean * gap_shape[hour] / 8;
    g_now += (int64_t)(rnd() % (uint64_t)(2 * mean + 1));

    unsigned u = pick_user();
    c->user = &users[u];
    const site_t *site = &sites[c->user->site];
    c->sbc = wpick(&wt_sbc[c->user->site]);

    c->oc = &g_out[wpick(&wt_out)];
    c->inbound = c->oc->d->dir == 'i' ? 1 : c->oc->d->dir == 'o' ? 0 : (int)below(2);
    if (g_family != F_ACS && c->sbc == BAD_SBC && !c->inbound && below(100) < BAD_SBC_TLS_PERCENT)
        c->oc = &g_tls[wpick(&wt_tls)];
    if (g_incident_on && c->sbc == INCIDENT_SBC && g_now >= g_incident_at && !c->inbound)
        c->oc = &g_incident[wpick(&wt_incident)];
    /* every tricky file, however short, holds each odd shape at least once */
    if (g_tricky) {
        const ocf_t *force = g_row == 7    ? g_comma_phrase  /* a quoted phrase with commas */
                             : g_row == 12 ? g_period_phrase /* the trailing-period spelling */
                             : g_row == 17 ? g_long_code     /* a 7-digit Microsoft code */
                                           : NULL;
        if (force) {
            c->oc = force;
            if (force->d->dir != 'b')
                c->inbound = force->d->dir == 'i';
        }
    }
    c->nouser = (c->oc->d->flags & NOUSER) != 0;

    c->ms_empty = 0;
    if (g_tricky && !(c->oc->d->flags & OK)) {
        if ((below(100) == 0 || (!g_empty_ms_forced && g_row >= 10)) && g_row != 7 &&
            g_row != 12 && g_row != 17) {
            c->ms_empty = 1;
            g_empty_ms_forced = 1;
        }
    }

    if (c->nouser)
        c->ct = CT_DR_IN;
    else if (c->inbound)
        c->ct = ct_in_idx[wpick(&wt_ct_in)];
    else
        c->ct = ct_out_idx[wpick(&wt_ct_out)];
    c->shared = calltypes[c->ct].shared;

    make_external(c, c->user->country, c->ct == CT_EMERGENCY);
    c->media = site->media[below(4) == 0];
    c->signaling = site->signaling[below(3) == 0];

    c->invite = g_now;
    int64_t delay = (int64_t)between(c->oc->d->min_ms, c->oc->d->max_ms) * 10000 + below(10000);
    if (c->oc->d->flags & OK) {
        unsigned r = below(100), d;
        if (r < 30)
            d = (unsigned)between(3, 60);
        else if (r < 85)
            d = (unsigned)between(60, 300);
        else if (r < 98)
            d = (unsigned)between(300, 1200);
        else
            d = (unsigned)between(1200, 3600);
        c->start = c->invite + delay;
        c->end = c->start + (int64_t)d * TICKS_PER_SEC + below(TICKS_PER_SEC);
        c->duration = d;
        c->failure = 0;
    } else {
        c->start = 0;
        c->end = 0;
        c->failure = c->invite + delay;
        c->duration = 0;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Row writers                                                                                 */

static inline char *end_row(char *p)
{
    p--; /* drop the last ',' */
    return put_mem(p, g_eol, g_eollen);
}

static inline char *put_ms(char *p, const call_t *c)
{
    if (c->ms_empty) {
        FEMPTY(p);
        return p;
    }
    p = put_str(p, c->oc->f_ms);
    *p++ = ',';
    return p;
}

static char *put_numbers(char *p, const call_t *c)
{
    const char *un = c->user->number;
    unsigned ul = c->user->numlen;
    FB(p);
    p = c->inbound ? put_mem(p, c->ext, c->extlen) : put_mem(p, un, ul);
    FE(p);
    FB(p);
    p = c->inbound ? put_mem(p, un, ul) : put_mem(p, c->ext, c->extlen);
    FE(p);
    return p;
}

static int g_quote_names = -1; /* --quote-names P, or -1 */
static uint64_t quote_rng;      /* its own stream: the calls stay as they are */

/* The display name field of a row: the user's own form, or with --quote-names the comma form
 * on P percent of the rows. */
static str_t name_field(const user_t *u)
{
    if (g_quote_names < 0)
        return u->f_name;
    uint64_t saved = rng_state;
    rng_state = quote_rng;
    int comma = below(100) < (uint32_t)g_quote_names;
    quote_rng = rng_state;
    rng_state = saved;
    return comma ? u->f_name_comma : u->f_name_plain;
}

static void row_tac(const call_t *c)
{
    char *p = room();
    const char *corr = p;
    p = put_guid(p);
    *p++ = ',';
    if (c->nouser) {
        p = PUT_LIT(p, ",,,");
    } else {
        p = put_mem(p, c->user->objid, 36);
        *p++ = ',';
        p = put_str(p, c->user->f_upn);
        *p++ = ',';
        p = put_str(p, name_field(c->user));
        *p++ = ',';
    }
    if (!c->nouser)
        p = put_mem(p, c->user->country, 2);
    *p++ = ',';
    p = put_mem(p, c->ext_country, strlen(c->ext_country));
    *p++ = ',';
    p = put_iso(p, c->invite);
    *p++ = ',';
    if (c->start)
        p = put_iso(p, c->start);
    *p++ = ',';
    if (c->failure)
        p = put_iso(p, c->failure);
    *p++ = ',';
    if (c->end)
        p = put_iso(p, c->end);
    *p++ = ',';
    p = put_u(p, c->duration);
    *p++ = ',';
    p = (c->oc->d->flags & OK) ? PUT_LIT(p, "Yes,") : PUT_LIT(p, "No,");
    p = put_numbers(p, c);
    p = put_str(p, f_calltype_tac[c->ct]);
    p = c->inbound ? PUT_LIT(p, ",Inbound,") : PUT_LIT(p, ",Outbound,");
    p = put_mem(p, c->media, 4);
    *p++ = ',';
    p = put_mem(p, c->signaling, 4);
    *p++ = ',';
    p = put_mem(p, c->oc->sipbuf, c->oc->siplen);
    *p++ = ',';
    p = put_ms(p, c);
    p = put_str(p, c->oc->f_phrase);
    *p++ = ',';
    p = put_str(p, sbcs[c->sbc].f_fqdn);
    *p++ = ',';
    p = put_str(p, f_bypass[c->sbc]);
    *p++ = ',';
    /* forward/transfer legs point at the original leg; a single leg shares its own */
    p = c->shared ? put_guid(p) : put_mem(p, corr, 36);
    *p++ = ',';
    olen = (size_t)(end_row(p) - obuf);
}

static const char sentinel[] = "0001-01-01T00:00:00Z";

/* A Graph timestamp, quoted: as PowerShell 5.1 leaves it (ISO), or as PowerShell 7 writes
 * the DateTime it made of it in --culture's "G" pattern (the sentinel is year 1 there). */
static inline char *graph_time(char *p, int64_t t)
{
    *p++ = '"';
    if (g_culture)
        p = t ? put_culture(p, g_culture, t, 0, 0)
              : put_culture_parts(p, g_culture, 1, 1, 1, 0, -1, 0);
    else
        p = t ? put_iso(p, t) : put_mem(p, sentinel, sizeof sentinel - 1);
    return PUT_LIT(p, "\",");
}

static void row_graph(const call_t *c)
{
    char *p = room();
    *p++ = '"';
    p = put_guid(p); /* id */
    p = PUT_LIT(p, "\",\"");
    p = put_guid(p); /* correlationId */
    p = PUT_LIT(p, "\",");
    if (c->nouser) {
        p = PUT_LIT(p, "\"\",\"\",\"\",");
    } else {
        *p++ = '"';
        p = put_mem(p, c->user->objid, 36);
        p = PUT_LIT(p, "\",");
        p = put_str(p, c->user->f_upn);
        *p++ = ',';
        p = put_str(p, name_field(c->user));
        *p++ = ',';
    }
    /* startDateTime: for failed calls Graph repeats the invite time */
    p = graph_time(p, c->start ? c->start : c->invite);
    p = graph_time(p, c->invite);
    p = graph_time(p, c->failure);
    p = graph_time(p, c->end);
    *p++ = '"';
    p = put_u(p, c->duration);
    p = PUT_LIT(p, "\",");
    p = put_str(p, f_calltype_byot[c->ct]);
    p = (c->oc->d->flags & OK) ? PUT_LIT(p, ",\"True\",") : PUT_LIT(p, ",\"False\",");
    p = put_numbers(p, c);
    *p++ = '"';
    p = put_mem(p, c->media, 4);
    p = PUT_LIT(p, "\",\"");
    p = put_mem(p, c->signaling, 4);
    p = PUT_LIT(p, "\",\"");
    p = put_mem(p, c->oc->sipbuf, c->oc->siplen);
    p = PUT_LIT(p, "\",");
    p = put_ms(p, c);
    p = put_str(p, c->oc->f_phrase);
    *p++ = ',';
    p = put_str(p, sbcs[c->sbc].f_fqdn);
    p = strcmp(sbcs[c->sbc].bypass, "Yes") == 0 ? PUT_LIT(p, ",\"True\",") : PUT_LIT(p, ",\"False\",");
    olen = (size_t)(end_row(p) - obuf);
}

static void row_cqd(const call_t *c)
{
    char *p = room();
    p = put_mem(p, c->oc->sipbuf, c->oc->siplen);
    *p++ = ',';
    p = put_ms(p, c);
    p = put_str(p, c->oc->f_phrase);
    *p++ = ',';
    p = put_str(p, sbcs[c->sbc].f_fqdn);
    *p++ = ',';
    p = put_str(p, f_calltype_byot[c->ct]);
    p = PUT_LIT(p, ",Direct Routing,");
    p = (c->oc->d->flags & OK) ? PUT_LIT(p, "CallEnded,") : PUT_LIT(p, "CallFailed,");
    p = put_time7(p, c->end ? c->end : c->failure, ' ');
    *p++ = ',';
    p = put_mem(p, c->media, 4);
    p = PUT_LIT(p, ",,"); /* no carrier name for Direct Routing */
    const char *a = c->user->country, *b = c->ext_country;
    if (c->inbound) {
        const char *t = a;
        a = b;
        b = t;
    }
    p = put_mem(p, a, strlen(a));
    *p++ = ',';
    p = put_mem(p, b, strlen(b));
    *p++ = ',';
    olen = (size_t)(end_row(p) - obuf);
}

static const char *acs_category(const outcome_t *o)
{
    if (o->flags & OK)
        return "Success";
    switch (o->sip) {
    case 480:
    case 486:
    case 487:
    case 603:
        return "ExpectedError";
    default:
        return o->sip >= 500 || o->sip == 408 || o->sip == 410 ? "UnexpectedServerError"
                                                               : "UnexpectedClientError";
    }
}

static void row_acs(const call_t *c)
{
    char *p = room();
    p = put_guid(p);
    p = PUT_LIT(p, ",\"");
    p = put_locale(p, c->invite);
    p = PUT_LIT(p, "\",");
    p = put_mem(p, c->oc->sipbuf, c->oc->siplen);
    *p++ = ',';
    p = put_ms(p, c);
    const char *cat = acs_category(c->oc->d);
    p = put_mem(p, cat, strlen(cat));
    p = c->inbound ? PUT_LIT(p, ",DirectRoutingInbound,") : PUT_LIT(p, ",DirectRoutingOutbound,");
    p = put_guid(p);
    *p++ = ',';
    p = put_u(p, c->duration);
    *p++ = ',';
    int64_t last = c->end ? c->end : c->failure;
    p = put_u(p, (uint64_t)(last / TICKS_PER_SEC - c->invite / TICKS_PER_SEC));
    *p++ = ',';
    olen = (size_t)(end_row(p) - obuf);
}

/* ------------------------------------------------------------------------------------------ */
/* Repeats (--repeat): the last rows written, any of which may be written again                */

#define REPEAT_RING 256
#define REPEAT_ROW_MAX 2048 /* longer rows are never repeated */

static char repeat_ring[REPEAT_RING][REPEAT_ROW_MAX];
static uint64_t repeat_rng; /* its own stream: repeats leave the calls as they are */

/* uniform in [0, n) from the repeats' stream */
static uint32_t repeat_below(uint32_t n)
{
    uint64_t saved = rng_state;
    rng_state = repeat_rng;
    uint32_t v = below(n);
    repeat_rng = rng_state;
    rng_state = saved;
    return v;
}
static unsigned repeat_len[REPEAT_RING];
static unsigned repeat_count;

/* Keeps the row that ends the buffer, from offset `from`. */
static void remember_row(size_t from)
{
    size_t n = olen - from;
    unsigned slot = repeat_count % REPEAT_RING;
    if (n > REPEAT_ROW_MAX)
        return;
    memcpy(repeat_ring[slot], obuf + from, n);
    repeat_len[slot] = (unsigned)n;
    repeat_count++;
}

/* Writes a copy of one of the remembered rows; false when none is. */
static int repeat_row(void)
{
    if (!repeat_count)
        return 0;
    unsigned have = repeat_count < REPEAT_RING ? repeat_count : REPEAT_RING;
    unsigned slot = repeat_below(have);
    char *p = room();
    p = put_mem(p, repeat_ring[slot], repeat_len[slot]);
    olen = (size_t)(p - obuf);
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Aggregated exports (--aggregated): calls counted per group                                  */

#define NOUTCOMES_MAX (NELEM(teams_outcomes) + NELEM(tls_outcomes) + NELEM(acs_outcomes))
#define NCT NELEM(calltypes)
#define NSBC NELEM(sbcs)

static uint64_t group_calls[NOUTCOMES_MAX][NSBC][NCT];

/* The index of a call's outcome over the family's table and the TLS cluster. */
static unsigned outcome_index(const call_t *c)
{
    if (c->oc >= g_tls && c->oc < g_tls + wt_tls.n)
        return wt_out.n + (unsigned)(c->oc - g_tls);
    return (unsigned)(c->oc - g_out);
}

static const ocf_t *outcome_at(unsigned i)
{
    return i < wt_out.n ? &g_out[i] : &g_tls[i - wt_out.n];
}

static void count_call(const call_t *c)
{
    unsigned o = outcome_index(c);
    if (g_family == F_ACS) /* grouped by the codes only */
        group_calls[o][0][0]++;
    else
        group_calls[o][c->sbc][c->ct]++;
}

/* A group row: the count ends the row. */
static void end_group(char *p, uint64_t n)
{
    p = put_u(p, n);
    olen = (size_t)(put_mem(p, g_eol, g_eollen) - obuf);
}

static void write_groups(uint64_t calls)
{
    unsigned n = wt_out.n + (g_family == F_ACS ? 0 : wt_tls.n);
    for (unsigned o = 0; o < n; o++) {
        const ocf_t *oc = outcome_at(o);
        for (unsigned sbc = 0; sbc < NSBC; sbc++)
            for (unsigned ct = 0; ct < NCT; ct++) {
                uint64_t k = group_calls[o][sbc][ct];
                if (!k)
                    continue;
                char *p = room();
                p = put_mem(p, oc->sipbuf, oc->siplen);
                *p++ = ',';
                p = put_str(p, oc->f_ms);
                *p++ = ',';
                if (g_family != F_ACS) {
                    p = put_str(p, oc->f_phrase);
                    *p++ = ',';
                    p = put_str(p, sbcs[sbc].f_fqdn);
                    *p++ = ',';
                    p = put_str(p, f_calltype_byot[ct]);
                    p = PUT_LIT(p, ",Audio,");
                }
                end_group(p, k);
            }
    }
    if (g_family == F_ACS)
        return;
    /* Teams VoIP streams in a query not filtered to PSTN: no PSTN field at all. */
    end_group(PUT_LIT(room(), ",,,,,Audio,"), calls / 3 + 1);
    end_group(PUT_LIT(room(), ",,,,,Video,"), calls / 10 + 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Headers                                                                                     */

static const char *hdr_tac[] = {
    "CorrelationId", "AAD ObjectId", "UPN", "Display Name", "User country", "External Country",
    "Invite time", "Start time", "Failure time", "End time", "Duration (seconds)", "Success",
    "Caller Number", "Callee Number", "Call type", "Call Direction", "Azure region for Media",
    "Azure region for Signaling", "Final SIP code", "Final Microsoft subcode", "Final SIP Phrase",
    "SBC FQDN", "Media bypass", "Shared correlation ID", NULL};

static const char *hdr_graph[] = {
    "id", "correlationId", "userId", "userPrincipalName", "userDisplayName", "startDateTime",
    "inviteDateTime", "failureDateTime", "endDateTime", "duration", "callType", "successfulCall",
    "callerNumber", "calleeNumber", "mediaPathLocation", "signalingLocation", "finalSipCode",
    "callEndSubReason", "finalSipCodePhrase", "trunkFullyQualifiedDomainName",
    "mediaBypassEnabled", NULL};

static const char *hdr_cqd[] = {
    "PSTN Call End Reason", "PSTN Call End Sub Reason", "PSTN Final SIP Code Phrase",
    "PSTN Trunk FQDN", "PSTN Call Type", "PSTN Connectivity Type", "PSTN Event Type",
    "PSTN Event Info Time", "PSTN MP Location", "PSTN Carrier Name", "First PSTN Country Region",
    "Second PSTN Country Region", NULL};

static const char *hdr_acs[] = {"CorrelationId", "CallStartTime", "ParticipantEndReason",
                                "ParticipantEndSubCode", "ResultCategory",
                                "PstnParticipantCallType", "ParticipantId", "ParticipantDuration",
                                "CallDuration", NULL};

static const char *hdr_cqd_aggregated[] = {
    "PSTN Call End Reason", "PSTN Call End Sub Reason", "PSTN Final SIP Code Phrase",
    "PSTN Trunk FQDN", "PSTN Call Type", "Media Type", "Total Call Count", NULL};

static const char *hdr_acs_aggregated[] = {"ParticipantEndReason", "ParticipantEndSubCode",
                                           "count_", NULL};

static int g_aggregated;

static void write_header(void)
{
    char *p = room();
    const char **h = hdr_tac;
    switch (g_family) {
    case F_TAC:
        h = hdr_tac;
        break;
    case F_GRAPH:
        if (!g_culture) /* PowerShell 7 writes neither a BOM nor the #TYPE line */
            p = PUT_LIT(p, "\xef\xbb\xbf#TYPE System.Management.Automation.PSCustomObject\r\n");
        h = hdr_graph;
        break;
    case F_CQD:
        p = PUT_LIT(p, "\xef\xbb\xbf");
        h = g_aggregated ? hdr_cqd_aggregated : hdr_cqd;
        break;
    case F_ACS:
        p = PUT_LIT(p, "\xef\xbb\xbf");
        h = g_aggregated ? hdr_acs_aggregated : hdr_acs;
        break;
    }
    for (; *h; h++) {
        str_t f = mkfield(*h);
        p = put_str(p, f);
        *p++ = ',';
        if (f.p != *h)
            free((void *)f.p);
    }
    olen = (size_t)(end_row(p) - obuf);
}

/* ------------------------------------------------------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: gen-export [--family tac|graph|cqd|acs] [--rows N | --bytes N] [--seed S]\n"
          "                  [--tricky] [--start YYYY-MM-DD] [--culture NAME] [--days N]\n"
          "                  [--skip N] [--repeat P] [--aggregated] [--incident]\n"
          "                  [--quote-names P] [--quote-phrases] [-o FILE]\n"
          "Writes a deterministic synthetic Direct Routing call-record export (default: tac,\n"
          "1000 rows, seed 1, start 2024-03-01, stdout). --bytes N stops after the first row\n"
          "that brings the output to N bytes or more. --culture en-US|en-GB|fr-FR|de-DE|\n"
          "nl-NL|ja-JP|en-AU|invariant writes times in that culture's form: PowerShell 7\n"
          "Export-Csv for graph, the Log Analytics portal for acs. --days N spreads the calls\n"
          "(skipped ones included) over N days in business-hours shape and stops at their end\n"
          "(default: about a month). --skip N leaves out the first N calls (same seed and days\n"
          "per call: an overlapping later export); --repeat P makes P percent of the rows\n"
          "exact copies of recent ones; --aggregated (cqd, acs) writes one row per group with\n"
          "a count, N calls in all, and for cqd rows of non-PSTN streams. --incident: from\n"
          "noon of the first day the certificate of sbc1.contoso.com has expired; its\n"
          "outbound calls fail in TLS (569008/504, 569002/504) and its inbound calls are\n"
          "missing. --quote-names P (tac, graph) writes P percent of the display names as\n"
          "\"Last, First\" (quoted), the rest as First Last; --quote-phrases quotes every\n"
          "SIP phrase.\n",
          f);
}

static uint64_t parse_u64(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        goto bad;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        goto bad;
    return (uint64_t)v;
bad:
    fprintf(stderr, "gen-export: %s needs a non-negative integer\n", opt);
    exit(2);
}

static int64_t parse_date(const char *s)
{
    unsigned y, m, d;
    char tail;
    if (!s || sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || strlen(s) != 10 || y < 1970 ||
        m < 1 || m > 12 || d < 1 || d > 31) {
        fprintf(stderr, "gen-export: --start needs YYYY-MM-DD\n");
        exit(2);
    }
    return days_from_civil(y, m, d) * TICKS_PER_DAY;
}

int main(int argc, char **argv)
{
    uint64_t rows = 1000, bytes = 0, seed = 1, days = 0, skip = 0, repeat = 0;
    const char *outpath = NULL;
    int64_t start = parse_date("2024-03-01");

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--family") == 0 && v) {
            if (strcmp(v, "tac") == 0)
                g_family = F_TAC;
            else if (strcmp(v, "graph") == 0)
                g_family = F_GRAPH;
            else if (strcmp(v, "cqd") == 0)
                g_family = F_CQD;
            else if (strcmp(v, "acs") == 0)
                g_family = F_ACS;
            else {
                fprintf(stderr, "gen-export: unknown family '%s'\n", v);
                return 2;
            }
            i++;
        } else if (strcmp(a, "--rows") == 0) {
            rows = parse_u64(a, v);
            bytes = 0;
            i++;
        } else if (strcmp(a, "--bytes") == 0) {
            bytes = parse_u64(a, v);
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            seed = parse_u64(a, v);
            i++;
        } else if (strcmp(a, "--start") == 0) {
            start = parse_date(v);
            i++;
        } else if (strcmp(a, "-o") == 0 && v) {
            outpath = v;
            i++;
        } else if (strcmp(a, "--culture") == 0 && v) {
            g_culture = NULL;
            for (size_t k = 0; k < NELEM(cultures); k++)
                if (strcmp(v, cultures[k].name) == 0)
                    g_culture = &cultures[k];
            if (!g_culture) {
                fprintf(stderr, "gen-export: unknown culture '%s' (en-US, en-GB, fr-FR, de-DE, "
                                "nl-NL, ja-JP, en-AU, invariant)\n", v);
                return 2;
            }
            i++;
        } else if (strcmp(a, "--days") == 0) {
            days = parse_u64(a, v);
            if (days == 0 || days > 3660) {
                fprintf(stderr, "gen-export: --days needs 1 to 3660\n");
                return 2;
            }
            i++;
        } else if (strcmp(a, "--skip") == 0) {
            skip = parse_u64(a, v);
            i++;
        } else if (strcmp(a, "--repeat") == 0) {
            repeat = parse_u64(a, v);
            if (repeat > 100) {
                fprintf(stderr, "gen-export: --repeat needs a percentage from 0 to 100\n");
                return 2;
            }
            i++;
        } else if (strcmp(a, "--aggregated") == 0) {
            g_aggregated = 1;
        } else if (strcmp(a, "--incident") == 0) {
            g_incident_on = 1;
        } else if (strcmp(a, "--tricky") == 0) {
            g_tricky = 1;
        } else if (strcmp(a, "--quote-names") == 0) {
            uint64_t pct = parse_u64(a, v);
            if (pct > 100) {
                fprintf(stderr, "gen-export: --quote-names needs a percentage from 0 to 100\n");
                return 2;
            }
            g_quote_names = (int)pct;
            i++;
        } else if (strcmp(a, "--quote-phrases") == 0) {
            g_quote_phrases = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "gen-export: bad argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }

    if (g_culture && g_family != F_GRAPH && g_family != F_ACS) {
        fprintf(stderr, "gen-export: --culture applies to --family graph and acs (the admin "
                        "center and CQD write fixed forms)\n");
        return 2;
    }
    if ((g_quote_names >= 0 || g_quote_phrases) && g_family != F_TAC && g_family != F_GRAPH) {
        fprintf(stderr, "gen-export: --quote-names and --quote-phrases apply to --family tac "
                        "and graph\n");
        return 2;
    }
    if (g_aggregated && g_family != F_CQD && g_family != F_ACS) {
        fprintf(stderr, "gen-export: --aggregated needs --family cqd or acs\n");
        return 2;
    }
    if (g_aggregated && (bytes || repeat || g_tricky)) {
        fprintf(stderr, "gen-export: --aggregated counts --rows calls; no --bytes, --repeat or "
                        "--tricky\n");
        return 2;
    }
    obuf = xmalloc(OBUF_SIZE);
    setup(); /* users are independent of the seed */
    rng_state = mix64(seed ^ 0xd1a7e5c0de5eedULL);
    repeat_rng = mix64(seed ^ 0x2e9ea7ULL);
    quote_rng = mix64(seed ^ 0x9a07e5ULL);

    /* spread the calls over ~30 days, 0.5 s .. 1 h apart on average */
    uint64_t est_rows = bytes ? bytes / (g_family == F_ACS ? 150 : g_family == F_CQD ? 250 : 420)
                              : rows;
    if (est_rows == 0)
        est_rows = 1;
    int64_t gap = (int64_t)(30 * TICKS_PER_DAY / (int64_t)est_rows);
    if (gap < TICKS_PER_SEC / 2)
        gap = TICKS_PER_SEC / 2;
    if (gap > 3600 * TICKS_PER_SEC)
        gap = 3600 * TICKS_PER_SEC;
    if (days) /* the mean gap that fills N days with the whole stream, skipped calls included:
               * an hour of shape s holds 8 h / (s gap) calls */
        gap = (int64_t)days * day_capacity() / (int64_t)(est_rows + skip);
    g_gap_mean = gap > 0 ? gap : 1;
    g_now = start;
    g_incident_at = start + INCIDENT_HOUR * 3600 * TICKS_PER_SEC;
    g_end = start + (int64_t)days * TICKS_PER_DAY;

    if (outpath) {
        ofd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (ofd < 0) {
            perror(outpath);
            return 1;
        }
    }

    void (*row)(const call_t *) = g_family == F_TAC     ? row_tac
                                  : g_family == F_GRAPH ? row_graph
                                  : g_family == F_CQD   ? row_cqd
                                                        : row_acs;
    write_header();
    call_t c;
    for (uint64_t k = 0; k < skip; k++) { /* the same stream, its first calls left out */
        size_t from = olen;
        do
            gen_call(&c);
        while (!recorded(&c));
        if (!g_aggregated)
            row(&c);
        olen = from;
    }
    for (g_row = 0;; g_row++) {
        if (bytes ? oflushed + olen >= bytes : g_row >= rows)
            break;
        if (repeat && repeat_below(100) < repeat && repeat_row())
            continue;
        do
            gen_call(&c);
        while (!recorded(&c));
        if (days && c.invite >= g_end) /* --days: the period is over */
            break;
        if (g_aggregated) {
            count_call(&c);
            continue;
        }
        size_t from = olen;
        row(&c);
        if (repeat)
            remember_row(from);
    }
    if (g_aggregated)
        write_groups(g_row);
    flush_out();
    if (outpath && close(ofd) != 0) {
        perror(outpath);
        return 1;
    }
    return 0;
}
