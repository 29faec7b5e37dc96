/* progbar.c — the live training display, as Keras draws it:
 *   15/15 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - accuracy: 0.9341 - loss: 0.1843
 * verbose 2 prints one line per epoch:  15/15 - 0s - 2ms/step - accuracy: ... */
#include "progbar.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void brain__progbar_init(brain_progbar *p, int64_t target, int verbose)
{
    memset(p, 0, sizeof *p);
    p->target = target;
    p->verbose = verbose;
    /* silent: nothing will be drawn, so skip the clock and the isatty() ioctl (a system call that
     * was a sixth of a 1-row brain_predict) */
    if (verbose != 1 && verbose != 2) return;
    p->start = brain__now();
    p->color = isatty(STDOUT_FILENO);
}

static int fmt_value(char *b, size_t cap, double v, bool abs_test)
{
    /* Python's f"{v:.4f}" writes every NaN as "nan"; printf keeps the sign bit ("-nan"). */
    if (isnan(v)) return snprintf(b, cap, "nan");
    double t = abs_test ? fabs(v) : v;
    return snprintf(b, cap, t > 1e-3 ? "%.4f" : "%.4e", v);
}

static int fmt_per_step(char *b, size_t cap, double sec)
{
    if (sec >= 1) return snprintf(b, cap, "%.0fs/step", sec);
    if (sec >= 1e-3) return snprintf(b, cap, "%.0fms/step", sec * 1e3);
    return snprintf(b, cap, "%.0fus/step", sec * 1e6);
}

static int fmt_duration(char *b, size_t cap, double sec)
{
    long s = (long)sec;
    if (s >= 3600) return snprintf(b, cap, "%ld:%02ld:%02ld", s / 3600, (s % 3600) / 60, s % 60);
    if (s >= 60) return snprintf(b, cap, "%ld:%02ld", s / 60, s % 60);
    return snprintf(b, cap, "%lds", s);
}

static size_t append_logs(char *line, size_t k, size_t cap, const brain_logs *logs, bool abs_test)
{
    for (int i = 0; logs && i < logs->n && k < cap; i++) {
        k += (size_t)snprintf(line + k, cap - k, " - %s: ", logs->names[i]);
        if (k < cap) k += (size_t)fmt_value(line + k, cap - k, logs->values[i], abs_test);
    }
    return k < cap ? k : cap - 1;
}

void brain__progbar_update(brain_progbar *p, int64_t current, const brain_logs *logs, bool finalize)
{
    if (p->verbose != 1 && p->verbose != 2) return; /* silent: no clock read either */
    double now = brain__now();
    if (current == 1 && p->first_step_end == 0) p->first_step_end = now;
    if (p->verbose == 2 && !finalize) return;
    /* a live bar needs a terminal; in a log only the closing line is written */
    if (p->verbose == 1 && !finalize && (!p->color || (now - p->last_update < 0.05 && current < p->target))) return;
    p->last_update = now;

    /* time per step excludes the first step (compilation in Keras, cache warm-up here) */
    double per = current > 1 && p->first_step_end > 0 ? (now - p->first_step_end) / (double)(current - 1)
                                                      : (now - p->start) / (double)(current ? current : 1);
    char line[2048];
    size_t k = 0, cap = sizeof line;
    int digits = 1;
    for (int64_t t = p->target; t >= 10; t /= 10) digits++;

    if (p->verbose == 2) {
        k += (size_t)snprintf(line + k, cap - k, "%*lld/%lld - ", digits, (long long)current, (long long)p->target);
        k += (size_t)fmt_duration(line + k, cap - k, now - p->start);
        k += (size_t)snprintf(line + k, cap - k, " - ");
        k += (size_t)fmt_per_step(line + k, cap - k, per);
        k = append_logs(line, k, cap, logs, false);
        snprintf(line + k, cap - k, "\n");
        brain__print_raw(line);
        return;
    }

    const char *bold = p->color ? "\x1b[1m" : "", *reset = p->color ? "\x1b[0m" : "";
    const char *green = p->color ? "\x1b[32m" : "", *grey = p->color ? "\x1b[37m" : "";
    k += (size_t)snprintf(line + k, cap - k, "%s%s%*lld/%lld%s ", p->color ? "\r" : "", bold, digits, (long long)current,
                          (long long)p->target, reset);
    int width = 20, done = p->target ? (int)(width * (double)current / (double)p->target) : width;
    if (done > width) done = width;
    if (done > 0) {
        k += (size_t)snprintf(line + k, cap - k, "%s", green);
        for (int i = 0; i < done; i++) k += (size_t)snprintf(line + k, cap - k, "\u2501");
        k += (size_t)snprintf(line + k, cap - k, "%s", reset);
    }
    k += (size_t)snprintf(line + k, cap - k, "%s", grey);
    for (int i = done; i < width; i++) k += (size_t)snprintf(line + k, cap - k, "\u2501");
    k += (size_t)snprintf(line + k, cap - k, "%s ", reset);
    if (current < p->target) {
        k += (size_t)snprintf(line + k, cap - k, "%s", bold);
        k += (size_t)fmt_duration(line + k, cap - k, per * (double)(p->target - current));
        k += (size_t)snprintf(line + k, cap - k, "%s", reset);
    } else {
        k += (size_t)snprintf(line + k, cap - k, "%.0fs", now - p->start);
    }
    k += (size_t)snprintf(line + k, cap - k, " ");
    k += (size_t)fmt_per_step(line + k, cap - k, per);
    k = append_logs(line, k, cap, logs, true);
    /* pad over a longer previous line */
    int width_now = (int)k;
    for (int i = width_now; i < p->prev_width && k + 1 < cap; i++) line[k++] = ' ';
    line[k] = 0;
    p->prev_width = width_now;
    if (finalize && k + 1 < cap) { line[k++] = '\n'; line[k] = 0; }
    brain__print_raw(line);
}
