/* check_source.c - sources: files as blocks, BOM removal, encodings, errors. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_fixture.h"
#include "check_suites.h"
#include "dt_source.h"
#include "test_util.h"

#define CSV "Final SIP code,Final Microsoft subcode\n403,560403\n"

/* Reads the first source of a path through dt_source_read; returns the
 * status and the bytes. */
static dt_status_t read_all(const char *path, char **out, size_t *len, dt_error_t *err)
{
    dt_sources_t *set;
    dt_source_t *src = NULL;
    *out = NULL;
    *len = 0;
    dt_status_t st = dt_sources_open(&set, path, err);
    if (st)
        return st;
    st = dt_sources_next(set, &src, err);
    ck_assert(st != DT_OK || src != NULL);
    size_t cap = 0;
    while (st == DT_OK) {
        const unsigned char *data;
        size_t n;
        st = dt_source_read(src, &data, &n, err);
        if (st || n == 0)
            break;
        ck_assert_uint_le(n, DT_SOURCE_BLOCK);
        if (*len + n + 1 > cap) {
            cap = (*len + n + 1) * 2;
            *out = realloc(*out, cap);
            ck_assert_ptr_nonnull(*out);
        }
        memcpy(*out + *len, data, n);
        *len += n;
    }
    if (!*out)
        *out = calloc(1, 1);
    dt_sources_close(set);
    return st;
}

/* Opens path and moves to its first source. */
static dt_source_t *first_source(dt_sources_t **set, const char *path)
{
    dt_error_t err = {{0}};
    dt_source_t *src = NULL;
    ck_assert_msg(dt_sources_open(set, path, &err) == DT_OK, "%s", err.msg);
    ck_assert_msg(dt_sources_next(*set, &src, &err) == DT_OK, "%s", err.msg);
    ck_assert_ptr_nonnull(src);
    return src;
}

START_TEST(test_plain)
{
    char *path = tu_temp_text("a,b\n1,2\n");
    char *data;
    size_t len;
    dt_error_t err = {{0}};
    ck_assert_msg(read_all(path, &data, &len, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(len, 8);
    ck_assert_mem_eq(data, "a,b\n1,2\n", 8);
    free(data);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_utf8_bom)
{
    char *path = tu_temp_text("\xEF\xBB\xBF"
                              "a,b\n");
    dt_sources_t *set;
    dt_source_t *src = first_source(&set, path);
    dt_error_t err = {{0}};
    ck_assert_uint_eq(dt_source_size(src), 7);
    ck_assert_str_eq(dt_source_name(src), path);
    const unsigned char *data;
    size_t len;
    ck_assert(dt_source_read(src, &data, &len, &err) == DT_OK);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(data, "a,b\n", 4);
    ck_assert_uint_eq(dt_source_bytes(src), 7);
    ck_assert(dt_source_read(src, &data, &len, &err) == DT_OK);
    ck_assert_uint_eq(len, 0);
    ck_assert(dt_source_read(src, &data, &len, &err) == DT_OK);
    ck_assert_msg(len == 0, "end of input stays the end");
    ck_assert(dt_sources_next(set, &src, &err) == DT_OK);
    ck_assert_msg(src == NULL, "a plain file is one source");
    dt_sources_close(set);
    tu_temp_remove(path);
}
END_TEST

/* Reads size bytes as a file: they must come back as they are. */
static void expect_read_whole(const char *bytes, size_t size)
{
    char *path = tu_temp_file(bytes, size);
    char *data;
    size_t len;
    dt_error_t err = {{0}};
    ck_assert_msg(read_all(path, &data, &len, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(len, size);
    ck_assert_mem_eq(data, bytes, size);
    free(data);
    tu_temp_remove(path);
}

START_TEST(test_bom_only_first_block)
{
    /* A BOM-like sequence later in the file is data. */
    size_t size = DT_SOURCE_BLOCK + 10;
    char *bytes = malloc(size);
    ck_assert_ptr_nonnull(bytes);
    memset(bytes, 'x', size);
    memcpy(bytes + DT_SOURCE_BLOCK, "\xEF\xBB\xBF", 3);
    expect_read_whole(bytes, size);
    free(bytes);
}
END_TEST

/* Reads len bytes as a file: it must fail with DT_ERR_INPUT at line 1, the
 * message naming the file, the encoding `what` and the iconv hint. */
static void expect_encoding_error(const char *bytes, size_t len, const char *what)
{
    char *path = tu_temp_file(bytes, len);
    char *data;
    size_t n;
    dt_error_t err = {{0}};
    ck_assert_int_eq(read_all(path, &data, &n, &err), DT_ERR_INPUT);
    char want[4200];
    snprintf(want, sizeof want, "%s:1: the file is %s text", path, what);
    ck_assert_contains(err.msg, want);
    ck_assert_contains(err.msg, "iconv");
    free(data);
    tu_temp_remove(path);
}

START_TEST(test_utf16le_bom)
{
    const char text[] = "\xFF\xFE"
                        "a\0,\0b\0\n\0";
    expect_encoding_error(text, sizeof text - 1, "UTF-16");
}
END_TEST

START_TEST(test_utf16_without_bom)
{
    const char le[] = "a\0,\0b\0\n\0", be[] = "\0a\0,\0b\0\n";
    expect_encoding_error(le, sizeof le - 1, "UTF-16 (no byte-order mark)");
    expect_encoding_error(be, sizeof be - 1, "UTF-16 (no byte-order mark)");
}
END_TEST

START_TEST(test_utf32)
{
    const char text[] = "\xFF\xFE\0\0a\0\0\0";
    expect_encoding_error(text, sizeof text - 1, "UTF-32");
}
END_TEST

START_TEST(test_directory)
{
    char *dir = tu_temp_dir();
    dt_sources_t *set;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_sources_open(&set, dir, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, dir);
    ck_assert_contains(err.msg, "directory");
    tu_temp_remove(dir);
}
END_TEST

START_TEST(test_missing)
{
    dt_sources_t *set;
    dt_error_t err = {{0}};
    const char *path = "/nonexistent/drtriage/calls.csv";
    ck_assert_int_eq(dt_sources_open(&set, path, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, path);
    ck_assert_contains(err.msg, "cannot open");
}
END_TEST

START_TEST(test_empty)
{
    char *path = tu_temp_file("", 0);
    dt_sources_t *set;
    dt_source_t *src = first_source(&set, path);
    dt_error_t err = {{0}};
    const unsigned char *data;
    size_t len = 99;
    ck_assert(dt_source_read(src, &data, &len, &err) == DT_OK);
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(dt_source_size(src), 0);
    dt_sources_close(set);
    tu_temp_remove(path);

    /* A file holding only a BOM is empty too. */
    path = tu_temp_text("\xEF\xBB\xBF");
    char *all;
    ck_assert(read_all(path, &all, &len, &err) == DT_OK);
    ck_assert_uint_eq(len, 0);
    free(all);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_large)
{
    size_t size = 3 * DT_SOURCE_BLOCK + 123;
    char *bytes = malloc(size);
    ck_assert_ptr_nonnull(bytes);
    for (size_t i = 0; i < size; i++)
        bytes[i] = (char)('a' + i % 26);
    expect_read_whole(bytes, size);
    free(bytes);
}
END_TEST

/* ---- standard input ---- */

/* Makes the file at path standard input (each Check test runs in its own process). */
static void stdin_from(const char *path)
{
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
}

START_TEST(test_stdin)
{
    char *path = tu_temp_text(CSV);
    stdin_from(path);
    dt_sources_t *set;
    dt_source_t *src = first_source(&set, "-");
    ck_assert_str_eq(dt_source_name(src), "<stdin>");
    ck_assert_str_eq(dt_sources_name(set), "<stdin>");
    ck_assert(!dt_source_in_archive(src));
    dt_sources_close(set);
    char *data;
    size_t len;
    dt_error_t err = {{0}};
    stdin_from(path);
    ck_assert(read_all("-", &data, &len, &err) == DT_OK);
    ck_assert_uint_eq(len, strlen(CSV));
    ck_assert_mem_eq(data, CSV, len);
    free(data);
    tu_temp_remove(path);
}
END_TEST

/* ---- archives ---- */

/* Reads a whole source; returns the status, the bytes in *out (free it). */
static dt_status_t slurp_source(dt_source_t *src, char **out, size_t *len, dt_error_t *err)
{
    size_t cap = 1;
    *out = malloc(cap);
    *len = 0;
    for (;;) {
        const unsigned char *data;
        size_t n;
        dt_status_t st = dt_source_read(src, &data, &n, err);
        if (st || n == 0)
            return st;
        if (*len + n > cap)
            *out = realloc(*out, cap = (*len + n) * 2);
        ck_assert_ptr_nonnull(*out);
        memcpy(*out + *len, data, n);
        *len += n;
    }
}

/* Checks that the next source is called name and holds text. */
static void expect_source(dt_sources_t *set, const char *name, const char *leaf, bool member,
                          const char *text)
{
    dt_source_t *src = NULL;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_sources_next(set, &src, &err) == DT_OK, "%s", err.msg);
    ck_assert_msg(src != NULL, "no source where %s was expected", name);
    ck_assert_str_eq(dt_source_name(src), name);
    ck_assert_str_eq(dt_source_leaf(src), leaf);
    ck_assert_msg(dt_source_in_archive(src) == member, "%s: in_archive", name);
    char *data;
    size_t len;
    ck_assert_msg(slurp_source(src, &data, &len, &err) == DT_OK, "%s", err.msg);
    ck_assert_uint_eq(len, strlen(text));
    ck_assert_mem_eq(data, text, len);
    free(data);
}

static void expect_end(dt_sources_t *set)
{
    dt_source_t *src = (dt_source_t *)1;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_sources_next(set, &src, &err) == DT_OK, "%s", err.msg);
    ck_assert_ptr_null(src);
}

/* The error the path ends with: opening it, moving through its sources or
 * reading one of them; fails the test if there is none. */
#define path_error(path, err) path_error_at((path), (err), __LINE__)
static dt_status_t path_error_at(const char *path, dt_error_t *err, int line)
{
    dt_sources_t *set;
    dt_status_t st = dt_sources_open(&set, path, err);
    dt_source_t *src;
    while (st == DT_OK && (st = dt_sources_next(set, &src, err)) == DT_OK && src) {
        char *data;
        size_t len;
        st = slurp_source(src, &data, &len, err);
        free(data);
    }
    dt_sources_close(set);
    ck_assert_msg(st != DT_OK, "%s: read without an error (line %d)", path, line);
    return st;
}

START_TEST(test_zip_members)
{
    const ta_member_t members[] = {
        TA_TEXT("DirectRouting.calls.2026-11-01.csv", CSV),
        {.name = "export/", .data = NULL, .len = 0, .directory = true},
        TA_TEXT("export/PSTN.calls.2026-11-01.csv", "UsageId,Charge\nu1,0.1\n"),
        TA_TEXT("parameters.json", "\xEF\xBB\xBF{\"a\": 1}\n"),
    };
    char *path = tu_temp_archive("zip", members, 4);
    char name[4200];
    dt_sources_t *set;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_sources_open(&set, path, &err) == DT_OK, "%s", err.msg);
    ck_assert_str_eq(dt_sources_name(set), path);
    snprintf(name, sizeof name, "%s:DirectRouting.calls.2026-11-01.csv", path);
    expect_source(set, name, "DirectRouting.calls.2026-11-01.csv", true, CSV);
    snprintf(name, sizeof name, "%s:export/PSTN.calls.2026-11-01.csv", path);
    expect_source(set, name, "PSTN.calls.2026-11-01.csv", true, "UsageId,Charge\nu1,0.1\n");
    snprintf(name, sizeof name, "%s:parameters.json", path);
    expect_source(set, name, "parameters.json", true, "{\"a\": 1}\n"); /* BOM removed */
    expect_end(set);
    expect_end(set);
    dt_sources_close(set);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_member_left_unread)
{
    /* A member read only in part, or not at all, is read past. */
    const ta_member_t members[] = {TA_TEXT("a.csv", CSV), TA_TEXT("b.csv", "x\n")};
    char *path = tu_temp_archive("tar.gz", members, 2);
    dt_sources_t *set;
    first_source(&set, path); /* left unread */
    char name[4200];
    snprintf(name, sizeof name, "%s:b.csv", path);
    expect_source(set, name, "b.csv", true, "x\n");
    expect_end(set);
    dt_sources_close(set);
    tu_temp_remove(path);
}
END_TEST

static const char *const stream_kinds[] = {"gz", "bz2", "xz", "zst"};

START_TEST(test_compressed_stream)
{
    /* One compressed stream is one input named after the file. */
    const ta_member_t member = TA_TEXT("calls.csv", "\xEF\xBB\xBF" CSV);
    char *path = tu_temp_archive(stream_kinds[_i], &member, 1);
    dt_sources_t *set;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_sources_open(&set, path, &err) == DT_OK, "%s", err.msg);
    const char *slash = strrchr(path, '/');
    expect_source(set, path, slash ? slash + 1 : path, false, CSV);
    expect_end(set);
    dt_sources_close(set);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_compressed_stdin)
{
    const ta_member_t member = TA_TEXT("calls.csv", CSV);
    char *gz = tu_temp_archive("gz", &member, 1);
    stdin_from(gz);
    dt_sources_t *set;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_sources_open(&set, "-", &err) == DT_OK, "%s", err.msg);
    expect_source(set, "<stdin>", "<stdin>", false, CSV);
    expect_end(set);
    dt_sources_close(set);

    const ta_member_t members[] = {TA_TEXT("a.csv", CSV), TA_TEXT("b.csv", CSV)};
    char *zip = tu_temp_archive("zip", members, 2);
    stdin_from(zip);
    ck_assert_msg(dt_sources_open(&set, "-", &err) == DT_OK, "%s", err.msg);
    expect_source(set, "<stdin>:a.csv", "a.csv", true, CSV);
    expect_source(set, "<stdin>:b.csv", "b.csv", true, CSV);
    expect_end(set);
    dt_sources_close(set);
    tu_temp_remove(gz);
    tu_temp_remove(zip);
}
END_TEST

/* Reads a temporary file into memory (free it). */
static char *file_bytes(const char *path, size_t *len)
{
    char *data = tu_read_file(path, len);
    ck_assert_ptr_nonnull(data);
    return data;
}

START_TEST(test_nested)
{
    const ta_member_t csv = TA_TEXT("calls.csv", CSV);
    char *gz = tu_temp_archive("gz", &csv, 1);
    char *inner = tu_temp_archive("zip", &csv, 1);
    size_t gz_len, inner_len;
    char *gz_bytes = file_bytes(gz, &gz_len), *inner_bytes = file_bytes(inner, &inner_len);
    const ta_member_t members[] = {
        {.name = "day1.csv.gz", .data = gz_bytes, .len = gz_len},
        {.name = "Calls.Export.1.zip", .data = inner_bytes, .len = inner_len},
    };
    char *outer = tu_temp_archive("tar.xz", members, 2);
    dt_sources_t *set;
    dt_error_t err = {{0}};
    char name[4200];
    ck_assert_msg(dt_sources_open(&set, outer, &err) == DT_OK, "%s", err.msg);
    snprintf(name, sizeof name, "%s:day1.csv.gz", outer);
    expect_source(set, name, "day1.csv.gz", true, CSV);
    snprintf(name, sizeof name, "%s:Calls.Export.1.zip:calls.csv", outer);
    expect_source(set, name, "calls.csv", true, CSV);
    expect_end(set);
    dt_sources_close(set);
    free(gz_bytes);
    free(inner_bytes);
    tu_temp_remove(gz);
    tu_temp_remove(inner);
    tu_temp_remove(outer);
}
END_TEST

START_TEST(test_nested_too_deep)
{
    /* A zip in a zip in a zip in a zip: one level more than is opened. */
    ta_member_t member = TA_TEXT("calls.csv", CSV);
    char *path = NULL, *bytes = NULL;
    for (int level = 0; level <= DT_SOURCE_DEPTH_MAX; level++) {
        char *next = tu_temp_archive("zip", &member, 1);
        free(bytes);
        tu_temp_remove(path);
        path = next;
        size_t len;
        bytes = file_bytes(path, &len);
        member = (ta_member_t){.name = "inner.zip", .data = bytes, .len = len};
    }
    dt_error_t err = {{0}};
    ck_assert_int_eq(path_error(path, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "inner.zip:inner.zip:inner.zip");
    ck_assert_contains(err.msg, "at most 3 levels");
    free(bytes);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_member_short_first_block)
{
    /* Stored members come in the pieces the file was read in: the second one
     * starts 10 bytes before the end of the first 64 KiB block. Its start is
     * still seen whole: the BOM goes, and UTF-16 is still recognised. */
    size_t pad = DT_SOURCE_BLOCK - 30 - 2 * strlen("pad.txt") - 10;
    char *filler = malloc(pad);
    ck_assert_ptr_nonnull(filler);
    memset(filler, 'p', pad);
    char text[2048];
    snprintf(text, sizeof text, "\xEF\xBB\xBF%s", CSV);
    for (size_t n = strlen(text); n < 1500; n = strlen(text))
        strcat(text, "403,560403\n");
    const ta_member_t members[] = {{.name = "pad.txt", .data = filler, .len = pad},
                                   {.name = "calls.csv", .data = text, .len = strlen(text)}};
    char *path = tu_temp_archive("zip-store", members, 2);
    dt_sources_t *set;
    first_source(&set, path); /* the padding */
    dt_error_t err = {{0}};
    char name[4200];
    snprintf(name, sizeof name, "%s:calls.csv", path);
    expect_source(set, name, "calls.csv", true, text + 3);
    dt_sources_close(set);
    tu_temp_remove(path);

    const char utf16[] = "\xFF\xFE" "F\0i\0n\0a\0l\0";
    const ta_member_t wide[] = {{.name = "pad.txt", .data = filler, .len = pad},
                                {.name = "calls.csv", .data = utf16, .len = sizeof utf16 - 1}};
    path = tu_temp_archive("zip-store", wide, 2);
    ck_assert_int_eq(path_error(path, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "calls.csv:1: the file is UTF-16 text");
    ck_assert_contains(err.msg, "Extract it and convert it first");
    tu_temp_remove(path);
    free(filler);
}
END_TEST

START_TEST(test_binary_member)
{
    const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const char wide[] = "\xFF\xFE" "a\0,\0b\0";
    const ta_member_t members[] = {{.name = "logo.png", .data = png, .len = sizeof png - 1},
                                   {.name = "wide.csv", .data = wide, .len = sizeof wide - 1},
                                   TA_TEXT("calls.csv", CSV)};
    char *path = tu_temp_archive("zip", members, 3);
    dt_sources_t *set;
    dt_source_t *src = first_source(&set, path);
    dt_error_t err = {{0}};
    ck_assert(dt_source_is_binary(src));
    ck_assert(dt_sources_next(set, &src, &err) == DT_OK && src);
    ck_assert_msg(!dt_source_is_binary(src), "UTF-16 is text (refused with a hint)");
    ck_assert(dt_sources_next(set, &src, &err) == DT_OK && src);
    ck_assert(!dt_source_is_binary(src));
    dt_sources_close(set);
    tu_temp_remove(path);
}
END_TEST

/* Letters that deflate cannot shrink much. */
static void random_letters(char *buf, size_t n)
{
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf[i] = (char)('a' + x % 26);
    }
}

START_TEST(test_progress_counts_archive_bytes)
{
    static char big[200000];
    random_letters(big, sizeof big);
    const ta_member_t members[] = {{.name = "a.csv", .data = big, .len = sizeof big}, TA_TEXT("b.csv", CSV)};
    char *path = tu_temp_archive("zip", members, 2);
    size_t size;
    free(file_bytes(path, &size));
    dt_sources_t *set;
    dt_source_t *src = first_source(&set, path);
    dt_error_t err = {{0}};
    ck_assert_uint_eq(dt_source_size(src), size);
    uint64_t before = dt_source_bytes(src);
    char *data;
    size_t len;
    ck_assert(slurp_source(src, &data, &len, &err) == DT_OK);
    free(data);
    ck_assert_uint_eq(len, sizeof big);
    ck_assert_uint_gt(dt_source_bytes(src), before);
    ck_assert_uint_le(dt_source_bytes(src), size);
    ck_assert(dt_sources_next(set, &src, &err) == DT_OK && src);
    ck_assert_uint_eq(dt_source_size(src), size);
    dt_sources_close(set);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_read_ahead_partly_read)
{
    /* A member read ahead in a worker, left after one block: the rest is
     * read past for the next member, or the worker ends with the path. */
    static char big[3 << 20];
    random_letters(big, sizeof big);
    const ta_member_t members[] = {{.name = "a.csv", .data = big, .len = sizeof big},
                                   TA_TEXT("b.csv", CSV)};
    char *path = tu_temp_archive("tar.xz", members, 2);
    char name[4200];
    snprintf(name, sizeof name, "%s:b.csv", path);
    for (int close_early = 0; close_early <= 1; close_early++) {
        dt_sources_t *set;
        dt_source_t *src;
        dt_error_t err = {{0}};
        ck_assert(dt_sources_open(&set, path, &err) == DT_OK);
        ck_assert(dt_sources_next(set, &src, &err) == DT_OK && src);
        const unsigned char *data;
        size_t len = 0, got = 0;
        for (int i = 0; i < 3; i++) { /* past the head, into the worker's blocks */
            ck_assert(dt_source_read(src, &data, &len, &err) == DT_OK);
            ck_assert_uint_gt(len, 0);
            ck_assert_mem_eq(data, big + got, len);
            got += len;
        }
        if (!close_early) {
            expect_source(set, name, "b.csv", true, CSV);
            expect_end(set);
        }
        dt_sources_close(set);
    }
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_corrupt)
{
    static char text[20000];
    random_letters(text, sizeof text);
    const ta_member_t members[] = {{.name = "calls.csv", .data = text, .len = sizeof text}};
    char *path = tu_temp_archive("zip", members, 1);
    size_t len;
    char *bytes = file_bytes(path, &len);
    memset(bytes + 200, 0xff, 64); /* inside the deflate data */
    char *bad = tu_temp_file(bytes, len);
    dt_error_t err = {{0}};
    ck_assert_int_eq(path_error(bad, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, ":calls.csv: damaged or truncated archive");
    tu_temp_remove(bad);

    /* Cut in the middle of the member, and cut inside the gzip header. */
    bad = tu_temp_file(bytes, len / 2);
    ck_assert_int_eq(path_error(bad, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, ":calls.csv: damaged or truncated archive");
    tu_temp_remove(bad);
    free(bytes);
    tu_temp_remove(path);

    path = tu_temp_archive("gz", members, 1);
    bytes = file_bytes(path, &len);
    bad = tu_temp_file(bytes, len - 6);
    ck_assert_int_eq(path_error(bad, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, bad);
    ck_assert_contains(err.msg, "damaged or truncated");
    tu_temp_remove(bad);
    bad = tu_temp_file(bytes, 6);
    ck_assert_int_eq(path_error(bad, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "damaged or truncated");
    tu_temp_remove(bad);
    free(bytes);
    tu_temp_remove(path);

    /* The magic of a zip, then garbage. */
    bad = tu_temp_text("PK\x03\x04 this is not a zip at all, only its first four bytes");
    ck_assert_int_eq(path_error(bad, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "damaged or truncated archive");
    tu_temp_remove(bad);
}
END_TEST

START_TEST(test_bomb)
{
    /* 64 MiB of one short line compress to less than 100 KB; reading stops
     * once the expanded bytes pass the grace and 100 times the bytes read. */
    const char line[] = "403,560403,sbc1.contoso.com,Forbidden\n";
    const uint64_t size = (uint64_t)64 << 20;
    const ta_member_t bomb = {.name = "calls.csv", .data = line, .len = sizeof line - 1, .size = size};
    const char *const kinds[] = {"gz", "zip", "tar.xz"};
    for (size_t k = 0; k < 3; k++) {
        char *path = tu_temp_archive(kinds[k], &bomb, 1);
        dt_sources_t *set;
        dt_source_t *src;
        dt_error_t err = {{0}};
        ck_assert(dt_sources_open(&set, path, &err) == DT_OK);
        ck_assert(dt_sources_next(set, &src, &err) == DT_OK && src);
        uint64_t got = 0;
        dt_status_t st;
        for (;;) {
            const unsigned char *data;
            size_t n;
            if ((st = dt_source_read(src, &data, &n, &err)) || n == 0)
                break;
            got += n;
        }
        ck_assert_msg(st == DT_ERR_INPUT, "%s: read %llu bytes without an error", kinds[k],
                      (unsigned long long)got);
        ck_assert_contains(err.msg, "a decompression bomb?");
        ck_assert_contains(err.msg, "more than 100 times");
        ck_assert_msg(got < size && got <= DT_SOURCE_EXPANSION_GRACE +
                                              DT_SOURCE_EXPANSION_MAX * dt_source_bytes(src) +
                                              DT_SOURCE_BLOCK * 4,
                      "%s: %llu bytes delivered", kinds[k], (unsigned long long)got);
        dt_sources_close(set);
        tu_temp_remove(path);
    }
}
END_TEST

START_TEST(test_bomb_in_skipped_member)
{
    /* Data nobody reads counts too: the bomb is the member passed over. */
    const ta_member_t members[] = {{.name = "big.bin", .data = "x", .len = 1, .size = (uint64_t)64 << 20},
                                   TA_TEXT("calls.csv", CSV)};
    char *path = tu_temp_archive("tar.gz", members, 2);
    dt_sources_t *set;
    dt_source_t *src = first_source(&set, path);
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_sources_next(set, &src, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "big.bin: expands to more than 100 times");
    dt_sources_close(set);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_too_many_members)
{
    size_t n = DT_SOURCE_MEMBERS_MAX + 1;
    ta_member_t *members = calloc(n, sizeof *members);
    char (*names)[16] = calloc(n, sizeof *names);
    ck_assert(members && names);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "m%zu.csv", i);
        members[i] = (ta_member_t){.name = names[i], .data = "x\n", .len = 2};
    }
    char *path = tu_temp_archive("zip-store", members, n);
    dt_sources_t *set;
    dt_source_t *src;
    dt_error_t err = {{0}};
    ck_assert(dt_sources_open(&set, path, &err) == DT_OK);
    size_t yielded = 0;
    dt_status_t st;
    while ((st = dt_sources_next(set, &src, &err)) == DT_OK && src)
        yielded++;
    ck_assert_int_eq(st, DT_ERR_INPUT);
    ck_assert_uint_eq(yielded, DT_SOURCE_MEMBERS_MAX);
    ck_assert_contains(err.msg, "more than 10000 files in the archive");
    dt_sources_close(set);
    tu_temp_remove(path);
    free(members);
    free(names);
}
END_TEST

START_TEST(test_not_archives)
{
    /* Text that starts with letters of a magic number is text. */
    const char *const texts[] = {"BZh91AY,Final SIP code\n403\n", "PK,Final SIP code\nx\n",
                                 "\x1f,x\n"};
    for (size_t i = 0; i < 3; i++) {
        char *path = tu_temp_text(texts[i]);
        dt_sources_t *set;
        dt_error_t err = {{0}};
        ck_assert(dt_sources_open(&set, path, &err) == DT_OK);
        expect_source(set, path, strrchr(path, '/') + 1, false, texts[i]);
        expect_end(set);
        dt_sources_close(set);
        tu_temp_remove(path);
    }
}
END_TEST

START_TEST(test_sparse_and_encrypted)
{
    ta_member_t sparse = TA_TEXT("calls.csv", CSV);
    sparse.sparse = true;
    char *path = tu_temp_archive("tar", &sparse, 1);
    dt_error_t err = {{0}};
    ck_assert_int_eq(path_error(path, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, ":calls.csv: a sparse file");
    tu_temp_remove(path);

    const ta_member_t member = TA_TEXT("calls.csv", CSV);
    path = tu_temp_archive("zip-encrypted", &member, 1);
    ck_assert_int_eq(path_error(path, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, ":calls.csv: encrypted (the archive has a password)");
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_empty_archive)
{
    char *path = tu_temp_archive("zip", NULL, 0);
    dt_sources_t *set;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_sources_open(&set, path, &err) == DT_OK, "%s", err.msg);
    expect_end(set);
    dt_sources_close(set);
    tu_temp_remove(path);
}
END_TEST

Suite *dt_suite_source(void)
{
    Suite *s = suite_create("source");
    TCase *t = tcase_create("file");
    tcase_add_test(t, test_plain);
    tcase_add_test(t, test_utf8_bom);
    tcase_add_test(t, test_bom_only_first_block);
    tcase_add_test(t, test_utf16le_bom);
    tcase_add_test(t, test_utf16_without_bom);
    tcase_add_test(t, test_utf32);
    tcase_add_test(t, test_directory);
    tcase_add_test(t, test_missing);
    tcase_add_test(t, test_empty);
    tcase_add_test(t, test_large);
    tcase_add_test(t, test_stdin);
    suite_add_tcase(s, t);

    TCase *a = tcase_create("archive");
    tcase_set_timeout(a, 60);
    tcase_add_test(a, test_zip_members);
    tcase_add_test(a, test_member_left_unread);
    tcase_add_loop_test(a, test_compressed_stream, 0, 4);
    tcase_add_test(a, test_compressed_stdin);
    tcase_add_test(a, test_nested);
    tcase_add_test(a, test_nested_too_deep);
    tcase_add_test(a, test_member_short_first_block);
    tcase_add_test(a, test_binary_member);
    tcase_add_test(a, test_progress_counts_archive_bytes);
    tcase_add_test(a, test_read_ahead_partly_read);
    tcase_add_test(a, test_corrupt);
    tcase_add_test(a, test_bomb);
    tcase_add_test(a, test_bomb_in_skipped_member);
    tcase_add_test(a, test_too_many_members);
    tcase_add_test(a, test_not_archives);
    tcase_add_test(a, test_sparse_and_encrypted);
    tcase_add_test(a, test_empty_archive);
    suite_add_tcase(s, a);
    return s;
}
