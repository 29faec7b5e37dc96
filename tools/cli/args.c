/* args.c — strict command-line options from a table.
 *
 * Every value is checked in full: a whole number must be all digits ("5x" is refused, not read
 * as 5) and inside the option's range (a value that overflows is "too large", never wrapped);
 * a real number must be finite and inside its interval, which the message prints in the
 * usual notation ([0, 1) includes 0 and excludes 1).  `--name value` and `--name=value` both
 * work; `--` ends the options.  An unknown option gets the nearest known one suggested
 * (Levenshtein distance). */
#include "cli.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "brain %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'brain %s --help'.\n", cmd);
    return CLI_USAGE;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "brain %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_RUNTIME;
}

int cli_lib_fail(const char *cmd)
{
    const char *e = brain_last_error();
    return cli_fail(cmd, "%s", e && e[0] ? e : "failed (no message)");
}

bool cli_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static void to_stderr(const char *text, void *user)
{
    (void)user;
    fputs(text, stderr);
    fflush(stderr);
}

void cli_print_to_stderr(void) { brain_set_print_hook(to_stderr, NULL); }

int cli_auto_verbose(void) { return isatty(STDERR_FILENO) ? BRAIN_PROGRESS_BAR : BRAIN_ONE_LINE_PER_EPOCH; }

int cli_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return 99;
    int d[65][65];
    for (size_t i = 0; i <= n; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

/* ------------------------------------------------------------------ values */
static int parse_int(const char *cmd, const cli_opt *o, const char *v, long long *out)
{
    const char *p = v;
    if (*p == '+' || *p == '-') p++;
    bool digits = *p != 0;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9') digits = false;
    if (!digits) return cli_usage(cmd, "%s: \"%s\" is not a whole number", o->name, v);
    errno = 0;
    long long x = strtoll(v, NULL, 10);
    if ((errno == ERANGE && x > 0) || x > o->imax)
        return cli_usage(cmd, "%s: %s is too large (at most %lld)", o->name, v, o->imax);
    if (errno == ERANGE || x < o->imin)
        return cli_usage(cmd, "%s: %s is too small (at least %lld)", o->name, v, o->imin);
    *out = x;
    return CLI_OK;
}

static int parse_double(const char *cmd, const cli_opt *o, const char *v, double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    bool blank = !*v || *v == ' ' || *v == '\t';
    if (blank || *end || end == v) return cli_usage(cmd, "%s: \"%s\" is not a number", o->name, v);
    if (!isfinite(x)) return cli_usage(cmd, "%s: %s is not a finite number", o->name, v);
    bool below = o->lo_open ? !(x > o->lo) : !(x >= o->lo);
    bool above = o->hi_open ? !(x < o->hi) : !(x <= o->hi);
    if (below || above) {
        char hi[32];
        if (isinf(o->hi)) snprintf(hi, sizeof hi, "inf");
        else snprintf(hi, sizeof hi, "%g", o->hi);
        return cli_usage(cmd, "%s: %s is not in %c%g, %s%c", o->name, v, o->lo_open ? '(' : '[', o->lo, hi,
                         o->hi_open || isinf(o->hi) ? ')' : ']');
    }
    *out = x;
    return CLI_OK;
}

static int set_value(const char *cmd, const cli_opt *o, const char *v)
{
    long long i = 0;
    double d = 0;
    int rc;
    switch (o->kind) {
    case CLI_FLAG: *(bool *)o->dst = true; return CLI_OK;
    case CLI_INT:
        if ((rc = parse_int(cmd, o, v, &i))) return rc;
        *(int *)o->dst = (int)i;
        return CLI_OK;
    case CLI_INT64:
        if ((rc = parse_int(cmd, o, v, &i))) return rc;
        *(int64_t *)o->dst = (int64_t)i;
        return CLI_OK;
    case CLI_DOUBLE:
        if ((rc = parse_double(cmd, o, v, &d))) return rc;
        *(double *)o->dst = d;
        return CLI_OK;
    case CLI_STRING:
        if (!*v) return cli_usage(cmd, "%s: the value is empty", o->name);
        *(const char **)o->dst = v;
        return CLI_OK;
    case CLI_CHOICE: {
        char list[256] = "";
        const char *near = NULL;
        int best = 99;
        for (const char *const *c = o->choices; *c; c++) {
            if (!strcmp(*c, v)) { *(const char **)o->dst = *c; return CLI_OK; }
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", c == o->choices ? "" : ", ", *c);
            int dd = cli_edit_distance(v, *c);
            if (dd < best) { best = dd; near = *c; }
        }
        if (near && best <= 2)
            return cli_usage(cmd, "%s: \"%s\" is not one of %s; did you mean '%s'?", o->name, v, list, near);
        return cli_usage(cmd, "%s: \"%s\" is not one of %s", o->name, v, list);
    }
    case CLI_LIST:
        if (!*v) return cli_usage(cmd, "%s: the value is empty", o->name);
        if (*o->count >= o->max_items) return cli_usage(cmd, "%s: given more than %d times", o->name, o->max_items);
        ((const char **)o->dst)[(*o->count)++] = v;
        return CLI_OK;
    }
    return CLI_USAGE;
}

/* ------------------------------------------------------------------ parsing */
static const cli_opt *find(const cli_opt *opts, const char *name, size_t len)
{
    for (const cli_opt *o = opts; o->name; o++) {
        if (strlen(o->name) == len && !strncmp(o->name, name, len)) return o;
        if (o->alias && strlen(o->alias) == len && !strncmp(o->alias, name, len)) return o;
    }
    return NULL;
}

static int unknown(const cli_cmd_help *cmd, const cli_opt *opts, const char *a, size_t len)
{
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(len < 120 ? len : 120), a);
    const char *near = strcmp("--help", name) && cli_edit_distance(name, "--help") <= 2 ? "--help" : NULL;
    int best = near ? cli_edit_distance(name, "--help") : 99;
    for (const cli_opt *o = opts; o->name; o++) {
        int d = cli_edit_distance(name, o->name);
        if (d < best) { best = d; near = o->name; }
    }
    /* close enough to be a typo: at most 2 edits, or a third of the name */
    if (near && (best <= 2 || best * 3 <= (int)strlen(name)))
        return cli_usage(cmd->name, "unknown option '%s'; did you mean '%s'?", name, near);
    return cli_usage(cmd->name, "unknown option '%s'", name);
}

int cli_parse(const cli_cmd_help *cmd, const cli_opt *opts, int argc, char **argv, const char **pos, int max_pos,
              int *n_pos, bool *help)
{
    *n_pos = 0;
    *help = false;
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || !a[1]) {          /* positional ("-" alone is one too) */
            if (*n_pos >= max_pos)
                return max_pos ? cli_usage(cmd->name, "too many arguments: '%s' (expected %s)", a, cmd->usage)
                               : cli_usage(cmd->name, "unexpected argument '%s'", a);
            pos[(*n_pos)++] = a;
            continue;
        }
        if (!strcmp(a, "--")) { only_pos = true; continue; }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            cli_print_help(cmd, opts, stdout);
            *help = true;
            return CLI_OK;
        }
        const char *eq = strncmp(a, "--", 2) ? NULL : strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const cli_opt *o = find(opts, a, len);
        if (!o) return unknown(cmd, opts, a, len);
        if (o->kind == CLI_FLAG) {
            if (eq) return cli_usage(cmd->name, "%s takes no value (given \"%s\")", o->name, eq + 1);
            *(bool *)o->dst = true;
            continue;
        }
        const char *v = eq ? eq + 1 : NULL;
        if (!v) {
            if (i + 1 >= argc) return cli_usage(cmd->name, "%s needs a value (%s)", o->name, o->metavar ? o->metavar : "VALUE");
            v = argv[++i];
        }
        int rc = set_value(cmd->name, o, v);
        if (rc) return rc;
    }
    return CLI_OK;
}

void cli_print_help(const cli_cmd_help *cmd, const cli_opt *opts, FILE *f)
{
    fprintf(f, "usage: brain %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->about);
    if (opts && opts->name) fprintf(f, "\noptions:\n");
    for (const cli_opt *o = opts; o && o->name; o++) {
        char left[64];
        if (o->alias) snprintf(left, sizeof left, "%s, %s%s%s", o->alias, o->name, o->kind == CLI_FLAG ? "" : " ",
                               o->kind == CLI_FLAG ? "" : o->metavar ? o->metavar : "VALUE");
        else snprintf(left, sizeof left, "%s%s%s", o->name, o->kind == CLI_FLAG ? "" : " ",
                      o->kind == CLI_FLAG ? "" : o->metavar ? o->metavar : "VALUE");
        if (strlen(left) > 24) fprintf(f, "  %s\n  %-24s %s\n", left, "", o->help);
        else fprintf(f, "  %-24s %s\n", left, o->help);
    }
    fprintf(f, "  %-24s %s\n", "-h, --help", "show this help");
    fprintf(f, "\nexit status: 0 success, 1 runtime error, 2 usage error\n");
}
