/* cli_common.c - what every subcommand shares: messages, signals and rules
 * loading. */
#include <signal.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dt_cli.h"
#include "dt_num.h"
#include "dt_output.h"
#include "dt_reader.h"
#include "dt_regex.h"
#include "dt_store.h"
#include "dt_writer.h"
#include "dt_text.h"

/* "drtriage: MESSAGE" on stderr, the message escaped: it may echo arguments,
 * paths, rules text or cells. No newline. */
__attribute__((format(printf, 1, 0))) static void vmessage(const char *fmt, va_list ap)
{
    fputs("drtriage: ", stderr);
    dt_text_vprintf_escaped(stderr, fmt, ap);
}

void dt_cli_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int dt_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return DT_EXIT_ERROR;
}

void dt_cli_column_options(struct option *opts, char names[][DT_CLI_OPTION_NAME_MAX], int code)
{
    for (size_t f = 0; f < DT_FIELD_COUNT; f++) {
        snprintf(names[f], DT_CLI_OPTION_NAME_MAX, "%s-column", dt_field_name((dt_field_t)f));
        opts[f] = (struct option){names[f], required_argument, NULL, code + (int)f};
    }
}

void dt_cli_field_list(char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t f = 0; f < DT_FIELD_COUNT; f++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s",
                 f ? (f % 7 == 0 ? ",\n                         " : ", ") : "",
                 dt_field_name((dt_field_t)f));
}

int dt_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'drtriage %s --help' for more information.\n", command);
    return DT_EXIT_ERROR;
}

/* Removes the temporary report files, then ends the process by the same
 * signal with its default action (SA_RESETHAND restored it; the signal is
 * held until the handler returns), so the parent sees 128 + signal. */
static void on_signal(int sig)
{
    dt_output_remove_temps();
    raise(sig);
}

void dt_cli_handle_signals(void)
{
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue; /* ignored when we started (nohup, a background job): stays so */
        struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

bool dt_cli_rules_option(dt_cli_rules_t *rules, const char *opt, const char *arg,
                         int *exit_code)
{
    if (strcmp(opt, "rules") == 0) {
        if (rules->npaths == sizeof rules->paths / sizeof rules->paths[0]) {
            *exit_code = dt_cli_error("too many --rules (at most 64)");
            return true;
        }
        rules->paths[rules->npaths++] = arg;
        return true;
    }
    if (strcmp(opt, "no-builtin-rules") == 0) {
        rules->builtin = false;
        return true;
    }
    if (strcmp(opt, "no-user-rules") == 0) {
        rules->user = false;
        return true;
    }
    return false;
}

/* Loads one user layer. The default XDG directory is optional: when it
 * cannot be reached (missing, or $HOME not searchable by this user) there is
 * simply no user rules directory; when it exists, errors in it count. */
static dt_status_t load_layer(dt_rules_t *rules, const char *path, unsigned *layer,
                              bool optional, dt_error_t *err)
{
    struct stat sb;
    if (optional && stat(path, &sb) != 0)
        return DT_OK;
    return dt_rules_load_path(rules, path, ++*layer, err);
}

static dt_status_t load_env_rules(dt_rules_t *rules, unsigned *layer, dt_error_t *err)
{
    const char *env = getenv("DRTRIAGE_RULES");
    if (!env || !*env)
        return DT_OK;
    char *list = strdup(env);
    if (!list)
        return dt_fail(err, DT_ERR_NOMEM, "out of memory");
    dt_status_t st = DT_OK;
    char *save = NULL;
    for (char *p = strtok_r(list, ":", &save); p && st == DT_OK; p = strtok_r(NULL, ":", &save))
        st = load_layer(rules, p, layer, false, err);
    free(list);
    return st;
}

static dt_status_t load_xdg_rules(dt_rules_t *rules, unsigned *layer, dt_error_t *err)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char dir[4096];
    if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s/drtriage/rules.d", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.config/drtriage/rules.d", home);
    else
        return DT_OK;
    return load_layer(rules, dir, layer, true, err);
}

bool dt_cli_load_rules(const dt_cli_rules_t *config, dt_rules_t *rules)
{
    dt_error_t err = {{0}};
    unsigned layer = 0;
    dt_status_t st = config->builtin ? dt_rules_load_embedded(rules, &err) : DT_OK;
    if (st == DT_OK && config->user)
        st = load_xdg_rules(rules, &layer, &err);
    if (st == DT_OK && config->user)
        st = load_env_rules(rules, &layer, &err);
    for (size_t i = 0; st == DT_OK && i < config->npaths; i++)
        st = load_layer(rules, config->paths[i], &layer, false, &err);
    if (st == DT_OK)
        st = dt_rules_finish(rules, &err);
    if (st)
        dt_cli_error("%s", err.msg);
    return st == DT_OK;
}

int dt_cli_version(const dt_cli_rules_t *config)
{
    char rules_version[DT_RULES_VERSION_MAX], csv[32], pcre[64];
    dt_rules_t rules;
    dt_rules_init(&rules);
    printf("drtriage %s\n", DRTRIAGE_VERSION);
    fflush(stdout);
    if (dt_cli_load_rules(config, &rules)) {
        dt_rules_version(&rules, config->builtin, rules_version, sizeof rules_version);
        printf("rules %s\n", rules_version);
    } else {
        printf("rules: the user rules cannot be loaded (the message above says why)\n");
    }
    dt_rules_free(&rules);
    dt_reader_library_version(csv, sizeof csv);
    dt_regex_library_version(pcre, sizeof pcre);
    printf("libcsv %s\nPCRE2 %s\nSQLite %s\nlibxlsxwriter %s\n", csv, pcre,
           dt_store_library_version(), dt_write_xlsx_library_version());
    return DT_EXIT_OK;
}

int dt_cli_parse_options(const char *command, int argc, char **argv, const char *shorts,
                         const struct option *longopts,
                         int (*option)(void *ctx, int c, const char *name, const char *arg),
                         void *ctx)
{
    opterr = 0;
    optind = 1;
    int c, index = -1;
    while ((c = getopt_long(argc, argv, shorts, longopts, &index)) != -1) {
        if (c == '?' || c == ':')
            return dt_cli_usage_error(command, "unknown option or missing value: '%s'",
                                      argv[optind - 1]);
        int rc = option(ctx, c, index >= 0 ? longopts[index].name : "", optarg);
        if (rc >= 0)
            return rc;
        index = -1;
    }
    return -1;
}

int dt_cli_stdin_once(const char *command, int argc, char **argv)
{
    int uses = 0;
    for (int i = optind; i < argc; i++)
        uses += strcmp(argv[i], "-") == 0;
    if (uses > 1)
        return dt_cli_usage_error(command, "standard input (-) can be read only once");
    return -1;
}

int dt_cli_max_field_option(size_t *max_field, const char *command, const char *arg)
{
    uint64_t n;
    if (!dt_parse_uint(arg, strlen(arg), (uint64_t)1 << 40, &n) || n < DT_CLI_MAX_FIELD_MIN)
        return dt_cli_usage_error(command, "--max-field '%s': expected a whole number of bytes "
                                           ">= %d", arg, DT_CLI_MAX_FIELD_MIN);
    *max_field = (size_t)n;
    return -1;
}

int dt_cli_date_order_option(dt_date_order_t *order, const char *command, const char *arg)
{
    if (!dt_date_order_parse(arg, order))
        return dt_cli_usage_error(command, "--date-order '%s': expected dmy, mdy or ymd", arg);
    return -1;
}
