/*
 * measure: run a command, append its wall time and peak RSS to a file.
 *
 * Usage: measure OUTFILE -- CMD [ARGS...]
 *
 * Runs CMD with stdout sent to /dev/null (stderr untouched), waits for it with wait4(2) and
 * appends one line to OUTFILE:
 *     wall_s=<seconds, 6 decimals> maxrss_kib=<peak resident set, KiB> exit=<status>
 *     cpu_s=<user + system seconds of CMD, 6 decimals>
 * exit is CMD's exit status, or 128+N when a signal N killed it, or 127 when it could not be
 * started. measure exits with that same status (2 for its own usage errors).
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fputs("usage: measure OUTFILE -- CMD [ARGS...]\n", stderr);
        return 2;
    }
    const char *outfile = argv[1];
    /* open first: a bad OUTFILE should not cost a whole run */
    FILE *out = fopen(outfile, "a");
    if (!out) {
        fprintf(stderr, "measure: %s: %s\n", outfile, strerror(errno));
        return 2;
    }

    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "measure: fork: %s\n", strerror(errno));
        return 2;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull < 0 || dup2(devnull, STDOUT_FILENO) < 0) {
            fprintf(stderr, "measure: /dev/null: %s\n", strerror(errno));
            _exit(127);
        }
        close(devnull);
        execvp(argv[3], &argv[3]);
        fprintf(stderr, "measure: %s: %s\n", argv[3], strerror(errno));
        _exit(127);
    }

    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
            return 2;
        }
    }
    double wall = now_s() - t0;

    int code;
    if (WIFEXITED(status))
        code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        code = 128 + WTERMSIG(status);
    else
        code = 1;

    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    fprintf(out, "wall_s=%.6f maxrss_kib=%ld exit=%d cpu_s=%.6f\n", wall, ru.ru_maxrss, code, cpu);
    if (fclose(out) != 0) {
        fprintf(stderr, "measure: %s: %s\n", outfile, strerror(errno));
        return code ? code : 2;
    }
    return code;
}
