/* embed - writes a C source file that holds the given files as byte arrays,
 * so the drtriage binary carries its rules and the HTML report's assets with
 * no files installed. Each file also gets the base64 SHA-256 of its bytes,
 * which a Content-Security-Policy names to allow an inline style or script.
 * Usage: embed [-n ARRAY] OUTPUT.c FILE...   (build tool; not part of the product)
 * ARRAY is the name of the dt_embedded_file_t table (default dt_embedded_rules). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- SHA-256 (FIPS 180-4) ---- */

typedef struct {
    uint32_t h[8];
    unsigned char block[64];
    size_t used;
    uint64_t bytes;
} sha256_t;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, unsigned n)
{
    return x >> n | x << (32 - n);
}

static void sha256_block(sha256_t *s)
{
    uint32_t w[64], v[8];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)s->block[4 * i] << 24 | (uint32_t)s->block[4 * i + 1] << 16 |
               (uint32_t)s->block[4 * i + 2] << 8 | s->block[4 * i + 3];
    for (int i = 16; i < 64; i++)
        w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3) + w[i - 7] +
               (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10);
    memcpy(v, s->h, sizeof v);
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
                      ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
        uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
                      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof v[0]);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        s->h[i] += v[i];
}

static void sha256_init(sha256_t *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memset(s, 0, sizeof *s);
    memcpy(s->h, h0, sizeof h0);
}

static void sha256_byte(sha256_t *s, unsigned char c)
{
    s->block[s->used++] = c;
    s->bytes++;
    if (s->used == 64) {
        sha256_block(s);
        s->used = 0;
    }
}

/* Finishes the hash and writes it in base64 (44 characters and a NUL). */
static void sha256_base64(sha256_t *s, char out[45])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint64_t bits = s->bytes * 8;
    sha256_byte(s, 0x80);
    while (s->used != 56)
        sha256_byte(s, 0);
    for (int i = 7; i >= 0; i--)
        sha256_byte(s, (unsigned char)(bits >> (8 * i)));
    unsigned char d[33] = {0};
    for (int i = 0; i < 32; i++)
        d[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
    for (int i = 0, o = 0; i < 33; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | (i + 2 < 33 ? d[i + 2] : 0);
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < 32 ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < 32 ? b64[v & 63] : '=';
    }
    out[44] = '\0';
}

static int emit_file(FILE *out, const char *path, size_t index, char hash[45])
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        perror(path);
        return -1;
    }
    sha256_t sha;
    sha256_init(&sha);
    fprintf(out, "static const unsigned char file_%zu[] = {", index);
    int c;
    size_t n = 0;
    while ((c = fgetc(in)) != EOF) {
        fprintf(out, "%s%u,", n++ % 16 ? "" : "\n    ", (unsigned)c);
        sha256_byte(&sha, (unsigned char)c);
    }
    fprintf(out, "\n    0\n};\n");
    sha256_base64(&sha, hash);
    int failed = ferror(in);
    fclose(in);
    if (failed) {
        perror(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *array = "dt_embedded_rules";
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        array = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: embed [-n ARRAY] OUTPUT.c FILE...\n");
        return 2;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    FILE *out = fopen(tmp, "w");
    char (*hashes)[45] = calloc((size_t)argc, sizeof *hashes);
    if (!out || !hashes) {
        perror(tmp);
        return 2;
    }
    fprintf(out, "/* Generated by scripts/embed.c; do not edit. */\n"
                 "#include <stddef.h>\n#include \"dt_embedded.h\"\n\n");
    for (int i = 2; i < argc; i++)
        if (emit_file(out, argv[i], (size_t)(i - 2), hashes[i]) != 0) {
            fclose(out);
            remove(tmp);
            return 2;
        }
    fprintf(out, "\nconst dt_embedded_file_t %s[] = {\n", array);
    for (int i = 2; i < argc; i++)
        fprintf(out, "    {\"%s\", file_%d, sizeof file_%d - 1, \"%s\"},\n", base_name(argv[i]),
                i - 2, i - 2, hashes[i]);
    fprintf(out, "    {NULL, NULL, 0, NULL}\n};\n");
    free(hashes);
    if (fclose(out) != 0 || rename(tmp, argv[1]) != 0) {
        perror(argv[1]);
        remove(tmp);
        return 2;
    }
    return 0;
}
