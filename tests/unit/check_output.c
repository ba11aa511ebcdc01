/* check_output.c - atomic report files: commit renames into place, abort and
 * failures leave no temporary file, devices are written directly. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suites.h"
#include "dt_output.h"
#include "test_util.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/dt-output-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    umask(022);
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
    rmdir(dir);
}

static size_t dir_entries(void)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char *path_in_dir(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* Copies the path of name in the test directory into out (512 bytes). */
static void dir_path(char *out, const char *name)
{
    snprintf(out, 512, "%s", path_in_dir(name));
}

static void assert_content(const char *path, const char *want)
{
    char buf[256] = "";
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    ck_assert_str_eq(buf, want);
}

static void write_report(const char *path, const char *text)
{
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_msg(dt_output_open(&out, path, &err) == DT_OK, "%s", err.msg);
    fputs(text, out.fp);
    ck_assert_msg(dt_output_commit(&out, &err) == DT_OK, "%s", err.msg);
    ck_assert_ptr_null(out.fp);
}

START_TEST(test_commit_new_file)
{
    char *path = path_in_dir("report.json");
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, path, &err), DT_OK);
    ck_assert_ptr_nonnull(out.tmp_path);
    ck_assert_int_eq(strncmp(out.tmp_path, path, strlen(path)), 0);
    fputs("{}\n", out.fp);
    ck_assert_int_eq(access(path, F_OK), -1); /* nothing at the final path before commit */
    ck_assert_int_eq(dt_output_commit(&out, &err), DT_OK);
    assert_content(path, "{}\n");
    ck_assert_uint_eq(dir_entries(), 1);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0644); /* 0666 less the umask, not mkstemp's 0600 */
}
END_TEST

START_TEST(test_commit_replaces)
{
    char *path = path_in_dir("report.txt");
    write_report(path, "old report, longer than the new one\n");
    ck_assert_int_eq(chmod(path, 0600), 0);
    write_report(path, "new\n");
    assert_content(path, "new\n");
    ck_assert_uint_eq(dir_entries(), 1);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600); /* an existing file keeps its mode */
}
END_TEST

START_TEST(test_commit_through_symlink)
{
    char target[512], link[512];
    snprintf(target, sizeof target, "%s", path_in_dir("target.txt"));
    snprintf(link, sizeof link, "%s", path_in_dir("link.txt"));
    write_report(target, "old\n");
    ck_assert_int_eq(symlink("target.txt", link), 0);
    write_report(link, "new\n");
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    assert_content(target, "new\n");
    ck_assert_uint_eq(dir_entries(), 2);
}
END_TEST

START_TEST(test_abort)
{
    char *path = path_in_dir("report.txt");
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, path, &err), DT_OK);
    fputs("half a report", out.fp);
    dt_output_abort(&out);
    ck_assert_uint_eq(dir_entries(), 0);
    ck_assert_ptr_null(out.fp);
    ck_assert_ptr_null(out.tmp_path);
    /* An existing report survives an aborted run. */
    write_report(path, "kept\n");
    ck_assert_int_eq(dt_output_open(&out, path, &err), DT_OK);
    fputs("partial", out.fp);
    dt_output_abort(&out);
    assert_content(path, "kept\n");
    ck_assert_uint_eq(dir_entries(), 1);
}
END_TEST

START_TEST(test_missing_directory)
{
    char path[512], want[600];
    snprintf(path, sizeof path, "%s/no-such-dir/report.json", dir);
    snprintf(want, sizeof want, "cannot write '%s': No such file or directory", path);
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, path, &err), DT_ERR_OUTPUT);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(out.fp);
    ck_assert_uint_eq(dir_entries(), 0);
}
END_TEST

START_TEST(test_directory_as_path)
{
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, dir, &err), DT_ERR_OUTPUT);
    ck_assert_contains(err.msg, "Is a directory");
}
END_TEST

START_TEST(test_dev_full)
{
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, "/dev/full", &err), DT_OK);
    ck_assert_ptr_null(out.tmp_path); /* a device is written directly */
    fputs("report\n", out.fp);
    ck_assert_int_eq(dt_output_commit(&out, &err), DT_ERR_OUTPUT);
    ck_assert_str_eq(err.msg, "cannot write '/dev/full': No space left on device");
    ck_assert_ptr_null(out.fp);
}
END_TEST

START_TEST(test_dev_null)
{
    write_report("/dev/null", "discarded\n");
    struct stat st;
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode)); /* not replaced by a regular file */
}
END_TEST

START_TEST(test_stdout)
{
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, "-", &err), DT_OK);
    ck_assert_ptr_eq(out.fp, stdout);
    ck_assert_int_eq(dt_output_commit(&out, &err), DT_OK);
    ck_assert_int_eq(dt_output_open(&out, NULL, &err), DT_OK);
    ck_assert_ptr_eq(out.fp, stdout);
    ck_assert_ptr_null(out.path);
    dt_output_abort(&out);
    ck_assert_int_eq(fileno(stdout), 1); /* still open */
}
END_TEST

/* A temporary file in $TMPDIR: usable, and nameless from the start. */
START_TEST(test_temp_file)
{
    setenv("TMPDIR", dir, 1); /* each test runs in a process of its own */
    ck_assert_str_eq(dt_temp_dir(), dir);
    int fd = dt_temp_file("dt-test.XXXXXX");
    ck_assert_int_ge(fd, 0);
    ck_assert_uint_eq(dir_entries(), 0);
    ck_assert_int_eq(write(fd, "abc", 3), 3);
    char back[4] = "";
    ck_assert_int_eq(pread(fd, back, 3, 0), 3);
    ck_assert_str_eq(back, "abc");
    close(fd);
    setenv("TMPDIR", "", 1);
    ck_assert_str_eq(dt_temp_dir(), "/tmp");
    setenv("TMPDIR", path_in_dir("missing"), 1);
    errno = 0;
    ck_assert_int_eq(dt_temp_file("dt-test.XXXXXX"), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_read_only_directory)
{
    if (geteuid() == 0)
        return; /* root writes anywhere */
    ck_assert_int_eq(chmod(dir, 0555), 0);
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, path_in_dir("r.txt"), &err), DT_ERR_OUTPUT);
    ck_assert_contains(err.msg, "Permission denied");
    chmod(dir, 0755);
}
END_TEST

/* Several outputs: renamed only when every one closed without error. */
START_TEST(test_commit_all)
{
    dt_output_t outs[3];
    dt_error_t err = {{0}};
    write_report(path_in_dir("b.json"), "old\n");
    ck_assert_int_eq(dt_output_open(&outs[0], path_in_dir("a.html"), &err), DT_OK);
    ck_assert_int_eq(dt_output_open(&outs[1], path_in_dir("b.json"), &err), DT_OK);
    ck_assert_int_eq(dt_output_open(&outs[2], path_in_dir("c.md"), &err), DT_OK);
    ck_assert(dt_output_is_file(&outs[0]));
    for (int i = 0; i < 3; i++)
        fputs("new\n", outs[i].fp);
    ck_assert_int_eq(dt_output_commit_all(outs, 3, &err), DT_OK);
    assert_content(path_in_dir("a.html"), "new\n");
    assert_content(path_in_dir("b.json"), "new\n");
    assert_content(path_in_dir("c.md"), "new\n");
    ck_assert_uint_eq(dir_entries(), 3);
}
END_TEST

START_TEST(test_commit_all_or_none)
{
    dt_output_t outs[3];
    dt_error_t err = {{0}};
    write_report(path_in_dir("b.json"), "old\n");
    ck_assert_int_eq(dt_output_open(&outs[0], path_in_dir("a.html"), &err), DT_OK);
    ck_assert_int_eq(dt_output_open(&outs[1], "/dev/full", &err), DT_OK);
    ck_assert(!dt_output_is_file(&outs[1]));
    ck_assert_int_eq(dt_output_open(&outs[2], path_in_dir("b.json"), &err), DT_OK);
    for (int i = 0; i < 3; i++)
        fputs("new\n", outs[i].fp);
    ck_assert_int_eq(dt_output_commit_all(outs, 3, &err), DT_ERR_OUTPUT);
    ck_assert_str_eq(err.msg, "cannot write '/dev/full': No space left on device");
    /* a.html never appeared, b.json kept its old content, no temporary file left */
    ck_assert_int_eq(access(path_in_dir("a.html"), F_OK), -1);
    assert_content(path_in_dir("b.json"), "old\n");
    ck_assert_uint_eq(dir_entries(), 1);
    for (int i = 0; i < 3; i++)
        ck_assert_ptr_null(outs[i].fp);
}
END_TEST

/* A dangling symlink is written through, as a live one: its target is
 * created (also at the end of a chain of links), the link stays a link. */
START_TEST(test_commit_through_dangling_symlink)
{
    char a[512], b[512], target[512];
    dir_path(a, "a.txt");
    dir_path(b, "b.txt");
    dir_path(target, "target.txt");
    ck_assert_int_eq(symlink("b.txt", a), 0);
    ck_assert_int_eq(symlink(target, b), 0); /* absolute */
    write_report(a, "through\n");
    struct stat st;
    ck_assert_int_eq(lstat(a, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(lstat(b, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    assert_content(target, "through\n");
    ck_assert_uint_eq(dir_entries(), 3);

    /* A link into a missing directory fails naming the target. */
    char c[512];
    dir_path(c, "c.txt");
    ck_assert_int_eq(symlink("missing/x.txt", c), 0);
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, c, &err), DT_ERR_OUTPUT);
    ck_assert_contains(err.msg, "missing/x.txt': No such file or directory");
    /* A loop of links is refused. */
    char d[512];
    dir_path(d, "d.txt");
    ck_assert_int_eq(symlink("d.txt", d), 0);
    ck_assert_int_eq(dt_output_open(&out, d, &err), DT_ERR_OUTPUT);
    ck_assert_contains(err.msg, "Too many levels of symbolic links");
}
END_TEST

/* A FIFO nobody reads is refused at once; one with a reader is written. */
START_TEST(test_fifo)
{
    char *path = path_in_dir("out.fifo");
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    dt_output_t out;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&out, path, &err), DT_ERR_OUTPUT);
    ck_assert_contains(err.msg, "a FIFO that no process reads");
    int reader = open(path, O_RDONLY | O_NONBLOCK);
    ck_assert_int_ge(reader, 0);
    ck_assert_msg(dt_output_open(&out, path, &err) == DT_OK, "%s", err.msg);
    ck_assert_ptr_null(out.tmp_path);
    fputs("through the pipe\n", out.fp);
    ck_assert_int_eq(dt_output_commit(&out, &err), DT_OK);
    char buf[64] = "";
    ck_assert_int_eq(read(reader, buf, sizeof buf - 1), 17);
    ck_assert_str_eq(buf, "through the pipe\n");
    close(reader);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
}
END_TEST

/* What a signal handler calls: every open output's temporary file goes, the
 * final path is untouched. */
START_TEST(test_remove_temps)
{
    char a[512], b[512];
    dir_path(a, "a.txt");
    dir_path(b, "b.txt");
    write_report(a, "kept\n");
    dt_output_t oa, ob;
    dt_error_t err = {{0}};
    ck_assert_int_eq(dt_output_open(&oa, a, &err), DT_OK);
    ck_assert_int_eq(dt_output_open(&ob, b, &err), DT_OK);
    fputs("half", oa.fp);
    ck_assert_uint_eq(dir_entries(), 3);
    dt_output_remove_temps();
    ck_assert_uint_eq(dir_entries(), 1);
    assert_content(a, "kept\n");
    dt_output_abort(&oa);
    dt_output_abort(&ob);
    /* Committed or aborted outputs are no longer registered. */
    write_report(b, "new\n");
    dt_output_remove_temps();
    assert_content(b, "new\n");
    ck_assert_uint_eq(dir_entries(), 2);
}
END_TEST

/* -o naming an input: same device and inode, through links and stdin. */
START_TEST(test_same_file)
{
    char a[512], link[512], other[512];
    dir_path(a, "in.csv");
    dir_path(link, "link.csv");
    dir_path(other, "other.csv");
    write_report(a, "x\n");
    write_report(other, "x\n");
    ck_assert_int_eq(symlink("in.csv", link), 0);
    ck_assert(dt_output_same_file(a, a));
    ck_assert(dt_output_same_file(link, a));
    ck_assert(dt_output_same_file(a, link));
    ck_assert(!dt_output_same_file(other, a));
    ck_assert(!dt_output_same_file(path_in_dir("missing.txt"), a));
    ck_assert(!dt_output_same_file(NULL, a));
    ck_assert(!dt_output_same_file("-", a));
    int saved = dup(STDIN_FILENO);
    int fd = open(a, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    dup2(fd, STDIN_FILENO);
    close(fd);
    ck_assert(dt_output_same_file(link, "-"));
    ck_assert(!dt_output_same_file(other, "-"));
    dup2(saved, STDIN_FILENO);
    close(saved);
}
END_TEST

Suite *dt_suite_output(void)
{
    Suite *s = suite_create("output");
    TCase *t = tcase_create("output");
    tcase_add_checked_fixture(t, make_dir, remove_dir);
    tcase_add_test(t, test_commit_new_file);
    tcase_add_test(t, test_commit_replaces);
    tcase_add_test(t, test_commit_through_symlink);
    tcase_add_test(t, test_abort);
    tcase_add_test(t, test_missing_directory);
    tcase_add_test(t, test_directory_as_path);
    tcase_add_test(t, test_dev_full);
    tcase_add_test(t, test_dev_null);
    tcase_add_test(t, test_stdout);
    tcase_add_test(t, test_temp_file);
    tcase_add_test(t, test_read_only_directory);
    tcase_add_test(t, test_commit_all);
    tcase_add_test(t, test_commit_all_or_none);
    tcase_add_test(t, test_commit_through_dangling_symlink);
    tcase_add_test(t, test_fifo);
    tcase_add_test(t, test_remove_temps);
    tcase_add_test(t, test_same_file);
    suite_add_tcase(s, t);
    return s;
}
