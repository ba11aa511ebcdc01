/* test_util.c - see test_util.h. */
#include "dt_codes.h"
#include "archive_fixture.h"
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char tu_base_rules[] =
    "[action a-one]\n"
    "title = First action\n"
    "owner = sbc\n"
    "text = Do the first thing.\n"
    "\n"
    "[action a-two]\n"
    "title = Second action\n"
    "owner = tenant\n"
    "text = Do the second thing.\n"
    "doc = /some/page\n"
    "doc = https://example.com/other\n"
    "\n"
    "[action sbc-fallback]\n"
    "title = The SBC answered\n"
    "owner = sbc\n"
    "text = Read the SBC log.\n"
    "\n"
    "[action class-4]\n"
    "title = Some 4xx\n"
    "owner = tenant\n"
    "text = Look at the request.\n"
    "\n"
    "[origin 560]\n"
    "origin = sbc\n"
    "sip-from-code = yes\n"
    "action = sbc-fallback\n"
    "\n"
    "[origin *]\n"
    "origin = microsoft\n"
    "\n"
    "[sip-class 4]\n"
    "action = class-4\n"
    "\n"
    "[ner]\n"
    "effective-sip = 486 487\n"
    "min-calls = 5\n";

void tu_rules_embedded(dt_rules_t *rules)
{
    dt_error_t err = {{0}};
    dt_rules_init(rules);
    dt_status_t st = dt_rules_load_embedded(rules, &err);
    ck_assert_msg(st == DT_OK, "embedded rules: %s", err.msg);
    st = dt_rules_finish(rules, &err);
    ck_assert_msg(st == DT_OK, "embedded rules finish: %s", err.msg);
}

dt_status_t tu_rules_text(dt_rules_t *rules, const char *name, unsigned layer, const char *text,
                          dt_error_t *err)
{
    return dt_rules_load_text(rules, name, layer, text, strlen(text), err);
}

void tu_rules_on_base(dt_rules_t *rules, const char *name, const char *text)
{
    dt_error_t err = {{0}};
    dt_rules_init(rules);
    ck_assert_msg(tu_rules_text(rules, "base.rules", 0, tu_base_rules, &err) == DT_OK, "%s",
                  err.msg);
    ck_assert_msg(tu_rules_text(rules, name, 1, text, &err) == DT_OK, "%s: %s", name, err.msg);
}

static const char *temp_root(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

char *tu_temp_file(const void *data, size_t len)
{
    char *path = malloc(4096);
    ck_assert_ptr_nonnull(path);
    snprintf(path, 4096, "%s/drtriage-test-XXXXXX", temp_root());
    int fd = mkstemp(path);
    ck_assert_msg(fd >= 0, "mkstemp %s failed", path);
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        ck_assert_msg(n > 0, "write to %s failed", path);
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return path;
}

char *tu_temp_text(const char *text)
{
    return tu_temp_file(text, strlen(text));
}

char *tu_temp_archive(const char *kind, const struct ta_member *members, size_t n)
{
    char *path = tu_temp_file("", 0);
    char why[512];
    ck_assert_msg(ta_write(path, kind, members, n, why, sizeof why) == 0, "%s", why);
    return path;
}

char *tu_temp_dir(void)
{
    char *path = malloc(4096);
    ck_assert_ptr_nonnull(path);
    snprintf(path, 4096, "%s/drtriage-test-XXXXXX", temp_root());
    ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp %s failed", path);
    return path;
}

void tu_temp_remove(char *path)
{
    if (!path)
        return;
    if (unlink(path) != 0)
        rmdir(path);
    free(path);
}

const char *tu_repo_file(const char *relative)
{
    static char buf[4096];
    static const char *const prefixes[] = {"", "../", "../../"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", prefixes[i], relative);
        if (access(buf, R_OK) == 0)
            return buf;
    }
    snprintf(buf, sizeof buf, "%s", relative);
    return buf;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

dt_slice_t *tu_split(const char *text, char delim, size_t *n)
{
    size_t count = 1;
    for (const char *p = text; *p; p++)
        count += *p == delim;
    dt_slice_t *cells = calloc(count, sizeof *cells);
    ck_assert_ptr_nonnull(cells);
    size_t i = 0;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == delim || *p == '\0') {
            cells[i].ptr = start;
            cells[i].len = (size_t)(p - start);
            i++;
            start = p + 1;
            if (*p == '\0')
                break;
        }
    }
    *n = count;
    return cells;
}

/* Checks every sum the report relies on. */
void tu_assert_totals(const dt_aggregate_t *agg)
{
    const dt_totals_t *t = &agg->totals;
    ck_assert_msg(t->rows == t->call_rows + t->rejected + t->excluded + t->duplicates,
                  "rows %llu != call rows %llu + rejected %llu + excluded %llu + duplicates %llu",
                  (unsigned long long)t->rows, (unsigned long long)t->call_rows,
                  (unsigned long long)t->rejected, (unsigned long long)t->excluded,
                  (unsigned long long)t->duplicates);
    uint64_t by_reason = 0;
    for (int why = 0; why < DT_EXCLUDED_COUNT; why++)
        by_reason += t->excluded_by[why];
    ck_assert_uint_eq(by_reason, t->excluded);
    ck_assert_uint_le(t->undated, t->excluded_by[DT_EXCLUDED_FILTER]);
    ck_assert_uint_eq(t->counts.calls, t->counts.succeeded + t->counts.failed);
    uint64_t sum = 0;
    for (int o = 0; o < DT_ORIGIN_COUNT; o++)
        sum += t->counts.failed_by_origin[o];
    ck_assert_msg(sum == t->counts.failed, "origins sum to %llu, failed %llu", (unsigned long long)sum,
                  (unsigned long long)t->counts.failed);
    sum = 0;
    for (size_t a = 0; a <= agg->rules->nactions; a++)
        sum += agg->failed_by_action[a];
    ck_assert_msg(sum == t->counts.failed, "actions sum to %llu", (unsigned long long)sum);
    sum = 0;
    for (size_t i = 0; i < agg->ncodes; i++)
        sum += agg->codes[i].failed;
    ck_assert_msg(sum == t->counts.failed, "code rows sum to %llu", (unsigned long long)sum);
    uint64_t calls = 0, failed = 0, effective = 0;
    for (size_t i = 0; i < agg->sbcs.nrows; i++) {
        calls += agg->sbcs.rows[i].counts.calls;
        failed += agg->sbcs.rows[i].counts.failed;
        effective += agg->sbcs.rows[i].counts.effective;
    }
    ck_assert_uint_eq(calls, t->counts.calls);
    ck_assert_uint_eq(failed, t->counts.failed);
    ck_assert_uint_eq(effective, t->counts.effective);
    uint64_t rows = 0, rejected = 0, call_rows = 0, in_calls = 0, excluded = 0, duplicates = 0;
    for (size_t i = 0; i < agg->ninputs; i++) {
        const dt_input_stats_t *in = &agg->inputs[i];
        ck_assert_uint_eq(in->rows, in->call_rows + in->rejected + in->excluded + in->duplicates);
        if (!in->count_column)
            ck_assert_uint_eq(in->calls, in->call_rows);
        rows += in->rows, rejected += in->rejected, call_rows += in->call_rows;
        in_calls += in->calls, excluded += in->excluded, duplicates += in->duplicates;
    }
    ck_assert_uint_eq(rows, t->rows);
    ck_assert_uint_eq(rejected, t->rejected);
    ck_assert_uint_eq(call_rows, t->call_rows);
    ck_assert_uint_eq(in_calls, t->counts.calls);
    ck_assert_uint_eq(excluded, t->excluded);
    ck_assert_uint_eq(duplicates, t->duplicates);
}

dt_rules_t tu_rules;
dt_codes_t *tu_codes;

void tu_embedded_setup(void)
{
    tu_rules_embedded(&tu_rules);
    dt_error_t err = {{0}};
    tu_codes = dt_codes_new(&tu_rules, 0, &err);
    ck_assert_msg(tu_codes != NULL, "%s", err.msg);
}

void tu_embedded_teardown(void)
{
    dt_codes_free(tu_codes);
    dt_rules_free(&tu_rules);
}
