/* check_source.c - sources: files as blocks, BOM removal, encodings, errors. */
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dt_source.h"
#include "test_util.h"

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

START_TEST(test_bom_only_first_block)
{
    /* A BOM-like sequence later in the file is data. */
    size_t size = DT_SOURCE_BLOCK + 10;
    char *bytes = malloc(size);
    ck_assert_ptr_nonnull(bytes);
    memset(bytes, 'x', size);
    memcpy(bytes + DT_SOURCE_BLOCK, "\xEF\xBB\xBF", 3);
    char *path = tu_temp_file(bytes, size);
    char *data;
    size_t len;
    dt_error_t err = {{0}};
    ck_assert(read_all(path, &data, &len, &err) == DT_OK);
    ck_assert_uint_eq(len, size);
    ck_assert_mem_eq(data, bytes, size);
    free(data);
    free(bytes);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_utf16le_bom)
{
    const char text[] = "\xFF\xFE"
                        "a\0,\0b\0\n\0";
    char *path = tu_temp_file(text, sizeof text - 1);
    char *data;
    size_t len;
    dt_error_t err = {{0}};
    ck_assert_int_eq(read_all(path, &data, &len, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, path);
    ck_assert_contains(err.msg, "UTF-16");
    ck_assert_contains(err.msg, "iconv");
    free(data);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_utf16_without_bom)
{
    const char le[] = "a\0,\0b\0\n\0";
    char *path = tu_temp_file(le, sizeof le - 1);
    char *data;
    size_t len;
    dt_error_t err = {{0}};
    ck_assert_int_eq(read_all(path, &data, &len, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "UTF-16");
    ck_assert_contains(err.msg, "iconv");
    free(data);
    tu_temp_remove(path);

    const char be[] = "\0a\0,\0b\0\n";
    path = tu_temp_file(be, sizeof be - 1);
    ck_assert_int_eq(read_all(path, &data, &len, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "UTF-16");
    free(data);
    tu_temp_remove(path);
}
END_TEST

START_TEST(test_utf32)
{
    const char text[] = "\xFF\xFE\0\0a\0\0\0";
    char *path = tu_temp_file(text, sizeof text - 1);
    char *data;
    size_t len;
    dt_error_t err = {{0}};
    ck_assert_int_eq(read_all(path, &data, &len, &err), DT_ERR_INPUT);
    ck_assert_contains(err.msg, "UTF-32");
    free(data);
    tu_temp_remove(path);
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
    char *path = tu_temp_file(bytes, size);
    char *data;
    size_t len;
    dt_error_t err = {{0}};
    ck_assert(read_all(path, &data, &len, &err) == DT_OK);
    ck_assert_uint_eq(len, size);
    ck_assert_mem_eq(data, bytes, size);
    free(data);
    free(bytes);
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
    suite_add_tcase(s, t);
    return s;
}
